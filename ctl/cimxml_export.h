/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CIM-XML export messages (DSP0200 section 7, DSP0201 SIMPLEEXPREQ): what
 * cimrepld POSTs to an indication listener. One request per indication:
 *
 *   <?xml version="1.0" encoding="utf-8" ?>
 *   <CIM CIMVERSION="2.0" DTDVERSION="2.4">
 *    <MESSAGE ID="..." PROTOCOLVERSION="1.0"><SIMPLEEXPREQ>
 *     <EXPMETHODCALL NAME="ExportIndication">
 *      <EXPPARAMVALUE NAME="NewIndication">
 *       <INSTANCE CLASSNAME="CIM_InstModification">...</INSTANCE>
 *
 * with the HTTP headers CIMExport: MethodRequest, CIMExportMethod:
 * ExportIndication and CIMProtocolVersion: 1.0 (ctl/export.c sends them).
 * The indication's SourceInstance and PreviousInstance are embedded
 * instances: escaped INSTANCE text in a string PROPERTY with
 * EmbeddedObject="instance".
 */
#ifndef CIMREPL_CIMXML_EXPORT_H
#define CIMREPL_CIMXML_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"

/*
 * The export request delivering @indication, MESSAGE ID @message_id.
 * malloc'ed and NUL-terminated (length in *@len if @len); NULL with errno
 * set (ENOMEM, EILSEQ for text XML cannot carry, EINVAL).
 */
char *cimxml_export_indication(const char *message_id,
			       const struct cim_instance *indication,
			       size_t *len);

/*
 * Is @buf (@len bytes) a listener's successful answer to an export
 * request: a SIMPLEEXPRSP with an EXPMETHODRESPONSE and no ERROR? On an
 * ERROR, its CODE and DESCRIPTION go to @err.
 */
bool cimxml_export_response_ok(const char *buf, size_t len, char *err,
			       size_t errlen);

#endif /* CIMREPL_CIMXML_EXPORT_H */

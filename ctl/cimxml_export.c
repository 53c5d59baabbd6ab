// SPDX-License-Identifier: GPL-2.0
/*
 * CIM-XML export messages (cimxml_export.h), written with libxml2's
 * xmlTextWriter; the INSTANCE itself is cimxml.c's encoding
 * (cimxml_instance_string()), so an indication is written exactly as
 * instances are everywhere else.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "cimxml.h"
#include "cimxml_export.h"

static bool ok(int rc)
{
	return rc >= 0;
}

char *cimxml_export_indication(const char *message_id,
			       const struct cim_instance *indication,
			       size_t *len)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr w = NULL;
	char *instance, *doc = NULL;
	bool good;
	size_t n;

	if (!message_id || !indication || !indication->classname) {
		errno = EINVAL;
		return NULL;
	}
	instance = cimxml_instance_string(indication);
	if (!instance)
		return NULL;
	xmlInitParser();
	buf = xmlBufferCreate();
	if (buf)
		w = xmlNewTextWriterMemory(buf, 0);
	if (!w) {
		errno = ENOMEM;
		goto out;
	}
	good = ok(xmlTextWriterWriteRaw(w, BAD_CAST
			"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n")) &&
	       ok(xmlTextWriterStartElement(w, BAD_CAST "CIM")) &&
	       ok(xmlTextWriterWriteAttribute(w, BAD_CAST "CIMVERSION",
					      BAD_CAST "2.0")) &&
	       ok(xmlTextWriterWriteAttribute(w, BAD_CAST "DTDVERSION",
					      BAD_CAST "2.4")) &&
	       ok(xmlTextWriterStartElement(w, BAD_CAST "MESSAGE")) &&
	       ok(xmlTextWriterWriteAttribute(w, BAD_CAST "ID",
					      BAD_CAST message_id)) &&
	       ok(xmlTextWriterWriteAttribute(w, BAD_CAST "PROTOCOLVERSION",
					      BAD_CAST "1.0")) &&
	       ok(xmlTextWriterStartElement(w, BAD_CAST "SIMPLEEXPREQ")) &&
	       ok(xmlTextWriterStartElement(w, BAD_CAST "EXPMETHODCALL")) &&
	       ok(xmlTextWriterWriteAttribute(w, BAD_CAST "NAME",
					      BAD_CAST "ExportIndication")) &&
	       ok(xmlTextWriterStartElement(w, BAD_CAST "EXPPARAMVALUE")) &&
	       ok(xmlTextWriterWriteAttribute(w, BAD_CAST "NAME",
					      BAD_CAST "NewIndication")) &&
	       ok(xmlTextWriterWriteRaw(w, BAD_CAST instance)) &&
	       ok(xmlTextWriterEndDocument(w));
	xmlFreeTextWriter(w);	/* flushes into buf */
	w = NULL;
	if (!good) {
		errno = EILSEQ;
		goto out;
	}
	n = (size_t)xmlBufferLength(buf);
	doc = malloc(n + 1);
	if (!doc) {
		errno = ENOMEM;
		goto out;
	}
	memcpy(doc, xmlBufferContent(buf), n);
	doc[n] = '\0';
	if (len)
		*len = n;
out:
	xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	free(instance);
	return doc;
}

static xmlNode *child(xmlNode *parent, const char *name)
{
	xmlNode *c;

	for (c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    !xmlStrcmp(c->name, BAD_CAST name))
			return c;
	return NULL;
}

bool cimxml_export_response_ok(const char *buf, size_t len, char *err,
			       size_t errlen)
{
	xmlDoc *doc;
	xmlNode *rsp, *error;
	xmlChar *code, *desc;
	bool good = false;

	if (err && errlen)
		err[0] = '\0';
	if (!buf || len > CIMXML_MAX_DOCUMENT) {
		snprintf(err, errlen, "no answer");
		return false;
	}
	/* no network, no entities, no DTD: as the request parser reads */
	doc = xmlReadMemory(buf, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING);
	if (!doc) {
		snprintf(err, errlen, "the answer is not XML");
		return false;
	}
	if (doc->intSubset) {
		snprintf(err, errlen, "the answer declares a DTD");
		goto out;
	}
	rsp = child(child(child((xmlNode *)doc, "CIM"), "MESSAGE"),
		    "SIMPLEEXPRSP");
	rsp = child(rsp, "EXPMETHODRESPONSE");
	if (!rsp) {
		snprintf(err, errlen, "the answer is not an EXPMETHODRESPONSE");
		goto out;
	}
	error = child(rsp, "ERROR");
	if (error) {
		code = xmlGetProp(error, BAD_CAST "CODE");
		desc = xmlGetProp(error, BAD_CAST "DESCRIPTION");
		snprintf(err, errlen, "the listener answers ERROR %s%s%s",
			 code ? (const char *)code : "?", desc ? ": " : "",
			 desc ? (const char *)desc : "");
		xmlFree(code);
		xmlFree(desc);
		goto out;
	}
	good = true;
out:
	xmlFreeDoc(doc);
	return good;
}

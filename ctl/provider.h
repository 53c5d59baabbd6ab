/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cimrepld's CIM operations: the handler behind the HTTP front door. It
 * decodes a CIM-XML request (cimxml.c), carries out the intrinsic operation
 * (EnumerateClassNames, EnumerateClasses, GetClass, EnumerateInstanceNames,
 * EnumerateInstances, GetInstance) or the extrinsic method
 * (CIM_ReplicationService.CreateListReplica, CreateElementReplica) and
 * encodes the answer.
 */
#ifndef CIMREPL_PROVIDER_H
#define CIMREPL_PROVIDER_H

#include "daemon.h"
#include "httpd.h"
#include "lio.h"

struct provider {
	struct daemon *d;
	struct lio lio;		/* under d->lock */
	unsigned int wait_poll_ms;	/* WaitForCopyState polling period */
};

/* A cim_httpd_handler; @arg is the struct provider. */
int provider_handle(void *arg, const struct cim_httpd_request *req,
		    struct cim_httpd_response *resp);

#endif /* CIMREPL_PROVIDER_H */

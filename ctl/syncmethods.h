/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CIM layer of CIM_ReplicationService's methods on existing
 * synchronizations: ModifyListSynchronization, ModifyReplicaSynchronization
 * (its one-element form) and GetReplicationRelationships. Decodes and
 * checks the parameters, finds the CIM_StorageSynchronized instances the
 * references name, hands the work to modify.c and encodes the answer
 * (return code, Job, Synchronizations, ErrorDescription).
 */
#ifndef CIMREPL_SYNCMETHODS_H
#define CIMREPL_SYNCMETHODS_H

#include <stdbool.h>
#include <stddef.h>

#include "cimclass.h"
#include "cimxml.h"
#include "provider.h"

/* Is @method one of the methods below? */
bool syncmethods_handles(const char *method);

/*
 * Carry out method @m of the service for @req; caller holds p->d->lock
 * (released while a WaitForCopyState wait polls). Returns the response
 * document (its length in *@len), or NULL for lack of memory.
 */
char *syncmethods_call(struct provider *p, const struct cim_request *req,
		       const struct cim_method *m,
		       const struct cimxml_response *r, size_t *len);

#endif /* CIMREPL_SYNCMETHODS_H */

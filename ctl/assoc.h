/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The association classes clients walk and DSP0200's association
 * operations over them:
 *
 *   CIM_HostedService            CIM_ComputerSystem -> CIM_ReplicationService
 *   CIM_ElementCapabilities      the service -> its capabilities
 *   CIM_ElementConformsToProfile CIM_RegisteredProfile (interop) -> the service
 *   CIM_AllocatedFromStoragePool CIM_StoragePool -> the replicas made from it
 *   CIM_OwningJobElement         the service -> its CIM_ConcreteJobs
 *   CIM_AffectedJobElement       the volumes a job makes -> the job
 *   CIM_StorageSynchronized      source volume -> replica (model.c)
 *
 * Each is a row of the table in assoc.c: its class and how its instances
 * are made from the instances model.c serves. Caller holds d->lock.
 */
#ifndef CIMREPL_ASSOC_H
#define CIMREPL_ASSOC_H

#include <stddef.h>

#include "cim.h"
#include "cimxml.h"
#include "daemon.h"
#include "lio.h"
#include "model.h"

/*
 * Instances of the classes model.c does not build itself: the association
 * classes above (but CIM_StorageSynchronized), CIM_ComputerSystem and
 * CIM_RegisteredProfile. As model_enumerate().
 */
int assoc_enumerate(struct daemon *d, struct lio *lio,
		    const struct cim_class *cls, struct model_list *out);

/* Is @req one of Associators, AssociatorNames, References, ReferenceNames? */
bool assoc_is_operation(const char *method);

/*
 * Carry out the association operation @req in its namespace and encode
 * the response (@r) as the cimxml_respond_*() functions do. Errors:
 * CIM_ERR_INVALID_PARAMETER (no ObjectName, an unknown parameter, an
 * ObjectName of a class not served in the namespace), CIM_ERR_NOT_FOUND
 * (no such instance), CIM_ERR_NOT_SUPPORTED (an ObjectName naming a
 * class: class-level association queries).
 */
char *assoc_operation(struct daemon *d, struct lio *lio,
		      const struct cim_request *req,
		      const struct cimxml_response *r, size_t *len);

#endif /* CIMREPL_ASSOC_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cimrepld's class repository: the declarations of the classes it serves
 * in root/cimv2, as GetClass returns them (clients such as wbemcli type a
 * method's arguments from them). Flattened: each class lists the
 * properties and methods it has, inherited ones included.
 */
#ifndef CIMREPL_CLASSES_H
#define CIMREPL_CLASSES_H

#include <stddef.h>

#include "cimclass.h"

#define CLASS_SERVICE		"CIM_ReplicationService"
#define CLASS_CAPABILITIES	"CIM_ReplicationServiceCapabilities"
#define CLASS_VOLUME		"CIM_StorageVolume"
#define CLASS_POOL		"CIM_StoragePool"
#define CLASS_SYNC		"CIM_StorageSynchronized"
#define CLASS_JOB		"CIM_ConcreteJob"
#define CLASS_SETTING		"CIM_ReplicationSettingData"
#define CLASS_SYSTEM		"CIM_ComputerSystem"
#define CLASS_PROFILE		"CIM_RegisteredProfile"
#define CLASS_HOSTED_SERVICE	"CIM_HostedService"
#define CLASS_ELEMENT_CAPABILITIES "CIM_ElementCapabilities"
#define CLASS_ALLOCATED_FROM_POOL "CIM_AllocatedFromStoragePool"
#define CLASS_OWNING_JOB	"CIM_OwningJobElement"
#define CLASS_AFFECTED_JOB	"CIM_AffectedJobElement"
#define CLASS_CONFORMS_TO_PROFILE "CIM_ElementConformsToProfile"

/* The discovery classes (classes_discovery.c). */
extern const struct cim_class classes_capabilities, classes_system,
	classes_profile, classes_hosted_service, classes_element_capabilities,
	classes_allocated_from_pool, classes_owning_job, classes_affected_job,
	classes_conforms_to_profile;

/* Most classes served (room for lists of them). */
#define CLASSES_MAX		64

/* The class named @name (case-insensitively), or NULL. */
const struct cim_class *classes_find(const char *name);

/* Every class served, in a fixed order; *@n of them. */
const struct cim_class *const *classes_all(size_t *n);

/*
 * Is @name one of @cls's ancestors (or @cls itself)? For requests naming a
 * superclass, e.g. EnumerateInstanceNames of CIM_StorageExtent.
 */
int classes_is_a(const struct cim_class *cls, const char *name);

#endif /* CIMREPL_CLASSES_H */

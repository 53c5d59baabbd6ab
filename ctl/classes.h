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

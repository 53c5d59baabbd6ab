/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespaces cimrepld serves and what a client finds in the interop
 * namespace (SMI-S, DMTF DSP1033 Profile Registration): the registered
 * profiles, each pointing at the central instance that implements it in
 * root/cimv2 through CIM_ElementConformsToProfile; and the system that
 * hosts the service (CIM_ComputerSystem, the scoping instance).
 *
 * root/cimv2 (DAEMON_NAMESPACE) holds the implementation: every class but
 * CIM_RegisteredProfile. The interop namespace, "interop" and its alias
 * "root/interop" (what SMI-S clients try), holds CIM_RegisteredProfile
 * and CIM_ElementConformsToProfile, whose instances are in both.
 */
#ifndef CIMREPL_INTEROP_H
#define CIMREPL_INTEROP_H

#include <stdbool.h>

#include "cimclass.h"
#include "daemon.h"
#include "model.h"

#define INTEROP_ALIAS_NAMESPACE	"root/interop"

/* Is @ns a namespace served here (case-insensitively)? The interop one? */
bool interop_namespace_served(const char *ns);
bool interop_namespace_is_interop(const char *ns);

/* Does namespace @ns hold (instances of) class @cls? */
bool interop_namespace_has_class(const char *ns, const struct cim_class *cls);

/* A profile cimrepl registers, and the class of its central instance. */
struct interop_profile {
	const char *instance_id;
	uint16_t organization;		/* CIMREPL_REGISTERED_ORG_* */
	const char *name;
	const char *version;
	const char *central_class;
};

/* The registered profiles; *@n of them. */
const struct interop_profile *interop_profiles(size_t *n);

/* Instances of CIM_RegisteredProfile and CIM_ComputerSystem (model.h). */
int interop_enumerate_profiles(struct daemon *d, struct model_list *out);
int interop_enumerate_systems(struct daemon *d, struct model_list *out);

#endif /* CIMREPL_INTEROP_H */

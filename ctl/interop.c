// SPDX-License-Identifier: GPL-2.0
/*
 * The interop namespace and the hosting system (interop.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/cimrepl.h>

#include "classes.h"
#include "interop.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Only what cimrepld implements: the SNIA SMI-S Replication Services
 * profile, whose central instance is CIM_ReplicationService. Not the
 * Server profile (no CIM_ObjectManager, CIM_Namespace, ...), not Array
 * (no CIM_StorageConfigurationService, masking...), not Job Control (no
 * CIM_ConcreteJob.GetError, RequestStateChange, job indications).
 */
static const struct interop_profile profiles[] = {
	{ .instance_id = "cimrepl:SNIA:Replication Services:1.6.0",
	  .organization = CIMREPL_REGISTERED_ORG_SNIA,
	  .name = "Replication Services", .version = "1.6.0",
	  .central_class = CLASS_SERVICE },
};

const struct interop_profile *interop_profiles(size_t *n)
{
	*n = N(profiles);
	return profiles;
}

bool interop_namespace_is_interop(const char *ns)
{
	return ns && (!strcasecmp(ns, DAEMON_INTEROP_NAMESPACE) ||
		      !strcasecmp(ns, INTEROP_ALIAS_NAMESPACE));
}

bool interop_namespace_served(const char *ns)
{
	return ns && (!strcasecmp(ns, DAEMON_NAMESPACE) ||
		      interop_namespace_is_interop(ns));
}

bool interop_namespace_has_class(const char *ns, const struct cim_class *cls)
{
	if (!strcasecmp(cls->name, CLASS_CONFORMS_TO_PROFILE))
		return interop_namespace_served(ns);
	if (!strcasecmp(cls->name, CLASS_PROFILE))
		return interop_namespace_is_interop(ns);
	return ns && !strcasecmp(ns, DAEMON_NAMESPACE);
}

static bool add_instance(struct model_list *out, struct cim_instance *inst)
{
	struct cim_instance **grown;

	grown = realloc(out->items, (out->n + 1) * sizeof(*grown));
	if (!grown)
		return false;
	out->items = grown;
	out->items[out->n++] = inst;
	return true;
}

static bool set_u16_list(struct cim_instance *inst, const char *name,
			 unsigned int value)
{
	struct cim_value *v = cim_instance_add_prop(inst, name);
	char text[8];

	if (!v)
		return false;
	snprintf(text, sizeof(text), "%u", value);
	cim_value_set_array(v, CIM_TYPE_UINT16);
	return cim_value_append(v, text);
}

static struct cim_instance *profile_instance(const struct interop_profile *p)
{
	struct cim_instance *inst = cim_instance_new(CLASS_PROFILE);
	char org[8];
	bool ok;

	if (!inst)
		return NULL;
	snprintf(org, sizeof(org), "%u", p->organization);
	inst->path = calloc(1, sizeof(*inst->path));
	ok = inst->path &&
	     cim_path_init(inst->path, NULL, DAEMON_INTEROP_NAMESPACE,
			   CLASS_PROFILE) &&
	     cim_path_add_key(inst->path, "InstanceID", CIM_TYPE_STRING,
			      p->instance_id) &&
	     cim_instance_set_prop(inst, "InstanceID", CIM_TYPE_STRING,
				   p->instance_id) &&
	     cim_instance_set_prop(inst, "ElementName", CIM_TYPE_STRING,
				   p->name) &&
	     cim_instance_set_prop(inst, "RegisteredOrganization",
				   CIM_TYPE_UINT16, org) &&
	     cim_instance_set_prop(inst, "RegisteredName", CIM_TYPE_STRING,
				   p->name) &&
	     cim_instance_set_prop(inst, "RegisteredVersion", CIM_TYPE_STRING,
				   p->version) &&
	     set_u16_list(inst, "AdvertiseTypes", CIMREPL_ADVERTISE_NOT_ADVERTISED);
	if (!ok) {
		cim_instance_free(inst);
		return NULL;
	}
	return inst;
}

int interop_enumerate_profiles(struct daemon *d, struct model_list *out)
{
	struct cim_instance *inst;
	size_t i;

	for (i = 0; i < N(profiles); i++) {
		inst = profile_instance(&profiles[i]);
		/* a full path: clients follow it from root/cimv2 too */
		if (inst && !(inst->path->host = strdup(d->system_name))) {
			cim_instance_free(inst);
			inst = NULL;
		}
		if (!inst || !add_instance(out, inst)) {
			cim_instance_free(inst);
			return -ENOMEM;
		}
	}
	return 0;
}

int interop_enumerate_systems(struct daemon *d, struct model_list *out)
{
	struct cim_instance *inst = cim_instance_new(CLASS_SYSTEM);
	struct cim_value *v;
	char status[8];
	bool ok;

	if (!inst)
		return -ENOMEM;
	snprintf(status, sizeof(status), "%d", CIMREPL_OPSTATUS_OK);
	inst->path = calloc(1, sizeof(*inst->path));
	ok = inst->path &&
	     cim_path_init(inst->path, d->system_name, DAEMON_NAMESPACE,
			   CLASS_SYSTEM) &&
	     cim_path_add_key(inst->path, "CreationClassName", CIM_TYPE_STRING,
			      CLASS_SYSTEM) &&
	     cim_path_add_key(inst->path, "Name", CIM_TYPE_STRING,
			      d->system_name) &&
	     cim_instance_set_prop(inst, "CreationClassName", CIM_TYPE_STRING,
				   CLASS_SYSTEM) &&
	     cim_instance_set_prop(inst, "Name", CIM_TYPE_STRING,
				   d->system_name) &&
	     cim_instance_set_prop(inst, "ElementName", CIM_TYPE_STRING,
				   d->system_name) &&
	     cim_instance_set_prop(inst, "NameFormat", CIM_TYPE_STRING, "Other") &&
	     cim_instance_set_prop(inst, "Description", CIM_TYPE_STRING,
				   "The host whose LIO backstores cimrepl replicates");
	if (ok) {
		v = cim_instance_add_prop(inst, "OperationalStatus");
		ok = v;
		if (ok) {
			cim_value_set_array(v, CIM_TYPE_UINT16);
			ok = cim_value_append(v, status);
		}
	}
	if (!ok || !add_instance(out, inst)) {
		cim_instance_free(inst);
		return -ENOMEM;
	}
	return 0;
}

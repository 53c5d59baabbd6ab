// SPDX-License-Identifier: GPL-2.0
/*
 * CreateListReplica's parameters into a replicate_request (replargs.h).
 * Return codes as the standard has them: a value the standard does not
 * define, a wrong count or shape, a reference to something not here is 5
 * (Invalid Parameter); a value it defines that this system does not do is
 * 1 (Not Supported).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/cimrepl.h>

#include "cimxml.h"
#include "classes.h"
#include "model.h"
#include "replargs.h"

void method_fail(struct method_out *o, uint32_t rc, const char *fmt, ...)
{
	va_list ap;

	if (o->rc)	/* the first reason stands */
		return;
	o->rc = rc;
	va_start(ap, fmt);
	vsnprintf(o->description, sizeof(o->description), fmt, ap);
	va_end(ap);
}

const struct cim_value *replargs_param(const struct cim_request *req,
				       const char *name)
{
	const struct cim_param *prm = cim_request_param(req, name);

	return prm && !prm->value.is_null ? &prm->value : NULL;
}

int replargs_u16(const struct cim_request *req, const char *name,
		 struct method_out *o)
{
	const struct cim_value *v = replargs_param(req, name);
	uint64_t value;

	if (!v)
		return -1;
	if (v->is_array || !cim_value_get_u64(v, 0, UINT16_MAX, &value)) {
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "%s: not a uint16", name);
		return -1;
	}
	return (int)value;
}

/* Do @path's system keys, if given, name the system @system_name? */
static bool our_system(const struct cim_path *path, const char *system_name)
{
	const char *name = cim_path_key(path, "SystemName");
	const char *cls = cim_path_key(path, "SystemCreationClassName");

	return (!name || !strcasecmp(name, system_name)) &&
	       (!cls || !strcasecmp(cls, CLASS_SYSTEM));
}

const char *replargs_volume(const struct cim_path *path,
			    const char *system_name, const char *what,
			    size_t index, struct method_out *o)
{
	static const char *const keys[] = {
		"CreationClassName", "DeviceID", "SystemCreationClassName",
		"SystemName",
	};
	const char *cls = cim_path_key(path, "CreationClassName");
	const char *id = cim_path_key(path, "DeviceID");
	size_t i, j;

	/* a key the class does not have names some other object */
	for (i = 0; i < path->n_keys; i++) {
		for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			if (!strcasecmp(path->keys[i].name, keys[j]))
				break;
		if (j == sizeof(keys) / sizeof(keys[0])) {
			method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
				    "%s[%zu]: CIM_StorageVolume has no key %s",
				    what, index, path->keys[i].name);
			return NULL;
		}
	}
	if (!path->classname ||
	    (strcasecmp(path->classname, CLASS_VOLUME) &&
	     !(cls && !strcasecmp(cls, CLASS_VOLUME))) ||
	    !id || !our_system(path, system_name)) {
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "%s[%zu]: not a CIM_StorageVolume of this system",
			    what, index);
		return NULL;
	}
	return id;
}

size_t replargs_refs(const struct cim_request *req, const char *name,
		     bool array, const struct cim_path **out, size_t max,
		     struct method_out *o)
{
	const struct cim_value *v = replargs_param(req, name);
	size_t i;

	if (!v)
		return 0;
	if (v->type != CIM_TYPE_REFERENCE || v->is_array != array) {
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER, "%s: not %s", name,
			    array ? "an array of references" : "a reference");
		return 0;
	}
	if (v->n > max) {
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "%s: at most %zu elements", name, max);
		return 0;
	}
	for (i = 0; i < v->n; i++)
		out[i] = cim_value_get_ref(v, i);
	return v->n;
}

/* The parameters a method must have NULL (features not implemented). */
static void refuse_set(const struct cim_request *req,
		       const char *const *names, struct method_out *o)
{
	for (; *names; names++)
		if (replargs_param(req, *names))
			method_fail(o, CIMREPL_RC_NOT_SUPPORTED,
				    "%s: not supported (only local replication, targets the size of their sources)",
				    *names);
}

/* One property of the ReplicationSettingData and what may be asked of it. */
struct setting_rule {
	const char *name;
	uint16_t allowed[4];	/* values honored (0-terminated list; NULL always) */
	size_t n_allowed;
};

static void check_settings(const struct cim_request *req,
			   struct replicate_request *rr,
			   bool have_targets, struct method_out *o)
{
	const struct cim_value *v =
		replargs_param(req, "ReplicationSettingData");
	bool snapshot = rr->sync_type == CIMREPL_SYNC_TYPE_SNAPSHOT;
	const struct setting_rule rules[] = {
		{ "DesiredCopyMethodology",
		  { CIMREPL_COPY_METHOD_NOT_SPECIFIED,
		    CIMREPL_COPY_METHOD_IMPLEMENTATION_DECIDES,
		    snapshot ? CIMREPL_COPY_METHOD_COPY_ON_WRITE :
			       CIMREPL_COPY_METHOD_FULL_COPY }, 3 },
		{ "ThinProvisioningPolicy",
		  { CIMREPL_THIN_IMPLEMENTATION_DECIDES }, 1 },
		{ "OnGroupOrListError", { CIMREPL_LIST_ERROR_STOP }, 1 },
		{ "UnequalListsAction", { CIMREPL_UNEQUAL_LISTS_ERROR }, 1 },
		{ "CopyRecoveryMode",
		  { CIMREPL_COPY_RECOVERY_IMPLEMENTATION_DECIDES,
		    CIMREPL_COPY_RECOVERY_MANUAL }, 2 },
		{ "CopyPriority", { CIMREPL_COPY_PRIORITY_NOT_MANAGED,
				    CIMREPL_COPY_PRIORITY_SAME }, 2 },
	};
	static const char *const not_honored[] = {
		"DeltaUpdateInterval", "TimeBeforeRemoval", "DesiredRPO",
		"MaximumSkew", NULL,
	};
	static const char *const must_be_false[] = {
		"FailedCopyStopsHostIO", "ReadOnly", "AutoDelete", NULL,
	};
	const struct cim_param *prop;
	struct cim_instance *inst = NULL;
	const char *text = v ? cim_value_get_string(v, 0) : NULL;
	char err[256];
	uint64_t value;
	size_t i, j;
	bool flag;

	if (!v)
		return;
	if (!text || cimxml_parse_instance(text, &inst, err, sizeof(err))) {
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "ReplicationSettingData: not an embedded instance: %s",
			    text ? err : "empty");
		return;
	}
	if (!inst->classname || strcasecmp(inst->classname, CLASS_SETTING)) {
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "ReplicationSettingData: a %s, not a " CLASS_SETTING,
			    inst->classname ? inst->classname : "class-less instance");
		goto out;
	}
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		prop = cim_instance_prop(inst, rules[i].name);
		if (!prop || prop->value.is_null)
			continue;
		if (!cim_value_get_u64(&prop->value, 0, UINT16_MAX, &value)) {
			method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
				    "ReplicationSettingData.%s: not a uint16",
				    rules[i].name);
			goto out;
		}
		for (j = 0; j < rules[i].n_allowed; j++)
			if (rules[i].allowed[j] == value)
				break;
		if (j == rules[i].n_allowed) {
			method_fail(o, CIMREPL_RC_NOT_SUPPORTED,
				    "ReplicationSettingData.%s = %" PRIu64 " is not supported",
				    rules[i].name, value);
			goto out;
		}
	}
	prop = cim_instance_prop(inst, "TargetElementSupplier");
	if (prop && !prop->value.is_null) {
		if (!cim_value_get_u64(&prop->value, 0, UINT16_MAX, &value))
			value = 0;
		if ((value == CIMREPL_TARGET_SUPPLIER_USE_EXISTING ||
		     value == CIMREPL_TARGET_SUPPLIER_CLIENT_MUST_SUPPLY) &&
		    !have_targets)
			method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
				    "ReplicationSettingData.TargetElementSupplier %" PRIu64 " needs TargetElements",
				    value);
		else if (value == CIMREPL_TARGET_SUPPLIER_CREATE_NEW && have_targets)
			method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
				    "ReplicationSettingData.TargetElementSupplier 2 (Create new) with TargetElements");
		else if (value < CIMREPL_TARGET_SUPPLIER_USE_EXISTING ||
			 value > CIMREPL_TARGET_SUPPLIER_CLIENT_MUST_SUPPLY)
			method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
				    "ReplicationSettingData.TargetElementSupplier: not a value of the standard");
	}
	for (i = 0; not_honored[i]; i++) {
		prop = cim_instance_prop(inst, not_honored[i]);
		if (prop && !prop->value.is_null)
			method_fail(o, CIMREPL_RC_NOT_SUPPORTED,
				    "ReplicationSettingData.%s is not supported",
				    not_honored[i]);
	}
	for (i = 0; must_be_false[i]; i++) {
		prop = cim_instance_prop(inst, must_be_false[i]);
		if (prop && !prop->value.is_null &&
		    (!cim_value_get_bool(&prop->value, 0, &flag) || flag))
			method_fail(o, CIMREPL_RC_NOT_SUPPORTED,
				    "ReplicationSettingData.%s = true is not supported",
				    must_be_false[i]);
	}
out:
	cim_instance_free(inst);
}

void replargs_translate(const struct cim_request *req, bool list_form,
			const char *system_name, struct replicate_request *rr,
			struct method_out *o)
{
	static const char *const not_supported[] = {
		"SourceAccessPoint", "TargetAccessPoint", "TargetSettingGoal",
		"ConnectivityCollection", "Collections", NULL,
	};
	const struct cim_path *sources[REPLICATE_MAX], *targets[REPLICATE_MAX];
	const struct cim_path *pools[1];
	const struct cim_value *names;
	size_t n_sources, n_targets, i;
	int sync_type, consistency;

	sync_type = replargs_u16(req, "SyncType", o);
	rr->mode = replargs_u16(req, "Mode", o);
	rr->wait_state = replargs_u16(req, "WaitForCopyState", o);
	consistency = list_form ? replargs_u16(req, "Consistency", o) : -1;
	n_sources = replargs_refs(req, list_form ? "SourceElements" :
				  "SourceElement", list_form, sources,
				  REPLICATE_MAX, o);
	n_targets = replargs_refs(req, list_form ? "TargetElements" :
				  "TargetElement", list_form, targets,
				  REPLICATE_MAX, o);
	if (replargs_refs(req, "TargetPool", false, pools, 1, o)) {
		const char *id = cim_path_key(pools[0], "InstanceID");

		if (!id || strncmp(id, MODEL_POOL_PREFIX, strlen(MODEL_POOL_PREFIX)))
			method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
				    "TargetPool: not a CIM_StoragePool of this system");
		else
			rr->pool = id + strlen(MODEL_POOL_PREFIX);
	}
	/* before the unsupported ones: the standard wants these NULL here */
	if (n_targets && (rr->pool || replargs_param(req, "TargetSettingGoal")))
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "TargetPool and TargetSettingGoal must be NULL when TargetElements are given");
	refuse_set(req, not_supported, o);

	if (sync_type < 0)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER, "SyncType is required");
	else if (sync_type == CIMREPL_SYNC_TYPE_TOKENIZED_CLONE)
		method_fail(o, CIMREPL_RC_NOT_SUPPORTED,
			    "SyncType %d is not supported by this system", sync_type);
	else if (sync_type != CIMREPL_SYNC_TYPE_SNAPSHOT &&
		 sync_type != CIMREPL_SYNC_TYPE_CLONE &&
		 sync_type != CIMREPL_SYNC_TYPE_MIRROR)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "SyncType %d: not a SyncType of the standard", sync_type);
	if (rr->mode >= 0 && rr->mode != CIMREPL_MODE_SYNCHRONOUS &&
	    rr->mode != CIMREPL_MODE_ASYNCHRONOUS && rr->mode != CIMREPL_MODE_ADAPTIVE)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "Mode %d: not a Mode of the standard", rr->mode);
	if (consistency >= 0 && consistency != CIMREPL_CONSISTENCY_NONE &&
	    consistency != CIMREPL_CONSISTENCY_SEQUENTIAL)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "Consistency %d: not a value of the standard",
			    consistency);
	if (!n_sources)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "%s: at least one volume is required",
			    list_form ? "SourceElements" : "SourceElement");
	if (n_targets && n_targets != n_sources)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "TargetElements: %zu for %zu SourceElements (they go one to one)",
			    n_targets, n_sources);
	rr->sync_type = sync_type < 0 ? 0 : (uint16_t)sync_type;
	rr->n = n_sources;
	for (i = 0; i < n_sources && !o->rc; i++)
		rr->sources[i] = replargs_volume(sources[i], system_name,
						 list_form ? "SourceElements" :
						 "SourceElement", i, o);
	for (i = 0; i < n_targets && !o->rc; i++)
		rr->targets[i] = replargs_volume(targets[i], system_name,
						 list_form ? "TargetElements" :
						 "TargetElement", i, o);
	names = replargs_param(req, list_form ? "ElementNames" : "ElementName");
	if (names && names->is_array != list_form)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "ElementName%s: wrong shape", list_form ? "s" : "");
	else if (names && names->n > n_sources)
		method_fail(o, CIMREPL_RC_INVALID_PARAMETER,
			    "ElementNames: %zu names for %zu SourceElements",
			    names->n, n_sources);
	else if (names)
		for (i = 0; i < names->n; i++)
			rr->names[i] = cim_value_get_string(names, i);
	if (!o->rc)
		check_settings(req, rr, n_targets > 0, o);
}

uint32_t replargs_rc_of_errno(int err)
{
	switch (-err) {
	case EINVAL:
	case ENOENT:
	case EEXIST:
	case ERANGE:
		return CIMREPL_RC_INVALID_PARAMETER;
	case EBUSY:
		return CIMREPL_RC_IN_USE;
	case EOPNOTSUPP:
		return CIMREPL_RC_NOT_SUPPORTED;
	default:
		return CIMREPL_RC_FAILED;
	}
}

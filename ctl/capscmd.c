// SPDX-License-Identifier: GPL-2.0
/*
 * `cimreplctl capabilities`: what the replication service supports, read
 * the way a WBEM client reads it: the CIM_ReplicationServiceCapabilities
 * instance, then its GetSupported* methods for each ReplicationType it
 * lists.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/cimrepl.h>

#include "cimreplctl.h"
#include "cimvalues.h"
#include "cimxml.h"
#include "clireq.h"

#define CLI_CLASS_CAPABILITIES	"CIM_ReplicationServiceCapabilities"

/* A uint16 array: of a property or an out parameter. */
struct u16s {
	size_t n;
	uint16_t v[64];
	bool accessible[64];	/* HostAccessible, when there is one */
};

static void read_u16s(const struct cim_value *value, struct u16s *out)
{
	uint64_t n;
	size_t i;

	out->n = 0;
	for (i = 0; value && value->is_array && i < value->n && out->n < 64; i++)
		if (cim_value_get_u64(value, i, UINT16_MAX, &n)) {
			out->accessible[out->n] = true;
			out->v[out->n++] = (uint16_t)n;
		}
}

static void prop_u16s(const struct cim_instance *inst, const char *name,
		      struct u16s *out)
{
	const struct cim_param *p = cim_instance_prop(inst, name);

	read_u16s(p ? &p->value : NULL, out);
}

/*
 * Call @method on the capabilities @caps with ReplicationType @type (and
 * MethodName @method_name when not 0); its uint16 array @out_name into
 * @out (HostAccessible too when there). False after one line on stderr.
 */
static bool call_get(const struct cim_path *caps, const char *method,
		     uint16_t type, uint16_t method_name, const char *out_name,
		     struct u16s *out)
{
	struct cim_param params[2];
	struct cim_request req = {
		.method = (char *)method, .namespace = (char *)CLI_NAMESPACE,
		.target = (struct cim_path *)caps, .params = params,
	};
	const struct cim_param *p;
	struct cimxml_reply *reply;
	char text[8];
	uint64_t rc;
	bool ok = false;
	size_t i;

	memset(params, 0, sizeof(params));
	snprintf(text, sizeof(text), "%u", type);
	params[req.n_params].name = (char *)"ReplicationType";
	cim_value_set(&params[req.n_params++].value, CIM_TYPE_UINT16, text);
	if (method_name) {
		snprintf(text, sizeof(text), "%u", method_name);
		params[req.n_params].name = (char *)"MethodName";
		cim_value_set(&params[req.n_params++].value, CIM_TYPE_UINT16,
			      text);
	}
	reply = cim_call(&req, method);
	for (i = 0; i < req.n_params; i++)
		cim_value_free(&params[i].value);
	if (!reply)
		return false;
	if (!reply->has_return || !cim_value_get_u64(&reply->ret, 0, UINT32_MAX, &rc)) {
		fprintf(stderr, "cimreplctl: %s: no return value\n", method);
	} else if (rc) {
		p = cimxml_reply_param(reply, "ErrorDescription");
		fprintf(stderr, "cimreplctl: %s(%u): returned %" PRIu64 ": %s\n",
			method, type, rc,
			p ? cim_value_get_string(&p->value, 0) : "no description");
	} else {
		p = cimxml_reply_param(reply, out_name);
		read_u16s(p ? &p->value : NULL, out);
		p = cimxml_reply_param(reply, "HostAccessible");
		for (i = 0; p && i < out->n; i++) {
			bool b;

			if (cim_value_get_bool(&p->value, i, &b))
				out->accessible[i] = b;
		}
		ok = true;
	}
	cimxml_reply_free(reply);
	return ok;
}

/* What one ReplicationType supports. */
struct type_caps {
	uint16_t type;
	struct u16s operations, list_operations, states, create_waits,
		features, list_features;
};

static bool read_type(const struct cim_path *caps, struct type_caps *t)
{
	return call_get(caps, "GetSupportedOperations", t->type, 0,
			"SupportedOperations", &t->operations) &&
	       call_get(caps, "GetSupportedListOperations", t->type, 0,
			"SupportedListOperations", &t->list_operations) &&
	       call_get(caps, "GetSupportedCopyStates", t->type, 0,
			"SupportedCopyStates", &t->states) &&
	       call_get(caps, "GetSupportedWaitForCopyStates", t->type,
			CIMREPL_METHOD_NAME_CREATE_LIST_REPLICA,
			"SupportedCopyStates", &t->create_waits) &&
	       call_get(caps, "GetSupportedFeatures", t->type, 0, "Features",
			&t->features) &&
	       call_get(caps, "GetSupportedListFeatures", t->type, 0,
			"GroupFeatures", &t->list_features);
}

/* [{"value": N, "name": "..."}...], with "host_accessible" for states. */
static json_object *json_named(const struct u16s *l,
			       const struct cim_value_map *map, bool accessible)
{
	json_object *a = json_object_new_array();
	const char *name;
	size_t i;

	for (i = 0; i < l->n; i++) {
		json_object *o = json_object_new_object();

		name = cim_value_name(map, l->v[i]);
		json_object_object_add(o, "value", json_object_new_int(l->v[i]));
		json_object_object_add(o, "name", name ?
				       json_object_new_string(name) : NULL);
		if (accessible)
			json_object_object_add(o, "host_accessible",
					       json_object_new_boolean(l->accessible[i]));
		json_object_array_add(a, o);
	}
	return a;
}

/* "Name, Name (n)" of @l into @buf; states not host accessible marked. */
static const char *text_named(const struct u16s *l,
			      const struct cim_value_map *map, bool accessible,
			      char *buf, size_t size)
{
	size_t i, used = 0;
	const char *name;
	int len;

	buf[0] = '\0';
	for (i = 0; i < l->n && used < size; i++) {
		name = cim_value_name(map, l->v[i]);
		len = snprintf(buf + used, size - used, "%s%s (%u)%s",
			       i ? ", " : "", name ? name : "?", l->v[i],
			       accessible && !l->accessible[i] ?
			       " [not host accessible]" : "");
		if (len < 0)
			break;
		used += (size_t)len;
	}
	return l->n ? buf : "-";
}

static void print_table(const struct u16s *storage, const struct u16s *sync,
			const struct u16s *async, const struct type_caps *t,
			size_t n)
{
	char buf[1024];
	size_t i;

	printf("%-24s %s\n", "storage objects",
	       text_named(storage, &cim_storage_object_map, false, buf, sizeof(buf)));
	printf("%-24s %s\n", "synchronous actions",
	       text_named(sync, &cim_action_map, false, buf, sizeof(buf)));
	printf("%-24s %s\n", "asynchronous actions",
	       text_named(async, &cim_action_map, false, buf, sizeof(buf)));
	for (i = 0; i < n; i++) {
		printf("\n%s (%u)\n",
		       cim_value_name(&cim_replication_type_map, t[i].type) ?
		       cim_value_name(&cim_replication_type_map, t[i].type) : "?",
		       t[i].type);
		printf("  %-22s %s\n", "operations",
		       text_named(&t[i].operations, &cim_operation_map, false,
				  buf, sizeof(buf)));
		printf("  %-22s %s\n", "list operations",
		       text_named(&t[i].list_operations, &cim_operation_map,
				  false, buf, sizeof(buf)));
		printf("  %-22s %s\n", "copy states",
		       text_named(&t[i].states, &cim_copy_state_map, true, buf,
				  sizeof(buf)));
		printf("  %-22s %s\n", "create waits for",
		       text_named(&t[i].create_waits, &cim_copy_state_map, false,
				  buf, sizeof(buf)));
		printf("  %-22s %s\n", "features",
		       text_named(&t[i].features, &cim_feature_map, false, buf,
				  sizeof(buf)));
		printf("  %-22s %s\n", "list features",
		       text_named(&t[i].list_features, &cim_list_feature_map,
				  false, buf, sizeof(buf)));
	}
}

static void print_json_caps(const struct u16s *storage, const struct u16s *sync,
			    const struct u16s *async, const struct type_caps *t,
			    size_t n)
{
	json_object *o = json_object_new_object();
	json_object *types = json_object_new_array();
	size_t i;

	json_object_object_add(o, "storage_objects",
			       json_named(storage, &cim_storage_object_map, false));
	json_object_object_add(o, "synchronous_actions",
			       json_named(sync, &cim_action_map, false));
	json_object_object_add(o, "asynchronous_actions",
			       json_named(async, &cim_action_map, false));
	for (i = 0; i < n; i++) {
		json_object *e = json_object_new_object();
		const char *name = cim_value_name(&cim_replication_type_map,
						  t[i].type);

		json_object_object_add(e, "value", json_object_new_int(t[i].type));
		json_object_object_add(e, "name", name ?
				       json_object_new_string(name) : NULL);
		json_object_object_add(e, "operations",
				       json_named(&t[i].operations,
						  &cim_operation_map, false));
		json_object_object_add(e, "list_operations",
				       json_named(&t[i].list_operations,
						  &cim_operation_map, false));
		json_object_object_add(e, "copy_states",
				       json_named(&t[i].states,
						  &cim_copy_state_map, true));
		json_object_object_add(e, "create_wait_states",
				       json_named(&t[i].create_waits,
						  &cim_copy_state_map, false));
		json_object_object_add(e, "features",
				       json_named(&t[i].features,
						  &cim_feature_map, false));
		json_object_object_add(e, "list_features",
				       json_named(&t[i].list_features,
						  &cim_list_feature_map, false));
		json_object_array_add(types, e);
	}
	json_object_object_add(o, "replication_types", types);
	print_json(o);
}

int capabilities_show_cmd(int argc, char **argv)
{
	struct u16s types, storage, sync, async;
	struct type_caps *t = NULL;
	const struct cim_instance *inst;
	struct cim_request *req;
	struct cimxml_reply *reply;
	int ret = EXIT_FAILURE;
	size_t i;

	(void)argv;
	if (argc) {
		fprintf(stderr, "cimreplctl: capabilities takes no arguments\n");
		return EXIT_USAGE;
	}
	req = cli_intrinsic_request("EnumerateInstances", CLI_CLASS_CAPABILITIES,
				    NULL);
	if (!req) {
		fprintf(stderr, "cimreplctl: capabilities: out of memory\n");
		return EXIT_FAILURE;
	}
	reply = cim_call(req, "capabilities");
	cim_request_free(req);
	if (!reply)
		return EXIT_FAILURE;
	if (reply->kind != CIMXML_IRETURN_INSTANCES || reply->n_instances != 1 ||
	    !reply->instances[0]->path) {
		fprintf(stderr, "cimreplctl: capabilities: cimrepld has %zu %s instances\n",
			reply->n_instances, CLI_CLASS_CAPABILITIES);
		goto out;
	}
	inst = reply->instances[0];
	prop_u16s(inst, "SupportedReplicationTypes", &types);
	prop_u16s(inst, "SupportedStorageObjects", &storage);
	prop_u16s(inst, "SupportedSynchronousActions", &sync);
	prop_u16s(inst, "SupportedAsynchronousActions", &async);
	t = calloc(types.n ? types.n : 1, sizeof(*t));
	if (!t) {
		fprintf(stderr, "cimreplctl: capabilities: out of memory\n");
		goto out;
	}
	for (i = 0; i < types.n; i++) {
		t[i].type = types.v[i];
		if (!read_type(inst->path, &t[i]))
			goto out;
	}
	if (json_output)
		print_json_caps(&storage, &sync, &async, t, types.n);
	else
		print_table(&storage, &sync, &async, t, types.n);
	ret = EXIT_SUCCESS;
out:
	free(t);
	cimxml_reply_free(reply);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * cimreplctl's commands on existing synchronizations through cimrepld:
 * `sync modify` (ModifyListSynchronization) and the filters of `sync list`
 * (GetReplicationRelationships). Same conventions as cimcmds.c: tables or
 * --json on stdout, one line on stderr for an error, exit status 0, 1 or
 * 2 (usage).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/cimrepl.h>

#include "cimreplctl.h"
#include "cimxml.h"
#include "clireq.h"
#include "syncreq.h"

/* The DeviceID inside reference key @name of @path. */
static const char *ref_key_device(const struct cim_path *path,
				  const char *name)
{
	size_t i;

	for (i = 0; i < path->n_keys; i++)
		if (!strcasecmp(path->keys[i].name, name) && path->keys[i].ref)
			return cim_path_key(path->keys[i].ref, "DeviceID");
	return NULL;
}

/* The DeviceID of the volume the reference property @name points at. */
static const char *ref_prop_device(const struct cim_instance *inst,
				   const char *name)
{
	const struct cim_param *p = cim_instance_prop(inst, name);
	const struct cim_path *ref = p ? cim_value_get_ref(&p->value, 0) : NULL;

	return ref ? cim_path_key(ref, "DeviceID") : NULL;
}

static int sync_modify_usage(const char *why)
{
	fprintf(stderr, "cimreplctl: sync modify: %s\n", why);
	fprintf(stderr, "cimreplctl: usage: sync modify --operation NAME|NUMBER [--force] [--wait-for STATE] TARGET...\n");
	return EXIT_USAGE;
}

/*
 * The paths of the synchronizations whose targets are @o's, in order, into
 * @out (@o->n_targets of them). False, said why, when one has none.
 */
static bool find_syncs(const struct sync_modify_options *o,
		       struct cim_path *out)
{
	struct cimxml_reply *reply;
	struct cim_request *req;
	size_t i, j;
	bool ok = true;

	req = cli_intrinsic_request("EnumerateInstanceNames", CLI_CLASS_SYNC,
				    NULL);
	if (!req) {
		fprintf(stderr, "cimreplctl: sync modify: out of memory\n");
		return false;
	}
	reply = cim_call(req, "sync modify");
	cim_request_free(req);
	if (!reply)
		return false;
	for (i = 0; i < o->n_targets && ok; i++) {
		for (j = 0; j < reply->n_names; j++) {
			const char *t = ref_key_device(&reply->names[j],
						       "SyncedElement");

			if (t && !strcmp(t, o->targets[i]))
				break;
		}
		if (j == reply->n_names) {
			fprintf(stderr, "cimreplctl: sync modify: no synchronization has target %s\n",
				o->targets[i]);
			ok = false;
		} else if (!cim_path_copy(&out[i], &reply->names[j])) {
			fprintf(stderr, "cimreplctl: sync modify: out of memory\n");
			ok = false;
		}
	}
	cimxml_reply_free(reply);
	return ok;
}

int sync_modify_cim_cmd(int argc, char **argv)
{
	struct cimxml_reply *reply = NULL;
	struct sync_modify_options o;
	struct cim_request *req = NULL;
	struct cim_path service = { 0 }, *syncs = NULL;
	const struct cim_param *job_param, *desc_param;
	const struct cim_path *job_ref = NULL;
	const char *job_id = NULL, *desc;
	char err[256];
	uint64_t rc = 0;
	int ret = EXIT_FAILURE;
	size_t i;

	if (!sync_modify_parse(argc, argv, &o, err, sizeof(err)))
		return sync_modify_usage(err);
	syncs = calloc(o.n_targets, sizeof(*syncs));
	if (!syncs) {
		fprintf(stderr, "cimreplctl: sync modify: out of memory\n");
		goto out;
	}
	if (!find_service(&service, "sync modify") || !find_syncs(&o, syncs))
		goto out;
	req = sync_modify_request(&o, &service, syncs, o.n_targets);
	if (!req) {
		fprintf(stderr, "cimreplctl: sync modify: out of memory\n");
		goto out;
	}
	reply = cim_call(req, "sync modify");
	if (!reply)
		goto out;
	if (reply->intrinsic || !reply->has_return ||
	    !cim_value_get_u64(&reply->ret, 0, UINT32_MAX, &rc)) {
		fprintf(stderr, "cimreplctl: sync modify: ModifyListSynchronization answered without a return code\n");
		goto out;
	}
	desc_param = cimxml_reply_param(reply, "ErrorDescription");
	desc = desc_param ? cim_value_get_string(&desc_param->value, 0) : NULL;
	if (rc != 0 && rc != CIMREPL_RC_JOB_STARTED) {
		fprintf(stderr, "cimreplctl: sync modify: ModifyListSynchronization returned %" PRIu64 " (%s)%s%s\n",
			rc, return_code_name(rc), desc ? ": " : "",
			desc ? desc : "");
		goto out;
	}
	job_param = cimxml_reply_param(reply, "Job");
	if (job_param)
		job_ref = cim_value_get_ref(&job_param->value, 0);
	if (job_ref)
		job_id = short_job_id(cim_path_key(job_ref, "InstanceID"));
	if (json_output) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "return_code",
				       json_object_new_int64((int64_t)rc));
		json_object_object_add(j, "return_name",
				       json_object_new_string(return_code_name(rc)));
		json_object_object_add(j, "job", job_id ?
				       json_object_new_string(job_id) : NULL);
		print_json(j);
	} else {
		printf("%-14s%" PRIu64 " (%s)\n", "return code", rc,
		       return_code_name(rc));
		printf("%-14s%s\n", "job", job_id ? job_id : "-");
	}
	if (rc == CIMREPL_RC_JOB_STARTED && job_id && isatty(STDOUT_FILENO))
		fprintf(stderr, "cimreplctl: the operation goes on in the background; follow it with: cimreplctl job wait %s\n",
			job_id);
	ret = EXIT_SUCCESS;
out:
	cimxml_reply_free(reply);
	cim_request_free(req);
	cim_path_free(&service);
	for (i = 0; syncs && i < o.n_targets; i++)
		cim_path_free(&syncs[i]);
	free(syncs);
	sync_modify_options_free(&o);
	return ret;
}

int sync_list_filter_parse(int argc, char **argv, struct relationship_filter *f)
{
	char err[256];

	if (sync_filter_parse(argc, argv, f, err, sizeof(err)))
		return EXIT_SUCCESS;
	fprintf(stderr, "cimreplctl: sync list: %s\n", err);
	fprintf(stderr, "cimreplctl: usage: sync list [--filter sync-type=TYPE] [--filter mode=MODE] [--filter copy-state=STATE]\n");
	return EXIT_USAGE;
}

bool sync_list_filter(const struct relationship_filter *f,
		      struct cimxml_reply *list)
{
	const struct cim_param *found;
	struct cimxml_reply *reply;
	struct cim_request *req;
	struct cim_path service;
	const char *desc;
	uint64_t rc = 0;
	size_t i, j, kept = 0;

	if (!sync_filter_active(f))
		return true;
	if (!find_service(&service, "sync list"))
		return false;
	req = relationships_request(f, &service);
	cim_path_free(&service);
	if (!req) {
		fprintf(stderr, "cimreplctl: sync list: out of memory\n");
		return false;
	}
	reply = cim_call(req, "sync list");
	cim_request_free(req);
	if (!reply)
		return false;
	if (reply->intrinsic || !reply->has_return ||
	    !cim_value_get_u64(&reply->ret, 0, UINT32_MAX, &rc) || rc) {
		found = cimxml_reply_param(reply, "ErrorDescription");
		desc = found ? cim_value_get_string(&found->value, 0) : NULL;
		fprintf(stderr, "cimreplctl: sync list: GetReplicationRelationships returned %" PRIu64 " (%s)%s%s\n",
			rc, return_code_name(rc), desc ? ": " : "",
			desc ? desc : "");
		cimxml_reply_free(reply);
		return false;
	}
	/* keep the instances whose target is among those found */
	found = cimxml_reply_param(reply, "Synchronizations");
	for (i = 0; i < list->n_instances; i++) {
		const char *target = ref_prop_device(list->instances[i],
						     "SyncedElement");

		for (j = 0; found && target && j < found->value.n; j++) {
			const struct cim_path *ref =
				cim_value_get_ref(&found->value, j);
			const char *t = ref ? ref_key_device(ref, "SyncedElement") :
				NULL;

			if (t && !strcmp(t, target))
				break;
		}
		if (found && target && j < found->value.n)
			list->instances[kept++] = list->instances[i];
		else
			cim_instance_free(list->instances[i]);
	}
	list->n_instances = kept;
	cimxml_reply_free(reply);
	return true;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * cimreplctl's commands for the replication service: each one is a CIM
 * operation sent to cimrepld's CIM-XML front door (ctl/cimclient.c over
 * the UNIX socket, or --url), built by ctl/clireq.c, encoded and read back
 * by ctl/cimxml.c, and shown as a table or as JSON.
 *
 * Exit status: 0 success; 1 when the daemon cannot be reached, answers
 * with a CIM error, or a method returns anything but 0 (or 4096, a job);
 * 2 for a usage error. Errors are one line on stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <linux/cimrepl.h>

#include "cimreplctl.h"
#include "cimvalues.h"
#include "cimxml.h"
#include "clireq.h"
#include "syncops.h"

/* Return codes of CreateListReplica and its kin (ReturnCode ValueMap). */
const char *return_code_name(uint64_t rc)
{
	switch (rc) {
	case 0: return "Completed with No Error";
	case 1: return "Not Supported";
	case 2: return "Unknown";
	case 3: return "Timeout";
	case 4: return "Failed";
	case 5: return "Invalid Parameter";
	case 6: return "In Use";
	case 4096: return "Method Parameters Checked - Job Started";
	}
	return "unknown return code";
}

static const char *job_state_name(uint64_t state)
{
	switch (state) {
	case 2: return "New";
	case 3: return "Starting";
	case 4: return "Running";
	case 5: return "Suspended";
	case 6: return "Shutting Down";
	case 7: return "Completed";
	case 8: return "Terminated";
	case 9: return "Killed";
	case 10: return "Exception";
	case 11: return "Service";
	case 12: return "Query Pending";
	}
	return NULL;
}

/*
 * @path as a DSP0207 object name for the CIMObject header:
 * root/cimv2:Class.Key="value",... (a namespace only when @path is NULL).
 */
static char *object_name(const struct cim_path *path)
{
	char *out = NULL, *grown;
	size_t i;

	if (!path)
		return strdup(CLI_NAMESPACE);
	if (asprintf(&out, "%s:%s", CLI_NAMESPACE, path->classname) < 0)
		return NULL;
	for (i = 0; i < path->n_keys; i++) {
		const struct cim_key *k = &path->keys[i];
		const char *v = k->value ? k->value : "";
		bool quote = k->type == CIM_TYPE_STRING ||
			k->type == CIM_TYPE_DATETIME || k->type == CIM_TYPE_CHAR16;

		if (asprintf(&grown, "%s%c%s=%s%s%s", out, i ? ',' : '.',
			     k->name, quote ? "\"" : "", v,
			     quote ? "\"" : "") < 0) {
			free(out);
			return NULL;
		}
		free(out);
		out = grown;
	}
	return out;
}

/*
 * Send @req and read the answer. NULL, with one line on stderr naming
 * @what, when no answer came, it was not CIM-XML, or it was a CIM error.
 */
static struct cimxml_reply *call(const struct cim_request *req,
				 const char *what)
{
	struct cim_client_reply http = { 0 };
	struct cimxml_reply *reply = NULL;
	char err[512], *body, *object;
	size_t len;

	body = cimxml_request(req, &len);
	object = object_name(req->intrinsic ? NULL : req->target);
	if (!body || !object) {
		fprintf(stderr, "cimreplctl: %s: cannot encode the request: %s\n",
			what, strerror(errno));
		goto out;
	}
	if (cim_client_call(&client_config, req->method, object, body, len,
			    &http, err, sizeof(err))) {
		const char *sock = client_config.unix_path ?
			client_config.unix_path : CIM_CLIENT_UNIX_PATH;
		struct stat st;

		if (!client_config.url && stat(sock, &st))
			fprintf(stderr, "cimreplctl: %s: cannot reach cimrepld: %s: %s (is cimrepld running? see --socket)\n",
				what, sock, strerror(errno));
		else
			fprintf(stderr, "cimreplctl: %s: cannot reach cimrepld: %s\n",
				what, err);
		goto out;
	}
	if (http.status != 200) {
		fprintf(stderr, "cimreplctl: %s: cimrepld answered HTTP %ld%s%s%s\n",
			what, http.status, http.cim_error ? " (" : "",
			http.cim_error ? http.cim_error : "",
			http.cim_error ? ")" : "");
		goto out;
	}
	if (cimxml_parse_response(http.body, http.len, &reply, err,
				  sizeof(err))) {
		fprintf(stderr, "cimreplctl: %s: not a CIM-XML response: %s\n",
			what, err);
		goto out;
	}
	if (reply->error) {
		const char *name = cim_status_name(reply->error);

		fprintf(stderr, "cimreplctl: %s: %s%s%s\n", what,
			name ? name : "CIM error",
			reply->error_description ? ": " : "",
			reply->error_description ? reply->error_description : "");
		cimxml_reply_free(reply);
		reply = NULL;
	}
out:
	free(body);
	free(object);
	cim_client_reply_free(&http);
	return reply;
}

struct cimxml_reply *cim_call(const struct cim_request *req, const char *what)
{
	return call(req, what);
}

/* EnumerateInstances of @classname; NULL (said why) on failure. */
static struct cimxml_reply *enumerate(const char *classname, const char *what)
{
	struct cim_request *req;
	struct cimxml_reply *reply;

	req = cli_intrinsic_request("EnumerateInstances", classname, NULL);
	if (!req) {
		fprintf(stderr, "cimreplctl: %s: out of memory\n", what);
		return NULL;
	}
	reply = call(req, what);
	cim_request_free(req);
	if (reply && reply->kind != CIMXML_IRETURN_INSTANCES && reply->n_names) {
		fprintf(stderr, "cimreplctl: %s: cimrepld answered with names, not instances\n",
			what);
		cimxml_reply_free(reply);
		return NULL;
	}
	return reply;
}

/* Property reading */

static const char *prop_str(const struct cim_instance *inst, const char *name)
{
	const struct cim_param *p = cim_instance_prop(inst, name);

	return p && !p->value.is_array && p->value.type != CIM_TYPE_REFERENCE ?
		cim_value_get_string(&p->value, 0) : NULL;
}

static bool prop_u64(const struct cim_instance *inst, const char *name,
		     uint64_t *out)
{
	const struct cim_param *p = cim_instance_prop(inst, name);

	return p && !p->value.is_array &&
		cim_value_get_u64(&p->value, 0, UINT64_MAX, out);
}

/* The DeviceID key of the reference property @name (a volume). */
static const char *prop_ref_device(const struct cim_instance *inst,
				   const char *name)
{
	const struct cim_param *p = cim_instance_prop(inst, name);
	const struct cim_path *ref = p ? cim_value_get_ref(&p->value, 0) : NULL;

	return ref ? cim_path_key(ref, "DeviceID") : NULL;
}

/* "-" for a missing text. */
static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* A CIM datetime as "YYYY-MM-DD HH:MM:SS" (UTC), "-" when there is none. */
static const char *cim_time(const char *text, char *buf, size_t len)
{
	if (!text || strlen(text) != CIM_DATETIME_LEN || text[21] == ':' ||
	    !strncmp(text, "00000000", 8)) {
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(buf, len, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s", text, text + 4,
		 text + 6, text + 8, text + 10, text + 12);
	return buf;
}

static void json_add_str(json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value ? json_object_new_string(value) :
			       NULL);
}

static void json_add_u64(json_object *o, const struct cim_instance *inst,
			 const char *key, const char *prop)
{
	uint64_t n;

	json_object_object_add(o, key, prop_u64(inst, prop, &n) ?
			       json_object_new_int64((int64_t)n) : NULL);
}

/* A CIM value of @map as {"value": N, "name": "..."}, or null. */
static void json_add_named(json_object *o, const struct cim_instance *inst,
			   const char *key, const char *prop,
			   const struct cim_value_map *map)
{
	json_object *v;
	const char *name;
	uint64_t n;

	if (!prop_u64(inst, prop, &n) || n > INT32_MAX) {
		json_object_object_add(o, key, NULL);
		return;
	}
	v = json_object_new_object();
	json_object_object_add(v, "value", json_object_new_int64((int64_t)n));
	name = map ? cim_value_name(map, (int)n) : job_state_name(n);
	if (name)
		json_object_object_add(v, "name", json_object_new_string(name));
	json_object_object_add(o, key, v);
}

/* A table cell for a CIM value of @map: its name, or its number. */
static const char *named_cell(const struct cim_instance *inst, const char *prop,
			      const struct cim_value_map *map, char *buf,
			      size_t len)
{
	const char *name;
	uint64_t n;

	if (!prop_u64(inst, prop, &n))
		return "-";
	name = n <= INT32_MAX ? (map ? cim_value_name(map, (int)n) :
				 job_state_name(n)) : NULL;
	if (name)
		return name;
	snprintf(buf, len, "%" PRIu64, n);
	return buf;
}

static int no_arguments(int argc, const char *what)
{
	if (argc) {
		fprintf(stderr, "cimreplctl: %s takes no arguments\n", what);
		return EXIT_USAGE;
	}
	return 0;
}

/* One argument that is not an option, or a usage error. */
static bool one_argument(int argc, char **argv, const char *usage)
{
	if (argc != 1 || argv[0][0] == '-') {
		fprintf(stderr, "cimreplctl: usage: %s\n", usage);
		return false;
	}
	return true;
}

/* storage: CIM_StorageVolume */

static uint64_t volume_bytes(const struct cim_instance *inst)
{
	uint64_t blocks = 0, block_size = 512;

	if (!prop_u64(inst, "NumberOfBlocks", &blocks))
		return 0;
	prop_u64(inst, "BlockSize", &block_size);
	return blocks * block_size;
}

static json_object *volume_json(const struct cim_instance *inst)
{
	json_object *o = json_object_new_object();

	json_add_str(o, "device_id", prop_str(inst, "DeviceID"));
	json_add_str(o, "element_name", prop_str(inst, "ElementName"));
	json_object_object_add(o, "size",
			       json_object_new_int64((int64_t)volume_bytes(inst)));
	json_add_str(o, "name", prop_str(inst, "Name"));
	json_add_str(o, "description", prop_str(inst, "Description"));
	return o;
}

int storage_list_cmd(int argc, char **argv)
{
	struct cimxml_reply *reply;
	json_object *array = NULL;
	size_t i;

	(void)argv;
	if (no_arguments(argc, "storage list"))
		return EXIT_USAGE;
	reply = enumerate(CLI_CLASS_VOLUME, "storage list");
	if (!reply)
		return EXIT_FAILURE;
	if (json_output)
		array = json_object_new_array();
	else
		printf("%-23s %-23s %14s  %s\n", "DEVICEID", "ELEMENTNAME",
		       "BYTES", "NAME");
	for (i = 0; i < reply->n_instances; i++) {
		const struct cim_instance *inst = reply->instances[i];

		if (array)
			json_object_array_add(array, volume_json(inst));
		else
			printf("%-23s %-23s %14" PRIu64 "  %s\n",
			       or_dash(prop_str(inst, "DeviceID")),
			       or_dash(prop_str(inst, "ElementName")),
			       volume_bytes(inst), or_dash(prop_str(inst, "Name")));
	}
	cimxml_reply_free(reply);
	if (array)
		print_json(array);
	return EXIT_SUCCESS;
}

/* The instance of @reply whose @key is @value, or NULL. */
static const struct cim_instance *find_instance(const struct cimxml_reply *reply,
						const char *key,
						const char *value)
{
	size_t i;

	for (i = 0; i < reply->n_instances; i++) {
		const char *v = !strcmp(key, "SyncedElement") ?
			prop_ref_device(reply->instances[i], key) :
			prop_str(reply->instances[i], key);

		if (v && !strcmp(v, value))
			return reply->instances[i];
	}
	return NULL;
}

int storage_show_cmd(int argc, char **argv)
{
	const struct cim_instance *inst;
	struct cimxml_reply *reply;

	if (!one_argument(argc, argv, "storage show DEVICEID"))
		return EXIT_USAGE;
	reply = enumerate(CLI_CLASS_VOLUME, "storage show");
	if (!reply)
		return EXIT_FAILURE;
	inst = find_instance(reply, "DeviceID", argv[0]);
	if (!inst) {
		fprintf(stderr, "cimreplctl: storage show %s: no such storage volume\n",
			argv[0]);
		cimxml_reply_free(reply);
		return EXIT_FAILURE;
	}
	if (json_output) {
		print_json(volume_json(inst));
	} else {
		printf("%-14s%s\n", "DeviceID", or_dash(prop_str(inst, "DeviceID")));
		printf("%-14s%s\n", "ElementName",
		       or_dash(prop_str(inst, "ElementName")));
		printf("%-14s%" PRIu64 " bytes\n", "size", volume_bytes(inst));
		printf("%-14s%s\n", "Name (NAA)", or_dash(prop_str(inst, "Name")));
		printf("%-14s%s\n", "Description",
		       or_dash(prop_str(inst, "Description")));
	}
	cimxml_reply_free(reply);
	return EXIT_SUCCESS;
}

/* pool: CIM_StoragePool */

int pool_list_cim_cmd(int argc, char **argv)
{
	struct cimxml_reply *reply;
	json_object *array = NULL;
	uint64_t total, remaining;
	size_t i;

	(void)argv;
	if (no_arguments(argc, "pool list"))
		return EXIT_USAGE;
	reply = enumerate(CLI_CLASS_POOL, "pool list");
	if (!reply)
		return EXIT_FAILURE;
	if (json_output)
		array = json_object_new_array();
	else
		printf("%-23s %-31s %14s %14s\n", "POOL", "INSTANCEID", "BYTES",
		       "REMAINING");
	for (i = 0; i < reply->n_instances; i++) {
		const struct cim_instance *inst = reply->instances[i];
		json_object *o;

		if (!array) {
			printf("%-23s %-31s %14" PRIu64 " %14" PRIu64 "\n",
			       or_dash(prop_str(inst, "PoolID")),
			       or_dash(prop_str(inst, "InstanceID")),
			       prop_u64(inst, "TotalManagedSpace", &total) ? total : 0,
			       prop_u64(inst, "RemainingManagedSpace", &remaining) ?
			       remaining : 0);
			continue;
		}
		o = json_object_new_object();
		json_add_str(o, "name", prop_str(inst, "PoolID"));
		json_add_str(o, "instance_id", prop_str(inst, "InstanceID"));
		json_add_u64(o, inst, "size", "TotalManagedSpace");
		json_add_u64(o, inst, "remaining", "RemainingManagedSpace");
		json_object_array_add(array, o);
	}
	cimxml_reply_free(reply);
	if (array)
		print_json(array);
	return EXIT_SUCCESS;
}

/* sync: CIM_StorageSynchronized */

static json_object *sync_json(const struct cim_instance *inst)
{
	json_object *o = json_object_new_object();

	json_add_str(o, "source", prop_ref_device(inst, "SystemElement"));
	json_add_str(o, "target", prop_ref_device(inst, "SyncedElement"));
	json_add_named(o, inst, "sync_type", "SyncType", &cim_sync_type_map);
	json_add_named(o, inst, "mode", "Mode", &cim_mode_map);
	json_add_named(o, inst, "copy_state", "CopyState", &cim_copy_state_map);
	json_add_named(o, inst, "copy_type", "CopyType", &cim_copy_type_map);
	json_add_named(o, inst, "progress_status", "ProgressStatus",
		       &cim_progress_status_map);
	json_add_u64(o, inst, "percent_synced", "PercentSynced");
	json_add_str(o, "when_established", prop_str(inst, "WhenEstablished"));
	json_add_str(o, "when_synchronized", prop_str(inst, "WhenSynchronized"));
	return o;
}

int sync_list_cim_cmd(int argc, char **argv)
{
	char b1[16], b2[16], b3[16], b4[16], pct[16], when[32];
	struct cimxml_reply *reply;
	json_object *array = NULL;
	struct relationship_filter filter;
	uint64_t n;
	size_t i;

	if (sync_list_filter_parse(argc, argv, &filter))
		return EXIT_USAGE;
	reply = enumerate(CLI_CLASS_SYNC, "sync list");
	if (!reply)
		return EXIT_FAILURE;
	if (!sync_list_filter(&filter, reply)) {
		cimxml_reply_free(reply);
		return EXIT_FAILURE;
	}
	if (json_output)
		array = json_object_new_array();
	else
		printf("%-23s %-23s %-9s %-12s %-14s %-14s %-6s %s\n", "SOURCE",
		       "TARGET", "SYNCTYPE", "MODE", "COPYSTATE", "PROGRESS",
		       "SYNCED", "ESTABLISHED");
	for (i = 0; i < reply->n_instances; i++) {
		const struct cim_instance *inst = reply->instances[i];

		if (array) {
			json_object_array_add(array, sync_json(inst));
			continue;
		}
		if (prop_u64(inst, "PercentSynced", &n))
			snprintf(pct, sizeof(pct), "%" PRIu64 "%%", n);
		else
			snprintf(pct, sizeof(pct), "-");
		printf("%-23s %-23s %-9s %-12s %-14s %-14s %-6s %s\n",
		       or_dash(prop_ref_device(inst, "SystemElement")),
		       or_dash(prop_ref_device(inst, "SyncedElement")),
		       named_cell(inst, "SyncType", &cim_sync_type_map, b1, sizeof(b1)),
		       named_cell(inst, "Mode", &cim_mode_map, b2, sizeof(b2)),
		       named_cell(inst, "CopyState", &cim_copy_state_map, b3,
				  sizeof(b3)),
		       named_cell(inst, "ProgressStatus", &cim_progress_status_map,
				  b4, sizeof(b4)),
		       pct, cim_time(prop_str(inst, "WhenEstablished"), when,
				     sizeof(when)));
	}
	cimxml_reply_free(reply);
	if (array)
		print_json(array);
	return EXIT_SUCCESS;
}

int sync_show_cim_cmd(int argc, char **argv)
{
	const struct cim_instance *inst;
	struct cimxml_reply *reply;
	char buf[32], when[32];
	uint64_t n;

	if (!one_argument(argc, argv, "sync show TARGETDEVICEID"))
		return EXIT_USAGE;
	reply = enumerate(CLI_CLASS_SYNC, "sync show");
	if (!reply)
		return EXIT_FAILURE;
	inst = find_instance(reply, "SyncedElement", argv[0]);
	if (!inst) {
		fprintf(stderr, "cimreplctl: sync show %s: no synchronization has this target\n",
			argv[0]);
		cimxml_reply_free(reply);
		return EXIT_FAILURE;
	}
	if (json_output) {
		print_json(sync_json(inst));
		cimxml_reply_free(reply);
		return EXIT_SUCCESS;
	}
	printf("%-16s%s\n", "source", or_dash(prop_ref_device(inst, "SystemElement")));
	printf("%-16s%s\n", "target", or_dash(prop_ref_device(inst, "SyncedElement")));
	printf("%-16s%s\n", "SyncType",
	       named_cell(inst, "SyncType", &cim_sync_type_map, buf, sizeof(buf)));
	printf("%-16s%s\n", "Mode",
	       named_cell(inst, "Mode", &cim_mode_map, buf, sizeof(buf)));
	printf("%-16s%s\n", "CopyState",
	       named_cell(inst, "CopyState", &cim_copy_state_map, buf, sizeof(buf)));
	printf("%-16s%s\n", "ProgressStatus",
	       named_cell(inst, "ProgressStatus", &cim_progress_status_map, buf,
			  sizeof(buf)));
	printf("%-16s%s\n", "CopyType",
	       named_cell(inst, "CopyType", &cim_copy_type_map, buf,
			  sizeof(buf)));
	if (prop_u64(inst, "PercentSynced", &n))
		printf("%-16s%" PRIu64 "%%\n", "PercentSynced", n);
	printf("%-16s%s\n", "established",
	       cim_time(prop_str(inst, "WhenEstablished"), when, sizeof(when)));
	if (prop_str(inst, "WhenSynchronized"))
		printf("%-16s%s\n", "synchronized",
		       cim_time(prop_str(inst, "WhenSynchronized"), when,
				sizeof(when)));
	cimxml_reply_free(reply);
	return EXIT_SUCCESS;
}

/* job: CIM_ConcreteJob */

/* "7" for "cimrepl:job:7"; the InstanceID as it is otherwise. */
const char *short_job_id(const char *instance_id)
{
	if (instance_id &&
	    !strncmp(instance_id, CLI_JOB_PREFIX, strlen(CLI_JOB_PREFIX)))
		return instance_id + strlen(CLI_JOB_PREFIX);
	return instance_id;
}

/* OperationalStatus as "2,17". */
static const char *opstatus(const struct cim_instance *inst, char *buf,
			    size_t len)
{
	const struct cim_param *p = cim_instance_prop(inst, "OperationalStatus");
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; p && p->value.is_array && i < p->value.n; i++) {
		const char *t = cim_value_get_string(&p->value, i);

		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", i ? "," : "", t ? t : "NULL");
		if (used >= len)
			break;
	}
	return buf[0] ? buf : "-";
}

static json_object *job_json(const struct cim_instance *inst)
{
	json_object *o = json_object_new_object();
	const struct cim_param *p = cim_instance_prop(inst, "OperationalStatus");
	json_object *status = json_object_new_array();
	const char *id = prop_str(inst, "InstanceID");
	uint64_t n;
	size_t i;

	json_add_str(o, "id", short_job_id(id));
	json_add_str(o, "instance_id", id);
	json_add_str(o, "method", prop_str(inst, "MethodName"));
	json_add_named(o, inst, "job_state", "JobState", NULL);
	json_add_u64(o, inst, "percent_complete", "PercentComplete");
	json_add_u64(o, inst, "error_code", "ErrorCode");
	json_add_str(o, "error_description", prop_str(inst, "ErrorDescription"));
	for (i = 0; p && p->value.is_array && i < p->value.n; i++)
		if (cim_value_get_u64(&p->value, i, UINT16_MAX, &n))
			json_object_array_add(status, json_object_new_int64((int64_t)n));
	json_object_object_add(o, "operational_status", status);
	json_add_str(o, "time_submitted", prop_str(inst, "TimeSubmitted"));
	return o;
}

static void job_details(const struct cim_instance *inst)
{
	char buf[64], when[32];
	uint64_t n;

	printf("%-18s%s\n", "job", or_dash(short_job_id(prop_str(inst, "InstanceID"))));
	printf("%-18s%s\n", "InstanceID", or_dash(prop_str(inst, "InstanceID")));
	printf("%-18s%s\n", "method", or_dash(prop_str(inst, "MethodName")));
	printf("%-18s%s\n", "JobState",
	       named_cell(inst, "JobState", NULL, buf, sizeof(buf)));
	if (prop_u64(inst, "PercentComplete", &n))
		printf("%-18s%" PRIu64 "%%\n", "PercentComplete", n);
	if (prop_u64(inst, "ErrorCode", &n))
		printf("%-18s%" PRIu64 "\n", "ErrorCode", n);
	if (prop_str(inst, "ErrorDescription"))
		printf("%-18s%s\n", "ErrorDescription",
		       prop_str(inst, "ErrorDescription"));
	printf("%-18s%s\n", "OperationalStatus", opstatus(inst, buf, sizeof(buf)));
	printf("%-18s%s\n", "submitted",
	       cim_time(prop_str(inst, "TimeSubmitted"), when, sizeof(when)));
}

int job_list_cmd(int argc, char **argv)
{
	struct cimxml_reply *reply;
	json_object *array = NULL;
	char buf[32], pct[16], when[32];
	uint64_t n;
	size_t i;

	(void)argv;
	if (no_arguments(argc, "job list"))
		return EXIT_USAGE;
	reply = enumerate(CLI_CLASS_JOB, "job list");
	if (!reply)
		return EXIT_FAILURE;
	if (json_output)
		array = json_object_new_array();
	else
		printf("%-6s %-20s %-10s %-8s %-6s %s\n", "JOB", "METHOD", "STATE",
		       "PERCENT", "ERROR", "SUBMITTED");
	for (i = 0; i < reply->n_instances; i++) {
		const struct cim_instance *inst = reply->instances[i];

		if (array) {
			json_object_array_add(array, job_json(inst));
			continue;
		}
		if (prop_u64(inst, "PercentComplete", &n))
			snprintf(pct, sizeof(pct), "%" PRIu64 "%%", n);
		else
			snprintf(pct, sizeof(pct), "-");
		printf("%-6s %-20s %-10s %-8s %-6s %s\n",
		       or_dash(short_job_id(prop_str(inst, "InstanceID"))),
		       or_dash(prop_str(inst, "MethodName")),
		       named_cell(inst, "JobState", NULL, buf, sizeof(buf)), pct,
		       prop_u64(inst, "ErrorCode", &n) && n ? "yes" : "-",
		       cim_time(prop_str(inst, "TimeSubmitted"), when,
				sizeof(when)));
	}
	cimxml_reply_free(reply);
	if (array)
		print_json(array);
	return EXIT_SUCCESS;
}

/* GetInstance of job @id; NULL (said why) on failure. */
static struct cimxml_reply *get_job(const char *id, const char *what)
{
	struct cimxml_reply *reply;
	struct cim_request *req;
	struct cim_path path;

	if (!cli_job_path(id, &path)) {
		fprintf(stderr, "cimreplctl: %s: \"%s\" is not a job id (N or cimrepl:job:N)\n",
			what, id);
		return NULL;
	}
	req = cli_intrinsic_request("GetInstance", NULL, &path);
	cim_path_free(&path);
	if (!req) {
		fprintf(stderr, "cimreplctl: %s: out of memory\n", what);
		return NULL;
	}
	reply = call(req, what);
	cim_request_free(req);
	if (reply && (reply->kind != CIMXML_IRETURN_INSTANCES ||
		      reply->n_instances != 1)) {
		fprintf(stderr, "cimreplctl: %s: cimrepld answered without the instance\n",
			what);
		cimxml_reply_free(reply);
		return NULL;
	}
	return reply;
}

int job_show_cmd(int argc, char **argv)
{
	struct cimxml_reply *reply;
	char what[96];

	if (!one_argument(argc, argv, "job show ID"))
		return EXIT_USAGE;
	snprintf(what, sizeof(what), "job show %s", argv[0]);
	reply = get_job(argv[0], what);
	if (!reply)
		return EXIT_FAILURE;
	if (json_output)
		print_json(job_json(reply->instances[0]));
	else
		job_details(reply->instances[0]);
	cimxml_reply_free(reply);
	return EXIT_SUCCESS;
}

/* The progress bar of `job wait` on a terminal, redrawn in place. */
static void draw_job(const char *id, const struct cim_instance *inst)
{
	uint64_t percent = 0, state = 0;
	char bar[WAIT_BAR_WIDTH + 1];
	const char *name;

	prop_u64(inst, "PercentComplete", &percent);
	prop_u64(inst, "JobState", &state);
	if (percent > 100)
		percent = 100;
	wait_bar(bar, (unsigned int)percent);
	name = job_state_name(state);
	fprintf(stderr, "\rjob %s [%s] %3" PRIu64 "%% %s\033[K", id, bar, percent,
		name ? name : "");
	fflush(stderr);
}

int job_wait_cmd(int argc, char **argv)
{
	const char *id = NULL, *timeout_text = NULL;
	const double interval = 0.5;	/* seconds between two polls */
	bool bar = isatty(STDERR_FILENO);
	double timeout = -1, start, left;
	struct cimxml_reply *reply;
	char what[96];
	uint64_t state;
	int a;

	for (a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--timeout") && a + 1 < argc)
			timeout_text = argv[++a];
		else if (!strncmp(argv[a], "--timeout=", 10))
			timeout_text = argv[a] + 10;
		else if (!id && argv[a][0] != '-')
			id = argv[a];
		else
			id = NULL, a = argc;
	}
	if (!id) {
		fprintf(stderr, "cimreplctl: usage: job wait ID [--timeout SEC]\n");
		return EXIT_USAGE;
	}
	if (timeout_text && !parse_timeout("job wait", timeout_text, &timeout))
		return EXIT_USAGE;
	snprintf(what, sizeof(what), "job wait %s", id);
	start = monotonic_seconds();
	for (;;) {
		const struct cim_instance *inst;

		reply = get_job(id, what);
		if (!reply) {
			if (bar)
				fprintf(stderr, "\r\033[K");
			return EXIT_FAILURE;
		}
		inst = reply->instances[0];
		if (!prop_u64(inst, "JobState", &state))
			state = 0;
		if (state == CIMREPL_JOB_COMPLETED || state == CIMREPL_JOB_EXCEPTION ||
		    state == 8 || state == 9)
			break;
		left = timeout < 0 ? interval :
		       timeout - (monotonic_seconds() - start);
		if (left <= 0) {
			uint64_t pct = 0;

			prop_u64(inst, "PercentComplete", &pct);
			if (bar)
				fprintf(stderr, "\r\033[K");
			fprintf(stderr, "cimreplctl: %s: not done after %g s (JobState %s, %" PRIu64 "%% complete)\n",
				what, timeout, or_dash(job_state_name(state)), pct);
			cimxml_reply_free(reply);
			return EXIT_FAILURE;
		}
		if (bar)
			draw_job(id, inst);
		cimxml_reply_free(reply);
		sleep_seconds(left > interval ? interval : left);
	}
	if (bar) {
		draw_job(id, reply->instances[0]);
		fputc('\n', stderr);
	}
	if (json_output)
		print_json(job_json(reply->instances[0]));
	if (state != CIMREPL_JOB_COMPLETED) {
		const char *desc = prop_str(reply->instances[0], "ErrorDescription");

		fprintf(stderr, "cimreplctl: %s: JobState %s%s%s\n", what,
			or_dash(job_state_name(state)), desc ? ": " : "",
			desc ? desc : "");
		cimxml_reply_free(reply);
		return EXIT_FAILURE;
	}
	cimxml_reply_free(reply);
	return EXIT_SUCCESS;
}

/* replica create: CIM_ReplicationService.CreateListReplica */

/* The path of the one CIM_ReplicationService, into @out. */
bool find_service(struct cim_path *out, const char *what)
{
	struct cimxml_reply *reply;
	struct cim_request *req;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	req = cli_intrinsic_request("EnumerateInstanceNames", CLI_CLASS_SERVICE,
				    NULL);
	if (!req) {
		fprintf(stderr, "cimreplctl: %s: out of memory\n", what);
		return false;
	}
	reply = call(req, what);
	cim_request_free(req);
	if (!reply)
		return false;
	if (reply->kind != CIMXML_IRETURN_NAMES || reply->n_names != 1)
		fprintf(stderr, "cimreplctl: %s: cimrepld has %zu replication services, not one\n",
			what, reply->n_names);
	else if (!cim_path_copy(out, &reply->names[0]))
		fprintf(stderr, "cimreplctl: %s: out of memory\n", what);
	else
		ok = true;
	cimxml_reply_free(reply);
	return ok;
}

/* The DeviceIDs of the reference array @name of @reply, as JSON or text. */
static void print_refs(const struct cimxml_reply *reply, const char *name,
		       const char *key, json_object *o, const char *label)
{
	const struct cim_param *p = cimxml_reply_param(reply, name);
	json_object *array = o ? json_object_new_array() : NULL;
	size_t i;

	if (!o)
		printf("%-14s", label);
	for (i = 0; p && i < p->value.n; i++) {
		const struct cim_path *ref = cim_value_get_ref(&p->value, i);
		const char *v = ref ? cim_path_key(ref, key) : NULL;

		if (array)
			json_object_array_add(array, v ? json_object_new_string(v) :
					      NULL);
		else
			printf("%s%s", i ? " " : "", or_dash(v));
	}
	if (array)
		json_object_object_add(o, label, array);
	else
		printf("%s\n", p && p->value.n ? "" : "-");
}

int replica_create_cim_cmd(int argc, char **argv)
{
	struct cimxml_reply *reply = NULL;
	struct replica_options o;
	struct cim_request *req;
	struct cim_path service;
	const struct cim_param *job_param, *desc_param;
	const struct cim_path *job_ref = NULL;
	const char *job_id = NULL, *desc;
	char err[256];
	uint64_t rc = 0;
	int ret = EXIT_FAILURE;

	if (!replica_options_parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "cimreplctl: replica create: %s\n", err);
		fprintf(stderr, "cimreplctl: usage: replica create --sync-type TYPE [--mode MODE] --source VOL [--source VOL...] [--name NAME...] [--target VOL...] [--pool POOL] [--setting KEY=VALUE...] [--wait-for STATE]\n");
		return EXIT_USAGE;
	}
	if (!find_service(&service, "replica create")) {
		replica_options_free(&o);
		return EXIT_FAILURE;
	}
	req = replica_request(&o, &service, err, sizeof(err));
	cim_path_free(&service);
	replica_options_free(&o);
	if (!req) {
		fprintf(stderr, "cimreplctl: replica create: %s\n", err);
		return EXIT_USAGE;
	}
	reply = call(req, "replica create");
	cim_request_free(req);
	if (!reply)
		return EXIT_FAILURE;
	if (reply->intrinsic || !reply->has_return ||
	    !cim_value_get_u64(&reply->ret, 0, UINT32_MAX, &rc)) {
		fprintf(stderr, "cimreplctl: replica create: CreateListReplica answered without a return code\n");
		goto out;
	}
	desc_param = cimxml_reply_param(reply, "ErrorDescription");
	desc = desc_param ? cim_value_get_string(&desc_param->value, 0) : NULL;
	if (rc != 0 && rc != CIMREPL_RC_JOB_STARTED) {
		fprintf(stderr, "cimreplctl: replica create: CreateListReplica returned %" PRIu64 " (%s)%s%s\n",
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
		json_add_str(j, "return_name", return_code_name(rc));
		print_refs(reply, "TargetElements", "DeviceID", j, "targets");
		json_add_str(j, "job", job_id);
		print_json(j);
	} else {
		printf("%-14s%" PRIu64 " (%s)\n", "return code", rc,
		       return_code_name(rc));
		print_refs(reply, "TargetElements", "DeviceID", NULL, "targets");
		printf("%-14s%s\n", "job", or_dash(job_id));
	}
	if (rc == CIMREPL_RC_JOB_STARTED && job_id && isatty(STDOUT_FILENO))
		fprintf(stderr, "cimreplctl: the copy goes on in the background; follow it with: cimreplctl job wait %s\n",
			job_id);
	ret = EXIT_SUCCESS;
out:
	cimxml_reply_free(reply);
	return ret;
}

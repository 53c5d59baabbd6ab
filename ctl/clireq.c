// SPDX-License-Identifier: GPL-2.0
/*
 * cimreplctl's command line, translated into CIM requests; see clireq.h.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimvalues.h"
#include "cimxml.h"
#include "clireq.h"

static bool __attribute__((format(printf, 3, 4)))
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

int option_value(int argc, char **argv, int *i, const char *name,
		 const char **value)
{
	size_t len = strlen(name);

	if (strncmp(argv[*i], name, len))
		return 0;
	if (argv[*i][len] == '=') {
		*value = argv[*i] + len + 1;
		return 1;
	}
	if (argv[*i][len])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

void replica_options_free(struct replica_options *o)
{
	free(o->sources);
	free(o->names);
	free(o->targets);
	free(o->settings);
	memset(o, 0, sizeof(*o));
}

bool replica_options_parse(int argc, char **argv, struct replica_options *o,
			   char *err, size_t errlen)
{
	const char *type_text = NULL, *mode_text = NULL, *wait_text = NULL;
	const char *value = NULL;
	size_t slots = argc > 0 ? (size_t)argc : 1;
	int a, r;

	memset(o, 0, sizeof(*o));
	o->mode = -1;
	o->wait_for = -1;
	o->sources = calloc(slots, sizeof(*o->sources));
	o->names = calloc(slots, sizeof(*o->names));
	o->targets = calloc(slots, sizeof(*o->targets));
	o->settings = calloc(slots, sizeof(*o->settings));
	if (!o->sources || !o->names || !o->targets || !o->settings)
		goto nomem;
	for (a = 0; a < argc; a++) {
		const char *opt = argv[a];

		if ((r = option_value(argc, argv, &a, "--source", &value)) > 0)
			o->sources[o->n_sources++] = value;
		else if (!r && (r = option_value(argc, argv, &a, "--name", &value)) > 0)
			o->names[o->n_names++] = value;
		else if (!r && (r = option_value(argc, argv, &a, "--target", &value)) > 0)
			o->targets[o->n_targets++] = value;
		else if (!r && (r = option_value(argc, argv, &a, "--setting", &value)) > 0)
			o->settings[o->n_settings++] = value;
		else if (!r && (r = option_value(argc, argv, &a, "--pool", &o->pool)) > 0)
			;
		else if (!r && (r = option_value(argc, argv, &a, "--sync-type", &type_text)) > 0)
			;
		else if (!r && (r = option_value(argc, argv, &a, "--mode", &mode_text)) > 0)
			;
		else if (!r && (r = option_value(argc, argv, &a, "--wait-for", &wait_text)) > 0)
			;
		else if (r < 0) {
			say(err, errlen, "%s needs a value", opt);
			goto fail;
		} else {
			say(err, errlen, "unknown argument \"%s\"", opt);
			goto fail;
		}
		if (!strncmp(opt, "--source", 8) && !*value) {
			say(err, errlen, "an empty --source");
			goto fail;
		}
	}
	if (!type_text) {
		say(err, errlen, "--sync-type is required (snapshot, clone, mirror or a number)");
		goto fail;
	}
	if (!o->n_sources) {
		say(err, errlen, "at least one --source is required");
		goto fail;
	}
	if (!cim_value_parse(&cim_sync_type_map, type_text, &o->sync_type)) {
		say(err, errlen, "unknown SyncType \"%s\" (snapshot, clone, mirror or a number)",
		    type_text);
		goto fail;
	}
	if (mode_text && !cim_value_parse(&cim_mode_map, mode_text, &o->mode)) {
		say(err, errlen, "unknown Mode \"%s\" (sync, async or a number)",
		    mode_text);
		goto fail;
	}
	if (wait_text &&
	    !cim_value_parse(&cim_copy_state_map, wait_text, &o->wait_for)) {
		say(err, errlen, "unknown CopyState \"%s\" (synchronized, unsynchronized, ... or a number)",
		    wait_text);
		goto fail;
	}
	if (o->sync_type < 0 || o->sync_type > UINT16_MAX ||
	    o->mode > UINT16_MAX || o->wait_for > UINT16_MAX) {
		say(err, errlen, "a value out of the range of uint16");
		goto fail;
	}
	return true;

nomem:
	say(err, errlen, "out of memory");
fail:
	replica_options_free(o);
	return false;
}

bool cli_volume_path(const struct cim_path *service, const char *device_id,
		     struct cim_path *out)
{
	const char *system = cim_path_key(service, "SystemName");
	const char *system_class = cim_path_key(service, "SystemCreationClassName");

	memset(out, 0, sizeof(*out));
	if (cim_path_init(out, NULL, CLI_NAMESPACE, CLI_CLASS_VOLUME) &&
	    cim_path_add_key(out, "CreationClassName", CIM_TYPE_STRING,
			     CLI_CLASS_VOLUME) &&
	    (!system_class ||
	     cim_path_add_key(out, "SystemCreationClassName", CIM_TYPE_STRING,
			      system_class)) &&
	    (!system ||
	     cim_path_add_key(out, "SystemName", CIM_TYPE_STRING, system)) &&
	    cim_path_add_key(out, "DeviceID", CIM_TYPE_STRING, device_id))
		return true;
	cim_path_free(out);
	return false;
}

/* A path of @classname with the one key InstanceID = @id. */
static bool instance_id_path(const char *classname, const char *id,
			     struct cim_path *out)
{
	memset(out, 0, sizeof(*out));
	if (cim_path_init(out, NULL, CLI_NAMESPACE, classname) &&
	    cim_path_add_key(out, "InstanceID", CIM_TYPE_STRING, id))
		return true;
	cim_path_free(out);
	return false;
}

bool cli_pool_path(const char *pool, struct cim_path *out)
{
	char *id;
	bool ok;

	if (asprintf(&id, CLI_POOL_PREFIX "%s", pool) < 0) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	ok = instance_id_path(CLI_CLASS_POOL, id, out);
	free(id);
	return ok;
}

bool cli_job_path(const char *id, struct cim_path *out)
{
	char buf[64];
	const char *p;

	memset(out, 0, sizeof(*out));
	if (!id || !*id)
		return false;
	if (!strncmp(id, CLI_JOB_PREFIX, strlen(CLI_JOB_PREFIX)))
		return instance_id_path(CLI_CLASS_JOB, id, out);
	for (p = id; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (strlen(id) > 19)
		return false;
	snprintf(buf, sizeof(buf), CLI_JOB_PREFIX "%s", id);
	return instance_id_path(CLI_CLASS_JOB, buf, out);
}

/* Add parameter @name to @req, returning its (NULL) value. */
static struct cim_value *add_param(struct cim_request *req, const char *name)
{
	struct cim_param *grown;

	grown = realloc(req->params, (req->n_params + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	req->params = grown;
	memset(&grown[req->n_params], 0, sizeof(*grown));
	grown[req->n_params].name = strdup(name);
	if (!grown[req->n_params].name)
		return NULL;
	grown[req->n_params].value.is_null = true;
	return &grown[req->n_params++].value;
}

static bool add_u16(struct cim_request *req, const char *name, int value)
{
	struct cim_value *v = add_param(req, name);
	char text[16];

	snprintf(text, sizeof(text), "%d", value);
	return v && cim_value_set(v, CIM_TYPE_UINT16, text);
}

/* A reference array of the volumes @ids, as parameter @name. */
static bool add_volumes(struct cim_request *req, const char *name,
			const struct cim_path *service, const char *const *ids,
			size_t n)
{
	struct cim_value *v = add_param(req, name);
	struct cim_path path;
	size_t i;

	if (!v)
		return false;
	cim_value_set_array(v, CIM_TYPE_REFERENCE);
	for (i = 0; i < n; i++) {
		bool ok;

		if (!cli_volume_path(service, ids[i], &path))
			return false;
		ok = cim_value_append_ref(v, &path);
		cim_path_free(&path);
		if (!ok)
			return false;
	}
	return true;
}

/*
 * One --setting KEY=VALUE as a property of @inst: true/false a boolean, a
 * number a uint16 (uint64 when larger), a CIM interval a datetime.
 */
static bool add_setting(struct cim_instance *inst, const char *setting,
			char *err, size_t errlen)
{
	const char *eq = strchr(setting, '=');
	enum cim_type type;
	const char *value;
	char *key;
	bool ok;

	if (!eq || eq == setting || !eq[1])
		return say(err, errlen, "--setting \"%s\": not KEY=VALUE", setting);
	value = eq + 1;
	if (!strcasecmp(value, "true") || !strcasecmp(value, "false"))
		type = CIM_TYPE_BOOLEAN;
	else if (cim_text_is_valid(CIM_TYPE_UINT16, value) &&
		 isdigit((unsigned char)*value))
		type = CIM_TYPE_UINT16;
	else if (cim_text_is_valid(CIM_TYPE_UINT64, value) &&
		 isdigit((unsigned char)*value))
		type = CIM_TYPE_UINT64;
	else if (strlen(value) == CIM_DATETIME_LEN &&
		 cim_text_is_valid(CIM_TYPE_DATETIME, value))
		type = CIM_TYPE_DATETIME;
	else
		return say(err, errlen,
			   "--setting %s: \"%s\" is not a number, true, false or an interval",
			   setting, value);
	key = strndup(setting, (size_t)(eq - setting));
	if (!key)
		return say(err, errlen, "out of memory");
	if (cim_instance_prop(inst, key)) {
		say(err, errlen, "--setting %s given twice", key);
		free(key);
		return false;
	}
	ok = cim_instance_set_prop(inst, key, type, value);
	free(key);
	return ok || say(err, errlen, "out of memory");
}

/* ReplicationSettingData: an embedded CIM_ReplicationSettingData. */
static bool add_settings(struct cim_request *req, const struct replica_options *o,
			 char *err, size_t errlen)
{
	struct cim_instance *inst = cim_instance_new(CLI_CLASS_SETTING);
	struct cim_value *v;
	char *text = NULL;
	size_t i;
	bool ok = false;

	if (!inst)
		return say(err, errlen, "out of memory");
	for (i = 0; i < o->n_settings; i++)
		if (!add_setting(inst, o->settings[i], err, errlen))
			goto out;
	text = cimxml_instance_string(inst);
	if (!text) {
		say(err, errlen, "--setting: %s", strerror(errno));
		goto out;
	}
	v = add_param(req, "ReplicationSettingData");
	if (!v || !cim_value_set(v, CIM_TYPE_STRING, text)) {
		say(err, errlen, "out of memory");
		goto out;
	}
	v->embedded_instance = true;
	ok = true;
out:
	free(text);
	cim_instance_free(inst);
	return ok;
}

/* A new request for @method; NULL for lack of memory. */
static struct cim_request *new_request(const char *method, bool intrinsic)
{
	struct cim_request *req = calloc(1, sizeof(*req));

	if (!req)
		return NULL;
	req->intrinsic = intrinsic;
	req->message_id = strdup("1001");
	req->method = strdup(method);
	req->namespace = strdup(CLI_NAMESPACE);
	if (!req->message_id || !req->method || !req->namespace) {
		cim_request_free(req);
		return NULL;
	}
	return req;
}

struct cim_request *replica_request(const struct replica_options *o,
				    const struct cim_path *service,
				    char *err, size_t errlen)
{
	struct cim_request *req = new_request("CreateListReplica", false);
	struct cim_value *v;
	struct cim_path pool;
	size_t i;

	if (!req)
		goto nomem;
	req->target = calloc(1, sizeof(*req->target));
	if (!req->target || !cim_path_copy(req->target, service))
		goto nomem;
	if (!add_u16(req, "SyncType", o->sync_type) ||
	    (o->mode >= 0 && !add_u16(req, "Mode", o->mode)) ||
	    !add_volumes(req, "SourceElements", service, o->sources,
			 o->n_sources))
		goto nomem;
	if (o->n_names) {
		v = add_param(req, "ElementNames");
		if (!v)
			goto nomem;
		cim_value_set_array(v, CIM_TYPE_STRING);
		for (i = 0; i < o->n_names; i++)
			if (!cim_value_append(v, o->names[i]))
				goto nomem;
	}
	if (o->n_targets &&
	    !add_volumes(req, "TargetElements", service, o->targets,
			 o->n_targets))
		goto nomem;
	if (o->pool) {
		bool ok;

		v = add_param(req, "TargetPool");
		if (!v || !cli_pool_path(o->pool, &pool))
			goto nomem;
		ok = cim_value_set_ref(v, &pool);
		cim_path_free(&pool);
		if (!ok)
			goto nomem;
	}
	if (o->n_settings && !add_settings(req, o, err, errlen)) {
		cim_request_free(req);
		return NULL;
	}
	if (o->wait_for >= 0 && !add_u16(req, "WaitForCopyState", o->wait_for))
		goto nomem;
	return req;

nomem:
	say(err, errlen, "out of memory");
	cim_request_free(req);
	return NULL;
}

struct cim_request *cli_intrinsic_request(const char *method,
					  const char *classname,
					  const struct cim_path *instance)
{
	struct cim_request *req = new_request(method, true);
	struct cim_path cls = { 0 };
	struct cim_value *v;
	bool ok;

	if (!req)
		return NULL;
	if (instance) {
		v = add_param(req, "InstanceName");
		if (!v || !cim_value_set_ref(v, instance))
			goto nomem;
		return req;
	}
	v = add_param(req, "ClassName");
	if (!v || !cim_path_init(&cls, NULL, NULL, classname))
		goto nomem;
	ok = cim_value_set_ref(v, &cls);
	cim_path_free(&cls);
	if (!ok)
		goto nomem;
	return req;

nomem:
	cim_request_free(req);
	return NULL;
}

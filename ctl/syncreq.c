// SPDX-License-Identifier: GPL-2.0
/*
 * `sync modify` and `sync list --filter`, translated into CIM requests;
 * see syncreq.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimvalues.h"
#include "clireq.h"
#include "syncreq.h"

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

void sync_modify_options_free(struct sync_modify_options *o)
{
	free(o->targets);
	memset(o, 0, sizeof(*o));
}

bool sync_modify_parse(int argc, char **argv, struct sync_modify_options *o,
		       char *err, size_t errlen)
{
	const char *op_text = NULL, *wait_text = NULL;
	int a, r;

	memset(o, 0, sizeof(*o));
	o->operation = -1;
	o->wait_for = -1;
	o->targets = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*o->targets));
	if (!o->targets)
		return say(err, errlen, "out of memory");
	for (a = 0; a < argc; a++) {
		const char *opt = argv[a];

		r = option_value(argc, argv, &a, "--operation", &op_text);
		if (!r)
			r = option_value(argc, argv, &a, "--wait-for", &wait_text);
		if (r > 0)
			continue;
		if (r < 0) {
			say(err, errlen, "%s needs a value", opt);
			goto fail;
		}
		if (!strcmp(opt, "--force"))
			o->force = true;
		else if (opt[0] == '-' || !opt[0]) {
			say(err, errlen, "unknown argument \"%s\"", opt);
			goto fail;
		} else {
			o->targets[o->n_targets++] = opt;
		}
	}
	if (!op_text) {
		say(err, errlen, "--operation is required (detach, restore, return-to-pool, abort, resync... or a number)");
		goto fail;
	}
	if (!cim_value_parse(&cim_operation_map, op_text, &o->operation)) {
		say(err, errlen, "unknown Operation \"%s\" (detach, restore, return-to-pool, abort, resync... or a number)",
		    op_text);
		goto fail;
	}
	if (wait_text &&
	    !cim_value_parse(&cim_copy_state_map, wait_text, &o->wait_for)) {
		say(err, errlen, "unknown CopyState \"%s\" (synchronized, aborted, ... or a number)",
		    wait_text);
		goto fail;
	}
	if (!o->n_targets) {
		say(err, errlen, "name at least one synchronization (its target's DeviceID)");
		goto fail;
	}
	return true;
fail:
	sync_modify_options_free(o);
	return false;
}

static struct cim_request *method_request(const char *method,
					  const struct cim_path *service)
{
	struct cim_request *req = calloc(1, sizeof(*req));

	if (!req)
		return NULL;
	req->message_id = strdup("1001");
	req->method = strdup(method);
	req->namespace = strdup(CLI_NAMESPACE);
	req->target = calloc(1, sizeof(*req->target));
	if (!req->message_id || !req->method || !req->namespace ||
	    !req->target || !cim_path_copy(req->target, service)) {
		cim_request_free(req);
		return NULL;
	}
	return req;
}

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
	return &grown[req->n_params++].value;
}

static bool add_text(struct cim_request *req, const char *name,
		     enum cim_type type, const char *text)
{
	struct cim_value *v = add_param(req, name);

	return v && cim_value_set(v, type, text);
}

static bool add_u16(struct cim_request *req, const char *name, int value)
{
	char text[16];

	snprintf(text, sizeof(text), "%d", value);
	return add_text(req, name, CIM_TYPE_UINT16, text);
}

struct cim_request *sync_modify_request(const struct sync_modify_options *o,
					const struct cim_path *service,
					const struct cim_path *syncs, size_t n)
{
	struct cim_request *req = method_request("ModifyListSynchronization",
						 service);
	struct cim_value *v;
	size_t i;

	if (!req || !add_u16(req, "Operation", o->operation))
		goto nomem;
	v = add_param(req, "Synchronization");
	if (!v)
		goto nomem;
	cim_value_set_array(v, CIM_TYPE_REFERENCE);
	for (i = 0; i < n; i++)
		if (!cim_value_append_ref(v, &syncs[i]))
			goto nomem;
	if (!add_text(req, "Force", CIM_TYPE_BOOLEAN,
		      o->force ? "true" : "false"))
		goto nomem;
	if (o->wait_for >= 0 && !add_u16(req, "WaitForCopyState", o->wait_for))
		goto nomem;
	return req;
nomem:
	cim_request_free(req);
	return NULL;
}

bool sync_filter_parse(int argc, char **argv, struct relationship_filter *f,
		       char *err, size_t errlen)
{
	const struct {
		const char *key;
		const struct cim_value_map *map;
		int *slot;
	} keys[] = {
		{ "sync-type", &cim_sync_type_map, &f->sync_type },
		{ "mode", &cim_mode_map, &f->mode },
		{ "copy-state", &cim_copy_state_map, &f->copy_state },
	};
	const char *value = NULL;
	size_t i, len;
	int a, r;

	*f = (struct relationship_filter) {
		.type = -1, .sync_type = -1, .mode = -1, .locality = -1,
		.copy_state = -1,
	};
	for (a = 0; a < argc; a++) {
		const char *opt = argv[a];

		r = option_value(argc, argv, &a, "--filter", &value);
		if (r < 0)
			return say(err, errlen, "--filter needs KEY=VALUE");
		if (!r)
			return say(err, errlen, "unknown argument \"%s\"", opt);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			len = strlen(keys[i].key);
			if (!strncmp(value, keys[i].key, len) && value[len] == '=')
				break;
		}
		if (i == sizeof(keys) / sizeof(keys[0]))
			return say(err, errlen, "--filter %s: not sync-type=, mode= or copy-state=",
				   value);
		if (!cim_value_parse(keys[i].map, value + len + 1,
				     keys[i].slot))
			return say(err, errlen, "--filter %s: unknown %s \"%s\"",
				   value, keys[i].map->property,
				   value + len + 1);
	}
	return true;
}

bool sync_filter_active(const struct relationship_filter *f)
{
	return f->type >= 0 || f->sync_type >= 0 || f->mode >= 0 ||
	       f->locality >= 0 || f->copy_state >= 0;
}

struct cim_request *relationships_request(const struct relationship_filter *f,
					  const struct cim_path *service)
{
	struct cim_request *req = method_request("GetReplicationRelationships",
						 service);

	if (!req ||
	    (f->type >= 0 && !add_u16(req, "Type", f->type)) ||
	    (f->sync_type >= 0 && !add_u16(req, "SyncType", f->sync_type)) ||
	    (f->mode >= 0 && !add_u16(req, "Mode", f->mode)) ||
	    (f->locality >= 0 && !add_u16(req, "Locality", f->locality)) ||
	    (f->copy_state >= 0 && !add_u16(req, "CopyState", f->copy_state))) {
		cim_request_free(req);
		return NULL;
	}
	return req;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ModifyListSynchronization, ModifyReplicaSynchronization and
 * GetReplicationRelationships over CIM-XML (syncmethods.h).
 *
 * As for CreateListReplica (provider.c): a parameter the method does not
 * have is CIM_ERR_INVALID_PARAMETER; a wrong value returns the method's
 * code (1 Not Supported, 5 Invalid Parameter, 6 In Use, 4 Failed) with
 * the reason in the ErrorDescription out parameter.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/cimrepl.h>

#include "classes.h"
#include "model.h"
#include "modify.h"
#include "replicate.h"
#include "syncmethods.h"
#include "syncops.h"

#define METHOD_MODIFY_LIST	"ModifyListSynchronization"
#define METHOD_MODIFY_ONE	"ModifyReplicaSynchronization"
#define METHOD_RELATIONSHIPS	"GetReplicationRelationships"

struct sync_call {
	struct provider *p;
	struct daemon *d;
	const struct cim_request *req;
	const struct cim_method *m;
	const struct cimxml_response *r;
	size_t *len;
	uint32_t rc;
	char description[512];
};

bool syncmethods_handles(const char *method)
{
	return !strcasecmp(method, METHOD_MODIFY_LIST) ||
	       !strcasecmp(method, METHOD_MODIFY_ONE) ||
	       !strcasecmp(method, METHOD_RELATIONSHIPS);
}

static void refuse(struct sync_call *c, uint32_t rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse(struct sync_call *c, uint32_t rc, const char *fmt, ...)
{
	va_list ap;

	if (c->rc)	/* the first reason stands */
		return;
	c->rc = rc;
	va_start(ap, fmt);
	vsnprintf(c->description, sizeof(c->description), fmt, ap);
	va_end(ap);
}

/* The value of parameter @name, or NULL when absent or NULL. */
static const struct cim_value *param(struct sync_call *c, const char *name)
{
	const struct cim_param *prm = cim_request_param(c->req, name);

	return prm && !prm->value.is_null ? &prm->value : NULL;
}

/* A uint16 parameter: -1 when absent or NULL. */
static int u16_param(struct sync_call *c, const char *name)
{
	const struct cim_value *v = param(c, name);
	uint64_t value;

	if (!v)
		return -1;
	if (v->is_array || !cim_value_get_u64(v, 0, UINT16_MAX, &value)) {
		refuse(c, CIMREPL_RC_INVALID_PARAMETER, "%s: not a uint16", name);
		return -1;
	}
	return (int)value;
}

static bool bool_param(struct sync_call *c, const char *name)
{
	const struct cim_value *v = param(c, name);
	bool value = false;

	if (v && (v->is_array || !cim_value_get_bool(v, 0, &value)))
		refuse(c, CIMREPL_RC_INVALID_PARAMETER, "%s: not a boolean",
		       name);
	return value;
}

/* Does the request name only parameters the method has? */
static bool known_params(struct sync_call *c)
{
	size_t i, j;

	for (i = 0; i < c->req->n_params; i++) {
		for (j = 0; j < c->m->n_parameters; j++)
			if (!strcasecmp(c->req->params[i].name,
					c->m->parameters[j].name))
				break;
		if (j == c->m->n_parameters)
			return false;
	}
	return true;
}

/* The DeviceID of the volume the reference property @name points at. */
static const char *ref_device(const struct cim_instance *inst,
			      const char *name)
{
	const struct cim_param *prop = cim_instance_prop(inst, name);
	const struct cim_path *ref = prop ? cim_value_get_ref(&prop->value, 0) :
					    NULL;

	return ref ? cim_path_key(ref, "DeviceID") : NULL;
}

/*
 * Find the synchronization each reference of @v names among @syncs: its
 * source and target DeviceIDs into @req.
 */
static void resolve(struct sync_call *c, const struct cim_value *v,
		    const struct model_list *syncs, struct modify_request *req)
{
	size_t i, j;

	if (v->type != CIM_TYPE_REFERENCE) {
		refuse(c, CIMREPL_RC_INVALID_PARAMETER, "%s: not %s", req->param,
		       v->is_array ? "an array of references" : "a reference");
		return;
	}
	if (!v->n || v->n > REPLICATE_MAX) {
		refuse(c, CIMREPL_RC_INVALID_PARAMETER,
		       "%s: 1 to %d synchronizations", req->param, REPLICATE_MAX);
		return;
	}
	for (i = 0; i < v->n; i++) {
		const struct cim_path *want = cim_value_get_ref(v, i);

		for (j = 0; want && j < syncs->n; j++)
			if (model_path_equal(syncs->items[j]->path, want))
				break;
		if (!want || j == syncs->n) {
			refuse(c, CIMREPL_RC_INVALID_PARAMETER,
			       "%s[%zu]: not a CIM_StorageSynchronized of this system",
			       req->param, i);
			return;
		}
		req->sources[i] = ref_device(syncs->items[j], "SystemElement");
		req->targets[i] = ref_device(syncs->items[j], "SyncedElement");
		if (!req->sources[i] || !req->targets[i]) {
			refuse(c, CIMREPL_RC_FAILED,
			       "%s[%zu]: the synchronization has no volumes",
			       req->param, i);
			return;
		}
	}
	req->n = v->n;
}

/* Wait, without the lock, until job @id ends; its outcome into @c. */
static void wait_for_job(struct sync_call *c, int64_t id)
{
	struct store_job job;
	int state;

	for (;;) {
		state = replicate_job_refresh(c->d, id, &job);
		if (state < 0) {
			refuse(c, CIMREPL_RC_FAILED, "the job is gone: %s",
			       strerror(-state));
			return;
		}
		if (state == CIMREPL_JOB_COMPLETED)
			return;
		if (c->d->stopping) {
			/* the client polls the job it gets instead */
			c->rc = CIMREPL_RC_JOB_STARTED;
			return;
		}
		if (state != CIMREPL_JOB_RUNNING) {
			refuse(c, job.error_code ? job.error_code :
			       CIMREPL_RC_FAILED, "%s", job.error_description);
			return;
		}
		pthread_mutex_unlock(&c->d->lock);
		usleep(c->p->wait_poll_ms * 1000);
		pthread_mutex_lock(&c->d->lock);
	}
}

/* Every CIM_StorageSynchronized, as EnumerateInstances has them now. */
static bool all_syncs(struct sync_call *c, struct model_list *out)
{
	out->items = NULL;
	out->n = 0;
	if (!model_enumerate(c->d, &c->p->lio, classes_find(CLASS_SYNC), out))
		return true;
	model_list_free(out);
	return false;
}

/* The answer: return code, then @n_out out parameters (taken over). */
static char *answer(struct sync_call *c, struct cim_param *out, size_t n_out)
{
	struct cim_value ret = { 0 };
	char rc_text[16];
	char *doc = NULL;
	size_t i;

	if (c->rc && c->rc != CIMREPL_RC_JOB_STARTED) {
		fprintf(stderr, "cimrepld: %s returns %u: %s\n", c->m->name,
			c->rc, c->description);
		out[n_out].name = strdup("ErrorDescription");
		if (!out[n_out].name ||
		    !cim_value_set(&out[n_out].value, CIM_TYPE_STRING,
				   c->description)) {
			free(out[n_out].name);
			goto out;
		}
		n_out++;
	}
	snprintf(rc_text, sizeof(rc_text), "%u", c->rc);
	if (cim_value_set(&ret, CIM_TYPE_UINT32, rc_text))
		doc = cimxml_respond_method(c->r, &ret, out, n_out, c->len);
out:
	if (!doc)
		doc = cimxml_respond_error(c->r, CIM_ERR_FAILED, "out of memory",
					   c->len);
	cim_value_free(&ret);
	for (i = 0; i < n_out; i++)
		cim_param_free(&out[i]);
	return doc;
}

static char *modify(struct sync_call *c, bool list_form)
{
	struct modify_request req = {
		.wait_state = -1, .method = c->m->name,
		.param = "Synchronization",
	};
	struct modify_result res = { 0 };
	struct model_list syncs = { 0 };
	const struct cim_value *v;
	struct cim_param out[2];
	struct cim_path path = { 0 };
	size_t n_out = 0;

	memset(out, 0, sizeof(out));
	req.operation = u16_param(c, "Operation");
	req.force = bool_param(c, "Force");
	req.wait_state = u16_param(c, "WaitForCopyState");
	if (req.operation < 0)
		refuse(c, CIMREPL_RC_INVALID_PARAMETER, "Operation is required");
	else if (!syncop_is_standard(req.operation, list_form))
		refuse(c, CIMREPL_RC_INVALID_PARAMETER,
		       "Operation %d: not a value of %s's Operation",
		       req.operation, c->m->name);
	if (req.wait_state >= 0 &&
	    (req.wait_state < CIMREPL_COPY_STATE_INITIALIZED ||
	     req.wait_state > CIMREPL_COPY_STATE_RESTORED))
		refuse(c, CIMREPL_RC_INVALID_PARAMETER,
		       "WaitForCopyState %d: not a CopyState of the standard",
		       req.wait_state);
	if (param(c, "ReplicationSettingData"))
		refuse(c, CIMREPL_RC_NOT_SUPPORTED,
		       "ReplicationSettingData: no setting applies to a modification here");
	if (!list_form && param(c, "SyncPair"))
		refuse(c, CIMREPL_RC_NOT_SUPPORTED,
		       "SyncPair: group synchronizations are not supported");
	v = param(c, "Synchronization");
	if (!v)
		refuse(c, CIMREPL_RC_INVALID_PARAMETER,
		       "Synchronization is required");
	else if (v->is_array != list_form)
		refuse(c, CIMREPL_RC_INVALID_PARAMETER,
		       "Synchronization: not %s", list_form ?
		       "an array of references" : "a reference");
	if (!c->rc) {
		if (!all_syncs(c, &syncs))
			return cimxml_respond_error(c->r, CIM_ERR_FAILED,
						    "out of memory", c->len);
		resolve(c, v, &syncs, &req);
	}
	if (!c->rc) {
		modify_list(c->d, &c->p->lio, &req, &res);
		c->rc = res.rc;
		snprintf(c->description, sizeof(c->description), "%s",
			 res.description);
		if (c->rc == CIMREPL_RC_JOB_STARTED && req.wait_state >= 0) {
			c->rc = 0;
			wait_for_job(c, res.job_id);
			if (!c->rc)
				res.job_id = 0;	/* done: no job to return */
		}
	}
	model_list_free(&syncs);	/* req's strings pointed into it */

	/* a NULL Job is left out: wbemcli 1.6 crashes on an empty PARAMVALUE */
	if (c->rc == CIMREPL_RC_JOB_STARTED && res.job_id) {
		out[n_out].name = strdup("Job");
		if (!out[n_out].name || model_job_path(c->d, res.job_id, &path) ||
		    !cim_value_set_ref(&out[n_out].value, &path)) {
			free(out[n_out].name);
			cim_path_free(&path);
			return cimxml_respond_error(c->r, CIM_ERR_FAILED,
						    "out of memory", c->len);
		}
		cim_path_free(&path);
		n_out++;
	}
	return answer(c, out, n_out);
}

static char *relationships(struct sync_call *c)
{
	struct relationship_filter f = {
		.type = u16_param(c, "Type"),
		.sync_type = u16_param(c, "SyncType"),
		.mode = u16_param(c, "Mode"),
		.locality = u16_param(c, "Locality"),
		.copy_state = u16_param(c, "CopyState"),
	};
	struct model_list syncs = { 0 };
	struct cim_param out[2];
	uint64_t sync_type, mode, copy_state;
	size_t n_out = 0, i;

	memset(out, 0, sizeof(out));
	if (!c->rc && !relationship_filter_valid(&f, c->description,
						 sizeof(c->description)))
		c->rc = CIMREPL_RC_INVALID_PARAMETER;
	if (c->rc)
		return answer(c, out, 0);
	if (!all_syncs(c, &syncs))
		goto oom;
	out[0].name = strdup("Synchronizations");
	if (!out[0].name)
		goto oom;
	n_out = 1;
	cim_value_set_array(&out[0].value, CIM_TYPE_REFERENCE);
	for (i = 0; i < syncs.n; i++) {
		const struct cim_instance *inst = syncs.items[i];
		const struct cim_param *st = cim_instance_prop(inst, "SyncType");
		const struct cim_param *md = cim_instance_prop(inst, "Mode");
		const struct cim_param *cs = cim_instance_prop(inst, "CopyState");

		if (!st || !md || !cs ||
		    !cim_value_get_u64(&st->value, 0, UINT16_MAX, &sync_type) ||
		    !cim_value_get_u64(&md->value, 0, UINT16_MAX, &mode) ||
		    !cim_value_get_u64(&cs->value, 0, UINT16_MAX, &copy_state))
			continue;
		if (!relationship_matches(&f, (int)sync_type, (int)mode,
					  (int)copy_state))
			continue;
		if (!cim_value_append_ref(&out[0].value, inst->path))
			goto oom;
	}
	model_list_free(&syncs);
	return answer(c, out, n_out);
oom:
	model_list_free(&syncs);
	for (i = 0; i < n_out; i++)
		cim_param_free(&out[i]);
	return cimxml_respond_error(c->r, CIM_ERR_FAILED, "out of memory",
				    c->len);
}

char *syncmethods_call(struct provider *p, const struct cim_request *req,
		       const struct cim_method *m,
		       const struct cimxml_response *r, size_t *len)
{
	struct sync_call c = {
		.p = p, .d = p->d, .req = req, .m = m, .r = r, .len = len,
	};

	if (!known_params(&c))
		return cimxml_respond_error(r, CIM_ERR_INVALID_PARAMETER,
					    "the method has no such parameter",
					    len);
	if (!strcasecmp(m->name, METHOD_RELATIONSHIPS))
		return relationships(&c);
	return modify(&c, !strcasecmp(m->name, METHOD_MODIFY_LIST));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * cimrepld's CIM operations (provider.h).
 *
 * Errors, as DSP0200 wants them: a request that is not CIM-XML gets HTTP
 * 400 with a CIMError header; an operation on something unknown gets a CIM
 * ERROR (CIM_ERR_INVALID_NAMESPACE, _INVALID_CLASS, _NOT_FOUND,
 * _METHOD_NOT_FOUND, _INVALID_PARAMETER for a parameter the method does not
 * have); an extrinsic method whose parameters are wrong in value returns
 * its return code (1 Not Supported, 5 Invalid Parameter, 6 In Use...) with
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

#include "assoc.h"
#include "capabilities.h"
#include "cimxml.h"
#include "classes.h"
#include "interop.h"
#include "indications.h"
#include "model.h"
#include "provider.h"
#include "replargs.h"
#include "replicate.h"
#include "syncmethods.h"

struct call {
	struct provider *p;
	struct daemon *d;
	const struct cim_request *req;
	struct cimxml_response r;
	size_t len;
};

static char *error_doc(struct call *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static char *error_doc(struct call *c, int code, const char *fmt, ...)
{
	char description[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(description, sizeof(description), fmt, ap);
	va_end(ap);
	return cimxml_respond_error(&c->r, code, description, &c->len);
}

/* The value of parameter @name, or NULL when absent or NULL. */
static const struct cim_value *param(struct call *c, const char *name)
{
	return replargs_param(c->req, name);
}

/* The class named by the ClassName parameter. */
static const char *class_name_param(struct call *c)
{
	const struct cim_value *v = param(c, "ClassName");
	const struct cim_path *path = v ? cim_value_get_ref(v, 0) : NULL;

	if (path)
		return path->classname;
	return v ? cim_value_get_string(v, 0) : NULL;
}

static bool bool_param(struct call *c, const char *name, bool dflt)
{
	const struct cim_value *v = param(c, name);
	bool value;

	return v && cim_value_get_bool(v, 0, &value) ? value : dflt;
}

/* The classes served in the namespace that are @name or inherit from it. */
static size_t classes_of(struct call *c, const char *name,
			 const struct cim_class **out)
{
	const struct cim_class *const *all;
	size_t n, i, found = 0;

	all = classes_all(&n);
	for (i = 0; i < n && found < CLASSES_MAX; i++)
		if (classes_is_a(all[i], name) &&
		    interop_namespace_has_class(c->req->namespace, all[i]))
			out[found++] = all[i];
	return found;
}

static char *op_enumerate_class_names(struct call *c, bool classes)
{
	const char *name = class_name_param(c);
	const struct cim_class *const *all;
	const struct cim_class *list[CLASSES_MAX];
	const char *names[CLASSES_MAX];
	size_t n, i, found = 0;

	all = classes_all(&n);
	for (i = 0; i < n && found < CLASSES_MAX; i++) {
		if (!interop_namespace_has_class(c->req->namespace, all[i]))
			continue;
		if (!name || (all[i]->superclass &&
			      !strcasecmp(all[i]->superclass, name)) ||
		    (bool_param(c, "DeepInheritance", false) &&
		     classes_is_a(all[i], name) &&
		     strcasecmp(all[i]->name, name))) {
			list[found] = all[i];
			names[found++] = all[i]->name;
		}
	}
	if (classes)
		return cimxml_respond_classes(&c->r, list, found,
					      CIMXML_CLASS_QUALIFIERS, &c->len);
	return cimxml_respond_class_names(&c->r, names, found, &c->len);
}

static char *op_get_class(struct call *c)
{
	const char *name = class_name_param(c);
	const struct cim_class *cls;
	unsigned int flags = 0;

	if (!name)
		return error_doc(c, CIM_ERR_INVALID_PARAMETER,
				 "GetClass needs ClassName");
	cls = classes_find(name);
	if (!cls || !interop_namespace_has_class(c->req->namespace, cls))
		return error_doc(c, CIM_ERR_NOT_FOUND,
				 "class %s is not served here", name);
	if (bool_param(c, "IncludeQualifiers", true))
		flags |= CIMXML_CLASS_QUALIFIERS;
	if (bool_param(c, "IncludeClassOrigin", false))
		flags |= CIMXML_CLASS_ORIGIN;
	return cimxml_respond_classes(&c->r, &cls, 1, flags, &c->len);
}

/* Every instance of the classes @name names; NULL doc on error. */
static char *collect(struct call *c, const char *name, struct model_list *all)
{
	const struct cim_class *list[CLASSES_MAX];
	struct model_list part;
	size_t n, i, j;

	all->items = NULL;
	all->n = 0;
	if (!name)
		return error_doc(c, CIM_ERR_INVALID_PARAMETER,
				 "the operation needs ClassName");
	n = classes_of(c, name, list);
	if (!n)
		return error_doc(c, CIM_ERR_INVALID_CLASS,
				 "class %s is not served here", name);
	for (i = 0; i < n; i++) {
		if (model_enumerate(c->d, &c->p->lio, list[i], &part)) {
			model_list_free(&part);
			model_list_free(all);
			return error_doc(c, CIM_ERR_FAILED, "out of memory");
		}
		for (j = 0; j < part.n; j++) {
			struct cim_instance **grown =
				realloc(all->items, (all->n + 1) * sizeof(*grown));

			if (!grown) {
				model_list_free(&part);
				model_list_free(all);
				return error_doc(c, CIM_ERR_FAILED, "out of memory");
			}
			all->items = grown;
			all->items[all->n++] = part.items[j];
			part.items[j] = NULL;
		}
		model_list_free(&part);
	}
	return NULL;
}

static char *op_enumerate_instances(struct call *c, bool names_only)
{
	struct model_list all;
	struct cim_path *paths;
	char *doc;
	size_t i;

	doc = collect(c, class_name_param(c), &all);
	if (doc)
		return doc;
	if (!names_only) {
		doc = cimxml_respond_named_instances(&c->r,
				(const struct cim_instance *const *)all.items,
				all.n, &c->len);
		model_list_free(&all);
		return doc;
	}
	paths = calloc(all.n ? all.n : 1, sizeof(*paths));
	if (!paths) {
		model_list_free(&all);
		return error_doc(c, CIM_ERR_FAILED, "out of memory");
	}
	for (i = 0; i < all.n; i++)
		paths[i] = *all.items[i]->path;	/* borrowed */
	doc = cimxml_respond_instance_names(&c->r, paths, all.n, &c->len);
	free(paths);
	model_list_free(&all);
	return doc;
}

static char *op_get_instance(struct call *c)
{
	const struct cim_value *v = param(c, "InstanceName");
	const struct cim_path *want = v ? cim_value_get_ref(v, 0) : NULL;
	struct model_list all;
	char *doc;
	size_t i;

	if (!want || !want->classname)
		return error_doc(c, CIM_ERR_INVALID_PARAMETER,
				 "GetInstance needs InstanceName");
	doc = collect(c, want->classname, &all);
	if (doc)
		return doc;
	for (i = 0; i < all.n; i++)
		if (model_path_equal(all.items[i]->path, want))
			break;
	if (i == all.n)
		doc = error_doc(c, CIM_ERR_NOT_FOUND, "no such %s",
				want->classname);
	else
		doc = cimxml_respond_instance(&c->r, all.items[i], &c->len);
	model_list_free(&all);
	return doc;
}

/* Extrinsic methods. */

/* Every parameter name a method takes (IN ones; OUT ones are ignored). */
static bool known_params(struct call *c, const struct cim_method *m)
{
	size_t i, j;

	for (i = 0; i < c->req->n_params; i++) {
		for (j = 0; j < m->n_parameters; j++)
			if (!strcasecmp(c->req->params[i].name,
					m->parameters[j].name))
				break;
		if (j == m->n_parameters)
			return false;
	}
	return true;
}

static const struct cim_method *find_method(const char *name)
{
	const struct cim_class *cls = classes_find(CLASS_SERVICE);
	size_t i;

	for (i = 0; i < cls->n_methods; i++)
		if (!strcasecmp(cls->methods[i].name, name))
			return &cls->methods[i];
	return NULL;
}

/* Wait, without the lock, until job @id ends; its outcome into @o. */
static void wait_for_job(struct call *c, int64_t id, struct method_out *o)
{
	struct store_job job;
	int state;

	for (;;) {
		state = replicate_job_refresh(c->d, id, &job);
		if (state < 0) {
			method_fail(o, CIMREPL_RC_FAILED, "the job is gone: %s",
				    strerror(-state));
			return;
		}
		if (state == CIMREPL_JOB_COMPLETED)
			return;
		if (c->d->stopping) {
			/* the client polls the job it gets instead */
			o->rc = CIMREPL_RC_JOB_STARTED;
			return;
		}
		if (state != CIMREPL_JOB_RUNNING) {
			method_fail(o, job.error_code ? job.error_code :
				    CIMREPL_RC_FAILED, "%s",
				    job.error_description);
			return;
		}
		pthread_mutex_unlock(&c->d->lock);
		usleep(c->p->wait_poll_ms * 1000);
		pthread_mutex_lock(&c->d->lock);
	}
}

static bool add_ref_param(struct cim_param *out, size_t *n, const char *name,
			  const struct cim_path *path)
{
	out[*n].name = strdup(name);
	if (!out[*n].name || !cim_value_set_ref(&out[*n].value, path)) {
		free(out[*n].name);
		return false;
	}
	(*n)++;
	return true;
}

static char *method_create(struct call *c, const struct cim_method *m,
			   bool list_form)
{
	struct replicate_request rr = { .mode = -1, .wait_state = -1,
					.throttle = -1, .method = m->name };
	struct replicate_result *res = calloc(1, sizeof(*res));
	struct cim_param out[8];
	struct method_out o = { 0 };
	struct cim_value ret = { 0 }, target_refs = { 0 }, sync_refs = { 0 };
	struct cim_path path = { 0 };
	char rc_text[16];
	size_t n_out = 0, i;
	char *doc = NULL;

	if (!res)
		return error_doc(c, CIM_ERR_FAILED, "out of memory");
	memset(out, 0, sizeof(out));
	if (!known_params(c, m)) {
		free(res);
		return error_doc(c, CIM_ERR_INVALID_PARAMETER,
				 "%s has no such parameter", m->name);
	}
	replargs_translate(c->req, list_form, c->d->system_name, &rr, &o);

	if (!o.rc) {
		replicate_create_list(c->d, &c->p->lio, &rr, res);
		o.rc = res->rc;
		snprintf(o.description, sizeof(o.description), "%s",
			 res->description);
		if (o.rc == CIMREPL_RC_JOB_STARTED && rr.wait_state >= 0) {
			o.rc = 0;
			wait_for_job(c, res->job_id, &o);
			if (!o.rc)
				res->job_id = 0;	/* done: no job to return */
		}
	}
	if (o.rc && o.rc != CIMREPL_RC_JOB_STARTED)
		fprintf(stderr, "cimrepld: %s returns %u: %s\n", m->name, o.rc,
			o.description);

	/* the answer */
	snprintf(rc_text, sizeof(rc_text), "%u", o.rc);
	if (!cim_value_set(&ret, CIM_TYPE_UINT32, rc_text))
		goto oom;
	if (res->job_id && (o.rc == CIMREPL_RC_JOB_STARTED)) {
		if (model_job_path(c->d, res->job_id, &path) ||
		    !add_ref_param(out, &n_out, "Job", &path))
			goto oom;
		cim_path_free(&path);
	}
	/* a NULL Job is left out: wbemcli 1.6 crashes on an empty PARAMVALUE */
	if (!o.rc || o.rc == CIMREPL_RC_JOB_STARTED) {
		cim_value_set_array(&target_refs, CIM_TYPE_REFERENCE);
		cim_value_set_array(&sync_refs, CIM_TYPE_REFERENCE);
		for (i = 0; i < res->n; i++) {
			if (model_volume_path(c->d, res->targets[i], &path))
				goto oom;
			if (!cim_value_append_ref(&target_refs, &path))
				goto oom;
			cim_path_free(&path);
			if (model_sync_path(c->d, res->sources[i], res->targets[i],
					    &path) ||
			    !cim_value_append_ref(&sync_refs, &path))
				goto oom;
			cim_path_free(&path);
		}
		if (list_form) {
			out[n_out].name = strdup("TargetElements");
			out[n_out++].value = target_refs;
			out[n_out].name = strdup("Synchronizations");
			out[n_out++].value = sync_refs;
		} else {
			if (!add_ref_param(out, &n_out, "TargetElement",
					   &target_refs.refs[0]) ||
			    !add_ref_param(out, &n_out, "Synchronization",
					   &sync_refs.refs[0]))
				goto oom;
			cim_value_free(&target_refs);
			cim_value_free(&sync_refs);
		}
		memset(&target_refs, 0, sizeof(target_refs));
		memset(&sync_refs, 0, sizeof(sync_refs));
	} else {
		out[n_out].name = strdup("ErrorDescription");
		if (!out[n_out].name ||
		    !cim_value_set(&out[n_out].value, CIM_TYPE_STRING,
				   o.description))
			goto oom;
		n_out++;
	}
	for (i = 0; i < n_out; i++)
		if (!out[i].name)
			goto oom;
	doc = cimxml_respond_method(&c->r, &ret, out, n_out, &c->len);
	goto out;

oom:
	doc = error_doc(c, CIM_ERR_FAILED, "out of memory");
out:
	cim_path_free(&path);
	cim_value_free(&ret);
	cim_value_free(&target_refs);
	cim_value_free(&sync_refs);
	for (i = 0; i < n_out; i++)
		cim_param_free(&out[i]);
	free(res);
	return doc;
}

/* The Get* methods of CIM_ReplicationServiceCapabilities (capabilities.c). */
static char *call_capabilities(struct call *c)
{
	const struct cim_path *target = c->req->target;
	struct model_list all;
	bool ours = !target->n_keys;
	char *doc;
	size_t i;

	if (!caps_has_method(c->req->method))
		return error_doc(c, CIM_ERR_METHOD_NOT_FOUND, "%s has no method %s",
				 CLASS_CAPABILITIES, c->req->method);
	if (target->n_keys) {
		doc = collect(c, CLASS_CAPABILITIES, &all);
		if (doc)
			return doc;
		for (i = 0; i < all.n && !ours; i++)
			ours = model_path_equal(all.items[i]->path, target);
		model_list_free(&all);
	}
	if (!ours)
		return error_doc(c, CIM_ERR_NOT_FOUND,
				 "no such replication service capabilities");
	return caps_invoke(&c->d->caps, classes_find(CLASS_SERVICE), c->req,
			   &c->r, &c->len);
}

static char *dispatch_extrinsic(struct call *c)
{
	const struct cim_path *target = c->req->target;
	const struct cim_class *cls;
	const struct cim_method *m;
	struct model_list all;
	char *doc;
	size_t i;

	if (!target || !target->classname)
		return error_doc(c, CIM_ERR_INVALID_PARAMETER,
				 "a method call needs an object");
	cls = classes_find(target->classname);
	if (cls && !interop_namespace_has_class(c->req->namespace, cls))
		return error_doc(c, CIM_ERR_INVALID_CLASS,
				 "class %s is not served in %s",
				 target->classname, c->req->namespace);
	if (!strcasecmp(target->classname, CLASS_CAPABILITIES))
		return call_capabilities(c);
	if (strcasecmp(target->classname, CLASS_SERVICE)) {
		if (classes_find(target->classname))
			return error_doc(c, CIM_ERR_METHOD_NOT_FOUND,
					 "%s has no method %s",
					 target->classname, c->req->method);
		return error_doc(c, CIM_ERR_INVALID_CLASS,
				 "class %s is not served here", target->classname);
	}
	m = find_method(c->req->method);
	if (!m)
		return error_doc(c, CIM_ERR_METHOD_NOT_FOUND,
				 "%s has no method %s", CLASS_SERVICE,
				 c->req->method);
	if (target->n_keys) {
		/* on an instance: it must be this service */
		doc = collect(c, CLASS_SERVICE, &all);
		if (doc)
			return doc;
		bool ours = false;

		for (i = 0; i < all.n && !ours; i++)
			ours = model_path_equal(all.items[i]->path, target);
		model_list_free(&all);
		if (!ours)
			return error_doc(c, CIM_ERR_NOT_FOUND,
					 "no such replication service");
	}
	if (syncmethods_handles(m->name))
		return syncmethods_call(c->p, c->req, m, &c->r, &c->len);
	return method_create(c, m, !strcasecmp(m->name, "CreateListReplica"));
}

static char *dispatch_intrinsic(struct call *c)
{
	const char *op = c->req->method;

	if (!strcasecmp(op, "EnumerateClassNames"))
		return op_enumerate_class_names(c, false);
	if (!strcasecmp(op, "EnumerateClasses"))
		return op_enumerate_class_names(c, true);
	if (!strcasecmp(op, "GetClass"))
		return op_get_class(c);
	if (!strcasecmp(op, "EnumerateInstanceNames"))
		return op_enumerate_instances(c, true);
	if (!strcasecmp(op, "EnumerateInstances"))
		return op_enumerate_instances(c, false);
	if (!strcasecmp(op, "GetInstance"))
		return op_get_instance(c);
	if (assoc_is_operation(op))
		return assoc_operation(c->d, &c->p->lio, c->req, &c->r, &c->len);
	return error_doc(c, CIM_ERR_NOT_SUPPORTED,
			 "%s is not supported by this server", op);
}

/* Does the CIMObject header name the request's namespace or object? */
static bool header_matches(const struct cim_httpd_request *hreq,
			   const struct cim_request *req)
{
	size_t n = req->namespace ? strlen(req->namespace) : 0;

	if (strcasecmp(hreq->cim_method, req->method))
		return false;
	return !n || !strncasecmp(hreq->cim_object, req->namespace, n);
}

int provider_handle(void *arg, const struct cim_httpd_request *hreq,
		    struct cim_httpd_response *resp)
{
	struct provider *p = arg;
	struct cim_request *req = NULL;
	struct call c = { .p = p, .d = p->d };
	char err[512];
	char *doc;
	int status;

	status = cimxml_parse_request(hreq->body, hreq->len, &req, err,
				      sizeof(err));
	if (status) {
		fprintf(stderr, "cimrepld: bad request: %s\n", err);
		resp->status = 400;
		resp->cim_error = CIM_HTTPD_ERR_NOT_WELL_FORMED;
		return 0;
	}
	if (!header_matches(hreq, req)) {
		resp->status = 400;
		resp->cim_error = CIM_HTTPD_ERR_HEADER_MISMATCH;
		cim_request_free(req);
		return 0;
	}
	c.req = req;
	c.r = (struct cimxml_response) {
		.message_id = req->message_id,
		.method = req->method,
		.intrinsic = req->intrinsic,
		.host = p->d->system_name,
		.namespace = req->namespace ? req->namespace : DAEMON_NAMESPACE,
	};

	pthread_mutex_lock(&p->d->lock);
	if (indications_serves(req))
		doc = indications_handle(p->d, req, &c.r, &c.len);
	else if (!interop_namespace_served(req->namespace))
		doc = error_doc(&c, CIM_ERR_INVALID_NAMESPACE,
				"namespace %s is not served here (%s and %s are)",
				req->namespace ? req->namespace : "(none)",
				DAEMON_NAMESPACE, DAEMON_INTEROP_NAMESPACE);
	else if (req->intrinsic)
		doc = dispatch_intrinsic(&c);
	else
		doc = dispatch_extrinsic(&c);
	pthread_mutex_unlock(&p->d->lock);

	cim_request_free(req);
	if (!doc)
		return -ENOMEM;
	resp->body = doc;
	resp->len = c.len;
	return 0;
}

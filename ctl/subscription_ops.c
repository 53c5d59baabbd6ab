// SPDX-License-Identifier: GPL-2.0
/*
 * The intrinsic operations on indication subscriptions (indications.h):
 * CreateInstance, DeleteInstance, GetInstance, EnumerateInstances and
 * EnumerateInstanceNames of filters, listener destinations and
 * subscriptions; the store is written before memory, so what a client was
 * told exists survives a restart.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimxml.h"
#include "indications.h"
#include "model.h"
#include "subscriptions.h"

static bool served_namespace(const char *ns)
{
	return ns && (!strcasecmp(ns, DAEMON_INTEROP_NAMESPACE) ||
		      !strcasecmp(ns, "root/interop") ||
		      !strcasecmp(ns, DAEMON_NAMESPACE));
}

/* ---- the intrinsic operations ---- */

static const struct cim_value *param(const struct cim_request *req,
				     const char *name)
{
	const struct cim_param *p = cim_request_param(req, name);

	return p && !p->value.is_null ? &p->value : NULL;
}

/* The class a request is about: ClassName, InstanceName or NewInstance. */
static char *request_class(const struct cim_request *req)
{
	const struct cim_value *v = param(req, "ClassName");
	const struct cim_path *path;
	struct cim_instance *inst = NULL;
	char err[128], *name = NULL;

	if (!v)
		v = param(req, "InstanceName");
	if (v) {
		path = v->type == CIM_TYPE_REFERENCE ? cim_value_get_ref(v, 0) :
			NULL;
		if (path && path->classname)
			return strdup(path->classname);
		return v->type == CIM_TYPE_REFERENCE ? NULL :
			strdup(cim_value_get_string(v, 0) ?
			       cim_value_get_string(v, 0) : "");
	}
	v = param(req, "NewInstance");
	if (!v)
		v = param(req, "ModifiedInstance");
	if (v && v->type == CIM_TYPE_STRING && cim_value_get_string(v, 0) &&
	    !cimxml_parse_instance(cim_value_get_string(v, 0), &inst, err,
				   sizeof(err))) {
		if (inst->classname)
			name = strdup(inst->classname);
		cim_instance_free(inst);
	}
	return name;
}

bool indications_serves(const struct cim_request *req)
{
	static const char *const ops[] = {
		"CreateInstance", "DeleteInstance", "ModifyInstance",
		"GetInstance", "EnumerateInstances", "EnumerateInstanceNames",
	};
	char *cls;
	bool ours;
	size_t i;

	if (!req->intrinsic || !served_namespace(req->namespace))
		return false;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcasecmp(req->method, ops[i]))
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return false;
	cls = request_class(req);
	ours = ind_family(cls) != IND_NONE;
	free(cls);
	return ours;
}

static char *error_doc(const struct cimxml_response *r, size_t *len,
		       int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static char *error_doc(const struct cimxml_response *r, size_t *len,
		       int code, const char *fmt, ...)
{
	char description[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(description, sizeof(description), fmt, ap);
	va_end(ap);
	return cimxml_respond_error(r, code, description, len);
}

static int persist(struct daemon *d, const char *kind, const char *name,
		   const char *ns, const struct cim_instance *inst)
{
	char *text = cimxml_instance_string(inst);
	int ret;

	if (!text)
		return -ENOMEM;
	ret = store_indication_put(d->store, kind, name, ns, text,
				   daemon_now_ns());
	free(text);
	return ret;
}

static char *op_create(struct daemon *d, const struct cim_request *req,
		       const struct cimxml_response *r, size_t *len)
{
	struct subscriptions *subs = indications_subscriptions(d);
	const struct cim_value *v = param(req, "NewInstance");
	struct cim_instance *given = NULL;
	struct refusal ref = { 0 };
	const struct cim_path *path = NULL;
	const char *kind = NULL, *name, *key, *cls;
	struct destination *dst = NULL;
	struct subscription *s = NULL;
	struct filter *f = NULL;
	char err[256], made[96];
	char *doc;
	int rc;

	if (!v || v->type != CIM_TYPE_STRING || !cim_value_get_string(v, 0) ||
	    cimxml_parse_instance(cim_value_get_string(v, 0), &given, err,
				  sizeof(err)))
		return error_doc(r, len, CIM_ERR_INVALID_PARAMETER,
				 "CreateInstance needs NewInstance");
	name = ind_prop_text(given, "Name");
	switch (ind_family(given->classname)) {
	case IND_FILTER:
		if (!name)
			name = ind_make_name(subs, "filter", made, sizeof(made));
		if (ind_find_filter(subs, name)) {
			ind_refuse(&ref, CIM_ERR_ALREADY_EXISTS,
				   "a filter named %s exists", name);
			break;
		}
		f = ind_filter_make(d, req->namespace, given, name, &ref);
		kind = IND_CLASS_FILTER;
		break;
	case IND_DESTINATION:
		if (strcasecmp(given->classname, IND_CLASS_DESTINATION) &&
		    strcasecmp(given->classname, IND_CLASS_HANDLER)) {
			ind_refuse(&ref, CIM_ERR_NOT_SUPPORTED,
				   "%s is abstract: create a %s",
				   given->classname, IND_CLASS_DESTINATION);
			break;
		}
		if (!name)
			name = ind_make_name(subs, "listener", made, sizeof(made));
		if (ind_find_destination(subs, name)) {
			ind_refuse(&ref, CIM_ERR_ALREADY_EXISTS,
				   "a listener destination named %s exists", name);
			break;
		}
		cls = strcasecmp(given->classname, IND_CLASS_HANDLER) ?
		      IND_CLASS_DESTINATION : IND_CLASS_HANDLER;
		dst = ind_destination_make(d, req->namespace, cls, given, name,
					   &ref);
		kind = KIND_DESTINATION;
		break;
	case IND_SUBSCRIPTION:
		s = ind_subscription_make(subs, d, req->namespace, given, &ref);
		kind = IND_CLASS_SUBSCRIPTION;
		if (s) {
			size_t i;

			for (i = 0; i < subs->n_subscriptions; i++)
				if (!strcmp(subs->subscriptions[i]->key, s->key))
					ind_refuse(&ref, CIM_ERR_ALREADY_EXISTS,
						   "this filter already goes to this listener");
		}
		break;
	default:
		ind_refuse(&ref, CIM_ERR_INVALID_CLASS, "class %s is not served here",
			   given->classname ? given->classname : "(none)");
		break;
	}
	if (ref.status)
		goto refused;

	/* the store first: what is not stored is not promised */
	key = f ? f->name : dst ? dst->name : s->key;
	rc = persist(d, kind, key, req->namespace,
		     f ? f->inst : dst ? dst->inst : s->inst);
	if (rc) {
		ind_refuse(&ref, rc == -EEXIST ? CIM_ERR_ALREADY_EXISTS :
			   CIM_ERR_FAILED, "%s %s: %s", kind, key,
			   rc == -EEXIST ? "exists" : store_error(d->store));
		goto refused;
	}
	if ((f && !ind_add_filter(subs, f)) || (dst && !ind_add_destination(subs, dst)) ||
	    (s && !ind_add_subscription(subs, s))) {
		store_indication_delete(d->store, kind, key);
		ind_refuse(&ref, CIM_ERR_FAILED, "out of memory");
		goto refused;
	}
	path = f ? f->inst->path : dst ? dst->inst->path : s->inst->path;
	if (s) {
		fprintf(stderr, "cimrepld: subscription: filter %s to %s%s\n",
			s->filter->name, s->destination->url,
			s->enabled ? "" : " (disabled)");
		indications_subscribed(d);
	}
	cim_instance_free(given);
	return cimxml_respond_instance_name(r, path, len);

refused:
	ind_filter_free(f);
	ind_destination_free(dst);
	ind_subscription_free(s);
	cim_instance_free(given);
	doc = error_doc(r, len, ref.status, "%s", ref.why);
	return doc;
}

static bool path_names(const struct cim_path *want, const struct cim_path *have)
{
	return model_path_equal(want, have);
}

static char *op_delete(struct daemon *d, const struct cim_request *req,
		       const struct cimxml_response *r, size_t *len)
{
	struct subscriptions *subs = indications_subscriptions(d);
	const struct cim_value *v = param(req, "InstanceName");
	const struct cim_path *want = v ? cim_value_get_ref(v, 0) : NULL;
	size_t i, j;

	if (!want || !want->classname)
		return error_doc(r, len, CIM_ERR_INVALID_PARAMETER,
				 "DeleteInstance needs InstanceName");
	switch (ind_family(want->classname)) {
	case IND_FILTER:
		for (i = 0; i < subs->n_filters; i++)
			if (path_names(want, subs->filters[i]->inst->path))
				break;
		if (i == subs->n_filters)
			break;
		for (j = 0; j < subs->n_subscriptions; j++)
			if (subs->subscriptions[j]->filter == subs->filters[i])
				return error_doc(r, len, CIM_ERR_FAILED,
						 "filter %s is in use by a subscription: delete it first",
						 subs->filters[i]->name);
		if (store_indication_delete(d->store, IND_CLASS_FILTER,
					    subs->filters[i]->name))
			return error_doc(r, len, CIM_ERR_FAILED, "store: %s",
					 store_error(d->store));
		ind_filter_free(subs->filters[i]);
		subs->filters[i] = subs->filters[--subs->n_filters];
		return cimxml_respond_void(r, len);
	case IND_DESTINATION:
		for (i = 0; i < subs->n_destinations; i++)
			if (path_names(want, subs->destinations[i]->inst->path))
				break;
		if (i == subs->n_destinations)
			break;
		for (j = 0; j < subs->n_subscriptions; j++)
			if (subs->subscriptions[j]->destination ==
			    subs->destinations[i])
				return error_doc(r, len, CIM_ERR_FAILED,
						 "listener destination %s is in use by a subscription: delete it first",
						 subs->destinations[i]->name);
		if (store_indication_delete(d->store, KIND_DESTINATION,
					    subs->destinations[i]->name))
			return error_doc(r, len, CIM_ERR_FAILED, "store: %s",
					 store_error(d->store));
		ind_destination_free(subs->destinations[i]);
		subs->destinations[i] = subs->destinations[--subs->n_destinations];
		return cimxml_respond_void(r, len);
	case IND_SUBSCRIPTION:
		for (i = 0; i < subs->n_subscriptions; i++)
			if (path_names(want, subs->subscriptions[i]->inst->path))
				break;
		if (i == subs->n_subscriptions)
			break;
		if (store_indication_delete(d->store, IND_CLASS_SUBSCRIPTION,
					    subs->subscriptions[i]->key))
			return error_doc(r, len, CIM_ERR_FAILED, "store: %s",
					 store_error(d->store));
		ind_subscription_free(subs->subscriptions[i]);
		subs->subscriptions[i] = subs->subscriptions[--subs->n_subscriptions];
		return cimxml_respond_void(r, len);
	default:
		break;
	}
	return error_doc(r, len, CIM_ERR_NOT_FOUND, "no such %s",
			 want->classname);
}

/* The instances of class @cls in namespace @ns, borrowed. */
static size_t instances_of(struct subscriptions *subs, const char *cls,
			   const char *ns, const struct cim_instance ***out)
{
	size_t n = 0, i, max = subs->n_filters + subs->n_destinations +
			       subs->n_subscriptions;
	const struct cim_instance **list = calloc(max ? max : 1, sizeof(*list));

	*out = list;
	if (!list)
		return 0;
	switch (ind_family(cls)) {
	case IND_FILTER:
		for (i = 0; i < subs->n_filters; i++)
			if (!strcasecmp(subs->filters[i]->ns, ns))
				list[n++] = subs->filters[i]->inst;
		break;
	case IND_DESTINATION:
		for (i = 0; i < subs->n_destinations; i++)
			if (!strcasecmp(subs->destinations[i]->ns, ns) &&
			    ind_destination_is_a(subs->destinations[i]->inst->classname,
						 cls))
				list[n++] = subs->destinations[i]->inst;
		break;
	case IND_SUBSCRIPTION:
		for (i = 0; i < subs->n_subscriptions; i++)
			if (!strcasecmp(subs->subscriptions[i]->ns, ns))
				list[n++] = subs->subscriptions[i]->inst;
		break;
	default:
		break;
	}
	return n;
}

static char *op_enumerate(struct daemon *d, const struct cim_request *req,
			  const struct cimxml_response *r, size_t *len,
			  bool names_only)
{
	char *cls = request_class(req), *doc;
	const struct cim_instance **list;
	struct cim_path *paths;
	size_t n, i;

	n = instances_of(indications_subscriptions(d), cls, req->namespace, &list);
	free(cls);
	if (!list)
		return error_doc(r, len, CIM_ERR_FAILED, "out of memory");
	if (!names_only) {
		doc = cimxml_respond_named_instances(r, list, n, len);
		free(list);
		return doc;
	}
	paths = calloc(n ? n : 1, sizeof(*paths));
	if (!paths) {
		free(list);
		return error_doc(r, len, CIM_ERR_FAILED, "out of memory");
	}
	for (i = 0; i < n; i++)
		paths[i] = *list[i]->path;	/* borrowed */
	doc = cimxml_respond_instance_names(r, paths, n, len);
	free(paths);
	free(list);
	return doc;
}

static char *op_get(struct daemon *d, const struct cim_request *req,
		    const struct cimxml_response *r, size_t *len)
{
	const struct cim_value *v = param(req, "InstanceName");
	const struct cim_path *want = v ? cim_value_get_ref(v, 0) : NULL;
	const struct cim_instance **list;
	char *doc = NULL;
	size_t n, i;

	if (!want || !want->classname)
		return error_doc(r, len, CIM_ERR_INVALID_PARAMETER,
				 "GetInstance needs InstanceName");
	n = instances_of(indications_subscriptions(d), want->classname, req->namespace,
			 &list);
	if (!list)
		return error_doc(r, len, CIM_ERR_FAILED, "out of memory");
	for (i = 0; i < n && !doc; i++)
		if (path_names(want, list[i]->path))
			doc = cimxml_respond_instance(r, list[i], len);
	free(list);
	return doc ? doc : error_doc(r, len, CIM_ERR_NOT_FOUND, "no such %s",
				     want->classname);
}

char *indications_handle(struct daemon *d, const struct cim_request *req,
			 const struct cimxml_response *r, size_t *len)
{
	if (!d->indications)
		return error_doc(r, len, CIM_ERR_NOT_SUPPORTED,
				 "indications are not available");
	if (!strcasecmp(req->method, "CreateInstance"))
		return op_create(d, req, r, len);
	if (!strcasecmp(req->method, "DeleteInstance"))
		return op_delete(d, req, r, len);
	if (!strcasecmp(req->method, "GetInstance"))
		return op_get(d, req, r, len);
	if (!strcasecmp(req->method, "EnumerateInstances"))
		return op_enumerate(d, req, r, len, false);
	if (!strcasecmp(req->method, "EnumerateInstanceNames"))
		return op_enumerate(d, req, r, len, true);
	return error_doc(r, len, CIM_ERR_NOT_SUPPORTED,
			 "%s: delete and create the object instead",
			 req->method);
}

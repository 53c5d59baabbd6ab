// SPDX-License-Identifier: GPL-2.0
/*
 * CIM indications: subscriptions and what they are sent (indications.h).
 *
 * The three kinds of objects live in memory (arrays, under d->lock) and in
 * the store, as CIM-XML instances; filters keep their parsed query. A
 * change of a job or a synchronization becomes one CIM_InstModification per
 * matching subscription, encoded here and queued for export.c's thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <linux/cimrepl.h>

#include "classes.h"
#include "cql.h"
#include "cimxml_export.h"
#include "export.h"
#include "indications.h"
#include "model.h"

#define KIND_DESTINATION	"destination"
#define STATE_ENABLED		2
#define STATE_DISABLED		4
#define SEVERITY_INFORMATION	2

struct filter {
	char *name;
	char *ns;
	struct cql_query *query;
	struct cim_instance *inst;	/* as served, path set */
};

struct destination {
	char *name;
	char *ns;
	char *url;
	struct cim_instance *inst;	/* CreationClassName says which class */
};

struct subscription {
	char *key;		/* "FILTER\nHANDLER": its name in the store */
	char *ns;
	struct filter *filter;
	struct destination *destination;
	bool enabled;
	struct cim_instance *inst;
};

struct indications {
	struct lio *lio;
	struct export_queue *export;
	struct filter **filters;
	size_t n_filters;
	struct destination **destinations;
	size_t n_destinations;
	struct subscription **subscriptions;
	size_t n_subscriptions;
	/* the synchronizations as last seen, to tell what changed */
	struct model_list syncs;
	bool syncs_known;
	uint64_t sequence;	/* IndicationIdentifier, MESSAGE ID */
	unsigned int names;	/* made-up Names */
};

/* ---- small helpers ---- */

static bool isa(const char *name, const char *ancestor)
{
	const struct cim_class *cls = classes_find(name);

	if (!strcasecmp(name, ancestor))
		return true;
	return cls && classes_is_a(cls, ancestor);
}

static const char *prop_text(const struct cim_instance *inst,
			     const char *name)
{
	const struct cim_param *p = inst ? cim_instance_prop(inst, name) : NULL;

	return p && !p->value.is_null && !p->value.is_array ?
		cim_value_get_string(&p->value, 0) : NULL;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool served_namespace(const char *ns)
{
	return ns && (!strcasecmp(ns, DAEMON_INTEROP_NAMESPACE) ||
		      !strcasecmp(ns, "root/interop") ||
		      !strcasecmp(ns, DAEMON_NAMESPACE));
}

enum family { FAM_NONE, FAM_FILTER, FAM_DESTINATION, FAM_SUBSCRIPTION };

/* Which of our kinds a request naming class @name is about. */
static enum family family_of(const char *name)
{
	if (!name)
		return FAM_NONE;
	if (!strcasecmp(name, IND_CLASS_FILTER))
		return FAM_FILTER;
	if (!strcasecmp(name, IND_CLASS_DESTINATION) ||
	    !strcasecmp(name, "CIM_ListenerDestination") ||
	    !strcasecmp(name, IND_CLASS_HANDLER) ||
	    !strcasecmp(name, "CIM_IndicationHandler"))
		return FAM_DESTINATION;
	if (!strcasecmp(name, IND_CLASS_SUBSCRIPTION))
		return FAM_SUBSCRIPTION;
	return FAM_NONE;
}

/* Does destination class @cls answer a request for class @asked? */
static bool destination_is_a(const char *cls, const char *asked)
{
	if (!strcasecmp(cls, asked))
		return true;
	if (!strcasecmp(asked, "CIM_ListenerDestination"))
		return !strcasecmp(cls, IND_CLASS_DESTINATION);
	if (!strcasecmp(asked, "CIM_IndicationHandler"))
		return !strcasecmp(cls, IND_CLASS_HANDLER);
	return false;
}

static bool grow(void *array, size_t n, size_t size)
{
	void **p = array;
	void *grown = realloc(*p, (n + 1) * size);

	if (!grown)
		return false;
	*p = grown;
	return true;
}

/* The keyed path of a filter or destination. */
static bool system_path(struct daemon *d, const char *ns, const char *cls,
			const char *name, struct cim_path *path)
{
	memset(path, 0, sizeof(*path));
	return cim_path_init(path, d->system_name, ns, cls) &&
	       cim_path_add_key(path, "CreationClassName", CIM_TYPE_STRING, cls) &&
	       cim_path_add_key(path, "Name", CIM_TYPE_STRING, name) &&
	       cim_path_add_key(path, "SystemCreationClassName",
				CIM_TYPE_STRING, CLASS_SYSTEM) &&
	       cim_path_add_key(path, "SystemName", CIM_TYPE_STRING,
				d->system_name);
}

static bool set_path(struct cim_instance *inst, const struct cim_path *path)
{
	inst->path = calloc(1, sizeof(*inst->path));
	return inst->path && cim_path_copy(inst->path, path);
}

/* Copy property @name of @from into @to, when it is there. */
static bool copy_prop(struct cim_instance *to, const struct cim_instance *from,
		      const char *name)
{
	const struct cim_param *p = cim_instance_prop(from, name);
	struct cim_value *v;

	if (!p || p->value.is_null)
		return true;
	v = cim_instance_add_prop(to, p->name);
	return v && cim_value_copy(v, &p->value);
}

/* ---- the objects ---- */

static void filter_free(struct filter *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->ns);
	cql_free(f->query);
	cim_instance_free(f->inst);
	free(f);
}

static void destination_free(struct destination *dst)
{
	if (!dst)
		return;
	free(dst->name);
	free(dst->ns);
	free(dst->url);
	cim_instance_free(dst->inst);
	free(dst);
}

static void subscription_free(struct subscription *s)
{
	if (!s)
		return;
	free(s->key);
	free(s->ns);
	cim_instance_free(s->inst);
	free(s);
}

/* Why CreateInstance refuses: a CIM status and a line. */
struct refusal {
	int status;
	char why[512];
};

static void refuse(struct refusal *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse(struct refusal *r, int status, const char *fmt, ...)
{
	va_list ap;

	if (r->status)
		return;
	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static const char *make_name(struct indications *ind, const char *kind,
			     char *buf, size_t len)
{
	snprintf(buf, len, "cimrepl:%s:%" PRId64 ":%u", kind,
		 daemon_now_ns() / 1000000, ++ind->names);
	return buf;
}

/*
 * A filter from @given (CreateInstance's NewInstance or the store's copy).
 * The instance served keeps what the client set that we honor.
 */
static struct filter *filter_make(struct daemon *d, const char *ns,
				  const struct cim_instance *given,
				  const char *name, struct refusal *r)
{
	static const char *const kept[] = {
		"ElementName", "Caption", "Description", "SourceNamespace",
		"SourceNamespaces",
	};
	const char *query = prop_text(given, "Query");
	const char *language = prop_text(given, "QueryLanguage");
	const struct cim_param *sns = cim_instance_prop(given, "SourceNamespaces");
	const char *sn = prop_text(given, "SourceNamespace");
	struct filter *f = calloc(1, sizeof(*f));
	struct cim_path path;
	char err[256];
	size_t i;
	int rc;

	if (!f) {
		refuse(r, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	if (!query || !language) {
		refuse(r, CIM_ERR_INVALID_PARAMETER,
		     "CIM_IndicationFilter needs Query and QueryLanguage");
		goto fail;
	}
	if (sn && strcasecmp(sn, DAEMON_NAMESPACE))
		refuse(r, CIM_ERR_NOT_SUPPORTED,
		       "SourceNamespace %s: indications come from %s only", sn,
		       DAEMON_NAMESPACE);
	for (i = 0; sns && !sns->value.is_null && sns->value.is_array &&
		    i < sns->value.n; i++) {
		const char *one = cim_value_get_string(&sns->value, i);

		if (one && strcasecmp(one, DAEMON_NAMESPACE))
			refuse(r, CIM_ERR_NOT_SUPPORTED,
			       "SourceNamespaces %s: indications come from %s only",
			       one, DAEMON_NAMESPACE);
	}
	if (r->status)
		goto fail;
	rc = cql_parse(language, query, &f->query, err, sizeof(err));
	if (rc) {
		refuse(r, rc == CIM_ERR_FAILED ? CIM_ERR_FAILED :
		       rc == CIM_ERR_NOT_SUPPORTED ? CIM_ERR_NOT_SUPPORTED :
		       CIM_ERR_INVALID_PARAMETER, "Query: %s", err);
		goto fail;
	}
	f->name = strdup(name);
	f->ns = strdup(ns);
	f->inst = cim_instance_new(IND_CLASS_FILTER);
	if (!f->name || !f->ns || !f->inst ||
	    !system_path(d, ns, IND_CLASS_FILTER, name, &path)) {
		refuse(r, CIM_ERR_FAILED, "out of memory");
		goto fail;
	}
	if (!set_path(f->inst, &path) ||
	    !cim_instance_set_prop(f->inst, "CreationClassName", CIM_TYPE_STRING,
				   IND_CLASS_FILTER) ||
	    !cim_instance_set_prop(f->inst, "Name", CIM_TYPE_STRING, name) ||
	    !cim_instance_set_prop(f->inst, "SystemCreationClassName",
				   CIM_TYPE_STRING, CLASS_SYSTEM) ||
	    !cim_instance_set_prop(f->inst, "SystemName", CIM_TYPE_STRING,
				   d->system_name) ||
	    !cim_instance_set_prop(f->inst, "Query", CIM_TYPE_STRING, query) ||
	    !cim_instance_set_prop(f->inst, "QueryLanguage", CIM_TYPE_STRING,
				   language) ||
	    !cim_instance_set_prop(f->inst, "IndividualSubscriptionSupported",
				   CIM_TYPE_BOOLEAN, "true"))
		refuse(r, CIM_ERR_FAILED, "out of memory");
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]) && !r->status; i++)
		if (!copy_prop(f->inst, given, kept[i]))
			refuse(r, CIM_ERR_FAILED, "out of memory");
	cim_path_free(&path);
	if (r->status)
		goto fail;
	return f;
fail:
	filter_free(f);
	return NULL;
}

/* http(s)://host[:port][/path], as libcurl's URL parser reads it. */
static bool url_ok(const char *url, struct refusal *r)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bool ok = false;

	if (!u) {
		refuse(r, CIM_ERR_FAILED, "out of memory");
		return false;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https")) &&
	    host[0])
		ok = true;
	else
		refuse(r, CIM_ERR_INVALID_PARAMETER,
		       "Destination %s: not an http:// or https:// URL", url);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

static struct destination *destination_make(struct daemon *d, const char *ns,
					    const char *cls,
					    const struct cim_instance *given,
					    const char *name,
					    struct refusal *r)
{
	static const char *const kept[] = {
		"ElementName", "Caption", "Description", "PersistenceType",
		"OtherPersistenceType", "Owner",
	};
	const char *url = prop_text(given, "Destination");
	const char *protocol = prop_text(given, "Protocol");
	struct destination *dst = calloc(1, sizeof(*dst));
	struct cim_path path;
	size_t i;

	if (!dst) {
		refuse(r, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	if (!url) {
		refuse(r, CIM_ERR_INVALID_PARAMETER, "%s needs Destination", cls);
		goto fail;
	}
	/* CIM_ListenerDestinationCIMXML.Protocol: 2 CIM-XML */
	if (protocol && strcmp(protocol, "2")) {
		refuse(r, CIM_ERR_NOT_SUPPORTED,
		       "Protocol %s: CIM-XML (2) only", protocol);
		goto fail;
	}
	if (!url_ok(url, r))
		goto fail;
	dst->name = strdup(name);
	dst->ns = strdup(ns);
	dst->url = strdup(url);
	dst->inst = cim_instance_new(cls);
	if (!dst->name || !dst->ns || !dst->url || !dst->inst ||
	    !system_path(d, ns, cls, name, &path)) {
		refuse(r, CIM_ERR_FAILED, "out of memory");
		goto fail;
	}
	if (!set_path(dst->inst, &path) ||
	    !cim_instance_set_prop(dst->inst, "CreationClassName",
				   CIM_TYPE_STRING, cls) ||
	    !cim_instance_set_prop(dst->inst, "Name", CIM_TYPE_STRING, name) ||
	    !cim_instance_set_prop(dst->inst, "SystemCreationClassName",
				   CIM_TYPE_STRING, CLASS_SYSTEM) ||
	    !cim_instance_set_prop(dst->inst, "SystemName", CIM_TYPE_STRING,
				   d->system_name) ||
	    !cim_instance_set_prop(dst->inst, "Destination", CIM_TYPE_STRING,
				   url) ||
	    !cim_instance_set_prop(dst->inst, "Protocol", CIM_TYPE_UINT16, "2"))
		refuse(r, CIM_ERR_FAILED, "out of memory");
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]) && !r->status; i++)
		if (!copy_prop(dst->inst, given, kept[i]))
			refuse(r, CIM_ERR_FAILED, "out of memory");
	cim_path_free(&path);
	if (r->status)
		goto fail;
	return dst;
fail:
	destination_free(dst);
	return NULL;
}

static struct filter *find_filter(struct indications *ind, const char *name)
{
	size_t i;

	for (i = 0; name && i < ind->n_filters; i++)
		if (!strcmp(ind->filters[i]->name, name))
			return ind->filters[i];
	return NULL;
}

static struct destination *find_destination(struct indications *ind,
					    const char *name)
{
	size_t i;

	for (i = 0; name && i < ind->n_destinations; i++)
		if (!strcmp(ind->destinations[i]->name, name))
			return ind->destinations[i];
	return NULL;
}

/* The reference property @name of @given: a path, or NULL. */
static const struct cim_path *ref_prop(const struct cim_instance *given,
				       const char *name)
{
	const struct cim_param *p = cim_instance_prop(given, name);

	return p && !p->value.is_null && !p->value.is_array &&
	       p->value.type == CIM_TYPE_REFERENCE ?
		cim_value_get_ref(&p->value, 0) : NULL;
}

static struct subscription *subscription_make(struct indications *ind,
					      struct daemon *d, const char *ns,
					      const struct cim_instance *given,
					      struct refusal *r)
{
	static const char *const kept[] = {
		"OnFatalErrorPolicy", "OtherOnFatalErrorPolicy",
		"FailureTriggerTimeInterval", "RepeatNotificationPolicy",
		"DeliveryFailurePolicy", "SubscriptionDuration",
	};
	const struct cim_path *fp = ref_prop(given, "Filter");
	const struct cim_path *hp = ref_prop(given, "Handler");
	const char *state = prop_text(given, "SubscriptionState");
	struct subscription *s = calloc(1, sizeof(*s));
	struct cim_path path = { 0 };
	struct cim_value *v;
	size_t i;

	if (!s) {
		refuse(r, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	if (!fp || !hp || !fp->classname || !hp->classname) {
		refuse(r, CIM_ERR_INVALID_PARAMETER,
		       "CIM_IndicationSubscription needs the references Filter and Handler");
		goto fail;
	}
	if (family_of(fp->classname) != FAM_FILTER)
		refuse(r, CIM_ERR_INVALID_PARAMETER,
		       "Filter: a %s, not a CIM_IndicationFilter", fp->classname);
	else if (family_of(hp->classname) != FAM_DESTINATION)
		refuse(r, CIM_ERR_INVALID_PARAMETER,
		       "Handler: a %s, not a CIM_ListenerDestinationCIMXML",
		       hp->classname);
	if (r->status)
		goto fail;
	s->filter = find_filter(ind, cim_path_key(fp, "Name"));
	s->destination = find_destination(ind, cim_path_key(hp, "Name"));
	if (!s->filter || !s->destination) {
		refuse(r, CIM_ERR_NOT_FOUND, "%s: no such %s",
		       !s->filter ? "Filter" : "Handler",
		       !s->filter ? IND_CLASS_FILTER : hp->classname);
		goto fail;
	}
	s->enabled = true;
	if (state && !strcmp(state, "4"))
		s->enabled = false;
	else if (state && strcmp(state, "2")) {
		refuse(r, CIM_ERR_NOT_SUPPORTED,
		       "SubscriptionState %s: 2 (Enabled) or 4 (Disabled)", state);
		goto fail;
	}
	if (asprintf(&s->key, "%s\n%s", s->filter->name,
		     s->destination->name) < 0) {
		s->key = NULL;
		refuse(r, CIM_ERR_FAILED, "out of memory");
		goto fail;
	}
	s->ns = strdup(ns);
	s->inst = cim_instance_new(IND_CLASS_SUBSCRIPTION);
	if (!s->ns || !s->inst ||
	    !cim_path_init(&path, d->system_name, ns, IND_CLASS_SUBSCRIPTION) ||
	    !cim_path_add_ref_key(&path, "Filter", s->filter->inst->path) ||
	    !cim_path_add_ref_key(&path, "Handler", s->destination->inst->path) ||
	    !set_path(s->inst, &path)) {
		refuse(r, CIM_ERR_FAILED, "out of memory");
		goto fail;
	}
	v = cim_instance_add_prop(s->inst, "Filter");
	if (!v || !cim_value_set_ref(v, s->filter->inst->path))
		refuse(r, CIM_ERR_FAILED, "out of memory");
	v = r->status ? NULL : cim_instance_add_prop(s->inst, "Handler");
	if (!r->status && (!v || !cim_value_set_ref(v, s->destination->inst->path)))
		refuse(r, CIM_ERR_FAILED, "out of memory");
	if (!r->status &&
	    !cim_instance_set_prop(s->inst, "SubscriptionState", CIM_TYPE_UINT16,
				   s->enabled ? "2" : "4"))
		refuse(r, CIM_ERR_FAILED, "out of memory");
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]) && !r->status; i++)
		if (!copy_prop(s->inst, given, kept[i]))
			refuse(r, CIM_ERR_FAILED, "out of memory");
	cim_path_free(&path);
	if (r->status)
		goto fail;
	return s;
fail:
	cim_path_free(&path);
	subscription_free(s);
	return NULL;
}

static bool add_filter(struct indications *ind, struct filter *f)
{
	if (!grow(&ind->filters, ind->n_filters, sizeof(*ind->filters)))
		return false;
	ind->filters[ind->n_filters++] = f;
	return true;
}

static bool add_destination(struct indications *ind, struct destination *dst)
{
	if (!grow(&ind->destinations, ind->n_destinations,
		  sizeof(*ind->destinations)))
		return false;
	ind->destinations[ind->n_destinations++] = dst;
	return true;
}

static bool add_subscription(struct indications *ind, struct subscription *s)
{
	if (!grow(&ind->subscriptions, ind->n_subscriptions,
		  sizeof(*ind->subscriptions)))
		return false;
	ind->subscriptions[ind->n_subscriptions++] = s;
	return true;
}

/* ---- loading from the store ---- */

struct loader {
	struct indications *ind;
	struct daemon *d;
	const char *kind;
};

static void load_one(const char *name, const char *ns, const char *text,
		     int64_t created_ns, void *arg)
{
	struct loader *l = arg;
	struct refusal r = { 0 };
	struct cim_instance *given = NULL;
	char err[256];
	bool added = false;

	(void)created_ns;
	if (cimxml_parse_instance(text, &given, err, sizeof(err)) ||
	    !given->classname) {
		fprintf(stderr, "cimrepld: stored %s %s: %s\n", l->kind, name,
			given ? "no class" : err);
		cim_instance_free(given);
		return;
	}
	if (!strcmp(l->kind, IND_CLASS_FILTER)) {
		struct filter *f = filter_make(l->d, ns, given, name, &r);

		added = f && add_filter(l->ind, f);
		if (f && !added)
			filter_free(f);
	} else if (!strcmp(l->kind, KIND_DESTINATION)) {
		struct destination *dst = destination_make(l->d, ns,
							   given->classname,
							   given, name, &r);

		added = dst && add_destination(l->ind, dst);
		if (dst && !added)
			destination_free(dst);
	} else {
		struct subscription *s = subscription_make(l->ind, l->d, ns,
							   given, &r);

		added = s && add_subscription(l->ind, s);
		if (s && !added)
			subscription_free(s);
	}
	if (!added)
		fprintf(stderr, "cimrepld: stored %s %s is not used: %s\n",
			l->kind, name, r.status ? r.why : "out of memory");
	cim_instance_free(given);
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
	ours = family_of(cls) != FAM_NONE;
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

/* Remember the synchronizations as they are now, to see changes later. */
static void snapshot_syncs(struct indications *ind, struct daemon *d)
{
	model_list_free(&ind->syncs);
	ind->syncs_known = !model_enumerate(d, ind->lio,
					    classes_find(CLASS_SYNC),
					    &ind->syncs);
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
	struct indications *ind = d->indications;
	const struct cim_value *v = param(req, "NewInstance");
	struct cim_instance *given = NULL;
	struct refusal ref = { 0 };
	const struct cim_path *path = NULL;
	const char *kind = NULL, *name, *key;
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
	name = prop_text(given, "Name");
	switch (family_of(given->classname)) {
	case FAM_FILTER:
		if (!name)
			name = make_name(ind, "filter", made, sizeof(made));
		if (find_filter(ind, name)) {
			refuse(&ref, CIM_ERR_ALREADY_EXISTS,
			       "a filter named %s exists", name);
			break;
		}
		f = filter_make(d, req->namespace, given, name, &ref);
		kind = IND_CLASS_FILTER;
		break;
	case FAM_DESTINATION:
		if (strcasecmp(given->classname, IND_CLASS_DESTINATION) &&
		    strcasecmp(given->classname, IND_CLASS_HANDLER)) {
			refuse(&ref, CIM_ERR_NOT_SUPPORTED,
			       "%s is abstract: create a %s",
			       given->classname, IND_CLASS_DESTINATION);
			break;
		}
		if (!name)
			name = make_name(ind, "listener", made, sizeof(made));
		if (find_destination(ind, name)) {
			refuse(&ref, CIM_ERR_ALREADY_EXISTS,
			       "a listener destination named %s exists", name);
			break;
		}
		dst = destination_make(d, req->namespace,
				       !strcasecmp(given->classname,
						   IND_CLASS_HANDLER) ?
				       IND_CLASS_HANDLER : IND_CLASS_DESTINATION,
				       given, name, &ref);
		kind = KIND_DESTINATION;
		break;
	case FAM_SUBSCRIPTION:
		s = subscription_make(ind, d, req->namespace, given, &ref);
		kind = IND_CLASS_SUBSCRIPTION;
		if (s) {
			size_t i;

			for (i = 0; i < ind->n_subscriptions; i++)
				if (!strcmp(ind->subscriptions[i]->key, s->key))
					refuse(&ref, CIM_ERR_ALREADY_EXISTS,
					       "this filter already goes to this listener");
		}
		break;
	default:
		refuse(&ref, CIM_ERR_INVALID_CLASS, "class %s is not served here",
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
		refuse(&ref, rc == -EEXIST ? CIM_ERR_ALREADY_EXISTS :
		       CIM_ERR_FAILED, "%s %s: %s", kind, key,
		       rc == -EEXIST ? "exists" : store_error(d->store));
		goto refused;
	}
	if ((f && !add_filter(ind, f)) || (dst && !add_destination(ind, dst)) ||
	    (s && !add_subscription(ind, s))) {
		store_indication_delete(d->store, kind, key);
		refuse(&ref, CIM_ERR_FAILED, "out of memory");
		goto refused;
	}
	path = f ? f->inst->path : dst ? dst->inst->path : s->inst->path;
	if (s) {
		fprintf(stderr, "cimrepld: subscription: filter %s to %s%s\n",
			s->filter->name, s->destination->url,
			s->enabled ? "" : " (disabled)");
		if (!ind->syncs_known)
			snapshot_syncs(ind, d);
	}
	cim_instance_free(given);
	return cimxml_respond_instance_name(r, path, len);

refused:
	filter_free(f);
	destination_free(dst);
	subscription_free(s);
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
	struct indications *ind = d->indications;
	const struct cim_value *v = param(req, "InstanceName");
	const struct cim_path *want = v ? cim_value_get_ref(v, 0) : NULL;
	size_t i, j;

	if (!want || !want->classname)
		return error_doc(r, len, CIM_ERR_INVALID_PARAMETER,
				 "DeleteInstance needs InstanceName");
	switch (family_of(want->classname)) {
	case FAM_FILTER:
		for (i = 0; i < ind->n_filters; i++)
			if (path_names(want, ind->filters[i]->inst->path))
				break;
		if (i == ind->n_filters)
			break;
		for (j = 0; j < ind->n_subscriptions; j++)
			if (ind->subscriptions[j]->filter == ind->filters[i])
				return error_doc(r, len, CIM_ERR_FAILED,
						 "filter %s is in use by a subscription: delete it first",
						 ind->filters[i]->name);
		if (store_indication_delete(d->store, IND_CLASS_FILTER,
					    ind->filters[i]->name))
			return error_doc(r, len, CIM_ERR_FAILED, "store: %s",
					 store_error(d->store));
		filter_free(ind->filters[i]);
		ind->filters[i] = ind->filters[--ind->n_filters];
		return cimxml_respond_void(r, len);
	case FAM_DESTINATION:
		for (i = 0; i < ind->n_destinations; i++)
			if (path_names(want, ind->destinations[i]->inst->path))
				break;
		if (i == ind->n_destinations)
			break;
		for (j = 0; j < ind->n_subscriptions; j++)
			if (ind->subscriptions[j]->destination ==
			    ind->destinations[i])
				return error_doc(r, len, CIM_ERR_FAILED,
						 "listener destination %s is in use by a subscription: delete it first",
						 ind->destinations[i]->name);
		if (store_indication_delete(d->store, KIND_DESTINATION,
					    ind->destinations[i]->name))
			return error_doc(r, len, CIM_ERR_FAILED, "store: %s",
					 store_error(d->store));
		destination_free(ind->destinations[i]);
		ind->destinations[i] = ind->destinations[--ind->n_destinations];
		return cimxml_respond_void(r, len);
	case FAM_SUBSCRIPTION:
		for (i = 0; i < ind->n_subscriptions; i++)
			if (path_names(want, ind->subscriptions[i]->inst->path))
				break;
		if (i == ind->n_subscriptions)
			break;
		if (store_indication_delete(d->store, IND_CLASS_SUBSCRIPTION,
					    ind->subscriptions[i]->key))
			return error_doc(r, len, CIM_ERR_FAILED, "store: %s",
					 store_error(d->store));
		subscription_free(ind->subscriptions[i]);
		ind->subscriptions[i] = ind->subscriptions[--ind->n_subscriptions];
		return cimxml_respond_void(r, len);
	default:
		break;
	}
	return error_doc(r, len, CIM_ERR_NOT_FOUND, "no such %s",
			 want->classname);
}

/* The instances of class @cls in namespace @ns, borrowed. */
static size_t instances_of(struct indications *ind, const char *cls,
			   const char *ns, const struct cim_instance ***out)
{
	size_t n = 0, i, max = ind->n_filters + ind->n_destinations +
			       ind->n_subscriptions;
	const struct cim_instance **list = calloc(max ? max : 1, sizeof(*list));

	*out = list;
	if (!list)
		return 0;
	switch (family_of(cls)) {
	case FAM_FILTER:
		for (i = 0; i < ind->n_filters; i++)
			if (!strcasecmp(ind->filters[i]->ns, ns))
				list[n++] = ind->filters[i]->inst;
		break;
	case FAM_DESTINATION:
		for (i = 0; i < ind->n_destinations; i++)
			if (!strcasecmp(ind->destinations[i]->ns, ns) &&
			    destination_is_a(ind->destinations[i]->inst->classname,
					     cls))
				list[n++] = ind->destinations[i]->inst;
		break;
	case FAM_SUBSCRIPTION:
		for (i = 0; i < ind->n_subscriptions; i++)
			if (!strcasecmp(ind->subscriptions[i]->ns, ns))
				list[n++] = ind->subscriptions[i]->inst;
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

	n = instances_of(d->indications, cls, req->namespace, &list);
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
	n = instances_of(d->indications, want->classname, req->namespace,
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

/* ---- what is sent ---- */

/* A path as a WBEM URI ("//host/ns:Class.Key=\"v\",..."), malloc'ed. */
static void write_path(FILE *f, const struct cim_path *p)
{
	size_t i;
	const char *c;

	if (p->host)
		fprintf(f, "//%s/", p->host);
	if (p->namespace)
		fprintf(f, "%s:", p->namespace);
	fputs(p->classname ? p->classname : "", f);
	for (i = 0; i < p->n_keys; i++) {
		const struct cim_key *k = &p->keys[i];

		fprintf(f, "%c%s=", i ? ',' : '.', k->name);
		if (k->ref) {
			char *inner = NULL;
			size_t n = 0;
			FILE *g = open_memstream(&inner, &n);

			if (g) {
				write_path(g, k->ref);
				fclose(g);
			}
			fputc('"', f);
			for (c = inner ? inner : ""; *c; c++) {
				if (*c == '"' || *c == '\\')
					fputc('\\', f);
				fputc(*c, f);
			}
			fputc('"', f);
			free(inner);
		} else if (k->type == CIM_TYPE_STRING || k->type == CIM_TYPE_NONE ||
			   k->type == CIM_TYPE_DATETIME ||
			   k->type == CIM_TYPE_CHAR16) {
			fputc('"', f);
			for (c = k->value ? k->value : ""; *c; c++) {
				if (*c == '"' || *c == '\\')
					fputc('\\', f);
				fputc(*c, f);
			}
			fputc('"', f);
		} else {
			fputs(k->value ? k->value : "", f);
		}
	}
}

static char *path_text(const struct cim_path *p)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	if (!f)
		return NULL;
	write_path(f, p);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static bool set_embedded(struct cim_instance *ind_inst, const char *name,
			 const struct cim_instance *inst)
{
	char *text;
	struct cim_value *v;
	bool ok;

	if (!inst)
		return true;
	text = cimxml_instance_string(inst);
	if (!text)
		return false;
	v = cim_instance_add_prop(ind_inst, name);
	ok = v && cim_value_set(v, CIM_TYPE_STRING, text);
	if (ok)
		v->embedded_instance = true;
	free(text);
	return ok;
}

/* The CIM_InstModification for @f: @source was @previous. */
static struct cim_instance *modification(struct indications *ind,
					 struct daemon *d,
					 const struct filter *f,
					 const struct cim_instance *source,
					 const struct cim_instance *previous)
{
	struct cim_instance *inst = cim_instance_new(IND_CLASS_MODIFICATION);
	char id[64], when[CIM_DATETIME_LEN + 1], severity[8];
	char *model_path = source->path ? path_text(source->path) : NULL;
	bool ok;

	snprintf(id, sizeof(id), "cimrepl:%" PRIu64, ++ind->sequence);
	cim_datetime_format(daemon_now_ns(), when);
	snprintf(severity, sizeof(severity), "%d", SEVERITY_INFORMATION);
	ok = inst &&
	     cim_instance_set_prop(inst, "IndicationIdentifier",
				   CIM_TYPE_STRING, id) &&
	     cim_instance_set_prop(inst, "IndicationTime", CIM_TYPE_DATETIME,
				   when) &&
	     cim_instance_set_prop(inst, "IndicationFilterName",
				   CIM_TYPE_STRING, f->name) &&
	     cim_instance_set_prop(inst, "PerceivedSeverity", CIM_TYPE_UINT16,
				   severity) &&
	     cim_instance_set_prop(inst, "SourceInstanceHost", CIM_TYPE_STRING,
				   d->system_name) &&
	     (!model_path ||
	      cim_instance_set_prop(inst, "SourceInstanceModelPath",
				    CIM_TYPE_STRING, model_path)) &&
	     set_embedded(inst, "SourceInstance", source) &&
	     set_embedded(inst, "PreviousInstance", previous);
	free(model_path);
	if (!ok) {
		cim_instance_free(inst);
		return NULL;
	}
	return inst;
}

/* @source changed from @previous: tell every subscription that wants it. */
static void emit(struct indications *ind, struct daemon *d,
		 const struct cim_instance *source,
		 const struct cim_instance *previous)
{
	struct cim_instance *inst;
	size_t i, len;
	char *doc;
	char id[32];

	for (i = 0; i < ind->n_subscriptions; i++) {
		struct subscription *s = ind->subscriptions[i];

		if (!s->enabled ||
		    !cql_match(s->filter->query, IND_CLASS_MODIFICATION, source,
			       previous, isa))
			continue;
		inst = modification(ind, d, s->filter, source, previous);
		snprintf(id, sizeof(id), "%" PRIu64, ind->sequence);
		doc = inst ? cimxml_export_indication(id, inst, &len) : NULL;
		cim_instance_free(inst);
		if (!doc) {
			fprintf(stderr, "cimrepld: indication for %s: cannot encode it: %s\n",
				s->destination->url, strerror(errno));
			continue;
		}
		export_send(ind->export, s->destination->url, doc, len);
	}
}

void indications_job_changed(struct daemon *d, const struct store_job *before,
			     const struct store_job *after)
{
	struct indications *ind = d->indications;
	struct cim_instance *now, *then;

	if (!ind || !ind->n_subscriptions)
		return;
	now = model_job_instance(d, after);
	then = model_job_instance(d, before);
	if (now && then)
		emit(ind, d, now, then);
	cim_instance_free(now);
	cim_instance_free(then);
}

static bool sync_changed(const struct cim_instance *a,
			 const struct cim_instance *b)
{
	static const char *const watched[] = {
		"CopyState", "SyncState", "ProgressStatus",
	};
	size_t i;

	for (i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		if (!same_text(prop_text(a, watched[i]), prop_text(b, watched[i])))
			return true;
	return false;
}

void indications_kernel_event(struct daemon *d, const struct kernel_event *ev)
{
	struct indications *ind = d->indications;
	struct model_list before;
	size_t i, j;

	if (!ind || !ind->n_subscriptions || ev->event == CIMREPL_EVENT_PROGRESS)
		return;
	if (!ind->syncs_known) {
		snapshot_syncs(ind, d);
		return;
	}
	before = ind->syncs;
	ind->syncs = (struct model_list){ 0 };
	snapshot_syncs(ind, d);
	for (i = 0; i < ind->syncs.n; i++)
		for (j = 0; j < before.n; j++)
			if (model_path_equal(ind->syncs.items[i]->path,
					     before.items[j]->path)) {
				if (sync_changed(ind->syncs.items[i],
						 before.items[j]))
					emit(ind, d, ind->syncs.items[i],
					     before.items[j]);
				break;
			}
	model_list_free(&before);
}

/* ---- start and stop ---- */

static void free_all(struct indications *ind)
{
	size_t i;

	for (i = 0; i < ind->n_subscriptions; i++)
		subscription_free(ind->subscriptions[i]);
	for (i = 0; i < ind->n_filters; i++)
		filter_free(ind->filters[i]);
	for (i = 0; i < ind->n_destinations; i++)
		destination_free(ind->destinations[i]);
	free(ind->subscriptions);
	free(ind->filters);
	free(ind->destinations);
	model_list_free(&ind->syncs);
	free(ind);
}

int indications_start(struct daemon *d, struct lio *lio, const char *cacert,
		      char *err, size_t errlen)
{
	struct indications *ind = calloc(1, sizeof(*ind));
	struct loader l = { .ind = ind, .d = d };

	if (!ind) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ind->lio = lio;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot initialize libcurl");
		free(ind);
		return -EIO;
	}
	/* filters and destinations before the subscriptions naming them */
	l.kind = IND_CLASS_FILTER;
	store_indication_list(d->store, l.kind, load_one, &l);
	l.kind = KIND_DESTINATION;
	store_indication_list(d->store, l.kind, load_one, &l);
	l.kind = IND_CLASS_SUBSCRIPTION;
	store_indication_list(d->store, l.kind, load_one, &l);
	ind->export = export_start(cacert, err, errlen);
	if (!ind->export) {
		free_all(ind);
		curl_global_cleanup();
		return -EIO;
	}
	d->indications = ind;
	if (ind->n_subscriptions) {
		fprintf(stderr, "cimrepld: %zu indication subscription%s\n",
			ind->n_subscriptions, ind->n_subscriptions == 1 ? "" : "s");
		snapshot_syncs(ind, d);
	}
	return 0;
}

void indications_stop(struct daemon *d)
{
	struct indications *ind = d->indications;

	if (!ind)
		return;
	export_stop(ind->export);
	d->indications = NULL;
	free_all(ind);
	curl_global_cleanup();
}

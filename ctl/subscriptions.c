// SPDX-License-Identifier: GPL-2.0
/*
 * The objects of indication subscriptions (subscriptions.h): made from
 * instances and checked, found, kept in arrays, loaded from the store.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "classes.h"
#include "cimxml.h"
#include "indications.h"
#include "subscriptions.h"

const char *ind_prop_text(const struct cim_instance *inst, const char *name)
{
	const struct cim_param *p = inst ? cim_instance_prop(inst, name) : NULL;

	return p && !p->value.is_null && !p->value.is_array ?
		cim_value_get_string(&p->value, 0) : NULL;
}

/* Which of our kinds a request naming class @name is about. */
enum family ind_family(const char *name)
{
	if (!name)
		return IND_NONE;
	if (!strcasecmp(name, IND_CLASS_FILTER))
		return IND_FILTER;
	if (!strcasecmp(name, IND_CLASS_DESTINATION) ||
	    !strcasecmp(name, "CIM_ListenerDestination") ||
	    !strcasecmp(name, IND_CLASS_HANDLER) ||
	    !strcasecmp(name, "CIM_IndicationHandler"))
		return IND_DESTINATION;
	if (!strcasecmp(name, IND_CLASS_SUBSCRIPTION))
		return IND_SUBSCRIPTION;
	return IND_NONE;
}

/* Does destination class @cls answer a request for class @asked? */
bool ind_destination_is_a(const char *cls, const char *asked)
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

void ind_filter_free(struct filter *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->ns);
	cql_free(f->query);
	cim_instance_free(f->inst);
	free(f);
}

void ind_destination_free(struct destination *dst)
{
	if (!dst)
		return;
	free(dst->name);
	free(dst->ns);
	free(dst->url);
	cim_instance_free(dst->inst);
	free(dst);
}

void ind_subscription_free(struct subscription *s)
{
	if (!s)
		return;
	free(s->key);
	free(s->ns);
	cim_instance_free(s->inst);
	free(s);
}

void ind_refuse(struct refusal *r, int status, const char *fmt, ...)
{
	va_list ap;

	if (r->status)
		return;
	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

const char *ind_make_name(struct subscriptions *subs, const char *kind,
			     char *buf, size_t len)
{
	snprintf(buf, len, "cimrepl:%s:%" PRId64 ":%u", kind,
		 daemon_now_ns() / 1000000, ++subs->names);
	return buf;
}

/*
 * A filter from @given (CreateInstance's NewInstance or the store's copy).
 * The instance served keeps what the client set that we honor.
 */
struct filter *ind_filter_make(struct daemon *d, const char *ns,
				  const struct cim_instance *given,
				  const char *name, struct refusal *r)
{
	static const char *const kept[] = {
		"ElementName", "Caption", "Description", "SourceNamespace",
		"SourceNamespaces",
	};
	const char *query = ind_prop_text(given, "Query");
	const char *language = ind_prop_text(given, "QueryLanguage");
	const struct cim_param *sns = cim_instance_prop(given, "SourceNamespaces");
	const char *sn = ind_prop_text(given, "SourceNamespace");
	struct filter *f = calloc(1, sizeof(*f));
	struct cim_path path;
	char err[256];
	size_t i;
	int rc;

	if (!f) {
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	if (!query || !language) {
		ind_refuse(r, CIM_ERR_INVALID_PARAMETER,
			   "CIM_IndicationFilter needs Query and QueryLanguage");
		goto fail;
	}
	if (sn && strcasecmp(sn, DAEMON_NAMESPACE))
		ind_refuse(r, CIM_ERR_NOT_SUPPORTED,
			   "SourceNamespace %s: indications come from %s only", sn,
			   DAEMON_NAMESPACE);
	for (i = 0; sns && !sns->value.is_null && sns->value.is_array &&
		    i < sns->value.n; i++) {
		const char *one = cim_value_get_string(&sns->value, i);

		if (one && strcasecmp(one, DAEMON_NAMESPACE))
			ind_refuse(r, CIM_ERR_NOT_SUPPORTED,
				   "SourceNamespaces %s: indications come from %s only",
				   one, DAEMON_NAMESPACE);
	}
	if (r->status)
		goto fail;
	rc = cql_parse(language, query, &f->query, err, sizeof(err));
	if (rc) {
		ind_refuse(r, rc == CIM_ERR_FAILED ? CIM_ERR_FAILED :
			   rc == CIM_ERR_NOT_SUPPORTED ? CIM_ERR_NOT_SUPPORTED :
			   CIM_ERR_INVALID_PARAMETER, "Query: %s", err);
		goto fail;
	}
	f->name = strdup(name);
	f->ns = strdup(ns);
	f->inst = cim_instance_new(IND_CLASS_FILTER);
	if (!f->name || !f->ns || !f->inst ||
	    !system_path(d, ns, IND_CLASS_FILTER, name, &path)) {
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
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
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]) && !r->status; i++)
		if (!copy_prop(f->inst, given, kept[i]))
			ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	cim_path_free(&path);
	if (r->status)
		goto fail;
	return f;
fail:
	ind_filter_free(f);
	return NULL;
}

/* http(s)://host[:port][/path], as libcurl's URL parser reads it. */
static bool url_ok(const char *url, struct refusal *r)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bool ok = false;

	if (!u) {
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
		return false;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https")) &&
	    host[0])
		ok = true;
	else
		ind_refuse(r, CIM_ERR_INVALID_PARAMETER,
			   "Destination %s: not an http:// or https:// URL", url);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

struct destination *ind_destination_make(struct daemon *d, const char *ns,
					    const char *cls,
					    const struct cim_instance *given,
					    const char *name,
					    struct refusal *r)
{
	static const char *const kept[] = {
		"ElementName", "Caption", "Description", "PersistenceType",
		"OtherPersistenceType", "Owner",
	};
	const char *url = ind_prop_text(given, "Destination");
	const char *protocol = ind_prop_text(given, "Protocol");
	struct destination *dst = calloc(1, sizeof(*dst));
	struct cim_path path;
	size_t i;

	if (!dst) {
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	if (!url) {
		ind_refuse(r, CIM_ERR_INVALID_PARAMETER, "%s needs Destination", cls);
		goto fail;
	}
	/* CIM_ListenerDestinationCIMXML.Protocol: 2 CIM-XML */
	if (protocol && strcmp(protocol, "2")) {
		ind_refuse(r, CIM_ERR_NOT_SUPPORTED,
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
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
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
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]) && !r->status; i++)
		if (!copy_prop(dst->inst, given, kept[i]))
			ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	cim_path_free(&path);
	if (r->status)
		goto fail;
	return dst;
fail:
	ind_destination_free(dst);
	return NULL;
}

struct filter *ind_find_filter(struct subscriptions *subs, const char *name)
{
	size_t i;

	for (i = 0; name && i < subs->n_filters; i++)
		if (!strcmp(subs->filters[i]->name, name))
			return subs->filters[i];
	return NULL;
}

struct destination *ind_find_destination(struct subscriptions *subs,
					    const char *name)
{
	size_t i;

	for (i = 0; name && i < subs->n_destinations; i++)
		if (!strcmp(subs->destinations[i]->name, name))
			return subs->destinations[i];
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

struct subscription *ind_subscription_make(struct subscriptions *subs,
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
	const char *state = ind_prop_text(given, "SubscriptionState");
	struct subscription *s = calloc(1, sizeof(*s));
	struct cim_path path = { 0 };
	struct cim_value *v;
	size_t i;

	if (!s) {
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
		return NULL;
	}
	if (!fp || !hp || !fp->classname || !hp->classname) {
		ind_refuse(r, CIM_ERR_INVALID_PARAMETER,
			   "CIM_IndicationSubscription needs the references Filter and Handler");
		goto fail;
	}
	if (ind_family(fp->classname) != IND_FILTER)
		ind_refuse(r, CIM_ERR_INVALID_PARAMETER,
			   "Filter: a %s, not a CIM_IndicationFilter", fp->classname);
	else if (ind_family(hp->classname) != IND_DESTINATION)
		ind_refuse(r, CIM_ERR_INVALID_PARAMETER,
			   "Handler: a %s, not a CIM_ListenerDestinationCIMXML",
			   hp->classname);
	if (r->status)
		goto fail;
	s->filter = ind_find_filter(subs, cim_path_key(fp, "Name"));
	s->destination = ind_find_destination(subs, cim_path_key(hp, "Name"));
	if (!s->filter || !s->destination) {
		ind_refuse(r, CIM_ERR_NOT_FOUND, "%s: no such %s",
			   !s->filter ? "Filter" : "Handler",
			   !s->filter ? IND_CLASS_FILTER : hp->classname);
		goto fail;
	}
	s->enabled = true;
	if (state && !strcmp(state, "4"))
		s->enabled = false;
	else if (state && strcmp(state, "2")) {
		ind_refuse(r, CIM_ERR_NOT_SUPPORTED,
			   "SubscriptionState %s: 2 (Enabled) or 4 (Disabled)", state);
		goto fail;
	}
	if (asprintf(&s->key, "%s\n%s", s->filter->name,
		     s->destination->name) < 0) {
		s->key = NULL;
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
		goto fail;
	}
	s->ns = strdup(ns);
	s->inst = cim_instance_new(IND_CLASS_SUBSCRIPTION);
	if (!s->ns || !s->inst ||
	    !cim_path_init(&path, d->system_name, ns, IND_CLASS_SUBSCRIPTION) ||
	    !cim_path_add_ref_key(&path, "Filter", s->filter->inst->path) ||
	    !cim_path_add_ref_key(&path, "Handler", s->destination->inst->path) ||
	    !set_path(s->inst, &path)) {
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
		goto fail;
	}
	v = cim_instance_add_prop(s->inst, "Filter");
	if (!v || !cim_value_set_ref(v, s->filter->inst->path))
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	v = r->status ? NULL : cim_instance_add_prop(s->inst, "Handler");
	if (!r->status && (!v || !cim_value_set_ref(v, s->destination->inst->path)))
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	if (!r->status &&
	    !cim_instance_set_prop(s->inst, "SubscriptionState", CIM_TYPE_UINT16,
				   s->enabled ? "2" : "4"))
		ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]) && !r->status; i++)
		if (!copy_prop(s->inst, given, kept[i]))
			ind_refuse(r, CIM_ERR_FAILED, "out of memory");
	cim_path_free(&path);
	if (r->status)
		goto fail;
	return s;
fail:
	cim_path_free(&path);
	ind_subscription_free(s);
	return NULL;
}

bool ind_add_filter(struct subscriptions *subs, struct filter *f)
{
	if (!grow(&subs->filters, subs->n_filters, sizeof(*subs->filters)))
		return false;
	subs->filters[subs->n_filters++] = f;
	return true;
}

bool ind_add_destination(struct subscriptions *subs, struct destination *dst)
{
	if (!grow(&subs->destinations, subs->n_destinations,
		  sizeof(*subs->destinations)))
		return false;
	subs->destinations[subs->n_destinations++] = dst;
	return true;
}

bool ind_add_subscription(struct subscriptions *subs, struct subscription *s)
{
	if (!grow(&subs->subscriptions, subs->n_subscriptions,
		  sizeof(*subs->subscriptions)))
		return false;
	subs->subscriptions[subs->n_subscriptions++] = s;
	return true;
}

/* ---- loading from the store ---- */

struct loader {
	struct subscriptions *subs;
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
		struct filter *f = ind_filter_make(l->d, ns, given, name, &r);

		added = f && ind_add_filter(l->subs, f);
		if (f && !added)
			ind_filter_free(f);
	} else if (!strcmp(l->kind, KIND_DESTINATION)) {
		struct destination *dst = ind_destination_make(l->d, ns,
							       given->classname,
							       given, name, &r);

		added = dst && ind_add_destination(l->subs, dst);
		if (dst && !added)
			ind_destination_free(dst);
	} else {
		struct subscription *s = ind_subscription_make(l->subs, l->d, ns,
							       given, &r);

		added = s && ind_add_subscription(l->subs, s);
		if (s && !added)
			ind_subscription_free(s);
	}
	if (!added)
		fprintf(stderr, "cimrepld: stored %s %s is not used: %s\n",
			l->kind, name, r.status ? r.why : "out of memory");
	cim_instance_free(given);
}

void ind_load(struct subscriptions *subs, struct daemon *d)
{
	struct loader l = { .subs = subs, .d = d };

	/* filters and destinations before the subscriptions naming them */
	l.kind = IND_CLASS_FILTER;
	store_indication_list(d->store, l.kind, load_one, &l);
	l.kind = KIND_DESTINATION;
	store_indication_list(d->store, l.kind, load_one, &l);
	l.kind = IND_CLASS_SUBSCRIPTION;
	store_indication_list(d->store, l.kind, load_one, &l);
}

void ind_free_all(struct subscriptions *subs)
{
	size_t i;

	for (i = 0; i < subs->n_subscriptions; i++)
		ind_subscription_free(subs->subscriptions[i]);
	for (i = 0; i < subs->n_filters; i++)
		ind_filter_free(subs->filters[i]);
	for (i = 0; i < subs->n_destinations; i++)
		ind_destination_free(subs->destinations[i]);
	free(subs->subscriptions);
	free(subs->filters);
	free(subs->destinations);
	*subs = (struct subscriptions){ 0 };
}

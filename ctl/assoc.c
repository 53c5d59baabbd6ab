// SPDX-License-Identifier: GPL-2.0
/*
 * The association classes and operations (assoc.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/cimrepl.h>

#include "assoc.h"
#include "assocfilter.h"
#include "classes.h"
#include "interop.h"
#include "store.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

struct walk {
	struct daemon *d;
	struct lio *lio;
};

static bool list_add(struct model_list *list, struct cim_instance *inst)
{
	struct cim_instance **grown;

	if (!inst)
		return false;
	grown = realloc(list->items, (list->n + 1) * sizeof(*grown));
	if (!grown) {
		cim_instance_free(inst);
		return false;
	}
	list->items = grown;
	list->items[list->n++] = inst;
	return true;
}

static int enumerate_class(struct walk *w, const char *name,
			   struct model_list *out)
{
	int ret = model_enumerate(w->d, w->lio, classes_find(name), out);

	if (ret)
		model_list_free(out);
	return ret;
}

/*
 * An instance of association @cls between @a (role @role_a) and @b (role
 * @role_b). Its path has neither host nor namespace: the response gives
 * it the request's (CIM_ElementConformsToProfile is in both namespaces).
 */
static struct cim_instance *assoc_new(const char *cls, const char *role_a,
				      const struct cim_path *a,
				      const char *role_b,
				      const struct cim_path *b)
{
	struct cim_instance *inst = cim_instance_new(cls);
	struct cim_value *v;
	bool ok;

	if (!inst)
		return NULL;
	inst->path = calloc(1, sizeof(*inst->path));
	ok = inst->path && cim_path_init(inst->path, NULL, NULL, cls) &&
	     cim_path_add_ref_key(inst->path, role_a, a) &&
	     cim_path_add_ref_key(inst->path, role_b, b);
	ok = ok && (v = cim_instance_add_prop(inst, role_a)) &&
	     cim_value_set_ref(v, a);
	ok = ok && (v = cim_instance_add_prop(inst, role_b)) &&
	     cim_value_set_ref(v, b);
	if (!ok) {
		cim_instance_free(inst);
		return NULL;
	}
	return inst;
}

/* Every pair of an instance of @cls_a and one of @cls_b, associated. */
static int pairs(struct walk *w, const char *assoc_cls, const char *cls_a,
		 const char *role_a, const char *cls_b, const char *role_b,
		 struct model_list *out)
{
	struct model_list a = { 0 }, b = { 0 };
	size_t i, j;
	int ret;

	ret = enumerate_class(w, cls_a, &a);
	if (!ret)
		ret = enumerate_class(w, cls_b, &b);
	for (i = 0; i < a.n && !ret; i++)
		for (j = 0; j < b.n && !ret; j++)
			if (!list_add(out, assoc_new(assoc_cls, role_a,
						     a.items[i]->path, role_b,
						     b.items[j]->path)))
				ret = -ENOMEM;
	model_list_free(&a);
	model_list_free(&b);
	return ret;
}

static int enum_hosted_service(struct walk *w, struct model_list *out)
{
	return pairs(w, CLASS_HOSTED_SERVICE, CLASS_SYSTEM, "Antecedent",
		     CLASS_SERVICE, "Dependent", out);
}

static int enum_element_capabilities(struct walk *w, struct model_list *out)
{
	return pairs(w, CLASS_ELEMENT_CAPABILITIES, CLASS_SERVICE,
		     "ManagedElement", CLASS_CAPABILITIES, "Capabilities", out);
}

static int enum_owning_job(struct walk *w, struct model_list *out)
{
	return pairs(w, CLASS_OWNING_JOB, CLASS_SERVICE, "OwningElement",
		     CLASS_JOB, "OwnedElement", out);
}

static int enum_conforms_to_profile(struct walk *w, struct model_list *out)
{
	const struct interop_profile *profiles = NULL;
	struct model_list registered = { 0 }, central = { 0 };
	size_t n_profiles, i, j, k;
	int ret;

	profiles = interop_profiles(&n_profiles);
	ret = enumerate_class(w, CLASS_PROFILE, &registered);
	for (i = 0; i < registered.n && !ret; i++) {
		const char *id = cim_path_key(registered.items[i]->path,
					      "InstanceID");

		for (k = 0; k < n_profiles; k++)
			if (id && !strcmp(id, profiles[k].instance_id))
				break;
		if (k == n_profiles)
			continue;
		ret = enumerate_class(w, profiles[k].central_class, &central);
		for (j = 0; j < central.n && !ret; j++)
			if (!list_add(out, assoc_new(CLASS_CONFORMS_TO_PROFILE,
						     "ConformantStandard",
						     registered.items[i]->path,
						     "ManagedElement",
						     central.items[j]->path)))
				ret = -ENOMEM;
		model_list_free(&central);
	}
	model_list_free(&registered);
	return ret;
}

/* The instance among @list whose property @key is the string @value. */
static const struct cim_instance *find_by(const struct model_list *list,
					  const char *key, const char *value)
{
	const struct cim_param *p;
	const char *text;
	size_t i;

	for (i = 0; i < list->n; i++) {
		p = cim_instance_prop(list->items[i], key);
		text = p ? cim_value_get_string(&p->value, 0) : NULL;
		if (text && !strcmp(text, value))
			return list->items[i];
	}
	return NULL;
}

/* The bytes of a volume instance (BlockSize x NumberOfBlocks). */
static uint64_t volume_bytes(const struct cim_instance *vol)
{
	const struct cim_param *bs = cim_instance_prop(vol, "BlockSize");
	const struct cim_param *nb = cim_instance_prop(vol, "NumberOfBlocks");
	uint64_t block, blocks;

	if (!bs || !nb || !cim_value_get_u64(&bs->value, 0, UINT32_MAX, &block) ||
	    !cim_value_get_u64(&nb->value, 0, UINT64_MAX / UINT32_MAX, &blocks))
		return 0;
	return block * blocks;
}

struct replicas {
	struct store_replica *items;
	size_t n;
};

static void collect_replica(const struct store_replica *r, void *arg)
{
	struct replicas *rs = arg;
	struct store_replica *grown;

	grown = realloc(rs->items, (rs->n + 1) * sizeof(*grown));
	if (!grown)
		return;
	rs->items = grown;
	rs->items[rs->n++] = *r;
}

/*
 * A replica is allocated from its pool when the daemon made its target
 * there (a clone's target file) or keeps its data there (a snapshot's
 * copies); a clone onto a volume the client gave is not.
 */
static int enum_allocated_from_pool(struct walk *w, struct model_list *out)
{
	struct model_list pools = { 0 }, volumes = { 0 };
	struct replicas rs = { 0 };
	struct cim_instance *inst;
	const struct cim_instance *pool, *vol;
	char id[sizeof(MODEL_POOL_PREFIX) + STORE_NAME_MAX], space[24];
	size_t i;
	int ret;

	ret = enumerate_class(w, CLASS_POOL, &pools);
	if (!ret)
		ret = enumerate_class(w, CLASS_VOLUME, &volumes);
	if (!ret)
		store_replica_list(w->d->store, collect_replica, &rs);
	for (i = 0; i < rs.n && !ret; i++) {
		const struct store_replica *r = &rs.items[i];

		if (!r->pool[0] || (!r->target_file[0] &&
				    r->sync_type != CIMREPL_SYNC_TYPE_SNAPSHOT))
			continue;
		snprintf(id, sizeof(id), MODEL_POOL_PREFIX "%s", r->pool);
		pool = find_by(&pools, "InstanceID", id);
		vol = find_by(&volumes, "DeviceID", r->target_backstore);
		if (!pool || !vol)
			continue;
		inst = assoc_new(CLASS_ALLOCATED_FROM_POOL, "Antecedent",
				 pool->path, "Dependent", vol->path);
		if (inst && r->target_file[0]) {
			snprintf(space, sizeof(space), "%" PRIu64,
				 volume_bytes(vol));
			if (!cim_instance_set_prop(inst, "SpaceConsumed",
						   CIM_TYPE_UINT64, space)) {
				cim_instance_free(inst);
				inst = NULL;
			}
		}
		if (!list_add(out, inst))
			ret = -ENOMEM;
	}
	free(rs.items);
	model_list_free(&pools);
	model_list_free(&volumes);
	return ret;
}

struct names {
	char (*items)[STORE_NAME_MAX];
	size_t n;
};

static void collect_target(const char *target, void *arg)
{
	struct names *ns = arg;
	char (*grown)[STORE_NAME_MAX];

	grown = realloc(ns->items, (ns->n + 1) * sizeof(*grown));
	if (!grown)
		return;
	ns->items = grown;
	snprintf(ns->items[ns->n++], STORE_NAME_MAX, "%s", target);
}

static bool set_effect(struct cim_instance *inst, unsigned int effect)
{
	struct cim_value *v = cim_instance_add_prop(inst, "ElementEffects");
	char text[8];

	if (!v)
		return false;
	snprintf(text, sizeof(text), "%u", effect);
	cim_value_set_array(v, CIM_TYPE_UINT16);
	return cim_value_append(v, text);
}

/*
 * A job affects the replicas it makes: new volumes it created (Create) or
 * volumes the client gave as targets (Element Integrity: overwritten).
 */
static int enum_affected_job(struct walk *w, struct model_list *out)
{
	struct model_list jobs = { 0 }, volumes = { 0 };
	struct store_replica r;
	struct cim_instance *inst;
	const struct cim_instance *vol;
	size_t i, j;
	int ret;

	ret = enumerate_class(w, CLASS_JOB, &jobs);
	if (!ret)
		ret = enumerate_class(w, CLASS_VOLUME, &volumes);
	for (i = 0; i < jobs.n && !ret; i++) {
		const char *id = cim_path_key(jobs.items[i]->path, "InstanceID");
		struct names targets = { 0 };
		char *end;
		long long job_id;

		if (!id || strncmp(id, MODEL_JOB_PREFIX, strlen(MODEL_JOB_PREFIX)))
			continue;
		job_id = strtoll(id + strlen(MODEL_JOB_PREFIX), &end, 10);
		if (*end)
			continue;
		store_job_targets(w->d->store, job_id, collect_target, &targets);
		for (j = 0; j < targets.n && !ret; j++) {
			if (store_replica_get(w->d->store, targets.items[j], &r))
				continue;
			vol = find_by(&volumes, "DeviceID", r.target_backstore);
			if (!vol)
				continue;
			inst = assoc_new(CLASS_AFFECTED_JOB, "AffectedElement",
					 vol->path, "AffectingElement",
					 jobs.items[i]->path);
			if (inst && !set_effect(inst, r.target_file[0] ?
						CIMREPL_EFFECT_CREATE :
						CIMREPL_EFFECT_ELEMENT_INTEGRITY)) {
				cim_instance_free(inst);
				inst = NULL;
			}
			if (!list_add(out, inst))
				ret = -ENOMEM;
		}
		free(targets.items);
	}
	model_list_free(&jobs);
	model_list_free(&volumes);
	return ret;
}

static int enum_synchronized(struct walk *w, struct model_list *out)
{
	return model_enumerate(w->d, w->lio, classes_find(CLASS_SYNC), out);
}

/*
 * The association classes: the classes of the instances at their two ends
 * (an operation skips the associations that cannot reach its object,
 * without making their instances), and how their instances are made.
 */
static const struct {
	const char *name;
	const char *ends[2];
	int (*enumerate)(struct walk *w, struct model_list *out);
} associations[] = {
	{ CLASS_HOSTED_SERVICE, { CLASS_SYSTEM, CLASS_SERVICE },
	  enum_hosted_service },
	{ CLASS_ELEMENT_CAPABILITIES, { CLASS_SERVICE, CLASS_CAPABILITIES },
	  enum_element_capabilities },
	{ CLASS_CONFORMS_TO_PROFILE, { CLASS_PROFILE, CLASS_SERVICE },
	  enum_conforms_to_profile },
	{ CLASS_ALLOCATED_FROM_POOL, { CLASS_POOL, CLASS_VOLUME },
	  enum_allocated_from_pool },
	{ CLASS_OWNING_JOB, { CLASS_SERVICE, CLASS_JOB }, enum_owning_job },
	{ CLASS_AFFECTED_JOB, { CLASS_VOLUME, CLASS_JOB }, enum_affected_job },
	{ CLASS_SYNC, { CLASS_VOLUME, CLASS_VOLUME }, enum_synchronized },
};

int assoc_enumerate(struct daemon *d, struct lio *lio,
		    const struct cim_class *cls, struct model_list *out)
{
	struct walk w = { .d = d, .lio = lio };
	size_t i;

	if (!strcmp(cls->name, CLASS_SYSTEM))
		return interop_enumerate_systems(d, out);
	if (!strcmp(cls->name, CLASS_PROFILE))
		return interop_enumerate_profiles(d, out);
	for (i = 0; i < N(associations); i++)
		if (!strcmp(cls->name, associations[i].name) &&
		    associations[i].enumerate != enum_synchronized)
			return associations[i].enumerate(&w, out);
	return 0;
}

/* The operations. */

bool assoc_is_operation(const char *method)
{
	return !strcasecmp(method, "Associators") ||
	       !strcasecmp(method, "AssociatorNames") ||
	       !strcasecmp(method, "References") ||
	       !strcasecmp(method, "ReferenceNames");
}

static bool is_a(const char *cls, const char *ancestor)
{
	const struct cim_class *c = classes_find(cls);

	return c ? classes_is_a(c, ancestor) != 0 : !strcasecmp(cls, ancestor);
}

/* A class name parameter (CLASSNAME, or a string); NULL when absent. */
static const char *class_param(const struct cim_request *req, const char *name)
{
	const struct cim_param *p = cim_request_param(req, name);
	const struct cim_path *path;

	if (!p || p->value.is_null)
		return NULL;
	path = cim_value_get_ref(&p->value, 0);
	if (path)
		return path->classname;
	return cim_value_get_string(&p->value, 0);
}

static const char *string_param(const struct cim_request *req,
				const char *name)
{
	const struct cim_param *p = cim_request_param(req, name);

	return p && !p->value.is_null && p->value.type != CIM_TYPE_REFERENCE ?
	       cim_value_get_string(&p->value, 0) : NULL;
}

/* The parameters each operation takes (DSP0200 5.3.2.14-17). */
static bool known_params(const struct cim_request *req, bool references,
			 bool names)
{
	static const char *const all[] = {
		"ObjectName", "AssocClass", "ResultClass", "Role", "ResultRole",
		"IncludeQualifiers", "IncludeClassOrigin", "PropertyList",
	};
	size_t i, j;

	for (i = 0; i < req->n_params; i++) {
		const char *name = req->params[i].name;

		for (j = 0; j < N(all); j++)
			if (!strcasecmp(name, all[j]))
				break;
		if (j == N(all))
			return false;
		if (references && (!strcasecmp(name, "AssocClass") ||
				   !strcasecmp(name, "ResultRole")))
			return false;
		if (names && (!strcasecmp(name, "IncludeQualifiers") ||
			      !strcasecmp(name, "IncludeClassOrigin") ||
			      !strcasecmp(name, "PropertyList")))
			return false;
	}
	return true;
}

/* Instances of classes fetched once per operation, to look results up in. */
struct cache {
	const char *names[32];
	struct model_list lists[32];
	size_t n;
};

static struct cim_instance *cache_find(struct walk *w, struct cache *c,
				       const struct cim_path *path)
{
	const struct cim_class *cls = classes_find(path->classname);
	struct model_list *list = NULL;
	size_t i;

	if (!cls)
		return NULL;
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->names[i], cls->name))
			list = &c->lists[i];
	if (!list) {
		if (c->n == N(c->names) ||
		    enumerate_class(w, cls->name, &c->lists[c->n]))
			return NULL;
		c->names[c->n] = cls->name;
		list = &c->lists[c->n++];
	}
	for (i = 0; i < list->n; i++)
		if (assoc_path_equal(list->items[i]->path, path))
			return list->items[i];
	return NULL;
}

static void cache_free(struct cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		model_list_free(&c->lists[i]);
	c->n = 0;
}

char *assoc_operation(struct daemon *d, struct lio *lio,
		      const struct cim_request *req,
		      const struct cimxml_response *r, size_t *len)
{
	bool references = !strncasecmp(req->method, "Reference", 9);
	bool names = !strcasecmp(req->method, "AssociatorNames") ||
		     !strcasecmp(req->method, "ReferenceNames");
	const struct cim_param *object = cim_request_param(req, "ObjectName");
	const struct cim_param *plist = cim_request_param(req, "PropertyList");
	struct walk w = { .d = d, .lio = lio };
	struct assoc_query q = { .is_a = is_a };
	struct model_list assocs = { 0 }, part;
	struct cache cache = { .n = 0 };
	struct assoc_match *matches = NULL;
	const struct cim_class *cls;
	struct cim_instance **insts = NULL;
	struct cim_path *paths = NULL;
	size_t n_matches = 0, n_out = 0, i;
	char *doc = NULL;

	if (!known_params(req, references, names))
		return cimxml_respond_error(r, CIM_ERR_INVALID_PARAMETER,
					    "a parameter this operation does not have",
					    len);
	q.object = object && !object->value.is_null ?
		   cim_value_get_ref(&object->value, 0) : NULL;
	if (!q.object || !q.object->classname)
		return cimxml_respond_error(r, CIM_ERR_INVALID_PARAMETER,
					    "ObjectName is required", len);
	if (!q.object->n_keys)
		return cimxml_respond_error(r, CIM_ERR_NOT_SUPPORTED,
					    "class-level association queries are not supported: ObjectName must name an instance",
					    len);
	cls = classes_find(q.object->classname);
	if (!cls || !interop_namespace_has_class(req->namespace, cls))
		return cimxml_respond_error(r, CIM_ERR_INVALID_PARAMETER,
					    "ObjectName: the class is not served in this namespace",
					    len);
	if (plist && !plist->value.is_null &&
	    (!plist->value.is_array || plist->value.type == CIM_TYPE_REFERENCE))
		return cimxml_respond_error(r, CIM_ERR_INVALID_PARAMETER,
					    "PropertyList: not an array of property names",
					    len);
	q.assoc_class = references ? NULL : class_param(req, "AssocClass");
	q.result_class = class_param(req, "ResultClass");
	q.role = string_param(req, "Role");
	q.result_role = references ? NULL : string_param(req, "ResultRole");

	if (!cache_find(&w, &cache, q.object)) {
		doc = cimxml_respond_error(r, CIM_ERR_NOT_FOUND,
					   "ObjectName: no such instance", len);
		goto out;
	}
	for (i = 0; i < N(associations); i++) {
		const struct cim_class *ac = classes_find(associations[i].name);
		const char *filter = references ? q.result_class : q.assoc_class;
		size_t j;

		if (!ac || !interop_namespace_has_class(req->namespace, ac) ||
		    (filter && !classes_is_a(ac, filter)) ||
		    (strcasecmp(associations[i].ends[0], cls->name) &&
		     strcasecmp(associations[i].ends[1], cls->name)))
			continue;
		part = (struct model_list){ 0 };
		if (associations[i].enumerate(&w, &part)) {
			model_list_free(&part);
			goto oom;
		}
		for (j = 0; j < part.n; j++) {
			if (!list_add(&assocs, part.items[j])) {
				part.items[j] = NULL;
				model_list_free(&part);
				goto oom;
			}
			part.items[j] = NULL;
		}
		model_list_free(&part);
	}
	matches = calloc(2 * assocs.n + 1, sizeof(*matches));
	insts = calloc(2 * assocs.n + 1, sizeof(*insts));
	paths = calloc(2 * assocs.n + 1, sizeof(*paths));
	if (!matches || !insts || !paths)
		goto oom;
	n_matches = assoc_filter((const struct cim_instance *const *)assocs.items,
				 assocs.n, &q, references, matches);
	for (i = 0; i < n_matches; i++) {
		struct cim_instance *inst;

		if (references) {
			inst = (struct cim_instance *)matches[i].assoc;
		} else {
			inst = cache_find(&w, &cache, matches[i].result);
			if (!inst)	/* it went away meanwhile */
				continue;
		}
		if (!names)
			assoc_apply_property_list(inst, plist ? &plist->value : NULL);
		insts[n_out] = inst;
		paths[n_out++] = *inst->path;	/* borrowed */
	}
	if (names)
		doc = cimxml_respond_object_paths(r, paths, n_out, len);
	else
		doc = cimxml_respond_objects_with_path(r,
				(const struct cim_instance *const *)insts, n_out,
				len);
	goto out;
oom:
	doc = cimxml_respond_error(r, CIM_ERR_FAILED, "out of memory", len);
out:
	free(matches);
	free(insts);
	free(paths);
	model_list_free(&assocs);
	cache_free(&cache);
	return doc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The instances cimrepld serves (model.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/cimrepl.h>

#include "assoc.h"
#include "capabilities.h"
#include "catalog.h"
#include "model.h"
#include "pools.h"
#include "replicate.h"
#include "store.h"

/* Build state: the first allocation failure sticks. */
struct builder {
	struct daemon *d;
	bool ok;
};

void model_list_free(struct model_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		cim_instance_free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->n = 0;
}

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

static void set_str(struct builder *b, struct cim_instance *inst,
		    const char *name, const char *value)
{
	if (b->ok && !cim_instance_set_prop(inst, name, CIM_TYPE_STRING, value))
		b->ok = false;
}

static void set_num(struct builder *b, struct cim_instance *inst,
		    const char *name, enum cim_type type, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, value);
	if (b->ok && !cim_instance_set_prop(inst, name, type, text))
		b->ok = false;
}

static void set_bool(struct builder *b, struct cim_instance *inst,
		     const char *name, bool value)
{
	if (b->ok && !cim_instance_set_prop(inst, name, CIM_TYPE_BOOLEAN,
					    value ? "true" : "false"))
		b->ok = false;
}

static void set_time(struct builder *b, struct cim_instance *inst,
		     const char *name, int64_t ns)
{
	char text[CIM_DATETIME_LEN + 1];

	if (!ns || !cim_datetime_format(ns, text))
		return;
	if (b->ok && !cim_instance_set_prop(inst, name, CIM_TYPE_DATETIME, text))
		b->ok = false;
}

static void set_u16_array(struct builder *b, struct cim_instance *inst,
			  const char *name, const uint16_t *values, size_t n)
{
	struct cim_value *v;
	char text[8];
	size_t i;

	if (!b->ok)
		return;
	v = cim_instance_add_prop(inst, name);
	if (!v) {
		b->ok = false;
		return;
	}
	cim_value_set_array(v, CIM_TYPE_UINT16);
	for (i = 0; i < n && b->ok; i++) {
		snprintf(text, sizeof(text), "%u", values[i]);
		b->ok = cim_value_append(v, text);
	}
}

static void set_ref(struct builder *b, struct cim_instance *inst,
		    const char *name, const struct cim_path *path)
{
	struct cim_value *v;

	if (!b->ok)
		return;
	v = cim_instance_add_prop(inst, name);
	b->ok = v && cim_value_set_ref(v, path);
}

/* Give @inst a copy of @path as its instance name. */
static void set_path(struct builder *b, struct cim_instance *inst,
		     const struct cim_path *path)
{
	if (!b->ok)
		return;
	inst->path = calloc(1, sizeof(*inst->path));
	b->ok = inst->path && cim_path_copy(inst->path, path);
}

static bool path_start(struct daemon *d, struct cim_path *path,
		       const char *classname)
{
	return cim_path_init(path, d->system_name, DAEMON_NAMESPACE, classname);
}

static bool path_system_keys(struct daemon *d, struct cim_path *path,
			     const char *classname)
{
	return cim_path_add_key(path, "CreationClassName", CIM_TYPE_STRING,
				classname) &&
	       cim_path_add_key(path, "SystemCreationClassName", CIM_TYPE_STRING,
				CLASS_SYSTEM) &&
	       cim_path_add_key(path, "SystemName", CIM_TYPE_STRING,
				d->system_name);
}

bool model_is_our_system(struct daemon *d, const struct cim_path *path)
{
	const char *name = cim_path_key(path, "SystemName");
	const char *cls = cim_path_key(path, "SystemCreationClassName");

	return (!name || !strcasecmp(name, d->system_name)) &&
	       (!cls || !strcasecmp(cls, CLASS_SYSTEM));
}

static int service_path(struct daemon *d, struct cim_path *path)
{
	if (!path_start(d, path, CLASS_SERVICE) ||
	    !path_system_keys(d, path, CLASS_SERVICE) ||
	    !cim_path_add_key(path, "Name", CIM_TYPE_STRING, MODEL_SERVICE_NAME)) {
		cim_path_free(path);
		return -ENOMEM;
	}
	return 0;
}

int model_volume_path(struct daemon *d, const char *device_id,
		      struct cim_path *path)
{
	if (!path_start(d, path, CLASS_VOLUME) ||
	    !path_system_keys(d, path, CLASS_VOLUME) ||
	    !cim_path_add_key(path, "DeviceID", CIM_TYPE_STRING, device_id)) {
		cim_path_free(path);
		return -ENOMEM;
	}
	return 0;
}

static int instance_id_path(struct daemon *d, const char *classname,
			    const char *id, struct cim_path *path)
{
	if (!path_start(d, path, classname) ||
	    !cim_path_add_key(path, "InstanceID", CIM_TYPE_STRING, id)) {
		cim_path_free(path);
		return -ENOMEM;
	}
	return 0;
}

int model_job_path(struct daemon *d, int64_t id, struct cim_path *path)
{
	char text[64];

	snprintf(text, sizeof(text), MODEL_JOB_PREFIX "%" PRId64, id);
	return instance_id_path(d, CLASS_JOB, text, path);
}

int model_sync_path(struct daemon *d, const char *source_id,
		    const char *target_id, struct cim_path *path)
{
	struct cim_path source = { 0 }, target = { 0 };
	int ret = -ENOMEM;

	if (model_volume_path(d, source_id, &source) ||
	    model_volume_path(d, target_id, &target))
		goto out;
	if (path_start(d, path, CLASS_SYNC) &&
	    cim_path_add_ref_key(path, "SystemElement", &source) &&
	    cim_path_add_ref_key(path, "SyncedElement", &target))
		ret = 0;
	else
		cim_path_free(path);
out:
	cim_path_free(&source);
	cim_path_free(&target);
	return ret;
}

static bool key_value_equal(const struct cim_key *a, const struct cim_key *b)
{
	if (a->ref || b->ref)
		return a->ref && b->ref && model_path_equal(a->ref, b->ref);
	if (!a->value || !b->value)
		return false;
	/* booleans compare without case; other keys as written */
	if (a->type == CIM_TYPE_BOOLEAN || b->type == CIM_TYPE_BOOLEAN)
		return !strcasecmp(a->value, b->value);
	return !strcmp(a->value, b->value);
}

bool model_path_equal(const struct cim_path *a, const struct cim_path *b)
{
	size_t i, j;

	if (!a->classname || !b->classname ||
	    strcasecmp(a->classname, b->classname) || a->n_keys != b->n_keys)
		return false;
	for (i = 0; i < a->n_keys; i++) {
		for (j = 0; j < b->n_keys; j++)
			if (!strcasecmp(a->keys[i].name, b->keys[j].name))
				break;
		if (j == b->n_keys || !key_value_equal(&a->keys[i], &b->keys[j]))
			return false;
	}
	return true;
}

/* Instances, class by class. */

static const uint16_t status_ok[] = { CIMREPL_OPSTATUS_OK };

static int enum_service(struct daemon *d, struct model_list *out)
{
	struct builder b = { .d = d, .ok = true };
	struct cim_instance *inst = cim_instance_new(CLASS_SERVICE);
	struct cim_path path = { 0 };

	if (!inst || service_path(d, &path)) {
		cim_instance_free(inst);
		return -ENOMEM;
	}
	set_path(&b, inst, &path);
	set_str(&b, inst, "CreationClassName", CLASS_SERVICE);
	set_str(&b, inst, "SystemCreationClassName", CLASS_SYSTEM);
	set_str(&b, inst, "SystemName", d->system_name);
	set_str(&b, inst, "Name", MODEL_SERVICE_NAME);
	set_str(&b, inst, "ElementName", "cimrepl replication service");
	set_str(&b, inst, "Description",
		"Snapshots, clones and mirrors of LIO block backstores (cimrepl.ko)");
	set_u16_array(&b, inst, "OperationalStatus", status_ok, 1);
	set_num(&b, inst, "HealthState", CIM_TYPE_UINT16, CIMREPL_HEALTH_OK);
	set_num(&b, inst, "EnabledState", CIM_TYPE_UINT16,
		CIMREPL_ENABLED_STATE_ENABLED);
	set_bool(&b, inst, "Started", true);
	cim_path_free(&path);
	if (!b.ok || !list_add(out, inst)) {
		if (!b.ok)
			cim_instance_free(inst);
		return -ENOMEM;
	}
	return 0;
}

static void set_caps_list(struct builder *b, struct cim_instance *inst,
			  const char *name, const struct caps_list *l)
{
	set_u16_array(b, inst, name, l->values, l->n);
}

/* What the module's engines and the service's methods support (capabilities.h). */
static int enum_capabilities(struct daemon *d, struct model_list *out)
{
	static const uint16_t storage_objects[] = {
		CIMREPL_STORAGE_OBJECT_STORAGE_VOLUME,
	};
	const struct cim_class *service = classes_find(CLASS_SERVICE);
	struct builder b = { .d = d, .ok = true };
	struct cim_instance *inst = cim_instance_new(CLASS_CAPABILITIES);
	struct cim_path path = { 0 };
	struct caps_list l;

	if (!inst || instance_id_path(d, CLASS_CAPABILITIES,
				      MODEL_CAPABILITIES_ID, &path)) {
		cim_instance_free(inst);
		return -ENOMEM;
	}
	set_path(&b, inst, &path);
	set_str(&b, inst, "InstanceID", MODEL_CAPABILITIES_ID);
	set_str(&b, inst, "ElementName", "cimrepl replication capabilities");
	caps_replication_types(&d->caps, &l);
	set_caps_list(&b, inst, "SupportedReplicationTypes", &l);
	set_u16_array(&b, inst, "SupportedStorageObjects", storage_objects,
		      sizeof(storage_objects) / sizeof(storage_objects[0]));
	caps_actions(&d->caps, service, true, &l);
	set_caps_list(&b, inst, "SupportedAsynchronousActions", &l);
	caps_actions(&d->caps, service, false, &l);
	set_caps_list(&b, inst, "SupportedSynchronousActions", &l);
	cim_path_free(&path);
	if (!b.ok || !list_add(out, inst)) {
		if (!b.ok)
			cim_instance_free(inst);
		return -ENOMEM;
	}
	return 0;
}

static struct cim_instance *volume_instance(struct daemon *d,
					    const struct volume_entry *v)
{
	static const uint16_t status_ok_list[] = { CIMREPL_OPSTATUS_OK };
	struct builder b = { .d = d, .ok = true };
	struct cim_instance *inst = cim_instance_new(CLASS_VOLUME);
	struct cim_path path = { 0 };
	struct store_replica r;
	char description[PATH_MAX + 64];
	const char *element_name = v->bs.name;

	if (!inst || model_volume_path(d, v->bs.name, &path)) {
		cim_instance_free(inst);
		return NULL;
	}
	if (v->managed && !store_replica_get(d->store, v->kv.name, &r) &&
	    !strcmp(r.target_backstore, v->bs.name))
		element_name = r.element_name;
	snprintf(description, sizeof(description), "LIO block backstore over %s",
		 v->bs.dev);
	set_path(&b, inst, &path);
	set_str(&b, inst, "CreationClassName", CLASS_VOLUME);
	set_str(&b, inst, "SystemCreationClassName", CLASS_SYSTEM);
	set_str(&b, inst, "SystemName", d->system_name);
	set_str(&b, inst, "DeviceID", v->bs.name);
	set_str(&b, inst, "ElementName", element_name);
	set_str(&b, inst, "Description", description);
	if (v->bs.naa[0]) {
		set_str(&b, inst, "Name", v->bs.naa);
		set_num(&b, inst, "NameFormat", CIM_TYPE_UINT16,
			CIMREPL_NAME_FORMAT_NAA);
		set_num(&b, inst, "NameNamespace", CIM_TYPE_UINT16,
			CIMREPL_NAME_NAMESPACE_VPD83_TYPE3);
	}
	set_num(&b, inst, "BlockSize", CIM_TYPE_UINT64, 512);
	set_num(&b, inst, "NumberOfBlocks", CIM_TYPE_UINT64, v->size / 512);
	set_num(&b, inst, "ConsumableBlocks", CIM_TYPE_UINT64, v->size / 512);
	set_u16_array(&b, inst, "OperationalStatus", status_ok_list, 1);
	set_num(&b, inst, "HealthState", CIM_TYPE_UINT16, CIMREPL_HEALTH_OK);
	set_num(&b, inst, "EnabledState", CIM_TYPE_UINT16,
		CIMREPL_ENABLED_STATE_ENABLED);
	set_bool(&b, inst, "Primordial", false);
	cim_path_free(&path);
	if (!b.ok) {
		cim_instance_free(inst);
		return NULL;
	}
	return inst;
}

static int enum_volumes(struct daemon *d, struct lio *lio,
			struct model_list *out)
{
	struct volume_entry *v = NULL;
	size_t n = 0, i;
	int ret = 0;

	if (catalog_volumes(d, lio, &v, &n))
		return 0;
	for (i = 0; i < n && !ret; i++)
		if (!list_add(out, volume_instance(d, &v[i])))
			ret = -ENOMEM;
	free(v);
	return ret;
}

struct pool_walk {
	struct daemon *d;
	struct model_list *out;
	int ret;
};

static void pool_instance(const struct store_pool *p, void *arg)
{
	struct pool_walk *w = arg;
	struct builder b = { .d = w->d, .ok = true };
	struct cim_instance *inst = cim_instance_new(CLASS_POOL);
	struct cim_path path = { 0 };
	char id[sizeof(MODEL_POOL_PREFIX) + STORE_NAME_MAX];
	uint64_t total = 0, remaining = 0;

	snprintf(id, sizeof(id), MODEL_POOL_PREFIX "%s", p->name);
	if (!inst || instance_id_path(w->d, CLASS_POOL, id, &path)) {
		cim_instance_free(inst);
		w->ret = -ENOMEM;
		return;
	}
	pools_space(w->d, p, &total, &remaining);
	set_path(&b, inst, &path);
	set_str(&b, inst, "InstanceID", id);
	set_str(&b, inst, "ElementName", p->name);
	set_str(&b, inst, "PoolID", p->name);
	set_bool(&b, inst, "Primordial", false);
	set_num(&b, inst, "TotalManagedSpace", CIM_TYPE_UINT64, total);
	set_num(&b, inst, "RemainingManagedSpace", CIM_TYPE_UINT64, remaining);
	set_u16_array(&b, inst, "OperationalStatus", status_ok, 1);
	cim_path_free(&path);
	if (!b.ok) {
		cim_instance_free(inst);
		w->ret = -ENOMEM;
	} else if (!list_add(w->out, inst)) {
		w->ret = -ENOMEM;
	}
}

static int enum_pools(struct daemon *d, struct model_list *out)
{
	struct pool_walk w = { .d = d, .out = out };
	struct store_pool p;
	char err[256];

	/* the default pool is there before anyone asks for it */
	pools_default(d, &p, err, sizeof(err));
	store_pool_list(d->store, pool_instance, &w);
	return w.ret;
}

struct sync_walk {
	struct daemon *d;
	struct lio *lio;
	struct model_list *out;
	int ret;
};

static uint16_t sync_state_of(const struct kernel_sync *s)
{
	switch (s->copy_state) {
	case CIMREPL_COPY_STATE_SYNCHRONIZED:
		return CIMREPL_SYNC_STATE_SYNCHRONIZED;
	case CIMREPL_COPY_STATE_UNSYNCHRONIZED:
		return s->progress_status == CIMREPL_PROGRESS_RESYNCING ?
		       CIMREPL_SYNC_STATE_RESYNC_IN_PROGRESS :
		       CIMREPL_SYNC_STATE_COPY_IN_PROGRESS;
	case CIMREPL_COPY_STATE_BROKEN:
		return CIMREPL_SYNC_STATE_BROKEN;
	case CIMREPL_COPY_STATE_FRACTURED:
		return CIMREPL_SYNC_STATE_FRACTURED;
	default:
		return CIMREPL_SYNC_STATE_IDLE;
	}
}

/* A mirror copies synchronously or asynchronously; the rest do not sync. */
static uint16_t copy_type_of(const struct kernel_sync *s)
{
	if (s->sync_type != CIMREPL_SYNC_TYPE_MIRROR)
		return CIMREPL_COPY_TYPE_UNSYNC_ASSOC;
	return s->mode == CIMREPL_MODE_ASYNCHRONOUS ? CIMREPL_COPY_TYPE_ASYNC :
	       CIMREPL_COPY_TYPE_SYNC;
}

static void sync_instance(const struct kernel_sync *s, void *arg)
{
	struct sync_walk *w = arg;
	struct builder b = { .d = w->d, .ok = true };
	struct volume_entry source, target;
	struct cim_path path = { 0 }, sp = { 0 }, tp = { 0 };
	struct cim_instance *inst;
	uint64_t percent;

	/* only synchronizations whose both ends are storage volumes */
	if (catalog_find_kernel(w->d, w->lio, s->source, &source) ||
	    catalog_find_kernel(w->d, w->lio, s->target, &target))
		return;
	inst = cim_instance_new(CLASS_SYNC);
	if (!inst || model_sync_path(w->d, source.bs.name, target.bs.name, &path) ||
	    model_volume_path(w->d, source.bs.name, &sp) ||
	    model_volume_path(w->d, target.bs.name, &tp)) {
		cim_instance_free(inst);
		cim_path_free(&path);
		cim_path_free(&sp);
		w->ret = -ENOMEM;
		return;
	}
	percent = s->copy_state == CIMREPL_COPY_STATE_SYNCHRONIZED ? 100 :
		  s->chunks_total ? s->chunks_done * 100 / s->chunks_total : 0;
	set_path(&b, inst, &path);
	set_ref(&b, inst, "SystemElement", &sp);
	set_ref(&b, inst, "SyncedElement", &tp);
	set_num(&b, inst, "SyncType", CIM_TYPE_UINT16, s->sync_type);
	set_num(&b, inst, "Mode", CIM_TYPE_UINT16, s->mode);
	set_num(&b, inst, "CopyState", CIM_TYPE_UINT16, s->copy_state);
	set_num(&b, inst, "ProgressStatus", CIM_TYPE_UINT16, s->progress_status);
	set_num(&b, inst, "RequestedCopyState", CIM_TYPE_UINT16,
		CIMREPL_COPY_STATE_NOT_APPLICABLE);
	set_num(&b, inst, "PercentSynced", CIM_TYPE_UINT16, percent);
	set_num(&b, inst, "CopyType", CIM_TYPE_UINT16, copy_type_of(s));
	set_num(&b, inst, "SyncState", CIM_TYPE_UINT16, sync_state_of(s));
	set_num(&b, inst, "CopyMethodology", CIM_TYPE_UINT16,
		s->sync_type == CIMREPL_SYNC_TYPE_SNAPSHOT ?
		CIMREPL_COPY_METHOD_COPY_ON_WRITE :
		CIMREPL_COPY_METHOD_FULL_COPY);
	set_bool(&b, inst, "SyncMaintained",
		 s->sync_type == CIMREPL_SYNC_TYPE_MIRROR);
	set_time(&b, inst, "WhenEstablished", (int64_t)s->when_established);
	if (kernel_sync_has(s, CIMREPL_A_SYNC_WHEN_SYNCHRONIZED)) {
		set_time(&b, inst, "WhenSynchronized",
			 (int64_t)s->when_synchronized);
		set_time(&b, inst, "WhenSynced", (int64_t)s->when_synchronized);
	}
	cim_path_free(&path);
	cim_path_free(&sp);
	cim_path_free(&tp);
	if (!b.ok) {
		cim_instance_free(inst);
		w->ret = -ENOMEM;
	} else if (!list_add(w->out, inst)) {
		w->ret = -ENOMEM;
	}
}

static int enum_syncs(struct daemon *d, struct lio *lio,
		      struct model_list *out)
{
	struct sync_walk w = { .d = d, .lio = lio, .out = out };

	kernel_sync_list(d->kernel, sync_instance, &w);
	return w.ret;
}

struct job_walk {
	struct daemon *d;
	struct model_list *out;
	int ret;
};

static const char *job_status_text(uint16_t state)
{
	switch (state) {
	case CIMREPL_JOB_RUNNING:
		return "Running";
	case CIMREPL_JOB_COMPLETED:
		return "Completed";
	case CIMREPL_JOB_EXCEPTION:
		return "Failed";
	default:
		return "Other";
	}
}

static void job_instance(const struct store_job *listed, void *arg)
{
	static const uint16_t running[] = { CIMREPL_OPSTATUS_OK };
	static const uint16_t done[] = { CIMREPL_OPSTATUS_OK,
					 CIMREPL_OPSTATUS_COMPLETED };
	static const uint16_t failed[] = { CIMREPL_OPSTATUS_ERROR,
					   CIMREPL_OPSTATUS_COMPLETED };
	struct job_walk *w = arg;
	struct builder b = { .d = w->d, .ok = true };
	struct cim_instance *inst = cim_instance_new(CLASS_JOB);
	struct cim_path path = { 0 };
	struct store_job job = *listed;
	char id[64], name[96];
	int64_t changed;

	if (!inst || model_job_path(w->d, job.id, &path)) {
		cim_instance_free(inst);
		w->ret = -ENOMEM;
		return;
	}
	snprintf(id, sizeof(id), MODEL_JOB_PREFIX "%" PRId64, job.id);
	snprintf(name, sizeof(name), "%s job %" PRId64, job.method, job.id);
	changed = job.finished_ns ? job.finished_ns : job.created_ns;
	set_path(&b, inst, &path);
	set_str(&b, inst, "InstanceID", id);
	set_str(&b, inst, "Name", name);
	set_str(&b, inst, "ElementName", name);
	set_str(&b, inst, "MethodName", job.method);
	set_num(&b, inst, "JobState", CIM_TYPE_UINT16, job.state);
	set_str(&b, inst, "JobStatus", job_status_text(job.state));
	set_num(&b, inst, "PercentComplete", CIM_TYPE_UINT16, job.percent);
	set_num(&b, inst, "ErrorCode", CIM_TYPE_UINT16, job.error_code);
	if (job.error_description[0])
		set_str(&b, inst, "ErrorDescription", job.error_description);
	if (job.state == CIMREPL_JOB_COMPLETED)
		set_u16_array(&b, inst, "OperationalStatus", done, 2);
	else if (job.state == CIMREPL_JOB_EXCEPTION)
		set_u16_array(&b, inst, "OperationalStatus", failed, 2);
	else
		set_u16_array(&b, inst, "OperationalStatus", running, 1);
	set_time(&b, inst, "TimeSubmitted", job.created_ns);
	set_time(&b, inst, "StartTime", job.created_ns);
	set_time(&b, inst, "TimeOfLastStateChange", changed);
	set_bool(&b, inst, "DeleteOnCompletion", false);
	cim_path_free(&path);
	if (!b.ok) {
		cim_instance_free(inst);
		w->ret = -ENOMEM;
	} else if (!list_add(w->out, inst)) {
		w->ret = -ENOMEM;
	}
}

struct cim_instance *model_job_instance(struct daemon *d,
					const struct store_job *job)
{
	struct model_list list = { 0 };
	struct job_walk w = { .d = d, .out = &list };
	struct cim_instance *inst = NULL;

	job_instance(job, &w);
	if (!w.ret && list.n == 1) {
		inst = list.items[0];
		list.items[0] = NULL;
	}
	model_list_free(&list);
	return inst;
}

struct job_ids {
	int64_t *ids;
	size_t n;
};

static void collect_job(const struct store_job *job, void *arg)
{
	struct job_ids *j = arg;
	int64_t *grown = realloc(j->ids, (j->n + 1) * sizeof(*grown));

	if (!grown)
		return;
	j->ids = grown;
	j->ids[j->n++] = job->id;
}

static int enum_jobs(struct daemon *d, struct model_list *out)
{
	struct job_walk w = { .d = d, .out = out };
	struct job_ids ids = { 0 };
	struct store_job job;
	size_t i;

	/* each job as the kernel's synchronizations have it now */
	store_job_list(d->store, collect_job, &ids);
	for (i = 0; i < ids.n && !w.ret; i++)
		if (replicate_job_refresh(d, ids.ids[i], &job) >= 0)
			job_instance(&job, &w);
	free(ids.ids);
	return w.ret;
}

int model_enumerate(struct daemon *d, struct lio *lio,
		    const struct cim_class *cls, struct model_list *out)
{
	const char *name = cls->name;

	out->items = NULL;
	out->n = 0;
	if (!strcmp(name, CLASS_SERVICE))
		return enum_service(d, out);
	if (!strcmp(name, CLASS_CAPABILITIES))
		return enum_capabilities(d, out);
	if (!strcmp(name, CLASS_VOLUME))
		return enum_volumes(d, lio, out);
	if (!strcmp(name, CLASS_POOL))
		return enum_pools(d, out);
	if (!strcmp(name, CLASS_SYNC))
		return enum_syncs(d, lio, out);
	if (!strcmp(name, CLASS_JOB))
		return enum_jobs(d, out);
	/* the discovery classes; CIM_ReplicationSettingData has none */
	return assoc_enumerate(d, lio, cls, out);
}

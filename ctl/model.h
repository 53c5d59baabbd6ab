/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CIM instances cimrepld serves, built from live state each time: the
 * kernel (volumes, synchronizations), LIO (backstores) and the store
 * (replicas' names, pools, jobs). Caller holds d->lock.
 */
#ifndef CIMREPL_MODEL_H
#define CIMREPL_MODEL_H

#include <stddef.h>

#include "cim.h"
#include "classes.h"
#include "daemon.h"
#include "lio.h"

#define MODEL_SERVICE_NAME	"cimrepl"
#define MODEL_CAPABILITIES_ID	"cimrepl:ReplicationServiceCapabilities"
#define MODEL_POOL_PREFIX	"cimrepl:pool:"
#define MODEL_JOB_PREFIX	"cimrepl:job:"

/* A list of instances, grown by the model, freed by model_list_free(). */
struct model_list {
	struct cim_instance **items;
	size_t n;
};

void model_list_free(struct model_list *list);

/*
 * Every instance of @cls (with its path set), in a stable order. Returns 0
 * or -errno (-ENOMEM; a failing kernel or LIO gives fewer instances, never
 * an error, so that one broken part does not hide the rest).
 */
int model_enumerate(struct daemon *d, struct lio *lio,
		    const struct cim_class *cls, struct model_list *out);

/* Paths of the objects CreateListReplica returns. */
int model_volume_path(struct daemon *d, const char *device_id,
		      struct cim_path *path);
int model_sync_path(struct daemon *d, const char *source_id,
		    const char *target_id, struct cim_path *path);
int model_job_path(struct daemon *d, int64_t id, struct cim_path *path);

/* The CIM_ConcreteJob of @job as it stands (no refresh); NULL: no memory. */
struct cim_instance *model_job_instance(struct daemon *d,
					const struct store_job *job);

/* Do two instance paths name the same instance (keys compared as CIM does)? */
bool model_path_equal(const struct cim_path *a, const struct cim_path *b);

/* The system this daemon serves, as a path's keys must name it. */
bool model_is_our_system(struct daemon *d, const struct cim_path *path);

#endif /* CIMREPL_MODEL_H */

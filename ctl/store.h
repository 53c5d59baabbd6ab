/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cimrepld's persistent state, in SQLite (STATE_DIR/cimrepld.db): what the
 * kernel and LIO do not know. The kernel is the truth for live state (a
 * synchronization's CopyState, progress); this store keeps the CIM
 * identities of the replicas the daemon made (their LIO backstores,
 * ElementNames, where their targets came from), the jobs, and the pools.
 *
 * Every function returns 0 or a negative errno (-ENOENT: no such row,
 * -EIO: SQLite failed; store_error() has its message).
 */
#ifndef CIMREPL_STORE_H
#define CIMREPL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_NAME_MAX	64
#define STORE_TEXT_MAX	512
#define STORE_PATH_MAX	4096

struct store;

/* Open (creating or upgrading) the database under @dir. */
struct store *store_open(const char *dir, char *err, size_t err_len);
void store_close(struct store *st);
const char *store_error(const struct store *st);

/* A transaction around several changes: all land or none. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* A replica the daemon made and the synchronization that made it. */
struct store_replica {
	char target[STORE_NAME_MAX];	/* kernel replica, /dev/cimrepl/NAME */
	char source[STORE_NAME_MAX];	/* kernel source volume */
	char target_backstore[STORE_NAME_MAX];	/* LIO backstore on it */
	char source_backstore[STORE_NAME_MAX];
	char element_name[STORE_TEXT_MAX];	/* CIM ElementName */
	uint16_t sync_type;		/* CIMREPL_SYNC_TYPE_* */
	uint16_t mode;			/* CIMREPL_MODE_* */
	char pool[STORE_NAME_MAX];	/* daemon pool it came from */
	char target_file[STORE_PATH_MAX];	/* target file made for it, or "" */
	int64_t created_ns;
	int64_t job_id;			/* the job that made it, 0 if none */
};

int store_replica_put(struct store *st, const struct store_replica *r);
int store_replica_get(struct store *st, const char *target,
		      struct store_replica *r);
int store_replica_delete(struct store *st, const char *target);
typedef void (*store_replica_fn)(const struct store_replica *r, void *arg);
int store_replica_list(struct store *st, store_replica_fn fn, void *arg);

/*
 * Replicas whose synchronization was detached (Detach, 8) while their
 * target came from a daemon pool: the target lives on as a plain volume,
 * and its file or extent goes back to the pool when the kernel announces
 * that volume deleted. Rows as in replicas.
 */
int store_detached_put(struct store *st, const struct store_replica *r);
int store_detached_get(struct store *st, const char *target,
		       struct store_replica *r);
int store_detached_delete(struct store *st, const char *target);

/* A CIM_ConcreteJob. */
struct store_job {
	int64_t id;			/* assigned by store_job_create() */
	char method[STORE_NAME_MAX];	/* the method that started it */
	uint16_t state;			/* CIMREPL_JOB_STATE_* */
	uint16_t percent;		/* PercentComplete */
	int32_t wait_state;		/* CopyState that completes it, -1: none */
	uint32_t error_code;		/* the method's return code on failure */
	char error_description[STORE_TEXT_MAX];
	int64_t created_ns;
	int64_t finished_ns;		/* 0 while it runs */
};

/* Create @job with the replicas it waits for; sets @job->id. */
int store_job_create(struct store *st, struct store_job *job,
		     const char *const *targets, size_t n_targets);
int store_job_update(struct store *st, const struct store_job *job);
int store_job_get(struct store *st, int64_t id, struct store_job *job);
int store_job_delete(struct store *st, int64_t id);
typedef void (*store_job_fn)(const struct store_job *job, void *arg);
int store_job_list(struct store *st, store_job_fn fn, void *arg);
/* The replicas of job @id, in the order given at creation. */
typedef void (*store_target_fn)(const char *target, void *arg);
int store_job_targets(struct store *st, int64_t id, store_target_fn fn,
		      void *arg);

/* A pool of the daemon: where targets and snapshot stores come from. */
struct store_pool {
	char name[STORE_NAME_MAX];	/* CIM ElementName and kernel pool */
	char kind[16];			/* "file" or "block" */
	char path[STORE_PATH_MAX];	/* the pool's file or directory, or device */
	uint64_t size;			/* bytes */
	bool is_default;
};

int store_pool_put(struct store *st, const struct store_pool *p);
int store_pool_get(struct store *st, const char *name, struct store_pool *p);
int store_pool_delete(struct store *st, const char *name);
typedef void (*store_pool_fn)(const struct store_pool *p, void *arg);
int store_pool_list(struct store *st, store_pool_fn fn, void *arg);

/*
 * An extent of a block pool's device: its kernel store or a replica's
 * target. Reserved (not committed) while the CreateListReplica that takes
 * it runs; committed in the transaction that records the replica.
 */
struct store_extent {
	char pool[STORE_NAME_MAX];
	uint64_t start;			/* bytes from the device's start */
	uint64_t length;		/* bytes */
	char owner[STORE_NAME_MAX];	/* kernel replica, or "@store" */
	char dm_name[128];		/* its device-mapper device */
	bool committed;
};

int store_extent_put(struct store *st, const struct store_extent *e);
int store_extent_delete(struct store *st, const char *pool, uint64_t start);
/* The extents of @pool, by start. */
typedef void (*store_extent_fn)(const struct store_extent *e, void *arg);
int store_extent_list(struct store *st, const char *pool, store_extent_fn fn,
		      void *arg);

/*
 * The objects of indication subscriptions (CIM_IndicationFilter,
 * CIM_ListenerDestinationCIMXML, CIM_IndicationSubscription): @kind is
 * the class, @name the object's key in words, @namespace where it was
 * created, @instance the instance as CIM-XML (what CreateInstance was
 * given, completed). put fails with -EEXIST for a name already there.
 */
int store_indication_put(struct store *st, const char *kind, const char *name,
			 const char *namespace, const char *instance,
			 int64_t created_ns);
int store_indication_delete(struct store *st, const char *kind,
			    const char *name);
typedef void (*store_indication_fn)(const char *name, const char *namespace,
				    const char *instance, int64_t created_ns,
				    void *arg);
int store_indication_list(struct store *st, const char *kind,
			  store_indication_fn fn, void *arg);

#endif /* CIMREPL_STORE_H */

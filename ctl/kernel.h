/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace side of the "cimrepl" generic netlink family: one socket,
 * typed requests, the kernel's extended ACK message on every error.
 */
#ifndef CIMREPL_KERNEL_H
#define CIMREPL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KERNEL_MAX_VALUES	32
#define KERNEL_MAX_ENGINES	8

struct kernel;

/*
 * One engine of the module as CIMREPL_A_CAPS says it: its SyncType and the
 * Modes and operations that follow that SyncType in the nest (the module
 * puts each engine's CIMREPL_A_CAPS_MODE and _OPERATION attributes after
 * its CIMREPL_A_CAPS_SYNC_TYPE).
 */
struct kernel_engine_caps {
	uint16_t sync_type;
	unsigned int n_modes, n_operations;
	uint16_t modes[KERNEL_MAX_VALUES];
	uint16_t operations[KERNEL_MAX_VALUES];
};

struct kernel_info {
	uint32_t api_version;
	char module_version[64];
	unsigned int n_sync_types, n_modes, n_operations;
	uint16_t sync_types[KERNEL_MAX_VALUES];
	uint16_t modes[KERNEL_MAX_VALUES];
	uint16_t operations[KERNEL_MAX_VALUES];
	uint32_t max_elements;
	uint32_t max_volumes;
	uint32_t name_max;
	uint32_t chunk_size_min, chunk_size_max, chunk_size_default;
	unsigned int n_engines;
	struct kernel_engine_caps engines[KERNEL_MAX_ENGINES];
};

/*
 * Connect to the family. On failure returns NULL and writes one line saying
 * why into @err (e.g. the module is not loaded).
 */
struct kernel *kernel_open(char *err, size_t err_len);
void kernel_close(struct kernel *k);

/* Why the last request failed: the kernel's message, or strerror(). */
const char *kernel_error(const struct kernel *k);

/* CIMREPL_CMD_GET_INFO. Returns 0 or a negative errno. */
int kernel_get_info(struct kernel *k, struct kernel_info *info);

struct kernel_volume {
	char name[32];
	char backing_path[4096];
	uint64_t size;			/* bytes */
	uint32_t major, minor;		/* of /dev/cimrepl/NAME */
	uint32_t backing_major, backing_minor;
	uint32_t open_count;
	uint64_t flushes;		/* flushes received (SYNCHRONIZE CACHE) */
	uint64_t fua_writes;
	uint32_t replicas;
	uint16_t role;			/* CIMREPL_ROLE_* */
	char pool[32];			/* where its replicas' points in time
					 * live, "" if it has none */
};

/* CIMREPL_CMD_VOLUME_CREATE / _DELETE. Return 0 or a negative errno. */
int kernel_volume_create(struct kernel *k, const char *name,
			 const char *backing_path);
int kernel_volume_delete(struct kernel *k, const char *name);

/* CIMREPL_CMD_VOLUME_GET for one volume. */
int kernel_volume_get(struct kernel *k, const char *name,
		      struct kernel_volume *vol);

/* CIMREPL_CMD_VOLUME_GET dump: @fn is called once per volume. */
typedef void (*kernel_volume_fn)(const struct kernel_volume *vol, void *arg);
int kernel_volume_list(struct kernel *k, kernel_volume_fn fn, void *arg);

struct kernel_pool {
	char name[32];
	char path[4096];
	uint64_t size;			/* bytes */
	uint64_t free;			/* bytes */
	uint32_t chunk_size;		/* bytes */
	uint32_t snapshots;
};

/*
 * CIMREPL_CMD_POOL_CREATE: @chunk_size 0 means the module's default. With
 * @format, lay out a new, empty pool on @path; without, load the pool there.
 */
int kernel_pool_create(struct kernel *k, const char *name, const char *path,
		       uint32_t chunk_size, bool format);
int kernel_pool_delete(struct kernel *k, const char *name);
int kernel_pool_get(struct kernel *k, const char *name,
		    struct kernel_pool *pool);

typedef void (*kernel_pool_fn)(const struct kernel_pool *pool, void *arg);
int kernel_pool_list(struct kernel *k, kernel_pool_fn fn, void *arg);

/*
 * One synchronization, as CIMREPL_CMD_SYNC_GET reports it. The kernel sends
 * only the attributes that apply: kernel_sync_has() says which it sent.
 */
struct kernel_sync {
	uint32_t present;		/* bit CIMREPL_A_SYNC_x: x was sent */
	char source[32];
	char target[32];
	uint16_t sync_type;		/* CIMREPL_SYNC_TYPE_* */
	uint16_t mode;			/* CIMREPL_MODE_* */
	uint16_t copy_state;		/* CIMREPL_COPY_STATE_* */
	uint16_t progress_status;	/* CIMREPL_PROGRESS_* */
	uint32_t chunk_size;		/* bytes */
	uint64_t chunks_done, chunks_total, bytes_done;
	uint64_t when_established;	/* ns since the epoch */
	uint64_t when_synchronized;
	uint64_t when_suspended;
	uint32_t throttle;		/* KiB/s */
	uint32_t max_lag_ms, lag_ms;
	uint64_t backlog;		/* bytes */
	uint32_t error;			/* errno */
	uint64_t dirty;			/* mirrors: regions to copy */
};

static inline bool kernel_sync_has(const struct kernel_sync *s,
				   unsigned int attr)
{
	return s->present & (1u << attr);
}

typedef void (*kernel_sync_fn)(const struct kernel_sync *sync, void *arg);

/* One element of a CIMREPL_CMD_REPLICA_CREATE_LIST; NULL: not sent. */
struct kernel_replica_element {
	const char *source;		/* volume name, required */
	const char *target_name;	/* new replica's name, required */
	const char *target_path;	/* existing device to use */
	const char *pool;		/* pool to allocate from */
};

/*
 * CIMREPL_CMD_REPLICA_CREATE_LIST: replicas of @n elements at one point in
 * time, all or none. @mode < 0: not sent. @throttle (KiB/s for the
 * background copy of clones and mirrors, 0 = unthrottled) < 0: not sent,
 * the module-wide value applies. @fn is called for each synchronization the
 * kernel created, in list order. On failure, kernel_error_element() says
 * which element the kernel blamed.
 */
int kernel_replica_create_list(struct kernel *k, uint16_t sync_type, int mode,
			       int64_t throttle,
			       const struct kernel_replica_element *elements,
			       unsigned int n, kernel_sync_fn fn, void *arg);

/* CIMREPL_CMD_REPLICA_DELETE: remove one replica and its synchronization. */
int kernel_replica_delete(struct kernel *k, const char *target);

/* CIMREPL_CMD_SYNC_GET: the synchronization of replica @target. */
int kernel_sync_get(struct kernel *k, const char *target,
		    struct kernel_sync *sync);

/* CIMREPL_CMD_SYNC_GET dump: @fn is called once per synchronization. */
int kernel_sync_list(struct kernel *k, kernel_sync_fn fn, void *arg);

/*
 * CIMREPL_CMD_SYNC_MODIFY_LIST: apply @operation (CIMREPL_OP_*) to the
 * synchronizations of the replicas @targets, all or none.
 */
int kernel_sync_modify_list(struct kernel *k, uint16_t operation,
			    const char *const *targets, unsigned int n,
			    bool force);

/*
 * CIMREPL_CMD_SYNC_SET: with @target, change that synchronization's
 * tunables: @throttle (KiB/s, 0 = unthrottled) and @max_lag_ms, each sent
 * only when >= 0. With @target NULL, set the module-wide throttle, which
 * applies to every synchronization without a throttle of its own.
 */
int kernel_sync_set(struct kernel *k, const char *target, int64_t throttle,
		    int64_t max_lag_ms);

/*
 * After a failed list request (create or modify): the index of the element
 * the kernel's extended ACK pointed at, or -1 when it named none.
 */
int kernel_error_element(const struct kernel *k);

/* Join the "events" multicast group; then kernel_fd() becomes readable on
 * each event and kernel_read_events() hands them to @handler.
 */
int kernel_subscribe_events(struct kernel *k);
int kernel_fd(const struct kernel *k);

struct kernel_event {
	uint16_t event;		/* CIMREPL_EVENT_* */
	uint8_t cmd;
	char source[32];	/* synchronization source, if any */
	char target[32];	/* synchronization target or volume name */
	int copy_state;		/* -1 when not reported */
};

typedef void (*kernel_event_handler)(const struct kernel_event *ev, void *arg);
int kernel_read_events(struct kernel *k, kernel_event_handler handler,
		       void *arg);

#endif /* CIMREPL_KERNEL_H */

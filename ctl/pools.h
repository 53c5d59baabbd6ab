/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's pools (CIM_StoragePool, the TargetPool of CreateListReplica).
 * A file pool is a directory under STATE_DIR/pools/NAME holding
 *   store.img        sparse file on a loop device: the kernel pool of the
 *                    same name (snapshot data, clones' points in time)
 *   targets/R.img    sparse file on a loop device: the target of clone R
 * Loop devices are attached with autoclear: they go when the kernel lets go
 * of them. A file of a deleted replica is removed.
 *
 * A block pool (blockpool.h) is a whole block device given to the daemon,
 * carved with device-mapper linear mappings: its kernel store at the start,
 * clone targets in extents after it.
 *
 * pools.c dispatches on the pool's kind (store_pool.kind) to the kind's
 * struct pool_kind; the functions below are the pools' whole interface.
 */
#ifndef CIMREPL_POOLS_H
#define CIMREPL_POOLS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon.h"

/*
 * A new target: a loop device over a file, held open until the kernel has
 * it (file pools), or a device-mapper device over an extent (block pools).
 */
struct pool_loop {
	char file[STORE_PATH_MAX];	/* what the replica records */
	char dev[STORE_PATH_MAX];	/* /dev/loopN, /dev/mapper/NAME */
	int fd;			/* -1 once released */
	bool has_extent;
	struct store_extent extent;	/* a block pool's, reserved */
};

/* What a kind of pool does; see the functions of the same names below. */
struct pool_kind {
	const char *name;	/* store_pool.kind */
	int (*bring_up)(struct daemon *d, const struct store_pool *p,
			char *err, size_t err_len);
	int (*new_target)(struct daemon *d, const struct store_pool *p,
			  const char *replica, uint64_t size,
			  struct pool_loop *loop, char *err, size_t err_len);
	void (*discard)(struct daemon *d, struct pool_loop *loop);
	int (*commit)(struct daemon *d, const struct pool_loop *loop);
	void (*free_target)(struct daemon *d, const struct store_replica *r);
	int (*space)(struct daemon *d, const struct store_pool *p,
		     uint64_t *total, uint64_t *remaining);
};

/*
 * Make sure pool @p exists and its kernel pool is loaded: create the
 * directory and store image (formatting it) the first time, attach and
 * load it after a reboot. 0 or -errno with @err set.
 */
int pools_bring_up(struct daemon *d, const struct store_pool *p, char *err,
		   size_t err_len);

/* The default pool's record, creating it (in the store too) if needed. */
int pools_default(struct daemon *d, struct store_pool *p, char *err,
		  size_t err_len);

/*
 * A new target of @size bytes for replica @replica from pool @p: a sparse
 * file on a loop device. Release the loop with pools_loop_release() once
 * the kernel has opened it, or pools_loop_discard() to undo.
 */
int pools_new_target(struct daemon *d, const struct store_pool *p,
		     const char *replica, uint64_t size, struct pool_loop *loop,
		     char *err, size_t err_len);
void pools_loop_release(struct pool_loop *loop);
/* Undo pools_new_target() (the kernel has not kept the target). */
void pools_loop_discard(struct daemon *d, struct pool_loop *loop);

/*
 * The target is the replica's for good: called inside the store
 * transaction that records the replica (a block pool commits its extent).
 */
int pools_target_commit(struct daemon *d, const struct pool_loop *loop);

/* Give back the target made for replica @r (the kernel let go of it). */
void pools_free_target(struct daemon *d, const struct store_replica *r);

/* Capacity and free space of pool @p, in bytes. */
int pools_space(struct daemon *d, const struct store_pool *p,
		uint64_t *total, uint64_t *remaining);

#endif /* CIMREPL_POOLS_H */

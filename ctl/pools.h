/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's pools (CIM_StoragePool, the TargetPool of CreateListReplica).
 * A file pool is a directory under STATE_DIR/pools/NAME holding
 *   store.img        sparse file on a loop device: the kernel pool of the
 *                    same name (snapshot data, clones' points in time)
 *   targets/R.img    sparse file on a loop device: the target of clone R
 * Loop devices are attached with autoclear: they go when the kernel lets go
 * of them. A file of a deleted replica is removed.
 */
#ifndef CIMREPL_POOLS_H
#define CIMREPL_POOLS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon.h"

/* A loop device over a file, held open until the kernel has it. */
struct pool_loop {
	char file[STORE_PATH_MAX];
	char dev[64];		/* /dev/loopN */
	int fd;			/* -1 once released */
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
void pools_loop_discard(struct pool_loop *loop);

/* Give back a target file made by pools_new_target() (its loop is gone). */
void pools_free_target(const char *file);

/* Capacity and free space of pool @p, in bytes. */
int pools_space(struct daemon *d, const struct store_pool *p,
		uint64_t *total, uint64_t *remaining);

#endif /* CIMREPL_POOLS_H */

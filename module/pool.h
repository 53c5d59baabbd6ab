/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pools: block devices from which the module takes chunks for snapshot data.
 */
#ifndef CIMREPL_POOL_H
#define CIMREPL_POOL_H

#include <linux/list.h>
#include <linux/netlink.h>

#include "compat.h"
#include "metadata.h"

/**
 * struct cimrepl_pool - a pool device and its metadata
 * @node: entry in cimrepl_pools; protected by cimrepl_config_lock
 * @name: the pool's name
 * @path: the path the device was opened by, for reports
 * @backing: the pool device, held exclusively
 * @meta: its metadata; @meta.lock also protects @used and @free_chunks
 * @used: allocation bitmap of the data chunks
 * @free_chunks: clear bits in @used
 * @users: origins whose snapshots live in this pool, and mirrors whose
 *	record and log do; protected by
 *	cimrepl_config_lock
 *
 * Each pool holds a module reference for as long as it exists; it cannot
 * be removed while @users is non-zero.
 */
struct cimrepl_pool {
	struct list_head node;
	char name[CIMREPL_NAME_MAX];
	char *path;
	struct cimrepl_backing backing;
	struct cimrepl_meta meta;
	unsigned long *used;
	u64 free_chunks;
	unsigned int users;
};

extern struct list_head cimrepl_pools;

/* Caller holds cimrepl_config_lock. */
struct cimrepl_pool *cimrepl_pool_find(const char *name);

int cimrepl_pool_create(const char *name, const char *path, u32 chunk_size,
			bool format, const struct nlattr *attr,
			struct netlink_ext_ack *extack);
int cimrepl_pool_delete(const char *name, const struct nlattr *attr,
			struct netlink_ext_ack *extack);

/* Take a free data chunk (-ENOSPC when full). Caller holds meta.lock. */
int cimrepl_pool_alloc_chunk(struct cimrepl_pool *pool, u64 *chunk);
/* Return a chunk and clear its record in memory. Caller holds meta.lock. */
void cimrepl_pool_free_chunk(struct cimrepl_pool *pool, u64 chunk);

static inline u64 cimrepl_pool_bytes(struct cimrepl_pool *pool)
{
	return (cimrepl_meta_nr_chunks(&pool->meta) *
		cimrepl_meta_chunk_sectors(&pool->meta)) << SECTOR_SHIFT;
}

#endif /* CIMREPL_POOL_H */

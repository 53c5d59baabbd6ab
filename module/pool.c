// SPDX-License-Identifier: GPL-2.0
/*
 * Pools: a block device formatted with cimrepl metadata, from which the
 * snapshot engine takes data chunks. Creating a pool either formats the
 * device or loads the pool already on it, and then re-assembles the
 * snapshots it holds (snapshot.c).
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "mirror.h"
#include "pool.h"
#include "snapshot.h"
#include "volume.h"

/* Every pool; protected by cimrepl_config_lock. */
LIST_HEAD(cimrepl_pools);

struct cimrepl_pool *cimrepl_pool_find(const char *name)
{
	struct cimrepl_pool *pool;

	lockdep_assert_held(&cimrepl_config_lock);
	list_for_each_entry(pool, &cimrepl_pools, node)
		if (!strcmp(pool->name, name))
			return pool;
	return NULL;
}

int cimrepl_pool_alloc_chunk(struct cimrepl_pool *pool, u64 *chunk)
{
	u64 nr = cimrepl_meta_nr_chunks(&pool->meta);
	unsigned long bit;

	lockdep_assert_held(&pool->meta.lock);
	bit = find_first_zero_bit(pool->used, nr);
	if (bit >= nr)
		return -ENOSPC;
	__set_bit(bit, pool->used);
	pool->free_chunks--;
	*chunk = bit;
	return 0;
}

void cimrepl_pool_free_chunk(struct cimrepl_pool *pool, u64 chunk)
{
	lockdep_assert_held(&pool->meta.lock);
	if (WARN_ON_ONCE(!test_bit(chunk, pool->used)))
		return;
	__clear_bit(chunk, pool->used);
	pool->free_chunks++;
	memset(&pool->meta.chunks[chunk], 0, sizeof(pool->meta.chunks[chunk]));
}

static void cimrepl_pool_free(struct cimrepl_pool *pool)
{
	bitmap_free(pool->used);
	cimrepl_meta_free(&pool->meta);
	if (pool->backing.bdev)
		cimrepl_backing_close(&pool->backing);
	kfree(pool->path);
	kfree(pool);
}

static int cimrepl_pool_open(struct cimrepl_pool *pool, const char *path,
			     const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	int ret = cimrepl_backing_open(&pool->backing, path, pool);

	switch (ret) {
	case 0:
		break;
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(extack, attr, "pool device not found");
		return ret;
	case -ENOTBLK:
		NL_SET_ERR_MSG_ATTR(extack, attr, "pool path is not a block device");
		return ret;
	case -EBUSY:
		NL_SET_ERR_MSG_ATTR(extack, attr, "pool device is in use");
		return ret;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr, "cannot open the pool device");
		return ret;
	}
	if (cimrepl_is_own_bdev(pool->backing.bdev)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "pool device is a cimrepl device");
		return -EINVAL;
	}
	return 0;
}

int cimrepl_pool_create(const char *name, const char *path, u32 chunk_size,
			bool format, const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	struct cimrepl_pool *pool;
	u64 chunk, nr;
	int ret;

	mutex_lock(&cimrepl_config_lock);
	if (cimrepl_pool_find(name)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "a pool with this name exists");
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = -ENOMEM;
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		goto out_unlock;
	strscpy(pool->name, name, sizeof(pool->name));
	pool->path = kstrdup(path, GFP_KERNEL);
	if (!pool->path)
		goto out_free;
	ret = cimrepl_pool_open(pool, path, attr, extack);
	if (ret)
		goto out_free;

	if (format) {
		ret = cimrepl_meta_format(&pool->meta, pool->backing.bdev,
					  chunk_size >> SECTOR_SHIFT);
		if (ret == -ENOSPC)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "pool device too small for one chunk and its metadata");
		else if (ret)
			NL_SET_ERR_MSG_ATTR(extack, attr, "cannot format the pool device");
	} else {
		ret = cimrepl_meta_load(&pool->meta, pool->backing.bdev);
		if (ret == -EINVAL)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "no valid cimrepl pool on this device (format it)");
		else if (ret)
			NL_SET_ERR_MSG_ATTR(extack, attr, "cannot read the pool metadata");
	}
	if (ret)
		goto out_free;

	nr = cimrepl_meta_nr_chunks(&pool->meta);
	pool->used = bitmap_zalloc(nr, GFP_KERNEL);
	if (!pool->used) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (chunk = 0; chunk < nr; chunk++)
		if (pool->meta.chunks[chunk].from_seq)
			__set_bit(chunk, pool->used);
	pool->free_chunks = nr - bitmap_weight(pool->used, nr);

	list_add_tail(&pool->node, &cimrepl_pools);
	if (!format) {
		ret = cimrepl_mirror_assemble(pool, attr, extack);
		if (!ret) {
			ret = cimrepl_snapshot_assemble(pool, attr, extack);
			if (ret)
				cimrepl_mirror_disassemble(pool);
		}
		if (ret) {
			list_del(&pool->node);
			goto out_free;
		}
	}
	__module_get(THIS_MODULE);
	mutex_unlock(&cimrepl_config_lock);
	return 0;

out_free:
	cimrepl_pool_free(pool);
out_unlock:
	mutex_unlock(&cimrepl_config_lock);
	return ret;
}

int cimrepl_pool_delete(const char *name, const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	struct cimrepl_pool *pool;
	int ret = 0;

	mutex_lock(&cimrepl_config_lock);
	pool = cimrepl_pool_find(name);
	if (!pool) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such pool");
		ret = -ENOENT;
	} else if (pool->users) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the pool holds snapshots, clones or mirrors: delete them first");
		ret = -EBUSY;
	} else {
		list_del(&pool->node);
		cimrepl_pool_free(pool);
		module_put(THIS_MODULE);
	}
	mutex_unlock(&cimrepl_config_lock);
	return ret;
}

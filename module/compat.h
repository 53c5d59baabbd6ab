/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows which kernel cimrepl is built for. Supported:
 * 6.1.y and 6.11 or later (tested on Debian 12's 6.1 and 6.12). Each helper
 * below carries one API difference and detects it by the feature itself,
 * never by version number:
 *   BLK_OPEN_READ (6.5)         blk_mode_t, new open/release signatures
 *   BLK_FEAT_WRITE_CACHE (6.11) queue_limits at allocation; by then the
 *                               backing device is opened as a struct file
 * Nothing else in the module tests kernel versions.
 */
#ifndef CIMREPL_COMPAT_H
#define CIMREPL_COMPAT_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <linux/string.h>
#include <net/genetlink.h>

/*
 * An error in element @index of a list. Formatted extack messages
 * (NL_SET_ERR_MSG_ATTR_FMT) need the per-request buffer that arrived in
 * 6.2; it holds NETLINK_MAX_FMTMSG_LEN (80) bytes, so a message too long to
 * fit with its "element N: " prefix is sent whole, without the prefix. On
 * 6.1 the message is the text alone. Either way the bad-attribute offset
 * names the element. @msg must be static: it is not always copied.
 */
static inline void cimrepl_elem_err_str(struct netlink_ext_ack *extack,
					const struct nlattr *attr,
					unsigned int index, const char *msg)
{
#ifdef NL_SET_ERR_MSG_ATTR_FMT
	if (strlen(msg) + sizeof("element 64: ") <= NETLINK_MAX_FMTMSG_LEN) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr, "element %u: %s", index,
					msg);
		return;
	}
#endif
	if (extack) {
		extack->_msg = msg;
		NL_SET_BAD_ATTR(extack, attr);
	}
}

/* The same with a string literal. */
#define cimrepl_elem_err(extack, attr, index, msg) \
	cimrepl_elem_err_str(extack, attr, index, "" msg)

/*
 * Per-group permissions for multicast (GENL_MCAST_CAP_*): in 6.12 and in
 * Debian's 6.1 stable updates; older 6.1 releases let anyone listen.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define CIMREPL_MCGRP_ADMIN_FLAGS	.flags = GENL_MCAST_CAP_NET_ADMIN
#else
#define CIMREPL_MCGRP_ADMIN_FLAGS
#endif

/*
 * An exclusively opened backing block device. 6.12 hands out a struct file
 * (bdev_file_open_by_path); 6.1 the block_device itself, released with the
 * mode it was opened with.
 */
struct cimrepl_backing {
	struct block_device *bdev;
#ifdef BLK_FEAT_WRITE_CACHE
	struct file *file;
#endif
};

static inline int cimrepl_backing_open(struct cimrepl_backing *b,
				       const char *path, void *holder)
{
#ifdef BLK_FEAT_WRITE_CACHE
	/* a holder makes the open exclusive */
	b->file = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
					 holder, NULL);
	if (IS_ERR(b->file)) {
		int ret = PTR_ERR(b->file);

		b->file = NULL;
		return ret;
	}
	b->bdev = file_bdev(b->file);
#else
	struct block_device *bdev;

	bdev = blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE | FMODE_EXCL,
				  holder);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	b->bdev = bdev;
#endif
	return 0;
}

static inline void cimrepl_backing_close(struct cimrepl_backing *b)
{
#ifdef BLK_FEAT_WRITE_CACHE
	bdev_fput(b->file);
#else
	blkdev_put(b->bdev, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
#endif
	b->bdev = NULL;
}

/*
 * A bio-based gendisk stacked on @lower (and @also, if not NULL: a device
 * its I/O may go to as well): their limits, plus a volatile write
 * cache with FUA advertised (so that the block layer and LIO pass flushes and
 * FUA writes down to us), no discard and no write-zeroes (the engines would
 * have to copy before either, and the block layer emulates write-zeroes
 * with writes). 6.12 takes the limits at allocation; 6.1 sets them after.
 */
static inline struct gendisk *cimrepl_alloc_disk(struct block_device *lower,
						 struct block_device *also)
{
#ifdef BLK_FEAT_WRITE_CACHE
	struct queue_limits lim;

	blk_set_stacking_limits(&lim);
	queue_limits_stack_bdev(&lim, lower, 0, "cimrepl");
	if (also)
		queue_limits_stack_bdev(&lim, also, 0, "cimrepl");
	lim.features |= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
	lim.max_hw_discard_sectors = 0;
	lim.max_write_zeroes_sectors = 0;
	return blk_alloc_disk(&lim, NUMA_NO_NODE);
#else
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_set_stacking_limits(&q->limits);
	blk_stack_limits(&q->limits, &bdev_get_queue(lower)->limits, 0);
	if (also)
		blk_stack_limits(&q->limits, &bdev_get_queue(also)->limits, 0);
	blk_queue_write_cache(q, true, true);
	blk_queue_max_discard_sectors(q, 0);
	blk_queue_max_write_zeroes_sectors(q, 0);
	return disk;
#endif
}

/*
 * block_device_operations.open and .release changed signature in 6.5; the
 * volume code implements these two and the adapters below fit them in.
 */
int cimrepl_volume_open(struct gendisk *disk);
void cimrepl_volume_release(struct gendisk *disk);

#ifdef BLK_OPEN_READ
static inline int cimrepl_bdev_open(struct gendisk *disk, blk_mode_t mode)
{
	return cimrepl_volume_open(disk);
}

static inline void cimrepl_bdev_release(struct gendisk *disk)
{
	cimrepl_volume_release(disk);
}
#else
static inline int cimrepl_bdev_open(struct block_device *bdev, fmode_t mode)
{
	return cimrepl_volume_open(bdev->bd_disk);
}

static inline void cimrepl_bdev_release(struct gendisk *disk, fmode_t mode)
{
	cimrepl_volume_release(disk);
}
#endif

#endif /* CIMREPL_COMPAT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Managed volumes: bio-based block devices stacked on a backing device.
 *
 * A volume adds nothing to the backing device's layout: sector N of
 * /dev/cimrepl/NAME is sector N of the backing device, so an existing LIO
 * backstore's device can be turned into a volume (and back) without moving
 * data. Without replicas a bio is cloned and sent down unchanged; the clone
 * lets the volume count the I/O in flight, which is what holding and
 * draining a list of volumes at one point in time needs.
 */
#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "netlink.h"
#include "mirror.h"
#include "snapshot.h"
#include "volume.h"

/* Serializes volume creation, deletion and lookup; protects the list. */
DEFINE_MUTEX(cimrepl_config_lock);
LIST_HEAD(cimrepl_volumes);

/* Number of entries in cimrepl_volumes; protected by cimrepl_config_lock. */
static unsigned int cimrepl_volume_count;

static int cimrepl_major;
static DEFINE_IDA(cimrepl_minors);

static const struct block_device_operations cimrepl_volume_fops;

struct cimrepl_volume *cimrepl_volume_find(const char *name)
{
	struct cimrepl_volume *vol;

	lockdep_assert_held(&cimrepl_config_lock);
	list_for_each_entry(vol, &cimrepl_volumes, node)
		if (!strcmp(vol->name, name))
			return vol;
	return NULL;
}

void cimrepl_volume_flush_stats(struct cimrepl_volume *vol, u64 *flushes,
				u64 *fua_writes)
{
	spin_lock_irq(&vol->lock);
	*flushes = vol->flushes;
	*fua_writes = vol->fua_writes;
	spin_unlock_irq(&vol->lock);
}

unsigned int cimrepl_volume_open_count(struct cimrepl_volume *vol)
{
	unsigned int count;

	spin_lock_irq(&vol->lock);
	count = vol->open_count;
	spin_unlock_irq(&vol->lock);
	return count;
}

/* One fewer bio in flight on @vol; wakes a drain waiting for zero. */
static void cimrepl_volume_io_done(struct cimrepl_volume *vol)
{
	unsigned long flags;

	spin_lock_irqsave(&vol->lock, flags);
	if (!--vol->inflight)
		wake_up(&vol->drained);
	spin_unlock_irqrestore(&vol->lock, flags);
}

static void cimrepl_volume_endio(struct bio *clone)
{
	struct cimrepl_io *io = container_of(clone, struct cimrepl_io, clone);
	struct cimrepl_volume *vol = io->vol;
	struct bio *bio = io->orig;

	if (io->origin)
		cimrepl_origin_read_done(io->origin, io->reader_gen);
	/*
	 * Never clear an error: a split part chained to @bio may have set
	 * one already (bio_chain), and success must not overwrite it.
	 */
	if (clone->bi_status)
		bio->bi_status = clone->bi_status;
	bio_put(clone);
	bio_endio(bio);
	cimrepl_volume_io_done(vol);
}

void cimrepl_volume_end_bio(struct cimrepl_volume *vol, struct bio *bio,
			    blk_status_t status)
{
	if (status)
		bio->bi_status = status;
	bio_endio(bio);
	cimrepl_volume_io_done(vol);
}

void cimrepl_volume_remap(struct cimrepl_volume *vol, struct bio *bio,
			  struct block_device *bdev, sector_t sector,
			  struct cimrepl_origin *origin, unsigned int gen)
{
	struct cimrepl_io *io;
	struct bio *clone;

	/* GFP_NOIO from a bio_set's mempool waits rather than fails */
	clone = bio_alloc_clone(bdev, bio, GFP_NOIO, &vol->bs);
	io = container_of(clone, struct cimrepl_io, clone);
	io->orig = bio;
	io->vol = vol;
	io->origin = origin;
	io->reader_gen = gen;
	clone->bi_iter.bi_sector = sector;
	clone->bi_end_io = cimrepl_volume_endio;
	submit_bio_noacct(clone);
}

/*
 * Split @bio at the next multiple of @vol->chunk_sectors: the part before
 * is returned, the rest is resubmitted and completes @bio when both have.
 */
static struct bio *cimrepl_volume_split(struct cimrepl_volume *vol,
					struct bio *bio)
{
	u32 chunk = vol->chunk_sectors;
	sector_t offset = bio->bi_iter.bi_sector & (chunk - 1);
	struct bio *split;

	if (!chunk || !bio_sectors(bio) || offset + bio_sectors(bio) <= chunk)
		return bio;
	split = bio_split(bio, chunk - offset, GFP_NOIO, &vol->split_bs);
	bio_chain(split, bio);
	submit_bio_noacct(bio);
	return split;
}

static void cimrepl_volume_submit_bio(struct bio *bio)
{
	struct cimrepl_volume *vol = bio->bi_bdev->bd_disk->private_data;

	spin_lock_irq(&vol->lock);
	if (vol->held) {
		bio_list_add(&vol->deferred, bio);
		spin_unlock_irq(&vol->lock);
		return;
	}
	vol->inflight++;
	/* SYNCHRONIZE CACHE from an initiator arrives as a preflush */
	if (bio->bi_opf & REQ_PREFLUSH)
		vol->flushes++;
	if (bio->bi_opf & REQ_FUA)
		vol->fua_writes++;
	spin_unlock_irq(&vol->lock);

	bio = cimrepl_volume_split(vol, bio);
	if (vol->mirrored)
		cimrepl_mirror_source_submit(vol->mirrored, bio);
	else if (vol->mirror)
		cimrepl_mirror_dev_submit(vol->mirror, bio);
	else
		cimrepl_volume_submit_below(vol, bio);
}

void cimrepl_volume_submit_below(struct cimrepl_volume *vol, struct bio *bio)
{
	if (vol->snapshot)
		cimrepl_snapshot_submit(vol->snapshot, bio);
	else if (vol->origin)
		cimrepl_origin_submit(vol->origin, bio);
	else
		cimrepl_volume_remap(vol, bio, vol->backing.bdev,
				     bio->bi_iter.bi_sector, NULL, 0);
}

void cimrepl_volume_hold_io(struct cimrepl_volume *vol)
{
	spin_lock_irq(&vol->lock);
	vol->held = true;
	wait_event_lock_irq(vol->drained, !vol->inflight, vol->lock);
	spin_unlock_irq(&vol->lock);
}

void cimrepl_volume_release_io(struct cimrepl_volume *vol)
{
	struct bio_list deferred;
	struct bio *bio;

	spin_lock_irq(&vol->lock);
	vol->held = false;
	deferred = vol->deferred;
	bio_list_init(&vol->deferred);
	spin_unlock_irq(&vol->lock);

	while ((bio = bio_list_pop(&deferred)))
		cimrepl_volume_submit_bio(bio);
}

int cimrepl_volume_open(struct gendisk *disk)
{
	struct cimrepl_volume *vol = disk->private_data;
	int ret = 0;

	spin_lock_irq(&vol->lock);
	if (vol->deleting)
		ret = -ENXIO;
	else
		vol->open_count++;
	spin_unlock_irq(&vol->lock);
	return ret;
}

void cimrepl_volume_release(struct gendisk *disk)
{
	struct cimrepl_volume *vol = disk->private_data;

	spin_lock_irq(&vol->lock);
	vol->open_count--;
	spin_unlock_irq(&vol->lock);
}

static const struct block_device_operations cimrepl_volume_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= cimrepl_volume_submit_bio,
	.open		= cimrepl_bdev_open,
	.release	= cimrepl_bdev_release,
};

static void cimrepl_volume_free(struct cimrepl_volume *vol)
{
	bioset_exit(&vol->split_bs);
	bioset_exit(&vol->bs);
	if (vol->backing.bdev)
		cimrepl_backing_close(&vol->backing);
	kfree(vol->backing_path);
	kfree(vol);
}

static struct cimrepl_volume *cimrepl_volume_new(const char *name, u16 role)
{
	struct cimrepl_volume *vol = kzalloc(sizeof(*vol), GFP_KERNEL);

	if (!vol)
		return NULL;
	strscpy(vol->name, name, sizeof(vol->name));
	vol->role = role;
	spin_lock_init(&vol->lock);
	bio_list_init(&vol->deferred);
	init_waitqueue_head(&vol->drained);
	/* clones and splits from separate pools: a split may wait for a clone */
	if (bioset_init(&vol->bs, BIO_POOL_SIZE,
			offsetof(struct cimrepl_io, clone), 0) ||
	    bioset_init(&vol->split_bs, BIO_POOL_SIZE, 0, 0)) {
		bioset_exit(&vol->bs);
		kfree(vol);
		return NULL;
	}
	return vol;
}

/* Give @vol its gendisk, stacked on @lower's limits, @sectors long. */
static int cimrepl_volume_make_disk(struct cimrepl_volume *vol,
				    struct block_device *lower,
				    struct block_device *also, sector_t sectors)
{
	struct gendisk *disk;
	int minor;

	disk = cimrepl_alloc_disk(lower, also);
	if (IS_ERR(disk))
		return PTR_ERR(disk);
	minor = ida_alloc_max(&cimrepl_minors, CIMREPL_MAX_DEVICES - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		put_disk(disk);
		return minor;
	}
	disk->major = cimrepl_major;
	disk->first_minor = minor;
	disk->minors = 1;
	disk->fops = &cimrepl_volume_fops;
	disk->private_data = vol;
	disk->flags |= GENHD_FL_NO_PART;
	/* devtmpfs turns '!' into '/': the node is /dev/cimrepl/NAME */
	snprintf(disk->disk_name, DISK_NAME_LEN, "cimrepl!%s", vol->name);
	set_capacity(disk, sectors);
	vol->disk = disk;
	return 0;
}

static void cimrepl_volume_unmake_disk(struct cimrepl_volume *vol)
{
	ida_free(&cimrepl_minors, vol->disk->first_minor);
	put_disk(vol->disk);
	vol->disk = NULL;
}

/*
 * A device not yet visible: over the device at @path (opened exclusively,
 * its limits with @limits_also's), or, with @path NULL, with no backing
 * device and the limits of @limits_from and @limits_also.
 */
static struct cimrepl_volume *cimrepl_device_new(const char *name, u16 role,
						 const char *path,
						 struct block_device *limits_from,
						 struct block_device *limits_also,
						 sector_t sectors)
{
	struct cimrepl_volume *vol;
	int ret = -ENOMEM;

	lockdep_assert_held(&cimrepl_config_lock);
	if (cimrepl_volume_count >= CIMREPL_MAX_DEVICES)
		return ERR_PTR(-ENOSPC);
	vol = cimrepl_volume_new(name, role);
	if (!vol)
		return ERR_PTR(-ENOMEM);
	if (path) {
		vol->backing_path = kstrdup(path, GFP_KERNEL);
		if (!vol->backing_path)
			goto out_free;
		ret = cimrepl_backing_open(&vol->backing, path, vol);
		if (ret)
			goto out_free;
		ret = -EINVAL;
		if (cimrepl_is_own_bdev(vol->backing.bdev))
			goto out_free;
		limits_from = vol->backing.bdev;
	}
	ret = cimrepl_volume_make_disk(vol, limits_from, limits_also, sectors);
	if (ret)
		goto out_free;
	/* counted now so that a list of them cannot overshoot the limit */
	cimrepl_volume_count++;
	return vol;

out_free:
	cimrepl_volume_free(vol);
	return ERR_PTR(ret);
}

struct cimrepl_volume *cimrepl_device_alloc(const char *name, u16 role,
					    struct block_device *limits_from,
					    struct block_device *limits_also,
					    sector_t sectors)
{
	return cimrepl_device_new(name, role, NULL, limits_from, limits_also,
				  sectors);
}

struct cimrepl_volume *cimrepl_device_alloc_over(const char *name, u16 role,
						 const char *path,
						 struct block_device *limits_also,
						 sector_t sectors)
{
	return cimrepl_device_new(name, role, path, NULL, limits_also, sectors);
}

void cimrepl_device_discard(struct cimrepl_volume *vol)
{
	cimrepl_volume_count--;
	cimrepl_volume_unmake_disk(vol);
	cimrepl_volume_free(vol);
}

struct cimrepl_volume *cimrepl_target_open(const char *name, const char *path,
					   const struct nlattr *attr,
					   unsigned int index,
					   struct cimrepl_volume *source,
					   u16 role,
					   struct netlink_ext_ack *extack)
{
	sector_t sectors = get_capacity(source->disk);
	struct cimrepl_volume *vol;
	dev_t devt;
	int ret;

	ret = lookup_bdev(path, &devt);
	if (ret) {
		cimrepl_elem_err(extack, attr, index,
				 "the target device does not exist or is not a block device");
		return ERR_PTR(ret);
	}
	if (devt == source->backing.bdev->bd_dev ||
	    devt == disk_devt(source->disk)) {
		cimrepl_elem_err(extack, attr, index,
				 "the target is the source's own device");
		return ERR_PTR(-EINVAL);
	}
	if (cimrepl_is_own_devt(devt)) {
		cimrepl_elem_err(extack, attr, index,
				 "the target is a cimrepl device; give the device under it");
		return ERR_PTR(-EINVAL);
	}
	vol = cimrepl_device_alloc_over(name, role, path, source->backing.bdev,
					sectors);
	if (IS_ERR(vol)) {
		switch (PTR_ERR(vol)) {
		case -EBUSY:
			cimrepl_elem_err(extack, attr, index,
					 "the target device is in use (a LIO backstore, a mount, a volume or another holder has it)");
			break;
		case -ENOSPC:
			cimrepl_elem_err(extack, attr, index,
					 "the module manages CIMREPL_A_CAPS_MAX_VOLUMES devices already");
			break;
		default:
			cimrepl_elem_err(extack, attr, index,
					 "cannot open the target device");
		}
		return vol;
	}
	if (bdev_nr_sectors(vol->backing.bdev) < sectors) {
		cimrepl_elem_err(extack, attr, index,
				 "the target device is smaller than the source");
		cimrepl_device_discard(vol);
		return ERR_PTR(-EINVAL);
	}
	return vol;
}

int cimrepl_device_add(struct cimrepl_volume *vol)
{
	int ret;

	lockdep_assert_held(&cimrepl_config_lock);
	ret = add_disk(vol->disk);
	if (ret)
		return ret;
	if (vol->backing.bdev) {
		ret = bd_link_disk_holder(vol->backing.bdev, vol->disk);
		if (ret) {
			del_gendisk(vol->disk);
			return ret;
		}
	}
	list_add_tail(&vol->node, &cimrepl_volumes);
	vol->added = true;
	__module_get(THIS_MODULE);
	cimrepl_nl_notify_volume(vol, CIMREPL_EVENT_CREATED);
	return 0;
}

int cimrepl_device_close_for_removal(struct cimrepl_volume *vol)
{
	int ret = 0;

	spin_lock_irq(&vol->lock);
	if (vol->open_count) {
		ret = -EBUSY;
	} else {
		vol->deleting = true;
		/* nothing is open, so nothing can be in flight but stragglers */
		wait_event_lock_irq(vol->drained, !vol->inflight, vol->lock);
	}
	spin_unlock_irq(&vol->lock);
	return ret;
}

int cimrepl_device_remove(struct cimrepl_volume *vol, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&cimrepl_config_lock);
	if (cimrepl_device_close_for_removal(vol)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the device is open (a LIO backstore or another user holds it)");
		return -EBUSY;
	}

	cimrepl_nl_notify_volume(vol, CIMREPL_EVENT_DELETED);
	list_del(&vol->node);
	if (vol->backing.bdev)
		bd_unlink_disk_holder(vol->backing.bdev, vol->disk);
	del_gendisk(vol->disk);
	cimrepl_device_discard(vol);
	module_put(THIS_MODULE);
	return 0;
}

static int cimrepl_volume_open_backing(struct cimrepl_volume *vol,
				       const char *path,
				       const struct nlattr *attr,
				       struct netlink_ext_ack *extack)
{
	int ret;

	ret = cimrepl_backing_open(&vol->backing, path, vol);
	switch (ret) {
	case 0:
		break;
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(extack, attr, "backing device not found");
		return ret;
	case -ENOTBLK:
		NL_SET_ERR_MSG_ATTR(extack, attr, "backing path is not a block device");
		return ret;
	case -EBUSY:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "backing device is in use (a LIO backstore, a mount or another holder has it)");
		return ret;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr, "cannot open the backing device");
		return ret;
	}

	if (cimrepl_is_own_bdev(vol->backing.bdev)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "backing device is itself a cimrepl device");
		cimrepl_backing_close(&vol->backing);
		return -EINVAL;
	}
	if (!bdev_nr_sectors(vol->backing.bdev)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "backing device is empty");
		cimrepl_backing_close(&vol->backing);
		return -EINVAL;
	}
	return 0;
}

bool cimrepl_is_own_devt(dev_t devt)
{
	return MAJOR(devt) == cimrepl_major;
}

bool cimrepl_is_own_bdev(struct block_device *bdev)
{
	return bdev->bd_disk->fops == &cimrepl_volume_fops;
}

int cimrepl_volume_create(const char *name, const char *backing_path,
			  const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct cimrepl_volume *vol;
	int ret;

	mutex_lock(&cimrepl_config_lock);
	if (cimrepl_volume_find(name)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "a device with this name exists");
		ret = -EEXIST;
		goto out_unlock;
	}
	if (cimrepl_volume_count >= CIMREPL_MAX_DEVICES) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the module manages CIMREPL_A_CAPS_MAX_VOLUMES devices already");
		ret = -ENOSPC;
		goto out_unlock;
	}

	ret = -ENOMEM;
	vol = cimrepl_volume_new(name, CIMREPL_ROLE_VOLUME);
	if (!vol)
		goto out_unlock;
	vol->backing_path = kstrdup(backing_path, GFP_KERNEL);
	if (!vol->backing_path)
		goto out_free;

	ret = cimrepl_volume_open_backing(vol, backing_path, attr, extack);
	if (ret)
		goto out_free;
	ret = cimrepl_volume_make_disk(vol, vol->backing.bdev, NULL,
				       bdev_nr_sectors(vol->backing.bdev));
	if (ret)
		goto out_free;
	ret = add_disk(vol->disk);
	if (ret)
		goto out_unmake_disk;
	ret = bd_link_disk_holder(vol->backing.bdev, vol->disk);
	if (ret)
		goto out_del_disk;

	list_add_tail(&vol->node, &cimrepl_volumes);
	vol->added = true;
	cimrepl_volume_count++;
	__module_get(THIS_MODULE);
	cimrepl_nl_notify_volume(vol, CIMREPL_EVENT_CREATED);
	mutex_unlock(&cimrepl_config_lock);
	return 0;

out_del_disk:
	del_gendisk(vol->disk);
out_unmake_disk:
	cimrepl_volume_unmake_disk(vol);
out_free:
	cimrepl_volume_free(vol);
out_unlock:
	mutex_unlock(&cimrepl_config_lock);
	return ret;
}

int cimrepl_volume_delete(const char *name, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct cimrepl_volume *vol;
	int ret;

	mutex_lock(&cimrepl_config_lock);
	vol = cimrepl_volume_find(name);
	if (!vol) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such volume");
		ret = -ENOENT;
		goto out_unlock;
	}
	if (vol->role != CIMREPL_ROLE_VOLUME) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "this is a replica: delete it as a replica");
		ret = -EINVAL;
		goto out_unlock;
	}
	if (vol->replicas) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the volume has replicas: delete them first");
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = cimrepl_device_remove(vol, attr, extack);

out_unlock:
	mutex_unlock(&cimrepl_config_lock);
	return ret;
}

int __init cimrepl_volumes_init(void)
{
	cimrepl_major = register_blkdev(0, "cimrepl");
	return cimrepl_major < 0 ? cimrepl_major : 0;
}

void cimrepl_volumes_exit(void)
{
	/* every volume holds a module reference: none can be left here */
	WARN_ON(!list_empty(&cimrepl_volumes));
	unregister_blkdev(cimrepl_major, "cimrepl");
	ida_destroy(&cimrepl_minors);
}

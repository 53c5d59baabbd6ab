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
#include "volume.h"

/* Serializes volume creation, deletion and lookup; protects the list. */
DEFINE_MUTEX(cimrepl_volumes_lock);
LIST_HEAD(cimrepl_volumes);

/* Number of entries in cimrepl_volumes; protected by cimrepl_volumes_lock. */
static unsigned int cimrepl_volume_count;

static int cimrepl_major;
static DEFINE_IDA(cimrepl_minors);

static const struct block_device_operations cimrepl_volume_fops;

struct cimrepl_volume *cimrepl_volume_find(const char *name)
{
	struct cimrepl_volume *vol;

	lockdep_assert_held(&cimrepl_volumes_lock);
	list_for_each_entry(vol, &cimrepl_volumes, node)
		if (!strcmp(vol->name, name))
			return vol;
	return NULL;
}

unsigned int cimrepl_volume_open_count(struct cimrepl_volume *vol)
{
	unsigned int count;

	spin_lock_irq(&vol->lock);
	count = vol->open_count;
	spin_unlock_irq(&vol->lock);
	return count;
}

static void cimrepl_volume_endio(struct bio *clone)
{
	struct bio *bio = clone->bi_private;
	struct cimrepl_volume *vol = bio->bi_bdev->bd_disk->private_data;
	unsigned long flags;

	bio->bi_status = clone->bi_status;
	bio_put(clone);
	bio_endio(bio);

	spin_lock_irqsave(&vol->lock, flags);
	if (!--vol->inflight)
		wake_up(&vol->drained);
	spin_unlock_irqrestore(&vol->lock, flags);
}

/* Send @bio to the backing device; the caller counted it in @inflight. */
static void cimrepl_volume_remap(struct cimrepl_volume *vol, struct bio *bio)
{
	struct bio *clone;

	/* GFP_NOIO from a bio_set's mempool waits rather than fails */
	clone = bio_alloc_clone(vol->backing.bdev, bio, GFP_NOIO, &vol->bs);
	clone->bi_end_io = cimrepl_volume_endio;
	clone->bi_private = bio;
	submit_bio_noacct(clone);
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
	spin_unlock_irq(&vol->lock);

	cimrepl_volume_remap(vol, bio);
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
	bioset_exit(&vol->bs);
	if (vol->backing.bdev)
		cimrepl_backing_close(&vol->backing);
	kfree(vol->backing_path);
	kfree(vol);
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

	if (vol->backing.bdev->bd_disk->fops == &cimrepl_volume_fops) {
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

int cimrepl_volume_create(const char *name, const char *backing_path,
			  const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct cimrepl_volume *vol;
	struct gendisk *disk;
	int minor, ret;

	mutex_lock(&cimrepl_volumes_lock);
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
	vol = kzalloc(sizeof(*vol), GFP_KERNEL);
	if (!vol)
		goto out_unlock;
	strscpy(vol->name, name, sizeof(vol->name));
	vol->role = CIMREPL_ROLE_VOLUME;
	spin_lock_init(&vol->lock);
	bio_list_init(&vol->deferred);
	init_waitqueue_head(&vol->drained);
	vol->backing_path = kstrdup(backing_path, GFP_KERNEL);
	if (!vol->backing_path)
		goto out_free;
	ret = bioset_init(&vol->bs, BIO_POOL_SIZE, 0, 0);
	if (ret)
		goto out_free;

	ret = cimrepl_volume_open_backing(vol, backing_path, attr, extack);
	if (ret)
		goto out_free;

	disk = cimrepl_alloc_disk(vol->backing.bdev);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto out_free;
	}
	minor = ida_alloc_max(&cimrepl_minors, CIMREPL_MAX_DEVICES - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		ret = minor;
		goto out_put_disk;
	}
	disk->major = cimrepl_major;
	disk->first_minor = minor;
	disk->minors = 1;
	disk->fops = &cimrepl_volume_fops;
	disk->private_data = vol;
	disk->flags |= GENHD_FL_NO_PART;
	/* devtmpfs turns '!' into '/': the node is /dev/cimrepl/NAME */
	snprintf(disk->disk_name, DISK_NAME_LEN, "cimrepl!%s", name);
	set_capacity(disk, bdev_nr_sectors(vol->backing.bdev));
	vol->disk = disk;

	ret = add_disk(disk);
	if (ret)
		goto out_free_minor;
	ret = bd_link_disk_holder(vol->backing.bdev, disk);
	if (ret)
		goto out_del_disk;

	list_add_tail(&vol->node, &cimrepl_volumes);
	cimrepl_volume_count++;
	__module_get(THIS_MODULE);
	cimrepl_nl_notify_volume(vol, CIMREPL_EVENT_CREATED);
	mutex_unlock(&cimrepl_volumes_lock);
	return 0;

out_del_disk:
	del_gendisk(disk);
out_free_minor:
	ida_free(&cimrepl_minors, minor);
out_put_disk:
	put_disk(disk);
out_free:
	cimrepl_volume_free(vol);
out_unlock:
	mutex_unlock(&cimrepl_volumes_lock);
	return ret;
}

int cimrepl_volume_delete(const char *name, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct cimrepl_volume *vol;
	int ret = 0;

	mutex_lock(&cimrepl_volumes_lock);
	vol = cimrepl_volume_find(name);
	if (!vol) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such volume");
		ret = -ENOENT;
		goto out_unlock;
	}
	if (vol->replicas) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the volume has replicas: delete them first");
		ret = -EBUSY;
		goto out_unlock;
	}

	spin_lock_irq(&vol->lock);
	if (vol->open_count) {
		ret = -EBUSY;
	} else {
		vol->deleting = true;
		/* nothing is open, so nothing can be in flight but stragglers */
		wait_event_lock_irq(vol->drained, !vol->inflight, vol->lock);
	}
	spin_unlock_irq(&vol->lock);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the volume is open (a LIO backstore or another user holds it)");
		goto out_unlock;
	}

	cimrepl_nl_notify_volume(vol, CIMREPL_EVENT_DELETED);
	list_del(&vol->node);
	cimrepl_volume_count--;

	bd_unlink_disk_holder(vol->backing.bdev, vol->disk);
	del_gendisk(vol->disk);
	ida_free(&cimrepl_minors, vol->disk->first_minor);
	put_disk(vol->disk);
	cimrepl_volume_free(vol);
	module_put(THIS_MODULE);

out_unlock:
	mutex_unlock(&cimrepl_volumes_lock);
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

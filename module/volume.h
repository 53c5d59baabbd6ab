/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Managed volumes: bio-based block devices /dev/cimrepl/NAME stacked on a
 * backing block device, through which every write of a source passes.
 */
#ifndef CIMREPL_VOLUME_H
#define CIMREPL_VOLUME_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "cimrepl.h"
#include "compat.h"

struct cimrepl_mirror;
struct cimrepl_origin;
struct cimrepl_snapshot;

/**
 * struct cimrepl_volume - a managed block device
 * @node: entry in cimrepl_volumes; protected by cimrepl_config_lock
 * @name: NUL-terminated name, the device is /dev/cimrepl/@name
 * @backing_path: the path the backing device was opened by, for reports
 * @backing: the backing device, opened exclusively with the volume as holder
 *	(for a clone, its target); none (bdev NULL) for a snapshot, whose data
 *	the snapshot engine finds
 * @disk: the gendisk; its private_data points back here
 * @bs: bio_set for the clones sent down (struct cimrepl_io)
 * @split_bs: bio_set for splitting bios at chunk boundaries
 * @role: CIMREPL_ROLE_*
 * @replicas: replicas whose source this volume is; protected by
 *	cimrepl_config_lock
 * @origin: snapshot state when this volume has snapshots (snapshot.c);
 *	set and cleared under cimrepl_config_lock while I/O is held
 * @snapshot: for a snapshot device, the snapshot it shows; for a clone
 *	device, the point-in-time image it is copied from (clone.c); set and
 *	cleared while I/O is held
 * @mirrored: the mirror of this source volume, or NULL (mirror.c); set
 *	and cleared under cimrepl_config_lock while I/O is held
 * @mirror: for a mirror device, its mirror (mirror.c); likewise
 * @chunk_sectors: when set, bios are split at multiples of it before the
 *	engines see them; changed only while I/O is held
 * @lock: protects @open_count, @deleting, @held, @deferred, @flushes,
 *	@fua_writes and @inflight;
 *	taken with interrupts disabled because bio completion takes it
 * @open_count: openers of @disk (a LIO backstore, a mount, a process)
 * @deleting: set once deletion is decided; new opens fail with -ENXIO
 * @held: new bios are queued on @deferred instead of being submitted
 * @deferred: bios that arrived while @held, in arrival order
 * @flushes: preflush bios received (a SCSI SYNCHRONIZE CACHE becomes one)
 * @fua_writes: FUA writes received
 * @added: visible (cimrepl_device_add() done); under cimrepl_config_lock
 * @inflight: clones submitted to @backing and not yet completed
 * @drained: woken when @inflight drops to zero
 *
 * Lifetime: a volume is created and destroyed under cimrepl_config_lock and
 * lives exactly as long as its entry in cimrepl_volumes. Each volume holds a
 * reference on this module, so the module cannot be unloaded while any
 * volume exists. Destruction waits until @open_count and @inflight are zero.
 */
struct cimrepl_volume {
	struct list_head node;
	char name[CIMREPL_NAME_MAX];
	char *backing_path;
	struct cimrepl_backing backing;
	struct gendisk *disk;
	struct bio_set bs;
	struct bio_set split_bs;
	u16 role;
	unsigned int replicas;
	struct cimrepl_origin *origin;
	struct cimrepl_snapshot *snapshot;
	struct cimrepl_mirror *mirrored;
	struct cimrepl_mirror *mirror;
	u32 chunk_sectors;

	spinlock_t lock;	/* see above */
	unsigned int open_count;
	bool deleting;
	bool held;
	struct bio_list deferred;
	u64 flushes;
	u64 fua_writes;
	bool added;
	unsigned int inflight;
	wait_queue_head_t drained;
};

/* Serializes creation, deletion and lookup of volumes. */
extern struct mutex cimrepl_config_lock;
extern struct list_head cimrepl_volumes;

int cimrepl_volumes_init(void);
void cimrepl_volumes_exit(void);

/**
 * struct cimrepl_io - one bio sent down on behalf of a bio to a volume
 * @orig: the bio the volume received
 * @vol: the volume
 * @origin: the origin whose reader generation @reader_gen this read holds,
 *	or NULL (see cimrepl_origin_track_read())
 * @reader_gen: that generation
 * @clone: the bio sent down; must be last (the bio_set's front_pad)
 */
struct cimrepl_io {
	struct bio *orig;
	struct cimrepl_volume *vol;
	struct cimrepl_origin *origin;
	unsigned int reader_gen;
	struct bio clone;
};

/*
 * Send @bio (counted in @vol's in-flight I/O) to @sector of @bdev. With
 * @origin, the read is tracked in reader generation @gen until it completes.
 */
void cimrepl_volume_remap(struct cimrepl_volume *vol, struct bio *bio,
			  struct block_device *bdev, sector_t sector,
			  struct cimrepl_origin *origin, unsigned int gen);
/*
 * Send @bio of the volume @vol on to what is below a mirror: the snapshot
 * engines or the backing device. The mirror engine calls it for the
 * source's legs; @bio is counted in @vol's in-flight I/O.
 */
void cimrepl_volume_submit_below(struct cimrepl_volume *vol, struct bio *bio);
/* Complete @bio (counted in @vol's in-flight I/O) without sending it down. */
void cimrepl_volume_end_bio(struct cimrepl_volume *vol, struct bio *bio,
			    blk_status_t status);

/*
 * A device without a backing device of its own (a snapshot): its queue
 * limits are those of @limits_from and @limits_also (the devices its I/O
 * goes to), @sectors its size. Not yet visible: add it with
 * cimrepl_device_add(). Caller holds cimrepl_config_lock.
 */
struct cimrepl_volume *cimrepl_device_alloc(const char *name, u16 role,
					    struct block_device *limits_from,
					    struct block_device *limits_also,
					    sector_t sectors);
/*
 * A device over the block device at @path, opened exclusively (a clone over
 * its target), @sectors long, not yet visible. Errors: those of the open
 * (-ENOENT, -ENOTBLK, -EBUSY...), -EINVAL for one of this module's devices,
 * -ENOSPC at CIMREPL_MAX_DEVICES. Caller holds cimrepl_config_lock.
 */
struct cimrepl_volume *cimrepl_device_alloc_over(const char *name, u16 role,
						 const char *path,
						 struct block_device *limits_also,
						 sector_t sectors);
/*
 * The device @name over the replica target at @path for list element
 * @index of @source (a clone or a mirror, @role): checked (a block device,
 * not the source's own or one of this module's, at least as large as the
 * source), opened exclusively, @source's size, not yet visible; @extack
 * says what is wrong. Caller holds cimrepl_config_lock.
 */
struct cimrepl_volume *cimrepl_target_open(const char *name, const char *path,
					   const struct nlattr *attr,
					   unsigned int index,
					   struct cimrepl_volume *source,
					   u16 role,
					   struct netlink_ext_ack *extack);
int cimrepl_device_add(struct cimrepl_volume *vol);
/* Undo cimrepl_device_alloc() of a device never added. */
void cimrepl_device_discard(struct cimrepl_volume *vol);
/*
 * Remove a device that is not open: -EBUSY (with @extack set) if it is.
 * Caller holds cimrepl_config_lock. For snapshots, the engine detaches its
 * state first and calls this last.
 */
int cimrepl_device_remove(struct cimrepl_volume *vol, const struct nlattr *attr,
			  struct netlink_ext_ack *extack);
/* Refuse new opens of @vol (before tearing down what it shows); -EBUSY if open. */
int cimrepl_device_close_for_removal(struct cimrepl_volume *vol);

int cimrepl_volume_create(const char *name, const char *backing_path,
			  const struct nlattr *attr,
			  struct netlink_ext_ack *extack);
int cimrepl_volume_delete(const char *name, const struct nlattr *attr,
			  struct netlink_ext_ack *extack);

/* Look a volume up by name; caller holds cimrepl_config_lock. */
struct cimrepl_volume *cimrepl_volume_find(const char *name);

/* Is @bdev (or device number @devt) one of this module's devices? */
bool cimrepl_is_own_bdev(struct block_device *bdev);
bool cimrepl_is_own_devt(dev_t devt);

/* Bytes the volume exposes. */
static inline u64 cimrepl_volume_bytes(const struct cimrepl_volume *vol)
{
	return (u64)get_capacity(vol->disk) << SECTOR_SHIFT;
}

unsigned int cimrepl_volume_open_count(struct cimrepl_volume *vol);
void cimrepl_volume_flush_stats(struct cimrepl_volume *vol, u64 *flushes,
				u64 *fua_writes);

/*
 * Hold new I/O on @vol and wait for the I/O in flight to complete; release
 * resubmits what arrived meanwhile, in order. Used to take one consistent
 * point in time across a list of volumes.
 */
void cimrepl_volume_hold_io(struct cimrepl_volume *vol);
void cimrepl_volume_release_io(struct cimrepl_volume *vol);

#endif /* CIMREPL_VOLUME_H */

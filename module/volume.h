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

/**
 * struct cimrepl_volume - a managed block device
 * @node: entry in cimrepl_volumes; protected by cimrepl_volumes_lock
 * @name: NUL-terminated name, the device is /dev/cimrepl/@name
 * @backing_path: the path the backing device was opened by, for reports
 * @backing: the backing device, opened exclusively with the volume as holder
 * @disk: the gendisk; its private_data points back here
 * @bs: bio_set for the clones sent to @backing
 * @role: CIMREPL_ROLE_*
 * @replicas: replicas whose source this volume is; protected by
 *	cimrepl_volumes_lock
 * @lock: protects @open_count, @deleting, @held, @deferred and @inflight;
 *	taken with interrupts disabled because bio completion takes it
 * @open_count: openers of @disk (a LIO backstore, a mount, a process)
 * @deleting: set once deletion is decided; new opens fail with -ENXIO
 * @held: new bios are queued on @deferred instead of being submitted
 * @deferred: bios that arrived while @held, in arrival order
 * @inflight: clones submitted to @backing and not yet completed
 * @drained: woken when @inflight drops to zero
 *
 * Lifetime: a volume is created and destroyed under cimrepl_volumes_lock and
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
	u16 role;
	unsigned int replicas;

	spinlock_t lock;	/* see above */
	unsigned int open_count;
	bool deleting;
	bool held;
	struct bio_list deferred;
	unsigned int inflight;
	wait_queue_head_t drained;
};

/* Serializes creation, deletion and lookup of volumes. */
extern struct mutex cimrepl_volumes_lock;
extern struct list_head cimrepl_volumes;

int cimrepl_volumes_init(void);
void cimrepl_volumes_exit(void);

int cimrepl_volume_create(const char *name, const char *backing_path,
			  const struct nlattr *attr,
			  struct netlink_ext_ack *extack);
int cimrepl_volume_delete(const char *name, const struct nlattr *attr,
			  struct netlink_ext_ack *extack);

/* Look a volume up by name; caller holds cimrepl_volumes_lock. */
struct cimrepl_volume *cimrepl_volume_find(const char *name);

/* Bytes the volume exposes. */
static inline u64 cimrepl_volume_bytes(const struct cimrepl_volume *vol)
{
	return (u64)get_capacity(vol->disk) << SECTOR_SHIFT;
}

unsigned int cimrepl_volume_open_count(struct cimrepl_volume *vol);

/*
 * Hold new I/O on @vol and wait for the I/O in flight to complete; release
 * resubmits what arrived meanwhile, in order. Used to take one consistent
 * point in time across a list of volumes.
 */
void cimrepl_volume_hold_io(struct cimrepl_volume *vol);
void cimrepl_volume_release_io(struct cimrepl_volume *vol);

#endif /* CIMREPL_VOLUME_H */

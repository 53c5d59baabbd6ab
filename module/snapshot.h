/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot engine (SyncType 7): copy-on-write point-in-time images of a
 * volume, with one copy of an origin chunk shared by every snapshot that
 * needs it.
 */
#ifndef CIMREPL_SNAPSHOT_H
#define CIMREPL_SNAPSHOT_H

#include <linux/bio.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>

#include "cimrepl.h"

struct cimrepl_origin;
struct cimrepl_pool;
struct cimrepl_snapshot;
struct cimrepl_volume;

extern const struct cimrepl_engine cimrepl_snapshot_engine;

/* One element of a create-list request, parsed and checked by netlink.c. */
struct cimrepl_snapshot_request {
	const char *source;
	const char *target;
	const char *target_path;	/* clones: the target device */
	const char *pool;
	const struct nlattr *attr;	/* the element, for error reports */
};

/* What a create-list asks of all its elements. */
struct cimrepl_list_request {
	u16 sync_type;		/* CIMREPL_SYNC_TYPE_* */
	u16 mode;		/* mirrors: CIMREPL_MODE_* */
	u32 chunk_size;		/* bytes, 0 for the pool's */
	bool throttle_set;	/* clones: @throttle given */
	u32 throttle;		/* clones: KiB/s of background copy, 0 = none */
};

/*
 * Create a point-in-time image of each element's source, all at one point
 * in time, atomically: snapshots, or clones (an image copied in the
 * background onto a target, clone.c). Caller holds no lock. On success
 * @reply_fn is called for each new one, in order, under the configuration
 * lock.
 */
int cimrepl_snapshot_create_list(const struct cimrepl_snapshot_request *req,
				 unsigned int count,
				 const struct cimrepl_list_request *list,
				 struct netlink_ext_ack *extack,
				 int (*reply_fn)(struct cimrepl_snapshot *snap,
						 void *arg),
				 void *arg);

/* Delete the snapshot device @vol. Caller holds cimrepl_config_lock. */
int cimrepl_snapshot_delete(struct cimrepl_volume *vol,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack);

/*
 * Restore Operation: make the source of the snapshot device @vol equal to
 * the snapshot, online, in the background (progress in the sync report).
 * Caller holds cimrepl_config_lock.
 */
int cimrepl_snapshot_restore(struct cimrepl_volume *vol,
			     const struct nlattr *attr,
			     struct netlink_ext_ack *extack);

/* What stands in the way of an operation on a snapshot. */
enum cimrepl_snapshot_obstacle {
	CIMREPL_SNAPSHOT_READY,
	CIMREPL_SNAPSHOT_SOURCE_RESTORING,	/* another restore runs */
	CIMREPL_SNAPSHOT_BEING_RESTORED,	/* this one is restored */
	CIMREPL_SNAPSHOT_OPEN,			/* a LIO backstore holds it */
	CIMREPL_SNAPSHOT_BROKEN,		/* it lost its point in time */
	CIMREPL_SNAPSHOT_SOURCE_MIRRORED,	/* a restore would bypass it */
};

/*
 * Can Operation @op (15 or 19) be applied to snapshot device @vol now?
 * Caller holds cimrepl_config_lock.
 */
enum cimrepl_snapshot_obstacle
cimrepl_snapshot_check(struct cimrepl_volume *vol, u16 op);

/* Is a snapshot being restored onto the volume @vol? */
bool cimrepl_snapshot_restoring(struct cimrepl_volume *vol);

/* The name of the pool @origin's images live in. */
const char *cimrepl_snapshot_origin_pool(const struct cimrepl_origin *origin);

/* The source volume of snapshot device @vol. */
struct cimrepl_volume *cimrepl_snapshot_source(struct cimrepl_volume *vol);

/* Re-create the snapshots a loaded pool holds. Caller holds the lock. */
int cimrepl_snapshot_assemble(struct cimrepl_pool *pool,
			      const struct nlattr *attr,
			      struct netlink_ext_ack *extack);

/* The I/O paths, called by volume.c for origins and snapshot devices. */
void cimrepl_origin_submit(struct cimrepl_origin *origin, struct bio *bio);
void cimrepl_snapshot_submit(struct cimrepl_snapshot *snap, struct bio *bio);
void cimrepl_origin_read_done(struct cimrepl_origin *origin, unsigned int gen);

/* A CIMREPL_A_SYNC nest for @snap. Caller holds cimrepl_config_lock. */
int cimrepl_snapshot_fill_sync(struct sk_buff *skb,
			       struct cimrepl_snapshot *snap);

#endif /* CIMREPL_SNAPSHOT_H */

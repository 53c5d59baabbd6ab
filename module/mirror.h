/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mirror engine (SyncType 6): continuous replication of a source volume
 * onto a target device, synchronous or asynchronous, with a persistent
 * dirty-region log in a pool.
 */
#ifndef CIMREPL_MIRROR_H
#define CIMREPL_MIRROR_H

#include <linux/bio.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>

#include "cimrepl.h"

struct cimrepl_list_request;
struct cimrepl_mirror;
struct cimrepl_pool;
struct cimrepl_snapshot_request;
struct cimrepl_volume;

extern const struct cimrepl_engine cimrepl_mirror_engine;

/*
 * Create a mirror of each element's source onto its target, all starting
 * at one point in time, atomically. Caller holds no lock; @reply_fn is
 * called for each new mirror, in order, under the configuration lock.
 */
int cimrepl_mirror_create_list(const struct cimrepl_snapshot_request *req,
			       unsigned int count,
			       const struct cimrepl_list_request *list,
			       struct netlink_ext_ack *extack,
			       int (*reply_fn)(struct cimrepl_mirror *mirror,
					       void *arg),
			       void *arg);

/* A bio of the source volume of @mirror (volume.c sends it here). */
void cimrepl_mirror_source_submit(struct cimrepl_mirror *mirror,
				  struct bio *bio);
/* A bio of the mirror device (the target's view). */
void cimrepl_mirror_dev_submit(struct cimrepl_mirror *mirror, struct bio *bio);

/* A CIMREPL_A_SYNC nest for @mirror. */
int cimrepl_mirror_fill_sync(struct sk_buff *skb, struct cimrepl_mirror *mirror);

/*
 * May Operation @op apply to the mirror device @vol now? 0, or -EINVAL /
 * -EOPNOTSUPP / -EBUSY with @extack naming element @index and the state.
 */
int cimrepl_mirror_check(struct cimrepl_volume *vol, u16 op,
			 const struct nlattr *attr, unsigned int index,
			 struct netlink_ext_ack *extack);
/*
 * Fracture, Split or Suspend (@op) the mirror devices @vols, all at one
 * instant (every source held at once). Caller holds cimrepl_config_lock
 * and checked each with cimrepl_mirror_check().
 */
int cimrepl_mirror_stop_list(struct cimrepl_volume **vols, unsigned int n,
			     u16 op, struct netlink_ext_ack *extack);
/* Apply a checked Operation. Caller holds cimrepl_config_lock. */
int cimrepl_mirror_apply(struct cimrepl_volume *vol, u16 op,
			 struct netlink_ext_ack *extack);
/* Remove the mirror device @vol and its synchronization. */
int cimrepl_mirror_delete(struct cimrepl_volume *vol, const struct nlattr *attr,
			  struct netlink_ext_ack *extack);

/*
 * Set the tunables given (either may be NULL): the copy's throttle
 * (KiB/s), an asynchronous mirror's lag bound (ms). Recorded in the pool
 * first, so that they outlive a reload; nothing changes on an error,
 * which @extack explains. Caller holds cimrepl_config_lock.
 */
int cimrepl_mirror_tune(struct cimrepl_volume *vol, const struct nlattr *throttle,
			const struct nlattr *max_lag,
			struct netlink_ext_ack *extack);

/* Is a mirror restoring the source volume @vol? */
bool cimrepl_mirror_restoring(struct cimrepl_volume *vol);

/*
 * Pool load: re-create the mirrors recorded in @pool over the volumes of
 * their names, and give back log chunks no record owns. Caller holds
 * cimrepl_config_lock.
 */
int cimrepl_mirror_assemble(struct cimrepl_pool *pool,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack);
/* Undo cimrepl_mirror_assemble() in memory (a later step of the load failed). */
void cimrepl_mirror_disassemble(struct cimrepl_pool *pool);
/* Mirrors recorded in @pool and live. */
unsigned int cimrepl_mirror_count(struct cimrepl_pool *pool);

#endif /* CIMREPL_MIRROR_H */

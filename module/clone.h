/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clone engine (SyncType 8): a full, independent point-in-time copy of
 * a volume onto a target device, usable at once and copied in the
 * background.
 */
#ifndef CIMREPL_CLONE_H
#define CIMREPL_CLONE_H

#include <linux/netlink.h>
#include <linux/skbuff.h>

#include "cimrepl.h"

struct cimrepl_clone;
struct cimrepl_meta_snapshot;
struct cimrepl_list_request;
struct cimrepl_pool;
struct cimrepl_snapshot;
struct cimrepl_snapshot_request;
struct cimrepl_volume;

extern const struct cimrepl_engine cimrepl_clone_engine;

/*
 * The clone device of create-list element @index over its target, for the
 * point in time @snap of @source kept in @pool: checked, opened, not yet
 * visible; @extack says what is wrong. Caller holds cimrepl_config_lock.
 */
struct cimrepl_volume *
cimrepl_clone_alloc(const struct cimrepl_snapshot_request *req,
		    unsigned int index, struct cimrepl_volume *source,
		    struct cimrepl_pool *pool, struct cimrepl_snapshot *snap,
		    const struct cimrepl_list_request *list,
		    struct netlink_ext_ack *extack);
/* The list that made @clone is complete: its copy may start. */
void cimrepl_clone_start(struct cimrepl_clone *clone);
void cimrepl_clone_free(struct cimrepl_clone *clone);

/* Re-assembly: may record @rec be bound to the volume of its name? */
int cimrepl_clone_assemble_check(const struct cimrepl_meta_snapshot *rec,
				 struct cimrepl_volume *source,
				 const struct nlattr *attr,
				 struct netlink_ext_ack *extack);
/*
 * Make @vol the clone of record @rec again, with image @snap; the caller
 * holds @vol's I/O until the pool's index is complete.
 */
int cimrepl_clone_bind(struct cimrepl_volume *vol, struct cimrepl_snapshot *snap,
		       const struct cimrepl_meta_snapshot *rec);
/* Undo cimrepl_clone_bind() (I/O held) and free the clone; the volume stays. */
void cimrepl_clone_unbind(struct cimrepl_clone *clone);

/* A CIMREPL_A_SYNC nest for @clone. */
int cimrepl_clone_fill_sync(struct sk_buff *skb, struct cimrepl_clone *clone);

/*
 * May Operation @op apply to the clone device @vol now? 0, or -EINVAL /
 * -EOPNOTSUPP with @extack naming element @index and the state.
 */
int cimrepl_clone_check(struct cimrepl_volume *vol, u16 op,
			const struct nlattr *attr, unsigned int index,
			struct netlink_ext_ack *extack);
/* Apply a checked Operation. Caller holds cimrepl_config_lock. */
int cimrepl_clone_apply(struct cimrepl_volume *vol, u16 op,
			struct netlink_ext_ack *extack);
/* Remove the clone device @vol and its synchronization. */
int cimrepl_clone_delete(struct cimrepl_volume *vol, const struct nlattr *attr,
			 struct netlink_ext_ack *extack);

/*
 * Throttles of the background copy, KiB/s, 0 = none: the clone device
 * @vol's own (the u32 @attr), recorded in its pool first so that it
 * outlives a reload (on an error nothing changes and @extack says why);
 * the module-wide default for clones without one (not recorded).
 */
int cimrepl_clone_set_throttle(struct cimrepl_volume *vol,
			       const struct nlattr *attr,
			       struct netlink_ext_ack *extack);
void cimrepl_clone_set_default_throttle(u32 kib_per_sec);

#endif /* CIMREPL_CLONE_H */

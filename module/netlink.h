/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the core needs from the netlink layer: events on the multicast group.
 */
#ifndef CIMREPL_NETLINK_H
#define CIMREPL_NETLINK_H

#include <linux/types.h>

struct cimrepl_mirror;
struct cimrepl_snapshot;
struct cimrepl_volume;

int cimrepl_netlink_init(void);
void cimrepl_netlink_exit(void);

/* Send a CIMREPL_EVENT_* about @vol to the "events" group, if anyone listens. */
void cimrepl_nl_notify_volume(struct cimrepl_volume *vol, u16 event);

/* The same for a synchronization (a CIMREPL_A_SYNC nest). */
void cimrepl_nl_notify_sync(struct cimrepl_snapshot *snap, u16 event);
void cimrepl_nl_notify_mirror(struct cimrepl_mirror *mirror, u16 event);

#endif /* CIMREPL_NETLINK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cimrepld's state, shared by its parts: the kernel connection, the store,
 * the configuration. One lock serializes all work on it: requests (from
 * the HTTP front door's threads), kernel events and job bookkeeping.
 */
#ifndef CIMREPL_DAEMON_H
#define CIMREPL_DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"
#include "store.h"

#define DAEMON_NAMESPACE	"root/cimv2"
#define DAEMON_INTEROP_NAMESPACE	"interop"
/* The default pool, under STATE_DIR/pools/default. */
#define DAEMON_DEFAULT_POOL	"default"

struct indications;

struct daemon {
	pthread_mutex_t lock;		/* serializes everything below */
	struct kernel *kernel;		/* requests */
	struct kernel_info caps;	/* what the module implements */
	struct store *store;
	char state_dir[1024];
	char system_name[256];		/* CIM SystemName: the host name */
	uint64_t default_pool_size;	/* bytes of the default pool's store */
	char configfs[256];		/* LIO's configfs root */
	/* a TPG ("FABRIC/WWN/tpgt_N") every new replica is exported on, or "" */
	char export_tpg[512];
	struct indications *indications; /* subscriptions, delivery; or NULL */
	volatile bool stopping;		/* waits give up: the daemon stops */
};

/* CLOCK_REALTIME in ns since the epoch. */
int64_t daemon_now_ns(void);

#endif /* CIMREPL_DAEMON_H */

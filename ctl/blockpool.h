/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block pools: a whole block device an admin gives cimrepld
 * (--block-pool NAME=DEVICE[,store=BYTES]), carved with device-mapper
 * linear mappings (dmlinear.h):
 *
 *   cimrepl-NAME-store     bytes [0, store): the kernel pool NAME
 *                          (snapshot data, clones' points in time),
 *                          formatted once, loaded after that
 *   cimrepl-NAME-REPLICA   a clone's target: an extent of the rest,
 *                          taken first fit, 1 MiB aligned
 *
 * The allocation map is the store's extents table: an extent is reserved
 * while the CreateListReplica that takes it runs and committed in the
 * transaction that records the replica; freeing a target removes its
 * mapping and its row. On daemon start the mappings of committed extents
 * are made again (after a reboot) and reserved ones (a CreateListReplica
 * cut short) are given back, so the replicas' data survive both.
 */
#ifndef CIMREPL_BLOCKPOOL_H
#define CIMREPL_BLOCKPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "lio.h"
#include "pools.h"

#define BLOCKPOOL_ALIGN		(1ULL << 20)	/* extents' alignment */
#define BLOCKPOOL_STORE_OWNER	"@store"

extern const struct pool_kind blockpool_kind;

/* A --block-pool argument. */
struct blockpool_spec {
	char name[32];			/* the kernel's pool name limit */
	char device[STORE_PATH_MAX];
	uint64_t store_size;		/* 0: a quarter of the device */
};

/* Parse NAME=DEVICE[,store=BYTES]; false with @err set when wrong. */
bool blockpool_parse_spec(const char *text, struct blockpool_spec *spec,
			  char *err, size_t err_len);

/*
 * Make the pool @spec names available: a new one is checked (the device
 * must be unused: not mounted, not held, no partitions, no LIO backstore),
 * its store mapped and formatted, and recorded; a known one must be on the
 * same device, and is brought up. 0 or -errno with @err set.
 */
int blockpool_add(struct daemon *d, struct lio *lio,
		  const struct blockpool_spec *spec, char *err, size_t err_len);

/*
 * At daemon start, for every block pool in the store: bring it up, make
 * the mappings of its committed extents that are missing, give back the
 * reserved ones and remove mappings no extent owns. Problems are logged.
 */
void blockpool_reconcile(struct daemon *d);

#endif /* CIMREPL_BLOCKPOOL_H */

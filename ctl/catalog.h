/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storage volumes cimrepld shows (CIM_StorageVolume): LIO block
 * backstores, each with what lies under it. A backstore over
 * /dev/cimrepl/NAME is *managed*: NAME is a kernel volume (a possible
 * source) or a replica. DeviceID is the backstore's name; Name is the NAA
 * identifier an initiator reads from VPD page 0x83 of its LUNs.
 */
#ifndef CIMREPL_CATALOG_H
#define CIMREPL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "lio.h"

#define CATALOG_DEV_PREFIX	"/dev/cimrepl/"

struct volume_entry {
	struct lio_backstore bs;
	uint64_t size;		/* bytes of the device under it, 0 if unknown */
	size_t n_luns;		/* LUNs exporting it */
	bool managed;		/* over /dev/cimrepl/kernel_name */
	struct kernel_volume kv;	/* when managed */
};

/* Every block backstore, in a malloc()ed array sorted by name. */
int catalog_volumes(struct daemon *d, struct lio *lio,
		    struct volume_entry **out, size_t *count);

/* The volume with DeviceID @device_id, or -ENOENT. */
int catalog_find(struct daemon *d, struct lio *lio, const char *device_id,
		 struct volume_entry *out);

/* The volume over the kernel device NAME (a volume or replica), or -ENOENT. */
int catalog_find_kernel(struct daemon *d, struct lio *lio, const char *name,
			struct volume_entry *out);

#endif /* CIMREPL_CATALOG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device-mapper linear mappings through libdevmapper: a named device that
 * is a run of sectors of another block device. The block pools carve their
 * device with these (blockpool.c). Every function returns 0 or -errno
 * with @err set where it takes one.
 */
#ifndef CIMREPL_DMLINEAR_H
#define CIMREPL_DMLINEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DMLINEAR_NAME_MAX	128	/* DM_NAME_LEN */

/*
 * Map @length bytes of block device @dev from byte @start (both multiples
 * of 512) as /dev/mapper/@name; its path into @path. -EEXIST if @name is
 * taken.
 */
int dmlinear_create(const char *name, dev_t dev, uint64_t start,
		    uint64_t length, char *path, size_t path_len, char *err,
		    size_t err_len);

/* Remove mapping @name; -EBUSY while it is open, -ENOENT if not there. */
int dmlinear_remove(const char *name, char *err, size_t err_len);

/* Is mapping @name there (0) and how many hold it open; -ENOENT if not. */
int dmlinear_info(const char *name, int *open_count);

/* Call @fn for every device-mapper device whose name starts with @prefix. */
typedef void (*dmlinear_fn)(const char *name, void *arg);
int dmlinear_list(const char *prefix, dmlinear_fn fn, void *arg);

/* The path a mapping has: /dev/mapper/@name. */
void dmlinear_path(const char *name, char *path, size_t path_len);

#endif /* CIMREPL_DMLINEAR_H */

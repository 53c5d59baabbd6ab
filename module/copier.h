/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chunk copier: copies a range of sectors from one block device to
 * another through a buffer of its own, reporting the first I/O error.
 */
#ifndef CIMREPL_COPIER_H
#define CIMREPL_COPIER_H

#include <linux/blkdev.h>

/**
 * struct cimrepl_copier - a copy buffer
 * @pages: the buffer, @nr_pages pages; used by one copy at a time (its
 *	owner serializes copies, e.g. an ordered workqueue)
 */
struct cimrepl_copier {
	struct page **pages;
	unsigned int nr_pages;
};

int cimrepl_copier_init(struct cimrepl_copier *copier, u32 max_sectors);
void cimrepl_copier_exit(struct cimrepl_copier *copier);

/* Copy @sectors (at most the buffer) from @src at @src_sector to @dst. */
int cimrepl_copy(struct cimrepl_copier *copier, struct block_device *src,
		 sector_t src_sector, struct block_device *dst,
		 sector_t dst_sector, u32 sectors);

#endif /* CIMREPL_COPIER_H */

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

/* Most copies cimrepl_copy_many() runs at once. */
#define CIMREPL_COPY_MANY_MAX	8

/* One copy of a batch: from @src at @src_sector to @dst, through @copier. */
struct cimrepl_copy_job {
	struct cimrepl_copier *copier;
	struct block_device *src;
	sector_t src_sector;
	struct block_device *dst;
	sector_t dst_sector;
	u32 sectors;
	int error;		/* out: 0 or the first I/O error */
};

/*
 * Run @n copies with their I/O in flight together: every read, then every
 * write of the jobs whose read succeeded. Each job reports its own error.
 */
void cimrepl_copy_many(struct cimrepl_copy_job *jobs, unsigned int n);

#endif /* CIMREPL_COPIER_H */

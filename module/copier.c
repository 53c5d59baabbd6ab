// SPDX-License-Identifier: GPL-2.0
/*
 * The chunk copier. A copy is a read of the whole range into the copier's
 * pages followed by a write; its caller decides when the written data must
 * be durable (the metadata commit that follows preflushes it).
 */
#include <linux/bio.h>
#include <linux/completion.h>
#include <linux/slab.h>

#include "copier.h"

int cimrepl_copier_init(struct cimrepl_copier *copier, u32 max_sectors)
{
	unsigned int i;

	copier->nr_pages = DIV_ROUND_UP(max_sectors << SECTOR_SHIFT, PAGE_SIZE);
	copier->pages = kcalloc(copier->nr_pages, sizeof(*copier->pages),
				GFP_KERNEL);
	if (!copier->pages)
		return -ENOMEM;
	for (i = 0; i < copier->nr_pages; i++) {
		copier->pages[i] = alloc_page(GFP_KERNEL);
		if (!copier->pages[i]) {
			cimrepl_copier_exit(copier);
			return -ENOMEM;
		}
	}
	return 0;
}

void cimrepl_copier_exit(struct cimrepl_copier *copier)
{
	unsigned int i;

	if (!copier->pages)
		return;
	for (i = 0; i < copier->nr_pages; i++)
		if (copier->pages[i])
			__free_page(copier->pages[i]);
	kfree(copier->pages);
	copier->pages = NULL;
}

static int cimrepl_copier_io(struct cimrepl_copier *copier,
			     struct block_device *bdev, sector_t sector,
			     u32 sectors, blk_opf_t opf)
{
	unsigned int bytes = sectors << SECTOR_SHIFT, i;
	struct bio *bio;
	int ret;

	bio = bio_alloc(bdev, DIV_ROUND_UP(bytes, PAGE_SIZE), opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	for (i = 0; bytes; i++) {
		unsigned int len = min_t(unsigned int, bytes, PAGE_SIZE);

		__bio_add_page(bio, copier->pages[i], len, 0);
		bytes -= len;
	}
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

int cimrepl_copy(struct cimrepl_copier *copier, struct block_device *src,
		 sector_t src_sector, struct block_device *dst,
		 sector_t dst_sector, u32 sectors)
{
	int ret;

	if (WARN_ON_ONCE(DIV_ROUND_UP(sectors << SECTOR_SHIFT, PAGE_SIZE) >
			 copier->nr_pages))
		return -EINVAL;
	ret = cimrepl_copier_io(copier, src, src_sector, sectors, REQ_OP_READ);
	if (ret)
		return ret;
	return cimrepl_copier_io(copier, dst, dst_sector, sectors, REQ_OP_WRITE);
}

/* What the bios of one phase of cimrepl_copy_many() wait on. */
struct cimrepl_copy_phase {
	atomic_t pending;
	struct completion done;
};

struct cimrepl_copy_bio {
	struct cimrepl_copy_job *job;
	struct cimrepl_copy_phase *phase;
};

static void cimrepl_copy_endio(struct bio *bio)
{
	struct cimrepl_copy_bio *cb = bio->bi_private;

	if (bio->bi_status && !cb->job->error)
		cb->job->error = blk_status_to_errno(bio->bi_status);
	if (atomic_dec_and_test(&cb->phase->pending))
		complete(&cb->phase->done);
	bio_put(bio);
}

static void cimrepl_copy_phase(struct cimrepl_copy_job *jobs, unsigned int n,
			       bool write)
{
	struct cimrepl_copy_bio cbs[CIMREPL_COPY_MANY_MAX];
	struct cimrepl_copy_phase phase;
	unsigned int i, j;

	atomic_set(&phase.pending, 1);
	init_completion(&phase.done);
	for (i = 0; i < n; i++) {
		struct cimrepl_copy_job *job = &jobs[i];
		unsigned int bytes = job->sectors << SECTOR_SHIFT;
		struct bio *bio;

		if (job->error)
			continue;
		bio = bio_alloc(write ? job->dst : job->src,
				DIV_ROUND_UP(bytes, PAGE_SIZE),
				write ? REQ_OP_WRITE : REQ_OP_READ, GFP_NOIO);
		bio->bi_iter.bi_sector = write ? job->dst_sector : job->src_sector;
		for (j = 0; bytes; j++) {
			unsigned int len = min_t(unsigned int, bytes, PAGE_SIZE);

			__bio_add_page(bio, job->copier->pages[j], len, 0);
			bytes -= len;
		}
		cbs[i].job = job;
		cbs[i].phase = &phase;
		bio->bi_private = &cbs[i];
		bio->bi_end_io = cimrepl_copy_endio;
		atomic_inc(&phase.pending);
		submit_bio(bio);
	}
	if (!atomic_dec_and_test(&phase.pending))
		wait_for_completion_io(&phase.done);
}

void cimrepl_copy_many(struct cimrepl_copy_job *jobs, unsigned int n)
{
	unsigned int i;

	if (WARN_ON_ONCE(n > CIMREPL_COPY_MANY_MAX))
		n = CIMREPL_COPY_MANY_MAX;
	for (i = 0; i < n; i++)
		if (!jobs[i].error &&
		    WARN_ON_ONCE(DIV_ROUND_UP(jobs[i].sectors << SECTOR_SHIFT,
					      PAGE_SIZE) > jobs[i].copier->nr_pages))
			jobs[i].error = -EINVAL;
	cimrepl_copy_phase(jobs, n, false);
	cimrepl_copy_phase(jobs, n, true);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The chunk copier. A copy is a read of the whole range into the copier's
 * pages followed by a write; its caller decides when the written data must
 * be durable (the metadata commit that follows preflushes it).
 */
#include <linux/bio.h>
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

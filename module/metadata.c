// SPDX-License-Identifier: GPL-2.0
/*
 * The on-disk metadata of a pool: format, load, and durable block updates.
 * The layout is described in metadata.h and Documentation/on-disk-format.rst.
 *
 * Ordering: every update is written with REQ_PREFLUSH | REQ_FUA. The
 * preflush makes the data chunk a record points at stable before the record
 * is; FUA makes the record stable before the write that depended on it (an
 * origin write after its copy-on-write) is released.
 */
#include <linux/bio.h>
#include <linux/crc32.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "metadata.h"

static sector_t cimrepl_meta_block_sector(u32 block, unsigned int copy)
{
	return (sector_t)(2 * block + copy) * CIMREPL_META_BLOCK_SECTORS;
}

static int cimrepl_meta_io(struct block_device *bdev, sector_t sector,
			   void *buf, blk_opf_t opf)
{
	struct bio *bio;
	int ret;

	bio = bio_alloc(bdev, 1, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	__bio_add_page(bio, virt_to_page(buf), CIMREPL_META_BLOCK,
		       offset_in_page(buf));
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

static u32 cimrepl_meta_crc(void *buf)
{
	struct cimrepl_meta_header *hdr = buf;
	__le32 saved = hdr->crc;
	u32 crc;

	hdr->crc = 0;
	crc = crc32_le(~0U, buf, CIMREPL_META_BLOCK);
	hdr->crc = saved;
	return crc;
}

/*
 * Is @buf a valid copy of logical block @block of kind @kind? @pool_id 0
 * accepts any pool (the superblock is read before the id is known).
 */
static bool cimrepl_meta_valid(void *buf, u32 block, u32 kind, u64 pool_id)
{
	struct cimrepl_meta_header *hdr = buf;

	return le32_to_cpu(hdr->magic) == CIMREPL_META_MAGIC &&
	       le32_to_cpu(hdr->crc) == cimrepl_meta_crc(buf) &&
	       le32_to_cpu(hdr->kind) == kind &&
	       le32_to_cpu(hdr->index) == block &&
	       (!pool_id || le64_to_cpu(hdr->pool_id) == pool_id);
}

/* Read the newer valid copy of @block into @out; -EINVAL if neither is. */
static int cimrepl_meta_read_block(struct cimrepl_meta *meta, u32 block,
				   u32 kind, void *out)
{
	u64 pool_id = le64_to_cpu(meta->super.hdr.pool_id);
	u64 best_gen = 0;
	unsigned int copy;
	int best = -1, ret;

	for (copy = 0; copy < 2; copy++) {
		struct cimrepl_meta_header *hdr = meta->buf;
		u64 gen;

		ret = cimrepl_meta_io(meta->bdev,
				      cimrepl_meta_block_sector(block, copy),
				      meta->buf, REQ_OP_READ);
		if (ret)
			return ret;
		if (!cimrepl_meta_valid(meta->buf, block, kind, pool_id))
			continue;
		gen = le64_to_cpu(hdr->generation);
		if (best < 0 || gen > best_gen) {
			best = copy;
			best_gen = gen;
			memcpy(out, meta->buf, CIMREPL_META_BLOCK);
		}
	}
	if (best < 0)
		return -EINVAL;
	if (best)
		__set_bit(block, meta->newer_b);
	else
		__clear_bit(block, meta->newer_b);
	meta->generation = max(meta->generation, best_gen);
	return 0;
}

/* Seal meta->buf as @block of @kind and write it over the older copy. */
static int cimrepl_meta_write_block(struct cimrepl_meta *meta, u32 block,
				    u32 kind, blk_opf_t flags)
{
	struct cimrepl_meta_header *hdr = meta->buf;
	unsigned int copy = test_bit(block, meta->newer_b) ? 0 : 1;
	int ret;

	lockdep_assert_held(&meta->lock);
	hdr->magic = cpu_to_le32(CIMREPL_META_MAGIC);
	hdr->generation = cpu_to_le64(++meta->generation);
	hdr->pool_id = meta->super.hdr.pool_id;
	hdr->kind = cpu_to_le32(kind);
	hdr->index = cpu_to_le32(block);
	hdr->crc = cpu_to_le32(cimrepl_meta_crc(meta->buf));

	ret = cimrepl_meta_io(meta->bdev, cimrepl_meta_block_sector(block, copy),
			      meta->buf, REQ_OP_WRITE | REQ_SYNC | flags);
	if (ret)
		return ret;
	if (copy)
		__set_bit(block, meta->newer_b);
	else
		__clear_bit(block, meta->newer_b);
	return 0;
}

int cimrepl_meta_write_super(struct cimrepl_meta *meta)
{
	BUILD_BUG_ON(sizeof(meta->super) > CIMREPL_META_BLOCK);
	memcpy(meta->buf, &meta->super, sizeof(meta->super));
	memset(meta->buf + sizeof(meta->super), 0,
	       CIMREPL_META_BLOCK - sizeof(meta->super));
	return cimrepl_meta_write_block(meta, CIMREPL_META_SUPER_BLOCK,
					CIMREPL_META_SUPER,
					REQ_PREFLUSH | REQ_FUA);
}

const struct cimrepl_meta_tunables *
cimrepl_meta_tunables(const struct cimrepl_meta *meta, unsigned int slot,
		      u32 seq)
{
	const struct cimrepl_meta_tunables *t = &meta->super.tunables[slot];

	return seq && le32_to_cpu(t->seq) == seq ? t : NULL;
}

void cimrepl_meta_put_tunables(struct cimrepl_meta *meta, unsigned int slot,
			       u32 seq, u32 flags, u32 throttle,
			       u32 max_lag_ms)
{
	struct cimrepl_meta_tunables *t = &meta->super.tunables[slot];

	if (le32_to_cpu(t->seq) != seq) {
		/* what a former record of the slot left is not this one's */
		memset(t, 0, sizeof(*t));
		t->seq = cpu_to_le32(seq);
	}
	t->flags |= cpu_to_le32(flags);
	if (flags & CIMREPL_META_TUNE_THROTTLE)
		t->throttle = cpu_to_le32(throttle);
	if (flags & CIMREPL_META_TUNE_MAX_LAG)
		t->max_lag_ms = cpu_to_le32(max_lag_ms);
}

int cimrepl_meta_write_tunables(struct cimrepl_meta *meta, unsigned int slot,
				u32 seq, u32 flags, u32 throttle,
				u32 max_lag_ms)
{
	struct cimrepl_meta_tunables was = meta->super.tunables[slot];
	int ret;

	lockdep_assert_held(&meta->lock);
	cimrepl_meta_put_tunables(meta, slot, seq, flags, throttle, max_lag_ms);
	ret = cimrepl_meta_write_super(meta);
	if (ret)
		meta->super.tunables[slot] = was;
	return ret;
}

int cimrepl_meta_write_snapshots(struct cimrepl_meta *meta)
{
	size_t off = sizeof(struct cimrepl_meta_header);

	memset(meta->buf, 0, CIMREPL_META_BLOCK);
	memcpy(meta->buf + off, meta->snapshots, sizeof(meta->snapshots));
	return cimrepl_meta_write_block(meta, CIMREPL_META_SNAPSHOT_BLOCK,
					CIMREPL_META_SNAPSHOT_TABLE,
					REQ_PREFLUSH | REQ_FUA);
}

/* Fill meta->buf with chunk table block @index (relative) and write it. */
static int cimrepl_meta_write_chunk_block(struct cimrepl_meta *meta,
					  u32 index, blk_opf_t flags)
{
	u64 first = (u64)index * CIMREPL_META_CHUNKS_PER_BLOCK;
	u64 count = min_t(u64, CIMREPL_META_CHUNKS_PER_BLOCK,
			  cimrepl_meta_nr_chunks(meta) - first);
	size_t off = sizeof(struct cimrepl_meta_header);

	memset(meta->buf, 0, CIMREPL_META_BLOCK);
	memcpy(meta->buf + off, &meta->chunks[first],
	       count * sizeof(struct cimrepl_meta_chunk));
	return cimrepl_meta_write_block(meta,
					CIMREPL_META_FIRST_CHUNK_BLOCK + index,
					CIMREPL_META_CHUNK_TABLE, flags);
}

int cimrepl_meta_write_chunk(struct cimrepl_meta *meta, u64 chunk)
{
	return cimrepl_meta_write_chunk_block(meta,
					      chunk / CIMREPL_META_CHUNKS_PER_BLOCK,
					      REQ_PREFLUSH | REQ_FUA);
}

static int cimrepl_meta_alloc(struct cimrepl_meta *meta,
			      struct block_device *bdev, u64 nr_chunks,
			      u32 table_blocks)
{
	mutex_init(&meta->lock);
	meta->bdev = bdev;
	meta->buf = kmalloc(CIMREPL_META_BLOCK, GFP_KERNEL);
	meta->chunks = kvcalloc(max_t(u64, nr_chunks, 1),
				sizeof(*meta->chunks), GFP_KERNEL);
	meta->newer_b = bitmap_zalloc(CIMREPL_META_FIRST_CHUNK_BLOCK +
				      table_blocks, GFP_KERNEL);
	if (!meta->buf || !meta->chunks || !meta->newer_b) {
		cimrepl_meta_free(meta);
		return -ENOMEM;
	}
	return 0;
}

void cimrepl_meta_free(struct cimrepl_meta *meta)
{
	kfree(meta->buf);
	kvfree(meta->chunks);
	bitmap_free(meta->newer_b);
	meta->buf = NULL;
	meta->chunks = NULL;
	meta->newer_b = NULL;
}

static u32 cimrepl_meta_table_blocks(u64 nr_chunks)
{
	return DIV_ROUND_UP_ULL(nr_chunks, CIMREPL_META_CHUNKS_PER_BLOCK);
}

/* Sectors the metadata takes before data chunk 0, chunk aligned. */
static sector_t cimrepl_meta_data_start(u64 nr_chunks, u32 chunk_sectors)
{
	u32 blocks = CIMREPL_META_FIRST_CHUNK_BLOCK +
		     cimrepl_meta_table_blocks(nr_chunks);

	return round_up(cimrepl_meta_block_sector(blocks, 0),
			(sector_t)chunk_sectors);
}

/* The highest generation of any valid superblock copy on the device. */
static u64 cimrepl_meta_max_generation(struct cimrepl_meta *meta)
{
	struct cimrepl_meta_header *hdr = meta->buf;
	unsigned int copy;
	u64 gen = 0;

	for (copy = 0; copy < 2; copy++) {
		if (cimrepl_meta_io(meta->bdev,
				    cimrepl_meta_block_sector(CIMREPL_META_SUPER_BLOCK,
							      copy),
				    meta->buf, REQ_OP_READ))
			continue;
		if (cimrepl_meta_valid(meta->buf, CIMREPL_META_SUPER_BLOCK,
				       CIMREPL_META_SUPER, 0))
			gen = max(gen, le64_to_cpu(hdr->generation));
	}
	return gen;
}

int cimrepl_meta_format(struct cimrepl_meta *meta, struct block_device *bdev,
			u32 chunk_sectors)
{
	sector_t sectors = bdev_nr_sectors(bdev);
	u64 nr_chunks = sectors / chunk_sectors;
	u32 blocks, i;
	int ret;

	/* the largest chunk count whose metadata still fits beside it */
	while (nr_chunks &&
	       cimrepl_meta_data_start(nr_chunks, chunk_sectors) +
	       nr_chunks * chunk_sectors > sectors)
		nr_chunks--;
	if (!nr_chunks)
		return -ENOSPC;
	blocks = cimrepl_meta_table_blocks(nr_chunks);

	memset(meta, 0, sizeof(*meta));
	ret = cimrepl_meta_alloc(meta, bdev, nr_chunks, blocks);
	if (ret)
		return ret;

	meta->super.hdr.pool_id = cpu_to_le64(get_random_u64() | 1);
	meta->super.version = cpu_to_le32(CIMREPL_META_VERSION);
	meta->super.chunk_sectors = cpu_to_le32(chunk_sectors);
	meta->super.nr_chunks = cpu_to_le64(nr_chunks);
	meta->super.data_start =
		cpu_to_le64(cimrepl_meta_data_start(nr_chunks, chunk_sectors));
	meta->super.chunk_table_blocks = cpu_to_le32(blocks);
	meta->super.next_seq = cpu_to_le32(1);
	meta->super.created_ns = cpu_to_le64(ktime_get_real_ns());

	/*
	 * A pool formatted over an old one must never read back a block of
	 * the old one: start above any generation on the device and write
	 * both copies of every block.
	 */
	meta->generation = cimrepl_meta_max_generation(meta);

	/*
	 * Empty tables first, the superblock last: until the superblock is
	 * written, nothing on the device claims to be this pool.
	 */
	mutex_lock(&meta->lock);
	for (i = 0; i < 2 * blocks && !ret; i++)
		ret = cimrepl_meta_write_chunk_block(meta, i / 2, 0);
	for (i = 0; i < 2 && !ret; i++) {
		memset(meta->buf, 0, CIMREPL_META_BLOCK);
		ret = cimrepl_meta_write_block(meta, CIMREPL_META_SNAPSHOT_BLOCK,
					       CIMREPL_META_SNAPSHOT_TABLE, 0);
	}
	for (i = 0; i < 2 && !ret; i++)
		ret = cimrepl_meta_write_super(meta);
	mutex_unlock(&meta->lock);
	if (ret)
		cimrepl_meta_free(meta);
	return ret;
}

static int cimrepl_meta_check_super(const struct cimrepl_meta_super *super,
				    sector_t sectors)
{
	u32 chunk_sectors = le32_to_cpu(super->chunk_sectors);
	u64 nr_chunks = le64_to_cpu(super->nr_chunks);
	u64 data_start = le64_to_cpu(super->data_start);

	if (le32_to_cpu(super->version) != CIMREPL_META_VERSION ||
	    !is_power_of_2(chunk_sectors) ||
	    chunk_sectors < (CIMREPL_CHUNK_SIZE_MIN >> SECTOR_SHIFT) ||
	    chunk_sectors > (CIMREPL_CHUNK_SIZE_MAX >> SECTOR_SHIFT) ||
	    !nr_chunks ||
	    le32_to_cpu(super->chunk_table_blocks) !=
	    cimrepl_meta_table_blocks(nr_chunks) ||
	    data_start != cimrepl_meta_data_start(nr_chunks, chunk_sectors) ||
	    data_start + nr_chunks * chunk_sectors > sectors)
		return -EINVAL;
	return 0;
}

int cimrepl_meta_load(struct cimrepl_meta *meta, struct block_device *bdev)
{
	struct cimrepl_meta_super *super;
	void *block;
	u64 nr_chunks, first, count;
	u32 blocks, i;
	int ret;

	block = kmalloc(CIMREPL_META_BLOCK, GFP_KERNEL);
	if (!block)
		return -ENOMEM;

	/* the superblock alone first: it says how big the rest is */
	memset(meta, 0, sizeof(*meta));
	ret = cimrepl_meta_alloc(meta, bdev, 1, 0);
	if (ret)
		goto out;
	ret = cimrepl_meta_read_block(meta, CIMREPL_META_SUPER_BLOCK,
				      CIMREPL_META_SUPER, block);
	if (ret)
		goto out_free;
	super = block;
	ret = cimrepl_meta_check_super(super, bdev_nr_sectors(bdev));
	if (ret)
		goto out_free;
	cimrepl_meta_free(meta);

	nr_chunks = le64_to_cpu(super->nr_chunks);
	blocks = le32_to_cpu(super->chunk_table_blocks);
	ret = cimrepl_meta_alloc(meta, bdev, nr_chunks, blocks);
	if (ret)
		goto out;
	memcpy(&meta->super, super, sizeof(meta->super));
	ret = cimrepl_meta_read_block(meta, CIMREPL_META_SUPER_BLOCK,
				      CIMREPL_META_SUPER, block);
	if (ret)
		goto out_free;

	ret = cimrepl_meta_read_block(meta, CIMREPL_META_SNAPSHOT_BLOCK,
				      CIMREPL_META_SNAPSHOT_TABLE, block);
	if (ret)
		goto out_free;
	memcpy(meta->snapshots, block + sizeof(struct cimrepl_meta_header),
	       sizeof(meta->snapshots));

	for (i = 0; i < blocks; i++) {
		ret = cimrepl_meta_read_block(meta,
					      CIMREPL_META_FIRST_CHUNK_BLOCK + i,
					      CIMREPL_META_CHUNK_TABLE, block);
		if (ret)
			goto out_free;
		first = (u64)i * CIMREPL_META_CHUNKS_PER_BLOCK;
		count = min_t(u64, CIMREPL_META_CHUNKS_PER_BLOCK,
			      nr_chunks - first);
		memcpy(&meta->chunks[first],
		       block + sizeof(struct cimrepl_meta_header),
		       count * sizeof(struct cimrepl_meta_chunk));
	}
	goto out;

out_free:
	cimrepl_meta_free(meta);
out:
	kfree(block);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The on-disk metadata of a pool (Documentation/on-disk-format.rst).
 *
 * A pool device starts with metadata blocks of CIMREPL_META_BLOCK bytes,
 * each stored twice (copy A, copy B) and checksummed; an update writes the
 * older copy, with a preflush (so that data the record points at is stable
 * first) and FUA, and the newer generation wins at load. A torn write thus
 * leaves the other copy intact. Blocks, in 4 KiB units:
 *
 *   0, 1   superblock            struct cimrepl_meta_super, with the
 *                                tunables of each snapshot table slot
 *   2, 3   snapshot table        CIMREPL_META_SNAPSHOTS snapshot records
 *   4 ...  chunk table           one struct cimrepl_meta_chunk per data chunk,
 *                                CIMREPL_META_CHUNKS_PER_BLOCK per block,
 *                                block i at 4 + 2i (A) and 5 + 2i (B)
 *   then, from data_start (chunk aligned), the data chunks.
 *
 * All fields are little endian. This file only formats, reads and writes
 * metadata; it never touches data chunks.
 */
#ifndef CIMREPL_METADATA_H
#define CIMREPL_METADATA_H

#include <linux/blkdev.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "cimrepl.h"

#define CIMREPL_META_MAGIC		0x50524d43	/* "CMRP" */
#define CIMREPL_META_VERSION		1
#define CIMREPL_META_BLOCK		4096
#define CIMREPL_META_BLOCK_SECTORS	(CIMREPL_META_BLOCK >> SECTOR_SHIFT)

enum cimrepl_meta_kind {
	CIMREPL_META_SUPER = 1,
	CIMREPL_META_SNAPSHOT_TABLE = 2,
	CIMREPL_META_CHUNK_TABLE = 3,
};

/* Logical block numbers of the fixed blocks. */
#define CIMREPL_META_SUPER_BLOCK	0
#define CIMREPL_META_SNAPSHOT_BLOCK	1
#define CIMREPL_META_FIRST_CHUNK_BLOCK	2

/* Starts every metadata block. */
struct cimrepl_meta_header {
	__le32 magic;
	__le32 crc;		/* crc32 of the block with this field zero */
	__le64 generation;	/* the higher of the two copies wins */
	__le64 pool_id;		/* random at format: ties blocks to the pool */
	__le32 kind;		/* enum cimrepl_meta_kind */
	__le32 index;		/* logical block number */
} __packed;

/*
 * A snapshot, or the point in time of a clone (CIMREPL_META_SNAP_CLONE:
 * @name is then the clone's volume over its target, @copy_state the
 * clone's, and chunks [0, @copied) are on the target); seq == 0 marks a
 * free slot.
 */
struct cimrepl_meta_snapshot {
	char name[CIMREPL_NAME_MAX];
	char origin[CIMREPL_NAME_MAX];
	__le32 seq;
	__le32 origin_id;	/* the origin's id in this pool's chunk records */
	__le16 copy_state;	/* CIMREPL_COPY_STATE_* */
	__le16 flags;		/* CIMREPL_META_SNAP_* */
	__le32 copied;		/* clones: chunks on the target; else 0 */
	__le64 created_ns;
} __packed;

#define CIMREPL_META_SNAP_CLONE		0x1	/* the image of a clone */
#define CIMREPL_META_SNAP_IMAGE_LOST	0x2	/* a clone's image broke */
/*
 * A mirror: @name is the mirror's volume over its target, @origin its
 * source, @copy_state its state; its log lives in the chunks whose records
 * carry CIMREPL_META_CHUNK_MIRROR_LOG and @seq.
 */
#define CIMREPL_META_SNAP_MIRROR	0x4
#define CIMREPL_META_SNAP_ASYNC		0x8	/* a mirror in Mode 3 */
/* A write of the mirror's log failed: at load, every region is dirty. */
#define CIMREPL_META_SNAP_LOG_FAILED	0x10
/* The mirror's target was Synchronized since its last copy began. */
#define CIMREPL_META_SNAP_CONSISTENT	0x20

#define CIMREPL_META_SNAPSHOTS \
	((CIMREPL_META_BLOCK - sizeof(struct cimrepl_meta_header)) / \
	 sizeof(struct cimrepl_meta_snapshot))

/*
 * The tunables set on the synchronization whose record is in the same slot
 * of the snapshot table: they live in the superblock's block, after its
 * fields, and count only while @seq is the record's sequence number (a
 * slot's next record has another one, so an entry left behind by a deleted
 * record is stale by construction and never needs clearing). All zero in a
 * pool formatted before they existed: nothing recorded.
 */
struct cimrepl_meta_tunables {
	__le32 seq;
	__le32 flags;		/* CIMREPL_META_TUNE_*: which fields are set */
	__le32 throttle;	/* KiB/s of the background copy, 0 = none */
	__le32 max_lag_ms;	/* an asynchronous mirror's lag bound */
} __packed;

#define CIMREPL_META_TUNE_THROTTLE	0x1
#define CIMREPL_META_TUNE_MAX_LAG	0x2

struct cimrepl_meta_super {
	struct cimrepl_meta_header hdr;
	__le32 version;
	__le32 chunk_sectors;
	__le64 nr_chunks;		/* data chunks */
	__le64 data_start;		/* sector of data chunk 0 */
	__le32 chunk_table_blocks;
	__le32 next_seq;		/* snapshot sequence numbers never repeat */
	__le64 created_ns;
	struct cimrepl_meta_tunables tunables[CIMREPL_META_SNAPSHOTS];
} __packed;

/*
 * A data chunk's owner: the old contents of chunk @origin_chunk of origin
 * @origin_id as seen by the snapshots with sequence numbers @from_seq to
 * @to_seq; or, with CIMREPL_META_CHUNK_PRIVATE, snapshot @from_seq's own
 * (written) copy. from_seq == 0 marks a free chunk.
 */
struct cimrepl_meta_chunk {
	__le64 origin_chunk;
	__le32 origin_id;
	__le32 from_seq;
	__le32 to_seq;
	__le32 flags;
} __packed;

#define CIMREPL_META_CHUNK_PRIVATE	0x1
/*
 * A chunk of a mirror's dirty-region log: @from_seq == @to_seq is the
 * mirror's record, @origin_chunk the chunk's place in the log, @origin_id 0.
 */
#define CIMREPL_META_CHUNK_MIRROR_LOG	0x2

#define CIMREPL_META_CHUNKS_PER_BLOCK \
	((CIMREPL_META_BLOCK - sizeof(struct cimrepl_meta_header)) / \
	 sizeof(struct cimrepl_meta_chunk))

/**
 * struct cimrepl_meta - the metadata of one pool, in memory
 * @bdev: the pool device
 * @lock: serializes metadata writes and protects @super, @snapshots,
 *	@chunks, @newer_b and @generation
 * @super: the superblock as last written
 * @snapshots: the snapshot table
 * @chunks: the whole chunk table (nr_chunks records), kvmalloc'ed
 * @newer_b: bit i set when copy B of logical block i is the newer one
 * @generation: the highest generation written or read
 * @buf: one block of bounce buffer for writes, under @lock
 */
struct cimrepl_meta {
	struct block_device *bdev;
	struct mutex lock;	/* see above */
	struct cimrepl_meta_super super;
	struct cimrepl_meta_snapshot snapshots[CIMREPL_META_SNAPSHOTS];
	struct cimrepl_meta_chunk *chunks;
	unsigned long *newer_b;
	u64 generation;
	void *buf;
};

/* Lay out a fresh pool on @bdev with chunks of @chunk_sectors. */
int cimrepl_meta_format(struct cimrepl_meta *meta, struct block_device *bdev,
			u32 chunk_sectors);
/* Read an existing pool's metadata from @bdev; -EINVAL if there is none. */
int cimrepl_meta_load(struct cimrepl_meta *meta, struct block_device *bdev);
void cimrepl_meta_free(struct cimrepl_meta *meta);

/*
 * Write the block holding chunk record @chunk, or the snapshot table, or the
 * superblock, from the in-memory image; the caller holds @meta->lock and
 * has updated the image. Preflush + FUA: durable on return.
 */
int cimrepl_meta_write_chunk(struct cimrepl_meta *meta, u64 chunk);
int cimrepl_meta_write_snapshots(struct cimrepl_meta *meta);
int cimrepl_meta_write_super(struct cimrepl_meta *meta);

/*
 * The tunables recorded for the record in @slot with sequence number
 * @seq, or NULL if none are. Caller holds @meta->lock, or loads the pool.
 */
const struct cimrepl_meta_tunables *
cimrepl_meta_tunables(const struct cimrepl_meta *meta, unsigned int slot,
		      u32 seq);
/*
 * Set the tunables @flags (CIMREPL_META_TUNE_*) of the record in @slot,
 * @seq, to @throttle and @max_lag_ms in the in-memory superblock; the
 * next superblock write carries them. Caller holds @meta->lock.
 */
void cimrepl_meta_put_tunables(struct cimrepl_meta *meta, unsigned int slot,
			       u32 seq, u32 flags, u32 throttle,
			       u32 max_lag_ms);
/*
 * The same, and the superblock written at once (preflush + FUA); on
 * failure the in-memory image is as it was. Caller holds @meta->lock.
 */
int cimrepl_meta_write_tunables(struct cimrepl_meta *meta, unsigned int slot,
				u32 seq, u32 flags, u32 throttle,
				u32 max_lag_ms);

static inline u64 cimrepl_meta_nr_chunks(const struct cimrepl_meta *meta)
{
	return le64_to_cpu(meta->super.nr_chunks);
}

static inline u32 cimrepl_meta_chunk_sectors(const struct cimrepl_meta *meta)
{
	return le32_to_cpu(meta->super.chunk_sectors);
}

/* The sector where data chunk @chunk starts. */
static inline sector_t cimrepl_meta_chunk_sector(const struct cimrepl_meta *meta,
						 u64 chunk)
{
	return le64_to_cpu(meta->super.data_start) +
	       chunk * cimrepl_meta_chunk_sectors(meta);
}

#endif /* CIMREPL_METADATA_H */

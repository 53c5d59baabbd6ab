/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The copy-on-write core shared by the snapshot engine (snapshot.c) and the
 * clone engine (clone.c): an origin volume, the point-in-time images taken
 * of it and the index of the chunk copies that keep them. Internal to those
 * two files.
 */
#ifndef CIMREPL_ORIGIN_H
#define CIMREPL_ORIGIN_H

#include <linux/bio.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "copier.h"

struct cimrepl_clone;
struct cimrepl_pool;
struct cimrepl_volume;

/**
 * struct cimrepl_exception - where a copy of an origin chunk lives
 * @next: the next exception of the same origin chunk
 * @pool_chunk: the pool data chunk holding the copy
 * @from_seq: first snapshot sequence number it serves
 * @to_seq: last one (equal to @from_seq for a private copy)
 * @users: live snapshots it serves (a shared copy is freed at zero)
 * @private_copy: written by snapshot @from_seq, serves only it
 */
struct cimrepl_exception {
	struct cimrepl_exception *next;
	u64 pool_chunk;
	u32 from_seq;
	u32 to_seq;
	u32 users;
	bool private_copy;
};

/**
 * struct cimrepl_origin - the snapshot state of a source volume
 * @vol: the volume
 * @pool: the pool every snapshot of this origin takes its chunks from
 * @origin_id: this origin's id in the pool's chunk records
 * @chunk_sectors: the pool's chunk size
 * @snapshots: its snapshots by ascending sequence number; changed under
 *	cimrepl_config_lock with I/O held, read under @lock
 * @lock: protects @exceptions, @pending, @latest_seq, @readers, @reader_gen
 *	and the snapshots' @copy_state; taken with interrupts disabled
 * @exceptions: origin chunk -> first struct cimrepl_exception
 * @pending: copies queued for @work
 * @latest_seq: sequence number of the newest valid snapshot, 0 if none
 * @readers: snapshot reads served from the origin, per generation
 * @reader_gen: the generation new such reads join
 * @readers_done: woken when a generation's readers drop to zero
 * @readers_lock: serializes waiters for a generation, so that two of them
 *	never flip @reader_gen under each other
 * @wq: ordered workqueue running @work
 * @work: runs the queued copies
 * @copier: the copy buffer, used by @work only
 * @batch_copiers: buffers for copies before origin writes, run together,
 *	@batch_max of them; used by @work only
 * @nr_chunks: chunks of the volume, the last one possibly partial
 * @restoring: the snapshot being restored onto this origin, or NULL; under
 *	@lock, like the three fields below
 * @restore_pending: chunks still to be copied back from @restoring
 * @restore_total: chunks to copy back in all
 * @restore_done: chunks copied back so far
 * @clone_turn: sequence number of the clone whose copy ran last, so that
 *	the clones of one origin take turns; used by @work only
 */
struct cimrepl_origin {
	struct cimrepl_volume *vol;
	struct cimrepl_pool *pool;
	u32 origin_id;
	u32 chunk_sectors;
	struct list_head snapshots;
	spinlock_t lock;	/* see above */
	struct xarray exceptions;
	struct list_head pending;
	u32 latest_seq;
	unsigned int readers[2];
	unsigned int reader_gen;
	wait_queue_head_t readers_done;
	struct mutex readers_lock;	/* see above */
	struct workqueue_struct *wq;
	struct work_struct work;
	struct cimrepl_copier copier;
	struct cimrepl_copier batch_copiers[CIMREPL_COPY_MANY_MAX];
	unsigned int batch_max;
	u64 nr_chunks;
	struct cimrepl_snapshot *restoring;
	unsigned long *restore_pending;
	u64 restore_total;
	u64 restore_done;
	u32 clone_turn;
};

/**
 * struct cimrepl_snapshot - one snapshot
 * @node: entry in @origin->snapshots
 * @vol: its block device
 * @origin: what it is a snapshot of
 * @seq: sequence number
 * @slot: its record in the pool's snapshot table
 * @copy_state: CIMREPL_COPY_STATE_*: Synchronized (a valid image) or
 *	Broken (the pool ran out or failed; its data is gone)
 * @created_ns: when it was taken
 * @clone: when this point in time is the source of a clone, the clone
 *	(clone.c); @vol is then the clone device over its target
 */
struct cimrepl_snapshot {
	struct list_head node;
	struct cimrepl_volume *vol;
	struct cimrepl_origin *origin;
	u32 seq;
	unsigned int slot;
	u16 copy_state;
	u64 created_ns;
	struct cimrepl_clone *clone;
};

/**
 * struct cimrepl_cow - a copy waiting for the worker
 * @node: entry in origin->pending
 * @chunk: origin chunk
 * @snap: NULL for a copy before an origin write; the snapshot for a
 *	private copy before a snapshot write
 * @restore: instead, copy the chunk back from the snapshot being restored
 *	before the origin writes in @bios
 * @bios: the writes waiting for it
 */
struct cimrepl_cow {
	struct list_head node;
	u64 chunk;
	struct cimrepl_snapshot *snap;
	bool restore;
	struct bio_list bios;
};

static inline bool cimrepl_snapshot_valid(const struct cimrepl_snapshot *snap)
{
	return snap->copy_state == CIMREPL_COPY_STATE_SYNCHRONIZED;
}

/* The exception a snapshot @seq reads chunk @chunk from, or NULL: origin. */
struct cimrepl_exception *
cimrepl_find_exception(struct cimrepl_origin *origin, u64 chunk, u32 seq);

/* Sectors of chunk @chunk: the volume's last chunk may be short. */
u32 cimrepl_chunk_len(struct cimrepl_origin *origin, u64 chunk);

/* Wait for the image reads (and clone I/O) served before this moment. */
void cimrepl_origin_wait_readers(struct cimrepl_origin *origin);

/*
 * Give up snapshot @seq's claims on the copies of chunks @first and up;
 * copies no one uses any more return to the pool.
 */
void cimrepl_drop_claims(struct cimrepl_origin *origin, u32 seq, u64 first,
			 u64 last);

/*
 * Take @snap out of its origin and its pool record, returning its space;
 * the device stays for the caller. Caller holds cimrepl_config_lock.
 */
void cimrepl_snapshot_unlink(struct cimrepl_snapshot *snap);

/*
 * Make @snap invalid: no copy is made for it any more (an aborted clone).
 * Returns whether it was valid; its copies are the caller's to give back,
 * with cimrepl_drop_claims(), once that is recorded.
 */
bool cimrepl_snapshot_invalidate(struct cimrepl_snapshot *snap);

/* Persist that @snap lost its point in time; caller holds meta.lock. */
void cimrepl_snapshot_mark_broken(struct cimrepl_snapshot *snap);

/* Where the clone engine sends a bio of its device (clone.c). */
enum cimrepl_clone_route {
	CIMREPL_CLONE_TO_IMAGE,		/* the point-in-time image */
	CIMREPL_CLONE_TO_TARGET,	/* the target: the chunk is copied */
	CIMREPL_CLONE_DEFERRED,		/* held while the chunk is copied */
};

/* Caller holds @origin->lock. */
enum cimrepl_clone_route cimrepl_clone_route(struct cimrepl_clone *clone,
					     u64 chunk, struct bio *bio);
/* A REQ_PREFLUSH bio of the clone device, with or without data. */
void cimrepl_clone_flush(struct cimrepl_clone *clone, struct bio *bio);
/* One step of the background copies of @origin's clones; true: more. */
bool cimrepl_clone_step(struct cimrepl_origin *origin);
/* The point in time of @clone is gone (the pool failed). Under @lock. */
void cimrepl_clone_image_lost(struct cimrepl_clone *clone);
/* Fill @rec with @clone's state; caller holds meta.lock. */
struct cimrepl_meta;
struct cimrepl_meta_snapshot;
void cimrepl_clone_fill_record(struct cimrepl_clone *clone,
			       struct cimrepl_meta_snapshot *rec);
/*
 * @clone's creation-time tunables into @meta's in-memory superblock, for
 * its record in @slot, @seq (under @meta->lock, before the superblock is
 * written).
 */
void cimrepl_clone_put_tunables(struct cimrepl_clone *clone,
				struct cimrepl_meta *meta, unsigned int slot,
				u32 seq);
/*
 * Chunks [0, copied) of a clone are on its target, and the image holds no
 * claim on their copies any more. Under @lock, or stable where the caller
 * knows the copy is not running.
 */
u64 cimrepl_clone_copied(const struct cimrepl_clone *clone);
/* Where a clone's claims start: 0 for a snapshot. */
static inline u64 cimrepl_claims_start(const struct cimrepl_snapshot *snap)
{
	return snap->clone ? cimrepl_clone_copied(snap->clone) : 0;
}

#endif /* CIMREPL_ORIGIN_H */

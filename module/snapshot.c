// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot engine (SyncType 7).
 *
 * Every snapshot of an origin volume has a sequence number, increasing with
 * creation time. When the origin first writes a chunk after the newest
 * snapshot was taken, the chunk's old contents are copied once into a pool
 * chunk and recorded as an exception covering the sequence numbers from just
 * after the last copy of that chunk up to the newest snapshot: one copy serves
 * every snapshot that needs it, so a first write costs the same whatever the
 * number of snapshots. A snapshot reads a chunk from the exception covering
 * its sequence number, or from the origin when no copy was needed yet.
 *
 * A write to a snapshot gets the snapshot a private copy of the chunk,
 * which takes precedence over the shared one (whose count of users drops).
 *
 * Ordering: the copy is written, then its record (preflush + FUA, see
 * metadata.c), and only then is the origin write that caused it released.
 * A snapshot read served from the origin holds a reader generation; before
 * releasing origin writes to a freshly copied chunk, the copy waits for the
 * reads of the previous generation, so no snapshot read can see new data.
 *
 * All copying and metadata work of one origin and its snapshots runs on one
 * ordered workqueue, so the chunk index only changes in one place at a time.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/genetlink.h>

#include "clone.h"
#include "copier.h"
#include "mirror.h"
#include "netlink.h"
#include "origin.h"
#include "pool.h"
#include "snapshot.h"
#include "volume.h"

static const u16 cimrepl_snapshot_modes[] = { CIMREPL_MODE_SYNCHRONOUS };
static const u16 cimrepl_snapshot_ops[] = {
	CIMREPL_OP_RESTORE_FROM_REPLICA,
	CIMREPL_OP_RETURN_TO_RESOURCE_POOL,
};

const struct cimrepl_engine cimrepl_snapshot_engine = {
	.sync_type = CIMREPL_SYNC_TYPE_SNAPSHOT,
	.modes = cimrepl_snapshot_modes,
	.n_modes = ARRAY_SIZE(cimrepl_snapshot_modes),
	.operations = cimrepl_snapshot_ops,
	.n_operations = ARRAY_SIZE(cimrepl_snapshot_ops),
};

static struct cimrepl_exception *
cimrepl_exceptions(struct cimrepl_origin *origin, u64 chunk)
{
	return xa_load(&origin->exceptions, chunk);
}

struct cimrepl_exception *
cimrepl_find_exception(struct cimrepl_origin *origin, u64 chunk, u32 seq)
{
	struct cimrepl_exception *e, *shared = NULL;

	for (e = cimrepl_exceptions(origin, chunk); e; e = e->next) {
		if (e->private_copy && e->from_seq == seq)
			return e;
		if (!e->private_copy && e->from_seq <= seq && seq <= e->to_seq)
			shared = e;
	}
	return shared;
}

/* The newest sequence number a shared copy of @chunk already serves. */
static u32 cimrepl_last_covered(struct cimrepl_origin *origin, u64 chunk)
{
	struct cimrepl_exception *e;
	u32 last = 0;

	for (e = cimrepl_exceptions(origin, chunk); e; e = e->next)
		if (!e->private_copy)
			last = max(last, e->to_seq);
	return last;
}

static bool cimrepl_has_private(struct cimrepl_origin *origin, u64 chunk,
				u32 seq)
{
	struct cimrepl_exception *e;

	for (e = cimrepl_exceptions(origin, chunk); e; e = e->next)
		if (e->private_copy && e->from_seq == seq)
			return true;
	return false;
}

/*
 * Does @snap still read chunk @chunk as the origin had it: a valid image
 * without its own copy, and, for a clone, a chunk not yet on its target.
 * Caller holds @lock.
 */
static bool cimrepl_snapshot_needs(struct cimrepl_origin *origin,
				   struct cimrepl_snapshot *snap, u64 chunk)
{
	return cimrepl_snapshot_valid(snap) &&
	       !(snap->clone && chunk < cimrepl_clone_copied(snap->clone)) &&
	       !cimrepl_has_private(origin, chunk, snap->seq);
}

/*
 * How many snapshots with sequence numbers in [@from, @to] still need
 * chunk @chunk from the origin. Caller holds @lock.
 */
static u32 cimrepl_users_in(struct cimrepl_origin *origin, u64 chunk, u32 from,
			    u32 to)
{
	struct cimrepl_snapshot *snap;
	u32 users = 0;

	list_for_each_entry(snap, &origin->snapshots, node)
		if (snap->seq >= from && snap->seq <= to &&
		    cimrepl_snapshot_needs(origin, snap, chunk))
			users++;
	return users;
}

/* Does an origin write to @chunk need a copy first? Caller holds @lock. */
static bool cimrepl_origin_needs_copy(struct cimrepl_origin *origin, u64 chunk)
{
	u32 last = cimrepl_last_covered(origin, chunk);

	return last < origin->latest_seq &&
	       cimrepl_users_in(origin, chunk, last + 1, origin->latest_seq);
}

static struct cimrepl_cow *cimrepl_find_cow(struct cimrepl_origin *origin,
					    u64 chunk,
					    struct cimrepl_snapshot *snap,
					    bool restore)
{
	struct cimrepl_cow *cow;

	list_for_each_entry(cow, &origin->pending, node)
		if (cow->chunk == chunk && cow->snap == snap &&
		    cow->restore == restore)
			return cow;
	return NULL;
}

/*
 * Queue @bio behind a copy of @chunk for @snap (NULL: the origin). Caller
 * holds @lock and passes a preallocated entry in *@spare, which is used
 * (and set to NULL) when no copy of this chunk is pending yet.
 */
static bool cimrepl_queue_cow(struct cimrepl_origin *origin, u64 chunk,
			      struct cimrepl_snapshot *snap, bool restore,
			      struct bio *bio, struct cimrepl_cow **spare)
{
	struct cimrepl_cow *cow = cimrepl_find_cow(origin, chunk, snap, restore);

	if (!cow) {
		cow = *spare;
		if (!cow)
			return false;
		*spare = NULL;
		cow->chunk = chunk;
		cow->snap = snap;
		cow->restore = restore;
		bio_list_init(&cow->bios);
		list_add_tail(&cow->node, &origin->pending);
		queue_work(origin->wq, &origin->work);
	}
	bio_list_add(&cow->bios, bio);
	return true;
}

static u64 cimrepl_chunk_of(struct cimrepl_origin *origin, struct bio *bio)
{
	return bio->bi_iter.bi_sector >> ilog2(origin->chunk_sectors);
}

static sector_t cimrepl_pool_sector(struct cimrepl_origin *origin,
				    struct cimrepl_exception *e,
				    struct bio *bio)
{
	return cimrepl_meta_chunk_sector(&origin->pool->meta, e->pool_chunk) +
	       (bio->bi_iter.bi_sector & (origin->chunk_sectors - 1));
}

u32 cimrepl_chunk_len(struct cimrepl_origin *origin, u64 chunk)
{
	sector_t start = chunk * origin->chunk_sectors;

	return min_t(sector_t, origin->chunk_sectors,
		     get_capacity(origin->vol->disk) - start);
}

/*
 * While a snapshot is restored onto the origin, a chunk not yet copied back
 * reads from the snapshot's copy and is copied back before it is written.
 * Caller holds @lock. Returns true when @bio was taken care of.
 */
static bool cimrepl_origin_restoring(struct cimrepl_origin *origin,
				     struct bio *bio, u64 chunk,
				     sector_t *pool_sector, bool *failed,
				     struct cimrepl_cow **spare)
{
	struct cimrepl_snapshot *snap = origin->restoring;
	struct cimrepl_exception *e;

	if (!snap || !test_bit(chunk, origin->restore_pending))
		return false;
	if (op_is_write(bio_op(bio))) {
		*failed = !cimrepl_queue_cow(origin, chunk, snap, true, bio,
					     spare);
		return true;
	}
	e = cimrepl_find_exception(origin, chunk, snap->seq);
	if (!e)
		return false;
	*pool_sector = cimrepl_pool_sector(origin, e, bio);
	return true;
}

void cimrepl_origin_submit(struct cimrepl_origin *origin, struct bio *bio)
{
	struct cimrepl_volume *vol = origin->vol;
	u64 chunk = cimrepl_chunk_of(origin, bio);
	bool queued = false, failed = false;
	struct cimrepl_cow *spare = NULL;
	sector_t pool_sector = 0;
	unsigned int gen = 0;

	if (!bio_sectors(bio))
		goto remap;
	/* ->submit_bio may sleep: the queue entry is taken before the lock */
	if (op_is_write(bio_op(bio)) || READ_ONCE(origin->restoring)) {
		spare = kzalloc(sizeof(*spare), GFP_NOIO);
		if (!spare) {
			cimrepl_volume_end_bio(vol, bio, BLK_STS_RESOURCE);
			return;
		}
	}
	if (READ_ONCE(origin->restoring)) {
		spin_lock_irq(&origin->lock);
		queued = cimrepl_origin_restoring(origin, bio, chunk,
						  &pool_sector, &failed, &spare);
		if (queued && pool_sector) {
			gen = origin->reader_gen;
			origin->readers[gen]++;
		}
		spin_unlock_irq(&origin->lock);
		if (queued && pool_sector) {
			kfree(spare);
			cimrepl_volume_remap(vol, bio, origin->pool->backing.bdev,
					     pool_sector, origin, gen);
			return;
		}
		if (queued || failed)
			goto out;
	}
	if (op_is_write(bio_op(bio))) {
		spin_lock_irq(&origin->lock);
		if (cimrepl_find_cow(origin, chunk, NULL, false) ||
		    cimrepl_origin_needs_copy(origin, chunk)) {
			queued = cimrepl_queue_cow(origin, chunk, NULL, false,
						   bio, &spare);
			failed = !queued;
		}
		spin_unlock_irq(&origin->lock);
	}
out:
	kfree(spare);
	if (failed) {
		cimrepl_volume_end_bio(vol, bio, BLK_STS_RESOURCE);
		return;
	}
	if (queued)
		return;
remap:
	cimrepl_volume_remap(vol, bio, vol->backing.bdev,
			     bio->bi_iter.bi_sector, NULL, 0);
}

void cimrepl_origin_read_done(struct cimrepl_origin *origin, unsigned int gen)
{
	unsigned long flags;

	spin_lock_irqsave(&origin->lock, flags);
	if (!--origin->readers[gen])
		wake_up(&origin->readers_done);
	spin_unlock_irqrestore(&origin->lock, flags);
}

void cimrepl_snapshot_submit(struct cimrepl_snapshot *snap, struct bio *bio)
{
	struct cimrepl_origin *origin = snap->origin;
	struct cimrepl_volume *vol = snap->vol;
	struct block_device *pool_bdev = origin->pool->backing.bdev;
	u64 chunk = cimrepl_chunk_of(origin, bio);
	struct cimrepl_cow *spare = NULL;
	struct cimrepl_exception *e;
	struct block_device *bdev;
	unsigned int gen;
	sector_t sector;

	/* a clone's data is on two devices: it flushes both, then writes */
	if (snap->clone && (bio->bi_opf & REQ_PREFLUSH)) {
		cimrepl_clone_flush(snap->clone, bio);
		return;
	}
	if (!bio_sectors(bio)) {
		/* a flush: what a snapshot writes lives in the pool */
		cimrepl_volume_remap(vol, bio, pool_bdev, 0, NULL, 0);
		return;
	}
	if (op_is_write(bio_op(bio))) {
		spare = kzalloc(sizeof(*spare), GFP_NOIO);
		if (!spare) {
			cimrepl_volume_end_bio(vol, bio, BLK_STS_RESOURCE);
			return;
		}
	}

	spin_lock_irq(&origin->lock);
	/* a clone's chunk already copied lives on its target */
	switch (snap->clone ? cimrepl_clone_route(snap->clone, chunk, bio) :
		CIMREPL_CLONE_TO_IMAGE) {
	case CIMREPL_CLONE_TO_IMAGE:
		break;
	case CIMREPL_CLONE_TO_TARGET:
		spin_unlock_irq(&origin->lock);
		kfree(spare);
		cimrepl_volume_remap(vol, bio, vol->backing.bdev,
				     bio->bi_iter.bi_sector, NULL, 0);
		return;
	case CIMREPL_CLONE_DEFERRED:
		spin_unlock_irq(&origin->lock);
		kfree(spare);
		return;
	}
	if (!cimrepl_snapshot_valid(snap)) {
		spin_unlock_irq(&origin->lock);
		kfree(spare);
		cimrepl_volume_end_bio(vol, bio, BLK_STS_IOERR);
		return;
	}
	e = cimrepl_find_exception(origin, chunk, snap->seq);
	if (op_is_write(bio_op(bio)) && !(e && e->private_copy)) {
		bool queued = cimrepl_queue_cow(origin, chunk, snap, false, bio,
						&spare);

		spin_unlock_irq(&origin->lock);
		kfree(spare);
		if (!queued)
			cimrepl_volume_end_bio(vol, bio, BLK_STS_RESOURCE);
		return;
	}
	if (e) {
		/* a pool chunk is not reused while a read of it is in flight */
		bdev = pool_bdev;
		sector = cimrepl_pool_sector(origin, e, bio);
	} else {
		/* the origin still holds this chunk's point-in-time data */
		bdev = origin->vol->backing.bdev;
		sector = bio->bi_iter.bi_sector;
	}
	gen = origin->reader_gen;
	origin->readers[gen]++;
	spin_unlock_irq(&origin->lock);
	kfree(spare);
	cimrepl_volume_remap(vol, bio, bdev, sector, origin, gen);
}

void cimrepl_origin_wait_readers(struct cimrepl_origin *origin)
{
	unsigned int old;

	mutex_lock(&origin->readers_lock);
	spin_lock_irq(&origin->lock);
	old = origin->reader_gen;
	origin->reader_gen ^= 1;
	wait_event_lock_irq(origin->readers_done, !origin->readers[old],
			    origin->lock);
	spin_unlock_irq(&origin->lock);
	mutex_unlock(&origin->readers_lock);
}

/*
 * Insert @e; the caller reserved the slot with cimrepl_reserve_slot()
 * before taking @lock, so the store allocates nothing.
 */
static void cimrepl_insert_exception(struct cimrepl_origin *origin, u64 chunk,
				     struct cimrepl_exception *e)
{
	e->next = cimrepl_exceptions(origin, chunk);
	WARN_ON_ONCE(xa_is_err(xa_store(&origin->exceptions, chunk, e,
					GFP_ATOMIC)));
}

/* Make sure chunk @chunk has a slot in the index; may sleep. */
static int cimrepl_reserve_slot(struct cimrepl_origin *origin, u64 chunk)
{
	return xa_reserve(&origin->exceptions, chunk, GFP_NOIO);
}

static void cimrepl_remove_exception(struct cimrepl_origin *origin, u64 chunk,
				     struct cimrepl_exception *victim)
{
	struct cimrepl_exception *e = cimrepl_exceptions(origin, chunk), **link;

	if (e == victim) {
		if (victim->next)
			xa_store(&origin->exceptions, chunk, victim->next,
				 GFP_ATOMIC);
		else
			xa_erase(&origin->exceptions, chunk);
		return;
	}
	for (link = &e->next; *link; link = &(*link)->next) {
		if (*link == victim) {
			*link = victim->next;
			return;
		}
	}
}

static void cimrepl_snapshot_notify(struct cimrepl_snapshot *snap, u16 event);
static u32 cimrepl_latest_valid_seq(struct cimrepl_origin *origin);
static void cimrepl_restore_abort(struct cimrepl_origin *origin);

void cimrepl_snapshot_mark_broken(struct cimrepl_snapshot *snap)
{
	struct cimrepl_meta_snapshot *rec =
		&snap->origin->pool->meta.snapshots[snap->slot];

	lockdep_assert_held(&snap->origin->pool->meta.lock);
	if (snap->clone)
		cimrepl_clone_fill_record(snap->clone, rec);
	else
		rec->copy_state = cpu_to_le16(CIMREPL_COPY_STATE_BROKEN);
}

/*
 * The pool could not take a copy: the snapshots that needed it lose their
 * point in time. Persist that, tell listeners; the origin write goes on.
 */
static void cimrepl_break_snapshots(struct cimrepl_origin *origin, u64 chunk,
				    u32 from, u32 to)
{
	struct cimrepl_meta *meta = &origin->pool->meta;
	struct cimrepl_snapshot *snap, *broken[CIMREPL_META_SNAPSHOTS];
	unsigned int n = 0, i;

	spin_lock_irq(&origin->lock);
	list_for_each_entry(snap, &origin->snapshots, node) {
		if (snap->seq < from || snap->seq > to ||
		    !cimrepl_snapshot_needs(origin, snap, chunk))
			continue;
		broken[n++] = snap;
	}
	spin_unlock_irq(&origin->lock);

	/* Broken first, in memory and on disk: then no read trusts its map */
	spin_lock_irq(&origin->lock);
	for (i = 0; i < n; i++) {
		broken[i]->copy_state = CIMREPL_COPY_STATE_BROKEN;
		if (broken[i]->clone)
			cimrepl_clone_image_lost(broken[i]->clone);
	}
	origin->latest_seq = cimrepl_latest_valid_seq(origin);
	spin_unlock_irq(&origin->lock);

	mutex_lock(&meta->lock);
	for (i = 0; i < n; i++)
		cimrepl_snapshot_mark_broken(broken[i]);
	if (n && cimrepl_meta_write_snapshots(meta))
		pr_err("cimrepl: pool %s: cannot record broken snapshots\n",
		       origin->pool->name);
	mutex_unlock(&meta->lock);

	/* its copies serve no one now: give them back */
	for (i = 0; i < n; i++)
		cimrepl_drop_claims(origin, broken[i]->seq,
				    cimrepl_claims_start(broken[i]), ULONG_MAX);
	for (i = 0; i < n; i++) {
		pr_warn("cimrepl: %s %s is broken: pool %s is full or failing\n",
			broken[i]->clone ? "clone" : "snapshot",
			broken[i]->vol->name, origin->pool->name);
		cimrepl_snapshot_notify(broken[i], CIMREPL_EVENT_STATE_CHANGED);
	}
}

/*
 * Copy @chunk into a new pool chunk, from @src_bdev at @src_sector, and
 * record it for [@from, @to]. Returns the new exception or an ERR_PTR.
 */
static struct cimrepl_exception *
cimrepl_copy_chunk(struct cimrepl_origin *origin, u64 chunk,
		   struct block_device *src_bdev, sector_t src_sector,
		   u32 from, u32 to, bool private_copy)
{
	struct cimrepl_pool *pool = origin->pool;
	struct cimrepl_meta *meta = &pool->meta;
	struct cimrepl_meta_chunk *rec;
	struct cimrepl_exception *e;
	u64 pool_chunk;
	int ret;

	e = kzalloc(sizeof(*e), GFP_NOIO);
	if (!e)
		return ERR_PTR(-ENOMEM);

	mutex_lock(&meta->lock);
	ret = cimrepl_pool_alloc_chunk(pool, &pool_chunk);
	mutex_unlock(&meta->lock);
	if (ret) {
		kfree(e);
		return ERR_PTR(ret);
	}

	/*
	 * The copy runs without the metadata lock, so that other origins of
	 * the pool can commit meanwhile: until its record is written, the
	 * chunk is free on disk, and a crash loses nothing but the copy.
	 */
	ret = cimrepl_copy(&origin->copier, src_bdev, src_sector,
			   pool->backing.bdev,
			   cimrepl_meta_chunk_sector(meta, pool_chunk),
			   cimrepl_chunk_len(origin, chunk));

	mutex_lock(&meta->lock);
	if (!ret) {
		rec = &meta->chunks[pool_chunk];
		rec->origin_chunk = cpu_to_le64(chunk);
		rec->origin_id = cpu_to_le32(origin->origin_id);
		rec->from_seq = cpu_to_le32(from);
		rec->to_seq = cpu_to_le32(to);
		rec->flags = cpu_to_le32(private_copy ?
					 CIMREPL_META_CHUNK_PRIVATE : 0);
		ret = cimrepl_meta_write_chunk(meta, pool_chunk);
	}
	if (ret)
		cimrepl_pool_free_chunk(pool, pool_chunk);
	mutex_unlock(&meta->lock);
	if (ret) {
		kfree(e);
		return ERR_PTR(ret);
	}
	e->pool_chunk = pool_chunk;
	e->from_seq = from;
	e->to_seq = to;
	e->private_copy = private_copy;
	return e;
}

/* Free exception @e's pool chunk, durably. */
static void cimrepl_release_pool_chunk(struct cimrepl_origin *origin,
				       struct cimrepl_exception *e)
{
	struct cimrepl_meta *meta = &origin->pool->meta;

	mutex_lock(&meta->lock);
	cimrepl_pool_free_chunk(origin->pool, e->pool_chunk);
	if (cimrepl_meta_write_chunk(meta, e->pool_chunk))
		pr_err("cimrepl: pool %s: cannot record a freed chunk\n",
		       origin->pool->name);
	mutex_unlock(&meta->lock);
}

/* A copy before origin writes to @cow->chunk. */
static void cimrepl_do_origin_cow(struct cimrepl_origin *origin,
				  struct cimrepl_cow *cow)
{
	struct cimrepl_volume *vol = origin->vol;
	struct cimrepl_exception *e;
	u32 from, to, users;
	struct bio *bio;

	spin_lock_irq(&origin->lock);
	from = cimrepl_last_covered(origin, cow->chunk) + 1;
	to = origin->latest_seq;
	users = from <= to ? cimrepl_users_in(origin, cow->chunk, from, to) : 0;
	spin_unlock_irq(&origin->lock);

	if (users) {
		e = cimrepl_reserve_slot(origin, cow->chunk) ? ERR_PTR(-ENOMEM) :
		    cimrepl_copy_chunk(origin, cow->chunk, vol->backing.bdev,
				       cow->chunk * origin->chunk_sectors,
				       from, to, false);
		if (IS_ERR(e)) {
			cimrepl_break_snapshots(origin, cow->chunk, from, to);
			/* readers of the origin may not see what comes next */
			cimrepl_origin_wait_readers(origin);
		} else {
			spin_lock_irq(&origin->lock);
			/* snapshots may have taken private copies meanwhile */
			e->users = cimrepl_users_in(origin, cow->chunk, from, to);
			cimrepl_insert_exception(origin, cow->chunk, e);
			spin_unlock_irq(&origin->lock);
			cimrepl_origin_wait_readers(origin);
		}
	}

	while ((bio = bio_list_pop(&cow->bios)))
		cimrepl_volume_remap(vol, bio, vol->backing.bdev,
				     bio->bi_iter.bi_sector, NULL, 0);
}

/*
 * Copies before origin writes to several chunks at once: their I/O is in
 * flight together and their records are committed together (one write per
 * metadata block), which is where a single copy spends its time. Same
 * steps and ordering as cimrepl_do_origin_cow(), chunk by chunk.
 */
static void cimrepl_do_origin_cows(struct cimrepl_origin *origin,
				   struct cimrepl_cow **cows, unsigned int n)
{
	struct cimrepl_copy_job jobs[CIMREPL_COPY_MANY_MAX];
	struct cimrepl_exception *ex[CIMREPL_COPY_MANY_MAX];
	u32 from[CIMREPL_COPY_MANY_MAX], to[CIMREPL_COPY_MANY_MAX];
	u64 pool_chunk[CIMREPL_COPY_MANY_MAX];
	struct cimrepl_volume *vol = origin->vol;
	struct cimrepl_pool *pool = origin->pool;
	struct cimrepl_meta *meta = &pool->meta;
	unsigned int i, j, copies = 0;
	bool wait = false;
	struct bio *bio;
	int ret;

	memset(jobs, 0, sizeof(jobs));
	memset(ex, 0, sizeof(ex));
	spin_lock_irq(&origin->lock);
	for (i = 0; i < n; i++) {
		u64 chunk = cows[i]->chunk;

		from[i] = cimrepl_last_covered(origin, chunk) + 1;
		to[i] = origin->latest_seq;
		/* -ENODATA: no snapshot needs a copy of this chunk */
		if (from[i] > to[i] ||
		    !cimrepl_users_in(origin, chunk, from[i], to[i]))
			jobs[i].error = -ENODATA;
	}
	spin_unlock_irq(&origin->lock);

	/* slots, memory and pool chunks first; nothing is visible yet */
	for (i = 0; i < n; i++) {
		if (jobs[i].error)
			continue;
		ex[i] = kzalloc(sizeof(*ex[i]), GFP_NOIO);
		if (!ex[i] || cimrepl_reserve_slot(origin, cows[i]->chunk)) {
			jobs[i].error = -ENOMEM;
			continue;
		}
		mutex_lock(&meta->lock);
		jobs[i].error = cimrepl_pool_alloc_chunk(pool, &pool_chunk[i]);
		mutex_unlock(&meta->lock);
		if (jobs[i].error)
			continue;
		jobs[i].copier = &origin->batch_copiers[copies++];
		jobs[i].src = vol->backing.bdev;
		jobs[i].src_sector = cows[i]->chunk * origin->chunk_sectors;
		jobs[i].dst = pool->backing.bdev;
		jobs[i].dst_sector = cimrepl_meta_chunk_sector(meta, pool_chunk[i]);
		jobs[i].sectors = cimrepl_chunk_len(origin, cows[i]->chunk);
	}
	if (copies)
		cimrepl_copy_many(jobs, n);

	/* the records, each metadata block written once */
	mutex_lock(&meta->lock);
	for (i = 0; i < n; i++) {
		struct cimrepl_meta_chunk *rec;

		if (!jobs[i].copier)
			continue;
		if (jobs[i].error) {
			cimrepl_pool_free_chunk(pool, pool_chunk[i]);
			continue;
		}
		rec = &meta->chunks[pool_chunk[i]];
		rec->origin_chunk = cpu_to_le64(cows[i]->chunk);
		rec->origin_id = cpu_to_le32(origin->origin_id);
		rec->from_seq = cpu_to_le32(from[i]);
		rec->to_seq = cpu_to_le32(to[i]);
		rec->flags = 0;
	}
	for (i = 0; i < n; i++) {
		u64 block = pool_chunk[i] / CIMREPL_META_CHUNKS_PER_BLOCK;

		if (!jobs[i].copier || jobs[i].error)
			continue;
		for (j = 0; j < i; j++)
			if (jobs[j].copier && !jobs[j].error &&
			    pool_chunk[j] / CIMREPL_META_CHUNKS_PER_BLOCK == block)
				break;
		if (j < i)
			continue;	/* written with an earlier one */
		ret = cimrepl_meta_write_chunk(meta, pool_chunk[i]);
		if (!ret)
			continue;
		/* every copy recorded in this block is lost */
		for (j = i; j < n; j++) {
			if (!jobs[j].copier || jobs[j].error ||
			    pool_chunk[j] / CIMREPL_META_CHUNKS_PER_BLOCK != block)
				continue;
			jobs[j].error = ret;
			cimrepl_pool_free_chunk(pool, pool_chunk[j]);
		}
	}
	mutex_unlock(&meta->lock);

	for (i = 0; i < n; i++) {
		u64 chunk = cows[i]->chunk;

		if (jobs[i].error == -ENODATA)
			continue;
		wait = true;
		if (jobs[i].error) {
			kfree(ex[i]);
			ex[i] = NULL;
			cimrepl_break_snapshots(origin, chunk, from[i], to[i]);
			continue;
		}
		ex[i]->pool_chunk = pool_chunk[i];
		ex[i]->from_seq = from[i];
		ex[i]->to_seq = to[i];
		spin_lock_irq(&origin->lock);
		/* snapshots may have taken private copies meanwhile */
		ex[i]->users = cimrepl_users_in(origin, chunk, from[i], to[i]);
		cimrepl_insert_exception(origin, chunk, ex[i]);
		spin_unlock_irq(&origin->lock);
	}
	/* readers of the origin may not see what comes next */
	if (wait)
		cimrepl_origin_wait_readers(origin);

	for (i = 0; i < n; i++)
		while ((bio = bio_list_pop(&cows[i]->bios)))
			cimrepl_volume_remap(vol, bio, vol->backing.bdev,
					     bio->bi_iter.bi_sector, NULL, 0);
}

/* A private copy before writes to snapshot @cow->snap's @cow->chunk. */
static void cimrepl_do_snapshot_cow(struct cimrepl_origin *origin,
				    struct cimrepl_cow *cow)
{
	struct cimrepl_snapshot *snap = cow->snap;
	struct block_device *src_bdev = origin->vol->backing.bdev;
	sector_t src = cow->chunk * origin->chunk_sectors;
	struct cimrepl_exception *e, *shared;
	blk_status_t status = BLK_STS_OK;
	struct bio *bio;

	spin_lock_irq(&origin->lock);
	e = cimrepl_find_exception(origin, cow->chunk, snap->seq);
	if (!cimrepl_snapshot_valid(snap))
		status = BLK_STS_IOERR;
	spin_unlock_irq(&origin->lock);

	if (!status && !(e && e->private_copy)) {
		shared = e;
		if (shared) {
			src_bdev = origin->pool->backing.bdev;
			src = cimrepl_meta_chunk_sector(&origin->pool->meta,
							shared->pool_chunk);
		}
		e = cimrepl_reserve_slot(origin, cow->chunk) ? ERR_PTR(-ENOMEM) :
		    cimrepl_copy_chunk(origin, cow->chunk, src_bdev, src,
				       snap->seq, snap->seq, true);
		if (IS_ERR(e)) {
			cimrepl_break_snapshots(origin, cow->chunk, snap->seq,
						snap->seq);
			status = BLK_STS_IOERR;
		} else {
			e->users = 1;
			spin_lock_irq(&origin->lock);
			cimrepl_insert_exception(origin, cow->chunk, e);
			if (shared && !--shared->users)
				cimrepl_remove_exception(origin, cow->chunk,
							 shared);
			else
				shared = NULL;
			spin_unlock_irq(&origin->lock);
			if (shared) {
				/* reads of it in flight finish first */
				cimrepl_origin_wait_readers(origin);
				cimrepl_release_pool_chunk(origin, shared);
				kfree(shared);
			}
		}
	}

	while ((bio = bio_list_pop(&cow->bios))) {
		unsigned int gen;

		if (status) {
			cimrepl_volume_end_bio(snap->vol, bio, status);
			continue;
		}
		/* counted like image reads: a clone's copy waits for it */
		spin_lock_irq(&origin->lock);
		gen = origin->reader_gen;
		origin->readers[gen]++;
		spin_unlock_irq(&origin->lock);
		cimrepl_volume_remap(snap->vol, bio, origin->pool->backing.bdev,
				     cimrepl_pool_sector(origin, e, bio), origin,
				     gen);
	}
}

/*
 * Copy chunk @chunk back from the snapshot being restored: first, as for
 * any origin write, a copy for the other snapshots that still read it from
 * the origin; then the snapshot's data over the origin's.
 */
static void cimrepl_restore_chunk(struct cimrepl_origin *origin, u64 chunk)
{
	struct cimrepl_volume *vol = origin->vol;
	struct cimrepl_snapshot *snap;
	struct cimrepl_exception *e;
	struct cimrepl_cow cow = { .chunk = chunk };
	sector_t src = 0;
	int ret;

	spin_lock_irq(&origin->lock);
	snap = origin->restoring;
	e = snap && test_bit(chunk, origin->restore_pending) ?
	    cimrepl_find_exception(origin, chunk, snap->seq) : NULL;
	if (e)
		src = cimrepl_meta_chunk_sector(&origin->pool->meta,
						e->pool_chunk);
	spin_unlock_irq(&origin->lock);
	if (!e) {
		if (snap && !cimrepl_snapshot_valid(snap))
			cimrepl_restore_abort(origin);
		return;
	}

	bio_list_init(&cow.bios);
	cimrepl_do_origin_cow(origin, &cow);
	ret = cimrepl_copy(&origin->copier, origin->pool->backing.bdev, src,
			   vol->backing.bdev, chunk * origin->chunk_sectors,
			   cimrepl_chunk_len(origin, chunk));
	if (ret)
		pr_err("cimrepl: restoring %s from %s: chunk %llu: error %d\n",
		       vol->name, snap->vol->name, chunk, ret);

	spin_lock_irq(&origin->lock);
	__clear_bit(chunk, origin->restore_pending);
	origin->restore_done++;
	spin_unlock_irq(&origin->lock);
}

/*
 * Stop a restore whose snapshot broke: its data is gone. The origin keeps
 * what was copied back so far; writes waiting for a chunk go on.
 */
static void cimrepl_restore_abort(struct cimrepl_origin *origin)
{
	struct cimrepl_snapshot *snap;
	unsigned long *pending;

	spin_lock_irq(&origin->lock);
	snap = origin->restoring;
	pending = origin->restore_pending;
	WRITE_ONCE(origin->restoring, NULL);
	origin->restore_pending = NULL;
	spin_unlock_irq(&origin->lock);
	bitmap_free(pending);
	if (snap) {
		pr_err("cimrepl: restoring %s from %s stopped: the snapshot broke\n",
		       origin->vol->name, snap->vol->name);
		cimrepl_snapshot_notify(snap, CIMREPL_EVENT_ERROR);
	}
}

/* Restore the next chunk in the background; false when all are done. */
static bool cimrepl_restore_step(struct cimrepl_origin *origin)
{
	struct cimrepl_snapshot *snap;
	unsigned long *pending;
	u64 chunk;

	spin_lock_irq(&origin->lock);
	snap = origin->restoring;
	chunk = snap ? find_first_bit(origin->restore_pending,
				      origin->nr_chunks) : 0;
	spin_unlock_irq(&origin->lock);
	if (!snap)
		return false;
	if (!cimrepl_snapshot_valid(snap)) {
		cimrepl_restore_abort(origin);
		return false;
	}
	if (chunk < origin->nr_chunks) {
		cimrepl_restore_chunk(origin, chunk);
		return true;
	}

	/* every chunk is back: the origin is the snapshot's image again */
	if (blkdev_issue_flush(origin->vol->backing.bdev))
		pr_err("cimrepl: restoring %s: flush failed\n", origin->vol->name);
	spin_lock_irq(&origin->lock);
	pending = origin->restore_pending;
	WRITE_ONCE(origin->restoring, NULL);
	origin->restore_pending = NULL;
	spin_unlock_irq(&origin->lock);
	bitmap_free(pending);
	pr_info("cimrepl: %s restored from snapshot %s\n", origin->vol->name,
		snap->vol->name);
	cimrepl_snapshot_notify(snap, CIMREPL_EVENT_STATE_CHANGED);
	return false;
}

static void cimrepl_run_cow(struct cimrepl_origin *origin,
			    struct cimrepl_cow *cow)
{
	struct bio *bio;

	if (cow->restore) {
		cimrepl_restore_chunk(origin, cow->chunk);
		while ((bio = bio_list_pop(&cow->bios)))
			cimrepl_origin_submit(origin, bio);
	} else if (cow->snap) {
		cimrepl_do_snapshot_cow(origin, cow);
	} else {
		cimrepl_do_origin_cow(origin, cow);
	}
}

/*
 * Take the queued copies before origin writes, up to @origin->batch_max,
 * if the first queued entry is one. Caller holds @lock.
 */
static unsigned int cimrepl_take_origin_batch(struct cimrepl_origin *origin,
					      struct cimrepl_cow **batch)
{
	struct cimrepl_cow *cow;
	unsigned int n = 0;

	list_for_each_entry(cow, &origin->pending, node) {
		if (cow->snap || cow->restore)
			break;
		batch[n++] = cow;
		if (n == origin->batch_max)
			break;
	}
	return n;
}

static void cimrepl_origin_work(struct work_struct *work)
{
	struct cimrepl_origin *origin =
		container_of(work, struct cimrepl_origin, work);
	struct cimrepl_cow *batch[CIMREPL_COPY_MANY_MAX];
	struct cimrepl_cow *cow;
	unsigned int n, i;

	for (;;) {
		spin_lock_irq(&origin->lock);
		cow = list_first_entry_or_null(&origin->pending,
					       struct cimrepl_cow, node);
		n = cow ? cimrepl_take_origin_batch(origin, batch) : 0;
		spin_unlock_irq(&origin->lock);
		if (!cow) {
			/*
			 * Writes waiting come first, then one chunk of the
			 * background restore and one batch of each clone's
			 * copy per run of this work item, so that a flush of
			 * the queue never waits for all of it.
			 */
			if (cimrepl_restore_step(origin) |
			    cimrepl_clone_step(origin))
				queue_work(origin->wq, &origin->work);
			return;
		}

		if (n) {
			cimrepl_do_origin_cows(origin, batch, n);
		} else {
			batch[0] = cow;
			n = 1;
			cimrepl_run_cow(origin, cow);
		}

		/*
		 * Bios that arrived for these chunks while they were copied
		 * joined their entries; take the last ones together with them.
		 */
		spin_lock_irq(&origin->lock);
		for (i = 0; i < n; i++)
			list_del(&batch[i]->node);
		spin_unlock_irq(&origin->lock);
		for (i = 0; i < n; i++) {
			if (!bio_list_empty(&batch[i]->bios))
				cimrepl_run_cow(origin, batch[i]);
			kfree(batch[i]);
		}
		cond_resched();
	}
}

const char *cimrepl_snapshot_origin_pool(const struct cimrepl_origin *origin)
{
	return origin->pool->name;
}

struct cimrepl_volume *cimrepl_snapshot_source(struct cimrepl_volume *vol)
{
	return vol->snapshot->origin->vol;
}

enum cimrepl_snapshot_obstacle
cimrepl_snapshot_check(struct cimrepl_volume *vol, u16 op)
{
	struct cimrepl_snapshot *snap = vol->snapshot;
	struct cimrepl_origin *origin = snap->origin;
	struct cimrepl_snapshot *restoring = READ_ONCE(origin->restoring);
	bool valid;

	lockdep_assert_held(&cimrepl_config_lock);
	spin_lock_irq(&origin->lock);
	valid = cimrepl_snapshot_valid(snap);
	spin_unlock_irq(&origin->lock);

	if (op == CIMREPL_OP_RESTORE_FROM_REPLICA && restoring)
		return CIMREPL_SNAPSHOT_SOURCE_RESTORING;
	if (restoring == snap)
		return CIMREPL_SNAPSHOT_BEING_RESTORED;
	if (op == CIMREPL_OP_RETURN_TO_RESOURCE_POOL &&
	    cimrepl_volume_open_count(vol))
		return CIMREPL_SNAPSHOT_OPEN;
	if (op == CIMREPL_OP_RESTORE_FROM_REPLICA && !valid)
		return CIMREPL_SNAPSHOT_BROKEN;
	/* the restore writes the source below its mirror */
	if (op == CIMREPL_OP_RESTORE_FROM_REPLICA && origin->vol->mirrored)
		return CIMREPL_SNAPSHOT_SOURCE_MIRRORED;
	return CIMREPL_SNAPSHOT_READY;
}

bool cimrepl_snapshot_restoring(struct cimrepl_volume *vol)
{
	return vol->origin && READ_ONCE(vol->origin->restoring);
}

int cimrepl_snapshot_restore(struct cimrepl_volume *vol,
			     const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	struct cimrepl_snapshot *snap = vol->snapshot;
	struct cimrepl_origin *origin = snap->origin;
	struct cimrepl_exception *e;
	unsigned long *pending, chunk;
	u64 total = 0;

	lockdep_assert_held(&cimrepl_config_lock);
	switch (cimrepl_snapshot_check(vol, CIMREPL_OP_RESTORE_FROM_REPLICA)) {
	case CIMREPL_SNAPSHOT_READY:
		break;
	case CIMREPL_SNAPSHOT_BROKEN:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the snapshot is Broken: it has no point in time to restore");
		return -EINVAL;
	case CIMREPL_SNAPSHOT_SOURCE_MIRRORED:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the source has a mirror: detach it first");
		return -EBUSY;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a restore onto this source is in progress");
		return -EBUSY;
	}
	pending = bitmap_zalloc(origin->nr_chunks, GFP_KERNEL);
	if (!pending)
		return -ENOMEM;

	/* the chunks where the snapshot differs: those it reads from the pool */
	cimrepl_volume_hold_io(origin->vol);
	spin_lock_irq(&origin->lock);
	xa_for_each(&origin->exceptions, chunk, e) {
		if (chunk < origin->nr_chunks &&
		    cimrepl_find_exception(origin, chunk, snap->seq)) {
			__set_bit(chunk, pending);
			total++;
		}
	}
	origin->restore_pending = pending;
	origin->restore_total = total;
	origin->restore_done = 0;
	WRITE_ONCE(origin->restoring, snap);
	spin_unlock_irq(&origin->lock);
	cimrepl_volume_release_io(origin->vol);

	queue_work(origin->wq, &origin->work);
	cimrepl_snapshot_notify(snap, CIMREPL_EVENT_STATE_CHANGED);
	return 0;
}

static struct cimrepl_origin *cimrepl_origin_new(struct cimrepl_volume *vol,
						 struct cimrepl_pool *pool,
						 u32 origin_id)
{
	struct cimrepl_origin *origin;
	unsigned int i;

	origin = kzalloc(sizeof(*origin), GFP_KERNEL);
	if (!origin)
		return NULL;
	origin->vol = vol;
	origin->pool = pool;
	origin->origin_id = origin_id;
	origin->chunk_sectors = cimrepl_meta_chunk_sectors(&pool->meta);
	origin->nr_chunks = DIV_ROUND_UP_ULL(get_capacity(vol->disk),
					     origin->chunk_sectors);
	INIT_LIST_HEAD(&origin->snapshots);
	spin_lock_init(&origin->lock);
	xa_init(&origin->exceptions);
	INIT_LIST_HEAD(&origin->pending);
	init_waitqueue_head(&origin->readers_done);
	mutex_init(&origin->readers_lock);
	INIT_WORK(&origin->work, cimrepl_origin_work);
	origin->wq = alloc_ordered_workqueue("cimrepl-cow/%s", WQ_MEM_RECLAIM,
					     vol->name);
	if (!origin->wq)
		goto out_free;
	if (cimrepl_copier_init(&origin->copier, origin->chunk_sectors))
		goto out_wq;
	/* copies before origin writes run together, up to 512 KiB of them */
	origin->batch_max = clamp_t(unsigned int,
				    SZ_512K / (origin->chunk_sectors << SECTOR_SHIFT),
				    1, CIMREPL_COPY_MANY_MAX);
	for (i = 0; i < origin->batch_max; i++)
		if (cimrepl_copier_init(&origin->batch_copiers[i],
					origin->chunk_sectors))
			goto out_copiers;
	return origin;

out_copiers:
	for (i = 0; i < origin->batch_max; i++)
		cimrepl_copier_exit(&origin->batch_copiers[i]);
	cimrepl_copier_exit(&origin->copier);
out_wq:
	destroy_workqueue(origin->wq);
out_free:
	kfree(origin);
	return NULL;
}

static void cimrepl_origin_destroy(struct cimrepl_origin *origin)
{
	struct cimrepl_exception *e, *next;
	unsigned long chunk;
	unsigned int i;

	destroy_workqueue(origin->wq);
	bitmap_free(origin->restore_pending);
	xa_for_each(&origin->exceptions, chunk, e) {
		for (; e; e = next) {
			next = e->next;
			kfree(e);
		}
	}
	xa_destroy(&origin->exceptions);
	cimrepl_copier_exit(&origin->copier);
	for (i = 0; i < origin->batch_max; i++)
		cimrepl_copier_exit(&origin->batch_copiers[i]);
	kfree(origin);
}

/* Attach @origin to its volume: from now on its writes are checked. */
static void cimrepl_origin_attach(struct cimrepl_origin *origin)
{
	struct cimrepl_volume *vol = origin->vol;

	vol->origin = origin;
	vol->chunk_sectors = origin->chunk_sectors;
	origin->pool->users++;
}

static void cimrepl_origin_detach(struct cimrepl_origin *origin)
{
	struct cimrepl_volume *vol = origin->vol;

	cimrepl_volume_hold_io(vol);
	vol->origin = NULL;
	vol->chunk_sectors = 0;
	cimrepl_volume_release_io(vol);
	origin->pool->users--;
	cimrepl_origin_destroy(origin);
}

static u32 cimrepl_latest_valid_seq(struct cimrepl_origin *origin)
{
	struct cimrepl_snapshot *snap;
	u32 latest = 0;

	list_for_each_entry(snap, &origin->snapshots, node)
		if (cimrepl_snapshot_valid(snap))
			latest = max(latest, snap->seq);
	return latest;
}

static void cimrepl_snapshot_notify(struct cimrepl_snapshot *snap, u16 event)
{
	cimrepl_nl_notify_sync(snap, event);
}

int cimrepl_snapshot_fill_sync(struct sk_buff *skb,
			       struct cimrepl_snapshot *snap)
{
	struct cimrepl_origin *origin = snap->origin;
	u64 done = 0, total = 0;
	struct nlattr *nest;
	u16 state, progress;

	if (snap->clone)
		return cimrepl_clone_fill_sync(skb, snap->clone);
	spin_lock_irq(&origin->lock);
	state = snap->copy_state;
	progress = state == CIMREPL_COPY_STATE_SYNCHRONIZED ?
		   CIMREPL_PROGRESS_COMPLETED : CIMREPL_PROGRESS_DORMANT;
	if (origin->restoring == snap) {
		progress = CIMREPL_PROGRESS_RESTORING;
		done = origin->restore_done;
		total = origin->restore_total;
	}
	spin_unlock_irq(&origin->lock);

	nest = nla_nest_start(skb, CIMREPL_A_SYNC);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, CIMREPL_A_SYNC_SOURCE, origin->vol->name) ||
	    nla_put_string(skb, CIMREPL_A_SYNC_TARGET, snap->vol->name) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_SYNC_TYPE, CIMREPL_SYNC_TYPE_SNAPSHOT) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_MODE, CIMREPL_MODE_SYNCHRONOUS) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_COPY_STATE, state) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_PROGRESS_STATUS, progress) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_CHUNKS_DONE, done,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_CHUNKS_TOTAL, total,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_BYTES_DONE,
			      (done * origin->chunk_sectors) << SECTOR_SHIFT,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u32(skb, CIMREPL_A_SYNC_CHUNK_SIZE,
			origin->chunk_sectors << SECTOR_SHIFT) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_WHEN_ESTABLISHED,
			      snap->created_ns, CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_WHEN_SYNCHRONIZED,
			      snap->created_ns, CIMREPL_A_SYNC_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* An origin id for a new origin in @pool: one above every id in use. */
static u32 cimrepl_new_origin_id(struct cimrepl_pool *pool)
{
	struct cimrepl_meta *meta = &pool->meta;
	u32 id = 0;
	u64 i;

	for (i = 0; i < CIMREPL_META_SNAPSHOTS; i++)
		if (meta->snapshots[i].seq)
			id = max(id, le32_to_cpu(meta->snapshots[i].origin_id));
	for (i = 0; i < cimrepl_meta_nr_chunks(meta); i++)
		if (meta->chunks[i].from_seq)
			id = max(id, le32_to_cpu(meta->chunks[i].origin_id));
	return id + 1;
}

static int cimrepl_free_slot(struct cimrepl_meta *meta, unsigned long *taken)
{
	unsigned int i;

	for (i = 0; i < CIMREPL_META_SNAPSHOTS; i++)
		if (!meta->snapshots[i].seq && !test_bit(i, taken))
			return i;
	return -ENOSPC;
}

/* State of one element while a list is being created. */
struct cimrepl_new_snapshot {
	struct cimrepl_volume *source;
	struct cimrepl_pool *pool;
	struct cimrepl_origin *origin;
	bool new_origin;
	struct cimrepl_snapshot *snap;
};

static int cimrepl_check_element(const struct cimrepl_snapshot_request *req,
				 unsigned int index,
				 const struct cimrepl_list_request *list,
				 struct cimrepl_new_snapshot *ns,
				 struct netlink_ext_ack *extack)
{
	u32 chunk_size = list->chunk_size;

	struct cimrepl_volume *source = cimrepl_volume_find(req->source);

	if (!source) {
		cimrepl_elem_err(extack, req->attr, index,
				 "source volume does not exist");
		return -ENOENT;
	}
	if (source->role != CIMREPL_ROLE_VOLUME) {
		cimrepl_elem_err(extack, req->attr, index,
				 "source is a replica, not a volume");
		return -EINVAL;
	}
	if (cimrepl_volume_find(req->target)) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a device with the target name exists");
		return -EEXIST;
	}
	if (!req->pool && list->sync_type == CIMREPL_SYNC_TYPE_CLONE) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a clone keeps its point in time and its progress in a pool: name one");
		return -EINVAL;
	}
	if (!req->pool) {
		cimrepl_elem_err(extack, req->attr, index,
				 "snapshots take their store from a pool: name one");
		return -EINVAL;
	}
	if (list->sync_type == CIMREPL_SYNC_TYPE_CLONE && !req->target_path) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a clone needs a target device (TARGET_PATH)");
		return -EINVAL;
	}
	ns->pool = cimrepl_pool_find(req->pool);
	if (!ns->pool) {
		cimrepl_elem_err(extack, req->attr, index, "no such pool");
		return -ENOENT;
	}
	if (chunk_size &&
	    chunk_size != cimrepl_meta_chunk_sectors(&ns->pool->meta) << SECTOR_SHIFT) {
		cimrepl_elem_err(extack, req->attr, index,
				 "the chunk size is the pool's, set when it was formatted");
		return -EINVAL;
	}
	if ((source->origin && READ_ONCE(source->origin->restoring)) ||
	    cimrepl_mirror_restoring(source)) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a restore onto this source is in progress");
		return -EBUSY;
	}
	if (source->origin && source->origin->pool != ns->pool) {
		cimrepl_elem_err(extack, req->attr, index,
				 "this source's snapshots live in another pool");
		return -EINVAL;
	}
	ns->source = source;
	return 0;
}

/* Undo everything of a list not yet visible. Caller holds the lock. */
static void cimrepl_discard_list(struct cimrepl_new_snapshot *ns,
				 unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (ns[i].snap) {
			if (ns[i].snap->clone)
				cimrepl_clone_free(ns[i].snap->clone);
			cimrepl_device_discard(ns[i].snap->vol);
			kfree(ns[i].snap);
		}
		if (ns[i].new_origin)
			cimrepl_origin_destroy(ns[i].origin);
	}
}

/* Fill the snapshot records of a list in its pools and write them. */
static int cimrepl_record_list(struct cimrepl_new_snapshot *ns,
			       unsigned int count, struct netlink_ext_ack *extack)
{
	DECLARE_BITMAP(taken, CIMREPL_META_SNAPSHOTS);
	struct cimrepl_meta_snapshot *rec;
	struct cimrepl_meta *meta;
	unsigned int i, j;
	int slot, ret = 0;

	/* each pool of the list: its records, then its table and superblock */
	for (i = 0; i < count && !ret; i++) {
		if (i && ns[i].pool == ns[i - 1].pool)
			continue;
		meta = &ns[i].pool->meta;
		bitmap_zero(taken, CIMREPL_META_SNAPSHOTS);
		mutex_lock(&meta->lock);
		for (j = i; j < count; j++) {
			if (ns[j].pool != ns[i].pool)
				continue;
			slot = cimrepl_free_slot(meta, taken);
			if (slot < 0) {
				cimrepl_elem_err(extack, NULL, j,
						 "the pool's snapshot table is full");
				ret = -ENOSPC;
				break;
			}
			__set_bit(slot, taken);
			ns[j].snap->slot = slot;
			ns[j].snap->seq = le32_to_cpu(meta->super.next_seq);
			meta->super.next_seq = cpu_to_le32(ns[j].snap->seq + 1);
			if (ns[j].snap->clone)
				cimrepl_clone_put_tunables(ns[j].snap->clone, meta,
							   slot, ns[j].snap->seq);
		}
		if (!ret)
			ret = cimrepl_meta_write_super(meta);
		for (j = i; j < count && !ret; j++) {
			if (ns[j].pool != ns[i].pool)
				continue;
			rec = &meta->snapshots[ns[j].snap->slot];
			memset(rec, 0, sizeof(*rec));
			strscpy(rec->name, ns[j].snap->vol->name, sizeof(rec->name));
			strscpy(rec->origin, ns[j].source->name, sizeof(rec->origin));
			rec->seq = cpu_to_le32(ns[j].snap->seq);
			rec->origin_id = cpu_to_le32(ns[j].origin->origin_id);
			rec->copy_state = cpu_to_le16(CIMREPL_COPY_STATE_SYNCHRONIZED);
			rec->created_ns = cpu_to_le64(ns[j].snap->created_ns);
			if (ns[j].snap->clone)
				cimrepl_clone_fill_record(ns[j].snap->clone, rec);
		}
		if (!ret)
			ret = cimrepl_meta_write_snapshots(meta);
		if (ret) {
			/* forget the records of this pool again */
			for (j = i; j < count; j++)
				if (ns[j].pool == ns[i].pool && ns[j].snap->seq)
					memset(&meta->snapshots[ns[j].snap->slot],
					       0, sizeof(*rec));
			if (ret != -ENOSPC) {
				cimrepl_meta_write_snapshots(meta);
				NL_SET_ERR_MSG(extack,
					       "cannot write the pool's snapshot table");
			}
		}
		mutex_unlock(&meta->lock);
	}
	return ret;
}

int cimrepl_snapshot_create_list(const struct cimrepl_snapshot_request *req,
				 unsigned int count,
				 const struct cimrepl_list_request *list,
				 struct netlink_ext_ack *extack,
				 int (*reply_fn)(struct cimrepl_snapshot *snap,
						 void *arg),
				 void *arg)
{
	struct cimrepl_new_snapshot *ns;
	struct cimrepl_volume *dev;
	unsigned int i, j;
	u64 now;
	int ret = 0;

	ns = kcalloc(count, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;

	mutex_lock(&cimrepl_config_lock);
	for (i = 0; i < count && !ret; i++) {
		ret = cimrepl_check_element(&req[i], i, list, &ns[i], extack);
		for (j = 0; j < i && !ret; j++) {
			if (!strcmp(req[j].target, req[i].target)) {
				cimrepl_elem_err(extack, req[i].attr, i,
						 "target name used twice in the list");
				ret = -EINVAL;
			} else if (ns[j].source == ns[i].source) {
				cimrepl_elem_err(extack, req[i].attr, i,
						 "source listed twice");
				ret = -EINVAL;
			} else if (ns[j].pool != ns[i].pool) {
				cimrepl_elem_err(extack, req[i].attr, i,
						 "one list takes its snapshots from one pool");
				ret = -EINVAL;
			}
		}
	}
	if (ret)
		goto out_unlock;

	/* everything that can fail without touching the disks or the I/O */
	now = ktime_get_real_ns();
	for (i = 0; i < count && !ret; i++) {
		ns[i].origin = ns[i].source->origin;
		if (!ns[i].origin) {
			ns[i].origin = cimrepl_origin_new(ns[i].source, ns[i].pool,
							  cimrepl_new_origin_id(ns[i].pool) + i);
			ns[i].new_origin = true;
		}
		ns[i].snap = kzalloc(sizeof(*ns[i].snap), GFP_KERNEL);
		if (!ns[i].origin || !ns[i].snap) {
			ns[i].new_origin = !!ns[i].origin && ns[i].new_origin;
			ret = -ENOMEM;
			break;
		}
		if (list->sync_type == CIMREPL_SYNC_TYPE_CLONE) {
			dev = cimrepl_clone_alloc(&req[i], i, ns[i].source,
						  ns[i].pool, ns[i].snap, list,
						  extack);
		} else {
			dev = cimrepl_device_alloc(req[i].target,
						   CIMREPL_ROLE_SNAPSHOT,
						   ns[i].source->backing.bdev,
						   ns[i].pool->backing.bdev,
						   get_capacity(ns[i].source->disk));
			if (IS_ERR(dev))
				cimrepl_elem_err(extack, req[i].attr, i,
						 "cannot make the snapshot device");
		}
		if (IS_ERR(dev)) {
			ret = PTR_ERR(dev);
			kfree(ns[i].snap);
			ns[i].snap = NULL;
			break;
		}
		dev->snapshot = ns[i].snap;
		dev->chunk_sectors = ns[i].origin->chunk_sectors;
		ns[i].snap->vol = dev;
		ns[i].snap->origin = ns[i].origin;
		ns[i].snap->copy_state = CIMREPL_COPY_STATE_SYNCHRONIZED;
		ns[i].snap->created_ns = now;
	}
	if (ret)
		goto out_discard;

	/*
	 * One point in time: hold new I/O on every source and drain what is
	 * in flight, so that every write acknowledged so far is in every
	 * snapshot and no later one is; record; release.
	 */
	for (i = 0; i < count; i++)
		cimrepl_volume_hold_io(ns[i].source);
	/* writes acknowledged before the cut survive a crash after it */
	for (i = 0; i < count && !ret; i++) {
		ret = blkdev_issue_flush(ns[i].source->backing.bdev);
		if (ret)
			cimrepl_elem_err(extack, req[i].attr, i,
					 "the source does not flush");
	}
	if (!ret)
		ret = cimrepl_record_list(ns, count, extack);
	if (!ret) {
		for (i = 0; i < count; i++) {
			struct cimrepl_origin *origin = ns[i].origin;

			if (ns[i].new_origin)
				cimrepl_origin_attach(origin);
			spin_lock_irq(&origin->lock);
			list_add_tail(&ns[i].snap->node, &origin->snapshots);
			origin->latest_seq = ns[i].snap->seq;
			spin_unlock_irq(&origin->lock);
			ns[i].source->replicas++;
		}
	}
	for (i = 0; i < count; i++)
		cimrepl_volume_release_io(ns[i].source);
	if (ret)
		goto out_discard;

	for (i = 0; i < count; i++) {
		ret = cimrepl_device_add(ns[i].snap->vol);
		if (ret) {
			/* undo the whole list: the devices added so far go too */
			for (j = 0; j < count; j++) {
				dev = ns[j].snap->vol;
				cimrepl_snapshot_unlink(ns[j].snap);
				if (ns[j].snap->clone)
					cimrepl_clone_free(ns[j].snap->clone);
				kfree(ns[j].snap);
				if (j < i)
					cimrepl_device_remove(dev, NULL, NULL);
				else
					cimrepl_device_discard(dev);
			}
			cimrepl_elem_err(extack, req[i].attr, i,
					 "cannot add the replica device");
			goto out_unlock;
		}
		cimrepl_snapshot_notify(ns[i].snap, CIMREPL_EVENT_CREATED);
	}
	/* clones start copying, now that the list is there to stay */
	for (i = 0; i < count; i++)
		if (ns[i].snap->clone)
			cimrepl_clone_start(ns[i].snap->clone);
	for (i = 0; i < count && reply_fn; i++)
		reply_fn(ns[i].snap, arg);
	goto out_unlock;

out_discard:
	cimrepl_discard_list(ns, count);
out_unlock:
	mutex_unlock(&cimrepl_config_lock);
	kfree(ns);
	return ret;
}

void cimrepl_drop_claims(struct cimrepl_origin *origin, u32 seq, u64 first,
			 u64 last)
{
	struct cimrepl_exception *e, *next, *freed = NULL;
	unsigned long chunk;

	spin_lock_irq(&origin->lock);
	xa_for_each_range(&origin->exceptions, chunk, e, first, last) {
		bool has_private = cimrepl_has_private(origin, chunk, seq);

		for (; e; e = next) {
			next = e->next;
			if (e->private_copy ? e->from_seq != seq :
			    has_private || seq < e->from_seq || seq > e->to_seq)
				continue;
			if (--e->users)
				continue;
			cimrepl_remove_exception(origin, chunk, e);
			e->next = freed;
			freed = e;
		}
	}
	spin_unlock_irq(&origin->lock);

	if (freed)
		cimrepl_origin_wait_readers(origin);
	for (e = freed; e; e = next) {
		next = e->next;
		cimrepl_release_pool_chunk(origin, e);
		kfree(e);
	}
}

void cimrepl_snapshot_unlink(struct cimrepl_snapshot *snap)
{
	struct cimrepl_origin *origin = snap->origin;
	struct cimrepl_meta *meta = &origin->pool->meta;
	bool valid;

	/* no copy may run for it while it goes */
	cimrepl_volume_hold_io(origin->vol);
	flush_workqueue(origin->wq);
	spin_lock_irq(&origin->lock);
	valid = cimrepl_snapshot_valid(snap);
	list_del(&snap->node);
	origin->latest_seq = cimrepl_latest_valid_seq(origin);
	spin_unlock_irq(&origin->lock);
	cimrepl_volume_release_io(origin->vol);

	/*
	 * The record goes first: a crash before the chunks are freed leaves
	 * chunks no snapshot claims, which assembly frees; never a snapshot
	 * missing its chunks.
	 */
	mutex_lock(&meta->lock);
	memset(&meta->snapshots[snap->slot], 0, sizeof(meta->snapshots[0]));
	if (cimrepl_meta_write_snapshots(meta))
		pr_err("cimrepl: pool %s: cannot record deleted snapshot %s\n",
		       origin->pool->name, snap->vol->name);
	mutex_unlock(&meta->lock);

	/*
	 * A broken snapshot gave its copies back when it broke; a clone, those
	 * of the chunks on its target as they got there.
	 */
	if (valid)
		cimrepl_drop_claims(origin, snap->seq, cimrepl_claims_start(snap),
				    ULONG_MAX);

	origin->vol->replicas--;
	snap->vol->snapshot = NULL;
	if (list_empty(&origin->snapshots))
		cimrepl_origin_detach(origin);
}

bool cimrepl_snapshot_invalidate(struct cimrepl_snapshot *snap)
{
	struct cimrepl_origin *origin = snap->origin;
	bool valid;

	spin_lock_irq(&origin->lock);
	valid = cimrepl_snapshot_valid(snap);
	snap->copy_state = CIMREPL_COPY_STATE_BROKEN;
	origin->latest_seq = cimrepl_latest_valid_seq(origin);
	spin_unlock_irq(&origin->lock);
	return valid;
}

int cimrepl_snapshot_delete(struct cimrepl_volume *vol,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	struct cimrepl_snapshot *snap = vol->snapshot;
	int ret;

	lockdep_assert_held(&cimrepl_config_lock);
	if (snap->clone)
		return cimrepl_clone_delete(vol, attr, extack);
	if (READ_ONCE(snap->origin->restoring) == snap) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the snapshot is being restored onto its source");
		return -EBUSY;
	}
	ret = cimrepl_device_close_for_removal(vol);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the snapshot is open (a LIO backstore or another user holds it)");
		return ret;
	}
	cimrepl_snapshot_notify(snap, CIMREPL_EVENT_DELETED);
	cimrepl_snapshot_unlink(snap);
	kfree(snap);
	return cimrepl_device_remove(vol, attr, extack);
}

/* The origin of @pool with id @origin_id among the volumes, or NULL. */
static struct cimrepl_origin *cimrepl_pool_origin(struct cimrepl_pool *pool,
						  u32 origin_id)
{
	struct cimrepl_volume *vol;

	list_for_each_entry(vol, &cimrepl_volumes, node)
		if (vol->origin && vol->origin->pool == pool &&
		    vol->origin->origin_id == origin_id)
			return vol->origin;
	return NULL;
}

static struct cimrepl_snapshot *cimrepl_origin_snapshot(struct cimrepl_origin *origin,
							u32 seq)
{
	struct cimrepl_snapshot *snap;

	list_for_each_entry(snap, &origin->snapshots, node)
		if (snap->seq == seq)
			return snap;
	return NULL;
}

/* Check that every snapshot of a loaded pool can be re-created. */
static int cimrepl_assemble_check(struct cimrepl_pool *pool,
				  const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	struct cimrepl_meta *meta = &pool->meta;
	struct cimrepl_volume *source;
	unsigned int i;
	int ret;

	for (i = 0; i < CIMREPL_META_SNAPSHOTS; i++) {
		struct cimrepl_meta_snapshot *rec = &meta->snapshots[i];

		if (!rec->seq ||
		    le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_MIRROR)
			continue;
		if (!memchr(rec->name, 0, sizeof(rec->name)) ||
		    !memchr(rec->origin, 0, sizeof(rec->origin))) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "corrupt snapshot record");
			return -EINVAL;
		}
		source = cimrepl_volume_find(rec->origin);
		if (!source || source->role != CIMREPL_ROLE_VOLUME) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a snapshot's origin volume is not there: create the volumes first");
			return -ENOENT;
		}
		if (source->origin) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a snapshot's origin already has snapshots from another pool");
			return -EBUSY;
		}
		if (le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_CLONE) {
			ret = cimrepl_clone_assemble_check(rec, source, attr,
							   extack);
			if (ret)
				return ret;
		} else if (cimrepl_volume_find(rec->name)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a device has the name of a snapshot in the pool");
			return -EEXIST;
		}
	}
	return 0;
}

/*
 * Undo a partial assembly: every snapshot device of @pool goes, its origin
 * state too; nothing on disk changes. Caller holds the lock.
 */
static void cimrepl_snapshot_disassemble(struct cimrepl_pool *pool)
{
	struct cimrepl_snapshot *snap, *tmp;
	struct cimrepl_origin *origin;
	struct cimrepl_volume *vol, *dev;

	for (;;) {
		origin = NULL;
		list_for_each_entry(vol, &cimrepl_volumes, node)
			if (vol->origin && vol->origin->pool == pool)
				origin = vol->origin;
		if (!origin)
			return;
		list_for_each_entry_safe(snap, tmp, &origin->snapshots, node) {
			dev = snap->vol;
			spin_lock_irq(&origin->lock);
			list_del(&snap->node);
			spin_unlock_irq(&origin->lock);
			origin->vol->replicas--;
			if (snap->clone) {
				/* the volume over the target stays */
				flush_workqueue(origin->wq);
				cimrepl_clone_unbind(snap->clone);
			} else {
				dev->snapshot = NULL;
				if (dev->added)
					cimrepl_device_remove(dev, NULL, NULL);
				else
					cimrepl_device_discard(dev);
			}
			kfree(snap);
		}
		cimrepl_origin_detach(origin);
	}
}

static int cimrepl_snapshot_build(struct cimrepl_pool *pool,
				  const struct nlattr *attr,
				  struct netlink_ext_ack *extack,
				  struct cimrepl_volume **held,
				  unsigned int *n_held);

int cimrepl_snapshot_assemble(struct cimrepl_pool *pool,
			      const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	/* each record holds at most its origin and its clone's volume */
	struct cimrepl_volume *held[2 * CIMREPL_META_SNAPSHOTS];
	unsigned int n_held = 0, i;
	int ret;

	/*
	 * Every origin's I/O stays held from its attachment until its index
	 * is complete: no write may pass before its copy-on-write is known.
	 */
	ret = cimrepl_snapshot_build(pool, attr, extack, held, &n_held);
	if (ret)
		cimrepl_snapshot_disassemble(pool);
	for (i = 0; i < n_held; i++)
		cimrepl_volume_release_io(held[i]);
	/* clones go on copying where they were */
	for (i = 0; i < n_held && !ret; i++)
		if (held[i]->origin)
			queue_work(held[i]->origin->wq, &held[i]->origin->work);
	return ret;
}

static int cimrepl_snapshot_build(struct cimrepl_pool *pool,
				  const struct nlattr *attr,
				  struct netlink_ext_ack *extack,
				  struct cimrepl_volume **held,
				  unsigned int *n_held)
{
	struct cimrepl_meta *meta = &pool->meta;
	struct cimrepl_origin *origin;
	struct cimrepl_snapshot *snap, *pos;
	struct cimrepl_volume *source, *dev;
	struct cimrepl_exception *e;
	unsigned int i;
	u64 chunk;
	int ret;

	ret = cimrepl_assemble_check(pool, attr, extack);
	if (ret)
		return ret;

	/* origins and snapshots, sorted by sequence number */
	for (i = 0; i < CIMREPL_META_SNAPSHOTS; i++) {
		struct cimrepl_meta_snapshot *rec = &meta->snapshots[i];

		if (!rec->seq ||
		    le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_MIRROR)
			continue;
		source = cimrepl_volume_find(rec->origin);
		origin = cimrepl_pool_origin(pool, le32_to_cpu(rec->origin_id));
		if (!origin) {
			origin = cimrepl_origin_new(source, pool,
						    le32_to_cpu(rec->origin_id));
			if (!origin)
				return -ENOMEM;
			cimrepl_volume_hold_io(source);
			held[(*n_held)++] = source;
			cimrepl_origin_attach(origin);
		}
		snap = kzalloc(sizeof(*snap), GFP_KERNEL);
		if (!snap)
			return -ENOMEM;
		snap->origin = origin;
		snap->seq = le32_to_cpu(rec->seq);
		snap->slot = i;
		snap->copy_state = le16_to_cpu(rec->copy_state);
		snap->created_ns = le64_to_cpu(rec->created_ns);
		if (le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_CLONE) {
			/*
			 * The volume over its target becomes the clone again;
			 * its I/O waits, like the origin's, for the index.
			 */
			dev = cimrepl_volume_find(rec->name);
			cimrepl_volume_hold_io(dev);
			held[(*n_held)++] = dev;
			ret = cimrepl_clone_bind(dev, snap, rec);
			if (ret) {
				kfree(snap);
				return ret;
			}
		} else {
			dev = cimrepl_device_alloc(rec->name, CIMREPL_ROLE_SNAPSHOT,
						   source->backing.bdev,
						   pool->backing.bdev,
						   get_capacity(source->disk));
			if (IS_ERR(dev)) {
				kfree(snap);
				return PTR_ERR(dev);
			}
			dev->snapshot = snap;
			dev->chunk_sectors = origin->chunk_sectors;
			snap->vol = dev;
		}
		spin_lock_irq(&origin->lock);
		list_for_each_entry(pos, &origin->snapshots, node)
			if (pos->seq > snap->seq)
				break;
		list_add_tail(&snap->node, &pos->node);
		spin_unlock_irq(&origin->lock);
		source->replicas++;
	}

	/* the copies; what no snapshot uses any more is given back */
	mutex_lock(&meta->lock);
	for (chunk = 0; chunk < cimrepl_meta_nr_chunks(meta); chunk++) {
		struct cimrepl_meta_chunk *rec = &meta->chunks[chunk];
		u32 from = le32_to_cpu(rec->from_seq);
		u32 to = le32_to_cpu(rec->to_seq);
		bool private_copy = le32_to_cpu(rec->flags) &
				    CIMREPL_META_CHUNK_PRIVATE;

		/* mirror logs are the mirror engine's (mirror.c) */
		if (!from ||
		    le32_to_cpu(rec->flags) & CIMREPL_META_CHUNK_MIRROR_LOG)
			continue;
		origin = cimrepl_pool_origin(pool, le32_to_cpu(rec->origin_id));
		snap = origin && private_copy ?
		       cimrepl_origin_snapshot(origin, from) : NULL;
		e = NULL;
		/* a clone's own copy of a chunk now on its target is spent */
		if (origin && (!private_copy ||
			       (snap && cimrepl_snapshot_needs(origin, snap,
							       le64_to_cpu(rec->origin_chunk)))))
			e = kzalloc(sizeof(*e), GFP_KERNEL);
		if (!e) {
			cimrepl_pool_free_chunk(pool, chunk);
			cimrepl_meta_write_chunk(meta, chunk);
			continue;
		}
		e->pool_chunk = chunk;
		e->from_seq = from;
		e->to_seq = to;
		e->private_copy = private_copy;
		if (cimrepl_reserve_slot(origin, le64_to_cpu(rec->origin_chunk))) {
			kfree(e);
			mutex_unlock(&meta->lock);
			return -ENOMEM;
		}
		spin_lock_irq(&origin->lock);
		cimrepl_insert_exception(origin, le64_to_cpu(rec->origin_chunk), e);
		spin_unlock_irq(&origin->lock);
	}
	mutex_unlock(&meta->lock);

	/*
	 * How many snapshots each shared copy serves, now that all are known;
	 * a copy that serves none (a crash in the middle of a delete or a
	 * break) is given back.
	 */
	list_for_each_entry(source, &cimrepl_volumes, node) {
		struct cimrepl_exception *unused = NULL, *next;
		unsigned long ochunk;

		origin = source->origin;
		if (!origin || origin->pool != pool)
			continue;
		spin_lock_irq(&origin->lock);
		origin->latest_seq = cimrepl_latest_valid_seq(origin);
		xa_for_each(&origin->exceptions, ochunk, e) {
			for (; e; e = next) {
				next = e->next;
				e->users = e->private_copy ? 1 :
					cimrepl_users_in(origin, ochunk,
							 e->from_seq, e->to_seq);
				if (e->users)
					continue;
				cimrepl_remove_exception(origin, ochunk, e);
				e->next = unused;
				unused = e;
			}
		}
		spin_unlock_irq(&origin->lock);
		for (e = unused; e; e = next) {
			next = e->next;
			cimrepl_release_pool_chunk(origin, e);
			kfree(e);
		}
		list_for_each_entry(snap, &origin->snapshots, node) {
			if (snap->clone)	/* its volume is there already */
				continue;
			ret = cimrepl_device_add(snap->vol);
			if (ret) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "cannot add a snapshot device");
				return ret;
			}
		}
	}
	return 0;
}

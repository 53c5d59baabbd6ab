// SPDX-License-Identifier: GPL-2.0
/*
 * The clone engine (SyncType 8).
 *
 * A clone is a point-in-time image of its source, kept by the copy-on-write
 * core exactly like a snapshot (origin.h: one copy of a chunk serves every
 * image that needs it), and copied in the background, in chunk order, onto
 * the target device under the clone's own device. The clone device is
 * usable at once: a chunk below the copy's watermark is read and written on
 * the target; above it, through the image (reads from the pool or the
 * source, writes into a private copy in the pool that the copy then takes).
 * A source write to a chunk the clone still needs waits for its old data to
 * be copied, as for any snapshot; chunks below the watermark cost the source
 * nothing, so a Synchronized clone costs nothing at all.
 *
 * The copy runs in windows of chunks. Clone I/O to the window waits while
 * it is copied. Ordering, for a crash at any instant: the window's data is
 * written to the target, the target flushed, then the new watermark
 * recorded in the pool (preflush + FUA); only then does I/O to the window
 * go to the target and do the image's copies of those chunks go back to the
 * pool. After a crash the copy resumes at the recorded watermark, from an
 * image that is still exactly the point in time (plus the clone's writes).
 *
 * All of a clone's copying runs on its origin's ordered workqueue, between
 * the copies that source writes wait for.
 */
#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "clone.h"
#include "netlink.h"
#include "origin.h"
#include "pool.h"
#include "snapshot.h"
#include "volume.h"

static const u16 cimrepl_clone_modes[] = { CIMREPL_MODE_SYNCHRONOUS };
static const u16 cimrepl_clone_ops[] = {
	CIMREPL_OP_ABORT,
	CIMREPL_OP_DETACH,
	CIMREPL_OP_RESYNC_REPLICA,
};

const struct cimrepl_engine cimrepl_clone_engine = {
	.sync_type = CIMREPL_SYNC_TYPE_CLONE,
	.modes = cimrepl_clone_modes,
	.n_modes = ARRAY_SIZE(cimrepl_clone_modes),
	.operations = cimrepl_clone_ops,
	.n_operations = ARRAY_SIZE(cimrepl_clone_ops),
};

/* Bytes copied between two records of the watermark. */
#define CIMREPL_CLONE_WINDOW_BYTES	SZ_4M
/*
 * The background copy: this many copies in flight together, each of a run
 * of chunks that lie side by side in the same place (the source, mostly),
 * up to this many bytes: 1 MiB of I/O at a time, in large requests.
 */
#define CIMREPL_CLONE_JOBS		4
#define CIMREPL_CLONE_JOB_BYTES		SZ_256K
/* A throttle measures the rate over periods this long. */
#define CIMREPL_CLONE_THROTTLE_PERIOD	(2 * HZ)

/* KiB/s for clones without a throttle of their own; 0 = none. */
static u32 cimrepl_clone_default_throttle;

/**
 * struct cimrepl_clone - a clone and its background copy
 * @snap: its point-in-time image; @snap->vol is the clone device, whose
 *	backing device is the target
 * @copy_state: CIMREPL_COPY_STATE_*: Unsynchronized while copying, then
 *	Synchronized; Broken (an I/O error or a lost image), Aborted
 * @error: the errno that broke it, 0 otherwise
 * @copied: chunks [0, @copied) are on the target and recorded so
 * @window_end: chunks [@copied, @window_end) are being copied; the clone's
 *	writes to them wait on @deferred (reads go on: the image is stable)
 * @drain: the window is open, but I/O to it issued before may still run
 * @paused: the throttle holds the copy until @kick runs; only ever
 *	between windows, so that no clone write waits for the throttle
 * @started: the create-list that made it is complete (or it was
 *	re-assembled): the worker may copy it
 * @deferred: writes of the clone device waiting for the window
 * @flushes: REQ_PREFLUSH bios waiting for @flush_work
 * @flush_work: flushes the pool and the target, then sends @flushes on
 * @next: the next chunk of the window to copy
 * @window_bytes: bytes of the window copied so far
 * @nr_chunks: chunks of the source, the last one possibly short
 * @chunk_sectors: the pool's chunk size
 * @throttle_set: @throttle applies, not the module-wide default
 * @throttle: KiB/s, 0 = unthrottled
 * @period_start: jiffies when the current throttle period began
 * @period_bytes: bytes copied in it
 * @copiers: buffers of the background copy, CIMREPL_CLONE_JOB_BYTES (or a
 *	chunk, if larger) each; used by the worker only, freed once the copy
 *	is complete
 * @job_chunks: chunks one copy job takes at most
 * @kick: restarts the copy after a throttle pause
 * @reported: tenths of the copy announced by progress events
 * @synced_ns: when it became Synchronized (not persistent: 0 after a
 *	re-assembly)
 *
 * Locking: @copy_state, @error, @copied, @window_end, @drain, @paused,
 * @started, @deferred and @flushes are protected by the origin's lock
 * (@copied and @copy_state are also read without it, by READ_ONCE, where a
 * stale value is harmless); @next, @window_bytes, @period_* and @reported
 * belong to the origin's worker; @throttle_set and
 * @throttle change under cimrepl_config_lock and are read with READ_ONCE.
 *
 * Lifetime: created with its device (or bound to it at re-assembly) and
 * freed with the synchronization, under cimrepl_config_lock, after its
 * copy has stopped, its device's I/O drained (so @flushes is empty) and
 * @kick and @flush_work are done.
 */
struct cimrepl_clone {
	struct cimrepl_snapshot *snap;
	u16 copy_state;
	int error;
	u64 copied;
	u64 window_end;
	bool drain;
	bool paused;
	bool started;
	struct bio_list deferred;
	struct bio_list flushes;
	struct work_struct flush_work;
	u64 next;
	u64 window_bytes;
	u64 nr_chunks;
	u32 chunk_sectors;
	bool throttle_set;
	u32 throttle;
	unsigned long period_start;
	u64 period_bytes;
	struct cimrepl_copier copiers[CIMREPL_CLONE_JOBS];
	u32 job_chunks;
	struct delayed_work kick;
	unsigned int reported;
	u64 synced_ns;
};

static struct cimrepl_origin *cimrepl_clone_origin(struct cimrepl_clone *clone)
{
	return clone->snap->origin;
}

u64 cimrepl_clone_copied(const struct cimrepl_clone *clone)
{
	return READ_ONCE(clone->copied);
}

static u32 cimrepl_clone_throttle(const struct cimrepl_clone *clone)
{
	return READ_ONCE(clone->throttle_set) ? READ_ONCE(clone->throttle) :
	       READ_ONCE(cimrepl_clone_default_throttle);
}

static void cimrepl_clone_kick(struct work_struct *work)
{
	struct cimrepl_clone *clone =
		container_of(to_delayed_work(work), struct cimrepl_clone, kick);
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);

	spin_lock_irq(&origin->lock);
	clone->paused = false;
	spin_unlock_irq(&origin->lock);
	queue_work(origin->wq, &origin->work);
}

static void cimrepl_clone_flush_work(struct work_struct *work);

static struct cimrepl_clone *cimrepl_clone_new(struct cimrepl_snapshot *snap,
					       sector_t sectors,
					       u32 chunk_sectors)
{
	struct cimrepl_clone *clone = kzalloc(sizeof(*clone), GFP_KERNEL);
	u32 job_sectors = max_t(u32, CIMREPL_CLONE_JOB_BYTES >> SECTOR_SHIFT,
				chunk_sectors);
	unsigned int i;

	if (!clone)
		return NULL;
	for (i = 0; i < CIMREPL_CLONE_JOBS; i++) {
		if (cimrepl_copier_init(&clone->copiers[i], job_sectors)) {
			while (i--)
				cimrepl_copier_exit(&clone->copiers[i]);
			kfree(clone);
			return NULL;
		}
	}
	clone->job_chunks = job_sectors / chunk_sectors;
	clone->snap = snap;
	clone->chunk_sectors = chunk_sectors;
	clone->nr_chunks = DIV_ROUND_UP_ULL(sectors, chunk_sectors);
	bio_list_init(&clone->deferred);
	bio_list_init(&clone->flushes);
	INIT_WORK(&clone->flush_work, cimrepl_clone_flush_work);
	INIT_DELAYED_WORK(&clone->kick, cimrepl_clone_kick);
	snap->clone = clone;
	return clone;
}

void cimrepl_clone_start(struct cimrepl_clone *clone)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);

	spin_lock_irq(&origin->lock);
	clone->started = true;
	spin_unlock_irq(&origin->lock);
	queue_work(origin->wq, &origin->work);
}

static void cimrepl_clone_free_copiers(struct cimrepl_clone *clone)
{
	unsigned int i;

	for (i = 0; i < CIMREPL_CLONE_JOBS; i++)
		cimrepl_copier_exit(&clone->copiers[i]);
}

void cimrepl_clone_free(struct cimrepl_clone *clone)
{
	flush_work(&clone->flush_work);
	cancel_delayed_work_sync(&clone->kick);
	cimrepl_clone_free_copiers(clone);
	clone->snap->clone = NULL;
	kfree(clone);
}

/* The I/O path (called by snapshot.c under the origin's lock). */
enum cimrepl_clone_route cimrepl_clone_route(struct cimrepl_clone *clone,
					     u64 chunk, struct bio *bio)
{
	if (chunk < clone->copied)
		return CIMREPL_CLONE_TO_TARGET;
	/* a write must not race the copy of its chunk, even after an abort */
	if (chunk < clone->window_end && op_is_write(bio_op(bio))) {
		bio_list_add(&clone->deferred, bio);
		return CIMREPL_CLONE_DEFERRED;
	}
	if (clone->copy_state == CIMREPL_COPY_STATE_ABORTED)
		return CIMREPL_CLONE_TO_TARGET;
	return CIMREPL_CLONE_TO_IMAGE;
}

/*
 * What the clone wrote above the watermark lives in the pool until it is
 * copied, the rest on the target: a REQ_PREFLUSH must make both durable
 * before its own data is written. That waits, so it runs on the worker:
 * flush both, then send the data on without the flag.
 */
void cimrepl_clone_flush(struct cimrepl_clone *clone, struct bio *bio)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);

	spin_lock_irq(&origin->lock);
	bio_list_add(&clone->flushes, bio);
	spin_unlock_irq(&origin->lock);
	queue_work(origin->wq, &clone->flush_work);
}

static void cimrepl_clone_flush_work(struct work_struct *work)
{
	struct cimrepl_clone *clone =
		container_of(work, struct cimrepl_clone, flush_work);
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	struct cimrepl_volume *vol = clone->snap->vol;
	struct bio_list bios;
	struct bio *bio;
	int ret;

	spin_lock_irq(&origin->lock);
	bios = clone->flushes;
	bio_list_init(&clone->flushes);
	spin_unlock_irq(&origin->lock);
	if (bio_list_empty(&bios))
		return;

	ret = blkdev_issue_flush(origin->pool->backing.bdev);
	if (!ret)
		ret = blkdev_issue_flush(vol->backing.bdev);
	while ((bio = bio_list_pop(&bios))) {
		if (ret) {
			cimrepl_volume_end_bio(vol, bio, errno_to_blk_status(ret));
			continue;
		}
		bio->bi_opf &= ~REQ_PREFLUSH;
		if (!bio_sectors(bio))
			cimrepl_volume_end_bio(vol, bio, BLK_STS_OK);
		else
			cimrepl_snapshot_submit(clone->snap, bio);
	}
}

/* Send again the bios that waited for a window. */
static void cimrepl_clone_resubmit(struct cimrepl_clone *clone,
				   struct bio_list *bios)
{
	struct bio *bio;

	while ((bio = bio_list_pop(bios)))
		cimrepl_snapshot_submit(clone->snap, bio);
}

/* Close the window without copying it; caller holds the origin's lock. */
static void cimrepl_clone_close_window(struct cimrepl_clone *clone,
				       struct bio_list *bios)
{
	*bios = clone->deferred;
	bio_list_init(&clone->deferred);
	clone->window_end = clone->copied;
	clone->drain = false;
}

void cimrepl_clone_fill_record(struct cimrepl_clone *clone,
			       struct cimrepl_meta_snapshot *rec)
{
	u16 flags = CIMREPL_META_SNAP_CLONE;

	if (!cimrepl_snapshot_valid(clone->snap))
		flags |= CIMREPL_META_SNAP_IMAGE_LOST;
	rec->flags = cpu_to_le16(flags);
	rec->copy_state = cpu_to_le16(clone->copy_state);
	rec->copied = cpu_to_le32(clone->copied);
}

void cimrepl_clone_put_tunables(struct cimrepl_clone *clone,
				struct cimrepl_meta *meta, unsigned int slot,
				u32 seq)
{
	if (clone->throttle_set)
		cimrepl_meta_put_tunables(meta, slot, seq,
					  CIMREPL_META_TUNE_THROTTLE,
					  clone->throttle, 0);
}

/* Record @clone's state in its pool. */
static int cimrepl_clone_write_record(struct cimrepl_clone *clone)
{
	struct cimrepl_meta *meta = &cimrepl_clone_origin(clone)->pool->meta;
	int ret;

	mutex_lock(&meta->lock);
	cimrepl_clone_fill_record(clone, &meta->snapshots[clone->snap->slot]);
	ret = cimrepl_meta_write_snapshots(meta);
	mutex_unlock(&meta->lock);
	if (ret)
		pr_err("cimrepl: clone %s: cannot record its state: %d\n",
		       clone->snap->vol->name, ret);
	return ret;
}

static void cimrepl_clone_notify(struct cimrepl_clone *clone, u16 event)
{
	cimrepl_nl_notify_sync(clone->snap, event);
}

/* The copy failed: Broken, the source goes on; resync can resume it. */
static void cimrepl_clone_break(struct cimrepl_clone *clone, int error)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	struct bio_list bios;
	bool changed;

	spin_lock_irq(&origin->lock);
	changed = clone->copy_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED;
	if (changed) {
		clone->copy_state = CIMREPL_COPY_STATE_BROKEN;
		clone->error = error;
	}
	cimrepl_clone_close_window(clone, &bios);
	spin_unlock_irq(&origin->lock);
	cimrepl_clone_resubmit(clone, &bios);
	if (!changed)
		return;
	pr_err("cimrepl: clone %s of %s is broken: error %d at chunk %llu\n",
	       clone->snap->vol->name, origin->vol->name, error, clone->next);
	cimrepl_clone_write_record(clone);
	cimrepl_clone_notify(clone, CIMREPL_EVENT_STATE_CHANGED);
}

void cimrepl_clone_image_lost(struct cimrepl_clone *clone)
{
	if (clone->copy_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED ||
	    clone->copy_state == CIMREPL_COPY_STATE_BROKEN) {
		clone->copy_state = CIMREPL_COPY_STATE_BROKEN;
		clone->error = -ENOSPC;
	}
}

/*
 * The window is on the target and flushed: record the new watermark, then
 * let the window's I/O go to the target and give its image copies back.
 */
static void cimrepl_clone_commit(struct cimrepl_clone *clone)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	struct cimrepl_meta *meta = &origin->pool->meta;
	struct cimrepl_meta_snapshot *rec = &meta->snapshots[clone->snap->slot];
	u64 from = clone->copied, to = clone->window_end;
	bool done = to == clone->nr_chunks;
	struct bio_list bios;
	unsigned int tenths;
	u16 state;
	int ret;

	mutex_lock(&meta->lock);
	spin_lock_irq(&origin->lock);
	state = clone->copy_state;
	spin_unlock_irq(&origin->lock);
	if (state == CIMREPL_COPY_STATE_UNSYNCHRONIZED && done)
		state = CIMREPL_COPY_STATE_SYNCHRONIZED;
	rec->copied = cpu_to_le32(to);
	rec->copy_state = cpu_to_le16(state);
	ret = cimrepl_meta_write_snapshots(meta);
	if (ret)	/* what is in memory stays what is on disk */
		cimrepl_clone_fill_record(clone, rec);
	mutex_unlock(&meta->lock);
	if (ret) {
		cimrepl_clone_break(clone, ret);
		return;
	}

	spin_lock_irq(&origin->lock);
	WRITE_ONCE(clone->copied, to);
	if (clone->copy_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED && done) {
		clone->copy_state = CIMREPL_COPY_STATE_SYNCHRONIZED;
		clone->synced_ns = ktime_get_real_ns();
	}
	cimrepl_clone_close_window(clone, &bios);
	spin_unlock_irq(&origin->lock);
	cimrepl_clone_resubmit(clone, &bios);

	/* the image's copies of these chunks serve the clone no more */
	cimrepl_drop_claims(origin, clone->snap->seq, from, to - 1);

	if (state == CIMREPL_COPY_STATE_SYNCHRONIZED) {
		/* the worker is done with them for good */
		cimrepl_clone_free_copiers(clone);
		pr_info("cimrepl: clone %s of %s is synchronized\n",
			clone->snap->vol->name, origin->vol->name);
		cimrepl_clone_notify(clone, CIMREPL_EVENT_STATE_CHANGED);
		return;
	}
	tenths = div64_u64(to * 10, clone->nr_chunks);
	if (tenths > clone->reported) {
		clone->reported = tenths;
		cimrepl_clone_notify(clone, CIMREPL_EVENT_PROGRESS);
	}
}

/* Is a private copy for the clone's image queued for a chunk of the window? */
static bool cimrepl_clone_window_busy(struct cimrepl_origin *origin,
				      struct cimrepl_clone *clone)
{
	struct cimrepl_cow *cow;

	list_for_each_entry(cow, &origin->pending, node)
		if (cow->snap == clone->snap && cow->chunk >= clone->copied &&
		    cow->chunk < clone->window_end)
			return true;
	return false;
}

/*
 * Hold the copy if it ran ahead of the throttle. Worker only, between
 * windows: no clone write ever waits for a throttle.
 */
static void cimrepl_clone_throttle_check(struct cimrepl_clone *clone, u64 bytes)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	unsigned long now = jiffies, elapsed;
	u32 rate = cimrepl_clone_throttle(clone);
	u64 allowed, bytes_per_sec;

	if (!rate || READ_ONCE(clone->copy_state) !=
		     CIMREPL_COPY_STATE_UNSYNCHRONIZED)
		return;
	if (time_after(now, clone->period_start + CIMREPL_CLONE_THROTTLE_PERIOD)) {
		clone->period_start = now;
		clone->period_bytes = 0;
	}
	clone->period_bytes += bytes;
	bytes_per_sec = (u64)rate * SZ_1K;
	elapsed = now - clone->period_start;
	allowed = div_u64(bytes_per_sec * elapsed, HZ);
	if (clone->period_bytes <= allowed)
		return;
	spin_lock_irq(&origin->lock);
	clone->paused = clone->copy_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED;
	spin_unlock_irq(&origin->lock);
	queue_delayed_work(system_wq, &clone->kick,
			   div64_u64((clone->period_bytes - allowed) * HZ,
				     bytes_per_sec) + 1);
}

/*
 * Bytes per window: CIMREPL_CLONE_WINDOW_BYTES, or, throttled, about a
 * quarter of a second's worth, so that progress and pauses stay smooth.
 */
static u64 cimrepl_clone_window_bytes(const struct cimrepl_clone *clone)
{
	u64 rate = cimrepl_clone_throttle(clone);

	if (!rate)
		return CIMREPL_CLONE_WINDOW_BYTES;
	return clamp_t(u64, rate * SZ_1K / 4, SZ_64K, CIMREPL_CLONE_WINDOW_BYTES);
}

/* Copy the next batch of @clone's window; worker only. */
static void cimrepl_clone_copy_batch(struct cimrepl_clone *clone)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	struct cimrepl_copy_job jobs[CIMREPL_CLONE_JOBS];
	struct block_device *target = clone->snap->vol->backing.bdev;
	struct cimrepl_meta *meta = &origin->pool->meta;
	u64 window_chunks, chunk, bytes = 0;
	struct cimrepl_exception *e;
	struct bio_list bios;
	unsigned int n, i;
	u32 run;
	int error = 0;

	spin_lock_irq(&origin->lock);
	if (clone->copy_state != CIMREPL_COPY_STATE_UNSYNCHRONIZED) {
		/* stopped: what waited for the window goes on */
		cimrepl_clone_close_window(clone, &bios);
		spin_unlock_irq(&origin->lock);
		cimrepl_clone_resubmit(clone, &bios);
		return;
	}
	if (clone->window_end == clone->copied) {
		window_chunks = max_t(u64, origin->batch_max,
				      cimrepl_clone_window_bytes(clone) /
				      (clone->chunk_sectors << SECTOR_SHIFT));
		clone->window_end = min(clone->copied + window_chunks,
					clone->nr_chunks);
		clone->next = clone->copied;
		clone->window_bytes = 0;
		clone->drain = true;
	}
	if (clone->drain) {
		/* image writes queued before the window opened go first */
		if (cimrepl_clone_window_busy(origin, clone)) {
			spin_unlock_irq(&origin->lock);
			return;
		}
		spin_unlock_irq(&origin->lock);
		/* and those already sent to the image complete */
		cimrepl_origin_wait_readers(origin);
		spin_lock_irq(&origin->lock);
		clone->drain = false;
	}

	/*
	 * Where each chunk of the image is: a copy in the pool (a job of its
	 * own), or still the source (a run of such chunks, one job).
	 */
	memset(jobs, 0, sizeof(jobs));
	chunk = clone->next;
	for (n = 0; n < CIMREPL_CLONE_JOBS && chunk < clone->window_end; n++) {
		e = cimrepl_find_exception(origin, chunk, clone->snap->seq);
		jobs[n].copier = &clone->copiers[n];
		jobs[n].dst = target;
		jobs[n].dst_sector = chunk * clone->chunk_sectors;
		jobs[n].sectors = cimrepl_chunk_len(origin, chunk);
		if (e) {
			jobs[n].src = origin->pool->backing.bdev;
			jobs[n].src_sector = cimrepl_meta_chunk_sector(meta,
								       e->pool_chunk);
			chunk++;
		} else {
			jobs[n].src = origin->vol->backing.bdev;
			jobs[n].src_sector = chunk * clone->chunk_sectors;
			for (run = 1, chunk++; run < clone->job_chunks &&
			     chunk < clone->window_end &&
			     !cimrepl_find_exception(origin, chunk,
						     clone->snap->seq);
			     run++, chunk++)
				jobs[n].sectors += cimrepl_chunk_len(origin, chunk);
		}
		bytes += (u64)jobs[n].sectors << SECTOR_SHIFT;
	}
	spin_unlock_irq(&origin->lock);

	/*
	 * The copies of the pool stay while this runs: giving one back waits
	 * for this worker; the source's chunks do too, for the same reason.
	 */
	cimrepl_copy_many(jobs, n);
	for (i = 0; i < n && !error; i++)
		error = jobs[i].error;
	if (error) {
		cimrepl_clone_break(clone, error);
		return;
	}
	clone->next = chunk;
	clone->window_bytes += bytes;
	if (clone->next < clone->window_end)
		return;
	error = blkdev_issue_flush(target);
	if (error) {
		cimrepl_clone_break(clone, error);
		return;
	}
	cimrepl_clone_commit(clone);
	cimrepl_clone_throttle_check(clone, clone->window_bytes);
	clone->window_bytes = 0;
}

bool cimrepl_clone_step(struct cimrepl_origin *origin)
{
	struct cimrepl_clone *clone = NULL, *first = NULL;
	struct cimrepl_snapshot *snap;

	spin_lock_irq(&origin->lock);
	list_for_each_entry(snap, &origin->snapshots, node) {
		struct cimrepl_clone *c = snap->clone;

		if (!c || !c->started || c->paused ||
		    (c->copy_state != CIMREPL_COPY_STATE_UNSYNCHRONIZED &&
		     c->window_end == c->copied))
			continue;
		if (!first)
			first = c;
		if (snap->seq > origin->clone_turn) {
			clone = c;
			break;
		}
	}
	if (!clone)
		clone = first;
	if (clone)
		origin->clone_turn = clone->snap->seq;
	spin_unlock_irq(&origin->lock);
	if (!clone)
		return false;
	cimrepl_clone_copy_batch(clone);
	return true;
}

/*
 * Stop the background copy of @clone: its state is no longer
 * Unsynchronized (the caller changed it), a window in progress is given up
 * and the bios waiting for it go on. Caller holds cimrepl_config_lock.
 */
static void cimrepl_clone_stop(struct cimrepl_clone *clone)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);

	/* a pause ends now: the worker must see the new state */
	cancel_delayed_work_sync(&clone->kick);
	spin_lock_irq(&origin->lock);
	clone->paused = false;
	spin_unlock_irq(&origin->lock);
	/* a batch in progress finishes; the next run closes the window */
	queue_work(origin->wq, &origin->work);
	flush_workqueue(origin->wq);
	/* the worker no longer picks it and arms no pause for it */
	cancel_delayed_work_sync(&clone->kick);
}

/* Creating a clone. */
struct cimrepl_volume *
cimrepl_clone_alloc(const struct cimrepl_snapshot_request *req,
		    unsigned int index, struct cimrepl_volume *source,
		    struct cimrepl_pool *pool, struct cimrepl_snapshot *snap,
		    const struct cimrepl_list_request *list,
		    struct netlink_ext_ack *extack)
{
	sector_t sectors = get_capacity(source->disk);
	struct cimrepl_clone *clone;
	struct cimrepl_volume *vol;

	/* the record keeps the watermark in 32 bits */
	if (DIV_ROUND_UP_ULL(sectors, cimrepl_meta_chunk_sectors(&pool->meta)) >
	    U32_MAX) {
		cimrepl_elem_err(extack, req->attr, index,
				 "the source has more chunks than a clone record counts: use a pool with larger chunks");
		return ERR_PTR(-EINVAL);
	}
	vol = cimrepl_target_open(req->target, req->target_path, req->attr,
				  index, source, CIMREPL_ROLE_CLONE, extack);
	if (IS_ERR(vol))
		return vol;
	clone = cimrepl_clone_new(snap, sectors,
				  cimrepl_meta_chunk_sectors(&pool->meta));
	if (!clone) {
		cimrepl_device_discard(vol);
		return ERR_PTR(-ENOMEM);
	}
	clone->copy_state = CIMREPL_COPY_STATE_UNSYNCHRONIZED;
	clone->throttle_set = list->throttle_set;
	clone->throttle = list->throttle;
	return vol;
}

/* Re-assembly. */
int cimrepl_clone_assemble_check(const struct cimrepl_meta_snapshot *rec,
				 struct cimrepl_volume *source,
				 const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	struct cimrepl_volume *vol = cimrepl_volume_find(rec->name);

	if (!vol) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a clone's volume is not there: create it over the clone's target first");
		return -ENOENT;
	}
	if (vol->role != CIMREPL_ROLE_VOLUME || vol->origin || vol->replicas) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a clone's volume is a replica or has replicas of its own");
		return -EBUSY;
	}
	if (cimrepl_volume_open_count(vol)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a clone's volume is open: load the pool before exporting it");
		return -EBUSY;
	}
	if (get_capacity(vol->disk) < get_capacity(source->disk)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a clone's volume is smaller than its source");
		return -EINVAL;
	}
	return 0;
}

int cimrepl_clone_bind(struct cimrepl_volume *vol, struct cimrepl_snapshot *snap,
		       const struct cimrepl_meta_snapshot *rec)
{
	struct cimrepl_origin *origin = snap->origin;
	u16 state = le16_to_cpu(rec->copy_state);
	u64 copied = le32_to_cpu(rec->copied);
	const struct cimrepl_meta_tunables *tunables;
	struct cimrepl_clone *clone;

	clone = cimrepl_clone_new(snap, get_capacity(origin->vol->disk),
				  origin->chunk_sectors);
	if (!clone)
		return -ENOMEM;
	if (copied > clone->nr_chunks ||
	    (state != CIMREPL_COPY_STATE_UNSYNCHRONIZED &&
	     state != CIMREPL_COPY_STATE_SYNCHRONIZED &&
	     state != CIMREPL_COPY_STATE_BROKEN &&
	     state != CIMREPL_COPY_STATE_ABORTED) ||
	    (state == CIMREPL_COPY_STATE_SYNCHRONIZED &&
	     copied != clone->nr_chunks)) {
		pr_err("cimrepl: clone %s: corrupt record\n", rec->name);
		cimrepl_clone_free(clone);
		return -EINVAL;
	}
	tunables = cimrepl_meta_tunables(&origin->pool->meta, snap->slot,
					 snap->seq);
	if (tunables &&
	    (le32_to_cpu(tunables->flags) & CIMREPL_META_TUNE_THROTTLE)) {
		clone->throttle_set = true;
		clone->throttle = le32_to_cpu(tunables->throttle);
	}
	clone->copy_state = state;
	clone->copied = copied;
	clone->window_end = copied;
	clone->reported = div64_u64(copied * 10, clone->nr_chunks);
	snap->copy_state = le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_IMAGE_LOST ?
			   CIMREPL_COPY_STATE_BROKEN :
			   CIMREPL_COPY_STATE_SYNCHRONIZED;
	if (state == CIMREPL_COPY_STATE_BROKEN)
		clone->error = snap->copy_state == CIMREPL_COPY_STATE_BROKEN ?
			       -ENOSPC : -EIO;

	/* the caller holds @vol's I/O until the index is complete */
	snap->vol = vol;
	vol->role = CIMREPL_ROLE_CLONE;
	vol->chunk_sectors = origin->chunk_sectors;
	/* a clone is as large as its source, whatever its target's size */
	set_capacity_and_notify(vol->disk, get_capacity(origin->vol->disk));
	vol->snapshot = snap;
	clone->started = true;
	return 0;
}

/* Make the clone device @vol a plain volume over its target again. */
static void cimrepl_clone_to_volume(struct cimrepl_volume *vol)
{
	cimrepl_volume_hold_io(vol);
	vol->role = CIMREPL_ROLE_VOLUME;
	vol->snapshot = NULL;
	vol->chunk_sectors = 0;
	cimrepl_volume_release_io(vol);
}

void cimrepl_clone_unbind(struct cimrepl_clone *clone)
{
	struct cimrepl_volume *vol = clone->snap->vol;

	/* the caller holds @vol's I/O, as for cimrepl_clone_bind() */
	vol->role = CIMREPL_ROLE_VOLUME;
	vol->snapshot = NULL;
	vol->chunk_sectors = 0;
	set_capacity_and_notify(vol->disk, bdev_nr_sectors(vol->backing.bdev));
	cimrepl_clone_free(clone);
}

/* Reports. */
int cimrepl_clone_fill_sync(struct sk_buff *skb, struct cimrepl_clone *clone)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	u64 bytes = (u64)get_capacity(origin->vol->disk) << SECTOR_SHIFT;
	u64 copied, done_bytes;
	struct nlattr *nest;
	u16 state, progress;
	bool image;
	int error;

	spin_lock_irq(&origin->lock);
	state = clone->copy_state;
	copied = clone->copied;
	error = clone->error;
	image = cimrepl_snapshot_valid(clone->snap);
	spin_unlock_irq(&origin->lock);

	switch (state) {
	case CIMREPL_COPY_STATE_UNSYNCHRONIZED:
		progress = CIMREPL_PROGRESS_SYNCHRONIZING;
		break;
	case CIMREPL_COPY_STATE_SYNCHRONIZED:
		progress = CIMREPL_PROGRESS_COMPLETED;
		break;
	case CIMREPL_COPY_STATE_BROKEN:
		progress = image ? CIMREPL_PROGRESS_REQUIRES_RESYNC :
			   CIMREPL_PROGRESS_DORMANT;
		break;
	default:
		progress = CIMREPL_PROGRESS_DORMANT;
	}
	done_bytes = min(bytes, (copied * clone->chunk_sectors) << SECTOR_SHIFT);

	nest = nla_nest_start(skb, CIMREPL_A_SYNC);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, CIMREPL_A_SYNC_SOURCE, origin->vol->name) ||
	    nla_put_string(skb, CIMREPL_A_SYNC_TARGET, clone->snap->vol->name) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_SYNC_TYPE, CIMREPL_SYNC_TYPE_CLONE) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_MODE, CIMREPL_MODE_SYNCHRONOUS) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_COPY_STATE, state) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_PROGRESS_STATUS, progress) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_CHUNKS_DONE, copied,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_CHUNKS_TOTAL,
			      clone->nr_chunks, CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_BYTES_DONE, done_bytes,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u32(skb, CIMREPL_A_SYNC_CHUNK_SIZE,
			clone->chunk_sectors << SECTOR_SHIFT) ||
	    nla_put_u32(skb, CIMREPL_A_SYNC_THROTTLE,
			cimrepl_clone_throttle(clone)) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_WHEN_ESTABLISHED,
			      clone->snap->created_ns, CIMREPL_A_SYNC_PAD) ||
	    (clone->synced_ns &&
	     nla_put_u64_64bit(skb, CIMREPL_A_SYNC_WHEN_SYNCHRONIZED,
			       clone->synced_ns, CIMREPL_A_SYNC_PAD)) ||
	    (error && nla_put_u32(skb, CIMREPL_A_SYNC_ERROR, -error))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Operations: what each refuses in which state. */
static const struct {
	u16 op;
	u16 state;
	bool lost;	/* only when the point in time is lost */
	const char *why;
} cimrepl_clone_refusals[] = {
	{ CIMREPL_OP_ABORT, CIMREPL_COPY_STATE_SYNCHRONIZED, false,
	  "Abort: the clone is Synchronized (CopyState 4): detach it instead" },
	{ CIMREPL_OP_ABORT, CIMREPL_COPY_STATE_ABORTED, false,
	  "Abort: the clone is Aborted (CopyState 12) already" },
	{ CIMREPL_OP_DETACH, CIMREPL_COPY_STATE_UNSYNCHRONIZED, false,
	  "Detach: the clone is Unsynchronized (CopyState 3): wait for Synchronized or abort it" },
	{ CIMREPL_OP_DETACH, CIMREPL_COPY_STATE_BROKEN, false,
	  "Detach: the clone is Broken (CopyState 5): abort or resync it first" },
	{ CIMREPL_OP_RESYNC_REPLICA, CIMREPL_COPY_STATE_BROKEN, true,
	  "Resync Replica: the clone is Broken (CopyState 5) and its point in time is lost" },
	{ CIMREPL_OP_RESYNC_REPLICA, CIMREPL_COPY_STATE_UNSYNCHRONIZED, false,
	  "Resync Replica: the clone is Unsynchronized (CopyState 3): it is copying" },
	{ CIMREPL_OP_RESYNC_REPLICA, CIMREPL_COPY_STATE_SYNCHRONIZED, false,
	  "Resync Replica: the clone is Synchronized (CopyState 4): nothing to copy" },
	{ CIMREPL_OP_RESYNC_REPLICA, CIMREPL_COPY_STATE_ABORTED, false,
	  "Resync Replica: the clone is Aborted (CopyState 12): its point in time is gone" },
};

static bool cimrepl_clone_has_op(u16 op)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cimrepl_clone_ops); i++)
		if (cimrepl_clone_ops[i] == op)
			return true;
	return false;
}

static const char *cimrepl_clone_refusal(u16 op, u16 state, bool image)
{
	unsigned int i;

	if (!cimrepl_clone_has_op(op))
		return "clones implement Abort (2), Detach (8) and Resync Replica (14) only";
	for (i = 0; i < ARRAY_SIZE(cimrepl_clone_refusals); i++)
		if (cimrepl_clone_refusals[i].op == op &&
		    cimrepl_clone_refusals[i].state == state &&
		    (!cimrepl_clone_refusals[i].lost || !image))
			return cimrepl_clone_refusals[i].why;
	return NULL;
}

int cimrepl_clone_check(struct cimrepl_volume *vol, u16 op,
			const struct nlattr *attr, unsigned int index,
			struct netlink_ext_ack *extack)
{
	struct cimrepl_clone *clone = vol->snapshot->clone;
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	const char *refusal;
	bool image;
	u16 state;

	lockdep_assert_held(&cimrepl_config_lock);
	spin_lock_irq(&origin->lock);
	state = clone->copy_state;
	image = cimrepl_snapshot_valid(clone->snap);
	spin_unlock_irq(&origin->lock);

	refusal = cimrepl_clone_refusal(op, state, image);
	if (!refusal)
		return 0;
	cimrepl_elem_err_str(extack, attr, index, refusal);
	return cimrepl_clone_has_op(op) ? -EINVAL : -EOPNOTSUPP;
}

static void cimrepl_clone_abort(struct cimrepl_clone *clone)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	bool image;

	/* from now on the device shows the target, whatever it holds */
	spin_lock_irq(&origin->lock);
	clone->copy_state = CIMREPL_COPY_STATE_ABORTED;
	spin_unlock_irq(&origin->lock);
	cimrepl_clone_stop(clone);
	/*
	 * The record says Aborted and image lost before the image's copies
	 * go back to the pool: a crash in between must not resume a copy
	 * from an image that lost chunks.
	 */
	image = cimrepl_snapshot_invalidate(clone->snap);
	if (!cimrepl_clone_write_record(clone) && image)
		cimrepl_drop_claims(origin, clone->snap->seq, clone->copied,
				    ULONG_MAX);
	pr_info("cimrepl: clone %s aborted at chunk %llu of %llu\n",
		clone->snap->vol->name, clone->copied, clone->nr_chunks);
	cimrepl_clone_notify(clone, CIMREPL_EVENT_STATE_CHANGED);
}

/* End the synchronization; the clone device stays, a plain volume. */
static void cimrepl_clone_detach(struct cimrepl_clone *clone)
{
	struct cimrepl_snapshot *snap = clone->snap;
	struct cimrepl_volume *vol = snap->vol;

	cimrepl_clone_notify(clone, CIMREPL_EVENT_DELETED);
	cancel_delayed_work_sync(&clone->kick);
	cimrepl_clone_to_volume(vol);
	cimrepl_snapshot_unlink(snap);
	cimrepl_clone_free(clone);
	kfree(snap);
	cimrepl_nl_notify_volume(vol, CIMREPL_EVENT_STATE_CHANGED);
}

static void cimrepl_clone_resync(struct cimrepl_clone *clone)
{
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);

	spin_lock_irq(&origin->lock);
	clone->copy_state = CIMREPL_COPY_STATE_UNSYNCHRONIZED;
	clone->error = 0;
	spin_unlock_irq(&origin->lock);
	cimrepl_clone_write_record(clone);
	queue_work(origin->wq, &origin->work);
	cimrepl_clone_notify(clone, CIMREPL_EVENT_STATE_CHANGED);
}

int cimrepl_clone_apply(struct cimrepl_volume *vol, u16 op,
			struct netlink_ext_ack *extack)
{
	struct cimrepl_clone *clone = vol->snapshot->clone;

	lockdep_assert_held(&cimrepl_config_lock);
	switch (op) {
	case CIMREPL_OP_ABORT:
		cimrepl_clone_abort(clone);
		return 0;
	case CIMREPL_OP_DETACH:
		cimrepl_clone_detach(clone);
		return 0;
	case CIMREPL_OP_RESYNC_REPLICA:
		cimrepl_clone_resync(clone);
		return 0;
	}
	NL_SET_ERR_MSG(extack, "clones do not implement this operation");
	return -EOPNOTSUPP;
}

int cimrepl_clone_delete(struct cimrepl_volume *vol, const struct nlattr *attr,
			 struct netlink_ext_ack *extack)
{
	struct cimrepl_snapshot *snap = vol->snapshot;
	struct cimrepl_clone *clone = snap->clone;
	struct cimrepl_origin *origin = cimrepl_clone_origin(clone);
	int ret;

	lockdep_assert_held(&cimrepl_config_lock);
	ret = cimrepl_device_close_for_removal(vol);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the clone is open (a LIO backstore or another user holds it)");
		return ret;
	}
	cimrepl_clone_notify(clone, CIMREPL_EVENT_DELETED);
	spin_lock_irq(&origin->lock);
	if (clone->copy_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED)
		clone->copy_state = CIMREPL_COPY_STATE_ABORTED;
	spin_unlock_irq(&origin->lock);
	cimrepl_clone_stop(clone);
	cimrepl_snapshot_unlink(snap);
	cimrepl_clone_free(clone);
	kfree(snap);
	vol->snapshot = NULL;
	return cimrepl_device_remove(vol, attr, extack);
}

int cimrepl_clone_set_throttle(struct cimrepl_volume *vol,
			       const struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	struct cimrepl_clone *clone = vol->snapshot->clone;
	struct cimrepl_meta *meta = &cimrepl_clone_origin(clone)->pool->meta;
	u32 kib_per_sec = nla_get_u32(attr);
	int ret;

	lockdep_assert_held(&cimrepl_config_lock);
	/* recorded first: a setting the pool cannot keep is not taken */
	mutex_lock(&meta->lock);
	ret = cimrepl_meta_write_tunables(meta, clone->snap->slot,
					  clone->snap->seq,
					  CIMREPL_META_TUNE_THROTTLE,
					  kib_per_sec, 0);
	mutex_unlock(&meta->lock);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "cannot record the throttle in the clone's pool");
		return ret;
	}
	WRITE_ONCE(clone->throttle, kib_per_sec);
	WRITE_ONCE(clone->throttle_set, true);
	/* judged again at once */
	mod_delayed_work(system_wq, &clone->kick, 0);
	return 0;
}

void cimrepl_clone_set_default_throttle(u32 kib_per_sec)
{
	struct cimrepl_volume *vol;

	lockdep_assert_held(&cimrepl_config_lock);
	WRITE_ONCE(cimrepl_clone_default_throttle, kib_per_sec);
	list_for_each_entry(vol, &cimrepl_volumes, node)
		if (vol->snapshot && vol->snapshot->clone)
			mod_delayed_work(system_wq, &vol->snapshot->clone->kick, 0);
}

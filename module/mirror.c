// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror engine (SyncType 6).
 *
 * A mirror sits on the write path of its source volume (volume.c hands it
 * every bio of the source) and owns the device over its target. The source
 * is cut into regions (the pool's chunk size, doubled until at most
 * CIMREPL_MIRROR_MAX_REGIONS); four bitmaps describe them, under @lock:
 *
 *   logged	the log as it is on disk: the region may differ between the
 *		legs. Only the log worker changes it, after a write landed.
 *   log_next	the log as it must become. A write may pass only into a
 *		region set in both: the first write into a region waits
 *		(wait_log) until the log worker has written the bit (FUA),
 *		with the rest of its group (CIMREPL_MIRROR_LOG_GROUP); a
 *		sequential writer has the regions ahead of it logged before
 *		it gets there; groups are cleared lazily, when found clean
 *		at two looks 5 s apart.
 *   dirty	the region must be copied source -> target before the target
 *		holds the source's data there.
 *   copying	the copy worker is copying it; writes into it wait
 *		(wait_copy).
 *
 * pending[r] counts the writes into region r not yet finished on every leg
 * they go to (for an asynchronous mirror: until the target applied them);
 * a region is copied, or cleared from the log, only at zero.
 *
 * Writes of the source, by state:
 *   following (Synchronized or Unsynchronized, no restore running) and the
 *	region clean: synchronous - to both legs, complete when both are;
 *	asynchronous - complete on the source, a copy of the data queued in
 *	completion order, applied in batches that never reorder overlapping
 *	writes or cross a preflush, one batch in flight at a time, started
 *	by the next write of the source (or the copy worker when none comes);
 *   otherwise: source only, region marked dirty.
 *
 * A failing target leg makes the mirror Broken; its regions become dirty.
 * The log lives in pool data chunks whose chunk records carry
 * CIMREPL_META_CHUNK_MIRROR_LOG; the mirror's record is a snapshot-table
 * record with CIMREPL_META_SNAP_MIRROR (Documentation/on-disk-format.rst).
 */
#include <linux/bitmap.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "copier.h"
#include "metadata.h"
#include "mirror.h"
#include "netlink.h"
#include "pool.h"
#include "snapshot.h"
#include "volume.h"

/* Most regions a mirror's log tracks: 128 KiB of bitmap. */
#define CIMREPL_MIRROR_MAX_REGIONS	BIT(20)
/* Regions one log block (4 KiB) covers. */
#define CIMREPL_MIRROR_LOG_BITS		(CIMREPL_META_BLOCK * BITS_PER_BYTE)
/* One copy request, and how many run at once. */
#define CIMREPL_MIRROR_COPY_SECTORS	(SZ_256K >> SECTOR_SHIFT)
#define CIMREPL_MIRROR_COPY_JOBS	4
/* Bytes the copy worker copies between two looks at the writes waiting. */
#define CIMREPL_MIRROR_WINDOW_BYTES	SZ_4M
/* Most queued writes an asynchronous mirror applies at once. */
#define CIMREPL_MIRROR_APPLY_BATCH	16
/*
 * An asynchronous write's copy of its data is kept in buffers of 2^this
 * pages (64 KiB with 4 KiB pages) when it is at least that long, one
 * allocation and one bio vector each rather than one per page, and in
 * single pages otherwise, or when memory is too fragmented for them.
 */
#define CIMREPL_MIRROR_BUF_ORDER	4
/*
 * Bytes of free buffers of each of the two sizes a mirror keeps for its
 * next writes: allocating costs more than the copy, since the kernel
 * zeroes every page it hands out (init_on_alloc, on in Debian's kernels)
 * and a capture overwrites the page at once.
 */
#define CIMREPL_MIRROR_BUF_CACHE	SZ_2M
/*
 * An asynchronous mirror's writes are applied by the writers themselves,
 * each starting the next batch as it passes; when none comes, the copy
 * worker does it this long after the queue stopped moving.
 */
#define CIMREPL_MIRROR_APPLY_DELAY	1
/*
 * How far ahead of a sequential writer the log goes, at most: a stream of
 * writes logs the regions in front of it before it reaches them, so that
 * it does not wait for a log write at each new group (readahead's idea).
 */
#define CIMREPL_MIRROR_LOG_AHEAD	SZ_4M
/*
 * Regions enter and leave the log in aligned groups of this many bytes
 * (or one region, if larger): a write into a region not logged has its
 * whole group logged, so that writes spread over a volume pay one log
 * write per group, not per region; a group leaves the log when all of it
 * is clean. What a crash costs: a copy of the groups written in the last
 * seconds. The dirty bitmap stays per region: a fracture, suspend or
 * broken target costs a copy of the regions written, no more. DRBD's
 * activity log makes the same trade with 4 MiB extents.
 */
#define CIMREPL_MIRROR_LOG_GROUP	SZ_1M
/*
 * How often the log is looked at for clean regions; a region leaves it
 * when it was clean at two looks in a row, so that a region written every
 * few seconds does not pay a log write each time (md's bitmap does the
 * same with its daemon_sleep).
 */
#define CIMREPL_MIRROR_CLEAR_DELAY	(5 * HZ)
#define CIMREPL_MIRROR_THROTTLE_PERIOD	HZ

static const u16 cimrepl_mirror_modes[] = {
	CIMREPL_MODE_SYNCHRONOUS,
	CIMREPL_MODE_ASYNCHRONOUS,
};

static const u16 cimrepl_mirror_ops[] = {
	CIMREPL_OP_DETACH,
	CIMREPL_OP_FRACTURE,
	CIMREPL_OP_RESYNC_REPLICA,
	CIMREPL_OP_RESTORE_FROM_REPLICA,
	CIMREPL_OP_RESUME,
	CIMREPL_OP_RETURN_TO_RESOURCE_POOL,
	CIMREPL_OP_SPLIT,
	CIMREPL_OP_SUSPEND,
};

const struct cimrepl_engine cimrepl_mirror_engine = {
	.sync_type	= CIMREPL_SYNC_TYPE_MIRROR,
	.modes		= cimrepl_mirror_modes,
	.n_modes	= ARRAY_SIZE(cimrepl_mirror_modes),
	.operations	= cimrepl_mirror_ops,
	.n_operations	= ARRAY_SIZE(cimrepl_mirror_ops),
};

struct cimrepl_mirror;

/**
 * struct cimrepl_mirror_write - an asynchronous mirror's write for the target
 * @node: entry in the mirror's @queue, or in a batch being applied
 * @sector: where it goes
 * @sectors: its length (0: an empty preflush)
 * @opf: operation and flags, as the source received them
 * @first: first region it touches
 * @last: last region (below @first for an empty preflush)
 * @queued: jiffies when it completed on the source
 * @error: the target's answer, while applied
 * @mirror: the mirror it belongs to
 * @buf_order: each of @bufs is 2^@buf_order pages, physically contiguous
 *	(0 or CIMREPL_MIRROR_BUF_ORDER)
 * @nr_bufs: buffers in @bufs
 * @bufs: the data, copied from the source's bio before it was sent
 */
struct cimrepl_mirror_write {
	struct list_head node;
	sector_t sector;
	u32 sectors;
	blk_opf_t opf;
	u64 first;
	u64 last;
	unsigned long queued;
	blk_status_t error;
	struct cimrepl_mirror *mirror;
	unsigned int buf_order;
	unsigned int nr_bufs;
	struct page *bufs[];
};

/**
 * struct cimrepl_mirror - one mirror
 * @source: the mirrored volume (its @mirrored points here)
 * @dev: the mirror device over the target (its @mirror points here)
 * @pool: the pool keeping @slot (the record) and the log chunks
 * @slot: the record's index in the pool's snapshot table
 * @seq: the record's sequence number; owns the log chunks' records
 * @mode: CIMREPL_MODE_SYNCHRONOUS or _ASYNCHRONOUS
 * @created_ns: when it was established
 * @region_sectors: region size; a power of two
 * @region_shift: its log2
 * @log_group: regions per group of the log (CIMREPL_MIRROR_LOG_GROUP)
 * @nr_regions: regions of the source
 * @nr_log_blocks: log blocks (CIMREPL_MIRROR_LOG_BITS regions each)
 * @log_chunks: pool chunk of each log chunk, @nr_log_chunks of them
 * @log_page: the bounce page for log block writes; log worker only
 * @log_image: one log block's bits as being written; log worker only
 * @lock: protects everything below it except the work items; taken with
 *	interrupts disabled (bio completions take it)
 * @copy_state: CIMREPL_COPY_STATE_*
 * @progress: CIMREPL_PROGRESS_* while a copy or restore runs
 * @restoring: a restore (target -> source) runs; @copy_state is then
 *	Unsynchronized and @restore_from the state written in the record
 * @log_failed: a log write failed: the log on disk cannot be trusted and
 *	the next resync copies every region (persisted in the record)
 * @consistent: the target held the source's data everywhere since it was
 *	last Synchronized (persisted): what a restore may copy back
 * @dying: teardown runs: the workers stop and re-arm nothing
 * @error: the errno that broke it, 0 if none
 * @synced_ns, @suspended_ns: when it last became Synchronized, Suspended
 * @throttle_set, @throttle: the copy's own throttle (KiB/s) if set
 * @max_lag_ms: an asynchronous mirror's lag bound
 *	(both recorded in the pool's tunables, cimrepl_mirror_tune())
 * @logged, @log_next, @dirty, @copying, @to_restore: bitmaps, see above;
 *	@to_restore: regions a running restore has yet to copy back
 * @changed: log blocks where @log_next differs from @logged
 * @clean_once: regions found clean at the last look for clean regions
 *	and not written since
 * @pending: per region, writes not finished on every leg
 * @nr_dirty, @nr_restore: bits set in @dirty, @to_restore
 * @run_done, @run_total: regions copied and to copy in the current run
 * @reported: tenths of the run last reported in an event
 * @cursor, @restore_cursor: where the copy, the restore, looks next
 * @wait_log, @wait_copy, @wait_backlog: bios waiting for the log, for a
 *	copy or restore of their region, for the async backlog to shrink
 * @queue: an asynchronous mirror's writes for the target, in completion
 *	order; @backlog bytes of data
 * @batch: the writes of @queue being applied (one batch at a time, so
 *	that the target sees them in order): a batch is in flight exactly
 *	while @batch is not empty; @batch_bios of its bios are still on
 *	their way
 * @seq_next, @seq_run: where the last write of the source ended, and how
 *	many bytes were written in a row up to there (to log ahead of a
 *	sequential writer)
 * @target_inflight: writes on their way to the target (synchronous legs
 *	and applied batches); @idle is woken when it drops or @queue empties
 * @clear_wanted: the log worker should clear clean regions
 * @record_dirty: the record must be rewritten (log worker)
 * @notify_state: a state change must be announced (log worker)
 * @paused: the copy waits for the throttle
 * @period_start, @period_bytes: throttle accounting; copy worker only
 * @wq: runs @log_work and @copy_work
 * @log_work: writes the log, the record, announces state changes
 * @copy_work: applies queued writes, copies and restores regions
 * @clear_work: asks for the lazy clear once a second
 * @kick: ends a throttle pause
 * @apply_later: has the copy worker apply the queue when no writer did
 * @copiers: copy buffers, copy worker only
 * @bs: bio_set for the legs of source writes
 * @buf_lock: protects @free_bufs and @nr_free_bufs; taken with interrupts
 *	disabled (a batch's completion gives its buffers back)
 * @free_bufs: buffers of single pages [0] and of 2^CIMREPL_MIRROR_BUF_ORDER
 *	pages [1] kept for the next captures, linked through page->lru, at
 *	most CIMREPL_MIRROR_BUF_CACHE bytes of each; freed with the mirror
 * @nr_free_bufs: how many in each list
 *
 * Lifetime: created and destroyed under cimrepl_config_lock, with the I/O
 * of both devices held while it is attached or detached; the source and
 * the device each point at it while it exists.
 */
struct cimrepl_mirror {
	struct cimrepl_volume *source;
	struct cimrepl_volume *dev;
	struct cimrepl_pool *pool;
	unsigned int slot;
	u32 seq;
	u16 mode;
	u64 created_ns;
	u32 region_sectors;
	unsigned int region_shift;
	unsigned int log_group;
	u64 nr_regions;
	unsigned int nr_log_blocks;
	unsigned int nr_log_chunks;
	u64 *log_chunks;
	struct page *log_page;
	unsigned long *log_image;

	spinlock_t lock;	/* see above */
	u16 copy_state;
	u16 progress;
	bool restoring;
	u16 restore_from;
	bool log_failed;
	bool consistent;
	bool dying;
	int error;
	u64 synced_ns;
	u64 suspended_ns;
	bool throttle_set;
	u32 throttle;
	u32 max_lag_ms;
	unsigned long *logged;
	unsigned long *log_next;
	unsigned long *dirty;
	unsigned long *copying;
	unsigned long *to_restore;
	unsigned long *changed;
	unsigned long *clean_once;
	u32 *pending;
	u64 nr_dirty;
	u64 nr_restore;
	u64 run_done;
	u64 run_total;
	unsigned int reported;
	u64 cursor;
	u64 restore_cursor;
	struct bio_list wait_log;
	struct bio_list wait_copy;
	struct bio_list wait_backlog;
	struct list_head queue;
	u64 backlog;
	struct list_head batch;
	atomic_t batch_bios;
	sector_t seq_next;
	u64 seq_run;
	unsigned int target_inflight;
	wait_queue_head_t idle;
	bool clear_wanted;
	bool record_dirty;
	bool notify_state;
	bool paused;

	unsigned long period_start;
	u64 period_bytes;
	struct workqueue_struct *wq;
	struct work_struct log_work;
	struct work_struct copy_work;
	struct delayed_work clear_work;
	struct delayed_work kick;
	struct delayed_work apply_later;
	struct cimrepl_copier copiers[CIMREPL_MIRROR_COPY_JOBS];
	struct bio_set bs;
	spinlock_t buf_lock;	/* see above */
	struct list_head free_bufs[2];
	unsigned int nr_free_bufs[2];
};

/**
 * struct cimrepl_mirror_req - one write of the source on its way
 * @mirror: the mirror
 * @orig: the bio the source received
 * @write: asynchronous: the copy queued for the target once the source
 *	has the write
 * @first, @last: the regions it touches (@first > @last: none)
 * @legs: legs not yet complete
 * @status: the source leg's answer
 * @target_status: the target leg's answer
 * @to_target: a synchronous target leg was sent
 */
struct cimrepl_mirror_req {
	struct cimrepl_mirror *mirror;
	struct bio *orig;
	struct cimrepl_mirror_write *write;
	u64 first;
	u64 last;
	atomic_t legs;
	blk_status_t status;
	blk_status_t target_status;
	bool to_target;
};

static void cimrepl_mirror_range(struct cimrepl_mirror *m, struct bio *bio,
				 u64 *first, u64 *last)
{
	sector_t sector = bio->bi_iter.bi_sector;

	if (!bio_sectors(bio)) {
		*first = 1;
		*last = 0;
		return;
	}
	*first = sector >> m->region_shift;
	*last = min_t(u64, (sector + bio_sectors(bio) - 1) >> m->region_shift,
		      m->nr_regions - 1);
}

static bool cimrepl_mirror_following(const struct cimrepl_mirror *m)
{
	return (m->copy_state == CIMREPL_COPY_STATE_SYNCHRONIZED ||
		m->copy_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED) &&
	       !m->restoring;
}

static bool cimrepl_mirror_any(const unsigned long *map, u64 first, u64 last)
{
	return first <= last && find_next_bit(map, last + 1, first) <= last;
}

/* Every region of [first, last] in the log on disk, and staying there. */
static bool cimrepl_mirror_logged(struct cimrepl_mirror *m, u64 first, u64 last)
{
	u64 r;

	for (r = first; r <= last && first <= last; r++)
		if (!test_bit(r, m->logged) || !test_bit(r, m->log_next))
			return false;
	return true;
}

/* Mark [first, last] dirty. Under @lock. */
static void cimrepl_mirror_mark_dirty(struct cimrepl_mirror *m, u64 first,
				      u64 last)
{
	u64 r;

	for (r = first; r <= last && first <= last; r++)
		if (!__test_and_set_bit(r, m->dirty))
			m->nr_dirty++;
}

static void cimrepl_mirror_unpend(struct cimrepl_mirror *m, u64 first, u64 last)
{
	u64 r;

	for (r = first; r <= last && first <= last; r++)
		m->pending[r]--;
}

static u32 cimrepl_mirror_throttle(const struct cimrepl_mirror *m)
{
	/* unlike clones, mirrors have no module-wide default: none */
	return READ_ONCE(m->throttle_set) ? READ_ONCE(m->throttle) : 0;
}

static u64 cimrepl_mirror_write_bytes(const struct cimrepl_mirror_write *w)
{
	return (u64)w->sectors << SECTOR_SHIFT;
}

/* The cache list of buffers of 2^@order pages: [0] single, [1] large. */
static unsigned int cimrepl_mirror_buf_list(unsigned int order)
{
	return order == CIMREPL_MIRROR_BUF_ORDER;
}

/* A capture buffer of 2^@order pages, from the mirror's cache if it has one. */
static struct page *cimrepl_mirror_buf_get(struct cimrepl_mirror *m,
					   unsigned int order)
{
	unsigned int size = cimrepl_mirror_buf_list(order);
	struct page *page;
	unsigned long flags;

	spin_lock_irqsave(&m->buf_lock, flags);
	page = list_first_entry_or_null(&m->free_bufs[size], struct page, lru);
	if (page) {
		list_del(&page->lru);
		m->nr_free_bufs[size]--;
	}
	spin_unlock_irqrestore(&m->buf_lock, flags);
	if (page)
		return page;
	return alloc_pages(order ? GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN :
			   GFP_NOIO, order);
}

/* Give a buffer back to the cache, or to the kernel if the cache is full. */
static void cimrepl_mirror_buf_put(struct cimrepl_mirror *m, struct page *page,
				   unsigned int order)
{
	unsigned int size = cimrepl_mirror_buf_list(order);
	unsigned long flags;

	spin_lock_irqsave(&m->buf_lock, flags);
	if (m->nr_free_bufs[size] <
	    CIMREPL_MIRROR_BUF_CACHE >> (PAGE_SHIFT + order)) {
		list_add(&page->lru, &m->free_bufs[size]);
		m->nr_free_bufs[size]++;
		page = NULL;
	}
	spin_unlock_irqrestore(&m->buf_lock, flags);
	if (page)
		__free_pages(page, order);
}

static void cimrepl_mirror_bufs_drain(struct cimrepl_mirror *m)
{
	static const unsigned int orders[] = { 0, CIMREPL_MIRROR_BUF_ORDER };
	struct page *page, *tmp;
	unsigned int i, size;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		size = cimrepl_mirror_buf_list(orders[i]);
		list_for_each_entry_safe(page, tmp, &m->free_bufs[size], lru) {
			list_del(&page->lru);
			__free_pages(page, orders[i]);
		}
		m->nr_free_bufs[size] = 0;
	}
}

static void cimrepl_mirror_write_free(struct cimrepl_mirror_write *w)
{
	unsigned int i;

	if (!w)
		return;
	for (i = 0; i < w->nr_bufs; i++)
		cimrepl_mirror_buf_put(w->mirror, w->bufs[i], w->buf_order);
	kfree(w);
}

static unsigned int cimrepl_mirror_buf_bytes(const struct cimrepl_mirror_write *w)
{
	return PAGE_SIZE << w->buf_order;
}

/* Fill @w->bufs for @bytes of data, of @w->buf_order pages each. */
static bool cimrepl_mirror_bufs_alloc(struct cimrepl_mirror_write *w,
				      unsigned int bytes)
{
	unsigned int nr = DIV_ROUND_UP(bytes, cimrepl_mirror_buf_bytes(w));

	for (w->nr_bufs = 0; w->nr_bufs < nr; w->nr_bufs++) {
		w->bufs[w->nr_bufs] = cimrepl_mirror_buf_get(w->mirror,
							     w->buf_order);
		if (!w->bufs[w->nr_bufs]) {
			while (w->nr_bufs)
				cimrepl_mirror_buf_put(w->mirror,
						       w->bufs[--w->nr_bufs],
						       w->buf_order);
			return false;
		}
	}
	return true;
}

/* A copy of @bio's data for the target; may sleep. */
static struct cimrepl_mirror_write *
cimrepl_mirror_write_new(struct cimrepl_mirror *m, struct bio *bio)
{
	bool data = bio_has_data(bio) && bio_op(bio) == REQ_OP_WRITE;
	unsigned int bytes = data ? bio->bi_iter.bi_size : 0;
	struct cimrepl_mirror_write *w;
	struct bvec_iter iter;
	struct bio_vec bv;
	size_t off = 0;

	/* room for single pages, should the large buffers fail */
	w = kzalloc(struct_size(w, bufs, DIV_ROUND_UP(bytes, PAGE_SIZE)),
		    GFP_NOIO);
	if (!w)
		return NULL;
	w->mirror = m;
	if (bytes >= PAGE_SIZE << CIMREPL_MIRROR_BUF_ORDER)
		w->buf_order = CIMREPL_MIRROR_BUF_ORDER;
	if (!cimrepl_mirror_bufs_alloc(w, bytes)) {
		w->buf_order = 0;
		if (!cimrepl_mirror_bufs_alloc(w, bytes)) {
			kfree(w);
			return NULL;
		}
	}
	w->sector = bio->bi_iter.bi_sector;
	w->sectors = bio_sectors(bio);
	w->opf = bio->bi_opf;
	if (!data)
		return w;
	bio_for_each_segment(bv, bio, iter) {
		unsigned int done = 0;
		void *src = bvec_kmap_local(&bv);

		while (done < bv.bv_len) {
			size_t in_buf = off & (cimrepl_mirror_buf_bytes(w) - 1);
			struct page *page =
				nth_page(w->bufs[off >> (PAGE_SHIFT + w->buf_order)],
					 in_buf >> PAGE_SHIFT);
			unsigned int in_page = offset_in_page(in_buf);
			unsigned int len = min_t(unsigned int, bv.bv_len - done,
						 PAGE_SIZE - in_page);

			/* a page at a time: a copy the compiler can inline */
			memcpy_to_page(page, in_page, src + done, len);
			done += len;
			off += len;
		}
		kunmap_local(src);
	}
	return w;
}

/* An empty preflush for the target, queued in write order. */
static struct cimrepl_mirror_write *
cimrepl_mirror_flush_new(struct cimrepl_mirror *m)
{
	struct cimrepl_mirror_write *w = kzalloc(sizeof(*w), GFP_NOIO);

	if (w) {
		w->mirror = m;
		w->opf = REQ_OP_WRITE | REQ_PREFLUSH;
	}
	return w;
}

/*
 * Fracture/suspend/break: drop an asynchronous mirror's queue into the
 * dirty bitmap. Under @lock; the entries go to @freed.
 */
static void cimrepl_mirror_drop_queue(struct cimrepl_mirror *m,
				      struct list_head *freed)
{
	struct cimrepl_mirror_write *w;

	list_for_each_entry(w, &m->queue, node) {
		cimrepl_mirror_mark_dirty(m, w->first, w->last);
		cimrepl_mirror_unpend(m, w->first, w->last);
	}
	list_splice_init(&m->queue, freed);
	m->backlog = 0;
}

/* The target failed: Broken, the source goes on. Under @lock. */
static void cimrepl_mirror_break(struct cimrepl_mirror *m, int error,
				 struct list_head *freed)
{
	if (m->copy_state == CIMREPL_COPY_STATE_BROKEN)
		return;
	if (m->restoring) {
		/* what was not restored keeps the source's data: copy it on */
		bitmap_or(m->dirty, m->dirty, m->to_restore, m->nr_regions);
		m->nr_dirty = bitmap_weight(m->dirty, m->nr_regions);
		bitmap_zero(m->to_restore, m->nr_regions);
		m->nr_restore = 0;
		m->restoring = false;
	}
	m->copy_state = CIMREPL_COPY_STATE_BROKEN;
	m->error = error;
	m->record_dirty = true;
	m->notify_state = true;
	cimrepl_mirror_drop_queue(m, freed);
}

static void cimrepl_mirror_free_list(struct list_head *list)
{
	struct cimrepl_mirror_write *w, *tmp;

	list_for_each_entry_safe(w, tmp, list, node) {
		list_del(&w->node);
		cimrepl_mirror_write_free(w);
	}
}

/* Is the backlog over its bounds? Under @lock. */
static bool cimrepl_mirror_backlog_full(struct cimrepl_mirror *m, u64 bytes)
{
	struct cimrepl_mirror_write *oldest;

	if (m->backlog && m->backlog + bytes > CIMREPL_MIRROR_BACKLOG_MAX)
		return true;
	oldest = list_first_entry_or_null(&m->queue, struct cimrepl_mirror_write,
					  node);
	return oldest && time_after(jiffies, oldest->queued +
				    msecs_to_jiffies(m->max_lag_ms));
}

static void cimrepl_mirror_leg_done(struct cimrepl_mirror_req *req)
{
	struct cimrepl_mirror *m = req->mirror;
	struct cimrepl_mirror_write *w = req->write;
	struct bio *orig = req->orig;
	bool kick_log = false, kick_copy = false, later = false;
	unsigned long flags;
	LIST_HEAD(freed);

	if (!atomic_dec_and_test(&req->legs))
		return;
	spin_lock_irqsave(&m->lock, flags);
	if (w) {
		if (!req->status && cimrepl_mirror_following(m)) {
			w->queued = jiffies;
			list_add_tail(&w->node, &m->queue);
			m->backlog += cimrepl_mirror_write_bytes(w);
			w = NULL;
			/* the next write applies it; if none comes, the worker */
			later = list_empty(&m->batch) && !m->dying;
		} else {
			cimrepl_mirror_mark_dirty(m, req->first, req->last);
			cimrepl_mirror_unpend(m, req->first, req->last);
		}
	} else {
		cimrepl_mirror_unpend(m, req->first, req->last);
		if (req->status)
			cimrepl_mirror_mark_dirty(m, req->first, req->last);
		if (req->to_target &&
		    req->target_status == BLK_STS_NOTSUPP) {
			/* a discard the target lacks: copy instead */
			cimrepl_mirror_mark_dirty(m, req->first, req->last);
			kick_copy = true;
		} else if (req->to_target && req->target_status) {
			cimrepl_mirror_mark_dirty(m, req->first, req->last);
			cimrepl_mirror_break(m, blk_status_to_errno(req->target_status),
					     &freed);
			kick_log = true;
			kick_copy = true;
		}
	}
	/*
	 * Under the lock and before the last target leg is counted out: a
	 * teardown waiting for that frees @m as soon as it sees zero.
	 */
	if (kick_log)
		queue_work(m->wq, &m->log_work);
	if (kick_copy)
		queue_work(m->wq, &m->copy_work);
	if (later)
		queue_delayed_work(m->wq, &m->apply_later,
				   CIMREPL_MIRROR_APPLY_DELAY);
	if (req->to_target) {
		m->target_inflight--;
		wake_up(&m->idle);
	}
	spin_unlock_irqrestore(&m->lock, flags);
	cimrepl_mirror_free_list(&freed);
	cimrepl_mirror_write_free(w);
	if (req->status)
		orig->bi_status = req->status;
	kfree(req);
	bio_endio(orig);
}

static void cimrepl_mirror_source_endio(struct bio *bio)
{
	struct cimrepl_mirror_req *req = bio->bi_private;

	req->status = bio->bi_status;
	bio_put(bio);
	cimrepl_mirror_leg_done(req);
}

static void cimrepl_mirror_target_endio(struct bio *bio)
{
	struct cimrepl_mirror_req *req = bio->bi_private;

	req->target_status = bio->bi_status;
	bio_put(bio);
	cimrepl_mirror_leg_done(req);
}

enum cimrepl_mirror_route {
	CIMREPL_MIRROR_WAIT_LOG,
	CIMREPL_MIRROR_WAIT_COPY,
	CIMREPL_MIRROR_WAIT_BACKLOG,
	CIMREPL_MIRROR_NEED_COPY,	/* async: take a copy of the data first */
	CIMREPL_MIRROR_NEED_FLUSH,	/* async: make an empty flush entry */
	CIMREPL_MIRROR_BOTH,
	CIMREPL_MIRROR_QUEUE,
	CIMREPL_MIRROR_SOURCE_ONLY,
	/*
	 * A preflush into a dirty region while the target follows: the data
	 * to the source only, but the flush must reach the target too, for
	 * the writes it already has (sync: a flush leg; async: queued).
	 */
	CIMREPL_MIRROR_SOURCE_FLUSH,
	CIMREPL_MIRROR_QUEUE_FLUSH,
};

/* One past the last region of @r's group of the log. */
static u64 cimrepl_mirror_group_end(const struct cimrepl_mirror *m, u64 r)
{
	return min_t(u64, round_up(r + 1, m->log_group), m->nr_regions);
}

/*
 * Regions @first to @last into @log_next, their log blocks marked for the
 * log worker. Under @lock; true if any of them was not there yet.
 */
static bool cimrepl_mirror_log_regions(struct cimrepl_mirror *m, u64 first,
				       u64 last)
{
	bool changed = false;
	u64 r;

	for (r = first; r <= last; r++) {
		if (__test_and_set_bit(r, m->log_next))
			continue;
		__set_bit(r / CIMREPL_MIRROR_LOG_BITS, m->changed);
		changed = true;
	}
	return changed;
}

/*
 * A write of the source seen for the first time: follow sequential
 * streams, and keep the log up to CIMREPL_MIRROR_LOG_AHEAD ahead of one
 * (no further ahead than the stream is long; to the end of a group),
 * extended half a window at a time, so that a stream costs a log write
 * every few groups and does not wait for one. Regions logged but not
 * written leave the log as clean ones do. Under @lock; true if the log
 * worker has bits to write.
 */
static bool cimrepl_mirror_log_ahead(struct cimrepl_mirror *m, struct bio *bio,
				     u64 last)
{
	sector_t end = bio_end_sector(bio);
	u64 ahead, want;

	if (!bio_sectors(bio))
		return false;
	if (bio->bi_iter.bi_sector == m->seq_next)
		m->seq_run += bio->bi_iter.bi_size;
	else
		m->seq_run = bio->bi_iter.bi_size;
	m->seq_next = end;
	ahead = min_t(u64, CIMREPL_MIRROR_LOG_AHEAD, m->seq_run) >>
		(m->region_shift + SECTOR_SHIFT);
	if (!ahead)
		return false;
	want = cimrepl_mirror_group_end(m, last + ahead) - 1;
	if (want <= last || test_bit(last + 1 + (want - last - 1) / 2, m->log_next))
		return false;
	return cimrepl_mirror_log_regions(m, last + 1, want);
}

/* Where a write of the source goes. Under @lock; counts it as pending. */
static enum cimrepl_mirror_route
cimrepl_mirror_route(struct cimrepl_mirror *m, struct bio *bio, u64 first,
		     u64 last, struct cimrepl_mirror_write *w)
{
	enum cimrepl_mirror_route route;
	u64 r;

	if (cimrepl_mirror_any(m->copying, first, last) ||
	    (m->restoring && cimrepl_mirror_any(m->to_restore, first, last)))
		return CIMREPL_MIRROR_WAIT_COPY;
	if (!cimrepl_mirror_logged(m, first, last))
		return CIMREPL_MIRROR_WAIT_LOG;
	if (cimrepl_mirror_following(m) &&
	    !cimrepl_mirror_any(m->dirty, first, last)) {
		if (m->mode == CIMREPL_MODE_SYNCHRONOUS) {
			route = CIMREPL_MIRROR_BOTH;
			m->target_inflight++;
		} else {
			/* before the data is copied: a held write copies once */
			if (cimrepl_mirror_backlog_full(m, (u64)bio_sectors(bio) <<
							   SECTOR_SHIFT))
				return CIMREPL_MIRROR_WAIT_BACKLOG;
			if (!w)
				return CIMREPL_MIRROR_NEED_COPY;
			route = CIMREPL_MIRROR_QUEUE;
		}
	} else if ((bio->bi_opf & REQ_PREFLUSH) && cimrepl_mirror_following(m)) {
		if (m->mode == CIMREPL_MODE_SYNCHRONOUS) {
			route = CIMREPL_MIRROR_SOURCE_FLUSH;
			m->target_inflight++;
		} else {
			if (!w)
				return CIMREPL_MIRROR_NEED_FLUSH;
			route = CIMREPL_MIRROR_QUEUE_FLUSH;
		}
		cimrepl_mirror_mark_dirty(m, first, last);
	} else {
		route = CIMREPL_MIRROR_SOURCE_ONLY;
		cimrepl_mirror_mark_dirty(m, first, last);
	}
	for (r = first; r <= last && first <= last; r++) {
		m->pending[r]++;
		__clear_bit(r, m->clean_once);
	}
	return route;
}

static void cimrepl_mirror_write_submit(struct cimrepl_mirror *m,
					struct bio *bio, bool first_sight);
static bool cimrepl_mirror_apply_queue(struct cimrepl_mirror *m, bool release);

/* A bio of the source; @first_sight: not one that waited. */
static void __cimrepl_mirror_source_submit(struct cimrepl_mirror *m,
					   struct bio *bio, bool first_sight)
{
	struct cimrepl_volume *vol = m->source;
	u64 first, last;

	if (!op_is_write(bio_op(bio))) {
		cimrepl_mirror_range(m, bio, &first, &last);
		if (READ_ONCE(m->restoring)) {
			spin_lock_irq(&m->lock);
			if (m->restoring &&
			    cimrepl_mirror_any(m->to_restore, first, last)) {
				bio_list_add(&m->wait_copy, bio);
				spin_unlock_irq(&m->lock);
				queue_work(m->wq, &m->copy_work);
				return;
			}
			spin_unlock_irq(&m->lock);
		}
		cimrepl_volume_submit_below(vol, bio);
		return;
	}
	cimrepl_mirror_write_submit(m, bio, first_sight);
}

void cimrepl_mirror_source_submit(struct cimrepl_mirror *m, struct bio *bio)
{
	__cimrepl_mirror_source_submit(m, bio, true);
}

static void cimrepl_mirror_write_submit(struct cimrepl_mirror *m,
					struct bio *bio, bool first_sight)
{
	struct cimrepl_volume *vol = m->source;
	struct cimrepl_mirror_write *w = NULL;
	enum cimrepl_mirror_route route;
	struct cimrepl_mirror_req *req;
	bool kick_log = false;
	struct bio *leg;
	u64 first, last;

	cimrepl_mirror_range(m, bio, &first, &last);
	/*
	 * The writes queued before this one: on their way first. Looked at
	 * without the lock, a hint only: apply_queue looks again under it.
	 */
	if (m->mode == CIMREPL_MODE_ASYNCHRONOUS &&
	    list_empty_careful(&m->batch) && !list_empty_careful(&m->queue))
		cimrepl_mirror_apply_queue(m, false);

	req = kzalloc(sizeof(*req), GFP_NOIO);
	if (!req) {
		cimrepl_volume_end_bio(vol, bio, BLK_STS_RESOURCE);
		return;
	}
	for (;;) {
		spin_lock_irq(&m->lock);
		if (first_sight)
			kick_log = cimrepl_mirror_log_ahead(m, bio, last);
		first_sight = false;
		route = cimrepl_mirror_route(m, bio, first, last, w);
		if (route == CIMREPL_MIRROR_WAIT_LOG)
			bio_list_add(&m->wait_log, bio);
		else if (route == CIMREPL_MIRROR_WAIT_COPY)
			bio_list_add(&m->wait_copy, bio);
		else if (route == CIMREPL_MIRROR_WAIT_BACKLOG)
			bio_list_add(&m->wait_backlog, bio);
		spin_unlock_irq(&m->lock);
		if (route == CIMREPL_MIRROR_NEED_COPY)
			w = cimrepl_mirror_write_new(m, bio);
		else if (route == CIMREPL_MIRROR_NEED_FLUSH)
			w = cimrepl_mirror_flush_new(m);
		else
			break;
		if (!w) {
			kfree(req);
			cimrepl_volume_end_bio(vol, bio, BLK_STS_RESOURCE);
			return;
		}
	}
	if (kick_log || route == CIMREPL_MIRROR_WAIT_LOG)
		queue_work(m->wq, &m->log_work);
	if (route == CIMREPL_MIRROR_WAIT_LOG ||
	    route == CIMREPL_MIRROR_WAIT_COPY ||
	    route == CIMREPL_MIRROR_WAIT_BACKLOG) {
		if (route != CIMREPL_MIRROR_WAIT_LOG)
			queue_work(m->wq, &m->copy_work);
		cimrepl_mirror_write_free(w);
		kfree(req);
		return;
	}

	req->mirror = m;
	req->orig = bio;
	req->first = first;
	req->last = last;
	atomic_set(&req->legs, 1);
	if (route == CIMREPL_MIRROR_QUEUE || route == CIMREPL_MIRROR_QUEUE_FLUSH) {
		/* a flush entry holds the regions too: released when applied */
		req->write = w;
		w->first = first;
		w->last = last;
		w = NULL;
	}
	if (route == CIMREPL_MIRROR_BOTH ||
	    route == CIMREPL_MIRROR_SOURCE_FLUSH) {
		req->to_target = true;
		atomic_set(&req->legs, 2);
		if (route == CIMREPL_MIRROR_BOTH)
			leg = bio_alloc_clone(m->dev->backing.bdev, bio,
					      GFP_NOIO, &m->bs);
		else
			leg = bio_alloc_bioset(m->dev->backing.bdev, 0,
					       REQ_OP_WRITE | REQ_PREFLUSH,
					       GFP_NOIO, &m->bs);
		leg->bi_private = req;
		leg->bi_end_io = cimrepl_mirror_target_endio;
		submit_bio_noacct(leg);
	}
	cimrepl_mirror_write_free(w);
	leg = bio_alloc_clone(bio->bi_bdev, bio, GFP_NOIO, &m->bs);
	leg->bi_private = req;
	leg->bi_end_io = cimrepl_mirror_source_endio;
	cimrepl_volume_submit_below(vol, leg);
}

void cimrepl_mirror_dev_submit(struct cimrepl_mirror *m, struct bio *bio)
{
	struct cimrepl_volume *vol = m->dev;
	struct block_device *target = vol->backing.bdev;
	bool writable;
	u64 first, last;

	if (op_is_write(bio_op(bio)) && bio_sectors(bio)) {
		cimrepl_mirror_range(m, bio, &first, &last);
		spin_lock_irq(&m->lock);
		writable = (m->copy_state == CIMREPL_COPY_STATE_FRACTURED ||
			    m->copy_state == CIMREPL_COPY_STATE_SPLIT) &&
			   !m->restoring;
		if (writable && !cimrepl_mirror_logged(m, first, last)) {
			bio_list_add(&m->wait_log, bio);
			spin_unlock_irq(&m->lock);
			queue_work(m->wq, &m->log_work);
			return;
		}
		if (writable)
			cimrepl_mirror_mark_dirty(m, first, last);
		spin_unlock_irq(&m->lock);
		if (!writable) {
			/* the target follows its source: read-only */
			cimrepl_volume_end_bio(vol, bio, BLK_STS_IOERR);
			return;
		}
	}
	cimrepl_volume_remap(vol, bio, target, bio->bi_iter.bi_sector, NULL, 0);
}

/* A bio that waited goes its way again. */
static void cimrepl_mirror_resubmit(struct cimrepl_mirror *m,
				    struct bio_list *bios)
{
	struct bio *bio;

	while ((bio = bio_list_pop(bios))) {
		if (bio->bi_bdev->bd_disk == m->dev->disk)
			cimrepl_mirror_dev_submit(m, bio);
		else
			__cimrepl_mirror_source_submit(m, bio, false);
	}
}

/* The log. */
static sector_t cimrepl_mirror_log_sector(struct cimrepl_mirror *m,
					  unsigned int block)
{
	struct cimrepl_meta *meta = &m->pool->meta;
	unsigned int per_chunk = (cimrepl_meta_chunk_sectors(meta) << SECTOR_SHIFT) /
				 CIMREPL_META_BLOCK;

	return cimrepl_meta_chunk_sector(meta, m->log_chunks[block / per_chunk]) +
	       (block % per_chunk) * CIMREPL_META_BLOCK_SECTORS;
}

static unsigned long *cimrepl_mirror_block_bits(unsigned long *map,
						unsigned int block)
{
	return map + block * (CIMREPL_MIRROR_LOG_BITS / BITS_PER_LONG);
}

/* Read or write log block @block through @m->log_page. */
static int cimrepl_mirror_log_io(struct cimrepl_mirror *m, unsigned int block,
				 blk_opf_t opf)
{
	struct bio *bio;
	int ret;

	bio = bio_alloc(m->pool->backing.bdev, 1, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = cimrepl_mirror_log_sector(m, block);
	__bio_add_page(bio, m->log_page, CIMREPL_META_BLOCK, 0);
	ret = submit_bio_wait(bio);
	bio_put(bio);
	return ret;
}

/* Write @m->log_image as log block @block: little-endian 32-bit words. */
static int cimrepl_mirror_write_log_block(struct cimrepl_mirror *m,
					  unsigned int block)
{
	__le32 *words = page_address(m->log_page);
	unsigned int i;

	bitmap_to_arr32((u32 *)words, m->log_image, CIMREPL_MIRROR_LOG_BITS);
	for (i = 0; i < CIMREPL_META_BLOCK / sizeof(u32); i++)
		words[i] = cpu_to_le32((__force u32)words[i]);
	return cimrepl_mirror_log_io(m, block, REQ_OP_WRITE | REQ_SYNC | REQ_FUA);
}

static int cimrepl_mirror_read_log_block(struct cimrepl_mirror *m,
					 unsigned int block)
{
	__le32 *words = page_address(m->log_page);
	unsigned int i;
	int ret;

	ret = cimrepl_mirror_log_io(m, block, REQ_OP_READ);
	if (ret)
		return ret;
	for (i = 0; i < CIMREPL_META_BLOCK / sizeof(u32); i++)
		((u32 *)words)[i] = le32_to_cpu(words[i]);
	bitmap_from_arr32(m->log_image, (u32 *)words, CIMREPL_MIRROR_LOG_BITS);
	return 0;
}

/* Fill @rec from @m. Caller holds meta.lock. */
static void cimrepl_mirror_fill_record(struct cimrepl_mirror *m,
				       struct cimrepl_meta_snapshot *rec)
{
	u16 flags = CIMREPL_META_SNAP_MIRROR;
	u16 state;

	spin_lock_irq(&m->lock);
	state = m->restoring ? m->restore_from : m->copy_state;
	if (m->log_failed)
		flags |= CIMREPL_META_SNAP_LOG_FAILED;
	if (m->consistent)
		flags |= CIMREPL_META_SNAP_CONSISTENT;
	spin_unlock_irq(&m->lock);
	if (m->mode == CIMREPL_MODE_ASYNCHRONOUS)
		flags |= CIMREPL_META_SNAP_ASYNC;
	memset(rec, 0, sizeof(*rec));
	strscpy(rec->name, m->dev->name, sizeof(rec->name));
	strscpy(rec->origin, m->source->name, sizeof(rec->origin));
	rec->seq = cpu_to_le32(m->seq);
	/* the geometry the log was written with */
	rec->origin_id = cpu_to_le32(m->region_shift);
	rec->copied = cpu_to_le32(m->nr_regions);
	rec->copy_state = cpu_to_le16(state);
	rec->flags = cpu_to_le16(flags);
	rec->created_ns = cpu_to_le64(m->created_ns);
}

static int cimrepl_mirror_write_record(struct cimrepl_mirror *m)
{
	struct cimrepl_meta *meta = &m->pool->meta;
	int ret;

	mutex_lock(&meta->lock);
	cimrepl_mirror_fill_record(m, &meta->snapshots[m->slot]);
	ret = cimrepl_meta_write_snapshots(meta);
	mutex_unlock(&meta->lock);
	if (ret)
		pr_err("cimrepl: mirror %s: cannot write its record: %d\n",
		       m->dev->name, ret);
	return ret;
}

static void cimrepl_mirror_notify(struct cimrepl_mirror *m, u16 event)
{
	cimrepl_nl_notify_mirror(m, event);
}

/*
 * Flush both legs: the target (a failure breaks the mirror), then the
 * source (a restore wrote it with plain writes).
 */
static int cimrepl_mirror_flush_legs(struct cimrepl_mirror *m)
{
	LIST_HEAD(freed);
	int ret;

	ret = blkdev_issue_flush(m->dev->backing.bdev);
	if (ret) {
		spin_lock_irq(&m->lock);
		cimrepl_mirror_break(m, ret, &freed);
		spin_unlock_irq(&m->lock);
		cimrepl_mirror_free_list(&freed);
		pr_err("cimrepl: mirror %s: the target does not flush: %d\n",
		       m->dev->name, ret);
		queue_work(m->wq, &m->copy_work);
		return ret;
	}
	return blkdev_issue_flush(m->source->backing.bdev);
}

/*
 * Drop clean groups from @log_next: those clean, with nothing written
 * into them, at two looks in a row. Under @lock.
 */
static void cimrepl_mirror_clear_clean(struct cimrepl_mirror *m)
{
	u64 g, r, end;
	bool clean, twice;

	if (!cimrepl_mirror_following(m) || m->log_failed)
		return;
	for (g = find_first_bit(m->log_next, m->nr_regions); g < m->nr_regions;
	     g = find_next_bit(m->log_next, m->nr_regions, end)) {
		g = round_down(g, m->log_group);
		end = cimrepl_mirror_group_end(m, g);
		clean = true;
		twice = true;
		for (r = g; r < end && clean; r++) {
			clean = !test_bit(r, m->dirty) &&
				!test_bit(r, m->copying) && !m->pending[r];
			twice &= test_bit(r, m->clean_once);
		}
		if (!clean || !twice) {
			/* written since, or clean for the first time */
			if (clean)
				bitmap_set(m->clean_once, g, end - g);
			else
				bitmap_clear(m->clean_once, g, end - g);
			continue;
		}
		bitmap_clear(m->clean_once, g, end - g);
		bitmap_clear(m->log_next, g, end - g);
		__set_bit(g / CIMREPL_MIRROR_LOG_BITS, m->changed);
	}
}

static void cimrepl_mirror_log_work(struct work_struct *work)
{
	struct cimrepl_mirror *m = container_of(work, struct cimrepl_mirror,
						log_work);
	bool record, notify, failed = false, flushed = false, clears;
	unsigned long *logged_bits;
	struct bio_list bios;
	unsigned int block;
	struct bio *bio;
	LIST_HEAD(freed);
	u64 first, last;
	int ret;

	spin_lock_irq(&m->lock);
	/* clean regions first: a write waiting below must not lose its bit */
	if (m->clear_wanted) {
		m->clear_wanted = false;
		cimrepl_mirror_clear_clean(m);
	}
	bios = m->wait_log;
	bio_list_init(&m->wait_log);
	bio_list_for_each(bio, &bios) {
		cimrepl_mirror_range(m, bio, &first, &last);
		if (first > last)
			continue;
		/* the whole groups: see CIMREPL_MIRROR_LOG_GROUP */
		cimrepl_mirror_log_regions(m, round_down(first, m->log_group),
					   cimrepl_mirror_group_end(m, last) - 1);
	}
	for (;;) {
		block = find_first_bit(m->changed, m->nr_log_blocks);
		if (block >= m->nr_log_blocks)
			break;
		__clear_bit(block, m->changed);
		logged_bits = cimrepl_mirror_block_bits(m->logged, block);
		bitmap_copy(m->log_image, cimrepl_mirror_block_bits(m->log_next, block),
			    CIMREPL_MIRROR_LOG_BITS);
		clears = !bitmap_subset(logged_bits, m->log_image,
					CIMREPL_MIRROR_LOG_BITS);
		spin_unlock_irq(&m->lock);
		/*
		 * A bit leaves the log only once what the legs hold is
		 * durable on both: the copies and applied writes were plain.
		 */
		if (clears && !flushed && !failed) {
			ret = cimrepl_mirror_flush_legs(m);
			flushed = !ret;
		}
		spin_lock_irq(&m->lock);
		if (clears && !flushed) {
			/* not durable: the bits stay */
			bitmap_or(m->log_image, m->log_image, logged_bits,
				  CIMREPL_MIRROR_LOG_BITS);
			bitmap_or(cimrepl_mirror_block_bits(m->log_next, block),
				  cimrepl_mirror_block_bits(m->log_next, block),
				  logged_bits, CIMREPL_MIRROR_LOG_BITS);
		}
		spin_unlock_irq(&m->lock);
		ret = failed ? -EIO : cimrepl_mirror_write_log_block(m, block);
		spin_lock_irq(&m->lock);
		if (ret && !failed) {
			pr_err("cimrepl: mirror %s: cannot write its log: %d\n",
			       m->dev->name, ret);
			failed = true;
			m->log_failed = true;
			cimrepl_mirror_break(m, ret, &freed);
			queue_work(m->wq, &m->copy_work);
		}
		/* written, or given up on: writes may pass either way */
		bitmap_copy(cimrepl_mirror_block_bits(m->logged, block),
			    m->log_image, CIMREPL_MIRROR_LOG_BITS);
	}
	record = m->record_dirty;
	notify = m->notify_state;
	m->record_dirty = false;
	m->notify_state = false;
	spin_unlock_irq(&m->lock);

	cimrepl_mirror_free_list(&freed);
	cimrepl_mirror_resubmit(m, &bios);
	if (record && !READ_ONCE(m->dying)) {
		/* a record saying Synchronized must be true after a crash */
		if (!flushed)
			cimrepl_mirror_flush_legs(m);
		cimrepl_mirror_write_record(m);
	}
	if (notify)
		cimrepl_mirror_notify(m, CIMREPL_EVENT_STATE_CHANGED);
}

static void cimrepl_mirror_clear_work(struct work_struct *work)
{
	struct cimrepl_mirror *m =
		container_of(to_delayed_work(work), struct cimrepl_mirror,
			     clear_work);

	spin_lock_irq(&m->lock);
	m->clear_wanted = true;
	spin_unlock_irq(&m->lock);
	queue_work(m->wq, &m->log_work);
	if (!READ_ONCE(m->dying))
		queue_delayed_work(m->wq, &m->clear_work, CIMREPL_MIRROR_CLEAR_DELAY);
}

/*
 * Applying an asynchronous mirror's queue: one batch at a time, started by
 * whoever passes first (a writer of the source, the copy worker), never
 * waited for: its last bio's completion settles it.
 */
static void cimrepl_mirror_batch_done(struct cimrepl_mirror *m)
{
	struct cimrepl_mirror_write *w;
	unsigned long flags;
	unsigned int n = 0;
	bool more;
	LIST_HEAD(freed);
	LIST_HEAD(done);

	spin_lock_irqsave(&m->lock, flags);
	list_for_each_entry(w, &m->batch, node) {
		n++;
		m->backlog -= min(m->backlog, cimrepl_mirror_write_bytes(w));
		cimrepl_mirror_unpend(m, w->first, w->last);
		if (w->error == BLK_STS_NOTSUPP) {
			cimrepl_mirror_mark_dirty(m, w->first, w->last);
		} else if (w->error) {
			cimrepl_mirror_mark_dirty(m, w->first, w->last);
			cimrepl_mirror_break(m, blk_status_to_errno(w->error),
					     &freed);
		}
	}
	list_splice_init(&m->batch, &done);
	/*
	 * More to apply, or writes held by the backlog bound: the worker
	 * goes on (a writer may beat it to the next batch). Queued under the
	 * lock, before the batch is counted out, as in leg_done.
	 */
	more = !list_empty(&m->queue) || !bio_list_empty(&m->wait_backlog) ||
	       m->nr_dirty;
	if (more && !m->dying)
		queue_work(m->wq, &m->copy_work);
	if (m->record_dirty || m->notify_state)
		queue_work(m->wq, &m->log_work);
	m->target_inflight -= n;
	wake_up(&m->idle);
	spin_unlock_irqrestore(&m->lock, flags);

	list_splice(&freed, &done);
	cimrepl_mirror_free_list(&done);
}

static void cimrepl_mirror_apply_endio(struct bio *bio)
{
	struct cimrepl_mirror_write *w = bio->bi_private;
	struct cimrepl_mirror *m = w->mirror;

	if (bio->bi_status)
		w->error = bio->bi_status;
	bio_put(bio);
	if (atomic_dec_and_test(&m->batch_bios))
		cimrepl_mirror_batch_done(m);
}

static bool cimrepl_mirror_overlaps(const struct cimrepl_mirror_write *a,
				    const struct cimrepl_mirror_write *b)
{
	return a->sector < b->sector + b->sectors &&
	       b->sector < a->sector + a->sectors;
}

/* Take the next batch of the queue into @m->batch; under @lock. */
static unsigned int cimrepl_mirror_take_batch(struct cimrepl_mirror *m)
{
	struct cimrepl_mirror_write *w, *tmp, *prev;
	unsigned int n = 0;

	list_for_each_entry_safe(w, tmp, &m->queue, node) {
		if (n && (w->opf & REQ_PREFLUSH))
			break;
		list_for_each_entry(prev, &m->batch, node)
			if (cimrepl_mirror_overlaps(prev, w))
				goto out;
		list_move_tail(&w->node, &m->batch);
		/* what came after a flush or FUA write may depend on it */
		if (++n == CIMREPL_MIRROR_APPLY_BATCH ||
		    (w->opf & (REQ_PREFLUSH | REQ_FUA)))
			break;
	}
out:
	return n;
}

/*
 * Start applying the next batch, unless one is on its way. Process
 * context, without waiting: a writer of the source calls it inside its
 * submit_bio, so the batch's bios leave after the writer's own. Writes
 * that waited for the backlog to shrink go their way again once no batch
 * is in flight, if @release (the copy worker: a writer would resubmit
 * them from inside its own submit_bio). Returns whether a batch started.
 */
static bool cimrepl_mirror_apply_queue(struct cimrepl_mirror *m, bool release)
{
	struct block_device *target = m->dev->backing.bdev;
	struct bio_list released = BIO_EMPTY_LIST;
	struct cimrepl_mirror_write *w;
	unsigned int n = 0, i, bios;
	struct bio *bio;

	spin_lock_irq(&m->lock);
	if (!list_empty(&m->batch)) {
		spin_unlock_irq(&m->lock);
		return false;
	}
	if (release) {
		released = m->wait_backlog;
		bio_list_init(&m->wait_backlog);
	}
	if (cimrepl_mirror_following(m) && !m->dying)
		n = cimrepl_mirror_take_batch(m);
	if (n)
		m->target_inflight += n;
	spin_unlock_irq(&m->lock);

	if (n) {
		/*
		 * One bio per BIO_MAX_VECS pages of each write, all counted
		 * before the first leaves, plus one for this walk of the
		 * batch: the target may complete them at once, and the last
		 * completion frees the batch.
		 */
		bios = 1;
		list_for_each_entry(w, &m->batch, node)
			bios += max_t(unsigned int, 1,
				      DIV_ROUND_UP(w->nr_bufs, BIO_MAX_VECS));
		atomic_set(&m->batch_bios, bios);
		list_for_each_entry(w, &m->batch, node) {
			u64 bytes = cimrepl_mirror_write_bytes(w);
			unsigned int size = cimrepl_mirror_buf_bytes(w);

			i = 0;
			do {
				unsigned int nr = min_t(unsigned int, w->nr_bufs - i,
							BIO_MAX_VECS);

				/* from our bio_set: a writer may be here */
				bio = bio_alloc_bioset(target, nr, w->opf,
						       GFP_NOIO, &m->bs);
				bio->bi_iter.bi_sector = w->sector +
					(((sector_t)i * size) >> SECTOR_SHIFT);
				for (; nr; nr--, i++)
					__bio_add_page(bio, w->bufs[i],
						       min_t(u64, size,
							     bytes - (u64)i * size), 0);
				if (!w->nr_bufs)
					bio->bi_iter.bi_size = w->sectors << SECTOR_SHIFT;
				bio->bi_private = w;
				bio->bi_end_io = cimrepl_mirror_apply_endio;
				submit_bio_noacct(bio);
			} while (i < w->nr_bufs);
		}
		if (atomic_dec_and_test(&m->batch_bios))
			cimrepl_mirror_batch_done(m);
	}
	cimrepl_mirror_resubmit(m, &released);
	return n;
}

static void cimrepl_mirror_apply_later(struct work_struct *work)
{
	struct cimrepl_mirror *m =
		container_of(to_delayed_work(work), struct cimrepl_mirror,
			     apply_later);

	if (!READ_ONCE(m->dying))
		queue_work(m->wq, &m->copy_work);
}

/* Copies and restores of whole regions. */
static int cimrepl_mirror_copy_regions(struct cimrepl_mirror *m,
				       const u64 *regions, unsigned int n,
				       bool to_target)
{
	struct block_device *source = m->source->backing.bdev;
	struct block_device *target = m->dev->backing.bdev;
	struct cimrepl_copy_job jobs[CIMREPL_MIRROR_COPY_JOBS];
	sector_t end = get_capacity(m->source->disk);
	unsigned int i = 0, j, nr = 0;
	sector_t pos = 0;
	int ret = 0;

	while (i < n && !ret) {
		sector_t start = regions[i] << m->region_shift;
		sector_t stop = min_t(sector_t, end, start + m->region_sectors);

		if (!pos)
			pos = start;
		jobs[nr] = (struct cimrepl_copy_job) {
			.copier = &m->copiers[nr],
			.src = to_target ? source : target,
			.src_sector = pos,
			.dst = to_target ? target : source,
			.dst_sector = pos,
			.sectors = min_t(sector_t, stop - pos,
					 CIMREPL_MIRROR_COPY_SECTORS),
		};
		pos += jobs[nr].sectors;
		if (pos >= stop) {
			i++;
			pos = 0;
		}
		if (++nr < CIMREPL_MIRROR_COPY_JOBS && i < n)
			continue;
		cimrepl_copy_many(jobs, nr);
		for (j = 0; j < nr && !ret; j++)
			ret = jobs[j].error;
		nr = 0;
	}
	return ret;
}

static void cimrepl_mirror_kick(struct work_struct *work)
{
	struct cimrepl_mirror *m =
		container_of(to_delayed_work(work), struct cimrepl_mirror, kick);

	spin_lock_irq(&m->lock);
	m->paused = false;
	spin_unlock_irq(&m->lock);
	queue_work(m->wq, &m->copy_work);
}

/* Hold the copy if it ran ahead of the throttle; copy worker only. */
static void cimrepl_mirror_throttle_check(struct cimrepl_mirror *m, u64 bytes)
{
	unsigned long now = jiffies, elapsed;
	u32 rate = cimrepl_mirror_throttle(m);
	u64 allowed, bytes_per_sec;

	if (!rate)
		return;
	if (time_after(now, m->period_start + CIMREPL_MIRROR_THROTTLE_PERIOD)) {
		m->period_start = now;
		m->period_bytes = 0;
	}
	m->period_bytes += bytes;
	bytes_per_sec = (u64)rate * SZ_1K;
	elapsed = now - m->period_start;
	allowed = div_u64(bytes_per_sec * elapsed, HZ);
	if (m->period_bytes <= allowed)
		return;
	spin_lock_irq(&m->lock);
	m->paused = !m->dying;
	spin_unlock_irq(&m->lock);
	if (m->paused)
		queue_delayed_work(m->wq, &m->kick,
				   div64_u64((m->period_bytes - allowed) * HZ,
					     bytes_per_sec) + 1);
}

/* Regions one step copies: a window, smaller when throttled. */
static unsigned int cimrepl_mirror_window(struct cimrepl_mirror *m)
{
	u64 bytes = CIMREPL_MIRROR_WINDOW_BYTES;
	u32 rate = cimrepl_mirror_throttle(m);

	if (rate)
		bytes = clamp_t(u64, (u64)rate * SZ_1K / 4, SZ_64K, bytes);
	return max_t(u64, 1, bytes >> (m->region_shift + SECTOR_SHIFT));
}

static void cimrepl_mirror_progress(struct cimrepl_mirror *m)
{
	unsigned int tenths = 0;

	spin_lock_irq(&m->lock);
	if (m->run_total)
		tenths = div64_u64(m->run_done * 10, m->run_total);
	if (tenths == m->reported) {
		spin_unlock_irq(&m->lock);
		return;
	}
	m->reported = tenths;
	spin_unlock_irq(&m->lock);
	cimrepl_mirror_notify(m, CIMREPL_EVENT_PROGRESS);
}

/* Copy the next window of dirty regions source -> target. */
static bool cimrepl_mirror_copy_step(struct cimrepl_mirror *m)
{
	unsigned int max = min_t(unsigned int, cimrepl_mirror_window(m), 64);
	struct bio_list released;
	unsigned int n = 0, i;
	u64 regions[64];
	u64 r, start, end;
	bool wrapped = false;
	int ret;

	spin_lock_irq(&m->lock);
	if (!cimrepl_mirror_following(m) || !m->nr_dirty || m->paused ||
	    m->dying) {
		spin_unlock_irq(&m->lock);
		return false;
	}
	/* from the cursor to the end, then from 0 to the cursor: once each */
	start = min(m->cursor, m->nr_regions);
	end = m->nr_regions;
	for (r = start; n < max;) {
		r = find_next_bit(m->dirty, end, r);
		if (r >= end) {
			if (wrapped || !start)
				break;
			wrapped = true;
			end = start;
			r = 0;
			continue;
		}
		if (!m->pending[r])
			regions[n++] = r;
		r++;
	}
	for (i = 0; i < n; i++) {
		__clear_bit(regions[i], m->dirty);
		__set_bit(regions[i], m->copying);
	}
	m->nr_dirty -= n;
	if (n)
		m->cursor = regions[n - 1] + 1;
	spin_unlock_irq(&m->lock);
	if (!n) {
		/* every dirty region is being written: look again soon */
		if (!READ_ONCE(m->dying))
			queue_delayed_work(m->wq, &m->kick, 1);
		return false;
	}

	ret = cimrepl_mirror_copy_regions(m, regions, n, true);

	spin_lock_irq(&m->lock);
	for (i = 0; i < n; i++)
		__clear_bit(regions[i], m->copying);
	if (ret) {
		LIST_HEAD(freed);

		for (i = 0; i < n; i++)
			cimrepl_mirror_mark_dirty(m, regions[i], regions[i]);
		cimrepl_mirror_break(m, ret, &freed);
		spin_unlock_irq(&m->lock);
		cimrepl_mirror_free_list(&freed);
		pr_err("cimrepl: mirror %s: copy failed: %d\n", m->dev->name,
		       ret);
		queue_work(m->wq, &m->log_work);
		queue_work(m->wq, &m->copy_work);
		spin_lock_irq(&m->lock);
	} else {
		m->run_done += n;
	}
	released = m->wait_copy;
	bio_list_init(&m->wait_copy);
	spin_unlock_irq(&m->lock);
	cimrepl_mirror_resubmit(m, &released);
	cimrepl_mirror_progress(m);
	cimrepl_mirror_throttle_check(m, (u64)n << (m->region_shift + SECTOR_SHIFT));
	return !ret;
}

static bool cimrepl_mirror_listed(const u64 *regions, unsigned int n, u64 r)
{
	while (n--)
		if (regions[n] == r)
			return true;
	return false;
}

/* Copy the next regions of a restore target -> source. */
static bool cimrepl_mirror_restore_step(struct cimrepl_mirror *m)
{
	struct bio_list released;
	u64 regions[CIMREPL_MIRROR_COPY_JOBS];
	unsigned int n = 0, i;
	struct bio *bio;
	u64 first, last, r;
	int ret;

	spin_lock_irq(&m->lock);
	if (!m->restoring || m->dying) {
		spin_unlock_irq(&m->lock);
		return false;
	}
	if (!m->nr_restore) {
		m->restoring = false;
		m->run_total = m->nr_dirty;
		m->run_done = 0;
		m->reported = 0;
		m->progress = CIMREPL_PROGRESS_RESYNCING;
		m->record_dirty = true;
		m->notify_state = true;
		released = m->wait_copy;
		bio_list_init(&m->wait_copy);
		spin_unlock_irq(&m->lock);
		pr_info("cimrepl: mirror %s: restore complete\n", m->dev->name);
		queue_work(m->wq, &m->log_work);
		cimrepl_mirror_resubmit(m, &released);
		return true;
	}
	/* the regions someone waits for first */
	bio_list_for_each(bio, &m->wait_copy) {
		cimrepl_mirror_range(m, bio, &first, &last);
		for (r = first; r <= last && n < ARRAY_SIZE(regions); r++)
			if (test_bit(r, m->to_restore) && !m->pending[r] &&
			    !cimrepl_mirror_listed(regions, n, r))
				regions[n++] = r;
		if (n == ARRAY_SIZE(regions))
			break;
	}
	for (r = m->restore_cursor; n < ARRAY_SIZE(regions); r++) {
		r = find_next_bit(m->to_restore, m->nr_regions, r);
		if (r >= m->nr_regions)
			break;
		if (!m->pending[r] && !cimrepl_mirror_listed(regions, n, r))
			regions[n++] = r;
	}
	if (!n && m->restore_cursor) {
		m->restore_cursor = 0;
		spin_unlock_irq(&m->lock);
		return true;
	}
	if (n)
		m->restore_cursor = regions[n - 1] + 1;
	spin_unlock_irq(&m->lock);
	if (!n) {
		if (!READ_ONCE(m->dying))
			queue_delayed_work(m->wq, &m->kick, 1);
		return false;
	}

	ret = cimrepl_mirror_copy_regions(m, regions, n, false);

	spin_lock_irq(&m->lock);
	if (ret) {
		LIST_HEAD(freed);

		cimrepl_mirror_break(m, ret, &freed);
		spin_unlock_irq(&m->lock);
		cimrepl_mirror_free_list(&freed);
		pr_err("cimrepl: mirror %s: restore failed: %d\n",
		       m->dev->name, ret);
		queue_work(m->wq, &m->log_work);
		queue_work(m->wq, &m->copy_work);
		spin_lock_irq(&m->lock);
	} else {
		for (i = 0; i < n; i++)
			if (__test_and_clear_bit(regions[i], m->to_restore)) {
				m->nr_restore--;
				m->run_done++;
			}
	}
	released = m->wait_copy;
	bio_list_init(&m->wait_copy);
	spin_unlock_irq(&m->lock);
	cimrepl_mirror_resubmit(m, &released);
	cimrepl_mirror_progress(m);
	return !ret;
}

/* Unsynchronized with nothing left to copy: Synchronized. */
static void cimrepl_mirror_check_synced(struct cimrepl_mirror *m)
{
	bool synced, kick;

	spin_lock_irq(&m->lock);
	synced = cimrepl_mirror_following(m) &&
		 m->copy_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED &&
		 !m->nr_dirty && bitmap_empty(m->copying, m->nr_regions);
	if (synced) {
		m->copy_state = CIMREPL_COPY_STATE_SYNCHRONIZED;
		m->progress = CIMREPL_PROGRESS_COMPLETED;
		m->consistent = true;
		m->synced_ns = ktime_get_real_ns();
		m->record_dirty = true;
		m->notify_state = true;
	} else if (cimrepl_mirror_following(m) && m->nr_dirty &&
		   m->copy_state == CIMREPL_COPY_STATE_SYNCHRONIZED) {
		/* a discard the target refused: copy it */
		m->copy_state = CIMREPL_COPY_STATE_UNSYNCHRONIZED;
		m->progress = CIMREPL_PROGRESS_RESYNCING;
		m->run_total = m->nr_dirty;
		m->run_done = 0;
		m->notify_state = true;
	}
	kick = m->record_dirty || m->notify_state;
	spin_unlock_irq(&m->lock);
	if (synced)
		pr_info("cimrepl: mirror %s synchronized\n", m->dev->name);
	if (kick)
		queue_work(m->wq, &m->log_work);
}

static void cimrepl_mirror_copy_work(struct work_struct *work)
{
	struct cimrepl_mirror *m = container_of(work, struct cimrepl_mirror,
						copy_work);
	unsigned int rounds;
	bool more = false;

	/* a bounded run, so that the log worker and flushes get their turn */
	for (rounds = 0; rounds < 16; rounds++) {
		more = cimrepl_mirror_apply_queue(m, true);
		more |= cimrepl_mirror_restore_step(m);
		more |= cimrepl_mirror_copy_step(m);
		if (!more)
			break;
	}
	if (READ_ONCE(m->dying))
		return;
	if (more)
		queue_work(m->wq, &m->copy_work);
	else
		cimrepl_mirror_check_synced(m);
}

/* Creation and teardown. */
static void cimrepl_mirror_free(struct cimrepl_mirror *m)
{
	unsigned int i;

	if (m->wq)
		destroy_workqueue(m->wq);
	bioset_exit(&m->bs);
	for (i = 0; i < CIMREPL_MIRROR_COPY_JOBS; i++)
		cimrepl_copier_exit(&m->copiers[i]);
	if (m->log_page)
		__free_page(m->log_page);
	bitmap_free(m->log_image);
	bitmap_free(m->logged);
	bitmap_free(m->log_next);
	bitmap_free(m->dirty);
	bitmap_free(m->copying);
	bitmap_free(m->to_restore);
	bitmap_free(m->changed);
	bitmap_free(m->clean_once);
	kvfree(m->pending);
	kfree(m->log_chunks);
	cimrepl_mirror_bufs_drain(m);
	kfree(m);
}

static struct cimrepl_mirror *cimrepl_mirror_new(struct cimrepl_volume *source,
						 struct cimrepl_volume *dev,
						 struct cimrepl_pool *pool,
						 u16 mode)
{
	u32 chunk_sectors = cimrepl_meta_chunk_sectors(&pool->meta);
	sector_t sectors = get_capacity(source->disk);
	unsigned int per_chunk, i;
	struct cimrepl_mirror *m;
	u64 bits;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return NULL;
	m->source = source;
	m->dev = dev;
	m->pool = pool;
	m->mode = mode;
	m->max_lag_ms = CIMREPL_MIRROR_MAX_LAG_MS_DEFAULT;
	m->region_sectors = chunk_sectors;
	while (DIV_ROUND_UP_ULL(sectors, m->region_sectors) >
	       CIMREPL_MIRROR_MAX_REGIONS)
		m->region_sectors <<= 1;
	m->region_shift = ilog2(m->region_sectors);
	m->log_group = max(1U, CIMREPL_MIRROR_LOG_GROUP >>
			       (m->region_shift + SECTOR_SHIFT));
	m->nr_regions = max_t(u64, 1, DIV_ROUND_UP_ULL(sectors, m->region_sectors));
	m->nr_log_blocks = DIV_ROUND_UP_ULL(m->nr_regions, CIMREPL_MIRROR_LOG_BITS);
	per_chunk = (chunk_sectors << SECTOR_SHIFT) / CIMREPL_META_BLOCK;
	m->nr_log_chunks = DIV_ROUND_UP(m->nr_log_blocks, per_chunk);
	/* whole log blocks, so that a block's bits can be copied as words */
	bits = (u64)m->nr_log_blocks * CIMREPL_MIRROR_LOG_BITS;
	spin_lock_init(&m->lock);
	bio_list_init(&m->wait_log);
	bio_list_init(&m->wait_copy);
	bio_list_init(&m->wait_backlog);
	INIT_LIST_HEAD(&m->queue);
	INIT_LIST_HEAD(&m->batch);
	spin_lock_init(&m->buf_lock);
	INIT_LIST_HEAD(&m->free_bufs[0]);
	INIT_LIST_HEAD(&m->free_bufs[1]);
	init_waitqueue_head(&m->idle);
	INIT_WORK(&m->log_work, cimrepl_mirror_log_work);
	INIT_WORK(&m->copy_work, cimrepl_mirror_copy_work);
	INIT_DELAYED_WORK(&m->clear_work, cimrepl_mirror_clear_work);
	INIT_DELAYED_WORK(&m->kick, cimrepl_mirror_kick);
	INIT_DELAYED_WORK(&m->apply_later, cimrepl_mirror_apply_later);

	m->log_chunks = kcalloc(m->nr_log_chunks, sizeof(*m->log_chunks),
				GFP_KERNEL);
	m->log_page = alloc_page(GFP_KERNEL);
	m->log_image = bitmap_zalloc(CIMREPL_MIRROR_LOG_BITS, GFP_KERNEL);
	m->logged = bitmap_zalloc(bits, GFP_KERNEL);
	m->log_next = bitmap_zalloc(bits, GFP_KERNEL);
	m->dirty = bitmap_zalloc(bits, GFP_KERNEL);
	m->copying = bitmap_zalloc(bits, GFP_KERNEL);
	m->to_restore = bitmap_zalloc(bits, GFP_KERNEL);
	m->changed = bitmap_zalloc(m->nr_log_blocks, GFP_KERNEL);
	m->clean_once = bitmap_zalloc(bits, GFP_KERNEL);
	m->pending = kvcalloc(m->nr_regions, sizeof(*m->pending), GFP_KERNEL);
	if (!m->log_chunks || !m->log_page || !m->log_image || !m->logged ||
	    !m->log_next || !m->dirty || !m->copying || !m->to_restore ||
	    !m->changed || !m->clean_once || !m->pending)
		goto fail;
	for (i = 0; i < CIMREPL_MIRROR_COPY_JOBS; i++)
		if (cimrepl_copier_init(&m->copiers[i],
					CIMREPL_MIRROR_COPY_SECTORS))
			goto fail;
	if (bioset_init(&m->bs, BIO_POOL_SIZE, 0,
			BIOSET_NEED_BVECS | BIOSET_NEED_RESCUER))
		goto fail;
	m->wq = alloc_workqueue("cimrepl-mirror-%s", WQ_MEM_RECLAIM | WQ_UNBOUND,
				0, dev->name);
	if (!m->wq)
		goto fail;
	return m;
fail:
	cimrepl_mirror_free(m);
	return NULL;
}

/* The whole source dirty and logged: a first copy of everything. */
static void cimrepl_mirror_all_dirty(struct cimrepl_mirror *m)
{
	bitmap_set(m->dirty, 0, m->nr_regions);
	bitmap_set(m->logged, 0, m->nr_regions);
	bitmap_set(m->log_next, 0, m->nr_regions);
	m->nr_dirty = m->nr_regions;
	m->copy_state = CIMREPL_COPY_STATE_UNSYNCHRONIZED;
	m->progress = CIMREPL_PROGRESS_SYNCHRONIZING;
	m->run_total = m->nr_regions;
}

/* Give the log chunks of @m back in memory. Caller holds meta.lock. */
static void cimrepl_mirror_free_log(struct cimrepl_mirror *m, bool write)
{
	struct cimrepl_meta *meta = &m->pool->meta;
	unsigned int i;

	for (i = 0; i < m->nr_log_chunks; i++) {
		if (!meta->chunks[m->log_chunks[i]].from_seq)
			continue;
		cimrepl_pool_free_chunk(m->pool, m->log_chunks[i]);
		if (write)
			cimrepl_meta_write_chunk(meta, m->log_chunks[i]);
	}
}

/*
 * Record a new mirror in its pool: slot and sequence number, log chunks
 * written with every region set, their chunk records, then the record.
 */
static int cimrepl_mirror_record_new(struct cimrepl_mirror *m,
				     unsigned long *taken,
				     struct netlink_ext_ack *extack,
				     unsigned int index)
{
	struct cimrepl_meta *meta = &m->pool->meta;
	struct cimrepl_meta_chunk *rec;
	unsigned int i, block, allocated = 0;
	int slot, ret;

	mutex_lock(&meta->lock);
	for (slot = 0; slot < CIMREPL_META_SNAPSHOTS; slot++)
		if (!meta->snapshots[slot].seq && !test_bit(slot, taken))
			break;
	if (slot == CIMREPL_META_SNAPSHOTS) {
		mutex_unlock(&meta->lock);
		cimrepl_elem_err(extack, NULL, index,
				 "the pool's snapshot table is full");
		return -ENOSPC;
	}
	__set_bit(slot, taken);
	m->slot = slot;
	m->seq = le32_to_cpu(meta->super.next_seq);
	meta->super.next_seq = cpu_to_le32(m->seq + 1);
	if (m->throttle_set)
		cimrepl_meta_put_tunables(meta, slot, m->seq,
					  CIMREPL_META_TUNE_THROTTLE,
					  m->throttle, 0);
	ret = cimrepl_meta_write_super(meta);
	for (i = 0; i < m->nr_log_chunks && !ret; i++) {
		ret = cimrepl_pool_alloc_chunk(m->pool, &m->log_chunks[i]);
		if (ret) {
			cimrepl_elem_err(extack, NULL, index,
					 "the pool has no room for the mirror's log");
			break;
		}
		allocated++;
		rec = &meta->chunks[m->log_chunks[i]];
		rec->origin_chunk = cpu_to_le64(i);
		rec->origin_id = 0;
		rec->from_seq = cpu_to_le32(m->seq);
		rec->to_seq = cpu_to_le32(m->seq);
		rec->flags = cpu_to_le32(CIMREPL_META_CHUNK_MIRROR_LOG);
	}
	for (block = 0; block < m->nr_log_blocks && !ret; block++) {
		bitmap_copy(m->log_image, cimrepl_mirror_block_bits(m->logged, block),
			    CIMREPL_MIRROR_LOG_BITS);
		ret = cimrepl_mirror_write_log_block(m, block);
	}
	for (i = 0; i < m->nr_log_chunks && !ret; i++)
		ret = cimrepl_meta_write_chunk(meta, m->log_chunks[i]);
	if (!ret) {
		cimrepl_mirror_fill_record(m, &meta->snapshots[slot]);
		ret = cimrepl_meta_write_snapshots(meta);
		if (ret)
			memset(&meta->snapshots[slot], 0, sizeof(meta->snapshots[0]));
	}
	if (ret) {
		/* chunk records without a record are given back at load */
		for (i = 0; i < allocated; i++)
			cimrepl_pool_free_chunk(m->pool, m->log_chunks[i]);
		m->seq = 0;
		if (ret != -ENOSPC)
			cimrepl_elem_err(extack, NULL, index,
					 "cannot write the mirror's log or record to the pool");
	}
	mutex_unlock(&meta->lock);
	return ret;
}

/* Take @m's record and log out of the pool. */
static void cimrepl_mirror_record_delete(struct cimrepl_mirror *m)
{
	struct cimrepl_meta *meta = &m->pool->meta;

	mutex_lock(&meta->lock);
	/*
	 * The record first: a crash then leaves log chunks that load gives
	 * back. If it cannot go, its chunks stay too, for the next load.
	 */
	memset(&meta->snapshots[m->slot], 0, sizeof(meta->snapshots[0]));
	if (cimrepl_meta_write_snapshots(meta))
		pr_err("cimrepl: mirror %s: cannot remove its record\n",
		       m->dev->name);
	else
		cimrepl_mirror_free_log(m, true);
	mutex_unlock(&meta->lock);
}

static void cimrepl_mirror_attach(struct cimrepl_mirror *m)
{
	m->source->mirrored = m;
	m->source->replicas++;
	m->dev->mirror = m;
	m->dev->role = CIMREPL_ROLE_MIRROR;
	m->pool->users++;
}

static void cimrepl_mirror_start(struct cimrepl_mirror *m)
{
	queue_work(m->wq, &m->copy_work);
	queue_delayed_work(m->wq, &m->clear_work, CIMREPL_MIRROR_CLEAR_DELAY);
}

/* Stop every worker; both devices' I/O is held. */
static void cimrepl_mirror_quiesce(struct cimrepl_mirror *m)
{
	LIST_HEAD(freed);

	spin_lock_irq(&m->lock);
	m->dying = true;
	cimrepl_mirror_drop_queue(m, &freed);
	spin_unlock_irq(&m->lock);
	/*
	 * The last target legs queue work before they are counted out; the
	 * workers arm the timers only while not dying; the timers queue
	 * work: so, in this order, nothing is left running or armed.
	 */
	wait_event(m->idle, !READ_ONCE(m->target_inflight));
	/* the last leg counted out under the lock: let it let go of it */
	spin_lock_irq(&m->lock);
	spin_unlock_irq(&m->lock);
	flush_workqueue(m->wq);
	cancel_delayed_work_sync(&m->clear_work);
	cancel_delayed_work_sync(&m->kick);
	cancel_delayed_work_sync(&m->apply_later);
	flush_workqueue(m->wq);
	cimrepl_mirror_free_list(&freed);
}

/* End @m: the source goes on alone; @dev stays for the caller. */
static void cimrepl_mirror_teardown(struct cimrepl_mirror *m)
{
	struct cimrepl_volume *source = m->source, *dev = m->dev;

	cimrepl_volume_hold_io(source);
	cimrepl_volume_hold_io(dev);
	cimrepl_mirror_quiesce(m);
	source->mirrored = NULL;
	source->replicas--;
	dev->mirror = NULL;
	dev->role = CIMREPL_ROLE_VOLUME;
	m->pool->users--;
	cimrepl_mirror_record_delete(m);
	cimrepl_volume_release_io(dev);
	cimrepl_volume_release_io(source);
	cimrepl_mirror_free(m);
}

struct cimrepl_new_mirror {
	struct cimrepl_volume *source;
	struct cimrepl_pool *pool;
	struct cimrepl_volume *dev;
	struct cimrepl_mirror *mirror;
};

static int cimrepl_mirror_check_element(const struct cimrepl_snapshot_request *req,
					unsigned int index,
					struct cimrepl_new_mirror *nm,
					struct netlink_ext_ack *extack)
{
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
	if (source->mirrored) {
		cimrepl_elem_err(extack, req->attr, index,
				 "the source has a mirror already");
		return -EBUSY;
	}
	if (cimrepl_snapshot_restoring(source)) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a restore onto this source is in progress");
		return -EBUSY;
	}
	if (cimrepl_volume_find(req->target)) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a device with the target name exists");
		return -EEXIST;
	}
	if (!req->target_path) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a mirror needs a target device (TARGET_PATH)");
		return -EINVAL;
	}
	if (!req->pool) {
		cimrepl_elem_err(extack, req->attr, index,
				 "a mirror keeps its record and log in a pool: name one");
		return -EINVAL;
	}
	nm->pool = cimrepl_pool_find(req->pool);
	if (!nm->pool) {
		cimrepl_elem_err(extack, req->attr, index, "no such pool");
		return -ENOENT;
	}
	nm->source = source;
	return 0;
}

static void cimrepl_mirror_discard_list(struct cimrepl_new_mirror *nm,
					unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (nm[i].mirror) {
			if (nm[i].mirror->seq)
				cimrepl_mirror_record_delete(nm[i].mirror);
			cimrepl_mirror_free(nm[i].mirror);
		}
		if (nm[i].dev)
			cimrepl_device_discard(nm[i].dev);
	}
}

int cimrepl_mirror_create_list(const struct cimrepl_snapshot_request *req,
			       unsigned int count,
			       const struct cimrepl_list_request *list,
			       struct netlink_ext_ack *extack,
			       int (*reply_fn)(struct cimrepl_mirror *mirror,
					       void *arg),
			       void *arg)
{
	DECLARE_BITMAP(taken, CIMREPL_META_SNAPSHOTS);
	struct cimrepl_new_mirror *nm;
	struct cimrepl_mirror *m;
	unsigned int i, j;
	u64 now;
	int ret = 0;

	nm = kcalloc(count, sizeof(*nm), GFP_KERNEL);
	if (!nm)
		return -ENOMEM;
	mutex_lock(&cimrepl_config_lock);
	for (i = 0; i < count && !ret; i++) {
		ret = cimrepl_mirror_check_element(&req[i], i, &nm[i], extack);
		for (j = 0; j < i && !ret; j++) {
			if (!strcmp(req[j].target, req[i].target)) {
				cimrepl_elem_err(extack, req[i].attr, i,
						 "target name used twice in the list");
				ret = -EINVAL;
			} else if (nm[j].source == nm[i].source) {
				cimrepl_elem_err(extack, req[i].attr, i,
						 "source listed twice");
				ret = -EINVAL;
			}
		}
	}
	for (i = 0; i < count && !ret; i++) {
		nm[i].dev = cimrepl_target_open(req[i].target, req[i].target_path,
						req[i].attr, i, nm[i].source,
						CIMREPL_ROLE_MIRROR, extack);
		if (IS_ERR(nm[i].dev)) {
			ret = PTR_ERR(nm[i].dev);
			nm[i].dev = NULL;
			break;
		}
		nm[i].mirror = cimrepl_mirror_new(nm[i].source, nm[i].dev,
						  nm[i].pool, list->mode);
		if (!nm[i].mirror) {
			ret = -ENOMEM;
			break;
		}
		m = nm[i].mirror;
		m->throttle_set = list->throttle_set;
		m->throttle = list->throttle;
		cimrepl_mirror_all_dirty(m);
	}
	/* one pool table update per element: a slot each */
	bitmap_zero(taken, CIMREPL_META_SNAPSHOTS);
	now = ktime_get_real_ns();
	for (i = 0; i < count && !ret; i++) {
		nm[i].mirror->created_ns = now;
		ret = cimrepl_mirror_record_new(nm[i].mirror, taken, extack, i);
	}
	if (ret)
		goto out_discard;

	/* every mirror starts following its source at one instant */
	for (i = 0; i < count; i++)
		cimrepl_volume_hold_io(nm[i].source);
	for (i = 0; i < count; i++)
		cimrepl_mirror_attach(nm[i].mirror);
	for (i = 0; i < count; i++)
		cimrepl_volume_release_io(nm[i].source);

	for (i = 0; i < count; i++) {
		ret = cimrepl_device_add(nm[i].dev);
		if (ret) {
			for (j = 0; j < count; j++) {
				cimrepl_mirror_teardown(nm[j].mirror);
				if (j < i)
					cimrepl_device_remove(nm[j].dev, NULL, NULL);
				else
					cimrepl_device_discard(nm[j].dev);
			}
			cimrepl_elem_err(extack, req[i].attr, i,
					 "cannot add the replica device");
			goto out_unlock;
		}
	}
	for (i = 0; i < count; i++) {
		cimrepl_mirror_start(nm[i].mirror);
		cimrepl_mirror_notify(nm[i].mirror, CIMREPL_EVENT_CREATED);
	}
	for (i = 0; i < count && reply_fn; i++)
		reply_fn(nm[i].mirror, arg);
	goto out_unlock;

out_discard:
	cimrepl_mirror_discard_list(nm, count);
out_unlock:
	mutex_unlock(&cimrepl_config_lock);
	kfree(nm);
	return ret;
}

/* Reports. */
int cimrepl_mirror_fill_sync(struct sk_buff *skb, struct cimrepl_mirror *m)
{
	u16 state, progress;
	u64 done, total, dirty, backlog, synced, suspended;
	struct cimrepl_mirror_write *oldest;
	u32 lag = 0, max_lag;
	struct nlattr *nest;
	int error;

	spin_lock_irq(&m->lock);
	state = m->copy_state;
	progress = m->restoring ? CIMREPL_PROGRESS_RESTORING : m->progress;
	done = m->run_done;
	total = m->run_total;
	dirty = m->nr_dirty + m->nr_restore;
	backlog = m->backlog;
	oldest = list_first_entry_or_null(&m->queue, struct cimrepl_mirror_write,
					  node);
	if (oldest)
		lag = jiffies_to_msecs(jiffies - oldest->queued);
	max_lag = m->max_lag_ms;
	error = m->error;
	synced = m->synced_ns;
	suspended = m->suspended_ns;
	spin_unlock_irq(&m->lock);

	switch (state) {
	case CIMREPL_COPY_STATE_SYNCHRONIZED:
		progress = CIMREPL_PROGRESS_COMPLETED;
		break;
	case CIMREPL_COPY_STATE_UNSYNCHRONIZED:
		break;
	case CIMREPL_COPY_STATE_BROKEN:
	case CIMREPL_COPY_STATE_FRACTURED:
	case CIMREPL_COPY_STATE_SPLIT:
		progress = CIMREPL_PROGRESS_REQUIRES_RESYNC;
		break;
	default:
		progress = CIMREPL_PROGRESS_DORMANT;
	}

	nest = nla_nest_start(skb, CIMREPL_A_SYNC);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, CIMREPL_A_SYNC_SOURCE, m->source->name) ||
	    nla_put_string(skb, CIMREPL_A_SYNC_TARGET, m->dev->name) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_SYNC_TYPE, CIMREPL_SYNC_TYPE_MIRROR) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_MODE, m->mode) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_COPY_STATE, state) ||
	    nla_put_u16(skb, CIMREPL_A_SYNC_PROGRESS_STATUS, progress) ||
	    nla_put_u32(skb, CIMREPL_A_SYNC_CHUNK_SIZE,
			m->region_sectors << SECTOR_SHIFT) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_CHUNKS_DONE, done,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_CHUNKS_TOTAL, total,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_BYTES_DONE,
			      done << (m->region_shift + SECTOR_SHIFT),
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_DIRTY, dirty,
			      CIMREPL_A_SYNC_PAD) ||
	    nla_put_u32(skb, CIMREPL_A_SYNC_THROTTLE, cimrepl_mirror_throttle(m)) ||
	    nla_put_u64_64bit(skb, CIMREPL_A_SYNC_WHEN_ESTABLISHED,
			      m->created_ns, CIMREPL_A_SYNC_PAD) ||
	    (synced && nla_put_u64_64bit(skb, CIMREPL_A_SYNC_WHEN_SYNCHRONIZED,
					 synced, CIMREPL_A_SYNC_PAD)) ||
	    (suspended && nla_put_u64_64bit(skb, CIMREPL_A_SYNC_WHEN_SUSPENDED,
					    suspended, CIMREPL_A_SYNC_PAD)) ||
	    (m->mode == CIMREPL_MODE_ASYNCHRONOUS &&
	     (nla_put_u32(skb, CIMREPL_A_SYNC_MAX_LAG_MS, max_lag) ||
	      nla_put_u32(skb, CIMREPL_A_SYNC_LAG_MS, lag) ||
	      nla_put_u64_64bit(skb, CIMREPL_A_SYNC_BACKLOG, backlog,
				CIMREPL_A_SYNC_PAD))) ||
	    (error && nla_put_u32(skb, CIMREPL_A_SYNC_ERROR, -error))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Operations: which states refuse which, in words that name the state. */
#define CIMREPL_MIRROR_REFUSE(op, opname, state, statename)		\
	{ CIMREPL_OP_##op, CIMREPL_COPY_STATE_##state,			\
	  opname ": the mirror is " statename }

static const struct {
	u16 op;
	u16 state;
	const char *why;
} cimrepl_mirror_refusals[] = {
	CIMREPL_MIRROR_REFUSE(FRACTURE, "Fracture", FRACTURED,
			      "Fractured (CopyState 6) already"),
	CIMREPL_MIRROR_REFUSE(FRACTURE, "Fracture", SPLIT,
			      "Split (CopyState 7): resync it first"),
	CIMREPL_MIRROR_REFUSE(FRACTURE, "Fracture", BROKEN,
			      "Broken (CopyState 5): it follows nothing"),
	CIMREPL_MIRROR_REFUSE(SPLIT, "Split", UNSYNCHRONIZED,
			      "Unsynchronized (CopyState 3): wait for Synchronized"),
	CIMREPL_MIRROR_REFUSE(SPLIT, "Split", FRACTURED,
			      "Fractured (CopyState 6): resync it first"),
	CIMREPL_MIRROR_REFUSE(SPLIT, "Split", SPLIT,
			      "Split (CopyState 7) already"),
	CIMREPL_MIRROR_REFUSE(SPLIT, "Split", SUSPENDED,
			      "Suspended (CopyState 9): resume it first"),
	CIMREPL_MIRROR_REFUSE(SPLIT, "Split", BROKEN,
			      "Broken (CopyState 5): resync it first"),
	CIMREPL_MIRROR_REFUSE(SUSPEND, "Suspend", FRACTURED,
			      "Fractured (CopyState 6): resync it first"),
	CIMREPL_MIRROR_REFUSE(SUSPEND, "Suspend", SPLIT,
			      "Split (CopyState 7): resync it first"),
	CIMREPL_MIRROR_REFUSE(SUSPEND, "Suspend", SUSPENDED,
			      "Suspended (CopyState 9) already"),
	CIMREPL_MIRROR_REFUSE(SUSPEND, "Suspend", BROKEN,
			      "Broken (CopyState 5): resync it first"),
	CIMREPL_MIRROR_REFUSE(RESUME, "Resume", SYNCHRONIZED,
			      "Synchronized (CopyState 4), not Suspended"),
	CIMREPL_MIRROR_REFUSE(RESUME, "Resume", UNSYNCHRONIZED,
			      "Unsynchronized (CopyState 3), not Suspended"),
	CIMREPL_MIRROR_REFUSE(RESUME, "Resume", FRACTURED,
			      "Fractured (CopyState 6): use Resync Replica"),
	CIMREPL_MIRROR_REFUSE(RESUME, "Resume", SPLIT,
			      "Split (CopyState 7): use Resync Replica"),
	CIMREPL_MIRROR_REFUSE(RESUME, "Resume", BROKEN,
			      "Broken (CopyState 5): use Resync Replica"),
	CIMREPL_MIRROR_REFUSE(RESYNC_REPLICA, "Resync Replica", SYNCHRONIZED,
			      "Synchronized (CopyState 4): nothing to copy"),
	CIMREPL_MIRROR_REFUSE(RESYNC_REPLICA, "Resync Replica", UNSYNCHRONIZED,
			      "Unsynchronized (CopyState 3): it is copying"),
	CIMREPL_MIRROR_REFUSE(RESYNC_REPLICA, "Resync Replica", SUSPENDED,
			      "Suspended (CopyState 9): use Resume"),
	CIMREPL_MIRROR_REFUSE(RESTORE_FROM_REPLICA, "Restore from Replica", SYNCHRONIZED,
			      "Synchronized (CopyState 4): fracture or split it first"),
	CIMREPL_MIRROR_REFUSE(RESTORE_FROM_REPLICA, "Restore from Replica", UNSYNCHRONIZED,
			      "Unsynchronized (CopyState 3): the target is incomplete"),
	CIMREPL_MIRROR_REFUSE(RESTORE_FROM_REPLICA, "Restore from Replica", BROKEN,
			      "Broken (CopyState 5): the target failed"),
};

static bool cimrepl_mirror_has_op(u16 op)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cimrepl_mirror_ops); i++)
		if (cimrepl_mirror_ops[i] == op)
			return true;
	return false;
}

int cimrepl_mirror_check(struct cimrepl_volume *vol, u16 op,
			 const struct nlattr *attr, unsigned int index,
			 struct netlink_ext_ack *extack)
{
	struct cimrepl_mirror *m = vol->mirror;
	bool restoring;
	unsigned int i;
	u16 state;

	lockdep_assert_held(&cimrepl_config_lock);
	if (!cimrepl_mirror_has_op(op)) {
		cimrepl_elem_err(extack, attr, index,
				 "mirrors implement Detach (8), Fracture (12), Resync Replica (14), Restore (15), Resume (16), Return To ResourcePool (19), Split (21) and Suspend (22)");
		return -EOPNOTSUPP;
	}
	spin_lock_irq(&m->lock);
	state = m->copy_state;
	restoring = m->restoring;
	spin_unlock_irq(&m->lock);
	if (restoring) {
		cimrepl_elem_err(extack, attr, index,
				 "the mirror is restoring its source (ProgressStatus 8): wait for it");
		return -EBUSY;
	}
	for (i = 0; i < ARRAY_SIZE(cimrepl_mirror_refusals); i++) {
		if (cimrepl_mirror_refusals[i].op == op &&
		    cimrepl_mirror_refusals[i].state == state) {
			cimrepl_elem_err_str(extack, attr, index,
					     cimrepl_mirror_refusals[i].why);
			return -EINVAL;
		}
	}
	if (op == CIMREPL_OP_RESTORE_FROM_REPLICA && !READ_ONCE(m->consistent)) {
		cimrepl_elem_err(extack, attr, index,
				 "Restore from Replica: the target was not Synchronized since its last copy began: it is incomplete");
		return -EINVAL;
	}
	if (op == CIMREPL_OP_RESTORE_FROM_REPLICA && m->source->origin) {
		cimrepl_elem_err(extack, attr, index,
				 "the source has snapshots or clones: a restore would go around their copy-on-write");
		return -EBUSY;
	}
	if (op == CIMREPL_OP_RETURN_TO_RESOURCE_POOL &&
	    cimrepl_volume_open_count(vol)) {
		cimrepl_elem_err(extack, attr, index,
				 "the mirror device is open (a LIO backstore or another user holds it)");
		return -EBUSY;
	}
	return 0;
}

/* Is every write acknowledged so far on the target (or will it never be)? */
static bool cimrepl_mirror_drained(struct cimrepl_mirror *m)
{
	bool drained;

	spin_lock_irq(&m->lock);
	drained = (list_empty(&m->queue) && !m->target_inflight) ||
		  !cimrepl_mirror_following(m);
	spin_unlock_irq(&m->lock);
	return drained;
}

int cimrepl_mirror_stop_list(struct cimrepl_volume **vols, unsigned int n,
			     u16 op, struct netlink_ext_ack *extack)
{
	u16 state = op == CIMREPL_OP_FRACTURE ? CIMREPL_COPY_STATE_FRACTURED :
		    op == CIMREPL_OP_SPLIT ? CIMREPL_COPY_STATE_SPLIT :
		    CIMREPL_COPY_STATE_SUSPENDED;
	struct bio_list released = BIO_EMPTY_LIST;
	struct cimrepl_mirror *m;
	unsigned int i;
	LIST_HEAD(freed);
	int ret = 0;

	lockdep_assert_held(&cimrepl_config_lock);
	/* one instant for the whole list: every source held at once */
	for (i = 0; i < n; i++) {
		cimrepl_volume_hold_io(vols[i]->mirror->source);
		cimrepl_volume_hold_io(vols[i]);
	}
	/* a split target receives every write acknowledged so far */
	for (i = 0; i < n && state == CIMREPL_COPY_STATE_SPLIT; i++) {
		m = vols[i]->mirror;
		wait_event(m->idle, cimrepl_mirror_drained(m));
	}
	for (i = 0; i < n && !ret; i++) {
		m = vols[i]->mirror;
		spin_lock_irq(&m->lock);
		if (m->copy_state == CIMREPL_COPY_STATE_BROKEN) {
			cimrepl_elem_err(extack, NULL, i,
					 "the mirror broke (CopyState 5) on the way: nothing changed");
			ret = -EIO;
		}
		spin_unlock_irq(&m->lock);
	}
	for (i = 0; i < n && !ret; i++) {
		m = vols[i]->mirror;
		spin_lock_irq(&m->lock);
		m->copy_state = state;
		if (state == CIMREPL_COPY_STATE_SUSPENDED)
			m->suspended_ns = ktime_get_real_ns();
		m->progress = CIMREPL_PROGRESS_DORMANT;
		spin_unlock_irq(&m->lock);
	}
	for (i = 0; i < n && !ret; i++) {
		m = vols[i]->mirror;
		/* the workers see the new state; what they had in hand lands */
		flush_work(&m->copy_work);
		wait_event(m->idle, !READ_ONCE(m->target_inflight));
		spin_lock_irq(&m->lock);
		cimrepl_mirror_drop_queue(m, &freed);
		bio_list_merge(&released, &m->wait_backlog);
		bio_list_init(&m->wait_backlog);
		spin_unlock_irq(&m->lock);
		cimrepl_mirror_free_list(&freed);
		/* none: the holds drained every bio; sent on as they are */
		cimrepl_mirror_resubmit(m, &released);
		cimrepl_mirror_write_record(m);
	}
	for (i = n; i--;) {
		cimrepl_volume_release_io(vols[i]);
		cimrepl_volume_release_io(vols[i]->mirror->source);
	}
	for (i = 0; i < n && !ret; i++)
		cimrepl_mirror_notify(vols[i]->mirror, CIMREPL_EVENT_STATE_CHANGED);
	return ret;
}

/* Resume, Resync Replica: copy the logged regions source -> target. */
static void cimrepl_mirror_resync(struct cimrepl_mirror *m)
{
	cimrepl_volume_hold_io(m->source);
	cimrepl_volume_hold_io(m->dev);
	/* a leg of before the break must not break the resync */
	wait_event(m->idle, !READ_ONCE(m->target_inflight));
	spin_lock_irq(&m->lock);
	/* until Synchronized the target is a mix of two times */
	m->consistent = false;
	if (m->log_failed) {
		/* the log is not to be trusted: everything */
		bitmap_set(m->dirty, 0, m->nr_regions);
		m->nr_dirty = m->nr_regions;
	}
	m->copy_state = CIMREPL_COPY_STATE_UNSYNCHRONIZED;
	m->progress = CIMREPL_PROGRESS_RESYNCING;
	m->error = 0;
	m->run_total = m->nr_dirty;
	m->run_done = 0;
	m->reported = 0;
	m->cursor = 0;
	spin_unlock_irq(&m->lock);
	cimrepl_mirror_write_record(m);
	cimrepl_volume_release_io(m->dev);
	cimrepl_volume_release_io(m->source);
	queue_work(m->wq, &m->copy_work);
	cimrepl_mirror_notify(m, CIMREPL_EVENT_STATE_CHANGED);
}

/* Restore from Replica: copy the logged regions target -> source. */
static void cimrepl_mirror_restore(struct cimrepl_mirror *m)
{
	cimrepl_volume_hold_io(m->source);
	cimrepl_volume_hold_io(m->dev);
	wait_event(m->idle, !READ_ONCE(m->target_inflight));
	spin_lock_irq(&m->lock);
	if (m->log_failed) {
		bitmap_set(m->dirty, 0, m->nr_regions);
		m->nr_dirty = m->nr_regions;
	}
	m->restore_from = m->copy_state;
	bitmap_copy(m->to_restore, m->dirty, m->nr_regions);
	m->nr_restore = m->nr_dirty;
	bitmap_zero(m->dirty, m->nr_regions);
	m->nr_dirty = 0;
	m->restoring = true;
	m->restore_cursor = 0;
	m->copy_state = CIMREPL_COPY_STATE_UNSYNCHRONIZED;
	m->run_total = m->nr_restore;
	m->run_done = 0;
	m->reported = 0;
	spin_unlock_irq(&m->lock);
	pr_info("cimrepl: mirror %s: restoring %llu regions onto %s\n",
		m->dev->name, m->nr_restore, m->source->name);
	cimrepl_volume_release_io(m->dev);
	cimrepl_volume_release_io(m->source);
	queue_work(m->wq, &m->copy_work);
	cimrepl_mirror_notify(m, CIMREPL_EVENT_STATE_CHANGED);
}

/* Detach: the synchronization ends, the device stays over the target. */
static void cimrepl_mirror_detach(struct cimrepl_mirror *m)
{
	struct cimrepl_volume *dev = m->dev;

	cimrepl_mirror_notify(m, CIMREPL_EVENT_DELETED);
	cimrepl_mirror_teardown(m);
	cimrepl_nl_notify_volume(dev, CIMREPL_EVENT_STATE_CHANGED);
}

int cimrepl_mirror_apply(struct cimrepl_volume *vol, u16 op,
			 struct netlink_ext_ack *extack)
{
	struct cimrepl_mirror *m = vol->mirror;

	lockdep_assert_held(&cimrepl_config_lock);
	switch (op) {
	case CIMREPL_OP_FRACTURE:
	case CIMREPL_OP_SPLIT:
	case CIMREPL_OP_SUSPEND:
		return cimrepl_mirror_stop_list(&vol, 1, op, extack);
	case CIMREPL_OP_RESUME:
	case CIMREPL_OP_RESYNC_REPLICA:
		cimrepl_mirror_resync(m);
		return 0;
	case CIMREPL_OP_RESTORE_FROM_REPLICA:
		cimrepl_mirror_restore(m);
		return 0;
	case CIMREPL_OP_DETACH:
		cimrepl_mirror_detach(m);
		return 0;
	case CIMREPL_OP_RETURN_TO_RESOURCE_POOL:
		return cimrepl_mirror_delete(vol, NULL, extack);
	}
	NL_SET_ERR_MSG(extack, "mirrors do not implement this operation");
	return -EOPNOTSUPP;
}

int cimrepl_mirror_delete(struct cimrepl_volume *vol, const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	struct cimrepl_mirror *m = vol->mirror;
	int ret;

	lockdep_assert_held(&cimrepl_config_lock);
	if (READ_ONCE(m->restoring)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the mirror is restoring its source (ProgressStatus 8): wait for it");
		return -EBUSY;
	}
	ret = cimrepl_device_close_for_removal(vol);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the mirror device is open (a LIO backstore or another user holds it)");
		return ret;
	}
	cimrepl_mirror_notify(m, CIMREPL_EVENT_DELETED);
	cimrepl_mirror_teardown(m);
	return cimrepl_device_remove(vol, attr, extack);
}

int cimrepl_mirror_tune(struct cimrepl_volume *vol, const struct nlattr *throttle,
			const struct nlattr *max_lag,
			struct netlink_ext_ack *extack)
{
	struct cimrepl_mirror *m = vol->mirror;
	struct cimrepl_meta *meta = &m->pool->meta;
	u32 kib_per_sec = throttle ? nla_get_u32(throttle) : 0;
	u32 ms = max_lag ? nla_get_u32(max_lag) : 0;
	u32 flags = 0;
	int ret;

	lockdep_assert_held(&cimrepl_config_lock);
	if (max_lag && m->mode != CIMREPL_MODE_ASYNCHRONOUS) {
		NL_SET_ERR_MSG_ATTR(extack, max_lag,
				    "only asynchronous mirrors have a lag to bound");
		return -EINVAL;
	}
	if (max_lag && !ms) {
		NL_SET_ERR_MSG_ATTR(extack, max_lag,
				    "a lag bound of 0 ms would make every write wait: use a synchronous mirror");
		return -EINVAL;
	}
	if (throttle)
		flags |= CIMREPL_META_TUNE_THROTTLE;
	if (max_lag)
		flags |= CIMREPL_META_TUNE_MAX_LAG;

	/* recorded first: a setting the pool cannot keep is not taken */
	mutex_lock(&meta->lock);
	ret = cimrepl_meta_write_tunables(meta, m->slot, m->seq, flags,
					  kib_per_sec, ms);
	mutex_unlock(&meta->lock);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "cannot record the setting in the mirror's pool");
		return ret;
	}
	if (max_lag) {
		spin_lock_irq(&m->lock);
		m->max_lag_ms = ms;
		spin_unlock_irq(&m->lock);
		queue_work(m->wq, &m->copy_work);
	}
	if (throttle) {
		WRITE_ONCE(m->throttle, kib_per_sec);
		WRITE_ONCE(m->throttle_set, true);
		mod_delayed_work(m->wq, &m->kick, 0);
	}
	return 0;
}

bool cimrepl_mirror_restoring(struct cimrepl_volume *vol)
{
	return vol->mirrored && READ_ONCE(vol->mirrored->restoring);
}

unsigned int cimrepl_mirror_count(struct cimrepl_pool *pool)
{
	struct cimrepl_volume *vol;
	unsigned int n = 0;

	list_for_each_entry(vol, &cimrepl_volumes, node)
		if (vol->mirror && vol->mirror->pool == pool)
			n++;
	return n;
}

/* Re-assembly. */

/* The tunables recorded for @m (before it starts). */
static void cimrepl_mirror_load_tunables(struct cimrepl_mirror *m)
{
	const struct cimrepl_meta_tunables *t =
		cimrepl_meta_tunables(&m->pool->meta, m->slot, m->seq);
	u32 flags = t ? le32_to_cpu(t->flags) : 0;

	if (flags & CIMREPL_META_TUNE_THROTTLE) {
		m->throttle_set = true;
		m->throttle = le32_to_cpu(t->throttle);
	}
	/* a bound of 0 was never accepted: ignore it as corrupt */
	if ((flags & CIMREPL_META_TUNE_MAX_LAG) && le32_to_cpu(t->max_lag_ms) &&
	    m->mode == CIMREPL_MODE_ASYNCHRONOUS)
		m->max_lag_ms = le32_to_cpu(t->max_lag_ms);
}

static int cimrepl_mirror_assemble_one(struct cimrepl_pool *pool,
				       unsigned int slot,
				       const struct nlattr *attr,
				       struct netlink_ext_ack *extack)
{
	struct cimrepl_meta *meta = &pool->meta;
	struct cimrepl_meta_snapshot *rec = &meta->snapshots[slot];
	u16 state = le16_to_cpu(rec->copy_state);
	struct cimrepl_volume *source, *dev;
	struct cimrepl_mirror *m;
	unsigned int block;
	u64 chunk;
	int ret;

	if (!memchr(rec->name, 0, sizeof(rec->name)) ||
	    !memchr(rec->origin, 0, sizeof(rec->origin))) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "corrupt mirror record");
		return -EINVAL;
	}
	source = cimrepl_volume_find(rec->origin);
	if (!source || source->role != CIMREPL_ROLE_VOLUME || source->mirrored) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a mirror's source volume is not there (or has a mirror): create the volumes first");
		return -ENOENT;
	}
	dev = cimrepl_volume_find(rec->name);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a mirror's volume is not there: create it over the mirror's target first");
		return -ENOENT;
	}
	if (dev->role != CIMREPL_ROLE_VOLUME || dev->origin || dev->replicas ||
	    dev->mirrored || cimrepl_volume_open_count(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a mirror's volume is a replica, has replicas or is open: load the pool before exporting it");
		return -EBUSY;
	}
	if (get_capacity(dev->disk) < get_capacity(source->disk)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a mirror's volume is smaller than its source");
		return -EINVAL;
	}
	if (state != CIMREPL_COPY_STATE_SYNCHRONIZED &&
	    state != CIMREPL_COPY_STATE_UNSYNCHRONIZED &&
	    state != CIMREPL_COPY_STATE_FRACTURED &&
	    state != CIMREPL_COPY_STATE_SPLIT &&
	    state != CIMREPL_COPY_STATE_SUSPENDED &&
	    state != CIMREPL_COPY_STATE_BROKEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "corrupt mirror record");
		return -EINVAL;
	}
	m = cimrepl_mirror_new(source, dev, pool,
			       le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_ASYNC ?
			       CIMREPL_MODE_ASYNCHRONOUS : CIMREPL_MODE_SYNCHRONOUS);
	if (!m)
		return -ENOMEM;
	m->slot = slot;
	m->seq = le32_to_cpu(rec->seq);
	m->created_ns = le64_to_cpu(rec->created_ns);
	if (le32_to_cpu(rec->origin_id) != m->region_shift ||
	    le32_to_cpu(rec->copied) != m->nr_regions) {
		/* its log's bits would name other regions */
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a mirror's source changed size since the mirror was made");
		cimrepl_mirror_free(m);
		return -EINVAL;
	}

	/* its log chunks, in log order */
	for (block = 0; block < m->nr_log_chunks; block++)
		m->log_chunks[block] = U64_MAX;
	for (chunk = 0; chunk < cimrepl_meta_nr_chunks(meta); chunk++) {
		struct cimrepl_meta_chunk *crec = &meta->chunks[chunk];
		u64 index = le64_to_cpu(crec->origin_chunk);

		if (!(le32_to_cpu(crec->flags) & CIMREPL_META_CHUNK_MIRROR_LOG) ||
		    le32_to_cpu(crec->from_seq) != m->seq)
			continue;
		if (index < m->nr_log_chunks)
			m->log_chunks[index] = chunk;
	}
	ret = 0;
	for (block = 0; block < m->nr_log_chunks; block++)
		if (m->log_chunks[block] == U64_MAX)
			ret = -EINVAL;
	for (block = 0; block < m->nr_log_blocks && !ret; block++) {
		ret = cimrepl_mirror_read_log_block(m, block);
		if (!ret)
			bitmap_copy(cimrepl_mirror_block_bits(m->logged, block),
				    m->log_image, CIMREPL_MIRROR_LOG_BITS);
	}
	if (ret) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "cannot read a mirror's log");
		cimrepl_mirror_free(m);
		return ret;
	}
	/* bits past the source's end mean nothing */
	bitmap_clear(m->logged, m->nr_regions,
		     m->nr_log_blocks * CIMREPL_MIRROR_LOG_BITS - m->nr_regions);
	if (le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_LOG_FAILED) {
		/* the log missed writes: everything is to copy */
		m->log_failed = true;
		bitmap_set(m->logged, 0, m->nr_regions);
	}
	m->consistent = le16_to_cpu(rec->flags) & CIMREPL_META_SNAP_CONSISTENT;
	cimrepl_mirror_load_tunables(m);
	bitmap_copy(m->log_next, m->logged, m->nr_regions);
	bitmap_copy(m->dirty, m->logged, m->nr_regions);
	m->nr_dirty = bitmap_weight(m->dirty, m->nr_regions);
	if (state == CIMREPL_COPY_STATE_SYNCHRONIZED ||
	    state == CIMREPL_COPY_STATE_UNSYNCHRONIZED) {
		/* what the log holds may differ: copy it again */
		state = m->nr_dirty ? CIMREPL_COPY_STATE_UNSYNCHRONIZED :
			CIMREPL_COPY_STATE_SYNCHRONIZED;
		m->progress = CIMREPL_PROGRESS_RESYNCING;
		m->run_total = m->nr_dirty;
		if (m->nr_dirty)
			m->consistent = false;
	}
	m->copy_state = state;
	if (state == CIMREPL_COPY_STATE_BROKEN)
		m->error = -EIO;

	cimrepl_volume_hold_io(source);
	cimrepl_volume_hold_io(dev);
	/* a mirror is as large as its source, whatever its target's size */
	set_capacity_and_notify(dev->disk, get_capacity(source->disk));
	cimrepl_mirror_attach(m);
	cimrepl_volume_release_io(dev);
	cimrepl_volume_release_io(source);
	cimrepl_mirror_start(m);
	pr_info("cimrepl: mirror %s of %s re-assembled, %llu regions to copy\n",
		dev->name, source->name, m->nr_dirty);
	return 0;
}

void cimrepl_mirror_disassemble(struct cimrepl_pool *pool)
{
	struct cimrepl_volume *vol;
	struct cimrepl_mirror *m;

	list_for_each_entry(vol, &cimrepl_volumes, node) {
		m = vol->mirror;
		if (!m || m->pool != pool)
			continue;
		/* in memory only: the pool keeps the record and the log */
		cimrepl_volume_hold_io(m->source);
		cimrepl_volume_hold_io(vol);
		cimrepl_mirror_quiesce(m);
		m->source->mirrored = NULL;
		m->source->replicas--;
		vol->mirror = NULL;
		vol->role = CIMREPL_ROLE_VOLUME;
		pool->users--;
		cimrepl_volume_release_io(vol);
		cimrepl_volume_release_io(m->source);
		cimrepl_mirror_free(m);
	}
}

int cimrepl_mirror_assemble(struct cimrepl_pool *pool,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	struct cimrepl_meta *meta = &pool->meta;
	unsigned int i;
	u64 chunk;
	int ret = 0;

	lockdep_assert_held(&cimrepl_config_lock);
	for (i = 0; i < CIMREPL_META_SNAPSHOTS && !ret; i++)
		if (meta->snapshots[i].seq &&
		    le16_to_cpu(meta->snapshots[i].flags) & CIMREPL_META_SNAP_MIRROR)
			ret = cimrepl_mirror_assemble_one(pool, i, attr, extack);
	if (ret) {
		cimrepl_mirror_disassemble(pool);
		return ret;
	}

	/* log chunks of a mirror whose record never made it, or is gone */
	mutex_lock(&meta->lock);
	for (chunk = 0; chunk < cimrepl_meta_nr_chunks(meta); chunk++) {
		struct cimrepl_meta_chunk *crec = &meta->chunks[chunk];
		u32 seq = le32_to_cpu(crec->from_seq);
		bool owned = false;

		if (!seq || !(le32_to_cpu(crec->flags) & CIMREPL_META_CHUNK_MIRROR_LOG))
			continue;
		for (i = 0; i < CIMREPL_META_SNAPSHOTS && !owned; i++)
			owned = le32_to_cpu(meta->snapshots[i].seq) == seq &&
				(le16_to_cpu(meta->snapshots[i].flags) &
				 CIMREPL_META_SNAP_MIRROR);
		if (owned)
			continue;
		cimrepl_pool_free_chunk(pool, chunk);
		cimrepl_meta_write_chunk(meta, chunk);
	}
	mutex_unlock(&meta->lock);
	return 0;
}

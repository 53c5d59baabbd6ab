// SPDX-License-Identifier: GPL-2.0
/*
 * CreateListReplica's work (replicate.h).
 *
 * Order, so that any failure can be undone: check everything (nothing
 * changes), make the targets (files on loop devices from the pool, or free
 * the LIO backstores of the given targets), ask the kernel for the whole
 * list (one point in time, atomic there too), put LIO backstores on the new
 * devices, record replicas and job in one store transaction. Undo runs the
 * same steps backwards.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/cimrepl.h>

#include "catalog.h"
#include "indications.h"
#include "pools.h"
#include "replargs.h"
#include "replicate.h"
#include "syncops.h"

/* What one element of the list needs and what was done for it. */
struct element {
	struct volume_entry source;
	struct volume_entry target;	/* a given target (TargetElements) */
	bool target_given;
	char kernel_name[CIMREPL_NAME_MAX];
	char backstore[LIO_NAME_MAX];
	const char *serial;		/* a given target's serial, kept */
	struct pool_loop loop;		/* a target made from the pool */
	bool loop_made;
	bool target_freed;		/* the given target's backstore removed */
	bool kernel_made;
	bool backstore_made;
	bool lun_made;
	unsigned int lun;		/* its LUN on the export TPG */
};

struct replicate_ctx {
	struct daemon *d;
	struct lio *lio;
	const struct replicate_request *req;
	struct replicate_result *res;
	struct store_pool pool;
	/* the kernel pool of the points in time: the sources' own, if any */
	char kernel_pool[STORE_NAME_MAX];
	struct element el[REPLICATE_MAX];
};

static void fail(struct replicate_result *res, uint32_t rc, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

static void fail(struct replicate_result *res, uint32_t rc, const char *fmt,
		 ...)
{
	va_list ap;

	res->rc = rc;
	va_start(ap, fmt);
	vsnprintf(res->description, sizeof(res->description), fmt, ap);
	va_end(ap);
}

static char sync_letter(uint16_t sync_type)
{
	switch (sync_type) {
	case CIMREPL_SYNC_TYPE_SNAPSHOT:
		return 's';
	case CIMREPL_SYNC_TYPE_CLONE:
		return 'c';
	default:
		return 'm';
	}
}

static bool kernel_name_taken(struct replicate_ctx *c, const char *name,
			      size_t upto)
{
	struct kernel_volume kv;
	size_t i;

	for (i = 0; i < upto; i++)
		if (!strcmp(c->el[i].kernel_name, name))
			return true;
	return !kernel_volume_get(c->d->kernel, name, &kv);
}

static bool backstore_taken(struct replicate_ctx *c, const char *name,
			    size_t upto)
{
	struct lio_backstore bs;
	size_t i;

	for (i = 0; i < upto; i++)
		if (!strcmp(c->el[i].backstore, name))
			return true;
	return !lio_block_find(c->lio, name, &bs);
}

/*
 * The kernel's name of element @i's replica: SOURCE.cN (at most
 * CIMREPL_NAME_MAX - 1 characters of the kernel's alphabet).
 */
static void pick_kernel_name(struct replicate_ctx *c, size_t i)
{
	struct element *e = &c->el[i];
	unsigned int n;

	for (n = 1;; n++) {
		snprintf(e->kernel_name, sizeof(e->kernel_name), "%.14s.%c%u",
			 e->source.kv.name, sync_letter(c->req->sync_type), n);
		if (!kernel_name_taken(c, e->kernel_name, i))
			return;
	}
}

/*
 * The replica's backstore (its DeviceID): the ElementName made safe for
 * configfs and unique, else the kernel name.
 */
static void pick_backstore(struct replicate_ctx *c, size_t i)
{
	struct element *e = &c->el[i];
	const char *name = c->req->names[i];
	char base[64];
	unsigned int n;
	size_t j;

	if (!name || !*name)
		name = e->kernel_name;
	snprintf(base, sizeof(base), "%s", name);
	for (j = 0; base[j]; j++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.:-", base[j]))
			base[j] = '_';
	if (base[0] == '.' || base[0] == '-')
		base[0] = '_';
	snprintf(e->backstore, sizeof(e->backstore), "%s", base);
	for (n = 2; backstore_taken(c, e->backstore, i); n++)
		snprintf(e->backstore, sizeof(e->backstore), "%.56s.%u", base, n);
}

/* Step 1: everything that can be checked before anything changes. */
static bool check(struct replicate_ctx *c)
{
	const struct replicate_request *req = c->req;
	struct replicate_result *res = c->res;
	bool clone = req->sync_type == CIMREPL_SYNC_TYPE_CLONE;
	bool mirror = req->sync_type == CIMREPL_SYNC_TYPE_MIRROR;
	unsigned int i;
	size_t a, b;
	int ret;

	for (i = 0; i < c->d->caps.n_sync_types; i++)
		if (c->d->caps.sync_types[i] == req->sync_type)
			break;
	if (i == c->d->caps.n_sync_types) {
		fail(res, CIMREPL_RC_NOT_SUPPORTED,
		     "SyncType %u: the kernel module has no engine for it",
		     req->sync_type);
		return false;
	}
	if (mirror && req->mode >= 0 && req->mode != CIMREPL_MODE_SYNCHRONOUS &&
	    req->mode != CIMREPL_MODE_ASYNCHRONOUS) {
		fail(res, CIMREPL_RC_NOT_SUPPORTED,
		     "Mode %d: mirrors are synchronous (Mode 2) or asynchronous (Mode 3), not adaptive",
		     req->mode);
		return false;
	}
	if (!mirror && req->mode >= 0 && req->mode != CIMREPL_MODE_SYNCHRONOUS) {
		fail(res, CIMREPL_RC_NOT_SUPPORTED,
		     "Mode %d: snapshots and clones are established synchronously (Mode 2)",
		     req->mode);
		return false;
	}
	if (req->wait_state >= 0 &&
	    req->wait_state != CIMREPL_COPY_STATE_SYNCHRONIZED &&
	    !((clone || mirror) &&
	      req->wait_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED)) {
		fail(res, CIMREPL_RC_NOT_SUPPORTED,
		     "WaitForCopyState %d: a %s never waits in that CopyState",
		     req->wait_state,
		     clone ? "clone" : mirror ? "mirror" : "snapshot");
		return false;
	}
	if (req->targets[0] && !clone && !mirror) {
		fail(res, CIMREPL_RC_NOT_SUPPORTED,
		     "TargetElements: snapshots take their space from a pool, not from given volumes");
		return false;
	}

	ret = req->pool ? store_pool_get(c->d->store, req->pool, &c->pool) :
	      pools_default(c->d, &c->pool, res->description,
			    sizeof(res->description));
	if (ret == -ENOENT) {
		fail(res, CIMREPL_RC_INVALID_PARAMETER,
		     "TargetPool: no pool %s", req->pool);
		return false;
	}
	if (ret) {
		fail(res, CIMREPL_RC_FAILED, "cannot read the pools: %s",
		     store_error(c->d->store));
		return false;
	}

	for (a = 0; a < req->n; a++) {
		struct element *e = &c->el[a];

		e->loop.fd = -1;
		ret = catalog_find(c->d, c->lio, req->sources[a], &e->source);
		if (ret) {
			fail(res, CIMREPL_RC_INVALID_PARAMETER,
			     "SourceElements[%zu]: no storage volume %s",
			     a, req->sources[a]);
			return false;
		}
		if (!e->source.managed ||
		    e->source.kv.role != CIMREPL_ROLE_VOLUME) {
			fail(res, CIMREPL_RC_INVALID_PARAMETER,
			     "SourceElements[%zu]: %s is not on a cimrepl volume (%s): make its device one first",
			     a, req->sources[a], e->source.bs.dev);
			return false;
		}
		for (b = 0; b < a; b++)
			if (!strcmp(req->sources[a], req->sources[b])) {
				fail(res, CIMREPL_RC_INVALID_PARAMETER,
				     "SourceElements[%zu]: %s is listed twice",
				     a, req->sources[a]);
				return false;
			}
		if (!req->targets[a])
			continue;
		ret = catalog_find(c->d, c->lio, req->targets[a], &e->target);
		if (ret) {
			fail(res, CIMREPL_RC_INVALID_PARAMETER,
			     "TargetElements[%zu]: no storage volume %s",
			     a, req->targets[a]);
			return false;
		}
		e->target_given = true;
		if (e->target.managed) {
			fail(res, CIMREPL_RC_INVALID_PARAMETER,
			     "TargetElements[%zu]: %s is a cimrepl volume or replica, not a free device",
			     a, req->targets[a]);
			return false;
		}
		if (e->target.n_luns) {
			fail(res, CIMREPL_RC_IN_USE,
			     "TargetElements[%zu]: %s is exported as a LUN",
			     a, req->targets[a]);
			return false;
		}
		if (e->target.size < e->source.size) {
			fail(res, CIMREPL_RC_INVALID_PARAMETER,
			     "TargetElements[%zu]: %s (%llu bytes) is smaller than its source (%llu bytes)",
			     a, req->targets[a],
			     (unsigned long long)e->target.size,
			     (unsigned long long)e->source.size);
			return false;
		}
		for (b = 0; b < a; b++)
			if (req->targets[b] && !strcmp(req->targets[a], req->targets[b])) {
				fail(res, CIMREPL_RC_INVALID_PARAMETER,
				     "TargetElements[%zu]: %s is listed twice",
				     a, req->targets[a]);
				return false;
			}
	}
	/* the kernel keeps all images of a source in one pool */
	snprintf(c->kernel_pool, sizeof(c->kernel_pool), "%s", c->pool.name);
	for (a = 0; a < req->n; a++) {
		const char *own = c->el[a].source.kv.pool;

		if (!own[0])
			continue;
		for (b = 0; b < a; b++)
			if (c->el[b].source.kv.pool[0] &&
			    strcmp(c->el[b].source.kv.pool, own)) {
				fail(res, CIMREPL_RC_INVALID_PARAMETER,
				     "SourceElements: %s and %s keep their points in time in different pools (%s, %s)",
				     req->sources[b], req->sources[a],
				     c->el[b].source.kv.pool, own);
				return false;
			}
		snprintf(c->kernel_pool, sizeof(c->kernel_pool), "%s", own);
	}
	for (a = 0; a < req->n; a++) {
		pick_kernel_name(c, a);
		if (c->el[a].target_given) {
			/* the target keeps its identity: name and NAA */
			snprintf(c->el[a].backstore, sizeof(c->el[a].backstore),
				 "%s", c->el[a].target.bs.name);
			c->el[a].serial = c->el[a].target.bs.serial;
		} else {
			pick_backstore(c, a);
		}
	}
	return true;
}

/* Undo whatever was done, last step first. */
static void undo(struct replicate_ctx *c)
{
	struct lio_block_opts opts = { .readonly = 0 };
	size_t i;

	for (i = c->req->n; i-- > 0;) {
		struct element *e = &c->el[i];

		if (e->lun_made)
			lio_lun_unexport(c->lio, c->d->export_tpg, e->lun);
		if (e->backstore_made)
			lio_block_delete(c->lio, e->backstore);
		if (e->kernel_made)
			kernel_replica_delete(c->d->kernel, e->kernel_name);
		if (e->loop_made)
			pools_loop_discard(c->d, &e->loop);
		if (e->target_freed) {
			opts.serial = e->target.bs.serial;
			opts.readonly = e->target.bs.readonly;
			if (lio_block_create(c->lio, e->target.bs.name,
					     e->target.bs.dev, &opts, NULL))
				fprintf(stderr,
					"cimrepld: cannot give back backstore %s: %s\n",
					e->target.bs.name, lio_error(c->lio));
		}
	}
}

/* Step 2: the targets of clones and mirrors. */
static bool make_targets(struct replicate_ctx *c)
{
	struct replicate_result *res = c->res;
	size_t i;
	int ret;

	if (c->req->sync_type != CIMREPL_SYNC_TYPE_CLONE &&
	    c->req->sync_type != CIMREPL_SYNC_TYPE_MIRROR)
		return true;
	for (i = 0; i < c->req->n; i++) {
		struct element *e = &c->el[i];

		if (e->target_given) {
			/* LIO lets go of the device; the replica will hold it */
			ret = lio_block_delete(c->lio, e->target.bs.name);
			if (ret) {
				fail(res, replargs_rc_of_errno(ret),
				     "TargetElements[%zu]: %s", i, lio_error(c->lio));
				return false;
			}
			e->target_freed = true;
			continue;
		}
		ret = pools_new_target(c->d, &c->pool, e->kernel_name,
				       e->source.size, &e->loop, res->description,
				       sizeof(res->description));
		if (ret) {
			res->rc = CIMREPL_RC_FAILED;
			return false;
		}
		e->loop_made = true;
	}
	return true;
}

/* Step 3: the kernel makes the whole list at one point in time. */
static bool make_replicas(struct replicate_ctx *c)
{
	struct kernel_replica_element kel[REPLICATE_MAX];
	struct replicate_result *res = c->res;
	size_t i;
	int ret, bad;

	for (i = 0; i < c->req->n; i++) {
		struct element *e = &c->el[i];

		kel[i] = (struct kernel_replica_element) {
			.source = e->source.kv.name,
			.target_name = e->kernel_name,
			.pool = c->kernel_pool,
		};
		if (e->target_given)
			kel[i].target_path = e->target.bs.dev;
		else if (e->loop_made)
			kel[i].target_path = e->loop.dev;
	}
	ret = kernel_replica_create_list(c->d->kernel, c->req->sync_type,
					 c->req->mode, c->req->throttle, kel,
					 c->req->n, NULL, NULL);
	if (ret) {
		bad = kernel_error_element(c->d->kernel);
		if (bad >= 0)
			fail(res, replargs_rc_of_errno(ret),
			     "element %d (%s): %s", bad, c->req->sources[bad],
			     kernel_error(c->d->kernel));
		else
			fail(res, replargs_rc_of_errno(ret),
			     "the kernel refused: %s", kernel_error(c->d->kernel));
		return false;
	}
	for (i = 0; i < c->req->n; i++) {
		c->el[i].kernel_made = true;
		/* the kernel holds the loop devices now */
		pools_loop_release(&c->el[i].loop);
	}
	return true;
}

/* Step 4: a LIO backstore on each new device (and a LUN, if asked). */
static bool make_backstores(struct replicate_ctx *c)
{
	char dev[sizeof(CATALOG_DEV_PREFIX) + CIMREPL_NAME_MAX];
	struct lio_block_opts opts = { .readonly = 0 };
	struct lio_lun lun;
	size_t i;
	int ret;

	for (i = 0; i < c->req->n; i++) {
		struct element *e = &c->el[i];

		snprintf(dev, sizeof(dev), CATALOG_DEV_PREFIX "%s",
			 e->kernel_name);
		opts.serial = e->serial && e->serial[0] ? e->serial : NULL;
		ret = lio_block_create(c->lio, e->backstore, dev, &opts, NULL);
		if (ret) {
			fail(c->res, CIMREPL_RC_FAILED,
			     "cannot make the LIO backstore of %s: %s",
			     e->kernel_name, lio_error(c->lio));
			return false;
		}
		e->backstore_made = true;
		if (!c->d->export_tpg[0])
			continue;
		/* the daemon exports every replica it makes (--export-tpg) */
		ret = lio_lun_export(c->lio, c->d->export_tpg, e->backstore, -1,
				     &lun);
		if (ret) {
			fail(c->res, CIMREPL_RC_FAILED,
			     "cannot export %s on %s: %s", e->backstore,
			     c->d->export_tpg, lio_error(c->lio));
			return false;
		}
		e->lun_made = true;
		e->lun = lun.index;
	}
	return true;
}

/*
 * Whether @s is where a wait for @wait_state ends: in that CopyState (or,
 * for a wait for Unsynchronized, the copy under way, already past it), and
 * not in the middle of an operation (a restore).
 */
static bool reached(const struct kernel_sync *s, int wait_state)
{
	return (s->copy_state == wait_state ||
		(wait_state == CIMREPL_COPY_STATE_UNSYNCHRONIZED &&
		 s->copy_state == CIMREPL_COPY_STATE_SYNCHRONIZED)) &&
	       !syncop_in_progress(s->progress_status);
}

/* Step 5: the replicas and their job, in one transaction. */
static bool record(struct replicate_ctx *c, bool need_job)
{
	const char *targets[REPLICATE_MAX];
	struct replicate_result *res = c->res;
	struct store *st = c->d->store;
	int64_t now = daemon_now_ns();
	struct store_job job = {
		.state = CIMREPL_JOB_RUNNING,
		.wait_state = c->req->wait_state >= 0 ? c->req->wait_state :
			      CIMREPL_COPY_STATE_SYNCHRONIZED,
		.created_ns = now,
	};
	size_t i;

	if (store_begin(st))
		goto fail;
	if (need_job) {
		snprintf(job.method, sizeof(job.method), "%s", c->req->method);
		for (i = 0; i < c->req->n; i++)
			targets[i] = c->el[i].kernel_name;
		if (store_job_create(st, &job, targets, c->req->n))
			goto rollback;
		res->job_id = job.id;
	}
	for (i = 0; i < c->req->n; i++) {
		struct element *e = &c->el[i];
		struct store_replica r = {
			.sync_type = c->req->sync_type,
			.mode = c->req->mode >= 0 ? (uint16_t)c->req->mode :
				CIMREPL_MODE_SYNCHRONOUS,
			.created_ns = now,
			.job_id = res->job_id,
		};

		snprintf(r.target, sizeof(r.target), "%s", e->kernel_name);
		snprintf(r.source, sizeof(r.source), "%s", e->source.kv.name);
		snprintf(r.target_backstore, sizeof(r.target_backstore), "%s",
			 e->backstore);
		snprintf(r.source_backstore, sizeof(r.source_backstore), "%s",
			 e->source.bs.name);
		snprintf(r.element_name, sizeof(r.element_name), "%s",
			 c->req->names[i] ? c->req->names[i] : e->backstore);
		snprintf(r.pool, sizeof(r.pool), "%s", c->pool.name);
		if (e->loop_made)
			snprintf(r.target_file, sizeof(r.target_file), "%s",
				 e->loop.file);
		if (store_replica_put(st, &r) ||
		    (e->loop_made && pools_target_commit(c->d, &e->loop)))
			goto rollback;
	}
	if (!store_commit(st))
		return true;
rollback:
	store_rollback(st);
fail:
	res->job_id = 0;
	fail(res, CIMREPL_RC_FAILED, "cannot record the replicas: %s",
	     store_error(st));
	return false;
}

void replicate_create_list(struct daemon *d, struct lio *lio,
			   const struct replicate_request *req,
			   struct replicate_result *res)
{
	struct replicate_ctx *c = calloc(1, sizeof(*c));
	struct kernel_sync s;
	bool need_job = false;
	int wait_state;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (!c) {
		fail(res, CIMREPL_RC_FAILED, "out of memory");
		return;
	}
	c->d = d;
	c->lio = lio;
	c->req = req;
	c->res = res;
	if (!req->n || req->n > REPLICATE_MAX) {
		fail(res, CIMREPL_RC_INVALID_PARAMETER,
		     "SourceElements: 1 to %d volumes", REPLICATE_MAX);
		goto out;
	}
	if (!check(c))
		goto out;
	if (pools_bring_up(d, &c->pool, res->description,
			   sizeof(res->description))) {
		res->rc = CIMREPL_RC_FAILED;
		goto out;
	}
	if (!make_targets(c) || !make_replicas(c) || !make_backstores(c))
		goto undo;

	/* a job while some synchronization is not yet where it is wanted */
	wait_state = req->wait_state >= 0 ? req->wait_state :
		     CIMREPL_COPY_STATE_SYNCHRONIZED;
	for (i = 0; i < req->n; i++)
		if (kernel_sync_get(d->kernel, c->el[i].kernel_name, &s) ||
		    !reached(&s, wait_state))
			need_job = true;
	if (!record(c, need_job))
		goto undo;

	res->n = req->n;
	for (i = 0; i < req->n; i++) {
		snprintf(res->targets[i], sizeof(res->targets[i]), "%s",
			 c->el[i].backstore);
		snprintf(res->sources[i], sizeof(res->sources[i]), "%s",
			 c->el[i].source.bs.name);
	}
	res->rc = need_job ? CIMREPL_RC_JOB_STARTED : CIMREPL_RC_COMPLETED;
	goto out;

undo:
	undo(c);
out:
	free(c);
}

struct job_progress {
	struct daemon *d;
	int wait_state;
	unsigned int n, done;
	unsigned int percent_sum;
	bool failed;
	char why[STORE_TEXT_MAX];
};

static void job_target(const char *target, void *arg)
{
	struct job_progress *p = arg;
	struct kernel_sync s;

	p->n++;
	if (kernel_sync_get(p->d->kernel, target, &s)) {
		p->failed = true;
		snprintf(p->why, sizeof(p->why),
			 "the synchronization of %s is gone", target);
		return;
	}
	if (reached(&s, p->wait_state)) {
		p->done++;
		p->percent_sum += 100;
		return;
	}
	if (s.copy_state == CIMREPL_COPY_STATE_BROKEN ||
	    s.copy_state == CIMREPL_COPY_STATE_ABORTED) {
		p->failed = true;
		snprintf(p->why, sizeof(p->why), "%s: CopyState %s%s%s", target,
			 s.copy_state == CIMREPL_COPY_STATE_BROKEN ? "Broken" :
			 "Aborted", s.error ? ": " : "",
			 s.error ? strerror((int)s.error) : "");
		return;
	}
	if (s.chunks_total)
		p->percent_sum += (unsigned int)(s.chunks_done * 100 /
						 s.chunks_total);
}

int replicate_job_refresh(struct daemon *d, int64_t id, struct store_job *job)
{
	struct job_progress p = { .d = d };
	struct store_job before;
	int ret;

	ret = store_job_get(d->store, id, job);
	if (ret)
		return ret;
	if (job->state != CIMREPL_JOB_RUNNING)
		return job->state;
	before = *job;
	p.wait_state = job->wait_state;
	ret = store_job_targets(d->store, id, job_target, &p);
	if (ret)
		return ret;
	if (p.failed) {
		job->state = CIMREPL_JOB_EXCEPTION;
		job->error_code = CIMREPL_RC_FAILED;
		snprintf(job->error_description, sizeof(job->error_description),
			 "%s", p.why);
		job->finished_ns = daemon_now_ns();
	} else if (p.done == p.n) {
		job->state = CIMREPL_JOB_COMPLETED;
		job->percent = 100;
		job->finished_ns = daemon_now_ns();
	} else {
		job->percent = p.n ? p.percent_sum / p.n : 0;
		if (job->percent > 99)
			job->percent = 99;
	}
	if (memcmp(&before, job, sizeof(before))) {
		if (store_job_update(d->store, job))
			return -EIO;
		indications_job_changed(d, &before, job);
	}
	return job->state;
}

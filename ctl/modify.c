// SPDX-License-Identifier: GPL-2.0
/*
 * ModifyListSynchronization's work (modify.h).
 *
 * Order, so that a refusal changes nothing: check everything the daemon
 * can (every synchronization exists and is the one named, the module
 * implements the operation, LUNs the operation would take away need
 * Force), release the LIO backstores of targets the operation deletes,
 * ask the kernel for the whole list (it checks every element's state
 * before it changes any, and refuses the list with a message naming the
 * state), then forget what ended in the store. When the kernel refuses,
 * the backstores and LUNs come back as they were.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/cimrepl.h>

#include "catalog.h"
#include "cimvalues.h"
#include "modify.h"
#include "pools.h"
#include "syncops.h"

/* One synchronization of the list and what was done for it. */
struct modify_element {
	struct volume_entry source;
	struct volume_entry target;
	struct kernel_sync sync;
	struct lio_lun *luns;		/* the target's LUNs */
	size_t n_luns;
	size_t luns_removed;		/* the first luns_removed are gone */
	bool backstore_removed;
};

struct modify_ctx {
	struct daemon *d;
	struct lio *lio;
	const struct modify_request *req;
	struct modify_result *res;
	enum syncop_effect effect;
	struct modify_element el[REPLICATE_MAX];
};

static void fail(struct modify_result *res, uint32_t rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct modify_result *res, uint32_t rc, const char *fmt, ...)
{
	va_list ap;

	res->rc = rc;
	va_start(ap, fmt);
	vsnprintf(res->description, sizeof(res->description), fmt, ap);
	va_end(ap);
}

/* The CIM return code for a kernel errno. */
static uint32_t rc_of_errno(int err)
{
	switch (-err) {
	case EINVAL:
	case ENOENT:
	case ERANGE:
		return CIMREPL_RC_INVALID_PARAMETER;
	case EBUSY:
		return CIMREPL_RC_IN_USE;
	case EOPNOTSUPP:
		return CIMREPL_RC_NOT_SUPPORTED;
	default:
		return CIMREPL_RC_FAILED;
	}
}

static const char *op_name(int op)
{
	const char *name = cim_value_name(&cim_operation_map, op);

	return name ? name : "?";
}

static const char *sync_type_name(int sync_type)
{
	const char *name = cim_value_name(&cim_sync_type_map, sync_type);

	return name ? name : "?";
}

static const char *progress_name(int status)
{
	const char *name = cim_value_name(&cim_progress_status_map, status);

	return name ? name : "?";
}

/* Step 1: what can be checked before anything changes. */
static bool check(struct modify_ctx *c)
{
	const struct modify_request *req = c->req;
	struct modify_result *res = c->res;
	struct daemon *d = c->d;
	size_t i, j;

	if (!syncop_listed(d->caps.operations, d->caps.n_operations,
			   req->operation)) {
		fail(res, CIMREPL_RC_NOT_SUPPORTED,
		     "Operation %d (%s): no engine of the kernel module implements it",
		     req->operation, op_name(req->operation));
		return false;
	}
	if (req->wait_state >= 0 &&
	    !syncop_wait_ok(req->operation, req->wait_state)) {
		fail(res, CIMREPL_RC_NOT_SUPPORTED,
		     "WaitForCopyState %d: Operation %d (%s) never waits in that CopyState",
		     req->wait_state, req->operation, op_name(req->operation));
		return false;
	}
	for (i = 0; i < req->n; i++) {
		struct modify_element *e = &c->el[i];

		if (catalog_find(d, c->lio, req->targets[i], &e->target) ||
		    !e->target.managed ||
		    kernel_sync_get(d->kernel, e->target.kv.name, &e->sync) ||
		    catalog_find(d, c->lio, req->sources[i], &e->source) ||
		    !e->source.managed ||
		    strcmp(e->source.kv.name, e->sync.source)) {
			fail(res, CIMREPL_RC_INVALID_PARAMETER,
			     "%s[%zu]: no synchronization of %s onto %s",
			     req->param, i, req->sources[i], req->targets[i]);
			return false;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(req->targets[i], req->targets[j])) {
				fail(res, CIMREPL_RC_INVALID_PARAMETER,
				     "%s[%zu]: the synchronization onto %s is listed twice",
				     req->param, i, req->targets[i]);
				return false;
			}
	}
	if (c->effect != SYNCOP_DELETES)
		return true;

	/* what is deleted must be free of LIO, and its LUNs go with it */
	for (i = 0; i < req->n; i++) {
		struct modify_element *e = &c->el[i];

		if (e->sync.sync_type != CIMREPL_SYNC_TYPE_SNAPSHOT) {
			fail(res, CIMREPL_RC_NOT_SUPPORTED,
			     "%s[%zu] (%s): Return To ResourcePool deletes snapshots (SyncType 7), not a %s: end it with Detach (8)",
			     req->param, i, req->targets[i],
			     sync_type_name(e->sync.sync_type));
			return false;
		}
		if (syncop_in_progress(e->sync.progress_status)) {
			fail(res, CIMREPL_RC_IN_USE,
			     "%s[%zu] (%s): ProgressStatus %d (%s): the snapshot is being restored onto its source",
			     req->param, i, req->targets[i],
			     e->sync.progress_status,
			     progress_name(e->sync.progress_status));
			return false;
		}
		if (lio_lun_list(c->lio, e->target.bs.name, &e->luns,
				 &e->n_luns)) {
			fail(res, CIMREPL_RC_FAILED, "%s[%zu] (%s): %s",
			     req->param, i, req->targets[i], lio_error(c->lio));
			return false;
		}
		for (j = 0; j < e->n_luns && !req->force; j++)
			if (strcmp(e->luns[j].tpg, d->export_tpg)) {
				fail(res, CIMREPL_RC_IN_USE,
				     "%s[%zu] (%s): exported as LUN %u of %s: a host may be using it (Force deletes it with its LUNs)",
				     req->param, i, req->targets[i],
				     e->luns[j].index, e->luns[j].tpg);
				return false;
			}
	}
	return true;
}

/* Put back what release() took, last first. */
static void undo(struct modify_ctx *c)
{
	struct lio_block_opts opts = { .readonly = 0 };
	size_t i, j;

	for (i = c->req->n; i-- > 0;) {
		struct modify_element *e = &c->el[i];

		if (e->backstore_removed) {
			opts.serial = e->target.bs.serial[0] ?
				      e->target.bs.serial : NULL;
			opts.readonly = e->target.bs.readonly;
			if (lio_block_create(c->lio, e->target.bs.name,
					     e->target.bs.dev, &opts, NULL))
				fprintf(stderr,
					"cimrepld: cannot give back backstore %s: %s\n",
					e->target.bs.name, lio_error(c->lio));
			e->backstore_removed = false;
		}
		for (j = e->luns_removed; j-- > 0;)
			if (lio_lun_export(c->lio, e->luns[j].tpg,
					   e->target.bs.name,
					   (int)e->luns[j].index, NULL))
				fprintf(stderr,
					"cimrepld: cannot give back LUN %u of %s: %s\n",
					e->luns[j].index, e->luns[j].tpg,
					lio_error(c->lio));
		e->luns_removed = 0;
	}
}

/* Step 2: LIO lets go of the targets the operation deletes. */
static bool release(struct modify_ctx *c)
{
	size_t i;
	int ret;

	if (c->effect != SYNCOP_DELETES)
		return true;
	for (i = 0; i < c->req->n; i++) {
		struct modify_element *e = &c->el[i];

		for (; e->luns_removed < e->n_luns; e->luns_removed++) {
			ret = lio_lun_unexport(c->lio,
					       e->luns[e->luns_removed].tpg,
					       e->luns[e->luns_removed].index);
			if (ret)
				goto fail;
		}
		ret = lio_block_delete(c->lio, e->target.bs.name);
		if (ret)
			goto fail;
		e->backstore_removed = true;
	}
	return true;
fail:
	fail(c->res, rc_of_errno(ret), "%s[%zu] (%s): %s", c->req->param, i,
	     c->req->targets[i], lio_error(c->lio));
	return false;
}

/* Step 3: the kernel applies the operation to the whole list, or to none. */
static bool apply(struct modify_ctx *c)
{
	const char *names[REPLICATE_MAX];
	size_t i;
	int ret, bad;

	for (i = 0; i < c->req->n; i++)
		names[i] = c->el[i].target.kv.name;
	ret = kernel_sync_modify_list(c->d->kernel, (uint16_t)c->req->operation,
				      names, (unsigned int)c->req->n,
				      c->req->force);
	if (!ret)
		return true;
	bad = kernel_error_element(c->d->kernel);
	if (bad >= 0 && (size_t)bad < c->req->n)
		fail(c->res, rc_of_errno(ret), "%s[%d] (%s onto %s): %s",
		     c->req->param, bad, c->req->sources[bad],
		     c->req->targets[bad], kernel_error(c->d->kernel));
	else
		fail(c->res, rc_of_errno(ret), "%s %d (%s): the kernel refused: %s",
		     "Operation", c->req->operation, op_name(c->req->operation),
		     kernel_error(c->d->kernel));
	return false;
}

/*
 * Step 4: the synchronizations that ended leave the store; a deleted
 * snapshot's target file (if it had one) goes back to its pool. A
 * detached clone's target file stays: it is the volume's data now.
 */
static void forget(struct modify_ctx *c)
{
	struct store *st = c->d->store;
	struct store_replica r;
	size_t i;

	if (c->effect == SYNCOP_KEEPS)
		return;
	if (store_begin(st))
		goto fail;
	for (i = 0; i < c->req->n; i++) {
		const char *name = c->el[i].target.kv.name;

		if (store_replica_get(st, name, &r))
			continue;	/* not made by the daemon */
		if (store_replica_delete(st, name))
			goto rollback;
		/* a pool's target outlives its synchronization: kept in mind */
		if (c->effect == SYNCOP_DETACHES && r.pool[0] &&
		    store_detached_put(st, &r))
			goto rollback;
		if (c->effect == SYNCOP_DELETES)
			pools_free_target(c->d, &r);
	}
	if (!store_commit(st))
		return;
rollback:
	store_rollback(st);
fail:
	/* the kernel has done it: the next start forgets them (reconcile) */
	fprintf(stderr, "cimrepld: cannot forget the ended synchronizations: %s\n",
		store_error(st));
}

/* Step 5: done now, or a job until every element reaches its state. */
static void follow(struct modify_ctx *c)
{
	const struct modify_request *req = c->req;
	struct modify_result *res = c->res;
	const char *names[REPLICATE_MAX];
	struct store_job job = {
		.state = CIMREPL_JOB_RUNNING,
		.created_ns = daemon_now_ns(),
	};
	struct kernel_sync s;
	bool need_job = false;
	size_t i;

	job.wait_state = req->wait_state >= 0 ? req->wait_state :
			 syncop_result_state(req->operation);
	res->rc = CIMREPL_RC_COMPLETED;
	if (c->effect != SYNCOP_KEEPS || job.wait_state < 0)
		return;
	for (i = 0; i < req->n; i++) {
		names[i] = c->el[i].target.kv.name;
		if (kernel_sync_get(c->d->kernel, names[i], &s) ||
		    s.copy_state != job.wait_state ||
		    syncop_in_progress(s.progress_status))
			need_job = true;
	}
	if (!need_job)
		return;
	snprintf(job.method, sizeof(job.method), "%s", req->method);
	if (store_job_create(c->d->store, &job, names, req->n)) {
		/* the operation runs; only its job could not be recorded */
		fail(res, CIMREPL_RC_FAILED,
		     "the operation started, but its job cannot be recorded: %s",
		     store_error(c->d->store));
		return;
	}
	res->job_id = job.id;
	res->rc = CIMREPL_RC_JOB_STARTED;
}

void modify_list(struct daemon *d, struct lio *lio,
		 const struct modify_request *req, struct modify_result *res)
{
	struct modify_ctx *c = calloc(1, sizeof(*c));
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
	c->effect = syncop_effect_of(req->operation);
	if (!req->n || req->n > REPLICATE_MAX) {
		fail(res, CIMREPL_RC_INVALID_PARAMETER,
		     "%s: 1 to %d synchronizations", req->param, REPLICATE_MAX);
		goto out;
	}
	if (!check(c))
		goto out;
	if (!release(c) || !apply(c)) {
		undo(c);
		goto out;
	}
	forget(c);
	follow(c);
out:
	for (i = 0; i < REPLICATE_MAX; i++)
		free(c->el[i].luns);
	free(c);
}

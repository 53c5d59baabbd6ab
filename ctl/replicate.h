/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CreateListReplica's work, after the CIM layer has decoded and checked
 * the shape of its parameters: resolve the volumes, find or make the
 * targets, ask the kernel for the replicas at one point in time, put LIO
 * backstores on them, record them and their job. All or nothing: on any
 * failure the kernel, LIO, the pool and the store are as before.
 */
#ifndef CIMREPL_REPLICATE_H
#define CIMREPL_REPLICATE_H

#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "lio.h"
#include "store.h"

#define REPLICATE_MAX	64	/* elements in one list */

struct replicate_request {
	uint16_t sync_type;		/* CIMREPL_SYNC_TYPE_* */
	int mode;			/* CIMREPL_MODE_*, -1: NULL */
	size_t n;			/* elements */
	const char *sources[REPLICATE_MAX];	/* source DeviceIDs */
	const char *targets[REPLICATE_MAX];	/* target DeviceIDs, or all NULL */
	const char *names[REPLICATE_MAX];	/* ElementNames, NULL past the end */
	const char *pool;		/* TargetPool's pool name, NULL: default */
	int wait_state;			/* WaitForCopyState, -1: NULL */
	int64_t throttle;		/* KiB/s for clones, -1: the module's */
	const char *method;		/* for the job: "CreateListReplica"... */
};

struct replicate_result {
	uint32_t rc;			/* CIMREPL_RC_* */
	char description[512];		/* why, when rc is not 0 or 4096 */
	int64_t job_id;			/* the job, 0 when none */
	size_t n;
	char targets[REPLICATE_MAX][LIO_NAME_MAX];	/* new volumes' DeviceIDs */
	char sources[REPLICATE_MAX][LIO_NAME_MAX];
};

/*
 * Create the replicas; caller holds d->lock. With a WaitForCopyState that
 * is not reached at once, the result has a job and rc 4096: the caller
 * waits for the job (replicate_wait()) without the lock, then answers.
 */
void replicate_create_list(struct daemon *d, struct lio *lio,
			   const struct replicate_request *req,
			   struct replicate_result *res);

/*
 * Bring job @id up to date with the kernel's synchronizations: progress,
 * completion when all reach its CopyState, Exception when one breaks.
 * Caller holds d->lock. Returns the job's state, or -errno.
 */
int replicate_job_refresh(struct daemon *d, int64_t id, struct store_job *job);

#endif /* CIMREPL_REPLICATE_H */

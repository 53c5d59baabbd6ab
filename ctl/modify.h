/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ModifyListSynchronization's work, after the CIM layer has decoded its
 * parameters and found the synchronizations they name: check every
 * element, release what the operation takes away (the LIO backstores and
 * LUNs of snapshots returned to the pool), ask the kernel to apply the
 * operation to the whole list at once, then bring LIO, the pools and the
 * store in line, or start a job while the operation runs (a restore). All
 * or nothing: when the kernel refuses, LIO and the store are as before.
 */
#ifndef CIMREPL_MODIFY_H
#define CIMREPL_MODIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "lio.h"
#include "replicate.h"

struct modify_request {
	int operation;			/* CIMREPL_OP_*, checked standard */
	bool force;			/* Force */
	int wait_state;			/* WaitForCopyState, -1: NULL */
	const char *param;		/* "Synchronization", for messages */
	const char *method;		/* for the job */
	size_t n;
	/* each synchronization: its SystemElement's and SyncedElement's DeviceIDs */
	const char *sources[REPLICATE_MAX];
	const char *targets[REPLICATE_MAX];
};

struct modify_result {
	uint32_t rc;			/* CIMREPL_RC_* */
	char description[512];		/* why, when rc is not 0 or 4096 */
	int64_t job_id;			/* with rc 4096 */
};

/* Apply the operation; caller holds d->lock. */
void modify_list(struct daemon *d, struct lio *lio,
		 const struct modify_request *req, struct modify_result *res);

#endif /* CIMREPL_MODIFY_H */

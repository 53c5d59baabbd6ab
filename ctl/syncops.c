// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of the Modify*Synchronization and GetReplicationRelationships
 * methods that need nothing but the standard's value maps (syncops.h).
 */
#include <stdio.h>

#include <linux/cimrepl.h>

#include "syncops.h"

bool syncop_is_standard(int op, bool list_form)
{
	if (op < CIMREPL_OP_ABORT || op > CIMREPL_OP_RESET_TO_ADAPTIVE ||
	    op == CIMREPL_OP_PREPARE - 1)
		return false;
	if (!list_form)
		return true;
	return op != CIMREPL_OP_ACTIVATE_CONSISTENCY &&
	       op != CIMREPL_OP_ADD_SYNC_PAIR &&
	       op != CIMREPL_OP_DEACTIVATE_CONSISTENCY &&
	       op != CIMREPL_OP_REMOVE_SYNC_PAIR;
}

enum syncop_effect syncop_effect_of(int op)
{
	switch (op) {
	case CIMREPL_OP_DETACH:
	case CIMREPL_OP_DISSOLVE:
		return SYNCOP_DETACHES;
	case CIMREPL_OP_RETURN_TO_RESOURCE_POOL:
		return SYNCOP_DELETES;
	default:
		return SYNCOP_KEEPS;
	}
}

int syncop_result_state(int op)
{
	switch (op) {
	case CIMREPL_OP_ABORT:
		return CIMREPL_COPY_STATE_ABORTED;
	case CIMREPL_OP_ACTIVATE:
	case CIMREPL_OP_RESYNC_REPLICA:
	case CIMREPL_OP_RESTORE_FROM_REPLICA:
	case CIMREPL_OP_RESUME:
	case CIMREPL_OP_FAILBACK:
		return CIMREPL_COPY_STATE_SYNCHRONIZED;
	case CIMREPL_OP_DEACTIVATE:
		return CIMREPL_COPY_STATE_INACTIVE;
	case CIMREPL_OP_FAILOVER:
		return CIMREPL_COPY_STATE_FAILEDOVER;
	case CIMREPL_OP_FRACTURE:
		return CIMREPL_COPY_STATE_FRACTURED;
	case CIMREPL_OP_SPLIT:
		return CIMREPL_COPY_STATE_SPLIT;
	case CIMREPL_OP_SUSPEND:
		return CIMREPL_COPY_STATE_SUSPENDED;
	case CIMREPL_OP_PREPARE:
		return CIMREPL_COPY_STATE_PREPARED;
	default:
		return -1;
	}
}

bool syncop_wait_ok(int op, int wait)
{
	int result = syncop_result_state(op);

	if (result < 0)
		return false;
	if (wait == result)
		return true;
	return wait == CIMREPL_COPY_STATE_UNSYNCHRONIZED &&
	       (op == CIMREPL_OP_RESYNC_REPLICA || op == CIMREPL_OP_RESUME);
}

bool syncop_in_progress(int progress_status)
{
	switch (progress_status) {
	case CIMREPL_PROGRESS_INITIALIZING:
	case CIMREPL_PROGRESS_PREPARING:
	case CIMREPL_PROGRESS_RESYNCING:
	case CIMREPL_PROGRESS_RESTORING:
	case CIMREPL_PROGRESS_FRACTURING:
	case CIMREPL_PROGRESS_SPLITTING:
	case CIMREPL_PROGRESS_FAILING_OVER:
	case CIMREPL_PROGRESS_FAILING_BACK:
	case CIMREPL_PROGRESS_ABORTING:
	case CIMREPL_PROGRESS_SUSPENDING:
	case CIMREPL_PROGRESS_DETACHING:
	case CIMREPL_PROGRESS_TERMINATING:
		return true;
	default:
		return false;
	}
}

bool syncop_listed(const uint16_t *ops, size_t n, int op)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ops[i] == op)
			return true;
	return false;
}

static bool in_range(int value, int lo, int hi)
{
	return value < 0 || (value >= lo && value <= hi);
}

bool relationship_filter_valid(const struct relationship_filter *f,
			       char *why, size_t why_len)
{
	const char *bad = NULL;
	int value = 0;

	if (!in_range(f->type, 2, 3))
		bad = "Type", value = f->type;
	else if (!in_range(f->sync_type, CIMREPL_SYNC_TYPE_MIRROR,
			   CIMREPL_SYNC_TYPE_TOKENIZED_CLONE))
		bad = "SyncType", value = f->sync_type;
	else if (!in_range(f->mode, CIMREPL_MODE_SYNCHRONOUS,
			   CIMREPL_MODE_ADAPTIVE))
		bad = "Mode", value = f->mode;
	else if (!in_range(f->locality, 2, 3))
		bad = "Locality", value = f->locality;
	else if (!in_range(f->copy_state, CIMREPL_COPY_STATE_INITIALIZED,
			   CIMREPL_COPY_STATE_RESTORED))
		bad = "CopyState", value = f->copy_state;
	if (!bad)
		return true;
	snprintf(why, why_len, "%s %d: not a value of the standard", bad, value);
	return false;
}

bool relationship_matches(const struct relationship_filter *f, int sync_type,
			  int mode, int copy_state)
{
	/* only local StorageSynchronized associations exist here */
	if (f->type == 3 || f->locality == 3)
		return false;
	return (f->sync_type < 0 || f->sync_type == sync_type) &&
	       (f->mode < 0 || f->mode == mode) &&
	       (f->copy_state < 0 || f->copy_state == copy_state);
}

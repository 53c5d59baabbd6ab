// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the CIM values in <linux/cimrepl.h>.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include <linux/cimrepl.h>

#include "cimvalues.h"

#define MAP(prop, table) {						\
	.property = (prop),						\
	.names = (table),						\
	.count = sizeof(table) / sizeof((table)[0]),			\
}

static const struct cim_value_name sync_types[] = {
	{ CIMREPL_SYNC_TYPE_MIRROR, "Mirror", "mirror" },
	{ CIMREPL_SYNC_TYPE_SNAPSHOT, "Snapshot", "snapshot" },
	{ CIMREPL_SYNC_TYPE_CLONE, "Clone", "clone" },
	{ CIMREPL_SYNC_TYPE_TOKENIZED_CLONE, "TokenizedClone", "tokenized-clone" },
};
const struct cim_value_map cim_sync_type_map = MAP("SyncType", sync_types);

static const struct cim_value_name modes[] = {
	{ CIMREPL_MODE_UNKNOWN, "Unknown", "unknown" },
	{ CIMREPL_MODE_SYNCHRONOUS, "Synchronous", "sync" },
	{ CIMREPL_MODE_ASYNCHRONOUS, "Asynchronous", "async" },
	{ CIMREPL_MODE_ADAPTIVE, "Adaptive", "adaptive" },
};
const struct cim_value_map cim_mode_map = MAP("Mode", modes);

static const struct cim_value_name copy_types[] = {
	{ CIMREPL_COPY_TYPE_ASYNC, "Async", "async" },
	{ CIMREPL_COPY_TYPE_SYNC, "Sync", "sync" },
	{ CIMREPL_COPY_TYPE_UNSYNC_ASSOC, "UnSyncAssoc", "unsync-assoc" },
	{ CIMREPL_COPY_TYPE_UNSYNC_UNASSOC, "UnSyncUnAssoc", "unsync-unassoc" },
};
const struct cim_value_map cim_copy_type_map = MAP("CopyType", copy_types);

static const struct cim_value_name copy_states[] = {
	{ CIMREPL_COPY_STATE_INITIALIZED, "Initialized", "initialized" },
	{ CIMREPL_COPY_STATE_UNSYNCHRONIZED, "Unsynchronized", "unsynchronized" },
	{ CIMREPL_COPY_STATE_SYNCHRONIZED, "Synchronized", "synchronized" },
	{ CIMREPL_COPY_STATE_BROKEN, "Broken", "broken" },
	{ CIMREPL_COPY_STATE_FRACTURED, "Fractured", "fractured" },
	{ CIMREPL_COPY_STATE_SPLIT, "Split", "split" },
	{ CIMREPL_COPY_STATE_INACTIVE, "Inactive", "inactive" },
	{ CIMREPL_COPY_STATE_SUSPENDED, "Suspended", "suspended" },
	{ CIMREPL_COPY_STATE_FAILEDOVER, "Failedover", "failedover" },
	{ CIMREPL_COPY_STATE_PREPARED, "Prepared", "prepared" },
	{ CIMREPL_COPY_STATE_ABORTED, "Aborted", "aborted" },
	{ CIMREPL_COPY_STATE_SKEWED, "Skewed", "skewed" },
	{ CIMREPL_COPY_STATE_MIXED, "Mixed", "mixed" },
	{ CIMREPL_COPY_STATE_NOT_APPLICABLE, "Not Applicable", "not-applicable" },
	{ CIMREPL_COPY_STATE_PARTITIONED, "Partitioned", "partitioned" },
	{ CIMREPL_COPY_STATE_INVALID, "Invalid", "invalid" },
	{ CIMREPL_COPY_STATE_RESTORED, "Restored", "restored" },
};
const struct cim_value_map cim_copy_state_map = MAP("CopyState", copy_states);

static const struct cim_value_name progress_statuses[] = {
	{ CIMREPL_PROGRESS_UNKNOWN, "Unknown", "unknown" },
	{ CIMREPL_PROGRESS_COMPLETED, "Completed", "completed" },
	{ CIMREPL_PROGRESS_DORMANT, "Dormant", "dormant" },
	{ CIMREPL_PROGRESS_INITIALIZING, "Initializing", "initializing" },
	{ CIMREPL_PROGRESS_PREPARING, "Preparing", "preparing" },
	{ CIMREPL_PROGRESS_SYNCHRONIZING, "Synchronizing", "synchronizing" },
	{ CIMREPL_PROGRESS_RESYNCING, "Resyncing", "resyncing" },
	{ CIMREPL_PROGRESS_RESTORING, "Restoring", "restoring" },
	{ CIMREPL_PROGRESS_FRACTURING, "Fracturing", "fracturing" },
	{ CIMREPL_PROGRESS_SPLITTING, "Splitting", "splitting" },
	{ CIMREPL_PROGRESS_FAILING_OVER, "Failing over", "failing-over" },
	{ CIMREPL_PROGRESS_FAILING_BACK, "Failing back", "failing-back" },
	{ CIMREPL_PROGRESS_ABORTING, "Aborting", "aborting" },
	{ CIMREPL_PROGRESS_MIXED, "Mixed", "mixed" },
	{ CIMREPL_PROGRESS_NOT_APPLICABLE, "Not Applicable", "not-applicable" },
	{ CIMREPL_PROGRESS_SUSPENDING, "Suspending", "suspending" },
	{ CIMREPL_PROGRESS_REQUIRES_FRACTURE, "Requires fracture", "requires-fracture" },
	{ CIMREPL_PROGRESS_REQUIRES_RESYNC, "Requires resync", "requires-resync" },
	{ CIMREPL_PROGRESS_REQUIRES_ACTIVATE, "Requires activate", "requires-activate" },
	{ CIMREPL_PROGRESS_PENDING, "Pending", "pending" },
	{ CIMREPL_PROGRESS_DETACHING, "Detaching", "detaching" },
	{ CIMREPL_PROGRESS_REQUIRES_DETACH, "Requires detach", "requires-detach" },
	{ CIMREPL_PROGRESS_TERMINATING, "Terminating", "terminating" },
	{ CIMREPL_PROGRESS_REQUIRES_SPLIT, "Requires split", "requires-split" },
	{ CIMREPL_PROGRESS_REQUIRES_RESUME, "Requires resume", "requires-resume" },
};
const struct cim_value_map cim_progress_status_map =
	MAP("ProgressStatus", progress_statuses);

static const struct cim_value_name operations[] = {
	{ CIMREPL_OP_ABORT, "Abort", "abort" },
	{ CIMREPL_OP_ACTIVATE_CONSISTENCY, "Activate Consistency", "activate-consistency" },
	{ CIMREPL_OP_ACTIVATE, "Activate", "activate" },
	{ CIMREPL_OP_ADD_SYNC_PAIR, "AddSyncPair", "add-sync-pair" },
	{ CIMREPL_OP_DEACTIVATE_CONSISTENCY, "Deactivate Consistency", "deactivate-consistency" },
	{ CIMREPL_OP_DEACTIVATE, "Deactivate", "deactivate" },
	{ CIMREPL_OP_DETACH, "Detach", "detach" },
	{ CIMREPL_OP_DISSOLVE, "Dissolve", "dissolve" },
	{ CIMREPL_OP_FAILOVER, "Failover", "failover" },
	{ CIMREPL_OP_FAILBACK, "Failback", "failback" },
	{ CIMREPL_OP_FRACTURE, "Fracture", "fracture" },
	{ CIMREPL_OP_REMOVE_SYNC_PAIR, "RemoveSyncPair", "remove-sync-pair" },
	{ CIMREPL_OP_RESYNC_REPLICA, "Resync Replica", "resync" },
	{ CIMREPL_OP_RESTORE_FROM_REPLICA, "Restore from Replica", "restore" },
	{ CIMREPL_OP_RESUME, "Resume", "resume" },
	{ CIMREPL_OP_RESET_TO_SYNC, "Reset To Sync", "reset-to-sync" },
	{ CIMREPL_OP_RESET_TO_ASYNC, "Reset To Async", "reset-to-async" },
	{ CIMREPL_OP_RETURN_TO_RESOURCE_POOL, "Return To ResourcePool", "return-to-pool" },
	{ CIMREPL_OP_REVERSE_ROLES, "Reverse Roles", "reverse-roles" },
	{ CIMREPL_OP_SPLIT, "Split", "split" },
	{ CIMREPL_OP_SUSPEND, "Suspend", "suspend" },
	{ CIMREPL_OP_PREPARE, "Prepare", "prepare" },
	{ CIMREPL_OP_RESET_TO_ADAPTIVE, "Reset to Adaptive", "reset-to-adaptive" },
};
const struct cim_value_map cim_operation_map = MAP("Operation", operations);

static const struct cim_value_name *find(const struct cim_value_map *map,
					 int value)
{
	size_t i;

	for (i = 0; i < map->count; i++)
		if (map->names[i].value == value)
			return &map->names[i];
	return NULL;
}

const char *cim_value_name(const struct cim_value_map *map, int value)
{
	const struct cim_value_name *n = find(map, value);

	return n ? n->name : NULL;
}

const char *cim_value_keyword(const struct cim_value_map *map, int value)
{
	const struct cim_value_name *n = find(map, value);

	return n ? n->keyword : NULL;
}

bool cim_value_parse(const struct cim_value_map *map, const char *text,
		     int *value)
{
	char *end;
	long number;
	size_t i;

	for (i = 0; i < map->count; i++) {
		if (!strcasecmp(text, map->names[i].keyword) ||
		    !strcasecmp(text, map->names[i].name)) {
			*value = map->names[i].value;
			return true;
		}
	}

	if (*text < '0' || *text > '9')
		return false;
	errno = 0;
	number = strtol(text, &end, 10);
	if (errno || end == text || *end || !find(map, (int)number))
		return false;
	*value = (int)number;
	return true;
}

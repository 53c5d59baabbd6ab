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

static const struct cim_value_name replication_types[] = {
	{ CIMREPL_REPL_SYNC_MIRROR_LOCAL, "Synchronous Mirror Local", "sync-mirror-local" },
	{ CIMREPL_REPL_ASYNC_MIRROR_LOCAL, "Asynchronous Mirror Local", "async-mirror-local" },
	{ CIMREPL_REPL_SYNC_MIRROR_REMOTE, "Synchronous Mirror Remote", "sync-mirror-remote" },
	{ CIMREPL_REPL_ASYNC_MIRROR_REMOTE, "Asynchronous Mirror Remote", "async-mirror-remote" },
	{ CIMREPL_REPL_SYNC_SNAPSHOT_LOCAL, "Synchronous Snapshot Local", "sync-snapshot-local" },
	{ CIMREPL_REPL_ASYNC_SNAPSHOT_LOCAL, "Asynchronous Snapshot Local", "async-snapshot-local" },
	{ CIMREPL_REPL_SYNC_SNAPSHOT_REMOTE, "Synchronous Snapshot Remote", "sync-snapshot-remote" },
	{ CIMREPL_REPL_ASYNC_SNAPSHOT_REMOTE, "Asynchronous Snapshot Remote", "async-snapshot-remote" },
	{ CIMREPL_REPL_SYNC_CLONE_LOCAL, "Synchronous Clone Local", "sync-clone-local" },
	{ CIMREPL_REPL_ASYNC_CLONE_LOCAL, "Asynchronous Clone Local", "async-clone-local" },
	{ CIMREPL_REPL_SYNC_CLONE_REMOTE, "Synchronous Clone Remote", "sync-clone-remote" },
	{ CIMREPL_REPL_ASYNC_CLONE_REMOTE, "Asynchronous Clone Remote", "async-clone-remote" },
	{ CIMREPL_REPL_SYNC_TOKENIZED_CLONE_LOCAL, "Synchronous TokenizedClone Local", "sync-tokenized-clone-local" },
	{ CIMREPL_REPL_ASYNC_TOKENIZED_CLONE_LOCAL, "Asynchronous TokenizedClone Local", "async-tokenized-clone-local" },
	{ CIMREPL_REPL_SYNC_TOKENIZED_CLONE_REMOTE, "Synchronous TokenizedClone Remote", "sync-tokenized-clone-remote" },
	{ CIMREPL_REPL_ASYNC_TOKENIZED_CLONE_REMOTE, "Asynchronous TokenizedClone Remote", "async-tokenized-clone-remote" },
	{ CIMREPL_REPL_ADAPTIVE_MIRROR_LOCAL, "Adaptive Mirror Local", "adaptive-mirror-local" },
	{ CIMREPL_REPL_ADAPTIVE_MIRROR_REMOTE, "Adaptive Mirror Remote", "adaptive-mirror-remote" },
	{ CIMREPL_REPL_ADAPTIVE_SNAPSHOT_LOCAL, "Adaptive Snapshot Local", "adaptive-snapshot-local" },
	{ CIMREPL_REPL_ADAPTIVE_SNAPSHOT_REMOTE, "Adaptive Snapshot Remote", "adaptive-snapshot-remote" },
	{ CIMREPL_REPL_ADAPTIVE_CLONE_LOCAL, "Adaptive Clone Local", "adaptive-clone-local" },
	{ CIMREPL_REPL_ADAPTIVE_CLONE_REMOTE, "Adaptive Clone Remote", "adaptive-clone-remote" },
	{ CIMREPL_REPL_ADAPTIVE_TOKENIZED_CLONE_LOCAL, "Adaptive TokenizedClone Local", "adaptive-tokenized-clone-local" },
	{ CIMREPL_REPL_ADAPTIVE_TOKENIZED_CLONE_REMOTE, "Adaptive TokenizedClone Remote", "adaptive-tokenized-clone-remote" },
};
const struct cim_value_map cim_replication_type_map =
	MAP("SupportedReplicationTypes", replication_types);

static const struct cim_value_name service_actions[] = {
	{ CIMREPL_ACTION_CREATE_ELEMENT_REPLICA, "CreateElementReplica", "create-element-replica" },
	{ CIMREPL_ACTION_CREATE_GROUP_REPLICA, "CreateGroupReplica", "create-group-replica" },
	{ CIMREPL_ACTION_CREATE_SYNCHRONIZATION_ASPECT, "CreateSynchronizationAspect", "create-synchronization-aspect" },
	{ CIMREPL_ACTION_MODIFY_REPLICA_SYNCHRONIZATION, "ModifyReplicaSynchronization", "modify-replica-synchronization" },
	{ CIMREPL_ACTION_MODIFY_LIST_SYNCHRONIZATION, "ModifyListSynchronization", "modify-list-synchronization" },
	{ CIMREPL_ACTION_MODIFY_SETTINGS_DEFINE_STATE, "ModifySettingsDefineState", "modify-settings-define-state" },
	{ CIMREPL_ACTION_GET_AVAILABLE_TARGET_ELEMENTS, "GetAvailableTargetElements", "get-available-target-elements" },
	{ CIMREPL_ACTION_GET_PEER_SYSTEMS, "GetPeerSystems", "get-peer-systems" },
	{ CIMREPL_ACTION_GET_REPLICATION_RELATIONSHIPS, "GetReplicationRelationships", "get-replication-relationships" },
	{ CIMREPL_ACTION_GET_SERVICE_ACCESS_POINTS, "GetServiceAccessPoints", "get-service-access-points" },
	{ CIMREPL_ACTION_CREATE_LIST_REPLICA, "CreateListReplica", "create-list-replica" },
	{ CIMREPL_ACTION_GET_REPLICATION_RELATIONSHIP_INSTANCES, "GetReplicationRelationshipInstances", "get-replication-relationship-instances" },
};
const struct cim_value_map cim_action_map =
	MAP("SupportedSynchronousActions", service_actions);

static const struct cim_value_name storage_objects[] = {
	{ CIMREPL_STORAGE_OBJECT_STORAGE_VOLUME, "StorageVolume", "storage-volume" },
	{ CIMREPL_STORAGE_OBJECT_LOGICAL_DISK, "LogicalDisk", "logical-disk" },
	{ CIMREPL_STORAGE_OBJECT_REPLICATION_ENTITY, "ReplicationEntity", "replication-entity" },
};
const struct cim_value_map cim_storage_object_map =
	MAP("SupportedStorageObjects", storage_objects);

static const struct cim_value_name features[] = {
	{ CIMREPL_FEATURE_SUSPENDS_SOURCE_IO, "Service suspends source I/O when necessary", "suspends-source-io" },
	{ CIMREPL_FEATURE_TARGET_SHALL_NOT_BE_SUPPLIED, "TargetElement shall not be supplied", "no-target-element" },
	{ CIMREPL_FEATURE_TARGET_GOAL_SHALL_NOT_BE_SUPPLIED, "TargetGoal shall not be supplied", "no-target-goal" },
	{ CIMREPL_FEATURE_CLIENT_SUPPLIES_ELEMENT_NAME, "Client can supply target ElementName", "element-name" },
};
const struct cim_value_map cim_feature_map = MAP("Features", features);

static const struct cim_value_name list_features[] = {
	{ CIMREPL_LIST_FEATURE_SUPPORTED, "List is supported", "list" },
	{ CIMREPL_LIST_FEATURE_SEQUENTIAL_CONSISTENCY, "Sequential consistency", "sequential-consistency" },
	{ CIMREPL_LIST_FEATURE_NO_CONSISTENCY, "No consistency", "no-consistency" },
};
const struct cim_value_map cim_list_feature_map =
	MAP("GroupFeatures", list_features);

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

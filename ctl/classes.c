// SPDX-License-Identifier: GPL-2.0
/*
 * The class repository (classes.h): the properties and methods of DMTF CIM
 * schema 2.41 (with SMI-S) that cimrepld serves, with the qualifiers clients
 * read: Key, In, Out, EmbeddedInstance.
 */
#include <stddef.h>
#include <strings.h>

#include "classes.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const struct cim_qualifier q_key[] = {
	{ .name = "Key", .type = CIM_TYPE_BOOLEAN, .value = "true",
	  .disable_override = true },
};
static const struct cim_qualifier q_in[] = {
	{ .name = "In", .type = CIM_TYPE_BOOLEAN, .value = "true" },
};
static const struct cim_qualifier q_out[] = {
	{ .name = "In", .type = CIM_TYPE_BOOLEAN, .value = "false" },
	{ .name = "Out", .type = CIM_TYPE_BOOLEAN, .value = "true" },
};
static const struct cim_qualifier q_inout[] = {
	{ .name = "In", .type = CIM_TYPE_BOOLEAN, .value = "true" },
	{ .name = "Out", .type = CIM_TYPE_BOOLEAN, .value = "true" },
};
static const struct cim_qualifier q_setting[] = {
	{ .name = "In", .type = CIM_TYPE_BOOLEAN, .value = "true" },
	{ .name = "EmbeddedInstance", .type = CIM_TYPE_STRING,
	  .value = CLASS_SETTING },
};
/* An OUT parameter cimrepl adds: why a method returned 1, 4, 5 or 6. */
static const struct cim_qualifier q_description_out[] = {
	{ .name = "In", .type = CIM_TYPE_BOOLEAN, .value = "false" },
	{ .name = "Out", .type = CIM_TYPE_BOOLEAN, .value = "true" },
	{ .name = "Description", .type = CIM_TYPE_STRING,
	  .value = "cimrepl extension: why the method failed, in words" },
};
static const struct cim_qualifier q_association[] = {
	{ .name = "Association", .type = CIM_TYPE_BOOLEAN, .value = "true",
	  .disable_override = true },
};

#define PROP(n, t)	{ .name = n, .type = CIM_TYPE_##t }
#define PROPA(n, t)	{ .name = n, .type = CIM_TYPE_##t, .is_array = true }
#define KEY(n, t)	{ .name = n, .type = CIM_TYPE_##t, \
			  .qualifiers = q_key, .n_qualifiers = N(q_key) }
#define REFKEY(n, c)	{ .name = n, .type = CIM_TYPE_REFERENCE, \
			  .reference_class = c, \
			  .qualifiers = q_key, .n_qualifiers = N(q_key) }
#define PARAM(n, t, q)	{ .name = n, .type = CIM_TYPE_##t, \
			  .qualifiers = q, .n_qualifiers = N(q) }
#define PARAMA(n, t, q)	{ .name = n, .type = CIM_TYPE_##t, .is_array = true, \
			  .qualifiers = q, .n_qualifiers = N(q) }
#define PARAMR(n, c, q)	{ .name = n, .type = CIM_TYPE_REFERENCE, \
			  .reference_class = c, \
			  .qualifiers = q, .n_qualifiers = N(q) }
#define PARAMRA(n, c, q) { .name = n, .type = CIM_TYPE_REFERENCE, \
			  .reference_class = c, .is_array = true, \
			  .qualifiers = q, .n_qualifiers = N(q) }

/* What every CIM_ManagedElement and CIM_ManagedSystemElement has. */
#define MANAGED_ELEMENT \
	PROP("Caption", STRING), PROP("Description", STRING), \
	PROP("ElementName", STRING)
#define MANAGED_SYSTEM_ELEMENT \
	MANAGED_ELEMENT, PROP("Name", STRING), \
	PROPA("OperationalStatus", UINT16), PROPA("StatusDescriptions", STRING), \
	PROP("HealthState", UINT16)

static const struct cim_parameter create_list_replica[] = {
	PARAMA("ElementNames", STRING, q_in),
	PARAM("SyncType", UINT16, q_in),
	PARAM("Mode", UINT16, q_in),
	PARAMRA("SourceElements", "CIM_LogicalElement", q_in),
	PARAMR("SourceAccessPoint", "CIM_ServiceAccessPoint", q_in),
	PARAMRA("TargetElements", "CIM_LogicalElement", q_inout),
	PARAMR("TargetAccessPoint", "CIM_ServiceAccessPoint", q_in),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAMR("Job", CLASS_JOB, q_out),
	PARAMRA("Synchronizations", "CIM_Synchronized", q_out),
	PARAMR("TargetSettingGoal", "CIM_SettingData", q_in),
	PARAMR("TargetPool", "CIM_ResourcePool", q_in),
	PARAM("WaitForCopyState", UINT16, q_in),
	PARAMR("ConnectivityCollection", "CIM_ConnectivityCollection", q_in),
	PARAM("Consistency", UINT16, q_in),
	PARAMRA("Collections", "CIM_Collection", q_in),
	PARAM("ErrorDescription", STRING, q_description_out),
};

static const struct cim_parameter create_element_replica[] = {
	PARAM("ElementName", STRING, q_in),
	PARAM("SyncType", UINT16, q_in),
	PARAM("Mode", UINT16, q_in),
	PARAMR("SourceElement", "CIM_LogicalElement", q_in),
	PARAMR("SourceAccessPoint", "CIM_ServiceAccessPoint", q_in),
	PARAMR("TargetElement", "CIM_LogicalElement", q_inout),
	PARAMR("TargetAccessPoint", "CIM_ServiceAccessPoint", q_in),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAMR("Job", CLASS_JOB, q_out),
	PARAMR("Synchronization", "CIM_Synchronized", q_out),
	PARAMR("TargetSettingGoal", "CIM_SettingData", q_in),
	PARAMR("TargetPool", "CIM_ResourcePool", q_in),
	PARAM("WaitForCopyState", UINT16, q_in),
	PARAMR("ConnectivityCollection", "CIM_ConnectivityCollection", q_in),
	PARAM("ErrorDescription", STRING, q_description_out),
};

/* Modify*Synchronization and GetReplicationRelationships (syncmethods.c) */
static const struct cim_parameter modify_list_synchronization[] = {
	PARAM("Operation", UINT16, q_in),
	PARAMRA("Synchronization", "CIM_Synchronized", q_in),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAMR("Job", CLASS_JOB, q_out),
	PARAMRA("SettingsState", "CIM_SettingsDefineState", q_out),
	PARAM("Force", BOOLEAN, q_in),
	PARAM("WaitForCopyState", UINT16, q_in),
	PARAM("ErrorDescription", STRING, q_description_out),
};

static const struct cim_parameter modify_replica_synchronization[] = {
	PARAM("Operation", UINT16, q_in),
	PARAMR("Synchronization", "CIM_Synchronized", q_in),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAMRA("SyncPair", CLASS_SYNC, q_in),
	PARAMR("Job", CLASS_JOB, q_out),
	PARAMR("SettingsState", "CIM_SettingsDefineState", q_out),
	PARAM("Force", BOOLEAN, q_in),
	PARAM("WaitForCopyState", UINT16, q_in),
	PARAM("ErrorDescription", STRING, q_description_out),
};

static const struct cim_parameter get_replication_relationships[] = {
	PARAM("Type", UINT16, q_in),
	PARAM("SyncType", UINT16, q_in),
	PARAM("Mode", UINT16, q_in),
	PARAM("Locality", UINT16, q_in),
	PARAM("CopyState", UINT16, q_in),
	PARAMR("Job", CLASS_JOB, q_out),
	PARAMRA("Synchronizations", "CIM_Synchronized", q_out),
	PARAM("ErrorDescription", STRING, q_description_out),
};

static const struct cim_method service_methods[] = {
	{ .name = "CreateListReplica", .return_type = CIM_TYPE_UINT32,
	  .class_origin = CLASS_SERVICE,
	  .parameters = create_list_replica,
	  .n_parameters = N(create_list_replica) },
	{ .name = "CreateElementReplica", .return_type = CIM_TYPE_UINT32,
	  .class_origin = CLASS_SERVICE,
	  .parameters = create_element_replica,
	  .n_parameters = N(create_element_replica) },
	{ .name = "ModifyListSynchronization", .return_type = CIM_TYPE_UINT32,
	  .class_origin = CLASS_SERVICE,
	  .parameters = modify_list_synchronization,
	  .n_parameters = N(modify_list_synchronization) },
	{ .name = "ModifyReplicaSynchronization", .return_type = CIM_TYPE_UINT32,
	  .class_origin = CLASS_SERVICE,
	  .parameters = modify_replica_synchronization,
	  .n_parameters = N(modify_replica_synchronization) },
	{ .name = "GetReplicationRelationships", .return_type = CIM_TYPE_UINT32,
	  .class_origin = CLASS_SERVICE,
	  .parameters = get_replication_relationships,
	  .n_parameters = N(get_replication_relationships) },
};

static const struct cim_property_decl service_props[] = {
	MANAGED_SYSTEM_ELEMENT,
	KEY("SystemCreationClassName", STRING), KEY("SystemName", STRING),
	KEY("CreationClassName", STRING), KEY("Name", STRING),
	PROP("EnabledState", UINT16), PROP("RequestedState", UINT16),
	PROP("Started", BOOLEAN), PROP("PrimaryOwnerName", STRING),
};

static const struct cim_property_decl volume_props[] = {
	MANAGED_SYSTEM_ELEMENT,
	KEY("SystemCreationClassName", STRING), KEY("SystemName", STRING),
	KEY("CreationClassName", STRING), KEY("DeviceID", STRING),
	PROP("EnabledState", UINT16),
	PROP("BlockSize", UINT64), PROP("NumberOfBlocks", UINT64),
	PROP("ConsumableBlocks", UINT64), PROP("NameFormat", UINT16),
	PROP("NameNamespace", UINT16), PROP("Primordial", BOOLEAN),
};

static const struct cim_property_decl pool_props[] = {
	KEY("InstanceID", STRING), MANAGED_SYSTEM_ELEMENT,
	PROP("PoolID", STRING), PROP("Primordial", BOOLEAN),
	PROP("TotalManagedSpace", UINT64), PROP("RemainingManagedSpace", UINT64),
};

static const struct cim_property_decl sync_props[] = {
	REFKEY("SystemElement", "CIM_ManagedElement"),
	REFKEY("SyncedElement", "CIM_ManagedElement"),
	PROP("SyncType", UINT16), PROP("Mode", UINT16),
	PROP("CopyState", UINT16), PROP("ProgressStatus", UINT16),
	PROP("RequestedCopyState", UINT16), PROP("PercentSynced", UINT16),
	PROP("CopyType", UINT16), PROP("SyncState", UINT16),
	PROP("CopyMethodology", UINT16), PROP("CopyPriority", UINT16),
	PROP("SyncMaintained", BOOLEAN), PROP("WhenEstablished", DATETIME),
	PROP("WhenSynchronized", DATETIME), PROP("WhenSynced", DATETIME),
	PROP("FailedCopyStopsHostIO", BOOLEAN),
};

static const struct cim_property_decl job_props[] = {
	KEY("InstanceID", STRING), MANAGED_SYSTEM_ELEMENT,
	PROP("JobStatus", STRING), PROP("TimeSubmitted", DATETIME),
	PROP("StartTime", DATETIME), PROP("ElapsedTime", DATETIME),
	PROP("TimeOfLastStateChange", DATETIME),
	PROP("TimeBeforeRemoval", DATETIME), PROP("DeleteOnCompletion", BOOLEAN),
	PROP("JobState", UINT16), PROP("PercentComplete", UINT16),
	PROP("ErrorCode", UINT16), PROP("ErrorDescription", STRING),
	PROP("MethodName", STRING),
};

static const struct cim_property_decl setting_props[] = {
	KEY("InstanceID", STRING), MANAGED_ELEMENT,
	PROP("DesiredCopyMethodology", UINT16),
	PROP("TargetElementSupplier", UINT16),
	PROP("ThinProvisioningPolicy", UINT16),
	PROP("ConsistentPointInTime", BOOLEAN),
	PROP("OnGroupOrListError", UINT16), PROP("UnequalListsAction", UINT16),
	PROP("CopyRecoveryMode", UINT16), PROP("CopyPriority", UINT16),
	PROP("DeltaUpdateInterval", UINT64),
	PROP("FailedCopyStopsHostIO", BOOLEAN), PROP("ReadOnly", BOOLEAN),
	PROP("AutoDelete", BOOLEAN), PROP("TimeBeforeRemoval", DATETIME),
	PROP("DesiredRPO", DATETIME), PROP("MaximumSkew", DATETIME),
};

static const struct cim_class service_class = {
	.name = CLASS_SERVICE, .superclass = "CIM_Service",
	.properties = service_props, .n_properties = N(service_props),
	.methods = service_methods, .n_methods = N(service_methods),
};
static const struct cim_class volume_class = {
	.name = CLASS_VOLUME, .superclass = "CIM_StorageExtent",
	.properties = volume_props, .n_properties = N(volume_props),
};
static const struct cim_class pool_class = {
	.name = CLASS_POOL, .superclass = "CIM_ResourcePool",
	.properties = pool_props, .n_properties = N(pool_props),
};
static const struct cim_class sync_class = {
	.name = CLASS_SYNC, .superclass = "CIM_Synchronized",
	.qualifiers = q_association, .n_qualifiers = N(q_association),
	.properties = sync_props, .n_properties = N(sync_props),
};
static const struct cim_class job_class = {
	.name = CLASS_JOB, .superclass = "CIM_Job",
	.properties = job_props, .n_properties = N(job_props),
};
static const struct cim_class setting_class = {
	.name = CLASS_SETTING, .superclass = "CIM_SettingData",
	.properties = setting_props, .n_properties = N(setting_props),
};

static const struct cim_class *const all_classes[] = {
	&service_class, &classes_capabilities, &volume_class, &pool_class,
	&sync_class, &job_class, &setting_class,
	/* discovery (classes_discovery.c) */
	&classes_system, &classes_profile, &classes_hosted_service,
	&classes_element_capabilities, &classes_allocated_from_pool,
	&classes_owning_job, &classes_affected_job,
	&classes_conforms_to_profile,
};

/* Each class's ancestors, nearest first (CIM schema 2.41). */
static const struct {
	const struct cim_class *cls;
	const char *const ancestors[8];
} lineage[] = {
	{ &service_class, { "CIM_Service", "CIM_EnabledLogicalElement",
			    "CIM_LogicalElement", "CIM_ManagedSystemElement",
			    "CIM_ManagedElement" } },
	{ &classes_capabilities, { "CIM_Capabilities", "CIM_ManagedElement" } },
	{ &volume_class, { "CIM_StorageExtent", "CIM_LogicalDevice",
			   "CIM_EnabledLogicalElement", "CIM_LogicalElement",
			   "CIM_ManagedSystemElement", "CIM_ManagedElement" } },
	{ &pool_class, { "CIM_ResourcePool", "CIM_LogicalElement",
			 "CIM_ManagedSystemElement", "CIM_ManagedElement" } },
	{ &sync_class, { "CIM_Synchronized" } },
	{ &job_class, { "CIM_Job", "CIM_LogicalElement",
			"CIM_ManagedSystemElement", "CIM_ManagedElement" } },
	{ &setting_class, { "CIM_SettingData", "CIM_ManagedElement" } },
	{ &classes_system, { "CIM_System", "CIM_EnabledLogicalElement",
			     "CIM_LogicalElement", "CIM_ManagedSystemElement",
			     "CIM_ManagedElement" } },
	{ &classes_profile, { "CIM_RegisteredSpecification",
			      "CIM_ManagedElement" } },
	{ &classes_hosted_service, { "CIM_HostedDependency", "CIM_Dependency" } },
	{ &classes_allocated_from_pool, { "CIM_Dependency" } },
};

const struct cim_class *classes_find(const char *name)
{
	size_t i;

	for (i = 0; i < N(all_classes); i++)
		if (!strcasecmp(all_classes[i]->name, name))
			return all_classes[i];
	return NULL;
}

const struct cim_class *const *classes_all(size_t *n)
{
	*n = N(all_classes);
	return all_classes;
}

int classes_is_a(const struct cim_class *cls, const char *name)
{
	size_t i, j;

	if (!strcasecmp(cls->name, name))
		return 1;
	for (i = 0; i < N(lineage); i++) {
		if (lineage[i].cls != cls)
			continue;
		for (j = 0; j < N(lineage[i].ancestors) &&
			    lineage[i].ancestors[j]; j++)
			if (!strcasecmp(lineage[i].ancestors[j], name))
				return 1;
	}
	return 0;
}

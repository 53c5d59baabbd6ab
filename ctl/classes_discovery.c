// SPDX-License-Identifier: GPL-2.0
/*
 * The classes a client walks to discover the replication service (part of
 * the class repository, classes.h): the system that hosts it, the
 * profile registered for it in the interop namespace, its capabilities
 * with their Get* methods, and the associations between them (DMTF CIM
 * schema 2.41, flattened as GetClass returns them).
 */
#include <stddef.h>

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
static const struct cim_qualifier q_setting[] = {
	{ .name = "In", .type = CIM_TYPE_BOOLEAN, .value = "true" },
	{ .name = "EmbeddedInstance", .type = CIM_TYPE_STRING,
	  .value = CLASS_SETTING },
};
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
#define METHOD(n, p)	{ .name = n, .return_type = CIM_TYPE_UINT32, \
			  .class_origin = CLASS_CAPABILITIES, \
			  .parameters = p, .n_parameters = N(p) }

#define MANAGED_ELEMENT \
	PROP("Caption", STRING), PROP("Description", STRING), \
	PROP("ElementName", STRING)

/* CIM_ReplicationServiceCapabilities and its Get* methods. */

static const struct cim_property_decl capabilities_props[] = {
	KEY("InstanceID", STRING), MANAGED_ELEMENT,
	PROPA("SupportedReplicationTypes", UINT16),
	PROPA("SupportedStorageObjects", UINT16),
	PROPA("SupportedAsynchronousActions", UINT16),
	PROPA("SupportedSynchronousActions", UINT16),
};

#define OPERATIONS_OUT \
	PARAMA("ServiceControlling", UINT16, q_out), \
	PARAMA("RequiresForce", BOOLEAN, q_out), \
	PARAMA("UpdatesSynchronizedPath", BOOLEAN, q_out)

static const struct cim_parameter get_supported_operations[] = {
	PARAM("ReplicationType", UINT16, q_in),
	PARAMA("SupportedOperations", UINT16, q_out),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAM("CopyState", UINT16, q_in),
	OPERATIONS_OUT,
	PARAM("ErrorDescription", STRING, q_description_out),
};
static const struct cim_parameter get_supported_list_operations[] = {
	PARAM("ReplicationType", UINT16, q_in),
	PARAM("SynchronizationType", UINT16, q_in),
	PARAMA("SupportedListOperations", UINT16, q_out),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAM("CopyState", UINT16, q_in),
	OPERATIONS_OUT,
	PARAM("ErrorDescription", STRING, q_description_out),
};
static const struct cim_parameter get_supported_copy_states[] = {
	PARAM("ReplicationType", UINT16, q_in),
	PARAMA("SupportedCopyStates", UINT16, q_out),
	PARAMA("HostAccessible", BOOLEAN, q_out),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAM("Operation", UINT16, q_in),
	PARAM("ErrorDescription", STRING, q_description_out),
};
static const struct cim_parameter get_supported_wait_for_copy_states[] = {
	PARAM("ReplicationType", UINT16, q_in),
	PARAM("MethodName", UINT16, q_in),
	PARAMA("SupportedCopyStates", UINT16, q_out),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAM("Operation", UINT16, q_in),
	PARAM("ErrorDescription", STRING, q_description_out),
};
static const struct cim_parameter get_supported_features[] = {
	PARAM("ReplicationType", UINT16, q_in),
	PARAMA("Features", UINT16, q_out),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAM("ErrorDescription", STRING, q_description_out),
};
static const struct cim_parameter get_supported_list_features[] = {
	PARAM("ReplicationType", UINT16, q_in),
	PARAMA("GroupFeatures", UINT16, q_out),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAM("ErrorDescription", STRING, q_description_out),
};
static const struct cim_parameter get_supported_consistency[] = {
	PARAM("ReplicationType", UINT16, q_in),
	PARAMA("SupportedConsistency", UINT16, q_out),
	PARAM("ReplicationSettingData", STRING, q_setting),
	PARAM("ErrorDescription", STRING, q_description_out),
};

static const struct cim_method capabilities_methods[] = {
	METHOD("GetSupportedOperations", get_supported_operations),
	METHOD("GetSupportedListOperations", get_supported_list_operations),
	METHOD("GetSupportedCopyStates", get_supported_copy_states),
	METHOD("GetSupportedWaitForCopyStates",
	       get_supported_wait_for_copy_states),
	METHOD("GetSupportedFeatures", get_supported_features),
	METHOD("GetSupportedListFeatures", get_supported_list_features),
	METHOD("GetSupportedConsistency", get_supported_consistency),
};

const struct cim_class classes_capabilities = {
	.name = CLASS_CAPABILITIES, .superclass = "CIM_Capabilities",
	.properties = capabilities_props, .n_properties = N(capabilities_props),
	.methods = capabilities_methods, .n_methods = N(capabilities_methods),
};

/* The hosting system and the registered profile. */

static const struct cim_property_decl system_props[] = {
	MANAGED_ELEMENT,
	KEY("CreationClassName", STRING), KEY("Name", STRING),
	PROP("NameFormat", STRING), PROPA("OperationalStatus", UINT16),
	PROP("HealthState", UINT16), PROP("EnabledState", UINT16),
};

const struct cim_class classes_system = {
	.name = CLASS_SYSTEM, .superclass = "CIM_System",
	.properties = system_props, .n_properties = N(system_props),
};

static const struct cim_property_decl profile_props[] = {
	KEY("InstanceID", STRING), MANAGED_ELEMENT,
	PROP("RegisteredOrganization", UINT16),
	PROP("OtherRegisteredOrganization", STRING),
	PROP("RegisteredName", STRING), PROP("RegisteredVersion", STRING),
	PROPA("AdvertiseTypes", UINT16),
	PROPA("AdvertiseTypeDescriptions", STRING),
};

const struct cim_class classes_profile = {
	.name = CLASS_PROFILE, .superclass = "CIM_RegisteredSpecification",
	.properties = profile_props, .n_properties = N(profile_props),
};

/* The associations. */

static const struct cim_property_decl hosted_service_props[] = {
	REFKEY("Antecedent", "CIM_System"),
	REFKEY("Dependent", "CIM_Service"),
};
static const struct cim_property_decl element_capabilities_props[] = {
	REFKEY("ManagedElement", "CIM_ManagedElement"),
	REFKEY("Capabilities", "CIM_Capabilities"),
	PROPA("Characteristics", UINT16),
};
static const struct cim_property_decl allocated_props[] = {
	REFKEY("Antecedent", "CIM_StoragePool"),
	REFKEY("Dependent", "CIM_LogicalElement"),
	PROP("SpaceConsumed", UINT64),
};
static const struct cim_property_decl owning_job_props[] = {
	REFKEY("OwningElement", "CIM_ManagedElement"),
	REFKEY("OwnedElement", "CIM_Job"),
};
static const struct cim_property_decl affected_job_props[] = {
	REFKEY("AffectedElement", "CIM_ManagedElement"),
	REFKEY("AffectingElement", "CIM_Job"),
	PROPA("ElementEffects", UINT16),
	PROPA("OtherElementEffectsDescriptions", STRING),
};
static const struct cim_property_decl conforms_props[] = {
	REFKEY("ConformantStandard", CLASS_PROFILE),
	REFKEY("ManagedElement", "CIM_ManagedElement"),
};

#define ASSOCIATION(var, cname, super, props) \
	const struct cim_class var = { \
		.name = cname, .superclass = super, \
		.qualifiers = q_association, .n_qualifiers = N(q_association), \
		.properties = props, .n_properties = N(props), \
	}

ASSOCIATION(classes_hosted_service, CLASS_HOSTED_SERVICE,
	    "CIM_HostedDependency", hosted_service_props);
ASSOCIATION(classes_element_capabilities, CLASS_ELEMENT_CAPABILITIES, NULL,
	    element_capabilities_props);
ASSOCIATION(classes_allocated_from_pool, CLASS_ALLOCATED_FROM_POOL,
	    "CIM_Dependency", allocated_props);
ASSOCIATION(classes_owning_job, CLASS_OWNING_JOB, NULL, owning_job_props);
ASSOCIATION(classes_affected_job, CLASS_AFFECTED_JOB, NULL,
	    affected_job_props);
ASSOCIATION(classes_conforms_to_profile, CLASS_CONFORMS_TO_PROFILE, NULL,
	    conforms_props);

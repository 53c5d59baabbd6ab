/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What cimrepl supports, in the words of CIM_ReplicationServiceCapabilities
 * (DMTF CIM schema 2.41): its properties and its Get* methods. Every answer
 * is derived from two sources, so that a new engine or method changes the
 * answers by itself:
 *   - the module's engines (CIMREPL_CMD_GET_INFO: each SyncType with its
 *     Modes and operations, struct kernel_engine_caps);
 *   - the methods CIM_ReplicationService declares in the class repository
 *     (a method not declared there is not an action of the service).
 * What the kernel does not report (the CopyStates an engine's
 * synchronizations pass through, the states an operation is accepted in
 * or leads to) comes from the state machine the uapi header documents,
 * in the tables of capabilities.c.
 *
 * Only local replication exists: remote ReplicationTypes are never
 * supported.
 */
#ifndef CIMREPL_CAPABILITIES_H
#define CIMREPL_CAPABILITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cimclass.h"
#include "cimxml.h"
#include "kernel.h"

/* Longest answer any of these gives (values of a uint16 value map). */
#define CAPS_MAX_VALUES 64

/* A list of uint16 values and, for CopyStates, whether each is host accessible. */
struct caps_list {
	size_t n;
	uint16_t values[CAPS_MAX_VALUES];
	bool accessible[CAPS_MAX_VALUES];
};

/* The local ReplicationType of @sync_type in @mode; 0 when there is none. */
uint16_t caps_replication_type(uint16_t sync_type, uint16_t mode);

/*
 * Is @type a ReplicationType of the standard's value map (2..25)? Does this
 * system implement it (a module engine of its SyncType with its Mode)?
 * The engine, or NULL.
 */
bool caps_replication_type_valid(int type);
const struct kernel_engine_caps *caps_engine_of(const struct kernel_info *info,
						uint16_t replication_type);

/* SupportedReplicationTypes: every local type an engine implements. */
void caps_replication_types(const struct kernel_info *info,
			    struct caps_list *out);

/*
 * SupportedSynchronousActions (@async false) or SupportedAsynchronousActions:
 * the replication service's methods that have an action value; the
 * asynchronous ones only when some engine copies in the background (its
 * methods may then return a job).
 */
void caps_actions(const struct kernel_info *info, const struct cim_class *service,
		  bool async, struct caps_list *out);

/*
 * GetSupportedCopyStates: the CopyStates @engine's synchronizations reach,
 * with HostAccessible; with @operation >= 0, only those @operation is
 * accepted in.
 */
void caps_copy_states(const struct kernel_engine_caps *engine, int operation,
		      struct caps_list *out);

/*
 * GetSupportedOperations / GetSupportedListOperations: @engine's operations;
 * with @copy_state >= 0, only those accepted in that CopyState.
 */
void caps_operations(const struct kernel_engine_caps *engine, int copy_state,
		     struct caps_list *out);

/*
 * GetSupportedWaitForCopyStates for @method_name (CIMREPL_METHOD_NAME_*)
 * and, with @operation >= 0, that Modify operation. False when the service
 * does not have that method.
 */
bool caps_wait_states(const struct kernel_engine_caps *engine,
		      const struct cim_class *service, uint16_t method_name,
		      int operation, struct caps_list *out);

/* GetSupportedFeatures, GetSupportedListFeatures, GetSupportedConsistency. */
void caps_features(const struct kernel_engine_caps *engine,
		   struct caps_list *out);
void caps_list_features(const struct kernel_engine_caps *engine,
			struct caps_list *out);
void caps_consistency(const struct kernel_engine_caps *engine,
		      struct caps_list *out);

/* Is @name a method of CIM_ReplicationServiceCapabilities served here? */
bool caps_has_method(const char *name);

/*
 * Carry out the method @req calls on CIM_ReplicationServiceCapabilities and
 * encode its METHODRESPONSE (@r), as cimxml_respond_method() does. Bad
 * parameters give return code 5 (Invalid Parameter), a ReplicationType
 * this system lacks 1 (Not Supported), each with the ErrorDescription out
 * parameter; an unknown parameter name gives CIM_ERR_INVALID_PARAMETER.
 */
char *caps_invoke(const struct kernel_info *info, const struct cim_class *service,
		  const struct cim_request *req, const struct cimxml_response *r,
		  size_t *len);

#endif /* CIMREPL_CAPABILITIES_H */

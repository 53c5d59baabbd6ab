// SPDX-License-Identifier: GPL-2.0
/*
 * What cimrepl supports (capabilities.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/cimrepl.h>

#include "capabilities.h"
#include "classes.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void add(struct caps_list *l, uint16_t value, bool accessible)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->values[i] == value)
			return;
	if (l->n < CAPS_MAX_VALUES) {
		l->accessible[l->n] = accessible;
		l->values[l->n++] = value;
	}
}

static bool has(const struct caps_list *l, uint16_t value)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->values[i] == value)
			return true;
	return false;
}

/* ReplicationType <-> SyncType and Mode (local ones; remote is +2 / +1). */
static const struct {
	uint16_t sync_type, mode, type;
} local_types[] = {
	{ CIMREPL_SYNC_TYPE_MIRROR, CIMREPL_MODE_SYNCHRONOUS,
	  CIMREPL_REPL_SYNC_MIRROR_LOCAL },
	{ CIMREPL_SYNC_TYPE_MIRROR, CIMREPL_MODE_ASYNCHRONOUS,
	  CIMREPL_REPL_ASYNC_MIRROR_LOCAL },
	{ CIMREPL_SYNC_TYPE_MIRROR, CIMREPL_MODE_ADAPTIVE,
	  CIMREPL_REPL_ADAPTIVE_MIRROR_LOCAL },
	{ CIMREPL_SYNC_TYPE_SNAPSHOT, CIMREPL_MODE_SYNCHRONOUS,
	  CIMREPL_REPL_SYNC_SNAPSHOT_LOCAL },
	{ CIMREPL_SYNC_TYPE_SNAPSHOT, CIMREPL_MODE_ASYNCHRONOUS,
	  CIMREPL_REPL_ASYNC_SNAPSHOT_LOCAL },
	{ CIMREPL_SYNC_TYPE_SNAPSHOT, CIMREPL_MODE_ADAPTIVE,
	  CIMREPL_REPL_ADAPTIVE_SNAPSHOT_LOCAL },
	{ CIMREPL_SYNC_TYPE_CLONE, CIMREPL_MODE_SYNCHRONOUS,
	  CIMREPL_REPL_SYNC_CLONE_LOCAL },
	{ CIMREPL_SYNC_TYPE_CLONE, CIMREPL_MODE_ASYNCHRONOUS,
	  CIMREPL_REPL_ASYNC_CLONE_LOCAL },
	{ CIMREPL_SYNC_TYPE_CLONE, CIMREPL_MODE_ADAPTIVE,
	  CIMREPL_REPL_ADAPTIVE_CLONE_LOCAL },
	{ CIMREPL_SYNC_TYPE_TOKENIZED_CLONE, CIMREPL_MODE_SYNCHRONOUS,
	  CIMREPL_REPL_SYNC_TOKENIZED_CLONE_LOCAL },
	{ CIMREPL_SYNC_TYPE_TOKENIZED_CLONE, CIMREPL_MODE_ASYNCHRONOUS,
	  CIMREPL_REPL_ASYNC_TOKENIZED_CLONE_LOCAL },
	{ CIMREPL_SYNC_TYPE_TOKENIZED_CLONE, CIMREPL_MODE_ADAPTIVE,
	  CIMREPL_REPL_ADAPTIVE_TOKENIZED_CLONE_LOCAL },
};

uint16_t caps_replication_type(uint16_t sync_type, uint16_t mode)
{
	size_t i;

	for (i = 0; i < N(local_types); i++)
		if (local_types[i].sync_type == sync_type &&
		    local_types[i].mode == mode)
			return local_types[i].type;
	return 0;
}

bool caps_replication_type_valid(int type)
{
	return type >= CIMREPL_REPL_SYNC_MIRROR_LOCAL &&
	       type <= CIMREPL_REPL_ADAPTIVE_TOKENIZED_CLONE_REMOTE;
}

static bool engine_has_mode(const struct kernel_engine_caps *e, uint16_t mode)
{
	unsigned int i;

	for (i = 0; i < e->n_modes; i++)
		if (e->modes[i] == mode)
			return true;
	return false;
}

static bool engine_has_op(const struct kernel_engine_caps *e, uint16_t op)
{
	unsigned int i;

	for (i = 0; i < e->n_operations; i++)
		if (e->operations[i] == op)
			return true;
	return false;
}

const struct kernel_engine_caps *caps_engine_of(const struct kernel_info *info,
						uint16_t replication_type)
{
	unsigned int i;
	size_t j;

	for (j = 0; j < N(local_types); j++) {
		if (local_types[j].type != replication_type)
			continue;
		for (i = 0; i < info->n_engines; i++)
			if (info->engines[i].sync_type == local_types[j].sync_type &&
			    engine_has_mode(&info->engines[i], local_types[j].mode))
				return &info->engines[i];
	}
	return NULL;
}

void caps_replication_types(const struct kernel_info *info,
			    struct caps_list *out)
{
	unsigned int i, j;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < info->n_engines; i++)
		for (j = 0; j < info->engines[i].n_modes; j++) {
			type = caps_replication_type(info->engines[i].sync_type,
						     info->engines[i].modes[j]);
			if (type)
				add(out, type, true);
		}
}

/*
 * The CopyStates of each SyncType's state machine (uapi/linux/cimrepl.h):
 * the ones every synchronization of the engine passes through, and
 * whether the target is host accessible in them. Snapshots are
 * Synchronized at once and Broken when their pool fills; clones and
 * mirrors copy in the background (Unsynchronized) and break on a copy
 * error. States operations lead to are in op_rules.
 */
static const struct {
	uint16_t sync_type;
	uint16_t state;
	bool accessible;
} base_states[] = {
	{ CIMREPL_SYNC_TYPE_SNAPSHOT, CIMREPL_COPY_STATE_SYNCHRONIZED, true },
	{ CIMREPL_SYNC_TYPE_SNAPSHOT, CIMREPL_COPY_STATE_BROKEN, false },
	{ CIMREPL_SYNC_TYPE_CLONE, CIMREPL_COPY_STATE_UNSYNCHRONIZED, true },
	{ CIMREPL_SYNC_TYPE_CLONE, CIMREPL_COPY_STATE_SYNCHRONIZED, true },
	{ CIMREPL_SYNC_TYPE_CLONE, CIMREPL_COPY_STATE_BROKEN, false },
	{ CIMREPL_SYNC_TYPE_MIRROR, CIMREPL_COPY_STATE_UNSYNCHRONIZED, false },
	{ CIMREPL_SYNC_TYPE_MIRROR, CIMREPL_COPY_STATE_SYNCHRONIZED, false },
	{ CIMREPL_SYNC_TYPE_MIRROR, CIMREPL_COPY_STATE_BROKEN, false },
};

/*
 * Each operation: the CopyStates it is accepted in (of those the engine
 * has) and the one it leads to (0: the synchronization ends, or returns
 * to a state it had: Unsynchronized then Synchronized).
 */
static const struct {
	uint16_t op;
	uint16_t from[4];
	uint16_t to;
	bool to_accessible;
} op_rules[] = {
	{ CIMREPL_OP_ABORT, { CIMREPL_COPY_STATE_UNSYNCHRONIZED,
			      CIMREPL_COPY_STATE_BROKEN },
	  CIMREPL_COPY_STATE_ABORTED, true },
	{ CIMREPL_OP_DETACH, { CIMREPL_COPY_STATE_SYNCHRONIZED,
			       CIMREPL_COPY_STATE_ABORTED,
			       CIMREPL_COPY_STATE_FRACTURED,
			       CIMREPL_COPY_STATE_SPLIT }, 0, false },
	{ CIMREPL_OP_RESYNC_REPLICA, { CIMREPL_COPY_STATE_BROKEN,
				       CIMREPL_COPY_STATE_FRACTURED,
				       CIMREPL_COPY_STATE_SPLIT }, 0, false },
	{ CIMREPL_OP_RESTORE_FROM_REPLICA, { CIMREPL_COPY_STATE_SYNCHRONIZED,
					     CIMREPL_COPY_STATE_FRACTURED,
					     CIMREPL_COPY_STATE_SPLIT }, 0, false },
	{ CIMREPL_OP_RETURN_TO_RESOURCE_POOL, { CIMREPL_COPY_STATE_SYNCHRONIZED,
						CIMREPL_COPY_STATE_BROKEN },
	  0, false },
	{ CIMREPL_OP_FRACTURE, { CIMREPL_COPY_STATE_SYNCHRONIZED },
	  CIMREPL_COPY_STATE_FRACTURED, true },
	{ CIMREPL_OP_SPLIT, { CIMREPL_COPY_STATE_SYNCHRONIZED },
	  CIMREPL_COPY_STATE_SPLIT, true },
	{ CIMREPL_OP_SUSPEND, { CIMREPL_COPY_STATE_UNSYNCHRONIZED,
				CIMREPL_COPY_STATE_SYNCHRONIZED },
	  CIMREPL_COPY_STATE_SUSPENDED, false },
	{ CIMREPL_OP_RESUME, { CIMREPL_COPY_STATE_SUSPENDED }, 0, false },
	{ CIMREPL_OP_FAILOVER, { CIMREPL_COPY_STATE_SYNCHRONIZED,
				 CIMREPL_COPY_STATE_FRACTURED,
				 CIMREPL_COPY_STATE_SPLIT },
	  CIMREPL_COPY_STATE_FAILEDOVER, true },
	{ CIMREPL_OP_FAILBACK, { CIMREPL_COPY_STATE_FAILEDOVER }, 0, false },
};

/* The states an operation that resumes copying leads to. */
static bool op_restarts_copy(uint16_t op)
{
	return op == CIMREPL_OP_RESYNC_REPLICA || op == CIMREPL_OP_RESUME ||
	       op == CIMREPL_OP_FAILBACK;
}

static int op_rule(uint16_t op)
{
	size_t i;

	for (i = 0; i < N(op_rules); i++)
		if (op_rules[i].op == op)
			return (int)i;
	return -1;
}

/* Every CopyState of @e: its base states, then those its operations reach. */
static void all_states(const struct kernel_engine_caps *e, struct caps_list *out)
{
	unsigned int i;
	size_t j;
	int r;

	memset(out, 0, sizeof(*out));
	for (j = 0; j < N(base_states); j++)
		if (base_states[j].sync_type == e->sync_type)
			add(out, base_states[j].state, base_states[j].accessible);
	for (i = 0; i < e->n_operations; i++) {
		r = op_rule(e->operations[i]);
		if (r >= 0 && op_rules[r].to)
			add(out, op_rules[r].to, op_rules[r].to_accessible);
	}
}

/* Is @op accepted in @state? (An operation without a rule: in every state.) */
static bool op_accepted_in(uint16_t op, uint16_t state)
{
	int r = op_rule(op);
	size_t j;

	if (r < 0)
		return true;
	for (j = 0; j < N(op_rules[r].from) && op_rules[r].from[j]; j++)
		if (op_rules[r].from[j] == state)
			return true;
	return false;
}

void caps_copy_states(const struct kernel_engine_caps *engine, int operation,
		      struct caps_list *out)
{
	struct caps_list states;
	size_t i;

	all_states(engine, &states);
	memset(out, 0, sizeof(*out));
	if (operation >= 0 && !engine_has_op(engine, (uint16_t)operation))
		return;
	for (i = 0; i < states.n; i++)
		if (operation < 0 ||
		    op_accepted_in((uint16_t)operation, states.values[i]))
			add(out, states.values[i], states.accessible[i]);
}

void caps_operations(const struct kernel_engine_caps *engine, int copy_state,
		     struct caps_list *out)
{
	struct caps_list states;
	unsigned int i;

	all_states(engine, &states);
	memset(out, 0, sizeof(*out));
	if (copy_state >= 0 && !has(&states, (uint16_t)copy_state))
		return;
	for (i = 0; i < engine->n_operations; i++)
		if (copy_state < 0 ||
		    op_accepted_in(engine->operations[i], (uint16_t)copy_state))
			add(out, engine->operations[i], true);
}

/* Method names of the service and their action / MethodName values. */
static const struct {
	const char *method;
	uint16_t action;	/* Supported(A)synchronousActions */
	bool may_start_job;	/* with a background copy, a job */
	uint16_t method_name;	/* GetSupportedWaitForCopyStates, or 0 */
} service_methods[] = {
	{ "CreateElementReplica", CIMREPL_ACTION_CREATE_ELEMENT_REPLICA, true,
	  CIMREPL_METHOD_NAME_CREATE_ELEMENT_REPLICA },
	{ "CreateGroupReplica", CIMREPL_ACTION_CREATE_GROUP_REPLICA, true,
	  CIMREPL_METHOD_NAME_CREATE_GROUP_REPLICA },
	{ "ModifyReplicaSynchronization",
	  CIMREPL_ACTION_MODIFY_REPLICA_SYNCHRONIZATION, true,
	  CIMREPL_METHOD_NAME_MODIFY_REPLICA_SYNCHRONIZATION },
	{ "ModifyListSynchronization",
	  CIMREPL_ACTION_MODIFY_LIST_SYNCHRONIZATION, true,
	  CIMREPL_METHOD_NAME_MODIFY_LIST_SYNCHRONIZATION },
	{ "GetAvailableTargetElements",
	  CIMREPL_ACTION_GET_AVAILABLE_TARGET_ELEMENTS, false, 0 },
	{ "GetReplicationRelationships",
	  CIMREPL_ACTION_GET_REPLICATION_RELATIONSHIPS, false, 0 },
	{ "CreateListReplica", CIMREPL_ACTION_CREATE_LIST_REPLICA, true,
	  CIMREPL_METHOD_NAME_CREATE_LIST_REPLICA },
	{ "GetReplicationRelationshipInstances",
	  CIMREPL_ACTION_GET_REPLICATION_RELATIONSHIP_INSTANCES, false, 0 },
};

static bool service_has(const struct cim_class *service, const char *method)
{
	size_t i;

	for (i = 0; i < service->n_methods; i++)
		if (!strcasecmp(service->methods[i].name, method))
			return true;
	return false;
}

/* Does some engine copy in the background (a job while it does)? */
static bool background_copy(const struct kernel_info *info)
{
	struct caps_list states;
	unsigned int i;

	for (i = 0; i < info->n_engines; i++) {
		all_states(&info->engines[i], &states);
		if (has(&states, CIMREPL_COPY_STATE_UNSYNCHRONIZED))
			return true;
	}
	return false;
}

void caps_actions(const struct kernel_info *info, const struct cim_class *service,
		  bool async, struct caps_list *out)
{
	bool jobs = background_copy(info);
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < N(service_methods); i++) {
		if (!service_has(service, service_methods[i].method))
			continue;
		if (!async || (jobs && service_methods[i].may_start_job))
			add(out, service_methods[i].action, true);
	}
}

bool caps_wait_states(const struct kernel_engine_caps *engine,
		      const struct cim_class *service, uint16_t method_name,
		      int operation, struct caps_list *out)
{
	struct caps_list states;
	unsigned int i;
	size_t j;
	int r;

	memset(out, 0, sizeof(*out));
	for (j = 0; j < N(service_methods); j++)
		if (service_methods[j].method_name == method_name)
			break;
	if (j == N(service_methods) ||
	    !service_has(service, service_methods[j].method))
		return false;
	all_states(engine, &states);
	if (method_name == CIMREPL_METHOD_NAME_CREATE_ELEMENT_REPLICA ||
	    method_name == CIMREPL_METHOD_NAME_CREATE_LIST_REPLICA ||
	    method_name == CIMREPL_METHOD_NAME_CREATE_GROUP_REPLICA) {
		/* a new synchronization: its engine's states short of Broken */
		for (j = 0; j < N(base_states); j++)
			if (base_states[j].sync_type == engine->sync_type &&
			    base_states[j].state != CIMREPL_COPY_STATE_BROKEN)
				add(out, base_states[j].state, true);
		return true;
	}
	/* a Modify method: the states its operations lead to */
	for (i = 0; i < engine->n_operations; i++) {
		uint16_t op = engine->operations[i];

		if (operation >= 0 && op != operation)
			continue;
		r = op_rule(op);
		if (r >= 0 && op_rules[r].to)
			add(out, op_rules[r].to, true);
		if (op == CIMREPL_OP_RESTORE_FROM_REPLICA ||
		    op_restarts_copy(op)) {
			if (has(&states, CIMREPL_COPY_STATE_UNSYNCHRONIZED) &&
			    op_restarts_copy(op))
				add(out, CIMREPL_COPY_STATE_UNSYNCHRONIZED, true);
			add(out, CIMREPL_COPY_STATE_SYNCHRONIZED, true);
		}
	}
	return true;
}

void caps_features(const struct kernel_engine_caps *engine,
		   struct caps_list *out)
{
	memset(out, 0, sizeof(*out));
	/* a list is made at one point in time: new I/O is held meanwhile */
	add(out, CIMREPL_FEATURE_SUSPENDS_SOURCE_IO, true);
	/* snapshots always take their space from the pool: 1 otherwise */
	if (engine->sync_type == CIMREPL_SYNC_TYPE_SNAPSHOT)
		add(out, CIMREPL_FEATURE_TARGET_SHALL_NOT_BE_SUPPLIED, true);
	/* targets are the size of their sources: TargetSettingGoal gives 1 */
	add(out, CIMREPL_FEATURE_TARGET_GOAL_SHALL_NOT_BE_SUPPLIED, true);
	add(out, CIMREPL_FEATURE_CLIENT_SUPPLIES_ELEMENT_NAME, true);
}

void caps_list_features(const struct kernel_engine_caps *engine,
			struct caps_list *out)
{
	(void)engine;
	memset(out, 0, sizeof(*out));
	add(out, CIMREPL_LIST_FEATURE_SUPPORTED, true);
	/* every list is made at one point in time */
	add(out, CIMREPL_LIST_FEATURE_SEQUENTIAL_CONSISTENCY, true);
}

void caps_consistency(const struct kernel_engine_caps *engine,
		      struct caps_list *out)
{
	(void)engine;
	memset(out, 0, sizeof(*out));
	add(out, CIMREPL_SUPPORTED_CONSISTENCY_SEQUENTIAL, true);
}

/* The methods. */

struct invocation {
	const struct kernel_info *info;
	const struct cim_class *service;
	const struct cim_request *req;
	uint32_t rc;
	char description[256];
	struct cim_param out[8];
	size_t n_out;
	bool oom;
};

static void fail(struct invocation *v, uint32_t rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct invocation *v, uint32_t rc, const char *fmt, ...)
{
	va_list ap;

	if (v->rc)
		return;
	v->rc = rc;
	va_start(ap, fmt);
	vsnprintf(v->description, sizeof(v->description), fmt, ap);
	va_end(ap);
}

/* A uint16 parameter: -1 when absent or NULL, -2 (and 5) when not one. */
static int u16_param(struct invocation *v, const char *name)
{
	const struct cim_param *p = cim_request_param(v->req, name);
	uint64_t value;

	if (!p || p->value.is_null)
		return -1;
	if (p->value.is_array ||
	    !cim_value_get_u64(&p->value, 0, UINT16_MAX, &value)) {
		fail(v, CIMREPL_RC_INVALID_PARAMETER, "%s: not a uint16", name);
		return -2;
	}
	return (int)value;
}

static void out_u16s(struct invocation *v, const char *name,
		     const struct caps_list *l)
{
	struct cim_param *p;
	char text[8];
	size_t i;

	if (v->oom || v->n_out >= N(v->out))
		return;
	p = &v->out[v->n_out++];
	p->name = strdup(name);
	cim_value_set_array(&p->value, CIM_TYPE_UINT16);
	v->oom = !p->name;
	for (i = 0; i < l->n && !v->oom; i++) {
		snprintf(text, sizeof(text), "%u", l->values[i]);
		v->oom = !cim_value_append(&p->value, text);
	}
}

static void out_bools(struct invocation *v, const char *name,
		      const struct caps_list *l, bool use_accessible,
		      bool value)
{
	struct cim_param *p;
	size_t i;

	if (v->oom || v->n_out >= N(v->out))
		return;
	p = &v->out[v->n_out++];
	p->name = strdup(name);
	cim_value_set_array(&p->value, CIM_TYPE_BOOLEAN);
	v->oom = !p->name;
	for (i = 0; i < l->n && !v->oom; i++)
		v->oom = !cim_value_append(&p->value,
					   (use_accessible ? l->accessible[i] :
					    value) ? "true" : "false");
}

/* The engine of the ReplicationType parameter, or NULL (and the reason). */
static const struct kernel_engine_caps *engine_param(struct invocation *v)
{
	const struct kernel_engine_caps *e;
	int type = u16_param(v, "ReplicationType");

	if (type == -1) {
		fail(v, CIMREPL_RC_INVALID_PARAMETER, "ReplicationType is required");
		return NULL;
	}
	if (type < 0)
		return NULL;
	if (!caps_replication_type_valid(type)) {
		fail(v, CIMREPL_RC_INVALID_PARAMETER,
		     "ReplicationType %d: not a value of the standard", type);
		return NULL;
	}
	e = caps_engine_of(v->info, (uint16_t)type);
	if (!e)
		fail(v, CIMREPL_RC_NOT_SUPPORTED,
		     "ReplicationType %d is not supported by this system (see SupportedReplicationTypes)",
		     type);
	return e;
}

/* A CopyState or Operation filter: -1 absent; a value out of its map: 5. */
static int filter_param(struct invocation *v, const char *name, int min,
			int max)
{
	int value = u16_param(v, name);

	if (value >= 0 && (value < min || value > max)) {
		fail(v, CIMREPL_RC_INVALID_PARAMETER,
		     "%s %d: not a value of the standard", name, value);
		return -2;
	}
	return value;
}

static void do_operations(struct invocation *v, bool list_form)
{
	const struct kernel_engine_caps *e = engine_param(v);
	int state = filter_param(v, "CopyState", CIMREPL_COPY_STATE_INITIALIZED,
				 CIMREPL_COPY_STATE_RESTORED);
	int sync_kind = list_form ? u16_param(v, "SynchronizationType") : -1;
	struct caps_list ops, controlling;
	size_t i;

	if (sync_kind >= 0 && sync_kind != CIMREPL_SYNCHRONIZATION_STORAGE &&
	    sync_kind != CIMREPL_SYNCHRONIZATION_GROUP)
		fail(v, CIMREPL_RC_INVALID_PARAMETER,
		     "SynchronizationType %d: not a value of the standard",
		     sync_kind);
	if (!e || v->rc || state < -1)
		return;
	caps_operations(e, state, &ops);
	if (sync_kind == CIMREPL_SYNCHRONIZATION_GROUP ||
	    (list_form &&
	     !service_has(v->service, "ModifyListSynchronization")) ||
	    (!list_form &&
	     !service_has(v->service, "ModifyReplicaSynchronization")))
		ops.n = 0;	/* no groups; no method to take them */
	out_u16s(v, list_form ? "SupportedListOperations" : "SupportedOperations",
		 &ops);
	/* the service controls both ends: they are local */
	controlling = ops;
	for (i = 0; i < controlling.n; i++)
		controlling.values[i] = CIMREPL_CONTROLLING_SOURCE_OR_TARGET;
	out_u16s(v, "ServiceControlling", &controlling);
	out_bools(v, "RequiresForce", &ops, false, false);
	out_bools(v, "UpdatesSynchronizedPath", &ops, false, false);
}

static void do_copy_states(struct invocation *v)
{
	const struct kernel_engine_caps *e = engine_param(v);
	int op = filter_param(v, "Operation", CIMREPL_OP_ABORT,
			      CIMREPL_OP_RESET_TO_ADAPTIVE);
	struct caps_list states;

	if (!e || v->rc || op < -1)
		return;
	caps_copy_states(e, op, &states);
	out_u16s(v, "SupportedCopyStates", &states);
	out_bools(v, "HostAccessible", &states, true, false);
}

static void do_wait_states(struct invocation *v)
{
	const struct kernel_engine_caps *e = engine_param(v);
	int method = u16_param(v, "MethodName");
	int op = filter_param(v, "Operation", CIMREPL_OP_ABORT,
			      CIMREPL_OP_RESET_TO_ADAPTIVE);
	struct caps_list states;

	if (method == -1)
		fail(v, CIMREPL_RC_INVALID_PARAMETER, "MethodName is required");
	if (!e || v->rc || op < -1 || method < 0)
		return;
	if (method < CIMREPL_METHOD_NAME_CREATE_ELEMENT_REPLICA || method > 11) {
		fail(v, CIMREPL_RC_INVALID_PARAMETER,
		     "MethodName %d: not a value of the standard", method);
		return;
	}
	if (!caps_wait_states(e, v->service, (uint16_t)method, op, &states)) {
		fail(v, CIMREPL_RC_NOT_SUPPORTED,
		     "MethodName %d: the replication service has no such method",
		     method);
		return;
	}
	out_u16s(v, "SupportedCopyStates", &states);
}

static void do_list(struct invocation *v, const char *out_name,
		    void (*fn)(const struct kernel_engine_caps *,
			       struct caps_list *))
{
	const struct kernel_engine_caps *e = engine_param(v);
	struct caps_list l;

	if (!e || v->rc)
		return;
	fn(e, &l);
	out_u16s(v, out_name, &l);
}

static const struct cim_method *find_method(const char *name)
{
	const struct cim_class *cls = classes_find(CLASS_CAPABILITIES);
	size_t i;

	for (i = 0; cls && i < cls->n_methods; i++)
		if (!strcasecmp(cls->methods[i].name, name))
			return &cls->methods[i];
	return NULL;
}

bool caps_has_method(const char *name)
{
	return find_method(name) != NULL;
}

char *caps_invoke(const struct kernel_info *info, const struct cim_class *service,
		  const struct cim_request *req, const struct cimxml_response *r,
		  size_t *len)
{
	const struct cim_method *m = find_method(req->method);
	struct invocation v = { .info = info, .service = service, .req = req };
	struct cim_value ret = { 0 };
	char rc_text[16], *doc;
	size_t i, j;

	if (!m)
		return cimxml_respond_error(r, CIM_ERR_METHOD_NOT_FOUND,
					    CLASS_CAPABILITIES " has no such method",
					    len);
	for (i = 0; i < req->n_params; i++) {
		for (j = 0; j < m->n_parameters; j++)
			if (!strcasecmp(req->params[i].name, m->parameters[j].name))
				break;
		if (j == m->n_parameters)
			return cimxml_respond_error(r, CIM_ERR_INVALID_PARAMETER,
						    "the method has no such parameter",
						    len);
	}
	if (!strcasecmp(m->name, "GetSupportedOperations"))
		do_operations(&v, false);
	else if (!strcasecmp(m->name, "GetSupportedListOperations"))
		do_operations(&v, true);
	else if (!strcasecmp(m->name, "GetSupportedCopyStates"))
		do_copy_states(&v);
	else if (!strcasecmp(m->name, "GetSupportedWaitForCopyStates"))
		do_wait_states(&v);
	else if (!strcasecmp(m->name, "GetSupportedFeatures"))
		do_list(&v, "Features", caps_features);
	else if (!strcasecmp(m->name, "GetSupportedListFeatures"))
		do_list(&v, "GroupFeatures", caps_list_features);
	else if (!strcasecmp(m->name, "GetSupportedConsistency"))
		do_list(&v, "SupportedConsistency", caps_consistency);

	if (v.rc) {
		for (i = 0; i < v.n_out; i++)
			cim_param_free(&v.out[i]);
		v.n_out = 0;
		v.out[0].name = strdup("ErrorDescription");
		v.oom = !v.out[0].name ||
			!cim_value_set(&v.out[0].value, CIM_TYPE_STRING,
				       v.description);
		v.n_out = 1;
	}
	snprintf(rc_text, sizeof(rc_text), "%" PRIu32, v.rc);
	if (v.oom || !cim_value_set(&ret, CIM_TYPE_UINT32, rc_text))
		doc = cimxml_respond_error(r, CIM_ERR_FAILED, "out of memory", len);
	else
		doc = cimxml_respond_method(r, &ret, v.out, v.n_out, len);
	cim_value_free(&ret);
	for (i = 0; i < v.n_out; i++)
		cim_param_free(&v.out[i]);
	return doc;
}

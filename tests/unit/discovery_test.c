// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of what clients discover, run under ASan/UBSan by
 * `make check`: the filters of the association operations
 * (ctl/assocfilter.c: AssocClass, ResultClass, Role, ResultRole,
 * PropertyList) and the capabilities derived from the module's engines
 * and the service's methods (ctl/capabilities.c), down to the encoded
 * method responses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/cimrepl.h>

#include "assocfilter.h"
#include "capabilities.h"
#include "classes.h"
#include "cimxml.h"
#include "interop.h"
#include "kselftest_harness.h"

/* Paths and associations */

static void volume(struct cim_path *p, const char *ns, const char *id)
{
	memset(p, 0, sizeof(*p));
	cim_path_init(p, "host1", ns, "CIM_StorageVolume");
	cim_path_add_key(p, "CreationClassName", CIM_TYPE_STRING,
			 "CIM_StorageVolume");
	cim_path_add_key(p, "DeviceID", CIM_TYPE_STRING, id);
}

static void pool(struct cim_path *p, const char *id)
{
	memset(p, 0, sizeof(*p));
	cim_path_init(p, "host1", "root/cimv2", "CIM_StoragePool");
	cim_path_add_key(p, "InstanceID", CIM_TYPE_STRING, id);
}

static struct cim_instance *assoc(const char *cls, const char *role_a,
				  const struct cim_path *a, const char *role_b,
				  const struct cim_path *b)
{
	struct cim_instance *inst = cim_instance_new(cls);

	inst->path = calloc(1, sizeof(*inst->path));
	cim_path_init(inst->path, NULL, NULL, cls);
	cim_path_add_ref_key(inst->path, role_a, a);
	cim_path_add_ref_key(inst->path, role_b, b);
	cim_value_set_ref(cim_instance_add_prop(inst, role_a), a);
	cim_value_set_ref(cim_instance_add_prop(inst, role_b), b);
	cim_instance_set_prop(inst, "SpaceConsumed", CIM_TYPE_UINT64, "42");
	return inst;
}

static bool is_a(const char *cls, const char *ancestor)
{
	const struct cim_class *c = classes_find(cls);

	return c ? classes_is_a(c, ancestor) : !strcasecmp(cls, ancestor);
}

/*
 * db0 -> sn0 and db0 -> cl0 (StorageSynchronized), pool -> sn0 and pool
 * -> cl0 (AllocatedFromStoragePool).
 */
FIXTURE(graph)
{
	struct cim_path db0, sn0, cl0, pool;
	struct cim_instance *assocs[4];
	struct assoc_match matches[8];
};

FIXTURE_SETUP(graph)
{
	volume(&self->db0, "root/cimv2", "db0");
	volume(&self->sn0, "root/cimv2", "sn0");
	volume(&self->cl0, "root/cimv2", "cl0");
	pool(&self->pool, "cimrepl:pool:default");
	self->assocs[0] = assoc(CLASS_SYNC, "SystemElement", &self->db0,
				"SyncedElement", &self->sn0);
	self->assocs[1] = assoc(CLASS_SYNC, "SystemElement", &self->db0,
				"SyncedElement", &self->cl0);
	self->assocs[2] = assoc(CLASS_ALLOCATED_FROM_POOL, "Antecedent",
				&self->pool, "Dependent", &self->sn0);
	self->assocs[3] = assoc(CLASS_ALLOCATED_FROM_POOL, "Antecedent",
				&self->pool, "Dependent", &self->cl0);
}

FIXTURE_TEARDOWN(graph)
{
	size_t i;

	for (i = 0; i < 4; i++)
		cim_instance_free(self->assocs[i]);
	cim_path_free(&self->db0);
	cim_path_free(&self->sn0);
	cim_path_free(&self->cl0);
	cim_path_free(&self->pool);
}

static size_t run(FIXTURE_DATA(graph) *self, struct assoc_query *q,
		  bool references)
{
	q->is_a = is_a;
	return assoc_filter((const struct cim_instance *const *)self->assocs, 4,
			    q, references, self->matches);
}

TEST_F(graph, associators_follow_every_association_of_the_object)
{
	struct assoc_query q = { .object = &self->sn0 };

	/* the snapshot: its source, and its pool */
	ASSERT_EQ(2, run(self, &q, false));
	EXPECT_TRUE(assoc_path_equal(self->matches[0].result, &self->db0));
	EXPECT_TRUE(assoc_path_equal(self->matches[1].result, &self->pool));
	EXPECT_EQ(self->assocs[0], self->matches[0].assoc);
}

TEST_F(graph, assoc_class_takes_subclasses_and_nothing_else)
{
	struct assoc_query q = { .object = &self->db0,
				 .assoc_class = "CIM_Synchronized" };

	/* CIM_StorageSynchronized is a CIM_Synchronized */
	EXPECT_EQ(2, run(self, &q, false));
	q.assoc_class = "cim_storagesynchronized";
	EXPECT_EQ(2, run(self, &q, false));
	q.assoc_class = CLASS_ALLOCATED_FROM_POOL;
	EXPECT_EQ(0, run(self, &q, false));
	q.assoc_class = "CIM_Component";
	EXPECT_EQ(0, run(self, &q, false));
}

TEST_F(graph, roles_pick_the_direction)
{
	struct assoc_query q = { .object = &self->db0, .role = "SystemElement" };

	EXPECT_EQ(2, run(self, &q, false));
	q.role = "syncedelement";	/* the source is never the replica */
	EXPECT_EQ(0, run(self, &q, false));
	q.object = &self->cl0;
	q.role = "SyncedElement";
	q.result_role = "SystemElement";
	ASSERT_EQ(1, run(self, &q, false));
	EXPECT_TRUE(assoc_path_equal(self->matches[0].result, &self->db0));
	q.result_role = "SyncedElement";	/* the role the object plays */
	EXPECT_EQ(0, run(self, &q, false));
}

TEST_F(graph, result_class_filters_the_other_end)
{
	struct assoc_query q = { .object = &self->cl0,
				 .result_class = "CIM_StoragePool" };

	ASSERT_EQ(1, run(self, &q, false));
	EXPECT_TRUE(assoc_path_equal(self->matches[0].result, &self->pool));
	q.result_class = "CIM_ManagedElement";	/* an ancestor of both */
	EXPECT_EQ(2, run(self, &q, false));
	q.result_class = CLASS_JOB;
	EXPECT_EQ(0, run(self, &q, false));
}

TEST_F(graph, references_filter_the_associations_by_result_class_and_role)
{
	struct assoc_query q = { .object = &self->pool };

	ASSERT_EQ(2, run(self, &q, true));
	EXPECT_EQ(self->assocs[2], self->matches[0].assoc);
	EXPECT_EQ(NULL, self->matches[0].result);
	q.object = &self->sn0;
	q.result_class = "CIM_Dependency";	/* AllocatedFromStoragePool's */
	ASSERT_EQ(1, run(self, &q, true));
	EXPECT_EQ(self->assocs[2], self->matches[0].assoc);
	q.result_class = NULL;
	q.role = "Antecedent";
	EXPECT_EQ(0, run(self, &q, true));
}

TEST_F(graph, objects_match_whatever_host_namespace_or_key_case)
{
	struct cim_path other;
	struct assoc_query q = { .object = &other };

	volume(&other, NULL, "sn0");
	free(other.host);
	other.host = NULL;
	free(other.keys[0].name);
	other.keys[0].name = strdup("creationclassname");
	EXPECT_EQ(2, run(self, &q, false));
	cim_path_free(&other);
	volume(&other, "interop", "SN0");	/* values compare as written */
	EXPECT_EQ(0, run(self, &q, false));
	cim_path_free(&other);
}

TEST(property_list_keeps_what_it_names)
{
	struct cim_instance *inst = cim_instance_new("CIM_StoragePool");
	struct cim_value list = { 0 };

	cim_instance_set_prop(inst, "InstanceID", CIM_TYPE_STRING, "p");
	cim_instance_set_prop(inst, "PoolID", CIM_TYPE_STRING, "default");
	cim_instance_set_prop(inst, "TotalManagedSpace", CIM_TYPE_UINT64, "1");
	assoc_apply_property_list(inst, NULL);
	EXPECT_EQ(3, inst->n_props);
	cim_value_set_array(&list, CIM_TYPE_STRING);
	cim_value_append(&list, "poolid");
	cim_value_append(&list, "NoSuchProperty");
	assoc_apply_property_list(inst, &list);
	ASSERT_EQ(1, inst->n_props);
	EXPECT_STREQ("PoolID", inst->props[0].name);
	cim_value_free(&list);
	cim_value_set_array(&list, CIM_TYPE_STRING);	/* empty: none */
	assoc_apply_property_list(inst, &list);
	EXPECT_EQ(0, inst->n_props);
	cim_value_free(&list);
	cim_instance_free(inst);
}

/* Capabilities */

static const uint16_t snapshot_ops[] = { CIMREPL_OP_RESTORE_FROM_REPLICA,
					 CIMREPL_OP_RETURN_TO_RESOURCE_POOL };
static const uint16_t clone_ops[] = { CIMREPL_OP_ABORT, CIMREPL_OP_DETACH,
				      CIMREPL_OP_RESYNC_REPLICA };
static const uint16_t mirror_ops[] = { CIMREPL_OP_FRACTURE, CIMREPL_OP_SPLIT,
				       CIMREPL_OP_RESYNC_REPLICA,
				       CIMREPL_OP_SUSPEND, CIMREPL_OP_RESUME,
				       CIMREPL_OP_DETACH };

static void add_engine(struct kernel_info *info, uint16_t sync_type,
		       const uint16_t *modes, size_t n_modes,
		       const uint16_t *ops, size_t n_ops)
{
	struct kernel_engine_caps *e = &info->engines[info->n_engines++];

	e->sync_type = sync_type;
	memcpy(e->modes, modes, n_modes * sizeof(*modes));
	e->n_modes = n_modes;
	memcpy(e->operations, ops, n_ops * sizeof(*ops));
	e->n_operations = n_ops;
}

/* What the module of today reports: snapshots and clones, synchronous. */
static void today(struct kernel_info *info)
{
	static const uint16_t sync_only[] = { CIMREPL_MODE_SYNCHRONOUS };

	memset(info, 0, sizeof(*info));
	add_engine(info, CIMREPL_SYNC_TYPE_SNAPSHOT, sync_only, 1,
		   snapshot_ops, 2);
	add_engine(info, CIMREPL_SYNC_TYPE_CLONE, sync_only, 1, clone_ops, 3);
}

static bool list_is(const struct caps_list *l, const uint16_t *want, size_t n)
{
	size_t i;

	if (l->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (l->values[i] != want[i])
			return false;
	return true;
}

#define LIST_IS(l, ...) \
	list_is(l, (const uint16_t[]){ __VA_ARGS__ }, \
		sizeof((const uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t))

/* A replication service with these methods. */
static const struct cim_method create_only[] = {
	{ .name = "CreateElementReplica" }, { .name = "CreateListReplica" },
};
static const struct cim_class service_create_only = {
	.name = CLASS_SERVICE, .methods = create_only, .n_methods = 2,
};
static const struct cim_method with_modify[] = {
	{ .name = "CreateElementReplica" }, { .name = "CreateListReplica" },
	{ .name = "ModifyListSynchronization" },
	{ .name = "GetReplicationRelationships" },
};
static const struct cim_class service_with_modify = {
	.name = CLASS_SERVICE, .methods = with_modify, .n_methods = 4,
};

TEST(replication_types_follow_the_engines_and_their_modes)
{
	static const uint16_t both[] = { CIMREPL_MODE_SYNCHRONOUS,
					 CIMREPL_MODE_ASYNCHRONOUS };
	struct kernel_info info;
	struct caps_list l;

	today(&info);
	caps_replication_types(&info, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_REPL_SYNC_SNAPSHOT_LOCAL,
			    CIMREPL_REPL_SYNC_CLONE_LOCAL));
	EXPECT_EQ(&info.engines[1],
		  caps_engine_of(&info, CIMREPL_REPL_SYNC_CLONE_LOCAL));
	EXPECT_EQ(NULL, caps_engine_of(&info, CIMREPL_REPL_ASYNC_CLONE_LOCAL));
	EXPECT_EQ(NULL, caps_engine_of(&info, CIMREPL_REPL_SYNC_CLONE_REMOTE));
	EXPECT_EQ(NULL, caps_engine_of(&info, CIMREPL_REPL_SYNC_MIRROR_LOCAL));
	/* the mirror engine lands: its types appear, nothing else changes */
	add_engine(&info, CIMREPL_SYNC_TYPE_MIRROR, both, 2, mirror_ops, 6);
	caps_replication_types(&info, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_REPL_SYNC_SNAPSHOT_LOCAL,
			    CIMREPL_REPL_SYNC_CLONE_LOCAL,
			    CIMREPL_REPL_SYNC_MIRROR_LOCAL,
			    CIMREPL_REPL_ASYNC_MIRROR_LOCAL));
	EXPECT_EQ(&info.engines[2],
		  caps_engine_of(&info, CIMREPL_REPL_ASYNC_MIRROR_LOCAL));
	EXPECT_TRUE(caps_replication_type_valid(25));
	EXPECT_FALSE(caps_replication_type_valid(26));
	EXPECT_FALSE(caps_replication_type_valid(1));
}

TEST(actions_are_the_service_methods_and_jobs_need_a_background_copy)
{
	static const uint16_t sync_only[] = { CIMREPL_MODE_SYNCHRONOUS };
	struct kernel_info info;
	struct caps_list l;

	today(&info);
	caps_actions(&info, &service_create_only, false, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_ACTION_CREATE_ELEMENT_REPLICA,
			    CIMREPL_ACTION_CREATE_LIST_REPLICA));
	caps_actions(&info, &service_with_modify, false, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_ACTION_CREATE_ELEMENT_REPLICA,
			    CIMREPL_ACTION_MODIFY_LIST_SYNCHRONIZATION,
			    CIMREPL_ACTION_GET_REPLICATION_RELATIONSHIPS,
			    CIMREPL_ACTION_CREATE_LIST_REPLICA));
	/* a query never makes a job */
	caps_actions(&info, &service_with_modify, true, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_ACTION_CREATE_ELEMENT_REPLICA,
			    CIMREPL_ACTION_MODIFY_LIST_SYNCHRONIZATION,
			    CIMREPL_ACTION_CREATE_LIST_REPLICA));
	/* snapshots alone complete at once: no asynchronous action */
	memset(&info, 0, sizeof(info));
	add_engine(&info, CIMREPL_SYNC_TYPE_SNAPSHOT, sync_only, 1,
		   snapshot_ops, 2);
	caps_actions(&info, &service_create_only, true, &l);
	EXPECT_EQ(0, l.n);
}

TEST(operations_per_engine_and_copy_state)
{
	struct kernel_info info;
	struct caps_list l;

	today(&info);
	caps_operations(&info.engines[0], -1, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_OP_RESTORE_FROM_REPLICA,
			    CIMREPL_OP_RETURN_TO_RESOURCE_POOL));
	caps_operations(&info.engines[1], -1, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_OP_ABORT, CIMREPL_OP_DETACH,
			    CIMREPL_OP_RESYNC_REPLICA));
	/* the clone state machine of the uapi header */
	caps_operations(&info.engines[1], CIMREPL_COPY_STATE_UNSYNCHRONIZED, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_OP_ABORT));
	caps_operations(&info.engines[1], CIMREPL_COPY_STATE_BROKEN, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_OP_ABORT, CIMREPL_OP_RESYNC_REPLICA));
	caps_operations(&info.engines[1], CIMREPL_COPY_STATE_SYNCHRONIZED, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_OP_DETACH));
	caps_operations(&info.engines[1], CIMREPL_COPY_STATE_ABORTED, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_OP_DETACH));
	/* a state the engine never reaches: nothing */
	caps_operations(&info.engines[1], CIMREPL_COPY_STATE_FRACTURED, &l);
	EXPECT_EQ(0, l.n);
	caps_operations(&info.engines[0], CIMREPL_COPY_STATE_BROKEN, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_OP_RETURN_TO_RESOURCE_POOL));
}

TEST(copy_states_and_host_access)
{
	struct kernel_info info;
	struct caps_list l;

	today(&info);
	caps_copy_states(&info.engines[1], -1, &l);
	ASSERT_TRUE(LIST_IS(&l, CIMREPL_COPY_STATE_UNSYNCHRONIZED,
			    CIMREPL_COPY_STATE_SYNCHRONIZED,
			    CIMREPL_COPY_STATE_BROKEN,
			    CIMREPL_COPY_STATE_ABORTED));
	EXPECT_TRUE(l.accessible[0]);
	EXPECT_FALSE(l.accessible[2]);
	EXPECT_TRUE(l.accessible[3]);
	/* where Detach is accepted */
	caps_copy_states(&info.engines[1], CIMREPL_OP_DETACH, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_COPY_STATE_SYNCHRONIZED,
			    CIMREPL_COPY_STATE_ABORTED));
	/* an operation the engine does not have */
	caps_copy_states(&info.engines[0], CIMREPL_OP_ABORT, &l);
	EXPECT_EQ(0, l.n);
	caps_copy_states(&info.engines[0], -1, &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_COPY_STATE_SYNCHRONIZED,
			    CIMREPL_COPY_STATE_BROKEN));
}

TEST(wait_states_of_create_and_modify_methods)
{
	struct kernel_info info;
	struct caps_list l;

	today(&info);
	ASSERT_TRUE(caps_wait_states(&info.engines[1], &service_create_only,
				     CIMREPL_METHOD_NAME_CREATE_LIST_REPLICA,
				     -1, &l));
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_COPY_STATE_UNSYNCHRONIZED,
			    CIMREPL_COPY_STATE_SYNCHRONIZED));
	ASSERT_TRUE(caps_wait_states(&info.engines[0], &service_create_only,
				     CIMREPL_METHOD_NAME_CREATE_ELEMENT_REPLICA,
				     -1, &l));
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_COPY_STATE_SYNCHRONIZED));
	/* no such method on the service */
	EXPECT_FALSE(caps_wait_states(&info.engines[1], &service_create_only,
				      CIMREPL_METHOD_NAME_MODIFY_LIST_SYNCHRONIZATION,
				      -1, &l));
	ASSERT_TRUE(caps_wait_states(&info.engines[1], &service_with_modify,
				     CIMREPL_METHOD_NAME_MODIFY_LIST_SYNCHRONIZATION,
				     CIMREPL_OP_ABORT, &l));
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_COPY_STATE_ABORTED));
	ASSERT_TRUE(caps_wait_states(&info.engines[1], &service_with_modify,
				     CIMREPL_METHOD_NAME_MODIFY_LIST_SYNCHRONIZATION,
				     CIMREPL_OP_RESYNC_REPLICA, &l));
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_COPY_STATE_UNSYNCHRONIZED,
			    CIMREPL_COPY_STATE_SYNCHRONIZED));
	/* Detach ends the synchronization: no state to wait for */
	ASSERT_TRUE(caps_wait_states(&info.engines[1], &service_with_modify,
				     CIMREPL_METHOD_NAME_MODIFY_LIST_SYNCHRONIZATION,
				     CIMREPL_OP_DETACH, &l));
	EXPECT_EQ(0, l.n);
}

TEST(features_list_features_and_consistency)
{
	struct kernel_info info;
	struct caps_list l;

	today(&info);
	caps_features(&info.engines[0], &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_FEATURE_SUSPENDS_SOURCE_IO,
			    CIMREPL_FEATURE_TARGET_SHALL_NOT_BE_SUPPLIED,
			    CIMREPL_FEATURE_TARGET_GOAL_SHALL_NOT_BE_SUPPLIED,
			    CIMREPL_FEATURE_CLIENT_SUPPLIES_ELEMENT_NAME));
	caps_features(&info.engines[1], &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_FEATURE_SUSPENDS_SOURCE_IO,
			    CIMREPL_FEATURE_TARGET_GOAL_SHALL_NOT_BE_SUPPLIED,
			    CIMREPL_FEATURE_CLIENT_SUPPLIES_ELEMENT_NAME));
	caps_list_features(&info.engines[1], &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_LIST_FEATURE_SUPPORTED,
			    CIMREPL_LIST_FEATURE_SEQUENTIAL_CONSISTENCY));
	caps_consistency(&info.engines[1], &l);
	EXPECT_TRUE(LIST_IS(&l, CIMREPL_SUPPORTED_CONSISTENCY_SEQUENTIAL));
}

/* The methods, encoded and read back as a client reads them. */

static struct cimxml_reply *invoke(struct __test_metadata *_metadata,
				   const struct cim_class *service,
				   const char *method, const char *params)
{
	struct kernel_info info;
	struct cimxml_reply *reply = NULL;
	struct cim_request *req = NULL;
	struct cimxml_response r = { .message_id = "1", .method = method,
				     .host = "host1", .namespace = "root/cimv2" };
	char doc[2048], err[256];
	size_t len;
	char *resp;

	snprintf(doc, sizeof(doc),
		 "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
		 "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>"
		 "<METHODCALL NAME=\"%s\"><LOCALCLASSPATH><LOCALNAMESPACEPATH>"
		 "<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"cimv2\"/>"
		 "</LOCALNAMESPACEPATH><CLASSNAME NAME=\"%s\"/></LOCALCLASSPATH>"
		 "%s</METHODCALL></SIMPLEREQ></MESSAGE></CIM>",
		 method, CLASS_CAPABILITIES, params);
	EXPECT_EQ(CIM_ERR_OK, cimxml_parse_request(doc, strlen(doc), &req, err,
						   sizeof(err)));
	if (!req)
		return NULL;
	today(&info);
	resp = caps_invoke(&info, service, req, &r, &len);
	cim_request_free(req);
	EXPECT_NE(NULL, resp);
	if (!resp)
		return NULL;
	EXPECT_EQ(CIM_ERR_OK, cimxml_parse_response(resp, len, &reply, err,
						    sizeof(err)));
	free(resp);
	return reply;
}

static uint64_t rc_of(const struct cimxml_reply *reply)
{
	uint64_t rc = 999;

	if (reply && reply->has_return)
		cim_value_get_u64(&reply->ret, 0, UINT32_MAX, &rc);
	return rc;
}

#define TYPE(n) "<PARAMVALUE NAME=\"ReplicationType\" PARAMTYPE=\"uint16\"><VALUE>" #n "</VALUE></PARAMVALUE>"

TEST(get_supported_operations_with_parallel_arrays)
{
	struct cimxml_reply *reply;
	const struct cim_param *p;

	reply = invoke(_metadata, &service_with_modify,
		       "GetSupportedListOperations", TYPE(10));
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(0, rc_of(reply));
	p = cimxml_reply_param(reply, "SupportedListOperations");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(3, p->value.n);
	EXPECT_STREQ("2", cim_value_get_string(&p->value, 0));
	p = cimxml_reply_param(reply, "ServiceControlling");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(3, p->value.n);
	p = cimxml_reply_param(reply, "RequiresForce");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(3, p->value.n);
	EXPECT_STREQ("false", cim_value_get_string(&p->value, 0));
	cimxml_reply_free(reply);
	/* no ModifyReplicaSynchronization: no operation to give it */
	reply = invoke(_metadata, &service_with_modify, "GetSupportedOperations",
		       TYPE(10));
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(0, rc_of(reply));
	EXPECT_EQ(0, cimxml_reply_param(reply, "SupportedOperations")->value.n);
	cimxml_reply_free(reply);
}

TEST(get_supported_copy_states_with_host_accessible)
{
	struct cimxml_reply *reply;
	const struct cim_param *p;

	reply = invoke(_metadata, &service_create_only, "GetSupportedCopyStates",
		       TYPE(6));
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(0, rc_of(reply));
	p = cimxml_reply_param(reply, "SupportedCopyStates");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(2, p->value.n);
	EXPECT_STREQ("4", cim_value_get_string(&p->value, 0));
	EXPECT_STREQ("5", cim_value_get_string(&p->value, 1));
	p = cimxml_reply_param(reply, "HostAccessible");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(2, p->value.n);
	EXPECT_STREQ("true", cim_value_get_string(&p->value, 0));
	EXPECT_STREQ("false", cim_value_get_string(&p->value, 1));
	cimxml_reply_free(reply);
}

TEST(bad_requests_get_their_return_code_and_a_description)
{
	struct cimxml_reply *reply;
	const struct cim_param *p;

	/* a remote type: not supported here */
	reply = invoke(_metadata, &service_create_only, "GetSupportedFeatures",
		       TYPE(12));
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, rc_of(reply));
	p = cimxml_reply_param(reply, "ErrorDescription");
	ASSERT_NE(NULL, p);
	EXPECT_NE(NULL, strstr(cim_value_get_string(&p->value, 0), "12"));
	EXPECT_EQ(NULL, cimxml_reply_param(reply, "Features"));
	cimxml_reply_free(reply);
	/* not in the value map, missing, a filter out of its map */
	reply = invoke(_metadata, &service_create_only, "GetSupportedFeatures",
		       TYPE(26));
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, rc_of(reply));
	cimxml_reply_free(reply);
	reply = invoke(_metadata, &service_create_only, "GetSupportedFeatures", "");
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, rc_of(reply));
	cimxml_reply_free(reply);
	reply = invoke(_metadata, &service_create_only, "GetSupportedCopyStates",
		       TYPE(10) "<PARAMVALUE NAME=\"Operation\" PARAMTYPE=\"uint16\"><VALUE>23000</VALUE></PARAMVALUE>");
	EXPECT_EQ(CIMREPL_RC_INVALID_PARAMETER, rc_of(reply));
	cimxml_reply_free(reply);
	/* a method the service does not have */
	reply = invoke(_metadata, &service_create_only,
		       "GetSupportedWaitForCopyStates",
		       TYPE(10) "<PARAMVALUE NAME=\"MethodName\" PARAMTYPE=\"uint16\"><VALUE>5</VALUE></PARAMVALUE>");
	EXPECT_EQ(CIMREPL_RC_NOT_SUPPORTED, rc_of(reply));
	cimxml_reply_free(reply);
	/* a parameter the method does not have: a CIM error */
	reply = invoke(_metadata, &service_create_only, "GetSupportedFeatures",
		       TYPE(10) "<PARAMVALUE NAME=\"Bogus\"><VALUE>1</VALUE></PARAMVALUE>");
	ASSERT_NE(NULL, reply);
	EXPECT_EQ(CIM_ERR_INVALID_PARAMETER, reply->error);
	cimxml_reply_free(reply);
}

TEST(every_capabilities_method_is_declared_for_wbemcli)
{
	const struct cim_class *cls = classes_find(CLASS_CAPABILITIES);
	size_t i, j;

	ASSERT_NE(NULL, cls);
	EXPECT_EQ(7, cls->n_methods);
	for (i = 0; i < cls->n_methods; i++) {
		bool has_type = false;

		EXPECT_TRUE(caps_has_method(cls->methods[i].name));
		for (j = 0; j < cls->methods[i].n_parameters; j++)
			if (!strcmp(cls->methods[i].parameters[j].name,
				    "ReplicationType"))
				has_type = true;
		EXPECT_TRUE(has_type);
	}
	EXPECT_FALSE(caps_has_method("GetSupportedMaximum"));
}

/* Namespaces */

TEST(interop_holds_the_profiles_root_cimv2_the_rest)
{
	const struct cim_class *profile = classes_find(CLASS_PROFILE);
	const struct cim_class *conforms = classes_find(CLASS_CONFORMS_TO_PROFILE);
	const struct cim_class *volume = classes_find(CLASS_VOLUME);
	struct daemon d = { .system_name = "host1" };
	struct model_list profiles = { 0 };
	const struct cim_param *p;
	size_t n;

	EXPECT_TRUE(interop_namespace_served("interop"));
	EXPECT_TRUE(interop_namespace_served("root/interop"));
	EXPECT_TRUE(interop_namespace_served("ROOT/CIMV2"));
	EXPECT_FALSE(interop_namespace_served("root/interop2"));
	EXPECT_FALSE(interop_namespace_served(NULL));
	EXPECT_TRUE(interop_namespace_has_class("interop", profile));
	EXPECT_FALSE(interop_namespace_has_class("root/cimv2", profile));
	EXPECT_TRUE(interop_namespace_has_class("root/interop", conforms));
	EXPECT_TRUE(interop_namespace_has_class("root/cimv2", conforms));
	EXPECT_FALSE(interop_namespace_has_class("interop", volume));
	EXPECT_TRUE(interop_namespace_has_class("root/cimv2", volume));

	/* one profile: SNIA Replication Services, its path in interop */
	interop_profiles(&n);
	EXPECT_EQ(1, n);
	ASSERT_EQ(0, interop_enumerate_profiles(&d, &profiles));
	ASSERT_EQ(1, profiles.n);
	EXPECT_STREQ("interop", profiles.items[0]->path->namespace);
	EXPECT_STREQ("host1", profiles.items[0]->path->host);
	p = cim_instance_prop(profiles.items[0], "RegisteredOrganization");
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("11", cim_value_get_string(&p->value, 0));
	p = cim_instance_prop(profiles.items[0], "RegisteredName");
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("Replication Services", cim_value_get_string(&p->value, 0));
	cim_instance_free(profiles.items[0]);
	free(profiles.items);
}

TEST_HARNESS_MAIN

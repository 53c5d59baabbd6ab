// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the rules of the Modify*Synchronization and
 * GetReplicationRelationships methods (ctl/syncops.c) and of cimreplctl's
 * translation of `sync modify` and `sync list --filter` into those
 * requests (ctl/syncreq.c), which must survive CIM-XML encoding and
 * parsing as cimrepld does it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/cimrepl.h>

#include "cimxml.h"
#include "syncops.h"
#include "syncreq.h"
#include "kselftest_harness.h"

TEST(operation_values_are_the_standards)
{
	int op;

	EXPECT_FALSE(syncop_is_standard(0, false));
	EXPECT_FALSE(syncop_is_standard(1, false));
	EXPECT_FALSE(syncop_is_standard(23, false));
	EXPECT_FALSE(syncop_is_standard(26, false));
	EXPECT_FALSE(syncop_is_standard(32768, true));
	for (op = 2; op <= 25; op++) {
		bool reserved_in_list = op == 3 || op == 5 || op == 6 || op == 13;

		if (op == 23)
			continue;
		EXPECT_TRUE(syncop_is_standard(op, false));
		EXPECT_EQ(!reserved_in_list, syncop_is_standard(op, true));
	}
}

TEST(what_each_operation_does_to_the_synchronization)
{
	EXPECT_EQ(SYNCOP_DETACHES, syncop_effect_of(CIMREPL_OP_DETACH));
	EXPECT_EQ(SYNCOP_DETACHES, syncop_effect_of(CIMREPL_OP_DISSOLVE));
	EXPECT_EQ(SYNCOP_DELETES,
		  syncop_effect_of(CIMREPL_OP_RETURN_TO_RESOURCE_POOL));
	EXPECT_EQ(SYNCOP_KEEPS, syncop_effect_of(CIMREPL_OP_ABORT));
	EXPECT_EQ(SYNCOP_KEEPS,
		  syncop_effect_of(CIMREPL_OP_RESTORE_FROM_REPLICA));
	EXPECT_EQ(SYNCOP_KEEPS, syncop_effect_of(CIMREPL_OP_FRACTURE));

	EXPECT_EQ(CIMREPL_COPY_STATE_ABORTED,
		  syncop_result_state(CIMREPL_OP_ABORT));
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  syncop_result_state(CIMREPL_OP_RESTORE_FROM_REPLICA));
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  syncop_result_state(CIMREPL_OP_RESYNC_REPLICA));
	EXPECT_EQ(CIMREPL_COPY_STATE_FRACTURED,
		  syncop_result_state(CIMREPL_OP_FRACTURE));
	EXPECT_EQ(CIMREPL_COPY_STATE_SPLIT, syncop_result_state(CIMREPL_OP_SPLIT));
	EXPECT_EQ(CIMREPL_COPY_STATE_SUSPENDED,
		  syncop_result_state(CIMREPL_OP_SUSPEND));
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED,
		  syncop_result_state(CIMREPL_OP_RESUME));
	EXPECT_EQ(-1, syncop_result_state(CIMREPL_OP_DETACH));
	EXPECT_EQ(-1, syncop_result_state(CIMREPL_OP_RETURN_TO_RESOURCE_POOL));
}

TEST(wait_for_copy_state_is_where_the_operation_leads)
{
	EXPECT_TRUE(syncop_wait_ok(CIMREPL_OP_RESTORE_FROM_REPLICA,
				   CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_FALSE(syncop_wait_ok(CIMREPL_OP_RESTORE_FROM_REPLICA,
				    CIMREPL_COPY_STATE_FRACTURED));
	EXPECT_TRUE(syncop_wait_ok(CIMREPL_OP_ABORT,
				   CIMREPL_COPY_STATE_ABORTED));
	EXPECT_FALSE(syncop_wait_ok(CIMREPL_OP_ABORT,
				    CIMREPL_COPY_STATE_SYNCHRONIZED));
	/* a restarted copy may return as soon as it runs */
	EXPECT_TRUE(syncop_wait_ok(CIMREPL_OP_RESYNC_REPLICA,
				   CIMREPL_COPY_STATE_UNSYNCHRONIZED));
	EXPECT_TRUE(syncop_wait_ok(CIMREPL_OP_RESUME,
				   CIMREPL_COPY_STATE_UNSYNCHRONIZED));
	EXPECT_FALSE(syncop_wait_ok(CIMREPL_OP_FRACTURE,
				    CIMREPL_COPY_STATE_UNSYNCHRONIZED));
	/* nothing to wait for once the synchronization is gone */
	EXPECT_FALSE(syncop_wait_ok(CIMREPL_OP_DETACH,
				    CIMREPL_COPY_STATE_SYNCHRONIZED));
	EXPECT_FALSE(syncop_wait_ok(CIMREPL_OP_RETURN_TO_RESOURCE_POOL,
				    CIMREPL_COPY_STATE_SYNCHRONIZED));
}

TEST(a_restore_in_progress_has_not_reached_its_state)
{
	EXPECT_TRUE(syncop_in_progress(CIMREPL_PROGRESS_RESTORING));
	EXPECT_TRUE(syncop_in_progress(CIMREPL_PROGRESS_FRACTURING));
	EXPECT_TRUE(syncop_in_progress(CIMREPL_PROGRESS_RESYNCING));
	/* a clone copying is where it is: Unsynchronized */
	EXPECT_FALSE(syncop_in_progress(CIMREPL_PROGRESS_SYNCHRONIZING));
	EXPECT_FALSE(syncop_in_progress(CIMREPL_PROGRESS_COMPLETED));
	EXPECT_FALSE(syncop_in_progress(CIMREPL_PROGRESS_DORMANT));
	EXPECT_FALSE(syncop_in_progress(CIMREPL_PROGRESS_REQUIRES_RESYNC));
}

TEST(operations_come_from_the_kernels_list)
{
	const uint16_t ops[] = { 2, 8, 14, 15, 19 };

	EXPECT_TRUE(syncop_listed(ops, 5, CIMREPL_OP_RESTORE_FROM_REPLICA));
	EXPECT_FALSE(syncop_listed(ops, 5, CIMREPL_OP_FRACTURE));
	EXPECT_FALSE(syncop_listed(ops, 0, CIMREPL_OP_ABORT));
}

TEST(relationship_filters)
{
	struct relationship_filter none = { -1, -1, -1, -1, -1 };
	struct relationship_filter f = none;
	char why[128] = "";

	EXPECT_TRUE(relationship_filter_valid(&f, why, sizeof(why)));
	EXPECT_TRUE(relationship_matches(&f, 7, 2, 4));
	EXPECT_TRUE(relationship_matches(&f, 8, 2, 3));

	f.sync_type = 8;
	EXPECT_TRUE(relationship_matches(&f, 8, 2, 3));
	EXPECT_FALSE(relationship_matches(&f, 7, 2, 4));
	f.copy_state = 4;
	EXPECT_FALSE(relationship_matches(&f, 8, 2, 3));
	EXPECT_TRUE(relationship_matches(&f, 8, 2, 4));
	f.mode = 3;
	EXPECT_FALSE(relationship_matches(&f, 8, 2, 4));

	/* no group synchronizations, no remote replicas here */
	f = none;
	f.type = 2;
	EXPECT_TRUE(relationship_matches(&f, 7, 2, 4));
	f.type = 3;
	EXPECT_FALSE(relationship_matches(&f, 7, 2, 4));
	f = none;
	f.locality = 2;
	EXPECT_TRUE(relationship_matches(&f, 7, 2, 4));
	f.locality = 3;
	EXPECT_FALSE(relationship_matches(&f, 7, 2, 4));

	f = none;
	f.copy_state = 19;
	EXPECT_FALSE(relationship_filter_valid(&f, why, sizeof(why)));
	EXPECT_STREQ("CopyState 19: not a value of the standard", why);
	f = none;
	f.sync_type = 5;
	EXPECT_FALSE(relationship_filter_valid(&f, why, sizeof(why)));
	EXPECT_STREQ("SyncType 5: not a value of the standard", why);
	f = none;
	f.type = 4;
	EXPECT_FALSE(relationship_filter_valid(&f, why, sizeof(why)));
	f = none;
	f.mode = 1;
	EXPECT_FALSE(relationship_filter_valid(&f, why, sizeof(why)));
}

static void service_path(struct cim_path *p)
{
	memset(p, 0, sizeof(*p));
	cim_path_init(p, NULL, NULL, "CIM_ReplicationService");
	cim_path_add_key(p, "CreationClassName", CIM_TYPE_STRING,
			 "CIM_ReplicationService");
	cim_path_add_key(p, "Name", CIM_TYPE_STRING, "cimrepl");
}

static void sync_path(struct cim_path *p, const char *source,
		      const char *target)
{
	struct cim_path s = { 0 }, t = { 0 };

	memset(p, 0, sizeof(*p));
	cim_path_init(&s, NULL, NULL, "CIM_StorageVolume");
	cim_path_add_key(&s, "DeviceID", CIM_TYPE_STRING, source);
	cim_path_init(&t, NULL, NULL, "CIM_StorageVolume");
	cim_path_add_key(&t, "DeviceID", CIM_TYPE_STRING, target);
	cim_path_init(p, NULL, NULL, "CIM_StorageSynchronized");
	cim_path_add_ref_key(p, "SystemElement", &s);
	cim_path_add_ref_key(p, "SyncedElement", &t);
	cim_path_free(&s);
	cim_path_free(&t);
}

/* Encode @req, free it, and parse it back as cimrepld would. */
static struct cim_request *round_trip(struct __test_metadata *_metadata,
				      struct cim_request *req)
{
	struct cim_request *back = NULL;
	char err[256] = "";
	char *doc;

	doc = cimxml_request(req, NULL);
	cim_request_free(req);
	EXPECT_NE(NULL, doc);
	if (!doc)
		return NULL;
	EXPECT_EQ(CIM_ERR_OK, cimxml_parse_request(doc, strlen(doc), &back,
						   err, sizeof(err)));
	free(doc);
	return back;
}

static bool parse_modify(const char *const *args,
			 struct sync_modify_options *o, char *err, size_t len)
{
	char *argv[16];
	int argc = 0;

	while (args[argc])
		argv[argc] = (char *)args[argc], argc++;
	return sync_modify_parse(argc, argv, o, err, len);
}

TEST(sync_modify_becomes_modify_list_synchronization)
{
	const char *args[] = { "--operation", "restore", "--force",
			       "--wait-for=synchronized", "s1", "s2", NULL };
	struct sync_modify_options o;
	struct cim_path svc, syncs[2];
	struct cim_request *req;
	const struct cim_param *p;
	const struct cim_path *ref;
	char err[256] = "";
	uint64_t value;
	bool flag;

	ASSERT_TRUE(parse_modify(args, &o, err, sizeof(err)));
	EXPECT_EQ(CIMREPL_OP_RESTORE_FROM_REPLICA, o.operation);
	EXPECT_TRUE(o.force);
	EXPECT_EQ(CIMREPL_COPY_STATE_SYNCHRONIZED, o.wait_for);
	ASSERT_EQ(2, o.n_targets);
	EXPECT_STREQ("s2", o.targets[1]);

	service_path(&svc);
	sync_path(&syncs[0], "v0", "s1");
	sync_path(&syncs[1], "v0", "s2");
	req = round_trip(_metadata, sync_modify_request(&o, &svc, syncs, 2));
	cim_path_free(&svc);
	cim_path_free(&syncs[0]);
	cim_path_free(&syncs[1]);
	sync_modify_options_free(&o);
	ASSERT_NE(NULL, req);
	EXPECT_STREQ("ModifyListSynchronization", req->method);
	p = cim_request_param(req, "Operation");
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(cim_value_get_u64(&p->value, 0, 65535, &value));
	EXPECT_EQ(15, value);
	p = cim_request_param(req, "Force");
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(cim_value_get_bool(&p->value, 0, &flag));
	EXPECT_TRUE(flag);
	p = cim_request_param(req, "WaitForCopyState");
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(cim_value_get_u64(&p->value, 0, 65535, &value));
	EXPECT_EQ(4, value);
	p = cim_request_param(req, "Synchronization");
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->value.is_array);
	ASSERT_EQ(2, p->value.n);
	ref = cim_value_get_ref(&p->value, 1);
	ASSERT_NE(NULL, ref);
	EXPECT_STREQ("CIM_StorageSynchronized", ref->classname);
	ASSERT_EQ(2, ref->n_keys);
	ASSERT_NE(NULL, ref->keys[1].ref);
	EXPECT_STREQ("s2", cim_path_key(ref->keys[1].ref, "DeviceID"));
	cim_request_free(req);
}

TEST(sync_modify_takes_numbers_and_refuses_nonsense)
{
	const char *numeric[] = { "--operation", "19", "snap", NULL };
	const char *none[] = { "snap", NULL };
	const char *bad_op[] = { "--operation", "explode", "snap", NULL };
	const char *no_target[] = { "--operation", "detach", NULL };
	const char *bad_state[] = { "--operation", "detach", "--wait-for",
				    "asleep", "c", NULL };
	const char *bad_opt[] = { "--operation", "detach", "--now", "c", NULL };
	const char *no_value[] = { "c", "--operation", NULL };
	struct sync_modify_options o;
	char err[256] = "";

	ASSERT_TRUE(parse_modify(numeric, &o, err, sizeof(err)));
	EXPECT_EQ(CIMREPL_OP_RETURN_TO_RESOURCE_POOL, o.operation);
	EXPECT_FALSE(o.force);
	EXPECT_EQ(-1, o.wait_for);
	sync_modify_options_free(&o);

	EXPECT_FALSE(parse_modify(none, &o, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--operation is required"));
	EXPECT_FALSE(parse_modify(bad_op, &o, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown Operation \"explode\""));
	EXPECT_FALSE(parse_modify(no_target, &o, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "at least one synchronization"));
	EXPECT_FALSE(parse_modify(bad_state, &o, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown CopyState \"asleep\""));
	EXPECT_FALSE(parse_modify(bad_opt, &o, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown argument \"--now\""));
	EXPECT_FALSE(parse_modify(no_value, &o, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--operation needs a value"));
}

TEST(sync_list_filters_become_get_replication_relationships)
{
	char *argv[] = { "--filter", "sync-type=clone", "--filter=copy-state=4",
			 "--filter", "mode=Synchronous" };
	char *bad_key[] = { "--filter", "state=4" };
	char *bad_value[] = { "--filter", "sync-type=tape" };
	char *stray[] = { "clone" };
	struct relationship_filter f;
	struct cim_request *req;
	const struct cim_param *p;
	struct cim_path svc;
	char err[256] = "";
	uint64_t value;

	ASSERT_TRUE(sync_filter_parse(0, NULL, &f, err, sizeof(err)));
	EXPECT_FALSE(sync_filter_active(&f));
	ASSERT_TRUE(sync_filter_parse(5, argv, &f, err, sizeof(err)));
	EXPECT_TRUE(sync_filter_active(&f));
	EXPECT_EQ(8, f.sync_type);
	EXPECT_EQ(4, f.copy_state);
	EXPECT_EQ(2, f.mode);
	EXPECT_EQ(-1, f.type);
	EXPECT_EQ(-1, f.locality);

	service_path(&svc);
	req = round_trip(_metadata, relationships_request(&f, &svc));
	cim_path_free(&svc);
	ASSERT_NE(NULL, req);
	EXPECT_STREQ("GetReplicationRelationships", req->method);
	EXPECT_EQ(3, req->n_params);
	p = cim_request_param(req, "SyncType");
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(cim_value_get_u64(&p->value, 0, 65535, &value));
	EXPECT_EQ(8, value);
	p = cim_request_param(req, "CopyState");
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(cim_value_get_u64(&p->value, 0, 65535, &value));
	EXPECT_EQ(4, value);
	EXPECT_EQ(NULL, cim_request_param(req, "Locality"));
	cim_request_free(req);

	EXPECT_FALSE(sync_filter_parse(2, bad_key, &f, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "not sync-type=, mode= or copy-state="));
	EXPECT_FALSE(sync_filter_parse(2, bad_value, &f, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown SyncType \"tape\""));
	EXPECT_FALSE(sync_filter_parse(1, stray, &f, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown argument \"clone\""));
}

TEST_HARNESS_MAIN

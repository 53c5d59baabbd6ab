// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of cimrepld's SQLite store (ctl/store.c), run under
 * ASan/UBSan by `make check`: rows survive a reopen, transactions are all
 * or nothing, jobs keep their replicas in order, detached replicas are
 * kept apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/cimrepl.h>

#include "kselftest_harness.h"
#include "store.h"

FIXTURE(db)
{
	char dir[64];
	struct store *st;
};

FIXTURE_SETUP(db)
{
	char err[256];

	strcpy(self->dir, "/tmp/store_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->st = store_open(self->dir, err, sizeof(err));
	ASSERT_NE(NULL, self->st) TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(db)
{
	char cmd[128];

	store_close(self->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	EXPECT_EQ(0, system(cmd));
}

static struct store_replica replica(const char *target)
{
	struct store_replica r;

	memset(&r, 0, sizeof(r));
	snprintf(r.target, sizeof(r.target), "%s", target);
	snprintf(r.source, sizeof(r.source), "vol0");
	snprintf(r.target_backstore, sizeof(r.target_backstore), "%s-bs", target);
	snprintf(r.source_backstore, sizeof(r.source_backstore), "vol0-bs");
	snprintf(r.element_name, sizeof(r.element_name), "nightly 'quoted' %s", target);
	r.sync_type = CIMREPL_SYNC_TYPE_CLONE;
	r.mode = CIMREPL_MODE_SYNCHRONOUS;
	snprintf(r.pool, sizeof(r.pool), "default");
	snprintf(r.target_file, sizeof(r.target_file), "/var/lib/cimrepl/%s.img", target);
	r.created_ns = 1764000000000000000LL;
	r.job_id = 7;
	return r;
}

static void count_replica(const struct store_replica *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
}

TEST_F(db, a_replica_survives_a_reopen_field_for_field)
{
	struct store_replica in = replica("c1"), out;
	char err[256];

	ASSERT_EQ(0, store_replica_put(self->st, &in));
	store_close(self->st);
	self->st = store_open(self->dir, err, sizeof(err));
	ASSERT_NE(NULL, self->st);
	ASSERT_EQ(0, store_replica_get(self->st, "c1", &out));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
	EXPECT_EQ(-ENOENT, store_replica_get(self->st, "c2", &out));
}

TEST_F(db, a_rolled_back_transaction_leaves_nothing)
{
	struct store_replica a = replica("a"), b = replica("b");
	int n = 0;

	ASSERT_EQ(0, store_begin(self->st));
	ASSERT_EQ(0, store_replica_put(self->st, &a));
	ASSERT_EQ(0, store_replica_put(self->st, &b));
	store_rollback(self->st);
	ASSERT_EQ(0, store_replica_list(self->st, count_replica, &n));
	EXPECT_EQ(0, n);

	ASSERT_EQ(0, store_begin(self->st));
	ASSERT_EQ(0, store_replica_put(self->st, &a));
	ASSERT_EQ(0, store_replica_put(self->st, &b));
	ASSERT_EQ(0, store_commit(self->st));
	ASSERT_EQ(0, store_replica_list(self->st, count_replica, &n));
	EXPECT_EQ(2, n);
	ASSERT_EQ(0, store_replica_delete(self->st, "a"));
	n = 0;
	ASSERT_EQ(0, store_replica_list(self->st, count_replica, &n));
	EXPECT_EQ(1, n);
}

TEST_F(db, a_detached_replica_is_kept_apart_from_the_replicas)
{
	struct store_replica in = replica("c1"), out;
	char err[256];
	int n = 0;

	/* what modify.c does at a Detach, in one transaction */
	ASSERT_EQ(0, store_replica_put(self->st, &in));
	ASSERT_EQ(0, store_begin(self->st));
	ASSERT_EQ(0, store_replica_delete(self->st, "c1"));
	ASSERT_EQ(0, store_detached_put(self->st, &in));
	ASSERT_EQ(0, store_commit(self->st));

	store_close(self->st);
	self->st = store_open(self->dir, err, sizeof(err));
	ASSERT_NE(NULL, self->st);
	EXPECT_EQ(-ENOENT, store_replica_get(self->st, "c1", &out));
	ASSERT_EQ(0, store_replica_list(self->st, count_replica, &n));
	EXPECT_EQ(0, n);
	ASSERT_EQ(0, store_detached_get(self->st, "c1", &out));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));

	ASSERT_EQ(0, store_detached_delete(self->st, "c1"));
	EXPECT_EQ(-ENOENT, store_detached_get(self->st, "c1", &out));
}

struct targets {
	char names[4][16];
	int n;
};

static void add_target(const char *target, void *arg)
{
	struct targets *t = arg;

	if (t->n < 4)
		snprintf(t->names[t->n], sizeof(t->names[0]), "%s", target);
	t->n++;
}

TEST_F(db, a_job_keeps_its_state_and_its_replicas_in_order)
{
	const char *const names[] = { "z", "a", "m" };
	struct store_job job = {
		.method = "CreateListReplica",
		.state = CIMREPL_JOB_RUNNING,
		.wait_state = CIMREPL_COPY_STATE_SYNCHRONIZED,
		.created_ns = 42,
	}, out;
	struct targets t = { .n = 0 };
	int64_t first;

	ASSERT_EQ(0, store_job_create(self->st, &job, names, 3));
	EXPECT_LT(0, job.id);
	first = job.id;
	ASSERT_EQ(0, store_job_targets(self->st, job.id, add_target, &t));
	ASSERT_EQ(3, t.n);
	EXPECT_STREQ("z", t.names[0]);
	EXPECT_STREQ("a", t.names[1]);
	EXPECT_STREQ("m", t.names[2]);

	job.state = CIMREPL_JOB_COMPLETED;
	job.percent = 100;
	job.finished_ns = 43;
	ASSERT_EQ(0, store_job_update(self->st, &job));
	ASSERT_EQ(0, store_job_get(self->st, job.id, &out));
	EXPECT_EQ(0, memcmp(&job, &out, sizeof(job)));

	/* ids are never reused, even after a delete */
	ASSERT_EQ(0, store_job_delete(self->st, first));
	EXPECT_EQ(-ENOENT, store_job_get(self->st, first, &out));
	t.n = 0;
	ASSERT_EQ(0, store_job_targets(self->st, first, add_target, &t));
	EXPECT_EQ(0, t.n);
	ASSERT_EQ(0, store_job_create(self->st, &job, NULL, 0));
	EXPECT_LT(first, job.id);
}

TEST_F(db, pools_round_trip)
{
	struct store_pool p = { .name = "default", .kind = "file",
				.path = "/var/lib/cimrepl/pools/default",
				.size = 1ULL << 40, .is_default = true }, out;

	ASSERT_EQ(0, store_pool_put(self->st, &p));
	ASSERT_EQ(0, store_pool_get(self->st, "default", &out));
	EXPECT_EQ(0, memcmp(&p, &out, sizeof(p)));
	ASSERT_EQ(0, store_pool_delete(self->st, "default"));
	EXPECT_EQ(-ENOENT, store_pool_get(self->st, "default", &out));
}

struct extent_list {
	struct store_extent v[4];
	int n;
};

static void add_extent(const struct store_extent *e, void *arg)
{
	struct extent_list *l = arg;

	if (l->n < 4)
		l->v[l->n] = *e;
	l->n++;
}

TEST_F(db, extents_by_start_and_committed_with_their_replica)
{
	struct store_extent store = { .pool = "bp", .start = 0,
				      .length = 16 << 20, .owner = "@store",
				      .dm_name = "cimrepl-bp-store",
				      .committed = true };
	struct store_extent t = { .pool = "bp", .start = 32 << 20,
				  .length = 8 << 20, .owner = "v0.c1",
				  .dm_name = "cimrepl-bp-v0.c1" };
	struct store_extent other = store;
	struct store_replica r = replica("v0.c1");
	struct extent_list l = { .n = 0 };

	snprintf(other.pool, sizeof(other.pool), "bq");
	ASSERT_EQ(0, store_extent_put(self->st, &t));
	ASSERT_EQ(0, store_extent_put(self->st, &store));
	ASSERT_EQ(0, store_extent_put(self->st, &other));
	/* reserved, then committed with the replica, or not at all */
	t.committed = true;
	ASSERT_EQ(0, store_begin(self->st));
	ASSERT_EQ(0, store_replica_put(self->st, &r));
	ASSERT_EQ(0, store_extent_put(self->st, &t));
	store_rollback(self->st);
	ASSERT_EQ(0, store_extent_list(self->st, "bp", add_extent, &l));
	ASSERT_EQ(2, l.n);
	EXPECT_EQ(0, l.v[0].start);
	EXPECT_STREQ("@store", l.v[0].owner);
	EXPECT_EQ((uint64_t)32 << 20, l.v[1].start);
	EXPECT_EQ((uint64_t)8 << 20, l.v[1].length);
	EXPECT_STREQ("cimrepl-bp-v0.c1", l.v[1].dm_name);
	EXPECT_FALSE(l.v[1].committed);

	ASSERT_EQ(0, store_begin(self->st));
	ASSERT_EQ(0, store_replica_put(self->st, &r));
	ASSERT_EQ(0, store_extent_put(self->st, &t));
	ASSERT_EQ(0, store_commit(self->st));
	l.n = 0;
	ASSERT_EQ(0, store_extent_list(self->st, "bp", add_extent, &l));
	ASSERT_EQ(2, l.n);
	EXPECT_TRUE(l.v[1].committed);

	ASSERT_EQ(0, store_extent_delete(self->st, "bp", 32 << 20));
	l.n = 0;
	ASSERT_EQ(0, store_extent_list(self->st, "bp", add_extent, &l));
	EXPECT_EQ(1, l.n);
	l.n = 0;
	ASSERT_EQ(0, store_extent_list(self->st, "bq", add_extent, &l));
	EXPECT_EQ(1, l.n);
}

TEST(a_database_from_a_newer_daemon_is_refused)
{
	char dir[] = "/tmp/store_test.XXXXXX", cmd[256], err[256];
	struct store *st;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 %s/cimrepld.db 'PRAGMA user_version=99;'", dir);
	ASSERT_EQ(0, system(cmd));
	st = store_open(dir, err, sizeof(err));
	EXPECT_EQ(NULL, st);
	EXPECT_NE(NULL, strstr(err, "newer"));
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	EXPECT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN

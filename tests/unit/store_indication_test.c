// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the store's indication objects (ctl/store.c,
 * indication_objects): they survive a reopen, in creation order, per kind;
 * a name is taken once; deleting what is not there says so; a database of
 * the previous schema (version 1) is upgraded in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "kselftest_harness.h"
#include "store.h"

struct seen {
	char names[8][64];
	char ns[8][32];
	char text[8][128];
	int n;
};

static void collect(const char *name, const char *ns, const char *instance,
		    int64_t created_ns, void *arg)
{
	struct seen *s = arg;

	(void)created_ns;
	if (s->n >= 8)
		return;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	snprintf(s->ns[s->n], sizeof(s->ns[0]), "%s", ns);
	snprintf(s->text[s->n], sizeof(s->text[0]), "%s", instance);
	s->n++;
}

static void remove_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		perror(cmd);
}

TEST(objects_survive_a_reopen_in_order_and_names_are_unique)
{
	char dir[] = "/tmp/store_ind.XXXXXX", err[256];
	struct seen s = { 0 };
	struct store *st;

	ASSERT_NE(NULL, mkdtemp(dir));
	st = store_open(dir, err, sizeof(err));
	ASSERT_NE(NULL, st) TH_LOG("%s", err);
	EXPECT_EQ(0, store_indication_put(st, "CIM_IndicationFilter", "jobs",
					  "interop", "<INSTANCE CLASSNAME=\"F\"/>", 2));
	EXPECT_EQ(0, store_indication_put(st, "CIM_IndicationFilter", "syncs",
					  "root/interop", "<INSTANCE 'q'/>", 1));
	EXPECT_EQ(0, store_indication_put(st, "destination", "jobs",
					  "interop", "<INSTANCE CLASSNAME=\"D\"/>", 3));
	EXPECT_EQ(-EEXIST, store_indication_put(st, "CIM_IndicationFilter",
						"jobs", "interop", "x", 4));
	store_close(st);

	st = store_open(dir, err, sizeof(err));
	ASSERT_NE(NULL, st) TH_LOG("%s", err);
	EXPECT_EQ(0, store_indication_list(st, "CIM_IndicationFilter", collect, &s));
	ASSERT_EQ(2, s.n);
	EXPECT_STREQ("syncs", s.names[0]);	/* created first */
	EXPECT_STREQ("root/interop", s.ns[0]);
	EXPECT_STREQ("<INSTANCE 'q'/>", s.text[0]);
	EXPECT_STREQ("jobs", s.names[1]);
	EXPECT_STREQ("<INSTANCE CLASSNAME=\"F\"/>", s.text[1]);

	EXPECT_EQ(0, store_indication_delete(st, "CIM_IndicationFilter", "jobs"));
	EXPECT_EQ(-ENOENT, store_indication_delete(st, "CIM_IndicationFilter",
						   "jobs"));
	memset(&s, 0, sizeof(s));
	EXPECT_EQ(0, store_indication_list(st, "destination", collect, &s));
	EXPECT_EQ(1, s.n);	/* another kind, same name: untouched */
	store_close(st);
	remove_dir(dir);
}

TEST(a_version_1_database_gets_the_new_table)
{
	char dir[] = "/tmp/store_ind.XXXXXX", path[64], err[256];
	struct seen s = { 0 };
	struct store *st;
	sqlite3 *db;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cimrepld.db", dir);
	ASSERT_EQ(SQLITE_OK, sqlite3_open(path, &db));
	ASSERT_EQ(SQLITE_OK, sqlite3_exec(db,
		"CREATE TABLE pools (name TEXT PRIMARY KEY, kind TEXT NOT NULL,"
		" path TEXT NOT NULL, size INTEGER NOT NULL,"
		" is_default INTEGER NOT NULL);"
		"INSERT INTO pools VALUES ('default', 'file', '/x', 1, 1);"
		"PRAGMA user_version=1;", NULL, NULL, NULL));
	sqlite3_close(db);

	st = store_open(dir, err, sizeof(err));
	ASSERT_NE(NULL, st) TH_LOG("%s", err);
	EXPECT_EQ(0, store_indication_put(st, "CIM_IndicationSubscription",
					  "a\nb", "interop", "<INSTANCE/>", 1));
	EXPECT_EQ(0, store_indication_list(st, "CIM_IndicationSubscription",
					   collect, &s));
	EXPECT_EQ(1, s.n);
	EXPECT_STREQ("a\nb", s.names[0]);
	store_close(st);
	remove_dir(dir);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * cimrepld's SQLite store (see store.h). One connection, used by one
 * thread at a time (the daemon serializes its work); write-ahead logging
 * and synchronous=FULL, so that a row written before a reply survives a
 * crash of the daemon or the host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

/* PRAGMA user_version: bumped with every change to the schema below. */
#define STORE_SCHEMA_VERSION	4

/* The columns of a replica's row, in replicas and in detached. */
#define REPLICA_TABLE_COLUMNS \
	" target TEXT PRIMARY KEY," \
	" source TEXT NOT NULL," \
	" target_backstore TEXT NOT NULL," \
	" source_backstore TEXT NOT NULL," \
	" element_name TEXT NOT NULL," \
	" sync_type INTEGER NOT NULL," \
	" mode INTEGER NOT NULL," \
	" pool TEXT NOT NULL," \
	" target_file TEXT NOT NULL," \
	" created_ns INTEGER NOT NULL," \
	" job_id INTEGER NOT NULL"

static const char store_schema[] =
	"CREATE TABLE IF NOT EXISTS replicas (" REPLICA_TABLE_COLUMNS ");"
	"CREATE TABLE IF NOT EXISTS jobs ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" method TEXT NOT NULL,"
	" state INTEGER NOT NULL,"
	" percent INTEGER NOT NULL,"
	" wait_state INTEGER NOT NULL,"
	" error_code INTEGER NOT NULL,"
	" error_description TEXT NOT NULL,"
	" created_ns INTEGER NOT NULL,"
	" finished_ns INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS job_targets ("
	" job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" target TEXT NOT NULL,"
	" PRIMARY KEY (job_id, position));"
	"CREATE TABLE IF NOT EXISTS pools ("
	" name TEXT PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" path TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" is_default INTEGER NOT NULL);"
	/* version 2: block pools' allocation map */
	"CREATE TABLE IF NOT EXISTS extents ("
	" pool TEXT NOT NULL,"
	" start INTEGER NOT NULL,"
	" length INTEGER NOT NULL,"
	" owner TEXT NOT NULL,"
	" dm_name TEXT NOT NULL,"
	" committed INTEGER NOT NULL,"
	" PRIMARY KEY (pool, start));"
	/* version 3: indication filters, listener destinations, subscriptions */
	"CREATE TABLE IF NOT EXISTS indication_objects ("
	" kind TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" namespace TEXT NOT NULL,"
	" instance TEXT NOT NULL,"
	" created_ns INTEGER NOT NULL,"
	" PRIMARY KEY (kind, name));"
	/*
	 * version 4: replicas detached from their synchronization whose
	 * target came from a daemon pool, as they were in replicas
	 */
	"CREATE TABLE IF NOT EXISTS detached (" REPLICA_TABLE_COLUMNS ");";

struct store {
	sqlite3 *db;
	char error[256];
};

static int store_fail(struct store *st, const char *what)
{
	snprintf(st->error, sizeof(st->error), "%s: %s", what,
		 sqlite3_errmsg(st->db));
	return -EIO;
}

const char *store_error(const struct store *st)
{
	return st->error;
}

static int store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(st->error, sizeof(st->error), "%s", msg ? msg : "sqlite error");
	sqlite3_free(msg);
	return -EIO;
}

struct store *store_open(const char *dir, char *err, size_t err_len)
{
	struct store *st = calloc(1, sizeof(*st));
	sqlite3_stmt *stmt = NULL;
	char path[STORE_PATH_MAX];
	int version = -1;

	if (!st) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/cimrepld.db", dir);
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, err_len, "cannot open %s: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (store_exec(st, "PRAGMA journal_mode=WAL;"
			   "PRAGMA synchronous=FULL;"
			   "PRAGMA foreign_keys=ON;"))
		goto fail_msg;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, err_len,
			 "%s has schema version %d, newer than this cimrepld (%d)",
			 path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	snprintf(path, sizeof(path), "PRAGMA user_version=%d;",
		 STORE_SCHEMA_VERSION);
	if (store_exec(st, store_schema) || store_exec(st, path))
		goto fail_msg;
	return st;

fail_msg:
	snprintf(err, err_len, "%s/cimrepld.db: %s", dir, st->error);
fail:
	sqlite3_close(st->db);
	free(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	sqlite3_close(st->db);
	free(st);
}

int store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

int store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

void store_rollback(struct store *st)
{
	store_exec(st, "ROLLBACK");
}

static sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_fail(st, "prepare");
		return NULL;
	}
	return stmt;
}

/* Step a statement that returns no rows, then finalize it. */
static int store_run(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	int ret = rc == SQLITE_DONE ? 0 : store_fail(st, what);

	sqlite3_finalize(stmt);
	return ret;
}

static void store_copy_text(char *dst, size_t size, sqlite3_stmt *stmt, int col)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	snprintf(dst, size, "%s", text ? (const char *)text : "");
}

/* Replicas. */

#define REPLICA_COLUMNS "target, source, target_backstore, source_backstore, " \
	"element_name, sync_type, mode, pool, target_file, created_ns, job_id"

static void store_read_replica(sqlite3_stmt *stmt, struct store_replica *r)
{
	memset(r, 0, sizeof(*r));
	store_copy_text(r->target, sizeof(r->target), stmt, 0);
	store_copy_text(r->source, sizeof(r->source), stmt, 1);
	store_copy_text(r->target_backstore, sizeof(r->target_backstore), stmt, 2);
	store_copy_text(r->source_backstore, sizeof(r->source_backstore), stmt, 3);
	store_copy_text(r->element_name, sizeof(r->element_name), stmt, 4);
	r->sync_type = sqlite3_column_int(stmt, 5);
	r->mode = sqlite3_column_int(stmt, 6);
	store_copy_text(r->pool, sizeof(r->pool), stmt, 7);
	store_copy_text(r->target_file, sizeof(r->target_file), stmt, 8);
	r->created_ns = sqlite3_column_int64(stmt, 9);
	r->job_id = sqlite3_column_int64(stmt, 10);
}

/* @r into @table (replicas or detached: the same columns). */
static int store_replica_put_into(struct store *st, const char *table,
				  const struct store_replica *r)
{
	char sql[512];
	sqlite3_stmt *stmt;

	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO %s (" REPLICA_COLUMNS ")"
		 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", table);
	stmt = store_prepare(st, sql);
	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, r->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, r->target_backstore, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, r->source_backstore, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, r->element_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 6, r->sync_type);
	sqlite3_bind_int(stmt, 7, r->mode);
	sqlite3_bind_text(stmt, 8, r->pool, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, r->target_file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 10, r->created_ns);
	sqlite3_bind_int64(stmt, 11, r->job_id);
	return store_run(st, stmt, "store replica");
}

int store_replica_put(struct store *st, const struct store_replica *r)
{
	return store_replica_put_into(st, "replicas", r);
}

static int store_replica_get_from(struct store *st, const char *table,
				  const char *target, struct store_replica *r)
{
	char sql[512];
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	snprintf(sql, sizeof(sql), "SELECT " REPLICA_COLUMNS " FROM %s"
		 " WHERE target = ?", table);
	stmt = store_prepare(st, sql);
	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, target, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_read_replica(stmt, r);
	else
		ret = rc == SQLITE_DONE ? -ENOENT : store_fail(st, "read replica");
	sqlite3_finalize(stmt);
	return ret;
}

int store_replica_get(struct store *st, const char *target,
		      struct store_replica *r)
{
	return store_replica_get_from(st, "replicas", target, r);
}

static int store_replica_delete_from(struct store *st, const char *table,
				     const char *target)
{
	char sql[128];
	sqlite3_stmt *stmt;

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE target = ?", table);
	stmt = store_prepare(st, sql);
	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, target, -1, SQLITE_STATIC);
	return store_run(st, stmt, "delete replica");
}

int store_replica_delete(struct store *st, const char *target)
{
	return store_replica_delete_from(st, "replicas", target);
}

int store_replica_list(struct store *st, store_replica_fn fn, void *arg)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT " REPLICA_COLUMNS " FROM replicas ORDER BY created_ns, target");
	struct store_replica r;
	int rc;

	if (!stmt)
		return -EIO;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		store_read_replica(stmt, &r);
		fn(&r, arg);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list replicas");
}

/* Detached replicas. */

int store_detached_put(struct store *st, const struct store_replica *r)
{
	return store_replica_put_into(st, "detached", r);
}

int store_detached_get(struct store *st, const char *target,
		       struct store_replica *r)
{
	return store_replica_get_from(st, "detached", target, r);
}

int store_detached_delete(struct store *st, const char *target)
{
	return store_replica_delete_from(st, "detached", target);
}

/* Jobs. */

#define JOB_COLUMNS "id, method, state, percent, wait_state, error_code, " \
	"error_description, created_ns, finished_ns"

static void store_read_job(sqlite3_stmt *stmt, struct store_job *job)
{
	memset(job, 0, sizeof(*job));
	job->id = sqlite3_column_int64(stmt, 0);
	store_copy_text(job->method, sizeof(job->method), stmt, 1);
	job->state = sqlite3_column_int(stmt, 2);
	job->percent = sqlite3_column_int(stmt, 3);
	job->wait_state = sqlite3_column_int(stmt, 4);
	job->error_code = sqlite3_column_int64(stmt, 5);
	store_copy_text(job->error_description, sizeof(job->error_description),
			stmt, 6);
	job->created_ns = sqlite3_column_int64(stmt, 7);
	job->finished_ns = sqlite3_column_int64(stmt, 8);
}

static void store_bind_job(sqlite3_stmt *stmt, const struct store_job *job)
{
	sqlite3_bind_text(stmt, 1, job->method, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, job->state);
	sqlite3_bind_int(stmt, 3, job->percent);
	sqlite3_bind_int(stmt, 4, job->wait_state);
	sqlite3_bind_int64(stmt, 5, job->error_code);
	sqlite3_bind_text(stmt, 6, job->error_description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, job->created_ns);
	sqlite3_bind_int64(stmt, 8, job->finished_ns);
}

int store_job_create(struct store *st, struct store_job *job,
		     const char *const *targets, size_t n_targets)
{
	sqlite3_stmt *stmt;
	size_t i;
	int ret;

	stmt = store_prepare(st,
		"INSERT INTO jobs (method, state, percent, wait_state, error_code,"
		" error_description, created_ns, finished_ns)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt)
		return -EIO;
	store_bind_job(stmt, job);
	ret = store_run(st, stmt, "create job");
	if (ret)
		return ret;
	job->id = sqlite3_last_insert_rowid(st->db);
	for (i = 0; i < n_targets && !ret; i++) {
		stmt = store_prepare(st,
			"INSERT INTO job_targets (job_id, position, target)"
			" VALUES (?, ?, ?)");
		if (!stmt)
			return -EIO;
		sqlite3_bind_int64(stmt, 1, job->id);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		sqlite3_bind_text(stmt, 3, targets[i], -1, SQLITE_STATIC);
		ret = store_run(st, stmt, "create job");
	}
	return ret;
}

int store_job_update(struct store *st, const struct store_job *job)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"UPDATE jobs SET method = ?, state = ?, percent = ?,"
		" wait_state = ?, error_code = ?, error_description = ?,"
		" created_ns = ?, finished_ns = ? WHERE id = ?");

	if (!stmt)
		return -EIO;
	store_bind_job(stmt, job);
	sqlite3_bind_int64(stmt, 9, job->id);
	return store_run(st, stmt, "update job");
}

int store_job_get(struct store *st, int64_t id, struct store_job *job)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT " JOB_COLUMNS " FROM jobs WHERE id = ?");
	int rc, ret = 0;

	if (!stmt)
		return -EIO;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_read_job(stmt, job);
	else
		ret = rc == SQLITE_DONE ? -ENOENT : store_fail(st, "read job");
	sqlite3_finalize(stmt);
	return ret;
}

int store_job_delete(struct store *st, int64_t id)
{
	sqlite3_stmt *stmt = store_prepare(st, "DELETE FROM jobs WHERE id = ?");

	if (!stmt)
		return -EIO;
	sqlite3_bind_int64(stmt, 1, id);
	return store_run(st, stmt, "delete job");
}

int store_job_list(struct store *st, store_job_fn fn, void *arg)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT " JOB_COLUMNS " FROM jobs ORDER BY id");
	struct store_job job;
	int rc;

	if (!stmt)
		return -EIO;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		store_read_job(stmt, &job);
		fn(&job, arg);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list jobs");
}

int store_job_targets(struct store *st, int64_t id, store_target_fn fn,
		      void *arg)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT target FROM job_targets WHERE job_id = ? ORDER BY position");
	int rc;

	if (!stmt)
		return -EIO;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(stmt, 0), arg);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list job targets");
}

/* Pools. */

static void store_read_pool(sqlite3_stmt *stmt, struct store_pool *p)
{
	memset(p, 0, sizeof(*p));
	store_copy_text(p->name, sizeof(p->name), stmt, 0);
	store_copy_text(p->kind, sizeof(p->kind), stmt, 1);
	store_copy_text(p->path, sizeof(p->path), stmt, 2);
	p->size = sqlite3_column_int64(stmt, 3);
	p->is_default = sqlite3_column_int(stmt, 4);
}

int store_pool_put(struct store *st, const struct store_pool *p)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT OR REPLACE INTO pools (name, kind, path, size, is_default)"
		" VALUES (?, ?, ?, ?, ?)");

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, p->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, p->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)p->size);
	sqlite3_bind_int(stmt, 5, p->is_default);
	return store_run(st, stmt, "store pool");
}

int store_pool_get(struct store *st, const char *name, struct store_pool *p)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT name, kind, path, size, is_default FROM pools WHERE name = ?");
	int rc, ret = 0;

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_read_pool(stmt, p);
	else
		ret = rc == SQLITE_DONE ? -ENOENT : store_fail(st, "read pool");
	sqlite3_finalize(stmt);
	return ret;
}

int store_pool_delete(struct store *st, const char *name)
{
	sqlite3_stmt *stmt = store_prepare(st, "DELETE FROM pools WHERE name = ?");

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	return store_run(st, stmt, "delete pool");
}

int store_pool_list(struct store *st, store_pool_fn fn, void *arg)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT name, kind, path, size, is_default FROM pools ORDER BY name");
	struct store_pool p;
	int rc;

	if (!stmt)
		return -EIO;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		store_read_pool(stmt, &p);
		fn(&p, arg);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list pools");
}

/* Extents. */

int store_extent_put(struct store *st, const struct store_extent *e)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT OR REPLACE INTO extents"
		" (pool, start, length, owner, dm_name, committed)"
		" VALUES (?, ?, ?, ?, ?, ?)");

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, e->pool, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)e->start);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)e->length);
	sqlite3_bind_text(stmt, 4, e->owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, e->dm_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 6, e->committed);
	return store_run(st, stmt, "store extent");
}

int store_extent_delete(struct store *st, const char *pool, uint64_t start)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"DELETE FROM extents WHERE pool = ? AND start = ?");

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, pool, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)start);
	return store_run(st, stmt, "delete extent");
}

int store_extent_list(struct store *st, const char *pool, store_extent_fn fn,
		      void *arg)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT pool, start, length, owner, dm_name, committed"
		" FROM extents WHERE pool = ? ORDER BY start");
	struct store_extent e;
	int rc;

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, pool, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		store_copy_text(e.pool, sizeof(e.pool), stmt, 0);
		e.start = (uint64_t)sqlite3_column_int64(stmt, 1);
		e.length = (uint64_t)sqlite3_column_int64(stmt, 2);
		store_copy_text(e.owner, sizeof(e.owner), stmt, 3);
		store_copy_text(e.dm_name, sizeof(e.dm_name), stmt, 4);
		e.committed = sqlite3_column_int(stmt, 5);
		fn(&e, arg);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list extents");
}

/* Indication subscriptions' objects. */

int store_indication_put(struct store *st, const char *kind, const char *name,
			 const char *namespace, const char *instance,
			 int64_t created_ns)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO indication_objects (kind, name, namespace, instance,"
		" created_ns) VALUES (?, ?, ?, ?, ?)");
	int rc;

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, namespace, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, instance, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, created_ns);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_CONSTRAINT)
		return -EEXIST;
	return rc == SQLITE_DONE ? 0 : store_fail(st, "put indication object");
}

int store_indication_delete(struct store *st, const char *kind,
			    const char *name)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"DELETE FROM indication_objects WHERE kind = ? AND name = ?");
	int ret;

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	ret = store_run(st, stmt, "delete indication object");
	if (!ret && !sqlite3_changes(st->db))
		return -ENOENT;
	return ret;
}

int store_indication_list(struct store *st, const char *kind,
			  store_indication_fn fn, void *arg)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT name, namespace, instance, created_ns FROM indication_objects"
		" WHERE kind = ? ORDER BY created_ns, name");
	int rc;

	if (!stmt)
		return -EIO;
	sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(stmt, 0),
		   (const char *)sqlite3_column_text(stmt, 1),
		   (const char *)sqlite3_column_text(stmt, 2),
		   sqlite3_column_int64(stmt, 3), arg);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, "list indication objects");
}

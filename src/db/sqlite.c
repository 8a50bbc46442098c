/*
 * sqlite.c - the SQLite driver.
 *
 * WAL journal, synchronous=FULL (an acknowledged write survives power loss),
 * a busy timeout, foreign keys on.  Each pooled connection is its own
 * sqlite3 handle opened with SQLITE_OPEN_NOMUTEX: the pool guarantees one
 * thread at a time per connection.  Write transactions use BEGIN IMMEDIATE
 * so writers queue on the busy handler instead of failing on upgrade.
 */
#include "driver.h"

#include "../core/err.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct sq_stmt {
	struct mc_stmt base;
	sqlite3_stmt *st;
	int64_t changes;
};

static int map(struct mc_conn *c, int rc)
{
	sqlite3 *h = c->h;
	int code;
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		code = (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) ? MC_E_CONFLICT
											      : MC_E_VALIDATION;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = MC_E_DB_BUSY;
		break;
	case SQLITE_NOMEM:
		code = MC_E_NOMEM;
		break;
	/* the disk (or max_page_count) is full: 507, not "unavailable" */
	case SQLITE_FULL:
		code = MC_E_STORAGE_FULL;
		break;
	default:
		code = MC_E_DB;
	}
	return mc__db_fail(c, code, "sqlite: %s (%d)", sqlite3_errmsg(h), rc);
}

static void *sq_connect(struct mc_db *db, char *errbuf, size_t errlen)
{
	sqlite3 *h = NULL;
	const char *path = db->url;
	if (strncmp(path, "sqlite:", 7) == 0)
		path += 7;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "sqlite: cannot open %s: %s", path,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, 10000);
	/* Extended codes, so that map() can tell a unique violation (409). */
	sqlite3_extended_result_codes(h, 1);
	char *msg = NULL;
	/* 8 KiB pages for a new file (set before anything is written; an
	 * existing database keeps its own until a VACUUM): a dossier row
	 * (~1.3 KB with its stored tracking answer) wastes less of a page than
	 * in 4 KiB ones, and a commit's WAL frames stay half the size of 16 KiB
	 * ones.  On 100,000 generated dossiers: 1,950 / 1,850 / 1,808 bytes a
	 * dossier with 4 / 8 / 16 KiB pages; intake and tracking best with 8. */
	rc = sqlite3_exec(h, "PRAGMA page_size=8192;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "sqlite: %s", sqlite3_errmsg(h));
		sqlite3_close(h);
		return NULL;
	}
	rc = sqlite3_exec(h,
			  "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=FULL;"
			  "PRAGMA foreign_keys=ON;"
			  "PRAGMA temp_store=MEMORY;"
			  "PRAGMA cache_size=-16000;",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

static void sq_disconnect(void *h)
{
	sqlite3_close_v2(h);
}

static int sq_exec_script(struct mc_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int code = map(c, rc);
		if (msg)
			mc__db_fail(c, code, "sqlite: %s", msg);
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

static int sq_begin(struct mc_conn *c, int write)
{
	return sq_exec_script(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sq_prepare(struct mc_conn *c, const char *sql, struct mc_stmt **out)
{
	struct sq_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return MC_E_NOMEM;
	int rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
	if (rc != SQLITE_OK) {
		free(s);
		return map(c, rc);
	}
	*out = &s->base;
	return 0;
}

static void sq_finalize(struct mc_stmt *b)
{
	struct sq_stmt *s = (struct sq_stmt *)b;
	sqlite3_finalize(s->st);
	free(s);
}

static int sq_bind(struct mc_stmt *b, int idx, int type, int64_t i, const void *p, size_t n)
{
	struct sq_stmt *s = (struct sq_stmt *)b;
	int rc;
	switch (type) {
	case MC_BIND_INT:
		rc = sqlite3_bind_int64(s->st, idx, i);
		break;
	case MC_BIND_TEXT:
		rc = sqlite3_bind_text64(s->st, idx, p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	case MC_BIND_BLOB:
		rc = sqlite3_bind_blob64(s->st, idx, p ? p : "", n, SQLITE_TRANSIENT);
		break;
	default:
		rc = sqlite3_bind_null(s->st, idx);
	}
	return rc == SQLITE_OK ? 0 : map(b->conn, rc);
}

static int sq_step(struct mc_stmt *b)
{
	struct sq_stmt *s = (struct sq_stmt *)b;
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return MC_DB_ROW;
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_changes64(b->conn->h);
		return MC_DB_DONE;
	}
	return map(b->conn, rc);
}

static int sq_col_count(struct mc_stmt *b)
{
	return sqlite3_column_count(((struct sq_stmt *)b)->st);
}
static int sq_col_is_null(struct mc_stmt *b, int col)
{
	return sqlite3_column_type(((struct sq_stmt *)b)->st, col) == SQLITE_NULL;
}
static int64_t sq_col_int64(struct mc_stmt *b, int col)
{
	return sqlite3_column_int64(((struct sq_stmt *)b)->st, col);
}
static const char *sq_col_text(struct mc_stmt *b, int col)
{
	return (const char *)sqlite3_column_text(((struct sq_stmt *)b)->st, col);
}
static const void *sq_col_blob(struct mc_stmt *b, int col, size_t *n)
{
	sqlite3_stmt *st = ((struct sq_stmt *)b)->st;
	const void *p = sqlite3_column_blob(st, col);
	*n = (size_t)sqlite3_column_bytes(st, col);
	return p;
}
static int64_t sq_changes(struct mc_stmt *b)
{
	return ((struct sq_stmt *)b)->changes;
}
static void sq_reset(struct mc_stmt *b)
{
	struct sq_stmt *s = (struct sq_stmt *)b;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
}

static int sq_tx_alive(struct mc_conn *c)
{
	return !sqlite3_get_autocommit(c->h);
}

const struct mc_driver mc_sqlite_driver = {
	.name = "sqlite",
	.kind = MC_DB_SQLITE,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec_script = sq_exec_script,
	.begin = sq_begin,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind = sq_bind,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_is_null = sq_col_is_null,
	.col_int64 = sq_col_int64,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.changes = sq_changes,
	.reset = sq_reset,
	.tx_alive = sq_tx_alive,
};

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

#include "../core/arena.h"
#include "../core/err.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* mc_dossier_id(code): a new dossier's id.  On PostgreSQL a function of
 * migration 0045 gives the id that places the dossier in its month's
 * partition; SQLite has one table, so NULL: the next rowid. */
static void sq_dossier_id(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(ctx);
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
	sqlite3_create_function_v2(h, "mc_dossier_id", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL, sq_dossier_id, NULL,
				   NULL, NULL);
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

/*
 * Claims (db.h): one process serves a SQLite database, so a claim is a
 * mark in this process's list, which dies with it.  The list holds the
 * claims of every connection of every pool of the process (as many as
 * the requests in flight), each tagged with its pool.
 */
static pthread_mutex_t claims_mu = PTHREAD_MUTEX_INITIALIZER;
static struct claim {
	const struct mc_db *db;
	int64_t id;
} * claims;
static size_t nclaims, claims_cap;

static int sq_claim(struct mc_conn *c, int64_t id)
{
	int taken = 1;
	pthread_mutex_lock(&claims_mu);
	for (size_t i = 0; i < nclaims && taken; i++)
		taken = !(claims[i].db == c->db && claims[i].id == id);
	if (taken) {
		if (nclaims == claims_cap) {
			claims_cap = claims_cap ? 2 * claims_cap : 32;
			claims = mc_xrealloc(claims, claims_cap * sizeof(*claims));
		}
		claims[nclaims++] = (struct claim){c->db, id};
	}
	pthread_mutex_unlock(&claims_mu);
	return taken;
}

static void sq_unclaim(struct mc_conn *c, int64_t id)
{
	pthread_mutex_lock(&claims_mu);
	for (size_t i = 0; i < nclaims; i++)
		if (claims[i].db == c->db && claims[i].id == id) {
			claims[i] = claims[--nclaims];
			break;
		}
	pthread_mutex_unlock(&claims_mu);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* PRAGMA integrity_check on the open database h: 0 when it says "ok",
 * else -1 with its first finding (or the error) in why. */
static int integrity(sqlite3 *h, char *why, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	const char *r = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	int ok = r && strcmp(r, "ok") == 0;
	if (!ok)
		snprintf(why, n, "integrity_check: %s", r ? r : sqlite3_errmsg(h));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* Open an existing file for the backup's own use: no busy wait beyond
 * wait_ms, extended codes.  NULL with why. */
static sqlite3 *open_file(const char *path, int flags, int wait_ms, char *why, size_t n)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, n, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, wait_ms);
	return h;
}

static int sq_backup(struct mc_conn *c, const char *dest, int step_pages, int pause_ms, struct mc_db_backup_info *info)
{
	sqlite3 *src = c->h, *dst = NULL;
	sqlite3_backup *b = NULL;
	char why[300] = "";
	int code = 0;
	struct stat st;
	if (lstat(dest, &st) == 0) {
		mc__db_fail(c, MC_E_CONFLICT, "backup: %s exists already", dest);
		return MC_E_CONFLICT;
	}
	/* One read transaction over every step: the copy is the database as
	 * of the first one.  Without it each step takes a read transaction of
	 * its own, and any commit by another connection in between makes
	 * SQLite start the copy again - under steady writes, for ever.  In
	 * WAL mode a reader holds up no writer (the WAL only grows until the
	 * copy ends and a checkpoint can pass it). */
	int rc = sqlite3_exec(src, "BEGIN; SELECT COUNT(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		code = map(c, rc);
		goto out;
	}
	if (!(dst = open_file(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000, why, sizeof(why)))) {
		code = MC_E_IO;
		goto out;
	}
	if (!(b = sqlite3_backup_init(dst, "main", src, "main"))) {
		snprintf(why, sizeof(why), "backup_init: %s", sqlite3_errmsg(dst));
		code = MC_E_DB;
		goto out;
	}
	for (;;) {
		rc = sqlite3_backup_step(b, step_pages);
		info->steps++;
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_OK) {
			if (pause_ms)
				sleep_ms(pause_ms);
			continue;
		}
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
			sleep_ms(pause_ms ? pause_ms : 5);
			continue;
		}
		snprintf(why, sizeof(why), "backup_step: %s (%d)", sqlite3_errstr(rc), rc);
		code = (rc & 0xff) == SQLITE_FULL ? MC_E_STORAGE_FULL : MC_E_IO;
		goto out;
	}
	info->pages = sqlite3_backup_pagecount(b);
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "backup_finish: %s", sqlite3_errmsg(dst));
		code = MC_E_IO;
		goto out;
	}
	sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	sqlite3_stmt *ps = NULL;
	if (sqlite3_prepare_v2(dst, "PRAGMA page_size", -1, &ps, NULL) == SQLITE_OK && sqlite3_step(ps) == SQLITE_ROW)
		info->page_size = sqlite3_column_int64(ps, 0);
	sqlite3_finalize(ps);
	if (integrity(dst, why, sizeof(why))) {
		code = MC_E_DB;
		goto out;
	}
	/* the last connection to close merges and removes the copy's WAL */
	rc = sqlite3_close(dst);
	dst = NULL;
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "cannot close the copy: %s", sqlite3_errstr(rc));
		code = MC_E_IO;
	}
out:
	if (b)
		sqlite3_backup_finish(b);
	if (dst)
		sqlite3_close(dst);
	if (!sqlite3_get_autocommit(src)) /* the read transaction, when it was left open */
		sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	if (code) {
		if (why[0])
			mc__db_fail(c, code, "backup: %s", why);
		char side[600];
		unlink(dest);
		snprintf(side, sizeof(side), "%.580s-wal", dest);
		unlink(side);
		snprintf(side, sizeof(side), "%.580s-shm", dest);
		unlink(side);
		snprintf(side, sizeof(side), "%.580s-journal", dest);
		unlink(side);
	}
	return code;
}

/* fsync the folder of path, so that a rename in it is durable. */
static int sync_dir(const char *path)
{
	char d[600];
	snprintf(d, sizeof(d), "%.590s", path);
	char *slash = strrchr(d, '/');
	if (slash == d)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(d, sizeof(d), ".");
	int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int mc_db_sqlite_replace(const char *db_path, const char *copy, const char *keep_as, char *err, size_t errlen)
{
	struct stat st;
	/* The copy first: nothing is touched for a bad one. */
	sqlite3 *h = open_file(copy, SQLITE_OPEN_READWRITE, 1000, err, errlen);
	if (!h)
		return MC_E_IO;
	int bad = integrity(h, err, errlen);
	if (sqlite3_close(h) != SQLITE_OK || bad)
		return MC_E_DB;
	if (lstat(db_path, &st) == 0) {
		/* Nothing may have the database open.  A connection in WAL mode
		 * holds a shared lock on the file for as long as it is open, so
		 * the exclusive lock (exclusive locking mode, no wait) is refused
		 * while a server runs; holding it, the WAL is merged in, and the
		 * close removes it. */
		if (!(h = open_file(db_path, SQLITE_OPEN_READWRITE, 0, err, errlen)))
			return MC_E_IO;
		int rc = sqlite3_exec(h,
				      "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;"
				      "PRAGMA wal_checkpoint(TRUNCATE);",
				      NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			int busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
			snprintf(err, errlen, "%s: %s", db_path,
				 busy ? "in use (a motcua server or another program has it open): stop it first"
				      : sqlite3_errmsg(h));
			sqlite3_close(h);
			return busy ? MC_E_DB_BUSY : MC_E_DB;
		}
		if (sqlite3_close(h) != SQLITE_OK) {
			snprintf(err, errlen, "%s: cannot close it", db_path);
			return MC_E_IO;
		}
		char side[600];
		snprintf(side, sizeof(side), "%.580s-wal", db_path);
		if (lstat(side, &st) == 0 && st.st_size > 0) {
			snprintf(err, errlen, "%s: its WAL could not be merged into it", db_path);
			return MC_E_DB_BUSY;
		}
		unlink(side);
		snprintf(side, sizeof(side), "%.580s-shm", db_path);
		unlink(side);
		if (keep_as ? rename(db_path, keep_as) : unlink(db_path)) {
			snprintf(err, errlen, "cannot move %s aside: %s", db_path, strerror(errno));
			return MC_E_IO;
		}
	}
	if (rename(copy, db_path)) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", copy, db_path, strerror(errno));
		return MC_E_IO;
	}
	if (sync_dir(db_path)) {
		snprintf(err, errlen, "cannot sync the folder of %s: %s", db_path, strerror(errno));
		return MC_E_IO;
	}
	return 0;
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
	.claim = sq_claim,
	.unclaim = sq_unclaim,
	.backup = sq_backup,
};

/*
 * db.h - the storage interface: one API over SQLite and PostgreSQL.
 *
 * SQL is written once, with '?' placeholders; the PostgreSQL driver rewrites
 * them to $1, $2, ...  Only migrations differ per back-end.  Values cross the
 * interface as int64, text (UTF-8) or blobs; instants are int64 UTC
 * milliseconds and booleans are 0/1 integers, so the same SQL runs on both.
 *
 * A struct mc_db is a pool of connections; a request borrows one for its
 * lifetime.  Prepared statements are cached per connection by SQL text.
 * Errors are MC_E_* codes: a unique violation gives MC_E_CONFLICT, lock
 * contention MC_E_DB_BUSY, a full disk MC_E_STORAGE_FULL (507), a database
 * that does not answer or cannot be reached MC_E_DB_DOWN, anything else
 * MC_E_DB; mc_conn_errmsg() tells the log-only detail (never a DETAIL line,
 * which may quote personal data).
 */
#ifndef MC_DB_H
#define MC_DB_H

#include <stddef.h>
#include <stdint.h>

struct mc_db;
struct mc_conn;
struct mc_stmt;

enum mc_db_kind { MC_DB_SQLITE, MC_DB_PG };

#define MC_DB_ROW  1
#define MC_DB_DONE 0

/*
 * Time limits of a pool, in milliseconds; 0 turns one off.  They concern
 * PostgreSQL, a server that can hang, restart or vanish; SQLite ignores
 * them (it has its own busy timeout).
 *   connect_ms    opening a connection, and re-opening one that was lost
 *                 (0 = 10 s)
 *   statement_ms  one statement: the server cancels it (statement_timeout,
 *                 MC_E_DB_BUSY); a server that cannot (a hung one) is given
 *                 up one second later: the connection is dropped and the
 *                 statement fails with MC_E_DB_DOWN
 *   lock_ms       waiting for a lock (lock_timeout): MC_E_DB_BUSY
 *   hang_ms       the hang watch.  A statement without an answer for half
 *                 of this makes the pool ask the server, on a connection of
 *                 its own, for a SELECT 1 within the other half.  Without an
 *                 answer to that either, the database is "down": statements
 *                 waiting on it give up (MC_E_DB_DOWN), mc_db_acquire()
 *                 fails at once with MC_E_DB_DOWN, and the check is repeated
 *                 every hang_ms until the server answers again.  So a hung
 *                 server holds a thread for about hang_ms; a slow statement
 *                 on a server that answers is left alone.
 */
struct mc_db_limits {
	int connect_ms;
	int statement_ms;
	int lock_ms;
	int hang_ms;
};

/* Open a pool of pool_size connections to url: a file path (SQLite) or a
 * postgresql:// URL.  On failure *out is NULL and errbuf says why.
 * mc_db_open connects within 10 s and sets no other limit. */
int mc_db_open(const char *url, int pool_size, struct mc_db **out, char *errbuf, size_t errlen);
int mc_db_open_limits(const char *url, int pool_size, const struct mc_db_limits *lim, struct mc_db **out, char *errbuf,
		      size_t errlen);
/* Change the limits of an open pool while none of its connections is lent
 * (MC_E_INTERNAL otherwise); `serve` sets them after migrating, so that a
 * long migration is not cut short.  Starts the hang watch when hang_ms > 0.
 * On failure errbuf says why. */
int mc_db_set_limits(struct mc_db *db, const struct mc_db_limits *lim, char *errbuf, size_t errlen);
void mc_db_close(struct mc_db *db);
enum mc_db_kind mc_db_kind(const struct mc_db *db);
const char *mc_db_kind_name(const struct mc_db *db);

/* Borrow a connection (waits up to 10 s: MC_E_DB_BUSY) and give it back.
 * While the hang watch holds the database down, fails at once with
 * MC_E_DB_DOWN.  A connection given back inside a transaction is rolled
 * back. */
int mc_db_acquire(struct mc_db *db, struct mc_conn **out);
void mc_db_release(struct mc_conn *c);

/* Pool figures for /metrics. */
void mc_db_stats(struct mc_db *db, int *size, int *in_use, uint64_t *waits, uint64_t *acquired);
/* Statements run (each mc_prepare: every query and exec) and transactions
 * committed (mc_tx_commit's COMMIT) since the pool opened, on all its
 * connections. */
void mc_db_work(struct mc_db *db, uint64_t *statements, uint64_t *commits);
/* Hang watch figures for /metrics: *down is 1 while the database is held
 * down; *downs counts the times it was found down; *refused the borrowers
 * turned away meanwhile. */
void mc_db_health_stats(struct mc_db *db, int *down, uint64_t *downs, uint64_t *refused);

/* Cheap round trip: is the database reachable?  On PostgreSQL the answer
 * must come within hang_ms (2 s when the watch is off). */
int mc_db_ping(struct mc_conn *c);
/* Readiness without waiting long: MC_E_DB_DOWN at once while the database is
 * held down, MC_E_DB_BUSY when no connection is free within the ping's
 * deadline, else mc_db_ping() on a borrowed connection. */
int mc_db_ready(struct mc_db *db);

/* Transactions.  write=1 takes the write lock at once (SQLite BEGIN
 * IMMEDIATE), so a read-then-write transaction never deadlocks. */
int mc_tx_begin(struct mc_conn *c, int write);
int mc_tx_commit(struct mc_conn *c);
int mc_tx_rollback(struct mc_conn *c);
int mc_in_tx(const struct mc_conn *c);

/*
 * Held commits: after mc_tx_hold(c), the first mc_tx_commit() keeps its
 * transaction open instead of committing, so that the caller can write
 * more in it (the idempotency store writes the request's answer) and then
 * make everything durable at once with mc_tx_settle(c, 1), or nothing with
 * mc_tx_settle(c, 0).  To the code in between, the commit happened:
 * mc_in_tx() is 0, and a later mc_tx_begin/commit/rollback works on a
 * savepoint of the held transaction, so a later failure undoes only its own
 * part.  A write (INSERT, UPDATE, DELETE) outside any transaction under a
 * hold opens the held transaction too, so that it is not durable before
 * the rest.  mc_db_release() settles an unsettled hold by rolling back.
 */
void mc_tx_hold(struct mc_conn *c);
/* 1 while a hold is on (mc_tx_hold, not yet settled). */
int mc_tx_held(const struct mc_conn *c);
/* Run fn(arg) once the current transaction is durable: after its COMMIT
 * (for a held one, when it is settled), never if it rolls back; at once
 * when no transaction is open.  For what lives outside the database and
 * must follow it, like the session cache: cleared before the commit, a
 * cache could be filled again from rows about to change. */
void mc_tx_on_commit(struct mc_conn *c, void (*fn)(int64_t), int64_t arg);
/* End the hold: commit (commit = 1) or roll back what is held. */
int mc_tx_settle(struct mc_conn *c, int commit);

/*
 * Claims: a number (a hash of what is claimed) that one holder at a time
 * claims, and that is given up when its holder ends, however it ends - so
 * that who finds a thing claimed knows that its holder still lives.  On
 * PostgreSQL a session advisory lock of c's connection, shared by every
 * server on the database and given up when the connection closes (its
 * server killed, the database failed over); on SQLite, which one process
 * serves, a mark in this process, given up when it dies.  A PostgreSQL
 * connection lost between two statements and opened again has lost its
 * claims without a word: a claim tells that its holder lives, not that a
 * holder still owns what it claimed; writes that need the latter must
 * check it (the idempotency store: its owner column).
 * mc_db_claim: 1 when c now holds id, 0 when another holder does, or an
 * MC_E_* code; at most 4 claims a connection (MC_E_INTERNAL beyond), none
 * while a write of c runs on the write lane (MC_E_INTERNAL).
 * mc_db_unclaim gives id up (nothing when c does not hold it);
 * mc_db_release gives up every claim c still holds.
 */
int mc_db_claim(struct mc_conn *c, int64_t id);
void mc_db_unclaim(struct mc_conn *c, int64_t id);

/*
 * Group commit.  With max_jobs > 0, every write transaction of the pool
 * (mc_tx_begin(c, 1), a held transaction, and a write outside any
 * transaction) runs on one connection of the pool's own, the write lane,
 * as a savepoint of a transaction shared with the write transactions that
 * run just before and after it; up to max_jobs of them are made durable by
 * one COMMIT (one fsync).  To its caller nothing changes: mc_tx_commit()
 * returns once the COMMIT that holds the transaction is durable (its
 * error when it failed); a failed or rolled-back transaction undoes only
 * its own work.  Reads outside a write transaction stay on the caller's
 * connection and see what is committed.  A thread must not open a write
 * transaction on a second connection while it holds one (MC_E_INTERNAL).
 * max_jobs = 0 turns it off.  Called while no connection is lent
 * (MC_E_INTERNAL otherwise); errbuf says why it failed.
 */
int mc_db_group_commit(struct mc_db *db, int max_jobs, char *errbuf, size_t errlen);
/* Write transactions committed through the lane, and the COMMITs that
 * made them durable, since it was turned on. */
void mc_db_group_commit_stats(struct mc_db *db, uint64_t *jobs, uint64_t *batches);

/* Run several ';'-separated statements without parameters (migrations). */
int mc_exec_script(struct mc_conn *c, const char *sql);

/*
 * Prepare (or take from the cache) a statement.  Bind with 1-based indexes,
 * step until MC_DB_DONE, read columns 0-based, then mc_stmt_done().
 */
int mc_prepare(struct mc_conn *c, const char *sql, struct mc_stmt **out);
int mc_bind_int64(struct mc_stmt *s, int idx, int64_t v);
int mc_bind_text(struct mc_stmt *s, int idx, const char *v); /* NULL binds NULL */
int mc_bind_blob(struct mc_stmt *s, int idx, const void *p, size_t n);
int mc_bind_null(struct mc_stmt *s, int idx);
int mc_step(struct mc_stmt *s); /* MC_DB_ROW, MC_DB_DONE or MC_E_* */
int mc_col_count(struct mc_stmt *s);
int mc_col_is_null(struct mc_stmt *s, int col);
int64_t mc_col_int64(struct mc_stmt *s, int col);
const char *mc_col_text(struct mc_stmt *s, int col); /* NULL for NULL; valid until next step */
const void *mc_col_blob(struct mc_stmt *s, int col, size_t *n);
/* Rows changed by the last completed statement. */
int64_t mc_changes(struct mc_stmt *s);
void mc_stmt_done(struct mc_stmt *s);
/* Step to the one row a query is expected to give: 0 with the row ready,
 * MC_E_NOT_FOUND when there is none, or the error that ended the rows. */
int mc_step_row(struct mc_stmt *s);
/* Run a statement that returns one integer (INSERT ... RETURNING id): the
 * first row's column 0 in *v (left as it is when no row comes; v may be
 * NULL), every row read, s finished.  0 or the error. */
int mc_step_returning(struct mc_stmt *s, int64_t *v);

/*
 * Convenience: prepare + bind from a type string, one letter per argument:
 *   'i' int64_t, 'd' int (widened), 't' const char * (NULL = SQL NULL),
 *   'b' const void * + size_t (blob).
 * mc_query leaves the statement ready to step; mc_exec runs it to the end
 * and returns the number of rows changed (>= 0) or an MC_E_* code.
 */
int mc_query(struct mc_conn *c, struct mc_stmt **out, const char *sql, const char *types, ...);
int64_t mc_exec(struct mc_conn *c, const char *sql, const char *types, ...);
/* Run a query expected to give at most one row with one integer column.
 * Returns 0 and sets *v; MC_E_NOT_FOUND when there is no row. */
int mc_query_int64(struct mc_conn *c, int64_t *v, const char *sql, const char *types, ...);

const char *mc_conn_errmsg(struct mc_conn *c);
struct mc_db *mc_conn_db(struct mc_conn *c);

/*
 * Bulk load (PostgreSQL's COPY; for generated benchmark data, never for a
 * request's rows).  Inside a write transaction (mc_tx_begin(c, 1)):
 *   mc_copy_begin(c, "dossier_steps", "dossier_id, seq, name", &cp);
 *   for each row: mc_copy_int(cp, id); mc_copy_text(cp, name); ...
 *                 mc_copy_row_end(cp);
 *   rc = mc_copy_end(cp, &rows);      (frees cp, whatever happens)
 * The values of a row are given in the order of `columns`, in COPY's text
 * format (the helpers escape them); rows are sent in chunks as they fill a
 * buffer.  A failure of a value (the server refusing a row) is told by
 * mc_copy_end, whose return is 0 or the MC_E_* code (mc_conn_errmsg says
 * why); the transaction must then be rolled back.  mc_copy_abort ends the
 * COPY with an error and frees cp.  SQLite has no COPY: mc_copy_begin
 * returns MC_E_INVAL there (its prepared INSERTs are as fast).  table and
 * columns are SQL text from the caller, never from input.
 */
struct mc_copy;
int mc_copy_supported(const struct mc_db *db);
int mc_copy_begin(struct mc_conn *c, const char *table, const char *columns, struct mc_copy **out);
void mc_copy_int(struct mc_copy *cp, int64_t v);
/* 0 as SQL NULL, else the value (the generator's optional ids and instants) */
void mc_copy_int_or_null(struct mc_copy *cp, int64_t v);
void mc_copy_text(struct mc_copy *cp, const char *v); /* NULL: SQL NULL */
void mc_copy_bytea(struct mc_copy *cp, const void *p, size_t n);
void mc_copy_null(struct mc_copy *cp);
/* End the row; sends the buffer when full.  0 or the error of the send. */
int mc_copy_row_end(struct mc_copy *cp);
int mc_copy_end(struct mc_copy *cp, int64_t *rows);
void mc_copy_abort(struct mc_copy *cp);

/*
 * Backups (SQLite; motcua backup).  PostgreSQL is backed up with its own
 * tools (pg_basebackup, pgBackRest: docs/operations.md): these give
 * MC_E_INVAL for it.
 */
struct mc_db_backup_info {
	int64_t pages;     /* pages copied */
	int64_t page_size; /* bytes a page */
	int64_t steps;     /* sqlite3_backup_step calls */
};
/* Copy the database c is connected to into dest, a file that must not
 * exist yet, while the server goes on: SQLite's online backup, step_pages
 * pages a step with pause_ms between steps, all in one read transaction
 * on c, so that the copy is the database as it was when the copy began
 * (in WAL mode writers are never held up by it, and a commit by another
 * connection does not restart it).  Then PRAGMA integrity_check on the
 * copy, which is closed clean (no -wal beside it).  0, or an MC_E_* code
 * with the reason in mc_conn_errmsg(c); dest is removed on failure.  c
 * must not be in a transaction. */
int mc_db_backup(struct mc_conn *c, const char *dest, int step_pages, int pause_ms, struct mc_db_backup_info *info);
/* Put the SQLite file copy (a backup, in db_path's folder) in place of the
 * database db_path, which nothing may have open: refused (MC_E_DB_BUSY)
 * when a process has it open (a running server); else its WAL is merged
 * into it and it is renamed to keep_as (when it exists; keep_as NULL:
 * removed), copy is checked (PRAGMA integrity_check) and renamed to
 * db_path.  0 or an MC_E_* code with the reason in err. */
int mc_db_sqlite_replace(const char *db_path, const char *copy, const char *keep_as, char *err, size_t errlen);

#endif

/*
 * driver.h - what a storage back-end implements (internal to src/db).
 * After curl's vtls backends: a table of functions, one per back-end.
 */
#ifndef MC_DB_DRIVER_H
#define MC_DB_DRIVER_H

#include "db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

struct mc_driver {
	const char *name;
	enum mc_db_kind kind;
	/* Open one connection to db->url within db->lim; returns an opaque
	 * handle or NULL with errbuf. */
	void *(*connect)(struct mc_db *db, char *errbuf, size_t errlen);
	void (*disconnect)(void *h);
	/* Apply db->lim to an idle connection (NULL: nothing to apply). */
	int (*configure)(struct mc_conn *c);
	/* The hang watch's check (NULL: no watch for this back-end): does the
	 * server answer a round trip on the watch's own connection *h within
	 * db->lim.hang_ms / 2?  The connection is made or remade first when
	 * needed, within connect_ms.  0, or MC_E_DB_DOWN with the reason in
	 * why. */
	int (*probe)(struct mc_db *db, void **h, int connect_ms, char *why, size_t n);
	int (*exec_script)(struct mc_conn *c, const char *sql);
	int (*begin)(struct mc_conn *c, int write);
	/* Prepare a new statement object (the cache is above the driver). */
	int (*prepare)(struct mc_conn *c, const char *sql, struct mc_stmt **out);
	void (*finalize)(struct mc_stmt *s);
	int (*bind)(struct mc_stmt *s, int idx, int type, int64_t i, const void *p, size_t n);
	int (*step)(struct mc_stmt *s);
	int (*col_count)(struct mc_stmt *s);
	int (*col_is_null)(struct mc_stmt *s, int col);
	int64_t (*col_int64)(struct mc_stmt *s, int col);
	const char *(*col_text)(struct mc_stmt *s, int col);
	const void *(*col_blob)(struct mc_stmt *s, int col, size_t *n);
	int64_t (*changes)(struct mc_stmt *s);
	void (*reset)(struct mc_stmt *s);
	/* A transaction is open on the connection and can go on (after a
	 * failed statement too, once rolled back to a savepoint). */
	int (*tx_alive)(struct mc_conn *c);
	/* Bulk load (copy.c; NULL: the back-end has none).  copy_begin sends
	 * a COPY ... FROM STDIN and waits until the server takes data;
	 * copy_data sends n bytes of it (waiting while libpq's buffer is
	 * full); copy_end ends it (abort_msg NULL: commit the rows to the
	 * transaction, else fail the COPY with that message) and reads the
	 * outcome.  0 or an MC_E_* code with the reason in c->errmsg. */
	int (*copy_begin)(struct mc_conn *c, const char *sql);
	int (*copy_data)(struct mc_conn *c, const void *p, size_t n);
	int (*copy_end)(struct mc_conn *c, const char *abort_msg, int64_t *rows);
	/* mc_db_claim / mc_db_unclaim on c itself (never its lane writer):
	 * claim gives 1 when c now holds id, 0 when another holder does. */
	int (*claim)(struct mc_conn *c, int64_t id);
	void (*unclaim)(struct mc_conn *c, int64_t id);
	/* mc_db_backup (NULL: the back-end has its own tools) */
	int (*backup)(struct mc_conn *c, const char *dest, int step_pages, int pause_ms,
		      struct mc_db_backup_info *info);
};

enum { MC_BIND_NULL, MC_BIND_INT, MC_BIND_TEXT, MC_BIND_BLOB };

#define MC_STMT_CACHE  64
#define MC_CONN_CLAIMS 4

/* Every driver's statement starts with this header. */
struct mc_stmt {
	struct mc_conn *conn;
	char *sql;   /* owned copy, the cache key */
	int nparams; /* '?' placeholders outside quoted literals */
	int cached, in_use;
	int last_rc; /* of the last step */
	/* A write outside any transaction runs as a job of its own on the
	 * write lane (lane.c): the connection it came from, whose job ends
	 * when the statement is done. */
	struct mc_conn *auto_of;
};

struct mc_conn {
	struct mc_db *db;
	void *h;   /* driver handle */
	int in_tx; /* a transaction (or a savepoint in a held one) is open */
	int hold;  /* mc_tx_hold: commits wait for mc_tx_settle */
	int held;  /* a transaction whose commit waits is open */
	/* run after the transaction's COMMIT (mc_tx_on_commit) */
	struct {
		void (*fn)(int64_t);
		int64_t arg;
	} on_commit[8];
	int non_commit, non_commit_savepoint;
	int index; /* slot in the pool */
	char errmsg[512];
	int wait_ms; /* client deadline of the next statements instead of the pool's; 0 = the pool's */
	int nstmts;
	struct mc_stmt *stmts[MC_STMT_CACHE];
	unsigned long stmt_seq; /* PostgreSQL statement names */
	/* Group commit (lane.c): while this connection's write transaction
	 * runs as a job on the write lane, its statements go to the lane's
	 * writer (via); once released into the batch, it waits in the
	 * batch's list (lane_next) until lane_done, with lane_rc the
	 * COMMIT's outcome. */
	struct mc_conn *via;
	struct mc_conn *lane_next;
	int lane_done, lane_rc;
	int lane_single; /* the job is one write outside a transaction */
	/* what c claims (mc_db_claim), given up by mc_db_release at the
	 * latest */
	int64_t claims[MC_CONN_CLAIMS];
	int nclaims;
};

/* The write lane of a pool (group commit, lane.c).  busy, queued, jobs,
 * members and the members' lane_done/lane_rc are under mu; open and the
 * writer belong to the thread that holds the lane (busy). */
struct mc_lane {
	struct mc_conn *w; /* the writer; NULL: no group commit */
	int max_jobs;      /* jobs per COMMIT at most */
	pthread_mutex_t mu;
	pthread_cond_t free_cond, done_cond;
	int busy, queued; /* held; threads waiting for it */
	int open, jobs;   /* a batch is open on w; jobs released into it */
	struct mc_conn *members;
	atomic_uint_fast64_t jobs_total, batches;
};

struct mc_db {
	const struct mc_driver *drv;
	char *url;
	int size, in_use;
	struct mc_conn **conns;
	int *free_list, nfree;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t waits, acquired;
	/* statements run and transactions committed, on every connection:
	 * what a request costs the database (bench/dossiers.sh divides them
	 * by the dossiers taken in) */
	atomic_uint_fast64_t statements, commits;
	struct mc_db_limits lim;
	/* The hang watch (see mc_db_set_limits): a thread that checks the
	 * server when a statement waits too long, and holds the database down
	 * while it does not answer.  down and watching are read without the
	 * lock by waiting statements; the rest is under lock. */
	atomic_int down, watching;
	int stopping, suspect;
	pthread_t watch;
	pthread_cond_t watch_cond;
	void *probe; /* the watch's own connection (driver handle) */
	uint64_t downs, refused;
	struct mc_lane lane;
};

/* A transaction is open on the server: the caller's, or one whose commit
 * is held (mc_tx_hold) while the caller sees none. */
static inline int mc__tx_open(const struct mc_conn *c)
{
	return c->in_tx || c->held;
}

extern const struct mc_driver mc_sqlite_driver;
extern const struct mc_driver mc_pg_driver;

/* Set the connection's error message; returns code.  The message goes to
 * JSON log lines as it is: quotes, backslashes and control characters are
 * replaced. */
int mc__db_fail(struct mc_conn *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A statement has waited db->lim.hang_ms / 2: ask the hang watch to check the
 * server (cheap; a no-op without a watch). */
void mc__db_suspect(struct mc_db *db);
/* The '?' placeholders of sql outside '...' and "..." literals (the ones
 * the PostgreSQL driver rewrites to $n). */
int mc__db_count_params(const char *sql);
/* The MC_E_* code of a PostgreSQL SQLSTATE (NULL: MC_E_DB). */
int mc__pg_code(const char *sqlstate);
/* *t = now + ms, for pthread_cond_timedwait. */
void mc__deadline_in(struct timespec *t, int ms);
/* 0 when no connection of db is lent; else MC_E_INTERNAL, errbuf says so. */
int mc__db_idle(struct mc_db *db, char *errbuf, size_t errlen);
/* Close one connection with its statements. */
void mc__conn_free(struct mc_conn *c);

/* The write lane (lane.c). */
int mc__lane_on(const struct mc_db *db);
/* Start c's job: the lane taken, the batch open, the job's savepoint
 * made, c->via set.  0 or the error (the lane given back). */
int mc__lane_begin(struct mc_conn *c);
/* End c's job (commit = 0: roll it back) and, when committed, wait until
 * it is durable.  0 or the error. */
int mc__lane_end(struct mc_conn *c, int commit);
void mc__lane_close(struct mc_db *db);

#endif

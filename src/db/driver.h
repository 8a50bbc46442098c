/*
 * driver.h - what a storage back-end implements (internal to src/db).
 * After curl's vtls backends: a table of functions, one per back-end.
 */
#ifndef MC_DB_DRIVER_H
#define MC_DB_DRIVER_H

#include "db.h"

#include <pthread.h>

struct mc_driver {
	const char *name;
	enum mc_db_kind kind;
	/* Open one connection; returns an opaque handle or NULL with errbuf. */
	void *(*connect)(const char *url, char *errbuf, size_t errlen);
	void (*disconnect)(void *h);
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
};

enum { MC_BIND_NULL, MC_BIND_INT, MC_BIND_TEXT, MC_BIND_BLOB };

#define MC_STMT_CACHE 64

/* Every driver's statement starts with this header. */
struct mc_stmt {
	struct mc_conn *conn;
	char *sql;          /* owned copy, the cache key */
	int cached, in_use;
};

struct mc_conn {
	struct mc_db *db;
	void *h;            /* driver handle */
	int in_tx;          /* a transaction (or a savepoint in a held one) is open */
	int hold;           /* mc_tx_hold: commits wait for mc_tx_settle */
	int held;           /* a transaction whose commit waits is open */
	int index;          /* slot in the pool */
	char errmsg[512];
	int nstmts;
	struct mc_stmt *stmts[MC_STMT_CACHE];
	unsigned long stmt_seq; /* PostgreSQL statement names */
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
};

extern const struct mc_driver mc_sqlite_driver;
extern const struct mc_driver mc_pg_driver;

/* Set the connection's error message; returns code. */
int mc__db_fail(struct mc_conn *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

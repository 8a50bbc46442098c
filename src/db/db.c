/*
 * db.c - connection pool, hang watch, statement cache and typed helpers;
 * see db.h.
 */
#include "driver.h"

#include "../core/arena.h"
#include "../core/config.h"
#include "../core/err.h"
#include "../core/log.h"
#include "../core/testhooks.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/banned.h"

#define DEFAULT_CONNECT_MS 10000

static int watch_start(struct mc_db *db);

int mc__db_fail(struct mc_conn *c, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
	va_end(ap);
	/* Database messages quote names ("relation \"x\"") and libpq's span
	 * lines; the request log embeds this text in a JSON string. */
	for (char *p = c->errmsg; *p; p++) {
		if (*p == '"')
			*p = '\'';
		else if (*p == '\\')
			*p = '/';
		else if ((unsigned char)*p < 0x20)
			*p = ' ';
	}
	return code;
}

int mc_db_open(const char *url, int pool_size, struct mc_db **out, char *errbuf, size_t errlen)
{
	return mc_db_open_limits(url, pool_size, NULL, out, errbuf, errlen);
}

int mc_db_open_limits(const char *url, int pool_size, const struct mc_db_limits *lim, struct mc_db **out, char *errbuf,
		      size_t errlen)
{
	*out = NULL;
	if (pool_size < 1)
		pool_size = 1;
	struct mc_db *db = mc_xcalloc(1, sizeof(*db));
	db->drv = mc_config_is_pg(url) ? &mc_pg_driver : &mc_sqlite_driver;
	db->url = mc_xstrdup(url);
	db->conns = mc_xcalloc((size_t)pool_size, sizeof(*db->conns));
	db->free_list = mc_xcalloc((size_t)pool_size, sizeof(int));
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->cond, NULL);
	pthread_cond_init(&db->watch_cond, NULL);
	if (lim)
		db->lim = *lim;
	if (db->lim.connect_ms <= 0)
		db->lim.connect_ms = DEFAULT_CONNECT_MS;
	for (int i = 0; i < pool_size; i++) {
		void *h = db->drv->connect(db, errbuf, errlen);
		if (!h) {
			mc_db_close(db);
			return MC_E_DB;
		}
		struct mc_conn *c = mc_xcalloc(1, sizeof(*c));
		c->db = db;
		c->h = h;
		c->index = i;
		db->conns[i] = c;
		db->free_list[db->nfree++] = i;
		db->size++;
	}
	if (watch_start(db)) {
		snprintf(errbuf, errlen, "cannot start the database hang watch");
		mc_db_close(db);
		return MC_E_INTERNAL;
	}
	*out = db;
	return 0;
}

void mc__conn_free(struct mc_conn *c)
{
	for (int i = 0; i < c->nstmts; i++) {
		free(c->stmts[i]->sql);
		c->db->drv->finalize(c->stmts[i]);
	}
	c->db->drv->disconnect(c->h);
	free(c);
}

static void watch_stop(struct mc_db *db)
{
	pthread_mutex_lock(&db->lock);
	int running = atomic_load(&db->watching);
	db->stopping = 1;
	pthread_cond_signal(&db->watch_cond);
	pthread_mutex_unlock(&db->lock);
	if (running)
		pthread_join(db->watch, NULL);
	atomic_store(&db->watching, 0);
	db->stopping = 0;
	atomic_store(&db->down, 0);
	if (db->probe) {
		db->drv->disconnect(db->probe);
		db->probe = NULL;
	}
}

void mc_db_close(struct mc_db *db)
{
	if (!db)
		return;
	watch_stop(db);
	mc__lane_close(db);
	for (int i = 0; i < db->size; i++)
		mc__conn_free(db->conns[i]);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->cond);
	pthread_cond_destroy(&db->watch_cond);
	free(db->conns);
	free(db->free_list);
	free(db->url);
	free(db);
}

enum mc_db_kind mc_db_kind(const struct mc_db *db)
{
	return db->drv->kind;
}
const char *mc_db_kind_name(const struct mc_db *db)
{
	return db->drv->name;
}
struct mc_db *mc_conn_db(struct mc_conn *c)
{
	return c->db;
}
const char *mc_conn_errmsg(struct mc_conn *c)
{
	return c->via ? c->via->errmsg : c->errmsg;
}

/* Where c's statements run: the write lane's writer during c's job. */
static struct mc_conn *target(struct mc_conn *c)
{
	return c->via ? c->via : c;
}
int mc_in_tx(const struct mc_conn *c)
{
	return c->in_tx;
}

/* ---------- the hang watch ---------- */

void mc__deadline_in(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

void mc__db_suspect(struct mc_db *db)
{
	pthread_mutex_lock(&db->lock);
	if (atomic_load(&db->watching) && !db->suspect) {
		db->suspect = 1;
		pthread_cond_signal(&db->watch_cond);
	}
	pthread_mutex_unlock(&db->lock);
}

static void log_why(const char *event, int warn, const char *why)
{
	char buf[300];
	size_t n = 0;
	/* JSON-safe without a buffer type: the driver's text is plain ASCII
	 * but may hold quotes */
	for (const char *p = why; *p && n + 2 < sizeof(buf); p++)
		buf[n++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? '\'' : *p;
	buf[n] = '\0';
	if (warn)
		mc_warn(event, "\"detail\":\"%s\"", buf);
	else
		mc_info(event, "\"detail\":\"%s\"", buf);
}

/*
 * The watch sleeps until a statement has waited hang_ms / 2 (mc__db_suspect),
 * then checks the server on its own connection.  No answer: the database is
 * down - waiting statements see it and give up, borrowers are turned away at
 * once - and it checks again every hang_ms until the server answers.  Idle,
 * it checks every WATCH_IDLE_MS, which keeps its connection open across
 * database restarts: at the moment of a hang it must only time a round
 * trip, not a connection.  It never holds the pool lock while it talks to
 * the server.
 */
#define WATCH_IDLE_MS 10000

static void *watch_main(void *arg)
{
	struct mc_db *db = arg;
	char why[256];
	pthread_mutex_lock(&db->lock);
	while (!db->stopping) {
		int down = atomic_load(&db->down);
		struct timespec until;
		mc__deadline_in(&until, down ? db->lim.hang_ms : WATCH_IDLE_MS);
		int timed_out = 0;
		while (!db->stopping && !timed_out && (down || !db->suspect))
			timed_out = pthread_cond_timedwait(&db->watch_cond, &db->lock, &until) == ETIMEDOUT;
		if (db->stopping)
			break;
		/* a suspicion or a held-down database: a (re)connection gets
		 * hang_ms too; the idle check may take the connect limit */
		int connect_ms = down || db->suspect ? db->lim.hang_ms : db->lim.connect_ms;
		db->suspect = 0;
		pthread_mutex_unlock(&db->lock);
		why[0] = '\0';
		int rc = db->drv->probe(db, &db->probe, connect_ms, why, sizeof(why));
		pthread_mutex_lock(&db->lock);
		int was_down = atomic_load(&db->down);
		if (rc == 0 && was_down) {
			atomic_store(&db->down, 0);
			pthread_mutex_unlock(&db->lock);
			log_why("database_up", 0, "the database answers again");
			pthread_mutex_lock(&db->lock);
		} else if (rc && !was_down) {
			atomic_store(&db->down, 1);
			db->downs++;
			/* borrowers waiting for a connection leave too */
			pthread_cond_broadcast(&db->cond);
			pthread_mutex_unlock(&db->lock);
			log_why("database_down", 1, why[0] ? why : "no answer");
			pthread_mutex_lock(&db->lock);
		}
	}
	pthread_mutex_unlock(&db->lock);
	return NULL;
}

static int watch_start(struct mc_db *db)
{
	if (db->lim.hang_ms <= 0 || !db->drv->probe)
		return 0;
	char why[256];
	/* Open the watch's connection now, so that its first check only
	 * times a round trip (a failure here is retried then). */
	db->drv->probe(db, &db->probe, db->lim.connect_ms, why, sizeof(why));
	/* The watch takes no signal: `serve` waits for SIGTERM in its main
	 * thread, and a thread that may take it would be killed by it. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	atomic_store(&db->watching, 1);
	int failed = pthread_create(&db->watch, NULL, watch_main, db);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (failed) {
		atomic_store(&db->watching, 0);
		return MC_E_INTERNAL;
	}
	return 0;
}

int mc__db_idle(struct mc_db *db, char *errbuf, size_t errlen)
{
	pthread_mutex_lock(&db->lock);
	int busy = db->in_use;
	pthread_mutex_unlock(&db->lock);
	if (busy) {
		snprintf(errbuf, errlen, "connections are lent");
		return MC_E_INTERNAL;
	}
	return 0;
}

int mc_db_set_limits(struct mc_db *db, const struct mc_db_limits *lim, char *errbuf, size_t errlen)
{
	if (mc__db_idle(db, errbuf, errlen))
		return MC_E_INTERNAL;
	watch_stop(db);
	db->lim = *lim;
	if (db->lim.connect_ms <= 0)
		db->lim.connect_ms = DEFAULT_CONNECT_MS;
	if (db->drv->configure)
		for (int i = 0; i < db->size; i++) {
			int rc = db->drv->configure(db->conns[i]);
			if (rc) {
				snprintf(errbuf, errlen, "%s", db->conns[i]->errmsg);
				return rc;
			}
		}
	if (watch_start(db)) {
		snprintf(errbuf, errlen, "cannot start the database hang watch");
		return MC_E_INTERNAL;
	}
	return 0;
}

void mc_db_health_stats(struct mc_db *db, int *down, uint64_t *downs, uint64_t *refused)
{
	pthread_mutex_lock(&db->lock);
	*down = atomic_load(&db->down);
	*downs = db->downs;
	*refused = db->refused;
	pthread_mutex_unlock(&db->lock);
}

/* ---------- borrowing ---------- */

static int acquire(struct mc_db *db, int wait_ms, struct mc_conn **out)
{
	*out = NULL;
	struct timespec until;
	mc__deadline_in(&until, wait_ms);
	pthread_mutex_lock(&db->lock);
	if (db->nfree == 0 && !atomic_load(&db->down))
		db->waits++;
	while (db->nfree == 0 && !atomic_load(&db->down)) {
		if (pthread_cond_timedwait(&db->cond, &db->lock, &until) == ETIMEDOUT) {
			pthread_mutex_unlock(&db->lock);
			return MC_E_DB_BUSY;
		}
	}
	/* A database that does not answer: say so at once, rather than let
	 * the request wait on it and hold an HTTP thread. */
	if (atomic_load(&db->down)) {
		db->refused++;
		pthread_mutex_unlock(&db->lock);
		return MC_E_DB_DOWN;
	}
	int i = db->free_list[--db->nfree];
	db->in_use++;
	db->acquired++;
	pthread_mutex_unlock(&db->lock);
	*out = db->conns[i];
	(*out)->errmsg[0] = '\0';
	return 0;
}

int mc_db_acquire(struct mc_db *db, struct mc_conn **out)
{
	return acquire(db, 10000, out);
}

void mc_db_release(struct mc_conn *c)
{
	if (!c)
		return;
	if (c->in_tx || c->held || c->hold)
		mc_tx_settle(c, 0);
	if (c->via) /* a write left unfinished */
		mc__lane_end(c, 0);
	while (c->nclaims > 0)
		mc_db_unclaim(c, c->claims[c->nclaims - 1]);
	struct mc_db *db = c->db;
	pthread_mutex_lock(&db->lock);
	db->free_list[db->nfree++] = c->index;
	db->in_use--;
	pthread_cond_signal(&db->cond);
	pthread_mutex_unlock(&db->lock);
}

void mc_db_stats(struct mc_db *db, int *size, int *in_use, uint64_t *waits, uint64_t *acquired)
{
	pthread_mutex_lock(&db->lock);
	*size = db->size;
	*in_use = db->in_use;
	*waits = db->waits;
	*acquired = db->acquired;
	pthread_mutex_unlock(&db->lock);
}

void mc_db_work(struct mc_db *db, uint64_t *statements, uint64_t *commits)
{
	*statements = atomic_load_explicit(&db->statements, memory_order_relaxed);
	*commits = atomic_load_explicit(&db->commits, memory_order_relaxed);
}

static int ping_ms(const struct mc_db *db)
{
	return db->lim.hang_ms > 0 ? db->lim.hang_ms : 2000;
}

int mc_db_ping(struct mc_conn *c)
{
	int64_t v = 0;
	c->wait_ms = ping_ms(c->db);
	int rc = mc_query_int64(c, &v, "SELECT 1", "");
	c->wait_ms = 0;
	return rc ? rc : (v == 1 ? 0 : MC_E_DB);
}

int mc_db_ready(struct mc_db *db)
{
	struct mc_conn *c;
	int rc = acquire(db, ping_ms(db), &c);
	if (rc)
		return rc;
	rc = mc_db_ping(c);
	mc_db_release(c);
	return rc;
}

int mc_db_claim(struct mc_conn *c, int64_t id)
{
	if (c->via)
		return mc__db_fail(c, MC_E_INTERNAL, "a claim inside a write transaction of the lane");
	if (c->nclaims == MC_CONN_CLAIMS)
		return mc__db_fail(c, MC_E_INTERNAL, "more than %d claims on one connection", MC_CONN_CLAIMS);
	int rc = c->db->drv->claim(c, id);
	if (rc == 1)
		c->claims[c->nclaims++] = id;
	return rc;
}

void mc_db_unclaim(struct mc_conn *c, int64_t id)
{
	for (int i = 0; i < c->nclaims; i++)
		if (c->claims[i] == id) {
			c->claims[i] = c->claims[--c->nclaims];
			c->db->drv->unclaim(c, id);
			return;
		}
}

void mc_tx_on_commit(struct mc_conn *c, void (*fn)(int64_t), int64_t arg)
{
	if (!mc__tx_open(c)) {
		fn(arg);
		return;
	}
	if (c->non_commit == (int)(sizeof(c->on_commit) / sizeof(c->on_commit[0])))
		mc_fatal("mc_tx_on_commit: too many callbacks in one transaction");
	c->on_commit[c->non_commit].fn = fn;
	c->on_commit[c->non_commit++].arg = arg;
}

/* The transaction ended: run (committed) or drop its callbacks. */
static void tx_ended(struct mc_conn *c, int committed)
{
	int n = c->non_commit;
	c->non_commit = c->non_commit_savepoint = 0;
	for (int i = 0; committed && i < n; i++)
		c->on_commit[i].fn(c->on_commit[i].arg);
}

int mc_tx_begin(struct mc_conn *c, int write)
{
	if (c->in_tx)
		return mc__db_fail(c, MC_E_INTERNAL, "nested transaction");
	c->non_commit_savepoint = c->non_commit;
	int rc;
	if (c->held)
		rc = c->db->drv->exec_script(target(c), "SAVEPOINT mc_after_held");
	else if (write && mc__lane_on(c->db))
		rc = mc__lane_begin(c);
	else
		rc = c->db->drv->begin(c, write);
	if (rc == 0)
		c->in_tx = 1;
	return rc;
}

int mc_tx_commit(struct mc_conn *c)
{
	int rc;
	if (c->held) {
		/* nothing of the caller's is open when in_tx is 0 */
		rc = c->in_tx ? c->db->drv->exec_script(target(c), "RELEASE SAVEPOINT mc_after_held") : 0;
	} else if (c->hold) {
		c->held = 1; /* stays open until mc_tx_settle */
		rc = 0;
	} else if (c->via) {
		c->in_tx = 0;
		rc = mc__lane_end(c, 1);
		tx_ended(c, rc == 0);
	} else {
		if (mc_test_hooks.before_commit)
			mc_test_hooks.before_commit();
		rc = c->db->drv->exec_script(c, "COMMIT");
		if (rc == 0)
			atomic_fetch_add_explicit(&c->db->commits, 1, memory_order_relaxed);
		if (rc == 0 && mc_test_hooks.after_commit)
			mc_test_hooks.after_commit();
		c->in_tx = 0;
		/* a failed COMMIT ends the transaction too (rolled back) */
		tx_ended(c, rc == 0);
	}
	c->in_tx = 0;
	return rc;
}

int mc_tx_rollback(struct mc_conn *c)
{
	int rc = 0;
	if (c->held) {
		if (c->in_tx)
			rc = c->db->drv->exec_script(target(c), "ROLLBACK TO SAVEPOINT mc_after_held");
		if (c->in_tx && rc == 0)
			rc = c->db->drv->exec_script(target(c), "RELEASE SAVEPOINT mc_after_held");
		if (c->in_tx)
			c->non_commit = c->non_commit_savepoint; /* its callbacks go with it */
	} else {
		rc = c->via ? mc__lane_end(c, 0) : c->db->drv->exec_script(c, "ROLLBACK");
		tx_ended(c, 0);
	}
	c->in_tx = 0;
	return rc;
}

void mc_tx_hold(struct mc_conn *c)
{
	c->hold = 1;
}

int mc_tx_held(const struct mc_conn *c)
{
	return c->hold || c->held;
}

int mc_tx_settle(struct mc_conn *c, int commit)
{
	int rc = 0;
	if (c->in_tx) /* a savepoint left open: its work is not wanted */
		rc = mc_tx_rollback(c);
	c->hold = 0;
	if (c->held) {
		c->held = 0;
		if (commit && rc == 0) {
			c->in_tx = 1;
			rc = mc_tx_commit(c);
		} else {
			int rc2 = c->via ? mc__lane_end(c, 0) : c->db->drv->exec_script(c, "ROLLBACK");
			tx_ended(c, 0);
			rc = rc ? rc : rc2;
		}
	}
	c->in_tx = 0;
	return rc;
}

int mc_exec_script(struct mc_conn *c, const char *sql)
{
	return c->db->drv->exec_script(target(c), sql);
}

int mc_db_backup(struct mc_conn *c, const char *dest, int step_pages, int pause_ms, struct mc_db_backup_info *info)
{
	memset(info, 0, sizeof(*info));
	if (!c->db->drv->backup)
		return mc__db_fail(c, MC_E_INVAL, "%s: no online backup in motcua; use the database's own tools",
				   c->db->drv->name);
	if (mc__tx_open(c))
		return mc__db_fail(c, MC_E_INTERNAL, "backup inside a transaction");
	return c->db->drv->backup(c, dest, step_pages > 0 ? step_pages : 256, pause_ms > 0 ? pause_ms : 0, info);
}

int mc__db_count_params(const char *sql)
{
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote)
			quote = *p == quote ? 0 : quote;
		else if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == '?')
			n++;
	}
	return n;
}

int mc_prepare(struct mc_conn *c, const char *sql, struct mc_stmt **out)
{
	atomic_fetch_add_explicit(&c->db->statements, 1, memory_order_relaxed);
	c = target(c);
	for (int i = 0; i < c->nstmts; i++) {
		struct mc_stmt *s = c->stmts[i];
		if (!s->in_use && strcmp(s->sql, sql) == 0) {
			s->in_use = 1;
			*out = s;
			return 0;
		}
	}
	struct mc_stmt *s;
	int rc = c->db->drv->prepare(c, sql, &s);
	if (rc)
		return rc;
	s->conn = c;
	s->sql = mc_xstrdup(sql);
	s->nparams = mc__db_count_params(sql);
	s->in_use = 1;
	s->cached = c->nstmts < MC_STMT_CACHE;
	if (s->cached)
		c->stmts[c->nstmts++] = s;
	*out = s;
	return 0;
}

static int stmt_finish(struct mc_stmt *s);

int mc_step_row(struct mc_stmt *s)
{
	int rc = mc_step(s);
	return rc == MC_DB_ROW ? 0 : rc < 0 ? rc : MC_E_NOT_FOUND;
}

int mc_step_returning(struct mc_stmt *s, int64_t *v)
{
	int rc = mc_step(s);
	if (rc == MC_DB_ROW && v)
		*v = mc_col_int64(s, 0);
	while (rc == MC_DB_ROW)
		rc = mc_step(s);
	int rc2 = stmt_finish(s);
	return rc < 0 ? rc : rc2;
}

/* mc_stmt_done, with the outcome of the job of a write made outside any
 * transaction: 0 once it is durable, else the error. */
static int stmt_finish(struct mc_stmt *s)
{
	struct mc_conn *job = s->auto_of;
	int ok = s->last_rc >= 0;
	s->auto_of = NULL;
	s->conn->db->drv->reset(s);
	s->in_use = 0;
	if (!s->cached) {
		free(s->sql);
		s->conn->db->drv->finalize(s);
	}
	return job ? mc__lane_end(job, ok) : 0;
}

void mc_stmt_done(struct mc_stmt *s)
{
	if (!s)
		return;
	struct mc_conn *job = s->auto_of;
	int rc = stmt_finish(s);
	if (rc)
		mc_warn("db_write_not_stored", "\"detail\":\"%.200s\"", job->errmsg);
}

#define DRV(s) ((s)->conn->db->drv)
int mc_bind_int64(struct mc_stmt *s, int idx, int64_t v)
{
	return DRV(s)->bind(s, idx, MC_BIND_INT, v, NULL, 0);
}
int mc_bind_text(struct mc_stmt *s, int idx, const char *v)
{
	return v ? DRV(s)->bind(s, idx, MC_BIND_TEXT, 0, v, strlen(v)) : mc_bind_null(s, idx);
}
int mc_bind_blob(struct mc_stmt *s, int idx, const void *p, size_t n)
{
	return DRV(s)->bind(s, idx, MC_BIND_BLOB, 0, p, n);
}
int mc_bind_null(struct mc_stmt *s, int idx)
{
	return DRV(s)->bind(s, idx, MC_BIND_NULL, 0, NULL, 0);
}
int mc_step(struct mc_stmt *s)
{
	return s->last_rc = DRV(s)->step(s);
}
int mc_col_count(struct mc_stmt *s)
{
	return DRV(s)->col_count(s);
}
int mc_col_is_null(struct mc_stmt *s, int col)
{
	return DRV(s)->col_is_null(s, col);
}
int64_t mc_col_int64(struct mc_stmt *s, int col)
{
	return DRV(s)->col_int64(s, col);
}
const char *mc_col_text(struct mc_stmt *s, int col)
{
	return DRV(s)->col_text(s, col);
}
const void *mc_col_blob(struct mc_stmt *s, int col, size_t *n)
{
	return DRV(s)->col_blob(s, col, n);
}
int64_t mc_changes(struct mc_stmt *s)
{
	return DRV(s)->changes(s);
}

static int vbind(struct mc_stmt *s, const char *types, va_list ap)
{
	int rc = 0;
	for (int i = 0; types[i] && !rc; i++) {
		int idx = i + 1;
		switch (types[i]) {
		case 'i':
			rc = mc_bind_int64(s, idx, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = mc_bind_int64(s, idx, va_arg(ap, int));
			break;
		case 't':
			rc = mc_bind_text(s, idx, va_arg(ap, const char *));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = mc_bind_blob(s, idx, p, n);
			break;
		}
		default:
			mc_fatal("mc_query: bad type letter '%c'", types[i]);
		}
	}
	return rc;
}

/* A statement that changes data (a write outside a transaction, under a
 * hold, opens the held transaction: see mc_tx_hold). */
static int is_write(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	return strncasecmp(sql, "INSERT", 6) == 0 || strncasecmp(sql, "UPDATE", 6) == 0 ||
	       strncasecmp(sql, "DELETE", 6) == 0;
}

/*
 * One type letter per placeholder: a letter too many or too few reads the
 * wrong variadic argument, which the compiler cannot see.  Debug and test
 * builds stop at once, naming the SQL; a release build refuses the
 * statement (MC_E_INTERNAL) rather than run it with shifted values.
 */
static int check_types(struct mc_conn *c, const struct mc_stmt *s, const char *types)
{
	int nt = (int)strlen(types);
	if (nt == s->nparams)
		return 0;
#if !defined(NDEBUG) || defined(MC_DB_CHECK_TYPES)
	(void)c;
	mc_fatal("mc_query: %d type letters for %d placeholders in: %s", nt, s->nparams, s->sql);
#else
	return mc__db_fail(c, MC_E_INTERNAL, "%d type letters for %d placeholders in: %.200s", nt, s->nparams, s->sql);
#endif
}

static int vquery(struct mc_conn *c, struct mc_stmt **out, const char *sql, const char *types, va_list ap)
{
	int lane = mc__lane_on(c->db), job = 0;
	if (!c->held && !c->in_tx && !c->via && (c->hold || lane) && is_write(sql)) {
		int brc = lane ? mc__lane_begin(c) : c->db->drv->begin(c, 1);
		if (brc)
			return brc;
		if (c->hold)
			c->held = 1;
		else
			job = c->lane_single = 1;
	}
	int rc = mc_prepare(c, sql, out);
	if (rc) {
		if (job)
			mc__lane_end(c, 0);
		return rc;
	}
	(*out)->last_rc = 0;
	(*out)->auto_of = job ? c : NULL;
	rc = check_types(c, *out, types);
	if (!rc)
		rc = vbind(*out, types, ap);
	if (rc) {
		(*out)->last_rc = rc; /* a job of its own is rolled back */
		stmt_finish(*out);
		*out = NULL;
	}
	return rc;
}

int mc_query(struct mc_conn *c, struct mc_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = vquery(c, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int64_t mc_exec(struct mc_conn *c, const char *sql, const char *types, ...)
{
	struct mc_stmt *s;
	va_list ap;
	va_start(ap, types);
	int rc = vquery(c, &s, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	while ((rc = mc_step(s)) == MC_DB_ROW)
		;
	int64_t n = rc < 0 ? rc : mc_changes(s);
	rc = stmt_finish(s);
	return n < 0 ? n : rc ? rc : n;
}

int mc_query_int64(struct mc_conn *c, int64_t *v, const char *sql, const char *types, ...)
{
	struct mc_stmt *s;
	va_list ap;
	va_start(ap, types);
	int rc = vquery(c, &s, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc == MC_DB_ROW) {
		*v = mc_col_int64(s, 0);
		rc = 0;
	} else if (rc == MC_DB_DONE) {
		rc = MC_E_NOT_FOUND;
	}
	int rc2 = stmt_finish(s);
	return rc2 && (rc == 0 || rc == MC_E_NOT_FOUND) ? rc2 : rc;
}

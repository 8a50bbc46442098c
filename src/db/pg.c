/*
 * pg.c - the PostgreSQL driver (libpq).
 *
 * Statements are prepared on the server once per connection (named s1, s2,
 * ...) and run with PQsendQueryPrepared; parameters travel as text, blobs as
 * binary.  '?' placeholders are rewritten to $n outside quoted literals.
 *
 * libpq runs in non-blocking mode and every wait on the server is a poll()
 * with a deadline (db.h, struct mc_db_limits), never a blocking libpq call:
 * a server that hangs (a stopped process, a lost network) holds a thread
 * for a bounded time only, and the pool's hang watch can make waiting
 * statements give up at once.  A connection given up on is dropped and
 * opened again at its next use, and its statements are prepared again.
 *
 * Before a statement on an idle connection a zero-timeout poll() tells
 * whether the server spoke first, which on an idle connection means it
 * closed it (a restart, an administrator's pg_terminate_backend): the
 * connection is then opened again before anything is sent, so a restart
 * costs no failed request.  Inside a transaction a lost connection cannot
 * be replaced: the transaction fails, and its statements up to its end.
 *
 * A failover (Patroni promoting a replica) looks like a restart: the old
 * leader's connections die with it and the next ones reach the new leader
 * through the same address (HAProxy on Patroni's health checks).  A
 * connection that still reaches a server that turned read-only is dropped
 * at its first refused write (25006), so that it does not refuse every
 * write after it.
 */
#include "driver.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../core/log.h"
#include "../core/timeutil.h"

#include <errno.h>
#include <libpq-fe.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define PG_MAX_PARAMS 64
/* How long the client waits past statement_timeout for the server's own
 * cancellation before it gives up on a server that cannot cancel. */
#define PG_CANCEL_GRACE_MS 1000
/* Once the hang watch was asked, how often a waiting statement looks at
 * its verdict. */
#define PG_WATCH_STEP_MS 50

struct pg_conn {
	PGconn *pg;   /* NULL once dropped: opened again at the next use */
	unsigned gen; /* bumped at every drop: statements are prepared again */
	int lost_tx;  /* dropped inside a transaction: refuse until it ends */
};

struct pg_stmt {
	struct mc_stmt base;
	char name[24];
	char *sql;    /* with $n placeholders */
	unsigned gen; /* connection generation it was prepared in */
	int nparams;
	char *vals[PG_MAX_PARAMS];
	int lens[PG_MAX_PARAMS], fmts[PG_MAX_PARAMS];
	PGresult *res;
	int row, nrows;
	int64_t changes;
	unsigned char *blob;
};

static void notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int mc__pg_code(const char *state)
{
	if (!state)
		return MC_E_DB;
	if (strcmp(state, "23505") == 0)
		return MC_E_CONFLICT;
	if (strncmp(state, "23", 2) == 0)
		return MC_E_VALIDATION;
	/* serialization failure, deadlock, lock_timeout, statement_timeout:
	 * the same request may well succeed a moment later */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0)
		return MC_E_DB_BUSY;
	if (strcmp(state, "53100") == 0)
		return MC_E_STORAGE_FULL;
	if (strcmp(state, "53300") == 0)
		return MC_E_DB_DOWN; /* too_many_connections: this server cannot get in */
	/* 53000 insufficient_resources, 53200 out_of_memory: transient on the
	 * server; 53400 configuration_limit_exceeded (temp_file_limit) is a
	 * property of the query, not of the storage */
	if (strcmp(state, "53000") == 0 || strcmp(state, "53200") == 0)
		return MC_E_DB_BUSY;
	/* read_only_sql_transaction: a write reached a server that is no
	 * longer the leader (a failover demoted it, or a load balancer still
	 * pointed at it); this connection is dropped (map_result) and the
	 * next one finds the new leader */
	if (strcmp(state, "25006") == 0)
		return MC_E_DB_DOWN;
	/* connection exceptions; administrator or crash shutdown, cannot
	 * connect now (starting up), database dropped, idle session timeout */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return MC_E_DB_DOWN;
	return MC_E_DB;
}

/* The first line of a libpq message, without its "ERROR:  " prefix: the
 * following lines (DETAIL, HINT) may quote row values. */
static void first_line(const char *msg, char *out, size_t n)
{
	if (!msg)
		msg = "";
	if (strncmp(msg, "ERROR:  ", 8) == 0 || strncmp(msg, "FATAL:  ", 8) == 0)
		msg += 8;
	size_t k = strcspn(msg, "\n");
	while (k && (msg[k - 1] == ' ' || msg[k - 1] == '\t' || msg[k - 1] == '\r'))
		k--;
	if (k >= n)
		k = n - 1;
	memcpy(out, msg, k);
	out[k] = '\0';
}

/* ---------- waiting with a deadline ---------- */

static int64_t now_ms(void)
{
	return (int64_t)(mc_mono_ns() / 1000000u);
}

struct wait {
	struct mc_db *db;        /* watched by this pool's hang watch; NULL: not watched */
	int64_t start, deadline; /* ms, monotonic; deadline 0 = none */
	int suspected;
};

enum { W_OK, W_TIMEOUT, W_DOWN, W_IO, W_UNSENT };

static void wait_init(struct wait *w, struct mc_db *db, int ms)
{
	w->db = db && atomic_load(&db->watching) ? db : NULL;
	w->start = now_ms();
	w->deadline = ms > 0 ? w->start + ms : 0;
	w->suspected = 0;
}

/* Wait until fd is ready for events, the deadline passes (W_TIMEOUT) or
 * the hang watch holds the database down (W_DOWN). */
static int wait_fd(int fd, short events, struct wait *w, short *revents)
{
	if (fd < 0)
		return W_IO;
	for (;;) {
		int64_t now = now_ms();
		int ms = -1;
		if (w->deadline) {
			if (now >= w->deadline)
				return W_TIMEOUT;
			ms = (int)(w->deadline - now);
		}
		if (w->db) {
			if (atomic_load(&w->db->down))
				return W_DOWN;
			/* half the hang timeout to the question, half to the
			 * watch's own round trip */
			int64_t at = w->start + w->db->lim.hang_ms / 2;
			if (!w->suspected && now >= at) {
				w->suspected = 1;
				mc__db_suspect(w->db);
			}
			int step = w->suspected ? PG_WATCH_STEP_MS : (int)(at - now);
			if (ms < 0 || step < ms)
				ms = step;
		}
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, ms);
		if (n > 0) {
			*revents = p.revents;
			return W_OK;
		}
		if (n < 0 && errno != EINTR)
			return W_IO;
	}
}

/* Send what libpq holds and read until it has a whole result.  W_UNSENT:
 * the connection failed before any byte of the command left. */
static int await_result(PGconn *pg, struct wait *w)
{
	short rev = 0;
	for (int first = 1;; first = 0) {
		int f = PQflush(pg);
		if (f < 0)
			return first ? W_UNSENT : W_IO;
		if (rev && !PQconsumeInput(pg))
			return W_IO;
		if (f == 0 && !PQisBusy(pg))
			return W_OK;
		int rc = wait_fd(PQsocket(pg), f ? (POLLIN | POLLOUT) : POLLIN, w, &rev);
		if (rc)
			return rc;
		rev &= POLLIN | POLLERR | POLLHUP;
	}
}

static int failed(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY;
}

/* Every result of the command sent: *res keeps the first failed one, else
 * the last.  On W_IO *res may still hold the error the server sent before
 * it closed the connection (a shutdown), the better message. */
static int collect(PGconn *pg, struct wait *w, PGresult **res)
{
	*res = NULL;
	for (;;) {
		int rc = await_result(pg, w);
		if (rc)
			return rc;
		PGresult *r = PQgetResult(pg);
		if (!r)
			return W_OK;
		if (*res && failed(*res)) {
			PQclear(r);
		} else {
			PQclear(*res);
			*res = r;
		}
	}
}

/* Did the server close this idle connection (or start to)?  Reads what it
 * sent; an idle connection that can be read from is going away. */
static int closed_by_server(PGconn *pg)
{
	for (int i = 0; i < 4; i++) {
		struct pollfd p = {.fd = PQsocket(pg), .events = POLLIN};
		if (p.fd < 0 || PQstatus(pg) != CONNECTION_OK)
			return 1;
		if (poll(&p, 1, 0) <= 0)
			return 0;
		/* a notice, or a FATAL message and then the end of the stream:
		 * read until libpq knows */
		if (!PQconsumeInput(pg))
			return 1;
	}
	return PQstatus(pg) != CONNECTION_OK;
}

/* ---------- connections ---------- */

/*
 * Every statement is prepared once per connection and run with the plan
 * kept for it (a generic plan), not planned again for each set of values.
 * PostgreSQL chooses that by itself for most statements, but never for one
 * on the tables partitioned by month (migration 0045): the generic plan's
 * cost counts every month's partition although execution reads only the
 * one its values name, so it planned each lookup of a dossier, its steps
 * or its events again, and each foreign key check on them: a third of
 * PostgreSQL's CPU a dossier taken in; tracking over HTTP took twice the
 * requests a second with the generic plans (bench/national.sh's 1M
 * database, 18 months).  The price: each execution locks every month's
 * partition before pruning (PostgreSQL 15), which stays below the planning
 * up to about 90 months kept (measured); a work queue's p99 was 20 % worse
 * (8.4 -> 10.1 ms at 1M), still to be looked into.
 */
#define PLAN_CACHE_MODE "SET plan_cache_mode = force_generic_plan; "

static int limit_sql(const struct mc_db *db, char *sql, size_t n, int with_session)
{
	char st[24] = "DEFAULT", lk[24] = "DEFAULT";
	if (db->lim.statement_ms > 0)
		snprintf(st, sizeof(st), "%d", db->lim.statement_ms);
	if (db->lim.lock_ms > 0)
		snprintf(lk, sizeof(lk), "%d", db->lim.lock_ms);
	return snprintf(n ? sql : NULL, n, "%sSET statement_timeout = %s; SET lock_timeout = %s",
			with_session ? "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'; " PLAN_CACHE_MODE : "", st,
			lk);
}

/* Run a command without parameters on pg; 0 or a W_* code, with the
 * reason in why. */
static int simple(PGconn *pg, const char *sql, struct wait *w, char *why, size_t n)
{
	if (!PQsendQuery(pg, sql)) {
		first_line(PQerrorMessage(pg), why, n);
		return W_IO;
	}
	PGresult *r;
	int rc = collect(pg, w, &r);
	if (!rc && r && failed(r))
		rc = W_IO;
	if (rc == W_TIMEOUT)
		snprintf(why, n, "no answer in time");
	else if (rc == W_DOWN)
		snprintf(why, n, "the database is held down by the hang watch");
	else if (rc)
		first_line(r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				   ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				   : PQerrorMessage(pg),
			   why, n);
	PQclear(r);
	return rc;
}

/* Open a connection and set the session up, within w's deadline; NULL with
 * the reason in why (which never holds the password). */
static PGconn *open_pg(struct mc_db *db, struct wait *w, char *why, size_t n)
{
	/* TCP keepalives, so that an idle connection to a host that vanished
	 * dies and is replaced.  Before dbname: settings in the URL win. */
	static const char *const keys[] = {"keepalives",       "keepalives_idle", "keepalives_interval",
					   "keepalives_count", "dbname",          NULL};
	const char *const vals[] = {"1", "30", "10", "3", db->url, NULL};
	PGconn *pg = PQconnectStartParams(keys, vals, 1);
	if (!pg)
		mc_fatal("out of memory");
	PostgresPollingStatusType st = PQstatus(pg) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED) {
			first_line(PQerrorMessage(pg), why, n);
			goto fail;
		}
		short rev;
		int rc = wait_fd(PQsocket(pg), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, w, &rev);
		if (rc) {
			snprintf(why, n, "%s",
				 rc == W_DOWN      ? "the database is held down by the hang watch"
				 : rc == W_TIMEOUT ? "no answer to the connection in time"
						   : "cannot wait on the connection");
			goto fail;
		}
		st = PQconnectPoll(pg);
	}
	if (PQsetnonblocking(pg, 1)) {
		first_line(PQerrorMessage(pg), why, n);
		goto fail;
	}
	PQsetNoticeProcessor(pg, notice_quiet, NULL);
	char sql[256];
	limit_sql(db, sql, sizeof(sql), 1);
	if (simple(pg, sql, w, why, n))
		goto fail;
	return pg;
fail:
	PQfinish(pg);
	return NULL;
}

static void *pg_connect(struct mc_db *db, char *errbuf, size_t errlen)
{
	struct wait w;
	wait_init(&w, NULL, db->lim.connect_ms);
	char why[400];
	PGconn *pg = open_pg(db, &w, why, sizeof(why));
	if (!pg) {
		snprintf(errbuf, errlen, "postgresql: %s", why);
		return NULL;
	}
	struct pg_conn *h = mc_xcalloc(1, sizeof(*h));
	h->pg = pg;
	h->gen = 1;
	return h;
}

static void pg_disconnect(void *vh)
{
	struct pg_conn *h = vh;
	if (h)
		PQfinish(h->pg);
	free(h);
}

/* Give a connection up: closed at once (a hung server is not waited for),
 * opened again at its next use. */
static void drop(struct mc_conn *c)
{
	struct pg_conn *h = c->h;
	PQfinish(h->pg);
	h->pg = NULL;
	h->gen++;
	if (mc__tx_open(c))
		h->lost_tx = 1;
}

static int map_result(struct mc_conn *c, PGresult *r)
{
	struct pg_conn *h = c->h;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	/* Only the primary message: DETAIL may quote row values (personal
	 * data) and these messages reach the logs.  Errors made by libpq
	 * itself (a lost connection) have no fields: their text then. */
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg || !*msg)
		msg = r ? PQresultErrorMessage(r) : NULL;
	if ((!msg || !*msg) && h->pg)
		msg = PQerrorMessage(h->pg);
	char line[400];
	first_line(msg, line, sizeof(line));
	int code = mc__pg_code(state);
	if (!state && (!h->pg || PQstatus(h->pg) != CONNECTION_OK))
		code = MC_E_DB_DOWN;
	if (state && strcmp(state, "25006") == 0 && h->pg) {
		/* A read-only server: asking it again cannot help.  Opened
		 * again at the next use, through the same address, which a
		 * failover points at the new leader (with
		 * target_session_attrs=read-write in the URL, libpq refuses a
		 * read-only one at once). */
		mc__db_fail(c, code, "postgresql %s: %s", state, line[0] ? line : "(no message)");
		mc_warn("database_read_only", "\"detail\":\"%s; connection dropped\"", c->errmsg);
		drop(c);
		return code;
	}
	if (state)
		return mc__db_fail(c, code, "postgresql %s: %s", state, line[0] ? line : "(no message)");
	return mc__db_fail(c, code, "postgresql: %s", line[0] ? line : "(no message)");
}

/* The statement failed under a wait (W_*): say why, and drop the
 * connection unless the server merely answered with an error. */
static int lost(struct mc_conn *c, int w, PGresult *r, const struct wait *wt)
{
	int code;
	if (w == W_TIMEOUT)
		code = mc__db_fail(c, MC_E_DB_DOWN, "postgresql: no answer within %lld ms; connection dropped",
				   (long long)(wt->deadline - wt->start));
	else if (w == W_DOWN)
		code = mc__db_fail(c, MC_E_DB_DOWN,
				   "postgresql: the database does not answer (hang watch); connection dropped");
	else
		code = map_result(c, r);
	PQclear(r);
	drop(c);
	return code;
}

static int deadline_ms(const struct mc_conn *c)
{
	if (c->wait_ms > 0)
		return c->wait_ms;
	return c->db->lim.statement_ms > 0 ? c->db->lim.statement_ms + PG_CANCEL_GRACE_MS : 0;
}

/* A live connection for the next command: opened again if it was dropped
 * or, when idle, if the server closed it meanwhile. */
static int ready(struct mc_conn *c)
{
	struct pg_conn *h = c->h;
	if (h->lost_tx)
		return mc__db_fail(c, MC_E_DB_DOWN, "postgresql: the connection was lost inside this transaction");
	if (h->pg && !mc__tx_open(c) && closed_by_server(h->pg)) {
		char why[300];
		first_line(PQerrorMessage(h->pg), why, sizeof(why));
		mc__db_fail(c, 0, "%s", why[0] ? why : "closed by the server");
		mc_warn("database_connection_lost", "\"detail\":\"%s; opening it again\"", c->errmsg);
		c->errmsg[0] = '\0';
		drop(c);
	}
	if (h->pg && PQstatus(h->pg) == CONNECTION_OK)
		return 0;
	if (h->pg)
		drop(c);
	if (h->lost_tx)
		return mc__db_fail(c, MC_E_DB_DOWN, "postgresql: the connection was lost inside this transaction");
	struct wait w;
	wait_init(&w, c->db, c->db->lim.connect_ms);
	char why[400];
	h->pg = open_pg(c->db, &w, why, sizeof(why));
	if (!h->pg)
		return mc__db_fail(c, MC_E_DB_DOWN, "postgresql: cannot connect: %s", why);
	return 0;
}

static int pg_configure(struct mc_conn *c)
{
	int rc = ready(c);
	if (rc)
		return rc;
	struct pg_conn *h = c->h;
	char sql[160], why[300];
	limit_sql(c->db, sql, sizeof(sql), 0);
	struct wait w;
	wait_init(&w, NULL, c->db->lim.connect_ms);
	if (simple(h->pg, sql, &w, why, sizeof(why))) {
		drop(c);
		return mc__db_fail(c, MC_E_DB_DOWN, "postgresql: cannot set the time limits: %s", why);
	}
	return 0;
}

/* The watch's round trip gets the second half of the hang timeout. */
static int probe_ms(const struct mc_db *db)
{
	return db->lim.hang_ms / 2 > 50 ? db->lim.hang_ms / 2 : 50;
}

static int pg_probe(struct mc_db *db, void **hp, int connect_ms, char *why, size_t n)
{
	struct pg_conn *h = *hp;
	if (!h)
		h = *hp = mc_xcalloc(1, sizeof(*h));
	struct wait w;
	if (h->pg && closed_by_server(h->pg)) {
		PQfinish(h->pg);
		h->pg = NULL;
	}
	if (!h->pg) {
		wait_init(&w, NULL, connect_ms);
		if (!(h->pg = open_pg(db, &w, why, n)))
			return MC_E_DB_DOWN;
	}
	wait_init(&w, NULL, probe_ms(db));
	if (simple(h->pg, "SELECT 1", &w, why, n)) {
		PQfinish(h->pg);
		h->pg = NULL;
		return MC_E_DB_DOWN;
	}
	return 0;
}

#define RETRY 1 /* positive: never an MC_E_* code */

/*
 * Send one command (send() builds it) on a ready connection and collect
 * its result into *res.  When the connection failed before any byte of the
 * command left, outside a transaction, nothing can have run: the
 * connection is dropped and RETRY tells the caller to send it again.
 */
static int attempt(struct mc_conn *c, int (*send)(PGconn *pg, void *arg), void *arg, PGresult **res)
{
	struct pg_conn *h = c->h;
	struct wait w;
	wait_init(&w, c->db, deadline_ms(c));
	*res = NULL;
	int rc = send(h->pg, arg) ? collect(h->pg, &w, res) : W_UNSENT;
	if (rc == W_UNSENT && !mc__tx_open(c)) {
		PQclear(*res);
		*res = NULL;
		drop(c);
		return RETRY;
	}
	if (rc) {
		rc = lost(c, rc, *res, &w);
		*res = NULL;
		return rc;
	}
	if (*res && failed(*res)) {
		rc = map_result(c, *res);
		PQclear(*res);
		*res = NULL;
		return rc;
	}
	return 0;
}

static int unsent_twice(struct mc_conn *c)
{
	return mc__db_fail(c, MC_E_DB_DOWN, "postgresql: the connection failed twice before the command was sent");
}

static int send_text(PGconn *pg, void *sql)
{
	return PQsendQuery(pg, sql);
}

static int pg_exec_script(struct mc_conn *c, const char *sql)
{
	struct pg_conn *h = c->h;
	int ends = strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0;
	if (ends && h->lost_tx) {
		/* The server rolled the transaction back when the connection
		 * went: a rollback is done, a commit cannot be. */
		h->lost_tx = 0;
		if (sql[0] == 'R')
			return 0;
		return mc__db_fail(c, MC_E_DB_DOWN,
				   "postgresql: the connection was lost inside the transaction; nothing was committed");
	}
	int rc = RETRY;
	for (int tries = 0; tries < 2 && rc == RETRY; tries++) {
		PGresult *r = NULL;
		if (!(rc = ready(c)))
			rc = attempt(c, send_text, (void *)sql, &r);
		PQclear(r);
	}
	if (ends)
		h->lost_tx = 0; /* the transaction is over, whatever happened */
	return rc == RETRY ? unsent_twice(c) : rc;
}

static int pg_begin(struct mc_conn *c, int write)
{
	(void)write;
	return pg_exec_script(c, "BEGIN");
}

/* '?' -> $n, outside '...' and "..." */
static char *rewrite(const char *sql, int *nparams)
{
	struct mc_buf b = MC_BUF_INIT(1 << 20);
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			mc_buf_addc(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			mc_buf_addc(&b, *p);
		} else if (*p == '?') {
			mc_buf_printf(&b, "$%d", ++n);
		} else {
			mc_buf_addc(&b, *p);
		}
	}
	*nparams = n;
	return mc_buf_detach(&b, NULL);
}

static int pg_prepare(struct mc_conn *c, const char *sql, struct mc_stmt **out)
{
	struct pg_stmt *s = mc_xcalloc(1, sizeof(*s));
	s->sql = rewrite(sql, &s->nparams);
	if (s->nparams > PG_MAX_PARAMS) {
		free(s->sql);
		free(s);
		return mc__db_fail(c, MC_E_INTERNAL, "too many parameters");
	}
	snprintf(s->name, sizeof(s->name), "s%lu", ++c->stmt_seq);
	s->row = -1;
	*out = &s->base;
	return 0;
}

static void clear_params(struct pg_stmt *s)
{
	for (int i = 0; i < PG_MAX_PARAMS; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = s->fmts[i] = 0;
	}
}

static void pg_reset(struct mc_stmt *b)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->nrows = 0;
	PQfreemem(s->blob);
	s->blob = NULL;
	clear_params(s);
}

static void pg_finalize(struct mc_stmt *b)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	pg_reset(b);
	free(s->sql);
	free(s);
}

static int pg_bind(struct mc_stmt *b, int idx, int type, int64_t i, const void *p, size_t n)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	if (idx < 1 || idx > s->nparams)
		return mc__db_fail(b->conn, MC_E_INTERNAL, "bind index %d out of range", idx);
	int k = idx - 1;
	free(s->vals[k]);
	s->vals[k] = NULL;
	s->lens[k] = s->fmts[k] = 0;
	if (n > INT32_MAX)
		return mc__db_fail(b->conn, MC_E_TOO_BIG, "parameter too large");
	switch (type) {
	case MC_BIND_INT: {
		char tmp[24];
		snprintf(tmp, sizeof(tmp), "%" PRId64, i);
		s->vals[k] = mc_xstrdup(tmp);
		break;
	}
	case MC_BIND_TEXT:
		s->vals[k] = mc_xmalloc(n + 1);
		memcpy(s->vals[k], p, n);
		s->vals[k][n] = '\0';
		break;
	case MC_BIND_BLOB:
		s->vals[k] = mc_xmalloc(n ? n : 1);
		if (n)
			memcpy(s->vals[k], p, n);
		s->lens[k] = (int)n;
		s->fmts[k] = 1;
		break;
	default:
		break;
	}
	return 0;
}

static int send_prepare(PGconn *pg, void *arg)
{
	struct pg_stmt *s = arg;
	return PQsendPrepare(pg, s->name, s->sql, 0, NULL);
}

static int send_stmt(PGconn *pg, void *arg)
{
	struct pg_stmt *s = arg;
	return PQsendQueryPrepared(pg, s->name, s->nparams, (const char *const *)s->vals, s->lens, s->fmts, 0);
}

static int run(struct pg_stmt *s)
{
	struct mc_conn *c = s->base.conn;
	struct pg_conn *h = c->h;
	int rc = RETRY;
	for (int tries = 0; tries < 2 && rc == RETRY; tries++) {
		/* ready() may open a new connection, which does not know the
		 * statement yet */
		if ((rc = ready(c)))
			return rc;
		if (s->gen != h->gen) {
			PGresult *r;
			unsigned gen = h->gen;
			if ((rc = attempt(c, send_prepare, s, &r)))
				continue;
			PQclear(r);
			s->gen = gen;
		}
		rc = attempt(c, send_stmt, s, &s->res);
	}
	if (rc)
		return rc == RETRY ? unsent_twice(c) : rc;
	s->nrows = PQntuples(s->res);
	const char *ct = PQcmdTuples(s->res);
	s->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
	s->row = -1;
	return 0;
}

static int pg_step(struct mc_stmt *b)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	if (!s->res) {
		int rc = run(s);
		if (rc)
			return rc;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return MC_DB_ROW;
	}
	s->row = s->nrows;
	return MC_DB_DONE;
}

static int pg_col_count(struct mc_stmt *b)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	return s->res ? PQnfields(s->res) : 0;
}

static int pg_col_is_null(struct mc_stmt *b, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	return !s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col);
}

static const char *pg_col_text(struct mc_stmt *b, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	if (pg_col_is_null(b, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int64(struct mc_stmt *b, int col)
{
	const char *v = pg_col_text(b, col);
	if (!v)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1; /* boolean */
	return strtoll(v, NULL, 10);
}

static const void *pg_col_blob(struct mc_stmt *b, int col, size_t *n)
{
	struct pg_stmt *s = (struct pg_stmt *)b;
	const char *v = pg_col_text(b, col);
	*n = 0;
	if (!v)
		return NULL;
	PQfreemem(s->blob);
	s->blob = PQunescapeBytea((const unsigned char *)v, n);
	return s->blob;
}

static int64_t pg_changes(struct mc_stmt *b)
{
	return ((struct pg_stmt *)b)->changes;
}

static int pg_tx_alive(struct mc_conn *c)
{
	struct pg_conn *h = c->h;
	return h->pg && !h->lost_tx && PQtransactionStatus(h->pg) == PQTRANS_INTRANS;
}

/* ---------- COPY ... FROM STDIN (copy.c) ---------- */

static int pg_copy_begin(struct mc_conn *c, const char *sql)
{
	int rc = ready(c);
	if (rc)
		return rc;
	struct pg_conn *h = c->h;
	struct wait w;
	wait_init(&w, c->db, deadline_ms(c));
	if (!PQsendQuery(h->pg, sql))
		return lost(c, W_IO, NULL, &w);
	/* not collect(): once in COPY IN every PQgetResult says so again */
	if ((rc = await_result(h->pg, &w)))
		return lost(c, rc == W_UNSENT ? W_IO : rc, NULL, &w);
	PGresult *r = PQgetResult(h->pg);
	if (PQresultStatus(r) == PGRES_COPY_IN) {
		PQclear(r);
		return 0;
	}
	/* refused (no such table or column): read to the end of it */
	PGresult *more;
	while (await_result(h->pg, &w) == W_OK && (more = PQgetResult(h->pg)))
		PQclear(more);
	rc = map_result(c, r);
	PQclear(r);
	return rc ? rc : mc__db_fail(c, MC_E_DB, "postgresql: COPY did not start");
}

/* Wait until libpq can take more (its output buffer drained a little). */
static int copy_wait_out(struct mc_conn *c, struct wait *w)
{
	struct pg_conn *h = c->h;
	short rev = 0;
	int f = PQflush(h->pg);
	if (f < 0)
		return W_IO;
	if (f == 0)
		return W_OK;
	int rc = wait_fd(PQsocket(h->pg), POLLIN | POLLOUT, w, &rev);
	if (!rc && (rev & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(h->pg))
		rc = W_IO;
	return rc;
}

static int pg_copy_data(struct mc_conn *c, const void *p, size_t n)
{
	struct pg_conn *h = c->h;
	struct wait w;
	wait_init(&w, c->db, deadline_ms(c));
	while (n > 0) {
		int chunk = n > (1u << 30) ? 1 << 30 : (int)n;
		int q = PQputCopyData(h->pg, p, chunk);
		if (q < 0)
			return lost(c, W_IO, NULL, &w);
		if (q == 1) {
			p = (const char *)p + chunk;
			n -= (size_t)chunk;
		}
		int rc = copy_wait_out(c, &w);
		if (rc)
			return lost(c, rc, NULL, &w);
	}
	return 0;
}

static int pg_copy_end(struct mc_conn *c, const char *abort_msg, int64_t *rows)
{
	struct pg_conn *h = c->h;
	struct wait w;
	wait_init(&w, c->db, deadline_ms(c));
	int q, rc;
	while ((q = PQputCopyEnd(h->pg, abort_msg)) == 0)
		if ((rc = copy_wait_out(c, &w)))
			return lost(c, rc, NULL, &w);
	if (q < 0)
		return lost(c, W_IO, NULL, &w);
	PGresult *r;
	if ((rc = collect(h->pg, &w, &r)))
		return lost(c, rc, r, &w);
	if (r && failed(r)) {
		rc = map_result(c, r);
		PQclear(r);
		return rc;
	}
	if (rows)
		*rows = r ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
	PQclear(r);
	return 0;
}

/* Claims (db.h): session advisory locks, which die with the connection. */
static int pg_claim(struct mc_conn *c, int64_t id)
{
	int64_t v = 0;
	int rc = mc_query_int64(c, &v, "SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END", "i", id);
	return rc ? rc : v == 1;
}

static void pg_unclaim(struct mc_conn *c, int64_t id)
{
	struct pg_conn *h = c->h;
	int64_t v = 0;
	if (!h->pg) /* dropped: the lock went with the session */
		return;
	if (mc_query_int64(c, &v, "SELECT CASE WHEN pg_advisory_unlock(?) THEN 1 ELSE 0 END", "i", id) == 0)
		return;
	/* A session that may still hold the lock must not go back to the
	 * pool: the next request on it would find the claim taken by a
	 * holder that is gone.  Closed, it gives the lock up. */
	mc_warn("database_unclaim_failed", "\"detail\":\"%.200s; connection dropped\"", c->errmsg);
	if (h->pg && !mc__tx_open(c))
		drop(c);
}

const struct mc_driver mc_pg_driver = {
	.name = "postgresql",
	.kind = MC_DB_PG,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.configure = pg_configure,
	.probe = pg_probe,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind = pg_bind,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_is_null = pg_col_is_null,
	.col_int64 = pg_col_int64,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.changes = pg_changes,
	.reset = pg_reset,
	.tx_alive = pg_tx_alive,
	.copy_begin = pg_copy_begin,
	.copy_data = pg_copy_data,
	.copy_end = pg_copy_end,
	.claim = pg_claim,
	.unclaim = pg_unclaim,
};

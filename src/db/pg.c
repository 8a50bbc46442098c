/*
 * pg.c - the PostgreSQL driver (libpq).
 *
 * Statements are prepared on the server once per connection (named s1, s2,
 * ...) and run with PQexecPrepared; parameters travel as text, blobs as
 * binary.  '?' placeholders are rewritten to $n outside quoted literals.
 * A broken connection is reset on the next use and its statements are
 * prepared again.
 */
#include "driver.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"

#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define PG_MAX_PARAMS 64

struct pg_conn {
	PGconn *pg;
	unsigned gen;
};

struct pg_stmt {
	struct mc_stmt base;
	char name[24];
	char *sql;          /* with $n placeholders */
	unsigned gen;       /* connection generation it was prepared in */
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

static void *pg_connect(const char *url, char *errbuf, size_t errlen)
{
	PGconn *pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		/* The message may contain the host but never the password. */
		snprintf(errbuf, errlen, "postgresql: %s", PQerrorMessage(pg));
		size_t n = strlen(errbuf);
		while (n && (errbuf[n - 1] == '\n'))
			errbuf[--n] = '\0';
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, notice_quiet, NULL);
	PGresult *r = PQexec(pg, "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'");
	PQclear(r);
	struct pg_conn *h = mc_xcalloc(1, sizeof(*h));
	h->pg = pg;
	h->gen = 1;
	return h;
}

static void pg_disconnect(void *vh)
{
	struct pg_conn *h = vh;
	PQfinish(h->pg);
	free(h);
}

static int map_result(struct mc_conn *c, PGresult *r)
{
	struct pg_conn *h = c->h;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	/* Only the primary message: DETAIL may quote row values (personal data)
	 * and these messages reach the logs. */
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(h->pg);
	int code = MC_E_DB;
	if (state) {
		if (strcmp(state, "23505") == 0)
			code = MC_E_CONFLICT;
		else if (strncmp(state, "23", 2) == 0)
			code = MC_E_VALIDATION;
		else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
			 strcmp(state, "55P03") == 0)
			code = MC_E_DB_BUSY;
	}
	mc__db_fail(c, code, "postgresql %s: %s", state ? state : "-", msg ? msg : "");
	size_t n = strlen(c->errmsg);
	while (n && c->errmsg[n - 1] == '\n')
		c->errmsg[--n] = '\0';
	return code;
}

/* Reset a connection that the server or the network dropped. */
static int ensure_ok(struct mc_conn *c)
{
	struct pg_conn *h = c->h;
	if (PQstatus(h->pg) == CONNECTION_OK)
		return 0;
	PQreset(h->pg);
	h->gen++;
	c->in_tx = 0;
	if (PQstatus(h->pg) != CONNECTION_OK)
		return mc__db_fail(c, MC_E_DB, "postgresql: %s", PQerrorMessage(h->pg));
	PGresult *r = PQexec(h->pg, "SET TIME ZONE 'UTC'");
	PQclear(r);
	return 0;
}

static int pg_exec_script(struct mc_conn *c, const char *sql)
{
	int rc = ensure_ok(c);
	if (rc)
		return rc;
	struct pg_conn *h = c->h;
	PGresult *r = PQexec(h->pg, sql);
	ExecStatusType st = PQresultStatus(r);
	rc = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? 0 : map_result(c, r);
	PQclear(r);
	return rc;
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
	default: break;
	}
	return 0;
}

static int run(struct pg_stmt *s)
{
	struct mc_conn *c = s->base.conn;
	int rc = ensure_ok(c);
	if (rc)
		return rc;
	struct pg_conn *h = c->h;
	if (s->gen != h->gen) {
		PGresult *r = PQprepare(h->pg, s->name, s->sql, 0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			rc = map_result(c, r);
			PQclear(r);
			return rc;
		}
		PQclear(r);
		s->gen = h->gen;
	}
	s->res = PQexecPrepared(h->pg, s->name, s->nparams, (const char *const *)s->vals, s->lens,
				s->fmts, 0);
	ExecStatusType st = PQresultStatus(s->res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = map_result(c, s->res);
		PQclear(s->res);
		s->res = NULL;
		return rc;
	}
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

static int64_t pg_changes(struct mc_stmt *b) { return ((struct pg_stmt *)b)->changes; }

const struct mc_driver mc_pg_driver = {
	.name = "postgresql",
	.kind = MC_DB_PG,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
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
};

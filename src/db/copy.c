/*
 * copy.c - bulk load through COPY ... FROM STDIN (see db.h).
 *
 * Rows are written in COPY's text format into a buffer that is handed to
 * the driver each time it passes COPY_CHUNK bytes: one round trip for
 * thousands of rows, where prepared INSERTs cost one each.  Values are
 * escaped here (backslash, tab, newline, carriage return), bytea as \\x hex.
 * Only the generator of benchmark data uses it.
 */
#include "driver.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define COPY_CHUNK (256 * 1024)

struct mc_copy {
	struct mc_conn *c, *on; /* the caller's connection; where the COPY runs */
	struct mc_buf b;
	int fields; /* in the row being written */
	int rc;     /* the first failure of a send: told by mc_copy_end */
};

int mc_copy_supported(const struct mc_db *db)
{
	return db->drv->copy_begin != NULL;
}

int mc_copy_begin(struct mc_conn *c, const char *table, const char *columns, struct mc_copy **out)
{
	*out = NULL;
	struct mc_conn *on = c->via ? c->via : c;
	if (!c->db->drv->copy_begin)
		return mc__db_fail(c, MC_E_INVAL, "%s: no COPY", c->db->drv->name);
	if (!c->in_tx)
		return mc__db_fail(c, MC_E_INTERNAL, "COPY outside a transaction");
	char sql[1024];
	if (snprintf(sql, sizeof(sql), "COPY %s (%s) FROM STDIN", table, columns) >= (int)sizeof(sql))
		return mc__db_fail(c, MC_E_INTERNAL, "COPY: too many columns");
	atomic_fetch_add(&c->db->statements, 1);
	int rc = c->db->drv->copy_begin(on, sql);
	if (rc)
		return rc;
	struct mc_copy *cp = mc_xcalloc(1, sizeof(*cp));
	cp->c = c;
	cp->on = on;
	mc_buf_init(&cp->b, (size_t)-1);
	*out = cp;
	return 0;
}

static void sep(struct mc_copy *cp)
{
	if (cp->fields++)
		mc_buf_addc(&cp->b, '\t');
}

void mc_copy_null(struct mc_copy *cp)
{
	sep(cp);
	mc_buf_add(&cp->b, "\\N", 2);
}

void mc_copy_int(struct mc_copy *cp, int64_t v)
{
	char n[24];
	int k = snprintf(n, sizeof(n), "%" PRId64, v);
	sep(cp);
	mc_buf_add(&cp->b, n, (size_t)k);
}

void mc_copy_int_or_null(struct mc_copy *cp, int64_t v)
{
	if (v)
		mc_copy_int(cp, v);
	else
		mc_copy_null(cp);
}

void mc_copy_text(struct mc_copy *cp, const char *v)
{
	if (!v) {
		mc_copy_null(cp);
		return;
	}
	sep(cp);
	const char *run = v;
	for (const char *p = v; *p; p++) {
		char e = *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : 0;
		if (!e)
			continue;
		mc_buf_add(&cp->b, run, (size_t)(p - run));
		mc_buf_addc(&cp->b, '\\');
		mc_buf_addc(&cp->b, e);
		run = p + 1;
	}
	mc_buf_adds(&cp->b, run);
}

void mc_copy_bytea(struct mc_copy *cp, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = p;
	sep(cp);
	/* bytea's hex input \x..., its backslash escaped for COPY */
	mc_buf_add(&cp->b, "\\\\x", 3);
	for (size_t i = 0; i < n; i++) {
		char two[2] = {hex[u[i] >> 4], hex[u[i] & 15]};
		mc_buf_add(&cp->b, two, 2);
	}
}

static int send_buf(struct mc_copy *cp)
{
	if (cp->rc || !cp->b.len)
		return cp->rc;
	cp->rc = cp->c->db->drv->copy_data(cp->on, cp->b.data, cp->b.len);
	mc_buf_reset(&cp->b);
	return cp->rc;
}

int mc_copy_row_end(struct mc_copy *cp)
{
	mc_buf_addc(&cp->b, '\n');
	cp->fields = 0;
	return cp->b.len >= COPY_CHUNK ? send_buf(cp) : cp->rc;
}

int mc_copy_end(struct mc_copy *cp, int64_t *rows)
{
	if (rows)
		*rows = 0;
	if (!cp)
		return MC_E_INTERNAL;
	int rc = send_buf(cp);
	/* a failed send dropped the connection: nothing to end */
	if (!rc)
		rc = cp->c->db->drv->copy_end(cp->on, NULL, rows);
	if (rc && cp->on != cp->c)
		snprintf(cp->c->errmsg, sizeof(cp->c->errmsg), "%s", cp->on->errmsg);
	mc_buf_release(&cp->b);
	free(cp);
	return rc;
}

void mc_copy_abort(struct mc_copy *cp)
{
	if (!cp)
		return;
	if (!cp->rc)
		cp->c->db->drv->copy_end(cp->on, "aborted by the client", NULL);
	mc_buf_release(&cp->b);
	free(cp);
}

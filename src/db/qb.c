/* qb.c - queries from whitelisted fragments and their bound values. */
#include "qb.h"

#include "../core/arena.h"

#include <stdarg.h>
#include <string.h>

#include "../core/banned.h"

static void qb_vadd(struct mc_qb *q, const char *frag, const char *types, va_list ap)
{
	int marks = 0;
	for (const char *p = frag; *p; p++)
		marks += *p == '?';
	if (marks != (int)strlen(types) || q->n + marks > MC_QB_MAX)
		mc_fatal("query: %d values for %d placeholders in: %s", (int)strlen(types), marks, frag);
	if (mc_buf_adds(&q->sql, frag))
		mc_fatal("query: the query outgrew its buffer");
	for (const char *t = types; *t; t++) {
		q->v[q->n].type = *t;
		if (*t == 'i')
			q->v[q->n].i = va_arg(ap, int64_t);
		else
			q->v[q->n].t = va_arg(ap, const char *);
		q->n++;
	}
}

void mc_qb_add(struct mc_qb *q, const char *frag, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	qb_vadd(q, frag, types, ap);
	va_end(ap);
}

void mc_qb_and(struct mc_qb *q, const char *cond, const char *types, ...)
{
	mc_qb_add(q, q->nwhere++ ? " AND " : " WHERE ", "");
	va_list ap;
	va_start(ap, types);
	qb_vadd(q, cond, types, ap);
	va_end(ap);
}

int mc_qb_query(struct mc_conn *c, struct mc_qb *q, struct mc_stmt **out)
{
	*out = NULL;
	int rc = mc_prepare(c, mc_buf_str(&q->sql), out);
	for (int k = 0; !rc && k < q->n; k++)
		rc = q->v[k].type == 'i' ? mc_bind_int64(*out, k + 1, q->v[k].i) : mc_bind_text(*out, k + 1, q->v[k].t);
	if (rc && *out) {
		mc_stmt_done(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * qb.h - a query put together from whitelisted fragments: each fragment is
 * added with the values its '?' placeholders bind, so that a clause and
 * its parameters cannot drift apart.  No caller's text ever goes into the
 * SQL, only into the bound values.  A list with optional filters writes
 * only the conditions asked for, which the planner can match to an index
 * ("(? IS NULL OR col = ?)" defeats it).
 *
 *	struct mc_qb q = {.sql = MC_BUF_INIT(1024)};
 *	mc_qb_add(&q, "SELECT id FROM documents", "");
 *	mc_qb_and(&q, "agency_id = ?", "i", agency);
 *	rc = mc_qb_query(c, &q, &stmt);
 *	mc_buf_release(&q.sql);
 */
#ifndef MC_DB_QB_H
#define MC_DB_QB_H

#include "../core/buf.h"
#include "db.h"

#include <stdint.h>

#define MC_QB_MAX 16

struct mc_qb {
	struct mc_buf sql;
	int nwhere; /* conditions so far: the first is preceded by WHERE, the others by AND */
	int n;
	struct {
		char type; /* 'i' or 't' */
		int64_t i;
		const char *t;
	} v[MC_QB_MAX];
};

/* Append frag, then bind one value per letter of types ('i' int64_t, 't'
 * const char *): exactly one per '?' of frag (a mismatch is a programming
 * error: fatal). */
void mc_qb_add(struct mc_qb *q, const char *frag, const char *types, ...);
/* The same for one more condition of the WHERE clause. */
void mc_qb_and(struct mc_qb *q, const char *cond, const char *types, ...);
/* Prepare the query and bind its values. */
int mc_qb_query(struct mc_conn *c, struct mc_qb *q, struct mc_stmt **out);

#endif

/*
 * figures.c - the official documents' figures of the leader's dashboard,
 * over the registers of the bodies in an agency's subtree:
 *   - received (incoming) and issued (outgoing) documents dated within
 *     [from, to], by the document's date (the registers' index);
 *   - the share of the received that came electronically, and of those
 *     already handled;
 *   - the directions past their deadline now: the pending tasks of whoever
 *     leads the handling, by the unit that person works in (the most
 *     first), and their total.
 */
#include "document.h"
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>

#include "../core/banned.h"

/* The bodies whose registers count: the subtree of root. */
#define IN_SUBTREE " d.agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?)"

static json_t *unit_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s?, s:s?, s:I}", "id", (json_int_t)mc_col_int64(s, 0), "name", mc_col_text(s, 1),
			 "name_en", mc_col_text(s, 2), "overdue", (json_int_t)mc_col_int64(s, 3));
}

int mc_document_figures(struct mc_conn *c, int64_t root, const char *from, const char *to, int64_t now, int top,
			json_t **out)
{
	/* an internal unit keeps no register: its body's */
	int rc = mc__document_body_of(c, root, &root);
	if (rc)
		return rc;
	struct mc_stmt *s;
	rc = mc_query(c, &s,
		      "SELECT COALESCE(SUM(CASE WHEN d.direction = 'in' THEN 1 ELSE 0 END), 0),"
		      " COALESCE(SUM(CASE WHEN d.direction = 'in' AND d.medium = 'electronic' THEN 1 ELSE 0 END), 0),"
		      " COALESCE(SUM(CASE WHEN d.direction = 'in' AND d.status = 'handled' THEN 1 ELSE 0 END), 0),"
		      " COALESCE(SUM(CASE WHEN d.direction = 'out' THEN 1 ELSE 0 END), 0)"
		      " FROM documents d WHERE" IN_SUBTREE " AND d.doc_date >= ? AND d.doc_date <= ?",
		      "itt", root, from, to);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	int64_t received = mc_col_int64(s, 0), electronic = mc_col_int64(s, 1), handled = mc_col_int64(s, 2),
		issued = mc_col_int64(s, 3);
	mc_stmt_done(s);
	char today[11];
	int y, m, d;
	mc_vn_date(now, &y, &m, &d);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
	/* the directions past their deadline, by the lead's unit */
	static const char overdue_sql[] =
		"SELECT a.id, a.name, a.name_en, COUNT(*) FROM document_tasks t JOIN documents d ON d.id = "
		"t.document_id"
		" JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id"
		" WHERE t.status = 'pending' AND t.kind = 'lead' AND t.due_date < ? AND" IN_SUBTREE
		" GROUP BY a.id, a.name, a.name_en ORDER BY COUNT(*) DESC, a.id";
	json_t *units = NULL;
	if ((rc = mc_query(c, &s, overdue_sql, "ti", today, root)) || (rc = mc_rows_json(s, unit_row, NULL, &units)))
		return rc;
	int64_t overdue = 0;
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
		overdue += json_integer_value(json_object_get(u, "overdue"));
	while (json_array_size(units) > (size_t)top)
		json_array_remove(units, json_array_size(units) - 1);
	*out = json_pack("{s:s, s:s, s:I, s:I, s:o, s:I, s:I, s:I, s:o}", "from", from, "to", to, "received",
			 (json_int_t)received, "received_electronic", (json_int_t)electronic, "electronic_share",
			 received ? json_real((double)electronic / (double)received) : json_null(), "handled",
			 (json_int_t)handled, "issued", (json_int_t)issued, "overdue_directions", (json_int_t)overdue,
			 "overdue_by_unit", units);
	return *out ? 0 : MC_E_NOMEM;
}

/*
 * reports_read.c - the daily reports as their readers find them: those of
 * the bodies in an agency's subtree, and one's PDF.
 */
#include "snapshot.h"

#include "../core/err.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define IN_SUBTREE " r.agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ?)"

int mc_snapshot_report_pdf(struct mc_conn *c, int64_t root, int64_t id, char day[11], void **pdf, size_t *n)
{
	struct mc_stmt *s;
	*pdf = NULL;
	int rc = mc_query(c, &s, "SELECT r.day, r.pdf FROM snapshot_reports r WHERE r.id = ? AND" IN_SUBTREE, "ii", id,
			  root);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		size_t len = 0;
		const void *p = mc_col_blob(s, 1, &len);
		snprintf(day, 11, "%s", mc_col_text(s, 0));
		*pdf = malloc(len ? len : 1);
		if (*pdf) {
			memcpy(*pdf, p, len);
			*n = len;
		} else {
			rc = MC_E_NOMEM;
		}
	}
	mc_stmt_done(s);
	return rc;
}

static json_t *report_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	const char *text = mc_col_text(s, 5);
	json_t *fig = text ? json_loads(text, 0, NULL) : NULL;
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)mc_col_int64(s, 0), "agency_id",
			      (json_int_t)mc_col_int64(s, 1), "agency_code", mc_col_text(s, 2), "agency_name",
			      mc_col_text(s, 3), "day", mc_col_text(s, 4), "figures",
			      fig ? json_incref(json_object_get(fig, "figures")) : json_null());
	json_decref(fig);
	return o;
}

int mc_snapshot_report_list(struct mc_conn *c, int64_t root, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT r.id, r.agency_id, a.code, a.name, r.day, r.figures FROM snapshot_reports r"
			  " JOIN agencies a ON a.id = r.agency_id WHERE" IN_SUBTREE
			  " ORDER BY r.day DESC, a.code LIMIT 60",
			  "i", root);
	return rc ? rc : mc_rows_json(s, report_row, NULL, out);
}

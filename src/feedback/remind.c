/*
 * remind.c - the housekeeping's part: an open report past its due time is
 * told once to the officials of the agency that answers it (outbox event
 * feedback_overdue), at most MAX_PER_RUN reports a run (the next run takes
 * the rest).
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>

#include "../core/banned.h"

#define MAX_PER_RUN 200

static json_t *due_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)mc_col_int64(s, 0), "code", mc_col_text(s, 1),
			 "agency", (json_int_t)mc_col_int64(s, 2), "due", (json_int_t)mc_col_int64(s, 3));
}

/* One report marked told and its notices, in one transaction: 1 when this
 * run told it, 0 when another did first. */
static int tell(struct mc_conn *c, json_t *r, int64_t now)
{
	int64_t id = json_integer_value(json_object_get(r, "id"));
	const char *code = json_string_value(json_object_get(r, "code"));
	char due[40], link[64];
	mc_time_format_vn(json_integer_value(json_object_get(r, "due")), due, sizeof(due));
	snprintf(link, sizeof(link), "/can-bo/phan-anh/%s", code);
	int rc = mc_tx_begin(c, 1);
	int64_t k = rc ? rc
		       : mc_exec(c,
				 "UPDATE feedback_reports SET overdue_told_at = ? WHERE id = ? AND status = 'received'"
				 " AND overdue_told_at IS NULL",
				 "ii", now, id);
	int told = k == 1;
	if (told)
		k = mc__fb_notify_agency(c, id, json_integer_value(json_object_get(r, "agency")), "feedback_overdue",
					 json_pack("{s:s, s:s, s:s}", "code", code, "due", due, "link", link), now);
	rc = k < 0 ? (int)k : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc ? rc : told;
}

int mc_feedback_remind(struct mc_conn *c, int64_t now, int64_t *queued)
{
	struct mc_stmt *s;
	json_t *due = NULL;
	*queued = 0;
	int rc = mc_query(c, &s,
			  "SELECT id, code, agency_id, due_at FROM feedback_reports WHERE status = 'received' AND"
			  " overdue_told_at IS NULL AND due_at < ? ORDER BY due_at LIMIT ?",
			  "ii", now, (int64_t)MAX_PER_RUN);
	if (rc || (rc = mc_rows_json(s, due_row, NULL, &due)))
		return rc;
	size_t i;
	json_t *r;
	json_array_foreach(due, i, r) {
		int told = tell(c, r, now);
		if (told < 0) {
			rc = told;
			break;
		}
		*queued += told;
	}
	json_decref(due);
	return rc;
}

/*
 * room.c - the meeting rooms of a body, which its events book.
 */
#include "internal.h"

#include "../core/field.h"
#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static json_t *room_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)mc_col_int64(s, 0), "agency_id",
			 (json_int_t)mc_col_int64(s, 1), "name", mc_col_text(s, 2), "place", mc_col_text(s, 3));
}

int mc_schedule_rooms(struct mc_schedule_ctx *x, int64_t agency, json_t **out)
{
	int rc = mc__sched_may_read(x, agency);
	if (rc <= 0)
		return rc ? rc : MC_E_NOT_FOUND;
	struct mc_stmt *s;
	if ((rc = mc_query(x->c, &s,
			   "SELECT id, agency_id, name, place FROM schedule_rooms WHERE agency_id = ? ORDER BY name "
			   "LIMIT 200",
			   "i", agency)))
		return rc;
	return mc_rows_json(s, room_row, NULL, out);
}

int mc_schedule_room_create(struct mc_schedule_ctx *x, json_t *in, json_t **out)
{
	int64_t agency = mc_field_id(x->e, in, "agency_id", 1, MC_M_SCHED_AGENCY);
	const char *name = mc_field_str(x->arena, x->e, in, "name", 200, 1);
	const char *place = mc_field_str(x->arena, x->e, in, "place", SCHED_TEXT_MAX, 1);
	if (x->e->nfields)
		return x->e->code = MC_E_VALIDATION;
	int rc = mc__sched_may_manage(x, agency);
	if (rc <= 0)
		return rc ? rc : mc_error_set(x->e, MC_E_FORBIDDEN, "the caller does not keep this calendar");
	int64_t taken = 0, id = 0;
	if ((rc = mc_query_int64(x->c, &taken, "SELECT COUNT(*) FROM schedule_rooms WHERE agency_id = ? AND name = ?",
				 "it", agency, name)))
		return rc;
	if (taken) {
		mc_bad_field(x->e, "name", MC_M_SCHED_ROOM_TAKEN);
		return x->e->code = MC_E_CONFLICT;
	}
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	struct mc_stmt *s;
	rc = mc_query(
		x->c, &s,
		"INSERT INTO schedule_rooms (agency_id, name, place, created_at) VALUES (?, ?, ?, ?) RETURNING id",
		"itti", agency, name, place, mc_time_now_ms());
	rc = rc ? rc : mc_step_returning(s, &id);
	char week[11];
	mc__sched_day_text(mc__sched_monday(mc_time_now_ms()), week);
	rc = rc ? rc
		: mc__sched_log(x, agency, week, 0, "room",
				json_pack("{s:I, s:s}", "room", (json_int_t)id, "name", name));
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	if (rc)
		return rc;
	*out = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "agency_id", (json_int_t)agency, "name", name,
			 "place", place);
	return 0;
}

/*
 * rules.c - who may read, draft and approve a body's calendar.  A calendar
 * is read by the officials of the body's subtree (its office included) and
 * by those of the bodies above it; drafted by the body's own officials
 * holding schedule.manage or by its office's (an agency of kind office
 * under it, as the Văn phòng UBND keeps the People's Committee's);
 * approved by a leader of either.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

int mc__sched_may_read(struct mc_schedule_ctx *x, int64_t agency)
{
	if (!x->who || !x->who->agency_id || !mc_principal_has(x->who, "schedule.read"))
		return 0;
	int rc = mc_agency_within(x->c, agency, x->who->agency_id);
	return rc ? rc : mc_agency_within(x->c, x->who->agency_id, agency);
}

/* 1 when the caller's agency acts for agency or for its office. */
static int acts_for_calendar(struct mc_schedule_ctx *x, int64_t agency)
{
	int rc = mc_agency_acts_for(x->c, x->who->agency_id, agency);
	if (rc)
		return rc;
	struct mc_stmt *s;
	if ((rc = mc_query(x->c, &s, "SELECT id FROM agencies WHERE parent_id = ? AND kind = 'office' ORDER BY id", "i",
			   agency)))
		return rc;
	int step, found = 0;
	int64_t offices[4];
	while (found < 4 && (step = mc_step(s)) == MC_DB_ROW)
		offices[found++] = mc_col_int64(s, 0);
	mc_stmt_done(s);
	if (found < 4 && step < 0)
		return step;
	for (int i = 0; i < found; i++)
		if ((rc = mc_agency_acts_for(x->c, x->who->agency_id, offices[i])))
			return rc;
	return 0;
}

int mc__sched_may_manage(struct mc_schedule_ctx *x, int64_t agency)
{
	if (!x->who || !x->who->agency_id || !mc_principal_has(x->who, "schedule.manage"))
		return 0;
	return acts_for_calendar(x, agency);
}

int mc__sched_may_approve(struct mc_schedule_ctx *x, int64_t agency)
{
	if (!x->who || !x->who->agency_id || !mc_principal_has_role(x->who, "leader"))
		return 0;
	return acts_for_calendar(x, agency);
}

int64_t mc__sched_monday(int64_t ms)
{
	int64_t day = mc_vn_day(ms);
	/* day 0 (1970-01-01) was a Thursday: Monday is 3 days before */
	int64_t dow = ((day + 3) % 7 + 7) % 7; /* 0 Monday .. 6 Sunday */
	return day - dow;
}

void mc__sched_day_text(int64_t day, char out[11])
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int64_t mc_schedule_week_of(const char *day)
{
	int y, m, d;
	char tail;
	if (!day || strlen(day) != 10 || !mc_date_check(day) || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	return mc__sched_monday(mc_vn_day_start(mc_days_from_civil(y, m, d)));
}

int mc__sched_week_state(struct mc_conn *c, int64_t agency, const char *week, char state[16], int64_t *version)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT state, version FROM schedule_weeks WHERE agency_id = ? AND week = ?", "it",
			  agency, week);
	if (rc)
		return rc;
	rc = mc_step_row(s);
	snprintf(state, 16, "%s", rc ? "draft" : mc_col_text(s, 0));
	*version = rc ? 0 : mc_col_int64(s, 1);
	mc_stmt_done(s);
	return rc == MC_E_NOT_FOUND ? 0 : rc;
}

int mc__sched_log(struct mc_schedule_ctx *x, int64_t agency, const char *week, int64_t event, const char *action,
		  json_t *detail)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	int64_t n = mc_exec(x->c,
			    "INSERT INTO schedule_log (agency_id, week, event_id, user_id, action, detail, at)"
			    " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?)",
			    "itiitti", agency, week, event, x->who->user_id, action, d ? d : "{}", mc_time_now_ms());
	free(d);
	if (n < 0) {
		json_decref(detail);
		return (int)n;
	}
	char oid[40];
	if (event)
		snprintf(oid, sizeof(oid), "%lld", (long long)event);
	else
		snprintf(oid, sizeof(oid), "%lld:%s", (long long)agency, week);
	char full[64];
	snprintf(full, sizeof(full), "schedule.%s", action);
	struct mc_audit_entry ae = {x->who->user_id,         full, event ? "schedule_event" : "schedule_week", oid,
				    x->addr ? x->addr : "-", NULL};
	return mc_audit_append_json(x->c, &ae, detail);
}

static json_t *person_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s?, s:I, s:s}", "id", (json_int_t)mc_col_int64(s, 0), "full_name",
			 mc_col_text(s, 1), "position", mc_col_text(s, 2), "agency_id", (json_int_t)mc_col_int64(s, 3),
			 "agency_name", mc_col_text(s, 4));
}

int mc_schedule_people(struct mc_schedule_ctx *x, int64_t agency, const char *q, json_t **out)
{
	/* the keepers of the calendar, or who looks within their own subtree
	 * (the directory's rule) */
	int rc = mc__sched_may_manage(x, agency);
	if (!rc && x->who->agency_id)
		rc = mc_agency_within(x->c, x->who->agency_id, agency);
	if (rc <= 0)
		return rc ? rc : MC_E_NOT_FOUND;
	/* the body's own first, its leaders and committee members before the
	 * others, then the agencies below it, nearest first */
	char *like = mc_text_like_key(q);
	struct mc_stmt *s;
	rc = mc_query(
		x->c, &s,
		"SELECT u.id, u.full_name, u.position, u.agency_id, a.name FROM users u"
		" JOIN agency_tree t ON t.descendant_id = u.agency_id AND t.ancestor_id = ?"
		" JOIN agencies a ON a.id = u.agency_id"
		" WHERE u.kind = 'official' AND u.status = 'active' AND (CAST(? AS TEXT) IS NULL OR u.search_key LIKE "
		"?)"
		" ORDER BY t.depth, CASE WHEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id"
		" AND r.role_code IN ('leader', 'committee_member')) THEN 0 ELSE 1 END, u.full_name, u.id LIMIT ?",
		"ittd", agency, like, like, SCHED_PEOPLE_LIST);
	free(like);
	return rc ? rc : mc_rows_json(s, person_row, NULL, out);
}

/* 1 when the caller reads agency's calendar (answers kept in seen). */
static int readable(struct mc_schedule_ctx *x, json_t *seen, int64_t agency)
{
	char k[24];
	snprintf(k, sizeof(k), "%lld", (long long)agency);
	json_t *v = json_object_get(seen, k);
	if (v)
		return (int)json_integer_value(v);
	int rc = mc__sched_may_read(x, agency);
	if (rc >= 0)
		json_object_set_new(seen, k, json_integer(rc));
	return rc;
}

static int mask_conflicts(struct mc_schedule_ctx *x, json_t *seen, json_t *e)
{
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(e, "conflicts"), i, k) {
		json_t *o = json_object_get(k, "event");
		int rc = readable(x, seen, json_integer_value(json_object_get(o, "agency_id")));
		if (rc < 0)
			return rc;
		if (!rc) {
			json_object_set_new(o, "title", json_null());
			json_object_set_new(o, "id", json_null());
		}
		json_object_del(o, "agency_id");
	}
	return 0;
}

int mc__sched_mask(struct mc_schedule_ctx *x, json_t *events)
{
	json_t *seen = json_object();
	int rc = 0;
	for (size_t i = json_array_size(events); !rc && i-- > 0;) {
		json_t *e = json_array_get(events, i);
		int ok = readable(x, seen, json_integer_value(json_object_get(json_object_get(e, "agency"), "id")));
		if (!ok)
			ok = mc__sched_involved(x->c, json_integer_value(json_object_get(e, "id")), x->who->user_id,
						x->who->agency_id);
		if (ok < 0)
			rc = ok;
		else if (!ok)
			json_array_remove(events, i);
		else
			rc = mask_conflicts(x, seen, e);
	}
	json_decref(seen);
	return rc;
}

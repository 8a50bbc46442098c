/*
 * week.c - a body's calendar week by week: drafted (its events written by
 * the body's officials or its office), submitted, approved by a leader or
 * returned with a note, then published, when everyone invited is told and
 * the week appears on the public page, in its PDF and in the feeds.  And an
 * official's own calendar: the events they chair or attend.
 */
#include "internal.h"

#include "../core/field.h"
#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define CALENDAR_WHERE "e.agency_id = ? AND e.start_at >= ? AND e.start_at < ?"

static json_t *week_row(struct mc_conn *c, int64_t agency, const char *week, int *rc)
{
	struct mc_stmt *s;
	json_t *w = json_pack("{s:s, s:I, s:I, s:n, s:n}", "state", "draft", "edition", (json_int_t)0, "version",
			      (json_int_t)0, "published_at", "note");
	if ((*rc = mc_query(c, &s,
			    "SELECT state, edition, version, published_at, note FROM schedule_weeks"
			    " WHERE agency_id = ? AND week = ?",
			    "it", agency, week)))
		return w;
	if ((*rc = mc_step_row(s)) == 0)
		json_object_update_new(w, json_pack("{s:s, s:I, s:I, s:o, s:o}", "state", mc_col_text(s, 0), "edition",
						    (json_int_t)mc_col_int64(s, 1), "version",
						    (json_int_t)mc_col_int64(s, 2), "published_at",
						    mc_col_json_time(s, 3), "note", mc_col_json_text(s, 4)));
	else if (*rc == MC_E_NOT_FOUND)
		*rc = 0;
	mc_stmt_done(s);
	return w;
}

/* The week's frame: its agency, Monday, days and state. */
static int frame(struct mc_conn *c, int64_t agency, int64_t monday, json_t **out)
{
	json_t *a = NULL;
	int rc = mc_agency_get(c, agency, &a);
	if (rc)
		return rc;
	char week[11], day[11];
	mc__sched_day_text(monday, week);
	json_t *w = week_row(c, agency, week, &rc), *days = json_array();
	for (int i = 0; i < 7; i++) {
		mc__sched_day_text(monday + i, day);
		json_array_append_new(days, json_string(day));
	}
	json_object_update_new(w, json_pack("{s:{s:I, s:O, s:O}, s:s, s:o}", "agency", "id", (json_int_t)agency, "name",
					    json_object_get(a, "name"), "name_en", json_object_get(a, "name_en"),
					    "week", week, "days", days));
	json_decref(a);
	if (rc)
		json_decref(w);
	else
		*out = w;
	return rc;
}

/* What the caller may do with the week now. */
static int actions(struct mc_schedule_ctx *x, int64_t agency, json_t *w)
{
	int manage = mc__sched_may_manage(x, agency), approve = manage < 0 ? 0 : mc__sched_may_approve(x, agency);
	if (manage < 0 || approve < 0)
		return manage < 0 ? manage : approve;
	const char *state = json_string_value(json_object_get(w, "state"));
	json_t *acts = json_array();
	int events = json_array_size(json_object_get(w, "events")) > 0;
	if (manage && events && strcmp(state, "draft") == 0)
		json_array_append_new(acts, json_string("submit"));
	if (approve && strcmp(state, "submitted") == 0)
		json_array_append_new(acts, json_string("approve"));
	if (approve && (strcmp(state, "submitted") == 0 || strcmp(state, "approved") == 0))
		json_array_append_new(acts, json_string("return"));
	if (manage && strcmp(state, "approved") == 0)
		json_array_append_new(acts, json_string("publish"));
	json_object_set_new(w, "actions", acts);
	json_object_set_new(w, "may_manage", json_boolean(manage));
	return 0;
}

int mc_schedule_week(struct mc_schedule_ctx *x, int64_t agency, int64_t monday, json_t **out)
{
	int rc = mc__sched_may_read(x, agency);
	if (rc <= 0)
		return rc ? rc : MC_E_NOT_FOUND;
	json_t *w = NULL, *events = NULL;
	if ((rc = frame(x->c, agency, monday, &w)))
		return rc;
	struct mc__sel sel = {CALENDAR_WHERE, "iii", {agency, mc_vn_day_start(monday), mc_vn_day_start(monday + 7)}, 0};
	if (!(rc = mc__sched_events_full(x->c, &sel, &events)))
		json_object_set_new(w, "events", events);
	if (!rc)
		rc = mc__sched_mask(x, events);
	if (!rc)
		rc = actions(x, agency, w);
	if (rc)
		json_decref(w);
	else
		*out = w;
	return rc;
}

/* An event as the public sees it: no answers, papers, notes or link. */
static void public_event(json_t *e)
{
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(e, "participants"), i, p) {
		json_object_del(p, "answer");
		json_object_del(p, "attendee");
		json_object_del(p, "reason");
		json_object_del(p, "answered_at");
	}
	json_object_del(e, "invitation");
	json_object_del(e, "papers");
	json_object_del(e, "note");
	/* an online meeting's link is for who is invited */
	json_object_set_new(e, "online", json_boolean(!json_is_null(json_object_get(e, "online_url"))));
	json_object_del(e, "online_url");
}

int mc_schedule_week_public(struct mc_conn *c, int64_t agency, int64_t monday, json_t **out)
{
	json_t *w = NULL, *events = json_array();
	int rc = frame(c, agency, monday, &w);
	if (rc)
		return rc;
	if (strcmp(json_string_value(json_object_get(w, "state")), "published") == 0) {
		json_decref(events);
		events = NULL;
		struct mc__sel sel = {
			CALENDAR_WHERE, "iii", {agency, mc_vn_day_start(monday), mc_vn_day_start(monday + 7)}, 0};
		rc = mc__sched_events(c, &sel, &events);
		if (!rc)
			rc = mc__sched_participants(c, events, &sel);
		size_t i;
		json_t *e;
		json_array_foreach(events, i, e)
			public_event(e);
	}
	json_object_set_new(w, "events", events ? events : json_array());
	json_object_del(w, "version");
	json_object_del(w, "note");
	if (rc)
		json_decref(w);
	else
		*out = w;
	return rc;
}

struct step {
	const char *action, *from, *from2, *to, *who;
	int approve; /* a leader's act (else the calendar keeper's) */
};

static const struct step STEPS[] = {
	{"submit", "draft", NULL, "submitted", "submitted_by", 0},
	{"approve", "submitted", NULL, "approved", "approved_by", 1},
	{"return", "submitted", "approved", "draft", "approved_by", 1},
	{"publish", "approved", NULL, "published", "published_by", 0},
};

/* Everyone invited to the week's events is told it is out. */
static int tell_published(struct mc_schedule_ctx *x, int64_t agency, int64_t monday, int64_t now)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT e.id FROM schedule_events e WHERE " CALENDAR_WHERE
			  " AND e.status = 'active' LIMIT 500",
			  "iii", agency, mc_vn_day_start(monday), mc_vn_day_start(monday + 7));
	if (rc)
		return rc;
	int64_t ids[SCHED_WEEK_EVENTS];
	int n = 0, step;
	while (n < SCHED_WEEK_EVENTS && (step = mc_step(s)) == MC_DB_ROW)
		ids[n++] = mc_col_int64(s, 0);
	mc_stmt_done(s);
	if (n < SCHED_WEEK_EVENTS && step < 0)
		return step;
	for (int i = 0; !rc && i < n; i++)
		rc = mc__sched_notify(x->c, ids[i], "published", now);
	return rc;
}

/* The week's row moved to st->to by the caller (version: its version, 0
 * when it has no row yet). */
static int move(struct mc_schedule_ctx *x, int64_t agency, const char *week, const struct step *st, int64_t version,
		const char *note, int64_t now)
{
	char sql[512];
	int64_t n;
	if (!version) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO schedule_weeks (agency_id, week, state, %s, note, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (agency_id, week) DO NOTHING",
			 st->who);
		n = mc_exec(x->c, sql, "ittiti", agency, week, st->to, x->who->user_id, note, now);
	} else {
		snprintf(sql, sizeof(sql),
			 "UPDATE schedule_weeks SET state = ?, %s = ?, note = ?, version = version + 1, updated_at = ?,"
			 " published_at = CASE WHEN ? = 'published' THEN ? ELSE published_at END"
			 " WHERE agency_id = ? AND week = ? AND version = ?",
			 st->who);
		n = mc_exec(x->c, sql, "tititiiti", st->to, x->who->user_id, note, now, st->to, now, agency, week,
			    version);
	}
	return n < 0 ? (int)n : n == 0 ? MC_E_PRECONDITION : 0;
}

/* May the caller take st on the week in state (version cur)? */
static int may_step(struct mc_schedule_ctx *x, int64_t agency, const struct step *st, const char *state, int64_t cur,
		    int64_t version)
{
	int rc = mc__sched_may_read(x, agency);
	if (rc <= 0)
		return rc ? rc : MC_E_NOT_FOUND;
	rc = st->approve ? mc__sched_may_approve(x, agency) : mc__sched_may_manage(x, agency);
	if (rc <= 0)
		return rc ? rc : mc_error_set(x->e, MC_E_FORBIDDEN, "the caller may not %s this calendar", st->action);
	if (version >= 0 && version != cur)
		return MC_E_PRECONDITION;
	if (strcmp(state, st->from) != 0 && (!st->from2 || strcmp(state, st->from2) != 0))
		return mc_error_set(x->e, MC_E_CONFLICT, "the week is %s", state);
	return 0;
}

int mc_schedule_week_act(struct mc_schedule_ctx *x, int64_t agency, int64_t monday, const char *action, int64_t version,
			 json_t *in, json_t **out)
{
	const struct step *st = NULL;
	for (size_t i = 0; i < sizeof(STEPS) / sizeof(STEPS[0]); i++)
		if (action && strcmp(STEPS[i].action, action) == 0)
			st = &STEPS[i];
	if (!st)
		return MC_E_NOT_FOUND;
	char week[11], state[16];
	int64_t cur = 0, events = 0, now = mc_time_now_ms();
	mc__sched_day_text(monday, week);
	int rc = mc__sched_week_state(x->c, agency, week, state, &cur);
	if (rc || (rc = may_step(x, agency, st, state, cur, version)))
		return rc;
	const char *note = mc_field_str(x->arena, x->e, in, "note", SCHED_TEXT_MAX, strcmp(action, "return") == 0);
	if (!rc && strcmp(action, "submit") == 0 &&
	    !(rc = mc_query_int64(x->c, &events,
				  "SELECT COUNT(*) FROM schedule_events e WHERE " CALENDAR_WHERE
				  " AND e.status = 'active'",
				  "iii", agency, mc_vn_day_start(monday), mc_vn_day_start(monday + 7))) &&
	    !events)
		mc_bad_field(x->e, "week", MC_M_SCHED_EMPTY_WEEK);
	if (rc || x->e->nfields)
		return rc ? rc : (x->e->code = MC_E_VALIDATION);
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	rc = move(x, agency, week, st, cur, note, now);
	rc = rc ? rc : strcmp(action, "publish") == 0 ? tell_published(x, agency, monday, now) : 0;
	rc = rc ? rc : mc__sched_log(x, agency, week, 0, action, note ? json_pack("{s:s}", "note", note) : NULL);
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_schedule_week(x, agency, monday, out);
}

#define PERSON_WHERE                                                                                                   \
	"(e.chair_id = ? OR e.id IN (SELECT p.event_id FROM schedule_participants p"                                   \
	" WHERE p.user_id = ? OR p.attendee_id = ?)) AND e.start_at >= ? AND e.start_at < ?"

int mc_schedule_person(struct mc_schedule_ctx *x, int64_t user_id, int64_t from_day, int64_t to_day, json_t **out)
{
	if (user_id != x->who->user_id) {
		char kind[16];
		int64_t agency = 0;
		int rc = mc_user_kind(x->c, user_id, kind, &agency);
		if (!rc && (strcmp(kind, "official") != 0 || !agency))
			rc = MC_E_NOT_FOUND;
		if (!rc && (rc = mc__sched_may_read(x, agency)) == 0)
			rc = MC_E_NOT_FOUND;
		if (rc < 0)
			return rc;
	}
	struct mc__sel sel = {PERSON_WHERE,
			      "iiiii",
			      {user_id, user_id, user_id, mc_vn_day_start(from_day), mc_vn_day_start(to_day + 1)},
			      SCHED_FEED_EVENTS};
	json_t *events = NULL, *u = NULL;
	int rc = mc_user_get_basic(x->c, user_id, &u);
	if (!rc)
		rc = mc__sched_events_full(x->c, &sel, &events);
	if (!rc && (rc = mc__sched_mask(x, events)))
		json_decref(events);
	if (!rc)
		*out = json_pack("{s:I, s:O?, s:O?, s:o}", "user_id", (json_int_t)user_id, "full_name",
				 json_object_get(u, "full_name"), "position", json_object_get(u, "position"), "events",
				 events);
	json_decref(u);
	return rc;
}

/*
 * event.c - an event of a calendar: read in and checked, created, changed,
 * cancelled.  A room is booked by one event at a time: the booking locks
 * the room's row and looks for another event in it at that time, in the
 * transaction that writes the event, so that two clerks booking it at once
 * on either back-end get one booking and one refusal.  A change to a
 * published week raises the event's SEQUENCE and the week's edition, and
 * tells everyone invited; a change before approval sends the week back to
 * its drafter's hands (draft).
 */
#include "internal.h"

#include "../core/field.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../db/rows.h"
#include "../dossier/dossier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* 1 when a row of sql (one id bound) exists, 0 when not, < 0 on error. */
static int exists(struct mc_conn *c, const char *sql, int64_t id)
{
	int64_t n = 0;
	int rc = mc_query_int64(c, &n, sql, "i", id);
	return rc ? rc : n > 0;
}

#define OFFICIAL_SQL "SELECT COUNT(*) FROM users WHERE id = ? AND kind = 'official' AND status = 'active'"
#define AGENCY_SQL   "SELECT COUNT(*) FROM agencies WHERE id = ?"

/* The ids of field each exist by sql (m when one does not). */
static int check_ids(struct mc_schedule_ctx *x, const char *field, const int64_t *ids, int n, const char *sql,
		     enum mc_msg m)
{
	for (int i = 0; i < n; i++) {
		int rc = exists(x->c, sql, ids[i]);
		if (rc < 0)
			return rc;
		if (!rc) {
			mc_bad_field(x->e, field, m);
			break;
		}
	}
	return 0;
}

/* 1 when sha is one of papers ([{sha256, name}]). */
static int has_paper(json_t *papers, const char *sha)
{
	size_t i;
	json_t *p;
	json_array_foreach(papers, i, p)
		if (strcmp(json_string_value(json_object_get(p, "sha256")), sha) == 0)
			return 1;
	return 0;
}

/* papers: [{sha256, name}] the caller uploaded, or the event has already
 * (had: NULL for a new one: whoever attached them). */
static json_t *papers_field(struct mc_schedule_ctx *x, json_t *in, json_t *had, int *rc)
{
	json_t *v = json_object_get(in, "papers"), *p, *out = json_array();
	size_t i;
	if (!v || json_is_null(v))
		return out;
	if (!json_is_array(v) || json_array_size(v) > SCHED_PAPERS_MAX) {
		mc_bad_fieldn(x->e, "papers", MC_M_SCHED_PAPERS, SCHED_PAPERS_MAX);
		return out;
	}
	json_array_foreach(v, i, p) {
		const char *sha = json_string_value(json_object_get(p, "sha256"));
		const char *name = mc_field_str(x->arena, x->e, p, "name", 200, 1);
		int64_t n = sha && had && has_paper(had, sha);
		if (!n && sha && mc_is_sha256_hex(sha) &&
		    (*rc = mc_query_int64(x->c, &n, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND user_id = ?",
					  "ti", sha, x->who->user_id)))
			return out;
		if (!n || !name) {
			mc_bad_fieldn(x->e, "papers", MC_M_SCHED_PAPERS, SCHED_PAPERS_MAX);
			return out;
		}
		json_array_append_new(out, json_pack("{s:s, s:s}", "sha256", sha, "name", name));
	}
	return out;
}

/* An http(s) link of printable ASCII (no space, no line break: it is
 * written into iCalendar lines and pages as it is). */
static int url_ok(const char *u)
{
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return 0;
	for (const unsigned char *c = (const unsigned char *)u; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
			return 0;
	return 1;
}

/* The times and the place of ev from in. */
static void when_where(struct mc_schedule_ctx *x, json_t *in, struct mc__event_in *ev)
{
	ev->start = mc_field_time(x->e, in, "start", 1);
	ev->end = mc_field_time(x->e, in, "end", 1);
	if (ev->start && ev->end && (ev->end <= ev->start || ev->end - ev->start > SCHED_EVENT_MAX_MS))
		mc_bad_field(x->e, "end", MC_M_SCHED_END);
	size_t before = x->e->nfields;
	ev->place = mc_field_str(x->arena, x->e, in, "place", SCHED_TEXT_MAX, 0);
	ev->online_url = mc_field_str(x->arena, x->e, in, "online_url", SCHED_URL_MAX, 0);
	if (ev->online_url && !url_ok(ev->online_url))
		mc_bad_field(x->e, "online_url", MC_M_SCHED_URL);
	ev->room = mc_field_id(x->e, in, "room_id", 0, MC_M_SCHED_ROOM);
	if (!ev->place && !ev->room && !ev->online_url && x->e->nfields == before)
		mc_bad_field(x->e, "place", MC_M_SCHED_WHERE);
}

/* Read in into ev (agency: the event's calendar, 0 to take in's
 * agency_id; had: the papers it has, NULL for a new one); problems in
 * x->e.  0, MC_E_VALIDATION or an error. */
static int read_event(struct mc_schedule_ctx *x, json_t *in, int64_t agency, json_t *had, struct mc__event_in *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (!json_is_object(in))
		return mc_error_set(x->e, MC_E_VALIDATION, NULL);
	ev->agency = agency ? agency : mc_field_id(x->e, in, "agency_id", 1, MC_M_SCHED_AGENCY);
	ev->title = mc_field_str(x->arena, x->e, in, "title", SCHED_TITLE_MAX, 1);
	ev->note = mc_field_str(x->arena, x->e, in, "note", 2000, 0);
	when_where(x, in, ev);
	ev->chair = mc_field_id(x->e, in, "chair_id", 1, MC_M_SCHED_OFFICIAL);
	ev->preparing = mc_field_id(x->e, in, "preparing_agency_id", 0, MC_M_SCHED_AGENCY);
	mc_field_ids(x->e, in, "participant_ids", ev->people, SCHED_PEOPLE_MAX, &ev->npeople, MC_M_SCHED_OFFICIAL);
	mc_field_ids(x->e, in, "participant_agency_ids", ev->agencies, SCHED_AGENCIES_MAX, &ev->nagencies,
		     MC_M_SCHED_AGENCY);
	int rc = 0;
	ev->papers = papers_field(x, in, had, &rc);
	if (!rc && ev->chair)
		rc = check_ids(x, "chair_id", &ev->chair, 1, OFFICIAL_SQL, MC_M_SCHED_OFFICIAL);
	if (!rc && ev->preparing)
		rc = check_ids(x, "preparing_agency_id", &ev->preparing, 1, AGENCY_SQL, MC_M_SCHED_AGENCY);
	if (!rc)
		rc = check_ids(x, "participant_ids", ev->people, ev->npeople, OFFICIAL_SQL, MC_M_SCHED_OFFICIAL);
	if (!rc)
		rc = check_ids(x, "participant_agency_ids", ev->agencies, ev->nagencies, AGENCY_SQL, MC_M_SCHED_AGENCY);
	if (!rc && ev->agency && !agency)
		rc = check_ids(x, "agency_id", &ev->agency, 1, AGENCY_SQL, MC_M_SCHED_AGENCY);
	if (rc)
		return rc;
	return x->e->nfields ? (x->e->code = MC_E_VALIDATION) : 0;
}

/* Book ev's room for event (0: a new one): the room is the calendar's
 * body's; its row locked, no other active event in it at that time. */
static int book_room(struct mc_schedule_ctx *x, const struct mc__event_in *ev, int64_t event)
{
	if (!ev->room)
		return 0;
	int64_t n = mc_exec(x->c, "UPDATE schedule_rooms SET version = version + 1 WHERE id = ? AND agency_id = ?",
			    "ii", ev->room, ev->agency);
	if (n <= 0) {
		if (!n)
			mc_bad_field(x->e, "room_id", MC_M_SCHED_ROOM);
		return n ? (int)n : (x->e->code = MC_E_VALIDATION);
	}
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT title, start_at, end_at FROM schedule_events WHERE room_id = ? AND status = 'active'"
			  " AND id <> ? AND start_at < ? AND end_at > ? ORDER BY start_at LIMIT 1",
			  "iiii", ev->room, event, ev->end, ev->start);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		char a[40], b[40];
		mc_time_format_vn(mc_col_int64(s, 1), a, sizeof(a));
		mc_time_format_vn(mc_col_int64(s, 2), b, sizeof(b));
		const char *when = mc_sprintf(x->arena, "%.5s %.10s - %.5s", a + 11, a, b + 11);
		mc_bad_field2(x->e, "room_id", MC_M_SCHED_ROOM_BOOKED, mc_strdup(x->arena, mc_col_text(s, 0)), when);
		rc = x->e->code = MC_E_CONFLICT;
	} else if (rc == MC_E_NOT_FOUND) {
		rc = 0;
	}
	mc_stmt_done(s);
	return rc;
}

static int in_list(const int64_t *v, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

/* The participants of event made those of ev: rows of people and agencies
 * no longer invited go (their answers with them), new ones come, those
 * still invited keep their answers. */
static int set_participants(struct mc_conn *c, int64_t event, const struct mc__event_in *ev)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT id, user_id, agency_id FROM schedule_participants WHERE event_id = ?", "i",
			  event);
	if (rc)
		return rc;
	int64_t gone[SCHED_PEOPLE_MAX + SCHED_AGENCIES_MAX], had_p[SCHED_PEOPLE_MAX], had_a[SCHED_AGENCIES_MAX];
	int ngone = 0, np = 0, na = 0, step;
	while ((step = mc_step(s)) == MC_DB_ROW) {
		int person = !mc_col_is_null(s, 1);
		int64_t who = mc_col_int64(s, person ? 1 : 2);
		int keep = person ? in_list(ev->people, ev->npeople, who) : in_list(ev->agencies, ev->nagencies, who);
		if (!keep && ngone < SCHED_PEOPLE_MAX + SCHED_AGENCIES_MAX)
			gone[ngone++] = mc_col_int64(s, 0);
		else if (keep && person && np < SCHED_PEOPLE_MAX)
			had_p[np++] = who;
		else if (keep && !person && na < SCHED_AGENCIES_MAX)
			had_a[na++] = who;
	}
	mc_stmt_done(s);
	if (step != MC_DB_DONE)
		return step;
	int64_t n = 0;
	for (int i = 0; n >= 0 && i < ngone; i++)
		n = mc_exec(c, "DELETE FROM schedule_participants WHERE id = ?", "i", gone[i]);
	for (int i = 0; n >= 0 && i < ev->npeople; i++)
		if (!in_list(had_p, np, ev->people[i]))
			n = mc_exec(c, "INSERT INTO schedule_participants (event_id, user_id) VALUES (?, ?)", "ii",
				    event, ev->people[i]);
	for (int i = 0; n >= 0 && i < ev->nagencies; i++)
		if (!in_list(had_a, na, ev->agencies[i]))
			n = mc_exec(c, "INSERT INTO schedule_participants (event_id, agency_id) VALUES (?, ?)", "ii",
				    event, ev->agencies[i]);
	return n < 0 ? (int)n : 0;
}

/* The papers of ev are kept with the event (their uploads attached). */
static int attach_papers(struct mc_schedule_ctx *x, const struct mc__event_in *ev, int64_t now)
{
	size_t i;
	json_t *p;
	json_array_foreach(ev->papers, i, p) {
		int64_t n = mc_exec(
			x->c,
			"UPDATE uploads SET attached_at = ? WHERE sha256 = ? AND user_id = ? AND attached_at IS NULL",
			"iti", now, json_string_value(json_object_get(p, "sha256")), x->who->user_id);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

/* The week of ev after a change to it: a published one gets a new edition
 * (and *published 1), one submitted or approved goes back to draft.  Each
 * is one conditional UPDATE, so that a week published meanwhile by another
 * transaction is never set back to draft (the row lock makes the second
 * wait, then it sees the state the first committed). */
static int week_changed(struct mc_schedule_ctx *x, int64_t agency, const char *week, int64_t now, int *published)
{
	int64_t n = mc_exec(x->c,
			    "UPDATE schedule_weeks SET edition = edition + 1, version = version + 1, updated_at = ?"
			    " WHERE agency_id = ? AND week = ? AND state = 'published'",
			    "iit", now, agency, week);
	if (n < 0)
		return (int)n;
	*published = n > 0;
	if (!n)
		n = mc_exec(x->c,
			    "UPDATE schedule_weeks SET state = 'draft', version = version + 1, updated_at = ?"
			    " WHERE agency_id = ? AND week = ? AND state IN ('submitted', 'approved')",
			    "iit", now, agency, week);
	return n < 0 ? (int)n : 0;
}

/* Room for one more event in the week of agency's calendar? */
static int week_room(struct mc_schedule_ctx *x, int64_t agency, const char *week, int64_t event)
{
	int64_t n = 0;
	int rc = mc_query_int64(x->c, &n,
				"SELECT COUNT(*) FROM schedule_events WHERE agency_id = ? AND week = ? AND id <> ?",
				"iti", agency, week, event);
	if (rc || n < SCHED_WEEK_EVENTS)
		return rc;
	mc_bad_fieldn(x->e, "start", MC_M_SCHED_WEEK_FULL, SCHED_WEEK_EVENTS);
	return x->e->code = MC_E_VALIDATION;
}

/* Insert ev as a new event of its week; *id. */
static int insert_event(struct mc_schedule_ctx *x, const struct mc__event_in *ev, const char *week, int64_t now,
			int64_t *id)
{
	char uid[64], rnd[33];
	mc_random_hex(rnd, 16);
	snprintf(uid, sizeof(uid), "%s@motcua", rnd);
	char *papers = json_dumps(ev->papers, JSON_COMPACT);
	struct mc_stmt *s;
	int rc =
		mc_query(x->c, &s,
			 "INSERT INTO schedule_events (uid, agency_id, week, title, start_at, end_at, place, room_id,"
			 " online_url, chair_id, preparing_agency_id, note, papers, created_by, created_at, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?) RETURNING id",
			 "titt"
			 "iiti"
			 "tiit"
			 "tiii",
			 uid, ev->agency, week, ev->title, ev->start, ev->end, ev->place, ev->room, ev->online_url,
			 ev->chair, ev->preparing, ev->note, papers ? papers : "[]", x->who->user_id, now, now);
	free(papers);
	return rc ? rc : mc_step_returning(s, id);
}

static int may_manage(struct mc_schedule_ctx *x, int64_t agency)
{
	int rc = mc__sched_may_manage(x, agency);
	if (rc < 0)
		return rc;
	return rc ? 0 : mc_error_set(x->e, MC_E_FORBIDDEN, "the caller does not keep this calendar");
}

/* The end of a write: commit (rc 0) or roll back; rc. */
static int settle(struct mc_conn *c, int rc)
{
	rc = rc ? rc : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc;
}

int mc_schedule_event_create(struct mc_schedule_ctx *x, json_t *in, json_t **out)
{
	struct mc__event_in ev;
	int rc = read_event(x, in, 0, NULL, &ev);
	if (!rc)
		rc = may_manage(x, ev.agency);
	if (rc) {
		json_decref(ev.papers);
		return rc;
	}
	char week[11];
	mc__sched_day_text(mc__sched_monday(ev.start), week);
	int64_t now = mc_time_now_ms(), id = 0;
	int published = 0;
	if (!(rc = mc_tx_begin(x->c, 1))) {
		rc = week_room(x, ev.agency, week, 0);
		rc = rc ? rc : book_room(x, &ev, 0);
		rc = rc ? rc : insert_event(x, &ev, week, now, &id);
		rc = rc ? rc : set_participants(x->c, id, &ev);
		rc = rc ? rc : attach_papers(x, &ev, now);
		rc = rc ? rc : week_changed(x, ev.agency, week, now, &published);
		rc = rc ? rc : published ? mc__sched_notify(x->c, id, "added", now) : 0;
		rc = rc ? rc
			: mc__sched_log(x, ev.agency, week, id, "create",
					json_pack("{s:s, s:I}", "title", ev.title, "start", (json_int_t)ev.start));
		rc = settle(x->c, rc);
	}
	json_decref(ev.papers);
	return rc ? rc : mc_schedule_event_get(x, id, out);
}

/* What a change needs of an event as it is. */
struct cur {
	int64_t agency, version, end;
	char week[11], status[16];
};

static int load_cur(struct mc_conn *c, int64_t id, struct cur *k)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT agency_id, version, end_at, week, status FROM schedule_events WHERE id = ?",
			  "i", id);
	if (rc)
		return rc;
	if (!(rc = mc_step_row(s))) {
		k->agency = mc_col_int64(s, 0);
		k->version = mc_col_int64(s, 1);
		k->end = mc_col_int64(s, 2);
		snprintf(k->week, sizeof(k->week), "%s", mc_col_text(s, 3));
		snprintf(k->status, sizeof(k->status), "%s", mc_col_text(s, 4));
	}
	mc_stmt_done(s);
	return rc;
}

/* The event as it is, for a change by who keeps its calendar: 404 for who
 * may not even read it, 403 for a reader, 412 for a stale version, 409
 * for a cancelled one. */
static int for_change(struct mc_schedule_ctx *x, int64_t id, int64_t version, struct cur *k)
{
	int rc = load_cur(x->c, id, k);
	if (rc)
		return rc;
	int read = mc__sched_may_read(x, k->agency);
	if (read < 0)
		return read;
	if (!read && (rc = mc__sched_involved(x->c, id, x->who->user_id, x->who->agency_id)) <= 0)
		return rc ? rc : MC_E_NOT_FOUND;
	if ((rc = may_manage(x, k->agency)))
		return rc;
	if (version >= 0 && version != k->version)
		return MC_E_PRECONDITION;
	if (strcmp(k->status, "active") != 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "the event is cancelled");
	return 0;
}

/* The papers event has now. */
static int papers_of(struct mc_conn *c, int64_t event, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT papers FROM schedule_events WHERE id = ?", "i", event);
	if (rc)
		return rc;
	if (!(rc = mc_step_row(s))) {
		*out = json_loads(mc_col_text(s, 0), 0, NULL);
		if (!json_is_array(*out)) {
			json_decref(*out);
			*out = json_array();
		}
	}
	mc_stmt_done(s);
	return rc;
}

static int update_row(struct mc_schedule_ctx *x, int64_t id, const struct cur *k, const struct mc__event_in *ev,
		      const char *week, int64_t now)
{
	char *papers = json_dumps(ev->papers, JSON_COMPACT);
	int64_t n = mc_exec(x->c,
			    "UPDATE schedule_events SET week = ?, title = ?, start_at = ?, end_at = ?, place = ?,"
			    " room_id = NULLIF(?, 0), online_url = ?, chair_id = ?, preparing_agency_id = NULLIF(?, 0),"
			    " note = ?, papers = ?, sequence = sequence + 1, version = version + 1, updated_at = ?"
			    " WHERE id = ? AND version = ?",
			    "ttii"
			    "tit"
			    "iitt"
			    "iii",
			    week, ev->title, ev->start, ev->end, ev->place, ev->room, ev->online_url, ev->chair,
			    ev->preparing, ev->note, papers ? papers : "[]", now, id, k->version);
	free(papers);
	return n < 0 ? (int)n : n == 0 ? MC_E_PRECONDITION : 0;
}

int mc_schedule_event_update(struct mc_schedule_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out)
{
	struct cur k;
	int rc = for_change(x, id, version, &k);
	if (rc)
		return rc;
	struct mc__event_in ev;
	json_t *had = NULL;
	if ((rc = papers_of(x->c, id, &had)))
		return rc;
	rc = read_event(x, in, k.agency, had, &ev);
	json_decref(had);
	if (rc) {
		json_decref(ev.papers);
		return rc;
	}
	char week[11];
	mc__sched_day_text(mc__sched_monday(ev.start), week);
	int64_t now = mc_time_now_ms();
	int was = 0, is = 0;
	json_t *to = json_array(); /* those invited before the change and after it */
	if (!(rc = mc_tx_begin(x->c, 1))) {
		rc = strcmp(week, k.week) ? week_room(x, k.agency, week, id) : 0;
		rc = rc ? rc : book_room(x, &ev, id);
		int known = rc ? 0 : mc__sched_notice_due(x->c, id);
		rc = known < 0 ? known : rc;
		rc = rc ? rc : mc__sched_recipients(x->c, id, to);
		rc = rc ? rc : update_row(x, id, &k, &ev, week, now);
		rc = rc ? rc : set_participants(x->c, id, &ev);
		rc = rc ? rc : attach_papers(x, &ev, now);
		rc = rc ? rc : week_changed(x, k.agency, k.week, now, &was);
		rc = rc ? rc : strcmp(week, k.week) ? week_changed(x, k.agency, week, now, &is) : 0;
		rc = rc ? rc : mc__sched_recipients(x->c, id, to);
		rc = rc ? rc : known || was || is ? mc__sched_notify_to(x->c, id, "changed", now, to) : 0;
		rc = rc ? rc : mc__sched_log(x, k.agency, week, id, "update", json_pack("{s:s}", "title", ev.title));
		rc = settle(x->c, rc);
	}
	json_decref(to);
	json_decref(ev.papers);
	return rc ? rc : mc_schedule_event_get(x, id, out);
}

int mc_schedule_event_cancel(struct mc_schedule_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out)
{
	struct cur k;
	int rc = for_change(x, id, version, &k);
	if (rc)
		return rc;
	const char *reason = mc_field_str(x->arena, x->e, in, "reason", SCHED_TEXT_MAX, 1);
	if (!reason)
		return x->e->code = MC_E_VALIDATION;
	int64_t now = mc_time_now_ms();
	int published = 0, known = 0;
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	if ((known = mc__sched_notice_due(x->c, id)) < 0)
		return settle(x->c, known);
	int64_t n =
		mc_exec(x->c,
			"UPDATE schedule_events SET status = 'cancelled', cancel_reason = ?, sequence = sequence + 1,"
			" version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			"tiii", reason, now, id, k.version);
	rc = n < 0 ? (int)n : n == 0 ? MC_E_PRECONDITION : 0;
	rc = rc ? rc : week_changed(x, k.agency, k.week, now, &published);
	rc = rc ? rc : published || known ? mc__sched_notify(x->c, id, "cancelled", now) : 0;
	rc = rc ? rc : mc__sched_log(x, k.agency, k.week, id, "cancel", json_pack("{s:s}", "reason", reason));
	rc = settle(x->c, rc);
	return rc ? rc : mc_schedule_event_get(x, id, out);
}

/* The event as it is, for who reads it (its calendar's readers, who is
 * involved in it): MC_E_NOT_FOUND for anyone else. */
static int for_reading(struct mc_schedule_ctx *x, int64_t id, struct cur *k)
{
	int rc = load_cur(x->c, id, k);
	if (rc)
		return rc;
	int read = mc__sched_may_read(x, k->agency);
	if (!read)
		read = mc__sched_involved(x->c, id, x->who->user_id, x->who->agency_id);
	return read < 0 ? read : read ? 0 : MC_E_NOT_FOUND;
}

int mc_schedule_paper(struct mc_schedule_ctx *x, int64_t id, int k, void **data, size_t *len, char mime[32],
		      const char **name)
{
	struct cur c;
	json_t *papers = NULL;
	int rc = for_reading(x, id, &c);
	if (!rc)
		rc = papers_of(x->c, id, &papers);
	if (rc)
		return rc;
	json_t *p = json_array_get(papers, (size_t)k);
	const char *sha = json_string_value(json_object_get(p, "sha256"));
	rc = sha ? mc_blob_get(x->c, sha, data, len, mime) : MC_E_NOT_FOUND;
	if (!rc)
		*name = mc_strdup(x->arena, json_string_value(json_object_get(p, "name")));
	json_decref(papers);
	return rc;
}

int mc_schedule_event_get(struct mc_schedule_ctx *x, int64_t id, json_t **out)
{
	struct cur k;
	int rc = for_reading(x, id, &k);
	if (rc)
		return rc;
	json_t *e = NULL;
	if ((rc = mc__sched_event(x->c, id, &e)))
		return rc;
	json_t *one = json_pack("[O]", e);
	rc = mc__sched_mask(x, one);
	json_decref(one);
	int manage = rc ? rc : mc__sched_may_manage(x, k.agency);
	if (manage < 0) {
		json_decref(e);
		return manage;
	}
	json_object_set_new(e, "may_manage", json_boolean(manage > 0));
	*out = e;
	return 0;
}

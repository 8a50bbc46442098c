/*
 * read.c - events as JSON: the row with its room, chair, preparing agency
 * and invitation; its participants and answers; the people it shares with
 * another event at the same time.
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define EVENT_COLS                                                                                                     \
	"e.id, e.uid, e.agency_id, a.name, a.name_en, e.week, e.title, e.start_at, e.end_at, e.place, e.room_id,"      \
	" r.name, r.place, e.online_url, e.chair_id, u.full_name, u.position, e.preparing_agency_id, pa.name,"         \
	" pa.name_en, e.note, e.papers, e.status, e.cancel_reason, e.sequence, e.version, e.invitation_draft_id,"      \
	" d.status, d.document_id, e.created_at, e.updated_at, COALESCE(w.state, 'draft')"
enum {
	C_ID,
	C_UID,
	C_AGENCY,
	C_AGENCY_NAME,
	C_AGENCY_NAME_EN,
	C_WEEK,
	C_TITLE,
	C_START,
	C_END,
	C_PLACE,
	C_ROOM,
	C_ROOM_NAME,
	C_ROOM_PLACE,
	C_URL,
	C_CHAIR,
	C_CHAIR_NAME,
	C_CHAIR_POSITION,
	C_PREP,
	C_PREP_NAME,
	C_PREP_NAME_EN,
	C_NOTE,
	C_PAPERS,
	C_STATUS,
	C_CANCEL,
	C_SEQUENCE,
	C_VERSION,
	C_DRAFT,
	C_DRAFT_STATUS,
	C_DOCUMENT,
	C_CREATED,
	C_UPDATED,
	C_WEEK_STATE,
};
#define EVENT_FROM                                                                                                     \
	" FROM schedule_events e JOIN agencies a ON a.id = e.agency_id JOIN users u ON u.id = e.chair_id"              \
	" LEFT JOIN schedule_rooms r ON r.id = e.room_id LEFT JOIN agencies pa ON pa.id = e.preparing_agency_id"       \
	" LEFT JOIN document_drafts d ON d.id = e.invitation_draft_id"                                                 \
	" LEFT JOIN schedule_weeks w ON w.agency_id = e.agency_id AND w.week = e.week"

static json_t *id_or_null(struct mc_stmt *s, int col)
{
	return mc_col_is_null(s, col) ? json_null() : json_integer(mc_col_int64(s, col));
}

static json_t *room(struct mc_stmt *s)
{
	if (mc_col_is_null(s, C_ROOM))
		return json_null();
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)mc_col_int64(s, C_ROOM), "name",
			 mc_col_text(s, C_ROOM_NAME), "place", mc_col_text(s, C_ROOM_PLACE));
}

static json_t *preparing(struct mc_stmt *s)
{
	if (mc_col_is_null(s, C_PREP))
		return json_null();
	return json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)mc_col_int64(s, C_PREP), "name",
			 mc_col_text(s, C_PREP_NAME), "name_en", mc_col_text(s, C_PREP_NAME_EN));
}

static json_t *invitation(struct mc_stmt *s)
{
	if (mc_col_is_null(s, C_DRAFT))
		return json_null();
	return json_pack("{s:I, s:s?, s:o}", "draft_id", (json_int_t)mc_col_int64(s, C_DRAFT), "status",
			 mc_col_text(s, C_DRAFT_STATUS), "document_id", id_or_null(s, C_DOCUMENT));
}

static json_t *event_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *papers = json_loads(mc_col_text(s, C_PAPERS), 0, &je);
	json_t *e = json_pack("{s:I, s:s, s:{s:I, s:s, s:s?}, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
			      (json_int_t)mc_col_int64(s, C_ID), "uid", mc_col_text(s, C_UID), "agency", "id",
			      (json_int_t)mc_col_int64(s, C_AGENCY), "name", mc_col_text(s, C_AGENCY_NAME), "name_en",
			      mc_col_text(s, C_AGENCY_NAME_EN), "week", mc_col_text(s, C_WEEK), "title",
			      mc_col_text(s, C_TITLE), "start", mc_col_json_time(s, C_START), "end",
			      mc_col_json_time(s, C_END), "place", mc_col_json_text(s, C_PLACE), "room", room(s),
			      "online_url", mc_col_json_text(s, C_URL));
	json_object_set_new(e, "chair",
			    json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)mc_col_int64(s, C_CHAIR), "full_name",
				      mc_col_text(s, C_CHAIR_NAME), "position", mc_col_text(s, C_CHAIR_POSITION)));
	json_object_update_new(
		e, json_pack("{s:o, s:o, s:o, s:s, s:o, s:I, s:I, s:o, s:o, s:o, s:I, s:I}", "preparing_agency",
			     preparing(s), "note", mc_col_json_text(s, C_NOTE), "papers",
			     json_is_array(papers) ? papers : json_array(), "status", mc_col_text(s, C_STATUS),
			     "cancel_reason", mc_col_json_text(s, C_CANCEL), "sequence",
			     (json_int_t)mc_col_int64(s, C_SEQUENCE), "version", (json_int_t)mc_col_int64(s, C_VERSION),
			     "invitation", invitation(s), "created_at", mc_col_json_time(s, C_CREATED), "updated_at",
			     mc_col_json_time(s, C_UPDATED), "start_ms", (json_int_t)mc_col_int64(s, C_START), "end_ms",
			     (json_int_t)mc_col_int64(s, C_END)));
	json_object_set_new(e, "week_state", json_string(mc_col_text(s, C_WEEK_STATE)));
	if (!json_is_array(papers))
		json_decref(papers);
	return e;
}

/* Prepare sql, binding the selection's values. */
static int sel_query(struct mc_conn *c, struct mc_stmt **s, const char *sql, const struct mc__sel *w)
{
	const int64_t *v = w->v;
	switch (strlen(w->types)) {
	case 1:
		return mc_query(c, s, sql, w->types, v[0]);
	case 2:
		return mc_query(c, s, sql, w->types, v[0], v[1]);
	case 3:
		return mc_query(c, s, sql, w->types, v[0], v[1], v[2]);
	case 4:
		return mc_query(c, s, sql, w->types, v[0], v[1], v[2], v[3]);
	default:
		return mc_query(c, s, sql, w->types, v[0], v[1], v[2], v[3], v[4]);
	}
}

int mc__sched_events(struct mc_conn *c, const struct mc__sel *w, json_t **out)
{
	char sql[2048];
	snprintf(sql, sizeof(sql), "SELECT " EVENT_COLS EVENT_FROM " WHERE %s ORDER BY e.start_at, e.id LIMIT %d",
		 w->where, w->limit > 0 ? w->limit : SCHED_WEEK_EVENTS);
	struct mc_stmt *s;
	int rc = sel_query(c, &s, sql, w);
	return rc ? rc : mc_rows_json(s, event_row, NULL, out);
}

int mc__sched_events_full(struct mc_conn *c, const struct mc__sel *w, json_t **out)
{
	json_t *events = NULL;
	int rc = mc__sched_events(c, w, &events);
	if (!rc)
		rc = mc__sched_participants(c, events, w);
	if (!rc)
		rc = mc__sched_conflicts(c, events);
	if (rc)
		json_decref(events);
	else
		*out = events;
	return rc;
}

int mc__sched_event(struct mc_conn *c, int64_t id, json_t **out)
{
	struct mc__sel w = {"e.id = ?", "i", {id}, 1};
	json_t *events = NULL;
	int rc = mc__sched_events_full(c, &w, &events);
	if (!rc && !json_array_size(events))
		rc = MC_E_NOT_FOUND;
	if (!rc)
		*out = json_incref(json_array_get(events, 0));
	json_decref(events);
	return rc;
}

int mc__sched_involved(struct mc_conn *c, int64_t event, int64_t user, int64_t agency)
{
	int64_t n = 0;
	int rc = mc_query_int64(
		c, &n,
		"SELECT COUNT(*) FROM schedule_events e WHERE e.id = ? AND (e.chair_id = ? OR EXISTS"
		" (SELECT 1 FROM schedule_participants p WHERE p.event_id = e.id"
		" AND (p.user_id = ? OR p.attendee_id = ?)) OR EXISTS (SELECT 1 FROM schedule_participants p"
		" JOIN agency_tree t ON t.ancestor_id = p.agency_id AND t.descendant_id = ? AND t.same_body = 1"
		" WHERE p.event_id = e.id))",
		"iiiii", event, user, user, user, agency);
	return rc ? rc : n > 0;
}

/* The events of events by id (for distributing rows to them). */
static json_t *by_id(json_t *events, int64_t id)
{
	size_t i;
	json_t *e;
	json_array_foreach(events, i, e)
		if (json_integer_value(json_object_get(e, "id")) == id)
			return e;
	return NULL;
}

static json_t *participant_row(struct mc_stmt *s)
{
	json_t *user = mc_col_is_null(s, 2) ? json_null()
					    : json_pack("{s:I, s:s, s:s?, s:s?}", "id", (json_int_t)mc_col_int64(s, 2),
							"full_name", mc_col_text(s, 3), "position", mc_col_text(s, 4),
							"agency", mc_col_text(s, 12));
	json_t *agency = mc_col_is_null(s, 5) ? json_null()
					      : json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)mc_col_int64(s, 5),
							  "name", mc_col_text(s, 6), "name_en", mc_col_text(s, 13));
	json_t *attendee = mc_col_is_null(s, 8)
				   ? json_null()
				   : json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)mc_col_int64(s, 8), "full_name",
					       mc_col_text(s, 9), "position", mc_col_text(s, 14));
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)mc_col_int64(s, 0), "user", user,
			 "agency", agency, "answer", mc_col_json_text(s, 7), "attendee", attendee, "reason",
			 mc_col_json_text(s, 10), "answered_at", mc_col_json_time(s, 11));
}

int mc__sched_participants(struct mc_conn *c, json_t *events, const struct mc__sel *w)
{
	size_t i;
	json_t *e;
	json_array_foreach(events, i, e)
		json_object_set_new(e, "participants", json_array());
	if (!json_array_size(events))
		return 0;
	char sql[2048];
	snprintf(sql, sizeof(sql),
		 "SELECT p.id, p.event_id, p.user_id, u.full_name, u.position, p.agency_id, g.name, p.answer,"
		 " p.attendee_id, t.full_name, p.reason, p.answered_at, ua.name, g.name_en, t.position"
		 " FROM schedule_participants p LEFT JOIN users u ON u.id = p.user_id"
		 " LEFT JOIN agencies ua ON ua.id = u.agency_id LEFT JOIN agencies g ON g.id = p.agency_id"
		 " LEFT JOIN users t ON t.id = p.attendee_id"
		 " WHERE p.event_id IN (SELECT e.id FROM schedule_events e WHERE %s) ORDER BY p.event_id, p.id",
		 w->where);
	struct mc_stmt *s;
	int rc = sel_query(c, &s, sql, w), step = MC_DB_DONE;
	if (rc)
		return rc;
	while ((step = mc_step(s)) == MC_DB_ROW) {
		json_t *ev = by_id(events, mc_col_int64(s, 1));
		if (ev)
			json_array_append_new(json_object_get(ev, "participants"), participant_row(s));
	}
	mc_stmt_done(s);
	return step == MC_DB_DONE ? 0 : step;
}

/* The people busy in an active event: its chair, and each invitee who
 * comes (the official invited, or the deputy or person sent in their
 * place); into people as {id: full_name}. */
static void people_of(json_t *e, json_t *people)
{
	char k[24];
	json_t *chair = json_object_get(e, "chair"), *p;
	snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(json_object_get(chair, "id")));
	json_object_set(people, k, json_object_get(chair, "full_name"));
	size_t i;
	json_array_foreach(json_object_get(e, "participants"), i, p) {
		const char *answer = json_string_value(json_object_get(p, "answer"));
		json_t *who = json_is_object(json_object_get(p, "attendee")) ? json_object_get(p, "attendee")
									     : json_object_get(p, "user");
		if (!json_is_object(who) || (answer && strcmp(answer, "absent") == 0))
			continue;
		snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(json_object_get(who, "id")));
		json_object_set(people, k, json_object_get(who, "full_name"));
	}
}

/* The active events user is busy in that overlap [lo, hi). */
#define BUSY_SQL                                                                                                       \
	"SELECT e.id, e.start_at, e.end_at, e.title, e.agency_id FROM schedule_events e"                               \
	" WHERE e.status = 'active' AND e.start_at < ? AND e.start_at > ? AND e.end_at > ? AND (e.chair_id = ?"        \
	" OR e.id IN (SELECT p.event_id FROM schedule_participants p WHERE (p.answer IS NULL OR p.answer <> 'absent')" \
	" AND ((p.user_id = ? AND p.attendee_id IS NULL) OR p.attendee_id = ?))) ORDER BY e.start_at LIMIT 1000"

static int busy_of(struct mc_conn *c, int64_t user, int64_t lo, int64_t hi, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, BUSY_SQL, "iiiiii", hi, lo - SCHED_EVENT_MAX_MS, lo, user, user, user);
	if (rc)
		return rc;
	json_t *rows = json_array();
	int step;
	while ((step = mc_step(s)) == MC_DB_ROW)
		json_array_append_new(
			rows, json_pack("{s:I, s:I, s:I, s:s, s:I}", "event", (json_int_t)mc_col_int64(s, 0), "start",
					(json_int_t)mc_col_int64(s, 1), "end", (json_int_t)mc_col_int64(s, 2), "title",
					mc_col_text(s, 3), "agency", (json_int_t)mc_col_int64(s, 4)));
	mc_stmt_done(s);
	if (step != MC_DB_DONE) {
		json_decref(rows);
		return step;
	}
	*out = rows;
	return 0;
}

/* Add to e's conflicts that user (name) is busy in o too. */
static void add_conflict(json_t *e, int64_t user, json_t *name, json_t *o)
{
	char a[40], b[40];
	mc_time_format_vn(json_integer_value(json_object_get(o, "start")), a, sizeof(a));
	mc_time_format_vn(json_integer_value(json_object_get(o, "end")), b, sizeof(b));
	json_array_append_new(json_object_get(e, "conflicts"),
			      json_pack("{s:I, s:O, s:{s:O, s:O, s:s, s:s, s:O}}", "user_id", (json_int_t)user,
					"full_name", name, "event", "id", json_object_get(o, "event"), "title",
					json_object_get(o, "title"), "start", a, "end", b, "agency_id",
					json_object_get(o, "agency")));
}

/* The conflicts of user in each active event of events that has them. */
static void overlaps(json_t *events, int64_t user, json_t *name, json_t *busy)
{
	char k[24];
	snprintf(k, sizeof(k), "%lld", (long long)user);
	size_t i, j;
	json_t *e, *o;
	json_array_foreach(events, i, e) {
		json_t *people = json_object();
		if (strcmp(json_string_value(json_object_get(e, "status")), "active") == 0)
			people_of(e, people);
		int in = json_object_get(people, k) != NULL;
		json_decref(people);
		if (!in)
			continue;
		int64_t id = json_integer_value(json_object_get(e, "id")),
			start = json_integer_value(json_object_get(e, "start_ms")),
			end = json_integer_value(json_object_get(e, "end_ms"));
		json_array_foreach(busy, j, o) {
			if (json_integer_value(json_object_get(o, "start")) >= end)
				break; /* by start */
			if (json_integer_value(json_object_get(o, "event")) != id &&
			    json_integer_value(json_object_get(o, "end")) > start)
				add_conflict(e, user, name, o);
		}
	}
}

int mc__sched_conflicts(struct mc_conn *c, json_t *events)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	json_t *people = json_object(), *e, *name;
	size_t i;
	json_array_foreach(events, i, e) {
		json_object_set_new(e, "conflicts", json_array());
		if (strcmp(json_string_value(json_object_get(e, "status")), "active") != 0)
			continue;
		people_of(e, people);
		int64_t a = json_integer_value(json_object_get(e, "start_ms")),
			b = json_integer_value(json_object_get(e, "end_ms"));
		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	/* each person's busy events over the span: a few index lookups each */
	const char *k;
	int rc = 0;
	json_object_foreach(people, k, name) {
		json_t *busy = NULL;
		if ((rc = busy_of(c, strtoll(k, NULL, 10), lo, hi, &busy)))
			break;
		overlaps(events, strtoll(k, NULL, 10), name, busy);
		json_decref(busy);
	}
	json_decref(people);
	return rc;
}

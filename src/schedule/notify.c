/*
 * notify.c - everyone invited to an event is told what happened to it
 * (published, added, changed, cancelled) through the outbox: its chair, the
 * officials invited, the deputies and people sent, and the leaders of an
 * agency invited that has not yet named whom it sends.
 */
#include "internal.h"

#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define RECIPIENTS                                                                                                     \
	"SELECT u.id, u.full_name, u.phone, u.email FROM users u WHERE u.status = 'active' AND ("                      \
	" u.id = (SELECT chair_id FROM schedule_events WHERE id = ?)"                                                  \
	" OR u.id IN (SELECT user_id FROM schedule_participants WHERE event_id = ? AND user_id IS NOT NULL)"           \
	" OR u.id IN (SELECT attendee_id FROM schedule_participants WHERE event_id = ? AND attendee_id IS NOT NULL)"   \
	" OR u.id IN (SELECT l.id FROM schedule_participants p JOIN users l ON l.agency_id = p.agency_id"              \
	" JOIN user_roles r ON r.user_id = l.id AND r.role_code = 'leader'"                                            \
	" WHERE p.event_id = ? AND p.agency_id IS NOT NULL AND p.attendee_id IS NULL)) ORDER BY u.id"

static json_t *recipient_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s?, s:s?}", "user_id", (json_int_t)mc_col_int64(s, 0), "full_name",
			 mc_col_text(s, 1), "phone", mc_col_text(s, 2), "email", mc_col_text(s, 3));
}

/* What the message says of the event. */
static int payload_of(struct mc_conn *c, int64_t event, const char *what, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT title, start_at, end_at, COALESCE(r.place, e.place), online_url, sequence, cancel_reason"
		" FROM schedule_events e LEFT JOIN schedule_rooms r ON r.id = e.room_id WHERE e.id = ?",
		"i", event);
	if (rc)
		return rc;
	if (!(rc = mc_step_row(s)))
		*out = json_pack("{s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:I, s:o}", "event", "schedule_event",
				 "what", what, "event_id", (json_int_t)event, "title", mc_col_text(s, 0), "start",
				 mc_col_json_time(s, 1), "end", mc_col_json_time(s, 2), "place", mc_col_json_text(s, 3),
				 "online_url", mc_col_json_text(s, 4), "sequence", (json_int_t)mc_col_int64(s, 5),
				 "cancel_reason", mc_col_json_text(s, 6));
	mc_stmt_done(s);
	return rc;
}

int mc__sched_recipients(struct mc_conn *c, int64_t event, json_t *into)
{
	struct mc_stmt *s;
	json_t *rows = NULL, *r, *k;
	int rc = mc_query(c, &s, RECIPIENTS, "iiii", event, event, event, event);
	if (!rc)
		rc = mc_rows_json(s, recipient_row, NULL, &rows);
	size_t i, j;
	json_array_foreach(rows, i, r) {
		int known = 0;
		json_array_foreach(into, j, k)
			known |= json_equal(json_object_get(k, "user_id"), json_object_get(r, "user_id"));
		if (!known)
			json_array_append(into, r);
	}
	json_decref(rows);
	return rc;
}

int mc__sched_notice_due(struct mc_conn *c, int64_t event)
{
	int64_t n = 0;
	int rc = mc_query_int64(
		c, &n,
		"SELECT COUNT(*) FROM schedule_events e LEFT JOIN schedule_weeks w ON w.agency_id = e.agency_id"
		" AND w.week = e.week LEFT JOIN document_drafts d ON d.id = e.invitation_draft_id"
		" WHERE e.id = ? AND (w.state = 'published' OR d.status = 'issued')",
		"i", event);
	return rc ? rc : n > 0;
}

int mc__sched_notify_to(struct mc_conn *c, int64_t event, const char *what, int64_t now, json_t *to)
{
	json_t *payload = NULL, *r;
	int rc = payload_of(c, event, what, &payload);
	char *p = rc ? NULL : json_dumps(payload, JSON_COMPACT);
	size_t i;
	json_array_foreach(to, i, r) {
		if (rc)
			break;
		char *who = json_dumps(r, JSON_COMPACT);
		int64_t n = mc_exec(c,
				    "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload)"
				    " VALUES (?, 'schedule_events', ?, 'schedule_event', ?, ?)",
				    "iitt", now, event, who, p);
		free(who);
		rc = n < 0 ? (int)n : 0;
	}
	free(p);
	json_decref(payload);
	return rc;
}

int mc__sched_notify(struct mc_conn *c, int64_t event, const char *what, int64_t now)
{
	json_t *to = json_array();
	int rc = mc__sched_recipients(c, event, to);
	if (!rc)
		rc = mc__sched_notify_to(c, event, what, now, to);
	json_decref(to);
	return rc;
}

/*
 * feed.c - the iCalendar feeds' contents (src/render/ical.c writes them):
 * a body's published calendar, public, and each official's own events at a
 * private address whose token only its holder knows (the database keeps
 * its SHA-256).  A feed holds the published events from a month back to
 * three months ahead, cancelled ones included (a client removes them).
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

#define FEED_BACK_DAYS  31
#define FEED_AHEAD_DAYS 92
#define TOKEN_BYTES     32

int mc_schedule_feed_new(struct mc_schedule_ctx *x, char token[48])
{
	char hash[MC_SHA256_HEX];
	mc_random_token(token, 48, TOKEN_BYTES);
	mc_sha256_hex(token, strlen(token), hash);
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	int64_t n = mc_exec(x->c, "DELETE FROM schedule_feeds WHERE user_id = ?", "i", x->who->user_id);
	if (n >= 0)
		n = mc_exec(x->c, "INSERT INTO schedule_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)",
			    "iti", x->who->user_id, hash, mc_time_now_ms());
	rc = n < 0 ? (int)n : 0;
	char week[11];
	mc__sched_day_text(mc__sched_monday(mc_time_now_ms()), week);
	rc = rc ? rc : mc__sched_log(x, x->who->agency_id, week, 0, "feed_new", NULL);
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	if (rc)
		mc_wipe(token, 48);
	return rc;
}

/* An event as the feed writes it (public: without its online link). */
static json_t *feed_event(json_t *e, int public)
{
	json_t *room = json_object_get(e, "room"), *chair = json_object_get(e, "chair");
	const char *place = json_is_object(room) ? json_string_value(json_object_get(room, "place"))
						 : json_string_value(json_object_get(e, "place"));
	json_t *url = json_object_get(e, "online_url");
	return json_pack("{s:O, s:O, s:O, s:O, s:s?, s:O, s:b, s:O, s:O, s:O, s:O, s:O, s:O}", "uid",
			 json_object_get(e, "uid"), "title", json_object_get(e, "title"), "start_ms",
			 json_object_get(e, "start_ms"), "end_ms", json_object_get(e, "end_ms"), "place", place,
			 "online_url", public ? json_null() : url, "online", !json_is_null(url), "chair",
			 json_object_get(chair, "full_name"), "sequence", json_object_get(e, "sequence"), "status",
			 json_object_get(e, "status"), "agency", json_object_get(json_object_get(e, "agency"), "name"),
			 "updated_at", json_object_get(e, "updated_at"), "created_at",
			 json_object_get(e, "created_at"));
}

static int feed(struct mc_conn *c, const struct mc__sel *w, const char *name, int public, json_t **out)
{
	json_t *events = NULL, *items = json_array(), *e;
	int rc = mc__sched_events(c, w, &events);
	size_t i;
	json_array_foreach(events, i, e)
		json_array_append_new(items, feed_event(e, public));
	json_decref(events);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:s, s:o}", "name", name, "events", items);
	return 0;
}

int mc_schedule_feed_person(struct mc_conn *c, const char *token, int64_t now, json_t **out)
{
	char hash[MC_SHA256_HEX];
	if (!token || strlen(token) > 64)
		return MC_E_NOT_FOUND;
	mc_sha256_hex(token, strlen(token), hash);
	int64_t user = 0;
	int rc = mc_query_int64(c, &user,
				"SELECT f.user_id FROM schedule_feeds f JOIN users u ON u.id = f.user_id"
				" WHERE f.token_hash = ? AND u.status = 'active'",
				"t", hash);
	if (rc)
		return rc;
	json_t *u = NULL;
	if ((rc = mc_user_get_basic(c, user, &u)))
		return rc;
	int64_t day = mc_vn_day(now);
	struct mc__sel w = {
		"(e.chair_id = ? OR e.id IN (SELECT p.event_id FROM schedule_participants p"
		" WHERE p.user_id = ? OR p.attendee_id = ?)) AND e.start_at >= ? AND e.start_at < ?"
		" AND w.state = 'published'",
		"iiiii",
		{user, user, user, mc_vn_day_start(day - FEED_BACK_DAYS), mc_vn_day_start(day + FEED_AHEAD_DAYS)},
		SCHED_FEED_EVENTS};
	char name[300];
	snprintf(name, sizeof(name), "Lịch công tác - %s", json_string_value(json_object_get(u, "full_name")));
	json_decref(u);
	return feed(c, &w, name, 0, out);
}

int mc_schedule_feed_agency(struct mc_conn *c, int64_t agency, int64_t now, json_t **out)
{
	json_t *a = NULL;
	int rc = mc_agency_get(c, agency, &a);
	if (rc)
		return rc;
	int64_t day = mc_vn_day(now);
	struct mc__sel w = {"e.agency_id = ? AND e.start_at >= ? AND e.start_at < ? AND w.state = 'published'",
			    "iii",
			    {agency, mc_vn_day_start(day - FEED_BACK_DAYS), mc_vn_day_start(day + FEED_AHEAD_DAYS)},
			    SCHED_FEED_EVENTS};
	char name[400];
	snprintf(name, sizeof(name), "Lịch công tác - %s", json_string_value(json_object_get(a, "name")));
	json_decref(a);
	return feed(c, &w, name, 1, out);
}

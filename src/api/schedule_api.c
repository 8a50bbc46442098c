/*
 * schedule_api.c - work calendars and meetings over HTTP: a body's week
 * (its events, state and acts; public once published; its PDF), events
 * with their answers, papers and Giấy mời (drafted in the documents
 * domain), meeting rooms, an official's own calendar, and the iCalendar
 * feeds that calendar clients subscribe to.
 */
#include "api.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../document/document.h"
#include "../render/ical.h"
#include "../render/pdf.h"
#include "../schedule/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_PERSON_DAYS 62 /* an official's calendar asked for at most this many days */

static int ctx(struct mc_req *r, struct mc_schedule_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	*x = (struct mc_schedule_ctx){c, r->arena, r->who, r->addr, &r->err};
	return 0;
}

/* The week the query's week (any day of it, YYYY-MM-DD; default: this
 * week) names: its Monday's day number. */
static int week_query(struct mc_req *r, int64_t *monday)
{
	char day[11], today[11];
	int y, m, d;
	mc_vn_date(mc_time_now_ms(), &y, &m, &d);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
	if (mc_api_day_query(r, "week", today, day))
		return r->err.code = MC_E_VALIDATION;
	*monday = mc_schedule_week_of(day);
	if (!*monday) {
		mc_bad_field(&r->err, "week", MC_M_DATE_FORMAT);
		return r->err.code = MC_E_VALIDATION;
	}
	return 0;
}

static int week_get(struct mc_req *r)
{
	int64_t agency, monday;
	int rc = mc_api_id_param(r, "id", &agency);
	if (rc || (rc = week_query(r, &monday)))
		return rc;
	struct mc_schedule_ctx x;
	json_t *out = NULL;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_week(&x, agency, monday, &out)))
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

static int week_public(struct mc_req *r)
{
	int64_t agency, monday;
	int rc = mc_api_id_param(r, "id", &agency);
	if (rc || (rc = week_query(r, &monday)))
		return rc;
	struct mc_conn *c;
	json_t *out = NULL;
	if ((rc = mc_req_db(r, &c)) || (rc = mc_schedule_week_public(c, agency, monday, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int send_week_pdf(struct mc_req *r, json_t *w)
{
	struct mc_buf buf;
	mc_buf_init(&buf, MC_API_DOC_LIMIT);
	int rc = mc_pdf_week(w, &buf, &r->err);
	const char *name = mc_sprintf(r->arena, "lich-cong-tac-%s.pdf", json_string_value(json_object_get(w, "week")));
	json_decref(w);
	if (rc) {
		mc_buf_release(&buf);
		return rc;
	}
	return mc_api_send_doc(r, &buf, 1, name);
}

static int week_pdf(struct mc_req *r, int public)
{
	int64_t agency, monday;
	int rc = mc_api_id_param(r, "id", &agency);
	if (rc || (rc = week_query(r, &monday)))
		return rc;
	struct mc_schedule_ctx x;
	json_t *w = NULL;
	if ((rc = ctx(r, &x)))
		return rc;
	rc = public ? mc_schedule_week_public(x.c, agency, monday, &w) : mc_schedule_week(&x, agency, monday, &w);
	if (rc)
		return mc_api_fail(r, rc);
	if (public && strcmp(json_string_value(json_object_get(w, "state")), "published") != 0) {
		json_decref(w);
		return mc_fail(r, MC_E_NOT_FOUND, "the week is not published");
	}
	return send_week_pdf(r, w);
}

static int week_pdf_official(struct mc_req *r)
{
	return week_pdf(r, 0);
}

static int week_pdf_public(struct mc_req *r)
{
	return week_pdf(r, 1);
}

static int week_act(struct mc_req *r)
{
	int64_t agency, monday, version = -1;
	int rc = mc_api_id_param(r, "id", &agency);
	if (rc || (rc = week_query(r, &monday)) || (rc = mc_api_if_match(r, &version)))
		return rc;
	json_t *b = r->json ? mc_api_body(r) : mc_req_keep(r, json_object());
	if (!b)
		return r->err.code;
	struct mc_schedule_ctx x;
	json_t *out = NULL;
	if ((rc = ctx(r, &x)) ||
	    (rc = mc_schedule_week_act(&x, agency, monday, mc_req_param(r, "action"), version, b, &out)))
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

/* POST of a new thing: fn(x, body, &out), answered 201 (with its ETag). */
static int post_new(struct mc_req *r, int (*fn)(struct mc_schedule_ctx *, json_t *, json_t **), int etag)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_schedule_ctx x;
	json_t *out = NULL;
	int rc;
	if ((rc = ctx(r, &x)) || (rc = fn(&x, b, &out)))
		return mc_api_fail(r, rc);
	if (etag)
		mc_api_etag(r, out);
	return mc_res_json(r, 201, out);
}

static int event_create(struct mc_req *r)
{
	return post_new(r, mc_schedule_event_create, 1);
}

static int event_get(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_schedule_ctx x;
	json_t *out = NULL;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_event_get(&x, id, &out)))
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

/* PUT /{id} or POST /{id}/cancel with If-Match. */
static int event_change(struct mc_req *r, int (*fn)(struct mc_schedule_ctx *, int64_t, int64_t, json_t *, json_t **))
{
	int64_t id, version = -1;
	json_t *b = mc_api_id_body(r, &id);
	if (!b)
		return r->err.code;
	int rc = mc_api_if_match(r, &version);
	if (rc)
		return rc;
	struct mc_schedule_ctx x;
	json_t *out = NULL;
	if ((rc = ctx(r, &x)) || (rc = fn(&x, id, version, b, &out)))
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

static int event_put(struct mc_req *r)
{
	return event_change(r, mc_schedule_event_update);
}

static int event_cancel(struct mc_req *r)
{
	return event_change(r, mc_schedule_event_cancel);
}

static int event_answer(struct mc_req *r)
{
	int64_t id;
	json_t *b = mc_api_id_body(r, &id);
	if (!b)
		return r->err.code;
	struct mc_schedule_ctx x;
	json_t *out = NULL;
	int rc;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_answer(&x, id, b, &out)))
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

/* name as an RFC 5987 value (UTF-8, percent-encoded), in the arena. */
static const char *ext_value(struct mc_req *r, const char *name)
{
	size_t n = strlen(name);
	char *out = mc_alloc(r->arena, n * 3 + 1), *p = out;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr("-._~", *c))
			*p++ = (char)*c;
		else
			p += snprintf(p, 4, "%%%02X", *c);
	}
	*p = '\0';
	return out;
}

static int event_paper(struct mc_req *r)
{
	int64_t id, k;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	const char *ks = mc_req_param(r, "k");
	char *end;
	k = ks ? strtoll(ks, &end, 10) : -1;
	if (!ks || *end || k < 0 || k > 100)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_schedule_ctx x;
	void *data = NULL;
	size_t len = 0;
	char mime[32];
	const char *name = NULL;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_paper(&x, id, (int)k, &data, &len, mime, &name)))
		return mc_api_fail(r, rc);
	rc = mc_res_text(r, 200, mc_strdup(r->arena, mime), data, len);
	free(data);
	if (!rc)
		mc_res_header(r, "Content-Disposition",
			      mc_sprintf(r->arena, "inline; filename*=UTF-8''%s", ext_value(r, name)));
	return rc;
}

/* The Giấy mời: its draft made by the documents domain from the event. */
static int event_invitation(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	if (!mc_principal_has(r->who, "document.draft"))
		return mc_fail(r, MC_E_FORBIDDEN, "drafting documents needs document.draft");
	struct mc_schedule_ctx x;
	json_t *body = NULL, *draft = NULL, *out = NULL;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_invitation_body(&x, id, &body)))
		return mc_api_fail(r, rc);
	struct mc_document_ctx d = {x.c, r->arena, r->who, r->addr, &r->err, NULL, 0};
	rc = mc_draft_create(&d, body, &draft);
	json_decref(body);
	if (rc)
		return mc_api_fail(r, rc);
	rc = mc_schedule_invitation_set(&x, id, json_integer_value(json_object_get(draft, "id")), &out);
	json_decref(draft);
	if (rc)
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 201, out);
}

/* ---- an official's own calendar ---- */

static int day_of(struct mc_req *r, const char *name, int64_t dflt, int64_t *day)
{
	char def[11], v[11];
	int y, m, d;
	mc_civil_from_days(dflt, &y, &m, &d);
	snprintf(def, sizeof(def), "%04d-%02d-%02d", y, m, d);
	if (mc_api_day_query(r, name, def, v) || sscanf(v, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return r->err.code = MC_E_VALIDATION;
	*day = mc_days_from_civil(y, m, d);
	return 0;
}

static int person(struct mc_req *r, int64_t user)
{
	int64_t today = mc_vn_day(mc_time_now_ms()), from, to;
	int rc = day_of(r, "from", today - ((today + 3) % 7 + 7) % 7, &from);
	if (rc || (rc = day_of(r, "to", from + 6, &to)))
		return rc;
	if (to < from || to - from >= MAX_PERSON_DAYS) {
		mc_bad_fieldn2(&r->err, "to", MC_M_INT_RANGE, 0, MAX_PERSON_DAYS - 1);
		return r->err.code = MC_E_VALIDATION;
	}
	struct mc_schedule_ctx x;
	json_t *out = NULL;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_person(&x, user, from, to, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int my_schedule(struct mc_req *r)
{
	return person(r, r->who->user_id);
}

static int user_schedule(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	return rc ? rc : person(r, id);
}

static int people(struct mc_req *r)
{
	int64_t agency;
	int rc = mc_api_id_param(r, "id", &agency);
	if (rc)
		return rc;
	const char *q = mc_req_query(r, "q");
	if (q && (strlen(q) > 200 || !mc_text_valid(q, 200))) {
		mc_bad_field(&r->err, "q", MC_M_SEARCH_INVALID);
		return r->err.code = MC_E_VALIDATION;
	}
	struct mc_schedule_ctx x;
	json_t *items = NULL;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_people(&x, agency, q, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- rooms ---- */

static int rooms_get(struct mc_req *r)
{
	int64_t agency;
	int rc = mc_api_id_param(r, "id", &agency);
	if (rc)
		return rc;
	struct mc_schedule_ctx x;
	json_t *items = NULL;
	if ((rc = ctx(r, &x)) || (rc = mc_schedule_rooms(&x, agency, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

static int room_create(struct mc_req *r)
{
	return post_new(r, mc_schedule_room_create, 0);
}

/* ---- feeds ---- */

static int send_ical(struct mc_req *r, json_t *cal)
{
	struct mc_buf buf;
	mc_buf_init(&buf, MC_API_DOC_LIMIT);
	int rc = mc_ical_calendar(cal, mc_time_now_ms(), &buf, &r->err);
	json_decref(cal);
	if (!rc)
		rc = mc_res_text(r, 200, "text/calendar; charset=utf-8", buf.data, buf.len);
	mc_buf_release(&buf);
	if (!rc)
		mc_res_header(r, "Cache-Control", "private, max-age=300");
	return rc;
}

static int feed_agency(struct mc_req *r)
{
	int64_t agency;
	int rc = mc_api_id_param(r, "id", &agency);
	if (rc)
		return rc;
	struct mc_conn *c;
	json_t *cal = NULL;
	if ((rc = mc_req_db(r, &c)) || (rc = mc_schedule_feed_agency(c, agency, mc_time_now_ms(), &cal)))
		return mc_api_fail(r, rc);
	return send_ical(r, cal);
}

static int feed_person(struct mc_req *r)
{
	struct mc_conn *c;
	json_t *cal = NULL;
	int rc = mc_req_db(r, &c);
	if (rc || (rc = mc_schedule_feed_person(c, mc_req_param(r, "token"), mc_time_now_ms(), &cal)))
		return mc_api_fail(r, rc);
	return send_ical(r, cal);
}

static int feed_new(struct mc_req *r)
{
	struct mc_schedule_ctx x;
	char token[48];
	int rc = ctx(r, &x);
	if (rc || (rc = mc_schedule_feed_new(&x, token)))
		return mc_api_fail(r, rc);
	const char *base = mc_server_config(r->srv)->public_url;
	json_t *out = json_pack("{s:s, s:s}", "token", token, "url",
				mc_sprintf(r->arena, "%s/ical/people/%s", base ? base : "", token));
	mc_res_header(r, "Cache-Control", "no-store");
	return mc_res_json(r, 201, out);
}

const struct mc_route mc_api_schedule_routes[] = {
	{"GET", "/api/v1/agencies/{id}/schedule", week_get, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"GET", "/api/v1/agencies/{id}/schedule/pdf", week_pdf_official, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"POST", "/api/v1/agencies/{id}/schedule/actions/{action}", week_act, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"GET", "/api/v1/agencies/{id}/rooms", rooms_get, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"GET", "/api/v1/agencies/{id}/schedule/people", people, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"POST", "/api/v1/rooms", room_create, MC_AUTH_REQUIRED, "schedule.manage", 0},
	{"GET", "/api/v1/public/agencies/{id}/schedule", week_public, MC_AUTH_NONE, NULL, 0},
	{"GET", "/api/v1/public/agencies/{id}/schedule/pdf", week_pdf_public, MC_AUTH_NONE, NULL, 0},
	{"POST", "/api/v1/schedule-events", event_create, MC_AUTH_REQUIRED, "schedule.manage", 0},
	{"GET", "/api/v1/schedule-events/{id}", event_get, MC_AUTH_REQUIRED, NULL, 0},
	{"PUT", "/api/v1/schedule-events/{id}", event_put, MC_AUTH_REQUIRED, "schedule.manage", 0},
	{"POST", "/api/v1/schedule-events/{id}/cancel", event_cancel, MC_AUTH_REQUIRED, "schedule.manage", 0},
	{"POST", "/api/v1/schedule-events/{id}/answer", event_answer, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/schedule-events/{id}/invitation", event_invitation, MC_AUTH_REQUIRED, "schedule.manage", 0},
	{"GET", "/api/v1/schedule-events/{id}/papers/{k}", event_paper, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/my/schedule", my_schedule, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"GET", "/api/v1/users/{id}/schedule", user_schedule, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"POST", "/api/v1/my/schedule-feed", feed_new, MC_AUTH_REQUIRED, "schedule.read", 0},
	{"GET", "/ical/agencies/{id}", feed_agency, MC_AUTH_NONE, NULL, 0},
	{"GET", "/ical/people/{token}", feed_person, MC_AUTH_NONE, NULL, 0},
	{0},
};

/*
 * test_schedule.c - work calendars and meetings over HTTP, on a real
 * server: the city office drafts the People's Committee's week, a clerk
 * submits it, the Chief of Office approves it (a stale version refused, a
 * clerk may not), it is published: on the public page, as a PDF, in the
 * iCalendar feeds (read back with libical: the events, their time zone
 * Asia/Ho_Chi_Minh, SEQUENCE raised by a change, STATUS:CANCELLED), and
 * everyone invited is told through the outbox.  A room is never booked
 * twice (eight clerks booking it at once get one booking), a person in two
 * events at once is flagged; the invitees answer (attend, a deputy,
 * absent with a reason; an agency names whom it sends), not after the
 * meeting; the Giấy mời is drafted from the event; a private feed's
 * address stops working when a new one is made; who may read what.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"
#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;
static struct mc_http_session vt, cvp, chair, ld, pct, gd, vt_stp, cv_stp, ward, citizen, anon;
static long long committee, office, stp;

static char T_NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* a Tuesday */

static json_int_t user_id(const char *username)
{
	return mc_test_db_int(db, "SELECT id FROM users WHERE username = ?", username);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {T_NOW, NULL};
	mc_test_server_start(&srv, db_url, env);
	mc_http_login_as(&vt, srv.base, "vanthu.vp");
	mc_http_login_as(&cvp, srv.base, "chanhvanphong");
	mc_http_login_as(&chair, srv.base, "chutich");
	mc_http_login_as(&ld, srv.base, "lanhdao");
	mc_http_login_as(&pct, srv.base, "phochutich.ubnd");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&vt_stp, srv.base, "vanthu.stp");
	mc_http_login_as(&cv_stp, srv.base, "chuyenvien.stp");
	mc_http_login_as(&ward, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&citizen, srv.base, "079203001234");
	mc_http_session_init(&anon, srv.base);
	committee = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.00.00.H29");
	office = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.00.01.H29");
	stp = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.00.02.H29");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0); /* a leak or a crash shows here */
	mc_test_db_drop(db_url, db);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* An event of the committee's calendar on day (YYYY-MM-DD) from h0:00 to
 * h1:00, chaired by chair_user, with extra JSON members ("" or ",..."). */
static long create(struct mc_http_session *s, const char *title, const char *day, int h0, int h1, long long chair_user,
		   const char *extra, struct mc_http_res *r)
{
	char body[2048];
	snprintf(body, sizeof(body),
		 "{\"agency_id\":%lld,\"title\":\"%s\",\"start\":\"%sT%02d:00:00+07:00\",\"end\":\"%sT%02d:00:00+07:"
		 "00\","
		 "\"place\":\"Trụ sở UBND Thành phố, 86 Lê Thánh Tôn\",\"chair_id\":%lld%s}",
		 committee, title, day, h0, day, h1, chair_user, extra);
	return mc_http_post(s, "/api/v1/schedule-events", body, r);
}

/* POST a week's act as s at version v (< 0: no If-Match). */
static long week_act(struct mc_http_session *s, const char *action, const char *week, long v, const char *body,
		     struct mc_http_res *r)
{
	char path[160], etag[40];
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/schedule/actions/%s?week=%s", committee, action, week);
	snprintf(etag, sizeof(etag), "If-Match: \"v%ld\"", v);
	const char *h[] = {etag, NULL};
	mc_http_do(s, "POST", path, body ? body : "{}", v >= 0 ? h : NULL, r);
	return r->status;
}

/* Submit, approve and publish the committee's week. */
static void publish(const char *week)
{
	struct mc_http_res r;
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/schedule?week=%s", committee, week);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	long v = (long)jint(r.json, "version");
	mc_http_res_free(&r);
	assert_int_equal(week_act(&vt, "submit", week, v, NULL, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(week_act(&cvp, "approve", week, v + 1, NULL, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(week_act(&vt, "publish", week, v + 2, NULL, &r), 200);
	assert_string_equal(jstr(r.json, "state"), "published");
	mc_http_res_free(&r);
}

static int has_field(json_t *problem, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(jstr(e, "field"), field) == 0)
			return 1;
	return 0;
}

static void bad_input_refused(void **state)
{
	(void)state;
	struct mc_http_res r;
	char extra[200];
	/* no title, the end before the start, a link that is not http(s), no such chair */
	snprintf(extra, sizeof(extra), ",\"online_url\":\"ftp://x\",\"participant_ids\":[%lld,%lld]",
		 (long long)user_id("lanhdao"), (long long)user_id("lanhdao"));
	assert_int_equal(create(&vt, "", "2027-03-03", 10, 9, 999999, extra, &r), 422);
	assert_true(has_field(r.json, "title"));
	assert_true(has_field(r.json, "end"));
	assert_true(has_field(r.json, "online_url"));
	assert_true(has_field(r.json, "chair_id"));
	assert_true(has_field(r.json, "participant_ids")); /* named twice */
	assert_non_null(strstr(r.body, "message_en"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&vt, "/api/v1/schedule-events",
				      "{\"agency_id\":1,\"title\":\"x\",\"start\":\"tomorrow\",\"end\":null}", &r),
			 422);
	assert_true(has_field(r.json, "start") && has_field(r.json, "end") && has_field(r.json, "chair_id"));
	mc_http_res_free(&r);
	/* a link is one line of printable ASCII: nothing slips into a feed */
	assert_int_equal(create(&vt, "Họp", "2027-03-03", 9, 10, user_id("chutich"),
				",\"online_url\":\"https://x.example/a\\r\\nATTENDEE:mailto:a@b\"", &r),
			 422);
	assert_true(has_field(r.json, "online_url"));
	mc_http_res_free(&r);
	/* somewhere to be: a place, a room or a link */
	char body[400];
	snprintf(body, sizeof(body),
		 "{\"agency_id\":%lld,\"title\":\"Họp\",\"start\":\"2027-03-03T09:00:00+07:00\","
		 "\"end\":\"2027-03-03T10:00:00+07:00\",\"place\":null,\"chair_id\":%lld}",
		 committee, (long long)user_id("chutich"));
	assert_int_equal(mc_http_post(&vt, "/api/v1/schedule-events", body, &r), 422);
	assert_true(has_field(r.json, "place"));
	mc_http_res_free(&r);
	/* the Department of Justice does not keep the committee's calendar;
	 * a citizen has no calendar at all */
	assert_int_equal(create(&vt_stp, "Họp", "2027-03-03", 9, 10, user_id("chutich"), "", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(create(&citizen, "Họp", "2027-03-03", 9, 10, user_id("chutich"), "", &r), 403);
	mc_http_res_free(&r);
	/* nothing was written */
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM schedule_events WHERE title <> ?", "-"), 0);
}

static void week_drafted_approved_published(void **state)
{
	(void)state;
	struct mc_http_res r;
	char extra[300], path[160];
	snprintf(extra, sizeof(extra), ",\"participant_ids\":[%lld,%lld],\"participant_agency_ids\":[%lld]",
		 (long long)user_id("lanhdao"), (long long)user_id("phochutich.ubnd"), stp);
	assert_int_equal(
		create(&vt, "Họp giao ban lãnh đạo UBND Thành phố", "2027-03-11", 8, 10, user_id("chutich"), extra, &r),
		201);
	assert_string_equal(jstr(r.json, "week"), "2027-03-08");
	assert_string_equal(jstr(r.json, "start"), "2027-03-11T08:00:00+07:00");
	assert_int_equal(json_array_size(json_object_get(r.json, "participants")), 3);
	mc_http_res_free(&r);
	assert_int_equal(create(&vt, "Tiếp công dân định kỳ", "2027-03-12", 14, 17, user_id("lanhdao"), "", &r), 201);
	mc_http_res_free(&r);
	/* the clerk submits; a clerk cannot approve, a stale version is refused */
	assert_int_equal(week_act(&vt, "approve", "2027-03-10", 0, NULL, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(week_act(&vt, "submit", "2027-03-10", 0, NULL, &r), 200);
	assert_string_equal(jstr(r.json, "state"), "submitted");
	assert_string_equal(jstr(r.json, "week"), "2027-03-08");
	mc_http_res_free(&r);
	assert_int_equal(week_act(&cvp, "approve", "2027-03-08", 0, NULL, &r), 412);
	mc_http_res_free(&r);
	/* the public sees nothing before publication, and no PDF */
	snprintf(path, sizeof(path), "/api/v1/public/agencies/%lld/schedule?week=2027-03-08", committee);
	assert_int_equal(mc_http_get(&anon, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "events")), 0);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/public/agencies/%lld/schedule/pdf?week=2027-03-08", committee);
	assert_int_equal(mc_http_get(&anon, path, &r), 404);
	mc_http_res_free(&r);
	/* returned with a note, then submitted again, approved, published */
	assert_int_equal(week_act(&cvp, "return", "2027-03-08", 1, "{}", &r), 422);
	assert_true(has_field(r.json, "note"));
	mc_http_res_free(&r);
	assert_int_equal(week_act(&cvp, "return", "2027-03-08", 1, "{\"note\":\"Bổ sung thành phần\"}", &r), 200);
	assert_string_equal(jstr(r.json, "state"), "draft");
	mc_http_res_free(&r);
	publish("2027-03-08");
	assert_int_equal(mc_http_get(&anon, path, &r), 200);
	char *text = mc_test_pdf_text(&r);
	mc_test_expect_text(text, "LỊCH CÔNG TÁC TUẦN");
	mc_test_expect_text(text, "Họp giao ban lãnh đạo UBND Thành phố");
	mc_test_expect_text(text, "Thứ Năm");
	mc_test_expect_text(text, "11/03/2027");
	free(text);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/public/agencies/%lld/schedule?week=2027-03-08", committee);
	assert_int_equal(mc_http_get(&anon, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "events")), 2);
	assert_null(strstr(r.body, "\"answer\"")); /* the public sees no answers */
	mc_http_res_free(&r);
	/* everyone invited told: the chairman, two vice chairmen and the
	 * Department's two leaders (it has not named whom it sends) of the
	 * first, the vice chairman chairing the second */
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM outbox WHERE topic = 'schedule_events'"
					" AND payload LIKE ?",
					"%\"what\":\"published\"%"),
			 3 + 2 + 1);
	/* the trail: created twice, submitted twice, returned, approved, published */
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM schedule_log WHERE week = ?", "2027-03-08"), 7);
}

struct booker {
	const char *base, *body;
	long status;
};

static void *book(void *arg)
{
	struct booker *b = arg;
	struct mc_http_session s;
	mc_http_session_init(&s, b->base);
	if (mc_http_login(&s, "vanthu.vp", MC_HTTP_DEMO_PASSWORD, 1) != 200)
		return NULL;
	struct mc_http_res r;
	b->status = mc_http_post(&s, "/api/v1/schedule-events", b->body, &r);
	mc_http_res_free(&r);
	return NULL;
}

static long long make_room(const char *name)
{
	struct mc_http_res r;
	char body[300];
	snprintf(body, sizeof(body), "{\"agency_id\":%lld,\"name\":\"%s\",\"place\":\"%s, 86 Lê Thánh Tôn\"}",
		 committee, name, name);
	assert_int_equal(mc_http_post(&vt, "/api/v1/rooms", body, &r), 201);
	long long id = jint(r.json, "id");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&vt, "/api/v1/rooms", body, &r), 409); /* the name is taken */
	mc_http_res_free(&r);
	return id;
}

static void rooms_once_people_flagged(void **state)
{
	(void)state;
	struct mc_http_res r;
	long long room = make_room("Phòng họp số 3"), a;
	char extra[200], path[120];
	snprintf(extra, sizeof(extra), ",\"room_id\":%lld,\"participant_ids\":[%lld]", room,
		 (long long)user_id("lanhdao"));
	assert_int_equal(
		create(&vt, "Họp Ban Chỉ đạo chuyển đổi số", "2027-03-16", 9, 11, user_id("chutich"), extra, &r), 201);
	a = jint(r.json, "id");
	assert_string_equal(jstr(json_object_get(r.json, "room"), "name"), "Phòng họp số 3");
	mc_http_res_free(&r);
	/* the room at an overlapping time: refused, naming what holds it */
	snprintf(extra, sizeof(extra), ",\"room_id\":%lld", room);
	assert_int_equal(create(&vt, "Họp khác", "2027-03-16", 10, 12, user_id("phochutich.ubnd"), extra, &r), 409);
	assert_true(has_field(r.json, "room_id"));
	assert_non_null(strstr(r.body, "Họp Ban Chỉ đạo chuyển đổi số"));
	mc_http_res_free(&r);
	/* right after it: booked */
	assert_int_equal(create(&vt, "Họp khác", "2027-03-16", 11, 12, user_id("phochutich.ubnd"), extra, &r), 201);
	mc_http_res_free(&r);
	/* the vice chairman invited to the first chairs another at the same
	 * time elsewhere: taken, and both events say so */
	assert_int_equal(create(&vt, "Làm việc với Sở Xây dựng", "2027-03-16", 10, 11, user_id("lanhdao"), "", &r),
			 201);
	json_t *c = json_array_get(json_object_get(r.json, "conflicts"), 0);
	assert_int_equal(json_array_size(json_object_get(r.json, "conflicts")), 1);
	assert_int_equal(jint(c, "user_id"), user_id("lanhdao"));
	assert_int_equal(jint(json_object_get(c, "event"), "id"), a);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/schedule-events/%lld", a);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "conflicts")), 1);
	mc_http_res_free(&r);
	/* another body's room cannot be booked */
	snprintf(extra, sizeof(extra), ",\"room_id\":%lld", room + 1000);
	assert_int_equal(create(&vt, "Họp", "2027-03-17", 9, 10, user_id("chutich"), extra, &r), 422);
	assert_true(has_field(r.json, "room_id"));
	mc_http_res_free(&r);
	/* eight clerks booking one room for one hour at once: one booking */
	enum { N = 8 };
	struct booker w[N];
	pthread_t t[N];
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"agency_id\":%lld,\"title\":\"Họp gấp\",\"start\":\"2027-03-18T14:00:00+07:00\","
		 "\"end\":\"2027-03-18T15:00:00+07:00\",\"room_id\":%lld,\"chair_id\":%lld}",
		 committee, room, (long long)user_id("chutich"));
	for (int i = 0; i < N; i++) {
		w[i] = (struct booker){srv.base, body, 0};
		assert_int_equal(pthread_create(&t[i], NULL, book, &w[i]), 0);
	}
	int ok = 0, refused = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].status == 201;
		refused += w[i].status == 409;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(refused, N - 1);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM schedule_events WHERE title = ?", "Họp gấp"), 1);
}

/* POST an answer to event id as s. */
static long answer(struct mc_http_session *s, long long id, const char *body, struct mc_http_res *r)
{
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/schedule-events/%lld/answer", id);
	return mc_http_post(s, path, body, r);
}

static json_t *participant(json_t *event, long long user, long long agency)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(event, "participants"), i, p)
		if ((user && jint(json_object_get(p, "user"), "id") == user) ||
		    (agency && jint(json_object_get(p, "agency"), "id") == agency))
			return p;
	return NULL;
}

static void invitees_answer(void **state)
{
	(void)state;
	struct mc_http_res r;
	char extra[200], body[200];
	snprintf(extra, sizeof(extra), ",\"participant_ids\":[%lld],\"participant_agency_ids\":[%lld]",
		 (long long)user_id("lanhdao"), stp);
	assert_int_equal(create(&vt, "Họp về cải cách hành chính", "2027-03-24", 14, 16, user_id("chutich"), extra, &r),
			 201);
	long long id = jint(r.json, "id");
	mc_http_res_free(&r);
	/* a deputy must be named; absent needs a reason */
	assert_int_equal(answer(&ld, id, "{\"answer\":\"deputy\"}", &r), 422);
	assert_true(has_field(r.json, "attendee_id"));
	mc_http_res_free(&r);
	assert_int_equal(answer(&ld, id, "{\"answer\":\"absent\"}", &r), 422);
	assert_true(has_field(r.json, "reason"));
	mc_http_res_free(&r);
	assert_int_equal(answer(&ld, id, "{\"answer\":\"maybe\"}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(answer(&ld, id, "{\"answer\":\"absent\",\"reason\":\"Đi công tác Hà Nội\"}", &r), 200);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"answer\":\"deputy\",\"attendee_id\":%lld,\"reason\":\"Đi công tác\"}",
		 (long long)user_id("phochutich.ubnd"));
	assert_int_equal(answer(&ld, id, body, &r), 200); /* the last answer counts */
	json_t *p = participant(r.json, user_id("lanhdao"), 0);
	assert_string_equal(jstr(p, "answer"), "deputy");
	assert_int_equal(jint(json_object_get(p, "attendee"), "id"), user_id("phochutich.ubnd"));
	mc_http_res_free(&r);
	/* the Department answers for itself: whom it sends must be its own */
	snprintf(body, sizeof(body), "{\"answer\":\"attend\",\"attendee_id\":%lld}", (long long)user_id("lanhdao"));
	assert_int_equal(answer(&gd, id, body, &r), 422);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"answer\":\"attend\",\"attendee_id\":%lld}",
		 (long long)user_id("chuyenvien.stp"));
	assert_int_equal(answer(&gd, id, body, &r), 200);
	p = participant(r.json, 0, stp);
	assert_string_equal(jstr(p, "answer"), "attend");
	assert_int_equal(jint(json_object_get(p, "attendee"), "id"), user_id("chuyenvien.stp"));
	mc_http_res_free(&r);
	/* the person sent now sees the meeting; someone not invited does not */
	char path[120];
	snprintf(path, sizeof(path), "/api/v1/schedule-events/%lld", id);
	assert_int_equal(mc_http_get(&cv_stp, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(answer(&ward, id, "{\"answer\":\"attend\"}", &r), 403); /* reads it, not invited */
	mc_http_res_free(&r);
	assert_int_equal(answer(&citizen, id, "{\"answer\":\"attend\"}", &r), 404);
	mc_http_res_free(&r);
	/* every answer kept in the trail */
	assert_int_equal(
		mc_test_db_int(db,
			       "SELECT COUNT(*) FROM schedule_log l JOIN schedule_events e ON e.id = l.event_id"
			       " WHERE l.action = 'answer' AND e.title = ?",
			       "Họp về cải cách hành chính"),
		3);
	/* a meeting that is over takes no answers */
	assert_int_equal(create(&vt, "Họp đã qua", "2027-03-01", 8, 9, user_id("chutich"), extra, &r), 201);
	long long past = jint(r.json, "id");
	mc_http_res_free(&r);
	assert_int_equal(answer(&ld, past, "{\"answer\":\"attend\"}", &r), 409);
	mc_http_res_free(&r);
}

/* The VEVENT of uid in the iCalendar text cal (parsed with libical): its
 * DTSTART's TZID and local hour, SEQUENCE and STATUS. */
struct vevent {
	int found, hour, sequence, cancelled;
	char tzid[64], summary[200];
};

static struct vevent find_vevent(const char *cal, const char *uid)
{
	struct vevent v = {0};
	icalcomponent *c = icalparser_parse_string(cal);
	assert_non_null(c);
	for (icalcomponent *e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT); e;
	     e = icalcomponent_get_next_component(c, ICAL_VEVENT_COMPONENT)) {
		if (strcmp(icalcomponent_get_uid(e), uid) != 0)
			continue;
		icalproperty *p = icalcomponent_get_first_property(e, ICAL_DTSTART_PROPERTY);
		icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
		v.found = 1;
		v.hour = icalproperty_get_dtstart(p).hour;
		snprintf(v.tzid, sizeof(v.tzid), "%s", tz ? icalparameter_get_tzid(tz) : "");
		v.sequence = icalcomponent_get_sequence(e);
		v.cancelled = icalcomponent_get_status(e) == ICAL_STATUS_CANCELLED;
		snprintf(v.summary, sizeof(v.summary), "%s", icalcomponent_get_summary(e));
	}
	icalcomponent_free(c);
	return v;
}

/* The calendar's one VTIMEZONE: Asia/Ho_Chi_Minh at UTC+7. */
static void check_timezone(const char *cal)
{
	icalcomponent *c = icalparser_parse_string(cal);
	assert_non_null(c);
	icalcomponent *tz = icalcomponent_get_first_component(c, ICAL_VTIMEZONE_COMPONENT);
	assert_non_null(tz);
	assert_string_equal(icalproperty_get_tzid(icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY)),
			    "Asia/Ho_Chi_Minh");
	icalcomponent *std = icalcomponent_get_first_component(tz, ICAL_XSTANDARD_COMPONENT);
	assert_non_null(std);
	assert_int_equal(icalproperty_get_tzoffsetto(icalcomponent_get_first_property(std, ICAL_TZOFFSETTO_PROPERTY)),
			 7 * 3600);
	assert_null(icalcomponent_get_next_component(c, ICAL_VTIMEZONE_COMPONENT));
	icalcomponent_free(c);
}

static char *feed_of(const char *path, long want)
{
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&anon, path, &r), want);
	char *out = NULL;
	if (want == 200) {
		assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "text/calendar"));
		out = strdup(r.body);
	}
	mc_http_res_free(&r);
	return out;
}

static void changes_in_the_feeds(void **state)
{
	(void)state;
	struct mc_http_res r;
	char extra[200], path[160], body[600];
	snprintf(extra, sizeof(extra), ",\"participant_ids\":[%lld,%lld]", (long long)user_id("lanhdao"),
		 (long long)user_id("phochutich.ubnd"));
	assert_int_equal(create(&vt, "Họp Thường trực UBND", "2027-03-30", 8, 10, user_id("chutich"), extra, &r), 201);
	long long moved = jint(r.json, "id");
	char uid_moved[80], uid_gone[80];
	snprintf(uid_moved, sizeof(uid_moved), "%s", jstr(r.json, "uid"));
	mc_http_res_free(&r);
	assert_int_equal(create(&vt, "Tiếp doanh nghiệp", "2027-03-31", 9, 11, user_id("lanhdao"), "", &r), 201);
	long long gone = jint(r.json, "id");
	snprintf(uid_gone, sizeof(uid_gone), "%s", jstr(r.json, "uid"));
	mc_http_res_free(&r);
	/* not published: not in the feed */
	snprintf(path, sizeof(path), "/ical/agencies/%lld", committee);
	char *cal = feed_of(path, 200);
	assert_false(find_vevent(cal, uid_moved).found);
	free(cal);
	publish("2027-03-29");
	cal = feed_of(path, 200);
	check_timezone(cal);
	struct vevent v = find_vevent(cal, uid_moved);
	assert_true(v.found);
	assert_string_equal(v.tzid, "Asia/Ho_Chi_Minh");
	assert_int_equal(v.hour, 8);
	assert_int_equal(v.sequence, 0);
	assert_false(v.cancelled);
	free(cal);
	long before = (long)mc_test_db_int(db, "SELECT COUNT(*) FROM outbox WHERE topic = ?", "schedule_events");
	/* moved to 15:00: a stale version refused, then SEQUENCE 1 */
	snprintf(body, sizeof(body),
		 "{\"title\":\"Họp Thường trực UBND (dời giờ)\",\"start\":\"2027-03-30T15:00:00+07:00\","
		 "\"end\":\"2027-03-30T17:00:00+07:00\",\"place\":\"Phòng họp số 1\",\"chair_id\":%lld,"
		 "\"online_url\":\"https://hop.example.vn/thuong-truc\",\"participant_ids\":[%lld]}",
		 (long long)user_id("chutich"), (long long)user_id("lanhdao"));
	snprintf(path, sizeof(path), "/api/v1/schedule-events/%lld", moved);
	const char *stale[] = {"If-Match: \"v9\"", NULL}, *fresh[] = {"If-Match: \"v1\"", NULL};
	mc_http_do(&vt, "PUT", path, body, stale, &r);
	assert_int_equal(r.status, 412);
	mc_http_res_free(&r);
	mc_http_do(&ld, "PUT", path, body, fresh, &r);
	assert_int_equal(r.status, 403); /* invited, not its keeper */
	mc_http_res_free(&r);
	mc_http_do(&vt, "PUT", path, body, fresh, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.json, "sequence"), 1);
	mc_http_res_free(&r);
	/* the other cancelled */
	snprintf(path, sizeof(path), "/api/v1/schedule-events/%lld/cancel", gone);
	mc_http_do(&vt, "POST", path, "{}", fresh, &r);
	assert_int_equal(r.status, 422); /* a reason is needed */
	mc_http_res_free(&r);
	mc_http_do(&vt, "POST", path, "{\"reason\":\"Lãnh đạo đi công tác\"}", fresh, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(jstr(r.json, "status"), "cancelled");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/ical/agencies/%lld", committee);
	cal = feed_of(path, 200);
	v = find_vevent(cal, uid_moved);
	assert_int_equal(v.hour, 15);
	assert_int_equal(v.sequence, 1);
	assert_string_equal(v.summary, "Họp Thường trực UBND (dời giờ)");
	v = find_vevent(cal, uid_gone);
	assert_true(v.found && v.cancelled);
	assert_int_equal(v.sequence, 1);
	/* the online link is for who is invited, not for the public feed */
	assert_null(strstr(cal, "hop.example.vn"));
	free(cal);
	snprintf(path, sizeof(path), "/api/v1/public/agencies/%lld/schedule?week=2027-03-29", committee);
	struct mc_http_res pub;
	assert_int_equal(mc_http_get(&anon, path, &pub), 200);
	assert_null(strstr(pub.body, "hop.example.vn"));
	assert_non_null(strstr(pub.body, "\"online\":true"));
	mc_http_res_free(&pub);
	/* everyone invited told of each: the chairman, the vice chairman and
	 * the other one, no longer invited (changed), the vice chairman
	 * (cancelled); the week's new edition */
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM outbox WHERE topic = ?", "schedule_events") - before,
			 4);
	assert_int_equal(mc_test_db_int(db, "SELECT edition FROM schedule_weeks WHERE week = ?", "2027-03-29"), 2);
	/* the PDF of the week says it was changed and strikes the cancelled one */
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/schedule/pdf?week=2027-03-29", committee);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	char *text = mc_test_pdf_text(&r);
	mc_test_expect_text(text, "Điều chỉnh lần 2");
	mc_test_expect_text(text, "Hủy: Lãnh đạo đi công tác");
	free(text);
	mc_http_res_free(&r);
}

static void personal_feed_and_calendar(void **state)
{
	(void)state;
	struct mc_http_res r;
	char extra[200], path[200];
	snprintf(extra, sizeof(extra), ",\"participant_ids\":[%lld]", (long long)user_id("phochutich.ubnd"));
	assert_int_equal(
		create(&vt, "Kiểm tra công trình Metro số 2", "2027-04-07", 8, 11, user_id("chutich"), extra, &r), 201);
	char uid[80];
	snprintf(uid, sizeof(uid), "%s", jstr(r.json, "uid"));
	mc_http_res_free(&r);
	publish("2027-04-05");
	/* the vice chairman's own calendar, and the office reading it */
	assert_int_equal(mc_http_get(&pct, "/api/v1/my/schedule?from=2027-04-05&to=2027-04-11", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "events")), 1);
	mc_http_res_free(&r);
	/* the Department's own meeting the chairman attends: in his calendar,
	 * not in what the city office (which does not read the Department's
	 * calendar) sees of it */
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"agency_id\":%lld,\"title\":\"Họp nội bộ Sở Tư pháp\",\"start\":\"2027-04-08T08:00:00+07:00\","
		 "\"end\":\"2027-04-08T09:00:00+07:00\",\"place\":\"Sở Tư pháp\",\"chair_id\":%lld,"
		 "\"participant_ids\":[%lld]}",
		 stp, (long long)user_id("giamdoc.stp"), (long long)user_id("phochutich.ubnd"));
	assert_int_equal(mc_http_post(&vt_stp, "/api/v1/schedule-events", body, &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&pct, "/api/v1/my/schedule?from=2027-04-05&to=2027-04-11", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "events")), 2);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%lld/schedule?from=2027-04-05&to=2027-04-11",
		 (long long)user_id("phochutich.ubnd"));
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "events")), 1);
	assert_null(strstr(r.body, "Họp nội bộ Sở Tư pháp"));
	mc_http_res_free(&r);
	/* a ward official does not read a department director's calendar */
	snprintf(path, sizeof(path), "/api/v1/users/%lld/schedule", (long long)user_id("giamdoc.stp"));
	assert_int_equal(mc_http_get(&ward, path, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&pct, "/api/v1/my/schedule?from=2027-04-05&to=2027-08-01", &r), 422);
	mc_http_res_free(&r);
	/* whom the office may invite: found by name without diacritics */
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/schedule/people?q=minh%%20khoi", committee);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(jint(json_array_get(json_object_get(r.json, "items"), 0), "id"), user_id("lanhdao"));
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/schedule/people", committee);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_int_equal(jint(json_array_get(json_object_get(r.json, "items"), 0), "agency_id"), committee);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&citizen, path, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&ward, path, &r), 404); /* not a keeper, not within the ward */
	mc_http_res_free(&r);
	/* a private feed: its address works until a new one is made */
	assert_int_equal(mc_http_post(&pct, "/api/v1/my/schedule-feed", "{}", &r), 201);
	char old[200], cur[200];
	snprintf(old, sizeof(old), "/ical/people/%s", jstr(r.json, "token"));
	assert_non_null(strstr(jstr(r.json, "url"), old));
	mc_http_res_free(&r);
	char *cal = feed_of(old, 200);
	assert_true(find_vevent(cal, uid).found);
	free(cal);
	assert_int_equal(mc_http_post(&pct, "/api/v1/my/schedule-feed", "{}", &r), 201);
	snprintf(cur, sizeof(cur), "/ical/people/%s", jstr(r.json, "token"));
	mc_http_res_free(&r);
	free(feed_of(old, 404));
	cal = feed_of(cur, 200);
	assert_true(find_vevent(cal, uid).found);
	free(cal);
	free(feed_of("/ical/people/not-a-token", 404));
	/* the token is not kept, only its hash */
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM schedule_feeds WHERE token_hash = ?", cur + 13), 0);
}

static void invitation_drafted(void **state)
{
	(void)state;
	struct mc_http_res r;
	char extra[200], path[120];
	snprintf(extra, sizeof(extra), ",\"participant_ids\":[%lld],\"participant_agency_ids\":[%lld]",
		 (long long)user_id("lanhdao"), stp);
	assert_int_equal(
		create(&vt, "Hội nghị sơ kết công tác tư pháp", "2027-04-13", 8, 11, user_id("chutich"), extra, &r),
		201);
	long long id = jint(r.json, "id");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/schedule-events/%lld/invitation", id);
	assert_int_equal(mc_http_post(&ld, path, "{}", &r), 403); /* invited, not its keeper */
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&vt, path, "{}", &r), 201);
	long long draft = jint(json_object_get(r.json, "invitation"), "draft_id");
	assert_true(draft > 0);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&vt, path, "{}", &r), 409); /* one invitation */
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld", draft);
	assert_int_equal(mc_http_get(&vt, path, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "type"), "code"), "giay_moi");
	const char *content = jstr(r.json, "content");
	assert_non_null(strstr(content, "Hội nghị sơ kết công tác tư pháp"));
	assert_non_null(strstr(content, "Chủ trì: Ông/Bà Trần Quốc Thịnh"));
	assert_non_null(strstr(content, "08 giờ 00, thứ Ba, ngày 13 tháng 04 năm 2027"));
	assert_non_null(strstr(content, "Đại diện lãnh đạo Sở Tư pháp"));
	assert_true(json_array_size(json_object_get(r.json, "internal_recipient_ids")) == 1 &&
		    json_integer_value(json_array_get(json_object_get(r.json, "internal_recipient_ids"), 0)) == stp);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input_refused),         cmocka_unit_test(week_drafted_approved_published),
		cmocka_unit_test(rooms_once_people_flagged), cmocka_unit_test(invitees_answer),
		cmocka_unit_test(changes_in_the_feeds),      cmocka_unit_test(personal_feed_and_calendar),
		cmocka_unit_test(invitation_drafted),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

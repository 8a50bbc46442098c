/*
 * test_deadlines.c - legal deadlines through the API, with servers started
 * on chosen dates (MOTCUA_TEST_NOW) over one database: 5 working days
 * across Tết 2027 (with its two nghỉ bù), the 15:00 cut-off, the official
 * 2026 schedule shipped in data/calendar and one entered through the API, a make-up working Saturday and an
 * extra day off entered by the admin, 3 working days from a Friday, and a
 * dossier finished early, one on time and one late (the statistics count
 * them, equal to a recount).
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
#include "dossier/holidays.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char db_url[512];
static struct mc_db *db;

/* 1.003197 (5 working days), taken in at the ward police's desk */
static const char *BODY5 =
	"{\"procedure_code\":\"1.003197\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
	"An\",\"subject_id_number\":\"079203001234\","
	"\"reason\":\"abroad\",\"residence_unit\":\"26740\"},\"papers\":[\"to_khai_ct01\"],"
	"\"applicant\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\",\"phone\":\"0816861711\"}}";
/* 1.004873 (3 working days), at the ward's counter */
static const char *BODY3 =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"},"
	"\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
	"\"id_number\":\"079203001234\",\"phone\":\"0816861711\",\"ward_code\":\"26740\"}}";

static char T_0203_0900[] = "MOTCUA_TEST_NOW=2027-02-03T09:00:00+07:00"; /* Wednesday before Tết */
static char T_0203_1459[] = "MOTCUA_TEST_NOW=2027-02-03T14:59:00+07:00";
static char T_0203_1501[] = "MOTCUA_TEST_NOW=2027-02-03T15:01:00+07:00";
static char T_0203_0900B[] = "MOTCUA_TEST_NOW=2027-02-03T09:00:00+07:00";
static char T_0305_1000[] = "MOTCUA_TEST_NOW=2027-03-05T10:00:00+07:00"; /* Friday */
static char T_0310_1400[] = "MOTCUA_TEST_NOW=2027-03-10T14:00:00+07:00"; /* the due day, before 17:00 */
static char T_0311_0900[] = "MOTCUA_TEST_NOW=2027-03-11T09:00:00+07:00"; /* the day after */

/* the server of the running test (stopped by stop_server even when it fails) */
static struct mc_test_server srv;

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (srv.pid > 0)
		mc_test_server_stop(&srv);
	mc_test_db_drop(db_url, db);
	return 0;
}

static void start(struct mc_test_server *s, char *now)
{
	const char *env[] = {now, NULL};
	mc_test_server_start(s, db_url, env);
}

static int stop_server(void **state)
{
	(void)state;
	if (srv.pid > 0)
		assert_int_equal(mc_test_server_stop(&srv), 0);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static int64_t counter_id(const char *code)
{
	struct mc_conn *c;
	int64_t v = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &v, "SELECT id FROM counters WHERE code = ?", "t", code);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

/* Counter intake: the dossier's code; its received_at and due_at. */
static void intake(struct mc_http_session *clerk, const char *counter, const char *body, char code[80],
		   char received[40], char due[40])
{
	char path[100];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id(counter));
	if (mc_http_post(clerk, path, body, &r) != 201)
		fail_msg("intake at %s: %ld %s", counter, r.status, r.body);
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	snprintf(received, 40, "%s", jstr(r.json, "received_at"));
	snprintf(due, 40, "%s", jstr(r.json, "due_at"));
	mc_http_res_free(&r);
}

static void due_of(struct mc_http_session *s, const char *code, char due[40])
{
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(s, path, &r), 200);
	snprintf(due, 40, "%s", jstr(r.json, "due_at"));
	mc_http_res_free(&r);
}

static int has_day_off(struct mc_http_session *s, const char *day)
{
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, "/api/v1/calendar/holidays?year=2027", &r), 200);
	int found = 0;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(r.json, "days_off"), i, d)
		found |= strcmp(jstr(d, "date"), day) == 0;
	mc_http_res_free(&r);
	return found;
}

/* Wed 3/2/2027 09:00 + 5 working days: Thu 4; Fri 5, Mon 8, Tue 9 are Tết
 * and 6-7 a weekend, Wed 10 and Thu 11 nghỉ bù for Tết's Saturday and
 * Sunday (Art. 111(3)); then 12, 15, 16, 17 -> Wed 17/2 17:00. */
static void five_days_across_tet(void **state)
{
	(void)state;
	struct mc_test_server *s = &srv;
	start(s, T_0203_0900);
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, s->base, "clerk.ca.p26740");
	char first5[80], rec[40], due[40];
	assert_true(has_day_off(&clerk, "2027-02-05"));
	assert_true(has_day_off(&clerk, "2027-02-08"));
	assert_true(has_day_off(&clerk, "2027-02-09"));
	assert_true(has_day_off(&clerk, "2027-02-10"));
	assert_true(has_day_off(&clerk, "2027-02-11"));
	assert_false(has_day_off(&clerk, "2027-02-12"));
	intake(&clerk, "Q-CA-26740-01", BODY5, first5, rec, due);
	assert_int_equal(strncmp(rec, "2027-02-03T09:00", 16), 0);
	assert_string_equal(due, "2027-02-17T17:00:00+07:00");
	assert_int_equal(mc_test_server_stop(s), 0);
}

/* 14:59 counts from the receipt; 15:01 from Thu 4/2, day 1 = Fri 12/2. */
static void cutoff_15h(void **state)
{
	(void)state;
	struct mc_test_server *s = &srv;
	struct mc_http_session clerk;
	char code[80], rec[40], due[40];
	start(s, T_0203_1459);
	mc_http_login_as(&clerk, s->base, "clerk.ca.p26740");
	intake(&clerk, "Q-CA-26740-01", BODY5, code, rec, due);
	assert_int_equal(strncmp(rec, "2027-02-03T14:59", 16), 0);
	assert_string_equal(due, "2027-02-17T17:00:00+07:00");
	/* 3 working days: Thu 4, Fri 12, Mon 15 */
	struct mc_http_session ward;
	mc_http_login_as(&ward, s->base, "tiepnhan.p26740");
	intake(&ward, "Q-P26740-01", BODY3, code, rec, due);
	assert_int_equal(strncmp(rec, "2027-02-03T14:59", 16), 0);
	assert_string_equal(due, "2027-02-15T17:00:00+07:00");
	assert_int_equal(mc_test_server_stop(s), 0);

	start(s, T_0203_1501);
	mc_http_login_as(&clerk, s->base, "clerk.ca.p26740");
	intake(&clerk, "Q-CA-26740-01", BODY5, code, rec, due);
	assert_int_equal(strncmp(rec, "2027-02-03T15:01", 16), 0);
	assert_string_equal(due, "2027-02-18T17:00:00+07:00");
	mc_http_login_as(&ward, s->base, "tiepnhan.p26740");
	intake(&ward, "Q-P26740-01", BODY3, code, rec, due);
	assert_string_equal(due, "2027-02-16T17:00:00+07:00");
	assert_int_equal(mc_test_server_stop(s), 0);
}

static long add_exception(struct mc_http_session *s, const char *day, int working, const char *name)
{
	char body[200];
	struct mc_http_res r;
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"working\":%s,\"name\":\"%s\"}", day, working ? "true" : "false",
		 name);
	long st = mc_http_post(s, "/api/v1/calendar/exceptions", body, &r);
	mc_http_res_free(&r);
	return st;
}

/* A make-up working Saturday inside the term brings the deadline one
 * working day earlier; an extra day off moves it one later. */
static void make_up_day_and_day_off(void **state)
{
	(void)state;
	struct mc_test_server *s = &srv;
	start(s, T_0203_0900B);
	struct mc_http_session clerk, admin;
	mc_http_login_as(&clerk, s->base, "clerk.ca.p26740");
	mc_http_login_as(&admin, s->base, "admin");
	char first[80], code[80], rec[40], due[40];
	/* only the admin declares days */
	assert_int_equal(add_exception(&clerk, "2027-02-13", 1, "Làm bù"), 403);
	assert_int_equal(add_exception(&admin, "2027-02-30", 1, "Làm bù"), 422);
	intake(&clerk, "Q-CA-26740-01", BODY5, first, rec, due);
	assert_string_equal(due, "2027-02-17T17:00:00+07:00");
	/* Sat 13/2 worked: 4, 12, 13, 15, 16 */
	assert_int_equal(add_exception(&admin, "2027-02-13", 1, "Làm bù"), 201);
	intake(&clerk, "Q-CA-26740-01", BODY5, code, rec, due);
	assert_string_equal(due, "2027-02-16T17:00:00+07:00");
	/* Saturday off again, and Fri 12/2 off: 4, 15, 16, 17, 18 */
	assert_int_equal(add_exception(&admin, "2027-02-13", 0, "Nghỉ"), 201);
	assert_int_equal(add_exception(&admin, "2027-02-12", 0, "Nghỉ Tết (hoán đổi)"), 201);
	assert_true(has_day_off(&clerk, "2027-02-12"));
	intake(&clerk, "Q-CA-26740-01", BODY5, code, rec, due);
	assert_string_equal(due, "2027-02-18T17:00:00+07:00");
	/* a dossier keeps the date it was given */
	due_of(&clerk, first, due);
	assert_string_equal(due, "2027-02-17T17:00:00+07:00");
	assert_int_equal(mc_test_server_stop(s), 0);
}

/* Process a dossier to the result: the specialist, then the leader. */
static void finish(const struct mc_test_server *s, const char *code, const char *want_score)
{
	const char *who[] = {"chuyenvien.p26740", "chutich.p26740"};
	for (int i = 0; i < 2; i++) {
		struct mc_http_session sess;
		struct mc_http_res r;
		mc_http_login_as(&sess, s->base, who[i]);
		if (mc_http_act(&sess, code, "forward", NULL, &r) != 200)
			fail_msg("forward %s as %s: %ld %s", code, who[i], r.status, r.body);
		if (i == 1) {
			assert_string_equal(jstr(r.json, "status"), "result_ready");
			assert_string_equal(jstr(r.json, "result_status"), want_score);
		}
		mc_http_res_free(&r);
	}
}

/* The ward's figures for 2027 as its chairman reads them on s: dossiers
 * taken in at a counter, and those in progress past their deadline. */
static void ward_figures(const struct mc_test_server *s, long *received_counter, long *past_deadline)
{
	struct mc_http_session ld;
	struct mc_http_res r;
	mc_http_login_as(&ld, s->base, "chutich.p26740");
	assert_int_equal(mc_http_get(&ld, "/api/v1/stats?from=2027-01-01&to=2027-12-31&group=procedure", &r), 200);
	*received_counter = jint(json_object_get(r.json, "total"), "received_counter");
	*past_deadline = jint(json_object_get(r.json, "in_progress"), "past_deadline");
	mc_http_res_free(&r);
}

/* Fri 5/3 10:00 + 3 working days: Mon 8, Tue 9, Wed 10 -> Wed 17:00.
 * One finished that Friday (early), one on Wed 14:00 (on time), one on
 * Thursday (late); two more still in progress on Thursday. */
static void friday_early_on_time_late(void **state)
{
	(void)state;
	struct mc_test_server *s = &srv;
	struct mc_http_session ward;
	char d1[80], d2[80], d3[80], open[80], rec[40], due[40];
	long counter0, past0;
	start(s, T_0305_1000);
	/* what earlier tests left: cutoff_15h's dossiers, past their deadline */
	ward_figures(s, &counter0, &past0);
	mc_http_login_as(&ward, s->base, "tiepnhan.p26740");
	for (int i = 0; i < 2; i++) {
		intake(&ward, "Q-P26740-01", BODY3, open, rec, due);
		assert_string_equal(due, "2027-03-10T17:00:00+07:00");
	}
	intake(&ward, "Q-P26740-01", BODY3, d1, rec, due);
	assert_string_equal(due, "2027-03-10T17:00:00+07:00");
	intake(&ward, "Q-P26740-01", BODY3, d2, rec, due);
	assert_string_equal(due, "2027-03-10T17:00:00+07:00");
	intake(&ward, "Q-P26740-01", BODY3, d3, rec, due);
	assert_string_equal(due, "2027-03-10T17:00:00+07:00");
	finish(s, d1, "early");
	assert_int_equal(mc_test_server_stop(s), 0);

	start(s, T_0310_1400);
	finish(s, d2, "on_time");
	assert_int_equal(mc_test_server_stop(s), 0);

	start(s, T_0311_0900);
	finish(s, d3, "late");
	struct mc_http_session ld;
	mc_http_login_as(&ld, s->base, "chutich.p26740");
	struct mc_http_res a, b;
	assert_int_equal(mc_http_get(&ld, "/api/v1/stats?from=2027-01-01&to=2027-12-31&group=procedure", &a), 200);
	assert_int_equal(mc_http_get(&ld, "/api/v1/stats?from=2027-01-01&to=2027-12-31&group=procedure&recount=1", &b),
			 200);
	json_t *row = NULL, *it;
	size_t i;
	json_array_foreach(json_object_get(a.json, "items"), i, it)
		if (strcmp(jstr(it, "procedure"), "1.004873") == 0)
			row = it;
	assert_non_null(row);
	assert_int_equal(jint(row, "resolved_early"), 1);
	assert_int_equal(jint(row, "resolved_on_time"), 1);
	assert_int_equal(jint(row, "resolved_late"), 1);
	/* early + on time over all resolved */
	assert_true(json_real_value(json_object_get(row, "on_time_rate")) > 0.666 &&
		    json_real_value(json_object_get(row, "on_time_rate")) < 0.667);
	json_t *ta = json_object_get(a.json, "total"), *tb = json_object_get(b.json, "total");
	assert_int_equal(jint(ta, "resolved_late"), 1);
	const char *keys[] = {"received_online", "received_counter", "resolved_early", "resolved_on_time",
			      "resolved_late",   "refused",          "withdrawn"};
	for (int k = 0; k < 7; k++)
		assert_int_equal(jint(ta, keys[k]), jint(tb, keys[k]));
	/* the ward took in 2 + 3 at its counter here */
	assert_int_equal(jint(ta, "received_counter"), counter0 + 5);
	/* still in progress: the two open dossiers, both past their deadline */
	assert_int_equal(jint(json_object_get(a.json, "in_progress"), "past_deadline"), past0 + 2);
	assert_int_equal(jint(json_object_get(a.json, "in_progress"), "within_deadline"), 0);
	mc_http_res_free(&a);
	mc_http_res_free(&b);
	assert_int_equal(mc_test_server_stop(s), 0);
}

/* 2.000635 (a copy of a birth extract: "trả kết quả trong ngày"), at the
 * ward's counter */
static const char *BODY_SAME_DAY =
	"{\"procedure_code\":\"2.000635\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
	"An\",\"subject_birth_date\":\"2003-05-14\","
	"\"record_kind\":\"birth\",\"registration_unit\":\"26740\",\"copies\":2},\"papers\":[\"to_khai\",\"giay_to_tuy_"
	"than\"],"
	"\"applicant\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\",\"phone\":\"0816861711\","
	"\"ward_code\":\"26740\"}}";
static char T_0301_1000[] = "MOTCUA_TEST_NOW=2027-03-01T10:00:00+07:00"; /* Monday */
static char T_0301_1501[] = "MOTCUA_TEST_NOW=2027-03-01T15:01:00+07:00";
static char T_0305_1530[] = "MOTCUA_TEST_NOW=2027-03-05T15:30:00+07:00"; /* Friday */

/* "Trả kết quả trong ngày" (Decree 118/2025/NĐ-CP; DOMAIN.md): received
 * before 15:00 on a working day, due at that day's close; after 15:00, at
 * the close of the next working day.  Modelled as 8 working hours it was
 * due Tuesday 10:00 for a Monday 10:00 receipt. */
static void same_day_procedures(void **state)
{
	(void)state;
	struct mc_test_server *s = &srv;
	struct mc_http_session ward;
	char code[80], rec[40], due[40];
	static char *const times[] = {T_0301_1000, T_0301_1501, T_0305_1530};
	static const char *const want[] = {"2027-03-01T17:00:00+07:00", "2027-03-02T17:00:00+07:00",
					   "2027-03-08T17:00:00+07:00"};
	for (int i = 0; i < 3; i++) {
		start(s, times[i]);
		mc_http_login_as(&ward, s->base, "tiepnhan.p26740");
		intake(&ward, "Q-P26740-01", BODY_SAME_DAY, code, rec, due);
		if (strcmp(due, want[i]) != 0)
			fail_msg("received %s: due %s, expected %s", rec, due, want[i]);
		if (i == 0) {
			/* form 01 gives the legal time as the law words it */
			struct mc_http_res r;
			char path[160];
			snprintf(path, sizeof(path), "/api/v1/dossiers/%s/forms/01.pdf", code);
			assert_int_equal(mc_http_get(&ward, path, &r), 200);
			char *text = mc_test_pdf_text(&r);
			mc_test_expect_text(text, "Trong ngày làm việc");
			assert_null(strstr(text, "giờ làm việc"));
			free(text);
			mc_http_res_free(&r);
			/* the catalogue says so too, with no developer's note */
			assert_int_equal(mc_http_get(&ward, "/api/v1/procedures/2.000635", &r), 200);
			assert_string_equal(jstr(json_object_get(r.json, "processing_time"), "unit"), "same_day");
			assert_null(strstr(r.body, "motcua"));
			assert_null(strstr(r.body, "Same day"));
			mc_http_res_free(&r);
		}
		assert_int_equal(mc_test_server_stop(s), 0);
	}
}

static int has_field(json_t *problem, const char *field);

/* An apology (form 04) gives the applicant a new date, not the agency a
 * new deadline (DOMAIN.md; the provinces' quarterly reports): received Fri
 * 5/3 10:00, 3 working days -> legal deadline Wed 10/3 17:00; the new date
 * Fri 12/3 (a Sunday is refused); finished Thu 11/3: late, with apology,
 * in the dossier, its tracking and the statistics. */
static void apology_keeps_lateness(void **state)
{
	(void)state;
	struct mc_test_server *s = &srv;
	struct mc_http_session ward, spec;
	struct mc_http_res r;
	char code[80], rec[40], due[40];
	start(s, T_0305_1000);
	mc_http_login_as(&ward, s->base, "tiepnhan.p26740");
	mc_http_login_as(&spec, s->base, "chuyenvien.p26740");
	intake(&ward, "Q-P26740-01", BODY3, code, rec, due);
	assert_string_equal(due, "2027-03-10T17:00:00+07:00");
	assert_int_equal(mc_http_act(&spec, code, "extend",
				     "{\"reason\":\"Cần xác minh\",\"new_due_at\":\"2027-03-14T17:00:00+07:00\"}", &r),
			 422);
	assert_true(has_field(r.json, "new_due_at"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act(&spec, code, "extend",
				     "{\"reason\":\"Cần xác minh\",\"new_due_at\":\"2027-03-12T17:00:00+07:00\"}", &r),
			 200);
	mc_http_res_free(&r);
	struct mc_http_session head;
	mc_http_login_as(&head, s->base, "chutich.p26740");
	assert_int_equal(mc_http_act(&head, code, "approve_extension", NULL, &r), 200);
	assert_string_equal(jstr(r.json, "due_at"), "2027-03-10T17:00:00+07:00");
	assert_string_equal(jstr(r.json, "appointment_at"), "2027-03-12T17:00:00+07:00");
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(s), 0);

	start(s, T_0311_0900);
	finish(s, code, "late");
	mc_http_login_as(&spec, s->base, "chuyenvien.p26740");
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&spec, path, &r), 200);
	assert_string_equal(jstr(r.json, "result_status"), "late");
	assert_true(json_is_true(json_object_get(r.json, "late_with_apology")));
	const char *secret = jstr(r.json, "secret");
	char track[300];
	snprintf(track, sizeof(track), "/api/v1/track/%s?s=%s", code, secret ? secret : "");
	mc_http_res_free(&r);
	struct mc_http_session anon;
	mc_http_session_init(&anon, s->base);
	assert_int_equal(mc_http_get(&anon, track, &r), 200);
	assert_string_equal(jstr(r.json, "result_status"), "late");
	assert_true(json_is_true(json_object_get(r.json, "late_with_apology")));
	assert_string_equal(jstr(r.json, "appointment_at"), "2027-03-12T17:00:00+07:00");
	mc_http_res_free(&r);
	assert_int_equal(mc_test_server_stop(s), 0);
}

static char T_1231_0900[] = "MOTCUA_TEST_NOW=2025-12-31T09:00:00+07:00"; /* Wednesday */

static long send(struct mc_http_session *s, const char *method, const char *path, const char *body,
		 struct mc_http_res *r)
{
	if (mc_http_do(s, method, path, body, NULL, r))
		fail_msg("%s %s: no answer", method, path);
	return r->status;
}

static int listed(json_t *list, const char *day)
{
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d)
		if (strcmp(jstr(d, "date"), day) == 0)
			return 1;
	return 0;
}

static int has_field(json_t *problem, const char *field)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(problem, "errors"), i, f)
		if (strcmp(jstr(f, "field"), field) == 0)
			return 1;
	return 0;
}

/* Run `motcua calendar ARGS` on the test's database (ARGS may hold one %s,
 * the source tree). */
static int run_cli(const char *args, char *out, size_t n)
{
	char a[512], cmd[600];
	snprintf(a, sizeof(a), args, getenv("MC_SHARE"));
	snprintf(cmd, sizeof(cmd), "calendar %s", a);
	return mc_test_run_cli(db_url, cmd, out, n);
}

/* The 2026 schedule shipped in data/calendar (loaded as `motcua seed`
 * does): Fri 2/1/2026 is off in exchange for Sat 10/1.  Received Wed
 * 31/12/2025 09:00, 3 working days: 1/1 and 2/1 off, 3-4 a weekend, so
 * Mon 5, Tue 6, Wed 7/1 (by the rules alone, 2/1 would be day 1 and the
 * deadline Tue 6/1).  Then an admin replaces 2026 through the API without
 * the swap, and clears it: the rules apply again. */
static void official_schedule(void **state)
{
	(void)state;
	struct mc_conn *c;
	int loaded = 0;
	char err[256] = "";
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_holidays_seed(c, getenv("MC_SHARE"), &loaded, err, sizeof(err));
	mc_db_release(c);
	if (rc)
		fail_msg("seed the calendar: %s", err);
	assert_int_equal(loaded, 1);

	struct mc_test_server *s = &srv;
	start(s, T_1231_0900);
	struct mc_http_session ward, admin, anon;
	mc_http_login_as(&ward, s->base, "tiepnhan.p26740");
	mc_http_login_as(&admin, s->base, "admin");
	mc_http_session_init(&anon, s->base);
	struct mc_http_res r;
	assert_int_equal(send(&anon, "GET", "/api/v1/calendar/years/2026", NULL, &r), 200);
	json_t *off = json_object_get(r.json, "official");
	assert_true(json_is_object(off));
	assert_non_null(strstr(jstr(off, "decision"), "12729/VPCP-KGVX"));
	assert_string_equal(jstr(off, "decided_on"), "2025-12-25");
	assert_true(listed(json_object_get(r.json, "days_off"), "2026-01-02"));
	assert_true(listed(json_object_get(r.json, "days_off"), "2026-08-31"));
	assert_true(listed(json_object_get(r.json, "days_off"), "2026-02-20"));
	assert_true(listed(json_object_get(r.json, "working_days"), "2026-01-10"));
	assert_true(listed(json_object_get(r.json, "working_days"), "2026-08-22"));
	assert_int_equal(json_array_size(json_object_get(r.json, "days_off")), 13);
	mc_http_res_free(&r);
	/* a year without one: the rules, with nghỉ bù for Tết */
	assert_int_equal(send(&anon, "GET", "/api/v1/calendar/years/2027", NULL, &r), 200);
	assert_true(json_is_null(json_object_get(r.json, "official")));
	assert_true(listed(json_object_get(r.json, "days_off"), "2027-02-11"));
	mc_http_res_free(&r);
	assert_int_equal(send(&anon, "GET", "/api/v1/calendar/years/1899", NULL, &r), 404);
	mc_http_res_free(&r);

	char code[80], rec[40], due[40];
	intake(&ward, "Q-P26740-01", BODY3, code, rec, due);
	assert_string_equal(due, "2026-01-07T17:00:00+07:00");

	/* only calendar.manage records a schedule; bad ones are explained */
	static const char *GOOD = "{\"decision\":\"Quyết định thử nghiệm\",\"decided_on\":\"2025-11-01\","
				  "\"days_off\":[{\"date\":\"2026-01-01\",\"name\":\"Tết Dương lịch\"},"
				  "{\"date\":\"2026-02-16\",\"name\":\"Tết Nguyên đán\"}]}";
	assert_int_equal(send(&ward, "PUT", "/api/v1/calendar/years/2026", GOOD, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(send(&admin, "PUT", "/api/v1/calendar/years/2026",
			      "{\"year\":2027,\"decided_on\":\"2025-13-01\",\"days_off\":[{\"date\":\"2026-01-03\","
			      "\"name\":\"x\"},{\"date\":\"2027-01-01\",\"name\":\"y\"},{\"date\":\"2026-01-01\"}],"
			      "\"working_days\":[{\"date\":\"2026-01-05\",\"name\":\"z\"}],\"note\":1}",
			      &r),
			 422);
	const char *fields[] = {"year",
				"decision",
				"decided_on",
				"days_off[0].date",
				"days_off[1].date",
				"days_off[2].name",
				"working_days[0].date",
				"note"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!has_field(r.json, fields[i]))
			fail_msg("no error for %s in %s", fields[i], r.body);
	mc_http_res_free(&r);
	assert_int_equal(
		send(&admin, "PUT", "/api/v1/calendar/years/2026",
		     "{\"decision\":\"d\",\"decided_on\":\"2025-11-01\",\"days_off\":[{\"date\":\"2026-01-02\","
		     "\"name\":\"a\"},{\"date\":\"2026-01-02\",\"name\":\"b\"}]}",
		     &r),
		422);
	assert_true(has_field(r.json, "days_off[1].date"));
	mc_http_res_free(&r);
	/* nothing was changed by the refusals */
	assert_int_equal(send(&anon, "GET", "/api/v1/calendar/years/2026", NULL, &r), 200);
	assert_true(listed(json_object_get(r.json, "days_off"), "2026-01-02"));
	mc_http_res_free(&r);

	assert_int_equal(send(&admin, "PUT", "/api/v1/calendar/years/2026", GOOD, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "official"), "decision"), "Quyết định thử nghiệm");
	assert_int_equal(json_array_size(json_object_get(r.json, "days_off")), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "working_days")), 0);
	mc_http_res_free(&r);
	/* 2/1 is a working day now: Fri 2, Mon 5, Tue 6 */
	intake(&ward, "Q-P26740-01", BODY3, code, rec, due);
	assert_string_equal(due, "2026-01-06T17:00:00+07:00");

	assert_int_equal(send(&ward, "DELETE", "/api/v1/calendar/years/2026", NULL, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(send(&admin, "DELETE", "/api/v1/calendar/years/2026", NULL, &r), 200);
	assert_true(json_is_null(json_object_get(r.json, "official")));
	assert_true(listed(json_object_get(r.json, "days_off"), "2026-04-27")); /* the rules' nghỉ bù */
	mc_http_res_free(&r);
	assert_int_equal(send(&admin, "DELETE", "/api/v1/calendar/years/2026", NULL, &r), 404);
	mc_http_res_free(&r);

	/* the command line records the shipped file again, shows and clears it */
	char out[4096];
	assert_int_equal(run_cli("year set '%s/data/calendar/2026.json'", out, sizeof(out)), 0);
	assert_string_equal(out, "2026: official schedule recorded\n");
	assert_int_equal(run_cli("year show 2026", out, sizeof(out)), 0);
	assert_int_equal(strncmp(out, "# Công văn 12729/VPCP-KGVX", strlen("# Công văn 12729/VPCP-KGVX")), 0);
	assert_non_null(strstr(out, "\n2026-01-02\tNghỉ Tết Dương lịch"));
	assert_non_null(strstr(out, "\n+2026-01-10\tLàm bù ngày 02/01/2026\n"));
	assert_int_equal(send(&anon, "GET", "/api/v1/calendar/years/2026", NULL, &r), 200);
	assert_true(json_is_object(json_object_get(r.json, "official")));
	mc_http_res_free(&r);
	assert_int_equal(run_cli("year clear 2026", out, sizeof(out)), 0);
	assert_int_equal(run_cli("year clear 2026", out, sizeof(out)), 1);
	assert_int_equal(run_cli("year clear 1899", out, sizeof(out)), 2);
	assert_int_equal(run_cli("year set /nonexistent.json", out, sizeof(out)), 2);

	/* both changes are in the audit log */
	int64_t n = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	rc = mc_query_int64(
		c, &n, "SELECT COUNT(*) FROM audit_log WHERE action IN ('calendar.year_set', 'calendar.year_clear')",
		"");
	mc_db_release(c);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 4); /* two through the API, two through the command line */
	assert_int_equal(mc_test_server_stop(s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(five_days_across_tet, stop_server),
		cmocka_unit_test_teardown(cutoff_15h, stop_server),
		cmocka_unit_test_teardown(make_up_day_and_day_off, stop_server),
		cmocka_unit_test_teardown(friday_early_on_time_late, stop_server),
		cmocka_unit_test_teardown(official_schedule, stop_server),
		cmocka_unit_test_teardown(same_day_procedures, stop_server),
		cmocka_unit_test_teardown(apology_keeps_lateness, stop_server),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_step_agency.c - who acts on a step (issue 8, point 4): the
 * officials of the step's agency and of its internal units (a phòng, ban,
 * chi nhánh of that agency), never those of a subordinate body.  The
 * report: procedure 3.000333 (judicial record certificate, competent the
 * City Police) taken in at the Sài Gòn ward police; once the city police
 * specialist has forwarded it, the ward police leader could approve it.
 * Now the ward police's officials are refused (403, nothing changes) and
 * do not find the step in their work queues; the city police's leader and
 * the officials of a records division created inside the City Police (an
 * internal unit) act on it and find it in theirs; the ward police still
 * read the dossier they took in.  The other way round, the city police do
 * not find the ward police's own steps in their work queues (they cannot
 * act on them) but still supervise them ("all").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "pdf.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;

static char NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* Tuesday */

/* ward police (Sài Gòn), city police, the records division (created here) */
static struct mc_http_session admin, w_clerk, w_spec, w_lead, c_clerk, c_spec, c_lead, d_spec, d_lead;
static int64_t ag_city_police, ag_division;

/* P: 3.000333 taken in at the ward police; L: 1.003197, the ward police's own */
static char P[80], L[80];

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}

static int64_t sql_id(const char *sql, const char *text)
{
	struct mc_conn *c;
	int64_t v = -1;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &v, sql, "t", text);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static int64_t user_id(const char *username)
{
	return sql_id("SELECT id FROM users WHERE username = ?", username);
}
static int64_t agency_id(const char *code)
{
	return sql_id("SELECT id FROM agencies WHERE code = ?", code);
}
static int64_t events_of(const char *code)
{
	return sql_id("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id"
		      " WHERE d.code = ? AND e.action <> 'view'",
		      code);
}

/* Status and version as the system administrator reads them. */
static void state_of(const char *code, long *version, char status[32], long *step)
{
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&admin, path, &r), 200);
	*version = jint(r.json, "version");
	snprintf(status, 32, "%s", jstr(r.json, "status"));
	*step = jint(r.json, "current_step");
	mc_http_res_free(&r);
}

/* Refused with want (403 may not act, 404 may not see), and nothing about
 * the dossier changes. */
static void deny_as(struct mc_http_session *s, const char *who, const char *code, const char *action, const char *body,
		    long want)
{
	long v0, v1, s0, s1;
	char st0[32], st1[32];
	state_of(code, &v0, st0, &s0);
	int64_t ev = events_of(code);
	struct mc_http_res r;
	long got = mc_http_act_v(s, code, action, v0, body, &r);
	if (got != want)
		fail_msg("%s by %s on %s (%s, step %ld): want %ld, got %ld: %s", action, who, code, st0, s0, want, got,
			 r.body);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "problem+json"));
	assert_string_equal(jstr(r.json, "code"), want == 403 ? "forbidden" : "not_found");
	mc_http_res_free(&r);
	state_of(code, &v1, st1, &s1);
	assert_int_equal(v1, v0);
	assert_string_equal(st1, st0);
	assert_int_equal(s1, s0);
	assert_int_equal(events_of(code), ev);
}

static void deny(struct mc_http_session *s, const char *who, const char *code, const char *action, const char *body)
{
	deny_as(s, who, code, action, body, 403);
}

/* Allowed: 200 with the status to, by actor. */
static void allow(struct mc_http_session *s, const char *who, const char *code, const char *action, const char *body,
		  const char *to)
{
	long v0, s0;
	char st0[32];
	state_of(code, &v0, st0, &s0);
	struct mc_http_res r;
	long got = mc_http_act_v(s, code, action, v0, body, &r);
	if (got != 200)
		fail_msg("%s by %s on %s (%s, step %ld): want 200, got %ld: %s", action, who, code, st0, s0, got,
			 r.body);
	assert_string_equal(jstr(r.json, "status"), to);
	assert_int_equal(jint(r.json, "version"), v0 + 1);
	mc_http_res_free(&r);
}

/* Is code in the work queue of s?  The count agrees with the list. */
static int in_queue(struct mc_http_session *s, const char *queue, const char *code)
{
	char path[100];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/queues/%s?limit=200", queue);
	assert_int_equal(mc_http_get(s, path, &r), 200);
	int found = 0;
	size_t i;
	json_t *it, *items = json_object_get(r.json, "items");
	json_array_foreach(items, i, it)
		found |= strcmp(jstr(it, "code"), code) == 0;
	long n = (long)json_array_size(items);
	mc_http_res_free(&r);
	if (strcmp(queue, "all") != 0) {
		assert_int_equal(mc_http_get(s, "/api/v1/queues", &r), 200);
		assert_int_equal(jint(r.json, queue), n);
		mc_http_res_free(&r);
	}
	return found;
}

/* The id scan the clerk uploads for the form. */
static void upload(struct mc_http_session *s, char sha[65])
{
	static const char pdf[] = MC_TEST_PDF("CCCD 079203001234");
	char url[200], auth[200];
	snprintf(url, sizeof(url), "%s/api/v1/files", srv.base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", s->token);
	const char *h[] = {auth, "Content-Type: application/octet-stream", NULL};
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("POST", url, pdf, h, &r), 0);
	if (r.status != 201)
		fail_msg("upload: %ld %s", r.status, r.body);
	snprintf(sha, 65, "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
}

/* The fee of a dossier taken in, paid on receipt (issue 16): the clerk
 * takes it in cash, else the dossier does not move on. */
static void pay_at_counter(const char *code)
{
	char path[160], im[48];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/payment", code);
	if (mc_http_get(&w_clerk, path, &r) == 404) {
		mc_http_res_free(&r);
		return;
	}
	assert_int_equal(r.status, 200);
	snprintf(path, sizeof(path), "/api/v1/payments/%lld/record", (long long)jint(r.json, "id"));
	snprintf(im, sizeof(im), "If-Match: \"v%lld\"", (long long)jint(r.json, "version"));
	mc_http_res_free(&r);
	const char *h[] = {im, NULL};
	assert_int_equal(mc_http_do(&w_clerk, "POST", path, "{\"method\":\"cash\"}", h, &r), 0);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
}

/* Take a dossier in at the ward police's counter. */
static void intake(const char *body, char code[80])
{
	char path[100];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)sql_id("SELECT id FROM counters WHERE code = ?", "Q-CA-26740-01"));
	if (mc_http_post(&w_clerk, path, body, &r) != 201)
		fail_msg("intake: %ld %s", r.status, r.body);
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	pay_at_counter(code);
}

static void judicial_record(char code[80])
{
	char sha[65], body[1200];
	upload(&w_clerk, sha);
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"3.000333\",\"competent_agency_id\":%lld,\"form\":{\"full_name\":\"Nguyễn Văn "
		 "An\","
		 "\"id_number\":\"079203001234\",\"birth_date\":\"2003-05-14\",\"certificate_type\":\"1\",\"copies\":1,"
		 "\"purpose\":\"Xin việc làm\",\"residence_unit\":\"26740\",\"id_scan\":\"%s\"},"
		 "\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
		 "\"applicant\":{\"full_name\":\"Nguyễn Văn "
		 "An\",\"id_number\":\"079203001234\",\"phone\":\"0816861711\"}}",
		 (long long)ag_city_police, sha);
	intake(body, code);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {NOW, NULL};
	mc_test_server_start(&srv, db_url, env);
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&w_clerk, srv.base, "clerk.ca.p26740");
	mc_http_login_as(&w_spec, srv.base, "specialist.ca.p26740");
	mc_http_login_as(&w_lead, srv.base, "leader.ca.p26740");
	mc_http_login_as(&c_clerk, srv.base, "clerk.ca.tp");
	mc_http_login_as(&c_spec, srv.base, "specialist.ca.tp");
	mc_http_login_as(&c_lead, srv.base, "leader.ca.tp");
	ag_city_police = agency_id("000.00.40.H29");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

/* The City Police's records division, an internal unit, with a specialist
 * and a leader; the API says and shows which kind of unit it is. */
static void internal_division(void **state)
{
	(void)state;
	char body[600];
	struct mc_http_res r;
	/* "internal" must be true or false */
	snprintf(body, sizeof(body),
		 "{\"code\":\"000.00.41.H29\",\"kind\":\"division\",\"internal\":\"yes\",\"name\":\"Phòng Hồ sơ nghiệp "
		 "vụ\","
		 "\"name_en\":\"Records Division\",\"unit_code\":\"79\",\"parent_id\":%lld}",
		 (long long)ag_city_police);
	assert_int_equal(mc_http_post(&admin, "/api/v1/agencies", body, &r), 422);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"code\":\"000.00.41.H29\",\"kind\":\"division\",\"internal\":true,\"name\":\"Phòng Hồ sơ nghiệp "
		 "vụ\","
		 "\"name_en\":\"Records Division\",\"unit_code\":\"79\",\"parent_id\":%lld}",
		 (long long)ag_city_police);
	assert_int_equal(mc_http_post(&admin, "/api/v1/agencies", body, &r), 201);
	ag_division = jint(r.json, "id");
	assert_true(json_is_true(json_object_get(r.json, "internal")));
	mc_http_res_free(&r);
	/* the demo's bodies are separate bodies, the service centre's branches internal units */
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld", (long long)agency_id("000.01.40.H29"));
	assert_int_equal(mc_http_get(&admin, path, &r), 200);
	assert_true(json_is_false(json_object_get(r.json, "internal")));
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld", (long long)agency_id("000.01.30.H29"));
	assert_int_equal(mc_http_get(&admin, path, &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "internal")));
	mc_http_res_free(&r);

	const char *who[] = {"specialist.pv06.catp", "specialist", "leader.pv06.catp", "leader"};
	for (int i = 0; i < 4; i += 2) {
		snprintf(body, sizeof(body),
			 "{\"username\":\"%s\",\"full_name\":\"Trần Văn Hồ "
			 "Sơ\",\"password\":\"MatKhau-2026\",\"agency_id\":%lld,"
			 "\"roles\":[\"%s\"]}",
			 who[i], (long long)ag_division, who[i + 1]);
		if (mc_http_post(&admin, "/api/v1/users", body, &r) != 201)
			fail_msg("create %s: %ld %s", who[i], r.status, r.body);
		mc_http_res_free(&r);
	}
	mc_http_session_init(&d_spec, srv.base);
	assert_int_equal(mc_http_login(&d_spec, "specialist.pv06.catp", "MatKhau-2026", 1), 200);
	mc_http_session_init(&d_lead, srv.base);
	assert_int_equal(mc_http_login(&d_lead, "leader.pv06.catp", "MatKhau-2026", 1), 200);
}

/* The report, step by step. */
static void ward_police_cannot_act_on_city_step(void **state)
{
	(void)state;
	judicial_record(P);
	/* step 2, the city police's specialist: not the ward police's */
	assert_true(in_queue(&c_spec, "process", P));
	assert_false(in_queue(&w_spec, "process", P));
	deny(&w_spec, "specialist.ca.p26740", P, "forward", NULL);
	deny(&w_spec, "specialist.ca.p26740", P, "refuse", "{\"reasons\":[\"Thiếu giấy tờ\"]}");
	deny(&w_spec, "specialist.ca.p26740", P, "request_supplement", "{\"items\":[\"Bản chụp CCCD rõ hơn\"]}");
	/* the leader of the city police assigns it inside the City Police only */
	char body[80];
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)user_id("specialist.ca.p26740"));
	struct mc_http_res r;
	assert_int_equal(mc_http_act(&c_lead, P, "assign", body, &r), 422);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)user_id("specialist.ca.tp"));
	allow(&c_lead, "leader.ca.tp", P, "assign", body, "in_progress");
	allow(&c_spec, "specialist.ca.tp", P, "forward", "{\"note\":\"Không có án tích\"}", "in_progress");

	/* step 3, the city police's leader: the ward police's leader is refused */
	assert_true(in_queue(&c_lead, "process", P));
	assert_false(in_queue(&w_lead, "process", P));
	deny(&w_lead, "leader.ca.p26740", P, "forward", NULL);
	deny(&w_lead, "leader.ca.p26740", P, "stop", "{\"reason\":\"Chờ xác minh\"}");
	deny(&w_lead, "leader.ca.p26740", P, "extend",
	     "{\"reason\":\"Cần xác minh\",\"new_due_at\":\"2027-03-30T17:00:00+07:00\"}");
	deny(&w_lead, "leader.ca.p26740", P, "refuse", "{\"reasons\":[\"x\"]}");
	/* the ward police still read the dossier they took in */
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", P);
	assert_int_equal(mc_http_get(&w_lead, path, &r), 200);
	assert_string_equal(jstr(r.json, "current_role"), "leader");
	assert_int_equal(jint(json_object_get(r.json, "current_agency"), "id"), ag_city_police);
	/* and are not listed as the officials expected at the step */
	size_t i;
	json_t *p;
	int64_t wl = user_id("leader.ca.p26740"), cl = user_id("leader.ca.tp"), dl = user_id("leader.pv06.catp");
	int seen_c = 0, seen_d = 0;
	json_array_foreach(json_object_get(r.json, "pending_officials"), i, p) {
		assert_int_not_equal(jint(p, "id"), wl);
		seen_c |= jint(p, "id") == cl;
		seen_d |= jint(p, "id") == dl;
	}
	assert_true(seen_c);
	assert_true(seen_d);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&w_spec, path, &r), 200);
	mc_http_res_free(&r);

	/* the city police's own leader approves */
	allow(&c_lead, "leader.ca.tp", P, "forward", NULL, "result_ready");
	/* the result goes back where it was taken in: the ward police's clerk,
	 * not the city police's */
	deny(&c_clerk, "clerk.ca.tp", P, "return", NULL);
	allow(&w_clerk, "clerk.ca.p26740", P, "return", NULL, "returned");
}

/* An internal unit of the step's agency acts on it and finds it in its queues. */
static void internal_unit_acts(void **state)
{
	(void)state;
	char D[80];
	judicial_record(D);
	assert_true(in_queue(&d_spec, "process", D));
	/* the city police's leader may give it to the division's specialist */
	char body[80];
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)user_id("specialist.pv06.catp"));
	allow(&c_lead, "leader.ca.tp", D, "assign", body, "in_progress");
	assert_true(in_queue(&d_spec, "mine", D));
	allow(&d_spec, "specialist.pv06.catp", D, "forward", NULL, "in_progress");
	assert_true(in_queue(&d_lead, "process", D));
	assert_false(in_queue(&w_lead, "process", D));
	deny(&w_lead, "leader.ca.p26740", D, "forward", NULL);
	allow(&d_lead, "leader.pv06.catp", D, "forward", NULL, "result_ready");
}

/* The ward police's own steps: theirs to act on, the city's to supervise. */
static void city_supervises_ward_steps(void **state)
{
	(void)state;
	intake("{\"procedure_code\":\"1.003197\",\"form\":{\"subject_full_name\":\"Nguyễn Văn An\","
	       "\"subject_id_number\":\"079203001234\",\"reason\":\"abroad\",\"residence_unit\":\"26740\"},"
	       "\"papers\":[\"to_khai_ct01\"],\"applicant\":{\"full_name\":\"Nguyễn Văn "
	       "An\",\"id_number\":\"079203001234\","
	       "\"phone\":\"0816861711\"}}",
	       L);
	assert_true(in_queue(&w_spec, "process", L));
	/* the city police see it in "all" but not as work of theirs */
	assert_true(in_queue(&c_spec, "all", L));
	assert_false(in_queue(&c_spec, "process", L));
	assert_false(in_queue(&d_spec, "process", L));
	deny(&c_spec, "specialist.ca.tp", L, "forward", NULL);
	/* the division acts for the City Police only, and sees nothing of the ward police's own */
	deny_as(&d_spec, "specialist.pv06.catp", L, "forward", NULL, 404);
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", L);
	assert_int_equal(mc_http_get(&c_lead, path, &r), 200);
	mc_http_res_free(&r);
	allow(&w_spec, "specialist.ca.p26740", L, "forward", NULL, "in_progress");
	allow(&w_lead, "leader.ca.p26740", L, "forward", NULL, "result_ready");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(internal_division),
		cmocka_unit_test(ward_police_cannot_act_on_city_step),
		cmocka_unit_test(internal_unit_acts),
		cmocka_unit_test(city_supervises_ward_steps),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_linked.c - linked procedures under Decree 63/2024 through the API
 * (docs/linked.md), with servers started on chosen dates (MOTCUA_TEST_NOW)
 * over one database: group 1 end to end by the ward, the ward police and
 * the ward social insurance, with the data handed over; group 2 with a part
 * refused (the parts waiting for it cancelled, the others going on); a part
 * late with an apology that moves the application's date; the 15:00 rule
 * and verification (5 working days); the 10-minute / 2-working-hour
 * monitoring of hand-overs; who may see and act.
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

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;

static char T_MON_0900[] = "MOTCUA_TEST_NOW=2027-03-01T09:00:00+07:00"; /* Monday */
static char T_MON_1000[] = "MOTCUA_TEST_NOW=2027-03-01T10:00:00+07:00";
static char T_MON_1345[] = "MOTCUA_TEST_NOW=2027-03-01T13:45:00+07:00"; /* 3 working hours after 09:00 and more */
static char T_FRI_1505[] = "MOTCUA_TEST_NOW=2027-03-05T15:05:00+07:00"; /* Friday, after the cut-off */

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

static void start(char *now)
{
	const char *env[] = {now, NULL};
	mc_test_server_start(&srv, db_url, env);
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

static int64_t db_int(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

static void db_exec(const char *sql, const char *arg)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_tx_begin(c, 1), 0);
	int64_t n = mc_exec(c, sql, "t", arg);
	assert_true(n >= 0);
	assert_int_equal(mc_tx_commit(c), 0);
	mc_db_release(c);
}

/* The sessions of one test. */
struct people {
	struct mc_http_session cit, ward_clerk, ward_spec, ward_lead, police_clerk, police_spec, police_lead,
		bhxh_clerk, bhxh_spec, bhxh_lead, other_police;
};

static void log_in(struct people *p)
{
	mc_http_login_as(&p->cit, srv.base, "079203001234");
	mc_http_login_as(&p->ward_clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&p->ward_spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&p->ward_lead, srv.base, "chutich.p26740");
	mc_http_login_as(&p->police_clerk, srv.base, "clerk.ca.p26740");
	mc_http_login_as(&p->police_spec, srv.base, "specialist.ca.p26740");
	mc_http_login_as(&p->police_lead, srv.base, "leader.ca.p26740");
	mc_http_login_as(&p->bhxh_clerk, srv.base, "tiepnhan.bhxh26740");
	mc_http_login_as(&p->bhxh_spec, srv.base, "chuyenvien.bhxh26740");
	mc_http_login_as(&p->bhxh_lead, srv.base, "giamdoc.bhxh26740");
	mc_http_login_as(&p->other_police, srv.base, "clerk.ca.p26743");
}

/* An action that must answer want. */
static void act(struct mc_http_session *s, const char *code, const char *action, const char *body, long want)
{
	struct mc_http_res r;
	long st = mc_http_act(s, code, action, body, &r);
	if (st != want) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "grep -v '\"request\"' %s | tail -3 >&2", srv.log);
		if (system(cmd) != 0)
			fprintf(stderr, "(no server log)\n");
		fail_msg("%s on %s: %ld (want %ld) %s", action, code, st, want, r.body);
	}
	mc_http_res_free(&r);
}

/* An online application of procedure for the parts (a JSON array), the
 * group's form; its code and secret. */
static void apply(struct people *p, const char *procedure, const char *parts, const char *note, char code[80],
		  char secret[16])
{
	char sha[65], body[2048];
	long up = mc_http_upload(&p->cit, MC_TEST_PDF_HEAD "linked " MC_TEST_PDF_TAIL, sha);
	assert_true(up == 200 || up == 201);
	(void)note;
	if (strcmp(procedure, "3.000722") == 0)
		snprintf(body, sizeof(body),
			 "{\"procedure_code\":\"3.000722\",\"parts\":%s,\"form\":{\"child_full_name\":\"Nguyễn Bảo "
			 "Ngọc\",\"child_birth_date\":\"2027-02-20\",\"child_sex\":\"F\",\"birth_place\":\"26740\","
			 "\"mother_id_number\":\"079303001235\",\"permanent_residence_unit\":\"26740\","
			 "\"health_facility\":\"Bệnh viện Nhi Đồng 1\",\"birth_certificate_scan\":\"%s\"}}",
			 parts, sha);
	else
		snprintf(body, sizeof(body),
			 "{\"procedure_code\":\"2.002913\",\"parts\":%s,\"form\":{\"deceased_full_name\":\"Nguyễn Văn "
			 "Bình\",\"deceased_id_number\":\"079140001234\",\"death_date\":\"2027-02-25\","
			 "\"death_place\":\"Bệnh viện Chợ Rẫy\",\"residence_unit\":\"26740\",\"relationship\":\"Con\","
			 "\"death_notice_scan\":\"%s\"}}",
			 parts, sha);
	struct mc_http_res r;
	if (mc_http_post(&p->cit, "/api/v1/dossiers", body, &r) != 201)
		fail_msg("apply: %ld %s", r.status, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	snprintf(secret, 16, "%s", jstr(r.json, "secret"));
	assert_string_equal(jstr(r.json, "status"), "submitted");
	mc_http_res_free(&r);
}

/* GET /api/v1/linked/{code} as s: the answer (the caller frees it). */
static json_t *application(struct mc_http_session *s, const char *code)
{
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/linked/%s", code);
	if (mc_http_get(s, path, &r) != 200)
		fail_msg("GET %s: %ld %s", path, r.status, r.body);
	json_t *j = json_incref(r.json);
	mc_http_res_free(&r);
	return j;
}

static json_t *part_of(json_t *app, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(app, "linked"), "parts"), i, p)
		if (strcmp(jstr(p, "part"), name) == 0)
			return p;
	fail_msg("no part %s", name);
	return NULL;
}

/* The state of part name of application code, and its sub-dossier. */
static void part_state(struct people *p, const char *code, const char *name, const char *state, char sub[80])
{
	json_t *app = application(&p->cit, code);
	json_t *pt = part_of(app, name);
	assert_string_equal(jstr(pt, "state"), state);
	if (sub)
		snprintf(sub, 80, "%s", jstr(pt, "dossier") ? jstr(pt, "dossier") : "");
	json_decref(app);
}

/* A sub-dossier taken through its agency: received, appraised, approved
 * (with result data). */
static void process(struct mc_http_session *clerk, struct mc_http_session *spec, struct mc_http_session *lead,
		    const char *sub, const char *result)
{
	act(clerk, sub, "receive", NULL, 200);
	act(spec, sub, "forward", NULL, 200);
	act(lead, sub, "forward", result, 200);
}

/* Outbox rows of event for dossier code. */
static int64_t told(const char *code, const char *event)
{
	char sql[300];
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE o.event = '%s' AND d.code "
		 "= ?",
		 event);
	return db_int(sql, code);
}

static const char *RESULT_BIRTH = "{\"result_data\":{\"birth_registration_number\":\"15/2027\","
				  "\"child_id_number\":\"079327000123\"}}";

static void group1_end_to_end(void **state)
{
	(void)state;
	start(T_MON_0900);
	struct people p;
	log_in(&p);
	struct mc_http_res r;
	char code[80], secret[16], birth[80], residence[80], insurance[80], path[300];

	/* the first part is required; parts are names of the procedure's */
	char sha[65], body[1024];
	assert_int_equal(mc_http_upload(&p.cit, MC_TEST_PDF_HEAD "bad parts" MC_TEST_PDF_TAIL, sha), 201);
	const char *bad[] = {"[\"residence\"]", "[\"birth\",\"birth\"]", "[\"birth\",\"passport\"]", "\"birth\""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		snprintf(body, sizeof(body),
			 "{\"procedure_code\":\"3.000722\",\"parts\":%s,\"form\":{\"child_full_name\":\"Nguyễn Bảo "
			 "Ngọc\",\"child_birth_date\":\"2027-02-20\",\"child_sex\":\"F\",\"birth_place\":\"26740\","
			 "\"mother_id_number\":\"079303001235\",\"permanent_residence_unit\":\"26740\","
			 "\"health_facility\":\"BV\",\"birth_certificate_scan\":\"%s\"}}",
			 bad[i], sha);
		assert_int_equal(mc_http_post(&p.cit, "/api/v1/dossiers", body, &r), 422);
		assert_non_null(strstr(r.body, "parts"));
		mc_http_res_free(&r);
	}
	/* parts on a procedure that is not linked; the repealed 2.000986 */
	assert_int_equal(mc_http_post(&p.cit, "/api/v1/dossiers",
				      "{\"procedure_code\":\"1.004873\",\"parts\":[\"birth\"],\"form\":{}}", &r),
			 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&p.cit, "/api/v1/dossiers", "{\"procedure_code\":\"2.000986\",\"form\":{}}", &r),
			 422);
	assert_non_null(strstr(r.body, "3.000722"));
	mc_http_res_free(&r);

	apply(&p, "3.000722", "[\"birth\",\"residence\",\"insurance\"]", "", code, secret);
	json_t *app = application(&p.cit, code);
	assert_int_equal(json_array_size(json_object_get(json_object_get(app, "linked"), "parts")), 3);
	assert_string_equal(jstr(json_object_get(part_of(app, "residence"), "agency"), "code"), "000.01.40.H29");
	assert_string_equal(jstr(json_object_get(part_of(app, "insurance"), "agency"), "code"), "000.01.60.H29");
	assert_string_equal(jstr(part_of(app, "birth"), "state"), "waiting");
	json_decref(app);

	/* received: one code, one date (3 working days), the first part starts at the ward */
	act(&p.ward_clerk, code, "receive", NULL, 200);
	app = application(&p.ward_clerk, code);
	assert_string_equal(jstr(app, "status"), "in_progress");
	assert_string_equal(jstr(app, "due_at"), "2027-03-04T17:00:00+07:00");
	assert_string_equal(jstr(part_of(app, "birth"), "state"), "started");
	assert_string_equal(jstr(part_of(app, "residence"), "state"), "waiting");
	snprintf(birth, sizeof(birth), "%s", jstr(part_of(app, "birth"), "dossier"));
	json_decref(app);
	/* the application itself moves only with its parts */
	act(&p.ward_spec, code, "forward", NULL, 409);

	/* the birth: the ward's own steps, same day; its result data goes on */
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", birth);
	assert_int_equal(mc_http_get(&p.ward_clerk, path, &r), 200);
	assert_string_equal(jstr(r.json, "linked_application"), code);
	assert_string_equal(jstr(json_object_get(r.json, "procedure"), "code"), "1.001193");
	mc_http_res_free(&r);
	/* a citizen does not act on it */
	act(&p.cit, birth, "receive", NULL, 403);
	process(&p.ward_clerk, &p.ward_spec, &p.ward_lead, birth, RESULT_BIRTH);
	assert_int_equal(told(code, "linked_part_done"), 1);
	part_state(&p, code, "birth", "done", NULL);
	part_state(&p, code, "residence", "started", residence);
	part_state(&p, code, "insurance", "started", insurance);

	/* handed over: the police's dossier has the child's name and the
	 * birth's result without the applicant typing them again */
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", residence);
	assert_int_equal(mc_http_get(&p.police_clerk, path, &r), 200);
	json_t *form = json_object_get(r.json, "form");
	if (!form)
		form = json_object_get(r.json, "form_data");
	assert_string_equal(jstr(form, "child_full_name"), "Nguyễn Bảo Ngọc");
	json_t *handed = json_object_get(form, "handed_over");
	assert_string_equal(jstr(handed, "from_part"), "birth");
	assert_string_equal(jstr(json_object_get(handed, "result"), "child_id_number"), "079327000123");
	assert_string_equal(jstr(json_object_get(r.json, "competent_agency"), "code"), "000.01.40.H29");
	mc_http_res_free(&r);
	/* another ward's police does not see it */
	assert_int_equal(mc_http_get(&p.other_police, path, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&p.other_police, residence, "receive", 1, NULL, &r), 404);
	mc_http_res_free(&r);

	/* the police and the social insurance, each on its own time (2 working days) */
	process(&p.police_clerk, &p.police_spec, &p.police_lead, residence, NULL);
	assert_int_equal(mc_http_get(&p.police_clerk, path, &r), 200);
	assert_string_equal(jstr(r.json, "due_at"), "2027-03-03T17:00:00+07:00");
	assert_string_equal(jstr(r.json, "status"), "result_ready");
	assert_string_equal(jstr(r.json, "result_status"), "early");
	mc_http_res_free(&r);
	app = application(&p.cit, code);
	assert_string_equal(jstr(app, "status"), "in_progress"); /* one part still open */
	json_decref(app);
	process(&p.bhxh_clerk, &p.bhxh_spec, &p.bhxh_lead, insurance, NULL);
	assert_int_equal(told(code, "linked_part_done"), 3);

	/* every part done: the application is */
	app = application(&p.cit, code);
	assert_string_equal(jstr(app, "status"), "result_ready");
	assert_non_null(jstr(part_of(app, "insurance"), "acknowledged_at"));
	json_decref(app);
	assert_int_equal(told(code, "result_ready"), 1);

	/* the public progress: each part, no personal data */
	snprintf(path, sizeof(path), "/api/v1/linked/%s/track?s=%s", code, secret);
	assert_int_equal(mc_http_get(&p.other_police, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(json_object_get(r.json, "linked"), "parts")), 3);
	assert_null(strstr(r.body, "079327000123"));
	assert_null(strstr(r.body, "Ngọc"));
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/linked/%s/track?s=AAAA-BBBB", code);
	assert_int_equal(mc_http_get(&p.other_police, path, &r), 404);
	mc_http_res_free(&r);

	/* the citizen's dossiers show the application */
	assert_int_equal(mc_http_get(&p.cit, "/api/v1/my/dossiers", &r), 200);
	assert_non_null(strstr(r.body, code));
	mc_http_res_free(&r);

	/* the hand-overs: in time, none late; a citizen may not look */
	assert_int_equal(mc_http_get(&p.ward_lead, "/api/v1/linked/handovers", &r), 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 3);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&p.ward_lead, "/api/v1/linked/handovers?late=1", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&p.cit, "/api/v1/linked/handovers", &r), 403);
	mc_http_res_free(&r);
}

static void group2_refused_part(void **state)
{
	(void)state;
	start(T_MON_0900);
	struct people p;
	log_in(&p);
	struct mc_http_res r;
	char code[80], secret[16], death[80], removal[80], funeral[80];

	/* the residence removal refused: the others go on, the application completes */
	apply(&p, "2.002913", "[\"death\",\"residence_removal\",\"funeral\"]", "", code, secret);
	act(&p.ward_clerk, code, "receive", NULL, 200);
	part_state(&p, code, "death", "started", death);
	process(&p.ward_clerk, &p.ward_spec, &p.ward_lead, death,
		"{\"result_data\":{\"death_registration_number\":\"7/2027\"}}");
	part_state(&p, code, "residence_removal", "started", removal);
	part_state(&p, code, "funeral", "started", funeral);
	act(&p.police_clerk, removal, "receive", NULL, 200);
	act(&p.police_spec, removal, "refuse", "{\"reasons\":[\"Người chết không thường trú tại phường\"]}", 200);
	part_state(&p, code, "residence_removal", "refused", NULL);
	assert_int_equal(told(code, "linked_part_refused"), 1);
	process(&p.bhxh_clerk, &p.bhxh_spec, &p.bhxh_lead, funeral, NULL);
	json_t *app = application(&p.cit, code);
	assert_string_equal(jstr(app, "status"), "result_ready");
	assert_string_equal(jstr(part_of(app, "residence_removal"), "reason"),
			    "Người chết không thường trú tại phường");
	assert_string_equal(jstr(part_of(app, "funeral"), "state"), "done");
	assert_true(json_is_true(json_object_get(json_object_get(app, "linked"), "partly_refused")));
	json_decref(app);

	/* the death registration refused: the parts waiting for it are cancelled
	 * and the application ends refused */
	apply(&p, "2.002913", "[\"death\",\"funeral\",\"funeral_support\"]", "", code, secret);
	act(&p.ward_clerk, code, "receive", NULL, 200);
	part_state(&p, code, "death", "started", death);
	act(&p.ward_clerk, death, "receive", NULL, 200);
	act(&p.ward_spec, death, "refuse", "{\"reasons\":[\"Giấy báo tử không hợp lệ\"]}", 200);
	app = application(&p.cit, code);
	assert_string_equal(jstr(part_of(app, "funeral"), "state"), "cancelled");
	assert_string_equal(jstr(part_of(app, "funeral_support"), "state"), "cancelled");
	assert_true(json_is_null(json_object_get(part_of(app, "funeral"), "dossier")));
	assert_string_equal(jstr(app, "status"), "refused");
	assert_true(json_is_false(json_object_get(json_object_get(app, "linked"), "partly_refused")));
	json_decref(app);
	assert_int_equal(told(code, "linked_part_cancelled"), 2);
	assert_int_equal(told(code, "refused"), 1);
	(void)r;
}

static void late_with_apology(void **state)
{
	(void)state;
	start(T_MON_0900);
	struct people p;
	log_in(&p);
	struct mc_http_res r;
	char code[80], secret[16], birth[80], insurance[80], path[200];
	apply(&p, "3.000722", "[\"birth\",\"insurance\"]", "", code, secret);
	act(&p.ward_clerk, code, "receive", NULL, 200);
	part_state(&p, code, "birth", "started", birth);
	process(&p.ward_clerk, &p.ward_spec, &p.ward_lead, birth, RESULT_BIRTH);
	part_state(&p, code, "insurance", "started", insurance);
	act(&p.bhxh_clerk, insurance, "receive", NULL, 200);
	/* the insurance card will be late: form 04 by the director, a new date */
	act(&p.bhxh_lead, insurance, "extend",
	    "{\"reason\":\"Hệ thống cấp mã số BHXH gián đoạn\",\"new_due_at\":\"2027-03-08T17:00:00+07:00\"}", 200);
	assert_int_equal(told(insurance, "extended"), 1);
	assert_int_equal(told(code, "linked_extended"), 1);
	json_t *app = application(&p.cit, code);
	assert_string_equal(jstr(app, "due_at"), "2027-03-04T17:00:00+07:00"); /* the legal deadline stays */
	assert_string_equal(jstr(app, "appointment_at"), "2027-03-08T17:00:00+07:00");
	json_decref(app);
	/* the apology with its reason and new date reaches the applicant */
	int64_t n = db_int("SELECT COUNT(*) FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE o.event ="
			   " 'linked_extended' AND o.payload LIKE '%2027-03-08T17:00:00+07:00%' AND o.payload LIKE "
			   "'%gián đoạn%' AND d.code = ?",
			   code);
	assert_int_equal(n, 1);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&p.cit, path, &r), 200);
	mc_http_res_free(&r);
}

static void cutoff_and_verification(void **state)
{
	(void)state;
	start(T_FRI_1505);
	struct people p;
	log_in(&p);
	char code[80], secret[16], birth[80];
	apply(&p, "3.000722", "[\"birth\",\"residence\"]", "", code, secret);
	act(&p.ward_clerk, code, "receive", NULL, 200);
	/* received at 15:05 on a Friday: as received on Monday, 3 working days after it */
	json_t *app = application(&p.cit, code);
	assert_string_equal(jstr(app, "due_at"), "2027-03-11T17:00:00+07:00");
	/* the birth, same day: after 15:00, the next working day */
	assert_string_equal(jstr(part_of(app, "birth"), "due_at"), "2027-03-08T17:00:00+07:00");
	json_decref(app);
	part_state(&p, code, "birth", "started", birth);

	/* verification needed: 5 working days, the applicant told; only an
	 * official of a part in hand may say so */
	struct mc_http_res r;
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/linked/%s/verification", code);
	assert_int_equal(mc_http_post(&p.police_spec, path, "{\"reason\":\"x\"}", &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&p.ward_spec, path, "{}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&p.ward_spec, path, "{\"reason\":\"Cần xác minh nơi sinh của trẻ\"}", &r), 200);
	assert_string_equal(jstr(r.json, "due_at"), "2027-03-15T17:00:00+07:00");
	mc_http_res_free(&r);
	assert_int_equal(told(code, "linked_verification"), 1);
	assert_int_equal(mc_http_post(&p.cit, path, "{\"reason\":\"x\"}", &r), 403);
	mc_http_res_free(&r);
}

static void handover_monitoring(void **state)
{
	(void)state;
	start(T_MON_0900);
	struct people p;
	log_in(&p);
	char code[80], code2[80], secret[16], birth[80], residence[80], insurance[80], insurance2[80];
	apply(&p, "3.000722", "[\"birth\",\"residence\",\"insurance\"]", "", code, secret);
	act(&p.ward_clerk, code, "receive", NULL, 200);
	part_state(&p, code, "birth", "started", birth);
	process(&p.ward_clerk, &p.ward_spec, &p.ward_lead, birth, RESULT_BIRTH);
	part_state(&p, code, "residence", "started", residence);
	part_state(&p, code, "insurance", "started", insurance);
	/* a second application whose insurance data has not reached the
	 * agency (as an external system that has not delivered yet) */
	apply(&p, "3.000722", "[\"birth\",\"insurance\"]", "", code2, secret);
	act(&p.ward_clerk, code2, "receive", NULL, 200);
	part_state(&p, code2, "birth", "started", birth);
	process(&p.ward_clerk, &p.ward_spec, &p.ward_lead, birth, RESULT_BIRTH);
	part_state(&p, code2, "insurance", "started", insurance2);
	db_exec("UPDATE linked_parts SET forwarded_at = NULL WHERE dossier_id = (SELECT id FROM dossiers WHERE code = "
		"?)",
		insurance2);
	assert_int_equal(mc_test_server_stop(&srv), 0);

	/* 10:00: the social insurance acknowledges within 2 working hours */
	start(T_MON_1000);
	log_in(&p);
	act(&p.bhxh_clerk, insurance, "receive", NULL, 200);
	assert_int_equal(mc_test_server_stop(&srv), 0);

	/* 13:45: more than 2 working hours after the data reached the police
	 * (09:00 + 2 h = 11:00): their acknowledgement is late */
	start(T_MON_1345);
	log_in(&p);
	act(&p.police_clerk, residence, "receive", NULL, 200);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&p.ward_lead, "/api/v1/linked/handovers?late=1", &r), 200);
	json_t *items = json_object_get(r.json, "items"), *it;
	size_t i;
	int residence_late = 0, insurance_listed = 0, undelivered = 0;
	json_array_foreach(items, i, it) {
		const char *sub = jstr(it, "dossier");
		if (sub && strcmp(sub, residence) == 0)
			residence_late = json_is_true(json_object_get(it, "acknowledge_late")) &&
					 json_is_false(json_object_get(it, "forward_late"));
		if (sub && strcmp(sub, insurance) == 0)
			insurance_listed = 1;
		if (sub && strcmp(sub, insurance2) == 0)
			undelivered = json_is_true(json_object_get(it, "forward_late"));
	}
	assert_true(residence_late);
	assert_false(insurance_listed);
	assert_true(undelivered);
	mc_http_res_free(&r);
	/* the police see the hand-overs of their agency; another ward's nothing of these */
	assert_int_equal(mc_http_get(&p.police_lead, "/api/v1/linked/handovers?late=1", &r), 200);
	assert_non_null(strstr(r.body, residence));
	assert_null(strstr(r.body, insurance2));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&p.other_police, "/api/v1/linked/handovers", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	mc_http_res_free(&r);
}

/* A clerk at any counter (here the city's service centre) takes in an
 * application for the applicant's ward: received at once, its first part
 * starts at the ward; a part not chosen is not there. */
static void counter_intake(void **state)
{
	(void)state;
	start(T_MON_0900);
	struct people p;
	log_in(&p);
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, "tiepnhan");
	char sha[65], body[2048], path[100], code[80], death[80];
	long up = mc_http_upload(&clerk, MC_TEST_PDF_HEAD "counter linked" MC_TEST_PDF_TAIL, sha);
	assert_true(up == 200 || up == 201);
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"2.002913\",\"parts\":[\"death\",\"funeral\"],\"form\":{\"deceased_full_name\":"
		 "\"Nguyễn Văn Bình\",\"deceased_id_number\":\"079140001234\",\"death_date\":\"2027-02-25\","
		 "\"death_place\":\"Bệnh viện Chợ Rẫy\",\"residence_unit\":\"26740\",\"relationship\":\"Con\","
		 "\"death_notice_scan\":\"%s\"},\"papers\":[\"to_khai\",\"giay_bao_tu\",\"giay_to_tuy_than\"],"
		 "\"applicant\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
		 "\"phone\":\"0816861711\",\"ward_code\":\"26740\"}}",
		 sha);
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)db_int("SELECT id FROM counters WHERE code = ?", "Q-TT-01"));
	struct mc_http_res r;
	if (mc_http_post(&clerk, path, body, &r) != 201)
		fail_msg("intake: %ld %s", r.status, r.body);
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	/* the applicant's account has it; the first part started at the ward */
	json_t *app = application(&p.cit, code);
	assert_int_equal(json_array_size(json_object_get(json_object_get(app, "linked"), "parts")), 2);
	assert_string_equal(jstr(part_of(app, "death"), "state"), "started");
	assert_string_equal(jstr(json_object_get(part_of(app, "death"), "agency"), "code"), "000.01.31.H29");
	assert_string_equal(jstr(part_of(app, "funeral"), "state"), "waiting");
	snprintf(death, sizeof(death), "%s", jstr(part_of(app, "death"), "dossier"));
	json_decref(app);
	assert_int_equal(strncmp(death, "000.01.31.H29-", 14), 0);
	/* a citizen may not ask for verification, nor read another's application */
	struct mc_http_session other;
	mc_http_login_as(&other, srv.base, "079185176822");
	snprintf(path, sizeof(path), "/api/v1/linked/%s", code);
	assert_int_equal(mc_http_get(&other, path, &r), 404);
	mc_http_res_free(&r);

	/* Ben Thanh ward has its police but no Social Insurance of its own: the
	 * city's takes the card */
	up = mc_http_upload(&other, MC_TEST_PDF_HEAD "ben thanh" MC_TEST_PDF_TAIL, sha);
	assert_true(up == 200 || up == 201);
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"3.000722\",\"form\":{\"child_full_name\":\"Trần Minh Khoa\","
		 "\"child_birth_date\":\"2027-02-20\",\"child_sex\":\"M\",\"birth_place\":\"26743\","
		 "\"mother_id_number\":\"079185176822\",\"permanent_residence_unit\":\"26743\","
		 "\"health_facility\":\"Bệnh viện Từ Dũ\",\"birth_certificate_scan\":\"%s\"}}",
		 sha);
	if (mc_http_post(&other, "/api/v1/dossiers", body, &r) != 201)
		fail_msg("Ben Thanh: %ld %s", r.status, r.body);
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	app = application(&other, code);
	assert_string_equal(jstr(json_object_get(part_of(app, "birth"), "agency"), "code"), "000.02.31.H29");
	assert_string_equal(jstr(json_object_get(part_of(app, "residence"), "agency"), "code"), "000.02.40.H29");
	assert_string_equal(jstr(json_object_get(part_of(app, "insurance"), "agency"), "code"), "000.00.60.H29");
	json_decref(app);
}

/* A part at an agency handled by its own system (external_url): its
 * sub-dossier is handed to that system, and the part is not forwarded until
 * the system took it - listed late 10 minutes after its data was ready. */
static void external_part(void **state)
{
	(void)state;
	db_exec("UPDATE agencies SET external_url = 'http://127.0.0.1:9/unreachable' WHERE code = ?", "000.01.60.H29");
	start(T_MON_0900);
	struct people p;
	log_in(&p);
	char code[80], secret[16], birth[80], insurance[80];
	apply(&p, "3.000722", "[\"birth\",\"insurance\"]", "", code, secret);
	act(&p.ward_clerk, code, "receive", NULL, 200);
	part_state(&p, code, "birth", "started", birth);
	process(&p.ward_clerk, &p.ward_spec, &p.ward_lead, birth, RESULT_BIRTH);
	part_state(&p, code, "insurance", "started", insurance);
	assert_int_equal(
		db_int("SELECT COUNT(*) FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id WHERE d.code = ?",
		       insurance),
		1);
	assert_int_equal(db_int("SELECT COUNT(*) FROM linked_parts l JOIN dossiers d ON d.id = l.dossier_id"
				" WHERE l.forwarded_at IS NULL AND d.code = ?",
				insurance),
			 1);
	assert_int_equal(mc_test_server_stop(&srv), 0);
	start(T_MON_1000);
	log_in(&p);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&p.ward_lead, "/api/v1/linked/handovers?late=1", &r), 200);
	json_t *it;
	size_t i;
	int undelivered = 0;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		if (jstr(it, "dossier") && strcmp(jstr(it, "dossier"), insurance) == 0)
			undelivered = json_is_true(json_object_get(it, "forward_late"));
	assert_true(undelivered);
	mc_http_res_free(&r);
	db_exec("UPDATE agencies SET external_url = NULL WHERE code = ?", "000.01.60.H29");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(group1_end_to_end, stop_server),
		cmocka_unit_test_teardown(group2_refused_part, stop_server),
		cmocka_unit_test_teardown(late_with_apology, stop_server),
		cmocka_unit_test_teardown(cutoff_and_verification, stop_server),
		cmocka_unit_test_teardown(handover_monitoring, stop_server),
		cmocka_unit_test_teardown(counter_intake, stop_server),
		cmocka_unit_test_teardown(external_part, stop_server),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_directives.c - directive tracking over HTTP (issue 15): recording
 * a directive (fields checked, the leader and the agencies within the
 * leader's jurisdiction, the office recording for the chairman), who sees
 * it (a stranger gets 404), progress and finishing by the task's agency
 * only, on time or late against the deadline in force, the overdue list,
 * extensions asked, approved (finishing then on time) or refused, one
 * pending at a time, stale If-Match, the share done on time per agency,
 * and the reminders queued once each.  The server's clock is 2 March 2027.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;

static char T_NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* Tuesday */

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {T_NOW, NULL};
	mc_test_server_start(&srv, db_url, env);
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

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int64_t agency(const char *code)
{
	return mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", code);
}

static int64_t user(const char *username)
{
	return mc_test_db_int(db, "SELECT id FROM users WHERE username = ?", username);
}

/* Does a problem carry a field error for field? */
static int field_error(json_t *problem, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(jstr(e, "field"), field) == 0)
			return 1;
	return 0;
}

/* POST body (printf-style) to /api/v1/directives as s; the status, the
 * answer in r. */
static long create(struct mc_http_session *s, struct mc_http_res *r, const char *fmt, ...)
{
	char body[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	return mc_http_post(s, "/api/v1/directives", body, r);
}

/* Record a directive (expect 201); the ids of its tasks in task[] in the
 * order given. */
static json_int_t record(struct mc_http_session *s, json_int_t *task, const char *fmt, ...)
{
	char body[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	struct mc_http_res r;
	long st = mc_http_post(s, "/api/v1/directives", body, &r);
	if (st != 201)
		fail_msg("directive %s: %ld %s", body, st, r.body);
	json_int_t id = jint(r.json, "id");
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r.json, "tasks"), i, t)
		task[i] = jint(t, "id");
	mc_http_res_free(&r);
	return id;
}

/* GET a task as s: its status, the answer in r. */
static long task_get(struct mc_http_session *s, json_int_t id, struct mc_http_res *r)
{
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/directive-tasks/%lld", (long long)id);
	return mc_http_get(s, path, r);
}

/* The task's version as s sees it (expect 200). */
static json_int_t version(struct mc_http_session *s, json_int_t id)
{
	struct mc_http_res r;
	assert_int_equal(task_get(s, id, &r), 200);
	json_int_t v = jint(r.json, "version");
	mc_http_res_free(&r);
	return v;
}

/* An action on a task with If-Match "v<v>" (v < 0: none). */
static long act_v(struct mc_http_session *s, json_int_t id, const char *action, json_int_t v, const char *body,
		  struct mc_http_res *r)
{
	char path[120], etag[40];
	snprintf(path, sizeof(path), "/api/v1/directive-tasks/%lld/actions/%s", (long long)id, action);
	snprintf(etag, sizeof(etag), "If-Match: \"v%lld\"", (long long)v);
	const char *h[] = {etag, NULL};
	mc_http_do(s, "POST", path, body, v >= 0 ? h : NULL, r);
	return r->status;
}

/* The same with the version the caller reads now; the answer freed. */
static long act(struct mc_http_session *s, json_int_t id, const char *action, const char *body)
{
	struct mc_http_res r;
	struct mc_http_res g;
	json_int_t v = task_get(s, id, &g) == 200 ? jint(g.json, "version") : 1;
	mc_http_res_free(&g);
	long st = act_v(s, id, action, v, body, &r);
	mc_http_res_free(&r);
	return st;
}

/* The state of a task as s sees it. */
static void expect_state(struct mc_http_session *s, json_int_t id, const char *state)
{
	struct mc_http_res r;
	assert_int_equal(task_get(s, id, &r), 200);
	if (strcmp(jstr(r.json, "state"), state) != 0)
		fail_msg("task %lld: %s, expected %s", (long long)id, jstr(r.json, "state"), state);
	mc_http_res_free(&r);
}

/* Register an incoming document of type as the Department of Justice's
 * clerical officer; its id. */
static json_int_t document(struct mc_http_session *vt, const char *type)
{
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"type_code\":\"%s\",\"summary\":\"Kết luận của Chủ tịch UBND Thành phố tại cuộc họp giao ban\","
		 "\"doc_date\":\"2027-03-01\",\"sender\":\"UBND Thành phố Hồ Chí Minh\",\"sender_ref\":\"15/TB-UBND\"}",
		 type);
	struct mc_http_res r;
	assert_int_equal(mc_http_post(vt, "/api/v1/documents/incoming", body, &r), 201);
	json_int_t id = jint(r.json, "id");
	mc_http_res_free(&r);
	return id;
}

static void creation_validated(void **state)
{
	(void)state;
	struct mc_http_session vp, vt, gd, cv, res;
	mc_http_login_as(&vp, srv.base, "vanthu.vp");
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&cv, srv.base, "chuyenvien.stp");
	mc_http_login_as(&res, srv.base, "079203001234");
	struct mc_http_res r;
	/* nothing said: each field named */
	assert_int_equal(create(&vp, &r, "{}"), 422);
	assert_true(field_error(r.json, "source_kind") && field_error(r.json, "content") &&
		    field_error(r.json, "leader_id") && field_error(r.json, "tasks"));
	mc_http_res_free(&r);
	/* each wrong field of a task named with its index */
	long long stp = agency("000.00.02.H29"), sxd = agency("000.00.03.H29");
	assert_int_equal(create(&gd, &r,
				"{\"source_kind\":\"radio\",\"content\":\"Đẩy nhanh số hóa hồ sơ\",\"given_on\":"
				"\"2027-03-09\",\"tasks\":[{\"deadline\":\"2027-02-30\"},{\"agency_id\":%lld,"
				"\"deadline\":\"2027-04-01\"},{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				stp, stp),
			 422);
	assert_true(field_error(r.json, "source_kind") && field_error(r.json, "given_on") &&
		    field_error(r.json, "tasks[0].agency_id") && field_error(r.json, "tasks[0].deadline") &&
		    field_error(r.json, "tasks[2].agency_id"));
	assert_false(field_error(r.json, "tasks[1].agency_id") || field_error(r.json, "leader_id"));
	mc_http_res_free(&r);
	/* a deadline before the day it was given */
	assert_int_equal(
		create(&gd, &r,
		       "{\"source_kind\":\"meeting\",\"content\":\"Rà soát thủ tục\",\"given_on\":\"2027-02-10\","
		       "\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-02-09\"}]}",
		       stp),
		422);
	assert_true(field_error(r.json, "tasks[0].deadline"));
	mc_http_res_free(&r);
	/* the source: a notice is a Thông báo the caller may read */
	json_int_t cong_van = document(&vt, "cong_van"), notice = document(&vt, "thong_bao");
	assert_int_equal(create(&gd, &r,
				"{\"source_kind\":\"notice\",\"document_id\":%lld,\"content\":\"Rà soát thủ tục\","
				"\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				(long long)cong_van, stp),
			 422);
	assert_true(field_error(r.json, "document_id"));
	mc_http_res_free(&r);
	assert_int_equal(create(&gd, &r,
				"{\"source_kind\":\"notice\",\"content\":\"Rà soát thủ tục\","
				"\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				stp),
			 422);
	assert_true(field_error(r.json, "document_id")); /* required for a notice */
	mc_http_res_free(&r);
	/* a directing document is an incoming one */
	assert_int_equal(create(&gd, &r,
				"{\"source_kind\":\"document\",\"document_id\":%lld,\"content\":\"Thực hiện văn bản\","
				"\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				(long long)cong_van, stp),
			 201);
	assert_string_equal(jstr(r.json, "source_kind"), "document");
	assert_int_equal(jint(r.json, "document_id"), cong_van);
	mc_http_res_free(&r);
	/* the office of the City committee cannot read the Department's register */
	assert_int_equal(create(&vp, &r,
				"{\"source_kind\":\"notice\",\"document_id\":%lld,\"leader_id\":%lld,\"content\":\"x\","
				"\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				(long long)notice, (long long)user("chutich"), stp),
			 422);
	assert_true(field_error(r.json, "document_id"));
	mc_http_res_free(&r);
	/* the leader: the Department's clerical officer does not keep the
	 * chairman's directives, a specialist keeps none */
	assert_int_equal(create(&vt, &r,
				"{\"source_kind\":\"meeting\",\"leader_id\":%lld,\"content\":\"x\","
				"\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				(long long)user("chutich"), stp),
			 422);
	assert_true(field_error(r.json, "leader_id"));
	mc_http_res_free(&r);
	assert_int_equal(create(&cv, &r,
				"{\"source_kind\":\"meeting\",\"leader_id\":%lld,\"content\":\"x\","
				"\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				(long long)user("giamdoc.stp"), stp),
			 422);
	assert_true(field_error(r.json, "leader_id"));
	mc_http_res_free(&r);
	/* a citizen has no way in */
	assert_int_equal(create(&res, &r, "{}"), 403);
	mc_http_res_free(&r);
	/* right: the director's notice, recorded by the Department's clerical officer */
	assert_int_equal(create(&vt, &r,
				"{\"source_kind\":\"notice\",\"document_id\":%lld,\"leader_id\":%lld,\"content\":"
				"\"Rà soát thủ tục hành chính lĩnh vực hộ tịch\",\"tasks\":[{\"agency_id\":%lld,"
				"\"deadline\":\"2027-04-01\",\"content\":\"Báo cáo kết quả rà soát\"}]}",
				(long long)notice, (long long)user("giamdoc.stp"), stp),
			 201);
	assert_int_equal(jint(json_object_get(r.json, "leader"), "id"), user("giamdoc.stp"));
	assert_string_equal(jstr(r.json, "given_on"), "2027-03-02");
	json_t *t = json_array_get(json_object_get(r.json, "tasks"), 0);
	assert_string_equal(jstr(t, "state"), "not_started");
	assert_string_equal(jstr(t, "original_deadline"), "2027-04-01");
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "events"), 0), "action"), "create");
	mc_http_res_free(&r);
	(void)sxd;
}

static void jurisdiction(void **state)
{
	(void)state;
	struct mc_http_session vp, gd, cvsxd, ward, cvstp;
	mc_http_login_as(&vp, srv.base, "vanthu.vp");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&cvsxd, srv.base, "chuyenvien.sxd");
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	mc_http_login_as(&cvstp, srv.base, "chuyenvien.stp");
	long long stp = agency("000.00.02.H29"), sxd = agency("000.00.03.H29");
	struct mc_http_res r;
	size_t i;
	json_t *t;
	/* the Department's director directs within the Department only */
	assert_int_equal(create(&gd, &r,
				"{\"source_kind\":\"meeting\",\"content\":\"Phối hợp kiểm tra\","
				"\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-01\"}]}",
				sxd),
			 422);
	assert_true(field_error(r.json, "tasks[0].agency_id"));
	mc_http_res_free(&r);
	/* the form's choices: the office, the chairman and the vice chairmen
	 * and its own chief, the City's agencies; the director (a leader keeps
	 * his body's directives), the Department's leaders and agencies; a
	 * specialist, nobody */
	assert_int_equal(mc_http_get(&vp, "/api/v1/directives/choices", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "leaders")), 4);
	int chairman = 0, department = 0;
	size_t k;
	json_t *c;
	json_array_foreach(json_object_get(r.json, "leaders"), k, c)
		chairman += jint(c, "id") == user("chutich");
	json_array_foreach(json_object_get(r.json, "agencies"), k, c)
		department += jint(c, "id") == stp;
	assert_true(chairman == 1 && department == 1);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&gd, "/api/v1/directives/choices", &r), 200);
	json_array_foreach(json_object_get(r.json, "leaders"), k, c)
		assert_int_equal(jint(c, "body_id"), stp);
	assert_int_equal(
		json_array_size(json_object_get(r.json, "leaders")),
		mc_test_db_int(db,
			       "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND"
			       " r.role_code = 'leader' JOIN agencies a ON a.id = u.agency_id WHERE a.code = ?",
			       "000.00.02.H29"));
	json_array_foreach(json_object_get(r.json, "agencies"), k, c)
		assert_true(jint(c, "id") != sxd);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cvstp, "/api/v1/directives/choices", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "leaders")), 0);
	mc_http_res_free(&r);
	/* the City office records the chairman's directive to two departments */
	json_int_t task[2];
	json_int_t id = record(&vp, task,
			       "{\"source_kind\":\"meeting\",\"leader_id\":%lld,\"content\":\"Triển khai Đề án 06\","
			       "\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-04-15\"},{\"agency_id\":%lld,"
			       "\"deadline\":\"2027-04-20\"}]}",
			       (long long)user("chutich"), stp, sxd);
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/directives/%lld", (long long)id);
	assert_int_equal(mc_http_get(&vp, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "tasks")), 2);
	assert_true(json_is_true(json_object_get(r.json, "may_decide")));
	mc_http_res_free(&r);
	/* a department sees its own task only */
	assert_int_equal(mc_http_get(&cvsxd, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "tasks")), 1);
	assert_int_equal(jint(json_array_get(json_object_get(r.json, "tasks"), 0), "id"), task[1]);
	mc_http_res_free(&r);
	assert_int_equal(task_get(&cvsxd, task[0], &r), 404);
	mc_http_res_free(&r);
	/* and, in the list, only its own task counted */
	assert_int_equal(mc_http_get(&cvsxd, "/api/v1/directives?limit=200", &r), 200);
	int listed = 0;
	json_array_foreach(json_object_get(r.json, "items"), i, t)
		if (jint(t, "id") == id) {
			listed++;
			assert_int_equal(jint(json_object_get(t, "tasks"), "total"), 1);
		}
	assert_int_equal(listed, 1);
	mc_http_res_free(&r);
	/* a stranger: nothing */
	assert_int_equal(mc_http_get(&ward, path, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(task_get(&ward, task[0], &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(act_v(&ward, task[0], "report", 1, "{\"text\":\"x\"}", &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&ward, "/api/v1/directive-tasks?limit=200", &r), 200);
	json_array_foreach(json_object_get(r.json, "items"), i, t)
		assert_true(jint(t, "directive_id") != id);
	mc_http_res_free(&r);
	/* the director of the Department sees the chairman's task for it */
	assert_int_equal(task_get(&gd, task[0], &r), 200);
	mc_http_res_free(&r);
	/* and the actions are the agency's: the specialist may report */
	assert_int_equal(task_get(&cvstp, task[0], &r), 200);
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "actions"), 0)), "report");
	mc_http_res_free(&r);
}

static void progress_finish_on_time_and_late(void **state)
{
	(void)state;
	struct mc_http_session ct, cvstp, cvsxd, vt;
	mc_http_login_as(&ct, srv.base, "chutich");
	mc_http_login_as(&cvstp, srv.base, "chuyenvien.stp");
	mc_http_login_as(&cvsxd, srv.base, "chuyenvien.sxd");
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	long long stp = agency("000.00.02.H29"), sxd = agency("000.00.03.H29");
	json_int_t task[2];
	char body[160];
	/* the chairman records his own directive of a month ago */
	json_int_t id = record(&ct, task,
			       "{\"source_kind\":\"meeting\",\"content\":\"Giải quyết hồ sơ tồn đọng\",\"given_on\":"
			       "\"2027-02-01\",\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-02-20\"},"
			       "{\"agency_id\":%lld,\"deadline\":\"2027-03-10\"}]}",
			       stp, sxd);
	expect_state(&ct, task[0], "overdue");
	expect_state(&ct, task[1], "not_started");
	/* the overdue list */
	struct mc_http_res r;
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/directive-tasks?state=overdue&leader_id=%lld",
		 (long long)user("chutich"));
	assert_int_equal(mc_http_get(&ct, path, &r), 200);
	int found = 0, other = 0;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r.json, "items"), i, t) {
		assert_string_equal(jstr(t, "state"), "overdue");
		found += jint(t, "id") == task[0];
		other += jint(t, "id") == task[1];
	}
	assert_true(found == 1 && other == 0);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&ct, "/api/v1/directive-tasks?state=late", &r), 422);
	mc_http_res_free(&r);
	/* by agency: the Construction department's */
	snprintf(path, sizeof(path), "/api/v1/directive-tasks?agency_id=%lld", sxd);
	assert_int_equal(mc_http_get(&ct, path, &r), 200);
	json_array_foreach(json_object_get(r.json, "items"), i, t)
		assert_int_equal(jint(json_object_get(t, "agency"), "id"), sxd);
	mc_http_res_free(&r);
	/* only the task's agency reports and finishes */
	assert_int_equal(act(&cvsxd, task[0], "report", "{\"text\":\"x\"}"), 404);
	assert_int_equal(act(&ct, task[0], "report", "{\"text\":\"x\"}"), 403);
	assert_int_equal(act(&ct, task[0], "finish", "{\"result_text\":\"x\"}"), 403);
	/* If-Match: none, stale */
	assert_int_equal(act_v(&cvstp, task[0], "report", -1, "{\"text\":\"x\"}", &r), 428);
	mc_http_res_free(&r);
	json_int_t v = version(&cvstp, task[0]);
	assert_int_equal(act_v(&cvstp, task[0], "report", v + 1, "{\"text\":\"x\"}", &r), 412);
	mc_http_res_free(&r);
	assert_int_equal(act_v(&cvstp, task[0], "report", v, "{\"text\":\"Đã xử lý 40 hồ sơ\",\"percent\":140}", &r),
			 422);
	assert_true(field_error(r.json, "percent"));
	mc_http_res_free(&r);
	assert_int_equal(act_v(&cvstp, task[0], "report", v, "{\"text\":\"Đã xử lý 40 hồ sơ\",\"percent\":40}", &r),
			 200);
	assert_int_equal(jint(r.json, "percent"), 40);
	assert_string_equal(jstr(r.json, "state"), "overdue"); /* still past its deadline */
	assert_int_equal(jint(r.json, "version"), v + 1);
	mc_http_res_free(&r);
	assert_int_equal(act_v(&cvstp, task[0], "report", v, "{\"text\":\"again\"}", &r), 412); /* the old version */
	mc_http_res_free(&r);
	/* finishing: a result is required; past the deadline it is late */
	assert_int_equal(act(&cvstp, task[0], "finish", "{}"), 422);
	json_int_t own = document(&vt, "bao_cao");
	snprintf(body, sizeof(body), "{\"result_document_id\":%lld}", (long long)own);
	assert_int_equal(act_v(&cvstp, task[0], "finish", version(&cvstp, task[0]), body, &r), 200);
	assert_int_equal(jint(r.json, "result_document_id"), own);
	mc_http_res_free(&r);
	expect_state(&ct, task[0], "done_late");
	assert_int_equal(act(&cvstp, task[0], "finish", "{\"result_text\":\"again\"}"), 409);
	/* a result document: of the task's agency's register, readable */
	json_int_t report = document(&vt, "bao_cao");
	snprintf(body, sizeof(body), "{\"result_document_id\":%lld}", (long long)report);
	assert_int_equal(act(&cvsxd, task[1], "finish", body), 422); /* not the Department of Construction's */
	assert_int_equal(act_v(&cvsxd, task[1], "finish", version(&cvsxd, task[1]), body, &r), 422);
	assert_true(field_error(r.json, "result_document_id"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), "{\"result_document_id\":%lld}", (long long)999999);
	assert_int_equal(act_v(&cvsxd, task[1], "finish", version(&cvsxd, task[1]), body, &r), 422);
	assert_true(field_error(r.json, "result_document_id"));
	mc_http_res_free(&r);
	assert_int_equal(act(&cvsxd, task[1], "report", "{\"text\":\"Đang rà soát\"}"), 200);
	expect_state(&ct, task[1], "in_progress");
	assert_int_equal(act(&cvsxd, task[1], "finish", "{\"result_text\":\"Hoàn thành\"}"), 200);
	expect_state(&ct, task[1], "done_on_time");
	/* the trail: create, report x2, finish x2 */
	snprintf(path, sizeof(path), "/api/v1/directives/%lld", (long long)id);
	assert_int_equal(mc_http_get(&ct, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "events")), 5);
	mc_http_res_free(&r);
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)task[0]);
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM audit_log WHERE object_type = 'directive_task'"
					" AND object_id = ?",
					oid),
			 2);
}

static void extensions(void **state)
{
	(void)state;
	struct mc_http_session vp, ct, gd, cvstp, cvsxd;
	mc_http_login_as(&vp, srv.base, "vanthu.vp");
	mc_http_login_as(&ct, srv.base, "chutich");
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&cvstp, srv.base, "chuyenvien.stp");
	mc_http_login_as(&cvsxd, srv.base, "chuyenvien.sxd");
	long long stp = agency("000.00.02.H29"), sxd = agency("000.00.03.H29");
	json_int_t task[2];
	record(&vp, task,
	       "{\"source_kind\":\"meeting\",\"leader_id\":%lld,\"content\":\"Cải tạo trụ sở tiếp công dân\","
	       "\"given_on\":\"2027-02-01\",\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-02-25\"},"
	       "{\"agency_id\":%lld,\"deadline\":\"2027-02-26\"}]}",
	       (long long)user("chutich"), stp, sxd);
	expect_state(&ct, task[0], "overdue");
	/* the new date after the deadline in force, a reason */
	assert_int_equal(act(&cvstp, task[0], "extend", "{\"new_deadline\":\"2027-02-20\"}"), 422);
	assert_int_equal(act(&ct, task[0], "extend", "{\"new_deadline\":\"2027-03-15\",\"reason\":\"x\"}"), 403);
	assert_int_equal(act(&cvstp, task[0], "extend",
			     "{\"new_deadline\":\"2027-03-15\",\"reason\":\"Chờ ý kiến của Bộ Tư pháp\"}"),
			 200);
	/* one pending request at a time */
	assert_int_equal(act(&cvstp, task[0], "extend", "{\"new_deadline\":\"2027-03-20\",\"reason\":\"x\"}"), 409);
	struct mc_http_res r;
	assert_int_equal(task_get(&ct, task[0], &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "extension"), "new_deadline"), "2027-03-15");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "actions"), 0)), "approve");
	mc_http_res_free(&r);
	/* the chairman is told, and finds it among the extensions to decide */
	char tid[40];
	snprintf(tid, sizeof(tid), "%%\"task_id\":%lld%%", (long long)task[0]);
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM outbox WHERE event = 'directive_extension_asked'"
					" AND payload LIKE ?",
					tid),
			 1);
	assert_int_equal(mc_http_get(&ct, "/api/v1/directive-tasks?state=extension", &r), 200);
	int waiting = 0;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(r.json, "items"), i, t)
		waiting += jint(t, "id") == task[0];
	assert_int_equal(waiting, 1);
	mc_http_res_free(&r);
	/* only the leader who gave it, or the office that keeps it, decides */
	assert_int_equal(act(&gd, task[0], "approve", "{}"), 403);
	assert_int_equal(act(&cvstp, task[0], "approve", "{}"), 403);
	assert_int_equal(act(&ct, task[0], "approve", "{\"reason\":\"Đồng ý\"}"), 200);
	assert_int_equal(task_get(&ct, task[0], &r), 200);
	assert_string_equal(jstr(r.json, "deadline"), "2027-03-15");
	assert_string_equal(jstr(r.json, "original_deadline"), "2027-02-25");
	assert_string_equal(jstr(r.json, "state"), "not_started");
	assert_true(json_is_null(json_object_get(r.json, "extension")));
	mc_http_res_free(&r);
	assert_int_equal(act(&ct, task[0], "approve", "{}"), 409); /* nothing asked any more */
	/* a task of the office itself: its clerical officer asks, and may not
	 * approve its own request; the chairman does */
	json_int_t own[1];
	record(&vp, own,
	       "{\"source_kind\":\"meeting\",\"leader_id\":%lld,\"content\":\"Tổng hợp báo cáo quý\","
	       "\"given_on\":\"2027-02-01\",\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-03-30\"}]}",
	       (long long)user("chutich"), agency("000.00.01.H29"));
	assert_int_equal(act(&vp, own[0], "extend", "{\"new_deadline\":\"2027-04-15\",\"reason\":\"Chờ số liệu\"}"),
			 200);
	assert_int_equal(act(&vp, own[0], "approve", "{}"), 403);
	assert_int_equal(act(&ct, own[0], "approve", "{}"), 200);
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM outbox WHERE event = 'directive_extension_approved'"
					" AND payload LIKE ?",
					tid),
			 1);
	assert_int_equal(mc_http_get(&ct, "/api/v1/directive-tasks?state=extension", &r), 200);
	json_array_foreach(json_object_get(r.json, "items"), i, t)
		assert_true(jint(t, "id") != task[0]);
	mc_http_res_free(&r);
	assert_int_equal(act(&cvstp, task[0], "finish", "{\"result_text\":\"Đã hoàn thành\"}"), 200);
	expect_state(&ct, task[0], "done_on_time");
	/* refused: with a reason; the deadline stays, a new request may come */
	assert_int_equal(act(&cvsxd, task[1], "extend", "{\"new_deadline\":\"2027-03-31\",\"reason\":\"Thiếu vốn\"}"),
			 200);
	assert_int_equal(act(&vp, task[1], "refuse", "{}"), 422);
	assert_int_equal(act(&vp, task[1], "refuse", "{\"reason\":\"Đã bố trí vốn\"}"), 200);
	assert_int_equal(task_get(&ct, task[1], &r), 200);
	assert_string_equal(jstr(r.json, "deadline"), "2027-02-26");
	assert_string_equal(jstr(r.json, "state"), "overdue");
	mc_http_res_free(&r);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)task[1]);
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM directive_extensions WHERE task_id = ? AND status ="
					" 'refused' AND note IS NOT NULL",
					id),
			 1);
	assert_int_equal(act(&cvsxd, task[1], "extend", "{\"new_deadline\":\"2027-03-10\",\"reason\":\"Lần hai\"}"),
			 200);
	assert_int_equal(act(&cvsxd, task[1], "finish", "{\"result_text\":\"Xong\"}"), 200);
	expect_state(&ct, task[1], "done_late");
	/* the request finishing made moot is withdrawn, not left pending */
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM directive_extensions WHERE task_id = ? AND status ="
					" 'pending'",
					id),
			 0);
}

/* The item of agency in an on-time answer (NULL if none). */
static json_t *share_of(json_t *answer, long long agency_id)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(answer, "items"), i, v)
		if (jint(json_object_get(v, "agency"), "id") == agency_id)
			return v;
	return NULL;
}

static void on_time_share(void **state)
{
	(void)state;
	struct mc_http_session ct, nn, sct, cvstp;
	mc_http_login_as(&ct, srv.base, "chutich");
	mc_http_login_as(&nn, srv.base, "chuyenvien.snnmt");
	mc_http_login_as(&sct, srv.base, "chuyenvien.sct");
	mc_http_login_as(&cvstp, srv.base, "chuyenvien.stp");
	long long snnmt = agency("000.00.04.H29"), cong_thuong = agency("000.00.09.H29");
	static const char *const deadlines[] = {"2027-03-20", "2026-06-10", "2026-06-11", "2027-04-01"};
	json_int_t a[4], b[2], t[2];
	for (int i = 0; i < 4; i++) {
		record(&ct, t,
		       "{\"source_kind\":\"meeting\",\"content\":\"Nhiệm vụ %d\",\"given_on\":\"2026-06-01\",\"tasks\":"
		       "[{\"agency_id\":%lld,\"deadline\":\"%s\"}%s]}",
		       i, snnmt, deadlines[i], "");
		a[i] = t[0];
	}
	for (int i = 0; i < 2; i++) {
		record(&ct, t,
		       "{\"source_kind\":\"meeting\",\"content\":\"Việc %d\",\"given_on\":\"2026-06-01\",\"tasks\":"
		       "[{\"agency_id\":%lld,\"deadline\":\"2027-03-0%d\"}]}",
		       i, cong_thuong, 5 + i);
		b[i] = t[0];
	}
	assert_int_equal(act(&nn, a[0], "finish", "{\"result_text\":\"Xong\"}"), 200); /* on time */
	assert_int_equal(act(&nn, a[1], "finish", "{\"result_text\":\"Xong\"}"), 200); /* late */
	assert_int_equal(act(&sct, b[0], "finish", "{\"result_text\":\"Xong\"}"), 200);
	assert_int_equal(act(&sct, b[1], "finish", "{\"result_text\":\"Xong\"}"), 200);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&ct, "/api/v1/directives/on-time?from=2026-06-01&to=2027-03-31", &r), 200);
	json_t *v = share_of(r.json, snnmt);
	assert_non_null(v);
	assert_int_equal(jint(v, "on_time"), 1);
	assert_int_equal(jint(v, "late"), 1);
	assert_int_equal(jint(v, "overdue"), 1);
	assert_int_equal(jint(v, "open"), 0); /* the one due in April is outside the period */
	assert_true(fabs(json_real_value(json_object_get(v, "share")) - 1.0 / 3.0) < 1e-9);
	v = share_of(r.json, cong_thuong);
	assert_non_null(v);
	assert_int_equal(jint(v, "on_time"), 2);
	assert_true(fabs(json_real_value(json_object_get(v, "share")) - 1.0) < 1e-9);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&ct, "/api/v1/directives/on-time?from=2027-04-01&to=2027-04-30", &r), 200);
	v = share_of(r.json, snnmt);
	assert_non_null(v);
	assert_int_equal(jint(v, "open"), 1);
	assert_true(json_is_null(json_object_get(v, "share")));
	mc_http_res_free(&r);
	/* one agency's subtree; another's is not the caller's to see */
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/directives/on-time?from=2026-06-01&to=2027-03-31&agency_id=%lld", snnmt);
	assert_int_equal(mc_http_get(&nn, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(jint(json_object_get(r.json, "total"), "counted"), 3);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cvstp, path, &r), 403);
	mc_http_res_free(&r);
	/* the leader's list: directives by leader with their tasks counted */
	snprintf(path, sizeof(path), "/api/v1/directives?leader_id=%lld&agency_id=%lld&state=overdue",
		 (long long)user("chutich"), snnmt);
	assert_int_equal(mc_http_get(&ct, path, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(jint(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "tasks"), "overdue"),
			 1);
	mc_http_res_free(&r);
	(void)a[3];
}

static void reminders_once(void **state)
{
	(void)state;
	struct mc_http_session ct;
	mc_http_login_as(&ct, srv.base, "chutich");
	long long ward = agency("000.01.31.H29");
	json_int_t t[1];
	json_int_t d1 =
		record(&ct, t,
		       "{\"source_kind\":\"meeting\",\"content\":\"Dọn dẹp vỉa hè\",\"given_on\":\"2027-02-01\","
		       "\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-02-15\"}]}",
		       ward);
	json_int_t d2 = record(&ct, t,
			       "{\"source_kind\":\"meeting\",\"content\":\"Báo cáo an toàn thực phẩm\","
			       "\"tasks\":[{\"agency_id\":%lld,\"deadline\":\"2027-03-04\"}]}",
			       ward);
	setenv("MOTCUA_TEST_NOW", "2027-03-02T09:00:00+07:00", 1);
	char out[512];
	assert_int_equal(mc_test_run_cli(db_url, "housekeeping", out, sizeof(out)), 0);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)d1);
	/* the ward's chairman, the one leader there */
	assert_int_equal(
		mc_test_db_int(
			db,
			"SELECT COUNT(*) FROM outbox WHERE topic = 'directives' AND topic_id = ? AND payload LIKE"
			" '%\"overdue\"%'",
			id),
		1);
	snprintf(id, sizeof(id), "%lld", (long long)d2);
	assert_int_equal(
		mc_test_db_int(
			db,
			"SELECT COUNT(*) FROM outbox WHERE topic = 'directives' AND topic_id = ? AND payload LIKE"
			" '%\"due_soon\"%'",
			id),
		1);
	assert_int_equal(mc_test_run_cli(db_url, "housekeeping", out, sizeof(out)), 0);
	assert_int_equal(
		mc_test_db_int(db, "SELECT COUNT(*) FROM outbox WHERE topic = 'directives' AND topic_id = ?", id), 1);
	snprintf(id, sizeof(id), "%lld", (long long)d1);
	assert_int_equal(
		mc_test_db_int(db, "SELECT COUNT(*) FROM outbox WHERE topic = 'directives' AND topic_id = ?", id), 1);
	unsetenv("MOTCUA_TEST_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(creation_validated),
		cmocka_unit_test(jurisdiction),
		cmocka_unit_test(progress_finish_on_time_and_late),
		cmocka_unit_test(extensions),
		cmocka_unit_test(on_time_share),
		cmocka_unit_test(reminders_once),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

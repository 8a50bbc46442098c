/*
 * test_dossier_flow.c - the one-stop engine over HTTP: an online dossier
 * from submission to return (with If-Match, roles and tracking), counter
 * intake routed to the competent agency, bad input, concurrent intake with
 * gap-free codes, and statistics equal to a recount from the dossiers.
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

#include "core/gzip.h"
#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];

static const char *FORM =
	"\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\",\"birth_date\":\"2003-05-14\","
	"\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết hôn\"}";

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, NULL, 1);
	mc_test_server_start(&srv, db_url, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, NULL);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long version_of(struct mc_http_res *r)
{
	return (long)json_integer_value(json_object_get(r->json, "version"));
}

static void online_journey(void **state)
{
	(void)state;
	struct mc_http_session cit, clerk, spec, lead;
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	struct mc_http_res r;
	char body[1024];
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}", FORM);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	char code[80], secret[16];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	snprintf(secret, sizeof(secret), "%s", jstr(r.json, "secret"));
	assert_string_equal(jstr(r.json, "status"), "submitted");
	/* <agency code>-<YYMMDD>-<NNNN>, received by the competent ward */
	assert_int_equal(strncmp(code, "000.01.31.H29-", 14), 0);
	assert_int_equal(strlen(code), 14 + 6 + 1 + 4);
	assert_string_equal(jstr(json_object_get(r.json, "competent_agency"), "code"), "000.01.31.H29");
	mc_http_res_free(&r);

	/* If-Match is required and must be current */
	assert_int_equal(mc_http_act_v(&clerk, code, "receive", -1, NULL, &r), 428);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&clerk, code, "receive", 7, NULL, &r), 412);
	mc_http_res_free(&r);
	/* only a clerk of the receiving agency receives */
	assert_int_equal(mc_http_act_v(&spec, code, "receive", 1, NULL, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&clerk, code, "receive", 1, NULL, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	assert_string_equal(jstr(r.json, "current_role"), "specialist");
	assert_non_null(jstr(r.json, "due_at"));
	long v = version_of(&r);
	mc_http_res_free(&r);
	/* no result yet: the summaries say so with nulls, not missing keys */
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/dossiers", &r), 200);
	json_t *it = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(jstr(it, "code"), code);
	assert_true(json_is_null(json_object_get(it, "result_status")));
	assert_true(json_is_null(json_object_get(it, "completed_at")));
	mc_http_res_free(&r);
	/* the clerk cannot do the specialist's step; a second click with the old version is stale */
	assert_int_equal(mc_http_act_v(&clerk, code, "forward", v, NULL, &r), 403);
	mc_http_res_free(&r);
	/* opening it records a view: the specialist is pending but has viewed */
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&spec, path, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&lead, path, &r), 200);
	json_t *pending = json_object_get(r.json, "pending_officials");
	assert_true(json_array_size(pending) >= 1);
	assert_true(json_is_true(json_object_get(json_array_get(pending, 0), "viewed")));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&spec, code, "forward", v, "{\"note\":\"Hồ sơ hợp lệ\"}", &r), 200);
	assert_string_equal(jstr(r.json, "current_role"), "leader");
	v = version_of(&r);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&spec, code, "forward", v - 1, NULL, &r), 412);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&lead, code, "forward", v, NULL, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "result_ready");
	assert_non_null(jstr(r.json, "result_status"));
	char result[16], completed[40];
	snprintf(result, sizeof(result), "%s", jstr(r.json, "result_status"));
	snprintf(completed, sizeof(completed), "%s", jstr(r.json, "completed_at"));
	v = version_of(&r);
	mc_http_res_free(&r);
	/* the clerk's "return" queue carries the same score and time */
	assert_int_equal(mc_http_get(&clerk, "/api/v1/queues/return", &r), 200);
	it = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(jstr(it, "code"), code);
	assert_string_equal(jstr(it, "result_status"), result);
	assert_string_equal(jstr(it, "completed_at"), completed);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&clerk, code, "return", v, NULL, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "returned");
	mc_http_res_free(&r);
	/* and nothing more is allowed */
	assert_int_equal(mc_http_act_v(&clerk, code, "return", v + 1, NULL, &r), 409);
	mc_http_res_free(&r);

	/* public tracking: status and steps, no personal data */
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	snprintf(path, sizeof(path), "/api/v1/track/%s?s=%s", code, secret);
	assert_int_equal(mc_http_get(&anon, path, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "returned");
	assert_null(json_object_get(r.json, "applicant"));
	assert_null(strstr(r.body, "079203001234"));
	assert_int_equal(json_array_size(json_object_get(r.json, "steps")), 4);
	assert_string_equal(mc_http_header(&r, "Content-Encoding"), "");
	/* stored gzipped: sent as it is to a client that accepts gzip, the
	 * same answer once unpacked */
	char url[300];
	snprintf(url, sizeof(url), "%s%s", srv.base, path);
	struct mc_http_res z;
	const char *gz_hdr[] = {"Accept-Encoding: br, gzip;q=0.8", NULL};
	assert_int_equal(mc_http_raw("GET", url, NULL, gz_hdr, &z), 0);
	assert_int_equal(z.status, 200);
	assert_string_equal(mc_http_header(&z, "Content-Encoding"), "gzip");
	assert_string_equal(mc_http_header(&z, "Vary"), "Accept-Encoding");
	struct mc_buf plain = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_gunzip(&plain, z.body, z.len), 0);
	assert_int_equal(plain.len, r.len);
	assert_memory_equal(plain.data, r.body, r.len);
	assert_true(z.len < r.len / 2);
	mc_buf_release(&plain);
	mc_http_res_free(&z);
	/* gzip refused (q=0): the JSON text */
	const char *no_gz[] = {"Accept-Encoding: gzip;q=0, *", NULL};
	assert_int_equal(mc_http_raw("GET", url, NULL, no_gz, &z), 0);
	assert_string_equal(mc_http_header(&z, "Content-Encoding"), "");
	assert_int_equal(z.len, r.len);
	mc_http_res_free(&z);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/track/%s?s=WRONG-XXXX", code);
	assert_int_equal(mc_http_get(&anon, path, &r), 404);
	mc_http_res_free(&r);

	/* the citizen sees it among their dossiers; another citizen cannot read it */
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/dossiers", &r), 200);
	it = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(jstr(it, "code"), code);
	/* early / on time / late and when, without reading the dossier itself */
	assert_string_equal(jstr(it, "result_status"), result);
	assert_string_equal(jstr(it, "completed_at"), completed);
	mc_http_res_free(&r);
	struct mc_http_session other;
	mc_http_login_as(&other, srv.base, "079185176822");
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	long st = mc_http_get(&other, path, &r);
	mc_http_res_free(&r);
	assert_true(st == 404 || st == 401);

	/* statistics kept with the transitions equal a recount */
	struct mc_http_res a, b;
	assert_int_equal(mc_http_get(&lead, "/api/v1/stats?group=procedure", &a), 200);
	assert_int_equal(mc_http_get(&lead, "/api/v1/stats?group=procedure&recount=1", &b), 200);
	json_t *ta = json_object_get(a.json, "total"), *tb = json_object_get(b.json, "total");
	assert_int_equal(json_integer_value(json_object_get(ta, "received_online")), 1);
	assert_int_equal(json_integer_value(json_object_get(ta, "resolved")), 1);
	const char *keys[] = {"received_online",  "received_counter", "resolved_early",
			      "resolved_on_time", "resolved_late",    "refused"};
	for (int i = 0; i < 6; i++)
		assert_int_equal(json_integer_value(json_object_get(ta, keys[i])),
				 json_integer_value(json_object_get(tb, keys[i])));
	mc_http_res_free(&a);
	mc_http_res_free(&b);
}

static void bad_input(void **state)
{
	(void)state;
	struct mc_http_session cit;
	mc_http_login_as(&cit, srv.base, "079203001234");
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", "{\"procedure_code\":\"9.999999\"}", &r), 422);
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "procedure_code");
	mc_http_res_free(&r);
	assert_int_equal(
		mc_http_post(&cit, "/api/v1/dossiers",
			     "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"A\",\"id_number\":\"12345\","
			     "\"birth_date\":\"2003-02-30\",\"residence_unit\":\"99999\",\"marital_status\":\"x\","
			     "\"purpose\":\"p\",\"nope\":1}}",
			     &r),
		422);
	const char *want[] = {"form.nope", "form.id_number", "form.birth_date", "form.residence_unit",
			      "form.marital_status"};
	for (int i = 0; i < 5; i++) {
		int found = 0;
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(r.json, "errors"), k, e)
			found |= strcmp(jstr(e, "field"), want[i]) == 0;
		if (!found)
			fail_msg("no error for %s in %s", want[i], r.body);
	}
	mc_http_res_free(&r);
	/* an official cannot submit online */
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	char body[1024];
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}", FORM);
	assert_int_equal(mc_http_post(&clerk, "/api/v1/dossiers", body, &r), 403);
	mc_http_res_free(&r);
}

static int64_t counter_id(const char *code)
{
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	mc_http_get(&s, "/api/v1/counters", &r);
	int64_t id = 0;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(r.json, "items"), i, c)
		if (strcmp(jstr(c, "code"), code) == 0)
			id = json_integer_value(json_object_get(c, "id"));
	mc_http_res_free(&r);
	return id;
}

/* One statement on the test's database (MC_E_*, or the rows it changed
 * through out when not NULL; text: the first column of its first row). */
static void db_do(const char *sql, const char *arg, char *text, size_t n)
{
	char err[256];
	struct mc_db *db;
	struct mc_conn *c;
	struct mc_stmt *s;
	if (mc_db_open(db_url, 1, &db, err, sizeof(err)))
		fail_msg("open %s: %s", db_url, err);
	assert_int_equal(mc_db_acquire(db, &c), 0);
	if (text) {
		assert_int_equal(mc_query(c, &s, sql, "t", arg), 0);
		assert_int_equal(mc_step_row(s), 0);
		snprintf(text, n, "%s", mc_col_text(s, 0));
		mc_stmt_done(s);
	} else {
		assert_int_equal(mc_exec(c, sql, "t", arg), 1);
	}
	mc_db_release(c);
	mc_db_close(db);
}

/* The papers received at the counter: shown numbered, with the names of
 * the procedure's version (Vietnamese and English), the note "" when none;
 * kept in the row as code, kind and count only.  A row written before
 * (number and name kept in it) is shown with its own. */
static void papers_shown_and_kept(struct mc_http_session *clerk, struct mc_http_res *created, const char *code)
{
	json_t *papers = json_object_get(created->json, "papers");
	assert_int_equal(json_array_size(papers), 2);
	json_t *p = json_array_get(papers, 0);
	assert_int_equal(json_integer_value(json_object_get(p, "no")), 1);
	assert_string_equal(jstr(p, "code"), "to_khai");
	assert_string_equal(jstr(p, "name"), "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu");
	assert_non_null(jstr(p, "name_en"));
	assert_string_equal(jstr(p, "kind"), "original");
	assert_int_equal(json_integer_value(json_object_get(p, "count")), 1);
	assert_string_equal(jstr(p, "note"), "");
	p = json_array_get(papers, 1);
	assert_int_equal(json_integer_value(json_object_get(p, "no")), 2);
	assert_string_equal(jstr(p, "code"), "giay_to_tuy_than");
	assert_true(strlen(jstr(p, "name")) > 10);
	char kept[1000];
	db_do("SELECT papers FROM dossiers WHERE code = ?", code, kept, sizeof(kept));
	assert_null(strstr(kept, "\"name\""));
	assert_null(strstr(kept, "\"no\""));
	assert_non_null(strstr(kept, "\"code\":\"to_khai\""));
	/* as a row of an earlier release keeps them */
	char path[120];
	db_do("UPDATE dossiers SET papers = '[{\"no\":7,\"code\":\"to_khai\",\"name\":\"Tờ khai (mẫu cũ)\","
	      "\"kind\":\"copy\",\"count\":2,\"note\":\"bản chụp\"}]' WHERE code = ?",
	      code, NULL, 0);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(clerk, path, &r), 200);
	papers = json_object_get(r.json, "papers");
	assert_int_equal(json_array_size(papers), 1);
	p = json_array_get(papers, 0);
	assert_int_equal(json_integer_value(json_object_get(p, "no")), 7);
	assert_string_equal(jstr(p, "name"), "Tờ khai (mẫu cũ)");
	assert_non_null(jstr(p, "name_en"));
	assert_string_equal(jstr(p, "kind"), "copy");
	assert_int_equal(json_integer_value(json_object_get(p, "count")), 2);
	assert_string_equal(jstr(p, "note"), "bản chụp");
	mc_http_res_free(&r);
}

static void counter_intake_routes(void **state)
{
	(void)state;
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.cn1"); /* branch 1 of the service centre */
	int64_t q = counter_id("Q-CN1-01");
	assert_true(q > 0);
	char path[100], body[1400];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)q);
	struct mc_http_res r;
	/* the mandatory declaration missing */
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",\"competent_agency_id\":%s,%s,\"papers\":[\"giay_to_tuy_than\"],"
		 "\"applicant\":{\"full_name\":\"Trần Thị "
		 "Bích\",\"id_number\":\"079185000123\",\"phone\":\"0912345678\"}}",
		 "null", FORM);
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 422);
	assert_non_null(strstr(r.body, "papers.to_khai"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",%s,\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
		 "\"applicant\":{\"full_name\":\"Trần Thị "
		 "Bích\",\"id_number\":\"079185000123\",\"phone\":\"0912345678\","
		 "\"ward_code\":\"26740\"}}",
		 FORM);
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 201);
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	assert_string_equal(jstr(json_object_get(r.json, "received_agency"), "code"), "000.01.30.H29");
	assert_string_equal(jstr(json_object_get(r.json, "competent_agency"), "code"), "000.01.31.H29");
	assert_int_equal(strncmp(jstr(r.json, "code"), "000.01.30.H29-", 14), 0);
	assert_non_null(json_object_get(r.json, "register"));
	char code[80];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	papers_shown_and_kept(&clerk, &r, code);
	mc_http_res_free(&r);
	/* a clerk of another agency cannot use this counter */
	struct mc_http_session other;
	mc_http_login_as(&other, srv.base, "tiepnhan.p26740");
	assert_int_equal(mc_http_post(&other, path, body, &r), 403);
	mc_http_res_free(&r);
}

struct worker {
	char path[100];
	const char *body;
	int ok;
	char codes[10][80];
};

static void *intake_worker(void *arg)
{
	struct worker *w = arg;
	struct mc_http_session s;
	/* not mc_http_login_as, which exits: on a thread a failed log-in shows as codes missing */
	mc_http_session_init(&s, srv.base);
	if (mc_http_login(&s, "tiepnhan.cn1", MC_HTTP_DEMO_PASSWORD, 1) != 200)
		return NULL;
	for (int i = 0; i < 10; i++) {
		struct mc_http_res r;
		if (mc_http_post(&s, w->path, w->body, &r) == 201) {
			snprintf(w->codes[w->ok++], 80, "%s", jstr(r.json, "code"));
		}
		mc_http_res_free(&r);
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void concurrent_intake_gap_free(void **state)
{
	(void)state;
	int64_t q = counter_id("Q-CN1-02");
	char body[1400];
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",%s,\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
		 "\"applicant\":{\"full_name\":\"Lê Văn "
		 "Cường\",\"id_number\":\"079080001111\",\"ward_code\":\"26740\"}}",
		 FORM);
	struct worker w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		snprintf(w[i].path, sizeof(w[i].path), "/api/v1/counters/%lld/dossiers", (long long)q);
		w[i].body = body;
		pthread_create(&t[i], NULL, intake_worker, &w[i]);
	}
	char all[40][80];
	int n = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		for (int k = 0; k < w[i].ok; k++)
			memcpy(all[n++], w[i].codes[k], 80);
	}
	assert_int_equal(n, 40);
	qsort(all, (size_t)n, 80, cmp);
	/* same agency, same day: the numbers run on without a gap or a twin */
	int first = atoi(all[0] + strlen(all[0]) - 4);
	for (int i = 0; i < n; i++)
		assert_int_equal(atoi(all[i] + strlen(all[i]) - 4), first + i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(online_journey),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(counter_intake_routes),
		cmocka_unit_test(concurrent_intake_gap_free),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

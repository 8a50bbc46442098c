/*
 * test_office_api.c - what the officials' pages need from the API: looking
 * up a citizen by ID number at the counter (clerks only, name / phone /
 * address only, audited), the work queues "process" and "return", the code
 * search and the names carried by queue items, and the files attached to a
 * dossier (only those an attachment field of its form names, only for who
 * may read it).
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

#include <stdio.h>
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

static void assert_problem(struct mc_http_res *r, long status, const char *code)
{
	assert_int_equal(r->status, status);
	assert_non_null(r->json);
	assert_string_equal(jstr(r->json, "code"), code);
}

static void applicant_lookup(void **state)
{
	(void)state;
	struct mc_http_session clerk, cit, spec, admin, anon;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_session_init(&anon, srv.base);
	struct mc_http_res r;

	/* a clerk finds the citizen: contact details and nothing else */
	assert_int_equal(mc_http_post(&clerk, "/api/v1/applicants/lookup", "{\"id_number\":\"079203001234\"}", &r),
			 200);
	assert_string_equal(jstr(r.json, "full_name"), "Nguyễn Văn An");
	assert_string_equal(jstr(r.json, "id_number"), "079203001234");
	assert_string_equal(jstr(r.json, "address"), "12 Lê Lợi");
	assert_string_equal(jstr(r.json, "ward_code"), "26740");
	assert_string_equal(jstr(r.json, "ward_name"), "Phường Sài Gòn");
	assert_non_null(jstr(r.json, "phone"));
	const char *hidden[] = {"id", "username", "birth_date", "sex", "email", "roles", "status", "version", NULL};
	for (int i = 0; hidden[i]; i++)
		assert_null(json_object_get(r.json, hidden[i]));
	mc_http_res_free(&r);

	/* a citizen, a specialist (no dossier.intake) and nobody may not */
	const char *an = "{\"id_number\":\"079203001234\"}";
	mc_http_post(&cit, "/api/v1/applicants/lookup", an, &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	mc_http_post(&spec, "/api/v1/applicants/lookup", an, &r);
	assert_problem(&r, 403, "forbidden");
	mc_http_res_free(&r);
	mc_http_post(&anon, "/api/v1/applicants/lookup", an, &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);

	/* bad IDs: 422 naming the field; an unknown one is 404 */
	const char *bad[] = {"{\"id_number\":\"07920300123\"}",
			     "{\"id_number\":\"07920300123A\"}",
			     "{\"id_number\":\"0792030012345\"}",
			     "{\"id_number\":\"\"}",
			     "{}",
			     "{\"id_number\":79203001234}",
			     NULL};
	for (int i = 0; bad[i]; i++) {
		mc_http_post(&clerk, "/api/v1/applicants/lookup", bad[i], &r);
		assert_problem(&r, 422, "validation_failed");
		assert_string_equal(jstr(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "id_number");
		mc_http_res_free(&r);
	}
	mc_http_post(&clerk, "/api/v1/applicants/lookup", "{\"id_number\":\"079203009999\"}", &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);

	/* both lookups are in the audit log: the one that found someone and
	 * the miss (ID numbers tried one after another would show) */
	assert_int_equal(mc_http_get(&admin, "/api/v1/audit?limit=50", &r), 200);
	int seen = 0, missed = 0;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r.json, "items"), i, e) {
		if (strcmp(jstr(e, "action"), "applicant.lookup") == 0) {
			seen++;
			assert_string_equal(jstr(e, "object_type"), "user");
		}
		if (strcmp(jstr(e, "action"), "applicant.lookup_miss") == 0)
			missed++;
	}
	assert_int_equal(seen, 1);
	assert_int_equal(missed, 1);
	mc_http_res_free(&r);

	/* Audited, so never a GET: a link clicked on another site (its GET
	 * carries the cookie, SameSite=Lax) cannot write a look-up into the
	 * clerk's trail; a cookie session's POST needs the CSRF token. */
	struct mc_http_session ck;
	mc_http_session_init(&ck, srv.base);
	assert_int_equal(mc_http_login(&ck, "tiepnhan.p26740", MC_HTTP_DEMO_PASSWORD, 0), 200);
	mc_http_get(&ck, "/api/v1/applicants/lookup?id_number=079203001234", &r);
	assert_problem(&r, 405, "method_not_allowed");
	mc_http_res_free(&r);
	mc_http_get(&ck, "/api/v1/applicants?id_number=079203001234", &r);
	assert_int_equal(r.status, 404);
	mc_http_res_free(&r);
	char url[160], cookie[200];
	snprintf(url, sizeof(url), "%s/api/v1/applicants/lookup", srv.base);
	snprintf(cookie, sizeof(cookie), "Cookie: %s", ck.cookie);
	const char *no_csrf[] = {cookie, "Content-Type: application/json", NULL};
	assert_int_equal(mc_http_raw("POST", url, an, no_csrf, &r), 0);
	assert_problem(&r, 403, "csrf_failed");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/audit?limit=50", &r), 200);
	int after = 0;
	json_array_foreach(json_object_get(r.json, "items"), i, e)
		after += strncmp(jstr(e, "action"), "applicant.lookup", 16) == 0;
	assert_int_equal(after, seen + missed);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&admin, "/api/v1/audit/verify", &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "intact")));
	mc_http_res_free(&r);
}

/* Count of a queue for a session. */
static long count_of(struct mc_http_session *s, const char *queue)
{
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, "/api/v1/queues", &r), 200);
	long n = (long)json_integer_value(json_object_get(r.json, queue));
	assert_non_null(json_object_get(r.json, queue));
	mc_http_res_free(&r);
	return n;
}

/* Is code in the queue (with the filter in query)? */
static int listed(struct mc_http_session *s, const char *queue, const char *query, const char *code)
{
	char path[300];
	snprintf(path, sizeof(path), "/api/v1/queues/%s%s", queue, query);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(s, path, &r), 200);
	int found = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		if (strcmp(jstr(it, "code"), code) != 0)
			continue;
		found = 1;
		assert_string_equal(jstr(it, "applicant_name"), "Nguyễn Văn An");
		assert_string_equal(jstr(it, "procedure_name"), "Cấp Giấy xác nhận tình trạng hôn nhân");
		assert_string_equal(jstr(it, "procedure_name_en"), "Certificate of marital status");
	}
	mc_http_res_free(&r);
	return found;
}

static void queues_for_each_step(void **state)
{
	(void)state;
	struct mc_http_session cit, clerk, spec, lead;
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	long spec_before = count_of(&spec, "process"), ret_before = count_of(&clerk, "return");
	struct mc_http_res r;
	char body[1024];
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}", FORM);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	char code[80];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);

	/* the code search: any case, any part; nothing else matches */
	char q[120];
	snprintf(q, sizeof(q), "?q=%s", code + strlen(code) - 11); /* "yymmdd-nnnn" */
	assert_true(listed(&clerk, "receive", q, code));
	assert_true(listed(&clerk, "receive", "?q=h29-", code));
	assert_false(listed(&clerk, "receive", "?q=X.99.99", code));
	mc_http_get(&clerk, "/api/v1/queues/receive?q=%25", &r);
	assert_problem(&r, 422, "validation_failed");
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "errors"), 0), "field"), "q");
	mc_http_res_free(&r);

	assert_int_equal(mc_http_act_v(&clerk, code, "receive", 1, NULL, &r), 200);
	char day[11];
	snprintf(day, sizeof(day), "%s", jstr(r.json, "received_at")); /* yyyy-mm-dd in Vietnam */
	mc_http_res_free(&r);
	/* received from that day to that day: the last day named is included */
	snprintf(q, sizeof(q), "?from=%s&to=%s", day, day);
	assert_true(listed(&clerk, "all", q, code));
	snprintf(q, sizeof(q), "?from=%s", day);
	assert_true(listed(&clerk, "all", q, code));
	snprintf(q, sizeof(q), "?to=%s", day);
	assert_true(listed(&clerk, "all", q, code));
	assert_false(listed(&clerk, "all", "?from=2000-01-01&to=2000-12-31", code));
	/* in progress at the specialist's step: the specialist's "process" queue */
	assert_int_equal(count_of(&spec, "process"), spec_before + 1);
	assert_true(listed(&spec, "process", "", code));
	assert_false(listed(&lead, "process", "", code));
	assert_false(listed(&clerk, "receive", "", code));
	assert_int_equal(mc_http_act_v(&spec, code, "forward", 2, NULL, &r), 200);
	mc_http_res_free(&r);
	assert_false(listed(&spec, "process", "", code));
	assert_true(listed(&lead, "process", "", code));
	assert_int_equal(mc_http_act_v(&lead, code, "forward", 3, NULL, &r), 200);
	assert_string_equal(jstr(r.json, "status"), "result_ready");
	mc_http_res_free(&r);
	/* the result is ready: the clerk's "return" queue */
	assert_int_equal(count_of(&clerk, "return"), ret_before + 1);
	assert_true(listed(&clerk, "return", "", code));
	assert_false(listed(&lead, "process", "", code));
	assert_int_equal(mc_http_act_v(&clerk, code, "return", 4, NULL, &r), 200);
	mc_http_res_free(&r);
	assert_false(listed(&clerk, "return", "", code));
	assert_int_equal(count_of(&clerk, "return"), ret_before);
	/* the citizen's own list carries the names too */
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/dossiers", &r), 200);
	assert_string_equal(jstr(json_array_get(json_object_get(r.json, "items"), 0), "procedure_name"),
			    "Cấp Giấy xác nhận tình trạng hôn nhân");
	mc_http_res_free(&r);
}

/* Upload bytes as session s (bearer); the SHA-256 goes to sha. */
static void upload(struct mc_http_session *s, const char *bytes, char sha[65])
{
	static int n;
	char url[200], auth[200], key[64];
	snprintf(url, sizeof(url), "%s/api/v1/files", srv.base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", s->token);
	snprintf(key, sizeof(key), "Idempotency-Key: office-upload-%d", ++n);
	const char *h[] = {auth, "Content-Type: application/octet-stream", key, NULL};
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("POST", url, bytes, h, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(sha, 65, "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
}

static void attached_files(void **state)
{
	(void)state;
	struct mc_http_session cit, other, clerk, far, anon;
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&other, srv.base, "079185176822");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&far, srv.base, "chuyenvien"); /* Department of Justice: not involved */
	mc_http_session_init(&anon, srv.base);
	static const char pdf[] = MC_TEST_PDF("the declaration");
	static const char other_pdf[] = MC_TEST_PDF("not named by any dossier");
	char sha[65], sha2[65];
	upload(&cit, pdf, sha);
	upload(&cit, other_pdf, sha2);
	char body[1400];
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn "
		 "An\",\"id_number\":\"079203001234\","
		 "\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"divorced\","
		 "\"purpose\":\"Kết hôn\",\"divorce_scan\":\"%s\"}}",
		 sha);
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	char code[80];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);

	char path[300];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%s", code, sha);
	/* the applicant and the receiving ward's clerk get the bytes as uploaded */
	struct mc_http_session *readers[] = {&cit, &clerk};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(mc_http_get(readers[i], path, &r), 200);
		assert_string_equal(mc_http_header(&r, "Content-Type"), "application/pdf");
		/* a download in a sandbox: never shown as a page of this origin */
		assert_non_null(strstr(mc_http_header(&r, "Content-Disposition"), "attachment; filename="));
		assert_string_equal(mc_http_header(&r, "X-Content-Type-Options"), "nosniff");
		assert_string_equal(mc_http_header(&r, "Content-Security-Policy"), "sandbox; default-src 'none'");
		assert_int_equal(r.len, strlen(pdf));
		assert_memory_equal(r.body, pdf, r.len);
		mc_http_res_free(&r);
	}
	/* another citizen, an official of an agency not involved: as if absent */
	mc_http_get(&other, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	mc_http_get(&far, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	mc_http_get(&anon, path, &r);
	assert_problem(&r, 401, "unauthenticated");
	mc_http_res_free(&r);
	/* a stored file the dossier does not name, a malformed hash */
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%s", code, sha2);
	mc_http_get(&clerk, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%.63s", code, sha);
	mc_http_get(&clerk, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/dossiers/NO-SUCH-CODE/files/%s", sha);
	mc_http_get(&clerk, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);

	/* a stored file's hash typed into a text field names no file: only the
	 * procedure's attachment fields do */
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn "
		 "An\",\"id_number\":\"079203001234\","
		 "\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\","
		 "\"purpose\":\"%s\"}}",
		 sha2);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%s", jstr(r.json, "code"), sha2);
	mc_http_res_free(&r);
	mc_http_get(&cit, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
	mc_http_get(&clerk, path, &r);
	assert_problem(&r, 404, "not_found");
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(applicant_lookup),
		cmocka_unit_test(queues_for_each_step),
		cmocka_unit_test(attached_files),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

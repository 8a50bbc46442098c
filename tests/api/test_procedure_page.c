/*
 * test_procedure_page.c - what the procedure page shows besides the papers
 * and fees (issue 10): who may apply, the conditions, the steps, how a fee
 * is paid (at the counter, on receipt or on return) and a form to fill in
 * for papers that have one, downloaded as a PDF made from the catalogue.
 * The catalogue's validator checks the new keys; the public never sees the
 * editors' notes that say the template is not the official one.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

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

static json_t *paper(json_t *def, const char *code)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(def, "papers"), i, p)
		if (strcmp(jstr(p, "code"), code) == 0)
			return p;
	return NULL;
}

static void public_definition(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/api/v1/procedures/1.001193", &r), 200);
	assert_non_null(strstr(jstr(r.json, "applicants"), "Cha, mẹ của trẻ"));
	assert_null(json_object_get(r.json, "requirements")); /* not in the catalogue: absent */
	assert_int_equal(json_array_size(json_object_get(r.json, "steps")), 4);
	assert_string_equal(jstr(paper(r.json, "to_khai"), "template"), "generated");
	assert_null(json_object_get(paper(r.json, "giay_chung_sinh"), "template"));
	assert_null(json_object_get(r.json, "internal_note"));
	assert_null(strstr(r.body, "motcua tự lập"));
	mc_http_res_free(&r);
	/* a fee to pay says when: on receipt at the counter, on return online */
	assert_int_equal(mc_http_get(&s, "/api/v1/procedures/3.000333", &r), 200);
	json_t *fees = json_object_get(r.json, "fees");
	assert_string_equal(jstr(json_array_get(fees, 0), "channel"), "counter");
	assert_string_equal(jstr(json_array_get(fees, 0), "paid_at"), "receipt");
	assert_string_equal(jstr(json_array_get(fees, 1), "paid_at"), "return");
	mc_http_res_free(&r);
}

static void template_download(void **state)
{
	(void)state;
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/api/v1/procedures/1.001193/templates/to_khai", &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"), "application/pdf");
	assert_non_null(
		strstr(mc_http_header(&r, "Content-Disposition"), "attachment; filename=\"1.001193-to_khai.pdf\""));
	char *text = mc_test_pdf_text(&r);
	mc_test_expect_text(text, "TỜ KHAI ĐĂNG KÝ KHAI SINH");
	mc_test_expect_text(text, "Thủ tục: Đăng ký khai sinh (mã 1.001193)");
	mc_test_expect_text(text, "Họ, chữ đệm và tên của trẻ:"); /* a field of the online form */
	mc_test_expect_text(text, "không phải mẫu ban hành kèm văn bản quy phạm pháp luật");
	assert_null(strstr(text, "Bản chụp")); /* attachments are not fields to write in */
	free(text);
	mc_http_res_free(&r);
	/* a paper without a template, an unknown paper or procedure, a bad name */
	static const char *const none[] = {
		"/api/v1/procedures/1.001193/templates/giay_chung_sinh",
		"/api/v1/procedures/1.001193/templates/nope",
		"/api/v1/procedures/9.999999/templates/to_khai",
		"/api/v1/procedures/1.001193/templates/TO_KHAI",
		"/api/v1/procedures/1.001193/templates/..%2Fto_khai",
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		if (mc_http_get(&s, none[i], &r) != 404)
			fail_msg("%s: %ld %s", none[i], r.status, r.body);
		mc_http_res_free(&r);
	}
}

/* PUT the current definition of code with one change made by edit(). */
static long put_changed(struct mc_http_session *admin, const char *code, void (*edit)(json_t *),
			struct mc_http_res *out)
{
	char path[80], h[60];
	struct mc_http_res g;
	snprintf(path, sizeof(path), "/api/v1/procedures/%s", code);
	assert_int_equal(mc_http_get(admin, path, &g), 200);
	snprintf(h, sizeof(h), "If-Match: %s", mc_http_header(&g, "ETag"));
	json_t *def = json_deep_copy(g.json);
	mc_http_res_free(&g);
	json_object_del(def, "id");
	json_object_del(def, "version");
	json_object_del(def, "is_current");
	json_object_del(def, "payable");
	edit(def);
	char *body = json_dumps(def, JSON_COMPACT);
	json_decref(def);
	const char *const hs[] = {h, NULL};
	mc_http_do(admin, "PUT", path, body, hs, out);
	free(body);
	return out->status;
}

static void bad_paid_at(json_t *d)
{
	json_object_set_new(json_array_get(json_object_get(d, "fees"), 0), "paid_at", json_string("later"));
}
static void bad_template(json_t *d)
{
	json_object_set_new(json_array_get(json_object_get(d, "papers"), 0), "template", json_string("official"));
}
static void bad_applicants(json_t *d)
{
	json_object_set_new(d, "applicants", json_integer(5));
}
static void long_requirements(json_t *d)
{
	char big[2100];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_object_set_new(d, "requirements", json_string(big));
}
static void good(json_t *d)
{
	json_object_set_new(d, "requirements", json_string("Không"));
	json_object_set_new(d, "requirements_en", json_string("None"));
}

static void validator_checks_new_keys(void **state)
{
	(void)state;
	struct mc_http_session admin, anon;
	struct mc_http_res r;
	mc_http_login_as(&admin, srv.base, "admin");
	struct {
		void (*edit)(json_t *);
		const char *field;
	} bad[] = {{bad_paid_at, "fees"},
		   {bad_template, "papers"},
		   {bad_applicants, "applicants"},
		   {long_requirements, "requirements"}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[64];
		snprintf(want, sizeof(want), "\"field\":\"%s\"", bad[i].field);
		if (put_changed(&admin, "1.001193", bad[i].edit, &r) != 422 || !strstr(r.body, want))
			fail_msg("case %zu: expected 422 on %s, got %ld %s", i, bad[i].field, r.status, r.body);
		mc_http_res_free(&r);
	}
	assert_int_equal(put_changed(&admin, "1.001193", good, &r), 200);
	mc_http_res_free(&r);
	mc_http_session_init(&anon, srv.base);
	assert_int_equal(mc_http_get(&anon, "/api/v1/procedures/1.001193", &r), 200);
	assert_string_equal(jstr(r.json, "requirements"), "Không");
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(public_definition),
		cmocka_unit_test(template_download),
		cmocka_unit_test(validator_checks_new_keys),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

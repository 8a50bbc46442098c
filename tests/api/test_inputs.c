/*
 * test_inputs.c - what people type, taken as they mean it:
 *  - length limits count characters, not bytes: 200 Vietnamese letters fit
 *    "at most 200 characters" (600 bytes), 201 do not; invalid UTF-8 is
 *    refused with its own error;
 *  - phone numbers written with spaces, dots, dashes or +84 are taken, the
 *    same on every path (sign-up, account screens, online submission,
 *    counter intake), and stored in one form; numbers outside the national
 *    plan, and other countries', are refused with the same message;
 *  - dossier codes and tracking secrets are found whatever their case,
 *    with spaces around and the secret's hyphen left out;
 *  - a wrong password says how many tries are left before the waits, and
 *    a wait says how long;
 *  - a person's name has letters, spaces and ' - . only.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static struct mc_http_session cit, clerk, admin;
static int64_t counter;

#define FORM_AT(name, purpose)                                                                                         \
	"\"form\":{\"full_name\":\"" name "\",\"id_number\":\"079203001234\",\"birth_date\":\"2003-05-14\","           \
	"\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"" purpose "\"}"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* n copies of s (malloc'd). */
static char *repeat(const char *s, int n)
{
	size_t k = strlen(s);
	char *out = malloc(k * (size_t)n + 1);
	for (int i = 0; i < n; i++)
		memcpy(out + k * (size_t)i, s, k);
	out[k * (size_t)n] = '\0';
	return out;
}

/* The field error for field in a 422 answer, or NULL. */
static json_t *field_error(json_t *problem, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(problem, "errors"), i, e)
		if (strcmp(jstr(e, "field"), field) == 0)
			return e;
	return NULL;
}

static void assert_created(long status, struct mc_http_res *r)
{
	if (status != 201)
		fprintf(stderr, "%ld %s\n", status, r->body);
	assert_int_equal(status, 201);
}

static void assert_refused(long status, struct mc_http_res *r, const char *field, const char *reason)
{
	if (status != 422 || !field_error(r->json, field))
		fprintf(stderr, "%ld %s\n", status, r->body);
	assert_int_equal(status, 422);
	json_t *e = field_error(r->json, field);
	assert_non_null(e);
	assert_string_equal(jstr(e, "reason"), reason);
	assert_non_null(jstr(e, "message_vi"));
	assert_non_null(jstr(e, "message_en"));
}

static char *stored_phone(const char *id_number)
{
	struct mc_conn *c;
	struct mc_stmt *s;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query(c, &s, "SELECT phone FROM users WHERE id_number = ?", "t", id_number), 0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	char *p = strdup(mc_col_text(s, 0));
	mc_stmt_done(s);
	mc_db_release(c);
	return p;
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	mc_test_server_start(&srv, db_url, NULL);
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&admin, srv.base, "admin");
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query_int64(c, &counter, "SELECT id FROM counters WHERE code = ?", "t", "Q-P26740-01"), 0);
	mc_db_release(c);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

static long signup(const char *id, const char *name, const char *phone, const char *address, struct mc_http_res *r)
{
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id_number", id, "full_name", name, "phone", phone,
			      "address", address, "password", "matkhau-an-toan");
	char *body = json_dumps(b, 0);
	long st = mc_http_post(&anon, "/api/v1/auth/signup", body, r);
	free(body);
	json_decref(b);
	return st;
}

static void limits_count_characters(void **state)
{
	(void)state;
	struct mc_http_res r;
	/* 200 characters of 3 bytes each: "at most 200 characters" */
	char *fits = repeat("ạ", 200), *over = repeat("ạ", 201);
	assert_int_equal(signup("079203004401", "Trần Thị Ạ", "0903123456", fits, &r), 201);
	assert_string_equal(jstr(r.json, "address"), fits);
	mc_http_res_free(&r);
	assert_refused(signup("079203004402", "Trần Thị Ạ", "0903123456", over, &r), &r, "address", "too_long");
	assert_string_equal(jstr(field_error(r.json, "address"), "message_vi"), "Dài quá 200 ký tự");
	assert_string_equal(jstr(field_error(r.json, "address"), "message_en"), "Longer than 200 characters");
	mc_http_res_free(&r);
	free(fits);
	free(over);

	/* the application form: a 149-character Vietnamese purpose (210 bytes)
	 * in a field of at most 200 characters */
	const char *purpose = "Tôi đề nghị xác nhận tình trạng hôn nhân để làm thủ tục đăng ký kết hôn với người nước "
			      "ngoài tại Sở Tư pháp Thành phố Hồ Chí Minh, dự kiến nộp hồ sơ.";
	assert_true(strlen(purpose) > 200);
	const char *fmt = "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\","
			  "\"id_number\":\"079203001234\",\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\","
			  "\"marital_status\":\"single\",\"purpose\":\"%s\"}}";
	char *b = malloc(4096);
	snprintf(b, 4096, fmt, purpose);
	assert_created(mc_http_post(&cit, "/api/v1/dossiers", b, &r), &r);
	assert_string_equal(jstr(json_object_get(r.json, "form"), "purpose"), purpose);
	mc_http_res_free(&r);
	/* 201 characters are too many, said in characters */
	char *long_purpose = repeat("ư", 201);
	snprintf(b, 4096, fmt, long_purpose);
	assert_refused(mc_http_post(&cit, "/api/v1/dossiers", b, &r), &r, "form.purpose", "too_long");
	assert_string_equal(jstr(field_error(r.json, "form.purpose"), "message_vi"), "Dài quá 200 ký tự");
	mc_http_res_free(&r);
	free(long_purpose);
	free(b);

	/* invalid UTF-8: its own error, not "malformed JSON" */
	assert_int_equal(
		mc_http_post(&cit, "/api/v1/dossiers", "{\"procedure_code\":\"1.004873\",\"x\":\"Nguy\xc3\x28n\"}", &r),
		400);
	assert_string_equal(jstr(r.json, "code"), "invalid_encoding");
	assert_non_null(strstr(jstr(r.json, "title_vi"), "UTF-8"));
	assert_non_null(strstr(jstr(r.json, "title_en"), "UTF-8"));
	mc_http_res_free(&r);
}

static void phones_in_one_form_everywhere(void **state)
{
	(void)state;
	struct mc_http_res r;
	/* sign-up: as people write them */
	static const struct {
		const char *id, *typed, *stored;
	} ok[] = {
		{"079203004411", "0903 123 456", "0903123456"},     {"079203004412", "0903.123.456", "0903123456"},
		{"079203004413", "+84 903 123 456", "0903123456"},  {"079203004414", "84903123456", "0903123456"},
		{"079203004415", "(028) 3829-6052", "02838296052"}, {"079203004416", "0356-123-456", "0356123456"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		long st = signup(ok[i].id, "Phạm Văn Bình", ok[i].typed, "", &r);
		if (st != 201)
			fprintf(stderr, "%s: %ld %s\n", ok[i].typed, st, r.body);
		assert_int_equal(st, 201);
		assert_string_equal(jstr(r.json, "phone"), ok[i].stored);
		mc_http_res_free(&r);
		char *p = stored_phone(ok[i].id);
		assert_string_equal(p, ok[i].stored);
		free(p);
	}
	/* not numbers of the plan: refused with the one message */
	static const char *const bad[] = {"0123456789",   "+1 202 555 0100", "090312345", "09031234567",
					  "0903-123-45a", "+840123456789",   "0203123456"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_refused(signup("079203004420", "Phạm Văn Bình", bad[i], "", &r), &r, "phone", "format");
		assert_non_null(strstr(jstr(field_error(r.json, "phone"), "message_vi"), "03, 05, 07, 08 hoặc 09"));
		mc_http_res_free(&r);
	}

	/* an account changed by an administrator */
	int64_t uid = 0;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query_int64(c, &uid, "SELECT id FROM users WHERE username = ?", "t", "tiepnhan.p26740"), 0);
	mc_db_release(c);
	char path[160], im[64];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)uid);
	assert_int_equal(mc_http_get(&admin, path, &r), 200);
	snprintf(im, sizeof(im), "If-Match: %s", mc_http_header(&r, "ETag"));
	mc_http_res_free(&r);
	const char *hdr[] = {im, NULL};
	assert_int_equal(mc_http_do(&admin, "PATCH", path, "{\"phone\":\"+84 28 3829 6052\"}", hdr, &r), 0);
	if (r.status != 200)
		fprintf(stderr, "%s\n", r.body);
	assert_int_equal(r.status, 200);
	assert_string_equal(jstr(r.json, "phone"), "02838296052");
	mc_http_res_free(&r);

	/* online submission: the corrected phone, stored normalised */
	assert_created(
		mc_http_post(&cit, "/api/v1/dossiers",
			     "{\"procedure_code\":\"1.004873\",\"applicant\":{\"phone\":\"0912.345.678\"}," FORM_AT(
				     "Nguyễn Văn An", "Kết hôn") "}",
			     &r),
		&r);
	assert_string_equal(jstr(json_object_get(r.json, "applicant"), "phone"), "0912345678");
	mc_http_res_free(&r);
	assert_refused(
		mc_http_post(&cit, "/api/v1/dossiers",
			     "{\"procedure_code\":\"1.004873\",\"applicant\":{\"phone\":\"+84 012 345 678\"}," FORM_AT(
				     "Nguyễn Văn An", "Kết hôn") "}",
			     &r),
		&r, "applicant.phone", "format");
	mc_http_res_free(&r);

	/* counter intake: the same */
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter);
	assert_created(mc_http_post(&clerk, path,
				    "{\"procedure_code\":\"1.004873\",\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
				    "\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
				    "\"id_number\":\"079203001234\",\"phone\":\"+84 912 345 678\"}," FORM_AT(
					    "Nguyễn Văn An", "Kết hôn") "}",
				    &r),
		       &r);
	assert_string_equal(jstr(json_object_get(r.json, "applicant"), "phone"), "0912345678");
	mc_http_res_free(&r);
	assert_refused(mc_http_post(&clerk, path,
				    "{\"procedure_code\":\"1.004873\",\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
				    "\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
				    "\"id_number\":\"079203001234\",\"phone\":\"0123456789\"}," FORM_AT("Nguyễn Văn An",
													"Kết hôn") "}",
				    &r),
		       &r, "applicant.phone", "format");
	mc_http_res_free(&r);
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void codes_any_case(void **state)
{
	(void)state;
	struct mc_http_res r;
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter);
	assert_created(mc_http_post(&clerk, path,
				    "{\"procedure_code\":\"1.004873\",\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
				    "\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
				    "\"id_number\":\"079203001234\"}," FORM_AT("Nguyễn Văn An", "Kết hôn") "}",
				    &r),
		       &r);
	char code[80], secret[16], lcode[80], lsecret[16], url[256];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	snprintf(secret, sizeof(secret), "%s", jstr(r.json, "secret"));
	mc_http_res_free(&r);
	snprintf(lcode, sizeof(lcode), "%s", code);
	snprintf(lsecret, sizeof(lsecret), "%s", secret);
	lower(lcode);
	lower(lsecret);
	assert_string_not_equal(lsecret, secret); /* the secret has letters */

	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	/* as printed, in lower case, with spaces around, without the hyphen */
	const char *tries[][2] = {{code, secret}, {lcode, lsecret}, {lcode, NULL}, {NULL, lsecret}};
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		char s[24];
		if (tries[i][1])
			snprintf(s, sizeof(s), "%s", tries[i][1]);
		else
			snprintf(s, sizeof(s), "%.4s%s", lsecret, lsecret + 5); /* "786fsfm4" */
		if (tries[i][0])
			snprintf(url, sizeof(url), "/api/v1/track/%s?s=%s", tries[i][0], s);
		else
			snprintf(url, sizeof(url), "/api/v1/track/%%20%s%%20?s=%%20%s%%20", lcode, s);
		long st = mc_http_get(&anon, url, &r);
		if (st != 200)
			fprintf(stderr, "%s: %ld\n", url, st);
		assert_int_equal(st, 200);
		assert_string_equal(jstr(r.json, "code"), code);
		mc_http_res_free(&r);
	}
	/* a wrong secret still finds nothing */
	snprintf(url, sizeof(url), "/api/v1/track/%s?s=%s", lcode, "zzzz-zzzz");
	assert_int_equal(mc_http_get(&anon, url, &r), 404);
	mc_http_res_free(&r);

	/* an official's look-up by code, and its forms */
	snprintf(url, sizeof(url), "/api/v1/dossiers/%s", lcode);
	assert_int_equal(mc_http_get(&clerk, url, &r), 200);
	assert_string_equal(jstr(r.json, "code"), code);
	mc_http_res_free(&r);
	snprintf(url, sizeof(url), "/api/v1/dossiers/%s/forms/01.json", lcode);
	assert_int_equal(mc_http_get(&clerk, url, &r), 200);
	mc_http_res_free(&r);
}

static void wrong_passwords_warn_then_say_the_wait(void **state)
{
	(void)state;
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	struct mc_http_res r;
	const char *body = "{\"username\":\"chuyenvien.p26740\",\"password\":\"sai-mat-khau\"}";
	/* the default: 5 free failures per account and address */
	for (int left = 4; left >= 0; left--) {
		assert_int_equal(mc_http_post(&anon, "/api/v1/auth/login", body, &r), 401);
		assert_int_equal(json_integer_value(json_object_get(r.json, "attempts_left")), left);
		assert_true(json_is_integer(json_object_get(r.json, "attempts_left")));
		if (left == 0) {
			/* the next try must wait: said now, in the caller's language */
			assert_true(json_integer_value(json_object_get(r.json, "retry_after")) >= 1);
			assert_non_null(strstr(jstr(r.json, "detail"), "Vui lòng chờ"));
		}
		mc_http_res_free(&r);
	}
	strcpy(anon.lang, "en");
	assert_int_equal(mc_http_post(&anon, "/api/v1/auth/login", body, &r), 429);
	assert_true(json_integer_value(json_object_get(r.json, "retry_after")) >= 1);
	assert_true(atoi(mc_http_header(&r, "Retry-After")) >= 1);
	assert_non_null(strstr(jstr(r.json, "detail"), "before trying again"));
	mc_http_res_free(&r);
}

static void names_are_names(void **state)
{
	(void)state;
	struct mc_http_res r;
	static const char *const good[] = {"Nguyễn Thị Minh Khai", "Đặng Thị Ánh-Nguyệt", "H'Hen Niê",
					   "Ksor H’Bia",           "Lê Văn T.",           "Y Moan Ênuôl",
					   "NGUYỄN VĂN ĐỨC"};
	char id[16];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(id, sizeof(id), "0792030045%02d", (int)i);
		long st = signup(id, good[i], "0903123456", "", &r);
		if (st != 201)
			fprintf(stderr, "%s: %ld %s\n", good[i], st, r.body);
		assert_int_equal(st, 201);
		mc_http_res_free(&r);
	}
	static const char *const bad[] = {"Nguyễn Văn 3", "Lê 😀", "<b>An</b>", "An_Nguyen", "Trần @ Bình", "- . '"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_refused(signup("079203004599", bad[i], "0903123456", "", &r), &r, "full_name", "name");
		mc_http_res_free(&r);
	}
	/* the application form's names, and the counter's applicant */
	assert_refused(mc_http_post(&cit, "/api/v1/dossiers",
				    "{\"procedure_code\":\"1.004873\"," FORM_AT("Nguyễn Văn 3", "Kết hôn") "}", &r),
		       &r, "form.full_name", "name");
	mc_http_res_free(&r);
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter);
	assert_refused(mc_http_post(&clerk, path,
				    "{\"procedure_code\":\"1.004873\",\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
				    "\"applicant\":{\"full_name\":\"Nguyễn Văn An 2\","
				    "\"id_number\":\"079203001234\"}," FORM_AT("Nguyễn Văn An", "Kết hôn") "}",
				    &r),
		       &r, "applicant.full_name", "name");
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limits_count_characters), cmocka_unit_test(phones_in_one_form_everywhere),
		cmocka_unit_test(codes_any_case),          cmocka_unit_test(wrong_passwords_warn_then_say_the_wait),
		cmocka_unit_test(names_are_names),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

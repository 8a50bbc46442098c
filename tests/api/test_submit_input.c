/*
 * test_submit_input.c - a submission's input is checked, never silently
 * mended: the contact details an applicant corrects online pass the
 * sign-up checks (a bad phone number or an e-mail address that is markup
 * is refused, naming the field, and reaches no form, register or outbox),
 * and a member of the wrong JSON type is refused naming it instead of
 * being replaced by a default or ignored.  Nothing is created by a refusal.
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
static struct mc_http_session cit, clerk;

#define FORM                                                                                                           \
	"\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\",\"birth_date\":\"2003-05-14\","   \
	"\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết hôn\"}"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t dossiers(void)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int64_t v = -1;
	assert_int_equal(mc_query_int64(c, &v, "SELECT COUNT(*) FROM dossiers", ""), 0);
	mc_db_release(c);
	return v;
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	mc_test_server_start(&srv, db_url, NULL);
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

/* The submission is refused with 422 naming these fields (exactly these,
 * in this order, unless `among`: then these among others). */
static void refused_as(struct mc_http_session *s, const char *path, const char *body, const char *const *fields,
		       int among)
{
	int64_t before = dossiers();
	struct mc_http_res r;
	assert_int_equal(mc_http_post(s, path, body, &r), 422);
	json_t *errs = json_object_get(r.json, "errors");
	size_t n = 0;
	while (fields[n])
		n++;
	if (!among && json_array_size(errs) != n)
		fprintf(stderr, "errors: %s\n", json_dumps(errs, 0));
	assert_true(among ? json_array_size(errs) >= n : json_array_size(errs) == n);
	for (size_t i = 0; i < n; i++) {
		json_t *found = NULL;
		for (size_t k = 0; k < json_array_size(errs) && !found; k++)
			if (strcmp(jstr(json_array_get(errs, k), "field"), fields[i]) == 0 && (among || k == i))
				found = json_array_get(errs, k);
		assert_non_null(found);
		assert_non_null(jstr(found, "message_vi"));
		assert_non_null(jstr(found, "message_en"));
	}
	mc_http_res_free(&r);
	assert_int_equal(dossiers(), before);
}

static void refused(struct mc_http_session *s, const char *path, const char *body, const char *const *fields)
{
	refused_as(s, path, body, fields, 0);
}

static void online_contact_corrections_are_checked(void **state)
{
	(void)state;
	const char *both[] = {"applicant.phone", "applicant.email", NULL};
	refused(&cit, "/api/v1/dossiers",
		"{\"procedure_code\":\"1.004873\",\"applicant\":{\"phone\":\"not-a-phone\","
		"\"email\":\"<img src=x onerror=alert(1)>\"}," FORM "}",
		both);
	const char *phone[] = {"applicant.phone", NULL};
	refused(&cit, "/api/v1/dossiers",
		"{\"procedure_code\":\"1.004873\",\"applicant\":{\"phone\":\"12345\"}," FORM "}", phone);

	/* a good correction is taken for this dossier */
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers",
				      "{\"procedure_code\":\"1.004873\",\"applicant\":{\"phone\":\"0912345678\","
				      "\"email\":\"an.nguyen@example.vn\",\"address\":\"5 Nguyễn Huệ\"}," FORM "}",
				      &r),
			 201);
	json_t *ap = json_object_get(r.json, "applicant");
	assert_string_equal(jstr(ap, "phone"), "0912345678");
	assert_string_equal(jstr(ap, "email"), "an.nguyen@example.vn");
	assert_string_equal(jstr(ap, "address"), "5 Nguyễn Huệ");
	mc_http_res_free(&r);
}

static void wrong_types_are_named(void **state)
{
	(void)state;
	const char *ret[] = {"return_method", NULL};
	refused(&cit, "/api/v1/dossiers", "{\"procedure_code\":\"1.004873\",\"return_method\":1," FORM "}", ret);
	const char *ap[] = {"applicant", NULL};
	refused(&cit, "/api/v1/dossiers", "{\"procedure_code\":\"1.004873\",\"applicant\":5," FORM "}", ap);
	const char *apf[] = {"applicant.phone", NULL};
	refused(&cit, "/api/v1/dossiers",
		"{\"procedure_code\":\"1.004873\",\"applicant\":{\"phone\":912345678}," FORM "}", apf);
	const char *form[] = {"form", NULL};
	refused(&cit, "/api/v1/dossiers", "{\"procedure_code\":\"1.004873\",\"form\":\"all of it\"}", form);
	const char *code[] = {"procedure_code", NULL};
	refused(&cit, "/api/v1/dossiers", "{\"procedure_code\":1004873," FORM "}", code);
	const char *ag[] = {"agency_id", NULL};
	refused(&cit, "/api/v1/dossiers", "{\"procedure_code\":\"1.004873\",\"agency_id\":\"7\"," FORM "}", ag);
	const char *papers[] = {"papers", NULL};
	refused(&cit, "/api/v1/dossiers", "{\"procedure_code\":\"1.004873\",\"papers\":{\"TK\":1}," FORM "}", papers);
	/* several at once, each named */
	const char *two[] = {"return_method", "competent_agency_id", NULL};
	refused(&cit, "/api/v1/dossiers",
		"{\"procedure_code\":\"1.004873\",\"return_method\":true,\"competent_agency_id\":\"x\"," FORM "}", two);
}

static void counter_intake_is_checked_the_same(void **state)
{
	(void)state;
	struct mc_conn *c;
	int64_t counter = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query_int64(c, &counter, "SELECT id FROM counters WHERE code = ?", "t", "Q-P26740-01"), 0);
	mc_db_release(c);
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter);
	const char *both[] = {"applicant.phone", "applicant.email", NULL};
	refused_as(&clerk, path,
		   "{\"procedure_code\":\"1.004873\",\"applicant\":{\"full_name\":\"Nguyễn Văn "
		   "An\",\"id_number\":\"079203001234\","
		   "\"phone\":\"not-a-phone\",\"email\":\"<b>x</b>\"}," FORM "}",
		   both, 1);
	const char *ap[] = {"applicant", NULL};
	refused(&clerk, path, "{\"procedure_code\":\"1.004873\",\"applicant\":[\"Nguyễn Văn An\"]," FORM "}", ap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(online_contact_corrections_are_checked),
		cmocka_unit_test(wrong_types_are_named),
		cmocka_unit_test(counter_intake_is_checked_the_same),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_supplement.c - the papers an applicant hands in after a supplement
 * request are checked as at submission: the old form updated with the new
 * values must match the procedure's schema.  An unknown field, a value of
 * the wrong type or too long, a choice not offered, a required field
 * cleared, or an attachment that is not the SHA-256 of an uploaded file is
 * refused with 422 naming the field ("form.<name>"), and nothing changes
 * (form, status, version, extra, events, outbox).  A valid supplement
 * merges the values: after receipt back to in_progress, before it back to
 * submitted, with supplied_at set.  Procedure 1.004873 (marital status,
 * attachment field divorce_scan), citizen An, ward 26740; the server runs
 * on Tue 2027-03-02 09:00 so that a request during processing is in time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "server.h"
#include "testdb.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static const char *PW = "motcua2026";

static char S1_NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* Tuesday */

static const char *CIT = "079203001234";
static const char *BODY3 =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết hôn\"}}";

static struct mc_http_session cit, clerk, spec;

/* E: received, then asked for papers by the specialist; D: asked for
 * papers by the clerk before receipt.  pdf_sha: an uploaded file. */
static char E[80], D[80], pdf_sha[65];

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {S1_NOW, NULL};
	mc_test_server_start(&srv, db_url, env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

static void login_at(struct mc_http_session *s, const char *user)
{
	mc_http_session_init(s, srv.base);
	assert_int_equal(mc_http_login(s, user, PW, 1), 200);
}

static const char *jstr(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static long jint(json_t *o, const char *k) { return (long)json_integer_value(json_object_get(o, k)); }

/* ---- the dossier row, read straight from the database ---- */

struct row {
	char status[32];
	long version;
	int64_t updated_at, events, outbox;
	char *form, *extra; /* malloc'd */
};

static void row_read(const char *code, struct row *w)
{
	struct mc_conn *c;
	struct mc_stmt *s;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query(c, &s, "SELECT status, version, updated_at, form_data, extra FROM dossiers WHERE code = ?",
				  "t", code),
			 0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	snprintf(w->status, sizeof(w->status), "%s", mc_col_text(s, 0));
	w->version = (long)mc_col_int64(s, 1);
	w->updated_at = mc_col_int64(s, 2);
	w->form = strdup(mc_col_text(s, 3));
	w->extra = strdup(mc_col_text(s, 4));
	mc_stmt_done(s);
	assert_int_equal(mc_query_int64(c, &w->events,
					"SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id"
					" WHERE d.code = ? AND e.action <> 'view'",
					"t", code),
			 0);
	assert_int_equal(mc_query_int64(c, &w->outbox,
					"SELECT COUNT(*) FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE d.code = ?",
					"t", code),
			 0);
	mc_db_release(c);
}

static void row_free(struct row *w)
{
	free(w->form);
	free(w->extra);
}

static json_t *form_of(const char *code)
{
	struct row w;
	row_read(code, &w);
	json_error_t je;
	json_t *f = json_loads(w.form, 0, &je);
	row_free(&w);
	assert_non_null(f);
	return f;
}

/* ---- HTTP helpers ---- */

static long act(struct mc_http_session *s, const char *code, const char *action, long version, const char *body,
		struct mc_http_res *r)
{
	char path[256], im[40];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions/%s", code, action);
	snprintf(im, sizeof(im), "If-Match: \"v%ld\"", version);
	const char *h[] = {im, NULL};
	assert_int_equal(mc_http_do(s, "POST", path, body ? body : "{}", h, r), 0);
	return r->status;
}

/* An allowed action with the current version: 200, status to, version + 1. */
static void allow(struct mc_http_session *s, const char *code, const char *action, const char *body, const char *to,
		  struct mc_http_res *out)
{
	struct row w;
	row_read(code, &w);
	struct mc_http_res r;
	long got = act(s, code, action, w.version, body, &r);
	if (got != 200)
		fail_msg("%s on %s (%s): want 200, got %ld: %s", action, code, w.status, got, r.body);
	assert_string_equal(jstr(r.json, "status"), to);
	assert_int_equal(jint(r.json, "version"), w.version + 1);
	row_free(&w);
	if (out)
		*out = r;
	else
		mc_http_res_free(&r);
}

/* A supplement refused with 422 naming exactly the fields want (n of
 * them, nothing else: the old values pass), and nothing changed. */
static void refuse(struct mc_http_session *s, const char *code, const char *body, const char *const *want, size_t n)
{
	struct row a, b;
	row_read(code, &a);
	struct mc_http_res r;
	long got = act(s, code, "supplement", a.version, body, &r);
	if (got != 422)
		fail_msg("supplement %s on %s: want 422, got %ld: %s", body, code, got, r.body);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "problem+json"));
	assert_string_equal(jstr(r.json, "code"), "validation_failed");
	json_t *errors = json_object_get(r.json, "errors");
	if (json_array_size(errors) != n)
		fail_msg("supplement %s: want %zu field errors, got %s", body, n, r.body);
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		size_t k;
		json_t *e;
		json_array_foreach(errors, k, e) found |= strcmp(jstr(e, "field"), want[i]) == 0;
		if (!found)
			fail_msg("supplement %s: no error for %s in %s", body, want[i], r.body);
	}
	mc_http_res_free(&r);
	/* nothing changed */
	row_read(code, &b);
	assert_string_equal(b.status, a.status);
	assert_int_equal(b.version, a.version);
	assert_int_equal(b.updated_at, a.updated_at);
	assert_string_equal(b.form, a.form);
	assert_string_equal(b.extra, a.extra);
	assert_int_equal(b.events, a.events);
	assert_int_equal(b.outbox, a.outbox);
	row_free(&a);
	row_free(&b);
}

static void refuse1(struct mc_http_session *s, const char *code, const char *body, const char *field)
{
	const char *want[] = {field};
	refuse(s, code, body, want, 1);
}

/* ---------------- the tests ---------------- */

static void prepare(void **state)
{
	(void)state;
	login_at(&cit, CIT);
	login_at(&clerk, "tiepnhan.p26740");
	login_at(&spec, "chuyenvien.p26740");
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", BODY3, &r), 201);
	snprintf(E, sizeof(E), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", BODY3, &r), 201);
	snprintf(D, sizeof(D), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	allow(&clerk, E, "receive", NULL, "in_progress", NULL);
	allow(&spec, E, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested", NULL);
	allow(&clerk, D, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested", NULL);
	/* a file the applicant uploads */
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
	char url[200], auth[200];
	snprintf(url, sizeof(url), "%s/api/v1/files", srv.base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", cit.token);
	const char *h[] = {auth, "Content-Type: application/octet-stream", NULL};
	assert_int_equal(mc_http_raw("POST", url, pdf, h, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(pdf_sha, sizeof(pdf_sha), "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
	assert_int_equal(strlen(pdf_sha), 64);
}

static void unknown_fields(void **state)
{
	(void)state;
	refuse1(&cit, E, "{\"form\":{\"nope\":\"x\"}}", "form.nope");
	refuse1(&cit, E, "{\"form\":{\"is_admin\":true}}", "form.is_admin");
	/* a valid value does not carry an unknown one in */
	refuse1(&cit, E, "{\"form\":{\"purpose\":\"Kết hôn lần hai\",\"extra_notes\":\"x\"}}", "form.extra_notes");
	/* the clerk's hand-in is checked the same */
	refuse1(&clerk, E, "{\"form\":{\"nope\":1}}", "form.nope");
	/* and before receipt */
	refuse1(&cit, D, "{\"form\":{\"nope\":\"x\"}}", "form.nope");
}

static void wrong_values(void **state)
{
	(void)state;
	/* types */
	refuse1(&cit, E, "{\"form\":{\"purpose\":42}}", "form.purpose");
	refuse1(&cit, E, "{\"form\":{\"purpose\":{\"a\":1}}}", "form.purpose");
	refuse1(&cit, E, "{\"form\":{\"full_name\":[\"An\"]}}", "form.full_name");
	/* purpose has at most 200 characters */
	char body[1024];
	size_t k = (size_t)snprintf(body, sizeof(body), "{\"form\":{\"purpose\":\"");
	for (int i = 0; i < 201; i++)
		body[k++] = 'x';
	snprintf(body + k, sizeof(body) - k, "\"}}");
	refuse1(&cit, E, body, "form.purpose");
	/* formats, choices, units */
	refuse1(&cit, E, "{\"form\":{\"birth_date\":\"2003-02-30\"}}", "form.birth_date");
	refuse1(&cit, E, "{\"form\":{\"marital_status\":\"complicated\"}}", "form.marital_status");
	refuse1(&cit, E, "{\"form\":{\"residence_unit\":\"99999\"}}", "form.residence_unit");
	refuse1(&cit, E, "{\"form\":{\"id_number\":\"12345\"}}", "form.id_number");
	/* a required field cannot be cleared by the merge */
	refuse1(&cit, E, "{\"form\":{\"full_name\":null}}", "form.full_name");
	refuse1(&cit, E, "{\"form\":{\"full_name\":\"\"}}", "form.full_name");
	/* several at once: each named */
	const char *want[] = {"form.nope", "form.purpose", "form.marital_status"};
	refuse(&cit, E, "{\"form\":{\"nope\":1,\"purpose\":7,\"marital_status\":\"x\"}}", want, 3);
	/* the form itself must be an object */
	refuse1(&cit, E, "{\"form\":[1]}", "form");
	refuse1(&cit, E, "{\"form\":\"x\"}", "form");
}

static void attachments_must_be_uploaded(void **state)
{
	(void)state;
	/* a well-formed SHA-256 that no upload produced */
	refuse1(&cit, E, "{\"form\":{\"divorce_scan\":\"0000000000000000000000000000000000000000000000000000000000000000\"}}",
		"form.divorce_scan");
	/* not a SHA-256 at all: a path, a URL, upper-case hex */
	refuse1(&cit, E, "{\"form\":{\"divorce_scan\":\"../../etc/passwd\"}}", "form.divorce_scan");
	refuse1(&cit, E, "{\"form\":{\"divorce_scan\":\"https://example.com/x.pdf\"}}", "form.divorce_scan");
	char upper[65], body[256];
	for (int i = 0; i < 64; i++)
		upper[i] = (char)(pdf_sha[i] >= 'a' && pdf_sha[i] <= 'f' ? pdf_sha[i] - 'a' + 'A' : pdf_sha[i]);
	upper[64] = '\0';
	if (strcmp(upper, pdf_sha) != 0) {
		snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\"}}", upper);
		refuse1(&cit, E, body, "form.divorce_scan");
	}
	refuse1(&cit, E, "{\"form\":{\"divorce_scan\":123}}", "form.divorce_scan");
	/* a real upload next to a bad value: still all or nothing */
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\",\"purpose\":false}}", pdf_sha);
	refuse1(&cit, E, body, "form.purpose");
	json_t *f = form_of(E);
	assert_null(json_object_get(f, "divorce_scan"));
	json_decref(f);
}

static void valid_supplement(void **state)
{
	(void)state;
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"form\":{\"divorce_scan\":\"%s\",\"marital_status\":\"divorced\",\"purpose\":\"Kết hôn lần hai\"}}", pdf_sha);
	struct row a, b;
	row_read(E, &a);
	struct mc_http_res r;
	allow(&cit, E, "supplement", body, "in_progress", &r);
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	row_read(E, &b);
	assert_string_equal(b.status, "in_progress");
	assert_int_equal(b.version, a.version + 1);
	assert_int_equal(b.events, a.events + 1);
	assert_int_equal(b.outbox, a.outbox + 1);
	row_free(&a);
	row_free(&b);
	/* the new values merged into the old */
	json_t *f = form_of(E);
	assert_string_equal(jstr(f, "divorce_scan"), pdf_sha);
	assert_string_equal(jstr(f, "marital_status"), "divorced");
	assert_string_equal(jstr(f, "purpose"), "Kết hôn lần hai");
	assert_string_equal(jstr(f, "full_name"), "Nguyễn Văn An");
	assert_string_equal(jstr(f, "residence_unit"), "26740");
	assert_int_equal(json_object_size(f), 7);
	json_decref(f);
	/* the applicant reads it back */
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", E);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "form"), "divorce_scan"), pdf_sha);
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);

	/* before receipt: back to submitted */
	allow(&cit, D, "supplement", "{\"form\":{\"purpose\":\"Đi làm việc ở nước ngoài\"}}", "submitted", &r);
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	f = form_of(D);
	assert_string_equal(jstr(f, "purpose"), "Đi làm việc ở nước ngoài");
	assert_string_equal(jstr(f, "marital_status"), "single");
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prepare),
		cmocka_unit_test(unknown_fields),
		cmocka_unit_test(wrong_values),
		cmocka_unit_test(attachments_must_be_uploaded),
		cmocka_unit_test(valid_supplement),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

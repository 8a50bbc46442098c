/*
 * test_supplement.c - the papers an applicant hands in after a supplement
 * request, and who may attach which uploaded file.
 *
 * A supplement adds papers only: its form may set the procedure's
 * attachment fields and nothing else, so that the declaration (name, ID
 * number, marital status, purpose...) stays as submitted; any other key,
 * known or not, valid or not, is refused with 422 on "form.<key>".  The
 * attachments are checked as at submission.  A file is named by its
 * SHA-256, which is no secret, so a form (online submission, counter
 * intake, supplement) accepts a file only from the user who uploaded it,
 * or - in a supplement - the value the field already has; another user's
 * file is refused with the very message of a file never uploaded, and
 * cannot then be read through one's own dossier.  Every refusal changes
 * nothing (form, status, version, extra, events, outbox; no dossier
 * created).  A valid supplement merges the files: after receipt back to
 * in_progress, before it back to submitted, with supplied_at set.  The
 * papers are asked for once per stage (at reception, during processing):
 * a second request at the same stage is 409 and every notice is kept in
 * the dossier's "supplements".  Uploads
 * are stored once per content and recorded once per user.  Procedure
 * 1.004873 (marital status, attachment field divorce_scan); citizens An
 * (ward 26740) and Bình (ward 26743); the server runs on Tue 2027-03-02
 * 09:00 so that a request during processing is in time.
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

static char S1_NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* Tuesday */

static const char *CIT = "079203001234", *CIT2 = "079185176822";
static const char *FORM3 =
	"\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\",\"birth_date\":\"2003-05-14\","
	"\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết hôn\"";
/* Bình's form, with a file in divorce_scan (%s) */
static const char *FORM3_B =
	"\"form\":{\"full_name\":\"Trần Thị Bình\",\"id_number\":\"079185176822\",\"birth_date\":\"1985-11-02\","
	"\"residence_unit\":\"26743\",\"marital_status\":\"divorced\",\"purpose\":\"Kết hôn\",\"divorce_scan\":\"%s\"";

static const char *NOT_UPLOADED_VI = "Tệp đính kèm chưa được tải lên",
		  *NOT_UPLOADED_EN = "The attachment was not uploaded";
static const char *PAPERS_ONLY_VI = "Chỉ bổ sung giấy tờ đính kèm; không sửa được nội dung tờ khai";
static const char *PAPERS_ONLY_EN = "A supplement adds papers only; the declaration cannot be changed";

/* An and Bình, the ward 26740's clerk and specialist, the ward 26743's clerk */
static struct mc_http_session cit, cit2, clerk, spec, clerk2;

/* Files uploaded by An (pdf_sha), Bình (b_sha) and An's ward clerk
 * (clerk_sha), in the group set-up. */
static char pdf_sha[65], b_sha[65], clerk_sha[65];

static const char PDF_A[] = MC_TEST_PDF("the declaration");
static const char PDF_B[] = MC_TEST_PDF("Bình's divorce decision");
static const char PDF_CLERK[] = MC_TEST_PDF("scanned at the counter");

static void upload(struct mc_http_session *s, const char *bytes, char sha[65]);

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {S1_NOW, NULL};
	mc_test_server_start(&srv, db_url, env);
	mc_http_login_as(&cit, srv.base, CIT);
	mc_http_login_as(&cit2, srv.base, CIT2);
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&clerk2, srv.base, "tiepnhan.p26743");
	upload(&cit, PDF_A, pdf_sha);
	upload(&cit2, PDF_B, b_sha);
	upload(&clerk, PDF_CLERK, clerk_sha);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
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
	assert_int_equal(mc_query(c, &s,
				  "SELECT status, version, updated_at, form_data, extra FROM dossiers WHERE code = ?",
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
	assert_int_equal(
		mc_query_int64(c, &w->outbox,
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

/* A count from the database with one text parameter. */
static int64_t sql_count(const char *sql, const char *arg)
{
	struct mc_conn *c;
	int64_t n = -1;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &n, sql, "t", arg);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return n;
}

static int64_t dossiers_total(void)
{
	return sql_count("SELECT COUNT(*) FROM dossiers WHERE CAST(? AS TEXT) IS NOT NULL", "x");
}

/* Has user (ID number or user name) an upload row for sha? */
static int uploaded_by(const char *sha, const char *user)
{
	struct mc_conn *c;
	int64_t n = -1;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &n,
				"SELECT COUNT(*) FROM uploads p JOIN users u ON u.id = p.user_id"
				" WHERE p.sha256 = ? AND (u.id_number = ? OR u.username = ?)",
				"ttt", sha, user, user);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	assert_true(n == 0 || n == 1);
	return n == 1;
}

/* ---- HTTP helpers ---- */

/* Upload bytes (a string) as session s, by bearer token: 201, the SHA-256
 * to sha. */
static void upload(struct mc_http_session *s, const char *bytes, char sha[65])
{
	char url[200], auth[200];
	snprintf(url, sizeof(url), "%s/api/v1/files", srv.base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", s->token);
	const char *h[] = {auth, "Content-Type: application/octet-stream", NULL};
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("POST", url, bytes, h, &r), 0);
	if (r.status != 201)
		fail_msg("upload: want 201, got %ld: %s", r.status, r.body);
	snprintf(sha, 65, "%s", jstr(r.json, "sha256"));
	assert_int_equal(strlen(sha), 64);
	assert_int_equal(json_integer_value(json_object_get(r.json, "size")), (json_int_t)strlen(bytes));
	mc_http_res_free(&r);
}

/* GET a dossier's file as s: the status (the bytes must be want's when 200). */
static long download(struct mc_http_session *s, const char *code, const char *sha, const char *want)
{
	char path[300];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%s", code, sha);
	struct mc_http_res r;
	long st = mc_http_get(s, path, &r);
	if (st == 200) {
		assert_non_null(want);
		assert_int_equal(r.len, strlen(want));
		assert_memory_equal(r.body, want, r.len);
	} else {
		assert_string_equal(jstr(r.json, "code"), "not_found");
	}
	mc_http_res_free(&r);
	return st;
}

/* The field error of r for field must carry these messages. */
static void assert_message(struct mc_http_res *r, const char *field, const char *vi, const char *en)
{
	size_t k;
	json_t *e;
	json_array_foreach(json_object_get(r->json, "errors"), k, e) {
		if (strcmp(jstr(e, "field"), field) != 0)
			continue;
		assert_string_equal(jstr(e, "message_vi"), vi);
		assert_string_equal(jstr(e, "message_en"), en);
		return;
	}
	fail_msg("no error for %s in %s", field, r->body);
}

/* An allowed action with the current version: 200, status to, version + 1. */
static void allow(struct mc_http_session *s, const char *code, const char *action, const char *body, const char *to,
		  struct mc_http_res *out)
{
	struct row w;
	row_read(code, &w);
	struct mc_http_res r;
	long got = mc_http_act_v(s, code, action, w.version, body, &r);
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

/* The applicant's answer (body) to the latest notice, which waits for the
 * check: then checker finds every item in hand, and the dossier is to. */
static void answer_checked(struct mc_http_session *s, const char *code, const char *body,
			   struct mc_http_session *checker, const char *to)
{
	allow(s, code, "supplement", body, "supplement_requested", NULL);
	allow(checker, code, "check_supplement", "{\"items\":[{\"no\":1,\"received\":true}]}", to, NULL);
}

/* A supplement refused with 422 naming exactly the fields want (n of
 * them, nothing else: the old values pass), each with the messages vi / en
 * unless NULL, and nothing changed. */
static void refuse_as(struct mc_http_session *s, const char *code, const char *body, const char *const *want, size_t n,
		      const char *vi, const char *en)
{
	struct row a, b;
	row_read(code, &a);
	struct mc_http_res r;
	long got = mc_http_act_v(s, code, "supplement", a.version, body, &r);
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
		json_array_foreach(errors, k, e)
			found |= strcmp(jstr(e, "field"), want[i]) == 0;
		if (!found)
			fail_msg("supplement %s: no error for %s in %s", body, want[i], r.body);
		if (vi)
			assert_message(&r, want[i], vi, en);
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

static void refuse(struct mc_http_session *s, const char *code, const char *body, const char *const *want, size_t n)
{
	refuse_as(s, code, body, want, n, NULL, NULL);
}

static void refuse1(struct mc_http_session *s, const char *code, const char *body, const char *field)
{
	const char *want[] = {field};
	refuse(s, code, body, want, 1);
}

/* Refused because the keys want are not attachment fields. */
static void refuse_declaration(struct mc_http_session *s, const char *code, const char *body, const char *const *want,
			       size_t n)
{
	refuse_as(s, code, body, want, n, PAPERS_ONLY_VI, PAPERS_ONLY_EN);
}

static void refuse_declaration1(struct mc_http_session *s, const char *code, const char *body, const char *field)
{
	const char *want[] = {field};
	refuse_declaration(s, code, body, want, 1);
}

/* Refused with the message of a file never uploaded, on form.divorce_scan. */
static void refuse_file(struct mc_http_session *s, const char *code, const char *sha)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\"}}", sha);
	const char *want[] = {"form.divorce_scan"};
	refuse_as(s, code, body, want, 1, NOT_UPLOADED_VI, NOT_UPLOADED_EN);
}

/* A submission refused with 422 on form.divorce_scan as never uploaded,
 * and no dossier created. */
static void refuse_submit(struct mc_http_session *s, const char *path, const char *body)
{
	int64_t before = dossiers_total();
	struct mc_http_res r;
	long got = mc_http_post(s, path, body, &r);
	if (got != 422)
		fail_msg("submission %s: want 422, got %ld: %s", body, got, r.body);
	assert_string_equal(jstr(r.json, "code"), "validation_failed");
	assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 1);
	assert_message(&r, "form.divorce_scan", NOT_UPLOADED_VI, NOT_UPLOADED_EN);
	mc_http_res_free(&r);
	assert_int_equal(dossiers_total(), before);
}

/* ---------------- the tests ---------------- */

static void submit(struct mc_http_session *s, const char *body, char code[80])
{
	struct mc_http_res r;
	long got = mc_http_post(s, "/api/v1/dossiers", body, &r);
	if (got != 201)
		fail_msg("submission: want 201, got %ld: %s", got, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

/* An's dossier, received, then asked for papers by the specialist. */
static void asked_in_processing(char code[80])
{
	char body[1024];
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}}", FORM3);
	submit(&cit, body, code);
	allow(&clerk, code, "receive", NULL, "in_progress", NULL);
	allow(&spec, code, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested",
	      NULL);
}

/* An's dossier, asked for papers by the clerk before receipt. */
static void asked_at_reception(char code[80])
{
	char body[1024];
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}}", FORM3);
	submit(&cit, body, code);
	allow(&clerk, code, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested",
	      NULL);
}

/* Bình's dossier, with a file of her own (b_sha), asked for papers before
 * receipt by her ward's clerk. */
static void binh_asked_at_reception(char code[80])
{
	char body[1024], form_b[600];
	snprintf(form_b, sizeof(form_b), FORM3_B, b_sha);
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}}", form_b);
	submit(&cit2, body, code);
	allow(&clerk2, code, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested",
	      NULL);
}

static void uploads_per_user(void **state)
{
	(void)state;
	/* each upload is recorded as its uploader's, and only theirs */
	assert_true(uploaded_by(pdf_sha, CIT));
	assert_false(uploaded_by(pdf_sha, CIT2));
	assert_false(uploaded_by(pdf_sha, "tiepnhan.p26740"));
	assert_true(uploaded_by(b_sha, CIT2));
	assert_false(uploaded_by(b_sha, CIT));
	assert_true(uploaded_by(clerk_sha, "tiepnhan.p26740"));
	assert_false(uploaded_by(clerk_sha, CIT));
	/* the same bytes again: the same file, nothing added */
	char again[65];
	upload(&cit, PDF_A, again);
	assert_string_equal(again, pdf_sha);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM uploads WHERE sha256 = ?", pdf_sha), 1);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM blobs WHERE sha256 = ?", pdf_sha), 1);
	/* the same bytes from two users: stored once, recorded for each */
	static const char shared[] = MC_TEST_PDF("the same form, printed by both");
	char s1[65], s2[65];
	upload(&cit, shared, s1);
	upload(&cit2, shared, s2);
	assert_string_equal(s1, s2);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM blobs WHERE sha256 = ?", s1), 1);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM uploads WHERE sha256 = ?", s1), 2);
	assert_true(uploaded_by(s1, CIT));
	assert_true(uploaded_by(s1, CIT2));
}

static void declaration_stays(void **state)
{
	(void)state;
	char E[80], D[80];
	asked_in_processing(E);
	asked_at_reception(D);
	/* valid values of the declaration's fields: none may be supplemented */
	refuse_declaration1(&cit, E, "{\"form\":{\"full_name\":\"Nguyễn Văn Bình\"}}", "form.full_name");
	refuse_declaration1(&cit, E, "{\"form\":{\"id_number\":\"079185176822\"}}", "form.id_number");
	refuse_declaration1(&cit, E, "{\"form\":{\"marital_status\":\"divorced\"}}", "form.marital_status");
	refuse_declaration1(&cit, E, "{\"form\":{\"purpose\":\"Kết hôn lần hai\"}}", "form.purpose");
	refuse_declaration1(&cit, E, "{\"form\":{\"birth_date\":\"2003-05-15\"}}", "form.birth_date");
	refuse_declaration1(&cit, E, "{\"form\":{\"residence_unit\":\"26743\"}}", "form.residence_unit");
	/* the reviewer's case: name, ID number and marital status at once */
	const char *three[] = {"form.full_name", "form.id_number", "form.marital_status"};
	refuse_declaration(&cit, E,
			   "{\"form\":{\"full_name\":\"Trần Văn C\",\"id_number\":\"079185176822\","
			   "\"marital_status\":\"married\"}}",
			   three, 3);
	/* not even the value it already has, nor clearing one */
	refuse_declaration1(&cit, E, "{\"form\":{\"full_name\":\"Nguyễn Văn An\"}}", "form.full_name");
	refuse_declaration1(&cit, E, "{\"form\":{\"full_name\":null}}", "form.full_name");
	refuse_declaration1(&cit, E, "{\"form\":{\"full_name\":\"\"}}", "form.full_name");
	/* fields the procedure does not have */
	refuse_declaration1(&cit, E, "{\"form\":{\"nope\":\"x\"}}", "form.nope");
	refuse_declaration1(&cit, E, "{\"form\":{\"is_admin\":true}}", "form.is_admin");
	/* a valid file does not carry a declaration field in */
	char body[512];
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\",\"marital_status\":\"divorced\"}}", pdf_sha);
	refuse_declaration1(&cit, E, body, "form.marital_status");
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\",\"purpose\":false}}", pdf_sha);
	refuse_declaration1(&cit, E, body, "form.purpose");
	/* several at once: each named */
	const char *want[] = {"form.nope", "form.purpose", "form.marital_status"};
	refuse_declaration(&cit, E, "{\"form\":{\"nope\":1,\"purpose\":7,\"marital_status\":\"x\"}}", want, 3);
	/* the clerk's hand-in is held to the same; and before receipt */
	refuse_declaration1(&clerk, E, "{\"form\":{\"purpose\":\"Kết hôn lần hai\"}}", "form.purpose");
	refuse_declaration1(&cit, D, "{\"form\":{\"purpose\":\"Đi làm việc ở nước ngoài\"}}", "form.purpose");
	refuse_declaration1(&clerk, D, "{\"form\":{\"nope\":1}}", "form.nope");
	/* the form itself must be an object */
	refuse1(&cit, E, "{\"form\":[1]}", "form");
	refuse1(&cit, E, "{\"form\":\"x\"}", "form");
	json_t *f = form_of(E);
	assert_string_equal(jstr(f, "full_name"), "Nguyễn Văn An");
	assert_string_equal(jstr(f, "marital_status"), "single");
	assert_null(json_object_get(f, "divorce_scan"));
	json_decref(f);
}

static void attachments_must_be_uploaded(void **state)
{
	(void)state;
	char E[80];
	asked_in_processing(E);
	/* a well-formed SHA-256 that no upload produced */
	refuse_file(&cit, E, "0000000000000000000000000000000000000000000000000000000000000000");
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
	/* a supplement hands a file in: no empty value */
	refuse1(&cit, E, "{\"form\":{\"divorce_scan\":null}}", "form.divorce_scan");
	refuse1(&cit, E, "{\"form\":{\"divorce_scan\":\"\"}}", "form.divorce_scan");
	json_t *f = form_of(E);
	assert_null(json_object_get(f, "divorce_scan"));
	json_decref(f);
}

static void others_files(void **state)
{
	(void)state;
	char E[80], D[80], B[80];
	asked_in_processing(E);
	asked_at_reception(D);
	binh_asked_at_reception(B);
	/* Bình has seen An's file's hash (in a link, a log): she cannot attach
	 * it to her own dossier - told exactly as if it did not exist - and so
	 * cannot read it from there */
	refuse_file(&cit2, B, pdf_sha);
	assert_int_equal(download(&cit2, B, pdf_sha, NULL), 404);
	/* nor An hers or the clerk's, nor the clerk An's: each their own */
	refuse_file(&cit, E, b_sha);
	refuse_file(&cit, E, clerk_sha);
	refuse_file(&clerk, E, pdf_sha);
	refuse_file(&cit, D, b_sha);
	refuse_file(&clerk, D, pdf_sha);
	json_t *f = form_of(B);
	assert_string_equal(jstr(f, "divorce_scan"), b_sha);
	json_decref(f);
	/* a file of her own she may hand in, and read back; An's still not */
	static const char second[] = MC_TEST_PDF("Bình's second scan");
	char own[65], body[256];
	upload(&cit2, second, own);
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\"}}", own);
	struct mc_http_res r;
	allow(&cit2, B, "supplement", body, "supplement_requested", &r);
	assert_string_equal(jstr(json_object_get(r.json, "form"), "divorce_scan"), own);
	mc_http_res_free(&r);
	allow(&clerk2, B, "check_supplement", "{\"items\":[{\"no\":1,\"received\":true}]}", "submitted", NULL);
	assert_int_equal(download(&cit2, B, own, second), 200);
	assert_int_equal(download(&cit2, B, pdf_sha, NULL), 404);
	assert_int_equal(download(&clerk2, B, own, second), 200);
}

/* A new dossier of An's (no file yet), asked for papers at reception by
 * the clerk and supplied by An with body, received, then asked for papers
 * again during processing by the specialist: one notice per stage. */
static void asked_twice(const char *body, char code[80])
{
	char sub[1024];
	snprintf(sub, sizeof(sub), "{\"procedure_code\":\"1.004873\",%s}}", FORM3);
	submit(&cit, sub, code);
	allow(&clerk, code, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested",
	      NULL);
	if (strcmp(body, "{\"form\":{}}") == 0) /* nothing new: the clerk has it in hand */
		allow(&clerk, code, "supplement", body, "submitted", NULL);
	else
		answer_checked(&cit, code, body, &clerk, "submitted");
	allow(&clerk, code, "receive", NULL, "in_progress", NULL);
	allow(&spec, code, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested",
	      NULL);
}

/* Asked again at a stage that had its notice: 409, nothing changed. */
static void once_per_stage(struct mc_http_session *s, const char *code)
{
	struct row a, b;
	row_read(code, &a);
	struct mc_http_res r;
	long got = mc_http_act_v(s, code, "request_supplement", a.version, "{\"items\":[\"Giấy tờ khác\"]}", &r);
	if (got != 409)
		fail_msg("second request on %s: want 409, got %ld: %s", code, got, r.body);
	assert_message(&r, "items",
		       "Đã gửi phiếu yêu cầu bổ sung (Mẫu 02) ở bước này: chỉ hướng dẫn một lần, đầy đủ. "
		       "Nếu hồ sơ vẫn chưa đủ, hãy từ chối (Mẫu 03)",
		       "A request for papers (form 02) was already issued at this stage: the applicant is guided once, "
		       "listing everything. If the dossier is still incomplete, refuse it (form 03)");
	mc_http_res_free(&r);
	row_read(code, &b);
	assert_int_equal(b.version, a.version);
	assert_string_equal(b.extra, a.extra);
	assert_int_equal(b.events, a.events);
	row_free(&a);
	row_free(&b);
}

static void valid_supplement(void **state)
{
	(void)state;
	char E[80], D[80];
	asked_in_processing(E);
	asked_at_reception(D);
	char body[512];
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\"}}", pdf_sha);
	struct row a, b;
	row_read(E, &a);
	struct mc_http_res r;
	allow(&cit, E, "supplement", body, "supplement_requested", &r);
	assert_null(json_object_get(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	row_read(E, &b);
	assert_string_equal(b.status, "supplement_requested");
	assert_int_equal(b.version, a.version + 1);
	assert_int_equal(b.events, a.events + 1);
	assert_int_equal(b.outbox, a.outbox + 1);
	row_free(&a);
	row_free(&b);
	/* the specialist finds it complete: the time starts again */
	allow(&spec, E, "check_supplement", "{\"items\":[{\"no\":1,\"received\":true}]}", "in_progress", &r);
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	/* the file merged into the form, the declaration as it was */
	json_t *f = form_of(E);
	assert_string_equal(jstr(f, "divorce_scan"), pdf_sha);
	assert_string_equal(jstr(f, "marital_status"), "single");
	assert_string_equal(jstr(f, "purpose"), "Kết hôn");
	assert_string_equal(jstr(f, "full_name"), "Nguyễn Văn An");
	assert_string_equal(jstr(f, "residence_unit"), "26740");
	assert_int_equal(json_object_size(f), 7);
	json_decref(f);
	/* the applicant reads it back, and the file */
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", E);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	assert_string_equal(jstr(json_object_get(r.json, "form"), "divorce_scan"), pdf_sha);
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	assert_int_equal(download(&cit, E, pdf_sha, PDF_A), 200);

	/* the specialist's notice was the one of processing */
	once_per_stage(&spec, E);

	/* asked again at the next stage: the file the dossier already names
	 * may be sent again, by the applicant who uploaded it or by the clerk
	 * who did not */
	char G[80], H[80];
	asked_twice(body, G);
	answer_checked(&cit, G, body, &spec, "in_progress");
	asked_twice(body, H);
	allow(&clerk, H, "supplement", body, "in_progress", NULL);
	f = form_of(H);
	assert_string_equal(jstr(f, "divorce_scan"), pdf_sha);
	json_decref(f);
	/* both notices are kept, each with its list, stage and time supplied */
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", H);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	json_t *all = json_object_get(r.json, "supplements");
	assert_int_equal(json_array_size(all), 2);
	assert_string_equal(jstr(json_array_get(all, 0), "stage"), "reception");
	assert_string_equal(jstr(json_array_get(all, 1), "stage"), "processing");
	assert_int_equal(jint(json_array_get(all, 1), "no"), 2);
	assert_non_null(jstr(json_array_get(all, 0), "supplied_at"));
	assert_non_null(jstr(json_array_get(all, 1), "supplied_at"));
	mc_http_res_free(&r);

	/* before receipt, the clerk hands in a file the clerk scanned: back to
	 * submitted */
	snprintf(body, sizeof(body), "{\"form\":{\"divorce_scan\":\"%s\"}}", clerk_sha);
	allow(&clerk, D, "supplement", body, "submitted", &r);
	assert_non_null(jstr(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	f = form_of(D);
	assert_string_equal(jstr(f, "divorce_scan"), clerk_sha);
	assert_string_equal(jstr(f, "purpose"), "Kết hôn");
	json_decref(f);
	assert_int_equal(download(&cit, D, clerk_sha, PDF_CLERK), 200);
	/* received and asked again: the applicant may keep the clerk's file
	 * (which she may not attach anywhere else, see others_files) */
	once_per_stage(&clerk, D);
	allow(&clerk, D, "receive", NULL, "in_progress", NULL);
	allow(&spec, D, "request_supplement", "{\"items\":[\"Bản sao giấy tờ ly hôn\"]}", "supplement_requested", NULL);
	answer_checked(&cit, D, body, &spec, "in_progress");
	f = form_of(D);
	assert_string_equal(jstr(f, "divorce_scan"), clerk_sha);
	json_decref(f);
	once_per_stage(&spec, D);
	/* and an empty form hands in nothing new */
	char K[80];
	asked_twice("{\"form\":{}}", K);
	struct row k0, k1;
	row_read(K, &k0);
	assert_int_equal(mc_http_act_v(&cit, K, "supplement", k0.version, "{\"form\":{}}", &r), 422);
	mc_http_res_free(&r);
	row_read(K, &k1);
	assert_int_equal(k1.version, k0.version);
	row_free(&k0);
	row_free(&k1);
	allow(&clerk, K, "supplement", "{\"form\":{}}", "in_progress", NULL);
	f = form_of(K);
	assert_null(json_object_get(f, "divorce_scan"));
	json_decref(f);
}

/* The latest outbox event of a dossier. */
static void last_event(const char *code, char out[40])
{
	struct mc_conn *c;
	struct mc_stmt *st;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query(c, &st,
				  "SELECT o.event FROM outbox o JOIN dossiers d ON d.id = o.dossier_id WHERE d.code = ?"
				  " ORDER BY o.id DESC LIMIT 1",
				  "t", code),
			 0);
	assert_int_equal(mc_step(st), MC_DB_ROW);
	snprintf(out, 40, "%s", mc_col_text(st, 0));
	mc_stmt_done(st);
	mc_db_release(c);
}

static const char *item_state(json_t *d, size_t k)
{
	return json_string_value(json_array_get(json_object_get(json_object_get(d, "supplement"), "item_states"), k));
}

/* Three items asked for during processing, two of them in the official's
 * own words: An answers two, the first replacing the file she sent; the
 * file she first sent stays readable; the specialist finds the third still
 * missing; An sends it; only then does the time start again, with a new
 * appointment and a new deadline for the current step. */
static void items_and_versions(void **state)
{
	(void)state;
	char sub[1200], form_b[600], code[80], body[600], ev[40];
	static const char first[] = MC_TEST_PDF("An's first divorce scan");
	static const char second[] = MC_TEST_PDF("An's better divorce scan");
	static const char residence[] = MC_TEST_PDF("residence confirmation");
	static const char photo[] = MC_TEST_PDF("portrait photo");
	char x[65], y[65], z[65], w[65];
	upload(&cit, first, x);
	upload(&cit, second, y);
	upload(&cit, residence, z);
	upload(&cit, photo, w);
	snprintf(form_b, sizeof(form_b),
		 "\"form\":{\"full_name\":\"Nguyễn Văn "
		 "An\",\"id_number\":\"079203001234\",\"birth_date\":\"2003-05-14\","
		 "\"residence_unit\":\"26740\",\"marital_status\":\"divorced\",\"purpose\":\"Kết "
		 "hôn\",\"divorce_scan\":\"%s\"",
		 x);
	snprintf(sub, sizeof(sub), "{\"procedure_code\":\"1.004873\",%s}}", form_b);
	submit(&cit, sub, code);
	allow(&clerk, code, "receive", NULL, "in_progress", NULL);
	allow(&spec, code, "request_supplement",
	      "{\"items\":[\"Bản sao giấy tờ ly hôn rõ nét\",\"Giấy xác nhận nơi cư trú\",\"Ảnh chân dung 4x6\"]}",
	      "supplement_requested", NULL);
	/* a file for an item that is not on the notice, someone else's file: 422 */
	snprintf(body, sizeof(body), "{\"files\":[{\"item\":4,\"sha256\":\"%s\"}]}", z);
	refuse_as(&cit, code, body, (const char *const[]){"files.0"}, 1,
		  "Giấy tờ này không có trong phiếu yêu cầu bổ sung", "This item is not on the request for papers");
	snprintf(body, sizeof(body), "{\"files\":[{\"item\":2,\"sha256\":\"%s\"}]}", clerk_sha);
	refuse_as(&cit, code, body, (const char *const[]){"files.0"}, 1, NOT_UPLOADED_VI, NOT_UPLOADED_EN);
	snprintf(body, sizeof(body), "{\"files\":[{\"item\":2,\"sha256\":\"%s\",\"field\":\"purpose\"}]}", z);
	refuse_as(&cit, code, body, (const char *const[]){"files.0"}, 1, NULL, NULL);
	/* items 1 (into the form's field) and 2 (the official's own words) */
	snprintf(
		body, sizeof(body),
		"{\"files\":[{\"item\":1,\"sha256\":\"%s\",\"field\":\"divorce_scan\"},{\"item\":2,\"sha256\":\"%s\"}],"
		"\"note\":\"Ảnh chân dung tôi sẽ gửi sau\"}",
		y, z);
	struct mc_http_res r;
	allow(&cit, code, "supplement", body, "supplement_requested", &r);
	assert_string_equal(item_state(r.json, 0), "answered");
	assert_string_equal(item_state(r.json, 1), "answered");
	assert_string_equal(item_state(r.json, 2), "requested");
	assert_string_equal(jstr(json_object_get(r.json, "form"), "divorce_scan"), y);
	json_t *earlier = json_array_get(json_object_get(r.json, "earlier_files"), 0);
	assert_string_equal(jstr(earlier, "sha256"), x);
	assert_string_equal(jstr(earlier, "field"), "divorce_scan");
	json_t *ans = json_array_get(json_object_get(json_object_get(r.json, "supplement"), "answers"), 0);
	assert_string_equal(jstr(ans, "note"), "Ảnh chân dung tôi sẽ gửi sau");
	assert_int_equal(json_array_size(json_object_get(ans, "files")), 2);
	mc_http_res_free(&r);
	last_event(code, ev);
	assert_string_equal(ev, "supplement_answered");
	/* every version stays readable, by the applicant and the official */
	assert_int_equal(download(&cit, code, x, first), 200);
	assert_int_equal(download(&spec, code, x, first), 200);
	assert_int_equal(download(&spec, code, y, second), 200);
	assert_int_equal(download(&spec, code, z, residence), 200);
	assert_int_equal(download(&cit2, code, z, NULL), 404);
	/* the answer is not the end: the applicant cannot check it */
	struct row a0, a1;
	row_read(code, &a0);
	assert_int_equal(mc_http_act_v(&cit, code, "check_supplement", a0.version,
				       "{\"items\":[{\"no\":1,\"received\":true}]}", &r),
			 403);
	mc_http_res_free(&r);
	row_read(code, &a1);
	assert_int_equal(a1.version, a0.version);
	row_free(&a0);
	row_free(&a1);
	/* the specialist: 1 and 2 in hand, 3 missing */
	allow(&spec, code, "check_supplement",
	      "{\"items\":[{\"no\":1,\"received\":true},{\"no\":2,\"received\":true},{\"no\":3,\"received\":false}]}",
	      "supplement_requested", &r);
	assert_string_equal(item_state(r.json, 2), "missing");
	assert_null(json_object_get(json_object_get(r.json, "supplement"), "supplied_at"));
	mc_http_res_free(&r);
	last_event(code, ev);
	assert_string_equal(ev, "supplement_incomplete");
	/* An sends the photo; the specialist finds it: the time starts again */
	snprintf(body, sizeof(body), "{\"files\":[{\"item\":3,\"sha256\":\"%s\"}]}", w);
	allow(&cit, code, "supplement", body, "supplement_requested", NULL);
	allow(&spec, code, "check_supplement", "{\"items\":[{\"no\":3,\"received\":true}]}", "in_progress", &r);
	json_t *sup = json_object_get(r.json, "supplement");
	assert_non_null(jstr(sup, "supplied_at"));
	assert_string_equal(jstr(sup, "new_due_at"), jstr(r.json, "due_at"));
	assert_string_equal(jstr(r.json, "appointment_at"), jstr(r.json, "due_at"));
	assert_int_equal(json_array_size(json_object_get(sup, "answers")), 2);
	assert_int_equal(json_array_size(json_object_get(sup, "checks")), 2);
	/* the current step's own deadline starts again too: after now */
	json_t *step = json_array_get(json_object_get(r.json, "steps"), (size_t)jint(r.json, "current_step") - 1);
	assert_true(strcmp(jstr(step, "due_at"), "2027-03-02T09:00:00+07:00") > 0);
	mc_http_res_free(&r);
	last_event(code, ev);
	assert_string_equal(ev, "supplemented");
	assert_int_equal(download(&spec, code, w, photo), 200);
}

static void submission_files(void **state)
{
	(void)state;
	char body[1400], form_b[600], path[100];
	/* online: Bình with An's file is refused as if it did not exist */
	snprintf(form_b, sizeof(form_b), FORM3_B, pdf_sha);
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}}", form_b);
	refuse_submit(&cit2, "/api/v1/dossiers", body);
	snprintf(form_b, sizeof(form_b), FORM3_B, clerk_sha);
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}}", form_b);
	refuse_submit(&cit2, "/api/v1/dossiers", body);
	/* with her own, accepted and readable by her */
	char code[80];
	snprintf(form_b, sizeof(form_b), FORM3_B, b_sha);
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}}", form_b);
	submit(&cit2, body, code);
	assert_int_equal(download(&cit2, code, b_sha, PDF_B), 200);
	assert_int_equal(download(&cit2, code, pdf_sha, NULL), 404);
	/* the same bytes as An's, uploaded by Bình herself: hers to attach
	 * (she has the bytes anyway) */
	char same[65];
	upload(&cit2, PDF_A, same);
	assert_string_equal(same, pdf_sha);
	snprintf(form_b, sizeof(form_b), FORM3_B, same);
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}}", form_b);
	submit(&cit2, body, code);
	assert_int_equal(download(&cit2, code, pdf_sha, PDF_A), 200);

	/* at the counter: the clerk attaches what the clerk scanned, not a
	 * citizen's upload */
	int64_t q = sql_count("SELECT id FROM counters WHERE code = ?", "Q-P26740-01");
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)q);
	static const char *counter =
		"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn "
		"An\",\"id_number\":\"079203001234\","
		"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"divorced\","
		"\"purpose\":\"Kết hôn\",\"divorce_scan\":\"%s\"},\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
		"\"applicant\":{\"full_name\":\"Nguyễn Văn "
		"An\",\"id_number\":\"079203001234\",\"ward_code\":\"26740\"}}";
	snprintf(body, sizeof(body), counter, pdf_sha);
	refuse_submit(&clerk, path, body);
	snprintf(body, sizeof(body), counter, clerk_sha);
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&clerk, path, body, &r), 201);
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	assert_string_equal(jstr(json_object_get(r.json, "form"), "divorce_scan"), clerk_sha);
	mc_http_res_free(&r);
	assert_int_equal(download(&cit, code, clerk_sha, PDF_CLERK), 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uploads_per_user),
		cmocka_unit_test(declaration_stays),
		cmocka_unit_test(attachments_must_be_uploaded),
		cmocka_unit_test(others_files),
		cmocka_unit_test(valid_supplement),
		cmocka_unit_test(items_and_versions),
		cmocka_unit_test(submission_files),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

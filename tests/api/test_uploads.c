/*
 * test_uploads.c - what an upload may be, and how long it lives: a PDF
 * that carries JavaScript (or another active content) is refused and not
 * stored, one that cannot be read is refused; a user's files that no
 * dossier names yet may take upload_quota bytes (the same bytes again
 * count once, a file named by a dossier no longer counts); and the files
 * that no dossier named within upload_keep_hours are removed by the
 * housekeeping (`motcua housekeeping`, run here with the test clock four
 * days on), while the files of dossiers stay.
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
#include <time.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static struct mc_http_session cit, clerk;

static char QUOTA[] = "MOTCUA_UPLOAD_QUOTA=4096";

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t sql_int(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {QUOTA, NULL};
	mc_test_server_start(&srv, db_url, env);
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

/* Upload n bytes as s; the status, the answer in r. */
static long upload(struct mc_http_session *s, const char *bytes, size_t n, struct mc_http_res *r)
{
	char url[200], auth[200];
	snprintf(url, sizeof(url), "%s/api/v1/files", srv.base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", s->token);
	const char *h[] = {auth, "Content-Type: application/octet-stream", NULL};
	/* mc_http_raw sends a C string: the papers here have no NUL byte */
	assert_int_equal(strlen(bytes), n);
	return mc_http_raw("POST", url, bytes, h, r) ? -1 : r->status;
}

static void active_content_is_refused(void **state)
{
	(void)state;
	static const char js[] =
		"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript"
		" /JS (app.alert('x')) >> >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
		"trailer << /Root 1 0 R >>\n%%EOF\n";
	static const char escaped[] =
		"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /L#61unch"
		" /F (cmd.exe) >> >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
		"trailer << /Root 1 0 R >>\n%%EOF\n";
	int64_t blobs = sql_int("SELECT COUNT(*) FROM blobs", NULL);
	struct mc_http_res r;
	assert_int_equal(upload(&cit, js, strlen(js), &r), 422);
	assert_string_equal(jstr(r.json, "code"), "pdf_active_content");
	assert_non_null(strstr(jstr(r.json, "title_vi"), "JavaScript"));
	assert_non_null(jstr(r.json, "detail"));
	mc_http_res_free(&r);
	assert_int_equal(upload(&cit, escaped, strlen(escaped), &r), 422);
	assert_string_equal(jstr(r.json, "detail"), "/Launch");
	mc_http_res_free(&r);
	/* not a PDF a reader can open: refused too */
	static const char broken[] = "%PDF-1.4\n% a comment and nothing else\n%%EOF\n";
	assert_int_equal(upload(&cit, broken, strlen(broken), &r), 415);
	mc_http_res_free(&r);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM blobs", NULL), blobs);
}

/* A paper of about 1,500 bytes, made distinct by note. */
static char *paper(const char *note)
{
	char *p = malloc(2048);
	char pad[1400];
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	snprintf(p, 2048, "%s%s %s%s", MC_TEST_PDF_HEAD, note, pad, MC_TEST_PDF_TAIL);
	return p;
}

static void quota_counts_pending_files(void **state)
{
	(void)state;
	char *a = paper("A"), *b = paper("B"), *c = paper("C");
	struct mc_http_res r;
	char sha_a[65];
	assert_int_equal(upload(&cit, a, strlen(a), &r), 201);
	snprintf(sha_a, sizeof(sha_a), "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
	assert_int_equal(upload(&cit, b, strlen(b), &r), 201);
	mc_http_res_free(&r);
	/* 3 x 1.5 KB is over 4 KB: refused, with the reason */
	assert_int_equal(upload(&cit, c, strlen(c), &r), 413);
	assert_string_equal(jstr(r.json, "code"), "upload_quota_exceeded");
	mc_http_res_free(&r);
	/* the same bytes again count once */
	assert_int_equal(upload(&cit, a, strlen(a), &r), 201);
	mc_http_res_free(&r);
	/* another user has a quota of their own */
	assert_int_equal(upload(&clerk, c, strlen(c), &r), 201);
	mc_http_res_free(&r);

	/* a dossier names A: A is no longer pending, and C fits */
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn "
		 "An\",\"id_number\":\"079203001234\","
		 "\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"divorced\","
		 "\"divorce_scan\":\"%s\",\"purpose\":\"Kết hôn\"}}",
		 sha_a);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(upload(&cit, c, strlen(c), &r), 201);
	mc_http_res_free(&r);
	free(a);
	free(b);
	free(c);
}

/* Run `motcua housekeeping` on the database, its clock four days on. */
static void housekeeping_later(void)
{
	time_t later = time(NULL) + 4 * 86400;
	struct tm tm;
	gmtime_r(&later, &tm);
	char now[40], cmd[1400];
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(cmd, sizeof(cmd), "MOTCUA_DB='%s' MOTCUA_TEST_NOW=%s '%s' housekeeping", db_url, now,
		 getenv("MOTCUA_BIN"));
	assert_int_equal(system(cmd), 0);
}

static void unattached_files_are_purged(void **state)
{
	(void)state;
	/* from the test above: A named by a dossier, B and C pending */
	int64_t pending = sql_int("SELECT COUNT(*) FROM uploads WHERE attached_at IS NULL", NULL);
	assert_true(pending >= 3); /* the citizen's B and C, the clerk's C */
	int64_t blobs = sql_int("SELECT COUNT(*) FROM blobs", NULL);
	housekeeping_later();
	assert_int_equal(sql_int("SELECT COUNT(*) FROM uploads WHERE attached_at IS NULL", NULL), 0);
	/* B and C went; A, named by the dossier, stays and is still served */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM blobs", NULL), blobs - 2);
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&cit, "/api/v1/my/dossiers", &r), 200);
	json_t *d = json_array_get(json_object_get(r.json, "items"), 0);
	char path[300];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", jstr(d, "code"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	const char *sha = jstr(json_object_get(r.json, "form"), "divorce_scan");
	assert_non_null(sha);
	char file[400];
	snprintf(file, sizeof(file), "%s/files/%s", path, sha);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&cit, file, &r), 200);
	assert_memory_equal(r.body, "%PDF-", 5);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(active_content_is_refused),
		cmocka_unit_test(quota_counts_pending_files),
		cmocka_unit_test(unattached_files_are_purged),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

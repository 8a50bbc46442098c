/*
 * test_once_only.c - the personal document store and the reuse of an
 * issued paper in a second dossier (issue 17 part 3, "once-only").
 *
 * An (079203001234) registers a birth online (1.001193); the Sài Gòn ward
 * receives, examines and approves it with the signed birth certificate,
 * numbered in the ward's register: the certificate is in An's store, to
 * list and download, and nobody else's.  An then asks for a correction of
 * civil status information (1.004859), whose birth-certificate field takes
 * the stored paper instead of an upload: the dossier records it as issued
 * by the ward (agency, dossier, number), the officials read and download
 * it like any file of the dossier.  Hồng (079185176822) can neither list,
 * download nor reuse An's paper (404); a stored paper in a field that asks
 * for another kind of paper, or a malformed reuse, is 422 in Vietnamese and
 * English, and nothing is filed.
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

static const char certificate[] = MC_TEST_PDF("giay khai sinh Nguyen Van Binh");

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	mc_test_server_start(&srv, db_url, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

static int64_t dossiers(void)
{
	return mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers", NULL);
}

static void act(struct mc_http_session *s, const char *code, const char *action, const char *body, const char *to)
{
	struct mc_http_res r;
	long st = mc_http_act(s, code, action, body, &r);
	if (st != 200)
		fail_msg("%s on %s: %ld %s", action, code, st, r.body);
	assert_string_equal(jstr(r.json, "status"), to);
	mc_http_res_free(&r);
}

/* Submit body online as s: the status, the answer in r. */
static long submit(struct mc_http_session *s, const char *body, struct mc_http_res *r)
{
	return mc_http_post(s, "/api/v1/dossiers", body, r);
}

/* The correction request (1.004859) with the birth-certificate field set
 * to birth (JSON) and the supporting scan sha. */
static void correction(char *out, size_t n, const char *birth, const char *sha)
{
	snprintf(out, n,
		 "{\"procedure_code\":\"1.004859\",\"form\":{\"subject_full_name\":\"Nguyễn Văn Bình\","
		 "\"subject_id_number\":\"079203001234\",\"change_kind\":\"correct\",\"current_content\":"
		 "\"Ngày sinh 02/01/2026\",\"requested_content\":\"Ngày sinh 01/02/2026\",\"reason\":"
		 "\"Ghi nhầm ngày sinh\",\"supporting_scan\":\"%s\"%s%s}}",
		 sha, birth ? ",\"birth_certificate_scan\":" : "", birth ? birth : "");
}

static void reuse_in_second_dossier(void **state)
{
	(void)state;
	struct mc_http_session an, hong, clerk, spec, lead;
	mc_http_login_as(&an, srv.base, "079203001234");
	mc_http_login_as(&hong, srv.base, "079185176822");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	struct mc_http_res r;
	char scan[65], body[1500], code[80], path[200];

	/* nothing in the store yet */
	assert_int_equal(mc_http_get(&an, "/api/v1/my/papers", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	mc_http_res_free(&r);

	/* 1. the birth registration, through to its result */
	assert_int_equal(mc_http_upload(&an, MC_TEST_PDF("giay chung sinh"), scan), 201);
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.001193\",\"form\":{\"child_full_name\":\"Nguyễn Văn Bình\","
		 "\"child_birth_date\":\"2026-01-02\",\"child_sex\":\"M\",\"birth_place\":\"26740\","
		 "\"mother_full_name\":\"Trần Thị Mai\",\"mother_id_number\":\"079185176822\","
		 "\"applicant_relation\":\"father\",\"birth_certificate_scan\":\"%s\"}}",
		 scan);
	if (submit(&an, body, &r) != 201)
		fail_msg("birth registration: %ld %s", r.status, r.body);
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	act(&clerk, code, "receive", NULL, "in_progress");
	act(&spec, code, "forward", "{\"note\":\"Hợp lệ\"}", "in_progress");
	/* no paper before the result */
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM personal_papers", NULL), 0);
	char cert[65];
	assert_int_equal(mc_http_upload(&lead, certificate, cert), 201);
	snprintf(body, sizeof(body), "{\"result_file\":\"%s\",\"result_type_code\":\"giay_chung_nhan\"}", cert);
	act(&lead, code, "forward", body, "result_ready");

	/* 2. the certificate is in An's store */
	assert_int_equal(mc_http_get(&an, "/api/v1/my/papers", &r), 200);
	assert_string_equal(mc_http_header(&r, "Cache-Control"), "no-store");
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *p = json_array_get(items, 0);
	assert_string_equal(jstr(p, "paper_code"), "giay_khai_sinh");
	assert_string_equal(jstr(p, "title"), "Giấy khai sinh");
	assert_string_equal(jstr(p, "title_en"), "Birth certificate");
	assert_string_equal(jstr(p, "dossier_code"), code);
	assert_string_equal(jstr(p, "sha256"), cert);
	assert_true(json_is_true(json_object_get(p, "valid")));
	assert_non_null(strstr(jstr(json_object_get(p, "issuer"), "name"), "Sài Gòn"));
	char number[64], issuer[200];
	assert_non_null(jstr(p, "number_text"));
	assert_non_null(strstr(jstr(p, "number_text"), "/GCN-"));
	snprintf(number, sizeof(number), "%s", jstr(p, "number_text"));
	snprintf(issuer, sizeof(issuer), "%s", jstr(json_object_get(p, "issuer"), "name"));
	long long id = (long long)json_integer_value(json_object_get(p, "id"));
	mc_http_res_free(&r);
	/* the same row the register numbered */
	assert_int_equal(
		mc_test_db_int(db,
			       "SELECT COUNT(*) FROM personal_papers p JOIN documents d ON d.id = p.document_id"
			       " WHERE d.dossier_id = p.dossier_id AND p.number_text = ?",
			       number),
		1);
	/* downloaded by An; Hồng neither lists nor downloads it */
	snprintf(path, sizeof(path), "/api/v1/my/papers/%lld/file", id);
	assert_int_equal(mc_http_get(&an, path, &r), 200);
	assert_int_equal(r.len, sizeof(certificate) - 1);
	assert_memory_equal(r.body, certificate, r.len);
	assert_non_null(strstr(mc_http_header(&r, "Content-Disposition"), "attachment"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&hong, path, &r), 404);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "problem+json"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&clerk, path, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&hong, "/api/v1/my/papers", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/my/papers/%lld/file", id + 1000);
	assert_int_equal(mc_http_get(&an, path, &r), 404);
	mc_http_res_free(&r);
	/* returned at the counter: still one paper */
	act(&clerk, code, "return", NULL, "returned");
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM personal_papers", NULL), 1);

	/* 3. the second dossier reuses it */
	char support[65], reuse[64];
	assert_int_equal(mc_http_upload(&an, MC_TEST_PDF("to trich luc ban goc"), support), 201);
	snprintf(reuse, sizeof(reuse), "{\"reuse\":%lld}", id);
	int64_t n0 = dossiers();
	/* Hồng cannot reuse An's paper: it does not exist for her */
	char hong_scan[65];
	assert_int_equal(mc_http_upload(&hong, MC_TEST_PDF("to cua Hong"), hong_scan), 201);
	correction(body, sizeof(body), reuse, hong_scan);
	assert_int_equal(submit(&hong, body, &r), 404);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "problem+json"));
	assert_string_equal(jstr(r.json, "code"), "not_found");
	mc_http_res_free(&r);
	/* a paper of the wrong kind: the supporting documents do not take a
	 * birth certificate from the store; 422 in both languages */
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004859\",\"form\":{\"subject_full_name\":\"Nguyễn Văn Bình\","
		 "\"subject_id_number\":\"079203001234\",\"change_kind\":\"correct\",\"current_content\":\"a\","
		 "\"requested_content\":\"b\",\"reason\":\"c\",\"supporting_scan\":%s}}",
		 reuse);
	assert_int_equal(submit(&an, body, &r), 422);
	assert_non_null(strstr(mc_http_header(&r, "Content-Type"), "problem+json"));
	assert_non_null(strstr(r.body, "form.supporting_scan"));
	assert_non_null(strstr(r.body, "mismatch"));
	assert_non_null(strstr(r.body, "không phải loại giấy tờ"));
	mc_http_res_free(&r);
	snprintf(an.lang, sizeof(an.lang), "en");
	assert_int_equal(submit(&an, body, &r), 422);
	assert_non_null(strstr(r.body, "is not the kind of paper this procedure asks for"));
	mc_http_res_free(&r);
	an.lang[0] = '\0';
	/* a malformed reuse */
	correction(body, sizeof(body), "{\"reuse\":\"one\"}", support);
	assert_int_equal(submit(&an, body, &r), 422);
	assert_non_null(strstr(r.body, "form.birth_certificate_scan"));
	mc_http_res_free(&r);
	/* a stored paper the store does not have */
	correction(body, sizeof(body), "{\"reuse\":999999}", support);
	assert_int_equal(submit(&an, body, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(dossiers(), n0);

	correction(body, sizeof(body), reuse, support);
	if (submit(&an, body, &r) != 201)
		fail_msg("correction: %ld %s", r.status, r.body);
	char second[80];
	snprintf(second, sizeof(second), "%s", jstr(r.json, "code"));
	assert_string_equal(jstr(json_object_get(r.json, "form"), "birth_certificate_scan"), cert);
	mc_http_res_free(&r);
	assert_int_equal(dossiers(), n0 + 1);

	/* 4. the official sees where it came from and downloads it */
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", second);
	assert_int_equal(mc_http_get(&clerk, path, &r), 200);
	json_t *reused = json_object_get(r.json, "reused");
	assert_int_equal(json_array_size(reused), 1);
	json_t *u = json_array_get(reused, 0);
	assert_string_equal(jstr(u, "source"), "issued");
	assert_string_equal(jstr(u, "field"), "birth_certificate_scan");
	assert_string_equal(jstr(u, "paper"), "giay_khai_sinh");
	assert_string_equal(jstr(u, "paper_code"), "giay_khai_sinh");
	assert_string_equal(jstr(u, "dossier_code"), code);
	assert_string_equal(jstr(u, "number_text"), number);
	assert_string_equal(jstr(u, "sha256"), cert);
	assert_string_equal(jstr(json_object_get(u, "issuer"), "name"), issuer);
	assert_int_equal(json_integer_value(json_object_get(u, "personal_paper_id")), id);
	/* the paper received is the agency's record, not a scan */
	int issued = 0;
	size_t i;
	json_t *pp;
	json_array_foreach(json_object_get(r.json, "papers"), i, pp) {
		if (strcmp(jstr(pp, "code"), "giay_khai_sinh") == 0)
			issued = strcmp(jstr(pp, "kind"), "issued") == 0;
		else if (strcmp(jstr(pp, "code"), "giay_to_lien_quan") == 0)
			assert_string_equal(jstr(pp, "kind"), "scan");
	}
	assert_true(issued);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%s", second, cert);
	assert_int_equal(mc_http_get(&clerk, path, &r), 200);
	assert_int_equal(r.len, sizeof(certificate) - 1);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&spec, path, &r), 200);
	mc_http_res_free(&r);
	/* Hồng may not read An's dossier, nor its files */
	assert_int_equal(mc_http_get(&hong, path, &r), 404);
	mc_http_res_free(&r);
	/* the certificate is not An's upload: no upload row was made for it */
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM uploads u JOIN users w ON w.id = u.user_id"
					" WHERE u.sha256 = ? AND w.username = '079203001234'",
					cert),
			 0);
	/* the second dossier goes on: its result (not a declared paper) adds
	 * nothing to the store */
	act(&clerk, second, "receive", NULL, "in_progress");
	act(&spec, second, "forward", NULL, "in_progress");
	act(&lead, second, "forward", NULL, "result_ready");
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM personal_papers", NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reuse_in_second_dossier),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

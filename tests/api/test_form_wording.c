/*
 * test_form_wording.c - who signs the one-stop forms and what they say
 * (Circular 03/2025/TT-VPCP, Annex I; Decree 30/2020/NĐ-CP), read back from
 * the PDFs with pdftotext:
 *   - form 01 and 06 are issued by the ward's one-stop unit, since 1 July
 *     2025 its Trung tâm Phục vụ hành chính công, under the People's
 *     Committee; the date line starts with the place ("Thành phố Hồ Chí
 *     Minh, ngày ..."); form 01 comes in two copies, "Liên 1: Lưu" and
 *     "Liên 2: Giao khách hàng";
 *   - form 01 lists only the papers received: online, the e-form and the
 *     one paper uploaded (a scan, not "Bản chính"), not the papers that are
 *     only shown when the result is collected;
 *   - form 06 has a place for the signatures of the person handing over and
 *     the person receiving at each hand-over;
 *   - form 03 is titled "Phiếu từ chối tiếp nhận giải quyết hồ sơ"; refused
 *     during processing it is signed by the official who refused it, with
 *     their position, at reception by the receiving officer;
 *   - form 04 is signed by the head of the agency who approved the new
 *     date ("CHỦ TỊCH"), or by a deputy for the head ("KT. CHỦ TỊCH / PHÓ
 *     CHỦ TỊCH"), never as "THỦ TRƯỞNG CƠ QUAN" over the specialist.
 * The server runs on Tue 2027-03-02 09:00.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"
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
static char NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00";

/* An's marital-status certificate, taken in at the ward's counter */
static const char *COUNTER =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"},"
	"\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Nguyễn Văn An\","
	"\"id_number\":\"079203001234\",\"phone\":\"0912345678\",\"ward_code\":\"26740\"}}";
/* the same online, by An (%s: ward) and Bình, with a file (%s) */
static const char *ONLINE_AN =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"divorced\",\"purpose\":\"Kết "
	"hôn\","
	"\"divorce_scan\":\"%s\"}}";
static const char *ONLINE_BINH =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Trần Thị Bình\",\"id_number\":\"079185176822\","
	"\"birth_date\":\"1985-11-02\",\"residence_unit\":\"26743\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"}}";

static const char PDF_DIVORCE[] = MC_TEST_PDF("An's divorce decision");

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {NOW, NULL};
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

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t counter_id(const char *code)
{
	struct mc_conn *c;
	int64_t v = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	int rc = mc_query_int64(c, &v, "SELECT id FROM counters WHERE code = ?", "t", code);
	mc_db_release(c);
	assert_int_equal(rc, 0);
	return v;
}

static void post(struct mc_http_session *s, const char *path, const char *body, char code[80])
{
	struct mc_http_res r;
	long got = mc_http_post(s, path, body, &r);
	if (got != 201)
		fail_msg("POST %s: want 201, got %ld: %s", path, got, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

static void act(struct mc_http_session *s, const char *code, const char *action, const char *body)
{
	struct mc_http_res r;
	long got = mc_http_act(s, code, action, body, &r);
	if (got != 200)
		fail_msg("%s on %s: want 200, got %ld: %s", action, code, got, r.body);
	mc_http_res_free(&r);
}

/* Form n of a dossier as s reads it, as text (malloc'd). */
static char *form_text(struct mc_http_session *s, const char *code, int n)
{
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/forms/%02d.pdf", code, n);
	struct mc_http_res r;
	long got = mc_http_get(s, path, &r);
	if (got != 200)
		fail_msg("form %02d of %s: want 200, got %ld: %s", n, code, got, r.body);
	char *t = mc_test_pdf_text(&r);
	mc_http_res_free(&r);
	return t;
}

static void expect_none(const char *text, const char *unwanted)
{
	if (strstr(text, unwanted))
		fail_msg("\"%s\" should not be in:\n%s", unwanted, text);
}

static void counter_forms(void **state)
{
	(void)state;
	struct mc_http_session clerk, spec;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	char path[100], code[80];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id("Q-P26740-01"));
	post(&clerk, path, COUNTER, code);

	char *t = form_text(&clerk, code, 1);
	mc_test_expect_text(t, "Liên 1: Lưu");
	mc_test_expect_text(t, "Liên 2: Giao khách hàng");
	mc_test_expect_text(t, "UBND PHƯỜNG SÀI GÒN TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG SÀI GÒN");
	mc_test_expect_text(t, "Trung tâm Phục vụ hành chính công phường Sài Gòn tiếp nhận hồ sơ của");
	mc_test_expect_text(t, "Thành phố Hồ Chí Minh, ngày");
	expect_none(t, "Trang 1/2"); /* copies, not pages */
	free(t);

	t = form_text(&clerk, code, 6);
	mc_test_expect_text(t, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG SÀI GÒN");
	mc_test_expect_text(t, "Thành phố Hồ Chí Minh, ngày");
	mc_test_expect_text(t, "Người giao: Trần Gia Huy");
	mc_test_expect_text(t, "Người nhận:");
	mc_test_expect_text(t, "Ký:");
	free(t);

	/* refused during processing: the specialist signs, with the position */
	act(&spec, code, "refuse", "{\"reasons\":[\"Người yêu cầu đang có vợ theo dữ liệu hộ tịch\"]}");
	t = form_text(&clerk, code, 3);
	mc_test_expect_text(t, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
	mc_test_expect_text(t, "CÔNG CHỨC TƯ PHÁP - HỘ TỊCH");
	mc_test_expect_text(t, "Lê Minh Khoa");
	mc_test_expect_text(t, "Thành phố Hồ Chí Minh, ngày");
	expect_none(t, "NGƯỜI TIẾP NHẬN HỒ SƠ");
	expect_none(t, "TIẾP NHẬN, GIẢI QUYẾT");
	free(t);
}

static void online_papers(void **state)
{
	(void)state;
	struct mc_http_session an, clerk;
	mc_http_login_as(&an, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	/* one paper uploaded */
	char url[200], auth[200], sha[65], body[1024], code[80], code2[80];
	snprintf(url, sizeof(url), "%s/api/v1/files", srv.base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", an.token);
	const char *h[] = {auth, "Content-Type: application/octet-stream", NULL};
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("POST", url, PDF_DIVORCE, h, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(sha, sizeof(sha), "%s", jstr(r.json, "sha256"));
	mc_http_res_free(&r);
	snprintf(body, sizeof(body), ONLINE_AN, sha);
	post(&an, "/api/v1/dossiers", body, code);
	/* the e-form and the scan: not the ID shown at the counter, nor the
	 * optional papers nobody handed in */
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(&an, path, &r), 200);
	json_t *papers = json_object_get(r.json, "papers");
	assert_int_equal(json_array_size(papers), 2);
	assert_string_equal(jstr(json_array_get(papers, 0), "code"), "to_khai");
	assert_string_equal(jstr(json_array_get(papers, 0), "kind"), "eform");
	assert_string_equal(jstr(json_array_get(papers, 1), "code"), "giay_to_ly_hon");
	assert_string_equal(jstr(json_array_get(papers, 1), "kind"), "scan");
	mc_http_res_free(&r);
	act(&clerk, code, "receive", NULL);
	char *t = form_text(&clerk, code, 1);
	mc_test_expect_text(t, "Tờ khai điện tử");
	mc_test_expect_text(t, "Bản điện tử (bản chụp)");
	expect_none(t, "Bản chính");
	expect_none(t, "Hộ chiếu");
	expect_none(t, "Văn bản ủy quyền");
	free(t);

	/* refused at reception: the receiving officer signs */
	snprintf(body, sizeof(body), ONLINE_AN, sha);
	post(&an, "/api/v1/dossiers", body, code2);
	act(&clerk, code2, "refuse", "{\"reasons\":[\"Nộp nhầm thủ tục\"]}");
	t = form_text(&an, code2, 3);
	mc_test_expect_text(t, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
	mc_test_expect_text(t, "NGƯỜI TIẾP NHẬN HỒ SƠ");
	mc_test_expect_text(t, "Trần Gia Huy");
	free(t);
}

static void apology_signatories(void **state)
{
	(void)state;
	/* the head: the specialist proposes, the chairman approves and signs */
	struct mc_http_session clerk, spec, chair;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&chair, srv.base, "chutich.p26740");
	char path[100], code[80];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id("Q-P26740-01"));
	post(&clerk, path, COUNTER, code);
	act(&spec, code, "extend",
	    "{\"reason\":\"Cần xác minh tại nơi cư trú trước đây\",\"new_due_at\":\"2027-03-10T17:00:00+07:00\"}");
	act(&chair, code, "approve_extension", NULL);
	char *t = form_text(&spec, code, 4);
	mc_test_expect_text(t, "CHỦ TỊCH");
	mc_test_expect_text(t, "Phạm Thị Lệ Hằng");
	mc_test_expect_text(t, "Thành phố Hồ Chí Minh, ngày");
	expect_none(t, "KT.");
	expect_none(t, "THỦ TRƯỞNG CƠ QUAN");
	expect_none(t, "Lê Minh Khoa");
	free(t);

	/* a deputy, for the head: Bình's dossier at the Bến Thành ward */
	struct mc_http_session binh, clerk2, deputy;
	mc_http_login_as(&binh, srv.base, "079185176822");
	mc_http_login_as(&clerk2, srv.base, "tiepnhan.p26743");
	mc_http_login_as(&deputy, srv.base, "phochutich.p26743");
	post(&binh, "/api/v1/dossiers", ONLINE_BINH, code);
	act(&clerk2, code, "receive", NULL);
	act(&deputy, code, "extend", "{\"reason\":\"Cần xác minh\",\"new_due_at\":\"2027-03-10T17:00:00+07:00\"}");
	t = form_text(&binh, code, 4);
	mc_test_expect_text(t, "KT. CHỦ TỊCH PHÓ CHỦ TỊCH");
	mc_test_expect_text(t, "Trịnh Văn Phúc");
	expect_none(t, "THỦ TRƯỞNG CƠ QUAN");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counter_forms),
		cmocka_unit_test(online_papers),
		cmocka_unit_test(apology_signatories),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

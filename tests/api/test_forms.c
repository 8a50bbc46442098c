/*
 * test_forms.c - the printable forms over HTTP: forms 01-06 of a dossier
 * taken in at a counter, as PDF (read back with pdftotext: the Vietnamese
 * text must come back intact) and JSON; a form that does not apply yet
 * (409) and then does; who may print them; the register book (form 07) of
 * the receiving agency as XLSX (unzip), PDF and JSON, limited to the
 * caller's agency subtree and a bounded period; statistics as XLSX.
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

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct mc_test_server srv;
static char db_url[512];
static char code[80]; /* the dossier of the running test */
/* branch 2 of the service centre (its register is register_book's), the ward */
static int64_t branch_id, ward_id;

static const char *FORM =
	"\"form\":{\"full_name\":\"Trần Thị Bích\",\"id_number\":\"079185000123\",\"birth_date\":\"1985-04-02\","
	"\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết hôn\"}";

static int64_t agency_id(const char *acode);

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, NULL, 1);
	mc_test_server_start(&srv, db_url, NULL);
	branch_id = agency_id("000.02.30.H29");
	ward_id = agency_id("000.01.31.H29");
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

#define pdf_text    mc_test_pdf_text
#define xlsx_sheet  mc_test_xlsx_sheet
#define expect_text mc_test_expect_text

static int64_t agency_id(const char *acode)
{
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/api/v1/agencies", &r), 200);
	int64_t id = 0;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(r.json, "items"), i, a)
		if (strcmp(jstr(a, "code"), acode) == 0)
			id = json_integer_value(json_object_get(a, "id"));
	mc_http_res_free(&r);
	assert_true(id > 0);
	return id;
}

static int64_t counter_id(const char *ccode)
{
	struct mc_http_session s;
	struct mc_http_res r;
	mc_http_session_init(&s, srv.base);
	assert_int_equal(mc_http_get(&s, "/api/v1/counters", &r), 200);
	int64_t id = 0;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(r.json, "items"), i, c)
		if (strcmp(jstr(c, "code"), ccode) == 0)
			id = json_integer_value(json_object_get(c, "id"));
	mc_http_res_free(&r);
	assert_true(id > 0);
	return id;
}

/* Bích's dossier, taken in by clerk at the counter of that code; its
 * code goes to the global code. */
static void take_in(struct mc_http_session *clerk, const char *counter)
{
	char path[200], body[1400];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers", (long long)counter_id(counter));
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",%s,\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
		 "\"applicant\":{\"full_name\":\"Trần Thị "
		 "Bích\",\"id_number\":\"079185000123\",\"phone\":\"0912345678\","
		 "\"address\":\"45 Nguyễn Huệ, Phường Sài Gòn\",\"ward_code\":\"26740\"}}",
		 FORM);
	struct mc_http_res r;
	assert_int_equal(mc_http_post(clerk, path, body, &r), 201);
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

static long get_form(struct mc_http_session *s, const char *name, struct mc_http_res *r)
{
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/forms/%s", code, name);
	return mc_http_get(s, path, r);
}

/* How many "view" events by the official named who the dossier has. */
static int views_by(struct mc_http_session *reader, const char *who)
{
	char path[200];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	assert_int_equal(mc_http_get(reader, path, &r), 200);
	int n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r.json, "events"), i, e)
		n += strcmp(jstr(e, "action"), "view") == 0 && jstr(e, "actor") && strcmp(jstr(e, "actor"), who) == 0;
	mc_http_res_free(&r);
	return n;
}

static void forms_of_a_counter_dossier(void **state)
{
	(void)state;
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.cn1");
	take_in(&clerk, "Q-CN1-01");
	struct mc_http_res r;

	/* form 01: the receipt, Vietnamese text intact */
	assert_int_equal(get_form(&clerk, "01.pdf", &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"), "application/pdf");
	char want[160];
	snprintf(want, sizeof(want), "inline; filename=\"%s-mau-01.pdf\"", code);
	assert_string_equal(mc_http_header(&r, "Content-Disposition"), want);
	assert_string_equal(mc_http_header(&r, "Cache-Control"), "no-store");
	char *t = pdf_text(&r);
	expect_text(t, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
	expect_text(t, "Trần Thị Bích");
	expect_text(t, "Cấp Giấy xác nhận tình trạng hôn nhân");
	expect_text(t, code);
	assert_null(strstr(t, "RECEIPT OF DOSSIER"));
	free(t);
	mc_http_res_free(&r);
	/* in English: the same legal form with English subtitles */
	snprintf(clerk.lang, sizeof(clerk.lang), "en");
	assert_int_equal(get_form(&clerk, "01.pdf", &r), 200);
	t = pdf_text(&r);
	expect_text(t, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
	expect_text(t, "RECEIPT OF DOSSIER AND APPOINTMENT FOR THE RESULT");
	/* the papers, their kind and the legal time in English too */
	expect_text(t, "Declaration for a certificate of marital status (official form)");
	expect_text(t, "Passport / ID card or other photo ID still valid");
	expect_text(t, "Presented");
	expect_text(t, "Legal processing time: 3 working days");
	/* each copy (liên) on one page, signatures included: a copy that ran
	 * onto a second page would be numbered "Trang 1/2" */
	assert_null(strstr(t, "Trang 1/2"));
	expect_text(t, "Liên 1: Lưu");
	assert_true(strstr(t, "NGƯỜI TIẾP NHẬN HỒ SƠ") < strstr(t, "Liên 2: Giao khách hàng"));
	free(t);
	mc_http_res_free(&r);
	clerk.lang[0] = '\0';

	/* as JSON: the fields the form shows, without the working record */
	assert_int_equal(get_form(&clerk, "01.json", &r), 200);
	assert_string_equal(jstr(r.json, "code"), code);
	assert_string_equal(jstr(json_object_get(r.json, "applicant"), "full_name"), "Trần Thị Bích");
	assert_string_equal(jstr(json_object_get(r.json, "received_agency"), "code"), "000.01.30.H29");
	assert_non_null(jstr(r.json, "tracking_url"));
	assert_null(json_object_get(r.json, "events"));
	mc_http_res_free(&r);

	/* form 06: the processing control slip lists the steps */
	assert_int_equal(get_form(&clerk, "06.pdf", &r), 200);
	t = pdf_text(&r);
	expect_text(t, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
	expect_text(t, "Tiếp nhận hồ sơ");
	expect_text(t, "Thẩm định, xử lý");
	expect_text(t, "Phê duyệt, ký");
	expect_text(t, "Trả kết quả");
	expect_text(t, "UBND Phường Sài Gòn");
	free(t);
	mc_http_res_free(&r);

	/* forms that do not apply yet; forms that do not exist */
	assert_int_equal(get_form(&clerk, "02.pdf", &r), 409);
	assert_string_equal(jstr(r.json, "code"), "conflict");
	assert_non_null(strstr(jstr(r.json, "detail"), "supplement"));
	mc_http_res_free(&r);
	assert_int_equal(get_form(&clerk, "03.pdf", &r), 409);
	mc_http_res_free(&r);
	assert_int_equal(get_form(&clerk, "04.json", &r), 409);
	mc_http_res_free(&r);
	assert_int_equal(get_form(&clerk, "05.pdf", &r), 409);
	mc_http_res_free(&r);
	const char *unknown[] = {"07.pdf", "00.pdf", "1.pdf", "01.txt", "01.pdfx", "01"};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_int_equal(get_form(&clerk, unknown[i], &r), 404);
		mc_http_res_free(&r);
	}

	/* who may print: the competent ward yes; another citizen or another ward no */
	struct mc_http_session ward, other_ward, citizen, spec;
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	mc_http_login_as(&other_ward, srv.base, "tiepnhan.p26743");
	mc_http_login_as(&citizen, srv.base, "079185176822");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	assert_int_equal(get_form(&ward, "01.pdf", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(get_form(&other_ward, "01.pdf", &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(get_form(&citizen, "01.json", &r), 404);
	mc_http_res_free(&r);
	struct mc_http_session anon;
	mc_http_session_init(&anon, srv.base);
	assert_int_equal(get_form(&anon, "01.pdf", &r), 401);
	mc_http_res_free(&r);
	/* printing is not opening: the leader's form reads recorded no view */
	assert_int_equal(views_by(&spec, "Phạm Thị Lệ Hằng"), 0);
	/* opening the dossier again and again: one "viewed" line per official
	 * and step (each views_by reads the dossier as the specialist) */
	for (int i = 0; i < 3; i++)
		assert_int_equal(views_by(&spec, "Lê Minh Khoa"), 1);

	/* the specialist asks for a paper: form 02 now applies */
	const char *ask = "{\"items\":[\"Bản sao Giấy khai sinh có chứng thực\"],\"reason\":\"Thiếu giấy khai sinh\"}";
	assert_int_equal(mc_http_act(&spec, code, "request_supplement", ask, &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(get_form(&clerk, "02.pdf", &r), 200);
	t = pdf_text(&r);
	expect_text(t, "Bản sao Giấy khai sinh có chứng thực");
	expect_text(t, "Trần Thị Bích");
	expect_text(t, code);
	expect_text(t, "Lê Minh Khoa"); /* who asked for it */
	free(t);
	mc_http_res_free(&r);
	assert_int_equal(get_form(&clerk, "02.json", &r), 200);
	json_t *sup = json_object_get(r.json, "supplement");
	assert_string_equal(json_string_value(json_array_get(json_object_get(sup, "items"), 0)),
			    "Bản sao Giấy khai sinh có chứng thực");
	assert_string_equal(jstr(json_object_get(sup, "requested_by"), "full_name"), "Lê Minh Khoa");
	mc_http_res_free(&r);
	/* still nothing refused */
	assert_int_equal(get_form(&clerk, "03.json", &r), 409);
	mc_http_res_free(&r);
}

static long get_register(struct mc_http_session *s, int64_t agency, const char *ext, const char *query,
			 struct mc_http_res *r)
{
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/agencies/%lld/register.%s%s", (long long)agency, ext, query ? query : "");
	return mc_http_get(s, path, r);
}

static void register_book(void **state)
{
	(void)state;
	struct mc_http_session clerk, ward, citizen;
	mc_http_login_as(&clerk, srv.base, "tiepnhan.cn2");
	take_in(&clerk, "Q-CN2-01"); /* the only dossier of branch 2 */
	mc_http_login_as(&ward, srv.base, "chutich.p26740");
	mc_http_login_as(&citizen, srv.base, "079203001234");
	struct mc_http_res r;

	/* XLSX: a real workbook whose sheet holds the dossier */
	assert_int_equal(get_register(&clerk, branch_id, "xlsx", NULL, &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_non_null(
		strstr(mc_http_header(&r, "Content-Disposition"), "attachment; filename=\"so-theo-doi-000.02.30.H29-"));
	char *t = xlsx_sheet(&r);
	expect_text(t, code);
	expect_text(t, "Trần Thị Bích");
	expect_text(t, "SỔ THEO DÕI HỒ SƠ");
	free(t);
	mc_http_res_free(&r);

	/* PDF: the register book, read back */
	assert_int_equal(get_register(&clerk, branch_id, "pdf", NULL, &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"), "application/pdf");
	t = pdf_text(&r);
	expect_text(t, "SỔ THEO DÕI HỒ SƠ");
	expect_text(t, code);
	expect_text(t, "Trần Thị Bích");
	free(t);
	mc_http_res_free(&r);

	/* JSON: the rows, in register order */
	assert_int_equal(get_register(&clerk, branch_id, "json", NULL, &r), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *row = json_array_get(items, 0);
	assert_string_equal(jstr(row, "code"), code);
	assert_int_equal(json_integer_value(json_object_get(row, "entry")), 1);
	assert_string_equal(jstr(json_object_get(row, "applicant"), "phone"), "0912345678");
	assert_null(json_object_get(json_object_get(row, "applicant"), "id_number"));
	assert_string_equal(jstr(json_object_get(row, "competent_agency"), "code"), "000.01.31.H29");
	assert_string_equal(jstr(json_object_get(r.json, "agency"), "code"), "000.02.30.H29");
	mc_http_res_free(&r);
	/* another period: empty (and the PDF still renders) */
	assert_int_equal(get_register(&clerk, branch_id, "json", "?from=2020-01-01&to=2020-01-31", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	assert_string_equal(jstr(r.json, "from"), "2020-01-01");
	mc_http_res_free(&r);
	assert_int_equal(get_register(&clerk, branch_id, "pdf", "?from=2020-01-01&to=2020-01-31", &r), 200);
	t = pdf_text(&r);
	expect_text(t, "Không có hồ sơ");
	free(t);
	mc_http_res_free(&r);
	/* the register is the receiving agency's: the competent ward's book does not list it */
	assert_int_equal(get_register(&ward, ward_id, "json", NULL, &r), 200);
	assert_null(strstr(r.body, code));
	mc_http_res_free(&r);

	/* outside the caller's subtree, or without dossier.read */
	assert_int_equal(get_register(&clerk, ward_id, "xlsx", NULL, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(get_register(&ward, branch_id, "pdf", NULL, &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(get_register(&citizen, branch_id, "json", NULL, &r), 403);
	mc_http_res_free(&r);

	/* bad periods */
	const char *bad[] = {"?from=2026-01-01&to=2027-01-02", "?from=2026-02-01&to=2026-01-31", "?from=2026-02-30",
			     "?to=yesterday"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(get_register(&clerk, branch_id, "xlsx", bad[i], &r), 422);
		assert_string_equal(jstr(r.json, "code"), "validation_failed");
		mc_http_res_free(&r);
	}
	/* a whole leap year is allowed */
	assert_int_equal(get_register(&clerk, branch_id, "json", "?from=2028-01-01&to=2028-12-31", &r), 200);
	mc_http_res_free(&r);
}

static void stats_spreadsheet(void **state)
{
	(void)state;
	struct mc_http_session lead, clerk;
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.cn1");
	take_in(&clerk, "Q-CN1-01"); /* a dossier of the ward's in the figures */
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&lead, "/api/v1/stats.xlsx?group=procedure", &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	char *t = xlsx_sheet(&r);
	expect_text(t, "Mã thủ tục");
	expect_text(t, "Tiếp nhận trực tiếp");
	expect_text(t, "1.004873");
	expect_text(t, "Tổng cộng");
	free(t);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&lead, "/api/v1/stats.xlsx?group=agency", &r), 200);
	t = xlsx_sheet(&r);
	expect_text(t, "UBND Phường Sài Gòn");
	free(t);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&lead, "/api/v1/stats.xlsx", &r), 200);
	assert_memory_equal(r.body, "PK\x03\x04", 4);
	mc_http_res_free(&r);
	/* the same checks as GET /stats */
	assert_int_equal(mc_http_get(&lead, "/api/v1/stats.xlsx?group=nope", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&clerk, "/api/v1/stats.xlsx", &r), 403);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forms_of_a_counter_dossier),
		cmocka_unit_test(register_book),
		cmocka_unit_test(stats_spreadsheet),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

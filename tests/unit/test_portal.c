/*
 * test_portal.c - the pure parts of the synchronisation with the national
 * public-service portal (src/portal/map.c): the dossier statuses mapped to
 * the portal's TrangThaiHoSo, its times (yyyyMMddHHmmss in Vietnam's time,
 * across midnight), the DongBoHoSoMC payload of a person's and a
 * business's dossier (what is sent, what is not), and the portal's answers
 * read as accepted, to try again, or refused for good.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "portal/portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void statuses(void **state)
{
	(void)state;
	static const struct {
		const char *status, *action;
		int want;
	} cases[] = {
		{"submitted", "submit", 1},
		{"in_progress", "intake", 2},
		{"in_progress", "receive", 2},
		{"in_progress", "forward", 4},
		{"in_progress", "supplement", 4},
		{"in_progress", "approve_extension", 4},
		{"refused", "refuse", 3},
		{"supplement_requested", "intake_incomplete", 5},
		{"supplement_requested", "request_supplement", 5},
		{"withdrawn", "withdraw", 7},
		{"stopped", "stop", 8},
		{"result_ready", "forward", 9},
		{"returned", "return", 10},
		{"draft", "save", 0},
		{"", "", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (mc_portal_status(cases[i].status, cases[i].action) != cases[i].want)
			fail_msg("%s after %s: %d, not %d", cases[i].status, cases[i].action,
				 mc_portal_status(cases[i].status, cases[i].action), cases[i].want);
	assert_int_equal(mc_portal_status(NULL, NULL), 0);
}

static int64_t utc(int y, int m, int d, int hh, int mm, int ss)
{
	return (mc_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) * 1000;
}

static void times(void **state)
{
	(void)state;
	char t[15];
	mc_portal_time(utc(2026, 12, 7, 2, 3, 4), t);
	assert_string_equal(t, "20261207090304");
	/* 17:30 UTC is half past midnight the next day in Vietnam */
	mc_portal_time(utc(2026, 12, 31, 17, 30, 5) + 999, t);
	assert_string_equal(t, "20270101003005");
	mc_portal_time(0, t);
	assert_string_equal(t, "");
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_string(v))
		fail_msg("%s is not a string", k);
	return json_string_value(v);
}

static struct mc_portal_dossier sample(json_t *applicant, json_t *results)
{
	struct mc_portal_dossier d;
	memset(&d, 0, sizeof(d));
	snprintf(d.code, sizeof(d.code), "000.00.31.H29-261207-0001");
	snprintf(d.procedure_code, sizeof(d.procedure_code), "1.004873");
	snprintf(d.procedure_name, sizeof(d.procedure_name), "Cấp Giấy xác nhận tình trạng hôn nhân");
	snprintf(d.field_code, sizeof(d.field_code), "HT");
	snprintf(d.field_name, sizeof(d.field_name), "Hộ tịch");
	snprintf(d.channel, sizeof(d.channel), "counter");
	snprintf(d.return_method, sizeof(d.return_method), "post");
	snprintf(d.agency_code, sizeof(d.agency_code), "000.00.31.H29");
	snprintf(d.agency_name, sizeof(d.agency_name), "UBND Phường Bến Thành");
	d.submitted_at = utc(2026, 12, 7, 1, 0, 0);
	d.received_at = utc(2026, 12, 7, 1, 5, 0);
	d.due_at = utc(2026, 12, 10, 9, 0, 0);
	d.completed_at = utc(2026, 12, 9, 3, 0, 0);
	d.returned_at = utc(2026, 12, 9, 8, 0, 0);
	d.applicant = applicant;
	d.results = results;
	return d;
}

static void payload_person(void **state)
{
	(void)state;
	json_t *ap = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "full_name", "Lê Thị Hồng", "id_number",
			       "079185176822", "phone", "0912345678", "email", "hong@example.vn", "address",
			       "12 Lê Lợi", "birth_date", "1985-11-02");
	json_t *res = json_pack("[{s:s, s:i, s:s, s:s}]", "summary", "Giấy xác nhận tình trạng hôn nhân", "number", 15,
				"symbol", "GXN-UBND", "doc_date", "2026-12-09");
	struct mc_portal_dossier d = sample(ap, res);
	snprintf(d.status, sizeof(d.status), "in_progress");
	snprintf(d.action, sizeof(d.action), "intake");
	json_t *p = mc_portal_payload(&d);
	assert_non_null(p);
	assert_string_equal(str(p, "service"), "DongBoHoSoMC");
	assert_true(json_is_false(json_object_get(p, "isUpdating")));
	assert_int_equal(json_array_size(json_object_get(p, "data")), 1);
	json_t *it = json_array_get(json_object_get(p, "data"), 0);
	assert_string_equal(str(it, "MaHoSo"), "000.00.31.H29-261207-0001");
	assert_string_equal(str(it, "MaTTHC"), "1.004873");
	assert_string_equal(str(it, "MaLinhVuc"), "HT");
	assert_string_equal(str(it, "KenhThucHien"), "1");
	assert_string_equal(str(it, "ChuHoSo"), "Lê Thị Hồng");
	assert_string_equal(str(it, "LoaiDoiTuong"), "1");
	assert_string_equal(str(it, "MaDoiTuong"), "079185176822");
	assert_string_equal(str(it, "SoDienThoai"), "0912345678");
	assert_string_equal(str(it, "TrangThaiHoSo"), "2");
	assert_string_equal(str(it, "NgayNopHoSo"), "20261207080000");
	assert_string_equal(str(it, "NgayTiepNhan"), "20261207080500");
	assert_string_equal(str(it, "NgayHenTra"), "20261210160000");
	assert_string_equal(str(it, "MaDonVi"), "000.00.31.H29");
	assert_string_equal(str(it, "DonViXuLy"), "UBND Phường Bến Thành");
	/* not ended, not returned: no end date, no result yet */
	assert_string_equal(str(it, "NgayKetThucXuLy"), "");
	assert_string_equal(str(it, "NgayTra"), "");
	assert_int_equal(json_array_size(json_object_get(it, "DanhSachGiayToKetQua")), 0);
	/* only what the portal needs: no address, no birth date */
	char *text = json_dumps(p, JSON_COMPACT);
	assert_null(strstr(text, "Lê Lợi"));
	assert_null(strstr(text, "1985"));
	free(text);
	json_decref(p);
	/* returned by post, an update: the end, the return and the result */
	snprintf(d.status, sizeof(d.status), "returned");
	snprintf(d.action, sizeof(d.action), "return");
	d.updating = 1;
	p = mc_portal_payload(&d);
	it = json_array_get(json_object_get(p, "data"), 0);
	assert_true(json_is_true(json_object_get(p, "isUpdating")));
	assert_string_equal(str(it, "TrangThaiHoSo"), "10");
	assert_string_equal(str(it, "NgayKetThucXuLy"), "20261209100000");
	assert_string_equal(str(it, "NgayTra"), "20261209150000");
	assert_string_equal(str(it, "HinhThuc"), "1");
	assert_non_null(strstr(str(it, "ThongTinTra"), "bưu chính"));
	json_t *doc = json_array_get(json_object_get(it, "DanhSachGiayToKetQua"), 0);
	assert_string_equal(str(doc, "SoKyHieu"), "15/GXN-UBND");
	assert_string_equal(str(doc, "NgayBanHanh"), "20261209");
	assert_string_equal(str(doc, "TenGiayTo"), "Giấy xác nhận tình trạng hôn nhân");
	json_decref(p);
	/* a status the portal has no code for: nothing to send */
	snprintf(d.status, sizeof(d.status), "draft");
	assert_null(mc_portal_payload(&d));
	json_decref(ap);
	json_decref(res);
}

static void payload_business(void **state)
{
	(void)state;
	json_t *ap = json_pack("{s:s, s:s}", "full_name", "Công ty TNHH Bến Nghé", "tax_code", "0312345678");
	struct mc_portal_dossier d = sample(ap, NULL);
	snprintf(d.channel, sizeof(d.channel), "online");
	snprintf(d.status, sizeof(d.status), "submitted");
	snprintf(d.action, sizeof(d.action), "submit");
	d.received_at = 0;
	json_t *p = mc_portal_payload(&d);
	json_t *it = json_array_get(json_object_get(p, "data"), 0);
	assert_string_equal(str(it, "KenhThucHien"), "2");
	assert_string_equal(str(it, "LoaiDoiTuong"), "2");
	assert_string_equal(str(it, "MaDoiTuong"), "0312345678");
	assert_string_equal(str(it, "TrangThaiHoSo"), "1");
	assert_string_equal(str(it, "NgayTiepNhan"), "");
	assert_string_equal(str(it, "Email"), "");
	json_decref(p);
	json_decref(ap);
}

static void answers(void **state)
{
	(void)state;
	char err[300];
	assert_int_equal(mc_portal_answer(200, "{\"error_code\":\"0\",\"message\":\"ok\"}", err, sizeof(err)),
			 MC_PORTAL_ACCEPTED);
	assert_string_equal(err, "");
	assert_int_equal(mc_portal_answer(200, "{\"error_code\":0}", err, sizeof(err)), MC_PORTAL_ACCEPTED);
	assert_int_equal(
		mc_portal_answer(200, "{\"error_code\":\"-1\",\"message\":\"MaTTHC không có\"}", err, sizeof(err)),
		MC_PORTAL_REFUSED);
	assert_string_equal(err, "error_code -1: MaTTHC không có");
	assert_int_equal(mc_portal_answer(400, "{\"error_code\":\"-1\",\"message\":\"sai\"}", err, sizeof(err)),
			 MC_PORTAL_REFUSED);
	assert_string_equal(err, "HTTP 400, error_code -1: sai");
	assert_int_equal(mc_portal_answer(404, NULL, err, sizeof(err)), MC_PORTAL_REFUSED);
	/* an outage, a busy portal, a token not right, no answer: later */
	assert_int_equal(mc_portal_answer(503, "{\"error_code\":\"-1\"}", err, sizeof(err)), MC_PORTAL_RETRY);
	assert_string_equal(err, "HTTP 503");
	assert_int_equal(mc_portal_answer(429, NULL, err, sizeof(err)), MC_PORTAL_RETRY);
	assert_int_equal(mc_portal_answer(401, NULL, err, sizeof(err)), MC_PORTAL_RETRY);
	assert_int_equal(mc_portal_answer(0, NULL, err, sizeof(err)), MC_PORTAL_RETRY);
	/* a 200 that is not the portal's answer (a proxy's page): later */
	assert_int_equal(mc_portal_answer(200, "<html>maintenance</html>", err, sizeof(err)), MC_PORTAL_RETRY);
	assert_int_equal(mc_portal_answer(200, "{}", err, sizeof(err)), MC_PORTAL_RETRY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(statuses),         cmocka_unit_test(times),   cmocka_unit_test(payload_person),
		cmocka_unit_test(payload_business), cmocka_unit_test(answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

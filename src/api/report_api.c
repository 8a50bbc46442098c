/*
 * report_api.c - the periodic report over HTTP (docs/statistics.md):
 * GET /api/v1/reports/periodic as JSON, .pdf (A4 landscape) or .xlsx, for
 * the caller's agency subtree (or agency_id within it), a period of local
 * dates from..to (default: the current month, at most 366 days), one row
 * per competent agency or per procedure (group, default agency).  Needs
 * stats.read.  The domain (dossier/report.c) computes; this file checks the
 * query and picks the format.
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../dossier/dossier.h"
#include "../org/org.h"
#include "../render/pdf.h"
#include "../render/xlsx.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

enum fmt { JSON, PDF, XLSX };

/* Rows of the sheet: the key's name (code and name), then the figures. */
static const struct {
	const char *key, *title, *type;
} cols[] = {
	{"label", "Đơn vị / thủ tục", "text"},
	{"carried_over", "Từ kỳ trước chuyển sang", "int"},
	{"new_online", "Tiếp nhận mới: trực tuyến", "int"},
	{"new_counter", "Tiếp nhận mới: trực tiếp", "int"},
	{"new_post", "Tiếp nhận mới: bưu chính", "int"},
	{"received", "Tổng số tiếp nhận", "int"},
	{"resolved_early", "Giải quyết trước hạn", "int"},
	{"resolved_on_time", "Giải quyết đúng hạn", "int"},
	{"resolved_late", "Giải quyết quá hạn", "int"},
	{"late_with_apology", "Trong đó: quá hạn đã xin lỗi, hẹn lại", "int"},
	{"resolved", "Tổng số đã giải quyết", "int"},
	{"in_progress_within", "Đang giải quyết trong hạn", "int"},
	{"in_progress_past", "Đang giải quyết quá hạn", "int"},
	{"withdrawn", "Rút hồ sơ", "int"},
	{"stopped", "Dừng giải quyết", "int"},
	{"refused", "Từ chối", "int"},
	{"on_time_rate", "Tỷ lệ đúng hạn", "percent"},
	{"awaiting_reception", "Trực tuyến chờ tiếp nhận cuối kỳ", "int"},
	{"awaiting_reception_past", "Chờ tiếp nhận quá một ngày làm việc", "int"},
};

static int sheet(struct mc_req *r, json_t *rep, struct mc_buf *buf)
{
	json_t *columns = mc_req_keep(r, json_array()), *rows = mc_req_keep(r, json_array());
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		json_array_append_new(columns, json_pack("{s:s, s:s, s:s}", "key", cols[k].key, "title", cols[k].title,
							 "type", cols[k].type));
	json_object_set_new(json_array_get(columns, 0), "width", json_integer(48));
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(rep, "items"), i, it) {
		json_t *row = json_deep_copy(it);
		const char *name = json_string_value(json_object_get(json_object_get(it, "name"), "vi"));
		const char *code = json_string_value(json_object_get(json_object_get(it, "name"), "code"));
		json_object_set_new(row, "label",
				    json_sprintf("%s%s%s%s",
						 name ? name : json_string_value(json_object_get(it, "key")),
						 code ? " (" : "", code ? code : "", code ? ")" : ""));
		json_array_append_new(rows, row);
	}
	json_t *total = json_deep_copy(json_object_get(rep, "total"));
	json_object_set_new(total, "label", json_string("Tổng cộng"));
	json_array_append_new(rows, total);
	return mc_xlsx_table("Báo cáo định kỳ", columns, rows, buf, &r->err);
}

static int report(struct mc_req *r, enum fmt fmt)
{
	char from[11] = "", to[11] = "";
	mc_api_period(r, from, to);
	const char *group = mc_req_query(r, "group");
	if (!group)
		group = "agency";
	if (strcmp(group, "agency") != 0 && strcmp(group, "procedure") != 0)
		mc_bad_field(&r->err, "group", MC_M_GROUP_ENUM_REPORT);
	int64_t agency;
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency))
		return r->err.code;
	int rc = mc_api_check(r);
	if (rc)
		return rc;
	struct mc_conn *c;
	int64_t root;
	rc = mc_api_agency_root(r, agency, &c, &root);
	if (rc)
		return rc;
	json_t *rep = NULL, *ag = NULL;
	if ((rc = mc_dossier_report(c, root, from, to, group, &rep)) || (rc = mc_agency_get(c, root, &ag))) {
		json_decref(rep);
		return mc_api_db_fail(r, rc);
	}
	json_object_set_new(rep, "agency",
			    json_pack("{s:O, s:O, s:O}", "id", json_object_get(ag, "id"), "code",
				      json_object_get(ag, "code"), "name", json_object_get(ag, "name")));
	mc_req_keep(r, rep);
	mc_req_keep(r, ag);
	if (fmt == JSON)
		return mc_res_json(r, 200, json_incref(rep));
	struct mc_buf buf = MC_BUF_INIT(MC_API_DOC_LIMIT);
	rc = fmt == PDF ? mc_pdf_report(rep, json_string_value(json_object_get(ag, "name")), &buf, &r->err)
			: sheet(r, rep, &buf);
	if (rc) {
		mc_buf_release(&buf);
		return rc == MC_E_VALIDATION || rc == MC_E_TOO_BIG ? mc_fail(r, rc, NULL) : mc_api_db_fail(r, rc);
	}
	return mc_api_send_doc(r, &buf, fmt == PDF,
			       mc_sprintf(r->arena, "bao-cao-%s-%s-%s.%s",
					  json_string_value(json_object_get(ag, "code")), from, to,
					  fmt == PDF ? "pdf" : "xlsx"));
}

static int report_json(struct mc_req *r)
{
	return report(r, JSON);
}
static int report_pdf(struct mc_req *r)
{
	return report(r, PDF);
}
static int report_xlsx(struct mc_req *r)
{
	return report(r, XLSX);
}

const struct mc_route mc_api_report_routes[] = {
	{"GET", "/api/v1/reports/periodic", report_json, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{"GET", "/api/v1/reports/periodic.pdf", report_pdf, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{"GET", "/api/v1/reports/periodic.xlsx", report_xlsx, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{0},
};

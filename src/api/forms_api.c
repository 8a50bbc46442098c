/*
 * forms_api.c - the printable one-stop forms over HTTP: forms 01-06 of a
 * dossier as PDF or JSON, the register book (form 07) of an agency over a
 * period as PDF, XLSX or JSON, and the statistics as XLSX.  The domain
 * decides who may read what and which form applies; this file only picks
 * the format.
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

/* The register: a bounded number of rows (and MC_API_PERIOD_MAX_DAYS). */
#define REGISTER_MAX_ROWS 20000

/* ---- forms 01-06 ---- */

/* "01.pdf" .. "06.json": the form number and whether PDF; 0 if not one. */
static int form_name(const char *s, int *pdf)
{
	if (!s || s[0] != '0' || s[1] < '1' || s[1] > '6' || s[2] != '.')
		return 0;
	if (strcmp(s + 3, "pdf") == 0)
		*pdf = 1;
	else if (strcmp(s + 3, "json") == 0)
		*pdf = 0;
	else
		return 0;
	return s[1] - '0';
}

static int form_get(struct mc_req *r)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63);
	int pdf = 0, form = form_name(mc_req_param(r, "form"), &pdf);
	if (!code || !form)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	json_t *d = NULL;
	/* ?n=: which form 02, when more than one was issued (0: the latest) */
	int64_t n = 0;
	if ((rc = mc_api_query_int(r, "n", 1, 50, 0, &n)))
		return rc;
	if ((rc = mc_dossier_form(&x, code, form, (int)n, &d)))
		return mc_api_fail(r, rc);
	/* form 01 carries the fee and its VietQR code */
	if (form == 1 && (rc = mc_api_form_payment(r, d))) {
		json_decref(d);
		return mc_api_fail(r, rc);
	}
	if (!pdf)
		return mc_res_json(r, 200, d);
	struct mc_buf buf = MC_BUF_INIT(MC_API_DOC_LIMIT);
	rc = mc_pdf_form(form, d, r->lang, &buf, &r->err);
	json_decref(d);
	if (rc) {
		mc_buf_release(&buf);
		return mc_api_fail(r, rc);
	}
	return mc_api_send_doc(r, &buf, 1, mc_sprintf(r->arena, "%s-mau-%02d.pdf", code, form));
}

/* ---- form 07, the register book ---- */

enum reg_format { REG_JSON, REG_PDF, REG_XLSX };

static int register_get(struct mc_req *r, enum reg_format fmt)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	char from[11], to[11];
	mc_api_period(r, from, to);
	if ((rc = mc_api_check(r)))
		return rc;
	struct mc_dossier_ctx x;
	if ((rc = mc_api_dossier_ctx(r, &x)))
		return rc;
	json_t *rows = NULL, *agency = NULL;
	rc = mc_dossier_register(&x, id, from, to, REGISTER_MAX_ROWS, &rows);
	if (rc == MC_E_TOO_BIG) {
		mc_bad_field(&r->err, "from", MC_M_PERIOD_TOO_MANY);
		return mc_fail(r, MC_E_VALIDATION, NULL);
	}
	if (rc)
		return mc_api_fail(r, rc);
	mc_req_keep(r, rows);
	if ((rc = mc_agency_get(x.c, id, &agency)))
		return mc_api_fail(r, rc);
	mc_req_keep(r, agency);
	json_t *ag = json_pack("{s:I, s:O, s:O}", "id", (json_int_t)id, "code", json_object_get(agency, "code"), "name",
			       json_object_get(agency, "name"));
	if (!ag)
		return mc_fail(r, MC_E_INTERNAL, NULL);
	mc_req_keep(r, ag);
	if (fmt == REG_JSON)
		return mc_res_json(
			r, 200, json_pack("{s:O, s:s, s:s, s:O}", "agency", ag, "from", from, "to", to, "items", rows));
	struct mc_buf buf = MC_BUF_INIT(MC_API_DOC_LIMIT);
	rc = fmt == REG_PDF ? mc_pdf_register(ag, from, to, rows, &buf, &r->err)
			    : mc_xlsx_register(ag, from, to, rows, &buf, &r->err);
	if (rc) {
		mc_buf_release(&buf);
		return mc_api_fail(r, rc);
	}
	const char *name =
		mc_sprintf(r->arena, "so-theo-doi-%s-%s-%s.%s", json_string_value(json_object_get(ag, "code")), from,
			   to, fmt == REG_PDF ? "pdf" : "xlsx");
	return mc_api_send_doc(r, &buf, fmt == REG_PDF, name);
}

static int register_json(struct mc_req *r)
{
	return register_get(r, REG_JSON);
}
static int register_pdf(struct mc_req *r)
{
	return register_get(r, REG_PDF);
}
static int register_xlsx(struct mc_req *r)
{
	return register_get(r, REG_XLSX);
}

/* ---- statistics as a spreadsheet ---- */

static const struct {
	const char *key, *title, *type;
	int width;
} stat_cols[] = {
	{"key", NULL, "text", 16}, /* the group: its title depends on the grouping */
	{"name", "Tên", "text", 48},
	{"received_online", "Tiếp nhận trực tuyến", "int", 0},
	{"received_counter", "Tiếp nhận trực tiếp", "int", 0},
	{"resolved_early", "Giải quyết trước hạn", "int", 0},
	{"resolved_on_time", "Giải quyết đúng hạn", "int", 0},
	{"resolved_late", "Giải quyết quá hạn", "int", 0},
	{"on_time_rate", "Tỷ lệ đúng hạn", "percent", 0},
};

static int stats_xlsx(struct mc_req *r)
{
	json_t *st = NULL;
	int rc = mc_api_stats_query(r, &st);
	if (rc)
		return rc;
	mc_req_keep(r, st);
	const char *group = mc_req_query(r, "group");
	const char *key_title = !group                            ? "Phạm vi"
				: strcmp(group, "agency") == 0    ? "Cơ quan"
				: strcmp(group, "procedure") == 0 ? "Mã thủ tục"
								  : "Lĩnh vực";
	json_t *cols = mc_req_keep(r, json_array());
	for (size_t k = 0; k < sizeof(stat_cols) / sizeof(stat_cols[0]); k++) {
		json_t *col = json_pack("{s:s, s:s, s:s}", "key", stat_cols[k].key, "title",
					k == 0 ? key_title : stat_cols[k].title, "type", stat_cols[k].type);
		if (stat_cols[k].width)
			json_object_set_new(col, "width", json_integer(stat_cols[k].width));
		json_array_append_new(cols, col);
	}
	json_t *rows = mc_req_keep(r, json_array());
	struct mc_conn *c;
	if ((rc = mc_req_db(r, &c)))
		return rc;
	size_t i;
	json_t *it;
	json_array_foreach(group ? json_object_get(st, "items") : NULL, i, it) {
		json_t *row = json_deep_copy(it);
		const char *k = json_string_value(json_object_get(it, group));
		json_object_set_new(row, "key", json_string(k ? k : ""));
		long long aid = 0;
		if (strcmp(group, "agency") == 0 && k && sscanf(k, "%lld", &aid) == 1) {
			json_t *a = NULL;
			if (mc_agency_get(c, (int64_t)aid, &a) == 0) {
				json_object_set(row, "name", json_object_get(a, "name"));
				json_decref(a);
			}
		}
		json_array_append_new(rows, row);
	}
	json_t *total = json_deep_copy(json_object_get(st, "total"));
	json_object_set_new(total, "key", json_string("Tổng cộng"));
	json_array_append_new(rows, total);
	struct mc_buf buf = MC_BUF_INIT(MC_API_DOC_LIMIT);
	if ((rc = mc_xlsx_table("Thống kê hồ sơ", cols, rows, &buf, &r->err))) {
		mc_buf_release(&buf);
		return mc_api_fail(r, rc);
	}
	return mc_api_send_doc(r, &buf, 0,
			       mc_sprintf(r->arena, "thong-ke-%s-%s.xlsx",
					  json_string_value(json_object_get(st, "from")),
					  json_string_value(json_object_get(st, "to"))));
}

const struct mc_route mc_api_forms_routes[] = {
	{"GET", "/api/v1/dossiers/{code}/forms/{form}", form_get, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/agencies/{id}/register.json", register_json, MC_AUTH_REQUIRED, "dossier.read", 0},
	{"GET", "/api/v1/agencies/{id}/register.pdf", register_pdf, MC_AUTH_REQUIRED, "dossier.read", 0},
	{"GET", "/api/v1/agencies/{id}/register.xlsx", register_xlsx, MC_AUTH_REQUIRED, "dossier.read", 0},
	{"GET", "/api/v1/stats.xlsx", stats_xlsx, MC_AUTH_REQUIRED, "stats.read", 0},
	{0},
};

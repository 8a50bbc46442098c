/* map.c - a dossier mapped to the national portal's synchronisation payload
 * (DongBoHoSoMC) and the portal's answer read (see portal.h; what is taken
 * from public documents and what is assumed: docs/portal.md). */
#include "portal.h"

#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

int mc_portal_status(const char *status, const char *action)
{
	static const struct {
		const char *status;
		int code;
	} codes[] = {
		{"submitted", 1},    {"refused", 3},   {"supplement_requested", 5}, {"withdrawn", 7}, {"stopped", 8},
		{"result_ready", 9}, {"returned", 10},
	};
	if (!status)
		return 0;
	if (strcmp(status, "in_progress") == 0) /* taken in now, or on its way */
		return action && (strcmp(action, "intake") == 0 || strcmp(action, "receive") == 0) ? 2 : 4;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].status, status) == 0)
			return codes[i].code;
	return 0;
}

void mc_portal_time(int64_t ms, char out[15])
{
	out[0] = '\0';
	if (ms <= 0)
		return;
	int64_t s = ms / 1000 + 7 * 3600, day = s / 86400, sec = s % 86400;
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	char t[64];
	snprintf(t, sizeof(t), "%04d%02d%02d%02d%02d%02d", y % 10000, m % 100, d % 100, (int)(sec / 3600),
		 (int)(sec / 60 % 60), (int)(sec % 60));
	snprintf(out, 15, "%.14s", t);
}

static const char *member(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static json_t *when(int64_t ms)
{
	char t[15];
	mc_portal_time(ms, t);
	return json_string(t);
}

/* DanhSachGiayToKetQua: the result documents, by their number and summary. */
static json_t *results(json_t *docs)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(docs, i, v) {
		char ref[96];
		const char *sym = member(v, "symbol");
		json_int_t number = json_integer_value(json_object_get(v, "number"));
		if (*sym)
			snprintf(ref, sizeof(ref), "%lld/%s", (long long)number, sym);
		else
			snprintf(ref, sizeof(ref), "%lld", (long long)number);
		const char *date = member(v, "doc_date"); /* YYYY-MM-DD */
		char d8[9] = "";
		if (strlen(date) == 10)
			snprintf(d8, sizeof(d8), "%.4s%.2s%.2s", date, date + 5, date + 8);
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "TenGiayTo", member(v, "summary"), "SoKyHieu",
						     ref, "NgayBanHanh", d8));
	}
	return out;
}

json_t *mc_portal_payload(const struct mc_portal_dossier *d)
{
	int status = mc_portal_status(d->status, d->action);
	if (!status)
		return NULL;
	json_t *ap = d->applicant;
	/* an organisation is known by its tax code, a person by their ID */
	const char *id = member(ap, "id_number"), *tax = member(ap, "tax_code");
	int business = !*id && *tax;
	int done = status == 3 || status >= 7;
	char st[4];
	snprintf(st, sizeof(st), "%d", status);
	json_t *item = json_object();
	json_object_set_new(item, "MaHoSo", json_string(d->code));
	json_object_set_new(item, "MaTTHC", json_string(d->procedure_code));
	json_object_set_new(item, "TenTTHC", json_string(d->procedure_name));
	json_object_set_new(item, "MaLinhVuc", json_string(d->field_code));
	json_object_set_new(item, "TenLinhVuc", json_string(d->field_name));
	json_object_set_new(item, "KenhThucHien", json_string(strcmp(d->channel, "online") == 0 ? "2" : "1"));
	json_object_set_new(item, "ChuHoSo", json_string(member(ap, "full_name")));
	json_object_set_new(item, "LoaiDoiTuong", json_string(business ? "2" : "1"));
	json_object_set_new(item, "MaDoiTuong", json_string(business ? tax : id));
	json_object_set_new(item, "SoDienThoai", json_string(member(ap, "phone")));
	json_object_set_new(item, "Email", json_string(member(ap, "email")));
	json_object_set_new(item, "TrichYeuHoSo", json_string(d->procedure_name));
	json_object_set_new(item, "NgayNopHoSo", when(d->submitted_at));
	json_object_set_new(item, "NgayTiepNhan", when(d->received_at));
	json_object_set_new(item, "NgayHenTra", when(d->due_at));
	json_object_set_new(item, "TrangThaiHoSo", json_string(st));
	json_object_set_new(item, "NgayKetThucXuLy", when(done ? d->completed_at : 0));
	json_object_set_new(item, "NgayTra", when(status == 10 ? d->returned_at : 0));
	json_object_set_new(item, "HinhThuc", json_string(strcmp(d->return_method, "post") == 0 ? "1" : "0"));
	json_object_set_new(
		item, "ThongTinTra",
		json_string(status == 10 ? (strcmp(d->return_method, "post") == 0 ? "Trả kết quả qua dịch vụ bưu chính"
										  : "Trả kết quả tại Bộ phận Một cửa")
					 : ""));
	json_object_set_new(item, "DonViXuLy", json_string(d->agency_name));
	json_object_set_new(item, "MaDonVi", json_string(d->agency_code));
	json_object_set_new(item, "DanhSachGiayToKetQua", results(status >= 9 ? d->results : NULL));
	return json_pack("{s:s, s:b, s:[o]}", "service", "DongBoHoSoMC", "isUpdating", d->updating, "data", item);
}

enum mc_portal_outcome mc_portal_answer(long http_status, const char *body, char *err, size_t errlen)
{
	err[0] = '\0';
	if (http_status == 0) {
		snprintf(err, errlen, "no answer from the portal");
		return MC_PORTAL_RETRY;
	}
	/* an outage, a busy portal, or this server's token not (yet) right:
	 * nothing wrong with the dossier, tried again later */
	if (http_status >= 500 || http_status == 401 || http_status == 403 || http_status == 408 ||
	    http_status == 429) {
		snprintf(err, errlen, "HTTP %ld", http_status);
		return MC_PORTAL_RETRY;
	}
	json_error_t je;
	json_t *a = body ? json_loads(body, 0, &je) : NULL;
	json_t *code = json_object_get(a, "error_code");
	const char *msg = json_string_value(json_object_get(a, "message"));
	char c[24] = "";
	if (json_is_string(code))
		snprintf(c, sizeof(c), "%s", json_string_value(code));
	else if (json_is_integer(code))
		snprintf(c, sizeof(c), "%lld", (long long)json_integer_value(code));
	enum mc_portal_outcome o;
	if (http_status >= 200 && http_status < 300 && strcmp(c, "0") == 0) {
		o = MC_PORTAL_ACCEPTED;
	} else if (http_status >= 400 || c[0]) { /* the payload refused, the portal's message kept */
		if (http_status >= 300)
			snprintf(err, errlen, "HTTP %ld%s%s: %.200s", http_status, c[0] ? ", error_code " : "", c,
				 msg ? msg : "");
		else
			snprintf(err, errlen, "error_code %s: %.200s", c, msg ? msg : "");
		o = MC_PORTAL_REFUSED;
	} else {
		snprintf(err, errlen, "HTTP %ld: not an answer of the portal", http_status);
		o = MC_PORTAL_RETRY;
	}
	json_decref(a);
	return o;
}

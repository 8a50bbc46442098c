/*
 * snappdf.c - the daily report of a body for its leaders (hourly dashboard
 * snapshots, issue 15): its name and the day, the day's figures (dossiers
 * received, resolved, the on-time rate, dossiers and directions past their
 * deadline as the day ended), then the week ending that day as a table, one
 * row a day.  Drawn with the layout engine of pdf.c (pdfdoc.h) on the A4
 * page of the official documents.
 */
#include "pdf.h"
#include "pdfdoc.h"

#include "fmt.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const char *const keys[] = {"received",           "resolved",           "on_time_rate", "overdue_dossiers",
				   "overdue_directions", "overdue_directives", "polls_waiting"};
static const char *const labels[] = {
	"Hồ sơ tiếp nhận",         "Hồ sơ giải quyết",         "Tỷ lệ đúng hạn",           "Hồ sơ quá hạn",
	"Văn bản chỉ đạo quá hạn", "Nhiệm vụ chỉ đạo quá hạn", "Phiếu lấy ý kiến đang chờ"};
#define NKEYS 7

/* A figure as printed: a count, a percentage, or a dash when unknown. */
static const char *figure(struct doc *d, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return mc_sprintf(d->a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return mc_sprintf(d->a, "%.1f%%", json_real_value(v) * 100.0);
	return "-";
}

/* "05/03/2027" of "2027-03-05". */
static const char *vn_day(struct doc *d, const char *day)
{
	int y, m, dd;
	if (day && sscanf(day, "%4d-%2d-%2d", &y, &m, &dd) == 3)
		return mc_sprintf(d->a, "%02d/%02d/%d", dd, m, y);
	return "";
}

/* One row of cells across the text width, cell i in w[i] of it. */
static void row(struct doc *d, const char *const *cells, const double *w, int n, int flags)
{
	double x = d->ml, h = 0, cw = mc__pdf_cw(d);
	PangoLayout *l[8];
	for (int i = 0; i < n; i++) {
		l[i] = mc__pdf_lay(d, mc__pdf_esc(d, cells[i]), cw * w[i] - 6, d->fs - 1, flags | (i ? F_RIGHT : 0));
		double lh = mc__pdf_layout_h(l[i]);
		h = lh > h ? lh : h;
	}
	mc__pdf_need(d, h + 6);
	for (int i = 0; i < n; i++) {
		mc__pdf_put(d, l[i], x + 3, d->y + 3);
		x += cw * w[i];
	}
	d->y += h + 6;
	mc__pdf_hline(d, d->ml, d->ml + cw, d->y, 0.4);
}

static void week(struct doc *d, json_t *j)
{
	static const double w[] = {0.16, 0.12, 0.12, 0.12, 0.12, 0.12, 0.12, 0.12};
	const char *head[] = {"Ngày",       "Tiếp nhận",  "Giải quyết", "Đúng hạn",
			      "HS quá hạn", "VB quá hạn", "NV quá hạn", "Lấy ý kiến"};
	mc__pdf_para(d, "<b>Xu hướng 7 ngày</b>", 0, 0, 6);
	mc__pdf_hline(d, d->ml, d->ml + mc__pdf_cw(d), d->y, 0.6);
	row(d, head, w, NKEYS + 1, F_BOLD);
	json_t *r;
	size_t i;
	json_array_foreach(mc__jget(j, "week"), i, r) {
		const char *cells[NKEYS + 1] = {vn_day(d, json_string_value(json_object_get(r, "day")))};
		for (int k = 0; k < NKEYS; k++)
			cells[k + 1] = figure(d, r, keys[k]);
		row(d, cells, w, NKEYS + 1, 0);
	}
}

static void daily(struct doc *d, json_t *j)
{
	const char *agency = mc__jtext(d->a, j, "agency"), *day = mc__jtext(d->a, j, "day");
	mc__pdf_para(d, mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, mc__pdf_upper(d, agency ? agency : ""))), F_CENTER,
		     0, 4);
	mc__pdf_para(d, "<b>BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ VÀ VĂN BẢN HẰNG NGÀY</b>", F_CENTER, 0, 4);
	mc__pdf_para(d, mc_sprintf(d->a, "<i>Ngày %s</i>", vn_day(d, day)), F_CENTER, 0, 18);
	static const double w[] = {0.7, 0.3};
	json_t *f = mc__jget(j, "figures");
	mc__pdf_hline(d, d->ml, d->ml + mc__pdf_cw(d), d->y, 0.6);
	for (int k = 0; k < NKEYS; k++) {
		const char *cells[2] = {labels[k], figure(d, f, keys[k])};
		row(d, cells, w, 2, 0);
	}
	d->y += 18;
	week(d, j);
	mc__pdf_para(d,
		     "<i>Số liệu từ các bản chụp hằng giờ của bảng điều hành: tiếp nhận và giải quyết trong ngày; quá "
		     "hạn tại thời điểm cuối ngày.</i>",
		     0, 0, 0);
}

int mc_pdf_daily_report(json_t *report, struct mc_buf *out, struct mc_error *e)
{
	if (!json_is_object(report))
		return mc_error_set(e, MC_E_INVAL, "Báo cáo phải là một đối tượng JSON");
	return mc__pdf_render_document(report, daily, NULL, out, e);
}

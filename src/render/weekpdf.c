/*
 * weekpdf.c - the PDF of a week of a work calendar (mc_pdf_week).
 */
#include "pdf.h"
#include "pdfdoc.h"

#include "core/timeutil.h"
#include "fmt.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const char *const DAYS[] = {"Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"};

static const struct col COLS[] = {
	{"Ngày", "Day", 0.10, F_CENTER}, {"Thời gian", "Time", 0.10, F_CENTER},  {"Nội dung", "What", 0.34, 0},
	{"Chủ trì", "Chair", 0.15, 0},   {"Thành phần", "Taking part", 0.17, 0}, {"Địa điểm", "Place", 0.14, 0},
};
static const struct table TABLE = {COLS, 6, 10, 3};

/* The text at path, "" when none. */
static const char *txt(struct doc *d, json_t *o, const char *path)
{
	const char *s = mc__jtext(d->a, o, path);
	return s ? s : "";
}

/* "dd/mm/yyyy" of "yyyy-mm-dd" (arena). */
static const char *dmy(struct doc *d, const char *iso)
{
	return iso && strlen(iso) >= 10 ? mc_sprintf(d->a, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso) : "";
}

static void heading(struct doc *d, json_t *w)
{
	const char *agency = txt(d, w, "agency.name"), *week = txt(d, w, "week");
	json_t *days = json_object_get(w, "days");
	int y, m, dd, n = 0;
	if (sscanf(week, "%4d-%2d-%2d", &y, &m, &dd) == 3) {
		/* ISO 8601: the week belongs to the year of its Thursday */
		int64_t thu = mc_days_from_civil(y, m, dd) + 3;
		mc_civil_from_days(thu, &y, &m, &dd);
		int64_t jan4 = mc_days_from_civil(y, 1, 4);
		int64_t first = jan4 - ((jan4 + 3) % 7); /* the Monday of ISO week 1 */
		n = (int)((thu - 3 - first) / 7 + 1);
	}
	mc__pdf_para(d, mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, mc__pdf_upper(d, agency))), F_CENTER, 0, 4);
	mc__pdf_para(d, "<b>LỊCH CÔNG TÁC TUẦN</b>", F_CENTER, 0, 2);
	mc__pdf_para(d,
		     mc_sprintf(d->a, "<i>Tuần %d (từ ngày %s đến ngày %s)</i>", n, dmy(d, week),
				dmy(d, json_string_value(json_array_get(days, 6)))),
		     F_CENTER, 0, 2);
	const char *state = txt(d, w, "state");
	int64_t edition = json_integer_value(json_object_get(w, "edition"));
	if (strcmp(state, "published") != 0)
		mc__pdf_para(d, "<b>DỰ THẢO - CHƯA CÔNG BỐ</b>", F_CENTER, 0, 2);
	else if (edition > 0)
		mc__pdf_para(d, mc_sprintf(d->a, "<i>(Điều chỉnh lần %lld)</i>", (long long)edition), F_CENTER, 0, 2);
	d->y += 6;
}

static const char *participants(struct doc *d, json_t *e)
{
	const char *out = "";
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(e, "participants"), i, p) {
		json_t *u = json_object_get(p, "user");
		const char *name = json_is_object(u) ? txt(d, u, "full_name") : txt(d, p, "agency.name");
		out = mc_sprintf(d->a, "%s%s%s", out, *out ? "; " : "", mc__pdf_esc(d, name));
	}
	return out;
}

static const char *place(struct doc *d, json_t *e)
{
	json_t *room = json_object_get(e, "room");
	const char *p = json_is_object(room) ? txt(d, room, "place") : txt(d, e, "place");
	const char *url = txt(d, e, "online_url");
	int online = *url || json_is_true(json_object_get(e, "online"));
	return mc_sprintf(d->a, "%s%s%s", mc__pdf_esc(d, p), *p && online ? "\n" : "",
			  *url     ? mc_sprintf(d->a, "Trực tuyến: %s", mc__pdf_esc(d, url))
			  : online ? "Trực tuyến"
				   : "");
}

static void event_row(struct doc *d, json_t *e, const char *day_cell)
{
	const char *start = txt(d, e, "start"), *end = txt(d, e, "end");
	int cancelled = strcmp(txt(d, e, "status"), "cancelled") == 0;
	const char *what = mc__pdf_esc(d, txt(d, e, "title"));
	if (cancelled)
		what = mc_sprintf(d->a, "<s>%s</s>\n<i>Hủy: %s</i>", what, mc__pdf_esc(d, txt(d, e, "cancel_reason")));
	const char *prep = txt(d, e, "preparing_agency.name");
	if (*prep)
		what = mc_sprintf(d->a, "%s\n<i>Chuẩn bị: %s</i>", what, mc__pdf_esc(d, prep));
	const char *cells[6] = {
		day_cell,
		mc_sprintf(d->a, "%.5s - %.5s", strlen(start) > 16 ? start + 11 : "", strlen(end) > 16 ? end + 11 : ""),
		what,
		mc__pdf_esc(d, txt(d, e, "chair.full_name")),
		participants(d, e),
		place(d, e),
	};
	mc__pdf_table_row(d, &TABLE, cells, 0);
}

static void draw(struct doc *d, json_t *w)
{
	heading(d, w);
	mc__pdf_table_begin(d, &TABLE);
	json_t *days = json_object_get(w, "days"), *events = json_object_get(w, "events"), *e;
	for (size_t k = 0; k < 7; k++) {
		const char *day = json_string_value(json_array_get(days, k));
		const char *cell = mc_sprintf(d->a, "<b>%s</b>\n%s", DAYS[k], dmy(d, day));
		size_t i;
		int any = 0;
		json_array_foreach(events, i, e) {
			const char *start = txt(d, e, "start");
			if (strncmp(start, day ? day : "", 10) != 0)
				continue;
			event_row(d, e, any ? "" : cell);
			any = 1;
		}
		if (!any) {
			const char *empty[6] = {cell, "", "<i>Không có lịch</i>", "", "", ""};
			mc__pdf_table_row(d, &TABLE, empty, 0);
		}
	}
	mc__pdf_table_end(d);
}

int mc_pdf_week(json_t *week, struct mc_buf *out, struct mc_error *e)
{
	if (!json_is_object(week) || !json_is_string(json_object_get(week, "week")) ||
	    json_array_size(json_object_get(week, "days")) != 7 || !json_is_array(json_object_get(week, "events")))
		return mc_error_set(e, MC_E_VALIDATION, "a week needs its days and events");
	return mc__pdf_render_landscape(week, draw, out, e);
}

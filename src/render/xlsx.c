/*
 * xlsx.c - register book and generic tables as .xlsx; see xlsx.h.
 *
 * Both entry points go through one writer, write_sheet(): optional title
 * lines, a header row, typed cells.  The register is first turned into the
 * generic form (columns + row objects) so that the two cannot drift apart.
 * The workbook uses libxlsxwriter's constant-memory mode: rows stream to a
 * temporary file instead of staying in memory, and strings are stored in
 * the sheet itself (inline) rather than in a shared-strings table.
 */
#include "xlsx.h"

#include "fmt.h"

#include "core/arena.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/banned.h"

#define MAX_ROWS  1048576 /* rows in an Excel sheet */
#define MAX_COLS  16384
#define MAX_CELL  32767 /* bytes libxlsxwriter accepts in one string cell */
#define MAX_WIDTH 60.0

enum ctype { C_TEXT, C_INT, C_PERCENT, C_DATETIME };

struct xcol {
	const char *key, *title;
	enum ctype type;
	double width;
};

struct sheet {
	const char *name;
	const char *title[3]; /* lines above the table, NULL-terminated early */
	int landscape;
	const struct xcol *cols;
	size_t ncols;
	json_t *rows;
};

static enum ctype ctype_of(const char *s, int *ok)
{
	*ok = 1;
	if (!s || strcmp(s, "text") == 0)
		return C_TEXT;
	if (strcmp(s, "int") == 0)
		return C_INT;
	if (strcmp(s, "percent") == 0)
		return C_PERCENT;
	if (strcmp(s, "datetime") == 0)
		return C_DATETIME;
	*ok = 0;
	return C_TEXT;
}

/* Code points in s (for column widths). */
static size_t cps(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A sheet name Excel accepts: no []:*?/\, no leading or trailing
 * apostrophe, 1-31 characters. */
static const char *sheet_name(struct mc_arena *a, const char *s)
{
	char *o = mc_strdup(a, s && *s ? s : "Sheet1");
	for (char *p = o; *p; p++)
		if (strchr("[]:*?/\\", *p) || (unsigned char)*p < 0x20)
			*p = ' ';
	while (*o == '\'')
		o++;
	size_t n = 0;
	for (char *p = o; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && n++ == 31) {
			*p = '\0';
			break;
		}
	}
	size_t len = strlen(o);
	while (len && o[len - 1] == '\'')
		o[--len] = '\0';
	return *o ? o : "Sheet1";
}

/* At most MAX_CELL bytes of s, cut on a character boundary. */
static const char *cell_text(struct mc_arena *a, const char *s)
{
	size_t n = strlen(s);
	if (n <= MAX_CELL)
		return s;
	n = MAX_CELL;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return mc_strndup(a, s, n);
}

/* Check every cell's type before anything is written. */
static int check_rows(const struct sheet *sh, struct mc_error *e)
{
	size_t i, before = e->nfields;
	json_t *r;
	if (!json_is_array(sh->rows)) {
		mc_bad_field(e, "rows", MC_M_NOT_ARRAY);
		return mc__validation_done(e, before, "bảng tính");
	}
	json_array_foreach(sh->rows, i, r) {
		if (!json_is_object(r)) {
			mc_bad_field(e, "rows", MC_M_ROW_NOT_OBJECT);
			mc_error_log(e, "xlsx: row %zu is not an object", i);
			break;
		}
		int bad = 0;
		for (size_t c = 0; c < sh->ncols && !bad; c++) {
			json_t *v = json_object_get(r, sh->cols[c].key);
			struct mc__vntime t;
			if (!v || json_is_null(v))
				continue;
			switch (sh->cols[c].type) {
			case C_TEXT:
				bad = !json_is_string(v) && !json_is_number(v);
				break;
			case C_INT:
			case C_PERCENT:
				bad = !json_is_number(v);
				break;
			case C_DATETIME:
				bad = !json_is_string(v) || mc__vntime(json_string_value(v), &t) || t.y < 1900 ||
				      t.y > 9999;
				break;
			}
			if (bad) {
				mc_bad_field(e, "rows", MC_M_COLUMN_VALUE_TYPE);
				mc_error_log(e, "xlsx: row %zu, column %s", i, sh->cols[c].key);
			}
		}
		if (bad)
			break;
	}
	if (e->nfields == before && json_array_size(sh->rows) + 5 > MAX_ROWS)
		return mc_error_set(e, MC_E_TOO_BIG, "Quá nhiều dòng cho một trang tính");
	return mc__validation_done(e, before, "bảng tính");
}

static int lxw_fail(struct mc_error *e, const char *what, lxw_error err)
{
	mc_error_set(e, MC_E_INTERNAL, NULL);
	return mc_error_log(e, "xlsx: %s: %s", what, lxw_strerror(err));
}

/* The cell formats of a workbook. */
struct formats {
	lxw_format *bold, *big, *head, *when, *day, *pct, *num, *text;
};

static lxw_format *top_format(lxw_workbook *wb, const char *num_format)
{
	lxw_format *f = workbook_add_format(wb);
	if (num_format)
		format_set_num_format(f, num_format);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	return f;
}

static void add_formats(lxw_workbook *wb, struct formats *f)
{
	f->bold = workbook_add_format(wb);
	format_set_bold(f->bold);
	f->big = workbook_add_format(wb);
	format_set_bold(f->big);
	format_set_font_size(f->big, 14);
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_text_wrap(f->head);
	format_set_align(f->head, LXW_ALIGN_CENTER);
	format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_bg_color(f->head, 0xD9D9D9);
	format_set_border(f->head, LXW_BORDER_THIN);
	f->when = top_format(wb, "dd/mm/yyyy hh:mm");
	f->day = top_format(wb, "dd/mm/yyyy");
	f->pct = top_format(wb, "0.0%");
	f->num = top_format(wb, NULL);
	f->text = workbook_add_format(wb);
	format_set_text_wrap(f->text);
	format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
}

/* A column's width: its own, else fitted to its title and values. */
static double column_width(const struct sheet *sh, size_t c)
{
	double w = sh->cols[c].width;
	if (w > 0)
		return w;
	w = sh->cols[c].type == C_DATETIME ? 17 : 8;
	double t = (double)cps(sh->cols[c].title) + 2;
	if (t > w)
		w = t > 24 ? 24 : t; /* long titles wrap in the header */
	size_t i;
	json_t *r;
	json_array_foreach(sh->rows, i, r) {
		json_t *v = json_object_get(r, sh->cols[c].key);
		if (sh->cols[c].type == C_TEXT && json_is_string(v)) {
			double k = (double)cps(json_string_value(v)) + 2;
			if (k > w)
				w = k > MAX_WIDTH ? MAX_WIDTH : k;
		}
	}
	return w;
}

/* The title lines, a blank line, the header; returns the header's row. */
static lxw_row_t write_head(lxw_worksheet *ws, const struct sheet *sh, const struct formats *f, struct mc_arena *a)
{
	lxw_row_t row = 0;
	for (int k = 0; k < 3 && sh->title[k]; k++) {
		worksheet_write_string(ws, row, 0, cell_text(a, sh->title[k]), k == 1 ? f->big : f->bold);
		row++;
	}
	if (row)
		row++; /* a blank line between title and table */
	worksheet_set_row(ws, row, 30, NULL);
	for (size_t c = 0; c < sh->ncols; c++)
		worksheet_write_string(ws, row, (lxw_col_t)c, cell_text(a, sh->cols[c].title), f->head);
	return row;
}

static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, enum ctype type, json_t *v,
			    const struct formats *f, struct mc_arena *a)
{
	struct mc__vntime t;
	const char *s;
	switch (type) {
	case C_TEXT:
		/* NFC, no code point XML refuses; blank stays empty */
		s = mc__jtext(a, v, NULL);
		return s ? worksheet_write_string(ws, row, col, cell_text(a, s), f->text) : LXW_NO_ERROR;
	case C_INT:
		return worksheet_write_number(ws, row, col, json_number_value(v), f->num);
	case C_PERCENT:
		return worksheet_write_number(ws, row, col, json_number_value(v), f->pct);
	case C_DATETIME:
		mc__vntime(json_string_value(v), &t);
		lxw_datetime dt = {t.y, t.mo, t.d, t.h, t.mi, t.s};
		return worksheet_write_datetime(ws, row, col, &dt, t.date_only ? f->day : f->when);
	}
	return LXW_NO_ERROR;
}

/* The rows from *row on; *row ends after the last. */
static lxw_error write_rows(lxw_worksheet *ws, const struct sheet *sh, const struct formats *f, struct mc_arena *a,
			    lxw_row_t *row)
{
	size_t i;
	json_t *r;
	json_array_foreach(sh->rows, i, r) {
		for (size_t c = 0; c < sh->ncols; c++) {
			json_t *v = json_object_get(r, sh->cols[c].key);
			if (!v || json_is_null(v))
				continue;
			lxw_error err = write_cell(ws, *row, (lxw_col_t)c, sh->cols[c].type, v, f, a);
			if (err)
				return err;
		}
		(*row)++;
	}
	return LXW_NO_ERROR;
}

/* Write the workbook to path. */
static int write_book(const struct sheet *sh, const char *path, char *tmpdir, struct mc_arena *a, struct mc_error *e)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb) {
		mc_error_set(e, MC_E_IO, NULL);
		return mc_error_log(e, "xlsx: cannot create the workbook in %s", tmpdir);
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet_name(a, sh->name));
	struct formats f;
	add_formats(wb, &f);
	for (size_t c = 0; c < sh->ncols; c++)
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, column_width(sh, c), NULL);
	lxw_row_t header = write_head(ws, sh, &f, a), row = header + 1;
	lxw_error err = write_rows(ws, sh, &f, a, &row);
	if (err) {
		workbook_close(wb);
		return lxw_fail(e, "write", err);
	}
	worksheet_freeze_panes(ws, header + 1, 0);
	if (sh->ncols)
		worksheet_autofilter(ws, header, 0, row > header + 1 ? row - 1 : header, (lxw_col_t)(sh->ncols - 1));
	worksheet_repeat_rows(ws, header, header);
	worksheet_set_paper(ws, 9); /* A4 */
	if (sh->landscape)
		worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	if ((err = workbook_close(wb)))
		return lxw_fail(e, "close", err);
	return 0;
}

/* Append the file at path to out. */
static int slurp(const char *path, struct mc_buf *out, struct mc_error *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		mc_error_set(e, MC_E_IO, NULL);
		return mc_error_log(e, "xlsx: open %s: %s", path, strerror(errno));
	}
	char buf[65536];
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mc_error_set(e, MC_E_IO, NULL);
			rc = mc_error_log(e, "xlsx: read %s: %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if ((rc = mc_buf_add(out, buf, (size_t)n)) != 0) {
			mc_error_set(e, rc, "Tệp bảng tính vượt quá giới hạn dung lượng");
			break;
		}
	}
	close(fd);
	return rc;
}

static int write_sheet(const struct sheet *sh, struct mc_arena *a, struct mc_buf *out, struct mc_error *e)
{
	int rc = check_rows(sh, e);
	if (rc)
		return rc;
	const char *env = getenv("TMPDIR");
	char *dir = mc_strdup(a, env && *env ? env : "/tmp");
	char *path = mc_sprintf(a, "%s/motcua-xlsx-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		mc_error_set(e, MC_E_IO, NULL);
		return mc_error_log(e, "xlsx: mkstemp in %s: %s", dir, strerror(errno));
	}
	close(fd); /* libxlsxwriter opens the file by name */
	size_t keep = out->len;
	rc = write_book(sh, path, dir, a, e);
	if (!rc)
		rc = slurp(path, out, e);
	unlink(path);
	if (rc) {
		out->len = keep;
		if (out->data)
			out->data[keep] = '\0';
	}
	return rc;
}

int mc_xlsx_table(const char *sheet_title, json_t *columns, json_t *rows, struct mc_buf *out, struct mc_error *e)
{
	size_t before = e->nfields, i;
	json_t *c;
	if (!json_is_array(columns) || json_array_size(columns) == 0 || json_array_size(columns) > MAX_COLS) {
		mc_bad_field(e, "columns", MC_M_COLUMNS_REQUIRED);
		return mc__validation_done(e, before, "bảng tính");
	}
	struct mc_arena *a = mc_arena_new(8192);
	struct sheet sh = {0};
	sh.name = sheet_title;
	sh.ncols = json_array_size(columns);
	struct xcol *cols = mc_zalloc(a, sh.ncols * sizeof(*cols));
	sh.cols = cols;
	sh.rows = rows;
	json_array_foreach(columns, i, c) {
		int ok;
		const char *key = json_string_value(json_object_get(c, "key"));
		const char *title = json_string_value(json_object_get(c, "title"));
		json_t *type = json_object_get(c, "type");
		cols[i].type = ctype_of(json_string_value(type), &ok);
		cols[i].key = key;
		cols[i].title = title ? title : key;
		cols[i].width = json_is_number(json_object_get(c, "width"))
					? json_number_value(json_object_get(c, "width"))
					: 0;
		if (cols[i].width > 255)
			cols[i].width = 255;
		if (!key || !*key) {
			mc_bad_field(e, "columns.key", MC_M_COLUMN_KEY_REQUIRED);
			break;
		}
		if (!ok || (type && !json_is_string(type))) {
			mc_bad_field(e, "columns.type", MC_M_COLUMN_TYPE_ENUM);
			break;
		}
	}
	int rc = mc__validation_done(e, before, "bảng tính");
	if (!rc)
		rc = write_sheet(&sh, a, out, e);
	mc_arena_free(a);
	return rc;
}

/* The register's columns, in the order of the printed book (form 07). */
static const struct xcol reg_cols[] = {
	{"no", "TT", C_INT, 5},
	{"code", "Mã hồ sơ", C_TEXT, 27},
	{"procedure", "Thủ tục hành chính", C_TEXT, 40},
	{"procedure_code", "Mã thủ tục", C_TEXT, 11},
	{"applicant", "Tổ chức, cá nhân nộp hồ sơ", C_TEXT, 24},
	{"address", "Địa chỉ", C_TEXT, 32},
	{"phone", "Số điện thoại", C_TEXT, 13},
	{"received_at", "Nhận hồ sơ", C_DATETIME, 17},
	{"due_at", "Hẹn trả kết quả", C_DATETIME, 17},
	{"handed_to", "Chuyển hồ sơ đến cơ quan giải quyết", C_TEXT, 30},
	{"completed_at", "Hoàn thành", C_DATETIME, 17},
	{"result", "Kết quả (trước, đúng, quá hạn)", C_TEXT, 13},
	{"status", "Trạng thái", C_TEXT, 17},
	{"returned_at", "Trả kết quả", C_DATETIME, 17},
	{"signature", "Ký nhận", C_TEXT, 14},
};

/* Copy a member that is a valid time (others are left out). */
static void put_time(json_t *row, const char *key, json_t *x, const char *path)
{
	struct mc__vntime t;
	json_t *v = mc__jget(x, path);
	if (json_is_string(v) && !mc__vntime(json_string_value(v), &t) && t.y >= 1900 && t.y <= 9999)
		json_object_set(row, key, v);
}

static void put_text(json_t *row, const char *key, const char *s)
{
	if (s)
		json_object_set_new(row, key, json_string(s));
}

int mc_xlsx_register(json_t *agency, const char *period_from, const char *period_to, json_t *dossiers,
		     struct mc_buf *out, struct mc_error *e)
{
	struct mc__vntime from, to;
	size_t before = e->nfields, i;
	json_t *x;
	struct mc_arena *a = mc_arena_new(8192);
	mc__check_register(e, a, agency, period_from, period_to, dossiers, &from, &to);
	int rc = mc__validation_done(e, before, "Sổ theo dõi hồ sơ");
	if (rc) {
		mc_arena_free(a);
		return rc;
	}

	json_t *rows = json_array();
	json_array_foreach(dossiers, i, x) {
		json_t *r = json_object();
		json_object_set_new(r, "no", json_integer((json_int_t)i + 1));
		put_text(r, "code", mc__jtext(a, x, "code"));
		put_text(r, "procedure", mc__jtext(a, x, "procedure.name"));
		put_text(r, "procedure_code", mc__jtext(a, x, "procedure.code"));
		put_text(r, "applicant", mc__jtext(a, x, "applicant.full_name"));
		put_text(r, "address", mc__jtext(a, x, "applicant.address"));
		put_text(r, "phone", mc__jtext(a, x, "applicant.phone"));
		put_time(r, "received_at", x, "received_at");
		put_time(r, "due_at", x, "due_at");
		put_text(r, "handed_to", mc__jtext(a, x, "competent_agency.name"));
		put_time(r, "completed_at", x, "completed_at");
		put_text(r, "result", mc__result_label(mc__jtext(a, x, "result_status"), 0));
		put_text(r, "status", mc__status_label(mc__jtext(a, x, "status"), 0));
		put_time(r, "returned_at", x, "returned_at");
		json_array_append_new(rows, r);
	}
	struct sheet sh = {0};
	sh.name = "Sổ theo dõi hồ sơ";
	sh.title[0] = mc__jtext(a, agency, "name");
	sh.title[1] = "SỔ THEO DÕI HỒ SƠ";
	sh.title[2] = mc_sprintf(a, "Từ ngày %s đến ngày %s", mc__fmt_time(a, &from, MC__T_DATE),
				 mc__fmt_time(a, &to, MC__T_DATE));
	sh.landscape = 1;
	sh.cols = reg_cols;
	sh.ncols = sizeof(reg_cols) / sizeof(reg_cols[0]);
	sh.rows = rows;
	rc = write_sheet(&sh, a, out, e);
	json_decref(rows);
	mc_arena_free(a);
	return rc;
}

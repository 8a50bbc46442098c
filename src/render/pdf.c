/*
 * pdf.c - forms 01-07 with cairo (a PDF surface writing into memory) and
 * pango; see pdf.h.
 *
 * Layout model: blocks flow down the page from a cursor (struct doc's y).
 * Every block is made of pango layouts that are drawn line by line, so a
 * paragraph or a table row that reaches the bottom margin continues on the
 * next page instead of running off it; a table's header row is drawn again
 * at the top of each page it continues on.  Page numbers "Trang i/n" need n:
 * a form is laid out once, and only when it took more than one page (and
 * always for the register book, which is numbered even on one page) is it
 * laid out a second time knowing n; the layout does not depend on n, so both
 * passes break pages at the same places.
 *
 * Issuer in the header: the receiving agency for forms 01, 02, 03, 06; the
 * competent agency (else the receiving one) for 04 and 05, which speak for
 * the agency that decides on the dossier.
 */
#include "pdf.h"

#include "fmt.h"
#include "pdfdoc.h"
#include "qr.h"

#include "core/arena.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* Decree 30 asks for a Unicode font of the Times New Roman kind: Liberation
 * Serif has its metrics (fonts-liberation2); DejaVu Serif where it is not
 * installed.  Both cover Vietnamese. */
#define SERIF    "Liberation Serif, DejaVu Serif"
#define SANS     "DejaVu Sans"
#define MAX_COLS 18 /* columns of a table at most (the periodic report has 17) */
#define DOTS     "……………………"
/* Body font size, and the smallest form 01 may take to stay on one page. */
#define FS_DEFAULT    8.0
#define FS_FORM01_MIN 6.5

/* Where cairo's PDF bytes go. */
struct sink {
	struct mc_buf *out;
	int rc;
};

/* ---- text helpers ---- */

/* s as pango markup text (arena memory): XML escapes; control characters,
 * which the markup parser refuses, become spaces.  NULL gives "". */
const char *mc__pdf_esc(struct doc *d, const char *s)
{
	if (!s)
		return "";
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' || *p == '\'' ? 6 : 1;
	char *o = mc_alloc(d->a, n + 1), *w = o;
	for (const char *p = s; *p; p++) {
		const char *r = NULL;
		switch (*p) {
		case '&':
			r = "&amp;";
			break;
		case '<':
			r = "&lt;";
			break;
		case '>':
			r = "&gt;";
			break;
		case '"':
			r = "&quot;";
			break;
		case '\'':
			r = "&apos;";
			break;
		default:
			break;
		}
		if (r) {
			size_t k = strlen(r);
			memcpy(w, r, k);
			w += k;
		} else {
			unsigned char c = (unsigned char)*p;
			*w++ = (c < 0x20 && c != '\n') || c == 0x7f ? ' ' : (char)c;
		}
	}
	*w = '\0';
	return o;
}

/* At most max code points of s, with an ellipsis when cut (for the page
 * header, which does not flow to a next page). */
static const char *clip(struct doc *d, const char *s, size_t max)
{
	if (!s)
		return NULL;
	size_t cps = 0;
	for (const char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && cps++ == max)
			return mc_sprintf(d->a, "%.*s…", (int)(p - s), s);
	}
	return s;
}

/* Upper case (Vietnamese included), arena memory. */
const char *mc__pdf_upper(struct doc *d, const char *s)
{
	if (!s)
		return NULL;
	gchar *u = g_utf8_strup(s, -1);
	const char *r = mc_strdup(d->a, u);
	g_free(u);
	return r;
}

/* The English subtitle under a Vietnamese label: a small italic grey line,
 * only when the form is printed with lang "en".  en is a literal without
 * markup characters. */
static const char *sub(struct doc *d, const char *en)
{
	if (!d->en || !en)
		return "";
	return mc_sprintf(d->a,
			  "\n<span size=\"smaller\" style=\"italic\" weight=\"normal\" "
			  "foreground=\"#555555\">%s</span>",
			  en);
}

/* The same for plain text from the data (escaped); "" when there is none. */
static const char *sub_text(struct doc *d, const char *en)
{
	return en && *en ? sub(d, mc__pdf_esc(d, en)) : "";
}

double mc__pdf_cw(const struct doc *d)
{
	return d->pw - d->ml - d->mr;
}
static double bottom(const struct doc *d)
{
	return d->ph - d->mb;
}
static int fresh(const struct doc *d)
{
	return d->y <= d->fresh_y + 0.01;
}

PangoLayout *mc__pdf_lay(struct doc *d, const char *markup, double width, double size, int flags)
{
	PangoLayout *l = pango_layout_new(d->pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, flags & F_SANS ? SANS : SERIF);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (flags & F_BOLD)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (flags & F_ITALIC)
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, flags & F_CENTER  ? PANGO_ALIGN_CENTER
				      : flags & F_RIGHT ? PANGO_ALIGN_RIGHT
							: PANGO_ALIGN_LEFT);
	pango_layout_set_markup(l, markup, -1);
	/* a word broken inside (codes, links, long names) gets no added
	 * hyphen: it could be taken for part of a dossier code */
	PangoAttrList *al = pango_layout_get_attributes(l);
	al = al ? pango_attr_list_copy(al) : pango_attr_list_new();
	pango_attr_list_insert(al, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	return l;
}

/*
 * The extents of all lines of l, measured once and kept with the layout
 * (pango answers "line i" by walking from the first line, which would make
 * page breaking quadratic in the length of a paragraph).  l must not change
 * afterwards.
 */
const struct lines *mc__pdf_lines_of(PangoLayout *l)
{
	struct lines *ls = g_object_get_data(G_OBJECT(l), "mc-lines");
	if (ls)
		return ls;
	int n = pango_layout_get_line_count(l);
	ls = mc_xmalloc(sizeof(*ls) + (size_t)(n > 0 ? n : 1) * sizeof(ls->v[0]));
	ls->n = 0;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		PangoRectangle r;
		struct lx *o = &ls->v[ls->n++];
		pango_layout_iter_get_line_extents(it, NULL, &r);
		o->x = r.x / (double)PANGO_SCALE;
		o->w = r.width / (double)PANGO_SCALE;
		o->top = r.y / (double)PANGO_SCALE;
		o->bot = (r.y + r.height) / (double)PANGO_SCALE;
		o->base = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
	} while (ls->n < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_set_data_full(G_OBJECT(l), "mc-lines", ls, free);
	return ls;
}

static int nlines(PangoLayout *l)
{
	return mc__pdf_lines_of(l)->n;
}

/* Height of lines [from, to). */
static double span_h(PangoLayout *l, int from, int to)
{
	const struct lines *ls = mc__pdf_lines_of(l);
	return to <= from ? 0 : ls->v[to - 1].bot - ls->v[from].top;
}

/* How many lines from `from` fit in avail pt. */
static int fit(PangoLayout *l, int from, double avail)
{
	int n = nlines(l), k = 0;
	while (from + k < n && span_h(l, from, from + k + 1) <= avail + 0.01)
		k++;
	return k;
}

/* Draw lines [from, to) with line `from`'s top at y. */
static void draw_span(struct doc *d, PangoLayout *l, double x, double y, int from, int to)
{
	if (to <= from)
		return;
	const struct lines *ls = mc__pdf_lines_of(l);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	for (int i = 0; i < from && pango_layout_iter_next_line(it); i++)
		;
	for (int i = from; i < to; i++) {
		cairo_move_to(d->cr, x + ls->v[i].x, y + ls->v[i].base - ls->v[from].top);
		pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
		if (!pango_layout_iter_next_line(it))
			break;
	}
	pango_layout_iter_free(it);
}

double mc__pdf_layout_h(PangoLayout *l)
{
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	return r.height / (double)PANGO_SCALE;
}

/* Draw a whole layout at (x, y), release it, return its height. */
double mc__pdf_put(struct doc *d, PangoLayout *l, double x, double y)
{
	double h = mc__pdf_layout_h(l);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	g_object_unref(l);
	return h;
}

/* The largest size <= size (not below min) at which markup is one line of
 * at most width pt. */
double mc__pdf_fit_size(struct doc *d, const char *markup, int flags, double size, double min, double width)
{
	PangoLayout *l = mc__pdf_lay(d, markup, -1, size, flags);
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	g_object_unref(l);
	double w = r.width / (double)PANGO_SCALE;
	if (w <= width)
		return size;
	double s = size * width / w * 0.99;
	return s < min ? min : s;
}

void mc__pdf_hline(struct doc *d, double x0, double x1, double y, double width)
{
	cairo_set_line_width(d->cr, width);
	cairo_move_to(d->cr, x0, y);
	cairo_line_to(d->cr, x1, y);
	cairo_stroke(d->cr);
}

/* ---- pages ---- */

static void footer(struct doc *d)
{
	int n = d->copies > 1 ? d->pages / d->copies : d->pages, p = d->page - d->copy_start + 1;
	if (!d->pages || (n < 2 && !d->always_number))
		return;
	const char *m = mc_sprintf(d->a, "Trang %d/%d", p, n);
	PangoLayout *l = mc__pdf_lay(d, m, mc__pdf_cw(d), d->fs - 1.5, F_CENTER);
	mc__pdf_put(d, l, d->ml, d->ph - d->mb + 8);
}

static void new_page(struct doc *d)
{
	footer(d);
	cairo_show_page(d->cr);
	d->page++;
	d->y = d->mt;
	if (d->running) {
		PangoLayout *l = mc__pdf_lay(d, d->running, mc__pdf_cw(d), d->fs - 1.5, F_RIGHT);
		d->y += mc__pdf_put(d, l, d->ml, d->y) + 4;
	}
	d->fresh_y = d->y;
	repeat_fn rep = d->repeat;
	if (rep) {
		d->repeat = NULL; /* a header row never recurses */
		rep(d, d->repeat_arg);
		d->repeat = rep;
	}
	d->fresh_y = d->y;
}

/* Start a new page unless h pt still fit on this one (or it is fresh). */
void mc__pdf_need(struct doc *d, double h)
{
	if (d->y + h > bottom(d) + 0.01 && !fresh(d))
		new_page(d);
}

/* Draw a layout at the left edge x from the cursor, breaking pages between
 * lines; releases the layout. */
void mc__pdf_flow(struct doc *d, PangoLayout *l, double x)
{
	int n = nlines(l), from = 0;
	while (from < n) {
		int k = fit(l, from, bottom(d) - d->y);
		if (k == 0) {
			if (!fresh(d)) {
				new_page(d);
				continue;
			}
			k = 1; /* a line taller than the page: nothing else to do */
		}
		draw_span(d, l, x, d->y, from, from + k);
		d->y += span_h(l, from, from + k);
		from += k;
		if (from < n)
			new_page(d);
	}
	g_object_unref(l);
}

/* A paragraph across the text width; hang indents continuation lines. */
void mc__pdf_para(struct doc *d, const char *markup, int flags, double hang, double after)
{
	PangoLayout *l = mc__pdf_lay(d, markup, mc__pdf_cw(d), d->fs, flags);
	if (hang > 0)
		pango_layout_set_indent(l, (int)(-hang * PANGO_SCALE));
	mc__pdf_flow(d, l, d->ml);
	d->y += after;
}

/* "Label: value" with the English label under it.  value is plain text;
 * NULL prints a dotted line to be filled in by hand. */
static void field(struct doc *d, const char *vi, const char *en, const char *value)
{
	const char *v = value ? mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, value)) : DOTS;
	mc__pdf_para(d, mc_sprintf(d->a, "%s: %s%s", vi, v, sub(d, en)), 0, 12, 2.5);
}

/* The same with the value in English too, under it with the label. */
static void field_en(struct doc *d, const char *vi, const char *en, const char *value, const char *value_en)
{
	if (!d->en || !value || !value_en) {
		field(d, vi, en, value);
		return;
	}
	const char *v = mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, value));
	mc__pdf_para(d, mc_sprintf(d->a, "%s: %s%s", vi, v, sub_text(d, mc_sprintf(d->a, "%s: %s", en, value_en))), 0,
		     12, 2.5);
}

/* The same, skipped when there is no value. */
static void field_opt(struct doc *d, const char *vi, const char *en, const char *value)
{
	if (value)
		field(d, vi, en, value);
}

/* ---- rows and tables ---- */

struct cell {
	PangoLayout *l;
	double x, w;
	int from;
};

/*
 * One row of cells side by side from the cursor, each padded by pad; with
 * border, every cell is boxed (fill > 0: grey background of that level).  A
 * row that does not fit on this page but would on a fresh one moves there
 * whole; a taller one is split between lines.  Releases the layouts.
 */
static void row(struct doc *d, struct cell *c, int nc, double pad, int border, double fill, double min_h)
{
	double full = 0;
	for (int i = 0; i < nc; i++) {
		double h = mc__pdf_layout_h(c[i].l);
		if (h > full)
			full = h;
		c[i].from = 0;
	}
	full += 2 * pad;
	if (full < min_h)
		full = min_h;
	if (d->y + full > bottom(d) && !fresh(d) && full <= bottom(d) - d->fresh_y)
		new_page(d);
	for (;;) {
		int k[MAX_COLS], any = 0, left = 0;
		double avail = bottom(d) - d->y - 2 * pad, h = 0;
		for (int i = 0; i < nc; i++) {
			k[i] = fit(c[i].l, c[i].from, avail);
			if (k[i] > 0)
				any = 1;
		}
		if (!any) {
			if (!fresh(d)) {
				new_page(d);
				continue;
			}
			for (int i = 0; i < nc; i++)
				k[i] = c[i].from < nlines(c[i].l) ? 1 : 0;
		}
		for (int i = 0; i < nc; i++) {
			double hi = span_h(c[i].l, c[i].from, c[i].from + k[i]);
			if (hi > h)
				h = hi;
			if (c[i].from + k[i] < nlines(c[i].l))
				left = 1;
		}
		h += 2 * pad;
		if (!left && h < min_h)
			h = min_h > bottom(d) - d->y ? bottom(d) - d->y : min_h;
		for (int i = 0; i < nc; i++) {
			if (border && fill > 0) {
				cairo_set_source_rgb(d->cr, fill, fill, fill);
				cairo_rectangle(d->cr, c[i].x, d->y, c[i].w, h);
				cairo_fill(d->cr);
				cairo_set_source_rgb(d->cr, 0, 0, 0);
			}
			draw_span(d, c[i].l, c[i].x + pad, d->y + pad, c[i].from, c[i].from + k[i]);
			if (border) {
				cairo_set_line_width(d->cr, 0.5);
				cairo_rectangle(d->cr, c[i].x, d->y, c[i].w, h);
				cairo_stroke(d->cr);
			}
			c[i].from += k[i];
		}
		d->y += h;
		if (!left)
			break;
		new_page(d);
	}
	for (int i = 0; i < nc; i++)
		g_object_unref(c[i].l);
}

static void table_header(struct doc *d, const void *arg)
{
	const struct table *t = arg;
	struct cell c[MAX_COLS];
	double x = d->ml;
	for (int i = 0; i < t->nc; i++) {
		double w = mc__pdf_cw(d) * t->cols[i].frac;
		const char *m = mc_sprintf(d->a, "%s%s", t->cols[i].vi, sub(d, t->cols[i].en));
		c[i] = (struct cell){mc__pdf_lay(d, m, w - 2 * t->pad, t->size, F_BOLD | F_CENTER), x, w, 0};
		x += w;
	}
	row(d, c, t->nc, t->pad, 1, 0.9, 0);
}

void mc__pdf_table_begin(struct doc *d, const struct table *t)
{
	mc__pdf_need(d, 4 * t->size + 6 * t->pad + 2 * t->size);
	table_header(d, t);
	d->repeat = table_header;
	d->repeat_arg = t;
}

/* One body row: cells are markup, NULL for empty. */
void mc__pdf_table_row(struct doc *d, const struct table *t, const char *const *cells, double min_h)
{
	struct cell c[MAX_COLS];
	double x = d->ml;
	for (int i = 0; i < t->nc; i++) {
		double w = mc__pdf_cw(d) * t->cols[i].frac, size = t->size;
		const char *m = cells[i] ? cells[i] : "";
		if (t->cols[i].flags & F_FIT)
			size = mc__pdf_fit_size(d, m, t->cols[i].flags, size, size * 0.7, w - 2 * t->pad);
		c[i] = (struct cell){mc__pdf_lay(d, m, w - 2 * t->pad, size, t->cols[i].flags), x, w, 0};
		x += w;
	}
	row(d, c, t->nc, t->pad, 1, 0, min_h);
}

void mc__pdf_table_end(struct doc *d)
{
	d->repeat = NULL;
	d->repeat_arg = NULL;
}

/* ---- blocks of the forms ---- */

/*
 * The national header: the issuing agency on the left (upper case, bold,
 * a short rule under it), the country name and motto on the right (rule
 * under the motto), and under the motto the place and date in italics.  A
 * unit under a superior body (a ward's one-stop centre under its People's
 * Committee) has the superior's name above its own, not bold (Decree
 * 30/2020/NĐ-CP, Annex I).
 */
static void national_header(struct doc *d, const char *superior, const char *agency, const char *date_line)
{
	double lw = mc__pdf_cw(d) * 0.42, rw = mc__pdf_cw(d) - lw, xr = d->ml + lw, y0 = d->y;
	double hs = d->fs - 0.5;

	const char *am =
		mc_sprintf(d->a, "%s%s%s%s", superior ? "<span weight=\"normal\">" : "",
			   superior ? mc__pdf_esc(d, mc__pdf_upper(d, clip(d, superior, 160))) : "",
			   superior ? "</span>\n" : "", mc__pdf_esc(d, mc__pdf_upper(d, clip(d, agency, 160))));
	PangoLayout *l = mc__pdf_lay(d, am, lw - 6, hs, F_BOLD | F_CENTER);
	double lh = mc__pdf_put(d, l, d->ml, y0);
	mc__pdf_hline(d, d->ml + lw / 3, d->ml + 2 * lw / 3, y0 + lh + 2.5, 0.6);

	const char *motto1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
	const char *motto2 = "Độc lập - Tự do - Hạnh phúc";
	double ms = mc__pdf_fit_size(d, motto1, F_BOLD, hs, 5.5, rw);
	double y = y0 + mc__pdf_put(d, mc__pdf_lay(d, motto1, rw, ms, F_BOLD | F_CENTER), xr, y0);
	l = mc__pdf_lay(d, motto2, rw, ms + 0.5, F_BOLD | F_CENTER);
	struct lx e = mc__pdf_lines_of(l)->v[0];
	y += mc__pdf_put(d, l, xr, y);
	mc__pdf_hline(d, xr + e.x, xr + e.x + e.w, y + 1.5, 0.6);
	y += 6;
	if (date_line)
		y += mc__pdf_put(
			d, mc__pdf_lay(d, mc_sprintf(d->a, "<i>%s</i>", mc__pdf_esc(d, date_line)), rw, hs, F_CENTER),
			xr, y);
	double yl = y0 + lh + 6;
	d->y = (y > yl ? y : yl) + 10;
}

static void title(struct doc *d, const char *vi, const char *en)
{
	double s = mc__pdf_fit_size(d, vi, F_BOLD, d->fs + 2.5, d->fs + 0.5, mc__pdf_cw(d));
	mc__pdf_flow(d, mc__pdf_lay(d, mc_sprintf(d->a, "%s%s", vi, sub(d, en)), mc__pdf_cw(d), s, F_BOLD | F_CENTER),
		     d->ml);
	d->y += 3;
}

static void code_line(struct doc *d, const char *code)
{
	mc__pdf_flow(
		d,
		mc__pdf_lay(d, mc_sprintf(d->a, "Mã hồ sơ: <b>%s</b>%s", mc__pdf_esc(d, code), sub(d, "Dossier code")),
			    mc__pdf_cw(d), d->fs, F_CENTER),
		d->ml);
	d->y += 8;
}

/* Numbered list of the strings of arr, hanging indent. */
static void numbered(struct doc *d, json_t *arr)
{
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const char *s = mc__jtext(d->a, it, NULL);
		mc__pdf_para(d, mc_sprintf(d->a, "%zu. %s", i + 1, mc__pdf_esc(d, s)), 0, 12, 1.5);
	}
	d->y += 2;
}

struct sig {
	const char *vi, *en;           /* who signs, upper case */
	const char *note_vi, *note_en; /* "(Ký và ghi rõ họ tên)" */
	const char *name;              /* printed under the space for the signature */
};

#define SIG_GAP 40.0 /* the space to sign in */

/* The layouts of one or two signature blocks (who signs and the note; the
 * name) and the height of the tallest of each. */
static void sig_layouts(struct doc *d, const struct sig *s, int n, PangoLayout **top, PangoLayout **name, double *th,
			double *nh)
{
	double half = mc__pdf_cw(d) / 2;
	*th = *nh = 0;
	for (int i = 0; i < n; i++) {
		const char *m = mc_sprintf(d->a, "<b>%s</b>%s\n<i>%s</i>%s", s[i].vi, sub(d, s[i].en), s[i].note_vi,
					   sub(d, s[i].note_en));
		top[i] = mc__pdf_lay(d, m, half - 8, d->fs, F_CENTER);
		name[i] = mc__pdf_lay(d, mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, s[i].name)), half - 8, d->fs,
				      F_CENTER);
		if (mc__pdf_layout_h(top[i]) > *th)
			*th = mc__pdf_layout_h(top[i]);
		if (mc__pdf_layout_h(name[i]) > *nh)
			*nh = mc__pdf_layout_h(name[i]);
	}
}

/* The height signatures() takes, spacing included. */
static double signatures_h(struct doc *d, const struct sig *s, int n)
{
	PangoLayout *top[2], *name[2];
	double th, nh;
	sig_layouts(d, s, n, top, name, &th, &nh);
	for (int i = 0; i < n; i++) {
		g_object_unref(top[i]);
		g_object_unref(name[i]);
	}
	return 8 + th + SIG_GAP + nh + 8;
}

/* One or two signature blocks side by side (one: on the right half), kept
 * on one page. */
static void signatures(struct doc *d, const struct sig *s, int n)
{
	PangoLayout *top[2], *name[2];
	double half = mc__pdf_cw(d) / 2, th, nh;
	sig_layouts(d, s, n, top, name, &th, &nh);
	d->y += 8;
	mc__pdf_need(d, th + SIG_GAP + nh);
	for (int i = 0; i < n; i++) {
		double x = d->ml + 4 + (n == 1 ? half : i * half);
		mc__pdf_put(d, top[i], x, d->y);
		mc__pdf_put(d, name[i], x, d->y + th + SIG_GAP);
	}
	d->y += th + SIG_GAP + nh + 8;
}

/*
 * Form 01's identification block under the title: the dossier code (large),
 * the tracking secret and how to look the dossier up on the left, the QR
 * code of the tracking link on the right; kept on one page.
 */
static void qr_block(struct doc *d, const char *url, const char *code, const char *secret)
{
	double q = url ? 58 : 0, gap = url ? 10 : 0;
	const char *m = mc_sprintf(
		d->a, "Mã hồ sơ: <span size=\"larger\"><b>%s</b></span>%s%s%s%s%s%s", mc__pdf_esc(d, code),
		sub(d, "Dossier code"),
		secret ? mc_sprintf(d->a, "\nMã bảo mật tra cứu: <b>%s</b>", mc__pdf_esc(d, secret)) : "",
		secret ? sub(d, "Tracking secret") : "",
		url ? "\n<span size=\"smaller\">Quét mã QR hoặc nhập mã hồ sơ và mã bảo mật tại Cổng dịch vụ công "
		      "để tra cứu tình trạng hồ sơ.</span>"
		    : "",
		url ? sub(d, "Scan the QR code, or enter the code and the secret on the public service portal.") : "",
		url ? mc_sprintf(d->a, "\n<span size=\"smaller\" foreground=\"#333333\">%s</span>", mc__pdf_esc(d, url))
		    : "");
	PangoLayout *l = mc__pdf_lay(d, m, mc__pdf_cw(d) - q - gap, d->fs, 0);
	double h = mc__pdf_layout_h(l);
	if (q > h)
		h = q;
	mc__pdf_need(d, h);
	if (url) {
		int rc = mc_qr_draw(d->cr, url, d->ml + mc__pdf_cw(d) - q, d->y, q);
		if (rc && !d->err)
			d->err = rc;
	}
	mc__pdf_put(d, l, d->ml, d->y + (h - mc__pdf_layout_h(l)) / 2);
	d->y += h + 6;
}

/*
 * Form 01's fee (issue 16): the amount in figures and in words, when it is
 * paid, and - while it is owed - the VietQR code of a transfer to the
 * collecting agency's account, the dossier code as the bill number.
 */
static void fee_block(struct doc *d, json_t *j)
{
	json_t *p = mc__jget(j, "payment");
	if (!json_is_object(p))
		return;
	const char *status = mc__jtext(d->a, p, "status"), *qr = mc__jtext(d->a, p, "vietqr");
	int owed = status && (strcmp(status, "requested") == 0 || strcmp(status, "failed") == 0);
	const char *when = mc__jtext(d->a, p, "stage");
	const char *m = mc_sprintf(d->a, "7. Phí, lệ phí: <b>%lld đồng</b> (%s), nộp %s; %s%s",
				   mc__jint(p, "amount", 0), mc__pdf_esc(d, mc__jtext(d->a, p, "amount_words")),
				   when && strcmp(when, "return") == 0 ? "khi nhận kết quả" : "khi tiếp nhận hồ sơ",
				   owed ? "chưa thanh toán" : "đã thanh toán", sub(d, "Fee"));
	if (owed && qr) {
		m = mc_sprintf(d->a,
			       "%s\n<span size=\"smaller\">Quét mã VietQR bằng ứng dụng ngân hàng để chuyển khoản: %s, "
			       "số tài khoản %s, %s; nội dung chuyển khoản ghi mã hồ sơ.</span>",
			       m, mc__pdf_esc(d, mc__jtext(d->a, p, "account.bank_name")),
			       mc__pdf_esc(d, mc__jtext(d->a, p, "account.account_no")),
			       mc__pdf_esc(d, mc__jtext(d->a, p, "account.account_name")));
	}
	double q = owed && qr ? 72 : 0, gap = q ? 10 : 0;
	PangoLayout *l = mc__pdf_lay(d, m, mc__pdf_cw(d) - q - gap, d->fs, 0);
	double h = mc__pdf_layout_h(l);
	if (q > h)
		h = q;
	mc__pdf_need(d, h + 4);
	if (q) {
		int rc = mc_qr_draw(d->cr, qr, d->ml + mc__pdf_cw(d) - q, d->y, q);
		if (rc && !d->err)
			d->err = rc;
	}
	mc__pdf_put(d, l, d->ml, d->y);
	d->y += h + 4;
}

/* ---- forms 01-06 ---- */

#define T(path)      mc__jtext(d->a, j, path)
#define TLONG(path)  mc__jtime(d->a, j, path, MC__T_LONG)
#define TDATE(path)  mc__jtime(d->a, j, path, MC__T_DATE_LONG)
#define TSHORT(path) mc__jtime(d->a, j, path, MC__T_SHORT)

/* "Thành phố Hồ Chí Minh, ngày 26 tháng 11 năm 2026": the place of the
 * agency first (Decree 30/2020/NĐ-CP; the forms of Circular 03/2025), for
 * the right of the header; "Ngày ..." only when the place is unknown. */
static const char *date_line(struct doc *d, json_t *j, const char *path)
{
	const char *day = TDATE(path);
	if (!day)
		return NULL;
	const char *place = T("place");
	return place ? mc_sprintf(d->a, "%s, %s", place, day) : mc_sprintf(d->a, "N%s", day + 1);
}

/* The one-stop unit that received the dossier, and its superior body. */
static const char *one_stop(struct doc *d, json_t *j)
{
	const char *n = T("one_stop.name");
	return n ? n : T("received_agency.name");
}

static void unit_header(struct doc *d, json_t *j, const char *date_path)
{
	national_header(d, T("one_stop.superior"), one_stop(d, j), date_line(d, j, date_path));
}

/* A position as a signature block names it: "Chủ tịch UBND phường" ->
 * "CHỦ TỊCH" (the body is in the header). */
static const char *title_of(struct doc *d, const char *position)
{
	const char *cut = strstr(position, " UBND");
	return mc__pdf_upper(d, cut ? mc_sprintf(d->a, "%.*s", (int)(cut - position), position) : position);
}

/* The head of the agency signs (forms 04, 05): "CHỦ TỊCH", or a deputy for
 * the head, "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (Decree 30/2020/NĐ-CP Art. 13). */
static struct sig head_sig(struct doc *d, json_t *j, const char *who)
{
	const char *pos = T(mc_sprintf(d->a, "%s.position", who)), *name = T(mc_sprintf(d->a, "%s.full_name", who));
	struct sig s = {"THỦ TRƯỞNG CƠ QUAN", "Head of the agency", "(Ký, ghi rõ họ tên và đóng dấu)",
			"Signature, full name and seal", name};
	if (pos && strncmp(pos, "Phó ", strlen("Phó ")) == 0) {
		const char *head = pos + strlen("Phó ");
		/* the head's title: the deputy's without "Phó", its first letter up */
		const char *t = title_of(d, head);
		s.vi = mc_sprintf(d->a, "KT. %s\n%s", mc__pdf_esc(d, t), mc__pdf_esc(d, title_of(d, pos)));
		s.en = "For the head of the agency, deputy";
	} else if (pos) {
		s.vi = mc__pdf_esc(d, title_of(d, pos));
	}
	return s;
}

static const char *applicant_label(json_t *j)
{
	const char *kind = json_string_value(mc__jget(j, "applicant.kind"));
	return kind && strcmp(kind, "citizen") != 0 ? "Tên tổ chức" : "Họ và tên";
}

/* The applicant block most forms open with. */
static void applicant(struct doc *d, json_t *j, int with_contact)
{
	field(d, applicant_label(j), "Applicant", T("applicant.full_name"));
	field(d, "Địa chỉ", "Address", T("applicant.address"));
	if (with_contact) {
		field(d, "Số điện thoại", "Phone", T("applicant.phone"));
		field_opt(d, "Thư điện tử", "Email", T("applicant.email"));
	}
}

static const char *procedure(struct doc *d, json_t *j)
{
	const char *name = T("procedure.name"), *code = T("procedure.code");
	return code ? mc_sprintf(d->a, "%s (mã thủ tục %s)", name, code) : name;
}

/* The legal processing time, in Vietnamese or (en) in English. */
static const char *processing_time(struct doc *d, json_t *j, int en)
{
	const char *v = T("procedure.processing_time.value"), *unit = T("procedure.processing_time.unit");
	if (unit && strcmp(unit, "same_day") == 0)
		return en ? "Same working day (received after 15:00: the next working day)"
			  : "Trong ngày làm việc (nhận sau 15 giờ: trả trong ngày làm việc tiếp theo)";
	if (!v)
		return NULL;
	const char *u = mc__time_unit_label(unit, en);
	if (u && en && strcmp(v, "1") == 0) /* "working days" -> "working day" */
		return mc_sprintf(d->a, "1 %.*s", (int)strlen(u) - (u[0] && u[strlen(u) - 1] == 's'), u);
	return u ? mc_sprintf(d->a, "%s %s", v, u) : v;
}

static const char *return_place(struct doc *d, json_t *j)
{
	const char *place = T("return_place"), *m = T("return_method"), *how = NULL;
	if (m && strcmp(m, "post") == 0)
		how = "qua dịch vụ bưu chính công ích";
	else if (m && strcmp(m, "online") == 0)
		how = "trực tuyến trên Cổng dịch vụ công";
	if (place && how)
		return mc_sprintf(d->a, "%s (%s)", place, how);
	return place ? place : how;
}

/* "<one-stop unit> received the dossier of:", the applicant and the
 * request: what forms 01-03 start with. */
static void received_from(struct doc *d, json_t *j)
{
	mc__pdf_para(d,
		     mc_sprintf(d->a, "%s tiếp nhận hồ sơ của:%s", mc__pdf_esc(d, one_stop(d, j)),
				sub(d, "received the dossier of")),
		     0, 0, 2.5);
	applicant(d, j, 1);
	field(d, "Nội dung yêu cầu giải quyết", "Request", procedure(d, j));
}

static void form01(struct doc *d, json_t *j, const char *copy)
{
	static const struct col cols[] = {
		{"TT", "No.", 0.07, F_CENTER},         {"Tên giấy tờ", "Paper", 0.43, 0},
		{"Hình thức", "Kind", 0.19, F_CENTER}, {"Số lượng", "Count", 0.12, F_CENTER},
		{"Ghi chú", "Note", 0.19, 0},
	};
	static const struct table t = {cols, 5, 0, 2.5};
	struct table tt = t;
	tt.size = d->fs - 1;

	/* which copy (liên) this page is: one kept, one for the applicant */
	PangoLayout *cl = mc__pdf_lay(d, mc_sprintf(d->a, "<i>%s</i>", copy), mc__pdf_cw(d), d->fs - 1, F_RIGHT);
	d->y += mc__pdf_put(d, cl, d->ml, d->y) + 2;
	unit_header(d, j, "received_at");
	title(d, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "RECEIPT OF DOSSIER AND APPOINTMENT FOR THE RESULT");
	qr_block(d, T("tracking_url"), T("code"), T("secret"));
	received_from(d, j);

	mc__pdf_para(d, mc_sprintf(d->a, "1. Thành phần hồ sơ nộp gồm:%s", sub(d, "Papers received")), 0, 0, 3);
	mc__pdf_table_begin(d, &tt);
	json_t *papers = mc__jget(j, "papers"), *p;
	size_t i;
	json_array_foreach(papers, i, p) {
		long long copies = mc__jint(p, "count", 1);
		const char *cells[5] = {
			mc_sprintf(d->a, "%lld", mc__jint(p, "no", (long long)i + 1)),
			mc_sprintf(d->a, "%s%s", mc__pdf_esc(d, mc__jtext(d->a, p, "name")),
				   sub_text(d, mc__jtext(d->a, p, "name_en"))),
			mc_sprintf(d->a, "%s%s", mc__pdf_esc(d, mc__paper_kind_label(mc__jtext(d->a, p, "kind"), 0)),
				   sub_text(d, mc__paper_kind_label(mc__jtext(d->a, p, "kind"), 1))),
			mc_sprintf(d->a, "%lld", copies),
			mc__pdf_esc(d, mc__jtext(d->a, p, "note")),
		};
		mc__pdf_table_row(d, &tt, cells, 0);
	}
	if (json_array_size(papers) == 0) {
		const char *cells[5] = {"", "<i>Không có</i>", NULL, NULL, NULL};
		mc__pdf_table_row(d, &tt, cells, 0);
	}
	mc__pdf_table_end(d);
	d->y += 5;

	long long sets = mc__jint(j, "sets", 1);
	mc__pdf_para(d, mc_sprintf(d->a, "2. Số lượng hồ sơ: <b>%02lld</b> (bộ)%s", sets, sub(d, "Number of sets")), 0,
		     12, 2.5);
	field_en(d, "3. Thời gian giải quyết hồ sơ theo quy định", "Legal processing time", processing_time(d, j, 0),
		 processing_time(d, j, 1));
	field(d, "4. Thời gian nhận hồ sơ", "Received at", TLONG("received_at"));
	field(d, "5. Thời gian trả kết quả giải quyết hồ sơ", "Result due at", TLONG("due_at"));
	field(d, "6. Đăng ký nhận kết quả tại", "Collect the result at", return_place(d, j));
	fee_block(d, j);
	const char *book = T("register.book"), *entry = T("register.entry");
	const char *reg = mc_sprintf(d->a, "Vào Sổ theo dõi hồ sơ, Quyển số: %s, Số thứ tự: %s%s",
				     book ? mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, book)) : DOTS,
				     entry ? mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, entry)) : DOTS,
				     sub(d, "Entered in the register book, entry no."));
	struct sig s[2] = {
		{"NGƯỜI NỘP HỒ SƠ", "Applicant", "(Ký và ghi rõ họ tên)", "Signature and full name",
		 T("applicant.full_name")},
		{"NGƯỜI TIẾP NHẬN HỒ SƠ", "Receiving officer", "(Ký và ghi rõ họ tên)", "Signature and full name",
		 T("received_by.full_name")},
	};
	/* the signatures are never on a page of their own: the register line
	 * goes over with them when they do not fit */
	PangoLayout *rl = mc__pdf_lay(d, reg, mc__pdf_cw(d), d->fs, 0);
	mc__pdf_need(d, mc__pdf_layout_h(rl) + 2.5 + signatures_h(d, s, 2));
	g_object_unref(rl);
	mc__pdf_para(d, reg, 0, 12, 2.5);
	signatures(d, s, 2);
}

static void form02(struct doc *d, json_t *j)
{
	const char *when = mc__jget(j, "supplement.requested_at") ? "supplement.requested_at" : "received_at";
	unit_header(d, j, when);
	title(d, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "REQUEST TO SUPPLEMENT THE DOSSIER");
	code_line(d, T("code"));
	received_from(d, j);
	field(d, "Thời gian nhận hồ sơ", "Received at", TLONG("received_at"));
	mc__pdf_para(d,
		     mc_sprintf(d->a, "Yêu cầu Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:%s",
				sub(d, "Please supplement the dossier with the following")),
		     0, 0, 2.5);
	numbered(d, mc__jget(j, "supplement.items"));
	field_opt(d, "Lý do", "Reason", T("supplement.reason"));
	field_opt(d, "Thời hạn bổ sung", "Deadline", T("supplement.deadline_note"));
	mc__pdf_para(
		d,
		mc_sprintf(d->a,
			   "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ %s để được hướng dẫn.%s",
			   mc__pdf_esc(d, one_stop(d, j)),
			   sub(d, "If anything is unclear, please contact the agency above for guidance.")),
		0, 0, 2.5);
	struct sig s = {"NGƯỜI HƯỚNG DẪN", "Officer", "(Ký và ghi rõ họ tên)", "Signature and full name",
			T("supplement.requested_by.full_name")};
	signatures(d, &s, 1);
}

/* The issuer of forms 04 and 05: the agency that decides on the dossier. */
static const char *decider(struct doc *d, json_t *j)
{
	const char *a = T("competent_agency.name");
	return a ? a : T("received_agency.name");
}

/* Refused at reception: the one-stop unit's form, signed by the receiving
 * officer; during processing: the processing agency's, signed by the
 * official who refused it, with their position. */
static void form03(struct doc *d, json_t *j)
{
	const char *stage = T("refusal.stage");
	int processing = stage ? strcmp(stage, "processing") == 0 : mc__jget(j, "received_by.id") != NULL;
	const char *when = mc__jget(j, "refusal.at") ? "refusal.at" : "received_at";
	const char *issuer = processing ? decider(d, j) : one_stop(d, j);
	if (processing)
		national_header(d, NULL, issuer, date_line(d, j, when));
	else
		unit_header(d, j, when);
	title(d, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "REFUSAL TO RECEIVE AND PROCESS THE DOSSIER");
	code_line(d, T("code"));
	received_from(d, j);
	field(d, "Thời gian nhận hồ sơ", "Received at", TLONG("received_at"));
	mc__pdf_para(
		d,
		mc_sprintf(
			d->a,
			"Qua xem xét, %s thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:%s",
			mc__pdf_esc(d, issuer), sub(d, "The dossier is refused for these reasons")),
		0, 0, 2.5);
	numbered(d, mc__jget(j, "refusal.reasons"));
	mc__pdf_para(d,
		     mc_sprintf(d->a, "Xin thông báo để Ông/Bà được biết và thực hiện./.%s",
				sub(d, "For your information.")),
		     0, 0, 2.5);
	const char *pos = T("refusal.by.position");
	struct sig s = {"NGƯỜI TIẾP NHẬN HỒ SƠ", "Receiving officer", "(Ký và ghi rõ họ tên)",
			"Signature and full name", T("refusal.by.full_name")};
	if (processing) {
		s.vi = pos ? mc__pdf_esc(d, title_of(d, pos)) : "NGƯỜI XỬ LÝ HỒ SƠ";
		s.en = "Processing official";
	}
	signatures(d, &s, 1);
}

static void dear(struct doc *d, json_t *j)
{
	mc__pdf_para(d,
		     mc_sprintf(d->a, "Kính gửi: Ông/Bà <b>%s</b>%s", mc__pdf_esc(d, T("applicant.full_name")),
				sub(d, "To")),
		     F_CENTER, 0, 6);
}

static void received_sentence(struct doc *d, json_t *j)
{
	mc__pdf_para(
		d,
		mc_sprintf(d->a,
			   "Ngày %s, %s tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính của Ông/Bà: <b>%s</b>.%s",
			   mc__pdf_esc(d, mc__jtime(d->a, j, "received_at", MC__T_DATE)),
			   mc__pdf_esc(d, T("received_agency.name")), mc__pdf_esc(d, procedure(d, j)),
			   sub(d, "Your dossier was received on the date above for this procedure.")),
		0, 0, 2.5);
}

static void form04(struct doc *d, json_t *j)
{
	const char *agency = decider(d, j);
	const char *at = mc__jget(j, "extension.approved_at") ? "extension.approved_at"
			 : mc__jget(j, "extension.at")        ? "extension.at"
							      : "received_at";
	national_header(d, NULL, agency, date_line(d, j, at));
	title(d, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
	      "APOLOGY AND REQUEST TO EXTEND THE PROCESSING TIME");
	code_line(d, T("code"));
	dear(d, j);
	received_sentence(d, j);
	const char *old = mc__jget(j, "extension.old_due_at") ? TLONG("extension.old_due_at") : TLONG("due_at");
	field(d, "Thời gian hẹn trả kết quả giải quyết hồ sơ", "Appointment for the result", old);
	mc__pdf_para(d,
		     mc_sprintf(d->a, "Tuy nhiên, đến nay %s chưa trả kết quả giải quyết hồ sơ của Ông/Bà.%s",
				mc__pdf_esc(d, agency), sub(d, "The result is not ready yet.")),
		     0, 0, 2.5);
	field(d, "Lý do", "Reason", T("extension.reason"));
	mc__pdf_para(
		d,
		mc_sprintf(
			d->a,
			"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. %s xin lỗi Ông/Bà và đề nghị gia hạn thời gian "
			"giải quyết, trả kết quả vào:%s",
			mc__pdf_esc(d, agency),
			sub(d, "We apologise for the delay and propose to return the result at the new time below.")),
		0, 0, 2.5);
	field(d, "Thời gian hẹn trả kết quả mới", "New appointment for the result", TLONG("extension.new_due_at"));
	mc__pdf_para(d, mc_sprintf(d->a, "Xin trân trọng cảm ơn!%s", sub(d, "Thank you.")), 0, 0, 2.5);
	/* signed by whoever approved the new date: the head, or a deputy "KT." */
	struct sig s = head_sig(d, j, mc__jget(j, "extension.approved_by") ? "extension.approved_by" : "extension.by");
	signatures(d, &s, 1);
}

static void form05(struct doc *d, json_t *j)
{
	const char *agency = decider(d, j);
	national_header(d, NULL, agency, date_line(d, j, mc__jget(j, "stop.at") ? "stop.at" : "received_at"));
	title(d, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "NOTICE OF STOPPING THE PROCESSING OF THE DOSSIER");
	code_line(d, T("code"));
	dear(d, j);
	received_sentence(d, j);
	const char *since = TLONG("stop.at");
	mc__pdf_para(d,
		     mc_sprintf(d->a, "%s thông báo dừng giải quyết hồ sơ của Ông/Bà%s%s.%s", mc__pdf_esc(d, agency),
				since ? " kể từ " : "", since ? mc__pdf_esc(d, since) : "",
				sub(d, "The processing of your dossier is stopped.")),
		     0, 0, 2.5);
	field(d, "Lý do", "Reason", T("stop.reason"));
	mc__pdf_para(d, mc_sprintf(d->a, "Xin thông báo để Ông/Bà được biết./.%s", sub(d, "For your information.")), 0,
		     0, 2.5);
	struct sig s = head_sig(d, j, "stop.by");
	signatures(d, &s, 1);
}

/* "Người giao: name\n26/11/2026 09:15\nKý: ……" for one side of a
 * hand-over: each party signs (form 06, Circular 03/2025). */
static const char *handover(struct doc *d, json_t *step, const char *vi, const char *who, const char *at)
{
	const char *name = mc__jtext(d->a, step, who);
	const char *when = mc__jtime(d->a, step, at, MC__T_SHORT);
	return mc_sprintf(d->a, "%s: <b>%s</b>%s%s\n<i>Ký:</i> %s", vi, name ? mc__pdf_esc(d, name) : DOTS,
			  when ? "\n" : "", when ? when : "", DOTS);
}

static void form06(struct doc *d, json_t *j)
{
	static const struct col cols[] = {
		{"Tên cơ quan, bộ phận", "Unit", 0.26, 0},
		{"Thời gian giao, nhận hồ sơ", "Handed over / received", 0.35, 0},
		{"Kết quả giải quyết (trước, đúng, quá hạn)", "Result (early, on time, late)", 0.19, F_CENTER},
		{"Ghi chú", "Note", 0.20, 0},
	};
	static const struct table t = {cols, 4, 0, 2.5};
	struct table tt = t;
	tt.size = d->fs - 1;

	unit_header(d, j, "received_at");
	title(d, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "DOSSIER PROCESSING CONTROL SLIP");
	code_line(d, T("code"));
	field(d, "Kèm theo hồ sơ của", "Dossier of", T("applicant.full_name"));
	field(d, "Nội dung yêu cầu giải quyết", "Request", procedure(d, j));
	field(d, "Thời gian nhận hồ sơ", "Received at", TLONG("received_at"));
	field(d, "Thời gian hẹn trả kết quả", "Result due at",
	      mc__jget(j, "appointment_at") ? TLONG("appointment_at") : TLONG("due_at"));
	field_opt(d, "Cơ quan giải quyết hồ sơ", "Competent agency", T("competent_agency.name"));
	d->y += 3;
	mc__pdf_table_begin(d, &tt);
	json_t *steps = mc__jget(j, "steps"), *s;
	size_t i;
	json_array_foreach(steps, i, s) {
		const char *name = mc__jtext(d->a, s, "name"), *unit = mc__jtext(d->a, s, "unit.name");
		const char *h = handover(d, s, "Người giao", "handed_by.full_name", "handed_at");
		const char *r = handover(d, s, "Người nhận", "received_by.full_name", "received_at");
		const char *due = mc__jtime(d->a, s, "due_at", MC__T_SHORT);
		const char *done = mc__jtime(d->a, s, "finished_at", MC__T_SHORT);
		const char *cells[4] = {
			mc_sprintf(d->a, "<b>%lld. %s</b>%s%s", mc__jint(s, "seq", (long long)i + 1),
				   mc__pdf_esc(d, name), unit ? "\n" : "", mc__pdf_esc(d, unit)),
			mc_sprintf(d->a, "%s%s%s%s%s%s%s", h ? h : "", h && r ? "\n" : "", r ? r : "",
				   due ? "\nHạn xử lý: " : "", due ? due : "", done ? "\nHoàn thành: " : "",
				   done ? done : ""),
			mc_sprintf(d->a, "<b>%s</b>",
				   mc__pdf_esc(d, mc__result_label(mc__jtext(d->a, s, "result"), 0))),
			mc__pdf_esc(d, mc__jtext(d->a, s, "note")),
		};
		mc__pdf_table_row(d, &tt, cells, 0);
	}
	if (json_array_size(steps) == 0) {
		const char *cells[4] = {"<i>Chưa có bước xử lý</i>", NULL, NULL, NULL};
		mc__pdf_table_row(d, &tt, cells, 0);
	}
	mc__pdf_table_end(d);
}

/* ---- form 07 ---- */

struct reg {
	json_t *agency, *dossiers;
	const char *from, *to;
};

static void form07(struct doc *d, const struct reg *r)
{
	static const struct col cols[] = {
		{"TT", NULL, 0.03, F_CENTER},
		{"Mã hồ sơ", NULL, 0.15, F_FIT},
		{"Thủ tục hành chính", NULL, 0.16, 0},
		{"Tổ chức, cá nhân nộp hồ sơ", NULL, 0.155, 0},
		{"Nhận hồ sơ", NULL, 0.07, F_CENTER},
		{"Hẹn trả kết quả", NULL, 0.07, F_CENTER},
		{"Chuyển hồ sơ đến cơ quan giải quyết", NULL, 0.11, 0},
		{"Hoàn thành", NULL, 0.07, F_CENTER},
		{"Kết quả (trước, đúng, quá hạn)", NULL, 0.08, F_CENTER},
		{"Trả kết quả (ngày, ký nhận)", NULL, 0.105, F_CENTER},
	};
	static const struct table t = {cols, 10, 0, 2.5};
	struct table tt = t;
	tt.size = d->fs - 0.5;
	json_t *j = r->agency;
	struct mc__vntime from, to;
	mc__vntime(r->from, &from);
	mc__vntime(r->to, &to);

	d->running = mc_sprintf(d->a, "<i>Sổ theo dõi hồ sơ từ ngày %s đến ngày %s (tiếp theo)</i>",
				mc__fmt_time(d->a, &from, MC__T_DATE), mc__fmt_time(d->a, &to, MC__T_DATE));
	national_header(d, NULL, T("name"), NULL);
	title(d, "SỔ THEO DÕI HỒ SƠ", NULL);
	mc__pdf_para(d,
		     mc_sprintf(d->a, "Từ ngày <b>%s</b> đến ngày <b>%s</b>", mc__fmt_time(d->a, &from, MC__T_DATE),
				mc__fmt_time(d->a, &to, MC__T_DATE)),
		     F_CENTER, 0, 8);
	mc__pdf_table_begin(d, &tt);
	size_t i;
	json_t *x;
	json_array_foreach(r->dossiers, i, x) {
		const char *name = mc__jtext(d->a, x, "applicant.full_name");
		const char *addr = mc__jtext(d->a, x, "applicant.address");
		const char *phone = mc__jtext(d->a, x, "applicant.phone");
		const char *res = mc__jtext(d->a, x, "result_status");
		const char *st = mc__jtext(d->a, x, "status");
		const char *ret = mc__jtime(d->a, x, "returned_at", MC__T_SHORT);
		const char *cells[10] = {
			mc_sprintf(d->a, "%zu", i + 1),
			mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, mc__jtext(d->a, x, "code"))),
			mc__pdf_esc(d, mc__jtext(d->a, x, "procedure.name")),
			mc_sprintf(d->a, "<b>%s</b>%s%s%s%s", mc__pdf_esc(d, name), addr ? "\n" : "",
				   mc__pdf_esc(d, addr), phone ? "\nĐT: " : "", mc__pdf_esc(d, phone)),
			mc__pdf_esc(d, mc__jtime(d->a, x, "received_at", MC__T_SHORT)),
			mc__pdf_esc(d, mc__jtime(d->a, x, "due_at", MC__T_SHORT)),
			mc__pdf_esc(d, mc__jtext(d->a, x, "competent_agency.name")),
			mc_sprintf(d->a, "%s%s", mc__pdf_esc(d, mc__jtime(d->a, x, "completed_at", MC__T_SHORT)),
				   mc__jget(x, "result_document.sha256") ? "\n<i>Kết quả điện tử</i>" : ""),
			res  ? mc_sprintf(d->a, "<b>%s</b>", mc__pdf_esc(d, mc__result_label(res, 0)))
			: st ? mc_sprintf(d->a, "<i>%s</i>", mc__pdf_esc(d, mc__status_label(st, 0)))
			     : NULL,
			ret,
		};
		mc__pdf_table_row(d, &tt, cells, 24);
	}
	if (json_array_size(r->dossiers) == 0) {
		const char *cells[10] = {NULL, "<i>Không có hồ sơ</i>"};
		mc__pdf_table_row(d, &tt, cells, 0);
	}
	mc__pdf_table_end(d);
}

/* ---- the periodic report ---- */

struct rep {
	json_t *report; /* mc_dossier_report's answer */
	const char *agency;
};

static const char *count(struct doc *d, json_t *row, const char *k)
{
	return mc_sprintf(d->a, "%lld", (long long)json_integer_value(json_object_get(row, k)));
}

/* "95,3 %" or "—" */
static const char *rate(struct doc *d, json_t *row)
{
	json_t *v = json_object_get(row, "on_time_rate");
	if (!json_is_number(v))
		return "—";
	char *t = mc_sprintf(d->a, "%.1f %%", json_number_value(v) * 100);
	char *dot = strchr(t, '.');
	if (dot)
		*dot = ',';
	return t;
}

static void report_row(struct doc *d, const struct table *t, const char *no, const char *name, json_t *row, int bold)
{
	static const char *const keys[] = {
		"carried_over",     "new_online",       "new_counter",   "new_post", "received",
		"resolved_early",   "resolved_on_time", "resolved_late", "resolved", "in_progress_within",
		"in_progress_past", "withdrawn",        "stopped",       "refused"};
	const char *cells[17];
	cells[0] = no;
	cells[1] = bold ? mc_sprintf(d->a, "<b>%s</b>", name) : name;
	for (int k = 0; k < 14; k++)
		cells[k + 2] = bold ? mc_sprintf(d->a, "<b>%s</b>", count(d, row, keys[k])) : count(d, row, keys[k]);
	cells[16] = rate(d, row);
	mc__pdf_table_row(d, t, cells, 0);
}

static void form_report(struct doc *d, const struct rep *r)
{
	static const struct col cols[] = {
		{"TT", NULL, 0.03, F_CENTER},
		{"Đơn vị / thủ tục", NULL, 0.19, 0},
		{"Từ kỳ trước", NULL, 0.05, F_RIGHT},
		{"Mới: trực tuyến", NULL, 0.05, F_RIGHT},
		{"Mới: trực tiếp", NULL, 0.05, F_RIGHT},
		{"Mới: bưu chính", NULL, 0.05, F_RIGHT},
		{"Tổng tiếp nhận", NULL, 0.055, F_RIGHT},
		{"Trước hạn", NULL, 0.05, F_RIGHT},
		{"Đúng hạn", NULL, 0.05, F_RIGHT},
		{"Quá hạn", NULL, 0.05, F_RIGHT},
		{"Đã giải quyết", NULL, 0.055, F_RIGHT},
		{"Đang giải quyết: trong hạn", NULL, 0.06, F_RIGHT},
		{"Đang giải quyết: quá hạn", NULL, 0.06, F_RIGHT},
		{"Rút hồ sơ", NULL, 0.045, F_RIGHT},
		{"Dừng giải quyết", NULL, 0.05, F_RIGHT},
		{"Từ chối", NULL, 0.045, F_RIGHT},
		{"Tỷ lệ đúng hạn", NULL, 0.06, F_RIGHT},
	};
	_Static_assert(sizeof(cols) / sizeof(cols[0]) == 17 && 17 <= MAX_COLS, "the report's columns");
	static const struct table t = {cols, 17, 0, 2.0};
	struct table tt = t;
	tt.size = d->fs - 1;
	json_t *j = r->report;
	const char *from = T("from"), *to = T("to"), *group = T("group");
	char f[11], e[11];
	snprintf(f, sizeof(f), "%.2s/%.2s/%.4s", from + 8, from + 5, from);
	snprintf(e, sizeof(e), "%.2s/%.2s/%.4s", to + 8, to + 5, to);
	d->running = mc_sprintf(d->a, "<i>Báo cáo từ ngày %s đến ngày %s (tiếp theo)</i>", f, e);
	national_header(d, NULL, r->agency, NULL);
	title(d, "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", NULL);
	mc__pdf_para(d, mc_sprintf(d->a, "Kỳ báo cáo: từ ngày <b>%s</b> đến ngày <b>%s</b>", f, e), F_CENTER, 0, 6);
	mc__pdf_table_begin(d, &tt);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(j, "items"), i, x) {
		const char *name = mc__jtext(d->a, x, "name.vi"), *code = mc__jtext(d->a, x, "name.code");
		const char *label =
			group && strcmp(group, "procedure") == 0 && code
				? mc_sprintf(d->a, "%s <i>(%s)</i>", mc__pdf_esc(d, name), mc__pdf_esc(d, code))
				: mc__pdf_esc(d, name ? name : mc__jtext(d->a, x, "key"));
		report_row(d, &tt, mc_sprintf(d->a, "%zu", i + 1), label, x, 0);
	}
	report_row(d, &tt, "", "Tổng cộng", json_object_get(j, "total"), 1);
	mc__pdf_table_end(d);
	d->y += 6;
	mc__pdf_para(d,
		     "<i>Tổng tiếp nhận = từ kỳ trước chuyển sang + tiếp nhận mới (trực tuyến, trực tiếp, bưu chính) = "
		     "đã giải "
		     "quyết + đang giải quyết + rút hồ sơ + dừng giải quyết + từ chối. Tỷ lệ đúng hạn = (trước hạn + "
		     "đúng hạn) "
		     "/ "
		     "đã giải quyết; hồ sơ giải quyết sau hạn theo quy định là quá hạn, kể cả khi đã có văn bản xin "
		     "lỗi, hẹn "
		     "lại "
		     "(Nghị định 118/2025/NĐ-CP; Thông tư 03/2025/TT-VPCP).</i>",
		     0, 0, 3);
	json_t *tot = json_object_get(j, "total");
	mc__pdf_para(
		d,
		mc_sprintf(d->a,
			   "Trong số hồ sơ giải quyết quá hạn, đã xin lỗi và hẹn lại (mẫu 04): <b>%s</b>. Hồ sơ trực "
			   "tuyến đang chờ "
			   "tiếp nhận cuối kỳ: <b>%s</b>, trong đó quá một ngày làm việc: <b>%s</b>.",
			   count(d, tot, "late_with_apology"), count(d, tot, "awaiting_reception"),
			   count(d, tot, "awaiting_reception_past")),
		0, 0, 3);
}

/* ---- rendering driver ---- */

/*
 * A paper's form to fill in by hand (job 9), made from the catalogue: the
 * procedure's name and code, the paper's name as the title, the applicant's
 * identity, one dotted line per field of the online form, the date and the
 * signature.  It is motcua's own form, not the official template (which the
 * catalogue does not store), and says so at its foot.
 */
struct tpl {
	json_t *def;   /* the procedure definition */
	json_t *paper; /* the paper of def->papers */
};

/* "Label: ……" with dots to fill in, wrapping to the next line. */
static void blank(struct doc *d, const char *label)
{
	mc__pdf_para(d, mc_sprintf(d->a, "%s: %s%s%s%s", label, DOTS, DOTS, DOTS, DOTS), 0, 0, 4);
}

static void form_template(struct doc *d, const struct tpl *t)
{
	json_t *def = t->def;
	mc__pdf_para(d, "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>\n<b>Độc lập - Tự do - Hạnh phúc</b>", F_CENTER, 0,
		     10);
	title(d, mc__pdf_esc(d, mc__pdf_upper(d, clip(d, mc__jtext(d->a, t->paper, "name"), 300))), NULL);
	mc__pdf_para(d,
		     mc_sprintf(d->a, "<i>Thủ tục: %s (mã %s)</i>",
				mc__pdf_esc(d, clip(d, mc__jtext(d->a, def, "name"), 500)),
				mc__pdf_esc(d, mc__jtext(d->a, def, "code"))),
		     F_CENTER, 0, 10);
	static const char *const who[] = {"Kính gửi", "Họ, chữ đệm và tên người yêu cầu", "Số định danh cá nhân",
					  "Nơi cư trú", "Số điện thoại"};
	for (size_t k = 0; k < sizeof(who) / sizeof(who[0]); k++)
		blank(d, who[k]);
	d->y += 4;
	json_t *form = mc__jget(def, "form"), *f;
	size_t i;
	json_array_foreach(form, i, f) {
		const char *type = mc__jtext(d->a, f, "type");
		if (type && strcmp(type, "attachment") == 0)
			continue;
		blank(d, mc__pdf_esc(d, clip(d, mc__jtext(d->a, f, "label"), 300)));
	}
	d->y += 6;
	mc__pdf_para(d, "……………, ngày …… tháng …… năm ………", F_RIGHT, 0, 0);
	struct sig sg = {"NGƯỜI YÊU CẦU", NULL, "(Ký và ghi rõ họ tên)", NULL, ""};
	signatures(d, &sg, 1);
	d->y += 10;
	mc__pdf_para(d,
		     "<i>Mẫu này do hệ thống một cửa điện tử lập từ các trường của tờ khai trực tuyến của thủ tục, để "
		     "điền tay."
		     " Đây không phải mẫu ban hành kèm văn bản quy phạm pháp luật; nếu có mẫu chính thức, cơ quan tiếp "
		     "nhận có "
		     "thể"
		     " yêu cầu dùng mẫu đó.</i>",
		     0, 0, 0);
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;
	if (s->rc)
		return CAIRO_STATUS_WRITE_ERROR;
	s->rc = mc_buf_add(s->out, data, len);
	return s->rc ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

struct job {
	int form;        /* 1-7, 8 the periodic report, 9 a paper's template, 10 an official document */
	json_t *dossier; /* forms 1-6; form 10: the document */
	const struct reg *reg;
	const struct rep *rep;
	int en;
	const struct tpl *tpl;
	double fs;                            /* body font size; 0: the default */
	void (*draw)(struct doc *, json_t *); /* form 10: draws the document */
	struct mc_pdf_marks *marks;           /* form 10: where its boxes are, may be NULL */
};

/* Two copies (liên) of form 01: one kept, one handed to the applicant, each
 * numbered on its own when it takes more than a page. */
static void form01_copies(struct doc *d, json_t *j)
{
	d->copies = 2;
	form01(d, j, "Liên 1: Lưu");
	const char *running = d->running;
	d->running = NULL; /* the second copy is not a continuation */
	new_page(d);
	d->running = running;
	d->copy_start = d->page;
	form01(d, j, "Liên 2: Giao khách hàng");
}

/* Forms 01-06 are drawn from the dossier alone (mc_pdf_form). */
static void (*const dossier_forms[])(struct doc *, json_t *) = {
	NULL, form01_copies, form02, form03, form04, form05, form06,
};

static void body(struct doc *d, const struct job *jb)
{
	json_t *j = jb->dossier;
	if (j)
		d->running = mc_sprintf(d->a, "<i>Mã hồ sơ: %s (tiếp theo)</i>", mc__pdf_esc(d, T("code")));
	switch (jb->form) {
	case 7:
		form07(d, jb->reg);
		break;
	case 8:
		form_report(d, jb->rep);
		break;
	case 9:
		form_template(d, jb->tpl);
		break;
	case 10:
	case 11:
		d->running = NULL;
		jb->draw(d, j);
		break;
	default:
		dossier_forms[jb->form](d, j);
		break;
	}
}

static const char *const titles[] = {
	NULL,
	"Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
	"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
	"Phiếu từ chối tiếp nhận giải quyết hồ sơ",
	"Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
	"Thông báo dừng giải quyết hồ sơ",
	"Phiếu kiểm soát quá trình giải quyết hồ sơ",
	"Sổ theo dõi hồ sơ",
	"Báo cáo tình hình, kết quả giải quyết thủ tục hành chính",
	"Mẫu giấy tờ để điền",
	"Văn bản",
	"Lịch công tác tuần",
};

/* Lay the job out once into out; pages: 0 for the first pass, the total
 * for the second.  Returns 0 or an error, and the page count. */
static int pass(const struct job *jb, int pages_known, struct mc_buf *out, int *pages, struct mc_error *e)
{
	struct sink sink = {out, 0};
	struct doc d = {0};
	/* the boxes of this pass; handed over only when it succeeds, so that
	 * the last pass run (the one whose output render keeps) has the say */
	struct mc_pdf_marks marks = {0};
	d.marks = jb->marks ? &marks : NULL;
	int landscape = jb->form == 7 || jb->form == 8 || jb->form == 11, official = jb->form == 10,
	    a4 = jb->form == 9 || official;
	d.pw = (landscape ? 297 : a4 ? 210 : 148) * PT_PER_MM;
	d.ph = (a4 ? 297 : 210) * PT_PER_MM;
	/* an official document: A4, margins of Decree 30 (Annex I): top and
	 * bottom 20 mm, left 30 mm, right 15 mm; body type 13 pt */
	d.ml = (official ? 30 : 15) * PT_PER_MM;
	d.mr = (official ? 15 : 10) * PT_PER_MM;
	d.mt = (official ? 20 : 10) * PT_PER_MM;
	d.mb = (official ? 20 : 13) * PT_PER_MM;
	d.fs = official ? 13 : a4 ? 11 : jb->fs > 0 ? jb->fs : FS_DEFAULT;
	d.pages = pages_known;
	d.always_number = landscape;
	d.en = jb->en;
	d.page = d.copy_start = 1;
	d.y = d.fresh_y = d.mt;
	d.a = mc_arena_new(16384);
	d.surf = cairo_pdf_surface_create_for_stream(sink_write, &sink, d.pw, d.ph);
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_TITLE,
				       official ? mc__jtext(d.a, jb->dossier, "summary") : titles[jb->form]);
	cairo_pdf_surface_set_metadata(d.surf, CAIRO_PDF_METADATA_CREATOR, "motcua " MC_VERSION);
	d.cr = cairo_create(d.surf);
	mc__pdf_track_font_map();
	d.pc = pango_cairo_create_context(d.cr);
	cairo_font_options_t *fo = cairo_font_options_create();
	/* outline metrics: the same line breaks on any surface, no rounding */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(d.pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_round_glyph_positions(d.pc, FALSE);
	pango_context_set_language(d.pc, pango_language_from_string("vi"));
	cairo_set_source_rgb(d.cr, 0, 0, 0);

	body(&d, jb);
	footer(&d);
	cairo_show_page(d.cr);
	*pages = d.page;

	cairo_status_t st = cairo_status(d.cr);
	g_object_unref(d.pc);
	cairo_destroy(d.cr);
	cairo_surface_finish(d.surf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(d.surf);
	cairo_surface_destroy(d.surf);
	mc_arena_free(d.a);

	if (sink.rc)
		return mc_error_set(e, sink.rc, "PDF vượt quá giới hạn dung lượng");
	if (d.err)
		return mc_error_set(e, d.err, "Không vẽ được mã QR của đường dẫn tra cứu");
	if (st != CAIRO_STATUS_SUCCESS) {
		mc_error_set(e, MC_E_INTERNAL, NULL);
		return mc_error_log(e, "cairo: %s", cairo_status_to_string(st));
	}
	if (jb->marks)
		*jb->marks = marks;
	return 0;
}

/* Empty out back to keep bytes. */
static void rewind_to(struct mc_buf *out, size_t keep)
{
	out->len = keep;
	if (out->data)
		out->data[keep] = '\0';
}

static int render(const struct job *jb, struct mc_buf *out, struct mc_error *e)
{
	size_t keep = out->len;
	struct job j = *jb;
	int pages = 0, rc = pass(&j, 0, out, &pages, e);
	/* Form 01 is a receipt signed by both sides: each copy stays on one
	 * page whenever smaller type makes it fit (the English subtitles add
	 * a line under each label), so that the signatures are never on a page
	 * of their own. */
	while (!rc && j.form == 1 && pages > 2 && (j.fs > 0 ? j.fs : FS_DEFAULT) - 0.5 >= FS_FORM01_MIN - 0.01) {
		j.fs = (j.fs > 0 ? j.fs : FS_DEFAULT) - 0.5;
		rewind_to(out, keep);
		rc = pass(&j, 0, out, &pages, e);
	}
	if (!rc && (pages > 1 || j.form == 7)) {
		rewind_to(out, keep);
		int again;
		rc = pass(&j, pages, out, &again, e);
		if (!rc && again != pages) {
			mc_error_set(e, MC_E_INTERNAL, NULL);
			rc = mc_error_log(e, "pdf: page count changed between passes (%d, %d)", pages, again);
		}
	}
	if (rc) {
		rewind_to(out, keep);
		if (jb->marks)
			memset(jb->marks, 0, sizeof(*jb->marks));
	}
	return rc;
}

/* ---- validation and entry points ---- */

static int check_dossier(int form, json_t *j, struct mc_arena *a, struct mc_error *e)
{
	size_t before = e->nfields;
	mc__need_text(e, a, j, "code");
	mc__need_text(e, a, j, "applicant.full_name");
	mc__need_text(e, a, j, "procedure.name");
	mc__need_text(e, a, j, "received_agency.name");
	mc__check_time(e, j, "received_at", 1);
	mc__check_time(e, j, "due_at", 0);
	const char *url = mc__jtext(a, j, "tracking_url");
	if (url && strlen(url) > 1000) {
		mc_bad_field(e, "tracking_url", MC_M_TRACKING_LINK_TOO_LONG);
		e->code = MC_E_VALIDATION;
	}
	switch (form) {
	case 1: {
		json_t *papers = mc__jget(j, "papers"), *p;
		size_t i;
		if (papers && !json_is_array(papers)) {
			mc_bad_field(e, "papers", MC_M_NOT_ARRAY);
			e->code = MC_E_VALIDATION;
		}
		json_array_foreach(papers, i, p) {
			if (!mc__jtext(a, p, "name")) {
				mc_bad_field(e, "papers.name", MC_M_PAPER_NAME_REQUIRED);
				e->code = MC_E_VALIDATION;
				break;
			}
		}
		break;
	}
	case 2:
		mc__need_str_array(e, j, "supplement.items");
		mc__check_time(e, j, "supplement.requested_at", 0);
		break;
	case 3:
		mc__need_str_array(e, j, "refusal.reasons");
		mc__check_time(e, j, "refusal.at", 0);
		break;
	case 4:
		mc__need_text(e, a, j, "extension.reason");
		mc__check_time(e, j, "extension.new_due_at", 1);
		mc__check_time(e, j, "extension.old_due_at", 0);
		mc__check_time(e, j, "extension.at", 0);
		break;
	case 5:
		mc__need_text(e, a, j, "stop.reason");
		mc__check_time(e, j, "stop.at", 0);
		break;
	case 6:
		if (!json_is_array(mc__jget(j, "steps"))) {
			mc_bad_field(e, "steps", MC_M_STEPS_REQUIRED);
			e->code = MC_E_VALIDATION;
		}
		break;
	}
	return mc__validation_done(e, before, titles[form]);
}

int mc_pdf_form(int form, json_t *dossier, const char *lang, struct mc_buf *out, struct mc_error *e)
{
	if (form < 1 || form > 6)
		return mc_error_set(e, MC_E_NOT_FOUND, "Không có mẫu số %02d", form);
	if (!json_is_object(dossier))
		return mc_error_set(e, MC_E_INVAL, "Hồ sơ phải là một đối tượng JSON");
	struct mc_arena *a = mc_arena_new(4096);
	int rc = check_dossier(form, dossier, a, e);
	mc_arena_free(a);
	if (rc)
		return rc;
	struct job jb = {form, dossier, NULL, NULL, lang && strcmp(lang, "en") == 0, NULL, 0, NULL, NULL};
	return render(&jb, out, e);
}

int mc_pdf_register(json_t *agency, const char *period_from, const char *period_to, json_t *dossiers,
		    struct mc_buf *out, struct mc_error *e)
{
	struct mc__vntime from, to;
	size_t before = e->nfields;
	struct mc_arena *a = mc_arena_new(4096);
	mc__check_register(e, a, agency, period_from, period_to, dossiers, &from, &to);
	mc_arena_free(a);
	int rc = mc__validation_done(e, before, titles[7]);
	if (rc)
		return rc;
	struct reg r = {agency, dossiers, period_from, period_to};
	struct job jb = {7, NULL, &r, NULL, 0, NULL, 0, NULL, NULL};
	return render(&jb, out, e);
}

/* The font maps alive.  Pango keeps one per thread (each worker that drew
 * a PDF has its own, finalized when the thread ends), and since 1.50
 * matches and sorts fonts in a thread of its own whose pending jobs hold
 * a font map, and so its cairo fonts and fontconfig patterns, a while
 * longer.  Each is counted when first used (mc__pdf_track_font_map) and
 * uncounted when its finalizer has run to its end (GObject clears an
 * object's data last). */
static gint live_font_maps;

static void font_map_gone(gpointer p)
{
	(void)p;
	g_atomic_int_add(&live_font_maps, -1);
}

void mc__pdf_track_font_map(void)
{
	GObject *fm = G_OBJECT(pango_cairo_font_map_get_default());
	if (!g_object_get_data(fm, "mc-tracked")) { /* only this thread uses its font map */
		g_atomic_int_add(&live_font_maps, 1);
		g_object_set_data_full(fm, "mc-tracked", &live_font_maps, font_map_gone);
	}
}

void mc_pdf_release_caches(void)
{
	/* cairo and fontconfig assert, when their caches are released, that
	 * nothing of theirs is still used: wait for every font map to be
	 * finalized (a few ms), and when one is not, leave the caches alone
	 * (the process ends anyway; only leak checkers would care) */
	pango_cairo_font_map_set_default(NULL);
	int i;
	for (i = 0; i < 5000 && g_atomic_int_get(&live_font_maps) > 0; i++)
		g_usleep(1000);
	if (g_atomic_int_get(&live_font_maps) > 0)
		return;
	cairo_debug_reset_static_data();
	FcFini();
}

int mc_pdf_report(json_t *report, const char *agency, struct mc_buf *out, struct mc_error *e)
{
	if (!json_is_object(report) || !json_is_string(json_object_get(report, "from")) ||
	    !json_is_string(json_object_get(report, "to")) ||
	    strlen(json_string_value(json_object_get(report, "from"))) != 10 ||
	    strlen(json_string_value(json_object_get(report, "to"))) != 10 || !agency)
		return mc_error_set(e, MC_E_VALIDATION, "a report needs from, to and the agency");
	struct rep r = {report, agency};
	struct job jb = {8, NULL, NULL, &r, 0, NULL, 0, NULL, NULL};
	return render(&jb, out, e);
}

int mc_pdf_template(json_t *def, const char *paper, struct mc_buf *out, struct mc_error *e)
{
	json_t *papers = json_object_get(def, "papers"), *p, *found = NULL;
	size_t i;
	json_array_foreach(papers, i, p) {
		const char *c = json_string_value(json_object_get(p, "code"));
		if (c && paper && strcmp(c, paper) == 0)
			found = p;
	}
	if (!found || !json_is_string(json_object_get(found, "template")))
		return mc_error_set(e, MC_E_NOT_FOUND, "Giấy tờ này không có mẫu để tải về");
	struct tpl t = {def, found};
	struct job jb = {9, NULL, NULL, NULL, 0, &t, 0, NULL, NULL};
	return render(&jb, out, e);
}

int mc__pdf_render_document(json_t *j, void (*draw)(struct doc *, json_t *), struct mc_pdf_marks *marks,
			    struct mc_buf *out, struct mc_error *e)
{
	struct job jb = {10, j, NULL, NULL, 0, NULL, 0, draw, marks};
	return render(&jb, out, e);
}

int mc__pdf_render_landscape(json_t *j, void (*draw)(struct doc *, json_t *), struct mc_buf *out, struct mc_error *e)
{
	struct job jb = {11, j, NULL, NULL, 0, NULL, 0, draw, NULL};
	return render(&jb, out, e);
}

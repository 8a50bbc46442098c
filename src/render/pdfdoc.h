/*
 * pdfdoc.h - the page layout engine the PDF renderers share (pdf.c): a
 * cursor flowing down pages, pango layouts drawn line by line so that a
 * paragraph continues on the next page, rules, and the markup helpers.
 * Internal to src/render.
 */
#ifndef MC_PDFDOC_H
#define MC_PDFDOC_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>

#define PT_PER_MM (72.0 / 25.4)

/* layout flags */
enum {
	F_BOLD = 1,
	F_ITALIC = 2,
	F_CENTER = 4,
	F_RIGHT = 8,
	F_SANS = 16,
	F_FIT = 32, /* table cell: shrink the font so the text stays on one line */
};

struct doc;
struct mc_pdf_marks;
typedef void (*repeat_fn)(struct doc *, const void *);

struct doc {
	struct mc_arena *a;
	cairo_surface_t *surf;
	cairo_t *cr;
	PangoContext *pc;
	double pw, ph, ml, mr, mt, mb; /* page size and margins, pt */
	double fs;                     /* body font size */
	double y;                      /* top of the next block */
	double fresh_y;                /* where content starts on this page */
	int page;                      /* current page, from 1 */
	int pages;                     /* total, known in the second pass; 0 in the first */
	int always_number;             /* number pages even when there is one */
	int copies;                    /* the pages hold this many copies (liên) of one form, numbered per copy */
	int copy_start;                /* the page the current copy starts on */
	int en;                        /* English subtitles */
	int err;                       /* first error while drawing */
	const char *running;           /* markup at the top of continuation pages */
	repeat_fn repeat;              /* redraws a table header on a new page */
	const void *repeat_arg;
	struct mc_pdf_marks *marks; /* an official document: where its boxes were drawn in this pass; may be NULL */
};

/* Extents of line i of a layout, in pt from the layout's top-left. */
struct lx {
	double x, w, top, bot, base;
};

struct lines {
	int n;
	struct lx v[];
};

/* s as pango markup text (arena memory); NULL gives "". */
const char *mc__pdf_esc(struct doc *d, const char *s);
/* s in upper case (Vietnamese letters included), arena memory. */
const char *mc__pdf_upper(struct doc *d, const char *s);
/* The text width between the margins, pt. */
double mc__pdf_cw(const struct doc *d);
/* A layout of markup (width <= 0: one line) at size pt with the flags. */
PangoLayout *mc__pdf_lay(struct doc *d, const char *markup, double width, double size, int flags);
const struct lines *mc__pdf_lines_of(PangoLayout *l);
/* The largest size <= size (not below min) at which markup is one line of
 * at most width pt. */
double mc__pdf_fit_size(struct doc *d, const char *markup, int flags, double size, double min, double width);
double mc__pdf_layout_h(PangoLayout *l);
/* Draw a whole layout at (x, y), release it, return its height. */
double mc__pdf_put(struct doc *d, PangoLayout *l, double x, double y);
void mc__pdf_hline(struct doc *d, double x0, double x1, double y, double width);
/* Start a new page unless h pt still fit on this one. */
void mc__pdf_need(struct doc *d, double h);
/* Draw a layout from the cursor at x, breaking pages between lines. */
void mc__pdf_flow(struct doc *d, PangoLayout *l, double x);
/* A paragraph across the text width; hang indents continuation lines. */
void mc__pdf_para(struct doc *d, const char *markup, int flags, double hang, double after);

struct col {
	const char *vi, *en; /* header */
	double frac;         /* share of the table width */
	int flags;           /* F_CENTER, F_RIGHT for the body cells */
};

struct table {
	const struct col *cols;
	int nc;
	double size, pad;
};

/* A table: its header row (repeated on each new page), rows of markup
 * cells (NULL: empty), its end. */
void mc__pdf_table_begin(struct doc *d, const struct table *t);
void mc__pdf_table_row(struct doc *d, const struct table *t, const char *const *cells, double min_h);
void mc__pdf_table_end(struct doc *d);

/* Render j on landscape A4 (15 mm margins, pages numbered), drawn by draw;
 * appended to out as PDF. */
int mc__pdf_render_landscape(json_t *j, void (*draw)(struct doc *, json_t *), struct mc_buf *out, struct mc_error *e);

/* Render j, an official document's data, on A4 with the margins and type
 * of Decree 30 (Annex I): draw lays it out (recording its boxes in
 * d->marks when that is not NULL); appended to out as PDF.  marks (may be
 * NULL) gets the boxes of the pass whose output is kept, zeros on error. */
int mc__pdf_render_document(json_t *j, void (*draw)(struct doc *, json_t *), struct mc_pdf_marks *marks,
			    struct mc_buf *out, struct mc_error *e);

/* Count the calling thread's default font map among those alive, before
 * pango first draws with it (see mc_pdf_release_caches). */
void mc__pdf_track_font_map(void);

#endif

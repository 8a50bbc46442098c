/* qr.c - QR codes drawn with cairo or written as SVG; see qr.h. */
#include "qr.h"

#include "core/err.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "core/banned.h"

#define QUIET 4 /* modules of white border around the symbol */

static int encode(const char *text, QRcode **qr)
{
	if (!text || !*text)
		return MC_E_INVAL;
	errno = 0;
	*qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (*qr)
		return 0;
	return errno == ERANGE ? MC_E_TOO_BIG : errno == EINVAL ? MC_E_INVAL : MC_E_NOMEM;
}

static int dark(const QRcode *qr, int row, int col)
{
	return qr->data[row * qr->width + col] & 1;
}

/*
 * Each horizontal run of dark modules becomes one rectangle: fewer path
 * elements, and no hairline seams between neighbours in PDF viewers that
 * anti-alias every edge.  each_run() calls fn with each run, row by row, in
 * modules counted from the outer corner of the quiet zone, until fn returns
 * non-zero, and returns that.
 */
static int each_run(const QRcode *qr, int (*fn)(void *arg, int col, int row, int len), void *arg)
{
	for (int r = 0; r < qr->width; r++) {
		for (int c = 0; c < qr->width;) {
			if (!dark(qr, r, c)) {
				c++;
				continue;
			}
			int c0 = c;
			while (c < qr->width && dark(qr, r, c))
				c++;
			int rc = fn(arg, c0 + QUIET, r + QUIET, c - c0);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* A run as a rectangle on a cairo path: origin (x, y), m units a module. */
struct draw_runs {
	cairo_t *cr;
	double x, y, m;
};

static int draw_run(void *arg, int col, int row, int len)
{
	struct draw_runs *p = arg;
	cairo_rectangle(p->cr, p->x + col * p->m, p->y + row * p->m, len * p->m, p->m);
	return 0;
}

/* A run as a subpath of the SVG <path>, one module high. */
static int svg_run(void *arg, int col, int row, int len)
{
	return mc_buf_printf(arg, "M%d %dh%dv1h-%dz", col, row, len, len);
}

int mc_qr_draw(cairo_t *cr, const char *text, double x, double y, double size)
{
	QRcode *qr;
	int rc = encode(text, &qr);
	if (rc)
		return rc;
	int n = qr->width + 2 * QUIET;
	double m = size / n;

	cairo_save(cr);
	cairo_new_path(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	struct draw_runs runs = {cr, x, y, m};
	each_run(qr, draw_run, &runs);
	cairo_fill(cr);
	cairo_restore(cr);
	QRcode_free(qr);
	return 0;
}

int mc_qr_svg(const char *text, int size_px, struct mc_buf *out)
{
	QRcode *qr;
	int rc = encode(text, &qr);
	if (rc)
		return rc;
	int n = qr->width + 2 * QUIET;
	if (size_px <= 0)
		size_px = 4 * n;
	size_t keep = out->len;
	rc = mc_buf_printf(out,
			   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			   "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
			   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
			   size_px, size_px, n, n, n, n);
	if (!rc)
		rc = each_run(qr, svg_run, out);
	if (!rc)
		rc = mc_buf_adds(out, "\"/></svg>");
	if (rc) {
		out->len = keep;
		if (out->data)
			out->data[keep] = '\0';
	}
	QRcode_free(qr);
	return rc;
}

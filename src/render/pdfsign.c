/*
 * pdfsign.c - PAdES signatures as incremental updates; see pdfsign.h.
 *
 * qpdf reads the document (the trailer, the catalog, the page, the form
 * fields) but never writes it: writing with qpdf would renumber and
 * rewrite every object and so break the signatures already there.  The
 * update is written here by hand, the dictionaries that change (the page
 * or its /Annots array, the catalog or its /AcroForm) copied from qpdf's
 * unparsed text with the new entries added.
 */
#include "pdfsign.h"
#include "pdfdoc.h"

#include "../core/arena.h"
#include "../core/timeutil.h"

#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qpdf/qpdf-c.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../core/banned.h"

#define MAX_RESERVE (1u << 20) /* a CMS with its chain and a time stamp is a few KiB */
#define MAX_IMG     4096       /* pixels a side of an appearance or a stamp */
#define MAX_COORD   14400.0    /* the largest page PDF allows is 200 inches */
#define MAX_FIELDS  4096       /* form fields walked at most */
#define MAX_SIGS    8          /* signatures read at most: each copies the bytes it covers */
#define MAX_DEPTH   16         /* levels of /Kids followed at most */
#define TAIL        4096       /* bytes from the end where startxref is looked for */
#define MAX_STAMPS  64         /* stamps one update adds at most */
#define MIN_TEXT_PT 6.0        /* a text image's letters are not made smaller than this */
#define MAX_TEXT_PT 200.0      /* ...nor asked larger */

/* "/ByteRange [0 0000000000 0000000000 0000000000]": rewritten in place,
 * padded with spaces, once the offsets are known. */
#define BR_HOLDER "[0 0000000000 0000000000 0000000000]"

/* ---- output ---- */

/* A writer that keeps the first error, so that the update is written as
 * straight-line code and checked once. */
struct w {
	struct mc_buf *b;
	int rc;
};

static void put(struct w *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct w *o, const char *fmt, ...)
{
	if (o->rc)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->rc = MC_E_INTERNAL;
		return;
	}
	char small[256], *p = (size_t)n < sizeof(small) ? small : mc_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->rc = mc_buf_add(o->b, p, (size_t)n);
	if (p != small)
		free(p);
}

static void putn(struct w *o, const void *p, size_t n)
{
	if (!o->rc)
		o->rc = mc_buf_add(o->b, p, n);
}

/* A number with at most three decimals, whatever the C locale says the
 * decimal point is (PDF wants '.'). */
static void put_num(struct w *o, double v)
{
	long long m = llround(v * 1000);
	const char *sign = m < 0 ? "-" : "";
	if (m < 0)
		m = -m;
	if (m % 1000 == 0) {
		put(o, "%s%lld", sign, m / 1000);
		return;
	}
	char frac[8];
	snprintf(frac, sizeof(frac), "%03lld", m % 1000);
	for (size_t k = strlen(frac); k > 1 && frac[k - 1] == '0'; k--)
		frac[k - 1] = '\0';
	put(o, "%s%lld.%s", sign, m / 1000, frac);
}

/* The next code point of UTF-8 text; a malformed sequence gives U+FFFD
 * and moves one byte on. */
static unsigned next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned c = p[0], cp, min;
	int k;
	if (c < 0x80) {
		*pp = p + 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0)
		k = 1, cp = c & 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		k = 2, cp = c & 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		k = 3, cp = c & 0x07, min = 0x10000;
	else
		goto bad;
	for (int i = 1; i <= k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*pp = p + 1 + k;
	return cp;
bad:
	*pp = p + 1;
	return 0xFFFD;
}

/* UTF-8 text as a PDF text string: UTF-16BE with a byte order mark, in
 * hex, so that no byte of it needs escaping. */
static void put_text(struct w *o, const char *s)
{
	put(o, "<FEFF");
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = next_cp(&p);
		if (c >= 0x10000) {
			c -= 0x10000;
			put(o, "%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
		} else {
			put(o, "%04X", c);
		}
	}
	put(o, ">");
}

/* A field name: a literal string when it is plain ASCII (as every reader
 * shows it), else a text string. */
static void put_name_string(struct w *o, const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7E) {
			put_text(o, s);
			return;
		}
	put(o, "(");
	for (const char *p = s; *p; p++)
		put(o, "%s%c", *p == '(' || *p == ')' || *p == '\\' ? "\\" : "", *p);
	put(o, ")");
}

/* /M in Vietnam time, which has had no daylight saving since 1975. */
static void put_date(struct w *o, int64_t t)
{
	int64_t v = t + MC_VN_OFFSET_MIN * 60, days = v / 86400, sec = v % 86400;
	int y, mo, d;
	mc_civil_from_days(days, &y, &mo, &d);
	put(o, "(D:%04d%02d%02d%02d%02d%02d+07'00')", y, mo, d, (int)(sec / 3600), (int)(sec / 60 % 60),
	    (int)(sec % 60));
}

/* ---- reading with qpdf ---- */

static qpdf_data open_pdf(const void *pdf, size_t n, int recover)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	qpdf_set_attempt_recovery(q, recover ? QPDF_TRUE : QPDF_FALSE);
	if (qpdf_read_memory(q, "signed.pdf", pdf, (unsigned long long)n, NULL) & QPDF_ERRORS) {
		(void)qpdf_get_error(q); /* handled: qpdf would print it */
		qpdf_cleanup(&q);
		return NULL;
	}
	return q;
}

/* d's entry k, null when d is not a dictionary (qpdf would print a
 * warning about it on stderr). */
static qpdf_oh key(qpdf_data q, qpdf_oh d, const char *k)
{
	return qpdf_oh_is_dictionary(q, d) ? qpdf_oh_get_key(q, d, k) : qpdf_oh_new_null(q);
}

static double num(qpdf_data q, qpdf_oh v)
{
	return qpdf_oh_is_number(q, v) ? qpdf_oh_get_numeric_value(q, v) : 0;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = mc_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The items of an array as PDF text, each followed by a space (indirect
 * items as "N G R"). */
static char *array_items(qpdf_data q, qpdf_oh a)
{
	struct mc_buf b = MC_BUF_INIT(SIZE_MAX);
	struct w o = {&b, 0};
	int k = qpdf_oh_is_array(q, a) ? qpdf_oh_get_array_n_items(q, a) : 0;
	for (int i = 0; i < k; i++)
		put(&o, "%s ", qpdf_oh_unparse(q, qpdf_oh_get_array_item(q, a, i)));
	return mc_buf_detach(&b, NULL);
}

/* A dictionary as PDF text without its closing ">>", so that entries can
 * be added, the keys of drop left out.  Leaving them out edits qpdf's copy
 * in memory, which is never written.  NULL when qpdf's text is not a
 * dictionary's. */
static char *dict_open(qpdf_data q, qpdf_oh d, const char *const *drop, int ndrop)
{
	for (int i = 0; i < ndrop; i++)
		qpdf_oh_remove_key(q, d, drop[i]);
	const char *s = qpdf_oh_unparse_resolved(q, d);
	size_t len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	if (len < 4 || memcmp(s, "<<", 2) != 0 || memcmp(s + len - 2, ">>", 2) != 0)
		return NULL;
	for (len -= 2; len > 2 && strchr(" \t\r\n", s[len - 1]);)
		len--;
	return xstrndup(s, len);
}

/* The offset the file's last "startxref" gives. */
static int last_startxref(const char *p, size_t n, size_t *off)
{
	static const char kw[] = "startxref";
	size_t kl = sizeof(kw) - 1, from = n > TAIL ? n - TAIL : 0, i = n >= kl ? n - kl + 1 : 0;
	const char *k = NULL;
	while (i-- > from)
		if (memcmp(p + i, kw, kl) == 0) {
			k = p + i + kl;
			break;
		}
	if (!k)
		return MC_E_INVAL;
	const char *end = p + n;
	while (k < end && strchr(" \t\r\n\f", *k) && *k)
		k++;
	size_t v = 0;
	int nd = 0;
	for (; k < end && *k >= '0' && *k <= '9' && nd < 19; k++, nd++)
		v = v * 10 + (size_t)(*k - '0');
	if (!nd || v >= n)
		return MC_E_INVAL;
	*off = v;
	return 0;
}

/* A key of a page, looked for up the page tree when the page does not
 * have it itself (MediaBox and CropBox are inherited). */
static qpdf_oh inherited(qpdf_data q, qpdf_oh page, const char *name)
{
	qpdf_oh node = page;
	for (int depth = 0; depth < MAX_DEPTH && qpdf_oh_is_dictionary(q, node); depth++) {
		qpdf_oh v = key(q, node, name);
		if (!qpdf_oh_is_null(q, v))
			return v;
		node = key(q, node, "/Parent");
	}
	return qpdf_oh_new_null(q);
}

/* The bottom-left corner of the page as shown: the crop box's, else the
 * media box's (usually 0 0). */
static void page_origin(qpdf_data q, qpdf_oh page, double *x0, double *y0)
{
	*x0 = *y0 = 0;
	qpdf_oh box = inherited(q, page, "/CropBox");
	if (!qpdf_oh_is_array(q, box))
		box = inherited(q, page, "/MediaBox");
	if (!qpdf_oh_is_array(q, box) || qpdf_oh_get_array_n_items(q, box) != 4)
		return;
	double v[4];
	for (int i = 0; i < 4; i++)
		v[i] = num(q, qpdf_oh_get_array_item(q, box, i));
	*x0 = v[0] < v[2] ? v[0] : v[2];
	*y0 = v[1] < v[3] ? v[1] : v[3];
}

/* 1 when a top-level form field is called name. */
static int field_taken(qpdf_data q, qpdf_oh fields, const char *name)
{
	int k = qpdf_oh_is_array(q, fields) ? qpdf_oh_get_array_n_items(q, fields) : 0;
	for (int i = 0; i < k; i++) {
		qpdf_oh t = key(q, qpdf_oh_get_array_item(q, fields, i), "/T");
		if (qpdf_oh_is_string(q, t) && strcmp(qpdf_oh_get_utf8_value(q, t), name) == 0)
			return 1;
	}
	return 0;
}

/* ---- the update ---- */

struct xobj {
	int id, gen;
	size_t off;
};

/* An incremental update being written: the file as qpdf reads it, what
 * the update chains to and the objects written so far (for the
 * cross-reference section). */
struct upd {
	qpdf_data q;
	struct w o;
	struct xobj *x;
	int nx, cap;
	size_t prev; /* the file's last cross-reference section */
	qpdf_oh trailer, root;
	int size;      /* the trailer's /Size: the first free object number */
	int rid, rgen; /* the catalog */
	int npages;
};

/* Open pdf for an update written to out (empty): MC_E_INVAL when it is
 * not a PDF whose cross-reference table can be chained to as it is, or is
 * encrypted.  upd_close in every case. */
static int upd_open(struct upd *u, const void *pdf, size_t n, struct mc_buf *out)
{
	memset(u, 0, sizeof(*u));
	u->o.b = out;
	if (last_startxref(pdf, n, &u->prev))
		return MC_E_INVAL;
	/* no recovery: the update chains to the file's own cross-reference
	 * table, which therefore has to be sound */
	if (!(u->q = open_pdf(pdf, n, 0)))
		return MC_E_INVAL;
	qpdf_data q = u->q;
	if (qpdf_is_encrypted(q))
		return MC_E_INVAL;
	u->trailer = qpdf_get_trailer(q);
	u->root = qpdf_get_root(q);
	qpdf_oh sz = key(q, u->trailer, "/Size");
	long long size = qpdf_oh_is_integer(q, sz) ? qpdf_oh_get_int_value(q, sz) : 0;
	u->rid = qpdf_oh_get_object_id(q, u->root);
	u->rgen = qpdf_oh_get_generation(q, u->root);
	if (size < 1 || size > 8000000 || u->rid < 1 || u->rid >= size || !qpdf_oh_is_dictionary(q, u->root))
		return MC_E_INVAL;
	u->size = (int)size;
	u->npages = qpdf_get_num_pages(q);
	return u->npages < 1 ? MC_E_INVAL : 0;
}

/* Page no (1-based) as an object of the file: MC_E_INVAL when there is no
 * such page, or qpdf had to make it indirect itself (it is not in the
 * file, so the update cannot replace it). */
static int upd_page(struct upd *u, int no, qpdf_oh *page, int *pid, int *pgen)
{
	if (no < 1 || no > u->npages)
		return MC_E_INVAL;
	*page = qpdf_get_page_n(u->q, (size_t)no - 1);
	*pid = qpdf_oh_get_object_id(u->q, *page);
	*pgen = qpdf_oh_get_generation(u->q, *page);
	return *pid < 1 || *pid >= u->size || !qpdf_oh_is_dictionary(u->q, *page) ? MC_E_INVAL : 0;
}

/* The original, untouched, then the update on a line of its own. */
static void upd_start(struct upd *u, const void *pdf, size_t n)
{
	putn(&u->o, pdf, n);
	if (n && ((const char *)pdf)[n - 1] != '\n' && ((const char *)pdf)[n - 1] != '\r')
		put(&u->o, "\n");
}

/* The first error while writing, or of qpdf reading an object on the way
 * (a broken object would otherwise be copied as qpdf made it up). */
static int upd_status(struct upd *u)
{
	int rc = u->o.rc;
	if (!rc && qpdf_has_error(u->q)) {
		(void)qpdf_get_error(u->q);
		rc = MC_E_INVAL;
	}
	return rc;
}

static void upd_close(struct upd *u)
{
	if (u->q)
		qpdf_cleanup(&u->q);
	free(u->x);
	u->x = NULL;
}

static void begin_obj(struct upd *u, int id, int gen)
{
	if (u->nx == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 16;
		u->x = mc_xrealloc(u->x, (size_t)u->cap * sizeof(*u->x));
	}
	u->x[u->nx++] = (struct xobj){id, gen, u->o.b->len};
	put(&u->o, "%d %d obj\n", id, gen);
}

static void put_stream(struct upd *u, const void *data, size_t n)
{
	put(&u->o, " /Length %zu >>\nstream\n", n);
	putn(&u->o, data, n);
	put(&u->o, "\nendstream\nendobj\n");
}

/* An image XObject of 8-bit samples, deflated. */
static int put_image(struct upd *u, int id, const unsigned char *px, int w, int h, int comps, int smask)
{
	size_t n = (size_t)w * (size_t)h * (size_t)comps;
	uLongf zn = compressBound((uLong)n);
	unsigned char *z = mc_xmalloc(zn);
	if (compress2(z, &zn, px, (uLong)n, Z_BEST_COMPRESSION) != Z_OK) {
		free(z);
		return MC_E_INTERNAL;
	}
	begin_obj(u, id, 0);
	put(&u->o,
	    "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /%s /BitsPerComponent 8 /Filter "
	    "/FlateDecode",
	    w, h, comps == 3 ? "DeviceRGB" : "DeviceGray");
	if (smask)
		put(&u->o, " /SMask %d 0 R", smask);
	put_stream(u, z, zn);
	free(z);
	return 0;
}

/* The appearance of a widget or an annotation, w x h points: a form
 * XObject (object form) that stretches the image (object img, its soft
 * mask smask; 0: none) over its box, then the image and the mask.  rgb
 * NULL: an empty appearance. */
static void put_appearance(struct upd *u, int form, int img, int smask, double w, double h, const unsigned char *rgb,
			   const unsigned char *alpha, int img_w, int img_h)
{
	struct mc_buf cs = MC_BUF_INIT(256);
	struct w c = {&cs, 0};
	begin_obj(u, form, 0);
	put(&u->o, "<< /Type /XObject /Subtype /Form /BBox [0 0 ");
	put_num(&u->o, w);
	put(&u->o, " ");
	put_num(&u->o, h);
	put(&u->o, "]");
	if (img) {
		put(&u->o, " /Resources << /XObject << /Im1 %d 0 R >> >>", img);
		put(&c, "q ");
		put_num(&c, w);
		put(&c, " 0 0 ");
		put_num(&c, h);
		put(&c, " 0 0 cm /Im1 Do Q");
	}
	if (c.rc && !u->o.rc)
		u->o.rc = c.rc;
	put_stream(u, cs.data ? cs.data : "", cs.len);
	mc_buf_release(&cs);
	if (img && !u->o.rc)
		u->o.rc = put_image(u, img, rgb, img_w, img_h, 3, smask);
	if (smask && !u->o.rc)
		u->o.rc = put_image(u, smask, alpha, img_w, img_h, 1, 0);
}

/* A rectangle within the largest page, and an image of sane size. */
static int check_rect(double x, double y, double w, double h)
{
	const double v[4] = {x, y, w, h};
	for (int i = 0; i < 4; i++)
		if (!isfinite(v[i]) || fabs(v[i]) > MAX_COORD)
			return MC_E_INVAL;
	return 0;
}

static int check_image(const unsigned char *rgb, const unsigned char *alpha, int w, int h)
{
	if (rgb && (w < 1 || h < 1 || w > MAX_IMG || h > MAX_IMG))
		return MC_E_INVAL;
	return alpha && !rgb ? MC_E_INVAL : 0;
}

static int check_field(const struct mc_pdf_sigfield *f)
{
	if (f->page < 1 || !f->name || check_rect(f->x, f->y, f->w, f->h) || f->w < 0 || f->h < 0 ||
	    check_image(f->rgb, f->alpha, f->img_w, f->img_h))
		return MC_E_INVAL;
	if (f->reserve > MAX_RESERVE)
		return MC_E_INVAL;
	/* /M is written with a four-digit year */
	if (f->signed_at < 0 || f->signed_at > 253402300799LL - MC_VN_OFFSET_MIN * 60)
		return MC_E_INVAL;
	if (f->field) {
		size_t len = strlen(f->field);
		/* a '.' would make it a child of another field (ISO 32000-1 12.7.3.2) */
		if (!len || len > 127 || strchr(f->field, '.'))
			return MC_E_INVAL;
	}
	return 0;
}

/* 1 when more than one page points at the indirect array annots. */
static int annots_shared(qpdf_data q, qpdf_oh annots)
{
	int id = qpdf_oh_get_object_id(q, annots), n = 0;
	int pages = qpdf_get_num_pages(q);
	for (int i = 0; i < pages && n < 2; i++) {
		qpdf_oh a = key(q, qpdf_get_page_n(q, (size_t)i), "/Annots");
		n += qpdf_oh_is_indirect(q, a) && qpdf_oh_get_object_id(q, a) == id;
	}
	return n > 1;
}

/* The page (or its /Annots array) with the annotations ids (n of them,
 * widgets or stamps) added to /Annots.  An object may appear once in an
 * update, so all that a page gains is added in one rewrite. */
static int add_annots(struct upd *u, qpdf_oh page, int pid, int pgen, const int *ids, int n)
{
	qpdf_data q = u->q;
	qpdf_oh annots = key(q, page, "/Annots");
	char *items = array_items(q, annots); /* "" when there is none (or it is not an array) */
	struct mc_buf added = MC_BUF_INIT(SIZE_MAX);
	struct w a = {&added, 0};
	for (int i = 0; i < n; i++)
		put(&a, "%d 0 R ", ids[i]);
	int rc = a.rc;
	if (rc)
		goto done;
	if (qpdf_oh_is_array(q, annots) && qpdf_oh_is_indirect(q, annots) && !annots_shared(q, annots)) {
		/* the page points at the array: the array changes, the page does not
		 * (unless other pages point at it too: then this page gets an array
		 * of its own, and the others keep theirs) */
		begin_obj(u, qpdf_oh_get_object_id(q, annots), qpdf_oh_get_generation(q, annots));
		put(&u->o, "[ %s%s]\nendobj\n", items, mc_buf_str(&added));
		goto done;
	}
	static const char *const drop[] = {"/Annots"};
	char *d = dict_open(q, page, drop, 1);
	if (!d) {
		rc = MC_E_INVAL;
		goto done;
	}
	begin_obj(u, pid, pgen);
	put(&u->o, "%s /Annots [ %s%s] >>\nendobj\n", d, items, mc_buf_str(&added));
	free(d);
done:
	mc_buf_release(&added);
	free(items);
	return rc;
}

/* The catalog (or its /AcroForm dictionary) with the field added to
 * /Fields and /SigFlags 3: the document has signatures, and is changed by
 * appending only. */
static int add_field(struct upd *u, qpdf_oh root, int rid, int rgen, int wid)
{
	qpdf_data q = u->q;
	static const char *const drop_af[] = {"/Fields", "/SigFlags"}, *const drop_root[] = {"/AcroForm"};
	qpdf_oh af = key(q, root, "/AcroForm");
	char *items = NULL, *afd = NULL, *rd = NULL;
	int rc = MC_E_INVAL;
	if (qpdf_oh_is_dictionary(q, af)) {
		/* the existing fields keep their place; an indirect /Fields
		 * array is copied in (nothing else points at it) */
		items = array_items(q, key(q, af, "/Fields"));
		if (!(afd = dict_open(q, af, drop_af, 2)))
			goto done;
		if (qpdf_oh_is_indirect(q, af)) {
			begin_obj(u, qpdf_oh_get_object_id(q, af), qpdf_oh_get_generation(q, af));
			put(&u->o, "%s /Fields [ %s%d 0 R ] /SigFlags 3 >>\nendobj\n", afd, items, wid);
			rc = 0;
			goto done;
		}
	}
	if (!(rd = dict_open(q, root, drop_root, 1)))
		goto done;
	begin_obj(u, rid, rgen);
	put(&u->o, "%s /AcroForm %s /Fields [ %s%d 0 R ] /SigFlags 3 >> >>\nendobj\n", rd, afd ? afd : "<<",
	    items ? items : "", wid);
	rc = 0;
done:
	free(items);
	free(afd);
	free(rd);
	return rc;
}

static int cmp_xobj(const void *a, const void *b)
{
	const struct xobj *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The cross-reference section of the new and changed objects, one
 * subsection per run of consecutive numbers, and the trailer (size: the
 * first object number the update leaves free). */
static void put_xref(struct upd *u, int size)
{
	qpdf_data q = u->q;
	qpdf_oh trailer = u->trailer;
	int rid = u->rid, rgen = u->rgen;
	size_t prev = u->prev;
	size_t at = u->o.b->len;
	qsort(u->x, (size_t)u->nx, sizeof(u->x[0]), cmp_xobj);
	put(&u->o, "xref\n");
	for (int i = 0; i < u->nx;) {
		int j = i + 1;
		while (j < u->nx && u->x[j].id == u->x[j - 1].id + 1)
			j++;
		put(&u->o, "%d %d\n", u->x[i].id, j - i);
		for (; i < j; i++) /* 20 bytes each, the end of line being "\r\n" */
			put(&u->o, "%010zu %05d n\r\n", u->x[i].off, u->x[i].gen);
	}
	put(&u->o, "trailer\n<< /Size %d /Root %d %d R /Prev %zu", size, rid, rgen, prev);
	/* the earlier trailer's other entries carried over (ISO 32000-1
	 * 7.5.6): /Info, the same /ID (it is the same document), and any
	 * other but those of a cross-reference stream */
	static const char *const own[] = {"/Size",  "/Root",   "/Prev",   "/XRefStm",     "/Type",   "/W",
					  "/Index", "/Filter", "/Length", "/DecodeParms", "/Encrypt"};
	qpdf_oh_begin_dict_key_iter(q, trailer);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *k = qpdf_oh_dict_next_key(q);
		int skip = 0;
		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]) && !skip; i++)
			skip = strcmp(k, own[i]) == 0;
		qpdf_oh v = key(q, trailer, k);
		if (!skip && !qpdf_oh_is_null(q, v))
			put(&u->o, " %s %s", k, qpdf_oh_unparse(q, v));
	}
	put(&u->o, " >>\nstartxref\n%zu\n%%%%EOF\n", at);
}

/* The signature dictionary, object sig: its /ByteRange a placeholder at
 * *br (patched once the offsets are known), its /Contents the hex digits
 * between *lt (the '<') and *gt (after the '>'), zeros for reserve bytes. */
static void put_sig_dict(struct upd *u, int sig, const struct mc_pdf_sigfield *f, size_t reserve, size_t *br,
			 size_t *lt, size_t *gt)
{
	begin_obj(u, sig, 0);
	put(&u->o, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ");
	*br = u->o.b->len;
	put(&u->o, "%s /Contents ", BR_HOLDER);
	*lt = u->o.b->len;
	put(&u->o, "<");
	char zeros[256];
	memset(zeros, '0', sizeof(zeros));
	for (size_t left = 2 * reserve; left;) {
		size_t k = left < sizeof(zeros) ? left : sizeof(zeros);
		putn(&u->o, zeros, k);
		left -= k;
	}
	put(&u->o, ">");
	*gt = u->o.b->len;
	put(&u->o, "\n/M ");
	put_date(&u->o, f->signed_at);
	put(&u->o, " /Name ");
	put_text(&u->o, f->name);
	if (f->reason) {
		put(&u->o, " /Reason ");
		put_text(&u->o, f->reason);
	}
	if (f->location) {
		put(&u->o, " /Location ");
		put_text(&u->o, f->location);
	}
	put(&u->o, " >>\nendobj\n");
}

int mc_pdf_sign_prepare(const void *pdf, size_t n, const struct mc_pdf_sigfield *f, struct mc_buf *out, size_t range[4])
{
	if (!pdf || !f || out->len || check_field(f))
		return MC_E_INVAL;
	size_t reserve = f->reserve ? f->reserve : MC_PDF_SIG_RESERVE;
	struct upd u;
	char field[32];
	const char *fname = f->field;
	qpdf_oh page;
	int pid, pgen;
	int rc = upd_open(&u, pdf, n, out);
	if (rc || (rc = upd_page(&u, f->page, &page, &pid, &pgen)) != 0)
		goto done;
	qpdf_data q = u.q;
	rc = MC_E_INVAL;
	qpdf_oh fields = key(q, key(q, u.root, "/AcroForm"), "/Fields");
	if (fname) {
		if (field_taken(q, fields, fname))
			goto done;
	} else {
		for (int i = 1;; i++) {
			snprintf(field, sizeof(field), "Signature%d", i);
			if (!field_taken(q, fields, field))
				break;
		}
		fname = field;
	}
	double ox, oy;
	page_origin(q, page, &ox, &oy);
	int visible = f->w > 0 && f->h > 0;
	int sig = u.size, wid = sig + 1, next = sig + 2;
	int form = visible ? next++ : 0, img = visible && f->rgb ? next++ : 0;
	int smask = img && f->alpha ? next++ : 0;

	upd_start(&u, pdf, n);

	size_t br, lt, gt;
	put_sig_dict(&u, sig, f, reserve, &br, &lt, &gt);

	/* the widget: printed (4) and locked (128), and the field in one */
	begin_obj(&u, wid, 0);
	put(&u.o, "<< /Type /Annot /Subtype /Widget /FT /Sig /T ");
	put_name_string(&u.o, fname);
	put(&u.o, " /V %d 0 R /P %d %d R /Rect [", sig, pid, pgen);
	if (visible) {
		const double r[4] = {ox + f->x, oy + f->y, ox + f->x + f->w, oy + f->y + f->h};
		for (int i = 0; i < 4; i++) {
			put(&u.o, " ");
			put_num(&u.o, r[i]);
		}
		put(&u.o, " ] /F 132 /AP << /N %d 0 R >> >>\nendobj\n", form);
		put_appearance(&u, form, img, smask, f->w, f->h, f->rgb, f->alpha, f->img_w, f->img_h);
	} else {
		put(&u.o, "0 0 0 0] /F 132 >>\nendobj\n");
	}

	if ((rc = add_annots(&u, page, pid, pgen, &wid, 1)) != 0 ||
	    (rc = add_field(&u, u.root, u.rid, u.rgen, wid)) != 0)
		goto done;
	put_xref(&u, next);
	if ((rc = upd_status(&u)) != 0)
		goto done;

	range[0] = 0;
	range[1] = lt;
	range[2] = gt;
	range[3] = out->len - gt;
	char brs[sizeof(BR_HOLDER)];
	int k = snprintf(brs, sizeof(brs), "[0 %zu %zu %zu]", range[1], range[2], range[3]);
	if (k < 0 || (size_t)k >= sizeof(brs)) {
		rc = MC_E_TOO_BIG; /* a file of 10 GB */
		goto done;
	}
	memset(out->data + br, ' ', sizeof(BR_HOLDER) - 1);
	memcpy(out->data + br, brs, (size_t)k);
done:
	if (rc)
		mc_buf_reset(out);
	upd_close(&u);
	return rc;
}

static int check_stamp(const struct mc_pdf_stamp *s)
{
	if (s->page < 1 || check_rect(s->x, s->y, s->w, s->h) || s->w <= 0 || s->h <= 0 || !s->rgb ||
	    check_image(s->rgb, s->alpha, s->img_w, s->img_h))
		return MC_E_INVAL;
	return 0;
}

int mc_pdf_add_stamps(const void *pdf, size_t n, const struct mc_pdf_stamp *s, int count, struct mc_buf *out)
{
	if (!pdf || !s || count < 1 || count > MAX_STAMPS || out->len)
		return MC_E_INVAL;
	for (int i = 0; i < count; i++)
		if (check_stamp(&s[i]))
			return MC_E_INVAL;
	struct upd u;
	int ids[MAX_STAMPS], on_page[MAX_STAMPS];
	int rc = upd_open(&u, pdf, n, out);
	if (rc)
		goto done;
	qpdf_data q = u.q;
	for (int i = 0; i < count; i++) {
		qpdf_oh page;
		int pid, pgen;
		if ((rc = upd_page(&u, s[i].page, &page, &pid, &pgen)) != 0)
			goto done;
	}

	upd_start(&u, pdf, n);
	int next = u.size;
	for (int i = 0; i < count; i++) {
		const struct mc_pdf_stamp *t = &s[i];
		qpdf_oh page;
		int pid, pgen;
		(void)upd_page(&u, t->page, &page, &pid, &pgen); /* checked above */
		double ox, oy;
		page_origin(q, page, &ox, &oy);
		int form, img, smask;
		ids[i] = next++;
		form = next++;
		img = next++;
		smask = t->alpha ? next++ : 0;
		/* a stamp (ISO 32000-1 12.5.6.12) rather than a widget: it is
		 * no form field, and readers show its /Contents as what it says;
		 * printed (4) and locked (128) like the signatures' widgets */
		begin_obj(&u, ids[i], 0);
		put(&u.o, "<< /Type /Annot /Subtype /Stamp /P %d %d R /Rect [", pid, pgen);
		const double r[4] = {ox + t->x, oy + t->y, ox + t->x + t->w, oy + t->y + t->h};
		for (int k = 0; k < 4; k++) {
			put(&u.o, " ");
			put_num(&u.o, r[k]);
		}
		put(&u.o, " ] /F 132");
		if (t->text) {
			put(&u.o, " /Contents ");
			put_text(&u.o, t->text);
		}
		put(&u.o, " /AP << /N %d 0 R >> >>\nendobj\n", form);
		put_appearance(&u, form, img, smask, t->w, t->h, t->rgb, t->alpha, t->img_w, t->img_h);
	}

	/* each page once, with all of its stamps, in the order given */
	for (int i = 0; i < count; i++) {
		int k = 0, seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = s[j].page == s[i].page;
		if (seen)
			continue;
		for (int j = i; j < count; j++)
			if (s[j].page == s[i].page)
				on_page[k++] = ids[j];
		qpdf_oh page;
		int pid, pgen;
		(void)upd_page(&u, s[i].page, &page, &pid, &pgen);
		if ((rc = add_annots(&u, page, pid, pgen, on_page, k)) != 0)
			goto done;
	}
	/* the catalog is not touched: a stamp is no form field */
	put_xref(&u, next);
	rc = upd_status(&u);
done:
	if (rc)
		mc_buf_reset(out);
	upd_close(&u);
	return rc;
}

int mc_pdf_sign_finish(struct mc_buf *out, const size_t range[4], const void *cms, size_t cms_len)
{
	if (range[0] != 0 || range[1] >= range[2] || range[2] > out->len || range[3] != out->len - range[2] ||
	    range[2] - range[1] < 2 || out->data[range[1]] != '<' || out->data[range[2] - 1] != '>')
		return MC_E_INVAL;
	size_t room = (range[2] - range[1] - 2) / 2;
	if (cms_len > room)
		return MC_E_TOO_BIG;
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = cms;
	char *d = out->data + range[1] + 1;
	memset(d, '0', range[2] - range[1] - 2); /* nothing left of an earlier try */
	for (size_t i = 0; i < cms_len; i++) {
		d[2 * i] = hex[p[i] >> 4];
		d[2 * i + 1] = hex[p[i] & 15];
	}
	return 0;
}

/* ---- reading the signatures ---- */

/* s (UTF-8) into dst, cut at a character boundary when it is too long. */
static void copy_utf8(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void text_of(qpdf_data q, qpdf_oh d, const char *k, char *dst, size_t size)
{
	qpdf_oh v = key(q, d, k);
	copy_utf8(dst, size, qpdf_oh_is_string(q, v) ? qpdf_oh_get_utf8_value(q, v) : "");
}

static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return 0;
		*v = *v * 10 + (**p - '0');
	}
	return 1;
}

/* A PDF date "D:YYYYMMDDHHmmSSOHH'mm'" (everything after the year
 * optional) as Unix seconds; 0 when it is not one. */
static int64_t parse_date(const char *s)
{
	if (s[0] == 'D' && s[1] == ':')
		s += 2;
	int v[6] = {0, 1, 1, 0, 0, 0};
	if (!digits(&s, 4, &v[0]))
		return 0;
	for (int i = 1; i < 6 && *s >= '0' && *s <= '9'; i++)
		if (!digits(&s, 2, &v[i]))
			return 0;
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return 0;
	int64_t t = mc_days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
	if (*s == '+' || *s == '-') {
		int sign = *s++ == '+' ? 1 : -1, oh = 0, om = 0;
		if (!digits(&s, 2, &oh))
			return 0;
		if (*s == '\'')
			s++;
		if (*s >= '0' && *s <= '9' && !digits(&s, 2, &om))
			return 0;
		t -= sign * (oh * 3600 + om * 60);
	}
	return t;
}

/* The length of the DER element at p (the CMS without its padding); 0
 * when p does not start with one that fits. */
static size_t der_len(const unsigned char *p, size_t n)
{
	if (n < 2 || p[0] != 0x30)
		return 0;
	size_t len = p[1], hdr = 2;
	if (len & 0x80) {
		size_t k = len & 0x7F;
		if (k < 1 || k > 4 || n < 2 + k)
			return 0;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		hdr += k;
	}
	return len <= n - hdr ? hdr + len : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 1 when p[0..n) is a hex string "<...>" whose bytes are v[0..vn): the
 * gap of the byte range is exactly the /Contents value. */
static int hex_is(const char *p, size_t n, const unsigned char *v, size_t vn)
{
	if (n < 2 || p[0] != '<' || p[n - 1] != '>')
		return 0;
	size_t j = 0;
	int hi = -1;
	for (size_t i = 1; i + 1 < n; i++) {
		int x = hexval((unsigned char)p[i]);
		if (x < 0) {
			if (!strchr(" \t\r\n\f", p[i]) || !p[i])
				return 0;
			continue;
		}
		if (hi < 0) {
			hi = x;
			continue;
		}
		if (j >= vn || v[j] != (hi << 4 | x))
			return 0;
		j++;
		hi = -1;
	}
	if (hi >= 0) /* an odd digit stands for hi0 */
		return j + 1 == vn && v[j] == hi << 4;
	return j == vn;
}

struct sigs {
	qpdf_data q;
	struct mc_pdf_sig *v;
	size_t *key; /* where each signature's /Contents starts: the file order */
	int n, cap;
	int walked;
	int too_many;       /* more signatures than MAX_SIGS */
	int seen[MAX_SIGS]; /* the object numbers of the /V read: one listed twice is read once */
};

/* The 1-based page whose /Annots holds the widget, 0 when none does. */
static int page_of(qpdf_data q, qpdf_oh widget)
{
	int id = qpdf_oh_get_object_id(q, widget);
	qpdf_oh p = key(q, widget, "/P");
	if (qpdf_oh_is_dictionary(q, p)) {
		int i = qpdf_find_page_by_oh(q, p);
		if (i >= 0)
			return i + 1;
		(void)qpdf_get_error(q); /* not a page: look for it */
	}
	int np = qpdf_get_num_pages(q);
	for (int i = 0; id > 0 && i < np; i++) {
		qpdf_oh a = key(q, qpdf_get_page_n(q, (size_t)i), "/Annots");
		int k = qpdf_oh_is_array(q, a) ? qpdf_oh_get_array_n_items(q, a) : 0;
		for (int j = 0; j < k; j++)
			if (qpdf_oh_get_object_id(q, qpdf_oh_get_array_item(q, a, j)) == id)
				return i + 1;
	}
	return 0;
}

static void add_sig(struct sigs *s, const char *pdf, size_t n, qpdf_oh fld, const char *fullname)
{
	qpdf_data q = s->q;
	qpdf_oh v = key(q, fld, "/V");
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = mc_xrealloc(s->v, (size_t)s->cap * sizeof(*s->v));
		s->key = mc_xrealloc(s->key, (size_t)s->cap * sizeof(*s->key));
	}
	struct mc_pdf_sig *g = &s->v[s->n];
	memset(g, 0, sizeof(*g));
	copy_utf8(g->field, sizeof(g->field), fullname);
	qpdf_oh sf = key(q, v, "/SubFilter");
	copy_utf8(g->subfilter, sizeof(g->subfilter), qpdf_oh_is_name(q, sf) ? qpdf_oh_get_name(q, sf) + 1 : "");
	text_of(q, v, "/Name", g->name, sizeof(g->name));
	text_of(q, v, "/Reason", g->reason, sizeof(g->reason));
	char m[64];
	text_of(q, v, "/M", m, sizeof(m));
	g->m = parse_date(m);

	/* the CMS: the /Contents value, its zero padding dropped */
	qpdf_oh c = key(q, v, "/Contents");
	size_t cl = 0;
	const unsigned char *cv =
		qpdf_oh_is_string(q, c) ? (const unsigned char *)qpdf_oh_get_binary_string_value(q, c, &cl) : NULL;
	size_t used = cv ? der_len(cv, cl) : 0;
	if (cv && !used)
		for (used = cl; used && cv[used - 1] == 0; used--)
			;
	g->cms = mc_xmalloc(used ? used : 1);
	if (used)
		memcpy(g->cms, cv, used);
	g->cms_len = used;

	/* the signed bytes; a range that does not fit the file signs nothing
	 * (and so cannot verify) rather than hide the signature */
	qpdf_oh br = key(q, v, "/ByteRange");
	long long r[4] = {-1, -1, -1, -1};
	if (qpdf_oh_is_array(q, br) && qpdf_oh_get_array_n_items(q, br) == 4)
		for (int i = 0; i < 4; i++) {
			qpdf_oh x = qpdf_oh_get_array_item(q, br, i);
			r[i] = qpdf_oh_is_integer(q, x) ? qpdf_oh_get_int_value(q, x) : -1;
		}
	long long ln = (long long)n;
	int ok = r[0] >= 0 && r[1] >= 0 && r[2] >= 0 && r[3] >= 0 && r[0] <= ln && r[1] <= ln - r[0] &&
		 r[0] + r[1] <= r[2] && r[2] <= ln && r[3] <= ln - r[2];
	s->key[s->n] = ok ? (size_t)(r[0] + r[1]) : SIZE_MAX;
	g->signed_bytes = mc_xmalloc(ok && r[1] + r[3] ? (size_t)(r[1] + r[3]) : 1);
	if (ok) {
		memcpy(g->signed_bytes, pdf + r[0], (size_t)r[1]);
		memcpy(g->signed_bytes + r[1], pdf + r[2], (size_t)r[3]);
		g->signed_len = (size_t)(r[1] + r[3]);
		g->whole = r[0] == 0 && r[2] + r[3] == ln &&
			   hex_is(pdf + r[1], (size_t)(r[2] - r[1]), cv ? cv : (const unsigned char *)"", cl);
	}

	/* where it is shown: the field is its widget, or its first kid is */
	qpdf_oh wdg = fld, kids = key(q, fld, "/Kids");
	if (!qpdf_oh_has_key(q, fld, "/Rect") && qpdf_oh_is_array(q, kids) && qpdf_oh_get_array_n_items(q, kids) > 0)
		wdg = qpdf_oh_get_array_item(q, kids, 0);
	qpdf_oh rect = key(q, wdg, "/Rect");
	if (qpdf_oh_is_array(q, rect) && qpdf_oh_get_array_n_items(q, rect) == 4)
		for (int i = 0; i < 4; i++)
			g->rect[i] = num(q, qpdf_oh_get_array_item(q, rect, i));
	g->page = page_of(q, wdg);
	s->n++;
}

/* The fields under node (an array of fields), depth first, as the form
 * lists them; a field's type is inherited from its parents. */
static void walk(struct sigs *s, const char *pdf, size_t n, qpdf_oh list, const char *parent, int sig_type, int depth)
{
	qpdf_data q = s->q;
	int k = qpdf_oh_is_array(q, list) ? qpdf_oh_get_array_n_items(q, list) : 0;
	for (int i = 0; i < k && s->walked < MAX_FIELDS && !s->too_many; i++) {
		qpdf_oh fld = qpdf_oh_get_array_item(q, list, i);
		if (!qpdf_oh_is_dictionary(q, fld))
			continue;
		s->walked++;
		char t[128], full[256];
		text_of(q, fld, "/T", t, sizeof(t));
		if (*parent && *t)
			snprintf(full, sizeof(full), "%s.%s", parent, t);
		else
			snprintf(full, sizeof(full), "%s", *parent ? parent : t);
		qpdf_oh ft = key(q, fld, "/FT");
		int is_sig = qpdf_oh_is_name(q, ft) ? qpdf_oh_is_name_and_equals(q, ft, "/Sig") : sig_type;
		qpdf_oh v = key(q, fld, "/V");
		if (is_sig && qpdf_oh_is_dictionary(q, v)) {
			int vid = qpdf_oh_is_indirect(q, v) ? qpdf_oh_get_object_id(q, v) : 0, dup = 0;
			for (int j = 0; j < s->n && vid; j++)
				dup |= s->seen[j] == vid;
			if (!dup && s->n >= MAX_SIGS)
				s->too_many = 1;
			else if (!dup) {
				s->seen[s->n] = vid;
				add_sig(s, pdf, n, fld, full);
			}
		}
		if (depth < MAX_DEPTH)
			walk(s, pdf, n, key(q, fld, "/Kids"), full, is_sig, depth + 1);
	}
}

int mc_pdf_signatures(const void *pdf, size_t n, struct mc_pdf_sig **out, int *count)
{
	*out = NULL;
	*count = 0;
	if (!pdf)
		return MC_E_INVAL;
	qpdf_data q = open_pdf(pdf, n, 1);
	if (!q)
		return MC_E_INVAL;
	struct sigs s = {.q = q};
	qpdf_oh af = key(q, qpdf_get_root(q), "/AcroForm");
	walk(&s, pdf, n, key(q, af, "/Fields"), "", 0, 0);
	if (qpdf_has_error(q))
		(void)qpdf_get_error(q); /* what could be read is reported */
	qpdf_cleanup(&q);
	if (s.too_many) { /* not read in part: a signature left out could hide a change */
		mc_pdf_signatures_free(s.v, s.n);
		free(s.key);
		return MC_E_TOO_BIG;
	}
	/* file order: a few signatures, insertion sort */
	for (int i = 1; i < s.n; i++)
		for (int j = i; j > 0 && s.key[j - 1] > s.key[j]; j--) {
			struct mc_pdf_sig t = s.v[j];
			size_t kt = s.key[j];
			s.v[j] = s.v[j - 1];
			s.key[j] = s.key[j - 1];
			s.v[j - 1] = t;
			s.key[j - 1] = kt;
		}
	free(s.key);
	*out = s.v;
	*count = s.n;
	return 0;
}

void mc_pdf_signatures_free(struct mc_pdf_sig *s, int count)
{
	for (int i = 0; s && i < count; i++) {
		free(s[i].signed_bytes);
		free(s[i].cms);
	}
	free(s);
}

/* ---- the stamp ---- */

static void rounded_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

int mc_pdf_stamp_image(const char *const *lines, int nlines, unsigned color, double w_pt, double h_pt, double scale,
		       unsigned char **rgb, unsigned char **alpha, int *w, int *h)
{
	*rgb = *alpha = NULL;
	*w = *h = 0;
	if (nlines < 0 || (nlines && !lines) || !isfinite(w_pt) || !isfinite(h_pt) || !isfinite(scale) || w_pt <= 0 ||
	    h_pt <= 0 || scale <= 0 || w_pt * scale > MAX_IMG || h_pt * scale > MAX_IMG)
		return MC_E_INVAL;
	int pw = (int)ceil(w_pt * scale), ph = (int)ceil(h_pt * scale);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, scale, scale);
	cairo_set_source_rgb(cr, ((color >> 16) & 255) / 255.0, ((color >> 8) & 255) / 255.0, (color & 255) / 255.0);

	/* the frame, inside the image so that its line is not cut */
	double lw = 1.2, in = lw / 2 + 0.5, rad = fmin(6, fmin(w_pt, h_pt) / 4);
	rounded_rect(cr, in, in, w_pt - 2 * in, h_pt - 2 * in, rad);
	cairo_set_line_width(cr, lw);
	cairo_stroke(cr);

	/* the lines, as large as they fit (11 pt at most, 4 at least) */
	struct mc_buf text = MC_BUF_INIT(1 << 16);
	int rc = 0;
	for (int i = 0; i < nlines && !rc; i++)
		rc = mc_buf_printf(&text, "%s%s", i ? "\n" : "", lines[i] ? lines[i] : "");
	if (rc) {
		rc = MC_E_INVAL;
		goto done;
	}
	mc__pdf_track_font_map();
	PangoLayout *l = pango_cairo_create_layout(cr);
	pango_layout_set_text(l, mc_buf_str(&text), -1);
	double padx = in + lw + 3, pady = in + lw + 2, aw = w_pt - 2 * padx, ah = h_pt - 2 * pady, tw = 0, th = 0;
	for (double size = 11; size >= 4; size -= 0.25) {
		PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans");
		pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		pango_font_description_free(fd);
		PangoRectangle ink, logical;
		pango_layout_get_extents(l, &ink, &logical);
		tw = (double)logical.width / PANGO_SCALE;
		th = (double)logical.height / PANGO_SCALE;
		if (tw <= aw && th <= ah)
			break;
	}
	cairo_move_to(cr, padx, pady + (ah > th ? (ah - th) / 2 : 0));
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	cairo_surface_flush(s);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		rc = MC_E_INTERNAL;
		goto done;
	}

	/* cairo's pixels are premultiplied 0xAARRGGBB words: back to RGB
	 * and a separate alpha, as a PDF image and its soft mask */
	const unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *c = mc_xmalloc((size_t)pw * (size_t)ph * 3), *a = mc_xmalloc((size_t)pw * (size_t)ph);
	for (int y = 0; y < ph; y++)
		for (int x = 0; x < pw; x++) {
			uint32_t px;
			memcpy(&px, data + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
			const unsigned al = px >> 24, ch[3] = {(px >> 16) & 255, (px >> 8) & 255, px & 255};
			size_t i = (size_t)y * (size_t)pw + (size_t)x;
			a[i] = (unsigned char)al;
			for (int k = 0; k < 3; k++) { /* a transparent pixel takes the ink's colour */
				unsigned v = al ? (ch[k] * 255 + al / 2) / al : (color >> (16 - 8 * k)) & 255;
				c[3 * i + (size_t)k] = (unsigned char)(v > 255 ? 255 : v);
			}
		}
	*rgb = c;
	*alpha = a;
	*w = pw;
	*h = ph;
done:
	mc_buf_release(&text);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}

int mc_pdf_text_image(const char *markup, double size_pt, double w_pt, double h_pt, double scale, unsigned char **rgb,
		      int *w, int *h)
{
	*rgb = NULL;
	*w = *h = 0;
	if (!markup || !isfinite(size_pt) || size_pt <= 0 || size_pt > MAX_TEXT_PT || !isfinite(w_pt) ||
	    !isfinite(h_pt) || !isfinite(scale) || w_pt <= 0 || h_pt <= 0 || scale <= 0 || w_pt * scale > MAX_IMG ||
	    h_pt * scale > MAX_IMG)
		return MC_E_INVAL;
	/* checked first: pango would print a warning and draw nothing */
	if (!pango_parse_markup(markup, -1, 0, NULL, NULL, NULL, NULL))
		return MC_E_INVAL;
	int pw = (int)ceil(w_pt * scale), ph = (int)ceil(h_pt * scale), rc = 0;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, scale, scale);
	/* opaque: the image is put over a blank line of the page, which it
	 * has to hide */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);

	mc__pdf_track_font_map();
	PangoContext *pc = pango_cairo_create_context(cr);
	pango_context_set_language(pc, pango_language_from_string("vi"));
	PangoLayout *l = pango_layout_new(pc);
	g_object_unref(pc);
	pango_layout_set_markup(l, markup, -1);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	/* the size asked for (the page's body type, so that the number looks
	 * printed with the rest), smaller only when the box is too small */
	PangoRectangle logical;
	double min = size_pt < MIN_TEXT_PT ? size_pt : MIN_TEXT_PT;
	for (double size = size_pt;; size -= 0.25) {
		if (size < min)
			size = min;
		PangoFontDescription *fd = pango_font_description_from_string("Liberation Serif, DejaVu Serif");
		pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		pango_font_description_free(fd);
		pango_layout_get_extents(l, NULL, &logical);
		if (size <= min ||
		    ((double)logical.width / PANGO_SCALE <= w_pt && (double)logical.height / PANGO_SCALE <= h_pt))
			break;
	}
	double tw = (double)logical.width / PANGO_SCALE, th = (double)logical.height / PANGO_SCALE;
	cairo_move_to(cr, (w_pt - tw) / 2 - (double)logical.x / PANGO_SCALE,
		      (h_pt - th) / 2 - (double)logical.y / PANGO_SCALE);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	cairo_surface_flush(s);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		rc = MC_E_INTERNAL;
		goto done;
	}

	/* cairo's RGB24 pixels are 0x00RRGGBB words */
	const unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *c = mc_xmalloc((size_t)pw * (size_t)ph * 3);
	for (int y = 0; y < ph; y++)
		for (int x = 0; x < pw; x++) {
			uint32_t px;
			memcpy(&px, data + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
			unsigned char *o = c + ((size_t)y * (size_t)pw + (size_t)x) * 3;
			o[0] = (unsigned char)(px >> 16);
			o[1] = (unsigned char)(px >> 8);
			o[2] = (unsigned char)px;
		}
	*rgb = c;
	*w = pw;
	*h = ph;
done:
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}

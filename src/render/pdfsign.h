/*
 * pdfsign.h - PAdES signatures in PDF files (ETSI EN 319 142-1, baseline
 * B-B / B-T), written as incremental updates.
 *
 * Signing never rewrites what is already there: the original bytes are
 * kept as they are and an update is appended (ISO 32000-1 7.5.6) that adds
 * a signature field with its widget on a page, the signature dictionary
 * (/SubFilter /ETSI.CAdES.detached) and, for a visible signature, the
 * appearance (an image, e.g. mc_pdf_stamp_image's).  A document signed by
 * an official and then sealed by the organisation therefore carries two
 * signatures that both stay valid: each covers the file as it was when it
 * was signed.
 *
 * The render layer knows no cryptography: signing is done in three steps,
 * the CMS in the middle made by the caller (src/crypto/cms.h):
 *
 *	mc_pdf_sign_prepare(pdf, n, &field, &out, range);
 *	concatenate out[range0 .. range0+range1) and out[range2 .. range2+range3);
 *	mc_cms_sign(those bytes, ..., MC_CMS_PADES, &der);
 *	mc_pdf_sign_finish(&out, range, der.data, der.len);
 *
 * mc_pdf_signatures reads them back: for each signature the bytes it
 * covers and its CMS, to give to mc_cms_verify.
 *
 * mc_pdf_add_stamps adds images as stamp annotations in an update of their
 * own, e.g. the number and date the clerical officer gives a document the
 * leader signed with them left blank, before the organisation seals it.
 *
 * The update is a classic cross-reference section chained by /Prev to the
 * file's last one (which may be a cross-reference stream).  Encrypted PDFs
 * and files whose cross-reference table qpdf would have to reconstruct are
 * refused.  Page rotation is not taken into account: the rectangle is in
 * the unrotated page space.
 */
#ifndef MC_PDFSIGN_H
#define MC_PDFSIGN_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

#define MC_PDF_SIG_RESERVE 16384 /* bytes of CMS DER a placeholder holds by default */

/* The signature field to add. */
struct mc_pdf_sigfield {
	const char *field;    /* the field name /T, e.g. "Signature1": unique in the file, no '.', at most 127
				 bytes; NULL: the next free "SignatureN" */
	int page;             /* 1-based page of the widget */
	double x, y, w, h;    /* widget rectangle in points from the page's bottom-left; w == 0 or h == 0: an
				 invisible signature (/Rect [0 0 0 0], no appearance) */
	const char *name;     /* /Name: the signer, UTF-8 (required) */
	const char *reason;   /* /Reason, UTF-8, may be NULL */
	const char *location; /* /Location, UTF-8, may be NULL */
	int64_t signed_at;    /* /M, Unix seconds, written in Vietnam time: D:YYYYMMDDHHmmSS+07'00' */
	/* the appearance of a visible signature: an image of 8-bit RGB rows
	 * (img_w * 3 bytes each) and an optional 8-bit alpha mask (img_w bytes
	 * a row), stretched to fill the rectangle; rgb NULL: an empty
	 * appearance */
	const unsigned char *rgb, *alpha;
	int img_w, img_h;
	size_t reserve; /* bytes reserved for the CMS DER in /Contents; 0: MC_PDF_SIG_RESERVE */
};

/*
 * Append to out (which must be empty) the PDF pdf (n bytes) followed by an
 * incremental update adding the signature field f: a widget annotation on
 * its page (in the page's /Annots and the catalog's /AcroForm /Fields,
 * /SigFlags 3) whose value is a signature dictionary /Type /Sig /Filter
 * /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached with /ByteRange,
 * /Contents <00...> (2 * reserve hex digits), /M, /Name, /Reason and
 * /Location (text as UTF-16BE with a byte order mark).
 *
 * range gets the /ByteRange: the bytes to sign are out[range0 ..
 * range0+range1) followed by out[range2 .. range2+range3), i.e. the whole
 * output but the hex string of /Contents.
 *
 * MC_E_INVAL when out is not empty, pdf is not a PDF qpdf reads (or is
 * encrypted), the page does not exist, the field name is taken or
 * malformed, or the image is inconsistent; MC_E_TOO_BIG when out's limit
 * is passed.  On error out is left empty.
 */
int mc_pdf_sign_prepare(const void *pdf, size_t n, const struct mc_pdf_sigfield *f, struct mc_buf *out,
			size_t range[4]);

/*
 * Write the CMS DER into the placeholder of a prepared output (hex, the
 * rest of the placeholder stays zeros).  MC_E_TOO_BIG when it does not fit
 * in the reserve, MC_E_INVAL when out and range do not belong together.
 */
int mc_pdf_sign_finish(struct mc_buf *out, const size_t range[4], const void *cms, size_t cms_len);

/* A signature found in a PDF. */
struct mc_pdf_sig {
	unsigned char *signed_bytes; /* the /ByteRange's bytes, concatenated (malloc'd) */
	size_t signed_len;
	unsigned char *cms; /* /Contents without the zero padding (malloc'd) */
	size_t cms_len;
	char subfilter[64]; /* e.g. "ETSI.CAdES.detached", without the slash */
	char field[128];    /* the field's fully qualified name, UTF-8 */
	char name[256];     /* /Name, UTF-8 ("" when absent) */
	char reason[256];   /* /Reason, UTF-8 ("" when absent) */
	int64_t m;          /* /M as Unix seconds, 0 when absent or unreadable */
	int whole;          /* the range covers the whole file but the /Contents string */
	int page;           /* 1-based page of the widget, 0 when unknown */
	double rect[4];     /* the widget's /Rect */
};

/*
 * The signatures of a PDF: every field with /FT /Sig and a /V dictionary
 * with a usable /ByteRange, in file order (the order they were signed in).
 * *out is malloc'd (NULL when there is none).  MC_E_INVAL when pdf is not
 * a PDF qpdf reads; 0 with *count 0 when it is not signed; MC_E_TOO_BIG
 * for more than 8 signatures (each copies the bytes it covers: an upload
 * listing thousands would take gigabytes).
 */
int mc_pdf_signatures(const void *pdf, size_t n, struct mc_pdf_sig **out, int *count);
void mc_pdf_signatures_free(struct mc_pdf_sig *s, int count);

/*
 * A stamp for a visible signature: lines of UTF-8 text (e.g. "Ký bởi:
 * Nguyễn Văn A", "Sở Tư pháp", "Thời gian: 07/12/2026 09:15:00 +07:00")
 * drawn with pango in a rounded frame, in colour 0xRRGGBB on a transparent
 * background, w_pt x h_pt points at scale pixels per point (3 gives a
 * sharp print).  The text is made smaller until every line fits.  *rgb
 * (3 bytes a pixel) and *alpha (1 byte a pixel) are malloc'd, *w and *h
 * their size in pixels.  MC_E_INVAL for sizes out of range (at most
 * 4096 x 4096 pixels), MC_E_INTERNAL when cairo fails.
 */
int mc_pdf_stamp_image(const char *const *lines, int nlines, unsigned color, double w_pt, double h_pt, double scale,
		       unsigned char **rgb, unsigned char **alpha, int *w, int *h);

/*
 * An image shown over a rectangle of a page, as a /Stamp annotation
 * (printed, locked: /F 132, with /AP /N a form XObject drawing the image;
 * /Contents may carry alt text).  E.g. the number and the date a clerical
 * officer gives a document the leader has already signed, over the blank
 * number and date lines (mc_pdf_document_marked, pdf.h, says where).
 */
struct mc_pdf_stamp {
	int page;                         /* 1-based */
	double x, y, w, h;                /* PDF points from the page's bottom-left (same convention as
					     mc_pdf_sigfield); w, h > 0 */
	const unsigned char *rgb, *alpha; /* 8-bit RGB rows and an optional alpha mask, as in mc_pdf_sigfield;
					     alpha may be NULL: opaque */
	int img_w, img_h;
	const char *text; /* /Contents: the stamp's words for readers and search (UTF-8), may be NULL */
};

/*
 * Append pdf (n bytes) and an incremental update that adds the count
 * stamps (1 to 64; several may be on one page: the page's /Annots gains
 * all of them in one rewrite) to out; nothing else changes, so earlier
 * signatures stay valid: they cover the file as it was, and one without
 * /DocMDP forbids no later change (a reader may still list the stamps as
 * changes made after signing).  The catalog is not rewritten: a stamp is
 * no form field.
 *
 * MC_E_INVAL when out is not empty, pdf is not a PDF qpdf reads (or is
 * encrypted), a page does not exist, a rectangle is empty or out of
 * range, or an image is missing or of a bad size; MC_E_TOO_BIG when out's
 * limit is passed.  On error out is left empty.
 */
int mc_pdf_add_stamps(const void *pdf, size_t n, const struct mc_pdf_stamp *s, int count, struct mc_buf *out);

/*
 * A line (or lines) of pango markup as an image: "Liberation Serif,
 * DejaVu Serif" at size_pt (made smaller until it fits, down to 6 pt, or
 * to size_pt when that is smaller), centred horizontally and
 * vertically, black on an OPAQUE white background (it covers the blank
 * line it is put over), w_pt x h_pt points at scale pixels per point.
 * *rgb malloc'd, 3 bytes a pixel, *w and *h its size in pixels.
 * MC_E_INVAL for malformed markup or sizes out of range (size_pt above
 * 200, more than 4096 x 4096 pixels), MC_E_INTERNAL when cairo fails.
 */
int mc_pdf_text_image(const char *markup, double size_pt, double w_pt, double h_pt, double scale, unsigned char **rgb,
		      int *w, int *h);

#endif

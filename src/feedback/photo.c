/*
 * photo.c - a citizen's photo made safe to keep and show.  The bytes are
 * decoded by libjpeg-turbo or libpng (chosen by the bytes, never by a name
 * or a declared type), their size in pixels checked before any pixel is
 * decoded, and the pixels encoded again: what comes out holds no metadata
 * (camera, owner, time, location); a JPEG is first turned upright as its
 * EXIF orientation says.  With the author's consent the GPS point of a
 * JPEG's EXIF (libexif) is read and written back alone.
 */
#include "feedback.h"

#include <jpeglib.h>
#include <libexif/exif-data.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define JPEG_QUALITY 85

/* libjpeg reports a fatal error by a jump back here; a warning (a
 * truncated or corrupt stream it would patch with grey) is counted. */
struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf back;
};

static void jerr_exit(j_common_ptr cinfo)
{
	longjmp(((struct jerr *)cinfo->err)->back, 1);
}

static void jerr_quiet(j_common_ptr cinfo)
{
	(void)cinfo;
}

static int side_ok(unsigned w, unsigned h)
{
	unsigned lo = w < h ? w : h, hi = w < h ? h : w;
	return lo >= MC_FEEDBACK_PHOTO_MIN && hi <= MC_FEEDBACK_PHOTO_SIDE;
}

/* Decode a JPEG into RGB rows (*px malloc'd). */
static int jpeg_decode(const void *in, size_t n, unsigned char **px, int *w, int *h)
{
	struct jpeg_decompress_struct d;
	struct jerr err;
	unsigned char *volatile buf = NULL;
	volatile int rc = MC_E_MEDIA_TYPE;
	d.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = jerr_exit;
	err.pub.output_message = jerr_quiet;
	jpeg_create_decompress(&d);
	if (setjmp(err.back))
		goto out;
	jpeg_mem_src(&d, in, (unsigned long)n);
	if (jpeg_read_header(&d, TRUE) != JPEG_HEADER_OK)
		goto out;
	if (!side_ok(d.image_width, d.image_height)) {
		rc = MC_E_VALIDATION;
		goto out;
	}
	d.out_color_space = JCS_RGB;
	jpeg_start_decompress(&d);
	size_t stride = (size_t)d.output_width * 3;
	buf = malloc(stride * d.output_height);
	if (!buf) {
		rc = MC_E_NOMEM;
		goto out;
	}
	while (d.output_scanline < d.output_height) {
		JSAMPROW row = buf + stride * d.output_scanline;
		jpeg_read_scanlines(&d, &row, 1);
	}
	jpeg_finish_decompress(&d);
	if (err.pub.num_warnings == 0) {
		*w = (int)d.output_width;
		*h = (int)d.output_height;
		*px = buf;
		buf = NULL;
		rc = 0;
	}
out:
	jpeg_destroy_decompress(&d);
	free(buf);
	return rc;
}

/* Encode RGB rows as a JPEG with no marker but the JFIF header and, when
 * given, an EXIF block (app1, n1 bytes). */
static int jpeg_encode(const unsigned char *px, int w, int h, const unsigned char *app1, unsigned n1,
		       struct mc_feedback_photo *out)
{
	struct jpeg_compress_struct c;
	struct jerr err;
	unsigned long size = 0;
	volatile int rc = MC_E_INTERNAL;
	c.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = jerr_exit;
	err.pub.output_message = jerr_quiet;
	jpeg_create_compress(&c);
	if (setjmp(err.back))
		goto out;
	unsigned char *m = NULL;
	jpeg_mem_dest(&c, &m, &size);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, JPEG_QUALITY, TRUE);
	jpeg_start_compress(&c, TRUE);
	if (app1)
		jpeg_write_marker(&c, JPEG_APP0 + 1, app1, n1);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(px + (size_t)c.next_scanline * (size_t)w * 3);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	out->data = m;
	out->n = size;
	rc = 0;
out:
	jpeg_destroy_compress(&c);
	return rc;
}

/* ---- the EXIF GPS point ---- */

/* Degrees, minutes, seconds of an entry as microdegrees. */
static int dms(ExifEntry *e, ExifByteOrder o, int64_t *v)
{
	if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components < 3 || e->size < 24)
		return -1;
	double deg = 0, unit = 1;
	for (int i = 0; i < 3; i++, unit *= 60) {
		ExifRational r = exif_get_rational(e->data + 8 * i, o);
		if (r.denominator == 0)
			return -1;
		deg += (double)r.numerator / r.denominator / unit;
	}
	*v = (int64_t)(deg * 1e6 + 0.5);
	return 0;
}

static int negative(ExifEntry *ref, char neg)
{
	return ref && ref->format == EXIF_FORMAT_ASCII && ref->size >= 1 && ref->data[0] == neg;
}

int mc_feedback_exif_point(const void *in, size_t n, int64_t *lat_e6, int64_t *lon_e6)
{
	ExifData *d = exif_data_new_from_data(in, (unsigned int)n);
	int rc = MC_E_NOT_FOUND;
	if (!d)
		return rc;
	ExifContent *g = d->ifd[EXIF_IFD_GPS];
	ExifByteOrder o = exif_data_get_byte_order(d);
	int64_t la, lo;
	if (g && dms(exif_content_get_entry(g, EXIF_TAG_GPS_LATITUDE), o, &la) == 0 &&
	    dms(exif_content_get_entry(g, EXIF_TAG_GPS_LONGITUDE), o, &lo) == 0) {
		*lat_e6 = negative(exif_content_get_entry(g, EXIF_TAG_GPS_LATITUDE_REF), 'S') ? -la : la;
		*lon_e6 = negative(exif_content_get_entry(g, EXIF_TAG_GPS_LONGITUDE_REF), 'W') ? -lo : lo;
		rc = 0;
	}
	exif_data_unref(d);
	return rc;
}

/* One entry of the GPS directory: comps values of fmt from bytes. */
static void gps_put(ExifData *d, ExifTag tag, ExifFormat fmt, unsigned long comps, const unsigned char *bytes)
{
	ExifMem *mem = exif_mem_new_default();
	ExifEntry *e = exif_entry_new_mem(mem);
	size_t sz = (size_t)exif_format_get_size(fmt) * comps;
	e->data = exif_mem_alloc(mem, (ExifLong)sz);
	if (e->data) {
		memcpy(e->data, bytes, sz);
		e->size = (unsigned int)sz;
		e->tag = tag;
		e->components = comps;
		e->format = fmt;
		exif_content_add_entry(d->ifd[EXIF_IFD_GPS], e);
	}
	exif_entry_unref(e);
	exif_mem_unref(mem);
}

static void gps_coord(ExifData *d, ExifTag tag, ExifTag ref, int64_t v, char pos, char neg)
{
	unsigned char r[24], a[2] = {(unsigned char)(v < 0 ? neg : pos), 0};
	int64_t u = v < 0 ? -v : v;
	ExifRational parts[3] = {{(ExifLong)(u / 1000000), 1},
				 {(ExifLong)(u % 1000000 * 60 / 1000000), 1},
				 {(ExifLong)((u % 1000000 * 60) % 1000000 * 60), 1000000}};
	for (int i = 0; i < 3; i++)
		exif_set_rational(r + 8 * i, EXIF_BYTE_ORDER_MOTOROLA, parts[i]);
	gps_put(d, ref, EXIF_FORMAT_ASCII, 2, a);
	gps_put(d, tag, EXIF_FORMAT_RATIONAL, 3, r);
}

/* An EXIF block holding the point alone (*buf malloc'd by libexif's
 * default allocator: free). */
static int exif_point_block(int64_t lat, int64_t lon, unsigned char **buf, unsigned *n)
{
	ExifData *d = exif_data_new();
	if (!d)
		return MC_E_NOMEM;
	exif_data_set_byte_order(d, EXIF_BYTE_ORDER_MOTOROLA);
	gps_coord(d, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, lat, 'N', 'S');
	gps_coord(d, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, lon, 'E', 'W');
	*buf = NULL;
	*n = 0;
	exif_data_save_data(d, buf, n);
	exif_data_unref(d);
	return *buf ? 0 : MC_E_NOMEM;
}

/* The EXIF orientation of a JPEG (1-8; 1 when none): how the camera
 * held it, which the encoded copy cannot say any more. */
static int orientation(const void *in, size_t n)
{
	ExifData *d = exif_data_new_from_data(in, (unsigned int)n);
	int o = 1;
	if (!d)
		return o;
	ExifEntry *e = d->ifd[EXIF_IFD_0] ? exif_content_get_entry(d->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION) : NULL;
	if (e && e->format == EXIF_FORMAT_SHORT && e->size >= 2) {
		o = exif_get_short(e->data, exif_data_get_byte_order(d));
		o = o >= 1 && o <= 8 ? o : 1;
	}
	exif_data_unref(d);
	return o;
}

/* Turn RGB pixels (w x h) upright as orientation o says (EXIF 2-8: the
 * mirrors and quarter turns); *px replaced, *w and *h swapped for 5-8. */
static int upright(unsigned char **px, int *w, int *h, int o)
{
	if (o == 1)
		return 0;
	int sw = *w, sh = *h, dw = o >= 5 ? sh : sw, dh = o >= 5 ? sw : sh;
	unsigned char *to = malloc((size_t)dw * (size_t)dh * 3);
	if (!to)
		return MC_E_NOMEM;
	for (int y = 0; y < dh; y++)
		for (int x = 0; x < dw; x++) {
			int sx = x, sy = y;
			switch (o) {
			case 2:
				sx = sw - 1 - x;
				break;
			case 3:
				sx = sw - 1 - x, sy = sh - 1 - y;
				break;
			case 4:
				sy = sh - 1 - y;
				break;
			case 5:
				sx = y, sy = x;
				break;
			case 6:
				sx = y, sy = sh - 1 - x;
				break;
			case 7:
				sx = sw - 1 - y, sy = sh - 1 - x;
				break;
			default:
				sx = sw - 1 - y, sy = x;
				break;
			}
			memcpy(to + ((size_t)y * (size_t)dw + (size_t)x) * 3,
			       *px + ((size_t)sy * (size_t)sw + (size_t)sx) * 3, 3);
		}
	free(*px);
	*px = to;
	*w = dw;
	*h = dh;
	return 0;
}

static int clean_jpeg(const void *in, size_t n, int keep_location, struct mc_feedback_photo *out)
{
	unsigned char *px = NULL, *app1 = NULL;
	unsigned n1 = 0;
	int rc = jpeg_decode(in, n, &px, &out->width, &out->height);
	if (!rc)
		rc = upright(&px, &out->width, &out->height, orientation(in, n));
	if (rc) {
		free(px);
		return rc;
	}
	if (keep_location && mc_feedback_exif_point(in, n, &out->lat_e6, &out->lon_e6) == 0) {
		out->has_point = 1;
		rc = exif_point_block(out->lat_e6, out->lon_e6, &app1, &n1);
	}
	if (!rc)
		rc = jpeg_encode(px, out->width, out->height, app1, n1, out);
	out->mime = "image/jpeg";
	free(app1);
	free(px);
	return rc;
}

static int clean_png(const void *in, size_t n, struct mc_feedback_photo *out)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, in, n))
		return MC_E_MEDIA_TYPE;
	int rc = MC_E_MEDIA_TYPE;
	unsigned char *px = NULL;
	if (!side_ok(img.width, img.height)) {
		png_image_free(&img);
		return MC_E_VALIDATION;
	}
	img.format = PNG_FORMAT_RGBA;
	px = malloc(PNG_IMAGE_SIZE(img));
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL))
		goto out;
	png_alloc_size_t size = 0;
	if (!png_image_write_to_memory(&img, NULL, &size, 0, px, 0, NULL) || !(out->data = malloc(size)) ||
	    !png_image_write_to_memory(&img, out->data, &size, 0, px, 0, NULL))
		goto out;
	out->n = size;
	out->width = (int)img.width;
	out->height = (int)img.height;
	out->mime = "image/png";
	rc = 0;
out:
	png_image_free(&img);
	free(px);
	return rc;
}

int mc_feedback_photo_clean(const void *in, size_t n, int keep_location, struct mc_feedback_photo *out)
{
	static const unsigned char jpeg_sig[] = {0xFF, 0xD8, 0xFF}, png_sig[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A};
	memset(out, 0, sizeof(*out));
	if (n > MC_FEEDBACK_PHOTO_BYTES)
		return MC_E_TOO_BIG;
	int rc = MC_E_MEDIA_TYPE;
	if (n > sizeof(jpeg_sig) && memcmp(in, jpeg_sig, sizeof(jpeg_sig)) == 0)
		rc = clean_jpeg(in, n, keep_location, out);
	else if (n > sizeof(png_sig) && memcmp(in, png_sig, sizeof(png_sig)) == 0)
		rc = clean_png(in, n, out);
	if (rc)
		mc_feedback_photo_release(out);
	return rc;
}

void mc_feedback_photo_release(struct mc_feedback_photo *p)
{
	free(p->data);
	p->data = NULL;
	p->n = 0;
}

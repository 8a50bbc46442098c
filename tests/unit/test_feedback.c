/*
 * test_feedback.c - the feedback domain's pure parts: personal data masked
 * in what the public reads (mobile and landline numbers as people write
 * them, +84, 12-digit ID numbers, e-mail addresses) while amounts, dates,
 * house numbers and short codes stay; and photos checked by their content:
 * a PNG decoded and encoded again (its text chunk gone), bytes that only
 * start like an image refused, the size and pixel limits.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "feedback/feedback.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

static struct mc_arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = mc_arena_new(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_arena_free(arena);
	return 0;
}

static void masked(const char *in, const char *want)
{
	const char *out = mc_feedback_mask(arena, in);
	if (strcmp(out, want) != 0)
		fail_msg("mask(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static void masks_personal_data(void **state)
{
	(void)state;
	masked("gọi 0903123456 nhé", "gọi *** nhé");
	masked("gọi 0903 123 456.", "gọi ***.");
	masked("SĐT: 0903.123.456, hoặc +84 903 123 456", "SĐT: ***, hoặc ***");
	masked("máy bàn 028-3829-1234", "máy bàn ***");
	masked("CCCD 079185176822 cấp 2021", "CCCD *** cấp 2021");
	masked("thư hoa.le+pa@gmail.com.", "thư ***.");
	masked("(lan@x.vn)", "(***)");
	/* what is not personal data stays */
	masked("phạt 1.000.000.000 đồng", "phạt 1.000.000.000 đồng");
	masked("ngày 07/12/2026 lúc 15:30", "ngày 07/12/2026 lúc 15:30");
	masked("số nhà 123/45 đường 3/2", "số nhà 123/45 đường 3/2");
	masked("mã PA261207-K3M9QX", "mã PA261207-K3M9QX");
	masked("a@b", "a@b");
	masked("", "");
}

/* A w x h RGB PNG with a text chunk (*n bytes, malloc'd). */
static unsigned char *make_png(int w, int h, size_t *n)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)w;
	img.height = (png_uint_32)h;
	img.format = PNG_FORMAT_RGB;
	unsigned char *px = calloc((size_t)w * (size_t)h, 3);
	for (int i = 0; i < w * h * 3; i++)
		px[i] = (unsigned char)(i * 7);
	png_alloc_size_t size = 0;
	assert_true(png_image_write_to_memory(&img, NULL, &size, 0, px, 0, NULL));
	/* room for a tEXt chunk put in before IEND */
	static const unsigned char text[] = {0,   0, 0,   14,  't', 'E', 'X', 't', 'A', 'u',  't',  'h',  'o',
					     'r', 0, 'L', 'e', ' ', 'H', 'o', 'a', 0,   0xC0, 0xFF, 0xEE, 0x00};
	unsigned char *out = malloc(size + sizeof(text));
	assert_true(png_image_write_to_memory(&img, out, &size, 0, px, 0, NULL));
	memmove(out + size - 12 + sizeof(text), out + size - 12, 12);
	memcpy(out + size - 12, text, sizeof(text));
	free(px);
	*n = size + sizeof(text);
	return out;
}

static void photos_by_content(void **state)
{
	(void)state;
	struct mc_feedback_photo p;
	size_t n;
	unsigned char *png = make_png(40, 30, &n);
	assert_non_null(memmem(png, n, "Author", 6));
	/* a PNG whatever the CRC of an ancillary chunk: decoded and encoded
	 * again, its text gone (libpng skips a bad ancillary chunk) */
	assert_int_equal(mc_feedback_photo_clean(png, n, 1, &p), 0);
	assert_string_equal(p.mime, "image/png");
	assert_int_equal(p.width, 40);
	assert_int_equal(p.height, 30);
	assert_false(p.has_point);
	assert_null(memmem(p.data, p.n, "Author", 6));
	mc_feedback_photo_release(&p);
	/* truncated: refused */
	assert_int_equal(mc_feedback_photo_clean(png, n / 2, 0, &p), MC_E_MEDIA_TYPE);
	free(png);
	/* bytes that start like an image and are not one */
	assert_int_equal(mc_feedback_photo_clean("\xFF\xD8\xFF\xE0 not a JPEG", 15, 0, &p), MC_E_MEDIA_TYPE);
	assert_int_equal(mc_feedback_photo_clean("%PDF-1.7", 8, 0, &p), MC_E_MEDIA_TYPE);
	assert_int_equal(mc_feedback_photo_clean("", 0, 0, &p), MC_E_MEDIA_TYPE);
	/* too many bytes, too few pixels */
	assert_int_equal(mc_feedback_photo_clean("x", MC_FEEDBACK_PHOTO_BYTES + 1, 0, &p), MC_E_TOO_BIG);
	png = make_png(8, 100, &n);
	assert_int_equal(mc_feedback_photo_clean(png, n, 0, &p), MC_E_VALIDATION);
	free(png);
	assert_int_equal(mc_feedback_exif_point("\xFF\xD8\xFF\xD9", 4, &(int64_t){0}, &(int64_t){0}), MC_E_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(masks_personal_data),
		cmocka_unit_test(photos_by_content),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

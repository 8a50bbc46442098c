/*
 * test_text.c - Unicode text: Vietnamese search keys (diacritics, đ, case,
 * punctuation and white space folded), NFC of decomposed input, and the
 * UTF-8 validity check (invalid and overlong sequences, surrogates, control
 * characters, length limit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/text.h"

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

static void assert_key(const char *in, const char *want)
{
	const char *k = mc_text_search_key(arena, in);
	if (!k)
		fail_msg("no search key for \"%s\"", in);
	if (strcmp(k, want) != 0)
		fail_msg("search key of \"%s\" is \"%s\", want \"%s\"", in, k, want);
	char *d = mc_text_search_key_dup(in);
	assert_non_null(d);
	assert_string_equal(d, want);
	free(d);
}

static void search_keys_vietnamese(void **state)
{
	(void)state;
	assert_key("Xác nhận tình trạng hôn nhân", "xac nhan tinh trang hon nhan");
	assert_key("xac nhan tinh trang hon nhan", "xac nhan tinh trang hon nhan");
	assert_string_equal(mc_text_search_key(arena, "Xác nhận tình trạng hôn nhân"),
			    mc_text_search_key(arena, "XAC NHAN TINH TRANG HON NHAN"));
	assert_key("ĐĂNG KÝ KHAI SINH", "dang ky khai sinh");
	assert_key("Đăng ký khai sinh", "dang ky khai sinh");
	assert_key("đường Điện Biên Phủ", "duong dien bien phu");
	/* every tone on every vowel, both cases */
	assert_key("àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ ùúủũụ ừứửữự ỳýỷỹỵ",
		   "aaaaa aaaaa aaaaa eeeee eeeee iiiii ooooo ooooo ooooo uuuuu uuuuu yyyyy");
	assert_key("ÀÁẢÃẠ ĂÂ ÊÔƠƯ Ỹ", "aaaaa aa eoou y");
	assert_key("Phường Bến Thành, Thành phố Hồ Chí Minh", "phuong ben thanh thanh pho ho chi minh");
	/* decomposed input gives the same key as precomposed */
	assert_key("Xa\xcc\x81"
		   "c nha\xcc\xa3\xcc\x82"
		   "n",
		   "xac nhan");
	/* digits stay */
	assert_key("Quận 1, Phường 12", "quan 1 phuong 12");
}

static void search_keys_folding(void **state)
{
	(void)state;
	assert_key("", "");
	assert_key("   ", "");
	assert_key("  Hộ   tịch  ", "ho tich");
	assert_key("\tkhai\n\nsinh\r\n", "khai sinh");
	assert_key("hồ-sơ/đất,đai;(2025)", "ho so dat dai 2025");
	assert_key("!!!", "");
	assert_key("a -- , -- b", "a b");
	assert_key("«Giấy phép» – “xây dựng”", "giay phep xay dung");
	/* non-breaking and ideographic spaces fold like spaces */
	assert_key("hồ\xc2\xa0sơ\xe3\x80\x80x", "ho so x");
	/* keys of invalid UTF-8 are refused */
	assert_null(mc_text_search_key(arena, "ab\xff"));
	assert_null(mc_text_search_key_dup("\xc3"));
}

static void nfc(void **state)
{
	(void)state;
	assert_string_equal(mc_text_nfc(arena, "a\xcc\x81"), "á");
	assert_string_equal(mc_text_nfc(arena, "a\xcc\x81"), "\xc3\xa1");
	/* two marks: a + dot below + circumflex -> ậ (U+1EAD) */
	assert_string_equal(mc_text_nfc(arena, "a\xcc\xa3\xcc\x82"), "ậ");
	assert_string_equal(mc_text_nfc(arena, "a\xcc\x82\xcc\xa3"), "ậ");
	/* the decomposed form of a full phrase */
	assert_string_equal(mc_text_nfc(arena, "Vie\xcc\xa3\xcc\x82t Nam"), "Việt Nam");
	/* already NFC, ASCII and empty input pass unchanged */
	assert_string_equal(mc_text_nfc(arena, "Việt Nam"), "Việt Nam");
	assert_string_equal(mc_text_nfc(arena, "plain"), "plain");
	assert_string_equal(mc_text_nfc(arena, ""), "");
	/* đ has no decomposition and stays */
	assert_string_equal(mc_text_nfc(arena, "Đà Nẵng"), "Đà Nẵng");
	/* NFC is not NFKC: compatibility characters stay */
	assert_string_equal(mc_text_nfc(arena, "\xef\xac\x81"), "\xef\xac\x81");
	/* invalid UTF-8 */
	assert_null(mc_text_nfc(arena, "\xff"));
	assert_null(mc_text_nfc(arena, "abc\xc3"));
	assert_null(mc_text_nfc(arena, "\xc0\xaf"));
}

static void valid_text(void **state)
{
	(void)state;
	assert_true(mc_text_valid("", 0));
	assert_true(mc_text_valid("Xin chào", 100));
	assert_true(mc_text_valid("Xác nhận tình trạng hôn nhân", 100));
	assert_true(mc_text_valid("line 1\nline 2\tcol", 100));
	assert_true(mc_text_valid("出生 😀", 100));
	/* four-byte maximum: U+10FFFF */
	assert_true(mc_text_valid("\xf4\x8f\xbf\xbf", 4));
}

static void invalid_text(void **state)
{
	(void)state;
	/* broken sequences */
	assert_false(mc_text_valid("\xff", 100));
	assert_false(mc_text_valid("\xfe", 100));
	assert_false(mc_text_valid("\x80", 100));         /* lone continuation */
	assert_false(mc_text_valid("ab\xc3", 100));       /* truncated at the end */
	assert_false(mc_text_valid("\xc3(", 100));        /* bad continuation */
	assert_false(mc_text_valid("\xe1\xba", 100));     /* truncated 3-byte */
	assert_false(mc_text_valid("\xf0\x9f\x98", 100)); /* truncated 4-byte */
	/* overlong encodings */
	assert_false(mc_text_valid("\xc0\xaf", 100)); /* '/' in 2 bytes */
	assert_false(mc_text_valid("\xc1\xbf", 100));
	assert_false(mc_text_valid("\xe0\x80\xaf", 100));     /* '/' in 3 bytes */
	assert_false(mc_text_valid("\xf0\x80\x80\xaf", 100)); /* '/' in 4 bytes */
	assert_false(mc_text_valid("\xe0\x9f\xbf", 100));     /* U+07FF in 3 bytes */
	/* UTF-16 surrogates and code points past U+10FFFF */
	assert_false(mc_text_valid("\xed\xa0\x80", 100));
	assert_false(mc_text_valid("\xed\xbf\xbf", 100));
	assert_false(mc_text_valid("\xf4\x90\x80\x80", 100));
	assert_false(mc_text_valid("\xf8\x88\x80\x80\x80", 100));
	/* control characters */
	assert_false(mc_text_valid("a\x01z", 100));
	assert_false(mc_text_valid("\x1b[31m", 100));
	assert_false(mc_text_valid("a\x7f", 100));
	assert_false(mc_text_valid("\x08", 100));
	assert_false(mc_text_valid("\x0b\x0c", 100));
}

static void length_limit(void **state)
{
	(void)state;
	/* the limit counts bytes, not characters */
	assert_true(mc_text_valid("abcde", 5));
	assert_false(mc_text_valid("abcdef", 5));
	assert_true(mc_text_valid("ệ", 3)); /* 3 bytes */
	assert_false(mc_text_valid("ệ", 2));
	assert_false(mc_text_valid("a", 0));
	char big[5001];
	memset(big, 'x', 5000);
	big[5000] = '\0';
	assert_true(mc_text_valid(big, 5000));
	assert_false(mc_text_valid(big, 4999));
}

/* The limits people are told about count characters (code points). */
static void character_counts(void **state)
{
	(void)state;
	assert_int_equal(mc_text_chars(""), 0);
	assert_int_equal(mc_text_chars("abc"), 3);
	assert_int_equal(mc_text_chars("Nguyễn"), 6);            /* 8 bytes */
	assert_int_equal(mc_text_chars("e\xcc\x82\xcc\x81"), 3); /* e + two combining marks, decomposed */
	assert_int_equal(mc_text_chars("😀"), 1);
	assert_int_equal(mc_text_chars("ab\xc3"), -1);
	assert_int_equal(mc_text_chars("\xed\xa0\x80"), -1);
	/* 200 Vietnamese letters (600 bytes) fit "at most 200 characters" */
	char v[700] = "";
	for (int i = 0; i < 200; i++)
		memcpy(v + 3 * i, "ạ", 3);
	assert_true(mc_text_valid_chars(v, 200));
	assert_false(mc_text_valid_chars(v, 199));
	assert_false(mc_text_valid_chars("a\x01", 10));
	assert_false(mc_text_valid_chars("\xff", 10));
}

/* Names as the citizen ID card writes them. */
static void person_names(void **state)
{
	(void)state;
	static const char *const good[] = {
		"Nguyễn Văn An", "ĐẶNG THỊ ÁNH",           "Đặng Thị Ánh-Nguyệt", "H'Hen Niê", "Ksor H\u2019Bia",
		"Lê Văn T.",     "Nguye\xcc\x82\xcc\x83n", "Ông Ích Khiêm",       "Y"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!mc_text_person_name(good[i]))
			fail_msg("refused \"%s\"", good[i]);
	static const char *const bad[] = {"",
					  " ",
					  "-",
					  "' . -",
					  "Nguyễn Văn 3",
					  "An😀",
					  "Lê_Văn",
					  "Lê@Văn",
					  "<b>",
					  "An\tBình",
					  "\xcc\x81"
					  "An",
					  "Lê, Văn",
					  "Trần (Bình)",
					  "An\xff",
					  "１２"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mc_text_person_name(bad[i]))
			fail_msg("took \"%s\"", bad[i]);
}

/* Agencies' abbreviations in document symbols (15/QĐ-UBND, 12/UBND-VX). */
static void abbreviations(void **state)
{
	(void)state;
	static const char *const good[] = {"UBND", "STP", "SGDĐT", "VHXH", "KT&HT", "QLĐT2", "Sở", "SGDD\xcc\x83T"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!mc_text_abbreviation(good[i], 20))
			fail_msg("refused \"%s\"", good[i]);
	static const char *const bad[] = {"",
					  "123",
					  "U B",
					  "UBND-VX",
					  "UBND/",
					  "A.B",
					  "UB😀",
					  "\xcc\x81"
					  "A",
					  "U\tB",
					  "An\xff",
					  "ABCDEFGHIJKLMNOPQRSTU"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mc_text_abbreviation(bad[i], 20))
			fail_msg("took \"%s\"", bad[i]);
	assert_true(mc_text_abbreviation("ABCDEFGHIJKLMNOPQRST", 20));
	assert_false(mc_text_abbreviation("ABC", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_keys_vietnamese),
		cmocka_unit_test(character_counts),
		cmocka_unit_test(person_names),
		cmocka_unit_test(abbreviations),
		cmocka_unit_test(search_keys_folding),
		cmocka_unit_test(nfc),
		cmocka_unit_test(valid_text),
		cmocka_unit_test(invalid_text),
		cmocka_unit_test(length_limit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

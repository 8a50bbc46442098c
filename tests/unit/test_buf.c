/*
 * test_buf.c - the bounded buffer: growth, NUL termination, the hard limit
 * (a refused append leaves the contents as they were), printf, JSON string
 * escaping, reset and detach.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

static void empty_buffer(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(100);
	assert_string_equal(mc_buf_str(&b), "");
	assert_int_equal(b.len, 0);
	/* adding nothing still yields a valid, terminated string */
	assert_int_equal(mc_buf_add(&b, "", 0), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	mc_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void growth_and_termination(void **state)
{
	(void)state;
	struct mc_buf b;
	mc_buf_init(&b, 1u << 20);
	char expect[10001];
	for (int i = 0; i < 10000; i++) {
		char c = (char)('a' + i % 26);
		expect[i] = c;
		assert_int_equal(mc_buf_addc(&b, c), 0);
		assert_int_equal(b.len, (size_t)i + 1);
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
	}
	expect[10000] = '\0';
	assert_string_equal(mc_buf_str(&b), expect);
	assert_int_equal(strlen(b.data), 10000);

	/* binary data with NULs: len counts them, a terminator still follows */
	mc_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(mc_buf_str(&b), "");
	assert_int_equal(mc_buf_add(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	mc_buf_release(&b);
}

static void adds_appends(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(1000);
	assert_int_equal(mc_buf_adds(&b, "Một "), 0);
	assert_int_equal(mc_buf_adds(&b, "cửa"), 0);
	assert_string_equal(mc_buf_str(&b), "Một cửa");
	assert_int_equal(b.len, strlen("Một cửa"));
	mc_buf_release(&b);
}

static void limit_exact_and_past(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(10);
	assert_int_equal(mc_buf_adds(&b, "01234"), 0);
	/* past the limit by one: refused, unchanged */
	assert_int_equal(mc_buf_adds(&b, "abcdef"), MC_E_TOO_BIG);
	assert_int_equal(b.len, 5);
	assert_string_equal(mc_buf_str(&b), "01234");
	/* exactly at the limit: accepted */
	assert_int_equal(mc_buf_adds(&b, "abcde"), 0);
	assert_int_equal(b.len, 10);
	assert_string_equal(mc_buf_str(&b), "01234abcde");
	/* full: one more byte is refused, nothing is fine */
	assert_int_equal(mc_buf_addc(&b, 'x'), MC_E_TOO_BIG);
	assert_int_equal(mc_buf_add(&b, "x", 0), 0);
	assert_int_equal(mc_buf_printf(&b, "%d", 1), MC_E_TOO_BIG);
	assert_int_equal(mc_buf_add_json_str(&b, "y"), MC_E_TOO_BIG);
	assert_string_equal(mc_buf_str(&b), "01234abcde");
	assert_int_equal(b.len, 10);
	/* a size that would wrap around is refused, not wrapped */
	assert_int_equal(mc_buf_add(&b, "x", SIZE_MAX), MC_E_TOO_BIG);
	assert_int_equal(b.len, 10);
	mc_buf_release(&b);

	/* a single append bigger than the limit into an empty buffer */
	struct mc_buf e = MC_BUF_INIT(4);
	assert_int_equal(mc_buf_adds(&e, "12345"), MC_E_TOO_BIG);
	assert_int_equal(e.len, 0);
	assert_string_equal(mc_buf_str(&e), "");
	assert_int_equal(mc_buf_adds(&e, "1234"), 0);
	assert_string_equal(mc_buf_str(&e), "1234");
	mc_buf_release(&e);

	/* a limit of zero allows only the empty string */
	struct mc_buf z = MC_BUF_INIT(0);
	assert_int_equal(mc_buf_addc(&z, 'a'), MC_E_TOO_BIG);
	assert_int_equal(mc_buf_add(&z, "", 0), 0);
	assert_string_equal(mc_buf_str(&z), "");
	mc_buf_release(&z);
}

static void large_limit(void **state)
{
	(void)state;
	/* "no practical limit": the capacity must not wrap when limit + 1 overflows */
	struct mc_buf b = MC_BUF_INIT(SIZE_MAX);
	for (int i = 0; i < 100; i++)
		assert_int_equal(mc_buf_adds(&b, "0123456789"), 0);
	assert_int_equal(b.len, 1000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[999], '9');
	mc_buf_release(&b);
}

static void printf_appends(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(64);
	assert_int_equal(mc_buf_adds(&b, "n="), 0);
	assert_int_equal(mc_buf_printf(&b, "%d;%s;%03u", -42, "hồ sơ", 7u), 0);
	assert_string_equal(mc_buf_str(&b), "n=-42;hồ sơ;007");
	assert_int_equal(b.len, strlen("n=-42;hồ sơ;007"));
	size_t before = b.len;
	/* a formatted string that does not fit: refused, unchanged */
	assert_int_equal(mc_buf_printf(&b, "%100s", "x"), MC_E_TOO_BIG);
	assert_int_equal(b.len, before);
	assert_string_equal(mc_buf_str(&b), "n=-42;hồ sơ;007");
	/* one that exactly fills the buffer */
	assert_int_equal(mc_buf_printf(&b, "%*s", (int)(64 - before), "z"), 0);
	assert_int_equal(b.len, 64);
	assert_int_equal(b.data[63], 'z');
	assert_int_equal(b.data[64], '\0');
	mc_buf_release(&b);

	/* printf growing a buffer many times */
	struct mc_buf g = MC_BUF_INIT(1u << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(mc_buf_printf(&g, "%04d,", i), 0);
	assert_int_equal(g.len, 5000);
	assert_memory_equal(g.data + 4995, "0999,", 6);
	mc_buf_release(&g);
}

/* JSON-escape s into a fresh buffer and compare. */
static void assert_json(const char *in, const char *want)
{
	struct mc_buf b = MC_BUF_INIT(4096);
	assert_int_equal(mc_buf_add_json_str(&b, in), 0);
	assert_string_equal(mc_buf_str(&b), want);
	mc_buf_release(&b);
}

static void json_escaping(void **state)
{
	(void)state;
	assert_json("", "");
	assert_json("plain text", "plain text");
	assert_json("say \"hi\"", "say \\\"hi\\\"");
	assert_json("C:\\dir\\f", "C:\\\\dir\\\\f");
	assert_json("a\nb\rc\td", "a\\nb\\rc\\td");
	assert_json("\x01", "\\u0001");
	assert_json("\x08\x0c", "\\u0008\\u000c");
	assert_json("x\x1fy", "x\\u001fy");
	/* </script> and DEL need no escaping in JSON; slash is left alone */
	assert_json("a/b\x7f", "a/b\x7f");
	/* UTF-8 passes through byte for byte */
	assert_json("Đăng ký khai sinh – 出生", "Đăng ký khai sinh – 出生");
	assert_json("😀\"", "😀\\\"");

	/* appends after existing content */
	struct mc_buf b = MC_BUF_INIT(100);
	mc_buf_adds(&b, "{\"k\":\"");
	assert_int_equal(mc_buf_add_json_str(&b, "v\"1"), 0);
	mc_buf_adds(&b, "\"}");
	assert_string_equal(mc_buf_str(&b), "{\"k\":\"v\\\"1\"}");
	mc_buf_release(&b);
}

static void json_escaping_respects_limit(void **state)
{
	(void)state;
	/* 6 bytes of room, the escaped form of "ab\"cde" needs 7 */
	struct mc_buf b = MC_BUF_INIT(8);
	assert_int_equal(mc_buf_adds(&b, "[\""), 0);
	assert_int_equal(mc_buf_add_json_str(&b, "ab\"cde"), MC_E_TOO_BIG);
	/* like every other append: refused as a whole, content unchanged */
	assert_int_equal(b.len, 2);
	assert_string_equal(mc_buf_str(&b), "[\"");
	/* a control character whose \u escape does not fit */
	assert_int_equal(mc_buf_add_json_str(&b, "a\x01"), MC_E_TOO_BIG);
	assert_string_equal(mc_buf_str(&b), "[\"");
	/* what fits exactly is accepted */
	assert_int_equal(mc_buf_add_json_str(&b, "a\\\""), 0);
	assert_string_equal(mc_buf_str(&b), "[\"a\\\\\\\"");
	assert_int_equal(b.len, 7);
	mc_buf_release(&b);
}

static void detach(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(100);
	mc_buf_adds(&b, "hello");
	size_t len = 0;
	char *d = mc_buf_detach(&b, &len);
	assert_string_equal(d, "hello");
	assert_int_equal(len, 5);
	/* the buffer is empty and independent of d */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(mc_buf_str(&b), "");
	assert_int_equal(b.limit, 100);
	assert_int_equal(mc_buf_adds(&b, "again"), 0);
	assert_string_equal(mc_buf_str(&b), "again");
	assert_string_equal(d, "hello");
	free(d);
	mc_buf_release(&b);

	/* detaching an unused buffer gives an owned empty string */
	struct mc_buf e = MC_BUF_INIT(10);
	char *s = mc_buf_detach(&e, NULL);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void reset_keeps_memory(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT(1000);
	mc_buf_adds(&b, "some content that needs memory");
	char *data = b.data;
	size_t cap = b.cap;
	mc_buf_reset(&b);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(b.len, 0);
	assert_string_equal(mc_buf_str(&b), "");
	/* after a reset the whole limit is available again */
	char big[1001];
	memset(big, 'q', 1000);
	big[1000] = '\0';
	assert_int_equal(mc_buf_adds(&b, big), 0);
	assert_int_equal(b.len, 1000);
	mc_buf_release(&b);
	/* reset of a never-used buffer is harmless */
	struct mc_buf e = MC_BUF_INIT(10);
	mc_buf_reset(&e);
	assert_string_equal(mc_buf_str(&e), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_buffer),  cmocka_unit_test(growth_and_termination),
		cmocka_unit_test(adds_appends),  cmocka_unit_test(limit_exact_and_past),
		cmocka_unit_test(large_limit),   cmocka_unit_test(printf_appends),
		cmocka_unit_test(json_escaping), cmocka_unit_test(json_escaping_respects_limit),
		cmocka_unit_test(detach),        cmocka_unit_test(reset_keeps_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

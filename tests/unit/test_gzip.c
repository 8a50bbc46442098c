/*
 * test_gzip.c - src/core/gzip.c: what is packed unpacks to the same bytes
 * (Vietnamese text, empty, larger than one chunk); a cut-short or foreign
 * input is refused; the output buffer's limit holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/gzip.h"

#include <stdio.h>
#include <string.h>

static void round_trip(const char *text, size_t n)
{
	struct mc_buf gz = MC_BUF_INIT(1 << 22), back = MC_BUF_INIT(1 << 22);
	assert_int_equal(mc_gzip(&gz, text, n), 0);
	/* gzip framing: magic bytes, deflate */
	assert_true(gz.len >= 18);
	assert_int_equal((unsigned char)gz.data[0], 0x1f);
	assert_int_equal((unsigned char)gz.data[1], 0x8b);
	assert_int_equal(gz.data[2], 8);
	assert_int_equal(mc_gunzip(&back, gz.data, gz.len), 0);
	assert_int_equal(back.len, n);
	if (n)
		assert_memory_equal(back.data, text, n);
	mc_buf_release(&gz);
	mc_buf_release(&back);
}

static void packs_and_unpacks(void **state)
{
	(void)state;
	const char *t =
		"{\"code\":\"000.00.31.H29-260105-0001\",\"status\":\"in_progress\",\"name\":\"Cấp bản sao trích "
		"lục hộ tịch\",\"steps\":[{\"name\":\"Tiếp nhận hồ sơ\"},{\"name\":\"Thẩm định, xử lý\"}]}";
	round_trip(t, strlen(t));
	round_trip("", 0);
	/* more than a chunk in and out, and more than the window */
	static char big[200000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)("Hồ sơ một cửa "[i % 17] ^ (char)(i / 7919));
	round_trip(big, sizeof(big));
}

static void smaller_for_json(void **state)
{
	(void)state;
	char text[2400];
	size_t n = 0;
	while (n + 120 < sizeof(text))
		n += (size_t)snprintf(
			text + n, sizeof(text) - n,
			"{\"seq\":%zu,\"name\":\"Thẩm định, xử lý\",\"role\":\"specialist\",\"unit\":{\"id\":24}},",
			n % 9);
	struct mc_buf gz = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_gzip(&gz, text, n), 0);
	assert_true(gz.len < n / 3);
	mc_buf_release(&gz);
}

static void refuses_bad_input(void **state)
{
	(void)state;
	const char *t = "Phiếu kiểm soát quá trình giải quyết hồ sơ, Phiếu kiểm soát quá trình giải quyết hồ sơ";
	struct mc_buf gz = MC_BUF_INIT(1 << 20), back = MC_BUF_INIT(1 << 20);
	assert_int_equal(mc_gzip(&gz, t, strlen(t)), 0);
	/* cut short */
	assert_int_equal(mc_gunzip(&back, gz.data, gz.len - 9), MC_E_VALIDATION);
	mc_buf_reset(&back);
	/* not gzip at all */
	assert_int_equal(mc_gunzip(&back, t, strlen(t)), MC_E_VALIDATION);
	mc_buf_reset(&back);
	/* a damaged checksum */
	gz.data[gz.len - 6] ^= 0x55;
	assert_int_equal(mc_gunzip(&back, gz.data, gz.len), MC_E_VALIDATION);
	mc_buf_release(&back);
	gz.data[gz.len - 6] ^= 0x55;
	/* the output's limit */
	struct mc_buf small = MC_BUF_INIT(10);
	assert_int_equal(mc_gunzip(&small, gz.data, gz.len), MC_E_TOO_BIG);
	mc_buf_release(&small);
	struct mc_buf tiny = MC_BUF_INIT(8);
	assert_int_equal(mc_gzip(&tiny, t, strlen(t)), MC_E_TOO_BIG);
	mc_buf_release(&tiny);
	mc_buf_release(&gz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packs_and_unpacks),
		cmocka_unit_test(smaller_for_json),
		cmocka_unit_test(refuses_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_mail.c - the e-mails the notification worker writes (src/http/mail.c)
 * and the templates it fills (src/notify/template.c):
 *   - the headers: a Vietnamese subject and name in RFC 2047 encoded words of
 *     at most 75 characters, cut between whole characters, that decode back
 *     to the text; plain ASCII left as it is; the body in base64 lines of 76
 *     that decode back with CRLF line ends; the date in Vietnam's time;
 *   - an address that would smuggle a header in (CR, LF, <, >) refused;
 *   - placeholders: strings, integers, times written "HH:MM dd/mm/yyyy", an
 *     unknown one left empty, SMS values without diacritics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "crypto/crypto.h"
#include "http/mail.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *header(const char *msg, const char *name, char *out, size_t n)
{
	const char *p = strstr(msg, name);
	assert_non_null(p);
	p += strlen(name);
	size_t k = 0;
	while (*p && k + 1 < n) { /* unfold: CRLF followed by a space continues */
		if (p[0] == '\r' && p[1] == '\n' && p[2] != ' ')
			break;
		if (p[0] == '\r' && p[1] == '\n') {
			p += 2;
			continue;
		}
		out[k++] = *p++;
	}
	out[k] = '\0';
	return out;
}

/* The text of a run of encoded words ("=?UTF-8?B?...?= =?UTF-8?B?...?=" ). */
static void decode_words(const char *h, char *out, size_t n)
{
	struct mc_buf b;
	mc_buf_init(&b, 4096);
	for (const char *p = h; (p = strstr(p, "=?UTF-8?B?"));) {
		p += 10;
		const char *e = strstr(p, "?=");
		assert_non_null(e);
		assert_int_equal(mc_base64_decode(p, (size_t)(e - p), &b), 0);
		p = e + 2;
	}
	snprintf(out, n, "%.*s", (int)b.len, b.data ? b.data : "");
	mc_buf_release(&b);
}

static void vietnamese_headers(void **state)
{
	(void)state;
	const char *subject =
		"Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ 000.01.31.H29-261207-0001 (Đăng ký kết hôn)";
	struct mc_mail m = {"khong-tra-loi@motcua.vn",
			    "Cổng dịch vụ công",
			    "hong.le@example.vn",
			    "Lê Thị Hồng",
			    subject,
			    "Kính gửi Lê Thị Hồng,\n\nDòng hai.\n",
			    "<7.3@motcua>"};
	struct mc_buf out;
	mc_buf_init(&out, 1 << 20);
	/* 2026-12-07 10:05:00 UTC = 17:05 in Vietnam, a Monday */
	assert_int_equal(mc_mail_format(&m, 1796637900000LL, &out), 0);
	const char *msg = mc_buf_str(&out);
	char h[1024], text[1024];
	assert_string_equal(header(msg, "Date: ", h, sizeof(h)), "Mon, 07 Dec 2026 17:05:00 +0700");
	header(msg, "Subject: ", h, sizeof(h));
	decode_words(h, text, sizeof(text));
	assert_string_equal(text, subject);
	/* each encoded word at most 75 characters, each a whole UTF-8 text */
	const char *sub = strstr(msg, "Subject: ");
	const char *end = strstr(sub, "\r\nMessage-ID");
	for (const char *p = sub; p < end && (p = strstr(p, "=?UTF-8?B?")) && p < end;) {
		const char *e = strstr(p + 10, "?=");
		assert_true(e + 2 - p <= 75);
		char one[200];
		snprintf(one, sizeof(one), "%.*s", (int)(e + 2 - p), p);
		decode_words(one, text, sizeof(text));
		assert_true(((unsigned char)text[0] & 0xc0) != 0x80); /* not cut inside a character */
		p = e + 2;
	}
	header(msg, "To: ", h, sizeof(h));
	assert_non_null(strstr(h, "<hong.le@example.vn>"));
	decode_words(h, text, sizeof(text));
	assert_string_equal(text, "Lê Thị Hồng");
	assert_non_null(strstr(msg, "\r\nMessage-ID: <7.3@motcua>\r\n"));
	assert_non_null(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
	/* no 8-bit byte anywhere: headers encoded, body in base64 */
	for (const char *p = msg; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	const char *body = strstr(msg, "\r\n\r\n") + 4;
	struct mc_buf plain;
	mc_buf_init(&plain, 4096);
	assert_int_equal(mc_base64_decode(body, strlen(body), &plain), 0);
	assert_int_equal(plain.len, strlen("Kính gửi Lê Thị Hồng,\r\n\r\nDòng hai.\r\n"));
	assert_memory_equal(plain.data, "Kính gửi Lê Thị Hồng,\r\n\r\nDòng hai.\r\n", plain.len);
	mc_buf_release(&plain);
	/* plain ASCII stays plain */
	mc_buf_reset(&out);
	m.subject = "Reminder";
	assert_int_equal(mc_mail_format(&m, 1796637900000LL, &out), 0);
	assert_non_null(strstr(mc_buf_str(&out), "\r\nSubject: Reminder\r\n"));
	mc_buf_release(&out);
}

static void header_injection(void **state)
{
	(void)state;
	static const char *const bad[] = {"a@b.vn\r\nBcc: x@y.vn", "a b@c.vn", "<a@b.vn>", "nobody", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_mail m = {"from@motcua.vn", "", bad[i], "X", "S", "T\n", "<1.1@motcua>"};
		struct mc_buf out;
		mc_buf_init(&out, 1 << 16);
		assert_int_equal(mc_mail_format(&m, 0, &out), MC_E_INVAL);
		mc_buf_release(&out);
	}
	/* a name with a line break is encoded, not written as it is */
	struct mc_mail m = {"from@motcua.vn", "", "a@b.vn", "X\r\nBcc: y@z.vn", "S\r\nBcc: y@z.vn", "T\n", "<1@m>"};
	struct mc_buf out;
	mc_buf_init(&out, 1 << 16);
	assert_int_equal(mc_mail_format(&m, 0, &out), 0);
	assert_null(strstr(mc_buf_str(&out), "\r\nBcc:"));
	mc_buf_release(&out);
}

static void placeholders(void **state)
{
	(void)state;
	char err[300];
	assert_int_equal(mc_notify_templates_load(getenv("MC_SHARE"), err, sizeof(err)), 0);
	json_t *v = json_pack("{s:s, s:s, s:s, s:s}", "recipient", "Lê Thị Hồng", "code", "000.01.31.H29-261207-0001",
			      "appointment", "2026-12-10T16:30:00+07:00", "link", "https://x.vn/tra-cuu?ma=1");
	char *s = mc_notify_render("vi", "received.subject", v, 0);
	assert_string_equal(s, "Hồ sơ 000.01.31.H29-261207-0001 đã được tiếp nhận");
	free(s);
	s = mc_notify_render("vi", "received.sms", v, 1);
	assert_string_equal(s, "Ho so 000.01.31.H29-261207-0001 da duoc tiep nhan, hen tra ket qua 16:30 10/12/2026. "
			       "Tra cuu: https://x.vn/tra-cuu?ma=1");
	free(s);
	s = mc_notify_render("en", "received.text", v, 0);
	assert_non_null(strstr(s, "Dear Lê Thị Hồng,"));
	assert_non_null(strstr(s, "due on 16:30 10/12/2026."));
	assert_null(strstr(s, "{procedure}")); /* unknown: left empty */
	assert_non_null(strstr(s, "() has been received"));
	free(s);
	assert_null(mc_notify_render("vi", "no_such_event.subject", v, 0));
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vietnamese_headers),
		cmocka_unit_test(header_injection),
		cmocka_unit_test(placeholders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

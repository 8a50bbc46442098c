/* mail.c - e-mail over SMTP with libcurl, SMS through an HTTP gateway
 * (see mail.h). */
#include "mail.h"

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* RFC 2047 encoded words of s (base64), each at most 75 characters and
 * cut between whole UTF-8 characters, folded on new lines; plain ASCII
 * without specials is written as it is. */
static int encoded_words(struct mc_buf *b, const char *s)
{
	int plain = 1;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x7f || *p < 0x20 || strchr("\"=?_()<>@,;:\\[]", *p))
			plain = 0;
	if (plain)
		return mc_buf_adds(b, s);
	size_t n = strlen(s), at = 0;
	int rc = 0;
	while (at < n && !rc) {
		size_t k = n - at > 45 ? 45 : n - at; /* 45 bytes: 60 of base64, 72 with the marks */
		while (at + k < n && ((unsigned char)s[at + k] & 0xc0) == 0x80)
			k--; /* not inside a character */
		char *w = mc_base64_encode(s + at, k);
		rc = mc_buf_printf(b, "%s=?UTF-8?B?%s?=", at ? "\r\n " : "", w);
		free(w);
		at += k;
	}
	return rc;
}

static int address(struct mc_buf *b, const char *name, const char *addr)
{
	int rc = 0;
	if (name && *name) {
		rc = encoded_words(b, name);
		rc = rc ? rc : mc_buf_adds(b, " ");
	}
	return rc ? rc : mc_buf_printf(b, "<%s>", addr);
}

/* RFC 5322 date in Vietnam's time: "Mon, 07 Dec 2026 17:05:00 +0700". */
static void mail_date(int64_t ms, char out[40])
{
	static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t local = ms + (int64_t)MC_VN_OFFSET_MIN * 60000, day = local / MC_DAY_MS;
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	int64_t s = (local % MC_DAY_MS) / 1000;
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0700", wd[day % 7], d, mo[m - 1], y, (int)(s / 3600),
		 (int)(s / 60 % 60), (int)(s % 60));
}

/* An address as it may stand between < and > (no header can be smuggled
 * in with it): printable ASCII, no space, no <, > or quote. */
static int address_ok(const char *a)
{
	if (!a || !*a || strlen(a) > 254 || !strchr(a, '@'))
		return 0;
	for (const char *p = a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>\"\\,;", *p))
			return 0;
	return 1;
}

int mc_mail_format(const struct mc_mail *m, int64_t ms, struct mc_buf *out)
{
	if (!address_ok(m->from_addr) || !address_ok(m->to_addr))
		return MC_E_INVAL;
	char date[40];
	mail_date(ms, date);
	int rc = mc_buf_printf(out, "Date: %s\r\nFrom: ", date);
	rc = rc ? rc : address(out, m->from_name, m->from_addr);
	rc = rc ? rc : mc_buf_adds(out, "\r\nTo: ");
	rc = rc ? rc : address(out, m->to_name, m->to_addr);
	rc = rc ? rc : mc_buf_adds(out, "\r\nSubject: ");
	rc = rc ? rc : encoded_words(out, m->subject);
	rc = rc ? rc
		: mc_buf_printf(out,
				"\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
				"Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
				m->message_id);
	/* the text with CRLF line ends, in base64 lines of 76 */
	struct mc_buf crlf;
	mc_buf_init(&crlf, 1 << 20);
	for (const char *p = m->text; *p && !rc; p++)
		rc = *p == '\n' ? mc_buf_adds(&crlf, "\r\n") : mc_buf_addc(&crlf, *p);
	size_t n = 0;
	char *raw = rc ? NULL : mc_buf_detach(&crlf, &n);
	char *b64 = raw ? mc_base64_encode(raw, n) : NULL;
	for (size_t i = 0, len = b64 ? strlen(b64) : 0; i < len && !rc; i += 76)
		rc = mc_buf_printf(out, "%.*s\r\n", (int)(len - i > 76 ? 76 : len - i), b64 + i);
	free(raw);
	free(b64);
	mc_buf_release(&crlf);
	return rc;
}

struct mc_smtp {
	CURL *h;
	char url[256];
};

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct reader *r = ud;
	size_t n = size * nmemb < r->left ? size * nmemb : r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

struct mc_smtp *mc_smtp_open(const char *url, const char *user, const char *password)
{
	mc_http_client_init();
	struct mc_smtp *s = mc_xmalloc(sizeof(*s));
	snprintf(s->url, sizeof(s->url), "%s", url);
	s->h = curl_easy_init();
	if (!s->h) {
		free(s);
		return NULL;
	}
	curl_easy_setopt(s->h, CURLOPT_URL, s->url);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(s->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_READFUNCTION, read_cb);
	if (user && *user) {
		curl_easy_setopt(s->h, CURLOPT_USERNAME, user);
		curl_easy_setopt(s->h, CURLOPT_PASSWORD, password ? password : "");
	}
	return s;
}

enum mc_send_result mc_smtp_send(struct mc_smtp *s, const struct mc_mail *m, char *err, size_t errlen)
{
	struct mc_buf msg;
	mc_buf_init(&msg, 2 << 20);
	err[0] = '\0';
	int bad = mc_mail_format(m, mc_time_now_ms(), &msg);
	if (bad) {
		mc_buf_release(&msg);
		snprintf(err, errlen, "%s", bad == MC_E_INVAL ? "not an e-mail address" : "the message is too long");
		return MC_SEND_REFUSED;
	}
	char from[300];
	snprintf(from, sizeof(from), "<%s>", m->from_addr);
	struct curl_slist *rcpt = curl_slist_append(NULL, m->to_addr);
	struct reader r = {mc_buf_str(&msg), msg.len};
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->h, CURLOPT_READDATA, &r);
	curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, ebuf);
	CURLcode rc = curl_easy_perform(s->h);
	long code = 0;
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(rcpt);
	mc_buf_release(&msg);
	if (rc == CURLE_OK)
		return MC_SEND_OK;
	snprintf(err, errlen, "SMTP %ld: %s", code, ebuf[0] ? ebuf : curl_easy_strerror(rc));
	return code >= 500 && code < 600 ? MC_SEND_REFUSED : MC_SEND_RETRY;
}

void mc_smtp_close(struct mc_smtp *s)
{
	if (!s)
		return;
	curl_easy_cleanup(s->h);
	free(s);
}

enum mc_send_result mc_sms_send(const char *url, const char *token, const char *to, const char *text, const char *id,
				char *err, size_t errlen)
{
	json_t *j = json_pack("{s:s, s:s, s:s}", "to", to, "text", text, "id", id);
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char auth[512] = "";
	if (token && *token)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	long status = 0;
	int rc = mc_http_client_post_with(url, "application/json", auth[0] ? auth : NULL, body, strlen(body), 30,
					  &status, err, errlen);
	free(body);
	if (rc)
		return MC_SEND_RETRY;
	if (status >= 200 && status < 300)
		return MC_SEND_OK;
	snprintf(err, errlen, "HTTP %ld", status);
	return status >= 400 && status < 500 && status != 408 && status != 429 ? MC_SEND_REFUSED : MC_SEND_RETRY;
}

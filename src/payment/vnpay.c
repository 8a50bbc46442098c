/*
 * vnpay.c - the VNPAY gateway's protocol (version 2.1.0): parameters
 * signed with HMAC-SHA512 over their canonical text - sorted by key, empty
 * values dropped, each key=value URL-encoded as the gateway's reference
 * code does, joined by "&" - and the refund call's pipe-joined text.
 * Pure functions: no database, no network.
 */
#include "payment.h"

#include "../core/timeutil.h"
#include "../crypto/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/banned.h"

#define QUERY_MAX 4096

int mc_vnpay_encode(const char *s, struct mc_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		unsigned char ch = *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '_' || ch == '.')
			rc = mc_buf_addc(out, (char)ch);
		else if (ch == ' ')
			rc = mc_buf_addc(out, '+');
		else {
			char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
			rc = mc_buf_add(out, e, 3);
		}
	}
	return rc;
}

static int signed_key(const char *k)
{
	return strcmp(k, "vnp_SecureHash") != 0 && strcmp(k, "vnp_SecureHashType") != 0;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct mc_vnp_param *)a)->key, ((const struct mc_vnp_param *)b)->key);
}

int mc_vnpay_canonical(const struct mc_vnp_param *p, size_t n, struct mc_buf *out)
{
	struct mc_vnp_param *s = malloc((n ? n : 1) * sizeof(*s));
	size_t m = 0;
	int rc = 0;
	if (!s)
		return MC_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (p[i].key && p[i].value && *p[i].value && signed_key(p[i].key))
			s[m++] = p[i];
	qsort(s, m, sizeof(*s), by_key);
	for (size_t i = 0; i < m && !rc; i++) {
		if ((i && (rc = mc_buf_addc(out, '&'))) || (rc = mc_vnpay_encode(s[i].key, out)) ||
		    (rc = mc_buf_addc(out, '=')))
			break;
		rc = mc_vnpay_encode(s[i].value, out);
	}
	free(s);
	return rc;
}

int mc_vnpay_sign(const char *secret, const struct mc_vnp_param *p, size_t n, char out[129])
{
	struct mc_buf b = MC_BUF_INIT(QUERY_MAX * 2);
	int rc = mc_vnpay_canonical(p, n, &b);
	if (!rc)
		mc_hmac_sha512_hex(secret, strlen(secret), b.data ? b.data : "", b.len, out);
	mc_buf_release(&b);
	return rc;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Decode n bytes of a query component ("+" a space) into the arena; NULL
 * when a %XX is broken or decodes to a NUL. */
static char *decode(struct mc_arena *a, const char *s, size_t n)
{
	char *o = mc_alloc(a, n + 1), *w = o;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*w++ = ' ';
		} else if (s[i] == '%') {
			int x = i + 1 < n ? hexval(s[i + 1]) : -1, y = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (x < 0 || y < 0 || x * 16 + y == 0)
				return NULL;
			*w++ = (char)(x * 16 + y);
			i += 2;
		} else {
			*w++ = s[i];
		}
	}
	*w = '\0';
	return o;
}

int mc_vnpay_parse(struct mc_arena *a, const char *query, struct mc_vnp_param *p, size_t max, size_t *n)
{
	*n = 0;
	if (!query || strlen(query) > QUERY_MAX)
		return MC_E_INVAL;
	const char *s = query;
	while (*s) {
		size_t len = strcspn(s, "&");
		const char *eq = memchr(s, '=', len);
		if (len) {
			if (!eq || *n >= max)
				return MC_E_INVAL;
			char *k = decode(a, s, (size_t)(eq - s)), *v = decode(a, eq + 1, len - (size_t)(eq - s) - 1);
			if (!k || !v || !*k)
				return MC_E_INVAL;
			p[*n].key = k;
			p[*n].value = v;
			(*n)++;
		}
		s += len;
		if (*s == '&')
			s++;
	}
	return 0;
}

const char *mc_vnpay_get(const struct mc_vnp_param *p, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].key, key) == 0)
			return p[i].value;
	return NULL;
}

int mc_vnpay_verify(const char *secret, const struct mc_vnp_param *p, size_t n)
{
	const char *got = mc_vnpay_get(p, n, "vnp_SecureHash");
	char want[129];
	if (!got || strlen(got) != 128 || !secret || !*secret || mc_vnpay_sign(secret, p, n, want))
		return 0;
	char low[129];
	for (int i = 0; i < 128; i++)
		low[i] = (char)(got[i] >= 'A' && got[i] <= 'F' ? got[i] - 'A' + 'a' : got[i]);
	low[128] = '\0';
	return mc_ct_streq(low, want);
}

void mc_vnpay_time(int64_t ms, char out[15])
{
	int y, m, d;
	int64_t local = ms / 1000 + MC_VN_OFFSET_MIN * 60LL, sec = ((local % 86400) + 86400) % 86400;
	mc_vn_date(ms, &y, &m, &d);
	snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		 (int)(sec % 60));
}

/* The values of keys in rq, joined by "|" (absent ones empty). */
static int joined(json_t *o, const char *const *keys, struct mc_buf *out)
{
	int rc = 0;
	for (size_t i = 0; keys[i] && !rc; i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (i && (rc = mc_buf_addc(out, '|')))
			break;
		if (json_is_string(v))
			rc = mc_buf_adds(out, json_string_value(v));
		else if (json_is_integer(v))
			rc = mc_buf_printf(out, "%lld", (long long)json_integer_value(v));
	}
	return rc;
}

int mc_vnpay_refund_text(json_t *rq, struct mc_buf *out)
{
	static const char *const keys[] = {"vnp_RequestId",       "vnp_Version",
					   "vnp_Command",         "vnp_TmnCode",
					   "vnp_TransactionType", "vnp_TxnRef",
					   "vnp_Amount",          "vnp_TransactionNo",
					   "vnp_TransactionDate", "vnp_CreateBy",
					   "vnp_CreateDate",      "vnp_IpAddr",
					   "vnp_OrderInfo",       NULL};
	return joined(rq, keys, out);
}

int mc_vnpay_refund_answer_text(json_t *rs, struct mc_buf *out)
{
	static const char *const keys[] = {"vnp_ResponseId",      "vnp_Command",
					   "vnp_ResponseCode",    "vnp_Message",
					   "vnp_TmnCode",         "vnp_TxnRef",
					   "vnp_Amount",          "vnp_BankCode",
					   "vnp_PayDate",         "vnp_TransactionNo",
					   "vnp_TransactionType", "vnp_TransactionStatus",
					   "vnp_OrderInfo",       NULL};
	return joined(rs, keys, out);
}

int mc_vnp_params_take(void *ud, const char *key, const char *value)
{
	struct mc_vnp_params *g = ud;
	if (g->n >= MC_VNP_MAX_PARAMS)
		return 1;
	g->v[g->n].key = mc_strdup(g->a, key);
	g->v[g->n].value = mc_strdup(g->a, value);
	g->n++;
	return 0;
}

/*
 * paysim.c - a small VNPAY gateway that the server itself plays when no
 * real one is configured (paysim = 1: the demo and the tests), speaking
 * the same protocol: its payment page checks the merchant's signature and
 * shows the order with "Pay" and "Cancel"; the choice sends the signed
 * notification (IPN) to the merchant server-to-server, then sends the
 * browser back to the return URL with the same signed parameters; its
 * transaction API answers a refund, signed.  The IPN goes to this
 * server's own loopback port from the simulator's request: the server's
 * thread pool serves it meanwhile.
 */
#include "api.h"

#include "../core/log.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../http/client.h"
#include "../payment/payment.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char *html_esc(struct mc_arena *a, const char *s)
{
	struct mc_buf b = MC_BUF_INIT(16384);
	for (; s && *s; s++) {
		const char *e = *s == '<'   ? "&lt;"
				: *s == '>' ? "&gt;"
				: *s == '&' ? "&amp;"
				: *s == '"' ? "&quot;"
					    : NULL;
		if (e)
			mc_buf_adds(&b, e);
		else
			mc_buf_addc(&b, *s);
	}
	const char *out = mc_strdup(a, mc_buf_str(&b));
	mc_buf_release(&b);
	return out;
}

static int page(struct mc_req *r, int status, int en, const char *title, const char *body)
{
	const char *html =
		mc_sprintf(r->arena,
			   "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
			   "content=\"width=device-width, initial-scale=1\"><title>%s</title><link rel=\"stylesheet\" "
			   "href=\"/css/app.css\"></head><body><main id=\"main\" class=\"paysim\"><h1>%s</h1>%s<p "
			   "class=\"hint\">%s"
			   "</p></main></body></html>",
			   en ? "en" : "vi", title, title, body,
			   en ? "Payment gateway simulator (VNPAY protocol 2.1.0) - no real money moves."
			      : "Cổng thanh toán mô phỏng (giao thức VNPAY 2.1.0) - không có tiền thật được chuyển.");
	return mc_res_text(r, status, "text/html; charset=utf-8", html, strlen(html));
}

static int enabled(struct mc_req *r)
{
	return mc_server_config(r->srv)->paysim == 1;
}

/* The signed query of p (the merchant's secret), in the arena. */
static const char *signed_query(struct mc_req *r, const struct mc_vnp_param *p, size_t n)
{
	const char *secret = mc_server_config(r->srv)->vnpay_secret;
	char hash[129];
	struct mc_buf b = MC_BUF_INIT(16384);
	const char *out = NULL;
	if (!mc_vnpay_sign(secret, p, n, hash) && !mc_vnpay_canonical(p, n, &b) &&
	    !mc_buf_printf(&b, "&vnp_SecureHash=%s", hash))
		out = mc_strdup(r->arena, mc_buf_str(&b));
	mc_buf_release(&b);
	return out;
}

/* "20.000" of "2000000" (vnp_Amount is 100 times the đồng). */
static const char *vnd(struct mc_req *r, const char *amount)
{
	long long v = amount ? strtoll(amount, NULL, 10) / 100 : 0;
	char d[32], o[48];
	int n = snprintf(d, sizeof(d), "%lld", v), k = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			o[k++] = '.';
		o[k++] = d[i];
	}
	o[k] = '\0';
	return mc_strdup(r->arena, o);
}

/* The merchant's order checked: 0, or an error page sent (1). */
static int check_order(struct mc_req *r, const struct mc_vnp_param *v, size_t n, int en)
{
	struct mc_config *c = mc_server_config(r->srv);
	const char *tmn = mc_vnpay_get(v, n, "vnp_TmnCode"), *exp = mc_vnpay_get(v, n, "vnp_ExpireDate");
	char now[15];
	mc_vnpay_time(mc_time_now_ms(), now);
	const char *why = NULL;
	if (!mc_vnpay_verify(c->vnpay_secret, v, n))
		why = en ? "Invalid signature (code 97)." : "Sai chữ ký (mã 97).";
	else if (!tmn || strcmp(tmn, c->vnpay_tmn) != 0)
		why = en ? "Unknown merchant (code 02)." : "Website không tồn tại (mã 02).";
	else if (exp && strcmp(exp, now) < 0)
		why = en ? "The order has expired (code 11)." : "Đã hết hạn chờ thanh toán (mã 11).";
	else if (!mc_vnpay_get(v, n, "vnp_ReturnUrl") || !mc_vnpay_get(v, n, "vnp_TxnRef"))
		why = en ? "Missing parameters (code 03)." : "Thiếu tham số (mã 03).";
	if (!why)
		return 0;
	page(r, 400, en, en ? "Payment refused" : "Giao dịch bị từ chối",
	     mc_sprintf(r->arena, "<p role=\"alert\">%s</p>", why));
	return 1;
}

static int sim_page(struct mc_req *r)
{
	if (!enabled(r))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_vnp_params *g = mc_zalloc(r->arena, sizeof(*g));
	g->a = r->arena;
	mc_req_query_each(r, mc_vnp_params_take, g);
	const char *loc = mc_vnpay_get(g->v, g->n, "vnp_Locale");
	int en = loc && strcmp(loc, "en") == 0;
	if (check_order(r, g->v, g->n, en))
		return 0;
	const char *q = signed_query(r, g->v, g->n);
	const char *body = mc_sprintf(
		r->arena,
		"<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"amount\">%s VND</dd><dt>%s</dt>"
		"<dd>%s</dd></dl><form method=\"post\" action=\"/paysim/pay\"><input type=\"hidden\" name=\"q\" "
		"value=\"%s\"><button type=\"submit\" name=\"choice\" value=\"pay\">%s</button> <button "
		"type=\"submit\" "
		"name=\"choice\" value=\"cancel\" class=\"secondary\">%s</button></form>",
		en ? "Merchant" : "Đơn vị chấp nhận", html_esc(r->arena, mc_vnpay_get(g->v, g->n, "vnp_TmnCode")),
		en ? "Order" : "Mã đơn hàng", html_esc(r->arena, mc_vnpay_get(g->v, g->n, "vnp_TxnRef")),
		en ? "Amount" : "Số tiền", vnd(r, mc_vnpay_get(g->v, g->n, "vnp_Amount")),
		en ? "Description" : "Nội dung", html_esc(r->arena, mc_vnpay_get(g->v, g->n, "vnp_OrderInfo")),
		html_esc(r->arena, q ? q : ""), en ? "Pay" : "Thanh toán", en ? "Cancel" : "Hủy giao dịch");
	return page(r, 200, en, en ? "VNPAY payment (simulator)" : "Thanh toán VNPAY (mô phỏng)", body);
}

/* The gateway's answer to order o: the parameters it signs. */
static size_t result_params(struct mc_req *r, const struct mc_vnp_param *o, size_t on, int paid, struct mc_vnp_param *v)
{
	char *txno = mc_alloc(r->arena, 16), *bank = mc_alloc(r->arena, 24), *when = mc_alloc(r->arena, 15);
	unsigned char rnd[4];
	mc_random(rnd, sizeof(rnd));
	uint32_t rv = (uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | rnd[3];
	snprintf(txno, 16, "%08u", (unsigned)(rv % 100000000u));
	snprintf(bank, 24, "VNP%s", txno);
	mc_vnpay_time(mc_time_now_ms(), when);
	const struct mc_vnp_param out[] = {
		{"vnp_Amount", mc_vnpay_get(o, on, "vnp_Amount")},
		{"vnp_BankCode", "NCB"},
		{"vnp_BankTranNo", paid ? bank : ""},
		{"vnp_CardType", "ATM"},
		{"vnp_OrderInfo", mc_vnpay_get(o, on, "vnp_OrderInfo")},
		{"vnp_PayDate", when},
		{"vnp_ResponseCode", paid ? "00" : "24"},
		{"vnp_TmnCode", mc_vnpay_get(o, on, "vnp_TmnCode")},
		{"vnp_TransactionNo", paid ? txno : "0"},
		{"vnp_TransactionStatus", paid ? "00" : "02"},
		{"vnp_TxnRef", mc_vnpay_get(o, on, "vnp_TxnRef")},
	};
	memcpy(v, out, sizeof(out));
	return sizeof(out) / sizeof(out[0]);
}

/* The notification, server to server; what the merchant answered is
 * logged (the real gateway retries; the simulator does not). */
static void send_ipn(struct mc_req *r, const char *query)
{
	struct mc_config *c = mc_server_config(r->srv);
	const char *url =
		mc_sprintf(r->arena, "http://127.0.0.1:%d/api/v1/vnpay/ipn?%s", mc_server_port(r->srv), query);
	(void)c;
	struct mc_buf b = MC_BUF_INIT(4096);
	long status = 0;
	char err[256];
	int rc = mc_http_client_call("GET", url, NULL, NULL, 0, 20, &status, &b, err, sizeof(err));
	mc_log_json(MC_LOG_INFO, "paysim.ipn",
		    json_pack("{s:i, s:I, s:s}", "rc", rc, "status", (json_int_t)status, "answer",
			      rc ? err : mc_buf_str(&b)));
	mc_buf_release(&b);
}

static int sim_pay(struct mc_req *r)
{
	if (!enabled(r))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_vnp_param form[4], o[MC_VNP_MAX_PARAMS], v[16];
	size_t fn = 0, on = 0;
	const char *body = mc_strdup(r->arena, mc_buf_str(&r->body));
	if (mc_vnpay_parse(r->arena, body, form, 4, &fn) || !mc_vnpay_get(form, fn, "q") ||
	    mc_vnpay_parse(r->arena, mc_vnpay_get(form, fn, "q"), o, MC_VNP_MAX_PARAMS, &on))
		return page(r, 400, 0, "Giao dịch bị từ chối", "<p role=\"alert\">Thiếu tham số (mã 03).</p>");
	const char *loc = mc_vnpay_get(o, on, "vnp_Locale"), *choice = mc_vnpay_get(form, fn, "choice");
	int en = loc && strcmp(loc, "en") == 0;
	if (check_order(r, o, on, en))
		return 0;
	size_t n = result_params(r, o, on, choice && strcmp(choice, "pay") == 0, v);
	const char *q = signed_query(r, v, n);
	if (!q)
		return mc_fail(r, MC_E_NOMEM, NULL);
	send_ipn(r, q);
	const char *back = mc_vnpay_get(o, on, "vnp_ReturnUrl");
	mc_res_header(r, "Location", mc_sprintf(r->arena, "%s%s%s", back, strchr(back, '?') ? "&" : "?", q));
	return mc_res_empty(r, 303);
}

/* The refund call: {vnp_...} signed over the pipe-joined fields. */
static int sim_api(struct mc_req *r)
{
	if (!enabled(r))
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_config *c = mc_server_config(r->srv);
	json_t *in = r->json, *out;
	struct mc_buf b = MC_BUF_INIT(8192);
	char want[129], when[15];
	const char *got = json_string_value(json_object_get(in, "vnp_SecureHash"));
	mc_vnpay_refund_text(in, &b);
	mc_hmac_sha512_hex(c->vnpay_secret, strlen(c->vnpay_secret), b.data ? b.data : "", b.len, want);
	mc_buf_reset(&b);
	int ok = got && mc_ct_streq(got, want);
	const char *cmd = json_string_value(json_object_get(in, "vnp_Command"));
	const char *code = !ok ? "97" : !cmd || strcmp(cmd, "refund") != 0 ? "02" : "00";
	mc_vnpay_time(mc_time_now_ms(), when);
	out = json_pack("{s:O?, s:s, s:s, s:s, s:s, s:O?, s:O?, s:s, s:s, s:O?, s:s, s:s, s:O?}", "vnp_ResponseId",
			json_object_get(in, "vnp_RequestId"), "vnp_Command", "refund", "vnp_ResponseCode", code,
			"vnp_Message", ok ? "Refund success" : "Invalid checksum", "vnp_TmnCode", c->vnpay_tmn,
			"vnp_TxnRef", json_object_get(in, "vnp_TxnRef"), "vnp_Amount",
			json_object_get(in, "vnp_Amount"), "vnp_BankCode", "NCB", "vnp_PayDate", when,
			"vnp_TransactionNo", json_object_get(in, "vnp_TransactionNo"), "vnp_TransactionType", "02",
			"vnp_TransactionStatus", "05", "vnp_OrderInfo", json_object_get(in, "vnp_OrderInfo"));
	mc_vnpay_refund_answer_text(out, &b);
	mc_hmac_sha512_hex(c->vnpay_secret, strlen(c->vnpay_secret), b.data ? b.data : "", b.len, want);
	json_object_set_new(out, "vnp_SecureHash", json_string(want));
	mc_buf_release(&b);
	return mc_res_json(r, 200, out);
}

const struct mc_route mc_api_paysim_routes[] = {
	{"GET", "/paysim/vpcpay.html", sim_page, MC_AUTH_NONE, NULL, 0},
	{"POST", "/paysim/pay", sim_pay, MC_AUTH_NONE, NULL, MC_RF_NO_CSRF | MC_RF_RAW_BODY | MC_RF_NO_IDEM},
	{"POST", "/paysim/merchant_webapi/api/transaction", sim_api, MC_AUTH_NONE, NULL, MC_RF_NO_CSRF},
	{NULL, NULL, NULL, 0, NULL, 0},
};

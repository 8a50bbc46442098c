/*
 * test_payments.c - fees paid over HTTP (issue 16).  A dossier whose
 * procedure has a published fee for its channel gets a payment request
 * with the catalogue's amount (2.000635: 8 000 đồng, online paid at the
 * return, at the counter on receipt), none for an unpublished fee
 * (1.004873) nor a free one (1.003197); the applicant is told through the
 * outbox (payment_due, payment_received, payment_refunded: recipient and
 * payload).  VNPAY: the payment URL's signature is recomputed here with
 * OpenSSL over the sorted, encoded parameters; notifications signed here
 * are answered 97 (forged), 01 (unknown order), 04 (wrong amount), 00
 * (confirmed, the payment paid with its receipt), 02 (replayed: nothing
 * changes), a failed one marks the payment failed and another order pays
 * it.  The simulator pays end to end: its page, the choice, the signed
 * IPN it sends, the browser sent back to the return URL whose answer is
 * verified.  The counter clerk records cash; the dossier does not move
 * before the fee is paid (409 in both languages) when the procedure asks
 * it first, nor is the result handed over unpaid.  A refusal refunds a
 * VNPAY payment through the gateway and leaves a cash one to the
 * accountant, who records it; a stop returns it only when the leader says
 * so; one the gateway did not take is made by the housekeeping.  Paid at the counter and then by VNPAY: the order is
 * kept to refund and the reconciliation shows it.  The e-receipt's text (pdftotext), form 01's VietQR code decoded back
 * by zbarimg (CRC checked), the daily reconciliation's figures, the collection accounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doctext.h"
#include "http.h"
#include "only.h"
#include "server.h"
#include "shell.h"
#include "testdb.h"

#include "db/db.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "test-secret-7f3a9c"
#define TMN    "TESTTMN1"
#define DAY    "2027-03-02"

static struct mc_test_server srv;
static char db_url[512], dir[64];
static struct mc_db *db;
static struct mc_http_session cit, clerk, spec, lead, acct, admin, other;

static char NOW[] = "MOTCUA_TEST_NOW=2027-03-02T09:00:00+07:00"; /* a Tuesday */

/* 2.000635: 8 000 đồng online (paid at the return), at the counter (on receipt) */
static const char *BODY8 = "{\"procedure_code\":\"2.000635\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
			   "An\",\"subject_birth_date\":\"2003-05-14\","
			   "\"record_kind\":\"birth\",\"registration_unit\":\"26740\",\"copies\":2}}";
static const char *COUNTER8 =
	"{\"procedure_code\":\"2.000635\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
	"An\",\"subject_birth_date\":\"2003-05-14\",\"record_kind\":\"birth\","
	"\"registration_unit\":\"26740\",\"copies\":2},\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],"
	"\"applicant\":{\"full_name\":\"Lê Thị Hoa\",\"id_number\":\"079190004321\","
	"\"phone\":\"0912345678\",\"ward_code\":\"26740\"}}";
/* 1.004873: the fee is not published */
static const char *BODY3 =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"}}";
/* 1.003197: free */
static const char *BODY0 =
	"{\"procedure_code\":\"1.003197\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
	"Bình\",\"subject_id_number\":\"079185176822\",\"reason\":\"abroad\",\"residence_unit\":\"26740\"}}";

/* what the reconciliation must count today (local day DAY) */
static long paid_vnpay, paid_cash, total_vnpay, total_cash, refunded_total;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int64_t sql_int(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	const char *env[] = {NOW, "MOTCUA_PAYSIM=1", "MOTCUA_VNPAY_SECRET=" SECRET, "MOTCUA_VNPAY_TMN=" TMN, NULL};
	mc_test_server_start(&srv, db_url, env);
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	mc_http_login_as(&acct, srv.base, "ketoan.p26740");
	mc_http_login_as(&admin, srv.base, "vanthu.p26740");
	mc_http_login_as(&other, srv.base, "vanthu.stp");
	return mc_test_scratch(dir, sizeof(dir), "payments");
}

static int teardown(void **state)
{
	(void)state;
	mc_test_server_stop(&srv);
	mc_test_db_drop(db_url, db);
	mc_test_scratch_rm(dir);
	return 0;
}

/* ---- helpers ---- */

static void submit(struct mc_http_session *s, const char *path, const char *body, char code[80])
{
	struct mc_http_res r;
	assert_int_equal(mc_http_post(s, path, body, &r), 201);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
}

static void counter_intake(char code[80])
{
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)sql_int("SELECT id FROM counters WHERE code = ?", "Q-P26740-01"));
	submit(&clerk, path, COUNTER8, code);
}

/* The dossier's payment as s sees it (the answer's JSON, a new reference;
 * NULL when status is not 200). */
static json_t *payment_of(struct mc_http_session *s, const char *code, long want)
{
	struct mc_http_res r;
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/payment", code);
	assert_int_equal(mc_http_get(s, path, &r), want);
	json_t *j = want == 200 ? json_incref(r.json) : NULL;
	mc_http_res_free(&r);
	return j;
}

/* POST /api/v1/payments/{id}/{what} with If-Match: the payment's version. */
static long pay_post(struct mc_http_session *s, json_t *p, const char *what, const char *body, struct mc_http_res *r)
{
	char path[96], im[48];
	snprintf(path, sizeof(path), "/api/v1/payments/%lld/%s", (long long)jint(p, "id"), what);
	snprintf(im, sizeof(im), "If-Match: \"v%lld\"", (long long)jint(p, "version"));
	const char *h[] = {im, NULL};
	if (mc_http_do(s, "POST", path, body, h, r))
		fail_msg("POST %s: no answer", path);
	return r->status;
}

static void hmac512(const char *text, char hex[129])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	HMAC(EVP_sha512(), SECRET, (int)strlen(SECRET), (const unsigned char *)text, strlen(text), d, &n);
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* The gateway's notification for order ref, its parameters written here
 * sorted and encoded as VNPAY does, signed here with SECRET. */
static void notification(char *out, size_t n, const char *ref, long amount100, const char *code)
{
	char q[1024], hash[129];
	snprintf(q, sizeof(q),
		 "vnp_Amount=%ld&vnp_BankCode=NCB&vnp_BankTranNo=VNP14226112&vnp_CardType=ATM&vnp_OrderInfo=Le+phi"
		 "&vnp_PayDate=20270302090100&vnp_ResponseCode=%s&vnp_TmnCode=" TMN "&vnp_TransactionNo=14226112"
		 "&vnp_TransactionStatus=%s&vnp_TxnRef=%s",
		 amount100, code, strcmp(code, "00") == 0 ? "00" : "02", ref);
	hmac512(q, hash);
	snprintf(out, n, "%s&vnp_SecureHash=%s", q, hash);
}

/* GET the IPN with query; its RspCode. */
static void ipn(const char *query, const char *want)
{
	struct mc_http_res r;
	char url[2048];
	snprintf(url, sizeof(url), "%s/api/v1/vnpay/ipn?%s", srv.base, query);
	assert_int_equal(mc_http_raw("GET", url, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(r.json);
	if (strcmp(jstr(r.json, "RspCode"), want) != 0)
		fail_msg("IPN answered %s, not %s", r.body, want);
	assert_non_null(jstr(r.json, "Message"));
	mc_http_res_free(&r);
}

/* Start a VNPAY order as the applicant: the URL (malloc'd), ref. */
static char *order(json_t *p, char ref[40])
{
	struct mc_http_res r;
	assert_int_equal(pay_post(&cit, p, "vnpay", "{}", &r), 201);
	char *url = strdup(jstr(r.json, "url"));
	snprintf(ref, 40, "%s", jstr(r.json, "txn_ref"));
	mc_http_res_free(&r);
	return url;
}

static int64_t events_of(json_t *p)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)jint(p, "id"));
	return sql_int("SELECT COUNT(*) FROM payment_events WHERE payment_id = CAST(? AS BIGINT)", id);
}

/* The newest outbox row about payment p: event, recipient and payload. */
static void check_outbox(json_t *p, const char *event, const char *phone)
{
	struct mc_conn *c;
	struct mc_stmt *s;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(
		mc_query(c, &s,
			 "SELECT event, recipient, payload FROM outbox WHERE topic = 'payments' AND topic_id = ?"
			 " ORDER BY id DESC LIMIT 1",
			 "i", (int64_t)jint(p, "id")),
		0);
	assert_int_equal(mc_step(s), MC_DB_ROW);
	json_error_t je;
	char ev[40];
	snprintf(ev, sizeof(ev), "%s", mc_col_text(s, 0));
	json_t *rec = json_loads(mc_col_text(s, 1), 0, &je), *pay = json_loads(mc_col_text(s, 2), 0, &je);
	mc_stmt_done(s);
	mc_db_release(c);
	assert_string_equal(ev, event);
	assert_string_equal(jstr(pay, "code"), jstr(p, "code"));
	assert_int_equal(jint(pay, "amount"), jint(p, "amount"));
	assert_string_equal(jstr(pay, "amount_words"), "Tám nghìn đồng");
	assert_string_equal(jstr(pay, "amount_vnd"), "8.000");
	assert_string_equal(jstr(pay, "name"), jstr(rec, "full_name"));
	assert_non_null(strstr(jstr(pay, "link"), jstr(p, "code")));
	assert_string_equal(jstr(rec, "phone"), phone);
	assert_non_null(jstr(rec, "full_name"));
	json_decref(rec);
	json_decref(pay);
}

/* ---- tests ---- */

/* A request per the catalogue: the published fee of the channel, none
 * unpublished or free; the applicant told that it is due. */
static void request_per_catalogue(void **state)
{
	(void)state;
	char k8[80], k3[80], k0[80];
	submit(&cit, "/api/v1/dossiers", BODY8, k8);
	json_t *p = payment_of(&cit, k8, 200);
	assert_int_equal(jint(p, "amount"), 8000);
	assert_string_equal(jstr(p, "stage"), "return");
	assert_string_equal(jstr(p, "status"), "requested");
	assert_string_equal(jstr(p, "amount_words"), "Tám nghìn đồng");
	assert_string_equal(jstr(json_object_get(p, "account"), "bank_bin"), "970418");
	assert_true(json_is_true(json_object_get(json_object_get(p, "may"), "vnpay")));
	check_outbox(p, "payment_due", "0816861711");
	json_decref(p);
	/* an official of another body does not see it */
	payment_of(&other, k8, 404);
	submit(&cit, "/api/v1/dossiers", BODY3, k3);
	payment_of(&cit, k3, 404);
	submit(&cit, "/api/v1/dossiers", BODY0, k0);
	payment_of(&cit, k0, 404);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE d.code = ?", k3),
		0);
}

/* The payment URL signed as VNPAY checks it: recomputed here. */
static void vnpay_url_signed(void **state)
{
	(void)state;
	char k[80], ref[40];
	submit(&cit, "/api/v1/dossiers", BODY8, k);
	json_t *p = payment_of(&cit, k, 200);
	char *url = order(p, ref);
	char *q = strchr(url, '?') + 1, *h = strstr(q, "&vnp_SecureHash=");
	assert_non_null(h);
	*h = '\0';
	char want[129];
	hmac512(q, want);
	assert_string_equal(h + strlen("&vnp_SecureHash="), want);
	assert_non_null(strstr(q, "vnp_Amount=800000&vnp_Command=pay&vnp_CreateDate=20270302090000&vnp_CurrCode=VND"
				  "&vnp_ExpireDate=20270302091500&"));
	assert_non_null(strstr(q, "&vnp_Locale=vn&vnp_OrderInfo=Le+phi+ho+so+"));
	assert_non_null(strstr(q, "&vnp_OrderType=billpayment&vnp_ReturnUrl=http%3A%2F%2F"));
	assert_non_null(strstr(q, "&vnp_TmnCode=" TMN "&vnp_TxnRef="));
	assert_non_null(strstr(q, "&vnp_Version=2.1.0"));
	assert_non_null(strstr(url, "/paysim/vpcpay.html?"));
	free(url);
	/* only the applicant pays by VNPAY */
	struct mc_http_res r;
	assert_int_equal(pay_post(&clerk, p, "vnpay", "{}", &r), 403);
	mc_http_res_free(&r);
	json_decref(p);
}

/* The notifications: forged, unknown, wrong amount, failed, confirmed,
 * replayed. */
static void ipn_answers(void **state)
{
	(void)state;
	char k[80], ref[40], ref2[40], q[2048];
	submit(&cit, "/api/v1/dossiers", BODY8, k);
	json_t *p = payment_of(&cit, k, 200);
	free(order(p, ref));
	int64_t ev = events_of(p);
	/* forged: the hash of other values */
	notification(q, sizeof(q), ref, 800000, "00");
	char *hash = strstr(q, "vnp_SecureHash=") + strlen("vnp_SecureHash=");
	hash[0] = hash[0] == 'a' ? 'b' : 'a';
	ipn(q, "97");
	/* an order nobody made */
	notification(q, sizeof(q), "999999-1", 800000, "00");
	ipn(q, "01");
	/* signed, but not the amount ordered */
	notification(q, sizeof(q), ref, 900000, "00");
	ipn(q, "04");
	assert_int_equal(events_of(p), ev);
	/* the bank refused it: failed, still owed */
	notification(q, sizeof(q), ref, 800000, "51");
	ipn(q, "00");
	json_decref(p);
	p = payment_of(&cit, k, 200);
	assert_string_equal(jstr(p, "status"), "failed");
	assert_true(json_is_true(json_object_get(json_object_get(p, "may"), "vnpay")));
	/* a second order is paid */
	free(order(p, ref2));
	notification(q, sizeof(q), ref2, 800000, "00");
	ipn(q, "00");
	json_decref(p);
	p = payment_of(&cit, k, 200);
	assert_string_equal(jstr(p, "status"), "paid");
	assert_string_equal(jstr(p, "method"), "vnpay");
	assert_string_equal(jstr(p, "reference"), "14226112");
	assert_string_equal(jstr(json_object_get(p, "receipt"), "symbol"), "BL27E");
	check_outbox(p, "payment_received", "0816861711");
	paid_vnpay++, total_vnpay += 8000;
	/* replayed: 02, nothing changes */
	ev = events_of(p);
	int64_t ob = sql_int("SELECT COUNT(*) FROM outbox WHERE topic = ?", "payments");
	ipn(q, "02");
	notification(q, sizeof(q), ref, 800000, "00"); /* the failed order again */
	ipn(q, "02");
	assert_int_equal(events_of(p), ev);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox WHERE topic = ?", "payments"), ob);
	json_t *again = payment_of(&cit, k, 200);
	assert_int_equal(jint(again, "version"), jint(p, "version"));
	json_decref(again);
	json_decref(p);
}

/* The simulator end to end: its page, "pay", its IPN, the return. */
static void simulator_pays(void **state)
{
	(void)state;
	char k[80], ref[40], url[4096], body[4096];
	struct mc_http_res r;
	submit(&cit, "/api/v1/dossiers", BODY8, k);
	json_t *p = payment_of(&cit, k, 200);
	char *u = order(p, ref);
	snprintf(url, sizeof(url), "%s%s", srv.base, strstr(u, "/paysim/"));
	free(u);
	assert_int_equal(mc_http_raw("GET", url, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "8.000 VND"));
	mc_http_res_free(&r);
	/* the form's choice, as the browser posts it */
	char *q = curl_easy_escape(NULL, strchr(url, '?') + 1, 0);
	snprintf(body, sizeof(body), "q=%s&choice=pay", q);
	curl_free(q);
	const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	snprintf(url, sizeof(url), "%s/paysim/pay", srv.base);
	assert_int_equal(mc_http_raw("POST", url, body, h, &r), 0);
	assert_int_equal(r.status, 303);
	const char *loc = mc_http_header(&r, "Location");
	assert_non_null(strstr(loc, "/thanh-toan/ket-qua?"));
	char back[2048];
	snprintf(back, sizeof(back), "%s", strchr(loc, '?') + 1);
	mc_http_res_free(&r);
	/* the IPN came before the browser: paid */
	json_decref(p);
	p = payment_of(&cit, k, 200);
	assert_string_equal(jstr(p, "status"), "paid");
	paid_vnpay++, total_vnpay += 8000;
	/* the return verified; a changed one is not */
	char path[2200];
	snprintf(path, sizeof(path), "/api/v1/vnpay/return?%s", back);
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "valid")));
	assert_true(json_is_true(json_object_get(r.json, "success")));
	assert_string_equal(jstr(r.json, "code"), k);
	assert_string_equal(jstr(r.json, "status"), "paid");
	mc_http_res_free(&r);
	char *amt = strstr(path, "vnp_Amount=8");
	amt[strlen("vnp_Amount=")] = '9';
	assert_int_equal(mc_http_get(&cit, path, &r), 200);
	assert_true(json_is_false(json_object_get(r.json, "valid")));
	mc_http_res_free(&r);
	/* the gateway's own notification replayed */
	ipn(back, "02");
	json_decref(p);
}

/* Cash at the counter, and the gates: on receipt the dossier does not move
 * on unpaid; online, the result is not handed over unpaid. */
static void cash_and_gates(void **state)
{
	(void)state;
	char k[80], kr[80];
	struct mc_http_res r;
	counter_intake(k);
	json_t *p = payment_of(&clerk, k, 200);
	assert_string_equal(jstr(p, "stage"), "receipt");
	check_outbox(p, "payment_due", "0912345678");
	assert_int_equal(mc_http_act(&spec, k, "forward", "{}", &r), 409);
	assert_non_null(strstr(r.body, "\"payment\""));
	assert_non_null(strstr(r.body, "chỉ được chuyển tiếp sau khi người nộp đã thanh toán"));
	assert_non_null(strstr(r.body, "moves on only once the applicant has paid"));
	mc_http_res_free(&r);
	/* the specialist takes no cash; the clerk does, with the version */
	assert_int_equal(pay_post(&spec, p, "record", "{\"method\":\"cash\"}", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(pay_post(&clerk, p, "record", "{\"method\":\"cheque\"}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(pay_post(&clerk, p, "record", "{\"method\":\"cash\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "paid");
	assert_string_equal(jstr(r.json, "method"), "cash");
	mc_http_res_free(&r);
	assert_int_equal(pay_post(&clerk, p, "record", "{\"method\":\"cash\"}", &r), 412); /* stale version */
	mc_http_res_free(&r);
	paid_cash++, total_cash += 8000;
	assert_int_equal(mc_http_act(&spec, k, "forward", "{}", &r), 200);
	mc_http_res_free(&r);
	/* the receipt */
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/payments/%lld/receipt.pdf", (long long)jint(p, "id"));
	assert_int_equal(mc_http_get(&clerk, path, &r), 200);
	char *text = mc_test_pdf_text(&r);
	mc_http_res_free(&r);
	mc_test_expect_text(text, "BIÊN LAI THU PHÍ, LỆ PHÍ");
	mc_test_expect_text(text, "Người nộp: Lê Thị Hoa");
	mc_test_expect_text(text, "Số tiền: 8.000 đồng");
	mc_test_expect_text(text, "Số tiền bằng chữ: Tám nghìn đồng");
	mc_test_expect_text(text, "UBND Phường Sài Gòn");
	mc_test_expect_text(text, "Hình thức thanh toán: Tiền mặt");
	mc_test_expect_text(text, "Người thu tiền: Trần Gia Huy");
	mc_test_expect_text(text, k);
	mc_test_expect_text(text, "Ký hiệu: BL27E");
	free(text);
	json_decref(p);

	/* online, paid at the return */
	submit(&cit, "/api/v1/dossiers", BODY8, kr);
	assert_int_equal(mc_http_act(&clerk, kr, "receive", "{}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act(&spec, kr, "forward", "{}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act(&lead, kr, "forward", "{}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act(&clerk, kr, "return", "{}", &r), 409);
	assert_non_null(strstr(r.body, "chỉ trả kết quả sau khi người nộp đã thanh toán"));
	assert_non_null(strstr(r.body, "the result is handed over only once the applicant has paid"));
	mc_http_res_free(&r);
	p = payment_of(&clerk, kr, 200);
	assert_int_equal(pay_post(&clerk, p, "record", "{\"method\":\"cash\"}", &r), 200);
	mc_http_res_free(&r);
	paid_cash++, total_cash += 8000;
	assert_int_equal(mc_http_act(&clerk, kr, "return", "{}", &r), 200);
	mc_http_res_free(&r);
	json_decref(p);
}

/* Refused: a VNPAY fee goes back through the gateway at once; a cash one
 * waits for the accountant, who records it. */
static void refunds(void **state)
{
	(void)state;
	char k[80], kc[80], ref[40], q[2048];
	struct mc_http_res r;
	submit(&cit, "/api/v1/dossiers", BODY8, k);
	json_t *p = payment_of(&cit, k, 200);
	free(order(p, ref));
	notification(q, sizeof(q), ref, 800000, "00");
	ipn(q, "00");
	paid_vnpay++, total_vnpay += 8000;
	assert_int_equal(mc_http_act(&clerk, k, "refuse", "{\"reasons\":[\"Không thuộc thẩm quyền\"]}", &r), 200);
	mc_http_res_free(&r);
	json_decref(p);
	p = payment_of(&cit, k, 200);
	assert_string_equal(jstr(p, "status"), "refunded");
	check_outbox(p, "payment_refunded", "0816861711");
	refunded_total += 8000;
	json_decref(p);

	counter_intake(kc);
	p = payment_of(&clerk, kc, 200);
	assert_int_equal(pay_post(&clerk, p, "record", "{\"method\":\"cash\"}", &r), 200);
	mc_http_res_free(&r);
	paid_cash++, total_cash += 8000;
	assert_int_equal(mc_http_act(&spec, kc, "refuse", "{\"reasons\":[\"Hồ sơ giả mạo giấy tờ\"]}", &r), 200);
	mc_http_res_free(&r);
	json_decref(p);
	p = payment_of(&acct, kc, 200);
	assert_string_equal(jstr(p, "status"), "paid");
	assert_true(json_is_true(json_object_get(p, "refund_due")));
	/* owed and not made: the reconciliation shows it */
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/payment-reconciliation?day=%s", DAY);
	assert_int_equal(mc_http_get(&acct, path, &r), 200);
	assert_non_null(strstr(r.body, "\"refund_due\""));
	mc_http_res_free(&r);
	/* only the accountant refunds */
	assert_int_equal(pay_post(&clerk, p, "refund", "{}", &r), 403);
	mc_http_res_free(&r);
	assert_int_equal(pay_post(&acct, p, "refund", "{\"reason\":\"Từ chối hồ sơ\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "refunded");
	mc_http_res_free(&r);
	refunded_total += 8000;
	json_decref(p);

	/* refused unpaid: nothing is owed any more */
	submit(&cit, "/api/v1/dossiers", BODY8, k);
	assert_int_equal(mc_http_act(&clerk, k, "refuse", "{\"reasons\":[\"Không thuộc thẩm quyền\"]}", &r), 200);
	mc_http_res_free(&r);
	p = payment_of(&cit, k, 200);
	assert_true(json_is_false(json_object_get(json_object_get(p, "may"), "vnpay")));
	assert_int_equal(pay_post(&cit, p, "vnpay", "{}", &r), 409);
	mc_http_res_free(&r);
	json_decref(p);
}

/* Stopped: the fee is returned only when the leader says the reason
 * returns it. */
static void stop_refund(void **state)
{
	(void)state;
	char k[2][80], ref[40], q[2048];
	struct mc_http_res r;
	for (int i = 0; i < 2; i++) {
		submit(&cit, "/api/v1/dossiers", BODY8, k[i]);
		json_t *p = payment_of(&cit, k[i], 200);
		free(order(p, ref));
		notification(q, sizeof(q), ref, 800000, "00");
		ipn(q, "00");
		paid_vnpay++, total_vnpay += 8000;
		json_decref(p);
		assert_int_equal(mc_http_act(&clerk, k[i], "receive", "{}", &r), 200);
		mc_http_res_free(&r);
		assert_int_equal(mc_http_act(&lead, k[i], "stop",
					     i ? "{\"reason\":\"Cơ quan không thể giải quyết\",\"refund\":true}"
					       : "{\"reason\":\"Người nộp đề nghị dừng\"}",
					     &r),
				 200);
		mc_http_res_free(&r);
	}
	json_t *kept = payment_of(&cit, k[0], 200), *back = payment_of(&cit, k[1], 200);
	assert_string_equal(jstr(kept, "status"), "paid");
	assert_true(json_is_false(json_object_get(kept, "refund_due")));
	assert_string_equal(jstr(back, "status"), "refunded");
	refunded_total += 8000;
	json_decref(kept);
	json_decref(back);
}

/* The gateway down at the refusal: the refund stays due; the
 * housekeeping (motcua housekeeping, the gateway's API set) makes it. */
static void refund_retried(void **state)
{
	(void)state;
	char k[80], ref[40], q[2048], url[160], out[4096];
	struct mc_http_res r;
	struct mc_test_server down;
	const char *env[] = {NOW,
			     "MOTCUA_PAYSIM=1",
			     "MOTCUA_VNPAY_SECRET=" SECRET,
			     "MOTCUA_VNPAY_TMN=" TMN,
			     "MOTCUA_VNPAY_API_URL=http://127.0.0.1:9/refused",
			     NULL};
	mc_test_server_start(&down, db_url, env);
	struct mc_http_session c2 = cit, k2 = clerk; /* the same sessions, on the other server */
	c2.base = k2.base = down.base;
	submit(&c2, "/api/v1/dossiers", BODY8, k);
	json_t *p = payment_of(&c2, k, 200);
	free(order(p, ref));
	json_decref(p);
	notification(q, sizeof(q), ref, 800000, "00");
	ipn(q, "00");
	paid_vnpay++, total_vnpay += 8000;
	assert_int_equal(mc_http_act(&k2, k, "refuse", "{\"reasons\":[\"Không thuộc thẩm quyền\"]}", &r), 200);
	mc_http_res_free(&r);
	mc_test_server_stop(&down);
	p = payment_of(&cit, k, 200);
	assert_string_equal(jstr(p, "status"), "paid");
	assert_true(json_is_true(json_object_get(p, "refund_due")));
	json_decref(p);
	/* ten minutes on, with the gateway's API */
	snprintf(url, sizeof(url), "%s/paysim/merchant_webapi/api/transaction", srv.base);
	setenv("MOTCUA_VNPAY_API_URL", url, 1);
	setenv("MOTCUA_VNPAY_SECRET", SECRET, 1);
	setenv("MOTCUA_VNPAY_TMN", TMN, 1);
	setenv("MOTCUA_TEST_NOW", "2027-03-02T09:10:00+07:00", 1);
	assert_int_equal(mc_test_run_cli(db_url, "housekeeping", out, sizeof(out)), 0);
	unsetenv("MOTCUA_VNPAY_API_URL");
	unsetenv("MOTCUA_TEST_NOW");
	p = payment_of(&cit, k, 200);
	assert_string_equal(jstr(p, "status"), "refunded");
	refunded_total += 8000;
	json_decref(p);
}

/* Form 01 of an unpaid counter dossier: its VietQR code decodes back to
 * the payload the API gives, whose CRC checks. */
static void form01_vietqr(void **state)
{
	(void)state;
	char k[80], path[160];
	struct mc_http_res r;
	counter_intake(k);
	json_t *p = payment_of(&clerk, k, 200);
	const char *qr = jstr(p, "vietqr");
	assert_non_null(qr);
	assert_non_null(strstr(qr, "0010A000000727"));
	assert_non_null(strstr(qr, "5303704540480005802VN"));
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/forms/01.pdf", k);
	assert_int_equal(mc_http_get(&clerk, path, &r), 200);
	mc_test_write(dir, "f01.pdf", r.body, r.len);
	mc_http_res_free(&r);
	assert_int_equal(mc_test_sh(dir, "pdftoppm -r 200 -png -f 1 -l 1 -singlefile f01.pdf f01 && "
					 "zbarimg --quiet --raw f01.png"),
			 0);
	assert_true(mc_test_said(dir, qr));
	/* the CRC, recomputed here: CRC-16/CCITT-FALSE up to "6304" */
	unsigned crc = 0xFFFF;
	size_t n = strlen(qr) - 4;
	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned)(unsigned char)qr[i] << 8;
		for (int b = 0; b < 8; b++)
			crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
	}
	char hex[5];
	snprintf(hex, sizeof(hex), "%04X", crc);
	assert_string_equal(qr + n, hex);
	/* and the image the page shows */
	snprintf(path, sizeof(path), "/api/v1/payments/%lld/vietqr.svg", (long long)jint(p, "id"));
	assert_int_equal(mc_http_get(&cit, path, &r), 404); /* not An's */
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&clerk, path, &r), 200);
	assert_string_equal(mc_http_header(&r, "Content-Type"), "image/svg+xml");
	assert_non_null(strstr(r.body, "<svg"));
	mc_http_res_free(&r);
	json_decref(p);
}

/* The day's figures per method, as the tests before made them. */
static void reconciliation(void **state)
{
	(void)state;
	struct mc_http_res r;
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/payment-reconciliation?day=%s", DAY);
	assert_int_equal(mc_http_get(&acct, path, &r), 200);
	json_t *m;
	size_t i;
	json_array_foreach(json_object_get(r.json, "methods"), i, m) {
		const char *name = jstr(m, "method");
		long want_n = !strcmp(name, "vnpay") ? paid_vnpay : !strcmp(name, "cash") ? paid_cash : 0;
		long want_t = !strcmp(name, "vnpay") ? total_vnpay : !strcmp(name, "cash") ? total_cash : 0;
		assert_int_equal(jint(m, "count"), want_n);
		assert_int_equal(jint(m, "total"), want_t);
	}
	json_t *tot = json_object_get(r.json, "totals");
	assert_int_equal(jint(tot, "total"), total_vnpay + total_cash);
	assert_int_equal(jint(tot, "refunded"), refunded_total);
	assert_int_equal(jint(tot, "net"), total_vnpay + total_cash - refunded_total);
	json_t *gw = json_object_get(r.json, "gateway");
	assert_int_equal(jint(gw, "orders_paid"), paid_vnpay);
	assert_true(json_is_true(json_object_get(gw, "matches")));
	assert_int_equal(json_array_size(json_object_get(r.json, "unmatched")), 0);
	mc_http_res_free(&r);
	/* nobody else's agency; a bad day */
	snprintf(path, sizeof(path), "/api/v1/payment-reconciliation?day=%s&agency_id=%lld", DAY,
		 (long long)sql_int("SELECT id FROM agencies WHERE code = ?", "000.00.02.H29"));
	assert_int_equal(mc_http_get(&acct, path, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&acct, "/api/v1/payment-reconciliation?day=2027-13-01", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&clerk, "/api/v1/payment-reconciliation", &r), 403);
	mc_http_res_free(&r);
}

/* Paid at the counter while a VNPAY order was open, then the gateway
 * confirms it too: 00, the payment stays as it was, and the day's
 * reconciliation shows the order to refund. */
static void paid_twice(void **state)
{
	(void)state;
	char k[80], ref[40], q[2048], path[160];
	struct mc_http_res r;
	submit(&cit, "/api/v1/dossiers", BODY8, k);
	json_t *p = payment_of(&cit, k, 200);
	free(order(p, ref));
	assert_int_equal(pay_post(&clerk, p, "record", "{\"method\":\"cash\"}", &r), 200);
	mc_http_res_free(&r);
	json_decref(p);
	notification(q, sizeof(q), ref, 800000, "00");
	ipn(q, "00");
	p = payment_of(&cit, k, 200);
	assert_string_equal(jstr(p, "method"), "cash");
	json_decref(p);
	snprintf(path, sizeof(path), "/api/v1/payment-reconciliation?day=%s", DAY);
	assert_int_equal(mc_http_get(&acct, path, &r), 200);
	assert_true(json_is_false(json_object_get(json_object_get(r.json, "gateway"), "matches")));
	json_t *u = json_array_get(json_object_get(r.json, "unmatched"), 0);
	assert_string_equal(jstr(u, "kind"), "paid_twice");
	assert_string_equal(jstr(u, "code"), k);
	assert_string_equal(jstr(u, "txn_ref"), ref);
	mc_http_res_free(&r);
}

/* The collection accounts: the ward's administrator keeps the ward's. */
static void accounts(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(mc_http_get(&admin, "/api/v1/pay-accounts", &r), 200);
	assert_non_null(strstr(r.body, "UBND PHUONG SAI GON"));
	mc_http_res_free(&r);
	char path[96];
	long long ward = (long long)sql_int("SELECT id FROM agencies WHERE code = ?", "000.01.31.H29");
	snprintf(path, sizeof(path), "/api/v1/pay-accounts/%lld", ward);
	const char *bad = "{\"bank_bin\":\"97043\",\"bank_name\":\"Vietcombank\",\"account_no\":\"12ab\","
			  "\"account_name\":\"Ủy ban\"}";
	assert_int_equal(mc_http_do(&admin, "PUT", path, bad, NULL, &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "bank_bin"));
	assert_non_null(strstr(r.body, "account_no"));
	assert_non_null(strstr(r.body, "account_name"));
	mc_http_res_free(&r);
	const char *good = "{\"bank_bin\":\"970436\",\"bank_name\":\"Vietcombank\",\"account_no\":\"0071000999888\","
			   "\"account_name\":\"UBND PHUONG SAI GON\"}";
	assert_int_equal(mc_http_do(&admin, "PUT", path, good, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(jstr(r.json, "account_no"), "0071000999888");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_do(&cit, "PUT", path, good, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	mc_http_res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_per_catalogue),
		cmocka_unit_test(vnpay_url_signed),
		cmocka_unit_test(ipn_answers),
		cmocka_unit_test(simulator_pays),
		cmocka_unit_test(cash_and_gates),
		cmocka_unit_test(refunds),
		cmocka_unit_test(stop_refund),
		cmocka_unit_test(refund_retried),
		cmocka_unit_test(form01_vietqr),
		cmocka_unit_test(reconciliation),
		cmocka_unit_test(paid_twice),
		cmocka_unit_test(accounts),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

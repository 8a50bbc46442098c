/*
 * payment_api.c - fees paid over HTTP: a dossier's payment (its VietQR
 * code as an image, the VNPAY order), the gateway's notification (IPN)
 * and the browser's return, cash and transfers recorded, refunds, the
 * e-receipt, the daily reconciliation and the collection accounts.  The
 * dossier engine's fee hook is joined to the payments domain here, and
 * the gateway's API is called with libcurl.
 */
#include "api.h"

#include "../dossier/dossier.h"
#include "../core/log.h"
#include "../core/timeutil.h"
#include "../http/client.h"
#include "../payment/payment.h"
#include "../render/qr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define GATEWAY_TIMEOUT_S 20
/* a refund that failed is tried again by the housekeeping after this */
#define REFUND_RETRY_AFTER_MS (5LL * 60 * 1000)

/* The gateway's settings for this server: the simulator's addresses when
 * it answers as the gateway (paysim). */
static const struct mc_pay_config *pay_config(struct mc_req *r)
{
	struct mc_config *c = mc_server_config(r->srv);
	struct mc_pay_config *g = mc_zalloc(r->arena, sizeof(*g));
	g->tmn = c->vnpay_tmn;
	g->secret = c->vnpay_secret;
	g->return_url = c->vnpay_return_url;
	g->pay_url = c->vnpay_url[0] ? c->vnpay_url
		     : c->paysim     ? mc_sprintf(r->arena, "%s/paysim/vpcpay.html", c->public_url)
				     : "";
	g->api_url = c->vnpay_api_url[0] ? c->vnpay_api_url
		     : c->paysim ? mc_sprintf(r->arena, "http://127.0.0.1:%d/paysim/merchant_webapi/api/transaction",
					      mc_server_port(r->srv))
				 : "";
	return g;
}

static int gateway_call(void *arg, const char *url, const char *body, json_t **answer)
{
	(void)arg;
	struct mc_buf b = MC_BUF_INIT(64 * 1024);
	long status = 0;
	char err[256];
	int rc = mc_http_client_call("POST", url, "application/json", body, strlen(body), GATEWAY_TIMEOUT_S, &status,
				     &b, err, sizeof(err));
	json_error_t je;
	*answer = !rc && status == 200 ? json_loadb(b.data ? b.data : "", b.len, 0, &je) : NULL;
	if (!*answer)
		mc_log_json(MC_LOG_WARN, "payment.gateway_failed",
			    json_pack("{s:s, s:I, s:s}", "url", url, "status", (json_int_t)status, "error", err));
	mc_buf_release(&b);
	return *answer ? 0 : MC_E_UNAVAILABLE;
}

static const struct mc_pay_gateway gateway = {NULL, gateway_call};

static int pay_ctx(struct mc_req *r, struct mc_pay_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	*x = (struct mc_pay_ctx){c, r->arena, r->who, r->addr, &r->err, pay_config(r), &gateway, r->lang};
	return 0;
}

int mc_api_payment_refunds(struct mc_conn *c, const struct mc_config *cfg, int64_t now, int64_t *done)
{
	*done = 0;
	if (!cfg->vnpay_api_url[0])
		return 0; /* the simulator's API is the serving server's */
	struct mc_arena *a = mc_arena_new(4096);
	struct mc_error e;
	mc_error_init(&e);
	struct mc_pay_config g = {cfg->vnpay_tmn, cfg->vnpay_secret, cfg->vnpay_url, cfg->vnpay_api_url,
				  cfg->vnpay_return_url};
	struct mc_pay_ctx x = {c, a, NULL, "127.0.0.1", &e, &g, &gateway, "vi"};
	int rc = mc_payment_refund_retry(&x, now - REFUND_RETRY_AFTER_MS, done);
	mc_arena_free(a);
	return rc;
}

int mc_api_dossier_fee(const struct mc_dossier_ctx *x, const struct mc_dossier_fee *f)
{
	struct mc_pay_dossier d = {
		.id = f->id,
		.competent = f->competent,
		.received_agency = f->received_agency,
		.actor = x->who ? x->who->user_id : 0,
		.code = f->code,
		.action = f->action,
		.channel = f->channel,
		.to = f->to,
		.addr = x->addr,
		.received = f->received,
		.fees = f->fees,
		.in = f->in,
	};
	return mc_payment_on_dossier(x->c, x->e, &d, mc_time_now_ms());
}

void mc_api_dossier_refunds(struct mc_req *r, const char *code)
{
	struct mc_pay_ctx x;
	if (!pay_ctx(r, &x))
		mc_payment_refund_due(&x, code);
}

int mc_api_form_payment(struct mc_req *r, json_t *dossier)
{
	struct mc_conn *c;
	json_t *p = NULL;
	int64_t id = 0;
	const char *code = json_string_value(json_object_get(dossier, "code"));
	int rc = mc_req_db(r, &c);
	if (rc || !code)
		return rc;
	rc = mc_dossier_id_by_code(c, code, &id);
	if (!rc && !(rc = mc_payment_for_form(c, r->arena, id, &p)) && p)
		json_object_set_new(dossier, "payment", p);
	return rc;
}

static int answer(struct mc_req *r, int rc, json_t *out)
{
	if (rc)
		return mc_api_fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

static int dossier_payment(struct mc_req *r)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63);
	struct mc_pay_ctx x;
	json_t *out = NULL;
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	int rc = pay_ctx(r, &x);
	if (rc)
		return rc;
	rc = mc_payment_of_dossier(&x, code, &out);
	return answer(r, rc, out);
}

static int payment_get(struct mc_req *r)
{
	int64_t id;
	struct mc_pay_ctx x;
	json_t *out = NULL;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = pay_ctx(r, &x)))
		return rc;
	rc = mc_payment_get(&x, id, &out);
	return answer(r, rc, out);
}

static int payment_qr(struct mc_req *r)
{
	int64_t id;
	struct mc_pay_ctx x;
	const char *text = NULL;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = pay_ctx(r, &x)))
		return rc;
	if ((rc = mc_payment_vietqr(&x, id, &text)))
		return mc_api_fail(r, rc);
	struct mc_buf b = MC_BUF_INIT(256 * 1024);
	if ((rc = mc_qr_svg(text, 0, &b))) {
		mc_buf_release(&b);
		return mc_api_fail(r, rc);
	}
	rc = mc_res_text(r, 200, "image/svg+xml", b.data, b.len);
	mc_buf_release(&b);
	mc_res_header(r, "Cache-Control", "private, no-cache");
	return rc;
}

static int payment_vnpay(struct mc_req *r)
{
	int64_t id;
	struct mc_pay_ctx x;
	json_t *out = NULL;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = pay_ctx(r, &x)))
		return rc;
	if ((rc = mc_payment_vnpay_start(&x, id, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 201, out);
}

/* POST with If-Match: fn(x, id, version, body, &out). */
static int change(struct mc_req *r, int (*fn)(struct mc_pay_ctx *, int64_t, int64_t, json_t *, json_t **))
{
	int64_t id, version = -1;
	json_t *b = r->json ? mc_api_id_body(r, &id)
			    : (mc_api_id_param(r, "id", &id) ? NULL : mc_req_keep(r, json_object()));
	if (!b)
		return r->err.code;
	struct mc_pay_ctx x;
	json_t *out = NULL;
	int rc = mc_api_if_match(r, &version);
	if (rc || (rc = pay_ctx(r, &x)))
		return rc;
	rc = fn(&x, id, version, b, &out);
	return answer(r, rc, out);
}

static int payment_record(struct mc_req *r)
{
	return change(r, mc_payment_record);
}

static int payment_refund(struct mc_req *r)
{
	return change(r, mc_payment_refund);
}

static int payment_receipt(struct mc_req *r)
{
	int64_t id;
	struct mc_pay_ctx x;
	char name[64];
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = pay_ctx(r, &x)))
		return rc;
	struct mc_buf b = MC_BUF_INIT(MC_API_DOC_LIMIT);
	if ((rc = mc_payment_receipt(&x, id, &b, name))) {
		mc_buf_release(&b);
		return mc_api_fail(r, rc);
	}
	return mc_api_send_doc(r, &b, 1, name);
}

/* ---- the gateway's calls ---- */

static int vnpay_ipn(struct mc_req *r)
{
	struct mc_vnp_params *g = mc_zalloc(r->arena, sizeof(*g));
	struct mc_pay_ctx x;
	const char *code = "99", *msg = "Unknow error";
	g->a = r->arena;
	int rc = pay_ctx(r, &x);
	if (!rc && !mc_req_query_each(r, mc_vnp_params_take, g))
		rc = mc_payment_ipn(&x, g->v, g->n, &code, &msg);
	if (rc) {
		mc_log_json(MC_LOG_ERROR, "payment.ipn_failed", json_pack("{s:i}", "rc", rc));
		code = "99", msg = "Unknow error";
	}
	/* the gateway reads RspCode: always 200 */
	r->err.code = 0;
	return mc_res_json(r, 200, json_pack("{s:s, s:s}", "RspCode", code, "Message", msg));
}

static int vnpay_return(struct mc_req *r)
{
	struct mc_vnp_params *g = mc_zalloc(r->arena, sizeof(*g));
	struct mc_pay_ctx x;
	json_t *out = NULL;
	g->a = r->arena;
	int rc = pay_ctx(r, &x);
	if (rc)
		return rc;
	if (mc_req_query_each(r, mc_vnp_params_take, g))
		return mc_fail(r, MC_E_INVAL, "too many arguments");
	if ((rc = mc_payment_return(&x, g->v, g->n, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, out);
}

/* ---- the accountant's and the administrator's ---- */

static int reconcile(struct mc_req *r)
{
	int64_t agency = 0;
	struct mc_pay_ctx x;
	json_t *out = NULL;
	char day[11], today[11];
	int y, m, d;
	mc_vn_date(mc_time_now_ms(), &y, &m, &d);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
	int rc = mc_api_query_int(r, "agency_id", 1, INT64_MAX, r->who->agency_id, &agency);
	if (rc)
		return rc;
	if (mc_api_day_query(r, "day", today, day))
		return mc_api_check(r);
	if ((rc = pay_ctx(r, &x)))
		return rc;
	if ((rc = mc_payment_reconcile(&x, agency, day, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int accounts(struct mc_req *r)
{
	struct mc_pay_ctx x;
	json_t *items = NULL;
	int rc = pay_ctx(r, &x);
	if (rc)
		return rc;
	if ((rc = mc_payment_accounts(&x, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

static int account_put(struct mc_req *r)
{
	int64_t id;
	json_t *b = mc_api_id_body(r, &id), *out = NULL;
	struct mc_pay_ctx x;
	if (!b)
		return r->err.code;
	int rc = pay_ctx(r, &x);
	if (rc)
		return rc;
	if ((rc = mc_payment_account_put(&x, id, b, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, out);
}

const struct mc_route mc_api_payment_routes[] = {
	{"GET", "/api/v1/dossiers/{code}/payment", dossier_payment, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/payments/{id}", payment_get, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/payments/{id}/vietqr.svg", payment_qr, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/payments/{id}/vnpay", payment_vnpay, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/payments/{id}/record", payment_record, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/payments/{id}/refund", payment_refund, MC_AUTH_REQUIRED, "payment.manage", 0},
	{"GET", "/api/v1/payments/{id}/receipt.pdf", payment_receipt, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/vnpay/ipn", vnpay_ipn, MC_AUTH_NONE, NULL, 0},
	{"GET", "/api/v1/vnpay/return", vnpay_return, MC_AUTH_OPTIONAL, NULL, 0},
	{"GET", "/api/v1/payment-reconciliation", reconcile, MC_AUTH_REQUIRED, "payment.manage", 0},
	{"GET", "/api/v1/pay-accounts", accounts, MC_AUTH_REQUIRED, "payment.accounts", 0},
	{"PUT", "/api/v1/pay-accounts/{id}", account_put, MC_AUTH_REQUIRED, "payment.accounts", 0},
	{NULL, NULL, NULL, 0, NULL, 0},
};

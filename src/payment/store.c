/*
 * store.c - the SQL of the payments' tables: a payment read with its
 * dossier, who may see it, the trail (event and audit), the outbox, the
 * settlement with its receipt number, the collecting account, and the
 * payment as shown.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define PAY_COLS                                                                                                       \
	"p.id, p.dossier_id, p.agency_id, p.amount, p.version, p.requested_at, COALESCE(p.paid_at, 0),"                \
	" COALESCE(p.refund_due_at, 0), COALESCE(p.refunded_at, 0), COALESCE(p.receipt_no, 0),"                        \
	" COALESCE(d.applicant_id, 0), d.competent_agency_id, d.received_agency_id, p.status, p.stage,"                \
	" COALESCE(p.method, ''), d.code, COALESCE(p.receipt_symbol, ''), d.status, COALESCE(p.reference, '')"         \
	" FROM payments p JOIN dossiers d ON d.id = p.dossier_id"

int mc__pay_owed(const struct mc__pay *p)
{
	static const char *const ended[] = {"refused", "withdrawn", "stopped", NULL};
	if (strcmp(p->status, "requested") != 0 && strcmp(p->status, "failed") != 0)
		return 0;
	for (const char *const *e = ended; *e; e++)
		if (strcmp(p->dossier_status, *e) == 0)
			return 0;
	return 1;
}

const char *mc__pay_vnd(int64_t amount, char *out, size_t n)
{
	char d[32];
	int k = snprintf(d, sizeof(d), "%lld", (long long)(amount < 0 ? 0 : amount));
	size_t w = 0;
	for (int i = 0; i < k && w + 2 < n; i++) {
		if (i && (k - i) % 3 == 0)
			out[w++] = '.';
		out[w++] = d[i];
	}
	out[w] = '\0';
	return out;
}

json_t *mc__pay_time(int64_t ms)
{
	if (!ms)
		return json_null();
	char buf[40];
	mc_time_format_vn(ms, buf, sizeof(buf));
	return json_string(buf);
}

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static int fill(struct mc_stmt *s, struct mc__pay *p)
{
	int rc = mc_step_row(s);
	if (rc == 0) {
		memset(p, 0, sizeof(*p));
		int64_t *v[] = {&p->id,           &p->dossier,   &p->agency,         &p->amount,      &p->version,
				&p->requested_at, &p->paid_at,   &p->refund_due_at,  &p->refunded_at, &p->receipt_no,
				&p->applicant_id, &p->competent, &p->received_agency};
		for (int i = 0; i < 13; i++)
			*v[i] = mc_col_int64(s, i);
		copy(p->status, sizeof(p->status), mc_col_text(s, 13));
		copy(p->stage, sizeof(p->stage), mc_col_text(s, 14));
		copy(p->method, sizeof(p->method), mc_col_text(s, 15));
		copy(p->code, sizeof(p->code), mc_col_text(s, 16));
		copy(p->symbol, sizeof(p->symbol), mc_col_text(s, 17));
		copy(p->dossier_status, sizeof(p->dossier_status), mc_col_text(s, 18));
		copy(p->reference, sizeof(p->reference), mc_col_text(s, 19));
	}
	mc_stmt_done(s);
	return rc;
}

int mc__pay_load(struct mc_conn *c, int64_t id, struct mc__pay *p)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT " PAY_COLS " WHERE p.id = ?", "i", id);
	return rc ? rc : fill(s, p);
}

int mc__pay_load_dossier(struct mc_conn *c, int64_t dossier, struct mc__pay *p)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT " PAY_COLS " WHERE p.dossier_id = ?", "i", dossier);
	return rc ? rc : fill(s, p);
}

int mc__pay_holds(struct mc_pay_ctx *x, const char *perm, int64_t agency, int subtree)
{
	if (!x->who || !x->who->agency_id || (perm && !mc_principal_has(x->who, perm)))
		return 0;
	return subtree ? mc_agency_within(x->c, x->who->agency_id, agency)
		       : mc_agency_acts_for(x->c, x->who->agency_id, agency);
}

/* The applicant, or an official whose subtree holds the dossier's
 * competent or receiving agency. */
static int may_see(struct mc_pay_ctx *x, const struct mc__pay *p)
{
	if (!x->who)
		return 0;
	if (p->applicant_id && x->who->user_id == p->applicant_id)
		return 1;
	int rc = mc__pay_holds(x, NULL, p->competent, 1);
	if (rc == 0)
		rc = mc__pay_holds(x, NULL, p->received_agency, 1);
	return rc;
}

int mc__pay_load_seen(struct mc_pay_ctx *x, int64_t id, struct mc__pay *p)
{
	int rc = mc__pay_load(x->c, id, p);
	if (rc)
		return rc;
	rc = may_see(x, p);
	return rc < 0 ? rc : rc ? 0 : MC_E_NOT_FOUND;
}

int mc__pay_record(struct mc_conn *c, int64_t id, int64_t actor, const char *addr, const char *action, json_t *detail,
		   int64_t now)
{
	if (!detail)
		detail = json_object();
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t k = mc_exec(c,
			    "INSERT INTO payment_events (payment_id, at, actor_id, action, detail) VALUES (?, ?, "
			    "NULLIF(?, 0), ?, ?)",
			    "iiitt", id, now, actor, action, text);
	free(text);
	int rc = k < 0 ? (int)k : 0;
	if (!rc) {
		char oid[24], what[48];
		snprintf(oid, sizeof(oid), "%lld", (long long)id);
		snprintf(what, sizeof(what), "payment.%s", action);
		struct mc_audit_entry ae = {actor, what, "payment", oid, addr ? addr : "-", NULL};
		rc = mc_audit_append_json(c, &ae, json_incref(detail));
	}
	json_decref(detail);
	return rc;
}

int mc__pay_notice(struct mc_conn *c, const struct mc__pay *p, const char *event, json_t *payload, int64_t now)
{
	struct mc_stmt *s;
	json_t *to = NULL, *ap = NULL;
	int rc = mc_query(c, &s, "SELECT applicant FROM dossiers WHERE id = ?", "i", p->dossier);
	char link[160] = "";
	/* the applicant's own dossier page (where they pay), or the public
	 * tracking page of one taken in at the counter without an account */
	snprintf(link, sizeof(link), p->applicant_id ? "/ho-so-cua-toi/%s" : "/tra-cuu?ma=%s", p->code);
	if (!rc && (rc = mc_step_row(s)) == 0) {
		json_error_t je;
		ap = mc_col_text(s, 0) ? json_loads(mc_col_text(s, 0), 0, &je) : NULL;
		mc_stmt_done(s);
	}
	if (!rc) {
		to = json_pack("{s:s?, s:O?, s:O?}", "full_name", json_string_value(json_object_get(ap, "full_name")),
			       "phone", json_object_get(ap, "phone"), "email", json_object_get(ap, "email"));
		if (p->applicant_id)
			json_object_set_new(to, "user_id", json_integer(p->applicant_id));
		char words[256];
		mc_vnd_words(p->amount, words, sizeof(words));
		json_object_set_new(payload, "code", json_string(p->code));
		json_object_set_new(payload, "amount", json_integer(p->amount));
		json_object_set_new(payload, "amount_words", json_string(words));
		json_object_set_new(payload, "amount_vnd", json_string(mc__pay_vnd(p->amount, words, sizeof(words))));
		json_t *nm = json_object_get(to, "full_name");
		json_object_set_new(payload, "name", nm ? json_incref(nm) : json_string(""));
		json_object_set_new(payload, "link", json_string(link));
	}
	char *t = to ? json_dumps(to, JSON_COMPACT) : NULL, *pl = json_dumps(payload, JSON_COMPACT);
	int64_t k = rc ? rc
		       : mc_exec(c,
				 "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload) VALUES (?, "
				 "'payments', ?, ?, ?, ?)",
				 "iittt", now, p->id, event, t, pl);
	free(t);
	free(pl);
	json_decref(to);
	json_decref(ap);
	json_decref(payload);
	return k < 0 ? (int)k : 0;
}

/* The next number of agency's receipt series for the year of now. */
static int next_receipt(struct mc_conn *c, int64_t agency, int64_t now, int64_t *no, int *year)
{
	int m, d;
	mc_vn_date(now, year, &m, &d);
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "INSERT INTO payment_receipt_seq (agency_id, year, last_no) VALUES (?, ?, 1)"
			  " ON CONFLICT (agency_id, year) DO UPDATE SET last_no = payment_receipt_seq.last_no + 1"
			  " RETURNING last_no",
			  "id", agency, *year);
	return rc ? rc : mc_step_returning(s, no);
}

int mc__pay_settle(struct mc_conn *c, struct mc__pay *p, const char *method, const char *reference, int64_t actor,
		   const char *addr, int64_t now)
{
	int year = 0;
	int64_t no = 0;
	/* the row first: who finds it settled already takes no number (the
	 * series stays without gaps) */
	int64_t k = mc_exec(c,
			    "UPDATE payments SET status = 'paid', method = ?, reference = ?, paid_at = ?,"
			    " collected_by = NULLIF(?, 0), version = version + 1"
			    " WHERE id = ? AND status IN ('requested', 'failed')",
			    "ttiii", method, reference, now, actor, p->id);
	if (k < 0)
		return (int)k;
	if (k == 0)
		return MC_E_PRECONDITION;
	int rc = next_receipt(c, p->agency, now, &no, &year);
	if (rc)
		return rc;
	snprintf(p->symbol, sizeof(p->symbol), "BL%02dE", year % 100);
	k = mc_exec(c, "UPDATE payments SET receipt_no = ?, receipt_symbol = ? WHERE id = ?", "iti", no, p->symbol,
		    p->id);
	if (k < 0)
		return (int)k;
	p->receipt_no = no;
	p->paid_at = now;
	copy(p->status, sizeof(p->status), "paid");
	copy(p->method, sizeof(p->method), method);
	if ((rc = mc__pay_record(c, p->id, actor, addr, "paid",
				 json_pack("{s:s, s:s?, s:I, s:s, s:I}", "method", method, "reference", reference,
					   "amount", (json_int_t)p->amount, "receipt_symbol", p->symbol, "receipt_no",
					   (json_int_t)no),
				 now)))
		return rc;
	char receipt[40];
	snprintf(receipt, sizeof(receipt), "%s-%07lld", p->symbol, (long long)no);
	return mc__pay_notice(c, p, "payment_received", json_pack("{s:s, s:s}", "method", method, "receipt", receipt),
			      now);
}

int mc__pay_account(struct mc_conn *c, int64_t agency, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT a.agency_id, a.bank_bin, a.bank_name, a.account_no, a.account_name FROM agency_tree t"
		" JOIN pay_accounts a ON a.agency_id = t.ancestor_id WHERE t.descendant_id = ? ORDER BY t.depth"
		" LIMIT 1",
		"i", agency);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "agency_id", (json_int_t)mc_col_int64(s, 0), "bank_bin",
				 mc_col_text(s, 1), "bank_name", mc_col_text(s, 2), "account_no", mc_col_text(s, 3),
				 "account_name", mc_col_text(s, 4));
	mc_stmt_done(s);
	return rc;
}

void mc__pay_purpose(const struct mc__pay *p, char *out, size_t n)
{
	/* ASCII, at most 25 characters (EMVCo's purpose of transaction): "LP"
	 * and the code without its dots, which the bank statement shows */
	size_t k = (size_t)snprintf(out, n, "LP ");
	for (const char *c = p->code; *c && k + 1 < n; c++)
		if (*c != '.')
			out[k++] = *c;
	out[k < n ? k : n - 1] = '\0';
}

void mc__pay_order_info(const struct mc__pay *p, char *out, size_t n)
{
	snprintf(out, n, "Le phi ho so %s", p->code);
}

static json_t *event_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *detail = json_loads(mc_col_text(s, 3) ? mc_col_text(s, 3) : "{}", 0, &je);
	return json_pack("{s:s, s:o, s:o, s:o}", "action", mc_col_text(s, 0), "at", mc_col_json_time(s, 1), "by",
			 mc_col_is_null(s, 2) ? json_null() : json_string(mc_col_text(s, 2)), "detail",
			 detail ? detail : json_object());
}

/* What the caller may do with p now. */
static json_t *may(struct mc_pay_ctx *x, const struct mc__pay *p)
{
	int open = mc__pay_owed(p);
	int paid = strcmp(p->status, "paid") == 0;
	int mine = x->who && p->applicant_id == x->who->user_id;
	int cash = open && (mc__pay_holds(x, "payment.collect", p->received_agency, 0) == 1 ||
			    mc__pay_holds(x, "payment.collect", p->agency, 0) == 1);
	int manage = mc__pay_holds(x, "payment.manage", p->agency, 1) == 1;
	const struct mc_pay_config *g = x->cfg;
	int gateway = g && g->pay_url && *g->pay_url && g->tmn && *g->tmn && g->secret && *g->secret;
	return json_pack("{s:b, s:b, s:b, s:b}", "vnpay", open && mine && gateway, "cash", cash, "transfer",
			 open && manage, "refund", paid && manage);
}

static json_t *receipt_of(struct mc_pay_ctx *x, const struct mc__pay *p)
{
	if (!p->receipt_no)
		return json_null();
	return json_pack("{s:s, s:s, s:s}", "symbol", p->symbol, "number",
			 mc_sprintf(x->arena, "%07lld", (long long)p->receipt_no), "href",
			 mc_sprintf(x->arena, "/api/v1/payments/%lld/receipt.pdf", (long long)p->id));
}

int mc__pay_json(struct mc_pay_ctx *x, const struct mc__pay *p, json_t **out)
{
	struct mc_stmt *s;
	json_t *events = NULL, *acct = NULL;
	char words[256], purpose[128], qr[512] = "";
	int rc = mc__pay_account(x->c, p->agency, &acct);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	mc_vnd_words(p->amount, words, sizeof(words));
	mc__pay_purpose(p, purpose, sizeof(purpose));
	if (acct && mc_vietqr_payload(json_string_value(json_object_get(acct, "bank_bin")),
				      json_string_value(json_object_get(acct, "account_no")), p->amount, p->code,
				      purpose, qr, sizeof(qr)))
		qr[0] = '\0';
	rc = mc_query(x->c, &s,
		      "SELECT e.action, e.at, u.full_name, e.detail FROM payment_events e LEFT JOIN users u ON u.id ="
		      " e.actor_id WHERE e.payment_id = ? ORDER BY e.id",
		      "i", p->id);
	if (rc || (rc = mc_rows_json(s, event_row, NULL, &events))) {
		json_decref(acct);
		return rc;
	}
	*out = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s?, s:s?, s:o, s:o, s:b, s:o, s:o, s:O?, s:s?, s:s?, s:s,"
			 " s:I, s:o, s:o, s:s}",
			 "id", (json_int_t)p->id, "code", p->code, "amount", (json_int_t)p->amount, "amount_words",
			 words, "stage", p->stage, "status", p->status, "method", p->method[0] ? p->method : NULL,
			 "reference", p->reference[0] ? p->reference : NULL, "requested_at",
			 mc__pay_time(p->requested_at), "paid_at", mc__pay_time(p->paid_at), "refund_due",
			 p->refund_due_at && !p->refunded_at, "refunded_at", mc__pay_time(p->refunded_at), "receipt",
			 receipt_of(x, p), "account", acct, "vietqr", qr[0] ? qr : NULL, "purpose", purpose, "qr_href",
			 mc_sprintf(x->arena, "/api/v1/payments/%lld/vietqr.svg", (long long)p->id), "version",
			 (json_int_t)p->version, "events", events, "may", may(x, p), "dossier_status",
			 p->dossier_status);
	json_decref(acct);
	return *out ? 0 : MC_E_NOMEM;
}

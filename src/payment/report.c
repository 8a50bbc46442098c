/*
 * report.c - the daily reconciliation of an agency's fees (đối soát): per
 * method (VNPAY, VietQR transfer, cash) the payments received on the local
 * day and the refunds made, the gateway's confirmed orders set against
 * the payments they settled, and what does not match (an order paid after
 * the fee was settled otherwise, a refund due and not made).
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char *const methods[] = {"vnpay", "vietqr", "cash"};

/* count and total per method of one grouped query into items[method][k]. */
static int per_method(struct mc_conn *c, const char *sql, int64_t agency, int64_t from, int64_t to, json_t *items,
		      const char *count_key, const char *total_key)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, sql, "iii", agency, from, to);
	if (rc)
		return rc;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		json_t *m = json_object_get(items, mc_col_text(s, 0) ? mc_col_text(s, 0) : "");
		if (m) {
			json_object_set_new(m, count_key, json_integer(mc_col_int64(s, 1)));
			json_object_set_new(m, total_key, json_integer(mc_col_int64(s, 2)));
		}
	}
	mc_stmt_done(s);
	return rc == MC_DB_DONE ? 0 : rc;
}

static json_t *row_of(struct mc_stmt *s, void *ud)
{
	(void)ud;
	char receipt[40];
	snprintf(receipt, sizeof(receipt), "%s-%07lld", mc_col_text(s, 4) ? mc_col_text(s, 4) : "",
		 (long long)mc_col_int64(s, 8));
	return json_pack("{s:s, s:s, s:I, s:s?, s:s, s:o, s:o, s:s}", "code", mc_col_text(s, 0), "method",
			 mc_col_text(s, 1), "amount", (json_int_t)mc_col_int64(s, 2), "reference", mc_col_text(s, 3),
			 "receipt", receipt, "paid_at", mc_col_json_time(s, 5), "refunded_at", mc_col_json_time(s, 6),
			 "status", mc_col_text(s, 7));
}

static json_t *unmatched_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:s, s:s, s:I, s:s?}", "kind", mc_col_text(s, 0), "code", mc_col_text(s, 1), "amount",
			 (json_int_t)mc_col_int64(s, 2), "txn_ref", mc_col_text(s, 3));
}

/* The day's payments, and what does not match. */
static int lists(struct mc_conn *c, int64_t agency, int64_t from, int64_t to, json_t **rows, json_t **unmatched)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT d.code, p.method, p.amount, p.reference, p.receipt_symbol, p.paid_at, p.refunded_at,"
			  " p.status, p.receipt_no"
			  " FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE p.agency_id = ? AND"
			  " ((p.paid_at >= ? AND p.paid_at < ?) OR (p.refunded_at >= ? AND p.refunded_at < ?))"
			  " ORDER BY p.paid_at, p.id",
			  "iiiii", agency, from, to, from, to);
	if (rc || (rc = mc_rows_json(s, row_of, NULL, rows)))
		return rc;
	rc = mc_query(c, &s,
		      "SELECT 'paid_twice', d.code, o.amount, o.txn_ref FROM payment_orders o JOIN payments p ON p.id ="
		      " o.payment_id JOIN dossiers d ON d.id = p.dossier_id WHERE p.agency_id = ? AND o.unmatched = 1"
		      " AND o.confirmed_at >= ? AND o.confirmed_at < ?"
		      " UNION ALL SELECT 'refund_due', d.code, p.amount, NULL FROM payments p JOIN dossiers d ON d.id ="
		      " p.dossier_id WHERE p.agency_id = ? AND p.status = 'paid' AND p.refund_due_at IS NOT NULL AND"
		      " p.refund_due_at < ? ORDER BY 2",
		      "iiiii", agency, from, to, agency, to);
	return rc ? rc : mc_rows_json(s, unmatched_row, NULL, unmatched);
}

/* The gateway's side: orders confirmed paid on the day. */
static int gateway(struct mc_conn *c, int64_t agency, int64_t from, int64_t to, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT COUNT(*), COALESCE(SUM(o.amount), 0) FROM payment_orders o JOIN payments p ON p.id ="
			  " o.payment_id WHERE p.agency_id = ? AND o.status = 'paid' AND o.confirmed_at >= ? AND"
			  " o.confirmed_at < ?",
			  "iii", agency, from, to);
	if (rc || (rc = mc_step_row(s)))
		return rc;
	*out = json_pack("{s:I, s:I}", "orders_paid", (json_int_t)mc_col_int64(s, 0), "orders_total",
			 (json_int_t)mc_col_int64(s, 1));
	mc_stmt_done(s);
	return 0;
}

int mc_payment_reconcile(struct mc_pay_ctx *x, int64_t agency, const char *day, json_t **out)
{
	int y, m, d;
	char extra;
	if (!day || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || strlen(day) != 10 || m < 1 || m > 12 ||
	    d < 1 || d > 31) {
		mc_bad_field(x->e, "day", MC_M_PAYMENT_DAY);
		return x->e->code = MC_E_VALIDATION;
	}
	int rc = mc__pay_holds(x, "payment.manage", agency, 1);
	if (rc <= 0)
		return rc < 0 ? rc : MC_E_NOT_FOUND;
	int64_t from = mc_vn_day_start(mc_days_from_civil(y, m, d)), to = from + MC_DAY_MS;
	json_t *items = json_object(), *rows = NULL, *unmatched = NULL, *gw = NULL;
	for (int i = 0; i < 3; i++)
		json_object_set_new(items, methods[i],
				    json_pack("{s:s, s:i, s:i, s:i, s:i}", "method", methods[i], "count", 0, "total", 0,
					      "refunds", 0, "refunded", 0));
	if ((rc = per_method(x->c,
			     "SELECT method, COUNT(*), SUM(amount) FROM payments WHERE agency_id = ? AND paid_at >= ?"
			     " AND paid_at < ? GROUP BY method",
			     agency, from, to, items, "count", "total")) ||
	    (rc = per_method(
		     x->c,
		     "SELECT method, COUNT(*), SUM(amount) FROM payments WHERE agency_id = ? AND refunded_at >= ?"
		     " AND refunded_at < ? GROUP BY method",
		     agency, from, to, items, "refunds", "refunded")) ||
	    (rc = lists(x->c, agency, from, to, &rows, &unmatched)) || (rc = gateway(x->c, agency, from, to, &gw)))
		goto out;
	json_t *arr = json_array();
	json_int_t count = 0, total = 0, refunded = 0;
	for (int i = 0; i < 3; i++) {
		json_t *it = json_object_get(items, methods[i]);
		count += json_integer_value(json_object_get(it, "count"));
		total += json_integer_value(json_object_get(it, "total"));
		refunded += json_integer_value(json_object_get(it, "refunded"));
		json_array_append(arr, it);
	}
	json_int_t vn = json_integer_value(json_object_get(json_object_get(items, "vnpay"), "total"));
	/* every confirmed order settled exactly one payment: the gateway's
	 * total is the VNPAY payments' */
	json_object_set_new(gw, "matches", json_boolean(json_integer_value(json_object_get(gw, "orders_total")) == vn));
	*out = json_pack("{s:I, s:s, s:o, s:{s:I, s:I, s:I, s:I}, s:O, s:O, s:O}", "agency_id", (json_int_t)agency,
			 "day", day, "methods", arr, "totals", "count", count, "total", total, "refunded", refunded,
			 "net", total - refunded, "gateway", gw, "unmatched", unmatched, "payments", rows);
	rc = *out ? 0 : MC_E_NOMEM;
out:
	json_decref(items);
	json_decref(rows);
	json_decref(unmatched);
	json_decref(gw);
	return rc;
}

/*
 * accounts.c - the agencies' collection accounts (tài khoản thu phí, lệ
 * phí) that VietQR codes are made to: listed over the administrator's
 * subtree, set one agency at a time (checked: a 6-digit NAPAS BIN, 6-19
 * digits, the name as the bank holds it), each change audited.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/field.h"
#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static json_t *account_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_t *acct = json_null();
	if (!mc_col_is_null(s, 4))
		acct = json_pack("{s:s, s:s, s:s, s:s, s:I}", "bank_bin", mc_col_text(s, 4), "bank_name",
				 mc_col_text(s, 5), "account_no", mc_col_text(s, 6), "account_name", mc_col_text(s, 7),
				 "version", (json_int_t)mc_col_int64(s, 8));
	return json_pack("{s:I, s:s, s:s, s:s, s:o}", "agency_id", (json_int_t)mc_col_int64(s, 0), "code",
			 mc_col_text(s, 1), "name", mc_col_text(s, 2), "name_en", mc_col_text(s, 3), "account", acct);
}

int mc_payment_accounts(struct mc_pay_ctx *x, json_t **out)
{
	struct mc_stmt *s;
	if (!x->who || !x->who->agency_id)
		return MC_E_FORBIDDEN;
	int rc = mc_query(
		x->c, &s,
		"SELECT a.id, a.code, a.name, a.name_en, k.bank_bin, k.bank_name, k.account_no, k.account_name,"
		" k.version FROM agency_tree t JOIN agencies a ON a.id = t.descendant_id LEFT JOIN pay_accounts k"
		" ON k.agency_id = a.id WHERE t.ancestor_id = ? ORDER BY a.code LIMIT 500",
		"i", x->who->agency_id);
	return rc ? rc : mc_rows_json(s, account_row, NULL, out);
}

static int digits(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/* Capitals, digits, spaces and ".-&" only: what banks print. */
static int bank_name_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 70)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr(" .-&", *s)))
			return 0;
	return 1;
}

static int put(struct mc_conn *c, int64_t agency, const char *bin, const char *bank, const char *no, const char *name,
	       int64_t by, int64_t now)
{
	int64_t k = mc_exec(
		c,
		"INSERT INTO pay_accounts (agency_id, bank_bin, bank_name, account_no, account_name, updated_at,"
		" updated_by) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0)) ON CONFLICT (agency_id) DO UPDATE SET"
		" bank_bin = excluded.bank_bin, bank_name = excluded.bank_name, account_no ="
		" excluded.account_no, account_name = excluded.account_name, updated_at = excluded.updated_at,"
		" updated_by = excluded.updated_by, version = pay_accounts.version + 1",
		"ittttii", agency, bin, bank, no, name, now, by);
	return k < 0 ? (int)k : 0;
}

int mc_payment_account_put(struct mc_pay_ctx *x, int64_t agency, json_t *in, json_t **out)
{
	int rc = mc__pay_holds(x, "payment.accounts", agency, 1);
	if (rc <= 0)
		return rc < 0 ? rc : MC_E_NOT_FOUND;
	const char *bin = mc_field_str(x->arena, x->e, in, "bank_bin", 6, 1);
	const char *bank = mc_field_str(x->arena, x->e, in, "bank_name", 120, 1);
	const char *no = mc_field_str(x->arena, x->e, in, "account_no", 19, 1);
	const char *name = mc_field_str(x->arena, x->e, in, "account_name", 70, 1);
	if (bin && !digits(bin, 6, 6))
		mc_bad_field(x->e, "bank_bin", MC_M_PAYMENT_BANK_BIN);
	if (no && !digits(no, 6, 19))
		mc_bad_field(x->e, "account_no", MC_M_PAYMENT_ACCOUNT_NO);
	if (name && !bank_name_ok(name))
		mc_bad_field(x->e, "account_name", MC_M_PAYMENT_ACCOUNT_NAME);
	if (x->e->nfields)
		return x->e->code = MC_E_VALIDATION;
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)agency);
	struct mc_audit_entry ae = {x->who->user_id, "payment.account_set", "agency", oid, x->addr, NULL};
	if (!(rc = put(x->c, agency, bin, bank, no, name, x->who->user_id, mc_time_now_ms())) &&
	    !(rc = mc_audit_append_json(
		      x->c, &ae,
		      json_pack("{s:s, s:s, s:s}", "bank_bin", bin, "account_no", no, "account_name", name))))
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc__pay_account(x->c, agency, out);
}

int mc_payment_account_seed(struct mc_conn *c, const char *agency_code, const char *bin, const char *bank,
			    const char *account, const char *name)
{
	int64_t agency = 0;
	int rc = mc_query_int64(c, &agency, "SELECT id FROM agencies WHERE code = ?", "t", agency_code);
	return rc ? rc : put(c, agency, bin, bank, account, name, 0, mc_time_now_ms());
}

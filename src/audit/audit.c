/* audit.c - hash-chained audit log; see audit.h. */
#include "audit.h"

#include "../core/err.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../db/rows.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static void add_field(struct mc_sha256_ctx *h, const char *s)
{
	/* length-prefixed, so no field can bleed into the next */
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof(len), "%zu:", n);
	mc_sha256_add(h, len, (size_t)k);
	if (n)
		mc_sha256_add(h, s, n);
}

void mc_audit_hash(int64_t id, int64_t at, int64_t actor, const char *action, const char *otype, const char *oid,
		   const char *source, const char *detail, const char *prev, char out[65])
{
	char nums[80];
	snprintf(nums, sizeof(nums), "%" PRId64 "|%" PRId64 "|%" PRId64, id, at, actor);
	struct mc_sha256_ctx *h = mc_sha256_begin();
	add_field(h, nums);
	add_field(h, action);
	add_field(h, otype);
	add_field(h, oid);
	add_field(h, source);
	add_field(h, detail);
	add_field(h, prev);
	mc_sha256_end_hex(h, out);
}

int mc_audit_append_json(struct mc_conn *c, struct mc_audit_entry *e, json_t *d)
{
	char *text = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	e->detail = text;
	int rc = mc_audit_append(c, e);
	e->detail = NULL;
	free(text);
	return rc;
}

json_t *mc_audit_code(const char *code)
{
	return json_pack("{s:s}", "code", code ? code : "");
}

int mc_audit_append(struct mc_conn *c, const struct mc_audit_entry *e)
{
	if (!mc_in_tx(c))
		return MC_E_INTERNAL;
	struct mc_stmt *s;
	/* The UPDATE takes the row lock (PostgreSQL) / write lock (SQLite), so
	 * appends are serialised and ids are gap-free. */
	int rc = mc_query(c, &s,
			  "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash", "");
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc != MC_DB_ROW) {
		mc_stmt_done(s);
		return rc < 0 ? rc : MC_E_INTERNAL;
	}
	int64_t id = mc_col_int64(s, 0);
	char prev[65];
	snprintf(prev, sizeof(prev), "%s", mc_col_text(s, 1));
	while ((rc = mc_step(s)) == MC_DB_ROW)
		;
	mc_stmt_done(s);
	if (rc < 0)
		return rc;

	const char *detail = e->detail ? e->detail : "{}";
	const char *source = e->source ? e->source : "-";
	int64_t at = mc_time_now_ms();
	char hash[65];
	mc_audit_hash(id, at, e->actor_id, e->action, e->object_type, e->object_id, source, detail, prev, hash);
	int64_t n = mc_exec(c,
			    "INSERT INTO audit_log (id, at, actor_id, action, object_type, object_id, source, detail, "
			    "prev_hash, hash)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    "iiittttttt", id, at, e->actor_id, e->action, e->object_type, e->object_id, source, detail,
			    prev, hash);
	if (n < 0)
		return (int)n;
	n = mc_exec(c, "UPDATE audit_head SET last_hash = ? WHERE id = 1", "t", hash);
	return n < 0 ? (int)n : 0;
}

static int broken(struct mc_audit_report *rep, int64_t id, const char *why)
{
	rep->bad_id = id;
	snprintf(rep->reason, sizeof(rep->reason), "%s", why);
	return MC_E_AUDIT_BROKEN;
}

int mc_audit_verify(struct mc_conn *c, struct mc_audit_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT id, at, actor_id, action, object_type, object_id, source, detail, prev_hash, hash"
			  " FROM audit_log ORDER BY id",
			  "");
	if (rc)
		return rc;
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	int64_t expect = 1;
	int result = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		int64_t id = mc_col_int64(s, 0);
		rep->checked++;
		if (id != expect) {
			result = broken(rep, expect, id > expect ? "entry missing" : "entry out of order");
			break;
		}
		const char *ph = mc_col_text(s, 8), *h = mc_col_text(s, 9);
		if (!ph || strcmp(ph, prev) != 0) {
			result = broken(rep, id, "previous-hash link does not match");
			break;
		}
		char want[65];
		mc_audit_hash(id, mc_col_int64(s, 1), mc_col_int64(s, 2), mc_col_text(s, 3), mc_col_text(s, 4),
			      mc_col_text(s, 5), mc_col_text(s, 6), mc_col_text(s, 7), prev, want);
		if (!h || strcmp(h, want) != 0) {
			result = broken(rep, id, "content does not match its hash");
			break;
		}
		snprintf(prev, sizeof(prev), "%s", h);
		expect++;
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (result)
		return result;
	/* The head must point at the last entry: catches removal of the tail. */
	rc = mc_query(c, &s, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", "");
	if (rc)
		return rc;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		int64_t last = mc_col_int64(s, 0);
		const char *lh = mc_col_text(s, 1);
		if (last != expect - 1)
			result = broken(rep, expect, "entries missing at the end of the log");
		else if (!lh || strcmp(lh, prev) != 0)
			result = broken(rep, last, "last entry does not match the chain head");
	} else {
		result = broken(rep, 0, "chain head missing");
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : result;
}

static json_t *entry_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	char at[40];
	mc_time_format_vn(mc_col_int64(s, 1), at, sizeof(at));
	json_error_t je;
	json_t *detail = json_loads(mc_col_text(s, 7), 0, &je);
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s}", "id", (json_int_t)mc_col_int64(s, 0), "at",
			 at, "actor_id", (json_int_t)mc_col_int64(s, 2), "action", mc_col_text(s, 3), "object_type",
			 mc_col_text(s, 4), "object_id", mc_col_text(s, 5), "source", mc_col_text(s, 6), "detail",
			 detail ? detail : json_null(), "hash", mc_col_text(s, 8));
}

int mc_audit_list(struct mc_conn *c, int64_t before, int limit, json_t **out, int64_t *last)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT id, at, actor_id, action, object_type, object_id, source, detail, hash FROM audit_log"
			  " WHERE (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
			  "iid", before, before, limit);
	if (rc)
		return rc;
	if ((rc = mc_rows_json(s, entry_row, NULL, out)))
		return rc;
	*last = mc_rows_last_id(*out);
	return 0;
}

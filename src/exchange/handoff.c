/* handoff.c - dossiers handed to the systems of external agencies (see
 * exchange.h): the agency's setting, the queue written in the dossier's
 * transaction, what is due and how a try went, the operators' report. */
#include "internal.h"

#include "../core/log.h"
#include "../core/timeutil.h"
#include "../db/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

enum {
	MAX_TRIES = 16,
	LEASE_MS = 120000, /* a hand-over being sent is not taken again meanwhile */
};

int mc_handoff_agency_set(struct mc_conn *c, const char *code, const char *url, const char *token, char *err,
			  size_t errlen)
{
	if (url && (strlen(url) > 500 || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)))
		return snprintf(err, errlen, "the URL is http:// or https://, 500 characters at most"), MC_E_INVAL;
	if (token && (strlen(token) > 250 || strpbrk(token, "\r\n")))
		return snprintf(err, errlen, "the token is one line of 250 characters at most"), MC_E_INVAL;
	int64_t n = mc_exec(c, "UPDATE agencies SET external_url = ?, external_token = ? WHERE code = ?", "ttt", url,
			    url && token && *token ? token : NULL, code);
	if (n < 0)
		return snprintf(err, errlen, "%s", mc_conn_errmsg(c)), (int)n;
	if (n == 0)
		return snprintf(err, errlen, "no agency %s", code), MC_E_NOT_FOUND;
	return 0;
}

int mc_handoff_agency_external(struct mc_conn *c, int64_t agency)
{
	int64_t v = 0;
	int rc = mc_query_int64(c, &v, "SELECT COUNT(*) FROM agencies WHERE id = ? AND external_url IS NOT NULL", "i",
				agency);
	return rc ? 0 : v > 0;
}

int mc_handoff_queue(struct mc_conn *c, int64_t dossier, int64_t agency, int64_t now)
{
	int64_t n = mc_exec(c,
			    "INSERT INTO handoffs (dossier_id, agency_id, at, next_at) SELECT ?, id, ?, ? FROM agencies"
			    " WHERE id = ? AND external_url IS NOT NULL ON CONFLICT (dossier_id, agency_id) DO NOTHING",
			    "iiii", dossier, now, now, agency);
	return n < 0 ? (int)n : 0;
}

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *v = text ? json_loads(text, 0, &je) : NULL;
	return v ? v : json_null();
}

static json_t *time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char t[40];
	mc_time_format_vn(ms, t, sizeof(t));
	return json_string(t);
}

/* The package a hand-over carries: the dossier as it is now, and where to
 * answer (malloc'd JSON text). */
static char *package(struct mc_conn *c, int64_t dossier, const char *base_url)
{
	struct mc_stmt *s;
	if (mc_query(c, &s,
		     "SELECT d.code, d.procedure_code, d.status, d.applicant, d.form_data, d.papers, d.submitted_at,"
		     " COALESCE(d.received_at, 0), COALESCE(d.due_at, 0), a.code, d.channel, p.name"
		     " FROM dossiers d JOIN agencies a ON a.id = d.current_agency_id"
		     " JOIN procedures p ON p.id = d.procedure_id WHERE d.id = ?",
		     "i", dossier))
		return NULL;
	char *out = NULL;
	if (mc_step_row(s) == 0) {
		const char *code = mc_col_text(s, 0);
		char base[600];
		snprintf(base, sizeof(base), "%s/api/v1/exchange/dossiers/%s", base_url ? base_url : "", code);
		char ack[640], result[640], refuse[640];
		snprintf(ack, sizeof(ack), "%s/acknowledge", base);
		snprintf(result, sizeof(result), "%s/result", base);
		snprintf(refuse, sizeof(refuse), "%s/refuse", base);
		json_t *j = json_pack(
			"{s:s, s:s, s:{s:s, s:s?}, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:s, s:s, s:s}}",
			"type", "motcua.dossier", "code", code, "procedure", "code", mc_col_text(s, 1), "name",
			mc_col_text(s, 11), "agency", mc_col_text(s, 9), "status", mc_col_text(s, 2), "channel",
			mc_col_text(s, 10), "applicant", parse(mc_col_text(s, 3)), "form", parse(mc_col_text(s, 4)),
			"papers", parse(mc_col_text(s, 5)), "submitted_at", time_or_null(mc_col_int64(s, 6)),
			"received_at", time_or_null(mc_col_int64(s, 7)), "due_at", time_or_null(mc_col_int64(s, 8)),
			"links", "acknowledge", ack, "result", result, "refuse", refuse);
		out = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
	}
	mc_stmt_done(s);
	return out;
}

int mc_handoff_due(struct mc_conn *c, int64_t now, const char *base_url, struct mc_handoff_due *rows, int max, int *n)
{
	*n = 0;
	if (max > 32)
		max = 32;
	struct mc_handoff_due found[32];
	int64_t next_at[32];
	int k = 0;
	/* read first: an idle round takes no write lock */
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT h.id, h.dossier_id, h.next_at, a.external_url, COALESCE(a.external_token, '')"
			  " FROM handoffs h JOIN agencies a ON a.id = h.agency_id"
			  " WHERE h.state IN ('pending', 'sending') AND h.next_at <= ? AND a.external_url IS NOT NULL"
			  " ORDER BY h.next_at, h.id LIMIT ?",
			  "id", now, max);
	if (rc)
		return rc;
	while ((rc = mc_step(s)) == MC_DB_ROW && k < max) {
		memset(&found[k], 0, sizeof(found[k]));
		found[k].id = mc_col_int64(s, 0);
		found[k].dossier = mc_col_int64(s, 1);
		next_at[k] = mc_col_int64(s, 2);
		snprintf(found[k].url, sizeof(found[k].url), "%s", mc_col_text(s, 3));
		snprintf(found[k].token, sizeof(found[k].token), "%s", mc_col_text(s, 4));
		k++;
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	for (int i = 0; i < k; i++) {
		/* taken by a guarded update in a transaction of its own: another
		 * server that read the same row finds it gone */
		if ((rc = mc_tx_begin(c, 1)))
			return rc;
		int64_t got = mc_exec(c,
				      "UPDATE handoffs SET state = 'sending', next_at = ? WHERE id = ? AND next_at = ?"
				      " AND state IN ('pending', 'sending')",
				      "iii", now + LEASE_MS, found[i].id, next_at[i]);
		char *body = got == 1 ? package(c, found[i].dossier, base_url) : NULL;
		if (got < 0 || (rc = mc_tx_commit(c))) {
			free(body);
			if (mc_in_tx(c))
				mc_tx_rollback(c);
			return got < 0 ? (int)got : rc;
		}
		if (got != 1)
			continue;
		rows[*n] = found[i];
		rows[*n].body = body;
		rows[*n].len = body ? strlen(body) : 0;
		(*n)++;
	}
	return 0;
}

void mc_handoff_due_free(struct mc_handoff_due *rows, int n)
{
	for (int i = 0; i < n; i++)
		free(rows[i].body);
}

int mc_handoff_tried(struct mc_conn *c, int64_t id, long http_status, const char *error, int64_t now)
{
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t attempts = 0, k;
	if ((rc = mc_query_int64(c, &attempts, "SELECT attempts FROM handoffs WHERE id = ?", "i", id)))
		goto out;
	attempts++;
	int ok, give_up;
	int64_t pause;
	mc__exchange_try_outcome(http_status, attempts, MAX_TRIES, &ok, &give_up, &pause);
	if (ok)
		k = mc_exec(c,
			    "UPDATE handoffs SET state = 'delivered', attempts = ?, delivered_at = ?, next_at = NULL,"
			    " last_error = NULL WHERE id = ?",
			    "iii", attempts, now, id);
	else if (give_up)
		k = mc_exec(c,
			    "UPDATE handoffs SET state = 'failed', attempts = ?, next_at = NULL, last_error = ? WHERE "
			    "id = ?",
			    "iti", attempts, error ? error : "refused", id);
	else
		k = mc_exec(
			c,
			"UPDATE handoffs SET state = 'pending', attempts = ?, next_at = ?, last_error = ? WHERE id = ?",
			"iiti", attempts, now + pause, error ? error : "", id);
	rc = k < 0 ? (int)k : 0;
	if (give_up)
		mc_log_json(MC_LOG_WARN, "handoff_given_up",
			    json_pack("{s:I, s:I, s:i, s:s}", "handoff_id", (json_int_t)id, "tries",
				      (json_int_t)attempts, "http_status", (int)http_status, "error",
				      error ? error : ""));
out:
	rc = rc ? rc : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc;
}

static json_t *handoff_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:I, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)mc_col_int64(s, 0), "dossier", "code", mc_col_text(s, 1), "status",
			 mc_col_text(s, 2), "agency", "code", mc_col_text(s, 3), "name", mc_col_text(s, 4), "name_en",
			 mc_col_text(s, 5), "state", mc_col_text(s, 6), "attempts", (json_int_t)mc_col_int64(s, 7),
			 "at", mc_col_json_time(s, 8), "delivered_at", mc_col_json_time(s, 9), "next_at",
			 mc_col_json_time(s, 10), "last_error", mc_col_json_text(s, 11));
}

int mc_handoff_list(struct mc_conn *c, int64_t root, const char *state, int64_t before_id, int limit, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT h.id, d.code, d.status, a.code, a.name, a.name_en, h.state, h.attempts, h.at, h.delivered_at,"
		" h.next_at, h.last_error FROM handoffs h JOIN dossiers d ON d.id = h.dossier_id"
		" JOIN agencies a ON a.id = h.agency_id"
		" JOIN agency_tree t ON t.descendant_id = h.agency_id AND t.ancestor_id = ?"
		" WHERE (? = '' OR h.state = ?) AND (? = 0 OR h.id < ?) ORDER BY h.id DESC LIMIT ?",
		"ittiid", root, state ? state : "", state ? state : "", before_id, before_id, limit);
	return rc ? rc : mc_rows_json(s, handoff_row, NULL, out);
}

int mc_handoff_retry(struct mc_conn *c, int64_t root, int64_t id, int64_t now)
{
	int64_t found = 0;
	int rc = mc_query_int64(c, &found,
				"SELECT COUNT(*) FROM handoffs h JOIN agency_tree t ON t.descendant_id = h.agency_id"
				" AND t.ancestor_id = ? WHERE h.id = ?",
				"ii", root, id);
	if (rc)
		return rc;
	if (!found)
		return MC_E_NOT_FOUND;
	int64_t k = mc_exec(
		c, "UPDATE handoffs SET state = 'pending', attempts = 0, next_at = ? WHERE id = ? AND state = 'failed'",
		"ii", now, id);
	return k < 0 ? (int)k : k == 0 ? MC_E_CONFLICT : 0;
}

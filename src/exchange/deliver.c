/* deliver.c - the outbox's exchange rows: what is due, and how a try went
 * (see exchange.h).  The sending itself is the caller's (the server's
 * delivery worker, over HTTP). */
#include "internal.h"

#include "../core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

enum { MAX_TRIES = 16 };

/* The status message of an outbox row's payload ({"status_id": N}),
 * malloc'd. */
static char *status_message(struct mc_conn *c, const char *payload)
{
	json_error_t je;
	json_t *p = json_loads(payload, 0, &je);
	int64_t id = json_integer_value(json_object_get(p, "status_id"));
	json_decref(p);
	struct mc_stmt *s;
	char *out = NULL;
	if (mc_query(c, &s, "SELECT message FROM exchange_statuses WHERE id = ?", "i", id) == 0) {
		if (mc_step_row(s) == 0)
			out = mc_xstrdup(mc_col_text(s, 0));
		mc_stmt_done(s);
	}
	return out;
}

int mc_exchange_due(struct mc_conn *c, int64_t now, struct mc_exchange_due *rows, int max, int *n)
{
	*n = 0;
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT o.id, o.recipient, o.event, o.payload, k.package FROM outbox o"
			  " JOIN exchange_packages k ON k.id = o.exchange_id"
			  " WHERE o.exchange_id IS NOT NULL AND o.delivered_at IS NULL AND o.next_at IS NOT NULL"
			  " AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ?",
			  "id", now, max);
	if (rc)
		return rc;
	char *payloads[64] = {0};
	while ((rc = mc_step(s)) == MC_DB_ROW && *n < max && *n < 64) {
		struct mc_exchange_due *r = &rows[*n];
		json_error_t je;
		json_t *to = json_loads(mc_col_text(s, 1), 0, &je);
		const char *url = json_string_value(json_object_get(to, "url"));
		r->outbox_id = mc_col_int64(s, 0);
		snprintf(r->url, sizeof(r->url), "%s", url ? url : "");
		json_decref(to);
		if (strcmp(mc_col_text(s, 2), "edxml_status") == 0) {
			payloads[*n] = mc_xstrdup(mc_col_text(s, 3));
			r->body = NULL;
		} else {
			r->body = mc_xstrdup(mc_col_text(s, 4));
		}
		(*n)++;
	}
	mc_stmt_done(s);
	/* the status messages, once the rows are read */
	for (int i = 0; i < *n; i++)
		if (payloads[i]) {
			rows[i].body = status_message(c, payloads[i]);
			free(payloads[i]);
		}
	for (int i = 0; i < *n; i++)
		rows[i].len = rows[i].body ? strlen(rows[i].body) : 0;
	return rc == MC_DB_DONE || rc == MC_DB_ROW ? 0 : rc;
}

void mc_exchange_due_free(struct mc_exchange_due *rows, int n)
{
	for (int i = 0; i < n; i++)
		free(rows[i].body);
}

int mc_exchange_tried(struct mc_conn *c, int64_t outbox_id, long http_status, const char *error, int64_t now)
{
	int ok = http_status >= 200 && http_status < 300;
	int refused = http_status >= 400 && http_status < 500 && http_status != 408 && http_status != 429;
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t attempts = 0, package = 0, k;
	char event[32] = "";
	struct mc_stmt *s;
	if ((rc = mc_query(c, &s, "SELECT attempts, exchange_id, event FROM outbox WHERE id = ?", "i", outbox_id)))
		goto out;
	if ((rc = mc_step_row(s)) == 0) {
		attempts = mc_col_int64(s, 0) + 1;
		package = mc_col_int64(s, 1);
		snprintf(event, sizeof(event), "%s", mc_col_text(s, 2));
	}
	mc_stmt_done(s);
	if (rc)
		goto out;
	int give_up = !ok && (refused || attempts >= MAX_TRIES);
	/* 2 s, 4 s, 8 s ... an hour at most */
	int64_t pause = attempts >= 12 ? 3600000 : (int64_t)2000 << (attempts - 1);
	if (pause > 3600000)
		pause = 3600000;
	if (ok)
		k = mc_exec(c,
			    "UPDATE outbox SET attempts = ?, delivered_at = ?, next_at = NULL, last_error = NULL"
			    " WHERE id = ?",
			    "iii", attempts, now, outbox_id);
	else if (give_up) /* left undelivered, never tried again */
		k = mc_exec(c, "UPDATE outbox SET attempts = ?, next_at = NULL, last_error = ? WHERE id = ?", "iti",
			    attempts, error, outbox_id);
	else
		k = mc_exec(c, "UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?", "iiti",
			    attempts, now + pause, error, outbox_id);
	if (k >= 0 && strcmp(event, "edxml_package") == 0 && (ok || give_up))
		k = mc_exec(c,
			    "UPDATE exchange_packages SET state = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
			    "tii", ok ? "delivered" : "failed", now, package);
	rc = k < 0 ? (int)k : 0;
	if (give_up)
		mc_log_json(MC_LOG_WARN, "exchange_given_up",
			    json_pack("{s:I, s:I, s:i, s:s}", "outbox_id", (json_int_t)outbox_id, "tries",
				      (json_int_t)attempts, "http_status", (int)http_status, "error",
				      error ? error : ""));
out:
	rc = rc ? rc : mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc;
}

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

enum { LEASE_MS = 120000 }; /* a row being sent is not taken by another server meanwhile */

int mc_exchange_due(struct mc_conn *c, int64_t now, struct mc_exchange_due *rows, int max, int *n)
{
	*n = 0;
	if (max > 64)
		max = 64;
	struct mc_stmt *s;
	/* a package's status messages go after the package itself; the peer's
	 * address as it is now */
	int rc = mc_query(
		c, &s,
		"SELECT o.id, o.next_at, p.url, o.event, o.payload, k.package FROM outbox o"
		" JOIN exchange_packages k ON k.id = o.exchange_id JOIN exchange_peers p ON p.id = k.peer_id"
		" WHERE o.exchange_id IS NOT NULL AND o.delivered_at IS NULL AND o.next_at IS NOT NULL"
		" AND o.next_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.exchange_id = o.exchange_id"
		" AND e.event = 'edxml_package' AND e.delivered_at IS NULL AND e.id < o.id)"
		" ORDER BY o.next_at, o.id LIMIT ?",
		"id", now, max);
	if (rc)
		return rc;
	int64_t next_at[64];
	char *payloads[64] = {0};
	while ((rc = mc_step(s)) == MC_DB_ROW && *n < max) {
		struct mc_exchange_due *r = &rows[*n];
		r->outbox_id = mc_col_int64(s, 0);
		next_at[*n] = mc_col_int64(s, 1);
		snprintf(r->url, sizeof(r->url), "%s", mc_col_text(s, 2));
		if (strcmp(mc_col_text(s, 3), "edxml_status") == 0) {
			payloads[*n] = mc_xstrdup(mc_col_text(s, 4));
			r->body = NULL;
		} else {
			r->body = mc_xstrdup(mc_col_text(s, 5));
		}
		(*n)++;
	}
	mc_stmt_done(s);
	int ended = rc == MC_DB_DONE || rc == MC_DB_ROW ? 0 : rc;
	/* each row claimed for a while: another server sharing the database
	 * that read it too finds it moved on, and leaves it */
	int kept = 0;
	for (int i = 0; i < *n; i++) {
		int64_t k = ended ? 0
				  : mc_exec(c,
					    "UPDATE outbox SET next_at = ? WHERE id = ? AND next_at = ? AND "
					    "delivered_at IS NULL",
					    "iii", now + LEASE_MS, rows[i].outbox_id, next_at[i]);
		if (k == 1) {
			rows[kept] = rows[i];
			if (payloads[i]) {
				rows[kept].body = status_message(c, payloads[i]);
			}
			rows[kept].len = rows[kept].body ? strlen(rows[kept].body) : 0;
			kept++;
		} else {
			free(rows[i].body);
		}
		free(payloads[i]);
	}
	*n = kept;
	return ended;
}

void mc_exchange_due_free(struct mc_exchange_due *rows, int n)
{
	for (int i = 0; i < n; i++)
		free(rows[i].body);
}

void mc__exchange_try_outcome(long http_status, int64_t attempts, int64_t max_tries, int *ok, int *give_up,
			      int64_t *pause)
{
	*ok = http_status >= 200 && http_status < 300;
	int refused = http_status >= 400 && http_status < 500 && http_status != 408 && http_status != 429;
	*give_up = !*ok && (refused || attempts >= max_tries);
	*pause = attempts >= 12 ? 3600000 : (int64_t)2000 << (attempts - 1);
	if (*pause > 3600000)
		*pause = 3600000;
}

int mc_exchange_tried(struct mc_conn *c, int64_t outbox_id, long http_status, const char *error, int64_t now)
{
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
	int ok, give_up;
	int64_t pause;
	mc__exchange_try_outcome(http_status, attempts, MAX_TRIES, &ok, &give_up, &pause);
	/* a row stopped meanwhile (its package revoked before delivery:
	 * next_at NULL) stays stopped */
	if (ok)
		k = mc_exec(c,
			    "UPDATE outbox SET attempts = ?, delivered_at = ?, next_at = NULL, last_error = NULL"
			    " WHERE id = ?",
			    "iii", attempts, now, outbox_id);
	else if (give_up) /* left undelivered, never tried again */
		k = mc_exec(c, "UPDATE outbox SET attempts = ?, next_at = NULL, last_error = ? WHERE id = ?", "iti",
			    attempts, error, outbox_id);
	else
		k = mc_exec(c,
			    "UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ? AND next_at IS "
			    "NOT NULL",
			    "iiti", attempts, now + pause, error, outbox_id);
	if (k >= 0 && strcmp(event, "edxml_package") == 0 && (ok || give_up))
		k = mc_exec(c,
			    "UPDATE exchange_packages SET state = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
			    "tii", ok ? "delivered" : "failed", now, package);
	/* revoked here while it travelled, yet it arrived: it is delivered,
	 * to be revoked at the peer (13) if still wanted */
	if (k >= 0 && ok && strcmp(event, "edxml_package") == 0)
		k = mc_exec(c,
			    "UPDATE exchange_packages SET state = 'delivered', updated_at = ? WHERE id = ?"
			    " AND state = 'revoked' AND status_code IS NULL",
			    "ii", now, package);
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

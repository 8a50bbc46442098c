/*
 * middleware.c - the route table and the hooks the server runs around
 * every handler: authentication (cookie or bearer), permissions, CSRF,
 * idempotent POSTs, and the database figures on /metrics.
 */
#include "api.h"

#include "../core/log.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../db/lease.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/banned.h"

static const struct mc_route *const tables[] = {
	mc_api_health_routes,   mc_api_auth_routes,     mc_api_org_routes,       mc_api_user_routes,
	mc_api_audit_routes,    mc_api_catalog_routes,  mc_api_dossier_routes,   mc_api_calendar_routes,
	mc_api_forms_routes,    mc_api_office_routes,   mc_api_dashboard_routes, mc_api_report_routes,
	mc_api_reset_routes,    mc_api_document_routes, mc_api_signing_routes,   mc_api_exchange_routes,
	mc_api_schedule_routes, mc_api_poll_routes,     mc_api_directive_routes, mc_api_snapshot_routes,
	mc_api_notify_routes,   mc_api_feedback_routes, mc_api_payment_routes,   mc_api_paysim_routes,
	mc_api_handoff_routes,  mc_api_personal_routes, mc_api_portal_routes,    mc_api_linked_routes,
};

static struct mc_route all[256];

const struct mc_route *mc_api_routes(void)
{
	if (all[0].method)
		return all;
	size_t n = 0;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct mc_route *r = tables[t]; r->method; r++) {
			if (n + 1 >= sizeof(all) / sizeof(all[0]))
				mc_fatal("route table full");
			all[n++] = *r;
		}
	return all;
}

struct mc_auth_policy mc_api_policy(struct mc_req *r)
{
	struct mc_config *c = mc_server_config(r->srv);
	return (struct mc_auth_policy){c->session_ttl,    c->session_idle, c->login_max_user,
				       c->login_max_addr, c->login_window, c->session_cache_ms};
}

static int authenticate(struct mc_req *r)
{
	const char *token = NULL;
	const char *authz = mc_req_header(r, "Authorization");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		token = authz + 7;
	} else if ((token = mc_req_cookie(r, MC_SESSION_COOKIE))) {
		r->via_cookie = 1;
	}
	if (!token)
		return 0;
	/* the primary's: a replica may not know yet of a revocation */
	struct mc_conn *c;
	int rc = mc_req_db_primary(r, &c);
	if (rc)
		return rc;
	struct mc_principal *who = mc_zalloc(r->arena, sizeof(*who));
	struct mc_auth_policy p = mc_api_policy(r);
	rc = mc_auth_session(c, &p, token, who);
	if (rc == MC_E_UNAUTHENTICATED)
		return mc_fail(r, rc, NULL);
	if (rc)
		return mc_api_db_fail(r, rc);
	r->who = who;
	r->user_id = who->user_id;
	return 0;
}

static int has_perm(struct mc_req *r, const char *perm)
{
	return mc_principal_has(r->who, perm);
}

static int check_csrf(struct mc_req *r)
{
	const char *t = mc_req_header(r, "X-CSRF-Token");
	if (!t || !mc_ct_streq(t, r->who->csrf))
		return mc_fail(r, MC_E_CSRF, NULL);
	return 0;
}

/* ---- idempotency ---- */

/*
 * A POST with an Idempotency-Key reserves the key (a row with status 0)
 * before its handler runs, and stores its answer in that row, in the
 * transaction that makes the handler's work durable (mc_tx_hold).  The
 * reservation is committed at once, so that a second request with the key
 * finds it while the first runs.  If the first dies before its answer is
 * stored - its server killed, its database connection lost in a failover
 * - nothing of its work exists, but its reservation stays: its retry must
 * take it over, and at once, while the reservation of a request still
 * running must not be.
 *
 * What tells them apart is a claim (mc_db_claim: on PostgreSQL a session
 * advisory lock, which dies with the connection; on SQLite a mark in the
 * one process), taken before the reservation and given up after the
 * answer: a request that gets the claim knows that no request holding a
 * reservation of the key is alive, and replaces one left without an
 * answer.  Holding the reservation in the handler's own transaction
 * instead would keep the write lock (SQLite, or the group commit's lane)
 * through every handler, password hashing included.
 *
 * A claim says who lives, not who owns: a PostgreSQL connection lost
 * between two statements is opened again without a word, and its locks
 * are gone while its request runs on.  So the reservation also carries a
 * random owner token, and the answer is stored only into the row that
 * still holds it: a request whose reservation was taken over stores
 * nothing, and its work is rolled back with its held transaction.
 */

struct idem {
	const char *key;
	int64_t user;
	int64_t claim;  /* mc_db_claim's number for the key */
	char owner[33]; /* the reservation's owner token (hex) */
};

/* A reservation left without an answer by a release before this one (it
 * takes no claim) or by a request still holding its claim (hung, or a
 * claim the database kept) is taken over after this long, as before. */
#define IDEM_STALE_MS 300000

/* A secret's key: a password, or a PIN (6 to 12 digits, found at once
 * from a fast hash of a known body). */
static int secret_key(const char *k)
{
	size_t n = strlen(k);
	return strstr(k, "password") || strcmp(k, "pin") == 0 || (n > 4 && strcmp(k + n - 4, "_pin") == 0);
}

/* o without its secrets, at any depth. */
static void strip_secrets(json_t *o)
{
	if (json_is_object(o)) {
		const char *k;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(o, tmp, k, v) {
			if (secret_key(k))
				json_object_del(o, k);
			else
				strip_secrets(v);
		}
	} else if (json_is_array(o)) {
		size_t i;
		json_t *v;
		json_array_foreach(o, i, v)
			strip_secrets(v);
	}
}

/*
 * What identifies "the same request": method, path and body.  Password
 * and PIN fields are left out of the hash, so that the table never holds
 * a fast hash of one (argon2id protects a stored password, the key
 * derivation and the throttle a PIN).
 */
static void request_hash(struct mc_req *r, char out[MC_SHA256_HEX])
{
	struct mc_sha256_ctx *h = mc_sha256_begin();
	mc_sha256_add(h, r->method, strlen(r->method));
	mc_sha256_add(h, " ", 1);
	mc_sha256_add(h, r->path, strlen(r->path));
	mc_sha256_add(h, "\n", 1);
	if (json_is_object(r->json)) {
		json_t *copy = json_deep_copy(r->json);
		strip_secrets(copy);
		char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
		if (text) {
			mc_sha256_add(h, text, strlen(text));
			free(text);
		}
		json_decref(copy);
	} else {
		mc_sha256_add(h, r->body.data ? r->body.data : "", r->body.len);
	}
	mc_sha256_end_hex(h, out);
}

/* The claim of user's key: 64 bits of a hash of both. */
static int64_t claim_id(int64_t user, const char *key)
{
	char u[24], hex[MC_SHA256_HEX];
	snprintf(u, sizeof(u), "%lld|", (long long)user);
	struct mc_sha256_ctx *h = mc_sha256_begin();
	mc_sha256_add(h, "idempotency|", 12);
	mc_sha256_add(h, u, strlen(u));
	mc_sha256_add(h, key, strlen(key));
	mc_sha256_end_hex(h, hex);
	hex[16] = '\0';
	return (int64_t)strtoull(hex, NULL, 16);
}

/* 1 when the key has a reservation older than IDEM_STALE_MS, 0 when not,
 * or an MC_E_* code. */
static int64_t stale(struct mc_conn *c, const struct idem *st)
{
	int64_t v = 0;
	int rc = mc_query_int64(c, &v,
				"SELECT COUNT(*) FROM idempotency WHERE user_id = ? AND key = ? AND status = 0"
				" AND created_at < ?",
				"iti", st->user, st->key, mc_time_now_ms() - IDEM_STALE_MS);
	return rc ? rc : v > 0;
}

/*
 * Reserve st's key: 1 when reserved (st->owner holds it), 0 when a row of
 * the key stays (an answer, or a reservation of a live request), or an
 * MC_E_* code.  With the claim (claimed = 1), a reservation that this
 * release left without an answer is its dead owner's: replaced.  Any
 * reservation older than IDEM_STALE_MS is replaced.
 */
static int64_t reserve(struct mc_req *r, struct mc_conn *c, struct idem *st, int claimed, const char *hash)
{
	int64_t now = mc_time_now_ms();
	mc_random_hex(st->owner, 16);
	int64_t n = mc_exec(c,
			    "DELETE FROM idempotency WHERE user_id = ? AND key = ? AND status = 0"
			    " AND (created_at < ? OR (? = 1 AND owner IS NOT NULL))",
			    "itid", st->user, st->key, now - IDEM_STALE_MS, claimed);
	if (n < 0)
		return n;
	return mc_exec(c,
		       "INSERT INTO idempotency (user_id, key, method, path, request_hash, status, created_at, owner)"
		       " VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING",
		       "ittttit", st->user, st->key, r->method, r->path, hash, now, st->owner);
}

/* The key is someone else's: replay its answer (1), or refuse: another
 * request (422), or one still running (409). */
static int replay(struct mc_req *r, struct mc_conn *c, const struct idem *st, const char *hash)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT request_hash, status, content_type, body, location, etag FROM idempotency WHERE "
			  "user_id = ? AND key = ?",
			  "it", st->user, st->key);
	if (rc)
		return mc_api_db_fail(r, rc);
	rc = mc_step(s);
	if (rc != MC_DB_ROW) {
		mc_stmt_done(s);
		if (rc < 0)
			return mc_api_db_fail(r, rc);
		r->err.retry_after = 1; /* claimed, not reserved yet */
		return mc_fail(r, MC_E_IDEM_BUSY, NULL);
	}
	if (strcmp(mc_col_text(s, 0), hash) != 0) {
		mc_stmt_done(s);
		return mc_fail(r, MC_E_IDEM_MISMATCH, NULL);
	}
	int status = (int)mc_col_int64(s, 1);
	if (status == 0) {
		mc_stmt_done(s);
		r->err.retry_after = 1;
		return mc_fail(r, MC_E_IDEM_BUSY, NULL);
	}
	const char *ct = mc_col_text(s, 2), *body = mc_col_text(s, 3), *loc = mc_col_text(s, 4),
		   *etag = mc_col_text(s, 5);
	mc_res_text(r, status, ct ? mc_strdup(r->arena, ct) : NULL, body ? body : "", body ? strlen(body) : 0);
	if (loc)
		mc_res_header(r, "Location", loc);
	if (etag)
		mc_res_header(r, "ETag", etag);
	mc_stmt_done(s);
	mc_res_header(r, "Idempotent-Replayed", "true");
	r->replayed = 1;
	return 1;
}

static int idem_before(struct mc_req *r)
{
	if (strcmp(r->method, "POST") != 0 || (r->route->flags & MC_RF_NO_IDEM))
		return 0;
	const char *key = mc_req_header(r, "Idempotency-Key");
	if (!key)
		return 0;
	size_t kl = strlen(key);
	if (kl == 0 || kl > 128 ||
	    strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") != kl) {
		mc_bad_field(&r->err, "Idempotency-Key", MC_M_IDEMPOTENCY_KEY_FORMAT);
		return mc_fail(r, MC_E_VALIDATION, NULL);
	}
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct idem *st = mc_zalloc(r->arena, sizeof(*st));
	st->user = r->who ? r->who->user_id : 0;
	/* Anonymous callers (sign-up) share user 0: keep their keys apart by
	 * address, so that nobody is answered with another's response. */
	st->key = r->who ? mc_strdup(r->arena, key) : mc_sprintf(r->arena, "%s|%s", r->addr, key);
	st->claim = claim_id(st->user, st->key);
	char hash[MC_SHA256_HEX];
	request_hash(r, hash);
	/* Without the claim, the key is reserved by a live request (or soon
	 * will be): nothing to write unless its reservation is stale. */
	int claimed = mc_db_claim(c, st->claim);
	int64_t n = claimed == 0 ? stale(c, st) : claimed;
	if (n == 1)
		n = reserve(r, c, st, claimed, hash);
	if (n == 1) {
		r->mw = st; /* for the after hook */
		/* What the handler writes becomes durable only with its answer
		 * (idem_after), so that no crash can separate them. */
		mc_tx_hold(c);
		return 0;
	}
	if (claimed == 1)
		mc_db_unclaim(c, st->claim);
	if (n < 0)
		return mc_api_db_fail(r, (int)n);
	return replay(r, c, st, hash);
}

static const char *res_header(struct mc_req *r, const char *name)
{
	for (int i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

/* Store the answer: inside the held transaction when the handler wrote
 * something (both become durable in one commit), on its own otherwise;
 * into the reservation only while it is still this request's. */
static void idem_after(struct mc_req *r)
{
	const struct idem *st = r->mw;
	if (!st)
		return;
	struct mc_conn *c;
	if (mc_req_db(r, &c))
		return;
	/* Not an answer to remember (the client may try again): nothing the
	 * handler wrote is kept either. */
	int keep = !(r->status >= 500 || r->status == 0 || r->status == 429);
	int rc = 0;
	int64_t n = 0;
	if (keep)
		n = mc_exec(c,
			    "UPDATE idempotency SET status = ?, content_type = ?, body = ?, location = ?, etag = ? "
			    "WHERE user_id = ? AND key = ? AND owner = ?",
			    "dttttitt", r->status, r->content_type, mc_buf_str(&r->out), res_header(r, "Location"),
			    res_header(r, "ETag"), st->user, st->key, st->owner);
	if (n < 0)
		rc = (int)n;
	else if (keep && n == 0)
		rc = MC_E_IDEM_BUSY; /* taken over by a retry: its work counts, not ours */
	int rc2 = mc_tx_settle(c, keep && rc == 0);
	if (rc == 0)
		rc = rc2;
	if (keep && rc == 0) {
		mc_db_unclaim(c, st->claim);
		return;
	}
	if (rc) {
		/* The work and its answer were not stored: say so, not what the
		 * handler had answered. */
		mc_log_json(MC_LOG_WARN, rc == MC_E_IDEM_BUSY ? "idempotency_taken_over" : "idempotency_store_failed",
			    json_pack("{s:s, s:s}", "id", r->id, "detail", mc_conn_errmsg(c)));
		r->nheaders = 0;
		mc_error_init(&r->err);
		r->err.code = rc;
		if (rc == MC_E_IDEM_BUSY)
			r->err.retry_after = 1;
		mc_res_problem(r);
	}
	if (mc_exec(c, "DELETE FROM idempotency WHERE user_id = ? AND key = ? AND owner = ?", "itt", st->user, st->key,
		    st->owner) < 0)
		mc_log_json(MC_LOG_WARN, "idempotency_release_failed", json_pack("{s:s}", "id", r->id));
	mc_db_unclaim(c, st->claim);
}

static void db_metrics(struct mc_server *s, struct mc_buf *out)
{
	mc_lease_metrics(out);
	int size, in_use;
	uint64_t waits, acquired;
	mc_db_stats(mc_server_db(s), &size, &in_use, &waits, &acquired);
	int down;
	uint64_t downs, refused;
	mc_db_health_stats(mc_server_db(s), &down, &downs, &refused);
	mc_buf_printf(out,
		      "# HELP motcua_db_down 1 while the database does not answer (hang watch), else 0.\n"
		      "# TYPE motcua_db_down gauge\nmotcua_db_down %d\n"
		      "# HELP motcua_db_down_total Times the database was found not answering.\n"
		      "# TYPE motcua_db_down_total counter\nmotcua_db_down_total %llu\n"
		      "# HELP motcua_db_refused_total Requests answered 503 at once while the database was down.\n"
		      "# TYPE motcua_db_refused_total counter\nmotcua_db_refused_total %llu\n",
		      down, (unsigned long long)downs, (unsigned long long)refused);
	mc_buf_printf(out,
		      "# HELP motcua_db_pool_connections Database connections in the pool.\n"
		      "# TYPE motcua_db_pool_connections gauge\nmotcua_db_pool_connections %d\n"
		      "# HELP motcua_db_pool_in_use Connections lent to requests now.\n"
		      "# TYPE motcua_db_pool_in_use gauge\nmotcua_db_pool_in_use %d\n"
		      "# HELP motcua_db_pool_waits_total Times a request waited for a connection.\n"
		      "# TYPE motcua_db_pool_waits_total counter\nmotcua_db_pool_waits_total %llu\n"
		      "# HELP motcua_db_pool_acquired_total Connections lent.\n"
		      "# TYPE motcua_db_pool_acquired_total counter\nmotcua_db_pool_acquired_total %llu\n"
		      "# HELP motcua_http_in_flight Requests being served.\n"
		      "# TYPE motcua_http_in_flight gauge\nmotcua_http_in_flight %d\n",
		      size, in_use, (unsigned long long)waits, (unsigned long long)acquired, mc_server_in_flight(s));
	uint64_t statements, commits;
	mc_db_work(mc_server_db(s), &statements, &commits);
	mc_buf_printf(out,
		      "# HELP motcua_db_statements_total SQL statements run.\n"
		      "# TYPE motcua_db_statements_total counter\nmotcua_db_statements_total %llu\n"
		      "# HELP motcua_db_commits_total COMMITs run (with group commit, one makes several write "
		      "transactions durable).\n"
		      "# TYPE motcua_db_commits_total counter\nmotcua_db_commits_total %llu\n",
		      (unsigned long long)statements, (unsigned long long)commits);
	uint64_t jobs, batches;
	mc_db_group_commit_stats(mc_server_db(s), &jobs, &batches);
	mc_buf_printf(
		out,
		"# HELP motcua_db_group_commit_transactions_total Write transactions made durable through "
		"group commit.\n"
		"# TYPE motcua_db_group_commit_transactions_total counter\n"
		"motcua_db_group_commit_transactions_total %llu\n"
		"# HELP motcua_db_group_commit_batches_total COMMITs of group commit, each for one or more "
		"write transactions.\n"
		"# TYPE motcua_db_group_commit_batches_total counter\nmotcua_db_group_commit_batches_total %llu\n",
		(unsigned long long)jobs, (unsigned long long)batches);
}

const struct mc_http_hooks mc_api_hooks = {
	.authenticate = authenticate,
	.has_perm = has_perm,
	.check_csrf = check_csrf,
	.before = idem_before,
	.after = idem_after,
	.metrics = db_metrics,
};

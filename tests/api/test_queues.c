/*
 * test_queues.c - the operators' three outbound queues answer one way
 * (src/api/queue.c): the notifications' deliveries, the portal's
 * synchronisation and the hand-overs to external agencies' systems.  With
 * a row given up and a row done in each (written here, as the workers
 * would have left them), for each queue:
 *   - the list: a wrong state and a wrong limit reported together (422),
 *     a wrong cursor (422), the given-up row listed in its state;
 *   - the retry: 404 for no such row, 409 naming "state" for a row done,
 *     204 for the given-up row (pending again, due now, its tries from
 *     zero, audited once), 409 the second time;
 *   - a clerk is refused both (403);
 * and a hand-over is not retried by an agency administrator whose agencies
 * do not include the external one (404), nor listed for them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "server.h"
#include "testdb.h"

#include "core/timeutil.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICE "000.01.40.H29"

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server srv;
static struct mc_http_session admin, clerk, elsewhere;

/* 1.003197 (removal of permanent residence): the ward police's */
static const char *BODY = "{\"procedure_code\":\"1.003197\",\"form\":{\"subject_full_name\":\"Nguyễn Văn "
			  "Bình\",\"subject_id_number\":\"079185176822\",\"reason\":\"abroad\",\"residence_unit\":"
			  "\"26740\"}}";

/* One queue: its routes, the ids of its rows given up and done, what a
 * retry is audited as, the states they are in. */
struct queue {
	const char *list;  /* GET */
	const char *retry; /* POST, %lld the row's id */
	const char *failed_state, *done_state, *audit;
	int64_t failed, done;
};

static struct queue queues[3] = {
	{"/api/v1/notifications/deliveries", "/api/v1/notifications/deliveries/%lld/retry", "dead", "sent",
	 "notify.retry", 0, 0},
	{"/api/v1/portal/sync", "/api/v1/portal/sync/%lld/retry", "failed", "accepted", "portal.retry", 0, 0},
	{"/api/v1/exchange/handoffs", "/api/v1/exchange/handoffs/%lld/retry", "failed", "delivered", "handoff.retry", 0,
	 0},
};

static int64_t sql_int(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

/* One row written (mc_exec's answer n on c), or the test stops. */
static void one(struct mc_conn *c, int64_t n)
{
	if (n != 1)
		fail_msg("insert: %lld (%s)", (long long)n, mc_conn_errmsg(c));
}

/* The rows the workers would have left: one given up, one done, in each
 * queue, for a dossier of the ward police. */
static void rows(void)
{
	struct mc_http_session cit;
	struct mc_http_res r;
	mc_http_login_as(&cit, srv.base, "079203001234");
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", BODY, &r), 201);
	char code[80];
	snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(r.json, "code")));
	mc_http_res_free(&r);
	int64_t dossier = sql_int("SELECT id FROM dossiers WHERE code = ?", code);
	int64_t police = sql_int("SELECT id FROM agencies WHERE code = ?", POLICE);
	int64_t ward = sql_int("SELECT id FROM agencies WHERE code = ?", "000.01.31.H29");
	int64_t now = mc_time_now_ms(), outbox = 0;
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_tx_begin(c, 1), 0);
	one(c,
	    mc_exec(c,
		    "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload) VALUES (?, 'users', 1, 'test',"
		    " '{}', '{}')",
		    "i", now));
	assert_int_equal(mc_query_int64(c, &outbox, "SELECT MAX(id) FROM outbox", ""), 0);
	one(c,
	    mc_exec(c,
		    "INSERT INTO deliveries (outbox_id, channel, address, lang, name, body, state, attempts,"
		    " last_error, created_at) VALUES (?, 'email', 'an@example.vn', 'vi', 'An', 'x', 'dead', 8, ?, ?)",
		    "iti", outbox, "550 no such mailbox", now));
	one(c,
	    mc_exec(c,
		    "INSERT INTO deliveries (outbox_id, channel, address, lang, name, body, state, attempts, sent_at,"
		    " created_at) VALUES (?, 'sms', '0909306326', 'vi', 'An', 'x', 'sent', 1, ?, ?)",
		    "iii", outbox, now, now));
	one(c, mc_exec(c,
		       "INSERT INTO portal_sync (dossier_id, at, action, status, state, attempts, next_at, last_error)"
		       " VALUES (?, ?, 'submit', 'submitted', 'failed', 1, 0, 'refused')",
		       "ii", dossier, now));
	one(c, mc_exec(c,
		       "INSERT INTO portal_sync (dossier_id, at, action, status, state, attempts, next_at, accepted_at)"
		       " VALUES (?, ?, 'receive', 'in_progress', 'accepted', 1, 0, ?)",
		       "iii", dossier, now, now));
	one(c, mc_exec(c,
		       "INSERT INTO handoffs (dossier_id, agency_id, at, state, attempts, last_error) VALUES (?, ?, ?,"
		       " 'failed', 1, 'HTTP 400')",
		       "iii", dossier, police, now));
	one(c,
	    mc_exec(c,
		    "INSERT INTO handoffs (dossier_id, agency_id, at, state, attempts, delivered_at) VALUES (?, ?, ?,"
		    " 'delivered', 1, ?)",
		    "iiii", dossier, ward, now, now));
	assert_int_equal(mc_tx_commit(c), 0);
	mc_db_release(c);
	queues[0].failed = sql_int("SELECT id FROM deliveries WHERE state = ?", "dead");
	queues[0].done = sql_int("SELECT id FROM deliveries WHERE state = ?", "sent");
	queues[1].failed = sql_int("SELECT id FROM portal_sync WHERE state = ?", "failed");
	queues[1].done = sql_int("SELECT id FROM portal_sync WHERE state = ?", "accepted");
	queues[2].failed = sql_int("SELECT id FROM handoffs WHERE state = ?", "failed");
	queues[2].done = sql_int("SELECT id FROM handoffs WHERE state = ?", "delivered");
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	/* no worker takes the rows meanwhile (the police is not external: the
	 * courier never takes its hand-overs) */
	const char *env[] = {"MOTCUA_NOTIFY=0", "MOTCUA_PORTAL=0", "MOTCUA_EXCHANGE_INTERVAL_MS=600000", NULL};
	mc_test_server_start(&srv, db_url, env);
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&elsewhere, srv.base, "quantri.snv"); /* the Department of Home Affairs' */
	rows();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

/* The fields a 422 names, in order, comma-separated. */
static const char *fields(const struct mc_http_res *r)
{
	static char out[128];
	out[0] = '\0';
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r->json, "errors"), i, e) {
		size_t n = strlen(out);
		snprintf(out + n, sizeof(out) - n, "%s%s", n ? "," : "",
			 json_string_value(json_object_get(e, "field")));
	}
	return out;
}

/* The row id in a list's items (its object there), or NULL. */
static json_t *listed(const struct mc_http_res *r, int64_t id)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r->json, "items"), i, it) {
		if (json_integer_value(json_object_get(it, "id")) == id)
			return it;
	}
	return NULL;
}

static void one_queue(const struct queue *q)
{
	struct mc_http_res r;
	char path[200];

	/* the list's query: every wrong parameter at once */
	snprintf(path, sizeof(path), "%s?state=lost&limit=0", q->list);
	assert_int_equal(mc_http_get(&admin, path, &r), 422);
	assert_string_equal(fields(&r), "state,limit");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "%s?before=abc", q->list);
	assert_int_equal(mc_http_get(&admin, path, &r), 422);
	assert_string_equal(fields(&r), "before");
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "%s?state=%s&limit=10", q->list, q->failed_state);
	assert_int_equal(mc_http_get(&admin, path, &r), 200);
	assert_string_equal(mc_http_header(&r, "Cache-Control"), "no-store");
	json_t *row = listed(&r, q->failed);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "state")), q->failed_state);
	assert_null(listed(&r, q->done));
	mc_http_res_free(&r);

	/* the retry: nothing there, a row done, the row given up, twice */
	snprintf(path, sizeof(path), q->retry, 999999999LL);
	assert_int_equal(mc_http_post(&admin, path, NULL, &r), 404);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), q->retry, (long long)q->done);
	assert_int_equal(mc_http_post(&admin, path, NULL, &r), 409);
	assert_string_equal(fields(&r), "state");
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&clerk, path, NULL, &r), 403);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), q->retry, (long long)q->failed);
	assert_int_equal(mc_http_post(&admin, path, NULL, &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&admin, path, NULL, &r), 409);
	mc_http_res_free(&r);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)q->failed);
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND object_id = ?", q->audit);
	assert_int_equal(sql_int(sql, id), 1);

	/* waiting again, its tries from zero */
	snprintf(path, sizeof(path), "%s?state=pending", q->list);
	assert_int_equal(mc_http_get(&admin, path, &r), 200);
	row = listed(&r, q->failed);
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "attempts")), 0);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_get(&clerk, q->list, &r), 403);
	mc_http_res_free(&r);
}

static void deliveries(void **state)
{
	(void)state;
	one_queue(&queues[0]);
}

static void portal_sync(void **state)
{
	(void)state;
	one_queue(&queues[1]);
}

static void handoffs(void **state)
{
	(void)state;
	/* an administrator of agencies that do not include the police: none
	 * of its hand-overs, listed or retried */
	struct mc_http_res r;
	char path[120];
	assert_int_equal(mc_http_get(&elsewhere, "/api/v1/exchange/handoffs", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), queues[2].retry, (long long)queues[2].failed);
	assert_int_equal(mc_http_post(&elsewhere, path, NULL, &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM handoffs WHERE state = ?", "failed"), 1);
	one_queue(&queues[2]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deliveries),
		cmocka_unit_test(portal_sync),
		cmocka_unit_test(handoffs),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

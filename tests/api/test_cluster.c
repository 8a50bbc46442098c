/*
 * test_cluster.c - several `motcua serve` on one database behave as one
 * (issue 18, stateless servers), on SQLite (one file) and PostgreSQL:
 *   - a session used on server B ends there as soon as it is logged out on
 *     server A, though B keeps resolved sessions for a minute; so does the
 *     session of an account disabled on A; an account renamed on A is
 *     answered renamed by B's GET /api/v1/me at once;
 *   - failed logins spread over A and B count once (login throttling is in
 *     the database);
 *   - public tracking from one address spread over A and B (both tracking
 *     routes) passes exactly track_limit times a minute in all, then 429
 *     on both;
 *   - housekeeping runs on one server at a time (its lease): the lease
 *     passes to the other when the holder stops, and when it dies, once
 *     the lease expires;
 *   - notifications queued once are sent once with two notifiers running;
 *   - reads that may lag go to db_replica (on PostgreSQL: another database,
 *     empty, so that where a read went shows), except for a client that
 *     just wrote (its fresh cookie), and to the primary while the replica
 *     hangs (back to it once it answers) or when it cannot be opened; a
 *     replica unreachable at start is tried again until it answers, and
 *     used from then on; with SQLite db_replica is ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "only.h"
#include "proxy.h"
#include "server.h"
#include "shell.h"
#include "testdb.h"

#include "db/db.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char db_url[512];
static struct mc_db *db;
static struct mc_test_server a, b;

#define TRACK_LIMIT "20"

/* Both group servers keep a resolved session for a minute: without a
 * revocation every server hears of, B would go on answering for it. */
static const char *const group_env[] = {"MOTCUA_SESSION_CACHE_MS=60000", "MOTCUA_TRACK_LIMIT=" TRACK_LIMIT,
					"MOTCUA_TRUST_PROXY=1", "MOTCUA_NOTIFY=0", NULL};

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	mc_test_server_start(&a, db_url, group_env);
	mc_test_server_start(&b, db_url, group_env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&a), 0);
	assert_int_equal(mc_test_server_stop(&b), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int64_t user_id(const char *username)
{
	struct mc_conn *c;
	int64_t id = 0;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query_int64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username), 0);
	mc_db_release(c);
	return id;
}

/* GET path as s on the server at base; the status. */
static long get_on(struct mc_http_session *s, const char *base, const char *path)
{
	const char *was = s->base;
	s->base = base;
	struct mc_http_res r;
	long st = mc_http_get(s, path, &r);
	mc_http_res_free(&r);
	s->base = was;
	return st;
}

/* PATCH /api/v1/users/{id} as s, with the account's current ETag. */
static long patch_user(struct mc_http_session *s, int64_t id, const char *body)
{
	char path[80], h[80];
	struct mc_http_res g, r;
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	assert_int_equal(mc_http_get(s, path, &g), 200);
	snprintf(h, sizeof(h), "If-Match: %s", mc_http_header(&g, "ETag"));
	mc_http_res_free(&g);
	const char *const hs[] = {h, NULL};
	assert_int_equal(mc_http_do(s, "PATCH", path, body, hs, &r), 0);
	long st = r.status;
	mc_http_res_free(&r);
	return st;
}

/* Logged in on A, used on B, logged out on A: B refuses it at once. */
static void logout_holds_everywhere(void **state)
{
	(void)state;
	struct mc_http_session s;
	mc_http_login_as(&s, a.base, "chuyenvien");
	/* B resolves it and keeps it (for a minute) */
	for (int i = 0; i < 3; i++)
		assert_int_equal(get_on(&s, b.base, "/api/v1/me"), 200);
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&s, "/api/v1/auth/logout", NULL, &r), 204);
	mc_http_res_free(&r);
	assert_int_equal(get_on(&s, b.base, "/api/v1/me"), 401);
	assert_int_equal(get_on(&s, a.base, "/api/v1/me"), 401);
	assert_int_equal(get_on(&s, b.base, "/api/v1/queues"), 401);
}

/* An account disabled on A: its session ends on B at once; renamed on A:
 * B's GET /api/v1/me answers the new name at once. */
static void account_changes_hold_everywhere(void **state)
{
	(void)state;
	struct mc_http_session admin, user;
	mc_http_login_as(&admin, a.base, "admin");
	mc_http_login_as(&user, b.base, "chuyenvien.stp");
	int64_t id = user_id("chuyenvien.stp");
	struct mc_http_res r;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(mc_http_get(&user, "/api/v1/me", &r), 200);
		mc_http_res_free(&r);
	}
	assert_int_equal(patch_user(&admin, id, "{\"full_name\":\"Trần Văn Đổi Tên\"}"), 200);
	assert_int_equal(mc_http_get(&user, "/api/v1/me", &r), 200);
	assert_string_equal(jstr(r.json, "full_name"), "Trần Văn Đổi Tên");
	mc_http_res_free(&r);

	assert_int_equal(patch_user(&admin, id, "{\"status\":\"disabled\"}"), 200);
	assert_int_equal(mc_http_get(&user, "/api/v1/me", &r), 401);
	mc_http_res_free(&r);
	assert_int_equal(patch_user(&admin, id, "{\"status\":\"active\"}"), 200);
}

/* Failed logins of one account from one address, alternating between A
 * and B, count in one place: each answer says one try fewer is left
 * (login_max_user, 5, in all).  The address is the one the proxy added
 * last: what a client put before it (in the same header, or in a header
 * of its own before the proxy's) changes nothing. */
static void login_throttle_across_servers(void **state)
{
	(void)state;
	const char *const from[][3] = {
		{"X-Forwarded-For: 198.51.100.90", NULL, NULL},
		{"X-Forwarded-For: 10.1.1.1, 198.51.100.90", NULL, NULL},
		{"X-Forwarded-For: 10.1.1.2", "X-Forwarded-For: 198.51.100.90", NULL},
		{"X-Forwarded-For: 10.1.1.3 ,198.51.100.90 ", NULL, NULL},
		{"X-Forwarded-For: 198.51.100.90", NULL, NULL},
	};
	for (int i = 0; i < 5; i++) {
		char url[120];
		snprintf(url, sizeof(url), "%s/api/v1/auth/login", i % 2 ? b.base : a.base);
		const char *const hs[] = {"Content-Type: application/json", from[i][0], from[i][1], NULL};
		struct mc_http_res r;
		assert_int_equal(mc_http_raw("POST", url,
					     "{\"username\":\"vanthu.stp\",\"password\":\"Sai-MatKhau-1\"}", hs, &r),
				 0);
		assert_int_equal(r.status, 401);
		assert_int_equal(json_integer_value(json_object_get(r.json, "attempts_left")), 5 - i - 1);
		mc_http_res_free(&r);
	}
}

/* Seconds left in the current minute of the wall clock (the servers'
 * minutes, without a test clock). */
static int seconds_left_in_minute(void)
{
	return 60 - (int)(time(NULL) % 60);
}

/* A tracking look-up from addr on base (one route or the other); the
 * status. */
static long track_from(const char *base, const char *addr, int linked)
{
	char url[200], xff[80];
	snprintf(url, sizeof(url), "%s%s", base,
		 linked ? "/api/v1/linked/HS-KHONG-CO/track?s=ABCD-EFGH" : "/api/v1/track/HS-KHONG-CO?s=ABCD-EFGH");
	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", addr);
	const char *const hs[] = {xff, NULL};
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("GET", url, NULL, hs, &r), 0);
	long st = r.status;
	if (st == 429)
		assert_string_equal(mc_http_header(&r, "Retry-After"), "60");
	mc_http_res_free(&r);
	return st;
}

/* One address alternating between A and B: track_limit look-ups pass in
 * all (not track_limit on each), then both refuse. */
static void tracking_limit_across_servers(void **state)
{
	(void)state;
	int limit = atoi(TRACK_LIMIT);
	/* all within one minute */
	if (seconds_left_in_minute() < 15)
		sleep((unsigned)seconds_left_in_minute() + 1);
	const char *addr = "198.51.100.77";
	int passed = 0, refused = 0;
	for (int i = 0; i < 2 * limit; i++) {
		long st = track_from(i % 2 ? b.base : a.base, addr, i % 3 == 0);
		if (st == 429)
			refused++;
		else if (st == 404) /* no such dossier: the look-up was let through */
			passed++;
		else
			fail_msg("tracking answered %ld", st);
	}
	assert_int_equal(passed, limit);
	assert_int_equal(refused, limit);
	assert_int_equal(track_from(a.base, addr, 0), 429);
	assert_int_equal(track_from(b.base, addr, 1), 429);
	/* another address has its own allowance */
	assert_int_equal(track_from(b.base, "198.51.100.78", 0), 404);
	/* the database keeps shares, not addresses, and far fewer writes than
	 * look-ups: at most the limit claimed */
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM rate_quota WHERE key LIKE '%198.51%'", NULL), 0);
	assert_true(mc_test_db_int(db, "SELECT MAX(used) FROM rate_quota", NULL) <= limit);
}

/* ---- the housekeeping lease ---- */

/* The value of motcua_lease_held{name="housekeeping"} on s (-1: none
 * yet). */
static int lease_held(const struct mc_test_server *s)
{
	char url[120];
	snprintf(url, sizeof(url), "%s/metrics", s->base);
	struct mc_http_res r;
	if (mc_http_raw("GET", url, NULL, NULL, &r) != 0)
		return -1;
	const char *p = r.body ? strstr(r.body, "motcua_lease_held{name=\"housekeeping\"} ") : NULL;
	int v = p ? atoi(p + strlen("motcua_lease_held{name=\"housekeeping\"} ")) : -1;
	mc_http_res_free(&r);
	return v;
}

/* The holder in the database ("" none). */
static void holder_in_db(char *out, size_t n)
{
	struct mc_conn *c;
	struct mc_stmt *s;
	out[0] = '\0';
	assert_int_equal(mc_db_acquire(db, &c), 0);
	assert_int_equal(mc_query(c, &s, "SELECT holder FROM leases WHERE name = 'housekeeping'", ""), 0);
	if (mc_step(s) == MC_DB_ROW)
		snprintf(out, n, "%s", mc_col_text(s, 0));
	mc_stmt_done(s);
	mc_db_release(c);
}

/* Which of the two holds the lease, waiting up to 10 s for exactly one to
 * (0: x, 1: y); the test fails when both ever do. */
static int wait_one_holder(const struct mc_test_server *x, const struct mc_test_server *y)
{
	for (int i = 0; i < 100; i++) {
		int hx = lease_held(x), hy = lease_held(y);
		if (hx == 1 && hy == 1)
			fail_msg("both servers hold the housekeeping lease");
		if (hx == 1 || hy == 1)
			return hy == 1;
		usleep(100000);
	}
	fail_msg("no server took the housekeeping lease");
	return -1;
}

static int holder_is(const struct mc_test_server *s)
{
	char h[160], pid[24];
	holder_in_db(h, sizeof(h));
	snprintf(pid, sizeof(pid), ":%d", (int)s->pid);
	size_t n = strlen(h), k = strlen(pid);
	return n > k && strcmp(h + n - k, pid) == 0;
}

static void housekeeping_lease(void **state)
{
	(void)state;
	const char *env[] = {"MOTCUA_HOUSEKEEPING_INTERVAL_MS=200", "MOTCUA_NOTIFY=0", NULL};
	struct mc_test_server x, y, z;
	mc_test_server_start(&x, db_url, env);
	mc_test_server_start(&y, db_url, env);
	int first = wait_one_holder(&x, &y);
	struct mc_test_server *holder = first ? &y : &x, *other = first ? &x : &y;
	assert_true(holder_is(holder));
	/* one holder at a time, the same while it runs */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(lease_held(holder), 1);
		assert_int_not_equal(lease_held(other), 1);
		usleep(100000);
	}
	/* it stops: it gives the lease back, the other takes it */
	assert_int_equal(mc_test_server_stop(holder), 0);
	for (int i = 0; i < 100 && lease_held(other) != 1; i++)
		usleep(100000);
	assert_int_equal(lease_held(other), 1);
	assert_true(holder_is(other));

	/* a new server waits; the holder dies: the lease passes once it
	 * expires (three rounds, 1 s at least) */
	mc_test_server_start(&z, db_url, env);
	usleep(600000);
	assert_int_not_equal(lease_held(&z), 1);
	kill(other->pid, SIGKILL);
	assert_int_equal(mc_test_server_wait(other, 10), 128 + SIGKILL);
	for (int i = 0; i < 100 && lease_held(&z) != 1; i++)
		usleep(100000);
	assert_int_equal(lease_held(&z), 1);
	assert_true(holder_is(&z));
	assert_int_equal(mc_test_server_stop(&z), 0);
}

/* ---- notifications with two notifiers ---- */

static char dir[256];
static char smtp_env[80];

static int mails_to(const char *address)
{
	assert_int_equal(mc_test_sh(dir, "cat mail-*.env 2>/dev/null | grep -o '\"%s\"' | wc -l", address), 0);
	return atoi(mc_test_output(dir));
}

/* A dossier received at the ward's counter on base for an applicant
 * reached at email; its code and tracking secret. */
static void intake(const char *base, const char *email, char code[80], char secret[24])
{
	struct mc_http_session clerk;
	mc_http_login_as(&clerk, base, "tiepnhan.p26740");
	char path[100], body[1200];
	snprintf(path, sizeof(path), "/api/v1/counters/%lld/dossiers",
		 (long long)mc_test_db_int(db, "SELECT id FROM counters WHERE code = ?", "Q-P26740-01"));
	snprintf(body, sizeof(body),
		 "{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Lê Thị Hồng\",\"id_number\":"
		 "\"079185176822\",\"birth_date\":\"1985-11-02\",\"residence_unit\":\"26740\",\"marital_status\":"
		 "\"single\",\"purpose\":\"Kết hôn\"},\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{"
		 "\"full_name\":\"Lê Thị Hồng\",\"id_number\":\"079185176822\",\"phone\":\"0912345678\",\"email\":"
		 "\"%s\",\"ward_code\":\"26740\"}}",
		 email);
	struct mc_http_res r;
	if (mc_http_post(&clerk, path, body, &r) != 201)
		fail_msg("intake: %ld %s", r.status, r.body);
	snprintf(code, 80, "%s", jstr(r.json, "code"));
	if (secret)
		snprintf(secret, 24, "%s", jstr(r.json, "secret"));
	mc_http_res_free(&r);
}

static void notified_once(void **state)
{
	(void)state;
	assert_int_equal(mc_test_scratch(dir, sizeof(dir), "cluster"), 0);
	int smtp = mc_test_free_port(), sms = mc_test_free_port();
	char sp[8], mp[8], script[600];
	snprintf(sp, sizeof(sp), "%d", smtp);
	snprintf(mp, sizeof(mp), "%d", sms);
	snprintf(script, sizeof(script), "%s/tests/notify/mailsink.py", mc_test_share());
	const char *argv[] = {script, dir, sp, mp, NULL};
	pid_t sink = mc_test_python_start(dir, argv);
	snprintf(smtp_env, sizeof(smtp_env), "MOTCUA_SMTP_URL=smtp://127.0.0.1:%d", smtp);
	const char *env[] = {"MOTCUA_NOTIFY=1", "MOTCUA_NOTIFY_INTERVAL_MS=50", smtp_env, NULL};
	struct mc_test_server x, y;
	mc_test_server_start(&x, db_url, env);
	mc_test_server_start(&y, db_url, env);
	enum { N = 6 };
	char code[80], address[N][64];
	for (int i = 0; i < N; i++) {
		snprintf(address[i], sizeof(address[i]), "cluster%d@example.vn", i);
		intake(i % 2 ? y.base : x.base, address[i], code, NULL);
	}
	int got = 0;
	for (int t = 0; t < 200 && got < N; t++) {
		got = 0;
		for (int i = 0; i < N; i++)
			got += mails_to(address[i]) > 0;
		usleep(100000);
	}
	assert_int_equal(got, N);
	usleep(1000000); /* rounds enough for a second sending to show */
	for (int i = 0; i < N; i++)
		assert_int_equal(mails_to(address[i]), 1);
	assert_int_equal(mc_test_server_stop(&x), 0);
	assert_int_equal(mc_test_server_stop(&y), 0);
	kill(sink, SIGTERM);
	waitpid(sink, NULL, 0);
	mc_test_scratch_rm(dir);
}

/* ---- reads from a replica ---- */

/* Whether the log at path has a line with text, as written by now. */

/* motcua_db_lag_tolerant_reads_total{pool="pool"} on s. */
static long reads(const struct mc_test_server *s, const char *pool)
{
	char url[120], key[80];
	snprintf(url, sizeof(url), "%s/metrics", s->base);
	snprintf(key, sizeof(key), "motcua_db_lag_tolerant_reads_total{pool=\"%s\"} ", pool);
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("GET", url, NULL, NULL, &r), 0);
	const char *p = r.body ? strstr(r.body, key) : NULL;
	long v = p ? atol(p + strlen(key)) : -1;
	mc_http_res_free(&r);
	return v;
}

static long track_code(const struct mc_test_server *s, const char *code, const char *secret, const char *cookie)
{
	char url[300], h[80];
	snprintf(url, sizeof(url), "%s/api/v1/track/%s?s=%s", s->base, code, secret);
	snprintf(h, sizeof(h), "Cookie: %s", cookie ? cookie : "");
	const char *const hs[] = {h, NULL};
	struct mc_http_res r;
	assert_int_equal(mc_http_raw("GET", url, NULL, cookie ? hs : NULL, &r), 0);
	long st = r.status;
	mc_http_res_free(&r);
	return st;
}

static void replica_reads(void **state)
{
	(void)state;
	char code[80], secret[24];
	intake(a.base, "replica@example.vn", code, secret);
	int pg = strcmp(mc_test_backend(), "pg") == 0;
	/* the "replica": on PostgreSQL another database, migrated and empty,
	 * so that a read that went there does not find the dossier */
	char replica_url[512], env_replica[600];
	struct mc_db *rdb = NULL;
	if (pg)
		mc_test_db_setup(replica_url, sizeof(replica_url), 0, &rdb, 1);
	else
		mc_test_db_create(replica_url, sizeof(replica_url));
	snprintf(env_replica, sizeof(env_replica), "MOTCUA_DB_REPLICA=%s", replica_url);
	const char *env[] = {env_replica, "MOTCUA_NOTIFY=0", NULL};
	struct mc_test_server s;
	mc_test_server_start(&s, db_url, env);
	if (!pg) { /* ignored: one file has no replica */
		assert_int_equal(track_code(&s, code, secret, NULL), 200);
		assert_int_equal(reads(&s, "replica"), 0);
		assert_int_equal(reads(&s, "primary"), 1);
		assert_int_equal(mc_test_server_stop(&s), 0);
		mc_test_db_drop(replica_url, NULL);
		return;
	}
	assert_int_equal(track_code(&s, code, secret, NULL), 404);
	assert_int_equal(reads(&s, "replica"), 1);
	/* a client that wrote gets the cookie, and reads from the primary */
	struct mc_http_session official;
	mc_http_login_as(&official, s.base, "chuyenvien");
	struct mc_http_res r;
	assert_int_equal(mc_http_do(&official, "PUT", "/api/v1/my/language", "{\"lang\":\"vi\"}", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(mc_http_header(&r, "Set-Cookie"), "motcua_fresh=1; Path=/; Max-Age=5"));
	mc_http_res_free(&r);
	assert_int_equal(track_code(&s, code, secret, "motcua_fresh=1"), 200);
	assert_int_equal(reads(&s, "primary"), 1);
	assert_int_equal(reads(&s, "replica"), 1);
	assert_int_equal(mc_test_server_stop(&s), 0);

	/* a replica that stops answering (through a proxy that stalls): once
	 * the hang watch holds it down (db_hang_timeout_ms) the reads go to the
	 * primary; when it answers again, to it */
	char proxied[512], env_proxied[600];
	struct mc_test_proxy *proxy = mc_test_proxy_start(replica_url, proxied, sizeof(proxied));
	snprintf(env_proxied, sizeof(env_proxied), "MOTCUA_DB_REPLICA=%s", proxied);
	const char *env_p[] = {env_proxied, "MOTCUA_NOTIFY=0", "MOTCUA_DB_HANG_TIMEOUT_MS=500", NULL};
	mc_test_server_start(&s, db_url, env_p);
	assert_int_equal(track_code(&s, code, secret, NULL), 404);
	mc_test_proxy_stall(proxy, 1);
	long st = 0;
	for (int i = 0; i < 40 && st != 200; i++) {
		st = track_code(&s, code, secret, NULL); /* the first may be 503: the replica hung under it */
		if (st != 200)
			assert_int_equal(st, 503);
	}
	assert_int_equal(st, 200);
	assert_true(reads(&s, "fallback") >= 1);
	mc_test_proxy_stall(proxy, 0);
	for (int i = 0; i < 100 && (st = track_code(&s, code, secret, NULL)) != 404; i++)
		usleep(100000);
	assert_int_equal(st, 404);
	assert_int_equal(mc_test_server_stop(&s), 0);
	mc_test_proxy_stop(proxy);

	/* a replica that cannot be reached: the reads go to the primary */
	char bad[600];
	const char *q = strchr(replica_url, '?');
	snprintf(bad, sizeof(bad), "MOTCUA_DB_REPLICA=%.*s_nonexistent%s",
		 (int)(q ? (size_t)(q - replica_url) : strlen(replica_url)), replica_url, q ? q : "");
	const char *env_bad[] = {bad, "MOTCUA_NOTIFY=0", NULL};
	mc_test_server_start(&s, db_url, env_bad);
	assert_int_equal(track_code(&s, code, secret, NULL), 200);
	assert_int_equal(reads(&s, "replica"), 0);
	assert_int_equal(mc_test_server_stop(&s), 0);

	/* a replica that cannot be reached when the server starts (a proxy
	 * that refuses): its reads go to the primary while the server tries
	 * it again (every replica_retry_ms); once it answers, to it */
	proxy = mc_test_proxy_start(replica_url, proxied, sizeof(proxied));
	mc_test_proxy_refuse(proxy, 1);
	snprintf(env_proxied, sizeof(env_proxied), "MOTCUA_DB_REPLICA=%s", proxied);
	const char *env_r[] = {env_proxied, "MOTCUA_NOTIFY=0", "MOTCUA_REPLICA_RETRY_MS=200", NULL};
	mc_test_server_start(&s, db_url, env_r);
	assert_int_equal(track_code(&s, code, secret, NULL), 200);
	assert_int_equal(reads(&s, "primary"), 1);
	assert_int_equal(reads(&s, "replica"), 0);
	/* tried again and refused: still the primary */
	for (int i = 0; i < 300 && mc_test_proxy_refused(proxy) < 3; i++)
		usleep(100000);
	assert_true(mc_test_proxy_refused(proxy) >= 3);
	assert_int_equal(track_code(&s, code, secret, NULL), 200);
	assert_int_equal(reads(&s, "primary"), 2);
	assert_int_equal(reads(&s, "replica"), 0);
	/* a client that writes meanwhile gets the cookie: the replica may
	 * join any moment */
	struct mc_http_session writer;
	mc_http_login_as(&writer, s.base, "chuyenvien");
	assert_int_equal(mc_http_do(&writer, "PUT", "/api/v1/my/language", "{\"lang\":\"vi\"}", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(mc_http_header(&r, "Set-Cookie"), "motcua_fresh=1"));
	mc_http_res_free(&r);
	/* it answers: within a few retries the reads go to it (the empty
	 * database: 404) */
	mc_test_proxy_refuse(proxy, 0);
	for (int i = 0; i < 300 && (st = track_code(&s, code, secret, NULL)) != 404; i++)
		usleep(100000);
	assert_int_equal(st, 404);
	assert_true(reads(&s, "replica") >= 1);
	assert_int_equal(track_code(&s, code, secret, "motcua_fresh=1"), 200);
	assert_true(mc_test_log_count(s.log, "\"failed_tries\":") > 0);
	assert_int_equal(mc_test_server_stop(&s), 0);
	mc_test_proxy_stop(proxy);
	mc_test_db_drop(replica_url, rdb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logout_holds_everywhere),
		cmocka_unit_test(account_changes_hold_everywhere),
		cmocka_unit_test(login_throttle_across_servers),
		cmocka_unit_test(tracking_limit_across_servers),
		cmocka_unit_test(housekeeping_lease),
		cmocka_unit_test(notified_once),
		cmocka_unit_test(replica_reads),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

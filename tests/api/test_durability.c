/*
 * test_durability.c - acknowledged = stored, under load.  Clerks at six
 * reception points post dossiers at the same time (the intake path, with
 * its write transactions grouped into shared commits when group commit is
 * on); the server is killed with SIGKILL in the middle, while requests are
 * in flight.  Every dossier whose 201 answer came back must be found, whole
 * (its steps, its event, its tracking row), in the database and through
 * the restarted server.  Each back-end runs it twice: with its default
 * commit mode and with the other one (group commit on for PostgreSQL, off
 * for SQLite), so that both ways of committing are held to it.
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

#include "db/db.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLERKS     6
#define MAX_CODES  4000
#define KILL_AFTER 120 /* acknowledged dossiers before the kill */
#define CODE_LEN   64

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static int is_pg;

/* One clerk per reception point of the city's one-stop centre and its
 * five branches (the demo data), each at its counter. */
static const char *const CLERK_USERS[CLERKS] = {"tiepnhan",     "tiepnhan.cn1", "tiepnhan.cn2",
						"tiepnhan.cn3", "tiepnhan.cn4", "tiepnhan.cn5"};
static const char *const COUNTERS[CLERKS] = {"Q-TT-01", "Q-CN1-01", "Q-CN2-01", "Q-CN3-01", "Q-CN4-01", "Q-CN5-01"};

static const char *BODY =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"},\"papers\":[\"to_khai\",\"giay_to_tuy_than\"],\"applicant\":{\"full_name\":\"Lê Văn Cường\","
	"\"id_number\":\"079080001111\",\"phone\":\"0912345678\",\"ward_code\":\"26740\"}}";

struct clerk {
	pthread_t thread;
	struct mc_http_session s;
	char path[96];
	int failed; /* answers that were neither 201 nor a dropped connection */
	long last_status;
};

static char codes[MAX_CODES][CODE_LEN];
static atomic_int ncodes;
static atomic_int stop, dropped;

static void *clerk_main(void *arg)
{
	struct clerk *k = arg;
	while (!atomic_load(&stop)) {
		struct mc_http_res r;
		long st = mc_http_do(&k->s, "POST", k->path, BODY, NULL, &r) ? -1 : r.status;
		if (st == 201) {
			const char *code = json_string_value(json_object_get(r.json, "code"));
			int i = atomic_fetch_add(&ncodes, 1);
			if (code && i < MAX_CODES)
				snprintf(codes[i], CODE_LEN, "%s", code);
			else
				k->failed++;
		} else if (st == -1) {
			atomic_fetch_add(&dropped, 1); /* the server was killed */
			mc_http_res_free(&r);
			break;
		} else {
			k->failed++;
			k->last_status = st;
		}
		mc_http_res_free(&r);
		if (atomic_load(&ncodes) >= MAX_CODES)
			break;
	}
	return NULL;
}

static int64_t count(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

/* Load, kill -9 in the middle, restart: every acknowledged dossier is
 * there.  group: the MOTCUA_DB_GROUP_COMMIT value of the server. */
static void kill_under_load(const char *group)
{
	char genv[64];
	snprintf(genv, sizeof(genv), "MOTCUA_DB_GROUP_COMMIT=%s", group);
	const char *env[] = {"MOTCUA_THREADS=8", genv, NULL};
	mc_test_server_start(&srv, db_url, env);
	int64_t before = count("SELECT COUNT(*) FROM dossiers", NULL);
	atomic_store(&ncodes, 0);
	atomic_store(&stop, 0);
	atomic_store(&dropped, 0);
	struct clerk k[CLERKS];
	memset(k, 0, sizeof(k));
	for (int i = 0; i < CLERKS; i++) {
		mc_http_login_as(&k[i].s, srv.base, CLERK_USERS[i]);
		snprintf(k[i].path, sizeof(k[i].path), "/api/v1/counters/%lld/dossiers",
			 (long long)count("SELECT id FROM counters WHERE code = ?", COUNTERS[i]));
	}
	for (int i = 0; i < CLERKS; i++)
		assert_int_equal(pthread_create(&k[i].thread, NULL, clerk_main, &k[i]), 0);
	/* Kill once enough are acknowledged, while the clerks still post. */
	for (int i = 0; i < 6000 && atomic_load(&ncodes) < KILL_AFTER; i++) {
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	assert_int_equal(kill(srv.pid, SIGKILL), 0);
	assert_int_equal(mc_test_server_wait(&srv, 30), 128 + SIGKILL);
	atomic_store(&stop, 1);
	for (int i = 0; i < CLERKS; i++) {
		pthread_join(k[i].thread, NULL);
		if (k[i].failed)
			fprintf(stderr, "clerk %d: %d answers were not 201 (last %ld)\n", i, k[i].failed,
				k[i].last_status);
		assert_int_equal(k[i].failed, 0);
	}
	int n = atomic_load(&ncodes);
	fprintf(stderr, "group commit %s: %d acknowledged, %d requests cut by the kill\n", group, n,
		atomic_load(&dropped));
	assert_true(n >= KILL_AFTER);
	/* the kill came while requests were being served */
	assert_true(atomic_load(&dropped) > 0);

	/* In the database: each acknowledged dossier, with all its rows. */
	for (int i = 0; i < n; i++) {
		assert_int_equal(count("SELECT COUNT(*) FROM dossiers WHERE code = ?", codes[i]), 1);
		assert_true(count("SELECT COUNT(*) FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id"
				  " WHERE d.code = ?",
				  codes[i]) >= 2);
		assert_int_equal(count("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id"
				       " WHERE d.code = ? AND e.action = 'intake'",
				       codes[i]),
				 1);
	}
	/* Nothing half-written: every stored dossier has its event (a
	 * dossier whose answer was lost may be there too, whole). */
	assert_int_equal(count("SELECT COUNT(*) FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM dossier_events e"
			       " WHERE e.dossier_id = d.id)",
			       NULL),
			 0);
	assert_true(count("SELECT COUNT(*) FROM dossiers", NULL) >= before + n);

	/* Through the restarted server, as the clerk who took them in. */
	mc_test_server_start(&srv, db_url, env);
	struct mc_http_session s;
	mc_http_login_as(&s, srv.base, CLERK_USERS[0]);
	for (int i = 0; i < n; i++) {
		char path[128];
		snprintf(path, sizeof(path), "/api/v1/dossiers/%.63s", codes[i]);
		struct mc_http_res r;
		long st = mc_http_get(&s, path, &r);
		if (st != 200)
			fprintf(stderr, "%s: %ld\n", codes[i], st);
		assert_int_equal(st, 200);
		assert_string_equal(json_string_value(json_object_get(r.json, "code")), codes[i]);
		mc_http_res_free(&r);
	}
	assert_int_equal(mc_test_server_stop(&srv), 0);
}

static void default_commits(void **state)
{
	(void)state;
	kill_under_load(is_pg ? "0" : "64");
}

static void other_commits(void **state)
{
	(void)state;
	kill_under_load(is_pg ? "64" : "0");
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 2);
	is_pg = mc_db_kind(db) == MC_DB_PG;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_db_drop(db_url, db);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_commits),
		cmocka_unit_test(other_commits),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_crash.c - an Idempotency-Key survives a crash.  The server dies (as
 * with kill -9) right after the COMMIT of a request and before its answer
 * is sent (motcua-test's X-Motcua-Test-Fault: crash-after-commit); the
 * client, who saw the connection drop, sends the same request with the
 * same key to the restarted server and gets the first answer, replayed:
 * one dossier, not two; one transition, not a 412.  Workflow actions
 * honour keys like every other POST.  A server killed while a request runs
 * (held just before its COMMIT: X-Motcua-Test-Fault: stall-before-commit)
 * leaves the key reserved, and the retry to the restarted server runs the
 * request at once: not a 409 for 5 minutes.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct mc_test_server srv;
static char db_url[512];
static struct mc_db *db;
static struct mc_http_session cit, clerk;

static const char *BODY =
	"{\"procedure_code\":\"1.004873\",\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
	"\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\",\"purpose\":\"Kết "
	"hôn\"}}";

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
static long jint(json_t *o, const char *k)
{
	return (long)json_integer_value(json_object_get(o, k));
}
static int replayed(struct mc_http_res *r)
{
	return strcmp(mc_http_header(r, "Idempotent-Replayed"), "true") == 0;
}

static int64_t count(const char *sql, const char *arg)
{
	return mc_test_db_int(db, sql, arg);
}

static void start(void)
{
	mc_test_server_start(&srv, db_url, NULL);
	/* the sessions live in the database: they outlive the process */
	cit.base = clerk.base = srv.base;
}

static int setup(void **state)
{
	(void)state;
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	start();
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(mc_test_server_stop(&srv), 0);
	mc_test_db_drop(db_url, db);
	return 0;
}

/* POST with a key, optionally asking the server to die after its commit;
 * -1 when the connection dropped. */
static long post(struct mc_http_session *s, const char *path, const char *body, const char *key, const char *if_match,
		 int crash, struct mc_http_res *r)
{
	char k[160], im[64];
	const char *h[4];
	int n = 0;
	snprintf(k, sizeof(k), "Idempotency-Key: %s", key);
	h[n++] = k;
	if (if_match) {
		snprintf(im, sizeof(im), "If-Match: %s", if_match);
		h[n++] = im;
	}
	if (crash)
		h[n++] = "X-Motcua-Test-Fault: crash-after-commit";
	h[n] = NULL;
	return mc_http_do(s, "POST", path, body, h, r) ? -1 : r->status;
}

/* The request crashed the server after its commit; start it again. */
static void crashed_and_restart(long status, struct mc_http_res *r)
{
	mc_http_res_free(r);
	assert_int_equal(status, -1); /* the client saw no answer */
	assert_int_equal(mc_test_server_wait(&srv, 60), 70);
	start();
}

static void submission_survives(void **state)
{
	(void)state;
	int64_t before = count("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873");
	struct mc_http_res r;
	long st = post(&cit, "/api/v1/dossiers", BODY, "crash-submit-1", NULL, 1, &r);
	crashed_and_restart(st, &r);
	/* committed before the crash: the dossier is there, once */
	assert_int_equal(count("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873"), before + 1);

	assert_int_equal(post(&cit, "/api/v1/dossiers", BODY, "crash-submit-1", NULL, 0, &r), 201);
	assert_true(replayed(&r));
	const char *code = jstr(r.json, "code");
	assert_non_null(code);
	assert_int_equal(count("SELECT COUNT(*) FROM dossiers WHERE code = ?", code), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873"), before + 1);
	char loc[160];
	snprintf(loc, sizeof(loc), "/api/v1/dossiers/%s", code);
	assert_string_equal(mc_http_header(&r, "Location"), loc);
	mc_http_res_free(&r);
}

static void action_survives(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(post(&cit, "/api/v1/dossiers", BODY, "crash-submit-2", NULL, 0, &r), 201);
	char code[80], path[160], etag[32];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	snprintf(etag, sizeof(etag), "\"v%ld\"", jint(r.json, "version"));
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions/receive", code);

	long st = post(&clerk, path, "{}", "crash-receive-1", etag, 1, &r);
	crashed_and_restart(st, &r);
	assert_int_equal(count("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id"
			       " WHERE d.code = ? AND e.action = 'receive'",
			       code),
			 1);

	/* the same request again: the first answer, not 412 (the version moved) */
	assert_int_equal(post(&clerk, path, "{}", "crash-receive-1", etag, 0, &r), 200);
	assert_true(replayed(&r));
	assert_string_equal(jstr(r.json, "status"), "in_progress");
	char want[32];
	snprintf(want, sizeof(want), "\"v%ld\"", jint(r.json, "version"));
	assert_string_equal(mc_http_header(&r, "ETag"), want);
	mc_http_res_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id"
			       " WHERE d.code = ? AND e.action = 'receive'",
			       code),
			 1);
}

/* Without a crash: an action retried with its key is answered once. */
static void action_retry_is_replayed(void **state)
{
	(void)state;
	struct mc_http_res r;
	assert_int_equal(post(&cit, "/api/v1/dossiers", BODY, "retry-submit-3", NULL, 0, &r), 201);
	char code[80], path[160], etag[32];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	snprintf(etag, sizeof(etag), "\"v%ld\"", jint(r.json, "version"));
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions/receive", code);
	assert_int_equal(post(&clerk, path, "{}", "retry-receive-3", etag, 0, &r), 200);
	assert_false(replayed(&r));
	long v = jint(r.json, "version");
	mc_http_res_free(&r);
	assert_int_equal(post(&clerk, path, "{}", "retry-receive-3", etag, 0, &r), 200);
	assert_true(replayed(&r));
	assert_int_equal(jint(r.json, "version"), v);
	mc_http_res_free(&r);
	/* a new key is a new request: the stale version is refused */
	assert_int_equal(post(&clerk, path, "{}", "retry-receive-4", etag, 0, &r), 412);
	mc_http_res_free(&r);
}

/* Lines of the server's log that hold text. */
static int log_count(const char *text)
{
	return mc_test_log_count(srv.log, text);
}

/* The citizen's submission with a key, in a thread, held by the server
 * just before its COMMIT. */
struct held_post {
	struct mc_http_session s;
	const char *key;
	long status;
};

static void *held_post_run(void *arg)
{
	struct held_post *h = arg;
	char k[160];
	snprintf(k, sizeof(k), "Idempotency-Key: %s", h->key);
	const char *h2[] = {k, "X-Motcua-Test-Fault: stall-before-commit", NULL};
	struct mc_http_res r;
	h->status = mc_http_do(&h->s, "POST", "/api/v1/dossiers", BODY, h2, &r) ? -1 : r.status;
	mc_http_res_free(&r);
	return NULL;
}

static void killed_before_commit(void **state)
{
	(void)state;
	int64_t before = count("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873");
	struct held_post h = {.s = cit, .key = "crash-held-1"};
	int stalls = log_count("\"msg\":\"test_commit_stalled\"");
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, held_post_run, &h), 0);
	for (int i = 0; i < 6000 && log_count("\"msg\":\"test_commit_stalled\"") == stalls; i++) {
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	assert_true(log_count("\"msg\":\"test_commit_stalled\"") > stalls);
	/* killed with the request's work done but not committed */
	assert_int_equal(kill(srv.pid, SIGKILL), 0);
	assert_int_equal(mc_test_server_wait(&srv, 60), 128 + SIGKILL);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(h.status, -1); /* the client saw no answer */
	/* nothing of it exists but its reservation */
	assert_int_equal(count("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873"), before);
	assert_int_equal(count("SELECT COUNT(*) FROM idempotency WHERE key = ? AND status = 0", "crash-held-1"), 1);

	start();
	struct mc_http_res r;
	assert_int_equal(post(&cit, "/api/v1/dossiers", BODY, "crash-held-1", NULL, 0, &r), 201);
	assert_false(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(post(&cit, "/api/v1/dossiers", BODY, "crash-held-1", NULL, 0, &r), 201);
	assert_true(replayed(&r));
	mc_http_res_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM dossiers WHERE procedure_code = ?", "1.004873"), before + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(submission_survives),
		cmocka_unit_test(action_survives),
		cmocka_unit_test(action_retry_is_replayed),
		cmocka_unit_test(killed_before_commit),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

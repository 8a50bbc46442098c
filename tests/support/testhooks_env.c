/*
 * testhooks_env.c - linked into motcua-test only: fills the hooks of
 * src/core/testhooks.h from the environment before main() runs.
 *
 *   MOTCUA_TEST_NOW=2027-02-03T09:00:00+07:00   the clock starts at that
 *       instant and runs at the normal pace (deadlines around Tết, ...)
 *   X-Motcua-Test-Fault: crash-after-commit      (a request header) the
 *       process dies, as with kill -9, right after that request's first
 *       durable COMMIT and before its answer is sent
 *   X-Motcua-Test-Fault: stall-until-stop        the request says so in the
 *       log ("test_stalled") and waits (60 s at most) until the server has
 *       stopped accepting and one more request has arrived after that,
 *       then goes on: a request surely in flight when SIGTERM comes, and
 *       still in flight when a kept-alive client sends its next request.
 *       The worker thread that holds it accepts no other connection
 *       meanwhile (libmicrohttpd's thread pool).
 *   X-Motcua-Test-Fault: stall-before-commit     the request says so in the
 *       log ("test_commit_stalled") just before its COMMIT and waits there
 *       (60 s at most) until a request with X-Motcua-Test-Fault:
 *       release-commit arrives: what other requests see in between
 *   MOTCUA_TEST_NOTIFY_CRASH=sent|recorded       the notification worker
 *       dies (as with kill -9) right after a message left ("sent") or
 *       after it was recorded but before its outbox row was acknowledged
 *       ("recorded")
 */
#include "core/log.h"
#include "core/testhooks.h"
#include "core/timeutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Thread_local int crash_after_commit;
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;
static int stopping, after_stop; /* requests seen since */
static _Thread_local int stall_commit;
static unsigned commit_releases;

static void stall_until_stop(void)
{
	mc_info("test_stalled", NULL);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&stop_lock);
	while (!(stopping && after_stop) && pthread_cond_timedwait(&stop_cond, &stop_lock, &until) == 0)
		;
	pthread_mutex_unlock(&stop_lock);
}

static void on_stopping(void)
{
	pthread_mutex_lock(&stop_lock);
	stopping = 1;
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&stop_lock);
}

static void request_fault(const char *fault)
{
	pthread_mutex_lock(&stop_lock);
	if (stopping) {
		after_stop++;
		pthread_cond_broadcast(&stop_cond);
	}
	pthread_mutex_unlock(&stop_lock);
	crash_after_commit = fault && strcmp(fault, "crash-after-commit") == 0;
	stall_commit = fault && strcmp(fault, "stall-before-commit") == 0;
	if (fault && strcmp(fault, "release-commit") == 0) {
		pthread_mutex_lock(&stop_lock);
		commit_releases++;
		pthread_cond_broadcast(&stop_cond);
		pthread_mutex_unlock(&stop_lock);
	}
	if (fault && strcmp(fault, "stall-until-stop") == 0)
		stall_until_stop();
}

static void before_commit(void)
{
	if (!stall_commit)
		return;
	stall_commit = 0;
	pthread_mutex_lock(&stop_lock);
	unsigned seen = commit_releases;
	mc_info("test_commit_stalled", NULL);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	while (commit_releases == seen && pthread_cond_timedwait(&stop_cond, &stop_lock, &until) == 0)
		;
	pthread_mutex_unlock(&stop_lock);
}

static void after_commit(void)
{
	if (crash_after_commit)
		_exit(70);
}

static const char *notify_crash;

static void notify_point(const char *where)
{
	if (notify_crash && strcmp(notify_crash, where) == 0)
		_exit(70);
}

__attribute__((constructor)) static void testhooks_init(void)
{
	const char *t = getenv("MOTCUA_TEST_NOW");
	int64_t want;
	if (t && *t && mc_time_parse(t, &want) == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		mc_test_hooks.clock_offset_ms = want - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	}
	mc_test_hooks.request_fault = request_fault;
	mc_test_hooks.before_commit = before_commit;
	mc_test_hooks.after_commit = after_commit;
	mc_test_hooks.stopping = on_stopping;
	notify_crash = getenv("MOTCUA_TEST_NOTIFY_CRASH");
	mc_test_hooks.notify_point = notify_point;
}

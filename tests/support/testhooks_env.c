/*
 * testhooks_env.c - linked into motcua-test only: fills the hooks of
 * src/core/testhooks.h from the environment before main() runs.
 *
 *   MOTCUA_TEST_NOW=2027-02-03T09:00:00+07:00   the clock starts at that
 *       instant and runs at the normal pace (deadlines around Tết, ...)
 *   X-Motcua-Test-Fault: crash-after-commit      (a request header) the
 *       process dies, as with kill -9, right after that request's first
 *       durable COMMIT and before its answer is sent
 */
#include "core/testhooks.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Thread_local int crash_after_commit;

static void request_fault(const char *fault)
{
	crash_after_commit = fault && strcmp(fault, "crash-after-commit") == 0;
}

static void after_commit(void)
{
	if (crash_after_commit)
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
	mc_test_hooks.after_commit = after_commit;
}

/*
 * testhooks.h - the points where the test build (motcua-test) moves the
 * clock and injects faults.
 *
 * In `motcua` every hook is NULL and nothing sets them: no environment
 * variable, header or request reaches them.  The test binary fills them at
 * start-up from its environment (tests/support/testhooks.c); the code that
 * calls a hook checks it for NULL first.
 */
#ifndef MC_TESTHOOKS_H
#define MC_TESTHOOKS_H

#include <stdint.h>

struct mc_test_hooks {
	/* Added to the real time by mc_time_now_ms() (MOTCUA_TEST_NOW). */
	int64_t clock_offset_ms;
	/* Called at the start of every HTTP request with the value of its
	 * X-Motcua-Test-Fault header (NULL when absent). */
	void (*request_fault)(const char *fault);
	/* Called just before every COMMIT that makes a transaction durable. */
	void (*before_commit)(void);
	/* Called after every COMMIT that made a transaction durable. */
	void (*after_commit)(void);
	/* Called by the notification worker at "sent" (a message left, not
	 * yet recorded) and "recorded" (recorded, its outbox row not yet
	 * acknowledged). */
	void (*notify_point)(const char *where);
	/* Called once the server has stopped accepting (SIGTERM, SIGINT). */
	void (*stopping)(void);
};

extern struct mc_test_hooks mc_test_hooks;

#endif

/*
 * test_linked.c - the hand-over rule of linked procedures (Decree 63/2024,
 * src/linked/linked.h mc_linked_judge): forwarded within 10 minutes,
 * acknowledged within 2 working hours of the agency's calendar (office
 * hours 07:30-11:30, 13:00-17:00; the lunch break and the weekend do not
 * count), the result forwarded within 10 minutes; something not done yet
 * is late once its time has passed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "core/timeutil.h"
#include "linked/linked.h"

static struct mc_calendar cal;

static int64_t at(const char *iso)
{
	int64_t ms = 0;
	assert_int_equal(mc_time_parse(iso, &ms), 0);
	return ms;
}

static struct mc_linked_verdict judge(const char *ready, const char *fwd, const char *ack, const char *now)
{
	struct mc_linked_verdict v;
	assert_int_equal(mc_linked_judge(&cal, at(ready), fwd ? at(fwd) : 0, ack ? at(ack) : 0, 0, 0, at(now), &v), 0);
	return v;
}

static void forwarding(void **state)
{
	(void)state;
	const char *r = "2027-03-01T09:00:00+07:00";
	assert_false(judge(r, "2027-03-01T09:10:00+07:00", NULL, "2027-03-01T09:11:00+07:00").forward_late);
	assert_true(judge(r, "2027-03-01T09:10:01+07:00", NULL, "2027-03-01T09:11:00+07:00").forward_late);
	/* not forwarded: late once 10 minutes have passed, whatever the hour */
	assert_false(judge(r, NULL, NULL, "2027-03-01T09:09:00+07:00").forward_late);
	assert_true(judge(r, NULL, NULL, "2027-03-01T09:10:01+07:00").forward_late);
	assert_false(judge(r, NULL, NULL, "2027-03-01T23:00:00+07:00").acknowledge_late);
}

static void acknowledging(void **state)
{
	(void)state;
	/* forwarded 09:00 Monday: due 11:00 */
	const char *r = "2027-03-01T09:00:00+07:00";
	assert_false(judge(r, r, "2027-03-01T11:00:00+07:00", "2027-03-01T15:00:00+07:00").acknowledge_late);
	assert_true(judge(r, r, "2027-03-01T11:01:00+07:00", "2027-03-01T15:00:00+07:00").acknowledge_late);
	assert_false(judge(r, r, NULL, "2027-03-01T10:59:00+07:00").acknowledge_late);
	assert_true(judge(r, r, NULL, "2027-03-01T11:01:00+07:00").acknowledge_late);
	/* forwarded 11:00: 30 minutes before lunch, 90 after it - due 14:30 */
	const char *r2 = "2027-03-01T11:00:00+07:00";
	assert_false(judge(r2, r2, "2027-03-01T14:30:00+07:00", "2027-03-01T16:00:00+07:00").acknowledge_late);
	assert_true(judge(r2, r2, "2027-03-01T14:31:00+07:00", "2027-03-01T16:00:00+07:00").acknowledge_late);
	/* forwarded 16:30 on a Friday: due 09:00 on Monday */
	const char *r3 = "2027-03-05T16:30:00+07:00";
	assert_false(judge(r3, r3, "2027-03-08T09:00:00+07:00", "2027-03-08T10:00:00+07:00").acknowledge_late);
	assert_true(judge(r3, r3, "2027-03-08T09:01:00+07:00", "2027-03-08T10:00:00+07:00").acknowledge_late);
	/* 3 working hours after is late, 1 is not (as the API test has it) */
	assert_true(judge(r, r, "2027-03-01T13:45:00+07:00", "2027-03-01T14:00:00+07:00").acknowledge_late);
	assert_false(judge(r, r, "2027-03-01T10:00:00+07:00", "2027-03-01T14:00:00+07:00").acknowledge_late);
}

static void result_forwarding(void **state)
{
	(void)state;
	struct mc_linked_verdict v;
	int64_t res = at("2027-03-01T10:00:00+07:00");
	assert_int_equal(mc_linked_judge(&cal, res, res, res, res, res + 600000, res + 3600000, &v), 0);
	assert_false(v.result_forward_late);
	assert_int_equal(mc_linked_judge(&cal, res, res, res, res, res + 600001, res + 3600000, &v), 0);
	assert_true(v.result_forward_late);
	assert_int_equal(mc_linked_judge(&cal, res, res, res, res, 0, res + 600001, &v), 0);
	assert_true(v.result_forward_late);
	assert_int_equal(mc_linked_judge(&cal, res, res, res, 0, 0, res + 3600000, &v), 0);
	assert_false(v.result_forward_late); /* no result yet: nothing to forward */
}

int main(void)
{
	mc_cal_init(&cal);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forwarding),
		cmocka_unit_test(acknowledging),
		cmocka_unit_test(result_forwarding),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mc_cal_release(&cal);
	return rc;
}

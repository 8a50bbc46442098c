/*
 * spread.h - what the bulk generators of benchmark data share
 * (`motcua seed --dossiers N`, `--documents N`): a fast seeded generator
 * (splitmix64; test data only, never secrets) and the spreading of N rows
 * over the working days of a range, each day's rows in office hours and in
 * time order, so that ids grow with time as in live use.
 */
#ifndef MC_CORE_SPREAD_H
#define MC_CORE_SPREAD_H

#include "calendar.h"

#include <stdint.h>

void mc_rnd_seed(uint64_t seed);
uint64_t mc_rnd(void);
/* Uniform in [0, 1). */
double mc_rnd_unif(void);
/* Uniform in [0, n). */
int mc_rnd_below(int n);
#define MC_RND_PICK(a) (a[mc_rnd_below((int)(sizeof(a) / sizeof(a[0])))])

/* The working days of [day0, today) (local day numbers) by cal, each with
 * its weight: a day-to-day spread, Mondays busier. */
struct mc_workdays {
	int64_t *day;
	double *w, wsum;
	int n;
};
/* 0, MC_E_NOMEM, or MC_E_INVAL when the range has no working day. */
int mc_workdays_build(const struct mc_calendar *cal, int64_t day0, int64_t today, struct mc_workdays *wd);
void mc_workdays_free(struct mc_workdays *wd);

/* Call row(ud, at) n times, the instants (ms) spread over the working days
 * by their weights and over each day's 480 office minutes (07:30-11:30,
 * 13:00-17:00) in order; stops at the first non-zero answer and returns it. */
int mc_workdays_spread(const struct mc_workdays *wd, int64_t n, int (*row)(void *ud, int64_t at), void *ud);

#endif

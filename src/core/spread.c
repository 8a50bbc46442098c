/* spread.c - seeded randomness and the working days of generated data. */
#include "spread.h"

#include "err.h"
#include "timeutil.h"

#include <stdlib.h>

#include "banned.h"

static uint64_t rnd_state;

void mc_rnd_seed(uint64_t seed)
{
	rnd_state = seed;
}

uint64_t mc_rnd(void)
{
	uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

double mc_rnd_unif(void)
{
	return (double)(mc_rnd() >> 11) / 9007199254740992.0;
}

int mc_rnd_below(int n)
{
	return (int)(mc_rnd() % (uint64_t)n);
}

int mc_workdays_build(const struct mc_calendar *cal, int64_t day0, int64_t today, struct mc_workdays *wd)
{
	size_t span = today > day0 ? (size_t)(today - day0) : 1;
	wd->n = 0;
	wd->wsum = 0;
	wd->day = calloc(span, sizeof(int64_t));
	wd->w = calloc(span, sizeof(double));
	if (!wd->day || !wd->w)
		return MC_E_NOMEM;
	for (int64_t k = day0; k < today; k++) {
		int y, m, d;
		mc_civil_from_days(k, &y, &m, &d);
		if (mc_cal_is_working_day(cal, y, m, d) != 1)
			continue;
		wd->day[wd->n] = k;
		wd->w[wd->n] = (0.8 + 0.4 * mc_rnd_unif()) *
			       (((k + 3) % 7 + 7) % 7 == 0 ? 1.25 : 1.0); /* Mondays are busier */
		wd->wsum += wd->w[wd->n++];
	}
	return wd->n ? 0 : MC_E_INVAL;
}

void mc_workdays_free(struct mc_workdays *wd)
{
	free(wd->day);
	free(wd->w);
	wd->day = NULL;
	wd->w = NULL;
}

int mc_workdays_spread(const struct mc_workdays *wd, int64_t n, int (*row)(void *ud, int64_t at), void *ud)
{
	int64_t left = n;
	double wleft = wd->wsum;
	for (int i = 0; i < wd->n; i++) {
		int64_t k = i == wd->n - 1 ? left : (int64_t)((double)left * wd->w[i] / wleft + mc_rnd_unif());
		if (k > left)
			k = left;
		left -= k;
		wleft -= wd->w[i];
		for (int64_t j = 0; j < k; j++) {
			/* spread over the 480 office minutes, in order */
			int64_t minute = (int64_t)(480.0 * ((double)j + mc_rnd_unif()) / (double)k);
			int64_t at = mc_vn_day_start(wd->day[i]) +
				     (minute < 240 ? 450 + minute : 780 + (minute - 240)) * 60000LL +
				     (int64_t)mc_rnd_below(60000);
			int rc = row(ud, at);
			if (rc)
				return rc;
		}
	}
	return 0;
}

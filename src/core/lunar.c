/*
 * lunar.c - the Vietnamese lunisolar calendar; see lunar.h.
 *
 * Written from the formulas published in Jean Meeus, "Astronomical
 * Algorithms" (2nd ed., Willmann-Bell 1998): chapter 49 for the true new
 * moon (mean phase, the periodic terms of the Moon and Sun anomalies and
 * argument of latitude, and the 14 planetary arguments), chapter 27 for
 * the instants of the equinoxes and solstices (mean instant and 24 periodic
 * terms, about a minute), chapter 25 for the Sun's apparent longitude
 * (low-accuracy method, about 0.01 degree, used for the other eight major
 * terms), and the Espenak & Meeus polynomials for Delta T (NASA, 2006).
 *
 * Days are handled as Julian Day Numbers of the local (UTC+7) civil date:
 * the instant JD (UT) falls on local day floor(JD + 7/24 + 0.5).
 */
#include "lunar.h"

#include "err.h"
#include "timeutil.h"

#include <math.h>
#include <stdio.h>

#include "banned.h"

#define PI             3.14159265358979323846
#define RAD(deg)       ((deg) * (PI / 180.0))
#define TZ_DAYS        (7.0 / 24.0)  /* Vietnam, UTC+7 */
#define JDN_UNIX_EPOCH 2440588L      /* JDN of 1970-01-01 */
#define SYNODIC        29.530588861  /* mean synodic month, days */
#define K0_JDE         2451550.09766 /* mean new moon k = 0 (2000-01-06) */

/* ---------------------------------------------------------------- astronomy */

double mc_lunar_delta_t(double y)
{
	double t, u;
	if (y < 1860) {
		u = (y - 1820) / 100;
		return -20 + 32 * u * u;
	}
	if (y < 1900) {
		t = y - 1860;
		return 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * t * t * t - 0.0004473624 * t * t * t * t +
		       t * t * t * t * t / 233174;
	}
	if (y < 1920) {
		t = y - 1900;
		return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t * t * t - 0.000197 * t * t * t * t;
	}
	if (y < 1941) {
		t = y - 1920;
		return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t;
	}
	if (y < 1961) {
		t = y - 1950;
		return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
	}
	if (y < 1986) {
		t = y - 1975;
		return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
	}
	if (y < 2005) {
		t = y - 2000;
		return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t + 0.000651814 * t * t * t * t +
		       0.00002373599 * t * t * t * t * t;
	}
	if (y < 2050) {
		t = y - 2000;
		return 62.92 + 0.32217 * t + 0.005589 * t * t;
	}
	if (y < 2150) {
		u = (y - 1820) / 100;
		return -20 + 32 * u * u - 0.5628 * (2150 - y);
	}
	u = (y - 1820) / 100;
	return -20 + 32 * u * u;
}

static double jd_year(double jd)
{
	return 2000.0 + (jd - 2451545.0) / 365.25;
}

/* Reduce an angle to [0, 360). */
static double norm360(double a)
{
	a = fmod(a, 360.0);
	return a < 0 ? a + 360.0 : a;
}

double mc_lunar_new_moon_jde(int k)
{
	const double kk = k;
	const double T = kk / 1236.85, T2 = T * T, T3 = T2 * T, T4 = T3 * T;
	double jde = K0_JDE + SYNODIC * kk + 0.00015437 * T2 - 0.000000150 * T3 + 0.00000000073 * T4;
	const double E = 1 - 0.002516 * T - 0.0000074 * T2;
	/* Sun's mean anomaly, Moon's mean anomaly, Moon's argument of latitude,
	 * longitude of the ascending node (degrees). */
	const double M = RAD(norm360(2.5534 + 29.10535670 * kk - 0.0000014 * T2 - 0.00000011 * T3));
	const double Mp =
		RAD(norm360(201.5643 + 385.81693528 * kk + 0.0107582 * T2 + 0.00001238 * T3 - 0.000000058 * T4));
	const double F =
		RAD(norm360(160.7108 + 390.67050284 * kk - 0.0016118 * T2 - 0.00000227 * T3 + 0.000000011 * T4));
	const double Om = RAD(norm360(124.7746 - 1.56375588 * kk + 0.0020672 * T2 + 0.00000215 * T3));

	/* periodic terms for the new moon */
	double c = -0.40720 * sin(Mp) + 0.17241 * E * sin(M) + 0.01608 * sin(2 * Mp) + 0.01039 * sin(2 * F) +
		   0.00739 * E * sin(Mp - M) - 0.00514 * E * sin(Mp + M) + 0.00208 * E * E * sin(2 * M) -
		   0.00111 * sin(Mp - 2 * F) - 0.00057 * sin(Mp + 2 * F) + 0.00056 * E * sin(2 * Mp + M) -
		   0.00042 * sin(3 * Mp) + 0.00042 * E * sin(M + 2 * F) + 0.00038 * E * sin(M - 2 * F) -
		   0.00024 * E * sin(2 * Mp - M) - 0.00017 * sin(Om) - 0.00007 * sin(Mp + 2 * M) +
		   0.00004 * sin(2 * Mp - 2 * F) + 0.00004 * sin(3 * M) + 0.00003 * sin(Mp + M - 2 * F) +
		   0.00003 * sin(2 * Mp + 2 * F) - 0.00003 * sin(Mp + M + 2 * F) + 0.00003 * sin(Mp - M + 2 * F) -
		   0.00002 * sin(Mp - M - 2 * F) - 0.00002 * sin(3 * Mp + M) + 0.00002 * sin(4 * Mp);

	/* additional corrections from the planetary arguments A1..A14 */
	static const double arg[14][3] = {
		{299.77, 0.107408, -0.009173}, {251.88, 0.016321, 0},  {251.83, 26.651886, 0}, {349.42, 36.412478, 0},
		{84.66, 18.206239, 0},         {141.74, 53.303771, 0}, {207.14, 2.453732, 0},  {154.84, 7.306860, 0},
		{34.52, 27.261239, 0},         {207.19, 0.121824, 0},  {291.34, 1.844379, 0},  {161.72, 24.198154, 0},
		{239.56, 25.513099, 0},        {331.55, 3.592518, 0},
	};
	static const double coef[14] = {0.000325, 0.000165, 0.000164, 0.000126, 0.000110, 0.000062, 0.000060,
					0.000056, 0.000047, 0.000042, 0.000040, 0.000037, 0.000035, 0.000023};
	for (int i = 0; i < 14; i++)
		c += coef[i] * sin(RAD(norm360(arg[i][0] + arg[i][1] * kk + arg[i][2] * T2)));
	return jde + c;
}

double mc_lunar_sun_longitude(double jde)
{
	const double T = (jde - 2451545.0) / 36525, T2 = T * T;
	const double L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T2;              /* geometric mean longitude */
	const double M = RAD(norm360(357.52911 + 35999.05029 * T - 0.0001537 * T2)); /* mean anomaly */
	const double C = (1.914602 - 0.004817 * T - 0.000014 * T2) * sin(M) + (0.019993 - 0.000101 * T) * sin(2 * M) +
			 0.000289 * sin(3 * M); /* equation of the centre */
	const double Om = RAD(125.04 - 1934.136 * T);
	/* true longitude, corrected for nutation and aberration */
	return norm360(L0 + C - 0.00569 - 0.00478 * sin(Om));
}

/* Julian Day (UT) of a dynamical-time JDE. */
static double jde_to_ut(double jde)
{
	return jde - mc_lunar_delta_t(jd_year(jde)) / 86400.0;
}

/* Local (UTC+7) day number of an instant given as JDE. */
static long local_day(double jde)
{
	return (long)floor(jde_to_ut(jde) + TZ_DAYS + 0.5);
}

/* Local day of new moon k. */
static long new_moon_day(int k)
{
	return local_day(mc_lunar_new_moon_jde(k));
}

double mc_lunar_season_jde(int year, int q)
{
	/* Table 27.B (years 1000-3000): mean instant as a polynomial of Y */
	static const double mean[4][5] = {
		{2451623.80984, 365242.37404, 0.05169, -0.00411, -0.00057},
		{2451716.56767, 365241.62603, 0.00325, 0.00888, -0.00030},
		{2451810.21715, 365242.01767, -0.11575, 0.00337, 0.00078},
		{2451900.05952, 365242.74049, -0.06223, -0.00823, 0.00032},
	};
	/* Table 27.C: A cos(B + C T) */
	static const double term[24][3] = {
		{485, 324.96, 1934.136}, {203, 337.23, 32964.467}, {199, 342.08, 20.186},   {182, 27.85, 445267.112},
		{156, 73.14, 45036.886}, {136, 171.52, 22518.443}, {77, 222.54, 65928.934}, {74, 296.72, 3034.906},
		{70, 243.58, 9037.513},  {58, 119.81, 33718.147},  {52, 297.17, 150.678},   {50, 21.02, 2281.226},
		{45, 247.54, 29929.562}, {44, 325.15, 31555.956},  {29, 60.93, 4443.417},   {18, 155.12, 67555.328},
		{17, 288.79, 4562.452},  {16, 198.04, 62894.029},  {14, 199.76, 31436.921}, {12, 95.39, 14577.848},
		{12, 287.11, 31931.756}, {12, 320.81, 34777.259},  {9, 227.73, 1222.114},   {8, 15.45, 16859.074},
	};
	if (q < 0 || q > 3)
		return 0;
	const double Y = (year - 2000) / 1000.0;
	const double *c = mean[q];
	const double jde0 = c[0] + Y * (c[1] + Y * (c[2] + Y * (c[3] + Y * c[4])));
	const double T = (jde0 - 2451545.0) / 36525;
	const double W = RAD(35999.373 * T - 2.47);
	const double dl = 1 + 0.0334 * cos(W) + 0.0007 * cos(2 * W);
	double S = 0;
	for (int i = 0; i < 24; i++)
		S += term[i][0] * cos(RAD(term[i][1] + term[i][2] * T));
	return jde0 + 0.00001 * S / dl;
}

/*
 * Local day of major term j (trung khí) after the December solstice of year
 * g: longitude 270 + 30 j degrees, j = 0..12.  The solstices and equinoxes
 * (j = 0, 3, 6, 9, 12) come from chapter 27; the other terms from chapter
 * 25 by Meeus's iteration jde += 58 sin(target - lambda).
 */
static long major_term_day(int g, int j)
{
	if (j == 0)
		return local_day(mc_lunar_season_jde(g, 3));
	if (j % 3 == 0)
		return local_day(mc_lunar_season_jde(g + 1, j / 3 - 1)); /* March, June, September, December */
	const double target = fmod(270.0 + 30.0 * j, 360.0);
	double jde = mc_lunar_season_jde(g, 3) + j * (365.2422 / 12);
	for (int i = 0; i < 30; i++) {
		double corr = 58.0 * sin(RAD(target - mc_lunar_sun_longitude(jde)));
		jde += corr;
		if (fabs(corr) < 1e-7)
			break;
	}
	return local_day(jde);
}

/* The new moon number k whose month contains local day jdn. */
static int lunation_at(long jdn)
{
	int k = (int)floor(((double)jdn - K0_JDE) / SYNODIC);
	while (new_moon_day(k + 1) <= jdn)
		k++;
	while (new_moon_day(k) > jdn)
		k--;
	return k;
}

/* ------------------------------------------------------------------ calendar */

/*
 * A "sui" (tuế): the months from month 11 of Gregorian year g (the month
 * holding the December solstice) up to, not including, the next month 11.
 * start[i] is the first day of month i; start[n] is the next month 11.
 */
struct sui {
	int g;
	int n;    /* 12 or 13 */
	int leap; /* index of the leap month (1..12), 0 when n == 12 */
	long start[14];
};

static void sui_build(int g, struct sui *s)
{
	int k0 = lunation_at(major_term_day(g, 0));  /* month 11 holds the solstice */
	int k1 = lunation_at(major_term_day(g, 12)); /* and so does the next one */
	s->g = g;
	s->n = k1 - k0;
	s->leap = 0;
	for (int i = 0; i <= s->n && i < 14; i++)
		s->start[i] = new_moon_day(k0 + i);
	if (s->n != 13)
		return;
	/* 13 months for 12 major terms: the first month after month 11
	 * without one is the leap month */
	long z[13];
	for (int j = 0; j <= 12; j++)
		z[j] = major_term_day(g, j);
	for (int i = 1; i <= 12 && !s->leap; i++) {
		int has = 0;
		for (int j = 0; j <= 12 && !has; j++)
			has = z[j] >= s->start[i] && z[j] < s->start[i + 1];
		if (!has)
			s->leap = i;
	}
}

/* Number, leap flag and lunar year of month i of a sui. */
static void sui_label(const struct sui *s, int i, struct mc_lunar_date *ld)
{
	int idx = i;
	ld->leap = 0;
	if (s->leap && i >= s->leap) {
		idx = i - 1;
		ld->leap = i == s->leap;
	}
	ld->month = (idx + 10) % 12 + 1; /* 0 -> 11, 1 -> 12, 2 -> 1 ... */
	ld->year = idx <= 1 ? s->g : s->g + 1;
}

static int valid_civil(int y, int m, int d)
{
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	int cy, cm, cd;
	mc_civil_from_days(mc_days_from_civil(y, m, d), &cy, &cm, &cd);
	return cy == y && cm == m && cd == d;
}

int mc_lunar_from_solar(int y, int m, int d, struct mc_lunar_date *out)
{
	if (y < MC_LUNAR_MIN_YEAR || y > MC_LUNAR_MAX_YEAR || !valid_civil(y, m, d))
		return MC_E_INVAL;
	long jdn = (long)mc_days_from_civil(y, m, d) + JDN_UNIX_EPOCH;
	struct sui s;
	sui_build(y, &s);
	if (jdn < s.start[0])
		sui_build(y - 1, &s);
	for (int i = 0; i < s.n; i++) {
		if (jdn >= s.start[i] && jdn < s.start[i + 1]) {
			sui_label(&s, i, out);
			out->day = (int)(jdn - s.start[i]) + 1;
			return 0;
		}
	}
	return MC_E_INTERNAL; /* unreachable: the two suis cover the year */
}

/* Find month (month, leap) of lunar year `year`: its first day and length. */
static int find_month(int year, int month, int leap, long *start, int *len)
{
	if (year < MC_LUNAR_MIN_YEAR || year > MC_LUNAR_MAX_YEAR || month < 1 || month > 12)
		return MC_E_INVAL;
	struct sui s;
	sui_build(month >= 11 ? year : year - 1, &s);
	for (int i = 0; i < s.n; i++) {
		struct mc_lunar_date ld;
		sui_label(&s, i, &ld);
		if (ld.year == year && ld.month == month && ld.leap == (leap != 0)) {
			*start = s.start[i];
			*len = (int)(s.start[i + 1] - s.start[i]);
			return 0;
		}
	}
	return MC_E_INVAL;
}

int mc_lunar_to_solar(const struct mc_lunar_date *ld, int *y, int *m, int *d)
{
	long start;
	int len;
	int rc = find_month(ld->year, ld->month, ld->leap, &start, &len);
	if (rc)
		return rc;
	if (ld->day < 1 || ld->day > len)
		return MC_E_INVAL;
	mc_civil_from_days(start + ld->day - 1 - JDN_UNIX_EPOCH, y, m, d);
	return 0;
}

int mc_lunar_month_length(int lunar_year, int month, int leap)
{
	long start;
	int len;
	int rc = find_month(lunar_year, month, leap, &start, &len);
	return rc ? rc : len;
}

int mc_lunar_leap_month(int lunar_year)
{
	if (lunar_year < MC_LUNAR_MIN_YEAR || lunar_year > MC_LUNAR_MAX_YEAR)
		return MC_E_INVAL;
	/* Leap 1..10 of this year sit in the previous sui, leap 11 or 12 in this one. */
	for (int g = lunar_year - 1; g <= lunar_year; g++) {
		struct sui s;
		sui_build(g, &s);
		if (!s.leap)
			continue;
		struct mc_lunar_date ld;
		sui_label(&s, s.leap, &ld);
		if (ld.year == lunar_year)
			return ld.month;
	}
	return 0;
}

void mc_lunar_format(const struct mc_lunar_date *ld, char *out, unsigned n)
{
	snprintf(out, n, "%04d-%02d%s-%02d", ld->year, ld->month, ld->leap ? "L" : "", ld->day);
}

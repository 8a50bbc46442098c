/*
 * lunar.h - the Vietnamese lunisolar calendar (âm lịch), computed from the
 * astronomical new moon and the Sun's apparent longitude (Jean Meeus,
 * "Astronomical Algorithms", 2nd ed., chapters 25 and 49) at UTC+7.
 *
 * Rules (the modern Chinese rules, evaluated at the Vietnamese meridian):
 *  - a month starts on the local day of an astronomical new moon;
 *  - month 11 is the month containing the winter solstice;
 *  - when there are 13 months from one month 11 to the next, the first of
 *    them (after month 11) that contains no major solar term (trung khí,
 *    Sun's longitude a multiple of 30 degrees) is a leap month and repeats
 *    the number of the month before it;
 *  - the year starts with month 1 (Tết Nguyên đán).
 * UTC+7 is applied to every year, also before 1968 when the almanacs of
 * the time still used the Chinese meridian.  Verified over 1900-2100 against
 * a published table (tests/data/tet_1900_2100.csv, docs/calendar.md).
 *
 * Pure functions, no global state: safe from any thread.
 */
#ifndef MC_LUNAR_H
#define MC_LUNAR_H

/* Gregorian years the conversions accept. */
#define MC_LUNAR_MIN_YEAR 1900
#define MC_LUNAR_MAX_YEAR 2100

struct mc_lunar_date {
	int year;  /* lunar year, numbered as the Gregorian year it mostly overlaps */
	int month; /* 1..12 */
	int day;   /* 1..30 */
	int leap;  /* 1 for the leap (nhuận) month repeating `month` */
};

/* Gregorian date (1900-01-01 .. 2100-12-31) to lunar.  0, or MC_E_INVAL out
 * of range or for an invalid date. */
int mc_lunar_from_solar(int y, int m, int d, struct mc_lunar_date *out);

/* Lunar date to Gregorian.  Lunar years MC_LUNAR_MIN_YEAR..MC_LUNAR_MAX_YEAR.
 * MC_E_INVAL when the month does not exist (no such leap month) or the day
 * is past the month's length (29 or 30). */
int mc_lunar_to_solar(const struct mc_lunar_date *ld, int *y, int *m, int *d);

/* The leap month of a lunar year (1..12), 0 when it has none, MC_E_INVAL
 * out of range.  E.g. 2020 -> 4, 2023 -> 2, 2025 -> 6, 2024 -> 0. */
int mc_lunar_leap_month(int lunar_year);

/* Days in a lunar month (29 or 30), MC_E_INVAL when it does not exist. */
int mc_lunar_month_length(int lunar_year, int month, int leap);

/* Format as "YYYY-MM-DD", with L after a leap month: "2025-06L-01". */
void mc_lunar_format(const struct mc_lunar_date *ld, char *out, unsigned n);

/*
 * The astronomy underneath, exposed for tests and documentation.
 * JDE = Julian Ephemeris Day (Terrestrial Time).
 */
/* Meeus ch. 49: true new moon number k (k = 0 is 2000-01-06). */
double mc_lunar_new_moon_jde(int k);
/* Meeus ch. 27: instant of the March equinox (q = 0), June solstice (1),
 * September equinox (2) or December solstice (3) of a Gregorian year. */
double mc_lunar_season_jde(int year, int q);
/* Meeus ch. 25 (low accuracy): apparent geocentric longitude of the Sun,
 * degrees [0, 360). */
double mc_lunar_sun_longitude(double jde);
/* TT - UT in seconds at a decimal year (Espenak & Meeus polynomials, NASA 2006). */
double mc_lunar_delta_t(double year);

#endif

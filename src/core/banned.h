/*
 * banned.h - functions that must not be used in motcua (after git's banned.h).
 * Every .c file in src/ includes it after its other headers (scripts/lint.sh
 * checks it), so that a system header's own macros are left alone.  Each is
 * replaced by a
 * bounded or thread-safe alternative: snprintf / mc_buf for string building,
 * strtok_r, gmtime_r (or src/core/timeutil.h), localtime_r.
 */
#ifndef MC_BANNED_H
#define MC_BANNED_H

#define MC_BANNED(func) sorry_##func##_is_banned_in_motcua

#undef strcpy
#define strcpy(x, y) MC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) MC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) MC_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) MC_BANNED(strncat)
#undef sprintf
#define sprintf(...) MC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) MC_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) MC_BANNED(strtok)
#undef gets
#define gets(x) MC_BANNED(gets)
#undef gmtime
#define gmtime(t) MC_BANNED(gmtime)
#undef localtime
#define localtime(t) MC_BANNED(localtime)
#undef ctime
#define ctime(t) MC_BANNED(ctime)
#undef asctime
#define asctime(t) MC_BANNED(asctime)

#endif

/*
 * holidays.h - the working-time calendar as the database holds it: each
 * year's official schedule of days off, and the admin's one-off exceptions.
 *
 * Labor Code 2019 Art. 112 fixes the holidays and Art. 111(3) the nghỉ bù
 * (src/core/calendar.c applies both); each year the Prime Minister (for
 * Tết and the other long breaks) or the Ministry of Home Affairs decides
 * the exact days off of civil servants and the Saturdays worked in
 * exchange.  An official schedule records that decision for one year: its
 * number and date, where it was published, every non-weekend day off and
 * every make-up working day.  It replaces the rules for its year
 * (mc_cal_set_official_year).  One-off exceptions (calendar_exceptions)
 * still apply on top.
 *
 * A schedule as the API, the CLI and the shipped data (data/calendar/)
 * write it:
 *   {"year": 2026, "decision": "...", "decided_on": "2025-12-25",
 *    "source": "...", "days_off": [{"date": "2026-01-02", "name": "..."}],
 *    "working_days": [{"date": "2026-01-10", "name": "..."}]}
 */
#ifndef MC_HOLIDAYS_H
#define MC_HOLIDAYS_H

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

#define MC_HOLIDAYS_MAX_OFF      60  /* non-weekend days off in a schedule */
#define MC_HOLIDAYS_MAX_WORK     30  /* make-up working days in a schedule */
#define MC_HOLIDAYS_DECISION_MAX 300 /* characters of the decision's reference */
#define MC_HOLIDAYS_SOURCE_MAX   500 /* characters of the source */
#define MC_HOLIDAYS_NAME_MAX     120 /* characters of a day's name */

/* The working-time calendar: the defaults (office hours as configured),
 * each official year, then the one-off exceptions.  The caller releases it
 * with mc_cal_release. */
int mc_holidays_calendar(struct mc_conn *c, struct mc_calendar *cal);
/* The same for the deadlines of an agency: its own office hours when it has
 * some (agencies.office_hours), else the configured ones. */
int mc_holidays_calendar_for(struct mc_conn *c, int64_t agency, struct mc_calendar *cal);
/* The office hours of every calendar from now on ("07:30-11:30,13:00-17:00";
 * see mc_cal_parse_office_hours).  Set once at start-up, before any request. */
int mc_holidays_set_office_hours(const char *hours);
/* Give an agency its own office hours (NULL: the configured ones again).
 * MC_E_VALIDATION for hours not well written, MC_E_NOT_FOUND for no such
 * agency. */
int mc_holidays_set_agency_hours(struct mc_conn *c, int64_t agency, const char *hours);

/* Check a schedule for `year` (1900..2100): the decision and its date are
 * required; days lie in the year, appear once, days off on weekdays and
 * working days on weekly rest days (anything else changes nothing and is
 * a mistake); a "year" member, if any, equals `year`; no other members.
 * Field errors go to e (names in the arena); MC_E_VALIDATION or 0. */
int mc_holidays_check(json_t *in, int year, struct mc_arena *a, struct mc_error *e);

/* Record a checked schedule for `year`, replacing the one there (inside the
 * caller's write transaction).  actor is 0 for the shipped data. */
int mc_holidays_put(struct mc_conn *c, int year, json_t *in, int64_t actor, int64_t now);

/* Drop the schedule of `year`: the rules apply again.  MC_E_NOT_FOUND when
 * the year has none. */
int mc_holidays_delete(struct mc_conn *c, int year);

/* The year in effect: {"year", "official": {decision, decided_on, source,
 * updated_at} or null, "days_off": [{date, name}], "working_days": [{date,
 * name}]} - days off on weekdays and Saturdays/Sundays worked, from the
 * whole calendar (rules or schedule, plus exceptions). */
int mc_holidays_year(struct mc_conn *c, int year, json_t **out);

/* Load every <share_dir>/data/calendar/<year>.json whose year has no
 * schedule yet (an admin's is never replaced), inside one transaction.
 * *loaded counts the years added.  On a bad file err says which and why. */
int mc_holidays_seed(struct mc_conn *c, const char *share_dir, int *loaded, char *err, size_t errlen);

#endif

/*
 * ical.h - iCalendar (RFC 5545) written with libical: the work calendars'
 * feeds that calendar clients subscribe to.
 */
#ifndef MC_ICAL_H
#define MC_ICAL_H

#include "core/buf.h"
#include "core/err.h"

#include <jansson.h>
#include <stdint.h>

/* Vietnam's time zone, as the feeds name it (UTC+7, no daylight saving). */
#define MC_ICAL_TZID "Asia/Ho_Chi_Minh"

/* The VCALENDAR of cal ({name, events: [{uid, title, start_ms, end_ms,
 * place, online_url (null: none or not shown), online (a meeting online),
 * chair, agency, sequence, status (active |
 * cancelled), created_at, updated_at (ISO 8601)}]}), appended to out:
 * METHOD:PUBLISH, a VTIMEZONE for Asia/Ho_Chi_Minh, each event's times in
 * it, its SEQUENCE, STATUS:CANCELLED for a cancelled one; now is DTSTAMP. */
int mc_ical_calendar(json_t *cal, int64_t now, struct mc_buf *out, struct mc_error *e);

#endif

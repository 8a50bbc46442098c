/*
 * ical.c - iCalendar feeds (RFC 5545) with libical.  Vietnam keeps UTC+7
 * all year, so the VTIMEZONE is one STANDARD rule; event times are local
 * times with TZID=Asia/Ho_Chi_Minh, which a client shows at the right hour
 * wherever it is.  A changed event keeps its UID with a higher SEQUENCE, a
 * cancelled one stays with STATUS:CANCELLED, so that a subscribed client
 * updates or removes its copy.
 */
#include "ical.h"

#include "core/timeutil.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

#define VN_OFFSET_S (MC_VN_OFFSET_MIN * 60)

/* ms as Vietnam's local time, for a property with TZID. */
static struct icaltimetype local_time(int64_t ms)
{
	int64_t s = ms / 1000 + VN_OFFSET_S, day = s / 86400, sec = s % 86400;
	if (sec < 0) {
		sec += 86400;
		day--;
	}
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	struct icaltimetype t = icaltime_null_time();
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = (int)(sec / 3600);
	t.minute = (int)(sec / 60 % 60);
	t.second = (int)(sec % 60);
	t.is_date = 0;
	return t;
}

static struct icaltimetype utc_time(int64_t ms)
{
	return icaltime_from_timet_with_zone((time_t)(ms / 1000), 0, icaltimezone_get_utc_timezone());
}

static void add_local(icalcomponent *ev, icalproperty *p)
{
	icalproperty_add_parameter(p, icalparameter_new_tzid(MC_ICAL_TZID));
	icalcomponent_add_property(ev, p);
}

static icalcomponent *vtimezone(void)
{
	icalcomponent *tz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
	icalcomponent_add_property(tz, icalproperty_new_tzid(MC_ICAL_TZID));
	icalcomponent *std = icalcomponent_new(ICAL_XSTANDARD_COMPONENT);
	struct icaltimetype start = icaltime_null_time();
	start.year = 1970;
	start.month = 1;
	start.day = 1;
	icalcomponent_add_property(std, icalproperty_new_dtstart(start));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetfrom(VN_OFFSET_S));
	icalcomponent_add_property(std, icalproperty_new_tzoffsetto(VN_OFFSET_S));
	icalcomponent_add_property(std, icalproperty_new_tzname("+07"));
	icalcomponent_add_component(tz, std);
	return tz;
}

static const char *text(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t instant(json_t *o, const char *k, int64_t dflt)
{
	int64_t ms;
	const char *s = text(o, k);
	return s && !mc_time_parse(s, &ms) ? ms : dflt;
}

/* What, who chairs and whose calendar, as the DESCRIPTION. */
static void describe(icalcomponent *ev, json_t *j)
{
	char d[2048];
	const char *chair = text(j, "chair"), *agency = text(j, "agency"), *url = text(j, "online_url");
	snprintf(d, sizeof(d), "%s%s%s%s%s%s", chair ? "Chủ trì: " : "", chair ? chair : "", agency ? "\nLịch: " : "",
		 agency ? agency : "", url ? "\nHọp trực tuyến: " : "", url ? url : "");
	if (*d)
		icalcomponent_add_property(ev, icalproperty_new_description(d));
}

static icalcomponent *vevent(json_t *j, int64_t now)
{
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(ev, icalproperty_new_uid(text(j, "uid")));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(now)));
	add_local(ev, icalproperty_new_dtstart(local_time(json_integer_value(json_object_get(j, "start_ms")))));
	add_local(ev, icalproperty_new_dtend(local_time(json_integer_value(json_object_get(j, "end_ms")))));
	icalcomponent_add_property(ev, icalproperty_new_summary(text(j, "title")));
	if (text(j, "place"))
		icalcomponent_add_property(ev, icalproperty_new_location(text(j, "place")));
	else if (text(j, "online_url"))
		icalcomponent_add_property(ev, icalproperty_new_location(text(j, "online_url")));
	else if (json_is_true(json_object_get(j, "online")))
		icalcomponent_add_property(ev, icalproperty_new_location("Họp trực tuyến"));
	if (text(j, "online_url"))
		icalcomponent_add_property(ev, icalproperty_new_url(text(j, "online_url")));
	describe(ev, j);
	icalcomponent_add_property(ev,
				   icalproperty_new_sequence((int)json_integer_value(json_object_get(j, "sequence"))));
	int cancelled = text(j, "status") && strcmp(text(j, "status"), "cancelled") == 0;
	icalcomponent_add_property(ev,
				   icalproperty_new_status(cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_created(utc_time(instant(j, "created_at", now))));
	icalcomponent_add_property(ev, icalproperty_new_lastmodified(utc_time(instant(j, "updated_at", now))));
	return ev;
}

int mc_ical_calendar(json_t *cal, int64_t now, struct mc_buf *out, struct mc_error *e)
{
	json_t *events = json_object_get(cal, "events"), *j;
	if (!json_is_array(events))
		return mc_error_set(e, MC_E_VALIDATION, "a calendar needs its events");
	icalcomponent *c = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(c, icalproperty_new_version("2.0"));
	icalcomponent_add_property(c, icalproperty_new_prodid("-//motcua//Lich cong tac " MC_VERSION "//VI"));
	icalcomponent_add_property(c, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(c, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if (text(cal, "name")) {
		icalproperty *n = icalproperty_new_x(text(cal, "name"));
		icalproperty_set_x_name(n, "X-WR-CALNAME");
		icalcomponent_add_property(c, n);
	}
	icalproperty *tzp = icalproperty_new_x(MC_ICAL_TZID);
	icalproperty_set_x_name(tzp, "X-WR-TIMEZONE");
	icalcomponent_add_property(c, tzp);
	icalcomponent_add_component(c, vtimezone());
	size_t i;
	json_array_foreach(events, i, j)
		icalcomponent_add_component(c, vevent(j, now));
	char *s = icalcomponent_as_ical_string_r(c);
	icalcomponent_free(c);
	if (!s)
		return mc_error_set(e, MC_E_INTERNAL, NULL);
	int rc = mc_buf_adds(out, s);
	free(s);
	return rc ? mc_error_set(e, rc, "the calendar is too large") : 0;
}

/*
 * schedule.h - work calendars and meetings (lịch công tác).
 *
 * A body (the city People's Committee, a department, a ward committee)
 * keeps a weekly calendar of its leaders' work: each event says what, when,
 * where (a place, one of the body's rooms, an online link), who chairs,
 * who takes part (officials by name, agencies asked to send someone), who
 * prepares it and its papers.  The calendar is drafted by the body's own
 * officials or by its office (an agency of kind `office` under it), week by
 * week: submitted, approved by a leader of the body or of its office, then
 * published - on a public page, as the PDF of the week, and in iCalendar
 * feeds (the body's, public; each official's, at a private address).
 *
 * A room is never booked twice at once (refused); a person who chairs or
 * takes part in two events at once is flagged, not refused (a leader may
 * send a deputy).  A change to a published event raises its iCalendar
 * SEQUENCE and tells everyone invited; a cancelled one stays in the feeds
 * as CANCELLED.  The invitees answer: attend, send a deputy, or absent
 * with a reason; an agency asked to send someone names whom it sends.
 * The meeting's Giấy mời is an official document drafted from the event
 * (the API joins this domain to the documents domain).
 */
#ifndef MC_SCHEDULE_H
#define MC_SCHEDULE_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

struct mc_schedule_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;
	const struct mc_principal *who; /* an official */
	const char *addr;               /* client address, for the audit log */
	struct mc_error *e;
};

/* The Monday (a day number of mc_days_from_civil) of the week holding day
 * "YYYY-MM-DD"; 0 when it is not a date. */
int64_t mc_schedule_week_of(const char *day);

/* ---- events (event.c) ---- */
/* A new event in agency_id's calendar (title, start, end, place | room_id,
 * online_url, chair_id, participant_ids, participant_agency_ids,
 * preparing_agency_id, note, papers [{sha256, name}]).  *out is the event
 * with the conflicts it has ("conflicts": [{user_id, full_name, event}]). */
int mc_schedule_event_create(struct mc_schedule_ctx *x, json_t *in, json_t **out);
/* An event the caller may read: of a calendar they read, or one they chair
 * or take part in; with its participants, their answers and its conflicts,
 * and may_manage. */
int mc_schedule_event_get(struct mc_schedule_ctx *x, int64_t id, json_t **out);
/* Change an event (the fields of create, all of them); version is the
 * If-Match value (-1: none). */
int mc_schedule_event_update(struct mc_schedule_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out);
/* Cancel an event (reason). */
int mc_schedule_event_cancel(struct mc_schedule_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out);
/* An invitee's answer (answer: attend | deputy | absent, attendee_id for a
 * deputy or whom an agency sends, reason); the last one counts. */
int mc_schedule_answer(struct mc_schedule_ctx *x, int64_t id, json_t *in, json_t **out);
/* A paper of an event the caller may read (*data malloc'd). */
int mc_schedule_paper(struct mc_schedule_ctx *x, int64_t id, int k, void **data, size_t *len, char mime[32],
		      const char **name);

/* ---- the meeting's invitation (invitation.c) ---- */
/* The body of the Giấy mời draft (POST /api/v1/drafts) for an event the
 * caller manages: type GM, summary, content (time, place, who chairs, who
 * is invited, who prepares), recipients and the agencies on the platform
 * that receive it.  MC_E_CONFLICT when it has one already. */
int mc_schedule_invitation_body(struct mc_schedule_ctx *x, int64_t id, json_t **draft);
/* Record draft_id as the event's invitation. */
int mc_schedule_invitation_set(struct mc_schedule_ctx *x, int64_t id, int64_t draft_id, json_t **out);

/* ---- weeks (week.c) ---- */
/* The week of agency's calendar starting on Monday (a day number): its
 * state, its events (each with its participants and conflicts) and what
 * the caller may do.  An official of a calendar they may read. */
int mc_schedule_week(struct mc_schedule_ctx *x, int64_t agency, int64_t monday, json_t **out);
/* The published events of a week, as the public sees them. */
int mc_schedule_week_public(struct mc_conn *c, int64_t agency, int64_t monday, json_t **out);
/* submit, approve, return (note), publish; version the If-Match value. */
int mc_schedule_week_act(struct mc_schedule_ctx *x, int64_t agency, int64_t monday, const char *action, int64_t version,
			 json_t *in, json_t **out);
/* The events an official chairs or attends between two days (inclusive):
 * their own calendar, or a leader's for who reads that leader's body's. */
int mc_schedule_person(struct mc_schedule_ctx *x, int64_t user_id, int64_t from_day, int64_t to_day, json_t **out);

/* The serving officials of agency's subtree whose name holds q (NULL: any,
 * diacritics ignored), for choosing who chairs and who is invited: at most
 * 50, the body's own leaders first.  For the calendar's keepers, or an
 * official within their own subtree (a deputy, whom an agency sends). */
int mc_schedule_people(struct mc_schedule_ctx *x, int64_t agency, const char *q, json_t **out);

/* ---- rooms (room.c) ---- */
int mc_schedule_rooms(struct mc_schedule_ctx *x, int64_t agency, json_t **out);
int mc_schedule_room_create(struct mc_schedule_ctx *x, json_t *in, json_t **out);

/* ---- feeds (feed.c) ---- */
/* A new private address of the caller's feed (the old one stops
 * working): token, 43 characters. */
int mc_schedule_feed_new(struct mc_schedule_ctx *x, char token[48]);
/* The feed's calendar (the mc_ical_calendar input): of whoever holds
 * token (MC_E_NOT_FOUND: none), or of agency's published calendar, over
 * the weeks around now. */
int mc_schedule_feed_person(struct mc_conn *c, const char *token, int64_t now, json_t **out);
int mc_schedule_feed_agency(struct mc_conn *c, int64_t agency, int64_t now, json_t **out);

#endif

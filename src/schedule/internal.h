/*
 * internal.h - what the files of the schedule domain share.
 */
#ifndef MC_SCHEDULE_INTERNAL_H
#define MC_SCHEDULE_INTERNAL_H

#include "schedule.h"

#define SCHED_TITLE_MAX    1000 /* characters */
#define SCHED_TEXT_MAX     500
#define SCHED_URL_MAX      500
#define SCHED_PEOPLE_MAX   60 /* officials invited by name */
#define SCHED_AGENCIES_MAX 30 /* agencies asked to send someone */
#define SCHED_PAPERS_MAX   20
#define SCHED_EVENT_MAX_MS (7 * 24 * 3600 * 1000LL) /* an event lasts at most a week */
#define SCHED_WEEK_EVENTS  500                      /* events a week's page shows at most */
#define SCHED_PEOPLE_LIST  50                       /* officials a search finds at most */
#define SCHED_FEED_EVENTS  3000                     /* events a feed holds at most */

/* The event as read in: the fields of create and update. */
struct mc__event_in {
	const char *title, *place, *online_url, *note;
	int64_t agency, start, end, room, chair, preparing;
	int64_t people[SCHED_PEOPLE_MAX];
	int npeople;
	int64_t agencies[SCHED_AGENCIES_MAX];
	int nagencies;
	json_t *papers; /* [{sha256, name}], owned */
};

/* ---- rules.c: who may do what with a calendar ---- */
/* 1 when the caller reads agency's calendar (its subtree, or a body above
 * it), 0 when not, < 0 on error. */
int mc__sched_may_read(struct mc_schedule_ctx *x, int64_t agency);
/* 1 when the caller drafts agency's calendar: schedule.manage, and an
 * official of the body itself or of its office. */
int mc__sched_may_manage(struct mc_schedule_ctx *x, int64_t agency);
/* 1 when the caller approves it: a leader of the body or of its office. */
int mc__sched_may_approve(struct mc_schedule_ctx *x, int64_t agency);
/* The Monday of the week an instant falls in (Vietnam's days), and a day
 * number as YYYY-MM-DD. */
int64_t mc__sched_monday(int64_t ms);
void mc__sched_day_text(int64_t day, char out[11]);
/* The week's state (draft when it has no row yet) and version (0). */
int mc__sched_week_state(struct mc_conn *c, int64_t agency, const char *week, char state[16], int64_t *version);
/* A row of the trail and an audit entry, in the caller's transaction
 * (detail's reference taken; NULL: none). */
int mc__sched_log(struct mc_schedule_ctx *x, int64_t agency, const char *week, int64_t event, const char *action,
		  json_t *detail);

/* ---- read.c: events as JSON ---- */
/* A selection of events: a condition on e (and w, its week's row: the
 * text after WHERE, a constant of the caller) and up to five integers it
 * binds (types: their letters). */
struct mc__sel {
	const char *where, *types;
	int64_t v[5];
	int limit; /* events at most; 0: SCHED_WEEK_EVENTS */
};
/* The events selected, by start: each with its room, chair, preparing
 * agency and invitation. */
int mc__sched_events(struct mc_conn *c, const struct mc__sel *w, json_t **out);
/* The same, each with its participants and conflicts too. */
int mc__sched_events_full(struct mc_conn *c, const struct mc__sel *w, json_t **out);
/* The participants of each event of events (selected by w), as its
 * "participants". */
int mc__sched_participants(struct mc_conn *c, json_t *events, const struct mc__sel *w);
/* Each event's "conflicts": the people it shares with another active event
 * at the same time ([{user_id, full_name, event: {id, title, start, end,
 * agency_id}}]), the events of each person found by their own indexes. */
int mc__sched_conflicts(struct mc_conn *c, json_t *events);
/* One event (MC_E_NOT_FOUND), with participants and conflicts. */
int mc__sched_event(struct mc_conn *c, int64_t id, json_t **out);
/* 1 when user chairs, is invited to or attends event, or works in a body
 * (agency: theirs) invited to send someone; 0 when not. */
int mc__sched_involved(struct mc_conn *c, int64_t event, int64_t user, int64_t agency);
/* What the caller may see of events: an event of a calendar they do not
 * read and are not involved in goes; a conflict with an event of a
 * calendar they do not read keeps its time but not its title. */
int mc__sched_mask(struct mc_schedule_ctx *x, json_t *events);

/* ---- notify.c: the outbox ---- */
/* Tell everyone invited to event (chair, officials, attendees, the
 * leaders of the agencies invited that have not named whom they send) what
 * happened (published, added, changed, cancelled), in the caller's
 * transaction. */
int mc__sched_notify(struct mc_conn *c, int64_t event, const char *what, int64_t now);
/* Who is invited to event now, appended to into unless there already. */
int mc__sched_recipients(struct mc_conn *c, int64_t event, json_t *into);
/* Tell to (recipients) what happened to event. */
int mc__sched_notify_to(struct mc_conn *c, int64_t event, const char *what, int64_t now, json_t *to);
/* 1 when those invited to event know of it: its week is published or its
 * Giấy mời issued (a change is then told to them), 0 when not. */
int mc__sched_notice_due(struct mc_conn *c, int64_t event);

#endif

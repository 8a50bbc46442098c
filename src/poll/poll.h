/*
 * poll.h - opinion polls of committee members (lấy ý kiến thành viên UBND).
 *
 * The office serving a People's Committee (role committee_office,
 * permission poll.manage; the committee is its agency's parent) asks the
 * committee's members (committee_member) their opinion on a proposal (tờ
 * trình) with its papers, by a deadline, instead of a meeting.  A member
 * answers agree, disagree or other (a comment required for the last two),
 * signing the answer with their certificate; a new answer before the
 * deadline is a new row, the last one counts; none is taken after it.
 * At the deadline the poll closes (the housekeeping, or the first reading
 * after it): the result (counts, who answered what, the silence rule
 * applied: silence counted as agreement or not counted) is computed once,
 * stored, and issued as a PDF summary; the chairman (poll.conclude) then
 * records the conclusion.
 *
 * Who sees a poll: the office's officials who manage polls, the members
 * asked and the committee's chairman; anyone else is answered 404.
 */
#ifndef MC_POLL_H
#define MC_POLL_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* Limits of what a poll holds. */
#define MC_POLL_TITLE_MAX    300
#define MC_POLL_SUMMARY_MAX  4000
#define MC_POLL_COMMENT_MAX  2000
#define MC_POLL_PAPERS_MAX   20
#define MC_POLL_MEMBERS_MAX  60
#define MC_POLL_HORIZON_DAYS 90 /* the latest deadline, from the opening */
/* A reminder goes to a member who has not answered this long before the
 * deadline. */
#define MC_POLL_REMIND_BEFORE_MS (24LL * 3600 * 1000)

/* The member's signature of an answer, made by the signing domain: the API
 * joins it to this one (a domain does not call another). */
struct mc_poll_signer {
	void *arg;
	/* Unlock the caller's key with in's "pin" (and "certificate_id"):
	 * outside any transaction, a wrong PIN counted; the problem is in the
	 * context's error. */
	int (*unlock)(void *arg, json_t *in);
	/* Sign n bytes (detached CMS, time-stamped) inside the caller's
	 * transaction: *id the signature's, *out its record. */
	int (*sign)(void *arg, const void *data, size_t n, int64_t *id, json_t **out);
};

struct mc_poll_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;
	const struct mc_principal *who;
	const char *addr;                    /* client address, for the audit log */
	struct mc_error *e;                  /* field errors and public detail */
	const struct mc_poll_signer *signer; /* NULL: answers cannot be taken */
};

/* Open a poll from in {title, summary, papers: [sha256...], member_ids,
 * deadline (RFC 3339), silence: "agree" | "none"}; the members are
 * notified through the outbox.  *out is the poll. */
int mc_poll_open(struct mc_poll_ctx *x, json_t *in, json_t **out);
/* The poll as the caller is shown it (closed first when its deadline has
 * passed); MC_E_NOT_FOUND when they may not see it. */
int mc_poll_get(struct mc_poll_ctx *x, int64_t id, json_t **out);
/* The polls the caller sees (opened by their office, of the committee they
 * chair, or asking them), newest first; state "open", "closed" or NULL. */
int mc_poll_list(struct mc_poll_ctx *x, const char *state, json_t **items);
/* The polls asking the caller: state "waiting" (open, not answered yet),
 * "answered", "closed" or NULL (all). */
int mc_poll_mine(struct mc_poll_ctx *x, const char *state, json_t **items);
/* The committee members the caller's office may ask: [{id, full_name,
 * position, position_en}]. */
int mc_poll_candidates(struct mc_poll_ctx *x, json_t **items);
/* The caller's answer {choice, comment, pin, certificate_id?}, signed with
 * x->signer; *out is the poll. */
int mc_poll_answer(struct mc_poll_ctx *x, int64_t id, json_t *in, json_t **out);
/* The chairman's conclusion {conclusion} of a closed poll read at
 * version. */
int mc_poll_conclude(struct mc_poll_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out);
/* A closed poll's PDF summary, or paper position (1-based) of a poll the
 * caller sees: *data malloc'd, mime its type. */
int mc_poll_file(struct mc_poll_ctx *x, int64_t id, int paper, void **data, size_t *n, char mime[32]);

/* The housekeeping: close the open polls whose deadline is past (*closed
 * how many), then queue the reminders owed (*queued). */
int mc_poll_close_due(struct mc_conn *c, int64_t now, int64_t *closed);
/* The polls of the committees of root's subtree still waiting for answers
 * at now (opened, deadline not reached): the dashboard's figure. */
int mc_poll_count_open(struct mc_conn *c, int64_t root, int64_t now, int64_t *n);
int mc_poll_remind(struct mc_conn *c, int64_t now, int64_t *queued);

#endif

/* internal.h - shared by the feedback domain's files (not a public API). */
#ifndef MC_FEEDBACK_INTERNAL_H
#define MC_FEEDBACK_INTERNAL_H

#include "feedback.h"

/* What the rules need of a stored report. */
struct mc__fb {
	int64_t id, agency, author, version, received_at, due_at, answered_at, merged_into;
	int answer_public, rating, photos;
	char code[24], status[12], text_state[12], answer_state[12], secret_hash[65];
};
/* By code; MC_E_NOT_FOUND when there is none. */
int mc__fb_load(struct mc_conn *c, const char *code, struct mc__fb *r);
/* How the caller stands to r: bits of MC__FB_* (0: as anyone). */
#define MC__FB_AUTHOR    1u /* the secret given, or the account that reported it */
#define MC__FB_HANDLER   2u /* feedback.handle, acting for the report's agency */
#define MC__FB_READER    4u /* an official of an agency above it (supervision) */
#define MC__FB_MODERATOR 8u /* feedback.moderate over the report's agency */
int mc__fb_standing(struct mc_feedback_ctx *x, const struct mc__fb *r, const char *secret, unsigned *bits);
/* 1 when anyone may read r: its text approved, answered publicly, the
 * answer approved. */
int mc__fb_public(const struct mc__fb *r);
/* The report as shown to someone standing so (bits 0: the public view). */
int mc__fb_json(struct mc_feedback_ctx *x, const struct mc__fb *r, unsigned bits, json_t **out);
/* The columns and joins of a report as shown, and its row (whole: all
 * of it, else the public view). */
#define MC__FB_COLS                                                                                                    \
	"r.code, r.category, c.name, c.name_en, r.ward_code, w.full_name, w.full_name_en, r.address, r.lat_e6,"        \
	" r.lon_e6, r.body, r.public_body, r.author_name, r.author_phone, r.author_email, r.agency_id, a.name,"        \
	" a.name_en, r.status, m.code, r.received_at, r.due_at, r.text_state, r.text_reason, r.answer,"                \
	" r.public_answer, r.answer_public, r.answered_at, b.full_name, r.answer_state, r.answer_reason, r.rating,"    \
	" r.rating_comment, r.rated_at, r.version, r.id"
#define MC__FB_FROM                                                                                                    \
	" FROM feedback_reports r JOIN feedback_categories c ON c.code = r.category JOIN agencies a ON"                \
	" a.id = r.agency_id LEFT JOIN units w ON w.era = 'current' AND w.code = r.ward_code LEFT JOIN"                \
	" feedback_reports m ON m.id = r.merged_into LEFT JOIN users b ON b.id = r.answered_by"
json_t *mc__fb_row(struct mc_stmt *s, int whole);
/* An event of the trail and its audit entry, in the caller's transaction;
 * detail taken (may be NULL). */
int mc__fb_record(struct mc_feedback_ctx *x, int64_t report, const char *action, json_t *detail, int64_t now);
/* Outbox rows (topic feedback_reports): event to the report's author; */
int mc__fb_notify_author(struct mc_conn *c, int64_t report, const char *event, json_t *payload, int64_t now);
/* ... and to the officials who answer for agency (feedback.handle). */
int mc__fb_notify_agency(struct mc_conn *c, int64_t report, int64_t agency, const char *event, json_t *payload,
			 int64_t now);
/* The search key of a report's public words (arena). */
int mc__fb_reindex(struct mc_feedback_ctx *x, int64_t report);

/* The acts' frame (act.c).  The report and the caller's standing for an
 * act that needs one of the bits of need, on a report read at version:
 * 404 for what the caller may not see, 403, 412. */
int mc__fb_begin(struct mc_feedback_ctx *x, const char *code, const char *secret, int64_t version, unsigned need,
		 struct mc__fb *r, unsigned *bits);
/* MC_E_CONFLICT unless r is in status. */
int mc__fb_need_status(struct mc_feedback_ctx *x, const struct mc__fb *r, const char *status);
/* The field errors, or fn(x, r, arg, now) in one transaction with the
 * search key written again; then *out the report as the caller stands. */
int mc__fb_run(struct mc_feedback_ctx *x, struct mc__fb *r, const char *secret,
	       int (*fn)(struct mc_feedback_ctx *, struct mc__fb *, void *, int64_t), void *arg, json_t **out);
/* The end of an UPDATE of r at its version, and its result: 0, or
 * MC_E_PRECONDITION when someone was first. */
#define MC__FB_BUMP " version = version + 1 WHERE id = ? AND version = ?"
int mc__fb_changed(int64_t k);

#endif

/*
 * feedback.h - citizens' feedback (phản ánh kiến nghị, like Ho Chi Minh
 * City's 1022 portal).
 *
 * Anyone - signed in or not, then with a phone number - reports a problem
 * in a ward: a category (feedback_categories, each with its service level
 * in working days), the ward, an address, an optional point inside
 * Vietnam, a text and up to MC_FEEDBACK_PHOTOS_MAX photos.  The report gets
 * a code and a secret (shown once) with which its author follows it and
 * rates the answer.  It is routed by category and ward to the agency that
 * answers (feedback_routes; the ward's People's Committee for the
 * categories marked to_ward), due after the category's working days
 * (core/calendar.h, the agency's calendar).
 *
 * The officials of that agency (feedback.handle, acting for it) answer -
 * publicly or for the author only -, reassign it to another agency with a
 * reason, or merge it into another report of theirs; every act checks the
 * row's version and writes an event and an audit entry.  A moderator
 * (feedback.moderate, the office serving the committee: the committee's
 * whole subtree) approves or hides the report's text and its answer;
 * nothing is public before it is approved, and what is shown has its phone
 * numbers, ID numbers and e-mail addresses masked (mc_feedback_mask).
 * The author rates a public or private answer once (1-5, a comment).
 *
 * What an official may not see answers MC_E_NOT_FOUND.
 */
#ifndef MC_FEEDBACK_H
#define MC_FEEDBACK_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define MC_FEEDBACK_TEXT_MAX    2000 /* characters of a report, an answer */
#define MC_FEEDBACK_ADDRESS_MAX 300
#define MC_FEEDBACK_REASON_MAX  500
#define MC_FEEDBACK_PHOTOS_MAX  3
#define MC_FEEDBACK_PHOTO_BYTES (5u << 20) /* bytes of a photo as sent */
#define MC_FEEDBACK_PHOTO_SIDE  4096       /* pixels of its longer side */
#define MC_FEEDBACK_PHOTO_MIN   16         /* pixels of its shorter side */
#define MC_FEEDBACK_PAGE        50         /* reports in a page of a list */
/* Vietnam's bounds (the islands included), microdegrees. */
#define MC_FEEDBACK_LAT_MIN 6000000
#define MC_FEEDBACK_LAT_MAX 23500000
#define MC_FEEDBACK_LON_MIN 102000000
#define MC_FEEDBACK_LON_MAX 117900000

struct mc_feedback_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;
	const struct mc_principal *who; /* NULL: not signed in */
	const char *addr;               /* client address, for the audit log */
	struct mc_error *e;             /* field errors and public detail */
};

/* A photo made safe: decoded (JPEG or PNG, whatever it claims to be) and
 * encoded again, which drops every metadata; with keep_location, the GPS
 * point of a JPEG's EXIF is read and written back alone. */
struct mc_feedback_photo {
	unsigned char *data; /* malloc'd */
	size_t n;
	const char *mime; /* image/jpeg | image/png */
	int width, height;
	int has_point;
	int64_t lat_e6, lon_e6;
};
/* MC_E_TOO_BIG over MC_FEEDBACK_PHOTO_BYTES, MC_E_MEDIA_TYPE when the bytes
 * are not a whole JPEG or PNG image, MC_E_VALIDATION for its size in
 * pixels (too large or too small). */
int mc_feedback_photo_clean(const void *in, size_t n, int keep_location, struct mc_feedback_photo *out);
void mc_feedback_photo_release(struct mc_feedback_photo *p);
/* The EXIF GPS point of a JPEG: 0 and the point, or MC_E_NOT_FOUND. */
int mc_feedback_exif_point(const void *in, size_t n, int64_t *lat_e6, int64_t *lon_e6);

/* s with phone numbers (10-12 digits from 0 or +84, spaces, dots and
 * hyphens between them), 12-digit ID numbers and e-mail addresses each
 * replaced by "***" (arena memory; never longer than s). */
char *mc_feedback_mask(struct mc_arena *a, const char *s);

/* The categories: [{code, name, name_en, sla_days}]. */
int mc_feedback_categories(struct mc_conn *c, json_t **items);
/* Report from in {category, ward_code, address, lat?, lon?, text, name?,
 * phone?, email?}: name and phone required without a session.  *out is
 * {code, secret, report}: the secret is shown this once. */
int mc_feedback_report(struct mc_feedback_ctx *x, json_t *in, json_t **out);
/* Add a photo (n bytes) to report code: by its author (the secret, or the
 * account that reported it) while it is not answered; keep_location the
 * author's consent.  *out is the photo's record. */
int mc_feedback_add_photo(struct mc_feedback_ctx *x, const char *code, const char *secret, const void *data, size_t n,
			  int keep_location, json_t **out);
/* A report as the caller may see it: the author (secret or account) and
 * the officials of its agency's subtree and moderators see all of it;
 * anyone else only a public one (approved, answered publicly). */
int mc_feedback_get(struct mc_feedback_ctx *x, const char *code, const char *secret, json_t **out);
/* A photo of a report the caller may see with its photos. */
int mc_feedback_photo(struct mc_feedback_ctx *x, const char *code, const char *secret, int position, void **data,
		      size_t *n, char mime[32]);
/* The public reports: q (words, diacritics ignored), category, ward_code,
 * agency_id filters (NULL / 0: none), newest answer first, before an id
 * (0: the first page). */
struct mc_feedback_filter {
	const char *q, *category, *ward, *state;
	int64_t agency, before;
};
int mc_feedback_public(struct mc_feedback_ctx *x, const struct mc_feedback_filter *f, json_t **out);
/* The reports the caller's agency answers (feedback.handle): state
 * "open" (not answered yet), "answered", "overdue" or NULL (all). */
int mc_feedback_work(struct mc_feedback_ctx *x, const struct mc_feedback_filter *f, json_t **out);
/* The reports the caller made signed in, newest first (f: the page only). */
int mc_feedback_mine(struct mc_feedback_ctx *x, const struct mc_feedback_filter *f, json_t **out);
/* The moderator's queue: texts and answers waiting for moderation in the
 * moderator's jurisdiction. */
int mc_feedback_queue(struct mc_feedback_ctx *x, json_t **out);
/* Figures per agency over [from, to) (ms; reports received in it):
 * received, answered, answered_on_time, on_time_rate, rating_mean. */
int mc_feedback_figures(struct mc_feedback_ctx *x, int64_t from, int64_t to, int64_t agency, json_t **out);

/* The acts on a report read at version: *out is the report afterwards.
 * answer {text, public: bool}; reassign {agency_id, reason};
 * merge {into: code}; moderate {target: "text" | "answer", decision:
 * "approve" | "hide", reason (required to hide)}. */
int mc_feedback_answer(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out);
int mc_feedback_reassign(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out);
int mc_feedback_merge(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out);
int mc_feedback_moderate(struct mc_feedback_ctx *x, const char *code, int64_t version, json_t *in, json_t **out);
/* The author's rating {rating: 1-5, comment?} of the answer, once. */
int mc_feedback_rate(struct mc_feedback_ctx *x, const char *code, const char *secret, int64_t version, json_t *in,
		     json_t **out);

/* The housekeeping: tell the agency of each open report past its due time,
 * once (outbox event feedback_overdue); *queued the reports told. */
int mc_feedback_remind(struct mc_conn *c, int64_t now, int64_t *queued);

#endif

/*
 * view.c - a report as shown: anyone reads the public view of a public
 * report (the masked text and answer, the photos, the rating); its author,
 * the officials above it and its moderators read all of it (what was
 * written, the author's contact, a private answer, the moderation, the
 * trail for officials).
 */
#include "internal.h"

#include "../db/rows.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static json_t *point(struct mc_stmt *s)
{
	if (mc_col_is_null(s, 8))
		return json_null();
	return json_pack("{s:f, s:f}", "lat", (double)mc_col_int64(s, 8) / 1e6, "lon",
			 (double)mc_col_int64(s, 9) / 1e6);
}

/* The answer as shown; whole: the text written, its moderation. */
static json_t *answer(struct mc_stmt *s, int whole)
{
	if (mc_col_is_null(s, 27))
		return json_null();
	json_t *a = json_pack("{s:o, s:b, s:o}", "text", mc_col_json_text(s, whole ? 24 : 25), "public",
			      (int)mc_col_int64(s, 26), "at", mc_col_json_time(s, 27));
	if (whole)
		json_object_update_new(a, json_pack("{s:s?, s:s?, s:o, s:o}", "by", mc_col_text(s, 28), "state",
						    mc_col_text(s, 29), "reason", mc_col_json_text(s, 30),
						    "public_text", mc_col_json_text(s, 25)));
	return a;
}

/* One row of a list or the head of a report (whole: not the public view). */
json_t *mc__fb_row(struct mc_stmt *s, int whole)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s?, s:s?}, s:s, s:o, s:o, s:{s:I, s:s, s:s}, s:s, s:o, s:o,"
		" s:o, s:o, s:o, s:I}",
		"id", (json_int_t)mc_col_int64(s, 35), "code", mc_col_text(s, 0), "category", "code", mc_col_text(s, 1),
		"name", mc_col_text(s, 2), "name_en", mc_col_text(s, 3), "ward", "code", mc_col_text(s, 4), "name",
		mc_col_text(s, 5), "name_en", mc_col_text(s, 6), "address", mc_col_text(s, 7), "point", point(s),
		"text", mc_col_json_text(s, whole ? 10 : 11), "agency", "id", (json_int_t)mc_col_int64(s, 15), "name",
		mc_col_text(s, 16), "name_en", mc_col_text(s, 17), "status", mc_col_text(s, 18), "merged_into",
		mc_col_json_text(s, 19), "received_at", mc_col_json_time(s, 20), "due_at", mc_col_json_time(s, 21),
		"answer", answer(s, whole), "rating",
		mc_col_is_null(s, 31) ? json_null()
				      : json_pack("{s:I, s:o, s:o}", "stars", (json_int_t)mc_col_int64(s, 31),
						  "comment", mc_col_json_text(s, 32), "at", mc_col_json_time(s, 33)),
		"version", (json_int_t)mc_col_int64(s, 34));
	if (o && whole)
		json_object_update_new(o, json_pack("{s:o, s:s, s:o, s:s, s:o}", "public_text", mc_col_json_text(s, 11),
						    "text_state", mc_col_text(s, 22), "text_reason",
						    mc_col_json_text(s, 23), "author_name", mc_col_text(s, 12),
						    "author_contact",
						    json_pack("{s:o, s:o}", "phone", mc_col_json_text(s, 13), "email",
							      mc_col_json_text(s, 14))));
	return o;
}

static json_t *photo_row(struct mc_stmt *s, void *ud)
{
	const char *code = ud;
	char href[96];
	snprintf(href, sizeof(href), "/api/v1/feedback/%s/photos/%lld", code, (long long)mc_col_int64(s, 0));
	return json_pack("{s:I, s:s, s:I, s:I, s:b, s:s}", "position", (json_int_t)mc_col_int64(s, 0), "mime",
			 mc_col_text(s, 1), "width", (json_int_t)mc_col_int64(s, 2), "height",
			 (json_int_t)mc_col_int64(s, 3), "location_kept", !mc_col_is_null(s, 4), "href", href);
}

static json_t *event_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_t *d = json_loads(mc_col_text(s, 3), 0, NULL);
	return json_pack("{s:o, s:s, s:s?, s:o}", "at", mc_col_json_time(s, 0), "action", mc_col_text(s, 1), "by",
			 mc_col_text(s, 2), "detail", d ? d : json_object());
}

static int extras(struct mc_feedback_ctx *x, const struct mc__fb *r, unsigned bits, json_t *o)
{
	struct mc_stmt *s;
	json_t *photos = NULL, *events = NULL;
	int rc = mc_query(x->c, &s,
			  "SELECT position, mime, width, height, lat_e6 FROM feedback_photos WHERE report_id = ?"
			  " ORDER BY position",
			  "i", r->id);
	if (!rc && !(rc = mc_rows_json(s, photo_row, (void *)r->code, &photos)))
		json_object_set_new(o, "photos", photos);
	if (!rc && (bits & (MC__FB_HANDLER | MC__FB_READER | MC__FB_MODERATOR)) &&
	    !(rc = mc_query(x->c, &s,
			    "SELECT e.at, e.action, u.full_name, e.detail FROM feedback_events e LEFT JOIN users u ON"
			    " u.id = e.actor_id WHERE e.report_id = ? ORDER BY e.id",
			    "i", r->id)) &&
	    !(rc = mc_rows_json(s, event_row, NULL, &events)))
		json_object_set_new(o, "events", events);
	return rc;
}

int mc__fb_json(struct mc_feedback_ctx *x, const struct mc__fb *r, unsigned bits, json_t **out)
{
	struct mc_stmt *s;
	*out = NULL;
	int rc = mc_query(x->c, &s, "SELECT " MC__FB_COLS MC__FB_FROM " WHERE r.id = ?", "i", r->id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		*out = mc__fb_row(s, bits != 0);
	mc_stmt_done(s);
	if (rc)
		return rc;
	if (!*out)
		return MC_E_NOMEM;
	int open = strcmp(r->status, "received") == 0, answered = strcmp(r->status, "answered") == 0;
	json_object_set_new(*out, "my",
			    json_pack("{s:b, s:b, s:b, s:b, s:b}", "author", (bits & MC__FB_AUTHOR) != 0, "may_handle",
				      open && (bits & MC__FB_HANDLER), "may_moderate", (bits & MC__FB_MODERATOR) != 0,
				      "may_rate", answered && !r->rating && (bits & MC__FB_AUTHOR), "may_add_photo",
				      open && (bits & MC__FB_AUTHOR) && r->photos < MC_FEEDBACK_PHOTOS_MAX));
	if ((rc = extras(x, r, bits, *out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

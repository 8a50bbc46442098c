/*
 * photos.c - the photos of a report: the author adds one (made safe by
 * photo.c outside any transaction, then kept with an event and an audit
 * entry; with consent, a point read from its EXIF becomes the report's
 * point when it has none), and whoever may see a report's photos reads
 * them.
 */
#include "internal.h"

#include "../core/timeutil.h"

#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static int in_vietnam(int64_t lat, int64_t lon)
{
	return lat >= MC_FEEDBACK_LAT_MIN && lat <= MC_FEEDBACK_LAT_MAX && lon >= MC_FEEDBACK_LON_MIN &&
	       lon <= MC_FEEDBACK_LON_MAX;
}

/* The photo's problem as a field error. */
static int photo_problem(struct mc_feedback_ctx *x, int rc)
{
	if (rc == MC_E_MEDIA_TYPE)
		mc_bad_field(x->e, "photo", MC_M_FEEDBACK_PHOTO_TYPE);
	else if (rc == MC_E_VALIDATION)
		mc_bad_fieldn2(x->e, "photo", MC_M_FEEDBACK_PHOTO_SIZE, MC_FEEDBACK_PHOTO_SIDE, MC_FEEDBACK_PHOTO_MIN);
	else if (rc == MC_E_TOO_BIG)
		mc_bad_fieldn(x->e, "photo", MC_M_FEEDBACK_PHOTO_BYTES, MC_FEEDBACK_PHOTO_BYTES >> 20);
	else
		return rc;
	return x->e->code = rc;
}

static int keep(struct mc_feedback_ctx *x, const struct mc__fb *r, const struct mc_feedback_photo *p, int64_t now)
{
	int point = p->has_point && in_vietnam(p->lat_e6, p->lon_e6);
	int64_t k = mc_exec(
		x->c,
		"INSERT INTO feedback_photos (report_id, position, mime, width, height, lat_e6, lon_e6,"
		" data, added_at) VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 1 THEN CAST(? AS BIGINT) END, CASE WHEN ? = 1"
		" THEN CAST(? AS BIGINT) END, ?, ?)",
		"iit"
		"ii"
		"iiii"
		"bi",
		r->id, (int64_t)r->photos + 1, p->mime, (int64_t)p->width, (int64_t)p->height, (int64_t)p->has_point,
		p->lat_e6, (int64_t)p->has_point, p->lon_e6, p->data, p->n, now);
	if (k >= 0 && point)
		k = mc_exec(x->c, "UPDATE feedback_reports SET lat_e6 = ?, lon_e6 = ? WHERE id = ? AND lat_e6 IS NULL",
			    "iii", p->lat_e6, p->lon_e6, r->id);
	if (k >= 0)
		k = mc_exec(x->c, "UPDATE feedback_reports SET version = version + 1 WHERE id = ? AND version = ?",
			    "ii", r->id, r->version);
	if (k == 0)
		return MC_E_PRECONDITION;
	if (k < 0)
		return (int)k;
	return mc__fb_record(x, r->id, "photo",
			     json_pack("{s:I, s:s, s:I, s:b}", "position", (json_int_t)r->photos + 1, "mime", p->mime,
				       "bytes", (json_int_t)p->n, "location_kept", p->has_point),
			     now);
}

int mc_feedback_add_photo(struct mc_feedback_ctx *x, const char *code, const char *secret, const void *data, size_t n,
			  int keep_location, json_t **out)
{
	struct mc__fb r;
	unsigned bits;
	int rc = mc__fb_load(x->c, code, &r);
	if (rc || (rc = mc__fb_standing(x, &r, secret, &bits)))
		return rc;
	if (!(bits & MC__FB_AUTHOR))
		return mc__fb_public(&r) ? mc_error_set(x->e, MC_E_FORBIDDEN, "only the author adds photos")
					 : MC_E_NOT_FOUND;
	if (strcmp(r.status, "received") != 0)
		return mc_error_set(x->e, MC_E_CONFLICT, "the report is %s", r.status);
	if (r.photos >= MC_FEEDBACK_PHOTOS_MAX)
		return mc_error_set(x->e, MC_E_CONFLICT, "at most %d photos", MC_FEEDBACK_PHOTOS_MAX);
	struct mc_feedback_photo p;
	if ((rc = mc_feedback_photo_clean(data, n, keep_location, &p)))
		return photo_problem(x, rc);
	int64_t now = mc_time_now_ms();
	if (!(rc = mc_tx_begin(x->c, 1)) && !(rc = keep(x, &r, &p, now)))
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	if (!rc)
		*out = json_pack("{s:I, s:s, s:I, s:I, s:I, s:b}", "position", (json_int_t)r.photos + 1, "mime", p.mime,
				 "width", (json_int_t)p.width, "height", (json_int_t)p.height, "size", (json_int_t)p.n,
				 "location_kept", p.has_point);
	mc_feedback_photo_release(&p);
	return rc;
}

int mc_feedback_photo(struct mc_feedback_ctx *x, const char *code, const char *secret, int position, void **data,
		      size_t *n, char mime[32])
{
	struct mc__fb r;
	unsigned bits;
	int rc = mc__fb_load(x->c, code, &r);
	if (rc || (rc = mc__fb_standing(x, &r, secret, &bits)))
		return rc;
	if (!bits && !mc__fb_public(&r))
		return MC_E_NOT_FOUND;
	struct mc_stmt *s;
	if ((rc = mc_query(x->c, &s, "SELECT mime, data FROM feedback_photos WHERE report_id = ? AND position = ?",
			   "ii", r.id, (int64_t)position)))
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		const void *b = mc_col_blob(s, 1, n);
		*data = malloc(*n ? *n : 1);
		if (*data)
			memcpy(*data, b, *n);
		snprintf(mime, 32, "%s", mc_col_text(s, 0));
		rc = *data ? 0 : MC_E_NOMEM;
	}
	mc_stmt_done(s);
	return rc;
}

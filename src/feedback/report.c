/*
 * report.c - a citizen reports a problem: the fields checked one by one
 * (the phone in its normal form, the ward among the city's, the point
 * inside Vietnam), the report routed by category and ward, due after the
 * category's working days on the answering agency's calendar, stored with
 * its code and the hash of its secret, the author and the agency told
 * through the outbox; then the author adds photos, each made safe
 * (photo.c) before it is kept.
 */
#include "internal.h"

#include "../core/field.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../dossier/holidays.h"
#include "../org/org.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

struct fb_new {
	const char *category, *ward, *address, *text, *name, *phone, *email;
	int has_point, sla_days, to_ward;
	int64_t lat, lon, agency, due;
	char code[24], secret[10];
};

/* A coordinate member in [lo, hi] microdegrees: 1 given, 0 absent, -1 wrong. */
static int coordinate(struct mc_error *e, json_t *in, const char *name, int64_t lo, int64_t hi, int64_t *v)
{
	json_t *j = json_object_get(in, name);
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_number(j)) {
		mc_bad_field(e, name, MC_M_NOT_NUMBER);
		return -1;
	}
	double d = json_number_value(j) * 1e6;
	if (!isfinite(d) || d < (double)lo || d > (double)hi) {
		mc_bad_field(e, name, MC_M_FEEDBACK_POINT);
		return -1;
	}
	*v = (int64_t)llround(d);
	return 1;
}

static void parse_point(struct mc_error *e, json_t *in, struct fb_new *n)
{
	int a = coordinate(e, in, "lat", MC_FEEDBACK_LAT_MIN, MC_FEEDBACK_LAT_MAX, &n->lat);
	int b = coordinate(e, in, "lon", MC_FEEDBACK_LON_MIN, MC_FEEDBACK_LON_MAX, &n->lon);
	if (a >= 0 && b >= 0 && a != b)
		mc_bad_field(e, a ? "lon" : "lat", MC_M_FEEDBACK_POINT_PAIR);
	n->has_point = a == 1 && b == 1;
}

/* Who reports: the account, or a name and phone number (normal form). */
static int parse_author(struct mc_feedback_ctx *x, json_t *in, struct fb_new *n)
{
	n->name = mc_field_str(x->arena, x->e, in, "name", 100, !x->who);
	n->phone = mc_field_str(x->arena, x->e, in, "phone", 30, !x->who);
	n->email = mc_field_str(x->arena, x->e, in, "email", 254, 0);
	if (n->name && !mc_text_person_name(n->name))
		mc_bad_field(x->e, "name", MC_M_INVALID);
	if (n->phone) {
		char norm[MC_PHONE_MAX];
		if (mc_phone_normalize(n->phone, norm))
			n->phone = mc_strdup(x->arena, norm);
		else
			mc_bad_field(x->e, "phone", MC_M_PHONE_FORMAT);
	}
	if (n->email && !mc_email_check(n->email))
		mc_bad_field(x->e, "email", MC_M_EMAIL_FORMAT);
	if (!x->who || n->name)
		return 0;
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, "SELECT full_name FROM users WHERE id = ?", "i", x->who->user_id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		n->name = mc_strdup(x->arena, mc_col_text(s, 0));
	mc_stmt_done(s);
	return rc;
}

/* The category's service level, and the ward: one of the city's. */
static int parse_where(struct mc_feedback_ctx *x, json_t *in, struct fb_new *n)
{
	struct mc_stmt *s;
	n->category = mc_field_str(x->arena, x->e, in, "category", 16, 1);
	n->ward = mc_field_str(x->arena, x->e, in, "ward_code", 8, 1);
	n->address = mc_field_str(x->arena, x->e, in, "address", MC_FEEDBACK_ADDRESS_MAX, 1);
	n->text = mc_field_str(x->arena, x->e, in, "text", MC_FEEDBACK_TEXT_MAX, 1);
	int rc = 0;
	if (n->category && !(rc = mc_query(x->c, &s, "SELECT sla_days, to_ward FROM feedback_categories WHERE code = ?",
					   "t", n->category))) {
		if ((rc = mc_step_row(s)) == 0) {
			n->sla_days = (int)mc_col_int64(s, 0);
			n->to_ward = (int)mc_col_int64(s, 1);
		}
		mc_stmt_done(s);
		if (rc == MC_E_NOT_FOUND) {
			mc_bad_field(x->e, "category", MC_M_FEEDBACK_CATEGORY);
			n->category = NULL;
			rc = 0;
		}
	}
	int64_t v;
	if (!rc && n->ward &&
	    (rc = mc_query_int64(x->c, &v,
				 "SELECT 1 FROM units u WHERE u.era = 'current' AND u.code = ? AND u.level = 'ward' AND"
				 " EXISTS (SELECT 1 FROM agencies a WHERE a.province_code = u.province_code)",
				 "t", n->ward)) == MC_E_NOT_FOUND) {
		mc_bad_field(x->e, "ward_code", MC_M_FEEDBACK_WARD);
		n->ward = NULL;
		rc = 0;
	}
	return rc;
}

/* The agency that answers: the ward's own route, the ward's committee
 * (to_ward), the category's route for any ward. */
static int route(struct mc_conn *c, const struct fb_new *n, int64_t *agency)
{
	const char *by_route = "SELECT a.id FROM feedback_routes f JOIN agencies a ON a.code = f.agency_code"
			       " WHERE f.category = ? AND f.ward_code = ? AND a.active = 1";
	int rc = mc_query_int64(c, agency, by_route, "tt", n->category, n->ward);
	if (rc == MC_E_NOT_FOUND && n->to_ward)
		rc = mc_query_int64(c, agency,
				    "SELECT MIN(id) FROM agencies WHERE kind = 'ward_committee' AND unit_code = ? AND"
				    " active = 1 HAVING COUNT(*) > 0",
				    "t", n->ward);
	if (rc == MC_E_NOT_FOUND)
		rc = mc_query_int64(c, agency, by_route, "tt", n->category, "");
	return rc;
}

static void make_code(char code[24], char secret[10], int64_t now)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */
	unsigned char r[14];
	int y, m, d;
	mc_random(r, sizeof(r));
	mc_vn_date(now, &y, &m, &d);
	snprintf(code, 24, "PA%02d%02d%02d-%c%c%c%c%c%c", y % 100, m, d, alphabet[r[0] % 32], alphabet[r[1] % 32],
		 alphabet[r[2] % 32], alphabet[r[3] % 32], alphabet[r[4] % 32], alphabet[r[5] % 32]);
	for (int i = 0, k = 6; i < 9; i++)
		secret[i] = i == 4 ? '-' : alphabet[r[k++] % 32];
	secret[9] = '\0';
}

/* Parsed, routed and due: 0, or the field errors. */
static int prepare(struct mc_feedback_ctx *x, json_t *in, struct fb_new *n, int64_t now)
{
	parse_point(x->e, in, n);
	int rc = parse_author(x, in, n);
	if (!rc)
		rc = parse_where(x, in, n);
	if (rc)
		return rc;
	if (n->category && n->ward && (rc = route(x->c, n, &n->agency)) == MC_E_NOT_FOUND) {
		mc_bad_field(x->e, "ward_code", MC_M_FEEDBACK_NO_ROUTE);
		rc = 0;
	}
	if (rc || x->e->nfields)
		return rc ? rc : (x->e->code = MC_E_VALIDATION);
	struct mc_calendar cal;
	if ((rc = mc_holidays_calendar_for(x->c, n->agency, &cal)))
		return rc;
	rc = mc_cal_due_days(&cal, now, n->sla_days, &n->due);
	mc_cal_release(&cal);
	make_code(n->code, n->secret, now);
	return rc;
}

static int store(struct mc_feedback_ctx *x, const struct fb_new *n, int64_t now, int64_t *id)
{
	char hash[MC_SHA256_HEX];
	mc_sha256_hex(n->secret, strlen(n->secret), hash);
	struct mc_stmt *s;
	int rc = mc_query(
		x->c, &s,
		"INSERT INTO feedback_reports (code, secret_hash, category, ward_code, address, lat_e6, lon_e6, body,"
		" public_body, author_id, author_name, author_phone, author_email, agency_id, received_at, due_at)"
		" VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 1 THEN CAST(? AS BIGINT) END, CASE WHEN ? = 1 THEN CAST(? AS "
		"BIGINT) END, ?, ?, NULLIF(?, 0),"
		" ?, ?, ?, ?, ?, ?) RETURNING id",
		"ttttt"
		"iiii"
		"tt"
		"i"
		"ttt"
		"iii",
		n->code, hash, n->category, n->ward, n->address, (int64_t)n->has_point, n->lat, (int64_t)n->has_point,
		n->lon, n->text, mc_feedback_mask(x->arena, n->text), x->who ? x->who->user_id : 0, n->name, n->phone,
		n->email, n->agency, now, n->due);
	if (rc || (rc = mc_step_returning(s, id)))
		return rc;
	char due[40];
	mc_time_format_vn(n->due, due, sizeof(due));
	const char *link = mc_sprintf(x->arena, "/phan-anh/%s", n->code);
	rc = mc__fb_record(x, *id, "report",
			   json_pack("{s:s, s:s, s:I, s:s}", "category", n->category, "ward_code", n->ward, "agency_id",
				     (json_int_t)n->agency, "due", due),
			   now);
	if (!rc)
		rc = mc__fb_notify_author(
			x->c, *id, "feedback_received",
			json_pack("{s:s, s:s, s:s, s:s}", "code", n->code, "name", n->name, "due", due, "link", link),
			now);
	if (!rc)
		rc = mc__fb_notify_agency(x->c, *id, n->agency, "feedback_assigned",
					  json_pack("{s:s, s:s, s:s, s:s}", "code", n->code, "due", due, "link",
						    mc_sprintf(x->arena, "/can-bo/phan-anh/%s", n->code), "category",
						    n->category),
					  now);
	return rc ? rc : mc__fb_reindex(x, *id);
}

int mc_feedback_report(struct mc_feedback_ctx *x, json_t *in, json_t **out)
{
	int64_t now = mc_time_now_ms(), id = 0;
	struct fb_new n;
	memset(&n, 0, sizeof(n));
	int rc = prepare(x, in, &n, now);
	if (!rc)
		rc = mc_tx_begin(x->c, 1);
	if (!rc)
		rc = store(x, &n, now, &id);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	struct mc__fb r;
	json_t *rep = NULL;
	if (rc || (rc = mc__fb_load(x->c, n.code, &r)) || (rc = mc__fb_json(x, &r, MC__FB_AUTHOR, &rep)))
		return rc;
	*out = json_pack("{s:s, s:s, s:o}", "code", n.code, "secret", n.secret, "report", rep);
	return 0;
}

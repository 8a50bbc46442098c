/*
 * register.c - what the printed forms read: one dossier as forms 01-06 show
 * it, and the register book (form 07, Sổ theo dõi hồ sơ) of a receiving
 * agency over a period.  Reading a form is a read like mc_dossier_get, with
 * the same authorization, but it records no "view" event: printing a
 * receipt is not opening the dossier to work on it.
 */
#include "dossier.h"
#include "internal.h"

#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* Add the official's name and position to a {"id": n} reference (the
 * signature lines of forms 02-05). */
static int add_name(struct mc_conn *c, json_t *ref)
{
	int64_t id = json_integer_value(json_object_get(ref, "id"));
	if (!json_is_object(ref) || !id || json_object_get(ref, "full_name"))
		return 0;
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT full_name, position FROM users WHERE id = ?", "i", id);
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc == MC_DB_ROW) {
		json_object_set_new(ref, "full_name", json_string(mc_col_text(s, 0)));
		if (mc_col_text(s, 1))
			json_object_set_new(ref, "position", json_string(mc_col_text(s, 1)));
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

/* What the forms' headers name: "place", the province of the receiving
 * agency ("Thành phố Hồ Chí Minh", for the date line), and "one_stop", the
 * one-stop unit that received the dossier ({name, superior}).  Since 1 July
 * 2025 a ward's or commune's one-stop unit is its Trung tâm Phục vụ hành
 * chính công (Decree 118/2025/NĐ-CP), under the People's Committee. */
static int form_context(struct mc_conn *c, int64_t agency, json_t *j)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT a.kind, a.name, u.full_name, p.full_name FROM agencies a"
			  " LEFT JOIN units u ON u.era = 'current' AND u.code = a.unit_code"
			  " LEFT JOIN units p ON p.era = 'current' AND p.code = a.province_code WHERE a.id = ?",
			  "i", agency);
	if (rc)
		return rc;
	if ((rc = mc_step(s)) == MC_DB_ROW) {
		const char *kind = mc_col_text(s, 0), *name = mc_col_text(s, 1), *unit = mc_col_text(s, 2);
		if (mc_col_text(s, 3))
			json_object_set_new(j, "place", json_string(mc_col_text(s, 3)));
		if (strcmp(kind, "ward_committee") == 0 && unit && (unit[0] == 'P' || unit[0] == 'X')) {
			/* "Phường Sài Gòn" -> "Trung tâm Phục vụ hành chính công phường Sài Gòn" */
			json_object_set_new(j, "one_stop",
					    json_pack("{s:o, s:s}", "name",
						      json_sprintf("Trung tâm Phục vụ hành chính công %c%s",
								   unit[0] + 32, unit + 1),
						      "superior", name));
		} else {
			json_object_set_new(j, "one_stop", json_pack("{s:s}", "name", name));
		}
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

int mc_dossier_form(struct mc_dossier_ctx *x, const char *code, int form, int n, json_t **out)
{
	/* the part of the dossier each notice is about; NULL: always there */
	static const char *const part[7] = {NULL, NULL, "supplement", "refusal", "extension", "stop", NULL};
	static const char *const what[7] = {NULL,
					    NULL,
					    "no supplement was requested",
					    "the dossier was not refused",
					    "the appointment was not moved",
					    "the processing was not stopped",
					    NULL};
	static const char *const signer[7] = {NULL, NULL, "requested_by", "by", "by", "by", NULL};
	if (form < 1 || form > 6)
		return MC_E_NOT_FOUND;
	struct mc__dossier d;
	int rc = mc__load_readable(x, code, &d);
	if (rc)
		return rc;
	json_t *j = NULL;
	if ((rc = mc__represent(x, d.id, 1, &j)))
		return rc;
	/* the working record stays on GET /dossiers/{code} */
	json_object_del(j, "events");
	json_object_del(j, "pending_officials");
	json_t *all = json_object_get(j, "supplements");
	if (form == 2 && n > 0) {
		/* an earlier notice (a dossier from before they were all kept has one) */
		json_t *one = json_is_array(all) ? json_array_get(all, (size_t)n - 1)
			      : n == 1           ? json_object_get(j, "supplement")
						 : NULL;
		if (!json_is_object(one)) {
			json_decref(j);
			return MC_E_NOT_FOUND;
		}
		json_object_set(j, "supplement", one);
	}
	json_t *p = part[form] ? json_object_get(j, part[form]) : NULL;
	if (part[form] && !json_is_object(p)) {
		json_decref(j);
		return mc_error_set(x->e, MC_E_CONFLICT, "form %02d does not apply: %s", form, what[form]);
	}
	if (!d.received_at) {
		if (form == 1 || form == 6) {
			json_decref(j);
			return mc_error_set(x->e, MC_E_CONFLICT,
					    "form %02d does not apply: the dossier has not been received yet", form);
		}
		/* a notice on an online dossier not yet received: it arrived when submitted */
		json_object_set(j, "received_at", json_object_get(j, "submitted_at"));
	}
	/* form 04 is the head's (or a deputy's) to sign: not before they approved */
	if (form == 4 && json_is_false(json_object_get(p, "approved"))) {
		json_decref(j);
		return mc_error_set(x->e, MC_E_CONFLICT,
				    "form 04 does not apply: the head of the agency has not approved the new date yet");
	}
	if (form == 4 && json_object_get(p, "approved_by") &&
	    (rc = add_name(x->c, json_object_get(p, "approved_by")))) {
		json_decref(j);
		return rc;
	}
	if ((rc = form_context(x->c, d.received_agency_id, j))) {
		json_decref(j);
		return rc;
	}
	if (p && (rc = add_name(x->c, json_object_get(p, signer[form])))) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

int mc_dossier_register(struct mc_dossier_ctx *x, int64_t agency, const char *from_day, const char *to_day, int max,
			json_t **out)
{
	const struct mc_principal *w = x->who;
	if (!w || !w->agency_id || !mc_principal_has(w, "dossier.read"))
		return MC_E_FORBIDDEN;
	int rc = mc_agency_within(x->c, w->agency_id, agency);
	if (rc <= 0)
		return rc < 0 ? rc : MC_E_FORBIDDEN;
	int64_t lo = mc__day_start(from_day, 0), hi = mc__day_start(to_day, 1);
	/* entries are numbered per calendar year (mc__register_entry): the
	 * period (at most a year long) may hold the end of one book and the
	 * start of the next */
	char year[11];
	snprintf(year, sizeof(year), "%.4s-01-01", to_day);
	int64_t book = mc__day_start(year, 0);
	struct mc_stmt *s;
	rc = mc_query(x->c, &s,
		      "SELECT d.code, d.register_entry, d.procedure_code, p.name, d.applicant, d.status, d.channel,"
		      " d.received_at, d.due_at, d.completed_at, d.returned_at, d.result_status, a.id, a.code, a.name, "
		      "d.extra"
		      " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
		      " JOIN agencies a ON a.id = d.competent_agency_id"
		      " WHERE d.received_agency_id = ? AND d.received_at >= ? AND d.received_at < ?"
		      " ORDER BY CASE WHEN d.received_at < ? THEN 0 ELSE 1 END, COALESCE(d.register_entry, 0), d.id"
		      " LIMIT ?",
		      "iiiid", agency, lo, hi, book, max + 1);
	if (rc)
		return rc;
	json_t *arr = json_array();
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (json_array_size(arr) == (size_t)max) {
			rc = MC_E_TOO_BIG;
			break;
		}
		json_error_t je;
		json_t *ap = json_loads(mc_col_text(s, 4), 0, &je);
		json_t *row = json_pack(
			"{s:s, s:I, s:{s:s, s:s}, s:{s:O?, s:O?, s:O?}, s:s, s:s, s:o, s:o, s:o, s:o, s:o,"
			" s:{s:I, s:s, s:s}}",
			"code", mc_col_text(s, 0), "entry", (json_int_t)mc_col_int64(s, 1), "procedure", "code",
			mc_col_text(s, 2), "name", mc_col_text(s, 3), "applicant", "full_name",
			json_object_get(ap, "full_name"), "address", json_object_get(ap, "address"), "phone",
			json_object_get(ap, "phone"), "status", mc_col_text(s, 5), "channel", mc_col_text(s, 6),
			"received_at", mc__time_or_null(mc_col_int64(s, 7)), "due_at",
			mc__time_or_null(mc_col_int64(s, 8)), "completed_at", mc__time_or_null(mc_col_int64(s, 9)),
			"returned_at", mc__time_or_null(mc_col_int64(s, 10)), "result_status",
			text_or_null(mc_col_text(s, 11)), "competent_agency", "id", (json_int_t)mc_col_int64(s, 12),
			"code", mc_col_text(s, 13), "name", mc_col_text(s, 14));
		json_decref(ap);
		/* the result document the approving official attached */
		json_t *extra = json_loads(mc_col_text(s, 15), 0, &je), *res = json_object_get(extra, "result");
		if (row)
			json_object_set_new(row, "result_document",
					    json_is_object(res)
						    ? json_pack("{s:O, s:O}", "sha256", json_object_get(res, "sha256"),
								"at", json_object_get(res, "at"))
						    : json_null());
		json_decref(extra);
		if (!row) {
			rc = MC_E_INTERNAL;
			break;
		}
		json_array_append_new(arr, row);
	}
	mc_stmt_done(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

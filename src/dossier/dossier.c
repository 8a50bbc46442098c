/*
 * dossier.c - intake, routing, steps and representation of dossiers; see
 * dossier.h.  Transitions live in workflow.c, queues and statistics in
 * queue.c.
 */
#include "dossier.h"
#include "internal.h"

#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../core/arena.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../org/org.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../render/pdfcheck.h"

#include "../core/banned.h"

/* ---------------- small helpers ---------------- */

const char *mc__jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

json_t *mc__paper_kept(const char *code, const char *kind, int count, const char *note)
{
	json_t *p = json_pack("{s:s, s:s, s:i}", "code", code, "kind", kind, "count", count);
	if (p && note && *note)
		json_object_set_new(p, "note", json_string(note));
	return p;
}

void mc__local_day(int64_t ms, char out[11])
{
	int y, m, d;
	mc_vn_date(ms, &y, &m, &d);
	char buf[40];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

json_t *mc__time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char buf[40];
	mc_time_format_vn(ms, buf, sizeof(buf));
	return json_string(buf);
}

int mc__fail_msg(struct mc_error *e, const char *field, enum mc_msg m)
{
	mc_bad_field(e, field, m);
	return e->code = MC_E_VALIDATION;
}

int mc__due(const struct mc_calendar *cal, const struct mc_procedure *p, int64_t from, int64_t *due)
{
	switch (p->time_unit) {
	case MC_PROC_WORKING_DAYS:
		return mc_cal_due_days(cal, from, p->time_value, due);
	case MC_PROC_SAME_DAY:
		/* "trả kết quả trong ngày": received before the cut-off (15:00) on a
		 * working day, due at its close; later, at the close of the next
		 * working day (mc_cal_count_start moves the start) */
		return mc_cal_due_days(cal, from, 0, due);
	default:
		return mc_cal_due_hours(cal, from, p->time_value, due);
	}
}

const char *mc__score_name(enum mc_cal_score s)
{
	return s == MC_CAL_EARLY ? "early" : s == MC_CAL_ON_TIME ? "on_time" : "late";
}

/* ---------------- blobs ---------------- */

int mc_blob_put(struct mc_conn *c, int64_t uploader, const void *data, size_t n, int64_t quota, char sha256[65],
		const char **mime, char *what, size_t whatlen)
{
	const unsigned char *b = data;
	what[0] = '\0';
	if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
		*mime = "application/pdf";
	else if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		*mime = "image/jpeg";
	else if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		*mime = "image/png";
	else
		return MC_E_MEDIA_TYPE;
	if (uploader <= 0)
		return MC_E_FORBIDDEN;
	if (strcmp(*mime, "application/pdf") == 0) {
		enum mc_pdf_verdict v = mc_pdf_check(data, n, what, whatlen);
		if (v == MC_PDF_ACTIVE)
			return MC_E_ACTIVE_CONTENT;
		if (v != MC_PDF_CLEAN)
			return MC_E_MEDIA_TYPE;
	}
	mc_sha256_hex(data, n, sha256);
	int64_t now = mc_time_now_ms();
	/* the bytes once, the uploader once per file: uploading again is a
	 * no-op, another user's upload of the same bytes adds their row */
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	int64_t had = 0, pending = 0, k = 0;
	rc = mc_query_int64(c, &had, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND user_id = ?", "ti", sha256,
			    uploader);
	if (rc || had)
		goto out;
	if (quota > 0 &&
	    (rc = mc_query_int64(c, &pending,
				 "SELECT COALESCE(SUM(b.size), 0) FROM uploads u JOIN blobs b ON b.sha256 = "
				 "u.sha256 WHERE u.user_id = ? AND u.attached_at IS NULL",
				 "i", uploader)))
		goto out;
	if (quota > 0 && pending + (int64_t)n > quota) {
		rc = MC_E_QUOTA;
		goto out;
	}
	k = mc_exec(c,
		    "INSERT INTO blobs (sha256, size, mime, data, created_at) VALUES (?, ?, ?, ?, ?)"
		    " ON CONFLICT DO NOTHING",
		    "titbi", sha256, (int64_t)n, *mime, data, n, now);
	if (k >= 0)
		k = mc_exec(c, "INSERT INTO uploads (sha256, user_id, created_at) VALUES (?, ?, ?)", "tii", sha256,
			    uploader, now);
	rc = k < 0 ? (int)k : 0;
out:
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc;
}

/* The uploads a form names are attached from now on: no longer pending,
 * never purged (inside the caller's transaction). */
int mc__uploads_attach(struct mc_conn *c, json_t *def, json_t *form, int64_t user, int64_t now)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "form"), i, f) {
		const char *type = mc__jstr(f, "type"), *name = mc__jstr(f, "name");
		const char *sha = type && name && strcmp(type, "attachment") == 0 ? mc__jstr(form, name) : NULL;
		if (!sha)
			continue;
		int64_t n = mc_exec(
			c,
			"UPDATE uploads SET attached_at = ? WHERE sha256 = ? AND user_id = ? AND attached_at IS NULL",
			"iti", now, sha, user);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int64_t mc_blob_purge(struct mc_conn *c, int64_t keep_ms)
{
	int64_t before = mc_time_now_ms() - keep_ms;
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	/* at most 10,000 a run, so that a run never holds the write lock long */
	struct mc_stmt *s = NULL;
	char(*gone)[65] = NULL;
	size_t n = 0, cap = 0;
	rc = mc_query(c, &s,
		      "DELETE FROM uploads WHERE (sha256, user_id) IN (SELECT sha256, user_id FROM uploads"
		      " WHERE attached_at IS NULL AND created_at < ? LIMIT 10000) RETURNING sha256",
		      "i", before);
	if (rc)
		goto out;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (n == cap)
			gone = mc_xrealloc(gone, (cap = cap ? cap * 2 : 64) * sizeof(*gone));
		snprintf(gone[n++], 65, "%s", mc_col_text(s, 0));
	}
	mc_stmt_done(s);
	s = NULL;
	/* the bytes nobody has an upload of any more: a dossier's file always
	 * has its attached upload, and the bytes older than upload owners
	 * (0010) are kept for good */
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t k = mc_exec(c,
				    "DELETE FROM blobs WHERE sha256 = ? AND kept = 0"
				    " AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.sha256 = blobs.sha256)",
				    "t", gone[i]);
		rc = k < 0 ? (int)k : 0;
	}
out:
	mc_stmt_done(s);
	free(gone);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	return rc ? rc : (int64_t)n;
}

/* ---------------- form validation ---------------- */

/* A form's text field holds a person's name when it is named so:
 * "full_name", or "<whose>_full_name" (child_full_name, groom_full_name...)
 * - the catalogue's convention (data/procedures/README.md). */
static int person_name_field(const char *name)
{
	size_t n = strlen(name);
	return strcmp(name, "full_name") == 0 || (n > 10 && strcmp(name + n - 10, "_full_name") == 0);
}

/* Field errors are named "form.<name>" (see internal.h). */
/* One text-valued field of a procedure's form (f) holding s: its limit in
 * characters, its characters, and its type's own rule (date, ID number,
 * choice, unit, an attachment of the caller's, a person's name). */
static void check_string(struct mc_conn *c, json_t *f, const char *s, json_t *before, int64_t caller, const char *fname,
			 struct mc_error *e)
{
	const char *name = mc__jstr(f, "name"), *type = mc__jstr(f, "type");
	json_t *mx = json_object_get(f, "max");
	size_t max = json_is_integer(mx) ? (size_t)json_integer_value(mx) : 1000;
	/* max counts characters, as the page says ("at most 200
	 * characters"); the byte cap (a character and its combining
	 * marks take at most 8 bytes) only bounds the work */
	if (strlen(s) > 8 * max + 16) {
		mc_bad_fieldn(e, fname, MC_M_TOO_LONG, (long long)max);
	} else if (!mc_text_valid(s, SIZE_MAX)) {
		mc_bad_field(e, fname, MC_M_BAD_CHARACTERS);
	} else if (strcmp(type, "date") == 0) {
		if (!mc_date_check(s))
			mc_bad_field(e, fname, MC_M_DATE_FORMAT);
	} else if (strcmp(type, "id_number") == 0) {
		int unknown;
		struct mc_error tmp;
		mc_error_init(&tmp);
		if (mc_cccd_check(s, NULL, NULL, &tmp, &unknown))
			mc_bad_field(e, fname, MC_M_ID_NUMBER_INVALID);
	} else if (strcmp(type, "choice") == 0) {
		int ok = 0;
		size_t k;
		json_t *ch;
		json_array_foreach(json_object_get(f, "choices"), k, ch)
			ok |= mc__jstr(ch, "value") && strcmp(mc__jstr(ch, "value"), s) == 0;
		if (!ok)
			mc_bad_field(e, fname, MC_M_NOT_A_CHOICE);
	} else if (strcmp(type, "unit") == 0) {
		json_t *u = NULL;
		int rc = strlen(s) <= 5 ? mc_unit_get(c, "current", s, &u) : MC_E_NOT_FOUND;
		json_decref(u);
		if (rc)
			mc_bad_field(e, fname, MC_M_FORM_UNIT_UNKNOWN);
	} else if (strcmp(type, "attachment") == 0) {
		/* A file is named by its SHA-256, which is no secret (links,
		 * logs): were any stored file accepted, one could attach
		 * another person's file to one's own dossier and read it from
		 * there.  So only a file the caller uploaded, or the one this
		 * field already names; any other is "not uploaded", whether
		 * or not someone else stored it. */
		json_t *was = json_object_get(before, name);
		int kept = json_is_string(was) && strcmp(json_string_value(was), s) == 0;
		int64_t n = 0;
		if (!mc_is_sha256_hex(s) ||
		    (!kept && (mc_query_int64(c, &n, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND user_id = ?",
					      "ti", s, caller) ||
			       n == 0)))
			mc_bad_field(e, fname, MC_M_NOT_UPLOADED);
	} else if (mc_text_chars(s) > (long)max) {
		mc_bad_fieldn(e, fname, MC_M_TOO_LONG, (long long)max);
	} else if (person_name_field(name) && !mc_text_person_name(s)) {
		mc_bad_field(e, fname, MC_M_PERSON_NAME);
	}
}

void mc__check_form(struct mc_conn *c, struct mc_arena *a, json_t *def, json_t *form, int64_t caller, json_t *before,
		    struct mc_error *e)
{
	json_t *schema = json_object_get(def, "form");
	if (!json_is_object(form)) {
		mc_bad_field(e, "form", MC_M_FORM_NOT_OBJECT);
		return;
	}
	/* unknown fields */
	const char *key;
	json_t *val;
	json_object_foreach(form, key, val) {
		int known = 0;
		size_t i;
		json_t *f;
		json_array_foreach(schema, i, f)
			known |= strcmp(mc__jstr(f, "name"), key) == 0;
		if (!known)
			mc_bad_field(e, mc_sprintf(a, "form.%.60s", key), MC_M_FORM_UNKNOWN_FIELD);
	}
	size_t i;
	json_t *f;
	json_array_foreach(schema, i, f) {
		const char *name = mc__jstr(f, "name"), *type = mc__jstr(f, "type");
		const char *fname = mc_sprintf(a, "form.%s", name);
		json_t *v = json_object_get(form, name);
		if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
			if (json_is_true(json_object_get(f, "required")))
				mc_bad_field(e, fname, MC_M_REQUIRED);
			continue;
		}
		if (strcmp(type, "number") == 0) {
			json_t *mn = json_object_get(f, "min"), *mx = json_object_get(f, "max");
			if (!json_is_number(v))
				mc_bad_field(e, fname, MC_M_NOT_NUMBER);
			else if ((mn && json_number_value(v) < json_number_value(mn)) ||
				 (mx && json_number_value(v) > json_number_value(mx)))
				mc_bad_field(e, fname, MC_M_OUT_OF_RANGE);
			continue;
		}
		if (!json_is_string(v)) {
			mc_bad_field(e, fname, MC_M_NOT_STRING);
			continue;
		}
		check_string(c, f, json_string_value(v), before, caller, fname, e);
	}
}

/* Papers received: for counter intake the clerk's checklist; online, the
 * papers whose attachment fields were filled.  Every mandatory paper
 * without a condition must be there, or, when missing is an array, is
 * named there (the items of a supplement notice). */
static json_t *check_papers(struct mc_arena *a, json_t *def, json_t *form, json_t *given, int online, json_t *missing,
			    struct mc_error *e)
{
	json_t *out = json_array();
	json_t *papers = json_object_get(def, "papers");
	size_t i;
	json_t *p;
	json_array_foreach(papers, i, p) {
		const char *code = mc__jstr(p, "code");
		int have = 0, count = (int)json_integer_value(json_object_get(p, "count")), listed = 1;
		const char *note = "", *kind = mc__jstr(p, "kind");
		if (online) {
			/* an attachment field that carries this paper and is filled: a
			 * scan (one file), whatever the paper is on the counter's
			 * checklist.  A paper with no attachment field is the e-form
			 * itself (the declaration, listed as such) or is shown when the
			 * result is collected (not received: not listed) */
			size_t k;
			json_t *f;
			int uploadable = 0;
			json_array_foreach(json_object_get(def, "form"), k, f) {
				const char *paper = mc__jstr(f, "paper");
				if (paper && strcmp(paper, code) == 0) {
					uploadable = 1;
					if (json_is_string(json_object_get(form, mc__jstr(f, "name"))))
						have = 1, kind = "scan", count = 1;
				}
			}
			if (!uploadable) {
				have = 1;
				if (strncmp(code, "to_khai", 7) == 0)
					kind = "eform", count = 1;
				else
					listed = 0, note = "Xuất trình khi nhận kết quả";
			}
		} else {
			size_t k;
			json_t *g;
			json_array_foreach(given, k, g) {
				const char *gc = json_is_string(g) ? json_string_value(g) : mc__jstr(g, "code");
				if (gc && strcmp(gc, code) == 0) {
					have = 1;
					json_t *cnt = json_object_get(g, "count");
					if (json_is_integer(cnt) && json_integer_value(cnt) > 0 &&
					    json_integer_value(cnt) < 100)
						count = (int)json_integer_value(cnt);
					if (mc__jstr(g, "note"))
						note = mc_strdup(a, mc__jstr(g, "note"));
				}
			}
		}
		int mandatory =
			json_is_true(json_object_get(p, "mandatory")) && json_is_null(json_object_get(p, "condition"));
		if (!have && mandatory && missing) {
			json_array_append_new(missing, json_string(mc__jstr(p, "name")));
			continue;
		}
		if (!have && mandatory) {
			mc_bad_field2(e, mc_sprintf(a, "papers.%s", code), MC_M_PAPER_MISSING, mc__jstr(p, "name"),
				      mc__jstr(p, "name_en") ? mc__jstr(p, "name_en") : code);
			continue;
		}
		if (have && listed)
			json_array_append_new(out, mc__paper_kept(code, kind, count, note));
	}
	/* papers on the checklist that the procedure does not know */
	if (!online) {
		size_t k;
		json_t *g;
		json_array_foreach(given, k, g) {
			const char *gc = json_is_string(g) ? json_string_value(g) : mc__jstr(g, "code");
			int known = 0;
			json_array_foreach(papers, i, p)
				known |= gc && strcmp(mc__jstr(p, "code"), gc) == 0;
			if (!known)
				mc_bad_field(e, "papers", MC_M_PAPER_UNKNOWN);
		}
	}
	return out;
}

int mc__counter_papers(struct mc_dossier_ctx *x, json_t *def, json_t *given, int64_t id)
{
	json_t *papers = check_papers(x->arena, def, NULL, given, 0, NULL, x->e);
	if (x->e->nfields) {
		json_decref(papers);
		return x->e->code = MC_E_VALIDATION;
	}
	char *text = json_dumps(papers, JSON_COMPACT);
	json_decref(papers);
	int64_t n = mc_exec(x->c, "UPDATE dossiers SET papers = ? WHERE id = ?", "ti", text, id);
	free(text);
	return n < 0 ? (int)n : 0;
}

/* A walk-in dossier that lacks papers: incomplete = {"items": [...],
 * "reason": "..."} (the papers missing from the checklist are listed
 * first, then items).  The notice form 02 it becomes; NULL with a field
 * error when it is not well formed or nothing is missing. */
static json_t *walk_in_notice(struct mc_dossier_ctx *x, json_t *incomplete, json_t *missing, int64_t now)
{
	struct mc_error *e = x->e;
	json_t *items = json_object_get(incomplete, "items"), *v;
	const char *reason = mc__jstr(incomplete, "reason");
	size_t i;
	if (!json_is_object(incomplete) || (items && (!json_is_array(items) || json_array_size(items) > 50)) ||
	    (json_object_get(incomplete, "reason") && (!reason || !mc_text_valid_chars(reason, 2000)))) {
		mc_bad_field(e, "incomplete", MC_M_NOTICE_FORMAT);
		return NULL;
	}
	json_array_foreach(items, i, v) {
		if (!json_is_string(v) || !*json_string_value(v) || !mc_text_valid_chars(json_string_value(v), 1000)) {
			mc_bad_field(e, "incomplete.items", MC_M_NOTICE_ITEM_FORMAT);
			return NULL;
		}
		json_array_append(missing, v);
	}
	if (!json_array_size(missing)) {
		mc_bad_field(e, "incomplete", MC_M_NOTHING_MISSING);
		return NULL;
	}
	if (json_array_size(missing) > 50) {
		mc_bad_field(e, "incomplete.items", MC_M_TOO_MANY_ITEMS);
		return NULL;
	}
	return json_pack("{s:i, s:s, s:o, s:{s:I}, s:O, s:s?}", "no", 1, "stage", "reception", "requested_at",
			 mc__time_or_null(now), "requested_by", "id", (json_int_t)x->who->user_id, "items", missing,
			 "reason", reason && *reason ? reason : NULL);
}

/* ---------------- routing ---------------- */

static int agency_kind(struct mc_conn *c, int64_t id, char kind[32], char unit[8])
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT kind, unit_code FROM agencies WHERE id = ? AND active = 1", "i", id);
	if (rc)
		return rc;
	rc = mc_step(s);
	if (rc == MC_DB_ROW) {
		snprintf(kind, 32, "%s", mc_col_text(s, 0));
		snprintf(unit, 8, "%s", mc_col_text(s, 1));
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : rc == MC_DB_ROW ? 0 : MC_E_NOT_FOUND;
}

/* The competent agency: named by code in the procedure; or of the
 * procedure's kind - the one asked for, else the receiving agency when it
 * is of that kind, else the one of that kind in the applicant's ward. */
static int competent_agency(struct mc_dossier_ctx *x, const struct mc_procedure *p, int64_t asked, int64_t receiving,
			    const char *ward, int64_t *out)
{
	const char *kind = p->competent_kind;
	if (p->competent_code) {
		int rc = mc_agency_by_code(x->c, p->competent_code, out);
		return rc == MC_E_NOT_FOUND ? mc__fail_msg(x->e, "competent_agency_id", MC_M_NO_COMPETENT_AGENCY) : rc;
	}
	char k[32], u[8];
	int rc;
	if (asked) {
		rc = agency_kind(x->c, asked, k, u);
		if (rc == MC_E_NOT_FOUND || (!rc && strcmp(k, kind) != 0))
			return mc__fail_msg(x->e, "competent_agency_id", MC_M_AGENCY_NOT_COMPETENT);
		*out = asked;
		return rc;
	}
	rc = receiving ? agency_kind(x->c, receiving, k, u) : MC_E_NOT_FOUND;
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	if (!rc && strcmp(k, kind) == 0) {
		*out = receiving;
		return 0;
	}
	if (ward && *ward) {
		rc = mc_query_int64(x->c, out,
				    "SELECT id FROM agencies WHERE kind = ? AND unit_code = ? AND active = 1"
				    " ORDER BY id LIMIT 1",
				    "tt", kind, ward);
		if (rc != MC_E_NOT_FOUND)
			return rc;
	}
	return mc__fail_msg(x->e, "competent_agency_id", MC_M_COMPETENT_AGENCY_REQUIRED);
}

static void make_secret(char out[10])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */
	unsigned char r[8];
	mc_random(r, sizeof(r));
	for (int i = 0, k = 0; i < 9; i++)
		out[i] = i == 4 ? '-' : alphabet[r[k++] % 32];
	out[9] = '\0';
}

/* ---------------- submission ---------------- */

/* The members of a submission and the JSON type each must have when it is
 * given: a value of another type is refused naming it, never ignored or
 * replaced by a default. */
static const struct {
	const char *name;
	json_type type;
} members[] =
	{
		{"procedure_code", JSON_STRING},
		{"applicant", JSON_OBJECT},
		{"form", JSON_OBJECT},
		{"papers", JSON_ARRAY},
		{"return_method", JSON_STRING},
		{"agency_id", JSON_INTEGER},
		{"competent_agency_id", JSON_INTEGER},
},
  applicant_members[] = {
	  {"full_name", JSON_STRING}, {"id_number", JSON_STRING}, {"tax_code", JSON_STRING},  {"phone", JSON_STRING},
	  {"email", JSON_STRING},     {"address", JSON_STRING},   {"ward_code", JSON_STRING},
};

/* The message for a member that is not of type t. */
static enum mc_msg type_msg(json_type t)
{
	switch (t) {
	case JSON_STRING:
		return MC_M_NOT_STRING;
	case JSON_OBJECT:
		return MC_M_NOT_JSON_OBJECT;
	case JSON_ARRAY:
		return MC_M_NOT_LIST;
	default:
		return MC_M_NOT_INTEGER;
	}
}

static void check_types(struct mc_error *e, struct mc_arena *a, json_t *in)
{
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		json_t *v = json_object_get(in, members[i].name);
		if (v && !json_is_null(v) && json_typeof(v) != members[i].type)
			mc_bad_field(e, members[i].name, type_msg(members[i].type));
	}
	json_t *ap = json_object_get(in, "applicant");
	for (size_t i = 0; json_is_object(ap) && i < sizeof(applicant_members) / sizeof(applicant_members[0]); i++) {
		json_t *v = json_object_get(ap, applicant_members[i].name);
		if (v && !json_is_null(v) && json_typeof(v) != applicant_members[i].type)
			mc_bad_field(e, mc_sprintf(a, "applicant.%s", applicant_members[i].name),
				     type_msg(applicant_members[i].type));
	}
}

/* s in NFC without surrounding spaces, as the API's strings are; s itself
 * when NULL or not valid text (the checks then refuse it). */
static const char *tidy(struct mc_arena *a, const char *s)
{
	if (!s || !mc_text_valid(s, 8 * 1000))
		return s;
	while (*s == ' ')
		s++;
	char *t = mc_text_nfc(a, s);
	size_t n = strlen(t);
	while (n && t[n - 1] == ' ')
		t[--n] = '\0';
	return t;
}

/* An applicant's contact details, online corrections and counter intake
 * alike: the checks of the sign-up form. */
static void check_contact(struct mc_error *e, struct mc_arena *a, const char **phone, const char *email,
			  const char *addr)
{
	if (*phone && **phone) {
		char norm[MC_PHONE_MAX];
		if (mc_phone_normalize(*phone, norm))
			*phone = mc_strdup(a, norm); /* the one form stored */
		else
			mc_bad_field(e, "applicant.phone", MC_M_PHONE_FORMAT);
	}
	if (email && *email && (strlen(email) > 254 || !mc_email_check(email)))
		mc_bad_field(e, "applicant.email", MC_M_EMAIL_FORMAT);
	if (addr && !mc_text_valid(addr, 8 * 300))
		mc_bad_field(e, "applicant.address", MC_M_ADDRESS_CHARACTERS);
	else if (addr && mc_text_chars(addr) > 300)
		mc_bad_field(e, "applicant.address", MC_M_ADDRESS_TOO_LONG);
}

/* A repealed procedure takes no new dossiers: the field error names the
 * procedures that replace it. */
static int refuse_repealed(struct mc_dossier_ctx *x, json_t *def)
{
	char codes[120] = "";
	size_t i, k = 0;
	json_t *v;
	json_array_foreach(json_object_get(def, "replaced_by"), i, v) {
		int w = snprintf(codes + k, sizeof(codes) - k, "%s%.16s", i ? ", " : "", json_string_value(v));
		if (w < 0 || (size_t)w >= sizeof(codes) - k)
			break;
		k += (size_t)w;
	}
	if (*codes)
		mc_bad_field1(x->e, "procedure_code", MC_M_REPEALED_FOR, codes);
	else
		mc_bad_field(x->e, "procedure_code", MC_M_REPEALED);
	return x->e->code = MC_E_VALIDATION;
}

/* The procedure the submission names, in its current version: one that
 * takes new dossiers, online when submitted online. */
static int procedure_of(struct mc_dossier_ctx *x, json_t *in, struct mc_dossier_new *n)
{
	const char *pcode = mc__jstr(in, "procedure_code");
	if (!pcode || strlen(pcode) > 16)
		return mc__fail_msg(x->e, "procedure_code", MC_M_PROCEDURE_CODE_REQUIRED);
	int64_t pid = 0;
	int rc = mc_catalog_current_id(x->c, pcode, &pid);
	if (!rc)
		rc = mc_procedure_load(x->c, pid, x->arena, &n->proc, x->e);
	if (rc == MC_E_NOT_FOUND)
		return mc__fail_msg(x->e, "procedure_code", MC_M_UNKNOWN_PROCEDURE);
	if (rc)
		return rc;
	if (n->proc.repealed)
		return refuse_repealed(x, n->proc.def);
	if (n->online && !mc_procedure_online(&n->proc))
		return mc__fail_msg(x->e, "procedure_code", MC_M_NOT_ONLINE);
	return 0;
}

/* Who may submit: online, a citizen or a business for themselves; at a
 * counter, a reception clerk of the agency that holds it, which becomes
 * the receiving agency. */
static int may_submit(struct mc_dossier_ctx *x, struct mc_dossier_new *n)
{
	const struct mc_principal *who = x->who;
	if (n->online) {
		if (!who || (strcmp(who->kind, "citizen") != 0 && strcmp(who->kind, "business") != 0))
			return mc_error_set(x->e, MC_E_FORBIDDEN, "online submission is for citizens and businesses");
		return 0;
	}
	if (!who || !mc_principal_has_role(who, "clerk"))
		return mc_error_set(x->e, MC_E_FORBIDDEN, "counter intake is for reception clerks");
	int rc = mc_query_int64(x->c, &n->receiving, "SELECT agency_id FROM counters WHERE id = ? AND active = 1", "i",
				n->counter_id);
	if (rc == MC_E_NOT_FOUND)
		return mc__fail_msg(x->e, "counter_id", MC_M_UNKNOWN_COUNTER);
	if (rc)
		return rc;
	rc = mc_agency_within(x->c, who->agency_id, n->receiving);
	if (rc == 0)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "the counter belongs to another agency");
	return rc < 0 ? rc : 0;
}

/* Online: the applicant is the caller, as their account says, with the
 * contact details they correct for this dossier (checked like at sign-up,
 * refused rather than dropped); agency_id, if given, is the reception
 * point they chose. */
static int parse_online(struct mc_dossier_ctx *x, json_t *in, struct mc_dossier_new *n)
{
	struct mc_arena *a = x->arena;
	json_t *me = NULL, *given = json_object_get(in, "applicant"), *ag = json_object_get(in, "agency_id");
	n->applicant_id = x->who->user_id;
	int rc = mc_user_get_basic(x->c, n->applicant_id, &me);
	if (rc)
		goto out;
	n->applicant = json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:s}", "kind", x->who->kind, "full_name",
				 json_object_get(me, "full_name"), "id_number", json_object_get(me, "id_number"),
				 "tax_code", json_object_get(me, "tax_code"), "phone", json_object_get(me, "phone"),
				 "email", json_object_get(me, "email"), "address",
				 mc__jstr(me, "address") ? mc__jstr(me, "address") : "");
	n->ward = mc_strdup(a, mc__jstr(me, "ward_code"));
	const char *phone = mc__jstr(given, "phone"), *email = mc__jstr(given, "email"),
		   *addr = mc__jstr(given, "address");
	check_contact(x->e, a, &phone, email, addr);
	if (x->e->nfields) {
		rc = x->e->code = MC_E_VALIDATION;
		goto out;
	}
	if (phone && *phone)
		json_object_set_new(n->applicant, "phone", json_string(phone));
	if (email && *email)
		json_object_set_new(n->applicant, "email", json_string(email));
	if (addr && *addr)
		json_object_set_new(n->applicant, "address", json_string(addr));
	n->receiving = json_is_integer(ag) ? json_integer_value(ag) : 0;
	char k[32], u[8];
	rc = !ag ? 0 : json_is_integer(ag) ? agency_kind(x->c, n->receiving, k, u) : MC_E_NOT_FOUND;
	if (rc == MC_E_NOT_FOUND)
		rc = mc__fail_msg(x->e, "agency_id", MC_M_UNKNOWN_RECEPTION_POINT);
out:
	json_decref(me);
	return rc;
}

/* The applicant's name: required, at most 100 characters, a person's name
 * unless a business (with a tax code) applies. */
static void check_name(struct mc_error *e, const char *name, const char *tax)
{
	if (!name || !*name || !mc_text_valid(name, 8 * 100))
		mc_bad_field(e, "applicant.full_name", MC_M_APPLICANT_NAME_REQUIRED);
	else if (mc_text_chars(name) > 100)
		mc_bad_field(e, "applicant.full_name", MC_M_NAME_TOO_LONG);
	else if (!(tax && *tax) && !mc_text_person_name(name))
		mc_bad_field(e, "applicant.full_name", MC_M_PERSON_NAME);
}

/* At a counter: the clerk types the applicant in; a known citizen is
 * linked, so that the dossier shows in their account. */
static int parse_counter(struct mc_dossier_ctx *x, json_t *in, struct mc_dossier_new *n)
{
	struct mc_error *e = x->e;
	json_t *ap = json_object_get(in, "applicant");
	const char *name = tidy(x->arena, mc__jstr(ap, "full_name")), *idn = mc__jstr(ap, "id_number"),
		   *tax = mc__jstr(ap, "tax_code"), *phone = mc__jstr(ap, "phone"), *email = mc__jstr(ap, "email"),
		   *addr = tidy(x->arena, mc__jstr(ap, "address"));
	check_name(e, name, tax);
	int unknown;
	if (idn && *idn)
		mc_cccd_check(idn, NULL, NULL, e, &unknown);
	else if (!(tax && *tax))
		mc_bad_field(e, "applicant.id_number", MC_M_ID_OR_TAX_CODE_REQUIRED);
	if (tax && *tax && !mc_tax_code_check(tax))
		mc_bad_field(e, "applicant.tax_code", MC_M_TAX_CODE_INVALID);
	check_contact(e, x->arena, &phone, email, addr);
	if (idn && *idn && strlen(idn) == 12) {
		int rc = mc_query_int64(x->c, &n->applicant_id, "SELECT id FROM users WHERE id_number = ?", "t", idn);
		if (rc == MC_E_NOT_FOUND)
			n->applicant_id = 0;
		else if (rc)
			return rc;
	}
	n->applicant = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "kind",
				 tax && *tax ? "business" : "citizen", "full_name", name, "id_number", idn, "tax_code",
				 tax, "phone", phone, "email", email, "address", addr);
	n->ward = mc__jstr(ap, "ward_code");
	return 0;
}

/* A paper received as a file taken from the personal store is of kind
 * "issued" (the agency's record), not a scan the applicant uploaded. */
static void mark_issued(json_t *papers, json_t *reused)
{
	size_t i, k;
	json_t *p, *u;
	json_array_foreach(reused, k, u) {
		json_array_foreach(papers, i, p) {
			const char *code = mc__jstr(p, "code"), *asked = mc__jstr(u, "paper");
			if (code && asked && strcmp(code, asked) == 0)
				json_object_set_new(p, "kind", json_string("issued"));
		}
	}
}

/* What both channels carry: the form, the papers (a walk-in dossier
 * without all of them is recorded with form 02), the return method and
 * the competent agency. */
static int parse_dossier(struct mc_dossier_ctx *x, json_t *in, struct mc_dossier_new *n)
{
	struct mc_error *e = x->e;
	json_t *form = json_object_get(in, "form");
	n->form = form ? json_incref(form) : json_object();
	/* papers taken from the applicant's personal store (personal.c) */
	json_t *held = NULL;
	int rc = mc__personal_reuse(x, n->proc.def, n->applicant_id, &n->form, &held, &n->reused);
	if (rc)
		return rc;
	mc__check_form(x->c, x->arena, n->proc.def, n->form, x->who->user_id, held, e);
	json_decref(held);
	json_t *incomplete = n->online ? NULL : json_object_get(in, "incomplete");
	if (incomplete)
		n->missing = json_array();
	n->papers =
		check_papers(x->arena, n->proc.def, n->form, json_object_get(in, "papers"), n->online, n->missing, e);
	mark_issued(n->papers, n->reused);
	const char *ret = mc__jstr(in, "return_method");
	if (ret && strcmp(ret, "counter") != 0 && strcmp(ret, "post") != 0 && strcmp(ret, "online") != 0)
		mc_bad_field(e, "return_method", MC_M_RETURN_METHOD_ENUM);
	n->return_method = ret ? ret : "counter";
	if (incomplete && !e->nfields)
		n->notice = walk_in_notice(x, incomplete, n->missing, mc_time_now_ms());
	json_t *cj = json_object_get(in, "competent_agency_id");
	if (!e->nfields)
		rc = competent_agency(x, &n->proc, json_is_integer(cj) ? json_integer_value(cj) : 0, n->receiving,
				      n->ward, &n->competent);
	if (e->nfields)
		return e->code = MC_E_VALIDATION;
	if (!n->receiving)
		n->receiving = n->competent; /* online without a chosen reception point */
	return rc;
}

static int parse_submission(struct mc_dossier_ctx *x, json_t *in, struct mc_dossier_new *n)
{
	int rc;
	check_types(x->e, x->arena, in);
	if (x->e->nfields)
		return x->e->code = MC_E_VALIDATION;
	if ((rc = procedure_of(x, in, n)) || (rc = may_submit(x, n)))
		return rc;
	rc = n->online ? parse_online(x, in, n) : parse_counter(x, in, n);
	return rc ? rc : parse_dossier(x, in, n);
}

/* Where the new dossier stands at now.  Taken in at the counter, it is
 * received: the legal time starts and the second step is in hand; online,
 * or lacking papers, it waits at reception. */
static int decide(struct mc_dossier_ctx *x, struct mc_dossier_new *n, const struct mc_calendar *cal, int64_t now)
{
	make_secret(n->secret);
	n->channel = n->online ? "online" : "counter";
	n->status = n->online ? "submitted" : n->notice ? "supplement_requested" : "in_progress";
	n->submitted_at = now;
	n->paused_at = n->notice ? now : 0;
	n->current_step = 1;
	n->current_agency = n->receiving;
	n->step_role = "clerk";
	n->extra = n->notice ? json_pack("{s:O, s:[O]}", "supplement", n->notice, "supplements", n->notice)
			     : json_object();
	if (n->reused)
		json_object_set(n->extra, "reused", n->reused);
	if (n->online) {
		/* to be received within a working day, else late at reception */
		int64_t by = 0;
		if (!mc_cal_add_working_minutes(cal, now, 8 * 60, &by))
			json_object_set_new(n->extra, "receive_by", mc__time_or_null(by));
		return 0;
	}
	if (n->notice)
		return 0;
	if (n->proc.nsteps < 2) {
		mc_error_log(x->e, "procedure %lld has fewer than two steps", (long long)n->proc.id);
		return MC_E_INTERNAL;
	}
	n->current_step = 2;
	n->current_agency = n->competent;
	n->step_role = n->proc.steps[1].role;
	n->received_by = x->who->user_id;
	n->received_at = now;
	return mc__due(cal, &n->proc, now, &n->due_at);
}

/* Every row of the new dossier (inside the caller's transaction); *id its
 * id. */
static int write_dossier(struct mc_dossier_ctx *x, struct mc_dossier_new *n, const struct mc_calendar *cal, json_t *in,
			 int64_t *id)
{
	struct mc_conn *c = x->c;
	struct mc__step_at t = {.c = c, .cal = cal, .now = n->submitted_at, .by = x->who->user_id};
	const char *action = n->online ? "submit" : n->notice ? "intake_incomplete" : "intake";
	int rc;
	/* lacking papers, the reception step waits for them; taken in, it is
	 * done and the next starts */
	enum mc__steps_start start = n->received_at ? MC__STEPS_TAKEN : n->notice ? MC__STEPS_OPEN : MC__STEPS_WAIT;
	/* the applicant's signature of what they submitted, before it is
	 * stored: the bytes signed do not depend on the dossier's number */
	int64_t signature = 0;
	if (n->online && x->sign_application) {
		json_t *what = json_pack("{s:s, s:O}", "procedure", n->proc.code, "form", n->form), *rec = NULL;
		char *bytes = json_dumps(what, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(what);
		rc = bytes ? x->sign_application(x, bytes, strlen(bytes), &signature, &rec) : MC_E_NOMEM;
		free(bytes);
		if (rc)
			return rc;
		if (!n->extra)
			n->extra = json_object();
		json_object_set_new(n->extra, "application_signature", rec);
	}
	if ((rc = mc__dossier_next_code(c, n->receiving, t.now, n->code, sizeof(n->code))) ||
	    (n->received_at && (rc = mc__register_next(c, n->receiving, t.now, &n->register_entry))) ||
	    (rc = mc__dossier_insert(c, n, &t.dossier)) ||
	    (rc = mc__steps_create(&t, &n->proc, n->receiving, n->competent, start)) ||
	    (rc = mc__uploads_attach(c, n->proc.def, n->form, t.by, t.now)))
		return rc;
	if (signature) {
		int64_t k = mc_exec(c, "UPDATE signatures SET dossier_id = ? WHERE id = ?", "ii", t.dossier, signature);
		if (k < 0)
			return (int)k;
	}
	struct mc_dossier_fee fee = {t.dossier,
				     n->competent,
				     n->receiving,
				     n->code,
				     action,
				     n->channel,
				     n->status,
				     0,
				     json_object_get(n->proc.def, "fees"),
				     NULL};
	struct mc_dossier_change ch = {t.dossier,      n->code,   n->proc.code, action,      NULL, n->status,
				       n->received_at, n->due_at, t.now,        n->proc.def, in};
	if ((rc = mc__event(x, t.dossier, action, NULL, n->status, 1, n->receiving, n->counter_id, NULL)) ||
	    (x->fee && (rc = x->fee(x, &fee))) || (x->linked && (rc = x->linked(x, &ch))) ||
	    (x->handoff && n->current_agency && (rc = x->handoff(x, t.dossier, n->current_agency))))
		return rc;
	struct mc__addressee to = {n->code, n->status, n->applicant_id, n->due_at, n->applicant};
	/* the rows other intakes write too at the end, the audit entry last
	 * (mc__audit: it holds the chain's head until COMMIT) */
	if ((rc = mc__notify_to(c, t.dossier,
				n->online   ? "submitted"
				: n->notice ? "supplement_requested"
					    : "received",
				NULL, &to)) ||
	    (rc = mc__track_refresh(c, t.dossier)) ||
	    (n->received_at &&
	     (rc = mc__stats_add(c, n->competent, n->proc.code, n->proc.field_code, t.now, "received_counter"))) ||
	    (rc = mc__audit(x, mc_sprintf(x->arena, "dossier.%s", action), t.dossier, n->code)))
		return rc;
	*id = t.dossier;
	return 0;
}

/* The one transaction of a submission: all of it or nothing. */
static int record(struct mc_dossier_ctx *x, struct mc_dossier_new *n, const struct mc_calendar *cal, json_t *in,
		  int64_t *id)
{
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	rc = write_dossier(x, n, cal, in, id);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}

int mc_dossier_submit(struct mc_dossier_ctx *x, json_t *in, int64_t counter_id, json_t **out)
{
	struct mc_dossier_new n = {.online = counter_id == 0, .counter_id = counter_id};
	struct mc_calendar cal;
	int cal_ready = 0;
	int64_t id = 0;
	int rc = parse_submission(x, in, &n);
	if (rc)
		goto out;
	if ((rc = mc_holidays_calendar_for(x->c, n.competent, &cal)))
		goto out;
	cal_ready = 1;
	if ((rc = decide(x, &n, &cal, mc_time_now_ms())) || (rc = record(x, &n, &cal, in, &id)))
		goto out;
	rc = mc__represent(x, id, 1, out);
out:
	if (cal_ready)
		mc_cal_release(&cal);
	mc_procedure_release(&n.proc);
	json_decref(n.applicant);
	json_decref(n.form);
	json_decref(n.papers);
	json_decref(n.missing);
	json_decref(n.notice);
	json_decref(n.extra);
	json_decref(n.reused);
	return rc;
}

/*
 * register.c - the rules of registering a document: what an incoming and
 * an outgoing one must say, whose register it goes in, which series and
 * year it is numbered in, the symbol of an outgoing one, and the one
 * transaction that numbers, stores, names the readers and records it.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../dossier/dossier.h"
#include "../dossier/holidays.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define ARRIVAL_DAYS_BACK 30 /* an arrival may be registered up to a month later */

int mc_document_number_symbol(int64_t number, const char *type_abbr, const char *issuer_abbr, const char *unit_abbr,
			      char *out, size_t n)
{
	if (number < 1 || !issuer_abbr || !*issuer_abbr)
		return MC_E_INVAL;
	int len;
	if (type_abbr && *type_abbr)
		len = snprintf(out, n, "%02lld/%s-%s", (long long)number, type_abbr, issuer_abbr);
	else if (unit_abbr && *unit_abbr)
		len = snprintf(out, n, "%02lld/%s-%s", (long long)number, issuer_abbr, unit_abbr);
	else
		return MC_E_INVAL;
	return len < 0 || (size_t)len >= n ? MC_E_INVAL : 0;
}

/* The readers of a confidential document: at most 50 officials who act
 * for its body (checked once the body is known). */
static json_t *readers_field(struct mc_document_ctx *x, json_t *in, int secret)
{
	json_t *v = json_object_get(in, "readers");
	if (!v || json_is_null(v))
		return NULL;
	if (!secret) {
		mc_bad_field(x->e, "readers", MC_M_DOC_READERS_ONLY_SECRET);
		return NULL;
	}
	size_t i;
	json_t *r;
	int ok = json_is_array(v) && json_array_size(v) <= 50;
	json_array_foreach(v, i, r)
		ok &= json_is_integer(r) && json_integer_value(r) > 0;
	if (!ok) {
		mc_bad_field(x->e, "readers", MC_M_DOC_READERS);
		return NULL;
	}
	return json_incref(v);
}

static int readers_check(struct mc_document_ctx *x, struct mc_document_new *n)
{
	size_t i;
	json_t *r;
	json_array_foreach(n->readers, i, r) {
		int64_t agency = 0;
		int rc = mc_query_int64(x->c, &agency, "SELECT agency_id FROM users WHERE id = ? AND kind = 'official'",
					"i", (int64_t)json_integer_value(r));
		if (rc == MC_E_NOT_FOUND || (!rc && !agency)) {
			mc_bad_field(x->e, "readers", MC_M_DOC_READERS);
			return 0;
		}
		if (rc)
			return rc;
		if ((rc = mc_agency_acts_for(x->c, agency, n->agency)) < 0)
			return rc;
		if (!rc)
			mc_bad_field(x->e, "readers", MC_M_DOC_READERS);
	}
	return 0;
}

/* The day the document's date is: 0 and y/m/d, or a field problem. */
static int date_field(struct mc_document_ctx *x, const char *date, int *y, int *m, int *d)
{
	char extra;
	if (!date || !mc_date_check(date) || sscanf(date, "%4d-%2d-%2d%c", y, m, d, &extra) != 3) {
		if (date)
			mc_bad_field(x->e, "doc_date", MC_M_DATE_FORMAT);
		return -1;
	}
	return 0;
}

/* Issued the day it is signed or the next working day (Decree 30, art.
 * 16): the date is today, or today is the first working day after it. */
static int issued_in_time(const struct mc_calendar *cal, int64_t signed_day, int64_t today)
{
	if (signed_day == today)
		return 1;
	if (signed_day > today || today - signed_day > 40)
		return 0;
	for (int64_t day = signed_day + 1; day < today; day++) {
		int y, m, d;
		mc_civil_from_days(day, &y, &m, &d);
		if (mc_cal_is_working_day(cal, y, m, d) == 1)
			return 0; /* a working day went by */
	}
	return 1;
}

/* The register's body: in.agency_id, which the caller must act for and
 * which must be a body, or the body the caller works for. */
static int register_body(struct mc_document_ctx *x, json_t *in, int64_t *body)
{
	json_t *v = json_object_get(in, "agency_id");
	if (!v || json_is_null(v))
		return mc__document_body_of(x->c, x->who->agency_id, body);
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return mc_bad_field(x->e, "agency_id", MC_M_DOC_REGISTER_NOT_BODY), 0;
	int64_t asked = json_integer_value(v), mine = 0;
	int rc = mc__document_body_of(x->c, x->who->agency_id, &mine);
	if (rc)
		return rc;
	if (asked != mine)
		return mc_bad_field(x->e, "agency_id", MC_M_DOC_REGISTER_NOT_BODY), 0;
	*body = mine;
	return 0;
}

/* The abbreviation of an agency ("" when none) into out, and whether it
 * is an internal unit. */
static int abbr_of(struct mc_conn *c, int64_t agency, char *out, size_t n, int64_t *internal)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT abbr, internal FROM agencies WHERE id = ?", "i", agency);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		snprintf(out, n, "%s", mc_col_text(s, 0) ? mc_col_text(s, 0) : "");
		if (internal)
			*internal = mc_col_int64(s, 1);
	}
	mc_stmt_done(s);
	return rc;
}

/* Check the request into n (field problems in x->e). */
static int parse(struct mc_document_ctx *x, json_t *in, struct mc_document_new *n)
{
	n->type_code = mc__str_field(x, in, "type_code", 32, 1);
	n->summary = mc__str_field(x, in, "summary", 1000, 1);
	n->doc_date = mc__str_field(x, in, "doc_date", 10, !n->outgoing);
	n->urgency = mc__enum_field(x, in, "urgency", MC__URGENCIES, "normal", MC_M_DOC_URGENCY_ENUM);
	n->secrecy = mc__enum_field(x, in, "secrecy", MC__SECRECIES, "none", MC_M_DOC_SECRECY_ENUM);
	n->medium = mc__enum_field(x, in, "medium", MC__MEDIA, "paper", MC_M_DOC_MEDIUM_ENUM);
	n->file_sha256 = mc__str_field(x, in, "file_sha256", 64, 0);
	n->field_code = mc__code_field(x, in, "field_code", "document_fields", MC_M_DOC_FIELD_UNKNOWN);
	json_t *pages = json_object_get(in, "pages");
	if (pages && !json_is_null(pages)) {
		if (!json_is_integer(pages) || json_integer_value(pages) < 1 || json_integer_value(pages) > 10000)
			mc_bad_fieldn2(x->e, "pages", MC_M_INT_RANGE, 1, 10000);
		else
			n->pages = json_integer_value(pages);
	}
	n->readers = readers_field(x, in, strcmp(n->secrecy, "none") != 0);
	if (n->outgoing) {
		n->signer_name = mc__str_field(x, in, "signer_name", 100, 1);
		n->signer_position = mc__str_field(x, in, "signer_position", 200, 1);
		if (n->signer_name && !mc_text_person_name(n->signer_name))
			mc_bad_field(x->e, "signer_name", MC_M_DOC_SIGNER_NAME);
		n->recipients = mc__recipients_field(x, in);
		json_t *unit = json_object_get(in, "drafting_unit_id");
		if (unit && !json_is_null(unit)) {
			if (!json_is_integer(unit) || json_integer_value(unit) < 1)
				mc_bad_field(x->e, "drafting_unit_id", MC_M_DOC_UNIT_NOT_INTERNAL);
			else
				n->drafting_unit = json_integer_value(unit);
		}
	} else {
		n->sender = mc__str_field(x, in, "sender", 300, 1);
		n->sender_ref = mc__str_field(x, in, "sender_ref", 60, 0);
		const char *at = mc__str_field(x, in, "arrived_at", 40, 0);
		if (at && mc_time_parse(at, &n->arrived_at))
			mc_bad_field(x->e, "arrived_at", MC_M_DOC_ARRIVED_RANGE);
	}
	if (n->file_sha256) {
		/* only a file the caller uploaded (a SHA-256 is no secret) */
		int64_t k = 0;
		if (!mc_is_sha256_hex(n->file_sha256) ||
		    mc_query_int64(x->c, &k, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND user_id = ?", "ti",
				   n->file_sha256, x->who->user_id) ||
		    k == 0)
			mc_bad_field(x->e, "file_sha256", MC_M_NOT_UPLOADED);
	}
	return 0;
}

/* Decide the body, the type's abbreviation, the year, series and symbol
 * parts, and check what needs the database and the calendar. */
static int decide(struct mc_document_ctx *x, json_t *in, struct mc_document_new *n, int64_t now, char *type_abbr,
		  size_t tn, char *issuer, size_t in_n, char *unit_abbr, size_t un)
{
	int rc = register_body(x, in, &n->agency);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "the caller works for no agency");
	if (rc)
		return rc;
	if (!n->agency)
		return x->e->code = MC_E_VALIDATION;
	if (n->type_code) {
		struct mc_stmt *s;
		if ((rc = mc_query(x->c, &s, "SELECT abbr FROM document_types WHERE code = ?", "t", n->type_code)))
			return rc;
		rc = mc_step_row(s);
		if (!rc)
			snprintf(type_abbr, tn, "%s", mc_col_text(s, 0) ? mc_col_text(s, 0) : "");
		mc_stmt_done(s);
		if (rc == MC_E_NOT_FOUND)
			mc_bad_field(x->e, "type_code", MC_M_DOC_TYPE_UNKNOWN);
		else if (rc)
			return rc;
	}
	if (n->readers && (rc = readers_check(x, n)))
		return rc;
	int64_t today = mc_vn_day(now);
	int y = 0, m = 0, d = 0;
	if (n->doc_date && date_field(x, n->doc_date, &y, &m, &d) == 0 && mc_days_from_civil(y, m, d) > today) {
		mc_bad_field(x->e, "doc_date", MC_M_DOC_DATE_FUTURE);
		y = 0;
	}
	if (!n->outgoing) {
		if (!n->arrived_at)
			n->arrived_at = now;
		else if (n->arrived_at > now + 60000 || n->arrived_at < now - ARRIVAL_DAYS_BACK * MC_DAY_MS)
			mc_bad_field(x->e, "arrived_at", MC_M_DOC_ARRIVED_RANGE);
		int am, ad;
		mc_vn_date(n->arrived_at, &n->year, &am, &ad);
		snprintf(n->series, sizeof(n->series), "%s", strcmp(n->secrecy, "none") ? "in_secret" : "in");
		return 0;
	}
	/* outgoing: signed today unless said, issued then or the next working day */
	if (!n->doc_date) {
		char day[11];
		mc_vn_date(now, &y, &m, &d);
		snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
		n->doc_date = mc_strdup(x->arena, day);
	} else if (y) {
		struct mc_calendar cal;
		if ((rc = mc_holidays_calendar_for(x->c, n->agency, &cal)))
			return rc;
		if (!issued_in_time(&cal, mc_days_from_civil(y, m, d), today))
			mc_bad_field(x->e, "doc_date", MC_M_DOC_ISSUE_LATE);
		mc_cal_release(&cal);
	}
	n->year = y;
	snprintf(n->series, sizeof(n->series), "%s", strcmp(n->secrecy, "none") ? "out_secret" : "out");
	if ((rc = abbr_of(x->c, n->agency, issuer, in_n, NULL)))
		return rc;
	if (!*issuer)
		mc_bad_field(x->e, "agency_id", MC_M_DOC_AGENCY_NO_ABBR);
	if (n->drafting_unit) {
		int64_t internal = 0;
		rc = abbr_of(x->c, n->drafting_unit, unit_abbr, un, &internal);
		if (rc && rc != MC_E_NOT_FOUND)
			return rc;
		int in_body = rc ? 0 : mc_agency_acts_for(x->c, n->drafting_unit, n->agency);
		if (in_body < 0)
			return in_body;
		if (rc || !internal || !in_body || !*unit_abbr)
			mc_bad_field(x->e, "drafting_unit_id", MC_M_DOC_UNIT_NOT_INTERNAL);
	} else if (n->type_code && !*type_abbr) {
		mc_bad_field(x->e, "drafting_unit_id", MC_M_DOC_UNIT_REQUIRED);
	}
	return 0;
}

/* The words a register is searched by, without diacritics. */
static char *search_key(struct mc_document_ctx *x, const struct mc_document_new *n)
{
	char num[128];
	if (n->outgoing)
		snprintf(num, sizeof(num), "%02lld/%s", (long long)n->number, n->symbol);
	else
		snprintf(num, sizeof(num), "%lld", (long long)n->number);
	return mc_text_search_key(
		x->arena, mc_sprintf(x->arena, "%s %s %s %s %s", num, n->sender_ref ? n->sender_ref : "", n->summary,
				     n->sender ? n->sender : "", n->signer_name ? n->signer_name : ""));
}

int mc__document_record(struct mc_document_ctx *x, struct mc_document_new *n, const struct mc__document_parts *p,
			int64_t now, int64_t *id)
{
	int rc;
	if ((rc = mc__document_next_number(x->c, n->agency, n->year, n->series, &n->number)))
		return rc;
	if (n->outgoing) {
		char full[160];
		if ((rc = mc_document_number_symbol(n->number, p->type_abbr, p->issuer, p->unit_abbr, full,
						    sizeof(full))))
			return rc;
		snprintf(n->symbol, sizeof(n->symbol), "%s", strchr(full, '/') + 1);
	}
	n->search_key = search_key(x, n);
	n->registered_by = x->who->user_id;
	if ((rc = mc__document_insert(x->c, n, now, id)))
		return rc;
	size_t i;
	json_t *r;
	json_array_foreach(n->readers, i, r)
		if ((rc = mc__document_add_reader(x->c, *id, json_integer_value(r))))
			return rc;
	json_t *detail = json_pack("{s:s, s:I}", "series", n->series, "number", (json_int_t)n->number);
	rc = mc__document_event(x->c, *id, x->who->user_id, "register", detail);
	json_decref(detail);
	if (rc)
		return rc;
	return mc__doc_audit(x, n->outgoing ? "document.register_out" : "document.register_in", "document", *id,
			     json_pack("{s:s, s:I, s:I}", "series", n->series, "year", (json_int_t)n->year, "number",
				       (json_int_t)n->number));
}

int mc__document_prepare(struct mc_document_ctx *x, json_t *in, struct mc_document_new *n, struct mc__document_parts *p,
			 int64_t now)
{
	if (!x->who || !x->who->agency_id)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only an official registers documents");
	int rc = parse(x, in, n);
	if (!rc)
		rc = decide(x, in, n, now, p->type_abbr, sizeof(p->type_abbr), p->issuer, sizeof(p->issuer),
			    p->unit_abbr, sizeof(p->unit_abbr));
	if (!rc && x->e->nfields)
		rc = x->e->code = MC_E_VALIDATION;
	return rc;
}

int mc_document_register(struct mc_document_ctx *x, int outgoing, json_t *in, json_t **out)
{
	struct mc_document_new n = {.outgoing = outgoing};
	struct mc__document_parts p = {0};
	int64_t now = mc_time_now_ms(), id = 0;
	int rc = mc__document_prepare(x, in, &n, &p, now);
	if (!rc && !(rc = mc_tx_begin(x->c, 1))) {
		rc = mc__document_record(x, &n, &p, now, &id);
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	struct mc__document d;
	if (!rc)
		rc = mc__document_shown(x, id, &d, out);
	json_decref(n.recipients);
	json_decref(n.readers);
	return rc;
}

/* A result's PDF signed (PAdES, invisible: its layout is the uploader's):
 * by the approving official when their key is unlocked, then with the
 * agency's seal; the document's file is the signed PDF (*sha). */
static int sign_result(struct mc_document_ctx *x, int64_t agency, int64_t id, const char *number_text, const char *file,
		       char sha[65])
{
	void *data = NULL;
	size_t len = 0;
	char mime[32], mine[65] = "";
	int rc = mc_blob_get(x->c, file, &data, &len, mime);
	const double none[4] = {0, 0, 0, 0};
	const char *lines[] = {number_text};
	if (!rc && x->pades->person)
		rc = x->pades->sign(x->pades->arg, 0, data, len, 1, none, "Phê duyệt kết quả giải quyết hồ sơ", lines,
				    1, 0, id, mine);
	if (!rc && mine[0]) {
		free(data);
		data = NULL;
		rc = mc_blob_get(x->c, mine, &data, &len, mime);
	}
	if (!rc)
		rc = x->pades->sign(x->pades->arg, agency, data, len, 1, none, "Ban hành kết quả giải quyết hồ sơ",
				    lines, 1, 0, id, sha);
	free(data);
	if (rc == MC_E_INVAL) { /* not a PDF a signature goes into */
		mc_bad_field(x->e, "result_file", MC_M_RESULT_NOT_SIGNABLE);
		return x->e->code = MC_E_VALIDATION;
	}
	if (!rc) {
		int64_t k = mc_exec(x->c, "UPDATE documents SET file_sha256 = ? WHERE id = ?", "ti", sha, id);
		rc = k < 0 ? (int)k : 0;
	}
	return rc;
}

int mc_document_register_result(struct mc_document_ctx *x, const struct mc_dossier_result *res, json_t **out)
{
	/* the signer block prints the signer's name and position */
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, "SELECT full_name, COALESCE(TRIM(position), '') FROM users WHERE id = ?", "i",
			  x->who->user_id);
	if (rc)
		return rc;
	char name[200] = "", position[200] = "";
	if ((rc = mc_step_row(s)) == 0) {
		snprintf(name, sizeof(name), "%s", mc_col_text(s, 0));
		snprintf(position, sizeof(position), "%s", mc_col_text(s, 1));
	}
	mc_stmt_done(s);
	if (rc)
		return rc;
	if (!*position) {
		mc_bad_field(x->e, "signer", MC_M_DRAFT_SIGNER_POSITION);
		return x->e->code = MC_E_VALIDATION;
	}
	int64_t known = 0;
	if (strlen(res->type_code) > 32 ||
	    (rc = mc_query_int64(x->c, &known, "SELECT COUNT(*) FROM document_types WHERE code = ?", "t",
				 res->type_code)) ||
	    !known) {
		if (rc)
			return rc;
		mc_bad_field(x->e, "result_type_code", MC_M_DOC_TYPE_UNKNOWN);
		return x->e->code = MC_E_VALIDATION;
	}
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:[s, s], s:s, s:s, s:s}", "type_code", res->type_code, "summary",
			       res->summary, "signer_name", name, "signer_position", position, "recipients",
			       res->applicant ? res->applicant : "Người nộp hồ sơ", "Lưu: VT, hồ sơ", "urgency",
			       "normal", "secrecy", "none", "medium", "electronic");
	struct mc_document_new n = {.outgoing = 1, .dossier = res->dossier_id};
	struct mc__document_parts p = {0};
	int64_t now = mc_time_now_ms(), id = 0;
	rc = mc__document_prepare(x, in, &n, &p, now);
	json_decref(in);
	n.file_sha256 = res->file_sha256;
	if (!rc)
		rc = mc__document_record(x, &n, &p, now, &id);
	char number_text[128], sha[65] = "";
	snprintf(number_text, sizeof(number_text), "%02lld/%s", (long long)n.number, n.symbol);
	if (!rc && x->pades)
		rc = sign_result(x, n.agency, id, number_text, res->file_sha256, sha);
	if (!rc)
		*out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "number_text", number_text, "file_sha256",
				 sha[0] ? sha : res->file_sha256);
	json_decref(n.recipients);
	json_decref(n.readers);
	return rc;
}

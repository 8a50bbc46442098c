/* util.c - input helpers shared by the API handlers; see api.h. */
#include "api.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../document/document.h"
#include "../exchange/exchange.h"
#include "../org/org.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

json_t *mc_api_body(struct mc_req *r)
{
	if (!r->json) {
		mc_fail(r, MC_E_BAD_JSON, "a JSON object body is required");
		return NULL;
	}
	if (!json_is_object(r->json)) {
		mc_fail(r, MC_E_BAD_JSON, "the body must be a JSON object");
		return NULL;
	}
	return r->json;
}

int mc_api_create_user(struct mc_req *r, struct mc_conn *c, struct mc_user_new *u, const char *password,
		       const char *action, json_t *detail, const char *taken_field, json_t **out)
{
	char hash[MC_PWHASH_LEN];
	if (mc_password_hash(password, hash)) {
		json_decref(detail);
		return mc_fail(r, MC_E_NOMEM, NULL);
	}
	u->password_hash = hash;
	int64_t id = 0;
	int rc = mc_tx_begin(c, 1);
	if (!rc)
		rc = mc_user_create(c, u, &id);
	u->password_hash = NULL; /* the hash lives on this stack frame */
	if (!rc)
		rc = mc_api_audit(r, c, action, "user", id, json_incref(detail));
	json_decref(detail);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	if (rc == MC_E_CONFLICT)
		return mc_fail(r, rc, "%s", taken_field);
	json_t *acct;
	if (rc || (rc = mc_user_get(c, id, &acct)))
		return mc_api_db_fail(r, rc);
	if (out)
		*out = mc_req_keep(r, json_incref(acct));
	mc_res_header(r, "Location", mc_sprintf(r->arena, "/api/v1/users/%lld", (long long)id));
	return mc_res_json(r, 201, acct);
}

int mc_api_set_password(struct mc_req *r, struct mc_conn *c, int64_t user_id, const char *password,
			int64_t keep_session, const char *action)
{
	char hash[MC_PWHASH_LEN];
	if (mc_password_hash(password, hash))
		return mc_fail(r, MC_E_NOMEM, NULL);
	int rc = mc_tx_begin(c, 1);
	if (rc)
		return mc_api_db_fail(r, rc);
	rc = mc_auth_set_password(c, user_id, hash, keep_session);
	if (!rc)
		rc = mc_api_audit(r, c, action, "user", user_id, NULL);
	if (!rc)
		rc = mc_tx_commit(c);
	if (rc)
		return mc_api_db_fail(r, rc);
	mc_api_me_forget(user_id); /* the account's version moved */
	return mc_res_empty(r, 204);
}

const char *mc_api_new_password(struct mc_req *r, json_t *obj, const char *field, const char *username)
{
	json_t *j = json_object_get(obj, field);
	if (!json_is_string(j)) {
		mc_bad_field(&r->err, field, MC_M_REQUIRED);
		return NULL;
	}
	const char *pw = json_string_value(j);
	return mc_password_acceptable_field(field, pw, username, &r->err) ? NULL : pw;
}

const char *mc_api_typed_code(struct mc_req *r, const char *s, size_t max)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > max)
		return NULL;
	char *up = mc_strndup(r->arena, s, n);
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return strspn(up, "0123456789.-ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n ? up : NULL;
}

void mc_api_too_long(struct mc_req *r, const char *field, size_t max)
{
	mc_bad_fieldn(&r->err, field, MC_M_TOO_LONG, (long long)max);
}

const char *mc_api_str(struct mc_req *r, json_t *obj, const char *field, size_t max, int required)
{
	json_t *v = json_object_get(obj, field);
	const char *f = mc_strdup(r->arena, field);
	if (!v || json_is_null(v)) {
		if (required)
			mc_bad_field(&r->err, f, MC_M_REQUIRED);
		return NULL;
	}
	if (!json_is_string(v)) {
		mc_bad_field(&r->err, f, MC_M_NOT_STRING);
		return NULL;
	}
	const char *s = json_string_value(v);
	if (json_string_length(v) != strlen(s) || !mc_text_valid(s, (size_t)-1)) {
		mc_bad_field(&r->err, f, MC_M_BAD_CHARACTERS);
		return NULL;
	}
	/* The limit counts characters (code points, after NFC), as the page
	 * says.  The byte cap only bounds the work before normalising: a
	 * character is at most 4 bytes, and decomposed input (a letter and two
	 * combining marks) at most 5 bytes per character it becomes. */
	if (strlen(s) > 8 * max + 16) {
		mc_api_too_long(r, f, max);
		return NULL;
	}
	/* Trim surrounding white space and normalise to NFC. */
	while (*s == ' ')
		s++;
	char *t = mc_text_nfc(r->arena, s);
	size_t n = strlen(t);
	while (n && t[n - 1] == ' ')
		t[--n] = '\0';
	if (mc_text_chars(t) > (long)max) {
		mc_api_too_long(r, f, max);
		return NULL;
	}
	if (required && !*t) {
		mc_bad_field(&r->err, f, MC_M_REQUIRED);
		return NULL;
	}
	return t;
}

int mc_api_bool(struct mc_req *r, json_t *obj, const char *field, int dflt)
{
	json_t *v = json_object_get(obj, field);
	if (!v || json_is_null(v))
		return dflt;
	if (!json_is_boolean(v)) {
		mc_bad_field(&r->err, mc_strdup(r->arena, field), MC_M_NOT_BOOLEAN);
		return dflt;
	}
	return json_is_true(v);
}

int64_t mc_api_int(struct mc_req *r, json_t *obj, const char *field, int64_t min, int64_t max, int required,
		   int64_t dflt)
{
	json_t *v = json_object_get(obj, field);
	const char *f = mc_strdup(r->arena, field);
	if (!v || json_is_null(v)) {
		if (required)
			mc_bad_field(&r->err, f, MC_M_REQUIRED);
		return dflt;
	}
	if (!json_is_integer(v)) {
		mc_bad_field(&r->err, f, MC_M_NOT_INTEGER);
		return dflt;
	}
	int64_t x = json_integer_value(v);
	if (x < min || x > max) {
		mc_bad_fieldn2(&r->err, f, MC_M_RANGE, (long long)min, (long long)max);
		return dflt;
	}
	return x;
}

int mc_api_check(struct mc_req *r)
{
	return r->err.nfields ? mc_fail(r, MC_E_VALIDATION, NULL) : 0;
}

int mc_api_check_db(struct mc_req *r, struct mc_conn **c)
{
	int rc = mc_api_check(r);
	return rc ? rc : mc_req_db(r, c);
}

static int parse_int(const char *s, int64_t *out)
{
	if (!s || !*s || strlen(s) > 18)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
		return -1;
	*out = v;
	return 0;
}

int mc_api_id_param(struct mc_req *r, const char *name, int64_t *id)
{
	if (parse_int(mc_req_param(r, name), id) || *id <= 0)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	return 0;
}

json_t *mc_api_id_body(struct mc_req *r, int64_t *id)
{
	return mc_api_id_param(r, "id", id) ? NULL : mc_api_body(r);
}

int mc_api_query_int(struct mc_req *r, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
	const char *s = mc_req_query(r, name);
	*out = dflt;
	if (!s)
		return 0;
	if (parse_int(s, out) || *out < min || *out > max) {
		mc_bad_fieldn2(&r->err, mc_strdup(r->arena, name), MC_M_INT_RANGE, (long long)min, (long long)max);
		return mc_fail(r, MC_E_VALIDATION, NULL);
	}
	return 0;
}

int mc_api_db_fail(struct mc_req *r, int rc)
{
	if (r->db && mc_conn_errmsg(r->db)[0])
		mc_error_log(&r->err, "%s", mc_conn_errmsg(r->db));
	r->err.code = rc; /* mc_res_problem adds Retry-After for a busy or down database */
	return rc;
}

int mc_api_if_match(struct mc_req *r, int64_t *version)
{
	const char *im = mc_req_header(r, "If-Match");
	long long v = -1;
	if (!im)
		return mc_fail(r, MC_E_PRECONDITION_REQUIRED, NULL);
	if (sscanf(im, "\"v%lld\"", &v) != 1)
		return mc_fail(r, MC_E_PRECONDITION, NULL);
	*version = v;
	return 0;
}

void mc_api_etag(struct mc_req *r, json_t *obj)
{
	mc_res_header(
		r, "ETag",
		mc_sprintf(r->arena, "\"v%lld\"", (long long)json_integer_value(json_object_get(obj, "version"))));
}

int mc_api_list(struct mc_req *r, int (*list)(struct mc_conn *, int64_t, json_t **), int64_t arg)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	json_t *items;
	if ((rc = list(c, arg, &items)))
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

int mc_api_within(struct mc_req *r, struct mc_conn *c, int64_t agency, const char *field)
{
	int rc = mc_agency_within(c, r->who->agency_id, agency);
	if (rc < 0)
		return mc_api_db_fail(r, rc);
	return rc ? 0 : mc_fail(r, MC_E_FORBIDDEN, "%s", field);
}

int mc_api_agency_root(struct mc_req *r, int64_t agency, struct mc_conn **c, int64_t *root)
{
	int rc = mc_req_db(r, c);
	if (rc)
		return rc;
	*root = agency ? agency : r->who->agency_id;
	return mc_api_within(r, *c, *root, "agency_id");
}

int mc_api_audit(struct mc_req *r, struct mc_conn *c, const char *action, const char *otype, int64_t oid,
		 json_t *detail)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)oid);
	struct mc_audit_entry e = {r->who ? r->who->user_id : 0, action, otype, id, r->addr, NULL};
	return mc_audit_append_json(c, &e, detail);
}

/* A dossier's result numbered by the documents domain, in the dossier's
 * transaction, for the same caller. */
static int register_result(const struct mc_dossier_ctx *x, const struct mc_dossier_result *res, json_t **out)
{
	struct mc_document_ctx d = {x->c, x->arena, x->who, x->addr, x->e, x->result_signer, 0};
	return mc_document_register_result(&d, res, out);
}

/* A dossier that came to an external agency is handed to its system. */
static int handoff(const struct mc_dossier_ctx *x, int64_t dossier, int64_t agency)
{
	return mc_handoff_queue(x->c, dossier, agency, mc_time_now_ms());
}

int mc_api_dossier_ctx(struct mc_req *r, struct mc_dossier_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	x->c = c;
	x->arena = r->arena;
	x->who = r->who;
	x->addr = r->addr;
	x->e = &r->err;
	/* links and QR codes printed on forms: the configured public address,
	 * never the request's Host header (which the client controls) */
	x->base_url = mc_server_config(r->srv)->public_url;
	x->register_result = register_result;
	x->sign_application = NULL;
	x->sign_arg = NULL;
	x->result_signer = NULL;
	x->fee = mc_api_dossier_fee;
	x->handoff = handoff;
	return 0;
}

void mc_api_check_contact(struct mc_req *r, const char **phone, const char *email, int empty_ok)
{
	if (*phone && !(empty_ok && !**phone)) {
		char norm[MC_PHONE_MAX];
		if (mc_phone_normalize(*phone, norm))
			*phone = mc_strdup(r->arena, norm);
		else
			mc_bad_field(&r->err, "phone", MC_M_PHONE_FORMAT);
	}
	if (email && !(empty_ok && !*email) && !mc_email_check(email))
		mc_bad_field(&r->err, "email", MC_M_EMAIL_FORMAT);
}

int mc_api_day_query(struct mc_req *r, const char *name, const char *dflt, char out[11])
{
	const char *v = mc_req_query(r, name);
	if (!v)
		v = dflt;
	if (!mc_date_check(v)) {
		mc_bad_field(&r->err, mc_strdup(r->arena, name), MC_M_DATE_FORMAT);
		return -1;
	}
	snprintf(out, 11, "%.10s", v); /* 10 characters, checked above */
	return 0;
}

/* The first and last day ("YYYY-MM-DD") of the current month in Vietnam. */
static void this_month(char first[16], char last[16])
{
	int y, m, d;
	mc_vn_date(mc_time_now_ms(), &y, &m, &d);
	snprintf(first, 16, "%04d-%02d-01", y, m);
	mc_civil_from_days(mc_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1, &y, &m, &d);
	snprintf(last, 16, "%04d-%02d-%02d", y, m, d);
}

/* The day number of a checked "YYYY-MM-DD". */
static int64_t day_number(const char *day)
{
	int y = 0, m = 0, d = 0;
	sscanf(day, "%4d-%2d-%2d", &y, &m, &d);
	return mc_days_from_civil(y, m, d);
}

void mc_api_period(struct mc_req *r, char from[11], char to[11])
{
	char first[16], last[16];
	this_month(first, last);
	int bad = mc_api_day_query(r, "from", first, from);
	bad |= mc_api_day_query(r, "to", last, to);
	if (!bad && day_number(from) > day_number(to))
		mc_bad_field(&r->err, "to", MC_M_TO_BEFORE_FROM);
	else if (!bad && day_number(to) - day_number(from) + 1 > MC_API_PERIOD_MAX_DAYS)
		mc_bad_field(&r->err, "to", MC_M_PERIOD_TOO_LONG);
}

int mc_api_fail(struct mc_req *r, int rc)
{
	if (rc == MC_E_DB || rc == MC_E_DB_BUSY || rc == MC_E_INTERNAL || rc == MC_E_NOMEM || rc == MC_E_IO)
		return mc_api_db_fail(r, rc);
	r->err.code = rc;
	return rc;
}

int mc_api_send_doc(struct mc_req *r, struct mc_buf *buf, int pdf, const char *filename)
{
	int rc = mc_res_text(r, 200, pdf ? "application/pdf" : MC_API_XLSX_TYPE, buf->data, buf->len);
	mc_buf_release(buf);
	if (rc)
		return rc;
	/* a PDF opens in the browser, a spreadsheet is saved */
	mc_res_header(r, "Content-Disposition",
		      mc_sprintf(r->arena, "%s; filename=\"%s\"", pdf ? "inline" : "attachment", filename));
	return 0;
}

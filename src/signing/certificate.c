/*
 * certificate.c - the certificates the issuing CA gives: to a person for
 * their signature (the key sealed under their PIN, so that only they
 * unlock it, for one signing at a time), to an agency for its seal and
 * its encryption key; revocation, and the PIN with its throttle.
 */
#include "internal.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

#define CERT_YEARS 2
#define YEAR_S     (365LL * 86400)

json_t *mc__cert_json(struct mc_stmt *s, int col)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b}", "id", (json_int_t)mc_col_int64(s, col), "serial",
			      mc_col_text(s, col + 1), "kind", mc_col_text(s, col + 2), "subject",
			      mc_col_text(s, col + 5), "not_before", (json_int_t)mc_col_int64(s, col + 6), "not_after",
			      (json_int_t)mc_col_int64(s, col + 7), "remote", (int)mc_col_int64(s, col + 10));
	if (!j)
		return NULL;
	json_object_set_new(j, "user_id",
			    mc_col_is_null(s, col + 3) ? json_null() : json_integer(mc_col_int64(s, col + 3)));
	json_object_set_new(j, "agency_id",
			    mc_col_is_null(s, col + 4) ? json_null() : json_integer(mc_col_int64(s, col + 4)));
	int64_t now = mc_time_now_ms() / 1000;
	const char *status = !mc_col_is_null(s, col + 8)      ? "revoked"
			     : now > mc_col_int64(s, col + 7) ? "expired"
							      : "valid";
	json_object_set_new(j, "status", json_string(status));
	if (!mc_col_is_null(s, col + 8)) {
		json_object_set_new(j, "revoked_at", json_integer(mc_col_int64(s, col + 8)));
		json_object_set_new(j, "revoke_reason", json_integer(mc_col_int64(s, col + 9)));
	}
	if (!mc_col_is_null(s, col + 11) && mc_col_int64(s, col + 11) > mc_time_now_ms())
		json_object_set_new(j, "pin_locked_until", json_integer(mc_col_int64(s, col + 11)));
	json_object_set_new(j, "created_at", json_integer(mc_col_int64(s, col + 12)));
	return j;
}

static int pin_ok(const char *pin)
{
	size_t n = pin ? strlen(pin) : 0;
	return n >= 6 && n <= 12 && strspn(pin, "0123456789") == n;
}

static int has_perm(const struct mc_signing_ctx *x, const char *perm)
{
	return x->who && mc_principal_has(x->who, perm);
}

/* The subject of the caller's personal certificate. */
static int person_subject(struct mc_signing_ctx *x, struct mc_cert_subject *s, int64_t *agency)
{
	struct mc_stmt *q;
	int rc = mc_query(x->c, &q,
			  "SELECT u.full_name, u.position, a.name, u.id_number, u.tax_code, u.email, u.agency_id,"
			  " (SELECT p.full_name FROM units p WHERE p.era = 'current' AND p.code = u.province_code)"
			  " FROM users u LEFT JOIN agencies a ON a.id = u.agency_id WHERE u.id = ?",
			  "i", x->who->user_id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(q)) == 0) {
		const char *id = mc_col_text(q, 3), *tax = mc_col_text(q, 4);
		s->cn = mc_strdup(x->arena, mc_col_text(q, 0));
		s->title = mc_col_text(q, 1) ? mc_strdup(x->arena, mc_col_text(q, 1)) : NULL;
		s->o = mc_col_text(q, 2) ? mc_strdup(x->arena, mc_col_text(q, 2)) : NULL;
		s->uid = id ? mc_sprintf(x->arena, "CCCD:%s", id) : tax ? mc_sprintf(x->arena, "MST:%s", tax) : NULL;
		s->email = mc_col_text(q, 5) ? mc_strdup(x->arena, mc_col_text(q, 5)) : NULL;
		*agency = mc_col_int64(q, 6);
		s->l = mc_col_text(q, 7) ? mc_strdup(x->arena, mc_col_text(q, 7)) : NULL;
	}
	mc_stmt_done(q);
	return rc;
}

int mc__agency_subject(struct mc_signing_ctx *x, int64_t agency, struct mc_cert_subject *s)
{
	struct mc_stmt *q;
	int rc = mc_query(x->c, &q,
			  "SELECT a.name, p.name, (SELECT u.full_name FROM units u WHERE u.era = 'current' AND u.code ="
			  " a.province_code), a.code FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id"
			  " WHERE a.id = ?",
			  "i", agency);
	if (rc)
		return rc;
	if ((rc = mc_step_row(q)) == 0) {
		s->cn = mc_strdup(x->arena, mc_col_text(q, 0));
		s->o = mc_col_text(q, 1) ? mc_strdup(x->arena, mc_col_text(q, 1)) : NULL;
		s->l = mc_col_text(q, 2) ? mc_strdup(x->arena, mc_col_text(q, 2)) : NULL;
		/* the agency's code (mã định danh), which an edXML package's
		 * From names: a peer checks the seal is that agency's */
		s->uid = mc_sprintf(x->arena, "MDDD:%s", mc_col_text(q, 3));
	}
	mc_stmt_done(q);
	return rc;
}

/* Make, seal and store a certificate (inside the caller's transaction);
 * earlier valid ones of the same holder and kind are superseded. */
static int cert_make(struct mc_signing_ctx *x, const char *kind, const struct mc_cert_subject *s, int64_t user,
		     int64_t agency, const char *pin, const struct mc_key *token_key, int64_t *id)
{
	struct mc__authority ca;
	int rc = mc__authority_load(x->c, "issuing", 1, &ca);
	if (rc)
		return rc;
	enum mc_cert_kind k = strcmp(kind, "personal") == 0       ? MC_CERT_SIGN
			      : strcmp(kind, "organisation") == 0 ? MC_CERT_ORG
								  : MC_CERT_ENCRYPT;
	int64_t now = mc_time_now_ms() / 1000;
	char crl[400];
	snprintf(crl, sizeof(crl), "%s/pki/ca.crl", x->public_url ? x->public_url : "http://127.0.0.1:8080");
	struct mc_key *key = NULL;
	struct mc_cert *cert = NULL;
	struct mc_cert_info i;
	struct mc_buf pem = MC_BUF_INIT(1 << 20), sealed = MC_BUF_INIT(1 << 20);
	rc = token_key ? 0 : mc_key_generate(&key);
	if (!rc)
		rc = mc_cert_issue(k, s, token_key ? token_key : key, ca.cert, ca.key, now - 60,
				   now + CERT_YEARS * YEAR_S, crl, &cert);
	if (!rc)
		rc = mc_cert_info(cert, &i);
	if (!rc && !token_key) {
		char pass[65];
		mc__seal_pass(pin ? "pin" : "agency", i.serial, pin, pass);
		rc = mc_key_seal(key, pass, &sealed);
	}
	if (!rc)
		rc = mc_cert_pem(cert, &pem);
	int64_t superseded = 0;
	if (!rc)
		superseded =
			mc_exec(x->c,
				"UPDATE certificates SET revoked_at = ?, revoke_reason = 4 WHERE revoked_at IS NULL"
				" AND kind = ? AND ((? > 0 AND user_id = ?) OR (? = 0 AND agency_id = ?))",
				"itiiii", now, kind, user, user, user, agency);
	if (!rc && superseded < 0)
		rc = (int)superseded;
	if (!rc) {
		struct mc_stmt *st;
		rc = mc_query(x->c, &st,
			      "INSERT INTO certificates (serial, kind, user_id, agency_id, subject, cert_pem, key_pem,"
			      " not_before, not_after, created_at, created_by)"
			      " VALUES (?, ?, NULLIF(?, CAST(0 AS BIGINT)), NULLIF(?, CAST(0 AS BIGINT)), ?, ?, ?, ?, "
			      "?, ?, NULLIF(?, CAST(0 AS BIGINT))) RETURNING id",
			      "ttiitttiiii", i.serial, kind, user, agency, i.subject_cn, pem.data,
			      token_key ? NULL : (const char *)sealed.data, i.not_before, i.not_after, mc_time_now_ms(),
			      x->who ? x->who->user_id : 0);
		if (!rc)
			rc = mc_step_returning(st, id);
	}
	if (!rc)
		rc = mc__sign_audit(x, "certificate.issue", "certificate", *id,
				    json_pack("{s:s, s:s, s:I, s:b}", "kind", kind, "serial", i.serial, "superseded",
					      (json_int_t)superseded, "token", token_key != NULL));
	mc_buf_release(&pem);
	mc_buf_release(&sealed);
	mc_key_free(key);
	mc_cert_free(cert);
	mc__authority_free(&ca);
	return rc;
}

int mc__cert_make(struct mc_signing_ctx *x, const char *kind, const struct mc_cert_subject *s, int64_t user,
		  int64_t agency, const char *pin, int64_t *id)
{
	return cert_make(x, kind, s, user, agency, pin, NULL, id);
}

int mc__cert_make_token(struct mc_signing_ctx *x, const struct mc_cert_subject *s, int64_t user, int64_t agency,
			const struct mc_key *token_key, int64_t *id)
{
	return cert_make(x, "personal", s, user, agency, NULL, token_key, id);
}

static int load_one(struct mc_signing_ctx *x, int64_t id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s, "SELECT " CERT_COLUMNS " FROM certificates c WHERE c.id = ?", "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0 && !(*out = mc__cert_json(s, 0)))
		rc = MC_E_NOMEM;
	mc_stmt_done(s);
	return rc;
}

/* May the caller manage agency's certificates: an administrator of an
 * agency above it or of it. */
static int manages(struct mc_signing_ctx *x, int64_t agency)
{
	if (!has_perm(x, "agency.manage") || agency <= 0)
		return 0;
	int rc = mc_agency_within(x->c, x->who->agency_id, agency);
	return rc > 0;
}

static void key_free(void *k)
{
	mc_key_free(k);
}

int mc_certificate_issue(struct mc_signing_ctx *x, json_t *in, json_t **out)
{
	const char *kind = json_string_value(json_object_get(in, "kind"));
	if (!kind || (strcmp(kind, "personal") && strcmp(kind, "organisation") && strcmp(kind, "encryption"))) {
		mc_bad_field(x->e, "kind", MC_M_CERT_KIND);
		return MC_E_VALIDATION;
	}
	int personal = strcmp(kind, "personal") == 0;
	const char *pin = json_string_value(json_object_get(in, "pin"));
	/* a key on the holder's token: its public half, from their request */
	const char *csr = json_string_value(json_object_get(in, "csr"));
	json_t *aj = json_object_get(in, "agency_id");
	int64_t agency = json_is_integer(aj) ? json_integer_value(aj) : 0;
	struct mc_key *token_key = NULL;
	if (personal && csr) {
		if (pin)
			mc_bad_field(x->e, "pin", MC_M_CERT_PIN_OR_CSR);
		else if (mc_key_from_csr(csr, strlen(csr), &token_key))
			mc_bad_field(x->e, "csr", MC_M_CERT_CSR);
		else
			mc_arena_cleanup(x->arena, key_free, token_key);
	} else if (personal && !pin_ok(pin)) {
		mc_bad_field(x->e, "pin", MC_M_PIN_FORMAT);
	}
	if (!personal && agency <= 0)
		mc_bad_field(x->e, "agency_id", MC_M_REQUIRED);
	if (x->e->nfields)
		return MC_E_VALIDATION;
	if (!personal && !manages(x, agency))
		return mc_error_set(x->e, MC_E_FORBIDDEN,
				    "only an administrator of the agency issues its certificates");
	if (!mc__secret_ready())
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "no PKI secret on this server");
	struct mc_cert_subject s = {0};
	int64_t own_agency = 0, id = 0;
	int rc = mc_tx_begin(x->c, 1);
	if (!rc)
		rc = personal ? person_subject(x, &s, &own_agency) : mc__agency_subject(x, agency, &s);
	if (rc == MC_E_NOT_FOUND && !personal) {
		mc_bad_field(x->e, "agency_id", MC_M_INVALID);
		rc = MC_E_VALIDATION;
	}
	int made = 0;
	if (!rc) {
		made = 1;
		rc = token_key ? mc__cert_make_token(x, &s, x->who->user_id, own_agency, token_key, &id)
			       : mc__cert_make(x, kind, &s, personal ? x->who->user_id : 0,
					       personal ? own_agency : agency, personal ? pin : NULL, &id);
	}
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	if (rc == MC_E_NOT_FOUND && made) /* no issuing CA yet */
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "the PKI is not set up: run motcua pki init");
	return rc ? rc : load_one(x, id, out);
}

int mc_certificate_list(struct mc_signing_ctx *x, int64_t agency_id, json_t **out)
{
	if (agency_id > 0 && !manages(x, agency_id))
		return mc_error_set(x->e, MC_E_FORBIDDEN, "agency_id");
	struct mc_stmt *s;
	int rc = agency_id > 0 ? mc_query(x->c, &s,
					  "SELECT " CERT_COLUMNS " FROM certificates c WHERE c.agency_id = ?"
					  " ORDER BY c.id DESC LIMIT 500",
					  "i", agency_id)
			       : mc_query(x->c, &s,
					  "SELECT " CERT_COLUMNS " FROM certificates c WHERE c.user_id = ?"
					  " ORDER BY c.id DESC LIMIT 500",
					  "i", x->who->user_id);
	if (rc)
		return rc;
	json_t *a = json_array();
	while ((rc = mc_step(s)) == MC_DB_ROW)
		json_array_append_new(a, mc__cert_json(s, 0));
	mc_stmt_done(s);
	if (rc != MC_DB_DONE) {
		json_decref(a);
		return rc;
	}
	*out = json_pack("{s:o}", "items", a);
	return *out ? 0 : MC_E_NOMEM;
}

int mc_certificate_get(struct mc_signing_ctx *x, int64_t id, json_t **out, struct mc_buf *pem)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT " CERT_COLUMNS ", c.cert_pem, COALESCE(u.kind, '') FROM certificates c"
			  " LEFT JOIN users u ON u.id = c.user_id WHERE c.id = ?",
			  "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		/* officials' and agencies' certificates are public (every
		 * signature carries one) to officials; a citizen's, which names
		 * them with their ID number, only to its holder */
		int64_t holder = mc_col_is_null(s, 3) ? 0 : mc_col_int64(s, 3);
		const char *holder_kind = mc_col_text(s, 14);
		int official = strcmp(x->who->kind, "official") == 0;
		if (holder != x->who->user_id && (!official || (holder && strcmp(holder_kind, "official") != 0)))
			rc = MC_E_NOT_FOUND;
		else if (!(*out = mc__cert_json(s, 0)))
			rc = MC_E_NOMEM;
		else if (pem)
			rc = mc_buf_adds(pem, mc_col_text(s, 13));
	}
	mc_stmt_done(s);
	return rc;
}

int mc_certificate_revoke(struct mc_signing_ctx *x, int64_t id, json_t *in, json_t **out)
{
	json_t *rj = json_object_get(in, "reason");
	int64_t reason = rj ? (json_is_integer(rj) ? json_integer_value(rj) : -1) : 0;
	if (reason != 0 && reason != 1 && reason != 4 && reason != 5) {
		mc_bad_field(x->e, "reason", MC_M_CERT_REASON);
		return MC_E_VALIDATION;
	}
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	struct mc_stmt *s;
	int64_t holder = 0, agency = 0, revoked = 0;
	if ((rc = mc_query(
		     x->c, &s,
		     "SELECT COALESCE(user_id, 0), COALESCE(agency_id, 0), revoked_at IS NOT NULL FROM certificates"
		     " WHERE id = ?",
		     "i", id)) == 0) {
		if ((rc = mc_step_row(s)) == 0) {
			holder = mc_col_int64(s, 0);
			agency = mc_col_int64(s, 1);
			revoked = mc_col_int64(s, 2);
		}
		mc_stmt_done(s);
	}
	if (!rc && holder != x->who->user_id && !manages(x, agency))
		rc = holder ? MC_E_NOT_FOUND
			    : mc_error_set(x->e, MC_E_FORBIDDEN, "only its holder or an administrator");
	if (!rc && revoked)
		rc = mc_error_set(x->e, MC_E_CONFLICT, "already revoked");
	if (!rc) {
		int64_t k = mc_exec(x->c, "UPDATE certificates SET revoked_at = ?, revoke_reason = ? WHERE id = ?",
				    "iii", mc_time_now_ms() / 1000, reason, id);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc)
		rc = mc__sign_audit(x, "certificate.revoke", "certificate", id, json_pack("{s:I}", "reason", reason));
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : load_one(x, id, out);
}

void mc__unlocked_free(struct mc__unlocked *u)
{
	mc_cert_free(u->cert);
	mc_key_free(u->key);
	memset(u, 0, sizeof(*u));
}

#define STR_(x)   #x
#define STR(x)    STR_(x)
#define TRIES_SQL STR(MC_PIN_TRIES)

/* Run sql (two integer arguments) in a write transaction
 * of its own; *v the RETURNING value when v is given (MC_E_NOT_FOUND: no
 * row changed). */
static int write_one(struct mc_signing_ctx *x, const char *sql, int64_t a, int64_t b, int64_t *v)
{
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	if (v) {
		struct mc_stmt *s;
		*v = -1;
		if ((rc = mc_query(x->c, &s, sql, "ii", a, b)) == 0 && (rc = mc_step_returning(s, v)) == 0 && *v < 0)
			rc = MC_E_NOT_FOUND;
	} else {
		int64_t k = mc_exec(x->c, sql, "ii", a, b);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}

/* A try of the PIN on certificate id, taken before the key derivation
 * (a write of its own, kept whatever comes next): refused while locked or
 * once MC_PIN_TRIES are under way, so that concurrent tries get no more
 * than that between them.  *tries: this one's number. */
static int pin_reserve(struct mc_signing_ctx *x, int64_t id, int64_t now_ms, int64_t *tries)
{
	int rc =
		write_one(x,
			  "UPDATE certificates SET pin_failures = pin_failures + 1 WHERE id = ? AND"
			  " COALESCE(pin_locked_until, 0) <= ? AND pin_failures < " TRIES_SQL " RETURNING pin_failures",
			  id, now_ms, tries);
	if (rc == MC_E_NOT_FOUND) {
		int64_t until = 0;
		if (mc_query_int64(x->c, &until, "SELECT COALESCE(pin_locked_until, 0) FROM certificates WHERE id = ?",
				   "i", id) == 0 &&
		    until > now_ms)
			x->e->retry_after = (int)((until - now_ms + 999) / 1000);
		else
			x->e->retry_after = 2; /* the tries under way are being answered */
		return mc_error_set(x->e, MC_E_RATE_LIMITED, "too many wrong PINs");
	}
	return rc;
}

/* The try numbered tries was wrong: the error to answer (the last one
 * allowed locks the key). */
static int pin_wrong(struct mc_signing_ctx *x, int64_t id, int64_t now_ms, int64_t tries)
{
	int lock = tries >= MC_PIN_TRIES;
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	if (lock) {
		int64_t k = mc_exec(x->c, "UPDATE certificates SET pin_failures = 0, pin_locked_until = ? WHERE id = ?",
				    "ii", now_ms + MC_PIN_LOCK_MS, id);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc)
		rc = mc__sign_audit(x, "certificate.pin_wrong", "certificate", id, json_pack("{s:b}", "locked", lock));
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc) {
		if (mc_in_tx(x->c))
			mc_tx_rollback(x->c);
		return rc;
	}
	if (lock) {
		x->e->retry_after = MC_PIN_LOCK_MS / 1000;
		return mc_error_set(x->e, MC_E_RATE_LIMITED, "too many wrong PINs");
	}
	x->e->attempts_left = (int)(MC_PIN_TRIES - tries);
	x->e->has_attempts_left = 1;
	mc_bad_fieldn(x->e, "pin", MC_M_PIN_WRONG, MC_PIN_TRIES - tries);
	return MC_E_VALIDATION;
}

int mc__cert_unlock(struct mc_signing_ctx *x, int64_t cert_id, const char *pin, int64_t now_ms, struct mc__unlocked *u)
{
	memset(u, 0, sizeof(*u));
	if (!pin_ok(pin)) {
		mc_bad_field(x->e, "pin", MC_M_PIN_FORMAT);
		return MC_E_VALIDATION;
	}
	if (!mc__secret_ready())
		return mc_error_set(x->e, MC_E_UNAVAILABLE, "no PKI secret on this server");
	/* the caller's valid personal certificate: the one named, or the
	 * newest; read, and its key opened, outside any write transaction
	 * (the key derivation takes a millisecond) */
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT id, serial, subject, cert_pem, key_pem, not_before, not_after, revoked_at"
			  " FROM certificates WHERE user_id = ? AND kind = 'personal'"
			  " AND (id = ? OR (? = 0 AND revoked_at IS NULL)) ORDER BY id DESC LIMIT 1",
			  "iii", x->who->user_id, cert_id, cert_id);
	if (rc)
		return rc;
	char serial[48] = "";
	char *pem = NULL, *key = NULL;
	if ((rc = mc_step_row(s)) == 0) {
		int64_t now = now_ms / 1000;
		snprintf(serial, sizeof(serial), "%s", mc_col_text(s, 1));
		u->id = mc_col_int64(s, 0);
		snprintf(u->subject, sizeof(u->subject), "%s", mc_col_text(s, 2));
		if (!mc_col_is_null(s, 7)) {
			mc_bad_field(x->e, "certificate_id", MC_M_CERT_REVOKED);
			rc = MC_E_VALIDATION;
		} else if (now < mc_col_int64(s, 5) || now > mc_col_int64(s, 6)) {
			mc_bad_field(x->e, "certificate_id", MC_M_CERT_EXPIRED);
			rc = MC_E_VALIDATION;
		} else if (!mc_col_text(s, 4)) {
			mc_bad_field(x->e, "certificate_id", MC_M_CERT_ON_TOKEN);
			rc = MC_E_VALIDATION;
		} else {
			pem = mc_xstrdup(mc_col_text(s, 3));
			key = mc_xstrdup(mc_col_text(s, 4));
		}
	} else if (rc == MC_E_NOT_FOUND) {
		mc_bad_field(x->e, "certificate_id", MC_M_CERT_NONE);
		rc = MC_E_VALIDATION;
	}
	mc_stmt_done(s);
	int64_t tries = 0;
	if (!rc)
		rc = pin_reserve(x, u->id, now_ms, &tries);
	if (!rc) {
		char pass[65];
		mc__seal_pass("pin", serial, pin, pass);
		rc = mc_cert_from_pem(pem, strlen(pem), &u->cert);
		if (!rc)
			rc = mc_key_open(key, strlen(key), pass, &u->key);
		mc_wipe(pass, sizeof(pass));
		if (rc == MC_E_BAD_CREDENTIALS)
			rc = pin_wrong(x, u->id, now_ms, tries);
		else if (!rc) /* the right PIN: the count starts again */
			rc = write_one(x, "UPDATE certificates SET pin_failures = 0 WHERE id = ? AND pin_failures >= ?",
				       u->id, 0, NULL);
	}
	free(pem);
	free(key);
	if (rc)
		mc__unlocked_free(u);
	return rc;
}

int mc_certificate_change_pin(struct mc_signing_ctx *x, int64_t id, json_t *in, json_t **out)
{
	const char *pin = json_string_value(json_object_get(in, "pin"));
	const char *fresh = json_string_value(json_object_get(in, "new_pin"));
	if (!pin_ok(fresh))
		mc_bad_field(x->e, "new_pin", MC_M_PIN_FORMAT);
	else if (pin && strcmp(pin, fresh) == 0)
		mc_bad_field(x->e, "new_pin", MC_M_PIN_SAME);
	if (x->e->nfields)
		return MC_E_VALIDATION;
	if (id <= 0)
		return MC_E_NOT_FOUND;
	struct mc__unlocked u;
	int rc = mc__cert_unlock(x, id, pin, mc_time_now_ms(), &u);
	if (rc)
		return rc;
	if ((rc = mc_tx_begin(x->c, 1))) {
		mc__unlocked_free(&u);
		return rc;
	}
	struct mc_cert_info i;
	struct mc_buf sealed = MC_BUF_INIT(1 << 20);
	rc = mc_cert_info(u.cert, &i);
	if (!rc) {
		char pass[65];
		mc__seal_pass("pin", i.serial, fresh, pass);
		rc = mc_key_seal(u.key, pass, &sealed);
	}
	if (!rc) {
		int64_t k = mc_exec(x->c, "UPDATE certificates SET key_pem = ? WHERE id = ?", "ti", sealed.data, u.id);
		rc = k < 0 ? (int)k : 0;
	}
	if (!rc)
		rc = mc__sign_audit(x, "certificate.pin_change", "certificate", u.id, NULL);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	mc_buf_release(&sealed);
	int64_t cid = u.id;
	mc__unlocked_free(&u);
	return rc ? rc : load_one(x, cid, out);
}

/*
 * draft.c - the rules of an outgoing document before its number: an
 * official drafts it in their agency (type, summary, its text or a file,
 * the recipients), revises it while it is with them, and submits it to
 * the first step of its body's approval chain for that type (by default
 * the department head, the office, a leader; the steps of roles the
 * drafter holds, and those before them, are left out).  Each step
 * approves it on to the next one or returns it with comments; a returned
 * draft, revised, goes back to the step that returned it.  The last
 * approval is the signing act (the digital signature itself comes with
 * the signatures); a clerical officer of the body then numbers it into
 * the outgoing register and issues it, delivering it into the incoming
 * register of every recipient agency on the platform.  Every move checks
 * the draft's version (If-Match) and records an event and an audit entry
 * in one transaction.
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../db/rows.h"
#include "../dossier/dossier.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define MAX_CONTENT  50000 /* characters of a draft's text */
#define MAX_INTERNAL 50    /* recipient agencies on the platform */
#define MAX_CHAIN    5
static const char *const CHAIN_ROLES[] = {"dept_head", "office_head", "leader", NULL};

/* The role of step k (1-based) of a comma-separated chain into out; 0
 * when the chain is shorter. */
static int chain_role(const char *chain, int64_t k, char *out, size_t n)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", chain);
	char *save = NULL;
	int64_t i = 0;
	for (char *r = strtok_r(buf, ",", &save); r; r = strtok_r(NULL, ",", &save))
		if (++i == k) {
			snprintf(out, n, "%s", r);
			return 1;
		}
	return 0;
}

static int64_t chain_length(const char *chain)
{
	int64_t n = *chain ? 1 : 0;
	for (const char *p = chain; *p; p++)
		n += *p == ',';
	return n;
}

/* ---- the fields of a draft ---- */

/* The recipient agencies on the platform: at most 50 active bodies (not
 * internal units), each once, not the issuing body itself. */
static json_t *internal_field(struct mc_document_ctx *x, json_t *in, int64_t body)
{
	json_t *v = json_object_get(in, "internal_recipient_ids");
	if (!v || json_is_null(v))
		return json_array();
	size_t i, k;
	json_t *a, *b;
	int ok = json_is_array(v) && json_array_size(v) <= MAX_INTERNAL;
	json_array_foreach(v, i, a) {
		ok &= json_is_integer(a) && json_integer_value(a) > 0 && json_integer_value(a) != body;
		json_array_foreach(v, k, b)
			ok &= k >= i || !json_equal(a, b);
	}
	json_array_foreach(v, i, a) {
		if (!ok)
			break;
		int64_t n = 0;
		int rc = mc_query_int64(x->c, &n,
					"SELECT COUNT(*) FROM agencies WHERE id = ? AND active = 1 AND internal = 0",
					"i", (int64_t)json_integer_value(a));
		if (rc) {
			mc_error_set(x->e, rc, NULL);
			return NULL;
		}
		ok &= n == 1;
	}
	if (!ok) {
		mc_bad_field(x->e, "internal_recipient_ids", MC_M_DOC_INTERNAL_RECIPIENTS);
		return NULL;
	}
	return json_incref(v);
}

/* The draft's field, NULL when none was said. */
static const char *field_of(const struct mc__draft *d)
{
	return d->field_code[0] ? d->field_code : NULL;
}

/* Check a draft's text and addressing from in into n (field problems in
 * x->e); n->agency and n->unit are set by the caller. */
static int parse(struct mc_document_ctx *x, json_t *in, struct mc__draft_new *n)
{
	n->type_code = mc__str_field(x, in, "type_code", 32, 1);
	n->summary = mc__str_field(x, in, "summary", 1000, 1);
	n->content = mc__str_field(x, in, "content", MAX_CONTENT, 0);
	n->file_sha256 = mc__str_field(x, in, "file_sha256", 64, 0);
	n->urgency = mc__enum_field(x, in, "urgency", MC__URGENCIES, "normal", MC_M_DOC_URGENCY_ENUM);
	n->secrecy = mc__enum_field(x, in, "secrecy", MC__SECRECIES, "none", MC_M_DOC_SECRECY_ENUM);
	n->field_code = mc__code_field(x, in, "field_code", "document_fields", MC_M_DOC_FIELD_UNKNOWN);
	json_t *r = json_object_get(in, "recipients");
	n->recipients = !r || json_is_null(r) || (json_is_array(r) && !json_array_size(r))
				? json_array()
				: mc__recipients_field(x, in);
	n->internal = internal_field(x, in, n->agency);
	if (!x->e->nfields && x->e->code)
		return x->e->code;
	int rc;
	if (n->type_code) {
		struct mc_stmt *s;
		if ((rc = mc_query(x->c, &s, "SELECT abbr FROM document_types WHERE code = ?", "t", n->type_code)))
			return rc;
		rc = mc_step_row(s);
		int no_abbr = !rc && !mc_col_text(s, 0);
		mc_stmt_done(s);
		if (rc == MC_E_NOT_FOUND)
			mc_bad_field(x->e, "type_code", MC_M_DOC_TYPE_UNKNOWN);
		else if (rc)
			return rc;
		else if (no_abbr && n->unit == n->agency) /* 12/UBND-VX: a công văn names its unit */
			mc_bad_field(x->e, "type_code", MC_M_DOC_UNIT_REQUIRED);
	}
	if (n->file_sha256) {
		/* only a file the caller uploaded (a SHA-256 is no secret) */
		int64_t k = 0;
		if (mc_is_sha256_hex(n->file_sha256) &&
		    (rc = mc_query_int64(x->c, &k, "SELECT COUNT(*) FROM uploads WHERE sha256 = ? AND user_id = ?",
					 "ti", n->file_sha256, n->drafter)))
			return rc;
		if (k == 0)
			mc_bad_field(x->e, "file_sha256", MC_M_NOT_UPLOADED);
	}
	return x->e->nfields ? (x->e->code = MC_E_VALIDATION) : 0;
}

/* The draft's file is its own from now on: never purged as unclaimed. */
static int keep_file(struct mc_conn *c, const struct mc__draft_new *n, int64_t now)
{
	if (!n->file_sha256)
		return 0;
	int64_t k = mc_exec(
		c, "UPDATE uploads SET attached_at = ? WHERE sha256 = ? AND user_id = ? AND attached_at IS NULL", "iti",
		now, n->file_sha256, n->drafter);
	return k < 0 ? (int)k : 0;
}

static void release(struct mc__draft_new *n)
{
	json_decref(n->recipients);
	json_decref(n->internal);
}

static int audit(struct mc_document_ctx *x, int64_t id, const char *action, json_t *detail)
{
	char what[48];
	snprintf(what, sizeof(what), "draft.%s", action);
	return mc__doc_audit(x, what, "draft", id, detail);
}

/* ---- who may read and do what ---- */

static int signed_or_issued(const struct mc__draft *d)
{
	return strcmp(d->status, "signed") == 0 || strcmp(d->status, "issued") == 0;
}

int mc__draft_may_read(struct mc_document_ctx *x, const struct mc__draft *d)
{
	if (!x->who || !x->who->agency_id)
		return 0;
	if (d->drafter == x->who->user_id)
		return 1;
	int rc = mc__draft_was_asked(x->c, d->id, x->who->user_id);
	if (rc || !signed_or_issued(d))
		return rc;
	return mc__clerk_of(x, d->agency);
}

static int with_drafter(const struct mc__draft *d)
{
	return strcmp(d->status, "drafting") == 0 || strcmp(d->status, "returned") == 0;
}

static int actions(struct mc_document_ctx *x, const struct mc__draft *d, json_t **out)
{
	int64_t review;
	int rc = mc__draft_review_pending(x->c, d->id, x->who->user_id, &review), pending = rc == 0, clerk = 0;
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	if (strcmp(d->status, "signed") == 0 && (clerk = mc__clerk_of(x, d->agency)) < 0)
		return clerk;
	json_t *a = json_array();
	if (d->drafter == x->who->user_id && with_drafter(d)) {
		json_array_append_new(a, json_string("revise"));
		json_array_append_new(a, json_string("submit"));
	}
	if (pending && strcmp(d->status, "reviewing") == 0) {
		json_array_append_new(a, json_string("approve"));
		json_array_append_new(a, json_string("return"));
		/* before the last step: signing at once, under a delegation */
		struct mc__delegation g;
		if (d->step < chain_length(d->chain) &&
		    (rc = mc__delegation_for(x->c, x->who->user_id, d->agency, d->type_code, field_of(d), NULL, &g)) ==
			    0)
			json_array_append_new(a, json_string("sign"));
		else if (rc && rc != MC_E_NOT_FOUND) {
			json_decref(a);
			return rc;
		}
	}
	if (clerk)
		json_array_append_new(a, json_string("issue"));
	*out = a;
	return 0;
}

/* The draft as the caller is shown it, what they may do now included. */
static int shown(struct mc_document_ctx *x, int64_t id, struct mc__draft *d, json_t **out)
{
	json_t *acts = NULL;
	int rc = mc__draft_load(x->c, id, d, out);
	if (!rc && (rc = actions(x, d, &acts))) {
		json_decref(*out);
		*out = NULL;
	}
	if (!rc)
		json_object_set_new(*out, "actions", acts);
	return rc;
}

int mc_draft_file(struct mc_document_ctx *x, int64_t id, void **data, size_t *len, char mime[32])
{
	struct mc__draft d;
	json_t *j = NULL;
	int rc = mc__draft_load(x->c, id, &d, &j);
	if (!rc && (rc = mc__draft_may_read(x, &d)) == 0)
		rc = MC_E_NOT_FOUND;
	char sha[65] = "";
	if (rc > 0 && json_string_value(json_object_get(j, "file_sha256")))
		snprintf(sha, sizeof(sha), "%s", json_string_value(json_object_get(j, "file_sha256")));
	json_decref(j);
	if (rc < 0)
		return rc;
	return sha[0] ? mc_blob_get(x->c, sha, data, len, mime) : MC_E_NOT_FOUND;
}

/* ---- creating, reading, revising ---- */

int mc_draft_create(struct mc_document_ctx *x, json_t *in, json_t **out)
{
	if (!x->who || !x->who->agency_id)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only officials draft documents");
	struct mc__draft_new n = {.unit = x->who->agency_id, .drafter = x->who->user_id};
	int rc = mc__document_body_of(x->c, x->who->agency_id, &n.agency);
	if (rc)
		return rc == MC_E_NOT_FOUND ? mc_error_set(x->e, MC_E_FORBIDDEN, "the caller works for no agency") : rc;
	int64_t now = mc_time_now_ms(), id = 0;
	if (!(rc = parse(x, in, &n)) && !(rc = mc_tx_begin(x->c, 1))) {
		rc = mc__draft_insert(x->c, &n, now, &id);
		if (!rc)
			rc = keep_file(x->c, &n, now);
		if (!rc)
			rc = mc__draft_event(x->c, id, x->who->user_id, "create", NULL, now);
		if (!rc)
			rc = audit(x, id, "create", json_pack("{s:s}", "type_code", n.type_code));
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	release(&n);
	struct mc__draft d;
	return rc ? rc : shown(x, id, &d, out);
}

int mc_draft_get(struct mc_document_ctx *x, int64_t id, json_t **out)
{
	struct mc__draft d;
	json_t *j = NULL;
	int rc = mc__draft_load(x->c, id, &d, &j);
	json_decref(j);
	if (rc)
		return rc;
	if ((rc = mc__draft_may_read(x, &d)) <= 0)
		return rc < 0 ? rc : MC_E_NOT_FOUND; /* not even said to exist */
	/* who was asked to approve it opened it: when, the first time */
	if ((rc = mc__draft_reviews_opened(x->c, id, x->who->user_id, mc_time_now_ms())))
		return rc;
	return shown(x, id, &d, out);
}

int mc_draft_revise(struct mc_document_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out)
{
	struct mc__draft d;
	json_t *j = NULL;
	int rc = mc__draft_load(x->c, id, &d, &j);
	json_decref(j);
	if (rc)
		return rc;
	if ((rc = mc__draft_may_read(x, &d)) <= 0)
		return rc < 0 ? rc : MC_E_NOT_FOUND;
	if (d.drafter != x->who->user_id)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only its drafter revises a draft");
	if (!with_drafter(&d))
		return mc_error_set(x->e, MC_E_CONFLICT, "not while the draft is %s", d.status);
	struct mc__draft_new n = {.agency = d.agency, .unit = d.unit, .drafter = d.drafter};
	const char *note = NULL;
	if (!(rc = parse(x, in, &n)))
		note = mc__str_field(x, in, "note", 2000, 0);
	if (!rc && x->e->nfields)
		rc = x->e->code = MC_E_VALIDATION;
	int64_t now = mc_time_now_ms();
	if (!rc && !(rc = mc_tx_begin(x->c, 1))) {
		rc = mc__draft_touch(x->c, id, version >= 0 ? version : d.version, NULL, now);
		if (!rc)
			rc = mc__draft_update_text(x->c, id, &n, d.revision + 1, now);
		if (!rc)
			rc = mc__draft_revision_add(x->c, id, d.revision + 1, &n, note, now);
		if (!rc)
			rc = keep_file(x->c, &n, now);
		if (!rc)
			rc = mc__draft_event(x->c, id, x->who->user_id, "revise",
					     json_pack("{s:I}", "revision", (json_int_t)(d.revision + 1)), now);
		if (!rc)
			rc = audit(x, id, "revise", json_pack("{s:I}", "revision", (json_int_t)(d.revision + 1)));
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	release(&n);
	return rc ? rc : shown(x, id, &d, out);
}

/* ---- the moves ---- */

struct move {
	struct mc_document_ctx *x;
	struct mc__draft d;
	json_t *in, *shown; /* the draft as loaded */
	int64_t now, version;
};

/* The user id field name (0, and a problem, when absent or not an id). */
static int64_t id_field(struct move *m, const char *name)
{
	json_t *v = json_object_get(m->in, name);
	if (!v || json_is_null(v)) {
		mc_bad_field(m->x->e, name, MC_M_REQUIRED);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		mc_bad_field(m->x->e, name, MC_M_DRAFT_APPROVER);
		return 0;
	}
	return json_integer_value(v);
}

/* Ask user, who must hold the role of step k, to approve the draft. */
static int ask(struct move *m, const char *field, int64_t user, int64_t k, const char *chain)
{
	char role[24];
	if (!chain_role(chain, k, role, sizeof(role)))
		return MC_E_INTERNAL;
	int ok = user && user != m->d.drafter && user != m->x->who->user_id
			 ? mc__document_official_of(m->x->c, user, m->d.agency, role)
			 : 0;
	if (ok < 0)
		return ok;
	if (!ok) {
		if (user)
			mc_bad_field(m->x->e, field, MC_M_DRAFT_APPROVER);
		return m->x->e->code = MC_E_VALIDATION;
	}
	struct mc__review_new r = {m->d.id, k, user, m->x->who->user_id, m->d.revision, role};
	return mc__draft_review_ask(m->x->c, &r, m->now);
}

/* The chain a draft goes up: the agency's for its type, without the steps
 * of roles the drafter holds and the steps before them. */
static int trimmed_chain(struct move *m, char *out, size_t n)
{
	char full[96];
	const char *type = json_string_value(json_object_get(json_object_get(m->shown, "type"), "code"));
	int rc = mc__draft_chain_of(m->x->c, m->d.agency, type, full, sizeof(full));
	if (rc)
		return rc;
	int64_t len = chain_length(full), from = 1;
	char role[24];
	for (int64_t k = 1; k <= len; k++) {
		chain_role(full, k, role, sizeof(role));
		if ((rc = mc__has_role(m->x->c, m->d.drafter, role)) < 0)
			return rc;
		if (rc)
			from = k + 1;
	}
	out[0] = '\0';
	size_t used = 0;
	for (int64_t k = from; k <= len; k++) {
		chain_role(full, k, role, sizeof(role));
		used += (size_t)snprintf(out + used, n - used, "%s%s", used ? "," : "", role);
	}
	return 0;
}

/* The signing act by the caller, under the delegation they hold today for
 * the draft's type if any (its form is printed and goes into detail). */
static int sign_now(struct move *m, json_t *detail)
{
	/* the signer block prints the signer's position: none, no signing */
	int64_t has = 0;
	int rc = mc_query_int64(m->x->c, &has,
				"SELECT COUNT(*) FROM users WHERE id = ? AND COALESCE(TRIM(position), '') <> ''", "i",
				m->x->who->user_id);
	if (rc)
		return rc;
	if (!has) {
		mc_bad_field(m->x->e, "signer", MC_M_DRAFT_SIGNER_POSITION);
		return m->x->e->code = MC_E_VALIDATION;
	}
	struct mc__delegation g;
	rc = mc__delegation_for(m->x->c, m->x->who->user_id, m->d.agency, m->d.type_code, field_of(&m->d), NULL, &g);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	if (!rc && detail) {
		json_object_set_new(detail, "delegation_id", json_integer(g.id));
		json_object_set_new(detail, "form", json_string(g.form));
	}
	/* a confidential one sent through the platform travels encrypted,
	 * which needs the digital signature (the sealed PDF is encrypted) */
	const char *secrecy = json_string_value(json_object_get(m->shown, "secrecy"));
	if (secrecy && strcmp(secrecy, "none") != 0 &&
	    json_array_size(json_object_get(m->shown, "internal_recipient_ids")) &&
	    !(m->x->pades && m->x->pades->person)) {
		mc_bad_field(m->x->e, "pin", MC_M_DOC_SECRET_SIGN_DIGITALLY);
		return m->x->e->code = MC_E_VALIDATION;
	}
	if ((rc = mc__draft_sign(m->x->c, m->d.id, m->x->who->user_id, rc ? NULL : &g, m->now)))
		return rc;
	/* with the signer's PIN, their digital signature on the PDF */
	return mc__draft_sign_pdf(m->x, m->d.id);
}

static int do_submit(struct move *m)
{
	if (m->d.drafter != m->x->who->user_id)
		return mc_error_set(m->x->e, MC_E_FORBIDDEN, "only its drafter submits a draft");
	if (!with_drafter(&m->d))
		return mc_error_set(m->x->e, MC_E_CONFLICT, "not while the draft is %s", m->d.status);
	/* what a reviewer is shown: its text, and where it goes */
	if (json_is_null(json_object_get(m->shown, "content")) &&
	    json_is_null(json_object_get(m->shown, "file_sha256")))
		mc_bad_field(m->x->e, "content", MC_M_DRAFT_NO_TEXT);
	if (!json_array_size(json_object_get(m->shown, "recipients")))
		mc_bad_field(m->x->e, "recipients", MC_M_DOC_RECIPIENTS);
	char chain[96];
	int rc;
	if (m->d.chain[0])
		snprintf(chain, sizeof(chain), "%s", m->d.chain); /* fixed when first submitted */
	else if ((rc = trimmed_chain(m, chain, sizeof(chain))))
		return rc;
	/* back to the step that returned it, or the first */
	int64_t k = strcmp(m->d.status, "returned") == 0 && m->d.step > 0 ? m->d.step : 1;
	const char *note = mc__str_field(m->x, m->in, "note", 2000, 0);
	if (!chain[0]) {
		/* the drafter holds the last step's role: their submission is the signing act */
		if (m->x->e->nfields)
			return m->x->e->code = MC_E_VALIDATION;
		struct mc__draft_move mv = {"signed", 0, chain};
		json_t *detail = json_pack("{s:I}", "revision", (json_int_t)m->d.revision);
		if ((rc = mc__draft_touch(m->x->c, m->d.id, m->version, &mv, m->now)) || (rc = sign_now(m, detail)) ||
		    (rc = mc__draft_event(m->x->c, m->d.id, m->x->who->user_id, "sign", json_incref(detail), m->now))) {
			json_decref(detail);
			return rc;
		}
		return audit(m->x, m->d.id, "sign", detail);
	}
	int64_t approver = id_field(m, "approver_id");
	if (m->x->e->nfields)
		return m->x->e->code = MC_E_VALIDATION;
	if ((rc = ask(m, "approver_id", approver, k, chain)))
		return rc;
	struct mc__draft_move mv = {"reviewing", k, chain};
	json_t *detail = json_pack("{s:I, s:I, s:I, s:s?}", "step", (json_int_t)k, "approver_id", (json_int_t)approver,
				   "revision", (json_int_t)m->d.revision, "note", note);
	if ((rc = mc__draft_touch(m->x->c, m->d.id, m->version, &mv, m->now)) ||
	    (rc = mc__draft_event(m->x->c, m->d.id, m->x->who->user_id, "submit", json_incref(detail), m->now))) {
		json_decref(detail);
		return rc;
	}
	return audit(m->x, m->d.id, "submit", detail);
}

/* approve: 1 (on to the next step, or signed at the last), 0 (returned),
 * or SIGN_EARLY (signed before the last step, under a delegation). */
#define SIGN_EARLY 2
static int do_review(struct move *m, int approve)
{
	int64_t review;
	int rc = mc__draft_review_pending(m->x->c, m->d.id, m->x->who->user_id, &review);
	if (rc == MC_E_NOT_FOUND || (!rc && strcmp(m->d.status, "reviewing") != 0))
		return mc_error_set(m->x->e, MC_E_FORBIDDEN, "the draft does not wait on the caller");
	if (rc)
		return rc;
	const char *comment = mc__str_field(m->x, m->in, "comment", 2000, !approve);
	int64_t len = chain_length(m->d.chain), next = 0;
	int last = m->d.step >= len || approve == SIGN_EARLY;
	if (approve == SIGN_EARLY) {
		struct mc__delegation g;
		if ((rc = mc__delegation_for(m->x->c, m->x->who->user_id, m->d.agency, m->d.type_code, field_of(&m->d),
					     NULL, &g)) == MC_E_NOT_FOUND)
			return mc_error_set(m->x->e, MC_E_FORBIDDEN,
					    "only the last step signs, or who holds a delegation for the type");
		if (rc)
			return rc;
	}
	if (approve && !last)
		next = id_field(m, "next_approver_id");
	if (m->x->e->nfields)
		return m->x->e->code = MC_E_VALIDATION;
	if ((rc = mc__draft_review_done(m->x->c, review, approve ? "approved" : "returned", comment, m->now)))
		return rc;
	json_t *detail = json_pack("{s:I, s:I, s:s?}", "step", (json_int_t)m->d.step, "revision",
				   (json_int_t)m->d.revision, "comment", comment);
	const char *action = !approve ? "return" : last ? "sign" : "approve";
	struct mc__draft_move mv = {!approve ? "returned"
				    : last   ? "signed"
					     : NULL,
				    approve && !last ? m->d.step + 1 : -1, NULL};
	if (approve && !last) {
		json_object_set_new(detail, "next_approver_id", json_integer(next));
		rc = ask(m, "next_approver_id", next, m->d.step + 1, m->d.chain);
	}
	if (!rc && approve && last) /* the last approval is the signing act */
		rc = sign_now(m, detail);
	if (!rc)
		rc = mc__draft_touch(m->x->c, m->d.id, m->version, &mv, m->now);
	if (!rc)
		rc = mc__draft_event(m->x->c, m->d.id, m->x->who->user_id, action, json_incref(detail), m->now);
	if (rc) {
		json_decref(detail);
		return rc;
	}
	return audit(m->x, m->d.id, action, detail);
}

/* Deliver the issued document (number_text of body's register) into the
 * incoming register of every recipient agency on the platform. */
static int deliver(struct move *m, const struct mc_document_new *out, const char *number_text, int64_t document)
{
	const char *sender = json_string_value(json_object_get(json_object_get(m->shown, "agency"), "name"));
	json_t *ids = json_object_get(m->shown, "internal_recipient_ids"), *v;
	size_t i;
	int rc = 0;
	json_array_foreach(ids, i, v) {
		struct mc_document_new n = {
			.agency = json_integer_value(v),
			.type_code = out->type_code,
			.summary = out->summary,
			.doc_date = out->doc_date,
			.sender = sender,
			.sender_ref = number_text,
			.arrived_at = m->now,
			.urgency = out->urgency,
			.secrecy = out->secrecy,
			.medium = "electronic",
			.file_sha256 = out->file_sha256,
		};
		int y, mo, d;
		mc_vn_date(m->now, &y, &mo, &d);
		n.year = y;
		/* a confidential one stays so, in the secret series, read by
		 * the recipient body's clerical officers until they send it on */
		int secret = strcmp(n.secrecy, "none") != 0;
		snprintf(n.series, sizeof(n.series), "%s", secret ? "in_secret" : "in");
		struct mc__document_parts p = {0};
		int64_t id;
		if ((rc = mc__document_record(m->x, &n, &p, m->now, &id)))
			break;
		if (secret && (rc = mc__document_clerks_read(m->x->c, id, n.agency)))
			break;
		json_t *detail = json_pack("{s:I, s:I, s:s}", "agency_id", (json_int_t)n.agency, "document_id",
					   (json_int_t)id, "number", number_text);
		rc = mc__document_event(m->x->c, document, m->x->who->user_id, "deliver", detail);
		json_decref(detail);
		if (rc)
			break;
	}
	return rc;
}

json_t *mc__draft_recipients_named(json_t *draft)
{
	json_t *recipients = json_deep_copy(json_object_get(draft, "recipients")), *a;
	size_t i;
	json_array_foreach(json_object_get(draft, "internal_recipients"), i, a) {
		json_t *name = json_object_get(a, "name"), *r;
		size_t k;
		int named = 0;
		json_array_foreach(recipients, k, r)
			named |= json_equal(r, name);
		if (!named)
			json_array_append(recipients, name);
	}
	return recipients;
}

static int do_issue(struct move *m)
{
	int rc = strcmp(m->d.status, "signed") == 0 ? mc__clerk_of(m->x, m->d.agency) : 0;
	if (rc < 0)
		return rc;
	if (!rc)
		return mc_error_set(m->x->e, strcmp(m->d.status, "signed") == 0 ? MC_E_FORBIDDEN : MC_E_CONFLICT,
				    "only a clerical officer of its agency issues a signed draft");
	/* the document as registered: signed that day by its signer */
	json_t *sh = m->shown, *signer = json_object_get(sh, "signer");
	int y, mo, d;
	mc_vn_date(m->d.signed_at, &y, &mo, &d);
	char day[11];
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, mo, d);
	json_t *recipients = mc__draft_recipients_named(sh);
	json_t *in = json_pack("{s:O, s:O, s:s, s:O, s:O, s:o, s:O, s:O, s:s}", "type_code",
			       json_object_get(json_object_get(sh, "type"), "code"), "summary",
			       json_object_get(sh, "summary"), "doc_date", day, "signer_name",
			       json_object_get(signer, "name"), "signer_position", json_object_get(signer, "position"),
			       "recipients", recipients, "urgency", json_object_get(sh, "urgency"), "secrecy",
			       json_object_get(sh, "secrecy"), "medium", "electronic");
	if (m->d.unit != m->d.agency)
		json_object_set_new(in, "drafting_unit_id", json_integer(m->d.unit));
	if (field_of(&m->d))
		json_object_set_new(in, "field_code", json_string(m->d.field_code));
	struct mc_document_new n = {.outgoing = 1};
	struct mc__document_parts p = {0};
	rc = mc__document_prepare(m->x, in, &n, &p, m->now);
	json_decref(in);
	/* the draft's file is the document's (it was the drafter's upload) */
	const char *file = json_string_value(json_object_get(sh, "file_sha256"));
	if (!rc && file)
		n.file_sha256 = mc_strdup(m->x->arena, file);
	int64_t id = 0;
	if (!rc)
		rc = mc__document_record(m->x, &n, &p, m->now, &id);
	char number_text[128];
	snprintf(number_text, sizeof(number_text), "%02lld/%s", (long long)n.number, n.symbol);
	struct mc__draft_move mv = {"issued", -1, NULL};
	/* signed digitally: numbered and sealed, the sealed PDF its file (a
	 * confidential one encrypted for its agency and the recipients) */
	char sealed[65] = "";
	if (!rc)
		rc = mc__draft_seal_pdf(m->x, m->d.id, m->d.agency, id, number_text, day, sealed);
	int secret_out = strcmp(n.secrecy, "none") != 0 &&
			 json_array_size(json_object_get(m->shown, "internal_recipient_ids")) > 0;
	if (!rc && secret_out && !sealed[0]) /* signed before this rule: never sent in the clear */
		rc = mc_error_set(m->x->e, MC_E_CONFLICT,
				  "a confidential document is sent encrypted: sign it digitally");
	if (!rc && sealed[0] && strcmp(n.secrecy, "none") != 0)
		rc = mc__draft_encrypt(m->x, m->d.id, m->d.agency, json_object_get(m->shown, "internal_recipient_ids"),
				       sealed);
	if (!rc && sealed[0]) {
		int64_t k = mc_exec(m->x->c, "UPDATE documents SET file_sha256 = ? WHERE id = ?", "ti", sealed, id);
		rc = k < 0 ? (int)k : 0;
		n.file_sha256 = mc_strdup(m->x->arena, sealed); /* what the recipients receive */
	}
	if (!rc)
		rc = mc__draft_issued(m->x->c, m->d.id, id);
	if (!rc)
		rc = deliver(m, &n, number_text, id);
	if (!rc)
		rc = mc__draft_touch(m->x->c, m->d.id, m->version, &mv, m->now);
	json_t *detail = rc ? NULL : json_pack("{s:I, s:s}", "document_id", (json_int_t)id, "number_text", number_text);
	if (!rc)
		rc = mc__draft_event(m->x->c, m->d.id, m->x->who->user_id, "issue", json_incref(detail), m->now);
	if (!rc)
		rc = audit(m->x, m->d.id, "issue", json_incref(detail));
	json_decref(detail);
	json_decref(n.recipients);
	json_decref(n.readers);
	return rc;
}

int mc_draft_act(struct mc_document_ctx *x, int64_t id, const char *action, int64_t version, json_t *in, json_t **out)
{
	struct move m = {.x = x, .in = in, .now = mc_time_now_ms()};
	int rc = mc__draft_load(x->c, id, &m.d, &m.shown);
	if (!rc && (rc = mc__draft_may_read(x, &m.d)) == 0)
		rc = MC_E_NOT_FOUND;
	if (rc < 0) {
		json_decref(m.shown);
		return rc;
	}
	m.version = version >= 0 ? version : m.d.version;
	if (version >= 0 && version != m.d.version)
		rc = MC_E_PRECONDITION;
	else if ((rc = mc_tx_begin(x->c, 1)) == 0) {
		if (strcmp(action, "submit") == 0)
			rc = do_submit(&m);
		else if (strcmp(action, "approve") == 0)
			rc = do_review(&m, 1);
		else if (strcmp(action, "return") == 0)
			rc = do_review(&m, 0);
		else if (strcmp(action, "sign") == 0)
			rc = do_review(&m, SIGN_EARLY);
		else if (strcmp(action, "issue") == 0)
			rc = do_issue(&m);
		else
			rc = mc_error_set(x->e, MC_E_NOT_FOUND, "no such action");
		rc = rc ? rc : mc_tx_commit(x->c);
		if (rc && mc_in_tx(x->c))
			mc_tx_rollback(x->c);
	}
	json_decref(m.shown);
	return rc ? rc : shown(x, id, &m.d, out);
}

int mc_draft_addressees(struct mc_document_ctx *x, int64_t id, const char *action, json_t **out)
{
	int submit = action && strcmp(action, "submit") == 0, approve = action && strcmp(action, "approve") == 0;
	if (!submit && !approve)
		return mc_bad_field(x->e, "action", MC_M_DRAFT_ACTION_ENUM), x->e->code = MC_E_VALIDATION;
	struct move m = {.x = x};
	json_t *acts = NULL;
	int rc = mc__draft_load(x->c, id, &m.d, &m.shown);
	if (!rc && (rc = mc__draft_may_read(x, &m.d)) == 0)
		rc = MC_E_NOT_FOUND;
	if (rc >= 0)
		rc = actions(x, &m.d, &acts);
	int may = 0;
	size_t i;
	json_t *v;
	json_array_foreach(acts, i, v)
		may |= strcmp(json_string_value(v), action) == 0;
	json_decref(acts);
	char chain[96] = "", role[24];
	int64_t k = 0;
	if (rc >= 0 && !may)
		rc = mc_error_set(x->e, MC_E_FORBIDDEN, "the caller cannot %s this draft now", action);
	else if (rc >= 0 && submit) {
		rc = m.d.chain[0] ? 0 : trimmed_chain(&m, chain, sizeof(chain));
		if (m.d.chain[0])
			snprintf(chain, sizeof(chain), "%s", m.d.chain);
		k = strcmp(m.d.status, "returned") == 0 && m.d.step > 0 ? m.d.step : 1;
	} else if (rc >= 0) {
		snprintf(chain, sizeof(chain), "%s", m.d.chain);
		k = m.d.step + 1;
	}
	json_decref(m.shown);
	if (rc)
		return rc;
	if (!chain_role(chain, k, role, sizeof(role))) {
		*out = json_array(); /* nobody: the next move signs it */
		return 0;
	}
	if ((rc = mc__document_officials(x->c, m.d.agency, role, out)))
		return rc;
	for (i = json_array_size(*out); i-- > 0;) {
		int64_t u = json_integer_value(json_object_get(json_array_get(*out, i), "id"));
		if (u == m.d.drafter || u == x->who->user_id)
			json_array_remove(*out, i);
	}
	return 0;
}

int mc_draft_list(struct mc_document_ctx *x, const char *which, int64_t offset, int limit, json_t **items,
		  int64_t *next)
{
	static const char *const names[] = {
		[MC_DRAFTS_MINE] = "mine",
		[MC_DRAFTS_TO_REVIEW] = "to_review",
		[MC_DRAFTS_REVIEWED] = "reviewed",
		[MC_DRAFTS_TO_ISSUE] = "to_issue",
	};
	int k = -1;
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(names[i], which ? which : "mine") == 0)
			k = i;
	if (k < 0)
		return mc_bad_field(x->e, "state", MC_M_DRAFT_LIST_ENUM), x->e->code = MC_E_VALIDATION;
	int64_t body = 0;
	if (k == MC_DRAFTS_TO_ISSUE) {
		int rc = mc_principal_has(x->who, "document.register")
				 ? mc__document_body_of(x->c, x->who->agency_id, &body)
				 : MC_E_NOT_FOUND;
		if (rc == MC_E_NOT_FOUND)
			return mc_error_set(x->e, MC_E_FORBIDDEN, "only clerical officers issue documents");
		if (rc)
			return rc;
	}
	return mc__draft_page(x->c, (enum mc__draft_list)k, x->who->user_id, body, offset, limit, items, next);
}

/* ---- approval chains ---- */

static json_t *chain_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", mc_col_text(s, 1) ? mc_col_text(s, 1) : MC__DEFAULT_CHAIN);
	json_t *steps = json_array();
	char *save = NULL;
	for (char *r = strtok_r(buf, ",", &save); r; r = strtok_r(NULL, ",", &save))
		json_array_append_new(steps, json_string(r));
	return json_pack("{s:s, s:o, s:b}", "type_code", mc_col_text(s, 0), "steps", steps, "custom",
			 !mc_col_is_null(s, 1));
}

int mc_document_chains(struct mc_conn *c, int64_t agency, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT t.code, ch.steps FROM document_types t LEFT JOIN document_chains ch"
			  " ON ch.type_code = t.code AND ch.agency_id = ? ORDER BY t.sort",
			  "i", agency);
	return rc ? rc : mc_rows_json(s, chain_row, NULL, out);
}

int mc_document_chain_set(struct mc_document_ctx *x, int64_t agency, const char *type_code, json_t *steps)
{
	int64_t n = 0;
	int rc = mc_agency_within(x->c, x->who->agency_id, agency);
	if (rc < 0)
		return rc;
	if (!rc)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "an agency outside the caller's");
	if ((rc = mc_query_int64(x->c, &n, "SELECT COUNT(*) FROM agencies WHERE id = ? AND internal = 0", "i", agency)))
		return rc;
	if (!n)
		return mc_bad_field(x->e, "agency_id", MC_M_DOC_REGISTER_NOT_BODY), x->e->code = MC_E_VALIDATION;
	if ((rc = mc_query_int64(x->c, &n, "SELECT COUNT(*) FROM document_types WHERE code = ?", "t", type_code)))
		return rc;
	if (!n)
		return mc_error_set(x->e, MC_E_NOT_FOUND, "no such document type");
	char chain[96] = "";
	if (steps && !json_is_null(steps)) {
		size_t i, k, used = 0;
		json_t *v, *w;
		int ok = json_is_array(steps) && json_array_size(steps) >= 1 && json_array_size(steps) <= MAX_CHAIN;
		json_array_foreach(steps, i, v) {
			int known = 0;
			for (int r = 0; CHAIN_ROLES[r]; r++)
				known |= json_is_string(v) && strcmp(json_string_value(v), CHAIN_ROLES[r]) == 0;
			ok &= known;
			json_array_foreach(steps, k, w)
				ok &= k >= i || !json_equal(v, w);
			if (ok)
				used += (size_t)snprintf(chain + used, sizeof(chain) - used, "%s%s", i ? "," : "",
							 json_string_value(v));
		}
		v = json_array_get(steps, json_array_size(steps) - 1);
		if (!ok || !json_is_string(v) || strcmp(json_string_value(v), "leader") != 0)
			return mc_bad_field(x->e, "steps", MC_M_DRAFT_CHAIN), x->e->code = MC_E_VALIDATION;
	}
	int64_t now = mc_time_now_ms();
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	int64_t k = mc_exec(x->c, "DELETE FROM document_chains WHERE agency_id = ? AND type_code = ?", "it", agency,
			    type_code);
	if (k >= 0 && chain[0])
		k = mc_exec(x->c,
			    "INSERT INTO document_chains (agency_id, type_code, steps, updated_at) VALUES (?, ?, ?, ?)",
			    "itti", agency, type_code, chain, now);
	rc = k < 0 ? (int)k : 0;
	if (!rc)
		rc = mc__doc_audit(x, "agency.document_chain", "agency", agency,
				   json_pack("{s:s, s:s?}", "type_code", type_code, "steps", chain[0] ? chain : NULL));
	rc = rc ? rc : mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}

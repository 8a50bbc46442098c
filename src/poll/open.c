/*
 * open.c - the office opens a poll: the proposal's title and summary, its
 * papers (PDFs the opener uploaded), the committee members asked, the
 * deadline and the silence rule, checked field by field; then in one
 * transaction the poll, its papers and members, the members' notices in
 * the outbox, an event and an audit entry.
 */
#include "internal.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

struct opening {
	int64_t committee, office, deadline;
	const char *title, *summary, *silence;
	json_t *papers, *members; /* borrowed from the input */
};

/* A text field of at most max characters (NFC, arena), NULL when absent. */
static const char *text_field(struct mc_poll_ctx *x, json_t *in, const char *name, long max, int required)
{
	json_t *v = json_object_get(in, name);
	const char *s = json_string_value(v);
	if (v && !json_is_null(v) && !s) {
		mc_bad_field(x->e, name, MC_M_NOT_STRING);
		return NULL;
	}
	if (s && strlen(s) > (size_t)max * 8 + 16) {
		mc_bad_fieldn(x->e, name, MC_M_TOO_LONG, max);
		return NULL;
	}
	if (s && !mc_text_valid(s, SIZE_MAX)) {
		mc_bad_field(x->e, name, MC_M_BAD_CHARACTERS);
		return NULL;
	}
	const char *t = s ? mc_text_nfc(x->arena, s) : NULL;
	while (t && *t == ' ')
		t++;
	if (!t || !*t) {
		if (required)
			mc_bad_field(x->e, name, MC_M_REQUIRED);
		return NULL;
	}
	if (mc_text_chars(t) > max) {
		mc_bad_fieldn(x->e, name, MC_M_TOO_LONG, max);
		return NULL;
	}
	return t;
}

/* The committee the caller's office serves: its parent agency. */
static int committee_of(struct mc_poll_ctx *x, struct opening *o)
{
	o->office = x->who->agency_id;
	int rc =
		mc_query_int64(x->c, &o->committee,
			       "SELECT parent_id FROM agencies WHERE id = ? AND parent_id IS NOT NULL", "i", o->office);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "the caller's agency serves no committee");
	return rc;
}

/* 1 when every item of v is distinct, of the right kind (ids > 0 or
 * SHA-256 texts), and their number within [1, max]. */
static int list_ok(json_t *v, size_t max, int ids)
{
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > max)
		return 0;
	size_t i, k;
	json_t *u, *w;
	json_array_foreach(v, i, u) {
		if (ids ? !json_is_integer(u) || json_integer_value(u) < 1 : !mc_is_sha256_hex(json_string_value(u)))
			return 0;
		json_array_foreach(v, k, w)
			if (k < i && json_equal(u, w))
				return 0;
	}
	return 1;
}

/* Each paper a PDF the caller uploaded. */
static int papers_check(struct mc_poll_ctx *x, struct opening *o, json_t *in)
{
	o->papers = json_object_get(in, "papers");
	if (!list_ok(o->papers, MC_POLL_PAPERS_MAX, 0))
		return mc_bad_fieldn(x->e, "papers", MC_M_POLL_PAPERS, MC_POLL_PAPERS_MAX), 0;
	size_t i;
	json_t *v;
	json_array_foreach(o->papers, i, v) {
		int64_t k = 0;
		int rc = mc_query_int64(x->c, &k,
					"SELECT COUNT(*) FROM uploads u JOIN blobs b ON b.sha256 = u.sha256 WHERE"
					" u.sha256 = ? AND u.user_id = ? AND b.mime = 'application/pdf'",
					"ti", json_string_value(v), x->who->user_id);
		if (rc)
			return rc;
		if (!k)
			return mc_bad_field(x->e, "papers", MC_M_POLL_PAPER_UNKNOWN), 0;
	}
	return 0;
}

/* Each member asked an active official of the committee who is one of its
 * members (committee_member). */
static int members_check(struct mc_poll_ctx *x, struct opening *o, json_t *in)
{
	o->members = json_object_get(in, "member_ids");
	if (!list_ok(o->members, MC_POLL_MEMBERS_MAX, 1))
		return mc_bad_fieldn(x->e, "member_ids", MC_M_POLL_MEMBERS, MC_POLL_MEMBERS_MAX), 0;
	size_t i;
	json_t *v;
	json_array_foreach(o->members, i, v) {
		int64_t k = 0;
		int rc = mc_query_int64(
			x->c, &k,
			"SELECT COUNT(*) FROM users u JOIN agency_tree t ON t.descendant_id = u.agency_id AND"
			" t.ancestor_id = ? AND t.same_body = 1 JOIN user_roles r ON r.user_id = u.id AND r.role_code ="
			" 'committee_member' WHERE u.id = ? AND u.kind = 'official' AND u.status = 'active'",
			"ii", o->committee, (int64_t)json_integer_value(v));
		if (rc)
			return rc;
		if (!k)
			return mc_bad_field(x->e, "member_ids", MC_M_POLL_MEMBER_NOT), 0;
	}
	return 0;
}

static int parse(struct mc_poll_ctx *x, json_t *in, struct opening *o, int64_t now)
{
	o->title = text_field(x, in, "title", MC_POLL_TITLE_MAX, 1);
	o->summary = text_field(x, in, "summary", MC_POLL_SUMMARY_MAX, 1);
	const char *dl = text_field(x, in, "deadline", 40, 1);
	if (dl && (mc_time_parse(dl, &o->deadline) || o->deadline <= now ||
		   o->deadline > now + MC_POLL_HORIZON_DAYS * MC_DAY_MS))
		mc_bad_fieldn(x->e, "deadline", MC_M_POLL_DEADLINE, MC_POLL_HORIZON_DAYS);
	o->silence = text_field(x, in, "silence", 8, 0);
	if (!o->silence)
		o->silence = "agree";
	else if (strcmp(o->silence, "agree") != 0 && strcmp(o->silence, "none") != 0)
		mc_bad_field(x->e, "silence", MC_M_POLL_SILENCE);
	int rc = papers_check(x, o, in);
	if (!rc)
		rc = members_check(x, o, in);
	if (!rc && x->e->nfields)
		rc = x->e->code = MC_E_VALIDATION;
	return rc;
}

/* The rows of the poll, its papers and members, and the notices. */
static int store(struct mc_poll_ctx *x, const struct opening *o, int64_t now, int64_t *id)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "INSERT INTO polls (committee_id, office_id, opened_by, title, summary, deadline, silence,"
			  " opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  "iiittiti", o->committee, o->office, x->who->user_id, o->title, o->summary, o->deadline,
			  o->silence, now);
	if (rc || (rc = mc_step_returning(s, id)))
		return rc;
	size_t i;
	json_t *v;
	int64_t k;
	json_array_foreach(o->papers, i, v) {
		const char *sha = json_string_value(v);
		k = mc_exec(x->c, "INSERT INTO poll_papers (poll_id, position, sha256) VALUES (?, ?, ?)", "iit", *id,
			    (int64_t)i + 1, sha);
		/* the file is the poll's from now on: never purged as unclaimed */
		if (k >= 0)
			k = mc_exec(
				x->c,
				"UPDATE uploads SET attached_at = ? WHERE sha256 = ? AND user_id = ? AND attached_at"
				" IS NULL",
				"iti", now, sha, x->who->user_id);
		if (k < 0)
			return (int)k;
	}
	char deadline[40];
	mc_time_format_vn(o->deadline, deadline, sizeof(deadline));
	json_array_foreach(o->members, i, v) {
		int64_t user = json_integer_value(v);
		k = mc_exec(x->c, "INSERT INTO poll_members (poll_id, user_id) VALUES (?, ?)", "ii", *id, user);
		if (k < 0)
			return (int)k;
		rc = mc__poll_notice(x->c, *id, user, "poll_opened", "opened",
				     json_pack("{s:s, s:I, s:s, s:s}", "event", "poll_opened", "poll_id",
					       (json_int_t)*id, "title", o->title, "deadline", deadline),
				     now);
		if (rc)
			return rc;
	}
	return mc__poll_record(x->c, *id, x->who->user_id, x->addr, "open",
			       json_pack("{s:I, s:s, s:s}", "members", (json_int_t)json_array_size(o->members),
					 "deadline", deadline, "silence", o->silence),
			       now);
}

int mc_poll_open(struct mc_poll_ctx *x, json_t *in, json_t **out)
{
	int64_t now = mc_time_now_ms(), id = 0;
	struct opening o;
	memset(&o, 0, sizeof(o));
	int rc = committee_of(x, &o);
	if (!rc)
		rc = parse(x, in, &o, now);
	if (!rc)
		rc = mc_tx_begin(x->c, 1);
	if (!rc)
		rc = store(x, &o, now, &id);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_poll_get(x, id, out);
}

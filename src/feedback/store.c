/*
 * store.c - the SQL of the feedback tables shared by the rules: a report
 * read for them, the caller's standing, the trail, the outbox and the
 * report as shown (the public view or the whole of it).
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../core/text.h"
#include "../crypto/crypto.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

int mc__fb_load(struct mc_conn *c, const char *code, struct mc__fb *r)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT id, agency_id, COALESCE(author_id, 0), version, received_at, due_at,"
			  " COALESCE(answered_at, 0), COALESCE(merged_into, 0), answer_public, COALESCE(rating, 0),"
			  " code, status, text_state, COALESCE(answer_state, ''), secret_hash,"
			  " (SELECT COUNT(*) FROM feedback_photos p WHERE p.report_id = feedback_reports.id)"
			  " FROM feedback_reports WHERE code = ?",
			  "t", code);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		memset(r, 0, sizeof(*r));
		int64_t *v[] = {&r->id,          &r->agency, &r->author,      &r->version,
				&r->received_at, &r->due_at, &r->answered_at, &r->merged_into};
		for (int i = 0; i < 8; i++)
			*v[i] = mc_col_int64(s, i);
		r->answer_public = (int)mc_col_int64(s, 8);
		r->rating = (int)mc_col_int64(s, 9);
		snprintf(r->code, sizeof(r->code), "%s", mc_col_text(s, 10));
		snprintf(r->status, sizeof(r->status), "%s", mc_col_text(s, 11));
		snprintf(r->text_state, sizeof(r->text_state), "%s", mc_col_text(s, 12));
		snprintf(r->answer_state, sizeof(r->answer_state), "%s", mc_col_text(s, 13));
		snprintf(r->secret_hash, sizeof(r->secret_hash), "%s", mc_col_text(s, 14));
		r->photos = (int)mc_col_int64(s, 15);
	}
	mc_stmt_done(s);
	return rc;
}

/* 1 when one of the agency_tree rows asked exists, 0 when not. */
static int tree_has(struct mc_conn *c, const char *sql, int64_t a, int64_t b)
{
	int64_t v;
	int rc = mc_query_int64(c, &v, sql, "ii", a, b);
	return rc == MC_E_NOT_FOUND ? 0 : rc ? rc : 1;
}

static int secret_ok(const struct mc__fb *r, const char *secret)
{
	if (!secret || !*secret)
		return 0;
	char h[MC_SHA256_HEX];
	mc_sha256_hex(secret, strlen(secret), h);
	return mc_ct_streq(h, r->secret_hash);
}

int mc__fb_standing(struct mc_feedback_ctx *x, const struct mc__fb *r, const char *secret, unsigned *bits)
{
	*bits = secret_ok(r, secret) ? MC__FB_AUTHOR : 0;
	const struct mc_principal *w = x->who;
	if (!w)
		return 0;
	if (r->author && r->author == w->user_id)
		*bits |= MC__FB_AUTHOR;
	if (!w->agency_id)
		return 0;
	int rc = 0;
	if (mc_principal_has(w, "feedback.handle") && (rc = mc_agency_acts_for(x->c, w->agency_id, r->agency)) > 0)
		*bits |= MC__FB_HANDLER;
	if (rc >= 0 && (rc = tree_has(x->c, "SELECT 1 FROM agency_tree WHERE ancestor_id = ? AND descendant_id = ?",
				      w->agency_id, r->agency)) > 0)
		*bits |= MC__FB_READER;
	if (rc >= 0 && mc_principal_has(w, "feedback.moderate") &&
	    (rc = tree_has(x->c,
			   "SELECT 1 FROM agency_tree t JOIN agencies a ON t.ancestor_id = COALESCE(a.parent_id, a.id)"
			   " WHERE a.id = ? AND t.descendant_id = ?",
			   w->agency_id, r->agency)) > 0)
		*bits |= MC__FB_MODERATOR;
	return rc < 0 ? rc : 0;
}

int mc__fb_public(const struct mc__fb *r)
{
	return strcmp(r->status, "answered") == 0 && strcmp(r->text_state, "approved") == 0 && r->answer_public &&
	       strcmp(r->answer_state, "approved") == 0;
}

int mc__fb_record(struct mc_feedback_ctx *x, int64_t report, const char *action, json_t *detail, int64_t now)
{
	if (!detail)
		detail = json_object();
	int64_t actor = x->who ? x->who->user_id : 0;
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t k = mc_exec(x->c,
			    "INSERT INTO feedback_events (report_id, at, actor_id, action, detail)"
			    " VALUES (?, ?, NULLIF(?, 0), ?, ?)",
			    "iiitt", report, now, actor, action, text);
	free(text);
	int rc = k < 0 ? (int)k : 0;
	if (!rc) {
		char oid[24], what[40];
		snprintf(oid, sizeof(oid), "%lld", (long long)report);
		snprintf(what, sizeof(what), "feedback.%s", action);
		struct mc_audit_entry ae = {actor, what, "feedback_report", oid, x->addr ? x->addr : "-", NULL};
		rc = mc_audit_append_json(x->c, &ae, json_incref(detail));
	}
	json_decref(detail);
	return rc;
}

static int outbox(struct mc_conn *c, int64_t report, const char *event, json_t *to, json_t *payload, int64_t now)
{
	char *t = json_dumps(to, JSON_COMPACT), *p = json_dumps(payload, JSON_COMPACT);
	int64_t k = mc_exec(c,
			    "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload)"
			    " VALUES (?, 'feedback_reports', ?, ?, ?, ?)",
			    "iittt", now, report, event, t, p);
	free(t);
	free(p);
	return k < 0 ? (int)k : 0;
}

int mc__fb_notify_author(struct mc_conn *c, int64_t report, const char *event, json_t *payload, int64_t now)
{
	struct mc_stmt *s;
	json_t *to = NULL;
	int rc = mc_query(c, &s,
			  "SELECT r.author_id, r.author_name, COALESCE(r.author_phone, u.phone),"
			  " COALESCE(r.author_email, u.email) FROM feedback_reports r"
			  " LEFT JOIN users u ON u.id = r.author_id WHERE r.id = ?",
			  "i", report);
	if (!rc) {
		if ((rc = mc_step_row(s)) == 0)
			to = json_pack("{s:s, s:s?, s:s?}", "full_name", mc_col_text(s, 1), "phone", mc_col_text(s, 2),
				       "email", mc_col_text(s, 3));
		if (to && !mc_col_is_null(s, 0))
			json_object_set_new(to, "user_id", json_integer(mc_col_int64(s, 0)));
		mc_stmt_done(s);
	}
	if (!rc)
		rc = outbox(c, report, event, to, payload, now);
	json_decref(to);
	json_decref(payload);
	return rc;
}

static json_t *official_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s?, s:s?}", "user_id", (json_int_t)mc_col_int64(s, 0), "full_name",
			 mc_col_text(s, 1), "phone", mc_col_text(s, 2), "email", mc_col_text(s, 3));
}

int mc__fb_notify_agency(struct mc_conn *c, int64_t report, int64_t agency, const char *event, json_t *payload,
			 int64_t now)
{
	struct mc_stmt *s;
	json_t *to = NULL;
	int rc = mc_query(
		c, &s,
		"SELECT u.id, u.full_name, u.phone, u.email FROM users u WHERE u.status = 'active' AND"
		" u.agency_id IN (SELECT descendant_id FROM agency_tree WHERE ancestor_id = ? AND same_body = 1)"
		" AND EXISTS (SELECT 1 FROM user_roles r JOIN role_permissions p ON p.role_code = r.role_code"
		" WHERE r.user_id = u.id AND p.perm_code = 'feedback.handle') ORDER BY u.id",
		"i", agency);
	if (!rc)
		rc = mc_rows_json(s, official_row, NULL, &to);
	size_t i;
	json_t *u;
	json_array_foreach(to, i, u) {
		if (rc)
			break;
		rc = outbox(c, report, event, u, payload, now);
	}
	json_decref(to);
	json_decref(payload);
	return rc;
}

int mc__fb_reindex(struct mc_feedback_ctx *x, int64_t report)
{
	struct mc_stmt *s;
	int rc = mc_query(x->c, &s,
			  "SELECT r.code, r.public_body, r.address, COALESCE(r.public_answer, ''), u.name"
			  " FROM feedback_reports r LEFT JOIN units u ON u.era = 'current' AND u.code = r.ward_code"
			  " WHERE r.id = ?",
			  "i", report);
	char *key = NULL;
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0)
		key = mc_text_search_key(x->arena, mc_sprintf(x->arena, "%s %s %s %s %s", mc_col_text(s, 0),
							      mc_col_text(s, 1), mc_col_text(s, 2), mc_col_text(s, 3),
							      mc_col_text(s, 4) ? mc_col_text(s, 4) : ""));
	mc_stmt_done(s);
	if (rc)
		return rc;
	int64_t k =
		mc_exec(x->c, "UPDATE feedback_reports SET search_key = ? WHERE id = ?", "ti", key ? key : "", report);
	return k < 0 ? (int)k : 0;
}

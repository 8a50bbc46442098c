/*
 * store.c - the SQL of the polls' tables: a poll read for the rules, the
 * caller's standing, the trail and the outbox, and the poll as shown (its
 * papers, the members asked with their last answer, every answer with its
 * signature, the result once closed, the conclusion).
 */
#include "internal.h"

#include "../audit/audit.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

int mc__poll_load(struct mc_conn *c, int64_t id, struct mc__poll *p)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT id, committee_id, office_id, deadline, version, status, silence,"
			  " COALESCE(concluded_at, 0) FROM polls WHERE id = ?",
			  "i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s)) == 0) {
		memset(p, 0, sizeof(*p));
		p->id = mc_col_int64(s, 0);
		p->committee = mc_col_int64(s, 1);
		p->office = mc_col_int64(s, 2);
		p->deadline = mc_col_int64(s, 3);
		p->version = mc_col_int64(s, 4);
		snprintf(p->status, sizeof(p->status), "%s", mc_col_text(s, 5));
		snprintf(p->silence, sizeof(p->silence), "%s", mc_col_text(s, 6));
		p->concluded_at = mc_col_int64(s, 7);
	}
	mc_stmt_done(s);
	return rc;
}

/* 1 when the caller holds perm and acts for agency, 0 when not. */
static int acts_with(struct mc_poll_ctx *x, const char *perm, int64_t agency)
{
	if (!mc_principal_has(x->who, perm) || !x->who->agency_id)
		return 0;
	return mc_agency_acts_for(x->c, x->who->agency_id, agency);
}

int mc__poll_standing(struct mc_poll_ctx *x, const struct mc__poll *p, unsigned *bits)
{
	*bits = 0;
	int64_t v;
	int rc = acts_with(x, "poll.manage", p->office);
	if (rc < 0)
		return rc;
	*bits |= rc ? MC__SEE_OFFICE : 0;
	if ((rc = acts_with(x, "poll.conclude", p->committee)) < 0)
		return rc;
	*bits |= rc ? MC__SEE_CHAIR : 0;
	rc = mc_query_int64(x->c, &v, "SELECT 1 FROM poll_members WHERE poll_id = ? AND user_id = ?", "ii", p->id,
			    x->who->user_id);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	*bits |= rc ? 0 : MC__SEE_MEMBER;
	return 0;
}

int mc__poll_record(struct mc_conn *c, int64_t poll, int64_t actor, const char *addr, const char *action,
		    json_t *detail, int64_t now)
{
	if (!detail)
		detail = json_object();
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int64_t k = mc_exec(
		c, "INSERT INTO poll_events (poll_id, at, actor_id, action, detail) VALUES (?, ?, NULLIF(?, 0), ?, ?)",
		"iiitt", poll, now, actor, action, text);
	free(text);
	int rc = k < 0 ? (int)k : 0;
	if (!rc) {
		char oid[24], what[40];
		snprintf(oid, sizeof(oid), "%lld", (long long)poll);
		snprintf(what, sizeof(what), "poll.%s", action);
		struct mc_audit_entry ae = {actor, what, "poll", oid, addr ? addr : "-", NULL};
		rc = mc_audit_append_json(c, &ae, json_incref(detail));
	}
	json_decref(detail);
	return rc;
}

int mc__poll_notice(struct mc_conn *c, int64_t poll, int64_t user, const char *event, const char *kind, json_t *payload,
		    int64_t now)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT full_name, phone, email FROM users WHERE id = ?", "i", user);
	json_t *to = NULL;
	if (!rc) {
		if ((rc = mc_step_row(s)) == 0)
			to = json_pack("{s:I, s:s?, s:s?, s:s?}", "user_id", (json_int_t)user, "full_name",
				       mc_col_text(s, 0), "phone", mc_col_text(s, 1), "email", mc_col_text(s, 2));
		mc_stmt_done(s);
	}
	char *t = to ? json_dumps(to, JSON_COMPACT) : NULL, *p = json_dumps(payload, JSON_COMPACT);
	int64_t k = rc ? rc
		       : mc_exec(c,
				 "INSERT INTO outbox (at, topic, topic_id, event, recipient, payload) VALUES (?, "
				 "'polls', ?, ?, ?, ?)",
				 "iitt"
				 "t",
				 now, poll, event, t, p);
	if (k >= 0)
		k = mc_exec(c, "INSERT INTO poll_reminders (poll_id, user_id, kind, at) VALUES (?, ?, ?, ?)", "iiti",
			    poll, user, kind, now);
	free(t);
	free(p);
	json_decref(to);
	json_decref(payload);
	return k < 0 ? (int)k : 0;
}

/* ---- the poll as shown ---- */

static json_t *paper_row(struct mc_stmt *s, void *ud)
{
	int64_t poll = *(int64_t *)ud, pos = mc_col_int64(s, 0);
	char href[96];
	snprintf(href, sizeof(href), "/api/v1/polls/%lld/papers/%lld", (long long)poll, (long long)pos);
	return json_pack("{s:I, s:s, s:I, s:s}", "position", (json_int_t)pos, "sha256", mc_col_text(s, 1), "size",
			 (json_int_t)mc_col_int64(s, 2), "href", href);
}

/* An answer's columns and its JSON (with the signature's record). */
#define ANSWER_COLS                                                                                                    \
	"a.id, a.user_id, u.full_name, a.choice, a.comment, a.answered_at, a.signature_id, k.serial, k.subject,"       \
	" g.stamped_at, a.signed_text"
#define ANSWER_FROM                                                                                                    \
	" FROM poll_answers a JOIN users u ON u.id = a.user_id LEFT JOIN signatures g ON g.id = a.signature_id"        \
	" LEFT JOIN certificates k ON k.id = g.certificate_id"

static json_t *answer_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_t *sig = json_null();
	if (!mc_col_is_null(s, 6))
		sig = json_pack("{s:I, s:s?, s:s?, s:s?, s:o}", "id", (json_int_t)mc_col_int64(s, 6), "signer",
				mc_col_text(s, 2), "serial", mc_col_text(s, 7), "subject", mc_col_text(s, 8),
				"stamped_at", mc_col_json_time(s, 9));
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:s}", "id", (json_int_t)mc_col_int64(s, 0), "user_id",
			 (json_int_t)mc_col_int64(s, 1), "full_name", mc_col_text(s, 2), "choice", mc_col_text(s, 3),
			 "comment", mc_col_json_text(s, 4), "answered_at", mc_col_json_time(s, 5), "signature", sig,
			 "signed_text", mc_col_text(s, 10));
}

static json_t *member_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s?, s:s?}", "id", (json_int_t)mc_col_int64(s, 0), "full_name", mc_col_text(s, 1),
			 "position", mc_col_text(s, 2), "position_en", mc_col_text(s, 3));
}

/* The members asked, each with their last answer (null: none yet). */
static int members_json(struct mc_conn *c, int64_t id, json_t *answers, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT u.id, u.full_name, u.position, u.position_en FROM poll_members m"
			  " JOIN users u ON u.id = m.user_id WHERE m.poll_id = ? ORDER BY u.id",
			  "i", id);
	if (rc || (rc = mc_rows_json(s, member_row, NULL, out)))
		return rc;
	size_t i, k;
	json_t *m, *a;
	json_array_foreach(*out, i, m) {
		json_t *last = json_null();
		json_array_foreach(answers, k, a) /* answers in order: the last one counts */
			if (json_equal(json_object_get(a, "user_id"), json_object_get(m, "id")))
				last = a;
		json_object_set(m, "answer", last);
	}
	return 0;
}

/* The poll's row: its fields and names. */
static int head_json(struct mc_conn *c, int64_t id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT p.id, p.title, p.summary, p.deadline, p.silence, p.status, p.opened_at, p.closed_at,"
		" p.version, cm.id, cm.name, cm.name_en, o.id, o.name, o.name_en, u.id, u.full_name,"
		" p.result, p.result_sha256, p.conclusion, p.concluded_at, w.full_name FROM polls p"
		" JOIN agencies cm ON cm.id = p.committee_id JOIN agencies o ON o.id = p.office_id"
		" JOIN users u ON u.id = p.opened_by LEFT JOIN users w ON w.id = p.concluded_by WHERE p.id = ?",
		"i", id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	json_t *result = mc_col_is_null(s, 17) ? json_null() : json_loads(mc_col_text(s, 17), 0, NULL);
	char pdf[80];
	snprintf(pdf, sizeof(pdf), "/api/v1/polls/%lld/pdf", (long long)id);
	json_t *concl = mc_col_is_null(s, 19) ? json_null()
					      : json_pack("{s:s, s:o, s:s?}", "text", mc_col_text(s, 19), "at",
							  mc_col_json_time(s, 20), "by", mc_col_text(s, 21));
	*out = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:{s:I, s:s, s:s?}, s:{s:I, s:s, s:s?},"
			 " s:{s:I, s:s}, s:o, s:o, s:o}",
			 "id", (json_int_t)id, "title", mc_col_text(s, 1), "summary", mc_col_text(s, 2), "deadline",
			 mc_col_json_time(s, 3), "silence", mc_col_text(s, 4), "status", mc_col_text(s, 5), "opened_at",
			 mc_col_json_time(s, 6), "closed_at", mc_col_json_time(s, 7), "version",
			 (json_int_t)mc_col_int64(s, 8), "committee", "id", (json_int_t)mc_col_int64(s, 9), "name",
			 mc_col_text(s, 10), "name_en", mc_col_text(s, 11), "office", "id",
			 (json_int_t)mc_col_int64(s, 12), "name", mc_col_text(s, 13), "name_en", mc_col_text(s, 14),
			 "opened_by", "id", (json_int_t)mc_col_int64(s, 15), "full_name", mc_col_text(s, 16), "result",
			 result ? result : json_null(), "result_pdf",
			 mc_col_is_null(s, 18) ? json_null() : json_string(pdf), "conclusion", concl);
	mc_stmt_done(s);
	return *out ? 0 : MC_E_NOMEM;
}

int mc__poll_json(struct mc_poll_ctx *x, const struct mc__poll *p, unsigned bits, json_t **out)
{
	json_t *papers = NULL, *answers = NULL, *members = NULL;
	int64_t id = p->id;
	struct mc_stmt *s;
	int rc = head_json(x->c, id, out);
	if (!rc && !(rc = mc_query(x->c, &s,
				   "SELECT pp.position, pp.sha256, b.size FROM poll_papers pp JOIN blobs b ON"
				   " b.sha256 = pp.sha256 WHERE pp.poll_id = ? ORDER BY pp.position",
				   "i", id)))
		rc = mc_rows_json(s, paper_row, &id, &papers);
	if (!rc &&
	    !(rc = mc_query(x->c, &s, "SELECT " ANSWER_COLS ANSWER_FROM " WHERE a.poll_id = ? ORDER BY a.id", "i", id)))
		rc = mc_rows_json(s, answer_row, NULL, &answers);
	if (!rc)
		rc = members_json(x->c, id, answers, &members);
	if (rc) {
		json_decref(papers);
		json_decref(answers);
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "papers", papers);
	json_object_set_new(*out, "answers", answers);
	json_object_set_new(*out, "members", members);
	int open = strcmp(p->status, "open") == 0;
	json_object_set_new(*out, "my",
			    json_pack("{s:b, s:b, s:b, s:b}", "asked", (bits & MC__SEE_MEMBER) != 0, "may_answer",
				      open && (bits & MC__SEE_MEMBER), "may_conclude",
				      !open && !p->concluded_at && (bits & MC__SEE_CHAIR), "manages",
				      (bits & MC__SEE_OFFICE) != 0));
	return 0;
}

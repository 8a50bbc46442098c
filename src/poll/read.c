/*
 * read.c - reading polls: one poll (closed first when its deadline has
 * passed), the lists, the members an office may ask, the papers and the
 * result's PDF; and the chairman's conclusion.
 */
#include "internal.h"

#include "../core/log.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../dossier/dossier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* The poll id and the caller's standing; MC_E_NOT_FOUND when they may not
 * see it.  A poll past its deadline is closed first. */
static int visible(struct mc_poll_ctx *x, int64_t id, struct mc__poll *p, unsigned *bits)
{
	int rc = mc__poll_load(x->c, id, p);
	if (!rc && (rc = mc__poll_standing(x, p, bits)) == 0 && !*bits)
		rc = mc_error_set(x->e, MC_E_NOT_FOUND, NULL);
	int64_t now = mc_time_now_ms();
	if (!rc && strcmp(p->status, "open") == 0 && p->deadline <= now) {
		if (!(rc = mc__poll_close(x->c, id, now)))
			rc = mc__poll_load(x->c, id, p);
	}
	return rc;
}

int mc_poll_get(struct mc_poll_ctx *x, int64_t id, json_t **out)
{
	struct mc__poll p;
	unsigned bits = 0;
	int rc = visible(x, id, &p, &bits);
	return rc ? rc : mc__poll_json(x, &p, bits, out);
}

/* A row of a list: the poll at a glance, with the caller's last answer. */
#define LIST_COLS                                                                                                      \
	"p.id, p.title, p.deadline, p.status, p.silence, p.opened_at, p.closed_at, cm.name, (SELECT COUNT(*) FROM"     \
	" poll_members m WHERE m.poll_id = p.id), (SELECT COUNT(DISTINCT a.user_id) FROM poll_answers a WHERE"         \
	" a.poll_id = p.id), (SELECT a.choice FROM poll_answers a WHERE a.poll_id = p.id AND a.user_id = ? ORDER BY"   \
	" a.id DESC LIMIT 1), p.conclusion IS NOT NULL"

static json_t *list_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:I, s:I, s:o, s:b}", "id",
			 (json_int_t)mc_col_int64(s, 0), "title", mc_col_text(s, 1), "deadline", mc_col_json_time(s, 2),
			 "status", mc_col_text(s, 3), "silence", mc_col_text(s, 4), "opened_at", mc_col_json_time(s, 5),
			 "closed_at", mc_col_json_time(s, 6), "committee", mc_col_text(s, 7), "asked",
			 (json_int_t)mc_col_int64(s, 8), "answered", (json_int_t)mc_col_int64(s, 9), "my_choice",
			 mc_col_json_text(s, 10), "concluded", (int)mc_col_int64(s, 11));
}

/* Close what is due before a list shows it (the housekeeping may not have
 * run yet).  A poll that cannot be closed now is logged and shown open: the
 * housekeeping tries it again; the list is not refused for it. */
static int close_due(struct mc_poll_ctx *x)
{
	int64_t closed;
	int rc = mc_poll_close_due(x->c, mc_time_now_ms(), &closed);
	if (rc)
		mc_log_json(MC_LOG_WARN, "poll_close_failed", json_pack("{s:i}", "rc", rc));
	return 0;
}

int mc_poll_list(struct mc_poll_ctx *x, const char *state, json_t **items)
{
	if (state && strcmp(state, "open") != 0 && strcmp(state, "closed") != 0)
		return mc_bad_field(x->e, "state", MC_M_POLL_LIST_STATE), x->e->code = MC_E_VALIDATION;
	int rc = close_due(x);
	if (rc)
		return rc;
	int64_t me = x->who->user_id, agency = x->who->agency_id;
	int manage = mc_principal_has(x->who, "poll.manage"), chair = mc_principal_has(x->who, "poll.conclude");
	char sql[1600];
	snprintf(sql, sizeof(sql),
		 "SELECT " LIST_COLS " FROM polls p JOIN agencies cm ON cm.id = p.committee_id WHERE"
		 " (EXISTS (SELECT 1 FROM poll_members m WHERE m.poll_id = p.id AND m.user_id = ?) OR (? = 1 AND"
		 " EXISTS (SELECT 1 FROM agency_tree t WHERE t.ancestor_id = p.office_id AND t.descendant_id = ? AND"
		 " t.same_body = 1)) OR (? = 1 AND EXISTS (SELECT 1 FROM agency_tree t WHERE t.ancestor_id ="
		 " p.committee_id AND t.descendant_id = ? AND t.same_body = 1)))%s ORDER BY p.id DESC LIMIT 200",
		 state ? " AND p.status = ?" : "");
	struct mc_stmt *s;
	if (state)
		rc = mc_query(x->c, &s, sql, "iiiiiit", me, me, (int64_t)manage, agency, (int64_t)chair, agency, state);
	else
		rc = mc_query(x->c, &s, sql, "iiiiii", me, me, (int64_t)manage, agency, (int64_t)chair, agency);
	return rc ? rc : mc_rows_json(s, list_row, NULL, items);
}

int mc_poll_mine(struct mc_poll_ctx *x, const char *state, json_t **items)
{
	static const char *const states[] = {"waiting", "answered", "closed", NULL};
	static const char *const cond[] = {
		" AND p.status = 'open' AND NOT EXISTS (SELECT 1 FROM poll_answers a WHERE a.poll_id = p.id AND"
		" a.user_id = m.user_id) ORDER BY p.deadline, p.id",
		" AND p.status = 'open' AND EXISTS (SELECT 1 FROM poll_answers a WHERE a.poll_id = p.id AND"
		" a.user_id = m.user_id) ORDER BY p.deadline, p.id",
		" AND p.status = 'closed' ORDER BY p.id DESC",
		" ORDER BY p.id DESC",
	};
	int k = 0;
	while (state && states[k] && strcmp(states[k], state) != 0)
		k++;
	if (state && !states[k])
		return mc_bad_field(x->e, "state", MC_M_POLL_MINE_STATE), x->e->code = MC_E_VALIDATION;
	int rc = close_due(x);
	if (rc)
		return rc;
	char sql[1400];
	snprintf(sql, sizeof(sql),
		 "SELECT " LIST_COLS " FROM poll_members m JOIN polls p ON p.id = m.poll_id JOIN agencies cm ON cm.id ="
		 " p.committee_id WHERE m.user_id = ?%s LIMIT 200",
		 cond[k]);
	struct mc_stmt *s;
	rc = mc_query(x->c, &s, sql, "ii", x->who->user_id, x->who->user_id);
	return rc ? rc : mc_rows_json(s, list_row, NULL, items);
}

static json_t *candidate_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s?, s:s?}", "id", (json_int_t)mc_col_int64(s, 0), "full_name", mc_col_text(s, 1),
			 "position", mc_col_text(s, 2), "position_en", mc_col_text(s, 3));
}

int mc_poll_candidates(struct mc_poll_ctx *x, json_t **items)
{
	int64_t committee = 0;
	int rc = mc_query_int64(x->c, &committee,
				"SELECT parent_id FROM agencies WHERE id = ? AND parent_id IS NOT NULL", "i",
				x->who->agency_id);
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_FORBIDDEN, "the caller's agency serves no committee");
	struct mc_stmt *s;
	if (!rc)
		rc = mc_query(x->c, &s,
			      "SELECT u.id, u.full_name, u.position, u.position_en FROM users u JOIN agency_tree t ON"
			      " t.descendant_id = u.agency_id AND t.ancestor_id = ? AND t.same_body = 1 WHERE u.kind ="
			      " 'official' AND u.status = 'active' AND EXISTS (SELECT 1 FROM user_roles r WHERE"
			      " r.user_id = u.id AND r.role_code = 'committee_member') ORDER BY u.id",
			      "i", committee);
	return rc ? rc : mc_rows_json(s, candidate_row, NULL, items);
}

int mc_poll_file(struct mc_poll_ctx *x, int64_t id, int paper, void **data, size_t *n, char mime[32])
{
	struct mc__poll p;
	unsigned bits = 0;
	int rc = visible(x, id, &p, &bits);
	if (rc)
		return rc;
	char sha[65] = "";
	struct mc_stmt *s;
	if (paper)
		rc = mc_query(x->c, &s, "SELECT sha256 FROM poll_papers WHERE poll_id = ? AND position = ?", "ii", id,
			      (int64_t)paper);
	else
		rc = mc_query(x->c, &s, "SELECT result_sha256 FROM polls WHERE id = ? AND result_sha256 IS NOT NULL",
			      "i", id);
	if (!rc) {
		if ((rc = mc_step_row(s)) == 0)
			snprintf(sha, sizeof(sha), "%s", mc_col_text(s, 0));
		mc_stmt_done(s);
	}
	if (rc == MC_E_NOT_FOUND && !paper)
		return mc_error_set(x->e, MC_E_CONFLICT, "the poll is still open: its result comes at the deadline");
	if (rc == MC_E_NOT_FOUND)
		return mc_error_set(x->e, MC_E_NOT_FOUND, NULL);
	return rc ? rc : mc_blob_get(x->c, sha, data, n, mime);
}

int mc_poll_conclude(struct mc_poll_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out)
{
	struct mc__poll p;
	unsigned bits = 0;
	int rc = visible(x, id, &p, &bits);
	if (rc)
		return rc;
	if (!(bits & MC__SEE_CHAIR))
		return mc_error_set(x->e, MC_E_FORBIDDEN, "only the committee's chairman concludes");
	if (strcmp(p.status, "closed") != 0 || p.concluded_at)
		return mc_error_set(x->e, MC_E_CONFLICT, "%s",
				    p.concluded_at ? "the conclusion is recorded already" : "the poll is still open");
	json_t *v = json_object_get(in, "conclusion");
	const char *text = json_string_value(v);
	if (text && mc_text_valid(text, SIZE_MAX) && strlen(text) <= MC_POLL_SUMMARY_MAX * 8)
		text = mc_text_nfc(x->arena, text);
	else if (text && strlen(text) > MC_POLL_SUMMARY_MAX * 8)
		mc_bad_fieldn(x->e, "conclusion", MC_M_TOO_LONG, MC_POLL_SUMMARY_MAX);
	else if (text)
		mc_bad_field(x->e, "conclusion", MC_M_BAD_CHARACTERS);
	if (!x->e->nfields && (!text || !*text))
		mc_bad_field(x->e, "conclusion", text || !v ? MC_M_REQUIRED : MC_M_NOT_STRING);
	else if (!x->e->nfields && mc_text_chars(text) > MC_POLL_SUMMARY_MAX)
		mc_bad_fieldn(x->e, "conclusion", MC_M_TOO_LONG, MC_POLL_SUMMARY_MAX);
	if (x->e->nfields)
		return x->e->code = MC_E_VALIDATION;
	int64_t now = mc_time_now_ms();
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	int64_t k = mc_exec(x->c,
			    "UPDATE polls SET conclusion = ?, concluded_by = ?, concluded_at = ?, version = version + 1"
			    " WHERE id = ? AND version = ? AND conclusion IS NULL",
			    "tiiii", text, x->who->user_id, now, id, version);
	rc = k < 0 ? (int)k : k == 0 ? mc_error_set(x->e, MC_E_PRECONDITION, "the poll changed since it was read") : 0;
	if (!rc)
		rc = mc__poll_record(x->c, id, x->who->user_id, x->addr, "conclude", NULL, now);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_poll_get(x, id, out);
}

int mc_poll_count_open(struct mc_conn *c, int64_t root, int64_t now, int64_t *n)
{
	return mc_query_int64(
		c, n,
		"SELECT COUNT(*) FROM polls p WHERE p.committee_id IN (SELECT descendant_id FROM agency_tree"
		" WHERE ancestor_id = ?) AND p.opened_at <= ? AND p.deadline > ?",
		"iii", root, now, now);
}

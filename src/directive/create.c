/*
 * create.c - recording a directive: its source (a conclusion notice, a
 * meeting, a directing document the caller may read), the leader who gave
 * it, its content and its tasks, each for an agency of the leader's body's
 * subtree with a deadline; then reading it back.
 */
#include "internal.h"

#include "../core/timeutil.h"
#include "../db/qb.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

struct dnew {
	const char *source, *content, *given_on;
	int64_t document, leader, body;
	json_t *tasks; /* borrowed: the request's */
};

/* The source: its kind and the document it names (one the caller may read,
 * a Thông báo for a notice, an incoming one for a directing document). */
static int parse_source(struct mc_directive_ctx *x, json_t *in, struct dnew *n)
{
	static const char *const kinds[] = {"notice", "meeting", "document", NULL};
	n->source = mc__dir_text(x, in, "source_kind", 16, 1);
	int known = 0;
	for (int i = 0; n->source && kinds[i]; i++)
		known |= strcmp(n->source, kinds[i]) == 0;
	if (n->source && !known) {
		mc_bad_field(x->e, "source_kind", MC_M_DIRECTIVE_SOURCE_ENUM);
		n->source = NULL;
	}
	int needs = n->source && strcmp(n->source, "meeting") != 0;
	n->document = mc__dir_id(x, in, "document_id", needs);
	if (!n->document)
		return 0;
	json_t *doc = NULL;
	int rc = x->document ? x->document(x->document_arg, n->document, &doc) : MC_E_NOT_FOUND;
	if (rc == MC_E_NOT_FOUND) {
		mc_bad_field(x->e, "document_id", MC_M_DIRECTIVE_DOCUMENT);
		return 0;
	}
	if (rc)
		return rc;
	const char *type = json_string_value(json_object_get(json_object_get(doc, "type"), "code"));
	const char *direction = json_string_value(json_object_get(doc, "direction"));
	if (n->source && strcmp(n->source, "notice") == 0 && (!type || strcmp(type, "thong_bao") != 0))
		mc_bad_field(x->e, "document_id", MC_M_DIRECTIVE_NOTICE);
	if (n->source && strcmp(n->source, "document") == 0 && (!direction || strcmp(direction, "in") != 0))
		mc_bad_field(x->e, "document_id", MC_M_DIRECTIVE_INCOMING);
	json_decref(doc);
	return 0;
}

/* The leader: the caller when a leader names none; an active official with
 * the role leader, of a body the caller keeps the directives of (or the
 * caller themself). */
static int parse_leader(struct mc_directive_ctx *x, const struct mc__dir_caller *w, json_t *in, struct dnew *n)
{
	int self = mc_principal_has_role(x->who, "leader");
	json_t *v = json_object_get(in, "leader_id");
	n->leader = (!v || json_is_null(v)) && self ? x->who->user_id : mc__dir_id(x, in, "leader_id", 1);
	if (!n->leader)
		return 0;
	int64_t agency = 0;
	int rc =
		mc_query_int64(x->c, &agency,
			       "SELECT u.agency_id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role_code ="
			       " 'leader' WHERE u.id = ? AND u.kind = 'official' AND u.status = 'active'",
			       "i", n->leader);
	if (!rc)
		rc = mc__dir_body_of(x->c, agency, &n->body);
	if (rc && rc != MC_E_NOT_FOUND)
		return rc;
	if (rc || (n->leader != x->who->user_id && !mc__dir_manages(w, n->body))) {
		mc_bad_field(x->e, "leader_id", MC_M_DIRECTIVE_LEADER);
		n->leader = 0;
	}
	return 0;
}

/* Name the field problems added since from as those of tasks[i]. */
static void task_fields(struct mc_directive_ctx *x, size_t from, size_t i)
{
	for (size_t k = from; k < x->e->nfields; k++)
		x->e->fields[k].field = mc_sprintf(x->arena, "tasks[%zu].%s", i, x->e->fields[k].field);
}

/* Each task: an agency of the body's subtree, once; a deadline not before
 * the day the directive was given; what it is to do, optionally. */
static int parse_tasks(struct mc_directive_ctx *x, json_t *in, struct dnew *n)
{
	json_t *tasks = json_object_get(in, "tasks"), *t, *u;
	size_t i, k;
	if (!json_is_array(tasks) || !json_array_size(tasks) || json_array_size(tasks) > MC__DIR_TASKS_MAX) {
		mc_bad_field(x->e, "tasks", MC_M_DIRECTIVE_TASKS);
		return 0;
	}
	json_array_foreach(tasks, i, t) {
		size_t from = x->e->nfields;
		if (!json_is_object(t)) {
			mc_bad_field(x->e, mc_sprintf(x->arena, "tasks[%zu]", i), MC_M_DIRECTIVE_TASKS);
			continue;
		}
		int64_t agency = mc__dir_id(x, t, "agency_id", 1);
		const char *deadline = mc__dir_date(x, t, "deadline", 1);
		mc__dir_text(x, t, "content", MC__DIR_TEXT_MAX, 0);
		json_array_foreach(tasks, k, u)
			if (k < i && agency && json_integer_value(json_object_get(u, "agency_id")) == agency)
				mc_bad_field(x->e, "agency_id", MC_M_DIRECTIVE_TASKS);
		int ok = agency && n->body ? mc_agency_within(x->c, n->body, agency) : 1;
		if (ok < 0)
			return ok;
		if (!ok)
			mc_bad_field(x->e, "agency_id", MC_M_DIRECTIVE_AGENCY);
		char last[11];
		mc__dir_day(mc_time_now_ms(), MC__DIR_AHEAD_DAYS, last);
		if (deadline && ((n->given_on && strcmp(deadline, n->given_on) < 0) || strcmp(deadline, last) > 0))
			mc_bad_field(x->e, "deadline", MC_M_DIRECTIVE_DEADLINE);
		task_fields(x, from, i);
	}
	n->tasks = tasks;
	return 0;
}

static int parse(struct mc_directive_ctx *x, const struct mc__dir_caller *w, json_t *in, struct dnew *n)
{
	int rc = parse_source(x, in, n);
	if (!rc)
		rc = parse_leader(x, w, in, n);
	if (rc)
		return rc;
	n->content = mc__dir_text(x, in, "content", MC__DIR_CONTENT_MAX, 1);
	size_t before = x->e->nfields;
	n->given_on = mc__dir_date(x, in, "given_on", 0);
	char oldest[11];
	mc__dir_day(mc_time_now_ms(), -MC__DIR_PAST_DAYS, oldest);
	if (n->given_on && (strcmp(n->given_on, w->today) > 0 || strcmp(n->given_on, oldest) < 0)) {
		mc_bad_field(x->e, "given_on", MC_M_DIRECTIVE_GIVEN_ON);
		n->given_on = NULL;
	} else if (!n->given_on && x->e->nfields == before) {
		n->given_on = mc_strdup(x->arena, w->today); /* absent, null or empty: today */
	}
	if ((rc = parse_tasks(x, in, n)))
		return rc;
	return x->e->nfields ? (x->e->code = MC_E_VALIDATION) : 0;
}

static int store(struct mc_directive_ctx *x, const struct dnew *n, int64_t now, int64_t *id)
{
	struct mc_stmt *s;
	int rc = n->document
			 ? mc_query(x->c, &s,
				    "INSERT INTO directives (body_id, leader_id, source_kind, document_id, content,"
				    " given_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				    "iitittii", n->body, n->leader, n->source, n->document, n->content, n->given_on,
				    x->who->user_id, now)
			 : mc_query(x->c, &s,
				    "INSERT INTO directives (body_id, leader_id, source_kind, content, given_on,"
				    " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
				    "iitttii", n->body, n->leader, n->source, n->content, n->given_on, x->who->user_id,
				    now);
	if (rc || (rc = mc_step_returning(s, id)))
		return rc;
	size_t i;
	json_t *t;
	json_array_foreach(n->tasks, i, t) {
		const char *deadline = json_string_value(json_object_get(t, "deadline"));
		int64_t k = mc_exec(x->c,
				    "INSERT INTO directive_tasks (directive_id, agency_id, content, deadline,"
				    " original_deadline, created_at) VALUES (?, ?, ?, ?, ?, ?)",
				    "iittti", *id, (int64_t)json_integer_value(json_object_get(t, "agency_id")),
				    mc__dir_text(x, t, "content", MC__DIR_TEXT_MAX, 0), deadline, deadline, now);
		if (k < 0)
			return (int)k;
	}
	json_t *detail = json_pack("{s:I, s:s, s:O}", "leader_id", (json_int_t)n->leader, "source_kind", n->source,
				   "tasks", n->tasks);
	rc = mc__dir_record(x, *id, 0, "create", detail, now);
	json_decref(detail);
	return rc;
}

int mc_directive_create(struct mc_directive_ctx *x, json_t *in, json_t **out)
{
	int64_t now = mc_time_now_ms(), id = 0;
	struct mc__dir_caller w;
	struct dnew n = {0};
	int rc = mc__dir_caller(x, now, &w);
	if (!rc)
		rc = parse(x, &w, in, &n);
	if (rc)
		return rc;
	if ((rc = mc_tx_begin(x->c, 1)))
		return rc;
	rc = store(x, &n, now, &id);
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc ? rc : mc_directive_get(x, id, out);
}

static json_t *leader_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:o, s:o, s:I}", "id", (json_int_t)mc_col_int64(s, 0), "full_name",
			 mc_col_text(s, 1), "position", mc_col_json_text(s, 2), "position_en", mc_col_json_text(s, 3),
			 "body_id", (json_int_t)mc_col_int64(s, 4));
}

static json_t *agency_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)mc_col_int64(s, 0), "code", mc_col_text(s, 1),
			 "name", mc_col_text(s, 2), "name_en", mc_col_text(s, 3), "body_id",
			 (json_int_t)mc_col_int64(s, 4));
}

/* The bodies whose leaders the caller may record for: those they keep the
 * directives of, or only their own as a leader (0: none). */
static void bodies(struct mc_directive_ctx *x, const struct mc__dir_caller *w, int64_t b[2])
{
	b[0] = w->manage || mc_principal_has_role(x->who, "leader") ? w->body : 0;
	b[1] = w->manage ? w->office_of : 0;
}

int mc_directive_choices(struct mc_directive_ctx *x, json_t **out)
{
	struct mc__dir_caller w;
	int64_t b[2];
	int rc = mc__dir_caller(x, mc_time_now_ms(), &w);
	if (rc)
		return rc;
	bodies(x, &w, b);
	/* a leader who keeps no directive records their own only */
	int64_t only = w.manage ? 0 : x->who->user_id;
	json_t *leaders = NULL, *agencies = NULL;
	struct mc_stmt *s;
	struct mc_qb q = {.sql = MC_BUF_INIT(1024)};
	mc_qb_add(&q,
		  "SELECT u.id, u.full_name, u.position, u.position_en, t.ancestor_id FROM users u JOIN user_roles r"
		  " ON r.user_id = u.id AND r.role_code = 'leader' JOIN agency_tree t ON t.descendant_id = u.agency_id"
		  " AND t.same_body = 1",
		  "");
	mc_qb_and(&q, "u.status = 'active' AND u.kind = 'official' AND t.ancestor_id IN (?, ?)", "ii", b[0], b[1]);
	if (only)
		mc_qb_and(&q, "u.id = ?", "i", only);
	mc_qb_add(&q, " ORDER BY t.ancestor_id, u.id", "");
	rc = mc_qb_query(x->c, &q, &s);
	mc_buf_release(&q.sql);
	if (rc || (rc = mc_rows_json(s, leader_row, NULL, &leaders)))
		return rc;
	rc = mc_query(x->c, &s,
		      "SELECT a.id, a.code, a.name, a.name_en, t.ancestor_id FROM agency_tree t JOIN agencies a ON"
		      " a.id = t.descendant_id WHERE t.ancestor_id IN (?, ?) AND a.active = 1 ORDER BY t.ancestor_id,"
		      " t.depth, a.code",
		      "ii", b[0], b[1]);
	if (rc || (rc = mc_rows_json(s, agency_row, NULL, &agencies))) {
		json_decref(leaders);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "leaders", leaders, "agencies", agencies);
	return *out ? 0 : MC_E_NOMEM;
}

/*
 * workflow.c - reading dossiers and moving them from step to step.
 * Every action checks, in this order: the caller may see the dossier, the
 * version matches (If-Match), the action is allowed in the current status,
 * the caller holds the step's role and acts for the step's agency (is an
 * official of it or of one of its internal units, mc_agency_acts_for;
 * reading reaches the whole subtree, acting does not).  Then, in
 * one transaction: the dossier row, its steps, an event, an audit entry,
 * the statistics and the applicant's notification.
 */
#include "dossier.h"
#include "internal.h"

#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../core/gzip.h"
#include "../core/timeutil.h"
#include "../db/rows.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define DOSSIER_COLS                                                                                                   \
	"id, procedure_id, applicant_id, received_agency_id, competent_agency_id, current_agency_id, counter_id,"      \
	" assignee_id, received_at, due_at, paused_at, submitted_at, version, current_step, extended, code, status,"   \
	" step_role, channel, procedure_code, field_code, appointment_at"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void fill(struct mc_stmt *s, struct mc__dossier *d)
{
	d->id = mc_col_int64(s, 0);
	d->procedure_id = mc_col_int64(s, 1);
	d->applicant_id = mc_col_int64(s, 2);
	d->received_agency_id = mc_col_int64(s, 3);
	d->competent_agency_id = mc_col_int64(s, 4);
	d->current_agency_id = mc_col_int64(s, 5);
	d->counter_id = mc_col_int64(s, 6);
	d->assignee_id = mc_col_int64(s, 7);
	d->received_at = mc_col_int64(s, 8);
	d->due_at = mc_col_int64(s, 9);
	d->paused_at = mc_col_int64(s, 10);
	d->submitted_at = mc_col_int64(s, 11);
	d->version = mc_col_int64(s, 12);
	d->current_step = (int)mc_col_int64(s, 13);
	d->extended = (int)mc_col_int64(s, 14);
	copy(d->code, sizeof(d->code), mc_col_text(s, 15));
	copy(d->status, sizeof(d->status), mc_col_text(s, 16));
	copy(d->step_role, sizeof(d->step_role), mc_col_text(s, 17));
	copy(d->channel, sizeof(d->channel), mc_col_text(s, 18));
	copy(d->procedure_code, sizeof(d->procedure_code), mc_col_text(s, 19));
	copy(d->field_code, sizeof(d->field_code), mc_col_text(s, 20));
	d->appointment_at = mc_col_int64(s, 21);
}

/* The one dossier a query of DOSSIER_COLS gave (rc: the query's), into d. */
static int load_row(int rc, struct mc_stmt *s, struct mc__dossier *d)
{
	if (rc)
		return rc;
	if (!(rc = mc_step_row(s)))
		fill(s, d);
	mc_stmt_done(s);
	return rc;
}

int mc__load(struct mc_conn *c, const char *code, struct mc__dossier *d)
{
	struct mc_stmt *s = NULL;
	int64_t lo, hi;
	mc_dossier_code_ids(code, &lo, &hi);
	int rc =
		mc_query(c, &s, "SELECT " DOSSIER_COLS " FROM dossiers WHERE " MC_DOSSIER_BY_CODE, "tii", code, lo, hi);
	return load_row(rc, s, d);
}

int mc__event(struct mc_dossier_ctx *x, int64_t id, const char *action, const char *from, const char *to, int step,
	      int64_t agency, int64_t counter, const char *detail)
{
	int64_t now = mc_time_now_ms();
	int64_t n = mc_exec(
		x->c,
		"INSERT INTO dossier_events (dossier_id, at, actor_id, action, from_status, to_status, step, agency_id,"
		" counter_id, source, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		"iiitttdiitt", id, now, (int64_t)(x->who ? x->who->user_id : 0), action, from, to, step, agency,
		counter, x->addr ? x->addr : "-", detail ? detail : "{}");
	/* the national portal hears of every change but a look or a hand-over
	 * to a specialist (src/portal sends it): queued with the change */
	if (n >= 0 && to && strcmp(action, "view") != 0 && strcmp(action, "assign") != 0)
		n = mc_exec(x->c,
			    "INSERT INTO portal_sync (dossier_id, at, action, status, next_at) VALUES (?, ?, ?, ?, ?)",
			    "iitti", id, now, action, to, now);
	return n < 0 ? (int)n : 0;
}

/*
 * The audit chain has one head row (src/audit/audit.c): appending takes its
 * lock until the transaction ends, so every transaction that audits waits
 * for the one before to COMMIT.  A transition appends its entry last, just
 * before its COMMIT, so that the wait covers the append and the COMMIT, not
 * the transition's other statements (PostgreSQL; SQLite writes one at a
 * time anyway).
 */
int mc__audit(struct mc_dossier_ctx *x, const char *action, int64_t id, const char *code)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)id);
	struct mc_audit_entry e = {x->who ? x->who->user_id : 0, action, "dossier", oid, x->addr ? x->addr : "-", NULL};
	return mc_audit_append_json(x->c, &e, mc_audit_code(code));
}

int mc__notify(struct mc_conn *c, int64_t id, const char *event, const char *detail_json)
{
	/* recipient: the applicant's contact details as they are on the dossier */
	struct mc_stmt *s;
	int rc = mc_query(c, &s, "SELECT code, applicant_id, applicant, status, due_at FROM dossiers WHERE id = ?", "i",
			  id);
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	json_error_t je;
	char code[80], status[32];
	copy(code, sizeof(code), mc_col_text(s, 0));
	copy(status, sizeof(status), mc_col_text(s, 3));
	struct mc__addressee to = {code, status, mc_col_int64(s, 1), mc_col_int64(s, 4),
				   json_loads(mc_col_text(s, 2), 0, &je)};
	mc_stmt_done(s); /* no statement open while the next one runs */
	rc = mc__notify_to(c, id, event, detail_json, &to);
	json_decref(to.applicant);
	return rc;
}

int mc__notify_to(struct mc_conn *c, int64_t id, const char *event, const char *detail_json,
		  const struct mc__addressee *to)
{
	json_t *ap = to->applicant;
	json_t *recipient = json_pack("{s:I, s:O?, s:O?, s:O?}", "user_id", (json_int_t)to->applicant_id, "full_name",
				      json_object_get(ap, "full_name"), "phone", json_object_get(ap, "phone"), "email",
				      json_object_get(ap, "email"));
	json_t *payload = json_pack("{s:s, s:s, s:s, s:o}", "event", event, "code", to->code, "status", to->status,
				    "due_at", mc__time_or_null(to->due_at));
	if (detail_json) {
		json_error_t je;
		json_t *d = json_loads(detail_json, 0, &je);
		if (d)
			json_object_set_new(payload, "detail", d);
	}
	char *r = json_dumps(recipient, JSON_COMPACT), *p = json_dumps(payload, JSON_COMPACT);
	int64_t n = mc_exec(c, "INSERT INTO outbox (at, dossier_id, event, recipient, payload) VALUES (?, ?, ?, ?, ?)",
			    "iittt", mc_time_now_ms(), id, event, r, p);
	free(r);
	free(p);
	json_decref(recipient);
	json_decref(payload);
	return n < 0 ? (int)n : 0;
}

#define STATS_UPSERT(col)                                                                                              \
	"INSERT INTO dossier_stats (agency_id, procedure_code, field_code, period, " col ") VALUES (?, ?, ?, ?, 1)"    \
	" ON CONFLICT (period, agency_id, procedure_code) DO UPDATE SET " col " = dossier_stats." col " + 1"

int mc__stats_add(struct mc_conn *c, int64_t agency, const char *procedure, const char *field, int64_t at,
		  const char *column)
{
	/* one complete statement per counter: no SQL assembled at run time */
	static const struct {
		const char *column, *sql;
	} upserts[] = {
		{"received_online", STATS_UPSERT("received_online")},
		{"received_counter", STATS_UPSERT("received_counter")},
		{"resolved_early", STATS_UPSERT("resolved_early")},
		{"resolved_on_time", STATS_UPSERT("resolved_on_time")},
		{"resolved_late", STATS_UPSERT("resolved_late")},
		{"refused", STATS_UPSERT("refused")},
		{"withdrawn", STATS_UPSERT("withdrawn")},
		{"stopped", STATS_UPSERT("stopped")},
	};
	const char *sql = NULL;
	for (size_t i = 0; i < sizeof(upserts) / sizeof(upserts[0]); i++)
		if (strcmp(upserts[i].column, column) == 0)
			sql = upserts[i].sql;
	if (!sql)
		return MC_E_INTERNAL;
	char day[11], periods[3][16];
	mc__local_day(at, day);
	snprintf(periods[0], sizeof(periods[0]), "D%s", day);
	snprintf(periods[1], sizeof(periods[1]), "M%.7s", day);
	snprintf(periods[2], sizeof(periods[2]), "Y%.4s", day);
	for (int i = 0; i < 3; i++) {
		int64_t n = mc_exec(c, sql, "ittt", agency, procedure, field, periods[i]);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int mc__register_next(struct mc_conn *c, int64_t agency, int64_t at, int64_t *entry)
{
	char day[11], year[8];
	mc__local_day(at, day);
	snprintf(year, sizeof(year), "Y%.4s", day);
	struct mc_stmt *s;
	int rc =
		mc_query(c, &s,
			 "INSERT INTO dossier_sequences (agency_id, day, last) VALUES (?, ?, 1)"
			 " ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_sequences.last + 1 RETURNING last",
			 "it", agency, year);
	return rc ? rc : mc_step_returning(s, entry);
}

int mc__register_entry(struct mc_conn *c, int64_t id, int64_t agency, int64_t at)
{
	int64_t entry = 0;
	int rc = mc__register_next(c, agency, at, &entry);
	if (rc)
		return rc;
	int64_t n = mc_exec(c, "UPDATE dossiers SET register_entry = ? WHERE id = ?", "ii", entry, id);
	return n < 0 ? (int)n : 0;
}

int mc__may_read(struct mc_dossier_ctx *x, const struct mc__dossier *d)
{
	const struct mc_principal *w = x->who;
	if (!w)
		return 0;
	if (d->applicant_id && d->applicant_id == w->user_id)
		return 1;
	if (!w->agency_id || !mc_principal_has(w, "dossier.read"))
		return 0;
	/* an agency involved is in the caller's subtree, or is one the caller
	 * acts for (an internal unit reads what it works on for its body) */
	int64_t agencies[3] = {d->received_agency_id, d->competent_agency_id, d->current_agency_id};
	for (int i = 0; i < 3; i++) {
		if (!agencies[i])
			continue;
		int rc = mc_agency_within(x->c, w->agency_id, agencies[i]);
		if (!rc)
			rc = mc_agency_acts_for(x->c, w->agency_id, agencies[i]);
		if (rc)
			return rc;
	}
	/* a consulted agency that held a step */
	int64_t n = 0;
	int rc = mc_query_int64(x->c, &n,
				"SELECT COUNT(*) FROM dossier_steps s JOIN agency_tree t"
				" ON (t.descendant_id = s.agency_id AND t.ancestor_id = ?)"
				" OR (t.ancestor_id = s.agency_id AND t.descendant_id = ? AND t.same_body = 1)"
				" WHERE s.dossier_id = ?",
				"iii", w->agency_id, w->agency_id, d->id);
	return rc ? rc : n > 0;
}

int mc__load_readable(struct mc_dossier_ctx *x, const char *code, struct mc__dossier *d)
{
	int rc = mc__load(x->c, code, d);
	if (!rc)
		rc = mc__may_read(x, d);
	return rc < 0 ? rc : rc ? 0 : MC_E_NOT_FOUND;
}

/* ---------------- representation ---------------- */

static json_t *agency_json(struct mc_stmt *s, int64_t id)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "code", mc_col_text(s, 0), "name",
			 mc_col_text(s, 1), "name_en", mc_col_text(s, 2));
}

static json_t *user_json(struct mc_stmt *s, int64_t id)
{
	return json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)id, "full_name", mc_col_text(s, 0), "position",
			 mc_col_text(s, 1));
}

/* The agencies and officials one representation names, each read once:
 * a dossier taken in names the same agency and clerk up to six times. */
#define REFS_MAX 16
struct refs {
	struct mc_conn *c;
	int n;
	struct {
		const char *sql;
		int64_t id;
		json_t *v; /* NULL: no such row */
	} e[REFS_MAX];
};

static void refs_release(struct refs *m)
{
	for (int i = 0; i < m->n; i++)
		json_decref(m->e[i].v);
	m->n = 0;
}

/* Set key of j to a reference to the row id that sql (its one parameter
 * the id) reads, made by make; null when id is 0 or names no row. */
static int put_ref(struct refs *m, json_t *j, const char *key, int64_t id, const char *sql,
		   json_t *(*make)(struct mc_stmt *, int64_t))
{
	int i = 0;
	while (i < m->n && !(m->e[i].id == id && m->e[i].sql == sql))
		i++;
	if (id && i == m->n) {
		struct mc_stmt *s;
		json_t *ref = NULL;
		int rc = mc_query(m->c, &s, sql, "i", id);
		if (rc)
			return rc;
		if ((rc = mc_step(s)) == MC_DB_ROW)
			ref = make(s, id);
		mc_stmt_done(s);
		if (rc < 0) {
			json_decref(ref);
			return rc;
		}
		if (m->n == REFS_MAX) {
			json_object_set_new(j, key, ref ? ref : json_null());
			return 0;
		}
		m->e[m->n].sql = sql;
		m->e[m->n].id = id;
		m->e[m->n++].v = ref;
	}
	json_t *v = id ? m->e[i].v : NULL;
	json_object_set_new(j, key, v ? json_deep_copy(v) : json_null());
	return 0;
}

static const char AGENCY_REF[] = "SELECT code, name, name_en FROM agencies WHERE id = ?";
static const char USER_REF[] = "SELECT full_name, position FROM users WHERE id = ?";

/* A reference to agency id ({id, code, name, name_en}) as key of j. */
static int put_agency(struct refs *m, json_t *j, const char *key, int64_t id)
{
	return put_ref(m, j, key, id, AGENCY_REF, agency_json);
}

/* A reference to user id ({id, full_name, position}) as key of j. */
static int put_user(struct refs *m, json_t *j, const char *key, int64_t id)
{
	return put_ref(m, j, key, id, USER_REF, user_json);
}

/* What step_json needs besides the row. */
struct steps_ctx {
	int full;
	json_t *def_steps;
};

json_t *mc__step_view_json(const struct mc__step_view *v, json_t *def_step)
{
	json_t *st =
		json_pack("{s:I, s:s, s:s, s:{s:I, s:s, s:s}, s:I, s:o, s:o, s:o, s:o}", "seq", (json_int_t)v->seq,
			  "name", v->name, "role", v->role, "unit", "id", (json_int_t)v->agency_id, "code",
			  v->agency_code, "name", v->agency_name, "hours", (json_int_t)v->hours, "received_at",
			  mc__time_or_null(v->started), "due_at", mc__time_or_null(v->due), "finished_at",
			  mc__time_or_null(v->finished), "result", v->result ? json_string(v->result) : json_null());
	json_object_set_new(st, "handed_at", mc__time_or_null(v->started));
	if (v->agency_name_en)
		json_object_set_new(json_object_get(st, "unit"), "name_en", json_string(v->agency_name_en));
	if (mc__jstr(def_step, "name_en"))
		json_object_set_new(st, "name_en", json_string(mc__jstr(def_step, "name_en")));
	return st;
}

/* One row of steps_of's query. */
static json_t *step_json(struct mc_stmt *s, void *ud)
{
	const struct steps_ctx *k = ud;
	struct mc__step_view v = {
		.seq = mc_col_int64(s, 0),
		.name = mc_col_text(s, 1),
		.role = mc_col_text(s, 2),
		.agency_id = mc_col_int64(s, 3),
		.agency_code = mc_col_text(s, 4),
		.agency_name = mc_col_text(s, 5),
		.hours = mc_col_int64(s, 6),
		.started = mc_col_int64(s, 7),
		.due = mc_col_int64(s, 8),
		.finished = mc_col_int64(s, 9),
		.result = mc_col_text(s, 10),
		.agency_name_en = mc_col_text(s, 14),
	};
	/* the steps are copied from the procedure's version in order: seq n is its step n */
	json_t *st = mc__step_view_json(&v, json_array_get(k->def_steps, (size_t)(v.seq - 1)));
	if (k->full) {
		json_object_set_new(st, "note", mc_col_text(s, 11) ? json_string(mc_col_text(s, 11)) : json_null());
		json_object_set_new(st, "handed_by_id", json_integer(mc_col_int64(s, 12)));
		json_object_set_new(st, "finished_by_id", json_integer(mc_col_int64(s, 13)));
	}
	return st;
}

/* The steps of dossier id; def_steps: the steps of its procedure's
 * version (a step's English name is there, at the same position), or NULL. */
static int steps_of(struct refs *m, int64_t id, int full, json_t *def_steps, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(m->c, &s,
			  "SELECT s.seq, s.name, s.role, s.agency_id, a.code, a.name, s.hours, s.started_at, s.due_at, "
			  "s.finished_at,"
			  " s.result, s.note, s.handed_by, s.finished_by, a.name_en"
			  " FROM dossier_steps s JOIN agencies a ON a.id = s.agency_id"
			  " WHERE s.dossier_id = ? ORDER BY s.seq",
			  "i", id);
	if (rc)
		return rc;
	struct steps_ctx k = {.full = full, .def_steps = def_steps};
	json_t *arr;
	if ((rc = mc_rows_json(s, step_json, &k, &arr)))
		return rc;
	/* names of who handed and who finished (a second pass: no nested statements) */
	size_t i;
	json_t *st;
	json_array_foreach(arr, i, st) {
		if (!full)
			break;
		if ((rc = put_user(m, st, "handed_by", json_integer_value(json_object_get(st, "handed_by_id")))) ||
		    (rc = put_user(m, st, "received_by", json_integer_value(json_object_get(st, "finished_by_id"))))) {
			json_decref(arr);
			return rc;
		}
	}
	*out = arr;
	return 0;
}

/* Events (officials only) and, for the current step, the officials who
 * should act with whether they viewed it. */
static json_t *event_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *detail = json_loads(mc_col_text(s, 8), 0, &je);
	return json_pack("{s:o, s:s, s:s?, s:s?, s:I, s:I, s:s?, s:o}", "at", mc__time_or_null(mc_col_int64(s, 0)),
			 "action", mc_col_text(s, 1), "from_status", mc_col_text(s, 2), "to_status", mc_col_text(s, 3),
			 "step", (json_int_t)mc_col_int64(s, 4), "actor_id", (json_int_t)mc_col_int64(s, 5), "actor",
			 mc_col_text(s, 6), "detail", detail ? detail : json_object());
}

static int events_of(struct mc_conn *c, int64_t id, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT e.at, e.action, e.from_status, e.to_status, e.step, e.actor_id, u.full_name, "
			  "e.agency_id, e.detail"
			  " FROM dossier_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.dossier_id = ? ORDER "
			  "BY e.id",
			  "i", id);
	return rc ? rc : mc_rows_json(s, event_row, NULL, out);
}

static json_t *pending_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:I, s:s, s:b, s:b}", "id", (json_int_t)mc_col_int64(s, 0), "full_name", mc_col_text(s, 1),
			 "viewed", mc_col_int64(s, 2) > 0, "processed", 0);
}

static int pending_of(struct mc_conn *c, const struct mc__dossier *d, json_t **out)
{
	if (!d->current_agency_id || !d->step_role[0]) {
		*out = json_array();
		return 0;
	}
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT u.id, u.full_name,"
		" (SELECT COUNT(*) FROM dossier_events e WHERE e.dossier_id = ? AND e.actor_id = u.id AND "
		"e.step = ?"
		"  AND e.action = 'view')"
		" FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role_code = ?"
		" JOIN agency_tree t ON t.descendant_id = u.agency_id AND t.ancestor_id = ? AND t.same_body = 1"
		" WHERE u.status = 'active' ORDER BY u.id",
		"idti", d->id, d->current_step, d->step_role, d->current_agency_id);
	return rc ? rc : mc_rows_json(s, pending_row, NULL, out);
}

/* A dossier's papers as shown: numbered in order, with the names (and the
 * English ones) of its procedure's version, the note "" when none; a paper
 * kept with its own number and name (written before 0021's release) keeps
 * them. */
static json_t *papers_shown(json_t *kept, json_t *def_papers)
{
	json_t *out = json_array(), *p, *dp;
	size_t i, k;
	json_array_foreach(kept, i, p) {
		const char *code = mc__jstr(p, "code"), *name = mc__jstr(p, "name"), *name_en = NULL;
		json_array_foreach(def_papers, k, dp) {
			if (code && mc__jstr(dp, "code") && strcmp(code, mc__jstr(dp, "code")) == 0) {
				name = name ? name : mc__jstr(dp, "name");
				name_en = mc__jstr(dp, "name_en");
				break;
			}
		}
		json_t *no = json_object_get(p, "no");
		json_t *q =
			json_pack("{s:O?, s:s?, s:s?, s:O?, s:O?, s:s}", "no", json_is_integer(no) ? no : NULL, "code",
				  code, "name", name ? name : code, "kind", json_object_get(p, "kind"), "count",
				  json_object_get(p, "count"), "note", mc__jstr(p, "note") ? mc__jstr(p, "note") : "");
		if (!q)
			continue;
		if (!json_is_integer(no))
			json_object_set_new(q, "no", json_integer((json_int_t)i + 1));
		if (name_en)
			json_object_set_new(q, "name_en", json_string(name_en));
		json_array_append_new(out, q);
	}
	return out;
}

/* The instant after which the dossier is late where it stands, or null:
 * in progress, its legal deadline; submitted online, the end of the working
 * day it had to be received in (extra.receive_by); otherwise (waiting for
 * papers: the clock is stopped; ended) never. */
static json_t *overdue_at(const char *status, int64_t due_at, json_t *extra)
{
	if (strcmp(status, "in_progress") == 0)
		return mc__time_or_null(due_at);
	json_t *by = json_object_get(extra, "receive_by");
	return strcmp(status, "submitted") == 0 && json_is_string(by) ? json_copy(by) : json_null();
}

/* The reception counter a dossier was taken in at: *out NULL when none. */
static int counter_ref(struct mc_conn *c, int64_t id, json_t **out)
{
	struct mc_stmt *s = NULL;
	int rc = 0;
	*out = NULL;
	if (!id || (rc = mc_query(c, &s, "SELECT code, name FROM counters WHERE id = ?", "i", id)))
		goto out;
	if ((rc = mc_step(s)) == MC_DB_ROW)
		*out = json_pack("{s:s, s:s}", "code", mc_col_text(s, 0), "name", mc_col_text(s, 1));
	rc = rc < 0 ? rc : 0;
out:
	mc_stmt_done(s);
	return rc;
}

/* The columns of a dossier that only its representation reads. */
struct shown {
	char secret[16], result[16], method[16];
	json_t *applicant, *form, *papers, *extra;
	int64_t completed, returned, entry, received_by;
};

/* The dossier id, as mc__load reads it, and what only its representation
 * shows: one read of the row. */
static int shown_load(struct mc_conn *c, int64_t id, struct mc__dossier *d, struct shown *r)
{
	enum { SHOWN = 22 }; /* the first column after DOSSIER_COLS */
	struct mc_stmt *s = NULL;
	json_error_t je;
	int rc =
		mc_query(c, &s,
			 "SELECT " DOSSIER_COLS ", secret, applicant, form_data, papers, completed_at, returned_at,"
			 " result_status, return_method, register_entry, extra, received_by FROM dossiers WHERE id = ?",
			 "i", id);
	if (rc)
		goto out;
	if ((rc = mc_step_row(s)))
		goto out;
	fill(s, d);
	copy(r->secret, sizeof(r->secret), mc_col_text(s, SHOWN + 0));
	r->applicant = json_loads(mc_col_text(s, SHOWN + 1), 0, &je);
	r->form = json_loads(mc_col_text(s, SHOWN + 2), 0, &je);
	r->papers = json_loads(mc_col_text(s, SHOWN + 3), 0, &je);
	r->extra = json_loads(mc_col_text(s, SHOWN + 9), 0, &je);
	r->completed = mc_col_int64(s, SHOWN + 4);
	r->returned = mc_col_int64(s, SHOWN + 5);
	r->entry = mc_col_int64(s, SHOWN + 8);
	r->received_by = mc_col_int64(s, SHOWN + 10);
	copy(r->result, sizeof(r->result), mc_col_text(s, SHOWN + 6));
	copy(r->method, sizeof(r->method), mc_col_text(s, SHOWN + 7));
out:
	mc_stmt_done(s);
	return rc;
}

static void shown_release(struct shown *r)
{
	json_decref(r->applicant);
	json_decref(r->form);
	json_decref(r->papers);
	json_decref(r->extra);
}

/* The representation's head: the dossier, its procedure (as its version
 * defines it), its applicant and its times.  Takes r->applicant. */
static json_t *head_json(const struct mc__dossier *d, struct shown *r, json_t *def)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)d->id, "code", d->code, "status",
			      d->status, "channel", d->channel, "version", (json_int_t)d->version);
	json_t *pj = json_pack("{s:s, s:O, s:O, s:I, s:O, s:O, s:O}", "code", d->procedure_code, "name",
			       json_object_get(def, "name"), "name_en", json_object_get(def, "name_en"), "version",
			       (json_int_t)json_integer_value(json_object_get(def, "version")), "processing_time",
			       json_object_get(def, "processing_time"), "result", json_object_get(def, "result"),
			       "field", json_object_get(def, "field"));
	if (json_is_string(json_object_get(def, "field_en")))
		json_object_set(pj, "field_en", json_object_get(def, "field_en"));
	if (json_is_string(json_object_get(def, "result_en")))
		json_object_set(pj, "result_en", json_object_get(def, "result_en"));
	json_object_set_new(j, "procedure", pj);
	json_object_set_new(j, "applicant", r->applicant ? r->applicant : json_object());
	r->applicant = NULL;
	json_object_set_new(j, "submitted_at", mc__time_or_null(d->submitted_at));
	json_object_set_new(j, "received_at", mc__time_or_null(d->received_at));
	/* due_at: the legal deadline the dossier is scored against;
	 * appointment_at: the date given to the applicant (moved by an apology) */
	json_object_set_new(j, "due_at", mc__time_or_null(d->due_at));
	json_object_set_new(j, "appointment_at", mc__time_or_null(d->appointment_at ? d->appointment_at : d->due_at));
	json_object_set_new(j, "completed_at", mc__time_or_null(r->completed));
	json_object_set_new(j, "returned_at", mc__time_or_null(r->returned));
	json_object_set_new(j, "overdue_at", overdue_at(d->status, d->due_at, r->extra));
	json_object_set_new(j, "result_status", r->result[0] ? json_string(r->result) : json_null());
	json_object_set_new(j, "return_method", json_string(r->method));
	return j;
}

/* Where the dossier is and who has it: agencies, step, officials, the
 * counter it was taken in at, where the result is returned, its entry in
 * the register. */
static int add_places(struct refs *m, json_t *j, const struct mc__dossier *d, const struct shown *r)
{
	json_t *counter = NULL;
	int rc;
	if ((rc = put_agency(m, j, "received_agency", d->received_agency_id)) ||
	    (rc = put_agency(m, j, "competent_agency", d->competent_agency_id)) ||
	    (rc = put_agency(m, j, "current_agency", d->current_agency_id)))
		return rc;
	json_object_set_new(j, "current_step", json_integer(d->current_step));
	json_object_set_new(j, "current_role", d->step_role[0] ? json_string(d->step_role) : json_null());
	if ((rc = put_user(m, j, "assignee", d->assignee_id)) || (rc = put_user(m, j, "received_by", r->received_by)) ||
	    (rc = counter_ref(m->c, d->counter_id, &counter)))
		return rc;
	json_object_set_new(j, "extended", json_boolean(d->extended));
	/* late although the applicant was given a new date: counted late */
	json_object_set_new(j, "late_with_apology", json_boolean(d->extended && strcmp(r->result, "late") == 0));
	if (counter)
		json_object_set_new(j, "counter", counter);
	const char *ra = mc__jstr(json_object_get(j, "received_agency"), "name");
	json_object_set_new(
		j, "return_place",
		json_sprintf("%s%s%s", counter ? mc__jstr(counter, "name") : "", counter ? ", " : "", ra ? ra : ""));
	char day[11], book[64];
	mc__local_day(d->received_at ? d->received_at : d->submitted_at, day);
	snprintf(book, sizeof(book), "Sổ theo dõi hồ sơ năm %.4s", day);
	json_object_set_new(j, "register",
			    r->entry ? json_pack("{s:s, s:I}", "book", book, "entry", (json_int_t)r->entry)
				     : json_null());
	return 0;
}

/* The parts only officials see: the events and who should act now. */
static int add_officials_parts(struct mc_conn *c, json_t *j, const struct mc__dossier *d)
{
	json_t *events = NULL, *pending = NULL;
	int rc;
	if ((rc = events_of(c, d->id, &events)))
		return rc;
	json_object_set_new(j, "events", events);
	if ((rc = pending_of(c, d, &pending)))
		return rc;
	json_object_set_new(j, "pending_officials", pending);
	return 0;
}

int mc__represent(struct mc_dossier_ctx *x, int64_t id, int full, json_t **out)
{
	struct mc_conn *c = x->c;
	struct mc__dossier d;
	struct shown r = {0};
	struct refs m = {.c = c};
	json_t *def = NULL, *j = NULL, *steps = NULL;
	int rc;
	if ((rc = shown_load(c, id, &d, &r)) || (rc = mc_catalog_get_id(c, d.procedure_id, &def)))
		goto out;
	j = head_json(&d, &r, def);
	if ((rc = add_places(&m, j, &d, &r)))
		goto out;
	json_object_set_new(j, "sets", json_integer(1));
	json_object_set_new(j, "papers", papers_shown(r.papers, json_object_get(def, "papers")));
	if ((rc = steps_of(&m, id, full, json_object_get(def, "steps"), &steps)))
		goto out;
	json_object_set_new(j, "steps", steps);
	if (json_is_object(r.extra)) {
		const char *k;
		json_t *v;
		json_object_foreach(r.extra, k, v)
			json_object_set(j, k, v);
	}
	json_object_set_new(j, "secret", json_string(r.secret));
	if (x->base_url)
		json_object_set_new(j, "tracking_url",
				    json_sprintf("%s/tra-cuu?ma=%s&s=%s", x->base_url, d.code, r.secret));
	json_object_set_new(j, "form", r.form ? r.form : json_object());
	r.form = NULL;
	if (full && x->who && x->who->agency_id && (rc = add_officials_parts(c, j, &d)))
		goto out;
	*out = j;
	j = NULL;
out:
	json_decref(j);
	json_decref(def);
	shown_release(&r);
	refs_release(&m);
	return rc;
}

int mc_dossier_get(struct mc_dossier_ctx *x, const char *code, json_t **out)
{
	struct mc__dossier d;
	int rc = mc__load_readable(x, code, &d);
	if (rc)
		return rc;
	if (x->who && x->who->agency_id && d.current_step) {
		/* "viewed": once per official and step.  Looked up first, so that
		 * reading the page again writes nothing (the unique index
		 * dossier_views only backs this up against a concurrent first view) */
		struct mc_stmt *s;
		if ((rc = mc_query(x->c, &s,
				   "SELECT 1 FROM dossier_events WHERE dossier_id = ? AND actor_id = ? AND step = ?"
				   " AND action = 'view'",
				   "iid", d.id, x->who->user_id, d.current_step)))
			return rc;
		rc = mc_step(s);
		mc_stmt_done(s);
		if (rc < 0)
			return rc;
		if (rc == MC_DB_DONE &&
		    (rc = mc__event(x, d.id, "view", NULL, NULL, d.current_step, x->who->agency_id, 0, NULL)))
			return rc;
	}
	return mc__represent(x, d.id, 1, out);
}

#define TRACK_SELECT                                                                                                   \
	"SELECT d.id, d.status, d.procedure_code, p.name, p.name_en, d.submitted_at, COALESCE(d.received_at, 0),"      \
	" COALESCE(d.due_at, 0), COALESCE(d.completed_at, 0), COALESCE(d.returned_at, 0), d.result_status, d.code,"    \
	" COALESCE(d.appointment_at, d.due_at, 0), d.extended, d.extra, d.procedure_id"                                \
	" FROM dossiers d JOIN procedures p ON p.id = d.procedure_id WHERE "

json_t *mc__track_head_json(const struct mc__track_head *t)
{
	json_t *j =
		json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:s?}", "code", t->code, "status",
			  t->status, "procedure", "code", t->procedure_code, "name", t->name, "name_en", t->name_en,
			  "submitted_at", mc__time_or_null(t->submitted), "received_at", mc__time_or_null(t->received),
			  "due_at", mc__time_or_null(t->due), "completed_at", mc__time_or_null(t->completed),
			  "returned_at", mc__time_or_null(t->returned), "result_status", t->result);
	json_object_set_new(j, "appointment_at", mc__time_or_null(t->appointment));
	json_object_set_new(j, "late_with_apology",
			    json_boolean(t->extended && t->result && strcmp(t->result, "late") == 0));
	/* extra is read only for what a submitted dossier's lateness needs */
	json_error_t je;
	json_t *extra = strcmp(t->status, "submitted") == 0 && t->extra ? json_loads(t->extra, 0, &je) : NULL;
	json_object_set_new(j, "overdue_at", overdue_at(t->status, t->due, extra));
	json_decref(extra);
	return j;
}

int mc__track_gzip(json_t *j, struct mc_buf *gz)
{
	char *text = json_dumps(j, JSON_COMPACT);
	int rc = text ? mc_gzip(gz, text, strlen(text)) : MC_E_NOMEM;
	free(text);
	return rc;
}

/* The tracking answer of the dossier a query of TRACK_SELECT found (rc:
 * how mc_query went). */
static int track_build(struct mc_conn *c, int rc, struct mc_stmt *s, json_t **out)
{
	if (rc)
		return rc;
	if ((rc = mc_step_row(s))) {
		mc_stmt_done(s);
		return rc;
	}
	int64_t did = mc_col_int64(s, 0);
	struct mc__track_head t = {
		.code = mc_col_text(s, 11),
		.status = mc_col_text(s, 1),
		.procedure_code = mc_col_text(s, 2),
		.name = mc_col_text(s, 3),
		.name_en = mc_col_text(s, 4),
		.submitted = mc_col_int64(s, 5),
		.received = mc_col_int64(s, 6),
		.due = mc_col_int64(s, 7),
		.completed = mc_col_int64(s, 8),
		.returned = mc_col_int64(s, 9),
		.result = mc_col_text(s, 10),
		.appointment = mc_col_int64(s, 12),
		.extended = (int)mc_col_int64(s, 13),
		.extra = mc_col_text(s, 14),
	};
	json_t *j = mc__track_head_json(&t);
	int64_t pid = mc_col_int64(s, 15);
	mc_stmt_done(s);
	json_t *def = NULL, *steps = NULL;
	struct refs m = {.c = c}; /* steps without officials: nothing kept */
	if ((rc = mc_catalog_get_id(c, pid, &def)) ||
	    (rc = steps_of(&m, did, 0, json_object_get(def, "steps"), &steps))) {
		json_decref(def);
		json_decref(j);
		return rc;
	}
	json_object_set_new(j, "steps", steps);
	json_decref(def);
	*out = j;
	return 0;
}

int mc__track_refresh(struct mc_conn *c, int64_t id)
{
	json_t *j = NULL;
	struct mc_stmt *s = NULL;
	int rc = mc_query(c, &s, TRACK_SELECT "d.id = ?", "i", id);
	if ((rc = track_build(c, rc, s, &j)))
		return rc;
	struct mc_buf gz = MC_BUF_INIT(1 << 20);
	rc = mc__track_gzip(j, &gz);
	json_decref(j);
	int64_t n = rc ? rc
		       : mc_exec(c, "UPDATE dossiers SET track_gz = ?, track_json = NULL WHERE id = ?", "bi", gz.data,
				 gz.len, id);
	mc_buf_release(&gz);
	return n < 0 ? (int)n : 0;
}

int mc_dossier_track(struct mc_conn *c, const char *code, const char *secret, json_t **out)
{
	struct mc_stmt *s = NULL;
	int64_t lo, hi;
	mc_dossier_code_ids(code, &lo, &hi);
	int rc = mc_query(c, &s, TRACK_SELECT MC_DOSSIER_BY_CODE_AS("d") " AND d.secret = ?", "tiit", code, lo, hi,
			  secret);
	return track_build(c, rc, s, out);
}

int mc_dossier_track_text(struct mc_conn *c, const char *code, const char *secret, int gzip, struct mc_buf *out,
			  int *gzipped)
{
	struct mc_stmt *s;
	int64_t lo, hi;
	mc_dossier_code_ids(code, &lo, &hi);
	int rc =
		mc_query(c, &s, "SELECT track_gz, track_json FROM dossiers WHERE " MC_DOSSIER_BY_CODE " AND secret = ?",
			 "tiit", code, lo, hi, secret);
	if (rc)
		return rc;
	*gzipped = 0;
	int stored = 0, found = (rc = mc_step(s)) == MC_DB_ROW;
	if (found) {
		size_t n;
		const void *gz = mc_col_blob(s, 0, &n);
		if (!mc_col_is_null(s, 0)) {
			stored = 1;
			*gzipped = gzip;
			rc = gzip ? mc_buf_add(out, gz, n) : mc_gunzip(out, gz, n);
		} else if (mc_col_text(s, 1)) { /* rendered before 0020 */
			stored = 1;
			rc = mc_buf_adds(out, mc_col_text(s, 1));
		}
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (!found)
		return MC_E_NOT_FOUND;
	if (!stored) { /* not rendered yet (bulk-loaded rows): build it now */
		json_t *j = NULL;
		if ((rc = mc_dossier_track(c, code, secret, &j)))
			return rc;
		char *text = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		rc = text ? mc_buf_adds(out, text) : MC_E_NOMEM;
		free(text);
	}
	return rc;
}

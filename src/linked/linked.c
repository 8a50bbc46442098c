/*
 * linked.c - the parts of a linked application and how they move; see
 * linked.h and docs/linked.md.
 */
#include "linked.h"

#include "../core/text.h"
#include "../core/timeutil.h"
#include "../dossier/holidays.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* One row of linked_parts, as the rules read it. */
struct part {
	int64_t id, application_id, agency_id, dossier_id, ready_at, forwarded_at, acknowledged_at, due_at;
	int budget_days, seq;
	char part[40], after[40], state[16], procedure[20];
};

#define PART_COLS                                                                                                      \
	"id, application_id, COALESCE(agency_id, 0), COALESCE(dossier_id, 0), COALESCE(ready_at, 0),"                  \
	" COALESCE(forwarded_at, 0), COALESCE(acknowledged_at, 0), COALESCE(due_at, 0), budget_days, seq, part,"       \
	" COALESCE(after_part, ''), state, procedure_code"

static void part_fill(struct mc_stmt *s, struct part *p)
{
	p->id = mc_col_int64(s, 0);
	p->application_id = mc_col_int64(s, 1);
	p->agency_id = mc_col_int64(s, 2);
	p->dossier_id = mc_col_int64(s, 3);
	p->ready_at = mc_col_int64(s, 4);
	p->forwarded_at = mc_col_int64(s, 5);
	p->acknowledged_at = mc_col_int64(s, 6);
	p->due_at = mc_col_int64(s, 7);
	p->budget_days = (int)mc_col_int64(s, 8);
	p->seq = (int)mc_col_int64(s, 9);
	snprintf(p->part, sizeof(p->part), "%s", mc_col_text(s, 10));
	snprintf(p->after, sizeof(p->after), "%s", mc_col_text(s, 11));
	snprintf(p->state, sizeof(p->state), "%s", mc_col_text(s, 12));
	snprintf(p->procedure, sizeof(p->procedure), "%s", mc_col_text(s, 13));
}

/* The parts of application app (at most 8, the catalogue's limit) into
 * out, in order; *n how many. */
static int parts_of(struct mc_conn *c, int64_t app, struct part out[8], size_t *n)
{
	struct mc_stmt *s = NULL;
	*n = 0;
	int rc = mc_query(c, &s, "SELECT " PART_COLS " FROM linked_parts WHERE application_id = ? ORDER BY seq", "i",
			  app);
	if (!rc)
		while ((rc = mc_step(s)) == MC_DB_ROW)
			if (*n < 8)
				part_fill(s, &out[(*n)++]);
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

static int part_of_dossier(struct mc_conn *c, int64_t dossier, struct part *p)
{
	struct mc_stmt *s = NULL;
	int rc = mc_query(c, &s, "SELECT " PART_COLS " FROM linked_parts WHERE dossier_id = ?", "i", dossier);
	if (!rc && !(rc = mc_step_row(s)))
		part_fill(s, p);
	mc_stmt_done(s);
	return rc;
}

/* The names of a component procedure, for the applicant's messages. */
static void procedure_names(struct mc_conn *c, const char *code, char vi[300], char en[300])
{
	struct mc_stmt *s = NULL;
	snprintf(vi, 300, "%s", code);
	snprintf(en, 300, "%s", code);
	if (!mc_query(c, &s,
		      "SELECT name, name_en FROM procedures WHERE code = ? AND is_current = 1 ORDER BY version DESC"
		      " LIMIT 1",
		      "t", code) &&
	    mc_step_row(s) == 0) {
		snprintf(vi, 300, "%s", mc_col_text(s, 0));
		snprintf(en, 300, "%s", mc_col_text(s, 1));
	}
	mc_stmt_done(s);
}

/* Tell the applicant of the application about part p (event, with the
 * sub-dossier's code and more members in extra, taken). */
static int tell(struct mc_conn *c, const struct part *p, const char *event, const char *sub_code, json_t *extra)
{
	char vi[300], en[300];
	procedure_names(c, p->procedure, vi, en);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "part", p->part, "part_name", vi, "part_name_en", en, "part_code",
			      sub_code ? sub_code : "");
	if (extra)
		json_object_update(d, extra);
	json_decref(extra);
	char *text = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	int rc = mc_dossier_notify(c, p->application_id, event, text);
	free(text);
	return rc;
}

/* ---------------- an application filed ---------------- */

/* The agency of kind in the ward of the application's competent agency;
 * a ward without one is served by the province's agency of that line
 * ("provincial_" and the kind without "commune_": the city police, the
 * city Social Insurance). */
static int agency_for(struct mc_conn *c, const char *kind, int64_t competent, int64_t *out)
{
	int rc = mc_query_int64(c, out,
				"SELECT a.id FROM agencies a JOIN agencies w ON w.unit_code = a.unit_code"
				" WHERE w.id = ? AND a.kind = ? AND a.active = 1 ORDER BY a.id LIMIT 1",
				"it", competent, kind);
	if (rc != MC_E_NOT_FOUND)
		return rc;
	char provincial[64];
	snprintf(provincial, sizeof(provincial), "provincial_%s", strncmp(kind, "commune_", 8) == 0 ? kind + 8 : kind);
	return mc_query_int64(c, out,
			      "SELECT a.id FROM agencies a JOIN agencies w ON w.province_code = a.province_code"
			      " WHERE w.id = ? AND a.kind = ? AND a.active = 1 ORDER BY a.id LIMIT 1",
			      "it", competent, provincial);
}

static int chosen(json_t *parts, const char *name)
{
	size_t i;
	json_t *v;
	if (!parts)
		return 1;
	json_array_foreach(parts, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
			return 1;
	return 0;
}

/* in.parts: the names of parts of the definition, each once, the first
 * among them. */
static int check_choice(struct mc_dossier_ctx *x, json_t *defparts, json_t *parts)
{
	size_t i, k;
	json_t *v, *w;
	int ok = !parts || (json_is_array(parts) && json_array_size(parts) >= 1 &&
			    json_array_size(parts) <= json_array_size(defparts));
	json_array_foreach(ok ? parts : NULL, i, v) {
		int known = 0;
		json_array_foreach(defparts, k, w)
			known |= json_is_string(v) &&
				 strcmp(json_string_value(v), json_string_value(json_object_get(w, "part"))) == 0;
		for (k = 0; k < i; k++)
			known &= !json_equal(v, json_array_get(parts, k));
		ok &= known;
	}
	json_array_foreach(ok ? defparts : NULL, i, w)
		if (json_is_true(json_object_get(w, "required")) &&
		    !chosen(parts, json_string_value(json_object_get(w, "part"))))
			ok = 0;
	if (!ok) {
		mc_bad_field(x->e, "parts", MC_M_LINKED_PARTS_FORMAT);
		return x->e->code = MC_E_VALIDATION;
	}
	return 0;
}

static int record_parts(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch, json_t *linked)
{
	json_t *defparts = json_object_get(linked, "parts"), *parts = json_object_get(ch->in, "parts"), *w;
	int rc = check_choice(x, defparts, parts);
	if (rc)
		return rc;
	int64_t competent = 0;
	if ((rc = mc_query_int64(x->c, &competent, "SELECT competent_agency_id FROM dossiers WHERE id = ?", "i",
				 ch->id)))
		return rc;
	size_t i;
	json_array_foreach(defparts, i, w) {
		const char *name = json_string_value(json_object_get(w, "part"));
		if (!chosen(parts, name))
			continue;
		int64_t agency = 0;
		rc = agency_for(x->c, json_string_value(json_object_get(w, "agency")), competent, &agency);
		if (rc == MC_E_NOT_FOUND) {
			mc_bad_field1(x->e, "parts", MC_M_LINKED_NO_AGENCY, name);
			return x->e->code = MC_E_VALIDATION;
		}
		if (rc)
			return rc;
		json_t *b = json_object_get(w, "budget");
		int64_t n = mc_exec(x->c,
				    "INSERT INTO linked_parts (application_id, part, seq, procedure_code, agency_id,"
				    " after_part, budget_days, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting')",
				    "itdtitd", ch->id, name, (int)i, json_string_value(json_object_get(w, "procedure")),
				    agency, json_string_value(json_object_get(w, "after")),
				    json_is_integer(b) ? (int)json_integer_value(b) : 0);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

/* ---------------- parts starting and ending ---------------- */

/* Part p starts now: its sub-dossier is filed at its agency with the
 * application's form and handed (what earlier parts produced), due within
 * its budget of its agency's working days (the 15:00 rule applies). */
static int start_part(struct mc_dossier_ctx *x, const struct part *p, json_t *handed, int64_t now)
{
	json_t *form = NULL;
	struct mc_stmt *s = NULL;
	int rc = mc_query(x->c, &s, "SELECT form_data FROM dossiers WHERE id = ?", "i", p->application_id);
	if (!rc && !(rc = mc_step_row(s)))
		form = json_loads(mc_col_text(s, 0), 0, NULL);
	mc_stmt_done(s);
	if (rc)
		return rc;
	if (!form)
		form = json_object();
	if (handed)
		json_object_set(form, "handed_over", handed);
	struct mc_calendar cal;
	int64_t due = 0, id = 0;
	if (!(rc = mc_holidays_calendar_for(x->c, p->agency_id, &cal))) {
		rc = mc_cal_due_days(&cal, now, p->budget_days, &due);
		mc_cal_release(&cal);
	}
	if (!rc) {
		char code[80];
		rc = mc_dossier_spawn(x, p->application_id, p->procedure, p->agency_id, form, &id, code);
	}
	json_decref(form);
	if (rc)
		return rc;
	/* an agency of motcua gets the data in the same transaction: ready and
	 * forwarded at once; an external one (agencies.external_url) when its
	 * system took the hand-over (handoffs.delivered_at, read as the
	 * forwarding time while forwarded_at is NULL) */
	int64_t n = mc_exec(x->c,
			    "UPDATE linked_parts SET state = 'started', dossier_id = ?, ready_at = ?,"
			    " forwarded_at = (SELECT CASE WHEN a.external_url IS NULL THEN CAST(? AS BIGINT) END"
			    " FROM agencies a WHERE a.id = linked_parts.agency_id), due_at = ? WHERE id = ?",
			    "iiiii", id, now, now, due, p->id);
	return n < 0 ? (int)n : 0;
}

/* Cancel the parts that wait (directly or not) for part name of app. */
static int cancel_after(struct mc_dossier_ctx *x, int64_t app, const char *name, const char *reason)
{
	struct part ps[8];
	size_t n;
	int rc = parts_of(x->c, app, ps, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		if (strcmp(ps[i].after, name) != 0 || strcmp(ps[i].state, "waiting") != 0)
			continue;
		int64_t k = mc_exec(x->c, "UPDATE linked_parts SET state = 'cancelled', reason = ? WHERE id = ?", "ti",
				    reason, ps[i].id);
		rc = k < 0 ? (int)k : 0;
		if (!rc)
			rc = tell(x->c, &ps[i], "linked_part_cancelled", NULL, json_pack("{s:s}", "reason", reason));
		if (!rc)
			rc = cancel_after(x, app, ps[i].part, reason);
	}
	return rc;
}

/* Every part of app settled: the application is too. */
static int settle_if_done(struct mc_dossier_ctx *x, int64_t app)
{
	struct part ps[8];
	size_t n;
	int rc = parts_of(x->c, app, ps, &n);
	int open = 0, done = 0;
	for (size_t i = 0; i < n; i++) {
		open += strcmp(ps[i].state, "waiting") == 0 || strcmp(ps[i].state, "started") == 0;
		done += strcmp(ps[i].state, "done") == 0;
	}
	if (rc || open || !n)
		return rc;
	return mc_dossier_settle(x, app, done > 0, "Không phần nào của hồ sơ liên thông có kết quả");
}

/* The parts of app that wait for part `after` ("" for the first ones)
 * start now with handed. */
static int start_waiting(struct mc_dossier_ctx *x, int64_t app, const char *after, json_t *handed, int64_t now)
{
	struct part ps[8];
	size_t n;
	int rc = parts_of(x->c, app, ps, &n);
	for (size_t i = 0; !rc && i < n; i++)
		if (strcmp(ps[i].after, after) == 0 && strcmp(ps[i].state, "waiting") == 0)
			rc = start_part(x, &ps[i], handed, now);
	return rc;
}

/* in.result_data: what the part's result hands on (a registration number,
 * the child's ID number...): at most 20 short text members. */
static int result_data(struct mc_dossier_ctx *x, json_t *in, json_t **out)
{
	json_t *d = json_object_get(in, "result_data"), *v;
	const char *k;
	*out = NULL;
	if (!d || json_is_null(d))
		return 0;
	int ok = json_is_object(d) && json_object_size(d) <= 20;
	json_object_foreach(ok ? d : NULL, k, v)
		ok &= strlen(k) <= 40 && json_is_string(v) && mc_text_valid_chars(json_string_value(v), 200);
	if (!ok) {
		mc_bad_field(x->e, "result_data", MC_M_LINKED_RESULT_DATA);
		return x->e->code = MC_E_VALIDATION;
	}
	*out = json_deep_copy(d);
	return 0;
}

static int part_done(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch, const struct part *p)
{
	json_t *data = NULL;
	int rc = result_data(x, ch->in, &data);
	if (rc)
		return rc;
	char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
	int64_t n = mc_exec(x->c,
			    "UPDATE linked_parts SET state = 'done', result_at = ?, result_forwarded_at = ?, result = ?"
			    " WHERE id = ?",
			    "iiti", ch->now, ch->now, text, p->id);
	free(text);
	if (n < 0) {
		json_decref(data);
		return (int)n;
	}
	json_t *handed = json_pack("{s:s, s:s, s:O?}", "from_part", p->part, "from_dossier", ch->code, "result", data);
	rc = tell(x->c, p, "linked_part_done", ch->code, data ? json_pack("{s:O}", "result", data) : NULL);
	if (!rc)
		rc = start_waiting(x, p->application_id, p->part, handed, ch->now);
	json_decref(handed);
	json_decref(data);
	return rc ? rc : settle_if_done(x, p->application_id);
}

/* The reason a sub-dossier ended without a result, as its action gave it. */
static const char *ending_reason(struct mc_dossier_ctx *x, json_t *in)
{
	json_t *rs = json_object_get(in, "reasons");
	if (json_is_array(rs) && json_array_size(rs)) {
		struct mc_buf b;
		mc_buf_init(&b, 2000);
		size_t i;
		json_t *v;
		json_array_foreach(rs, i, v)
			if (json_is_string(v))
				mc_buf_printf(&b, "%s%s", i ? "; " : "", json_string_value(v));
		const char *s = mc_strdup(x->arena, b.len ? b.data : "-");
		mc_buf_release(&b);
		return s;
	}
	const char *r = json_string_value(json_object_get(in, "reason"));
	return r ? r : "-";
}

static int part_ended(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch, const struct part *p)
{
	const char *reason = ending_reason(x, ch->in);
	int64_t n = mc_exec(x->c, "UPDATE linked_parts SET state = 'refused', reason = ?, result_at = ? WHERE id = ?",
			    "tii", reason, ch->now, p->id);
	if (n < 0)
		return (int)n;
	int rc = tell(x->c, p, "linked_part_refused", ch->code, json_pack("{s:s}", "reason", reason));
	if (!rc)
		rc = cancel_after(
			x, p->application_id, p->part,
			mc_sprintf(x->arena, "Phần %s không có kết quả / part %s has no result", p->part, p->part));
	return rc ? rc : settle_if_done(x, p->application_id);
}

/* An approved extension of a part: the application's date moves to the
 * later of its date and the part's new one, with the apology passed on. */
static int part_extended(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch, const struct part *p)
{
	struct mc_stmt *s = NULL;
	int64_t sub_at = 0, app_at = 0;
	int extended = 0;
	json_t *extra = NULL;
	int rc = mc_query(x->c, &s, "SELECT COALESCE(appointment_at, 0), extended, extra FROM dossiers WHERE id = ?",
			  "i", ch->id);
	if (!rc && !(rc = mc_step_row(s))) {
		sub_at = mc_col_int64(s, 0);
		extended = (int)mc_col_int64(s, 1);
		extra = json_loads(mc_col_text(s, 2), 0, NULL);
	}
	mc_stmt_done(s);
	s = NULL;
	if (!rc)
		rc = mc_query_int64(x->c, &app_at,
				    "SELECT COALESCE(appointment_at, due_at, 0) FROM dossiers WHERE id = ?", "i",
				    p->application_id);
	const char *reason = json_string_value(json_object_get(json_object_get(extra, "extension"), "reason"));
	json_t *detail = json_pack("{s:s, s:o}", "reason", reason ? reason : "-", "new_due_at",
				   sub_at ? json_string("") : json_null());
	if (sub_at) {
		char when[40];
		mc_time_format_vn(sub_at, when, sizeof(when));
		json_object_set_new(detail, "new_due_at", json_string(when));
	}
	json_decref(extra);
	if (rc || !extended || !sub_at) {
		json_decref(detail);
		return rc;
	}
	if (sub_at > app_at && (rc = mc_dossier_set_dates(x->c, p->application_id, 0, sub_at))) {
		json_decref(detail);
		return rc;
	}
	return tell(x->c, p, "linked_extended", ch->code, detail);
}

/* The engine's processing actions on an application in progress. */
static int refuse_own_action(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch)
{
	static const char *const own[] = {"forward", "assign", "extend", "approve_extension", "request_supplement"};
	if (!ch->from || strcmp(ch->from, "in_progress") != 0)
		return 0;
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(ch->action, own[i]) == 0)
			return mc_error_set(x->e, MC_E_CONFLICT,
					    "a linked application moves with its parts: act on the parts' dossiers");
	return 0;
}

static int on_application(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch, json_t *linked)
{
	int rc = 0;
	int filed = strcmp(ch->action, "submit") == 0 || strcmp(ch->action, "intake") == 0 ||
		    strcmp(ch->action, "intake_incomplete") == 0;
	if (filed && (rc = record_parts(x, ch, linked)))
		return rc;
	if (!filed && json_object_get(ch->in, "parts")) {
		mc_bad_field(x->e, "parts", MC_M_LINKED_PARTS_FORMAT);
		return x->e->code = MC_E_VALIDATION;
	}
	if ((rc = refuse_own_action(x, ch)))
		return rc;
	/* received (at the counter at once, online by the receive action):
	 * the first part's data is ready now */
	if (strcmp(ch->to, "in_progress") == 0 && ch->received_at == ch->now && ch->received_at)
		return start_waiting(x, ch->id, "", NULL, ch->now);
	if (strcmp(ch->to, "refused") == 0 || strcmp(ch->to, "withdrawn") == 0 || strcmp(ch->to, "stopped") == 0) {
		int64_t n = mc_exec(x->c,
				    "UPDATE linked_parts SET state = 'cancelled', reason = ? WHERE application_id = ?"
				    " AND state = 'waiting'",
				    "ti", ch->to, ch->id);
		return n < 0 ? (int)n : 0;
	}
	return 0;
}

int mc_linked_on_change(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch)
{
	json_t *linked = json_object_get(ch->def, "linked");
	if (json_is_object(linked))
		return on_application(x, ch, linked);
	if (json_object_get(ch->in, "parts") && ch->from == NULL) {
		mc_bad_field(x->e, "parts", MC_M_LINKED_PARTS_NOT_LINKED);
		return x->e->code = MC_E_VALIDATION;
	}
	if (!ch->from)
		return 0; /* a dossier filed: a part is filed by the system only */
	struct part p;
	int rc = part_of_dossier(x->c, ch->id, &p);
	if (rc == MC_E_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	if (strcmp(ch->action, "receive") == 0) {
		/* the part's agency acknowledges the hand-over; the sub-dossier is
		 * due within the part's budget, not its procedure's own time */
		int64_t n =
			mc_exec(x->c, "UPDATE linked_parts SET acknowledged_at = ? WHERE id = ?", "ii", ch->now, p.id);
		if (n < 0)
			return (int)n;
		return mc_dossier_set_dates(x->c, ch->id, p.due_at, 0);
	}
	if (strcmp(ch->to, "result_ready") == 0 && strcmp(ch->from, "in_progress") == 0)
		return part_done(x, ch, &p);
	if (strcmp(ch->to, "refused") == 0 || strcmp(ch->to, "stopped") == 0 || strcmp(ch->to, "withdrawn") == 0)
		return part_ended(x, ch, &p);
	if (strcmp(ch->action, "extend") == 0 || strcmp(ch->action, "approve_extension") == 0)
		return part_extended(x, ch, &p);
	return 0;
}

/* ---------------- reading ---------------- */

static json_t *time_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char buf[40];
	mc_time_format_vn(ms, buf, sizeof(buf));
	return json_string(buf);
}

int mc_linked_parts(struct mc_conn *c, int64_t id, int public, json_t **out)
{
	struct mc_stmt *s = NULL;
	*out = json_array();
	int rc = mc_query(
		c, &s,
		"SELECT l.part, l.procedure_code, l.state, d.code, COALESCE(l.due_at, 0), COALESCE(l.ready_at, 0),"
		" COALESCE(l.forwarded_at, (SELECT h.delivered_at FROM handoffs h WHERE h.dossier_id = l.dossier_id"
		" AND h.agency_id = l.agency_id), 0), COALESCE(l.acknowledged_at, 0), COALESCE(l.result_at, 0),"
		" l.result, l.reason, l.verification, a.id, a.code, a.name, a.name_en, p.name, p.name_en,"
		" d.status FROM linked_parts l"
		" LEFT JOIN dossiers d ON d.id = l.dossier_id LEFT JOIN agencies a ON a.id = l.agency_id"
		" LEFT JOIN procedures p ON p.code = l.procedure_code AND p.is_current = 1"
		" WHERE l.application_id = ? ORDER BY l.seq",
		"i", id);
	while (!rc && (rc = mc_step(s)) == MC_DB_ROW) {
		rc = 0;
		json_t *j = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o, s:o}", "part",
				      mc_col_text(s, 0), "procedure_code", mc_col_text(s, 1), "name",
				      mc_col_text(s, 16), "name_en", mc_col_text(s, 17), "state", mc_col_text(s, 2),
				      "dossier", mc_col_text(s, 3), "dossier_status", mc_col_text(s, 18), "due_at",
				      time_or_null(mc_col_int64(s, 4)), "ready_at", time_or_null(mc_col_int64(s, 5)),
				      "forwarded_at", time_or_null(mc_col_int64(s, 6)), "acknowledged_at",
				      time_or_null(mc_col_int64(s, 7)), "result_at", time_or_null(mc_col_int64(s, 8)));
		json_t *ag = json_pack("{s:s?, s:s?, s:s?}", "code", mc_col_text(s, 13), "name", mc_col_text(s, 14),
				       "name_en", mc_col_text(s, 15));
		if (!public) {
			json_object_set_new(ag, "id", json_integer(mc_col_int64(s, 12)));
			json_object_set_new(j, "result",
					    mc_col_text(s, 9) ? json_loads(mc_col_text(s, 9), 0, NULL) : json_null());
			json_object_set_new(j, "reason",
					    mc_col_text(s, 10) ? json_string(mc_col_text(s, 10)) : json_null());
			json_object_set_new(j, "verification",
					    mc_col_text(s, 11) ? json_string(mc_col_text(s, 11)) : json_null());
		}
		json_object_set_new(j, "agency", ag);
		json_array_append_new(*out, j);
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

int mc_linked_parent(struct mc_conn *c, int64_t id, int64_t *parent, char code[80])
{
	struct mc_stmt *s = NULL;
	*parent = 0;
	code[0] = '\0';
	int rc = mc_query(c, &s,
			  "SELECT p.id, p.code FROM dossiers d JOIN dossiers p ON p.id = d.parent_id WHERE d.id = ?",
			  "i", id);
	if (!rc && !(rc = mc_step_row(s))) {
		*parent = mc_col_int64(s, 0);
		snprintf(code, 80, "%s", mc_col_text(s, 1));
	}
	mc_stmt_done(s);
	return rc == MC_E_NOT_FOUND ? 0 : rc;
}

/* ---------------- verification ---------------- */

int mc_linked_verify(struct mc_dossier_ctx *x, const char *code, const char *reason)
{
	const struct mc_principal *who = x->who;
	if (!who || !who->agency_id || !mc_principal_has(who, "dossier.process"))
		return MC_E_NOT_FOUND;
	int rc = mc_tx_begin(x->c, 1);
	if (rc)
		return rc;
	struct mc_stmt *s = NULL;
	int64_t app = 0, received = 0, competent = 0, pid = 0;
	char status[24] = "";
	struct part ps[8], *mine = NULL;
	size_t n = 0;
	rc = mc_query(x->c, &s,
		      "SELECT id, COALESCE(received_at, 0), competent_agency_id, status, procedure_id FROM dossiers"
		      " WHERE code = ?",
		      "t", code);
	if (!rc && !(rc = mc_step_row(s))) {
		app = mc_col_int64(s, 0);
		received = mc_col_int64(s, 1);
		competent = mc_col_int64(s, 2);
		snprintf(status, sizeof(status), "%s", mc_col_text(s, 3));
		pid = mc_col_int64(s, 4);
	}
	mc_stmt_done(s);
	if (!rc)
		rc = parts_of(x->c, app, ps, &n);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (ps[i].agency_id && strcmp(ps[i].state, "started") == 0 &&
		    mc_agency_acts_for(x->c, who->agency_id, ps[i].agency_id) == 1)
			mine = &ps[i];
	if (!n || !mine) {
		rc = MC_E_NOT_FOUND; /* not an application, or none of the caller's parts is in hand */
		goto out;
	}
	if (strcmp(status, "in_progress") != 0) {
		rc = mc_error_set(x->e, MC_E_CONFLICT, "the application is %s", status);
		goto out;
	}
	json_t *def = NULL;
	int64_t days = 5, due = 0;
	if (!(rc = mc_query(x->c, &s, "SELECT definition FROM procedures WHERE id = ?", "i", pid)) &&
	    !(rc = mc_step_row(s)))
		def = json_loads(mc_col_text(s, 0), 0, NULL);
	mc_stmt_done(s);
	json_t *vd = json_object_get(json_object_get(def, "linked"), "verification_days");
	if (json_is_integer(vd))
		days = json_integer_value(vd);
	json_decref(def);
	struct mc_calendar cal;
	if (!rc && !(rc = mc_holidays_calendar_for(x->c, competent, &cal))) {
		rc = mc_cal_due_days(&cal, received, (int)days, &due);
		mc_cal_release(&cal);
	}
	if (rc)
		goto out;
	int64_t k = mc_exec(x->c, "UPDATE linked_parts SET verification = ? WHERE id = ?", "ti", reason, mine->id);
	if (k < 0 || (rc = mc_dossier_set_dates(x->c, app, due, 0))) {
		rc = k < 0 ? (int)k : rc;
		goto out;
	}
	json_t *detail = json_pack("{s:s, s:o}", "reason", reason, "new_due_at", time_or_null(due));
	rc = tell(x->c, mine, "linked_verification", NULL, detail);
out:
	if (!rc)
		rc = mc_tx_commit(x->c);
	if (rc && mc_in_tx(x->c))
		mc_tx_rollback(x->c);
	return rc;
}

/* ---------------- monitoring ---------------- */

int mc_linked_judge(const struct mc_calendar *cal, int64_t ready, int64_t fwd, int64_t ack, int64_t res, int64_t resfwd,
		    int64_t now, struct mc_linked_verdict *v)
{
	v->forward_late = fwd ? fwd - ready > MC_LINKED_FORWARD_MS : now - ready > MC_LINKED_FORWARD_MS;
	v->result_forward_late =
		res && (resfwd ? resfwd - res > MC_LINKED_FORWARD_MS : now - res > MC_LINKED_FORWARD_MS);
	v->acknowledge_late = 0;
	if (!fwd)
		return 0; /* not forwarded: that is what is late */
	int64_t by = 0;
	int rc = mc_cal_add_working_minutes(cal, fwd, MC_LINKED_ACK_MINUTES, &by);
	if (rc)
		return rc;
	v->acknowledge_late = ack ? ack > by : now > by;
	return 0;
}

int mc_linked_handovers(struct mc_conn *c, int64_t root, int late_only, int64_t now, int limit, json_t **out)
{
	struct mc_stmt *s = NULL;
	*out = json_array();
	int rc = mc_query(
		c, &s,
		"SELECT app.code, l.part, d.code, l.agency_id, a.code, a.name, a.name_en, l.ready_at,"
		" COALESCE(l.forwarded_at, (SELECT h.delivered_at FROM handoffs h WHERE h.dossier_id = l.dossier_id"
		" AND h.agency_id = l.agency_id), 0), COALESCE(l.acknowledged_at, 0), COALESCE(l.result_at, 0),"
		" COALESCE(l.result_forwarded_at, 0), l.state FROM linked_parts l"
		" JOIN dossiers app ON app.id = l.application_id LEFT JOIN dossiers d ON d.id = l.dossier_id"
		" LEFT JOIN agencies a ON a.id = l.agency_id"
		" WHERE l.ready_at IS NOT NULL AND (CAST(? AS BIGINT) = 0"
		" OR EXISTS (SELECT 1 FROM agency_tree t WHERE t.ancestor_id = ? AND t.descendant_id = l.agency_id)"
		" OR EXISTS (SELECT 1 FROM agency_tree t WHERE t.ancestor_id = ? AND t.descendant_id ="
		" app.competent_agency_id))"
		" ORDER BY l.ready_at DESC, l.id DESC LIMIT 2000",
		"iii", root, root, root);
	/* calendars by agency: the parts of one query name a handful */
	int64_t cal_agency = -1;
	struct mc_calendar cal;
	int cal_ready = 0;
	int step = 0;
	while (!rc && (int)json_array_size(*out) < limit && (step = mc_step(s)) == MC_DB_ROW) {
		int64_t agency = mc_col_int64(s, 3), ready = mc_col_int64(s, 7), fwd = mc_col_int64(s, 8),
			ack = mc_col_int64(s, 9), res = mc_col_int64(s, 10), resfwd = mc_col_int64(s, 11);
		if (agency != cal_agency) {
			if (cal_ready)
				mc_cal_release(&cal);
			cal_ready = 0;
			if ((rc = mc_holidays_calendar_for(c, agency, &cal)))
				break;
			cal_ready = 1;
			cal_agency = agency;
		}
		struct mc_linked_verdict v;
		if ((rc = mc_linked_judge(&cal, ready, fwd, ack, res, resfwd, now, &v)))
			break;
		int fwd_late = v.forward_late, ack_late = v.acknowledge_late, res_late = v.result_forward_late;
		if (late_only && !fwd_late && !ack_late && !res_late)
			continue;
		json_t *j = json_pack(
			"{s:s, s:s, s:s?, s:{s:s?, s:s?, s:s?}, s:o, s:o, s:o, s:o, s:o, s:s, s:b, s:b, s:b}",
			"application", mc_col_text(s, 0), "part", mc_col_text(s, 1), "dossier", mc_col_text(s, 2),
			"agency", "code", mc_col_text(s, 4), "name", mc_col_text(s, 5), "name_en", mc_col_text(s, 6),
			"ready_at", time_or_null(ready), "forwarded_at", time_or_null(fwd), "acknowledged_at",
			time_or_null(ack), "result_at", time_or_null(res), "result_forwarded_at", time_or_null(resfwd),
			"state", mc_col_text(s, 12), "forward_late", fwd_late, "acknowledge_late", ack_late,
			"result_forward_late", res_late);
		json_array_append_new(*out, j);
	}
	if (cal_ready)
		mc_cal_release(&cal);
	mc_stmt_done(s);
	return rc ? rc : step < 0 ? step : 0;
}

/* catalog.c - procedure definitions: validation, versions, search. */
#include "catalog.h"

#include "../core/arena.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../db/rows.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

/* ---------------- validation ---------------- */

static int one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static const char *str_field(json_t *o, const char *k, size_t max)
{
	json_t *v = json_object_get(o, k);
	const char *s = json_string_value(v);
	return s && *s && mc_text_valid_chars(s, max) ? s : NULL;
}

int mc_catalog_code_valid(const char *s)
{
	if (!s || strlen(s) != 8 || !isdigit((unsigned char)s[0]) || s[1] != '.')
		return 0;
	for (int i = 2; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int valid_ident(const char *s, size_t max)
{
	if (!s || !*s || strlen(s) > max)
		return 0;
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return 0;
	return 1;
}

/* "YYYY-MM-DD", a real date */
static int valid_day(const char *s)
{
	int y, m, d, y2, m2, d2;
	if (!s || strlen(s) != 10 || strspn(s, "0123456789-") != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	mc_civil_from_days(mc_days_from_civil(y, m, d), &y2, &m2, &d2);
	return y == y2 && m == m2 && d == d2;
}

int mc_catalog_repealed(json_t *def)
{
	const char *s = json_string_value(json_object_get(def, "status"));
	return s && strcmp(s, "repealed") == 0;
}

int mc_catalog_payable(json_t *def)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fees"), i, f)
		if (json_is_false(json_object_get(f, "published")))
			return 0;
	return 1;
}

void mc_catalog_public(json_t *def)
{
	json_object_del(def, "internal_note");
	json_object_del(def, "internal_note_en");
	json_object_set_new(def, "payable", json_boolean(mc_catalog_payable(def)));
}

int mc_catalog_hours(json_t *def)
{
	json_t *t = json_object_get(def, "processing_time");
	int v = (int)json_integer_value(json_object_get(t, "value"));
	const char *u = json_string_value(json_object_get(t, "unit"));
	if (u && strcmp(u, "same_day") == 0)
		return MC_HOURS_PER_DAY; /* the steps share one working day */
	return u && strcmp(u, "working_day") == 0 ? v * MC_HOURS_PER_DAY : v;
}

static void check_papers(json_t *papers, struct mc_error *e)
{
	static const char *const kinds[] = {"original", "certified_copy", "copy", "presented", NULL};
	/* "generated": a form to fill in by hand, made by motcua from the
	 * fields of the online form (the official template is not stored) */
	static const char *const templates[] = {"generated", NULL};
	if (!json_is_array(papers) || json_array_size(papers) > 60) {
		mc_bad_field(e, "papers", MC_M_CAT_PAPERS_ARRAY_MOST_60);
		return;
	}
	size_t i;
	json_t *p;
	json_array_foreach(papers, i, p) {
		json_t *cnt = json_object_get(p, "count");
		if (!valid_ident(str_field(p, "code", 64), 64) || !str_field(p, "name", 500) ||
		    !one_of(json_string_value(json_object_get(p, "kind")), kinds) || !json_is_integer(cnt) ||
		    json_integer_value(cnt) < 1 || json_integer_value(cnt) > 100 ||
		    !json_is_boolean(json_object_get(p, "mandatory")) ||
		    (json_object_get(p, "template") &&
		     !one_of(json_string_value(json_object_get(p, "template")), templates))) {
			mc_bad_field(e, "papers", MC_M_CAT_EACH_PAPER_NEEDS_CODE);
			return;
		}
		/* "reusable": the code of an issued paper (a result_paper) that
		 * the applicant may take from their personal document store */
		if (json_object_get(p, "reusable") && !valid_ident(str_field(p, "reusable", 64), 64)) {
			mc_bad_field(e, "papers", MC_M_CAT_RESULT_PAPER);
			return;
		}
	}
}

/* "result_paper" (optional): the paper the result is, kept in the
 * applicant's personal document store when issued. */
static void check_result_paper(json_t *def, struct mc_error *e)
{
	json_t *rp = json_object_get(def, "result_paper");
	if (rp && (!json_is_object(rp) || !valid_ident(str_field(rp, "code", 64), 64) || !str_field(rp, "name", 200) ||
		   !str_field(rp, "name_en", 200)))
		mc_bad_field(e, "result_paper", MC_M_CAT_RESULT_PAPER);
}

static int has_paper(json_t *papers, const char *code)
{
	size_t i;
	json_t *p;
	json_array_foreach(papers, i, p)
		if (code && strcmp(json_string_value(json_object_get(p, "code")), code) == 0)
			return 1;
	return 0;
}

static void check_form(json_t *form, json_t *papers, struct mc_error *e)
{
	static const char *const types[] = {"text",   "number", "date",       "id_number",
					    "choice", "unit",   "attachment", NULL};
	if (!json_is_array(form) || json_array_size(form) > 80) {
		mc_bad_field(e, "form", MC_M_CAT_FORM_ARRAY_FIELDS_MOST);
		return;
	}
	size_t i;
	json_t *f;
	json_array_foreach(form, i, f) {
		const char *type = json_string_value(json_object_get(f, "type"));
		if (!valid_ident(str_field(f, "name", 64), 64) || !str_field(f, "label", 300) || !one_of(type, types) ||
		    !json_is_boolean(json_object_get(f, "required"))) {
			mc_bad_field(e, "form", MC_M_CAT_EACH_FIELD_NEEDS_NAME);
			return;
		}
		if (strcmp(type, "choice") == 0) {
			json_t *ch = json_object_get(f, "choices");
			if (!json_is_array(ch) || json_array_size(ch) == 0) {
				mc_bad_field(e, "form", MC_M_CAT_CHOICE_FIELD_NEEDS_CHOICES);
				return;
			}
		}
		if (strcmp(type, "attachment") == 0 && papers &&
		    !has_paper(papers, json_string_value(json_object_get(f, "paper")))) {
			mc_bad_field(e, "form", MC_M_CAT_ATTACHMENT_FIELD_NAME_PAPER);
			return;
		}
	}
}

static void check_steps(json_t *def, struct mc_error *e)
{
	static const char *const roles[] = {"clerk", "specialist", "dept_head", "leader", NULL};
	json_t *steps = json_object_get(def, "steps");
	if (!json_is_array(steps) || json_array_size(steps) < 2 || json_array_size(steps) > 30) {
		mc_bad_field(e, "steps", MC_M_CAT_PROCESS_NEEDS_2_30);
		return;
	}
	size_t i;
	json_t *s;
	int sum = 0;
	json_array_foreach(steps, i, s) {
		const char *unit = json_string_value(json_object_get(s, "unit"));
		json_t *h = json_object_get(s, "hours");
		int unit_ok =
			unit && (strcmp(unit, "receiving") == 0 || strcmp(unit, "competent") == 0 ||
				 (strncmp(unit, "consulted:", 10) == 0 && strlen(unit) > 10 && strlen(unit) < 42));
		if (!str_field(s, "name", 200) || !one_of(json_string_value(json_object_get(s, "role")), roles) ||
		    !unit_ok || !json_is_integer(h) || json_integer_value(h) < 1 || json_integer_value(h) > 8 * 365) {
			mc_bad_field(e, "steps", MC_M_CAT_EACH_STEP_NEEDS_NAME);
			return;
		}
		sum += (int)json_integer_value(h);
	}
	const char *first = json_string_value(json_object_get(json_array_get(steps, 0), "role"));
	const char *last =
		json_string_value(json_object_get(json_array_get(steps, json_array_size(steps) - 1), "role"));
	if (strcmp(first, "clerk") != 0 || strcmp(last, "clerk") != 0)
		mc_bad_field(e, "steps", MC_M_CAT_FIRST_RECEPTION_LAST_RETURN);
	const char *unit = json_string_value(json_object_get(json_object_get(def, "processing_time"), "unit"));
	if (unit && strcmp(unit, "same_day") == 0) {
		if (sum > MC_HOURS_PER_DAY)
			mc_bad_field(e, "steps", MC_M_CAT_SAME_DAY_PROCEDURE_S);
	} else if (sum != mc_catalog_hours(def)) {
		mc_bad_field(e, "steps", MC_M_CAT_STEPS_HOURS_ADD_UP);
	}
}

/* The legal processing time: {value > 0, unit working_day |
 * working_hour}, or {value 0, unit same_day}. */
static void check_time(json_t *def, struct mc_error *e)
{
	static const char *const units[] = {"working_day", "working_hour", "same_day", NULL};
	json_t *t = json_object_get(def, "processing_time");
	json_t *tv = json_object_get(t, "value");
	const char *tu = json_string_value(json_object_get(t, "unit"));
	int same_day = tu && strcmp(tu, "same_day") == 0;
	if (!json_is_integer(tv) || json_integer_value(tv) < (same_day ? 0 : 1) ||
	    json_integer_value(tv) > (same_day ? 0 : 365 * 8) || !one_of(tu, units))
		mc_bad_field(e, "processing_time", MC_M_CAT_PROCESSING_TIME_VALUE_0);
}

static void check_fees(json_t *fees, struct mc_error *e)
{
	static const char *const channels[] = {"counter", "online", "post", NULL};
	/* until fees can be paid online: at the counter when the dossier is
	 * handed in, or when the result is collected */
	static const char *const paid_at[] = {"receipt", "return", NULL};
	size_t i;
	json_t *f;
	if (!json_is_array(fees)) {
		mc_bad_field(e, "fees", MC_M_CAT_FEES_ARRAY);
		return;
	}
	json_array_foreach(fees, i, f) {
		/* a rate not yet verified is not published: amount null,
		 * published false - never shown as free */
		json_t *amt = json_object_get(f, "amount"), *pub = json_object_get(f, "published");
		json_t *when = json_object_get(f, "paid_at");
		int unpublished = json_is_false(pub);
		if (!one_of(json_string_value(json_object_get(f, "channel")), channels) ||
		    (pub && !json_is_boolean(pub)) || (when && !one_of(json_string_value(when), paid_at)) ||
		    (unpublished ? !json_is_null(amt)
				 : !json_is_integer(amt) || json_integer_value(amt) < 0 ||
					   json_integer_value(amt) > 1000000000)) {
			mc_bad_field(e, "fees", MC_M_CAT_EACH_FEE_NEEDS_CHANNEL);
			return;
		}
	}
}

static void check_legal_basis(json_t *lb, struct mc_error *e)
{
	size_t i;
	json_t *f;
	if (!json_is_array(lb) || json_array_size(lb) == 0 || json_array_size(lb) > 30) {
		mc_bad_field(e, "legal_basis", MC_M_CAT_LEGAL_BASIS_LIST_1);
		return;
	}
	json_array_foreach(lb, i, f)
		if (!json_is_string(f) || !*json_string_value(f) || !mc_text_valid_chars(json_string_value(f), 300)) {
			mc_bad_field(e, "legal_basis", MC_M_CAT_LEGAL_BASIS_LIST_1);
			return;
		}
}

/* In force or repealed; replaced_by names the procedures to use instead
 * (a repealed one takes no new dossiers). */
static void check_status(json_t *def, struct mc_error *e)
{
	static const char *const statuses[] = {"in_force", "repealed", NULL};
	const char *status = json_string_value(json_object_get(def, "status"));
	json_t *rb = json_object_get(def, "replaced_by"), *f;
	size_t i;
	if (json_object_get(def, "status") && !one_of(status, statuses))
		mc_bad_field(e, "status", MC_M_CAT_STATUS_FORCE_REPEALED);
	if (rb && (!json_is_array(rb) || json_array_size(rb) > 10)) {
		mc_bad_field(e, "replaced_by", MC_M_CAT_REPLACED_LIST_PROCEDURE_CODES);
		return;
	}
	json_array_foreach(rb, i, f)
		if (!mc_catalog_code_valid(json_string_value(f))) {
			mc_bad_field(e, "replaced_by", MC_M_CAT_REPLACED_LIST_PROCEDURE_CODES);
			return;
		}
}

/* The optional texts: who may apply (Đối tượng thực hiện) and the
 * conditions (Yêu cầu, điều kiện), as the national portal shows them, and
 * the editors' working notes, never shown to the public. */
static void check_texts(json_t *def, struct mc_error *e)
{
	static const char *const texts[] = {"applicants", "applicants_en", "requirements", "requirements_en", NULL};
	for (const char *const *k = texts; *k; k++) {
		json_t *v = json_object_get(def, *k);
		if (v && (!json_is_string(v) || !*json_string_value(v) || strlen(json_string_value(v)) > 2000)) {
			mc_bad_field(e, *k, MC_M_CAT_APPLICANTS_REQUIREMENTS_STRINGS_1);
			break;
		}
	}
	const char *in = json_string_value(json_object_get(def, "internal_note"));
	if ((json_object_get(def, "internal_note") && (!in || !mc_text_valid_chars(in, 4000))) ||
	    (json_object_get(def, "internal_note_en") &&
	     (!json_is_string(json_object_get(def, "internal_note_en")) ||
	      !mc_text_valid_chars(json_string_value(json_object_get(def, "internal_note_en")), 4000))))
		mc_bad_field(e, "internal_note", MC_M_CAT_INTERNAL_NOTE_STRING_MOST);
}

int mc_catalog_validate(json_t *def, struct mc_error *e)
{
	static const char *const levels[] = {"commune", "province", NULL};
	static const char *const online[] = {"full", "partial", NULL};
	static const char *const rules[] = {"restart", "pause", NULL};
	size_t before = e->nfields;
	if (!json_is_object(def)) {
		mc_bad_field(e, "definition", MC_M_CAT_PROCEDURE_DEFINITION_JSON_OBJECT);
		return e->code = MC_E_VALIDATION;
	}
	if (!mc_catalog_code_valid(json_string_value(json_object_get(def, "code"))))
		mc_bad_field(e, "code", MC_M_CAT_PROCEDURE_CODES_LOOK_LIKE);
	if (!str_field(def, "name", 500))
		mc_bad_field(e, "name", MC_M_CAT_NAME_REQUIRED);
	if (!str_field(def, "name_en", 500))
		mc_bad_field(e, "name_en", MC_M_CAT_NAME_EN_REQUIRED);
	if (!valid_ident(str_field(def, "field_code", 64), 64) || !str_field(def, "field", 200) ||
	    !str_field(def, "field_en", 200))
		mc_bad_field(e, "field", MC_M_CAT_FIELD_CODE_Z_0);
	if (!one_of(json_string_value(json_object_get(def, "level")), levels))
		mc_bad_field(e, "level", MC_M_CAT_LEVEL_COMMUNE_PROVINCE);
	json_t *ca = json_object_get(def, "competent_agency");
	if (!json_is_object(ca) || (!str_field(ca, "kind", 40) && !str_field(ca, "code", 40)))
		mc_bad_field(e, "competent_agency", MC_M_CAT_COMPETENT_AGENCY_KIND_CODE);
	check_time(def, e);
	const char *rule = json_string_value(json_object_get(def, "supplement_rule"));
	if (rule && !one_of(rule, rules))
		mc_bad_field(e, "supplement_rule", MC_M_CAT_SUPPLEMENT_RULE_RESTART_PAUSE);
	if (!one_of(json_string_value(json_object_get(def, "online_level")), online))
		mc_bad_field(e, "online_level", MC_M_CAT_ONLINE_LEVEL_FULL_PARTIAL);
	if (!str_field(def, "result", 500))
		mc_bad_field(e, "result", MC_M_CAT_RESULT_REQUIRED);
	check_result_paper(def, e);
	check_fees(json_object_get(def, "fees"), e);
	check_legal_basis(json_object_get(def, "legal_basis"), e);
	if (!valid_day(json_string_value(json_object_get(def, "verified_on"))))
		mc_bad_field(e, "verified_on", MC_M_CAT_VERIFIED_DATE_DATA_WAS);
	check_status(def, e);
	check_texts(def, e);
	json_t *papers = json_object_get(def, "papers");
	check_papers(papers, e);
	check_form(json_object_get(def, "form"), json_is_array(papers) ? papers : NULL, e);
	if (e->nfields == before)
		check_steps(def, e);
	return e->nfields > before ? (e->code = MC_E_VALIDATION) : 0;
}

/* ---------------- store ---------------- */

static char *search_key(json_t *def)
{
	char both[2048];
	snprintf(both, sizeof(both), "%s %s %s %s", json_string_value(json_object_get(def, "name")),
		 json_string_value(json_object_get(def, "code")), json_string_value(json_object_get(def, "field")),
		 json_string_value(json_object_get(def, "name_en")));
	char *k = mc_text_search_key_dup(both);
	return k ? k : mc_xstrdup("");
}

static int insert_version(struct mc_conn *c, json_t *def, int version, int64_t actor, int64_t *id)
{
	json_t *t = json_object_get(def, "processing_time");
	char *key = search_key(def);
	char *text = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"INSERT INTO procedures (code, version, is_current, name, name_en, field_code, field, field_en, level,"
		" time_value, time_unit, online_level, search_key, definition, created_at, created_by, active)"
		" VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"tdttttttittttiid", json_string_value(json_object_get(def, "code")), version,
		json_string_value(json_object_get(def, "name")), json_string_value(json_object_get(def, "name_en")),
		json_string_value(json_object_get(def, "field_code")), json_string_value(json_object_get(def, "field")),
		json_string_value(json_object_get(def, "field_en")), json_string_value(json_object_get(def, "level")),
		(int64_t)json_integer_value(json_object_get(t, "value")), json_string_value(json_object_get(t, "unit")),
		json_string_value(json_object_get(def, "online_level")), key, text, mc_time_now_ms(), actor,
		mc_catalog_repealed(def) ? 0 : 1);
	free(key);
	free(text);
	if (rc)
		return rc;
	return mc_step_returning(s, id);
}

int mc_catalog_create(struct mc_conn *c, json_t *def, int64_t actor, int64_t *id)
{
	int64_t n = 0;
	int rc = mc_query_int64(c, &n, "SELECT COUNT(*) FROM procedures WHERE code = ?", "t",
				json_string_value(json_object_get(def, "code")));
	if (rc)
		return rc;
	if (n)
		return MC_E_CONFLICT;
	return insert_version(c, def, 1, actor, id);
}

int mc_catalog_update(struct mc_conn *c, const char *code, int expected_version, json_t *def, int64_t actor,
		      int *new_version)
{
	int64_t cur = 0;
	int rc = mc_query_int64(c, &cur, "SELECT version FROM procedures WHERE code = ? AND is_current = 1", "t", code);
	if (rc)
		return rc;
	if (cur != expected_version)
		return MC_E_PRECONDITION;
	int64_t n = mc_exec(c, "UPDATE procedures SET is_current = 0 WHERE code = ? AND version = ?", "ti", code, cur);
	if (n < 0)
		return (int)n;
	*new_version = (int)cur + 1;
	return insert_version(c, def, *new_version, actor, NULL);
}

static int get_where(struct mc_conn *c, const char *sql, const char *types, const char *code, int64_t num, json_t **out)
{
	struct mc_stmt *s;
	int rc = types[0] == 't' ? mc_query(c, &s, sql, types, code, num) : mc_query(c, &s, sql, types, num);
	if (rc)
		return rc;
	rc = mc_step(s);
	json_t *def = NULL;
	if (rc == MC_DB_ROW) {
		json_error_t je;
		def = json_loads(mc_col_text(s, 0), 0, &je);
		if (def) {
			json_object_set_new(def, "id", json_integer(mc_col_int64(s, 1)));
			json_object_set_new(def, "version", json_integer(mc_col_int64(s, 2)));
			json_object_set_new(def, "is_current", json_boolean(mc_col_int64(s, 3)));
		}
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (rc == MC_DB_DONE)
		return MC_E_NOT_FOUND;
	if (!def)
		return MC_E_INTERNAL;
	*out = def;
	return 0;
}

/*
 * A procedure row never changes (an edit adds a new row), so its parsed
 * definition is kept by id and shared: callers only read it (jansson's
 * reference counts are atomic).  Parsing a definition is the largest cost
 * of an intake otherwise.
 */
#define DEF_CACHE 256

static struct {
	int64_t id;
	json_t *def;
} def_cache[DEF_CACHE];
static pthread_mutex_t def_lock = PTHREAD_MUTEX_INITIALIZER;

int mc_catalog_get_id(struct mc_conn *c, int64_t id, json_t **out)
{
	unsigned slot = (unsigned)((uint64_t)id % DEF_CACHE);
	pthread_mutex_lock(&def_lock);
	if (def_cache[slot].def && def_cache[slot].id == id) {
		*out = json_incref(def_cache[slot].def);
		pthread_mutex_unlock(&def_lock);
		return 0;
	}
	pthread_mutex_unlock(&def_lock);
	json_t *def = NULL;
	int rc = get_where(c, "SELECT definition, id, version, is_current FROM procedures WHERE id = ?", "i", NULL, id,
			   &def);
	if (rc)
		return rc;
	/* is_current may change later: the cached copy does not carry it */
	json_object_del(def, "is_current");
	pthread_mutex_lock(&def_lock);
	json_decref(def_cache[slot].def);
	def_cache[slot].id = id;
	def_cache[slot].def = json_incref(def);
	pthread_mutex_unlock(&def_lock);
	*out = def;
	return 0;
}

int mc_catalog_get(struct mc_conn *c, const char *code, int version, json_t **out)
{
	if (version == 0) {
		/* the current version: its definition comes whole, with is_current */
		int rc = get_where(
			c,
			"SELECT definition, id, version, is_current FROM procedures WHERE code = ? AND is_current = 1"
			" AND CAST(? AS BIGINT) = 0",
			"ti", code, 0, out);
		return rc;
	}
	return get_where(c, "SELECT definition, id, version, is_current FROM procedures WHERE code = ? AND version = ?",
			 "ti", code, version, out);
}

/* The current version's id (cheap), for callers that then use the cache. */
int mc_catalog_current_id(struct mc_conn *c, const char *code, int64_t *id)
{
	return mc_query_int64(c, id, "SELECT id FROM procedures WHERE code = ? AND is_current = 1", "t", code);
}

/* Whether a LIKE key holds something to look for: a letter or a digit
 * (the key keeps only those, '.', spaces and the '%' around it). */
static int like_has_word(const char *like)
{
	for (const char *p = like; p && *p; p++)
		if (*p != '%' && *p != '.' && *p != ' ')
			return 1;
	return 0;
}

/* One procedure of the catalogue list: its summary and, from its
 * definition, what a citizen compares (fees, result, date checked). */
static json_t *catalog_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	json_error_t je;
	json_t *def = json_loads(mc_col_text(s, 12), 0, &je);
	json_t *item =
		json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s}, s:s}", "id",
			  (json_int_t)mc_col_int64(s, 0), "code", mc_col_text(s, 1), "version",
			  (json_int_t)mc_col_int64(s, 2), "name", mc_col_text(s, 3), "name_en", mc_col_text(s, 4),
			  "field_code", mc_col_text(s, 5), "field", mc_col_text(s, 6), "field_en", mc_col_text(s, 7),
			  "level", mc_col_text(s, 8), "processing_time", "value", (json_int_t)mc_col_int64(s, 9),
			  "unit", mc_col_text(s, 10), "online_level", mc_col_text(s, 11));
	if (def && item) {
		json_object_set(item, "fees", json_object_get(def, "fees"));
		json_object_set(item, "payable", json_boolean(mc_catalog_payable(def)));
		json_object_set(item, "result", json_object_get(def, "result"));
		json_object_set(item, "verified_on", json_object_get(def, "verified_on"));
	}
	json_decref(def);
	return item;
}

int mc_catalog_list(struct mc_conn *c, const char *q, const char *field, const char *level, const char *after,
		    int limit, json_t **out, int *more)
{
	char *like = mc_text_like_key(q);
	if (q && *q && !like_has_word(like)) {
		/* an emoji or punctuation alone: nothing matches (its key would be
		 * "%%", which matches everything) */
		free(like);
		*out = json_array();
		*more = 0;
		return 0;
	}
	struct mc_stmt *s;
	int rc = mc_query(
		c, &s,
		"SELECT id, code, version, name, name_en, field_code, field, field_en, level, time_value, time_unit,"
		" online_level, definition FROM procedures WHERE is_current = 1 AND active = 1"
		" AND (CAST(? AS TEXT) IS NULL OR search_key LIKE ?)"
		" AND (CAST(? AS TEXT) IS NULL OR field_code = ?)"
		" AND (CAST(? AS TEXT) IS NULL OR level = ?)"
		" AND (CAST(? AS TEXT) IS NULL OR code > ?)"
		" ORDER BY code LIMIT ?",
		"ttttttttd", like, like, field, field, level, level, after, after, limit + 1);
	free(like);
	if (rc)
		return rc;
	return mc_rows_json_page(s, catalog_row, NULL, (size_t)limit, out, more);
}

static json_t *field_row(struct mc_stmt *s, void *ud)
{
	(void)ud;
	return json_pack("{s:s, s:s, s:s, s:I}", "code", mc_col_text(s, 0), "name", mc_col_text(s, 1), "name_en",
			 mc_col_text(s, 2), "procedures", (json_int_t)mc_col_int64(s, 3));
}

int mc_catalog_fields(struct mc_conn *c, json_t **out)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT field_code, MIN(field), MIN(field_en), COUNT(*) FROM procedures"
			  " WHERE is_current = 1 AND active = 1 GROUP BY field_code ORDER BY field_code",
			  "");
	if (rc)
		return rc;
	return mc_rows_json(s, field_row, NULL, out);
}

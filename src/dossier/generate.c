/*
 * generate.c - bulk-load realistic test dossiers (`motcua seed --dossiers N`).
 *
 * Rows go straight into the tables, many per transaction, without the HTTP
 * API: the point is to build the large sets of the benchmark (a million
 * dossiers and more) in minutes.  On SQLite through prepared statements; on
 * PostgreSQL each batch is kept in memory and written with COPY
 * (gen_copy.c), the same rows.  What they look like:
 *   - dates: the working days of the last 12 months (up to yesterday), in
 *     office hours, in order (ids grow with time, like live intake), with a
 *     day-to-day spread;
 *   - procedures: the current versions in the catalog, weighted - civil
 *     status (hộ tịch) and certified copies (chứng thực) most common;
 *   - agencies: the competent agency per the procedure (its code, or one of
 *     its kind); taken in at a counter of the competent agency, a branch or
 *     the centre of its province; online (about 40 %, where the procedure is offered online)
 *     received by the competent agency;
 *   - states: mostly returned or result_ready; in_progress and
 *     supplement_requested for the recent ones; about 1.5 % refused, 0.7 %
 *     withdrawn; about 2 % finished late; due dates from the working-time
 *     calendar (the database's exceptions included);
 *   - codes: <receiving agency>-<YYMMDD>-<NNNN> from per agency and day
 *     counters kept in memory, starting from dossier_sequences and written
 *     back to it, so that live intake continues without collision; register
 *     entries (Y<year>) likewise;
 *   - all steps, with times spread over the dossier's span by their hours;
 *   - dossier_stats kept exactly as the transitions would (each batch adds
 *     its counts in its own transaction), so GET /api/v1/stats equals the
 *     recount.
 * Not written: events, outbox and per-dossier audit entries (bulk-loaded
 * test data); one audit entry "dossier.generate" records the load.  Secrets
 * come from a fast seeded generator, not the CSPRNG: test data only.  Run
 * it on a database that is not taking intake at the same time.
 */
#include "dossier.h"
#include "gen.h"
#include "internal.h"

#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../core/spread.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static void local_ymd(int64_t day, int *y, int *m, int *d)
{
	mc_civil_from_days(day, y, m, d);
}
static int64_t local_day_of(int64_t ms)
{
	return mc_vn_day(ms);
}

static double field_weight(const char *f)
{
	static const struct {
		const char *f;
		double w;
	} t[] = {{"ho_tich", 4.0}, {"chung_thuc", 9.0}, {"lien_thong", 3.0}, {"cu_tru", 2.5}, {"ho_kinh_doanh", 1.2}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].f, f) == 0)
			return t[i].w;
	return 0.6;
}

/* An agency's province as an index 0..99 (its two-digit GSO code). */
static int province_index(const struct gagency *a)
{
	int p = atoi(a->province);
	return p > 0 && p < 100 ? p : 0;
}

/* The provinces' full names, by GSO code. */
static int load_provinces(struct gen *g)
{
	struct mc_stmt *s;
	int rc = mc_query(g->c, &s, "SELECT code, full_name FROM units WHERE era = 'current' AND level = 'province'",
			  "");
	if (rc)
		return rc;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		int p = atoi(mc_col_text(s, 0));
		if (p > 0 && p < 100)
			snprintf(g->pname[p], sizeof(g->pname[p]), "%s", mc_col_text(s, 1));
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

static int load_agencies(struct gen *g)
{
	struct mc_stmt *s;
	int rc = load_provinces(g);
	if (rc)
		return rc;
	rc = mc_query(
		g->c, &s,
		/* grouped joins, not a subquery per agency: users.agency_id has
		 * no index, and the nation has 7,000 agencies */
		"SELECT a.id, a.code, a.kind, a.province_code, a.name, a.name_en, k.lowest, c.lowest"
		" FROM agencies a"
		" LEFT JOIN (SELECT agency_id, MIN(id) AS lowest FROM counters WHERE active = 1 GROUP BY agency_id) k"
		"  ON k.agency_id = a.id"
		" LEFT JOIN (SELECT u.agency_id, MIN(u.id) AS lowest FROM users u JOIN user_roles r"
		"  ON r.user_id = u.id AND r.role_code = 'clerk' GROUP BY u.agency_id) c ON c.agency_id = a.id"
		" WHERE a.active = 1 ORDER BY a.id",
		"");
	if (rc)
		return rc;
	int cap = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (g->nag == cap) {
			cap = cap ? cap * 2 : 64;
			g->ag = realloc(g->ag, (size_t)cap * sizeof(*g->ag));
		}
		struct gagency *a = &g->ag[g->nag++];
		memset(a, 0, sizeof(*a));
		a->id = mc_col_int64(s, 0);
		snprintf(a->code, sizeof(a->code), "%s", mc_col_text(s, 1));
		snprintf(a->kind, sizeof(a->kind), "%s", mc_col_text(s, 2));
		snprintf(a->province, sizeof(a->province), "%s", mc_col_text(s, 3));
		snprintf(a->name, sizeof(a->name), "%s", mc_col_text(s, 4));
		a->has_name_en = mc_col_text(s, 5) != NULL;
		snprintf(a->name_en, sizeof(a->name_en), "%s", a->has_name_en ? mc_col_text(s, 5) : "");
		a->counter_id = mc_col_int64(s, 6);
		a->clerk_id = mc_col_int64(s, 7);
		if (a->id > g->max_agency_id)
			g->max_agency_id = a->id;
	}
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	g->ag_of_id = calloc((size_t)g->max_agency_id + 1, sizeof(int));
	g->intake = calloc((size_t)g->nag + 1, sizeof(int));
	for (int i = 0; i < g->nag; i++) {
		g->ag_of_id[g->ag[i].id] = i + 1;
		if (g->ag[i].counter_id &&
		    (strcmp(g->ag[i].kind, "branch") == 0 || strcmp(g->ag[i].kind, "service_centre") == 0))
			g->intake[g->nintake++] = i;
	}
	if (!g->nintake) {
		snprintf(g->err, sizeof(g->err),
			 "no branch or service centre with a counter: load the demo data first");
		return MC_E_NOT_FOUND;
	}
	/* by province, in the same order: a dossier is taken in within its
	 * competent agency's province (the national rehearsal's 34) */
	g->pintake = calloc((size_t)g->nintake, sizeof(int));
	for (int i = 0; i < g->nintake; i++)
		g->pn[province_index(&g->ag[g->intake[i]])]++;
	for (int p = 1; p < 100; p++)
		g->poff[p] = g->poff[p - 1] + g->pn[p - 1];
	int fill[100] = {0};
	for (int i = 0; i < g->nintake; i++) {
		int p = province_index(&g->ag[g->intake[i]]);
		g->pintake[g->poff[p] + fill[p]++] = g->intake[i];
	}
	return 0;
}

static int agency_index(struct gen *g, int64_t id)
{
	return id > 0 && id <= g->max_agency_id ? g->ag_of_id[id] - 1 : -1;
}

/* The steps of a procedure's definition (at most MAX_STEPS). */
static void parse_steps(struct gen *g, struct gproc *p, json_t *def)
{
	size_t k;
	json_t *st;
	json_array_foreach(json_object_get(def, "steps"), k, st) {
		if (p->nsteps == MAX_STEPS)
			break;
		struct gstep *x = &p->steps[p->nsteps++];
		snprintf(x->name, sizeof(x->name), "%s", mc__jstr(st, "name"));
		snprintf(x->role, sizeof(x->role), "%s", mc__jstr(st, "role"));
		x->hours = (int)json_integer_value(json_object_get(st, "hours"));
		const char *unit = mc__jstr(st, "unit");
		x->unit = strcmp(unit, "receiving") == 0 ? 0 : 1;
		if (strncmp(unit, "consulted:", 10) == 0) {
			for (int a = 0; a < g->nag; a++)
				if (strcmp(g->ag[a].code, unit + 10) == 0) {
					x->unit = 2;
					x->agency_id = g->ag[a].id;
				}
		}
		p->hours_total += x->hours;
	}
}

/* The mandatory papers, as the counter checklist records them (JSON). */
static char *mandatory_papers(json_t *def)
{
	json_t *papers = json_array(), *pp;
	size_t k;
	json_array_foreach(json_object_get(def, "papers"), k, pp) {
		if (!json_is_true(json_object_get(pp, "mandatory")) || !json_is_null(json_object_get(pp, "condition")))
			continue;
		json_array_append_new(
			papers, mc__paper_kept(mc__jstr(pp, "code"), mc__jstr(pp, "kind") ? mc__jstr(pp, "kind") : "",
					       (int)json_integer_value(json_object_get(pp, "count")), ""));
	}
	char *text = json_dumps(papers, JSON_COMPACT);
	json_decref(papers);
	return text;
}

/* Read one current procedure into p; p->nkind == 0 when no agency of this
 * database may handle it. */
static int load_procedure(struct gen *g, const char *code, struct gproc *p)
{
	json_t *def = NULL;
	int rc = mc_catalog_get(g->c, code, 0, &def);
	if (rc)
		return rc;
	memset(p, 0, sizeof(*p));
	p->id = json_integer_value(json_object_get(def, "id"));
	snprintf(p->code, sizeof(p->code), "%s", code);
	snprintf(p->field, sizeof(p->field), "%s", mc__jstr(def, "field_code"));
	json_t *t = json_object_get(def, "processing_time");
	const char *unit = mc__jstr(t, "unit");
	p->value = (int)json_integer_value(json_object_get(t, "value"));
	p->days = unit && strcmp(unit, "working_day") == 0;
	p->same_day = unit && strcmp(unit, "same_day") == 0;
	if (p->same_day)
		p->value = MC_HOURS_PER_DAY; /* the work spreads over up to a day */
	const char *level = mc__jstr(def, "online_level");
	p->online_share = level && strcmp(level, "full") == 0 ? 0.55 : level && strcmp(level, "partial") == 0 ? 0.2 : 0;
	p->weight = field_weight(p->field);
	/* the competent agency: by its code, or any of its kind */
	json_t *ca = json_object_get(def, "competent_agency");
	const char *acode = mc__jstr(ca, "code"), *kind = mc__jstr(ca, "kind");
	p->kind_agencies = calloc((size_t)g->nag + 1, sizeof(int));
	for (int k = 0; k < g->nag; k++)
		if ((acode && strcmp(g->ag[k].code, acode) == 0) ||
		    (!acode && kind && strcmp(g->ag[k].kind, kind) == 0))
			p->kind_agencies[p->nkind++] = k;
	parse_steps(g, p, def);
	p->papers = mandatory_papers(def);
	p->name = mc_xstrdup(mc__jstr(def, "name") ? mc__jstr(def, "name") : "");
	p->name_en = mc__jstr(def, "name_en") ? mc_xstrdup(mc__jstr(def, "name_en")) : NULL;
	p->def_steps = json_incref(json_object_get(def, "steps"));
	json_decref(def);
	return 0;
}

/* The codes of the current procedures. */
static int procedure_codes(struct gen *g, char (**codes)[20], int *n)
{
	struct mc_stmt *s;
	int rc = mc_query(g->c, &s, "SELECT code FROM procedures WHERE is_current = 1 ORDER BY code", "");
	if (rc)
		return rc;
	int cap = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*codes = mc_xrealloc(*codes, (size_t)cap * sizeof(**codes));
		}
		snprintf((*codes)[(*n)++], sizeof((*codes)[0]), "%s", mc_col_text(s, 0));
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

static int load_procedures(struct gen *g)
{
	char(*codes)[20] = NULL;
	int n = 0;
	int rc = procedure_codes(g, &codes, &n);
	if (rc)
		goto out;
	g->pr = calloc((size_t)n + 1, sizeof(*g->pr));
	for (int i = 0; i < n; i++) {
		struct gproc *p = &g->pr[g->npr];
		if ((rc = load_procedure(g, codes[i], p)))
			goto out;
		if (p->nkind == 0 || p->nsteps < 3) {
			free(p->kind_agencies);
			free(p->papers);
			free(p->name);
			free(p->name_en);
			json_decref(p->def_steps);
			continue; /* no competent agency in this database: leave the procedure out */
		}
		g->wsum += p->weight;
		g->npr++;
	}
	if (!g->npr) {
		snprintf(g->err, sizeof(g->err),
			 "no procedure with a competent agency: seed the catalog and the demo data");
		rc = MC_E_NOT_FOUND;
	}
out:
	free(codes);
	return rc;
}

/* Existing code and register counters, so the generated codes continue
 * them (and live intake continues ours). */
static int load_sequences(struct gen *g)
{
	struct mc_stmt *s;
	int rc = mc_query(g->c, &s, "SELECT agency_id, day, last FROM dossier_sequences", "");
	if (rc)
		return rc;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		int a = agency_index(g, mc_col_int64(s, 0));
		const char *day = mc_col_text(s, 1);
		int32_t last = (int32_t)mc_col_int64(s, 2);
		if (a < 0 || !day)
			continue;
		int y, m, d;
		if (day[0] == 'Y' && sscanf(day + 1, "%4d", &y) == 1) {
			if (y >= g->year0 && y < g->year0 + 4)
				g->reg[a * 4 + (y - g->year0)] = last;
		} else if (strlen(day) == 6 && sscanf(day, "%2d%2d%2d", &y, &m, &d) == 3) {
			int64_t k = mc_days_from_civil(2000 + y, m, d) - g->day0;
			if (k >= 0 && k < g->ndays)
				g->seq[(size_t)a * (size_t)g->ndays + (size_t)k] = last;
		}
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

/* ---------------- statistics and counters, flushed per batch ---------------- */

/*
 * The statistics deltas of the open batch, per (agency, procedure, period)
 * with period a day, a month or a year: a hash table of the cells touched
 * (open addressing), since a dense array over every agency, procedure and
 * day would take gigabytes for the nation's 7,000 agencies.
 */
enum { P_DAY, P_MONTH, P_YEAR };

static uint64_t stat_key(int ag, int pr, int kind, int idx)
{
	return ((uint64_t)ag << 32 | (uint64_t)pr << 18 | (uint64_t)kind << 16 | (uint64_t)idx) + 1;
}

/* A slot for key in a table of cap slots (a power of two): the key's bits
 * mixed (the agency and the procedure sit in its high bits, which a plain
 * multiplication would leave out of the low ones). */
static size_t stat_slot(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

static struct gstat *stat_cell(struct gen *g, uint64_t key)
{
	if (2 * (g->nstats + 1) > g->stats_cap) { /* grow: at most half full */
		size_t cap = g->stats_cap ? g->stats_cap * 2 : 1 << 14;
		struct gstat *t = mc_xcalloc(cap, sizeof(*t));
		for (size_t i = 0; i < g->stats_cap; i++) {
			if (!g->stats[i].key)
				continue;
			size_t h = stat_slot(g->stats[i].key, cap);
			while (t[h].key)
				h = (h + 1) & (cap - 1);
			t[h] = g->stats[i];
		}
		free(g->stats);
		g->stats = t;
		g->stats_cap = cap;
	}
	size_t h = stat_slot(key, g->stats_cap);
	while (g->stats[h].key && g->stats[h].key != key)
		h = (h + 1) & (g->stats_cap - 1);
	if (!g->stats[h].key) {
		g->stats[h].key = key;
		g->nstats++;
	}
	return &g->stats[h];
}

static void stat_add(struct gen *g, int ag, int pr, int64_t at, int col)
{
	int64_t day = local_day_of(at) - g->day0;
	if (day < 0 || day >= g->ndays)
		return; /* cannot happen: every event is in the range */
	int y, m, d;
	local_ymd(day + g->day0, &y, &m, &d);
	stat_cell(g, stat_key(ag, pr, P_DAY, (int)day))->v[col]++;
	stat_cell(g, stat_key(ag, pr, P_MONTH, (y - g->year0) * 12 + (m - 1)))->v[col]++;
	stat_cell(g, stat_key(ag, pr, P_YEAR, y - g->year0))->v[col]++;
}

/* A cell's period, as dossier_stats names it. */
static void stat_period(const struct gen *g, uint64_t key, char *out, size_t n)
{
	key--;
	int kind = (int)(key >> 16 & 3), idx = (int)(key & 0xffff);
	int y, m, d;
	if (kind == P_DAY) {
		local_ymd(g->day0 + idx, &y, &m, &d);
		snprintf(out, n, "D%04d-%02d-%02d", y, m, d);
	} else if (kind == P_MONTH) {
		snprintf(out, n, "M%04d-%02d", g->year0 + idx / 12, idx % 12 + 1);
	} else {
		snprintf(out, n, "Y%04d", g->year0 + idx);
	}
}

static const char stats_sql[] =
	"INSERT INTO dossier_stats (agency_id, procedure_code, field_code, period, received_online, received_counter,"
	" resolved_early, resolved_on_time, resolved_late, refused, withdrawn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	"?)" GEN_STATS_ADD;

static const char seq_sql[] =
	"INSERT INTO dossier_sequences (agency_id, day, last) VALUES (?, ?, ?) ON CONFLICT (agency_id, day) DO UPDATE "
	"SET"
	" last = CASE WHEN excluded.last > dossier_sequences.last THEN excluded.last ELSE dossier_sequences.last END";

/* Where flush writes a row: a statement each (SQLite), or the COPY of the
 * batch's counters (gen_copy.c). */
static int stats_row(struct gen *g, const struct gstat *st, const char *period)
{
	int ag = (int)((st->key - 1) >> 32), pr = (int)((st->key - 1) >> 18 & 0x3fff);
	if (g->copy)
		return mc__gen_copy_stats_row(g, g->ag[ag].id, g->pr[pr].code, g->pr[pr].field, period, st->v);
	const int32_t *v = st->v;
	int64_t n = mc_exec(g->c, stats_sql,
			    "ittt"
			    "iiiiiii",
			    g->ag[ag].id, g->pr[pr].code, g->pr[pr].field, period, (int64_t)v[0], (int64_t)v[1],
			    (int64_t)v[2], (int64_t)v[3], (int64_t)v[4], (int64_t)v[5], (int64_t)v[6]);
	return n < 0 ? (int)n : 0;
}

static int seq_row(struct gen *g, int64_t agency_id, const char *day, int64_t last)
{
	if (g->copy)
		return mc__gen_copy_seq_row(g, agency_id, day, last);
	int64_t n = mc_exec(g->c, seq_sql, "iti", agency_id, day, last);
	return n < 0 ? (int)n : 0;
}

/* The batch's statistics and counters, added to dossier_stats and
 * dossier_sequences in its transaction. */
static int flush(struct gen *g)
{
	int rc = g->copy ? mc__gen_copy_counters_begin(g) : 0;
	char period[16];
	for (size_t i = 0; i < g->stats_cap && !rc; i++) {
		struct gstat *st = &g->stats[i];
		if (!st->key)
			continue;
		stat_period(g, st->key, period, sizeof(period));
		rc = stats_row(g, st, period);
	}
	if (g->stats)
		memset(g->stats, 0, g->stats_cap * sizeof(*g->stats));
	g->nstats = 0;
	/* code and register counters */
	for (int a = 0; a < g->nag && !rc; a++) {
		for (int k = 0; k < g->ndays && !rc; k++) {
			size_t i = (size_t)a * (size_t)g->ndays + (size_t)k;
			if (!g->seq_dirty[i])
				continue;
			g->seq_dirty[i] = 0;
			int y, m, d;
			local_ymd(g->day0 + k, &y, &m, &d);
			char yymmdd[16];
			snprintf(yymmdd, sizeof(yymmdd), "%02d%02d%02d", y % 100, m, d);
			rc = seq_row(g, g->ag[a].id, yymmdd, (int64_t)g->seq[i]);
		}
		for (int k = 0; k < 4 && !rc; k++) {
			if (!g->reg_dirty[a * 4 + k])
				continue;
			g->reg_dirty[a * 4 + k] = 0;
			char year[16];
			snprintf(year, sizeof(year), "Y%04d", g->year0 + k);
			rc = seq_row(g, g->ag[a].id, year, (int64_t)g->reg[a * 4 + k]);
		}
	}
	if (g->copy && !rc)
		rc = mc__gen_copy_counters_end(g);
	return rc;
}

/* ---------------- one dossier ---------------- */

static const char *const family[] = {"Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",
				     "Võ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",   "Dương", "Lý"};
static const char *const middle_m[] = {"Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Gia"};
static const char *const middle_f[] = {"Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thanh", "Bảo", "Phương"};
static const char *const given_m[] = {"An",   "Bình", "Cường", "Dũng", "Hùng",  "Khang", "Long", "Nam",
				      "Phúc", "Quân", "Sơn",   "Tài",  "Thắng", "Trung", "Tuấn", "Việt"};
static const char *const given_f[] = {"Anh",  "Châu", "Diễm", "Hà",    "Hạnh", "Hoa",   "Hương", "Lan",
				      "Linh", "Mai",  "Ngân", "Nhung", "Oanh", "Trang", "Vy",    "Yến"};
static const char *const streets[] = {"Lê Lợi",        "Nguyễn Huệ",          "Hai Bà Trưng",         "Pasteur",
				      "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Nguyễn Thị Minh Khai", "Võ Văn Tần",
				      "Lý Tự Trọng",   "Trần Hưng Đạo",       "Phan Xích Long",       "Quang Trung",
				      "Lê Văn Sỹ",     "Nguyễn Trãi"};

/* An applicant living in province p (index 0..99: its GSO code). */
static void make_applicant(const struct gen *g, int p, char *out, size_t n)
{
	int female = mc_rnd_below(2);
	int year = 1950 + mc_rnd_below(55);
	/* 12-digit personal ID: province 079, gender/century, year, 6 digits */
	int gc = (year >= 2000 ? 2 : 0) + female;
	snprintf(out, n,
		 "{\"kind\":\"citizen\",\"full_name\":\"%s %s %s\",\"id_number\":\"0%02d%d%02d%06d\","
		 "\"phone\":\"09%08d\",\"address\":\"Số %d đường %s, %s\"}",
		 MC_RND_PICK(family), female ? MC_RND_PICK(middle_f) : MC_RND_PICK(middle_m),
		 female ? MC_RND_PICK(given_f) : MC_RND_PICK(given_m), p ? p : 79, gc, year % 100,
		 mc_rnd_below(1000000), mc_rnd_below(100000000), 1 + mc_rnd_below(300), MC_RND_PICK(streets),
		 g->pname[p][0] ? g->pname[p] : "Thành phố Hồ Chí Minh");
}

static void make_secret(char out[10])
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	uint64_t r = mc_rnd();
	for (int i = 0; i < 9; i++) {
		if (i == 4) {
			out[i] = '-';
			continue;
		}
		out[i] = alphabet[r & 31];
		r >>= 5;
	}
	out[9] = '\0';
}

static int pick_procedure(struct gen *g)
{
	double r = mc_rnd_unif() * g->wsum;
	for (int i = 0; i < g->npr; i++) {
		r -= g->pr[i].weight;
		if (r < 0)
			return i;
	}
	return g->npr - 1;
}

static const char dossier_sql[] =
	"INSERT INTO dossiers (id, code, secret, province_code, procedure_id, procedure_code, field_code, applicant,"
	" form_data, papers, channel, status, received_agency_id, counter_id, competent_agency_id, current_step,"
	" current_agency_id, step_role, received_by, submitted_at, received_at, due_at, paused_at, completed_at,"
	" returned_at, result_status, return_method, register_entry, extra, version, created_at, updated_at)"
	" VALUES (mc_dossier_id(?), ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	"?, ?, ?, ?, ?)"
	" RETURNING id";

static void bind_opt(struct mc_stmt *s, int idx, int64_t v)
{
	if (v)
		mc_bind_int64(s, idx, v);
	else
		mc_bind_null(s, idx);
}

static void bind_opt_text(struct mc_stmt *s, int idx, const char *v)
{
	if (v && *v)
		mc_bind_text(s, idx, v);
	else
		mc_bind_null(s, idx);
}

/* The multi-row INSERTs of 1 to STEPS_PER_INSERT steps: fixed texts. */
#define STEPS_INSERT                                                                                                   \
	"INSERT INTO dossier_steps (dossier_id, seq, name, role, agency_id, hours, started_at,"                        \
	" due_at, handed_by, finished_at, finished_by, result) VALUES "
#define STEP_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
static const char *const steps_sql[STEPS_PER_INSERT + 1] = {
	NULL,
	STEPS_INSERT STEP_ROW,
	STEPS_INSERT STEP_ROW ", " STEP_ROW,
	STEPS_INSERT STEP_ROW ", " STEP_ROW ", " STEP_ROW,
	STEPS_INSERT STEP_ROW ", " STEP_ROW ", " STEP_ROW ", " STEP_ROW,
};

/* The procedure, the competent and the receiving agency.  MC_E_CONFLICT
 * when every candidate agency already has 9999 codes that day. */
static int pick_agencies(struct gen *g, struct gdossier *d)
{
	d->p = &g->pr[pick_procedure(g)];
	d->pri = (int)(d->p - g->pr);
	d->comp = d->p->kind_agencies[mc_rnd_below(d->p->nkind)];
	d->online = mc_rnd_unif() < d->p->online_share;
	d->recv = d->comp;
	/* the intake points of the competent agency's province (all of them
	 * when it has none) */
	int pv = province_index(&g->ag[d->comp]);
	const int *intake = g->pn[pv] ? g->pintake + g->poff[pv] : g->intake;
	int nintake = g->pn[pv] ? g->pn[pv] : g->nintake;
	if (!d->online && !(g->ag[d->comp].counter_id && mc_rnd_unif() < 0.55))
		d->recv = intake[mc_rnd_below(nintake)]; /* a branch (mostly) or the centre */
	d->day = local_day_of(d->sub) - g->day0;
	d->si = (size_t)d->recv * (size_t)g->ndays + (size_t)d->day;
	for (int tries = 0; g->seq[d->si] >= 9999; tries++) {
		if (tries > 2 * nintake)
			return MC_E_CONFLICT;
		d->online = 0;
		d->recv = intake[mc_rnd_below(nintake)];
		d->si = (size_t)d->recv * (size_t)g->ndays + (size_t)d->day;
	}
	return 0;
}

/* The legal deadline, and when the work would end: about 2 % late. */
static void plan_end(struct gen *g, struct gdossier *d)
{
	struct gproc *p = d->p;
	if (p->same_day)
		mc_cal_due_days(&g->cal, d->rec, 0, &d->due);
	else if (p->days)
		mc_cal_due_days(&g->cal, d->rec, p->value, &d->due);
	else
		mc_cal_due_hours(&g->cal, d->rec, p->value, &d->due);
	int64_t budget = p->days ? (int64_t)p->value * 480 : (int64_t)p->value * 60;
	if (mc_rnd_unif() < 0.02) {
		mc_cal_add_working_minutes(&g->cal, d->due, 30 + mc_rnd_below(3 * 480), &d->plan_end);
		return;
	}
	mc_cal_add_working_minutes(&g->cal, d->rec, (int64_t)((double)budget * (0.25 + 0.75 * mc_rnd_unif())),
				   &d->plan_end);
	if (d->plan_end > d->due)
		d->plan_end = d->due;
}

/* Where the dossier stands now: its status and the instants it reached. */
static void timeline(struct gen *g, struct gdossier *d)
{
	d->rec = d->sub;
	if (d->online)
		mc_cal_add_working_minutes(&g->cal, d->sub, 5 + mc_rnd_below(240), &d->rec);
	if (d->rec > g->now) {
		d->status = "submitted";
		d->rec = 0;
		d->cutoff = g->now;
		return;
	}
	plan_end(g, d);
	double e = mc_rnd_unif();
	d->end_kind = e < 0.015 ? 1 : e < 0.022 ? 2 : 0;
	if (d->end_kind) {
		/* refused or withdrawn part of the way */
		int64_t at = d->rec + (int64_t)((double)(d->plan_end - d->rec) * mc_rnd_unif());
		if (at > g->now) {
			d->status = "in_progress";
			d->cutoff = g->now;
		} else {
			d->status = d->end_kind == 1 ? "refused" : "withdrawn";
			d->completed = d->cutoff = at;
		}
	} else if (d->plan_end > g->now) {
		d->status = mc_rnd_unif() < 0.06 ? "supplement_requested" : "in_progress";
		d->cutoff = g->now;
		if (d->status[0] == 's')
			d->paused = d->rec + (g->now - d->rec) / 2;
	} else {
		d->completed = d->cutoff = d->plan_end;
		mc_cal_add_working_minutes(&g->cal, d->completed, 30 + mc_rnd_below(5 * 480), &d->returned);
		d->status = d->returned > g->now ? "result_ready" : "returned";
		if (d->returned > g->now)
			d->returned = 0;
	}
	if (d->completed && !d->end_kind)
		d->result = mc__score_name(mc_cal_classify(d->completed, d->due));
}

/* The steps' times: processing steps 2..n-1 share [rec, plan_end] by
 * their hours; step n is the return. */
static void step_times(struct gen *g, struct gdossier *d)
{
	struct gproc *p = d->p;
	int n = p->nsteps, proc_hours = 0, acc = 0;
	for (int i = 1; i < n - 1; i++)
		proc_hours += p->steps[i].hours;
	if (proc_hours <= 0)
		proc_hours = 1;
	int64_t rec = d->rec, span = d->plan_end - rec;
	for (int i = 0; i < n; i++) {
		struct gstep *x = &p->steps[i];
		d->agency[i] = x->unit == 0 ? g->ag[d->recv].id : x->unit == 1 ? g->ag[d->comp].id : x->agency_id;
		if (i == 0) {
			d->st_start[i] = d->sub;
			d->st_due[i] = d->st_end[i] = rec;
		} else if (i < n - 1) {
			d->st_start[i] = rec + span * acc / proc_hours;
			d->st_due[i] = rec + (d->due - rec) * (acc + x->hours) / proc_hours;
			acc += x->hours;
			d->st_end[i] = rec + span * acc / proc_hours;
		} else {
			d->st_start[i] = d->plan_end;
			d->st_due[i] = d->plan_end + 3600000;
			d->st_end[i] = d->returned ? d->returned : INT64_MAX;
		}
	}
}

/* The current step, and who holds the dossier while it is open. */
static void current_step(struct gdossier *d)
{
	int n = d->p->nsteps;
	const char *st = d->status;
	d->cur = n;
	if (!d->rec) {
		d->cur = 1;
	} else if (strcmp(st, "returned") != 0 && strcmp(st, "result_ready") != 0) {
		for (int i = 0; i < n; i++)
			if (d->st_end[i] > d->cutoff) {
				d->cur = i + 1;
				break;
			}
		if (d->cur == n && (!strcmp(st, "in_progress") || st[0] == 's'))
			d->cur = n - 1;
	}
	if (!strcmp(st, "submitted") || !strcmp(st, "in_progress") || !strcmp(st, "supplement_requested") ||
	    !strcmp(st, "result_ready")) {
		d->cur_agency = d->agency[d->cur - 1];
		d->role = d->p->steps[d->cur - 1].role;
	}
}

/* Code, secret, applicant, register entry, extra and version. */
static void number(struct gen *g, struct gdossier *d)
{
	int32_t seq = ++g->seq[d->si];
	g->seq_dirty[d->si] = 1;
	int y, m, dd;
	local_ymd(d->day + g->day0, &y, &m, &dd);
	snprintf(d->code, sizeof(d->code), "%s-%02d%02d%02d-%04d", g->ag[d->recv].code, y % 100, m, dd, (int)seq);
	make_secret(d->secret);
	make_applicant(g, province_index(&g->ag[d->recv]), d->applicant, sizeof(d->applicant));
	if (d->rec) {
		local_ymd(local_day_of(d->rec), &y, &m, &dd);
		int yi = y - g->year0;
		if (yi >= 0 && yi < 4) {
			d->entry = ++g->reg[d->recv * 4 + yi];
			g->reg_dirty[d->recv * 4 + yi] = 1;
		}
	}
	snprintf(d->extra, sizeof(d->extra), "{}");
	if (!strcmp(d->status, "supplement_requested"))
		snprintf(d->extra, sizeof(d->extra),
			 "{\"supplement\":{\"requested_at\":null,\"requested_by\":{\"id\":0},"
			 "\"items\":[\"Bản sao giấy tờ chứng minh nơi cư trú\"],\"reason\":\"Hồ sơ chưa đầy đủ\"}}");
	else if (!strcmp(d->status, "refused"))
		snprintf(d->extra, sizeof(d->extra),
			 "{\"refusal\":{\"at\":null,\"by\":{\"id\":0},\"reasons\":[\"Không đủ điều kiện theo quy "
			 "định\"]}}");
	d->return_method = mc_rnd_below(10) < 8 ? "counter" : mc_rnd_below(2) ? "post" : "online";
	d->version = 1;
	for (int i = 0; i < d->p->nsteps; i++)
		d->version += d->st_end[i] <= d->cutoff && (i > 0 || d->rec);
	if (d->completed || d->returned)
		d->version++;
}

static int insert_dossier(struct gen *g, struct gdossier *d)
{
	struct gproc *p = d->p;
	struct gagency *ra = &g->ag[d->recv];
	struct mc_stmt *s;
	int rc = mc_prepare(g->c, dossier_sql, &s);
	if (rc)
		return rc;
	int k = 1;
	mc_bind_text(s, k++, d->code); /* its id: its month's partition on PostgreSQL */
	mc_bind_text(s, k++, d->code);
	mc_bind_text(s, k++, d->secret);
	mc_bind_text(s, k++, ra->province);
	mc_bind_int64(s, k++, p->id);
	mc_bind_text(s, k++, p->code);
	mc_bind_text(s, k++, p->field);
	mc_bind_text(s, k++, d->applicant);
	mc_bind_text(s, k++, d->online ? "[]" : p->papers);
	mc_bind_text(s, k++, d->online ? "online" : "counter");
	mc_bind_text(s, k++, d->status);
	mc_bind_int64(s, k++, ra->id);
	bind_opt(s, k++, d->online ? 0 : ra->counter_id);
	mc_bind_int64(s, k++, g->ag[d->comp].id);
	mc_bind_int64(s, k++, d->cur);
	bind_opt(s, k++, d->cur_agency);
	bind_opt_text(s, k++, d->role);
	bind_opt(s, k++, d->rec ? ra->clerk_id : 0);
	mc_bind_int64(s, k++, d->sub);
	bind_opt(s, k++, d->rec);
	bind_opt(s, k++, d->due);
	bind_opt(s, k++, d->paused);
	bind_opt(s, k++, d->completed);
	bind_opt(s, k++, d->returned);
	bind_opt_text(s, k++, d->result);
	mc_bind_text(s, k++, d->return_method);
	bind_opt(s, k++, d->entry);
	mc_bind_text(s, k++, d->extra);
	mc_bind_int64(s, k++, d->version);
	mc_bind_int64(s, k++, d->sub);
	mc_bind_int64(s, k++, mc__gen_updated_at(g, d));
	return mc_step_returning(s, &d->id);
}

int64_t mc__gen_updated_at(const struct gen *g, const struct gdossier *d)
{
	int64_t upd = d->returned ? d->returned : d->completed ? d->completed : d->rec ? d->rec : d->sub;
	return upd > g->now ? g->now : upd;
}

void mc__gen_step_row(const struct gen *g, const struct gdossier *d, int i, struct gsteprow *r)
{
	const struct gstep *x = &d->p->steps[i];
	const struct gagency *ra = &g->ag[d->recv];
	int started = d->rec && i < d->cur && d->st_start[i] <= d->cutoff;
	int finished = started && (i + 1 < d->cur || (i + 1 == d->cur && !strcmp(d->status, "returned")));
	if (i == 0)
		started = finished = d->rec != 0;
	int64_t clerk = x->unit == 0 ? ra->clerk_id : 0;
	r->started = started ? d->st_start[i] : 0;
	r->due = started ? d->st_due[i] : 0;
	r->handed_by = started && i > 0 ? ra->clerk_id : 0;
	r->finished = finished ? d->st_end[i] : 0;
	r->finished_by = finished ? clerk : 0;
	r->result = finished ? mc__score_name(mc_cal_classify(d->st_end[i], d->st_due[i])) : NULL;
}

static void bind_step(struct gen *g, struct gdossier *d, struct mc_stmt *s, int *k, int i)
{
	struct gstep *x = &d->p->steps[i];
	struct gsteprow r;
	mc__gen_step_row(g, d, i, &r);
	mc_bind_int64(s, (*k)++, d->id);
	mc_bind_int64(s, (*k)++, i + 1);
	mc_bind_text(s, (*k)++, x->name);
	mc_bind_text(s, (*k)++, x->role);
	mc_bind_int64(s, (*k)++, d->agency[i]);
	mc_bind_int64(s, (*k)++, x->hours);
	bind_opt(s, (*k)++, r.started);
	bind_opt(s, (*k)++, r.due);
	bind_opt(s, (*k)++, r.handed_by);
	bind_opt(s, (*k)++, r.finished);
	bind_opt(s, (*k)++, r.finished_by);
	bind_opt_text(s, (*k)++, r.result);
}

/* The steps, STEPS_PER_INSERT rows per statement (PostgreSQL's driver
 * binds at most 64 parameters). */
static int insert_steps(struct gen *g, struct gdossier *d)
{
	int n = d->p->nsteps;
	for (int first = 0; first < n; first += STEPS_PER_INSERT) {
		int rows = n - first < STEPS_PER_INSERT ? n - first : STEPS_PER_INSERT;
		struct mc_stmt *s;
		int rc = mc_prepare(g->c, steps_sql[rows], &s);
		if (rc)
			return rc;
		int k = 1;
		for (int i = first; i < first + rows; i++)
			bind_step(g, d, s, &k, i);
		rc = mc_step(s);
		mc_stmt_done(s);
		if (rc < 0)
			return rc;
	}
	g->steps_written += n;
	return 0;
}

/* The statistics, as the transitions count them. */
static void count(struct gen *g, struct gdossier *d)
{
	if (d->rec)
		stat_add(g, d->comp, d->pri, d->rec, d->online ? S_ONLINE : S_COUNTER);
	if (d->result)
		stat_add(g, d->comp, d->pri, d->completed,
			 !strcmp(d->result, "early")     ? S_EARLY
			 : !strcmp(d->result, "on_time") ? S_ON_TIME
							 : S_LATE);
	if (d->rec && d->completed && d->end_kind == 1 && !strcmp(d->status, "refused"))
		stat_add(g, d->comp, d->pri, d->completed, S_REFUSED);
	if (d->rec && d->completed && d->end_kind == 2 && !strcmp(d->status, "withdrawn"))
		stat_add(g, d->comp, d->pri, d->completed, S_WITHDRAWN);
}

/* Generate and insert the dossier submitted at `sub`.  Returns 0, or
 * MC_E_CONFLICT when every candidate agency already has 9999 codes that
 * day. */
static int one(struct gen *g, int64_t sub)
{
	struct gdossier d;
	memset(&d, 0, sizeof(d));
	d.sub = sub;
	int rc = pick_agencies(g, &d);
	if (rc)
		return rc;
	timeline(g, &d);
	step_times(g, &d);
	current_step(&d);
	number(g, &d);
	if (g->copy) { /* written with its batch */
		count(g, &d);
		return mc__gen_copy_add(g, &d);
	}
	if ((rc = insert_dossier(g, &d)) || (rc = insert_steps(g, &d)))
		return rc;
	/* the public tracking answer, as a transition would leave it */
	if ((rc = mc__track_refresh(g->c, d.id)))
		return rc;
	count(g, &d);
	return 0;
}

/* ---------------- the driver ---------------- */

static void gen_free(struct gen *g)
{
	for (int i = 0; i < g->npr; i++) {
		free(g->pr[i].kind_agencies);
		free(g->pr[i].papers);
		free(g->pr[i].name);
		free(g->pr[i].name_en);
		json_decref(g->pr[i].def_steps);
	}
	mc__gen_copy_close(g);
	free(g->pr);
	free(g->ag);
	free(g->ag_of_id);
	free(g->intake);
	free(g->pintake);
	free(g->seq);
	free(g->reg);
	free(g->seq_dirty);
	free(g->reg_dirty);
	free(g->stats);
	mc_cal_release(&g->cal);
}

/* The range of days, the counters and the statistics cells. */
static int gen_setup(struct gen *g, const struct mc_gen_options *o)
{
	int rc = mc_holidays_calendar(g->c, &g->cal);
	if (rc) {
		mc_cal_init(&g->cal); /* released by gen_free */
		return rc;
	}
	if ((rc = load_agencies(g)) || (rc = load_procedures(g)))
		return rc;
	g->now = o->now ? o->now : mc_time_now_ms();
	int span = o->days > 0 ? o->days : 365;
	if (span > 3 * 365) {
		snprintf(g->err, sizeof(g->err), "at most 3 years of days");
		return MC_E_INVAL;
	}
	g->day0 = local_day_of(g->now) - span;
	g->ndays = span + 1;
	/* PostgreSQL: the months' partitions (0045) before their rows */
	int64_t made = mc_dossier_partitions(g->c, g->now - (int64_t)span * 86400000, g->now);
	if (made < 0)
		return (int)made;
	int y, m, d;
	local_ymd(g->day0, &y, &m, &d);
	g->year0 = y;
	size_t counters = (size_t)g->nag * (size_t)g->ndays;
	g->seq = calloc(counters, sizeof(int32_t));
	g->seq_dirty = calloc(counters, 1);
	g->reg = calloc((size_t)g->nag * 4, sizeof(int32_t));
	g->reg_dirty = calloc((size_t)g->nag * 4, 1);
	if (!g->seq || !g->seq_dirty || !g->reg || !g->reg_dirty)
		return MC_E_NOMEM;
	return load_sequences(g);
}

/* Where the rows stand: written, and written in the open transaction. */
struct progress {
	int64_t done, in_tx;
	double t0;
};

/* One row at `at`, in a transaction that is committed every `batch` rows. */
static int add_row(struct gen *g, const struct mc_gen_options *o, struct progress *pg, int64_t at)
{
	int batch = o->batch > 0 ? o->batch : 10000;
	int rc;
	if (!pg->in_tx && (rc = mc_tx_begin(g->c, 1)))
		return rc;
	if ((rc = one(g, at))) {
		if (rc == MC_E_CONFLICT)
			snprintf(g->err, sizeof(g->err),
				 "more than 9999 dossiers a day at every reception point: ask for fewer dossiers or "
				 "more "
				 "days");
		return rc;
	}
	pg->done++;
	if (++pg->in_tx < batch)
		return 0;
	if ((g->copy && (rc = mc__gen_copy_write(g))) || (rc = flush(g)) || (rc = mc_tx_commit(g->c)))
		return rc;
	pg->in_tx = 0;
	if (o->progress)
		o->progress(pg->done, o->n, (double)pg->done / ((double)mc_mono_ns() / 1e9 - pg->t0), o->progress_arg);
	return 0;
}

/* add_row as a callback of mc_workdays_spread */
struct adding {
	struct gen *g;
	const struct mc_gen_options *o;
	struct progress *pg;
};
static int add_at(void *ud, int64_t at)
{
	struct adding *a = ud;
	return add_row(a->g, a->o, a->pg, at);
}

/* The last batch, and the audit entry that records the load. */
static int finish(struct gen *g, const struct mc_gen_options *o, const struct progress *pg)
{
	int rc;
	if (!pg->in_tx && (rc = mc_tx_begin(g->c, 1)))
		return rc;
	if ((g->copy && (rc = mc__gen_copy_write(g))) || (rc = flush(g)))
		return rc;
	json_t *j = json_pack("{s:I, s:I, s:I}", "count", (json_int_t)pg->done, "steps", (json_int_t)g->steps_written,
			      "seed", (json_int_t)(o->seed ? o->seed : MC_GEN_DEFAULT_SEED));
	char *detail = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	struct mc_audit_entry ae = {0, "dossier.generate", "dossier", "*", "cli", detail};
	rc = mc_audit_append(g->c, &ae);
	free(detail);
	return rc ? rc : mc_tx_commit(g->c);
}

int mc_dossier_generate(struct mc_conn *c, const struct mc_gen_options *o, struct mc_gen_report *out, char *err,
			size_t errlen)
{
	struct gen g;
	struct mc_workdays wd;
	struct progress pg;
	memset(&g, 0, sizeof(g));
	memset(&wd, 0, sizeof(wd));
	memset(&pg, 0, sizeof(pg));
	memset(out, 0, sizeof(*out));
	g.c = c;
	mc_rnd_seed(o->seed ? o->seed : MC_GEN_DEFAULT_SEED);
	double t0 = (double)mc_mono_ns() / 1e9;
	int rc = gen_setup(&g, o);
	if (!rc && !o->no_copy && mc_copy_supported(mc_conn_db(c)))
		rc = mc__gen_copy_open(&g, o->batch > 0 ? o->batch : 10000);
	if (!rc && (rc = mc_workdays_build(&g.cal, g.day0, g.day0 + g.ndays - 1, &wd)) == MC_E_INVAL)
		snprintf(g.err, sizeof(g.err), "no working day in the range");
	if (rc)
		goto out;
	pg.t0 = (double)mc_mono_ns() / 1e9;
	struct adding ad = {&g, o, &pg};
	if (!(rc = mc_workdays_spread(&wd, o->n, add_at, &ad)))
		rc = finish(&g, o, &pg);
	if (rc && mc_in_tx(c))
		mc_tx_rollback(c);
	/* PostgreSQL: the visibility map and the planner's statistics of the
	 * rows just loaded, set now rather than when autovacuum comes (until
	 * then an index-only count visits the table for each row) */
	if (!rc && mc_db_kind(mc_conn_db(c)) == MC_DB_PG)
		rc = mc_exec_script(c, "VACUUM (ANALYZE) dossiers, dossier_steps, dossier_stats");
	out->dossiers = rc ? pg.done - pg.in_tx : pg.done;
	out->steps = g.steps_written;
out:
	out->seconds = (double)mc_mono_ns() / 1e9 - t0;
	if (rc && err && errlen)
		snprintf(err, errlen, "%s", g.err[0] ? g.err : mc_conn_errmsg(c));
	mc_workdays_free(&wd);
	gen_free(&g);
	return rc;
}

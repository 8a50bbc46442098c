/*
 * gen_copy.c - the generator's writer on PostgreSQL: each batch of
 * generated dossiers is kept in memory, then written with two COPYs (the
 * dossiers, their steps) in the batch's transaction, before the counters
 * (generate.c's flush).  Prepared INSERTs cost a round trip for each row
 * and about 1,300 dossiers a second; COPY streams them.
 *
 * What differs from the INSERT path is only how rows travel: the same
 * dossiers (the same random draws, in the same order), and the tracking
 * answer of each (track_gz) built from the generated values with the
 * builders mc__track_refresh uses (workflow.c), instead of read back row by
 * row.  Ids are taken from the database in one statement a batch, as
 * mc_dossier_id() gives them (migration 0045): the month of the code's
 * date (mc_dossier_id_base) plus nextval('dossier_ids'), so that each row
 * lands in its month's partition (gen_setup creates the months' partitions
 * first) and the sequence moves past the ids taken: live intake goes
 * on after them.  As a superuser the foreign keys' triggers are off while
 * a batch loads (see mc__gen_copy_open).
 */
#include "gen.h"

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct gen_copy {
	struct gdossier *d; /* the batch */
	int n, cap;
	int64_t *ids;
	int unchecked; /* the foreign keys' triggers off while loading */
	struct mc_buf gz;
	/* the counters of the batch: staged in temporary tables, then merged */
	struct mc_copy *cc;
	int cc_seq; /* cc is the COPY of gen_seq (else of gen_stats) */
};

int mc__gen_copy_open(struct gen *g, int batch)
{
	struct gen_copy *k = mc_xcalloc(1, sizeof(*k));
	k->cap = batch;
	k->d = mc_xcalloc((size_t)batch, sizeof(*k->d));
	k->ids = mc_xcalloc((size_t)batch, sizeof(*k->ids));
	mc_buf_init(&k->gz, 1 << 20);
	g->copy = k;
	int rc = mc_exec_script(g->c,
				"CREATE TEMP TABLE IF NOT EXISTS gen_stats (agency_id BIGINT, procedure_code TEXT,"
				" field_code TEXT, period TEXT, received_online BIGINT, received_counter BIGINT,"
				" resolved_early BIGINT, resolved_on_time BIGINT, resolved_late BIGINT,"
				" refused BIGINT, withdrawn BIGINT);"
				" CREATE TEMP TABLE IF NOT EXISTS gen_seq (agency_id BIGINT, day TEXT, last BIGINT)");
	if (rc)
		return rc;
	/* The rows reference the agencies, users and procedures just read:
	 * checking each reference (a trigger a row and a key, 13 of them)
	 * makes COPY three to seven times slower.  A superuser may load with
	 * the triggers off (session_replication_role = replica, as
	 * pg_restore --disable-triggers does); the tests check the
	 * references afterwards. */
	int64_t super = 0;
	if ((rc = mc_query_int64(
		     g->c, &super,
		     "SELECT CASE WHEN rolsuper THEN 1 ELSE 0 END FROM pg_roles WHERE rolname = current_user", "")) &&
	    rc != MC_E_NOT_FOUND)
		return rc;
	k->unchecked = super == 1;
	return 0;
}

void mc__gen_copy_close(struct gen *g)
{
	struct gen_copy *k = g->copy;
	if (!k)
		return;
	mc_copy_abort(k->cc);
	free(k->d);
	free(k->ids);
	mc_buf_release(&k->gz);
	free(k);
	g->copy = NULL;
}

int mc__gen_copy_add(struct gen *g, const struct gdossier *d)
{
	struct gen_copy *k = g->copy;
	if (k->n == k->cap) { /* never: the caller writes every `batch` rows */
		snprintf(g->err, sizeof(g->err), "COPY batch overflow");
		return MC_E_INTERNAL;
	}
	k->d[k->n++] = *d;
	return 0;
}

/* The batch's ids, in the order of its rows. */
static int take_ids(struct gen *g)
{
	struct gen_copy *k = g->copy;
	struct mc_stmt *s;
	int rc = mc_query(g->c, &s, "SELECT nextval('dossier_ids') FROM generate_series(1, ?)", "i", (int64_t)k->n);
	if (rc)
		return rc;
	int i = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW)
		if (i < k->n)
			k->ids[i++] = mc_col_int64(s, 0);
	mc_stmt_done(s);
	if (rc < 0)
		return rc;
	if (i < k->n) {
		snprintf(g->err, sizeof(g->err), "%d ids for %d dossiers", i, k->n);
		return MC_E_DB;
	}
	for (i = 0; i < k->n; i++) {
		struct gdossier *d = &k->d[i];
		d->id = mc_dossier_id_base(d->code) + k->ids[i];
	}
	return 0;
}

static const struct gagency *agency_of(const struct gen *g, int64_t id)
{
	return &g->ag[g->ag_of_id[id] - 1];
}

/* The tracking answer, as mc__track_refresh would store it, into k->gz. */
static int track_gz(struct gen *g, const struct gdossier *d)
{
	const struct gproc *p = d->p;
	struct mc__track_head t = {
		.code = d->code,
		.status = d->status,
		.procedure_code = p->code,
		.name = p->name,
		.name_en = p->name_en,
		.result = d->result,
		.extra = d->extra,
		.submitted = d->sub,
		.received = d->rec,
		.due = d->due,
		.completed = d->completed,
		.returned = d->returned,
		.appointment = d->due,
	};
	json_t *j = mc__track_head_json(&t), *steps = json_array();
	for (int i = 0; i < p->nsteps; i++) {
		struct gsteprow r;
		mc__gen_step_row(g, d, i, &r);
		const struct gagency *a = agency_of(g, d->agency[i]);
		struct mc__step_view v = {
			.seq = i + 1,
			.agency_id = d->agency[i],
			.hours = p->steps[i].hours,
			.started = r.started,
			.due = r.due,
			.finished = r.finished,
			.name = p->steps[i].name,
			.role = p->steps[i].role,
			.agency_code = a->code,
			.agency_name = a->name,
			.agency_name_en = a->has_name_en ? a->name_en : NULL,
			.result = r.result,
		};
		json_array_append_new(steps, mc__step_view_json(&v, json_array_get(p->def_steps, (size_t)i)));
	}
	json_object_set_new(j, "steps", steps);
	mc_buf_reset(&g->copy->gz);
	int rc = mc__track_gzip(j, &g->copy->gz);
	json_decref(j);
	return rc;
}

/* The text as the INSERT path binds it: NULL for NULL or "". */
static void copy_opt_text(struct mc_copy *cp, const char *v)
{
	mc_copy_text(cp, v && *v ? v : NULL);
}

static const char dossier_cols[] =
	"id, code, secret, province_code, procedure_id, procedure_code, field_code, applicant, form_data, papers,"
	" channel, status, received_agency_id, counter_id, competent_agency_id, current_step, current_agency_id,"
	" step_role, received_by, submitted_at, received_at, due_at, paused_at, completed_at, returned_at,"
	" result_status, return_method, register_entry, extra, version, created_at, updated_at, track_gz";

static int dossier_row(struct gen *g, struct mc_copy *cp, const struct gdossier *d)
{
	const struct gproc *p = d->p;
	const struct gagency *ra = &g->ag[d->recv];
	int rc = track_gz(g, d);
	if (rc)
		return rc;
	mc_copy_int(cp, d->id);
	mc_copy_text(cp, d->code);
	mc_copy_text(cp, d->secret);
	mc_copy_text(cp, ra->province);
	mc_copy_int(cp, p->id);
	mc_copy_text(cp, p->code);
	mc_copy_text(cp, p->field);
	mc_copy_text(cp, d->applicant);
	mc_copy_text(cp, "{}");
	mc_copy_text(cp, d->online ? "[]" : p->papers);
	mc_copy_text(cp, d->online ? "online" : "counter");
	mc_copy_text(cp, d->status);
	mc_copy_int(cp, ra->id);
	mc_copy_int_or_null(cp, d->online ? 0 : ra->counter_id);
	mc_copy_int(cp, g->ag[d->comp].id);
	mc_copy_int(cp, d->cur);
	mc_copy_int_or_null(cp, d->cur_agency);
	copy_opt_text(cp, d->role);
	mc_copy_int_or_null(cp, d->rec ? ra->clerk_id : 0);
	mc_copy_int(cp, d->sub);
	mc_copy_int_or_null(cp, d->rec);
	mc_copy_int_or_null(cp, d->due);
	mc_copy_int_or_null(cp, d->paused);
	mc_copy_int_or_null(cp, d->completed);
	mc_copy_int_or_null(cp, d->returned);
	copy_opt_text(cp, d->result);
	mc_copy_text(cp, d->return_method);
	mc_copy_int_or_null(cp, d->entry);
	mc_copy_text(cp, d->extra);
	mc_copy_int(cp, d->version);
	mc_copy_int(cp, d->sub);
	mc_copy_int(cp, mc__gen_updated_at(g, d));
	mc_copy_bytea(cp, g->copy->gz.data, g->copy->gz.len);
	return mc_copy_row_end(cp);
}

static int step_rows(const struct gen *g, struct mc_copy *cp, const struct gdossier *d)
{
	int rc = 0;
	for (int i = 0; i < d->p->nsteps && !rc; i++) {
		const struct gstep *x = &d->p->steps[i];
		struct gsteprow r;
		mc__gen_step_row(g, d, i, &r);
		mc_copy_int(cp, d->id);
		mc_copy_int(cp, i + 1);
		mc_copy_text(cp, x->name);
		mc_copy_text(cp, x->role);
		mc_copy_int(cp, d->agency[i]);
		mc_copy_int(cp, x->hours);
		mc_copy_int_or_null(cp, r.started);
		mc_copy_int_or_null(cp, r.due);
		mc_copy_int_or_null(cp, r.handed_by);
		mc_copy_int_or_null(cp, r.finished);
		mc_copy_int_or_null(cp, r.finished_by);
		mc_copy_text(cp, r.result);
		rc = mc_copy_row_end(cp);
	}
	return rc;
}

int mc__gen_copy_write(struct gen *g)
{
	struct gen_copy *k = g->copy;
	if (!k->n)
		return 0;
	struct mc_copy *cp = NULL;
	int64_t rows = 0, steps = 0;
	int rc = take_ids(g);
	if (!rc && k->unchecked) /* until the batch's COMMIT */
		rc = mc_exec_script(g->c, "SET LOCAL session_replication_role = replica");
	if (!rc && !(rc = mc_copy_begin(g->c, "dossiers", dossier_cols, &cp))) {
		for (int i = 0; i < k->n && !rc; i++)
			rc = dossier_row(g, cp, &k->d[i]);
		if (rc)
			mc_copy_abort(cp);
		else
			rc = mc_copy_end(cp, &rows);
	}
	if (!rc && !(rc = mc_copy_begin(g->c, "dossier_steps",
					"dossier_id, seq, name, role, agency_id, hours, started_at, due_at, handed_by,"
					" finished_at, finished_by, result",
					&cp))) {
		for (int i = 0; i < k->n && !rc; i++)
			rc = step_rows(g, cp, &k->d[i]);
		if (rc)
			mc_copy_abort(cp);
		else
			rc = mc_copy_end(cp, &steps);
	}
	if (!rc && rows != k->n) {
		snprintf(g->err, sizeof(g->err), "COPY wrote %lld dossiers of %d", (long long)rows, k->n);
		rc = MC_E_DB;
	}
	if (!rc) {
		g->steps_written += steps;
		k->n = 0;
	}
	return rc;
}

/* ---------------- the batch's counters ---------------- */

int mc__gen_copy_counters_begin(struct gen *g)
{
	struct gen_copy *k = g->copy;
	k->cc_seq = 0;
	return mc_copy_begin(g->c, "gen_stats",
			     "agency_id, procedure_code, field_code, period, received_online, received_counter,"
			     " resolved_early, resolved_on_time, resolved_late, refused, withdrawn",
			     &k->cc);
}

int mc__gen_copy_stats_row(struct gen *g, int64_t agency_id, const char *procedure, const char *field,
			   const char *period, const int32_t v[NCOL])
{
	struct mc_copy *cp = g->copy->cc;
	mc_copy_int(cp, agency_id);
	mc_copy_text(cp, procedure);
	mc_copy_text(cp, field);
	mc_copy_text(cp, period);
	for (int i = 0; i < NCOL; i++)
		mc_copy_int(cp, v[i]);
	return mc_copy_row_end(cp);
}

/* End the COPY that is open (k->cc NULL after, whatever happens). */
static int end_cc(struct gen_copy *k)
{
	int rc = mc_copy_end(k->cc, NULL);
	k->cc = NULL;
	return rc;
}

int mc__gen_copy_seq_row(struct gen *g, int64_t agency_id, const char *day, int64_t last)
{
	struct gen_copy *k = g->copy;
	if (!k->cc_seq) { /* the statistics are all there: the counters now */
		int rc;
		if ((rc = end_cc(k)) || (rc = mc_copy_begin(g->c, "gen_seq", "agency_id, day, last", &k->cc)))
			return rc;
		k->cc_seq = 1;
	}
	mc_copy_int(k->cc, agency_id);
	mc_copy_text(k->cc, day);
	mc_copy_int(k->cc, last);
	return mc_copy_row_end(k->cc);
}

int mc__gen_copy_counters_end(struct gen *g)
{
	struct gen_copy *k = g->copy;
	int rc = end_cc(k);
	if (rc)
		return rc;
	/* as generate.c's statements do, a row at a time: the counts added,
	 * the larger counter kept (one row per key in each table) */
	return mc_exec_script(
		g->c,
		"INSERT INTO dossier_stats (agency_id, procedure_code, field_code, period, received_online,"
		" received_counter, resolved_early, resolved_on_time, resolved_late, refused, withdrawn)"
		" SELECT agency_id, procedure_code, field_code, period, received_online, received_counter,"
		" resolved_early, resolved_on_time, resolved_late, refused, withdrawn FROM gen_stats" GEN_STATS_ADD ";"
		" INSERT INTO dossier_sequences (agency_id, day, last) SELECT agency_id, day, last FROM gen_seq"
		" ON CONFLICT (agency_id, day) DO UPDATE SET last = GREATEST(dossier_sequences.last, excluded.last);"
		" TRUNCATE gen_stats, gen_seq");
}

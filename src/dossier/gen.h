/*
 * gen.h - the dossier generator's model, shared by generate.c (the model
 * and the prepared-statement writer) and gen_copy.c (the COPY writer of
 * PostgreSQL).  Internal to src/dossier.
 */
#ifndef MC_DOSSIER_GEN_H
#define MC_DOSSIER_GEN_H

#include "internal.h"

#include "../core/calendar.h"

#include <stdint.h>

/* the counters of dossier_stats, in the order of its columns */
#define NCOL 7
enum { S_ONLINE, S_COUNTER, S_EARLY, S_ON_TIME, S_LATE, S_REFUSED, S_WITHDRAWN };

#define MAX_STEPS        12
#define STEPS_PER_INSERT 4 /* 48 parameters */

/* ---------------- what is loaded once ---------------- */

struct gagency {
	int64_t id, counter_id, clerk_id;
	char code[48], kind[32], province[8];
	/* for the tracking answer the COPY writer builds */
	char name[512], name_en[512]; /* whole: the tracking answer shows them */
	int has_name_en;
};

struct gstep {
	char name[160], role[24];
	int unit;          /* 0 receiving, 1 competent, 2 a fixed agency */
	int64_t agency_id; /* unit 2 */
	int hours;
};

struct gproc {
	int64_t id;
	char code[20], field[64];
	double weight, online_share;
	int days, value;           /* processing time: working days (days = 1) or hours */
	int same_day;              /* "trả kết quả trong ngày": value is the hours the work may take */
	int *kind_agencies, nkind; /* competent candidates (indexes) */
	struct gstep steps[MAX_STEPS];
	int nsteps, hours_total;
	char *papers; /* JSON, mandatory papers */
	/* for the tracking answer: the names and the definition's steps */
	char *name, *name_en;
	json_t *def_steps;
};

/* One generated dossier, as its parts are decided. */
struct gdossier {
	struct gproc *p;
	int pri, comp, recv, online;
	int64_t day; /* in the range */
	size_t si;   /* its (receiving agency, day) code counter */
	/* timeline */
	int64_t sub, rec, due, completed, returned, paused, cutoff, plan_end;
	const char *status, *result, *return_method;
	int end_kind; /* 0 resolved, 1 refused, 2 withdrawn */
	/* steps */
	int64_t st_start[MAX_STEPS], st_due[MAX_STEPS], st_end[MAX_STEPS], agency[MAX_STEPS];
	int cur;
	int64_t cur_agency;
	const char *role;
	/* what the row carries */
	char code[80], secret[10], applicant[512], extra[512];
	int64_t entry, id;
	int version;
};

struct gen_copy; /* gen_copy.c */

/* One cell of the statistics deltas: key 0 = empty slot. */
struct gstat {
	uint64_t key;
	int32_t v[NCOL];
};

struct gen {
	struct mc_conn *c;
	struct mc_calendar cal;
	struct gagency *ag;
	int nag;
	int *ag_of_id; /* agency id -> index + 1 */
	int64_t max_agency_id;
	struct gproc *pr;
	int npr;
	double wsum;
	int *intake; /* agencies with a counter that are branches or the centre */
	int nintake;
	/* the same by province (GSO code 0..99): pintake[poff[p] .. + pn[p]] */
	int *pintake, poff[100], pn[100];
	char pname[100][64]; /* the provinces' full names (the applicants' addresses) */
	int64_t now;
	int64_t day0; /* local day number of the first day of the range */
	int ndays;    /* days in the range (up to today) */
	/* counters: code sequence per (agency, day), register per (agency, year) */
	int32_t *seq; /* nag * ndays */
	int32_t *reg; /* nag * 4 years */
	int year0;
	uint8_t *seq_dirty, *reg_dirty;
	/* the batch's statistics deltas per (agency, procedure, day | month |
	 * year): a hash table (generate.c) */
	struct gstat *stats;
	size_t stats_cap, nstats;
	int64_t steps_written;
	struct gen_copy *copy; /* NULL: prepared INSERTs */
	char err[256];
};

/* What a step's row holds besides the definition: set by mc__gen_step_row
 * for step i of d, for both writers. */
struct gsteprow {
	int64_t started, due, handed_by, finished, finished_by;
	const char *result;
};
void mc__gen_step_row(const struct gen *g, const struct gdossier *d, int i, struct gsteprow *r);
/* updated_at of the dossier's row */
int64_t mc__gen_updated_at(const struct gen *g, const struct gdossier *d);

/* The COPY writer (gen_copy.c, PostgreSQL).  open: set g->copy up (ids,
 * the month partitions of the range); add: keep d for the batch (its id is
 * given when written); write: COPY the batch's dossiers (with their
 * tracking answers) and steps in the open transaction; close frees. */
int mc__gen_copy_open(struct gen *g, int batch);
int mc__gen_copy_add(struct gen *g, const struct gdossier *d);
int mc__gen_copy_write(struct gen *g);
/* The batch's counters through COPY: begin, a row each for dossier_stats
 * (added to its row) and dossier_sequences (the larger last kept), end
 * (merged into the tables). */
int mc__gen_copy_counters_begin(struct gen *g);
int mc__gen_copy_stats_row(struct gen *g, int64_t agency_id, const char *procedure, const char *field,
			   const char *period, const int32_t v[NCOL]);
int mc__gen_copy_seq_row(struct gen *g, int64_t agency_id, const char *day, int64_t last);
int mc__gen_copy_counters_end(struct gen *g);
void mc__gen_copy_close(struct gen *g);

/* What a generated batch adds to dossier_stats' row of a key: its counts
 * (the INSERT's own columns are the writer's: a statement or a COPY's
 * temporary table). */
#define GEN_STATS_ADD                                                                                                  \
	" ON CONFLICT (period, agency_id, procedure_code) DO UPDATE SET"                                               \
	" received_online = dossier_stats.received_online + excluded.received_online,"                                 \
	" received_counter = dossier_stats.received_counter + excluded.received_counter,"                              \
	" resolved_early = dossier_stats.resolved_early + excluded.resolved_early,"                                    \
	" resolved_on_time = dossier_stats.resolved_on_time + excluded.resolved_on_time,"                              \
	" resolved_late = dossier_stats.resolved_late + excluded.resolved_late,"                                       \
	" refused = dossier_stats.refused + excluded.refused,"                                                         \
	" withdrawn = dossier_stats.withdrawn + excluded.withdrawn"

#endif

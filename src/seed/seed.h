/*
 * seed.h - reference and demo data.
 *
 * mc_seed_units loads the administrative units shipped in data/units (the
 * current two-level structure, the pre-July-2025 three-level one and the
 * old->new ward mapping) once.  mc_seed_demo loads the demo agencies,
 * counters, officials and citizens of data/demo, all with one password.
 * Both run in one transaction and write an audit entry.
 */
#ifndef MC_SEED_H
#define MC_SEED_H

#include "../db/db.h"

#include <stddef.h>

struct mc_seed_counts {
	long units, unit_changes, agencies, counters, officials, citizens, procedures;
	long pay_accounts; /* the agencies' demo collection accounts (issue 16) */
	long provinces;    /* mc_seed_national: provinces given their own agencies */
	int demo_there;    /* mc_seed_demo found agencies and loaded nothing */
};

int mc_seed_units(struct mc_conn *c, const char *share_dir, struct mc_seed_counts *n, char *err, size_t errlen);
/* Load data/procedures/procedures.json into the catalog (codes already
 * there are left as they are). */
int mc_seed_procedures(struct mc_conn *c, const char *share_dir, struct mc_seed_counts *n, char *err, size_t errlen);
/* Loads nothing, and sets n->demo_there, when there are agencies already;
 * a conflict inside the demo files (a duplicate username) is an error. */
int mc_seed_demo(struct mc_conn *c, const char *share_dir, const char *password, struct mc_seed_counts *n, char *err,
		 size_t errlen);

/* The national rehearsal's agencies (national.c, issue 18): for every
 * province of the current units without a People's Committee, its
 * provincial agencies; for every commune or ward without one, its
 * committee and police, with counters and officials (clerk, specialist,
 * leader), all with one password.  Run after mc_seed_units and
 * mc_seed_demo; loads only what is missing (the same agencies each time),
 * in one transaction, with one audit entry "seed.national". */
int mc_seed_national(struct mc_conn *c, const char *password, struct mc_seed_counts *n, char *err, size_t errlen);

#endif

/*
 * model.h - a procedure version as the engine reads it (see catalog.h for
 * the definition's JSON and data/procedures/README.md for its schema).
 *
 * The catalogue parses a version's definition once into a struct
 * mc_procedure; the dossier engine then reads its fields instead of looking
 * members up in the JSON.  The form schema and the papers stay in the raw
 * definition (def), which the engine checks forms against and echoes.
 */
#ifndef MC_CATALOG_MODEL_H
#define MC_CATALOG_MODEL_H

#include "../core/arena.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* How the legal processing time counts. */
enum mc_proc_time_unit {
	MC_PROC_WORKING_HOURS, /* "working_hour" */
	MC_PROC_WORKING_DAYS,  /* "working_day" */
	MC_PROC_SAME_DAY,      /* "same_day": the result the day it is received */
};

/* One step of the process: handled by role at unit ("receiving",
 * "competent" or "consulted:<agency code>") within hours working hours. */
struct mc_proc_step {
	const char *name, *name_en, *role, *unit;
	int hours;
};

struct mc_procedure {
	int64_t id; /* of this version */
	int version;
	const char *code, *field_code;
	const char *online_level;    /* "full", "partial" or another (offline) */
	const char *supplement_rule; /* "restart", "pause" or NULL (restart) */
	/* the competent agency: one named by code, else one of kind */
	const char *competent_code, *competent_kind;
	int time_value;
	enum mc_proc_time_unit time_unit;
	int repealed; /* takes no new dossiers (see mc_catalog_repealed) */
	size_t nsteps;
	const struct mc_proc_step *steps;
	json_t *def; /* the raw definition: form schema, papers, echoed texts */
};

/* Parse def into out.  The strings and def are borrowed (valid while def
 * is); the steps live in the arena.  A definition the engine cannot run (a
 * step without a role or a unit) is MC_E_INTERNAL with a detail in e. */
int mc_procedure_parse(json_t *def, struct mc_arena *a, struct mc_procedure *out, struct mc_error *e);

/* The version id of the catalogue (mc_catalog_get_id, cached), parsed:
 * out->def holds a reference that mc_procedure_release drops (nothing on
 * an error; releasing then, or twice, does no harm). */
int mc_procedure_load(struct mc_conn *c, int64_t id, struct mc_arena *a, struct mc_procedure *out, struct mc_error *e);
void mc_procedure_release(struct mc_procedure *p);

/* A procedure that takes dossiers online. */
int mc_procedure_online(const struct mc_procedure *p);

#endif

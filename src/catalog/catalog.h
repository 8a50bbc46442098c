/*
 * catalog.h - the catalog of administrative procedures (thủ tục hành chính).
 *
 * A procedure's definition is one JSON document (see
 * data/procedures/README.md for the schema): national code, names, field,
 * level, competent agency, legal processing time, fees per channel,
 * required papers, the typed form schema, online level, result, legal
 * basis and the process definition (steps with role, unit and time budget
 * adding up to the legal time).  Every change makes a new version; a dossier
 * keeps the version it began with.
 */
#ifndef MC_CATALOG_H
#define MC_CATALOG_H

#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

#define MC_HOURS_PER_DAY 8

/* Check a definition; adds field errors to e and returns MC_E_VALIDATION,
 * or 0.  Does not look at the database. */
int mc_catalog_validate(json_t *def, struct mc_error *e);
/* A procedure code as the national catalogue writes it: d.dddddd. */
int mc_catalog_code_valid(const char *s);
/* A repealed procedure takes no new dossiers; its old ones stay readable. */
int mc_catalog_repealed(json_t *def);
/* 0 while a fee of the procedure is not published (not yet verified): it
 * cannot be paid, and is never shown as free. */
int mc_catalog_payable(json_t *def);
/* The definition as the public sees it: without the editors' internal
 * notes, with "payable" (def must be the caller's own copy). */
void mc_catalog_public(json_t *def);
/* Legal time in working hours (days x 8). */
int mc_catalog_hours(json_t *def);

/* Insert version 1 of a new procedure (MC_E_CONFLICT if the code exists).
 * The caller has validated def and holds a write transaction. */
int mc_catalog_create(struct mc_conn *c, json_t *def, int64_t actor, int64_t *id);
/* A new version from def; MC_E_PRECONDITION unless expected_version is the
 * current one; MC_E_NOT_FOUND for an unknown code. */
int mc_catalog_update(struct mc_conn *c, const char *code, int expected_version, json_t *def, int64_t actor,
		      int *new_version);
/* The definition with "id", "version", "is_current" added.  version 0 =
 * the current one.  By id: mc_catalog_get_id. */
int mc_catalog_get(struct mc_conn *c, const char *code, int version, json_t **out);
int mc_catalog_get_id(struct mc_conn *c, int64_t id, json_t **out);
/* The id of the current version of a procedure (MC_E_NOT_FOUND if none).
 * mc_catalog_get_id then serves it from a cache shared by all requests:
 * the result must be treated as read-only. */
int mc_catalog_current_id(struct mc_conn *c, const char *code, int64_t *id);
/* Current procedures matching q (diacritics and case ignored; NULL or ""
 * = all; a q without any letter or digit, e.g. an emoji, matches none),
 * a field code and a level (NULL = any), ordered by code, after the code
 * `after` (keyset pagination).  Each item is a summary. */
int mc_catalog_list(struct mc_conn *c, const char *q, const char *field, const char *level, const char *after,
		    int limit, json_t **out, int *more);
/* Fields with the number of current procedures in each. */
int mc_catalog_fields(struct mc_conn *c, json_t **out);

#endif

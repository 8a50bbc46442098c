/*
 * rows.h - a query's rows as a JSON array: the loop every list in the
 * domains wrote again (step, append, finish, check how the rows ended).
 */
#ifndef MC_DB_ROWS_H
#define MC_DB_ROWS_H

#include "db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Makes the JSON value of the row s stands on (NULL is skipped); ud is the
 * caller's. */
typedef json_t *mc_row_json_fn(struct mc_stmt *s, void *ud);

/* Every row of s, made a value by row, in a new array in *out; finishes s.
 * Returns 0, or the error that ended the rows (then no array). */
int mc_rows_json(struct mc_stmt *s, mc_row_json_fn *row, void *ud, json_t **out);
/* The same for a page: at most limit rows; *more is 1 when the query gave
 * another one (ask it for limit + 1). */
int mc_rows_json_page(struct mc_stmt *s, mc_row_json_fn *row, void *ud, size_t limit, json_t **out, int *more);
/* A text column as a JSON string, null when NULL. */
json_t *mc_col_json_text(struct mc_stmt *s, int col);
/* A time column (ms since the epoch) as an ISO 8601 string with the
 * Vietnam offset, null when NULL. */
json_t *mc_col_json_time(struct mc_stmt *s, int col);
/* The "id" of an array's last object (a page's cursor), 0 if none. */
int64_t mc_rows_last_id(const json_t *arr);

#endif

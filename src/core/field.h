/*
 * field.h - the members of a JSON request body read into typed values,
 * each problem a field error of msg.def (mc_bad_field): the one place the
 * domains read what a person typed into a form.
 */
#ifndef MC_FIELD_H
#define MC_FIELD_H

#include "arena.h"
#include "err.h"

#include <jansson.h>
#include <stdint.h>

/* A text member of at most max characters, valid UTF-8, NFC (arena
 * memory); NULL when absent, null or empty (a field error if required). */
const char *mc_field_str(struct mc_arena *a, struct mc_error *e, json_t *in, const char *name, long max, int required);
/* One of choices (NULL-terminated), dflt when absent; m when another. */
const char *mc_field_enum(struct mc_error *e, json_t *in, const char *name, const char *const *choices,
			  const char *dflt, enum mc_msg m);
/* A positive integer id; 0 when absent or null (a field error if
 * required), m when not a positive integer. */
int64_t mc_field_id(struct mc_error *e, json_t *in, const char *name, int required, enum mc_msg m);
/* Up to max distinct positive ids into out (*n of them): m when the member
 * is not an array of positive integers, LIST_MAX when it is longer, and
 * LIST_TWICE when an id comes twice.  Absent or null: none. */
void mc_field_ids(struct mc_error *e, json_t *in, const char *name, int64_t *out, int max, int *n, enum mc_msg m);
/* An instant, ISO 8601 with its offset; 0 when absent (a field error if
 * required). */
int64_t mc_field_time(struct mc_error *e, json_t *in, const char *name, int required);

#endif

/*
 * audit.h - the append-only, hash-chained audit log.
 *
 * Every write in motcua appends an entry in the same transaction as the
 * write: who (actor), what (action, object), when, from where (source).
 * Entry n stores hash_n = SHA-256(n, at, actor, action, object_type,
 * object_id, source, detail, hash_{n-1}); ids are gap-free (they come from
 * the single audit_head row, which also serialises appends).  Changing,
 * removing or reordering any entry breaks the chain, and mc_audit_verify()
 * names the first entry where it breaks.
 */
#ifndef MC_AUDIT_H
#define MC_AUDIT_H

#include "../db/db.h"

#include <jansson.h>

#include <stdint.h>

struct mc_audit_entry {
	int64_t actor_id;        /* 0 = system / anonymous */
	const char *action;      /* "user.create", "auth.login", ... */
	const char *object_type; /* "user", "agency", ... */
	const char *object_id;   /* as text */
	const char *source;      /* client address or "cli" */
	const char *detail;      /* compact JSON object, no personal data; NULL = "{}" */
};

/* Append inside the caller's write transaction. */
int mc_audit_append(struct mc_conn *c, const struct mc_audit_entry *e);
/* The same with the detail built from d (its reference is taken; NULL:
 * none, "{}"), so that no detail is ever written by hand. */
int mc_audit_append_json(struct mc_conn *c, struct mc_audit_entry *e, json_t *d);
/* A detail for code: {"code": code}, the key most entries carry. */
json_t *mc_audit_code(const char *code);

struct mc_audit_report {
	int64_t checked; /* entries read */
	int64_t bad_id;  /* first bad entry (0 when all is well) */
	char reason[160];
};

/* Walk the whole chain.  Returns 0 when intact, MC_E_AUDIT_BROKEN with the
 * report filled when not, or a database error. */
int mc_audit_verify(struct mc_conn *c, struct mc_audit_report *rep);

/* Entries newest first, below id `before` (0: from the newest), at most
 * limit; *last is the id of the last one listed. */
int mc_audit_list(struct mc_conn *c, int64_t before, int limit, json_t **out, int64_t *last);

/* The hash of one entry (exposed for tests). */
void mc_audit_hash(int64_t id, int64_t at, int64_t actor, const char *action, const char *otype, const char *oid,
		   const char *source, const char *detail, const char *prev, char out[65]);

#endif

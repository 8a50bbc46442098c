/* internal.h - shared by the document domain's files (not a public API). */
#ifndef MC_DOCUMENT_INTERNAL_H
#define MC_DOCUMENT_INTERNAL_H

#include "document.h"
#include "model.h"

/* store.c: the SQL of the documents tables */

/* The next number of a register's series (agency, year, series), given in
 * the caller's write transaction. */
int mc__document_next_number(struct mc_conn *c, int64_t agency, int year, const char *series, int64_t *number);
int mc__document_insert(struct mc_conn *c, const struct mc_document_new *n, int64_t now, int64_t *id);
int mc__document_add_reader(struct mc_conn *c, int64_t id, int64_t user);
/* An event of the trail; "view" is kept once per official. */
int mc__document_event(struct mc_conn *c, int64_t id, int64_t actor, const char *action, json_t *detail);

/* What reading rules need of a stored document. */
struct mc__document {
	int64_t id, agency, registered_by;
	char secrecy[16];
};
/* The document's representation (*out) and what the rules need (d). */
int mc__document_load(struct mc_conn *c, int64_t id, struct mc__document *d, json_t **out);
/* A page of body's register as the caller (a user id) may see it, like:
 * the LIKE pattern of the words asked for, or NULL. */
int mc__document_page(struct mc_conn *c, const struct mc_document_filter *f, int64_t body, int64_t caller,
		      const char *like, json_t **items, int64_t *next);
/* 1 when user is named among a confidential document's readers. */
int mc__document_is_reader(struct mc_conn *c, int64_t id, int64_t user);

/* The body an official of agency works for: the agency itself, or the
 * body its internal units belong to. */
int mc__document_body_of(struct mc_conn *c, int64_t agency, int64_t *body);
/* 1 when officials of agency member may read body's registers: body is in
 * member's subtree, or member acts for body (one of its internal units). */
int mc__document_may_read_register(struct mc_conn *c, int64_t member, int64_t body);

#endif

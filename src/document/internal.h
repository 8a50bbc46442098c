/* internal.h - shared by the document domain's files (not a public API). */
#ifndef MC_DOCUMENT_INTERNAL_H
#define MC_DOCUMENT_INTERNAL_H

#include "document.h"
#include "model.h"

/* fields.c: a string field of at most max characters (NFC, in the arena;
 * NULL when absent, null or empty), one of choices (dflt when absent), the
 * recipients' names (1 to 100 of at most 300 characters; a new array). */
const char *mc__str_field(struct mc_document_ctx *x, json_t *in, const char *name, long max, int required);
const char *mc__enum_field(struct mc_document_ctx *x, json_t *in, const char *name, const char *const *choices,
			   const char *dflt, enum mc_msg m);
json_t *mc__recipients_field(struct mc_document_ctx *x, json_t *in);
/* A code of table (document_types, document_fields: the caller's constant)
 * or NULL when absent; a problem (m) goes to the context's error. */
const char *mc__code_field(struct mc_document_ctx *x, json_t *in, const char *name, const char *table, enum mc_msg m);
/* A list of such codes, each once, at most 64 (a new array when absent;
 * NULL and a problem m when bad). */
json_t *mc__codes_field(struct mc_document_ctx *x, json_t *in, const char *name, const char *table, enum mc_msg m);
/* 1 when a JSON list of codes covers code: it names it, or is empty. */
int mc__codes_cover(const char *list_json, const char *code);
/* An audit entry of the caller's (detail taken, may be NULL) on object
 * type / id, in the caller's transaction. */
int mc__doc_audit(struct mc_document_ctx *x, const char *action, const char *type, int64_t id, json_t *detail);
/* The field of a row at columns col (code), col + 1 and + 2 (its names):
 * {code, name, name_en}, or null. */
json_t *mc__field_json(struct mc_stmt *s, int col);
extern const char *const MC__URGENCIES[], *const MC__SECRECIES[], *const MC__MEDIA[];

/* register.c: a document checked and decided (prepare: field problems in
 * x->e, MC_E_VALIDATION), then numbered and stored with its readers, event
 * and audit entry (record) inside the caller's write transaction. */
struct mc__document_parts {
	char type_abbr[16], issuer[88], unit_abbr[88];
};
int mc__document_prepare(struct mc_document_ctx *x, json_t *in, struct mc_document_new *n, struct mc__document_parts *p,
			 int64_t now);
int mc__document_record(struct mc_document_ctx *x, struct mc_document_new *n, const struct mc__document_parts *p,
			int64_t now, int64_t *id);

/* store.c: the SQL of the documents tables */

/* The next number of a register's series (agency, year, series), given in
 * the caller's write transaction. */
int mc__document_next_number(struct mc_conn *c, int64_t agency, int year, const char *series, int64_t *number);
int mc__document_insert(struct mc_conn *c, const struct mc_document_new *n, int64_t now, int64_t *id);
int mc__document_add_reader(struct mc_conn *c, int64_t id, int64_t user);
/* An event of the trail; "view" is kept once per official. */
int mc__document_event(struct mc_conn *c, int64_t id, int64_t actor, const char *action, json_t *detail);

/* What the rules need of a stored document. */
struct mc__document {
	int64_t id, agency, registered_by, version;
	char secrecy[16], urgency[16], direction[4], status[16];
};
/* The document's representation (*out) and what the rules need (d). */
int mc__document_load(struct mc_conn *c, int64_t id, struct mc__document *d, json_t **out);
/* read.c: 1 when the caller may read d (its register's agency in reach
 * and, for a confidential one, registered by or shown to the caller). */
int mc__document_may_read(struct mc_document_ctx *x, const struct mc__document *d);
/* read.c: what the caller may do now on d, the names of POST
 * /api/v1/documents/{id}/actions/{action} (*out a new array). */
int mc__document_actions(struct mc_document_ctx *x, const struct mc__document *d, json_t **out);
/* read.c: the document as the caller is shown it, what they may do now
 * included (d filled as by mc__document_load). */
int mc__document_shown(struct mc_document_ctx *x, int64_t id, struct mc__document *d, json_t **out);
/* A row of a trail (at, actor_id, actor's full_name, action, detail) as
 * {at, actor, action, detail}: documents' and drafts' alike. */
json_t *mc__event_row(struct mc_stmt *s, void *ud);
/* A page of body's register as the caller (a user id) may see it, like:
 * the LIKE pattern of the words asked for, or NULL. */
int mc__document_page(struct mc_conn *c, const struct mc_document_filter *f, int64_t body, int64_t caller,
		      const char *like, json_t **items, int64_t *next);
/* rules.c: mark one of leaders (the addressees of send_to_leader)
 * "proposed": the one the agency's rule names for the document's field,
 * else the first. */
int mc__document_propose_leader(struct mc_conn *c, int64_t document, json_t *leaders);
/* 1 when user is named among a confidential document's readers. */
int mc__document_is_reader(struct mc_conn *c, int64_t id, int64_t user);

/* ---- tasks (store.c): one per person a document is addressed to ---- */

struct mc__task_new {
	int64_t document, user, from, parent; /* parent 0: none */
	const char *kind, *due_date, *note;   /* due_date, note: NULL for none */
	int urgency_rank;
};
int mc__task_insert(struct mc_conn *c, const struct mc__task_new *t, int64_t now, int64_t *id);
/* The caller's oldest pending task of one of kinds (a NULL-terminated list)
 * on a document: its id and kind, MC_E_NOT_FOUND when none. */
int mc__task_pending(struct mc_conn *c, int64_t document, int64_t user, const char *const *kinds, int64_t *id,
		     char *kind, size_t kn, int64_t *parent);
/* The kinds of the user's pending tasks on a document, as bits in the
 * order direct, lead, handle, coordinate, inform; MC__TASK_LEAD_HANDLED
 * when a pending lead has handed its handling on to a pending one. */
#define MC__TASK_LEAD_HANDLED (1u << 8)
int mc__task_kinds(struct mc_conn *c, int64_t document, int64_t user, unsigned *mask);
int mc__task_done(struct mc_conn *c, int64_t id, const char *result, int64_t now);
/* The user's first opening of their tasks on a document (those not opened
 * yet get now); the number marked. */
int mc__tasks_opened(struct mc_conn *c, int64_t document, int64_t user, int64_t now, int64_t *marked);
/* A new version and status (NULL: unchanged) of a document read at
 * version (MC_E_PRECONDITION when it moved since). */
int mc__document_touch(struct mc_conn *c, int64_t id, int64_t version, const char *status, int64_t now);

enum mc__inbox { MC_INBOX_PENDING, MC_INBOX_UNOPENED, MC_INBOX_OVERDUE, MC_INBOX_DUE_SOON, MC_INBOX_DONE };
/* A page of the user's tasks from offset, on documents they may still read
 * from agency (a task outlives a move to another agency, its summary does
 * not): the most urgent first, then the newest; today and soon ("YYYY-MM-DD") bound the overdue and due-soon
 * lists; *next the offset of the next page, 0 when none. */
int mc__task_page(struct mc_conn *c, int64_t user, int64_t agency, enum mc__inbox which, const char *today,
		  const char *soon, int64_t offset, int limit, json_t **items, int64_t *next);

/* ---- delegations (delegation.c) ---- */

/* A delegation a signature is made under: its form as printed ("KT.") and
 * the grantor's position ("Giám đốc"). */
struct mc__delegation {
	int64_t id;
	char form[8];
	char for_position[200];
};
/* The delegation, active today, under which delegate signs a document of
 * type_code and field_code (NULL: none) for body; forms: the forms
 * accepted ("KT,TL,TUQ"), NULL any.  MC_E_NOT_FOUND when none. */
int mc__delegation_for(struct mc_conn *c, int64_t delegate, int64_t body, const char *type_code, const char *field_code,
		       const char *forms, struct mc__delegation *out);

/* ---- drafts (draft_store.c) ---- */

/* The approval chain when an agency has set none for a type. */
#define MC__DEFAULT_CHAIN "dept_head,office_head,leader"

/* A draft's text and addressing as written (a new draft, a revision). */
struct mc__draft_new {
	int64_t agency, unit, drafter;
	const char *type_code, *summary, *content, *file_sha256, *urgency, *secrecy;
	const char *field_code;        /* NULL: none said */
	json_t *recipients, *internal; /* names; agency ids */
};
/* What the rules need of a stored draft. */
struct mc__draft {
	int64_t id, agency, unit, drafter, step, revision, version, signed_at;
	char status[16], chain[96], secrecy[16], type_code[40], field_code[40]; /* field_code "": none */
};
/* A move of a draft: its new status (NULL: kept), step (-1: kept), chain
 * (NULL: kept). */
struct mc__draft_move {
	const char *status;
	int64_t step;
	const char *chain;
};
struct mc__review_new {
	int64_t draft, step, user, from, revision;
	const char *role;
};
enum mc__draft_list { MC_DRAFTS_MINE, MC_DRAFTS_TO_REVIEW, MC_DRAFTS_REVIEWED, MC_DRAFTS_TO_ISSUE };

int mc__draft_insert(struct mc_conn *c, const struct mc__draft_new *n, int64_t now, int64_t *id);
int mc__draft_revision_add(struct mc_conn *c, int64_t id, int64_t revision, const struct mc__draft_new *n,
			   const char *note, int64_t now);
int mc__draft_update_text(struct mc_conn *c, int64_t id, const struct mc__draft_new *n, int64_t revision, int64_t now);
/* A new version (MC_E_PRECONDITION when it moved since version). */
int mc__draft_touch(struct mc_conn *c, int64_t id, int64_t version, const struct mc__draft_move *m, int64_t now);
/* The signing act, under delegation g (NULL: in the signer's own name). */
int mc__draft_sign(struct mc_conn *c, int64_t id, int64_t signer, const struct mc__delegation *g, int64_t now);
int mc__draft_issued(struct mc_conn *c, int64_t id, int64_t document);
/* An event of the trail; detail (may be NULL) is taken. */
int mc__draft_event(struct mc_conn *c, int64_t id, int64_t actor, const char *action, json_t *detail, int64_t now);
int mc__draft_review_ask(struct mc_conn *c, const struct mc__review_new *r, int64_t now);
/* The user's pending review of a draft (MC_E_NOT_FOUND when none). */
int mc__draft_review_pending(struct mc_conn *c, int64_t draft, int64_t user, int64_t *review);
int mc__draft_review_done(struct mc_conn *c, int64_t review, const char *status, const char *comment, int64_t now);
int mc__draft_reviews_opened(struct mc_conn *c, int64_t draft, int64_t user, int64_t now);
/* 1 when the user was ever asked to approve the draft. */
int mc__draft_was_asked(struct mc_conn *c, int64_t draft, int64_t user);
/* The agency's chain for a type, the default when it set none. */
int mc__draft_chain_of(struct mc_conn *c, int64_t agency, const char *type_code, char *out, size_t n);
int mc__draft_load(struct mc_conn *c, int64_t id, struct mc__draft *d, json_t **out);
int mc__draft_page(struct mc_conn *c, enum mc__draft_list which, int64_t user, int64_t body, int64_t offset, int limit,
		   json_t **items, int64_t *next);

/* draft.c: 1 when the caller may read draft d; the recipients of a draft
 * as printed (those written, then each recipient agency not written
 * already; a new array). */
int mc__draft_may_read(struct mc_document_ctx *x, const struct mc__draft *d);
json_t *mc__draft_recipients_named(json_t *draft);

/* The body an official of agency works for: the agency itself, or the
 * body its internal units belong to. */
int mc__document_body_of(struct mc_conn *c, int64_t agency, int64_t *body);
/* The active officials who read documents and act for body (its own and
 * its internal units'), leaders first: [{id, full_name, position,
 * position_en, agency: {id, name, name_en}, leader}]; with role, only who
 * holds it.  At most MC__OFFICIALS_MAX. */
#define MC__OFFICIALS_MAX 500
int mc__document_officials(struct mc_conn *c, int64_t body, const char *role, json_t **out);
/* read.c: 1 when the caller is a clerical officer (document.register) of
 * the body agency. */
int mc__clerk_of(struct mc_document_ctx *x, int64_t agency);
/* store.c: 1 when user is an active official who acts for body (of its
 * own or of one of its internal units) and reads documents; with role, who
 * also holds it.  An official of a body below it could neither open nor
 * act on its documents. */
int mc__document_official_of(struct mc_conn *c, int64_t user, int64_t body, const char *role);
/* store.c: an active official's agency (0 when user is none or not
 * active); 1 when user holds role, 0 when not; or an MC_E_* code. */
int mc__official_agency(struct mc_conn *c, int64_t user, int64_t *agency);
int mc__has_role(struct mc_conn *c, int64_t user, const char *role);
/* 1 when officials of agency member may read body's registers: body is in
 * member's subtree, or member acts for body (one of its internal units). */
int mc__document_may_read_register(struct mc_conn *c, int64_t member, int64_t body);

/* A draft's own file (the drafter's PDF), "" when it has text instead;
 * the PDF its signer signed, "" when none was signed digitally. */
int mc__draft_file(struct mc_conn *c, int64_t id, char sha[65]);
int mc__draft_signed_file(struct mc_conn *c, int64_t id, char sha[65]);
/* The digital signatures (sign.c): the signer's PDF at the signing act
 * (when x->pades has the caller's key), and at issue the signed PDF
 * numbered and sealed (*sha the document's file; "" when the draft was
 * not signed digitally). */
int mc__draft_sign_pdf(struct mc_document_ctx *x, int64_t draft);
int mc__draft_seal_pdf(struct mc_document_ctx *x, int64_t draft, int64_t agency, int64_t document,
		       const char *number_text, const char *day, char sha[65]);
/* A confidential document's sealed PDF (sha) encrypted for its agency and
 * the agencies of recipient_ids; the plain PDFs removed; sha becomes the
 * envelope's. */
int mc__draft_encrypt(struct mc_document_ctx *x, int64_t draft, int64_t agency, json_t *recipient_ids, char sha[65]);
/* The clerical officers of body read confidential document id. */
int mc__document_clerks_read(struct mc_conn *c, int64_t id, int64_t body);

#endif

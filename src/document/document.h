/*
 * document.h - official documents (văn bản, Decree 30/2020/NĐ-CP).
 *
 * Every body (an agency that is not an internal unit) keeps two registers
 * a year: incoming documents (sổ văn bản đến), numbered by arrival, and
 * outgoing ones (sổ văn bản đi), numbered from 01 each 1 January; secret
 * documents are numbered in series of their own.  The clerical officer
 * (văn thư) registers both; a number is given in the registering
 * transaction, so that numbers are unique and without gaps however many
 * officers register at once, on either back-end.
 *
 * Officials read the documents of the bodies in their agency subtree and
 * of the body they work for; a confidential one (Mật, Tối mật, Tuyệt mật)
 * only the officer who registered it and the readers named, each reading
 * audited.  An official's first opening of a document is recorded (who
 * viewed it, when).
 */
#ifndef MC_DOCUMENT_H
#define MC_DOCUMENT_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* Digital signatures of outgoing documents (PAdES), made by the signing
 * domain: the API joins it to this one (a domain does not call another). */
struct mc_document_pades {
	void *arg;  /* given back to sign */
	int person; /* 1: the caller's key is unlocked for this act (their PIN was right) */
	/* Sign pdf: by the caller (seal 0) or with agency seal's seal, the
	 * stamp (its words lines) on page in the box (PDF points; w 0:
	 * invisible); *sha the signed PDF's, stored. */
	int (*sign)(void *arg, int64_t seal, const void *pdf, size_t n, int page, const double box[4],
		    const char *reason, const char *const *lines, int nlines, int64_t draft_id, int64_t document_id,
		    char sha[65]);
	/* Encrypt data to the n agencies' encryption certificates (CMS
	 * EnvelopedData, stored; *sha its SHA-256). */
	int (*encrypt)(void *arg, const int64_t *agencies, int n, const void *data, size_t len, char sha[65]);
	/* Open an envelope with agency's key (*out malloc'd): MC_E_FORBIDDEN
	 * when agency is not one of its recipients. */
	int (*decrypt)(void *arg, int64_t agency, const void *env, size_t len, void **out, size_t *out_len);
};

struct mc_document_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;                /* the request's: error texts live here */
	const struct mc_principal *who;        /* an official */
	const char *addr;                      /* client address, for the audit log */
	struct mc_error *e;                    /* field errors and public detail */
	const struct mc_document_pades *pades; /* NULL: documents are not signed digitally */
	int want_envelope;                     /* a confidential document's file as stored (encrypted), not opened */
};

/* Register an incoming (outgoing = 0) or outgoing document from in (the
 * fields of POST /api/v1/documents/incoming or /outgoing) in the register
 * of in.agency_id, by default the body the caller works for.  *out is the
 * new document's representation. */
int mc_document_register(struct mc_document_ctx *x, int outgoing, json_t *in, json_t **out);

/* A document the caller may read (MC_E_NOT_FOUND otherwise: a confidential
 * one is not even said to exist).  The caller's first opening is recorded;
 * reading a confidential one is audited. */
int mc_document_get(struct mc_document_ctx *x, int64_t id, json_t **out);

/* The file registered with a document the caller may read (*data
 * malloc'd, the caller frees; its type in mime); MC_E_NOT_FOUND when it
 * has none.  Reading a confidential one's is audited. */
int mc_document_file(struct mc_document_ctx *x, int64_t id, void **data, size_t *len, char mime[32]);

struct mc_document_filter {
	int64_t agency_id;     /* the register's body; 0: the caller's */
	const char *direction; /* "in", "out" or NULL: both */
	int year;              /* 0: any */
	const char *type_code; /* NULL: any */
	const char *q;         /* words of the number, summary, sender or signer, diacritics ignored */
	const char *from, *to; /* the document's date within [from, to], YYYY-MM-DD; NULL: open */
	const char *status;    /* registered, sent, directed, assigned, handled, issued; NULL: any */
	int64_t before_id;     /* paging: ids below this one; 0: from the newest */
	int limit;
};

/* A page of a register, newest first (*next: the id to ask before for the
 * next page, 0 when none). */
int mc_document_list(struct mc_document_ctx *x, const struct mc_document_filter *f, json_t **items, int64_t *next);

/* Act on a document (POST /api/v1/documents/{id}/actions/{action}):
 * send_to_leader (the clerical officer: leader_id, note), direct (the
 * leader it was sent to: lead_user_id, coordinate_user_ids,
 * inform_user_ids, due_date, note), assign (the lead: user_id, note),
 * complete (the lead, the official handling it or a coordinator: result),
 * acknowledge (the informed).  version is the If-Match value (-1: none);
 * a stale one gives MC_E_PRECONDITION.  *out is the document after. */
int mc_document_act(struct mc_document_ctx *x, int64_t id, const char *action, int64_t version, json_t *in,
		    json_t **out);

/* Whom the caller may address by action (send_to_leader, direct or
 * assign) on a document: the leaders of its body, or its officials who
 * read documents ([{id, full_name, position, position_en, agency,
 * leader}]).  MC_E_FORBIDDEN when the caller cannot take that action on
 * it now. */
int mc_document_addressees(struct mc_document_ctx *x, int64_t id, const char *action, json_t **out);

/* The caller's tasks: which is pending (default), unopened, overdue,
 * due_soon (within three days) or done; the most urgent first.  *next is
 * the offset of the next page, 0 when none. */
int mc_document_inbox(struct mc_document_ctx *x, const char *which, int64_t offset, int limit, json_t **items,
		      int64_t *next);

/* ---- outgoing drafts (draft.c): drafted, approved up a chain, signed,
 * then numbered and issued ---- */

/* A new draft by the caller (type_code, summary, content, file_sha256,
 * recipients, internal_recipient_ids, urgency, secrecy), of the body the
 * caller works for, drafted in the caller's agency (its internal unit). */
int mc_draft_create(struct mc_document_ctx *x, json_t *in, json_t **out);
/* A draft the caller may read (its drafter, who was asked to approve it,
 * the clerical officers of its body once it is signed), with its
 * revisions, reviews, trail and what the caller may do now. */
int mc_draft_get(struct mc_document_ctx *x, int64_t id, json_t **out);
/* The file of a draft the caller may read (as mc_document_file). */
int mc_draft_file(struct mc_document_ctx *x, int64_t id, void **data, size_t *len, char mime[32]);
/* A new revision by its drafter while it is with them (drafting or
 * returned); version is the If-Match value (-1: none). */
int mc_draft_revise(struct mc_document_ctx *x, int64_t id, int64_t version, json_t *in, json_t **out);
/* submit (the drafter: approver_id, note), approve (who it waits on:
 * next_approver_id unless signing, comment), return (comment), issue (a
 * clerical officer of its body, once signed: numbered into the outgoing
 * register and delivered to the recipient agencies on the platform). */
int mc_draft_act(struct mc_document_ctx *x, int64_t id, const char *action, int64_t version, json_t *in, json_t **out);
/* Whom the caller may ask next by action (submit, approve): the officials
 * of the draft's body holding the role of the step it goes to. */
int mc_draft_addressees(struct mc_document_ctx *x, int64_t id, const char *action, json_t **out);
/* The caller's drafts: mine (drafted), to_review (waiting on the caller),
 * reviewed (the caller approved or returned), to_issue (signed, for the
 * clerical officers of the body); newest first. */
int mc_draft_list(struct mc_document_ctx *x, const char *which, int64_t offset, int limit, json_t **items,
		  int64_t *next);

/* The document as printed (the input of mc_pdf_document): a draft the
 * caller may read (marked a draft until issued), or an issued document
 * the caller may read, from the draft it was issued from (MC_E_NOT_FOUND
 * for one registered without a draft: its file is the document). */
int mc_draft_layout(struct mc_document_ctx *x, int64_t id, json_t **out);
int mc_document_layout(struct mc_document_ctx *x, int64_t id, json_t **out);

/* An agency's approval chains, one per document type ({type_code, steps,
 * custom}), and setting one (steps: 1 to 5 roles of dept_head,
 * office_head, leader, ending with leader; null: back to the default). */
int mc_document_chains(struct mc_conn *c, int64_t agency, json_t **out);
int mc_document_chain_set(struct mc_document_ctx *x, int64_t agency, const char *type_code, json_t *steps);

/* Signing on behalf of the head (delegation.c): a leader of the caller's
 * body lets delegate_id sign in form KT (a deputy, a leader), TL (the head
 * of the office) or TUQ (another official of the body), for type_codes
 * (none: every type), from valid_from to valid_to (at most a year);
 * the body's delegations, newest first; revoking one (its grantor or
 * another leader of the body). */
int mc_delegation_create(struct mc_document_ctx *x, json_t *in, json_t **out);
int mc_delegation_list(struct mc_document_ctx *x, json_t **out);
int mc_delegation_revoke(struct mc_document_ctx *x, int64_t id, json_t **out);

/* The document types of Decree 30 with their abbreviations. */
int mc_document_types(struct mc_conn *c, json_t **out);

/* Number and symbol as Decree 30 writes them: "15/QĐ-UBND" (type_abbr
 * given), "12/UBND-VX" (a công văn: no type abbreviation, the drafting
 * unit's), numbers below 10 with a leading zero.  0, or MC_E_INVAL when
 * it does not fit in n bytes or a part is missing. */
int mc_document_number_symbol(int64_t number, const char *type_abbr, const char *issuer_abbr, const char *unit_abbr,
			      char *out, size_t n);

/* The fields documents are about ({code, name, name_en}), and an
 * agency's rules: per field, the leader who directs its incoming documents
 * ({field, leader | null}); set (leader a leader of the body) or dropped
 * (json null) by an administrator of the agency (rules.c). */
int mc_document_fields(struct mc_conn *c, json_t **out);
int mc_document_leader_rules(struct mc_conn *c, int64_t agency, json_t **out);
int mc_document_leader_rule_set(struct mc_document_ctx *x, int64_t agency, const char *field_code, json_t *leader);

/* The dashboard's figures of the registers in root's subtree (root an
 * internal unit: its body's) for documents dated within [from, to]
 * (YYYY-MM-DD, checked by the caller): received, of them electronic and
 * handled, issued; the directions past their deadline at now, in all and
 * for the top units of their leads (figures.c). */
int mc_document_figures(struct mc_conn *c, int64_t root, const char *from, const char *to, int64_t now, int top,
			json_t **out);

/* Queue the reminders owed now (remind.c: not opened, due soon,
 * overdue; each once per task and kind) as outbox rows, in one
 * transaction; *queued how many. */
int mc_document_remind(struct mc_conn *c, int64_t now, int64_t *queued);

/* Number a dossier's result as an outgoing document of the body the caller
 * (its approving official, the signer) works for, in the caller's
 * transaction: its file the result's PDF, its recipients the applicant and
 * the file copy.  *out is {id, number_text}. */
struct mc_dossier_result;
int mc_document_register_result(struct mc_document_ctx *x, const struct mc_dossier_result *res, json_t **out);

/* Bulk-load o->n generated documents with their tasks, the benchmark's
 * data (generate.c; `motcua seed --documents N`): o->days, o->batch,
 * o->seed and o->progress as for dossiers. */
struct mc_gen_options;
struct mc_document_gen_report {
	int64_t documents, tasks;
	double seconds;
};
int mc_document_generate(struct mc_conn *c, const struct mc_gen_options *o, struct mc_document_gen_report *out,
			 char *err, size_t errlen);

#endif

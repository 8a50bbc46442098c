/*
 * dossier.h - the one-stop dossier engine (hồ sơ một cửa).
 *
 * A dossier is submitted online by a citizen or business, or taken in at
 * any reception counter by a clerk, whatever agency is competent: motcua
 * routes it to the competent agency and records where it was received.
 * It then moves through the steps of its procedure version: each step is
 * handled by one role at one unit (the receiving agency, the competent one,
 * or a consulted one) within its time budget.  Every transition checks the
 * caller's role and agency, the dossier's version (If-Match), records an
 * event, an audit entry, the statistics and - when it concerns the
 * applicant - an outbox notification, all in one transaction.
 *
 * Statuses: submitted -> (supplement_requested) -> in_progress ->
 * result_ready -> returned; or refused, withdrawn, stopped.
 */
#ifndef MC_DOSSIER_H
#define MC_DOSSIER_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../db/db.h"
#include "holidays.h"

#include <jansson.h>
#include <stdint.h>

/* A dossier's result to number in its agency's register of outgoing
 * documents (a decision, a permit, a certificate), signed by the caller. */
struct mc_dossier_result {
	int64_t dossier_id;
	const char *code;        /* the dossier's */
	const char *type_code;   /* the document's type */
	const char *summary;     /* trích yếu */
	const char *applicant;   /* their name: the first recipient */
	const char *file_sha256; /* the signed PDF */
};

/* A dossier filed or changed, as the fee's hook sees it (see
 * mc_dossier_ctx.fee). */
struct mc_dossier_fee {
	int64_t id, competent, received_agency;
	const char *code, *action, *channel, *to;
	int received; /* it had been received before this change */
	json_t *fees; /* the procedure version's "fees" (borrowed) */
	json_t *in;   /* the transition's input (borrowed; NULL when filed) */
};

/* A dossier filed or changed, as the linked procedures' hook sees it
 * (see mc_dossier_ctx.linked). */
struct mc_dossier_change {
	int64_t id;
	const char *code, *procedure_code, *action, *from, *to;
	int64_t received_at, due_at, now; /* as saved (0: none) */
	json_t *def;                      /* the procedure version's definition (borrowed) */
	json_t *in;                       /* the submission or the transition's input (borrowed) */
};

struct mc_dossier_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;         /* the request's: error texts live here */
	const struct mc_principal *who; /* NULL when anonymous */
	const char *addr;               /* client address, for events and audit */
	const char *base_url;           /* for tracking links on form 01 */
	struct mc_error *e;             /* field errors and public detail */
	/* Numbers a result as an outgoing document, in the caller's
	 * transaction (*out: {id, number_text}); the documents domain's, put
	 * here by the layer above both.  NULL: results are attached only. */
	int (*register_result)(const struct mc_dossier_ctx *x, const struct mc_dossier_result *res, json_t **out);
	/* The applicant's digital signature of their online application
	 * (the signing domain's, with the key their PIN unlocked; NULL: the
	 * application is not signed): sign the n bytes in the caller's
	 * transaction, *id the signature's record, *out what the dossier
	 * keeps of it (the signer, the certificate, the verdict). */
	int (*sign_application)(const struct mc_dossier_ctx *x, const void *bytes, size_t n, int64_t *id, json_t **out);
	void *sign_arg;
	/* What register_result signs the result's PDF with (the layer above's:
	 * the approving official's key when their PIN was given, the agency's
	 * seal; NULL: not signed digitally). */
	const void *result_signer;
	/* The fee of the dossier (the payments domain's, put here by the layer
	 * above; NULL: no fee is asked): called inside the transaction of a
	 * submission (action "submit", "intake" or "intake_incomplete") and
	 * of each transition once its checks passed, before it is saved; an
	 * error (the fee not paid yet: x->e filled) refuses the change. */
	int (*fee)(const struct mc_dossier_ctx *x, const struct mc_dossier_fee *f);
	/* The dossier came to agency - filed at it, or moved on to a step of
	 * it - in the caller's transaction (the exchange domain's, put here by
	 * the layer above: it hands the dossier to the system of an external
	 * agency; NULL: nothing is handed over). */
	int (*handoff)(const struct mc_dossier_ctx *x, int64_t dossier, int64_t agency);
	/* Linked procedures (the linked domain's, put here by the layer
	 * above; NULL: none): called inside the transaction of a submission
	 * and of each transition once the dossier row is saved, before the
	 * event and the notification; an error refuses the change. */
	int (*linked)(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch);
};

/* ---------------- for the linked procedures (parts.c) ---------------- */

/* A sub-dossier the system files for the applicant of application parent
 * (in the caller's transaction): a dossier of procedure_code's current
 * version at agency (receiving and competent), submitted now and waiting
 * for agency's reception clerk, with form as the data handed over (not
 * checked against the procedure's form: it is what the earlier parts
 * hold).  *id and code (80 bytes) receive it. */
int mc_dossier_spawn(struct mc_dossier_ctx *x, int64_t parent, const char *procedure_code, int64_t agency, json_t *form,
		     int64_t *id, char code[80]);
/* Application id is settled (in the caller's transaction): result_ready
 * when any is 1 (at its return step, scored against its deadline), else
 * refused with reason; the event, the statistics, the notification. */
int mc_dossier_settle(struct mc_dossier_ctx *x, int64_t id, int any, const char *reason);
/* Set dossier id's legal deadline (due_at, 0: unchanged) and the date given
 * to the applicant (appointment_at, 0: unchanged; marks it extended). */
int mc_dossier_set_dates(struct mc_conn *c, int64_t id, int64_t due_at, int64_t appointment_at);
/* An applicant notification of dossier id (outbox, in the caller's
 * transaction); detail_json may be NULL. */
int mc_dossier_notify(struct mc_conn *c, int64_t id, const char *event, const char *detail_json);

/* Submit online (counter_id == 0; the caller is the applicant) or take in
 * at a counter (the caller is a clerk whose agency holds the counter).
 * An attachment field names a file the caller uploaded (mc_blob_put).
 * Online, with x->sign_application, the application is signed by the
 * applicant: the bytes signed are {"form": ..., "procedure": CODE}
 * written as JSON with sorted keys and no spaces (MC_DOSSIER_SIGNED_JSON),
 * kept as the dossier's extra.application_signature.
 * *out is the new dossier's representation. */
int mc_dossier_submit(struct mc_dossier_ctx *x, json_t *in, int64_t counter_id, json_t **out);

/* Read a dossier the caller may see (the applicant, or an official whose
 * agency subtree holds its receiving, competent or current agency).
 * Officials' reads are recorded as "view" events (once per step). */
int mc_dossier_get(struct mc_dossier_ctx *x, const char *code, json_t **out);

/* Apply an action: receive, request_supplement, supplement, refuse, assign,
 * forward, return, withdraw, stop, extend.  An official acts on a step
 * when they hold its role and act for its agency (mc_agency_acts_for:
 * the agency itself or one of its internal units, never a subordinate
 * body).  version is the If-Match value;
 * a stale one gives MC_E_PRECONDITION.  A supplement's form sets only
 * attachment fields (the declaration stays as submitted), each to a file
 * the caller uploaded or to the one it already names. */
int mc_dossier_act(struct mc_dossier_ctx *x, const char *code, const char *action, int64_t version, json_t *in,
		   json_t **out);

/* Public tracking by code and secret: status, steps, appointment; no
 * personal data.  A wrong secret is MC_E_NOT_FOUND, like a wrong code. */
int mc_dossier_track(struct mc_conn *c, const char *code, const char *secret, json_t **out);
/* The same answer as stored with the dossier at its last transition (one
 * indexed read), in out: gzip-compressed when gzip is 1 and it is stored
 * so (*gzipped = 1: the bytes a client that accepts gzip is sent), else
 * the JSON text (*gzipped = 0); built on the fly for rows that have
 * none. */
int mc_dossier_track_text(struct mc_conn *c, const char *code, const char *secret, int gzip, struct mc_buf *out,
			  int *gzipped);

/* Work queues of the caller: "receive" (submitted, to receive), "process"
 * (in progress at a step of the caller's role), "return" (result ready,
 * to hand back), "mine" (assigned to the caller), "due_soon", "overdue":
 * the work queues, holding only steps the caller may act on (their role,
 * at an agency they act for); "supplement" (waiting for papers) and "all":
 * supervision, over the caller's agency subtree.  Filters may be NULL /
 * 0; code_part is a piece of the dossier code in upper case, without LIKE
 * wildcards.  Keyset pagination on id (newest first).  Items carry
 * procedure_name(_en) and applicant_name. */
struct mc_queue_filter {
	const char *procedure_code, *status, *code_part;
	int64_t agency_id;
	int64_t from, to; /* received between (ms), 0 = open */
	int64_t before_id;
	int limit;
	/* only the late ones: MC_LATE_DEADLINE in progress past the legal
	 * deadline, MC_LATE_RECEPTION submitted online and not received within
	 * a working day; both or'ed */
	int late;
};
enum { MC_LATE_DEADLINE = 1, MC_LATE_RECEPTION = 2 };
int mc_dossier_queue(struct mc_dossier_ctx *x, const char *queue, const struct mc_queue_filter *f, json_t **out,
		     int64_t *next_before);
int mc_dossier_queue_counts(struct mc_dossier_ctx *x, json_t **out);

/* Dossiers of the calling applicant, newest first. */
int mc_dossier_mine(struct mc_dossier_ctx *x, int64_t before_id, int limit, json_t **out, int64_t *next_before);

/* Statistics over the agency subtree of root for local dates
 * [from_day, to_day] ("YYYY-MM-DD"), grouped by "agency", "procedure" or
 * "field" (or NULL: one total). */
int mc_dossier_stats(struct mc_conn *c, int64_t root, const char *from_day, const char *to_day, const char *group,
		     json_t **out);

/* Recompute the statistics from the dossiers themselves (for tests and
 * repairs): the same shape as mc_dossier_stats. */
int mc_dossier_stats_recount(struct mc_conn *c, int64_t root, const char *from_day, const char *to_day,
			     const char *group, json_t **out);

/* The periodic report (report.c, docs/statistics.md) over the agency
 * subtree of root for local dates [from_day, to_day], one row per
 * competent agency ("agency") or procedure ("procedure"), or only the
 * total (NULL): {from, to, group, total, items: [{key, name, carried_over,
 * new_online, new_counter, new_post, new, received, resolved_early,
 * resolved_on_time, resolved_late, resolved, in_progress_within,
 * in_progress_past, in_progress, withdrawn, stopped, refused,
 * on_time_rate, awaiting_reception, awaiting_reception_past}]}.
 * MC_E_VALIDATION for another group. */
int mc_dossier_report(struct mc_conn *c, int64_t root, const char *from_day, const char *to_day, const char *group,
		      json_t **out);

/* The leader's dashboard over the agency subtree of root at instant now
 * (see dashboard.c): {agency_id, day, at, today, month, in_progress,
 * top_overdue}.  today / month have the counters of mc_dossier_stats'
 * total for the local day / month of now; in_progress {total,
 * within_deadline, past_deadline} counts the dossiers in progress or waiting
 * for a supplement by their competent agency; top_overdue lists at most
 * `top` agencies with dossiers past their deadline, the most first
 * ({id, code, name, name_en, overdue, in_progress}). */
int mc_dossier_dashboard(struct mc_conn *c, int64_t root, int64_t now, int top, json_t **out);

/* One dossier as forms 01-06 print it (form 1..6, else MC_E_NOT_FOUND):
 * its representation, with the names of the officials who signed the
 * notice.  The caller must be allowed to read it (as mc_dossier_get: else
 * MC_E_NOT_FOUND); no "view" event is recorded.  A form that does not
 * apply to the dossier - 01 and 06 before it is received, 02 without a
 * supplement request, 03 without a refusal, 04 without an extension, 05
 * unless stopped - is MC_E_CONFLICT with a public detail in x->e.  Every
 * form 02 issued is kept: n picks one (1 the first; 0 the latest; one
 * that was not issued is MC_E_NOT_FOUND); n is ignored for other forms. */
int mc_dossier_form(struct mc_dossier_ctx *x, const char *code, int form, int n, json_t **out);

/* Form 07: the dossiers received by agency on local dates [from_day,
 * to_day] ("YYYY-MM-DD"), in register order, as an array of the fields the
 * register shows (code, entry, procedure, applicant name / address / phone,
 * status, received / due / completed / returned times, result, competent
 * agency).  The caller needs dossier.read and agency in its subtree
 * (MC_E_FORBIDDEN).  More than max rows is MC_E_TOO_BIG. */
int mc_dossier_register(struct mc_dossier_ctx *x, int64_t agency, const char *from_day, const char *to_day, int max,
			json_t **out);

/* A file attached to a dossier the caller may read (as mc_dossier_get, no
 * "view" event): only a SHA-256 that the dossier's form names is served,
 * anything else is MC_E_NOT_FOUND.  *data is malloc'd (free it); mime is
 * the type found at upload (files.c). */
int mc_dossier_file(struct mc_dossier_ctx *x, const char *code, const char *sha256, void **data, size_t *len,
		    char mime[32]);

/* Store a file uploaded by user uploader (content-addressed: the same
 * bytes are stored once) and record that this user uploaded it, in one
 * transaction; doing it again changes nothing.  A form accepts a file as
 * an attachment only from the user who uploaded it (see mc_dossier_submit
 * and the supplement action).  The type is found from the bytes: PDF,
 * JPEG or PNG; anything else, or a PDF that cannot be read, is
 * MC_E_MEDIA_TYPE; a PDF with active content (render/pdfcheck.h) is
 * MC_E_ACTIVE_CONTENT, `what` naming it.  The uploader's files that no
 * dossier names yet may take quota bytes in all (0: no limit), else
 * MC_E_QUOTA. */
int mc_blob_put(struct mc_conn *c, int64_t uploader, const void *data, size_t n, int64_t quota, char sha256[65],
		const char **mime, char *what, size_t whatlen);
/* The stored bytes of sha256 (*data malloc'd, the caller frees) and their
 * type; MC_E_NOT_FOUND when none.  Whether the caller may have them is
 * for the domain that names the file to decide. */
int mc_blob_get(struct mc_conn *c, const char *sha256, void **data, size_t *len, char mime[32]);
/* Remove the uploads that no dossier named within keep_ms of their upload,
 * and the bytes that nobody else uploaded.  Returns the uploads removed or
 * an MC_E_* code. */
int64_t mc_blob_purge(struct mc_conn *c, int64_t keep_ms);

/* Bulk-load n generated dossiers (test data for benchmarks; see
 * generate.c): spread over the agencies, procedures, channels, states and
 * the working days of the last `days` days (default 365), with their steps,
 * codes continuing dossier_sequences and dossier_stats kept consistent, in
 * transactions of `batch` rows (default 10000; on PostgreSQL each batch is
 * kept in memory and written with COPY).  No events or per-dossier
 * audit entries; one audit entry "dossier.generate".  progress (may be
 * NULL) is called after each batch. */
/* The seed of generated data when none is given: the same data each time. */
#define MC_GEN_DEFAULT_SEED 20260101
struct mc_gen_options {
	int64_t n;
	uint64_t seed; /* 0 = a fixed default: the same data each time */
	int batch, days;
	int64_t now; /* 0 = the clock */
	/* PostgreSQL writes each batch with COPY (tens of thousands of
	 * dossiers a second); 1: prepared INSERTs as on SQLite (the tests
	 * compare the two) */
	int no_copy;
	void (*progress)(int64_t done, int64_t total, double rows_per_s, void *arg);
	void *progress_arg;
};
struct mc_gen_report {
	int64_t dossiers, steps;
	double seconds;
};
int mc_dossier_generate(struct mc_conn *c, const struct mc_gen_options *o, struct mc_gen_report *out, char *err,
			size_t errlen);

/* Partitions (partition.c; migration 0045): on PostgreSQL a dossier's id
 * carries the month of its code, month k = (year - 2020) * 12 + month - 1
 * owning ids [(k + 1) * MC_DOSSIER_MONTH_IDS, (k + 2) * ...); ids below
 * MC_DOSSIER_MONTH_IDS are older rows (and codes without a date).  A lookup
 * by code is MC_DOSSIER_BY_CODE (MC_DOSSIER_BY_CODE_AS(alias) in a join) with the code and mc_dossier_code_ids'
 * range bound ("tii"): PostgreSQL then reads one month's partition. */
#define MC_DOSSIER_MONTH_IDS     INT64_C(10000000000)
#define MC_DOSSIER_BY_CODE_AS(t) t ".code = ? AND (" t ".id < 10000000000 OR (" t ".id >= ? AND " t ".id < ?))"
#define MC_DOSSIER_BY_CODE       MC_DOSSIER_BY_CODE_AS("dossiers")
/* The month index of a code, -1 for one without a valid date. */
int mc_dossier_code_month(const char *code);
/* (k + 1) * MC_DOSSIER_MONTH_IDS for a code of month k, 0 without a date. */
int64_t mc_dossier_id_base(const char *code);
/* The id range of the code's month ([0, 0) without a date). */
void mc_dossier_code_ids(const char *code, int64_t *lo, int64_t *hi);
/* The id of the dossier coded code (MC_E_NOT_FOUND). */
int mc_dossier_id_by_code(struct mc_conn *c, const char *code, int64_t *id);
/* PostgreSQL: creates the missing partitions of the months from from_ms to
 * to_ms (Vietnam's calendar) and returns how many; SQLite: 0.  Negative:
 * an error code. */
int64_t mc_dossier_partitions(struct mc_conn *c, int64_t from_ms, int64_t to_ms);

/* The personal document store (kho dữ liệu cá nhân, personal.c): the
 * papers issued to owner through the platform, newest first, keyset by id
 * (*next_before 0: no more).  Each: {id, paper_code, title, title_en,
 * issuer {id, name, name_en}, dossier_code, document_id, number_text,
 * sha256, issued_at, valid}. */
int mc_personal_papers(struct mc_conn *c, int64_t owner, int64_t before_id, int limit, json_t **out,
		       int64_t *next_before);
/* The file of owner's paper id (*data malloc'd; name: a file name without
 * extension); MC_E_NOT_FOUND when it is not theirs. */
int mc_personal_paper_file(struct mc_conn *c, int64_t owner, int64_t id, void **data, size_t *len, char mime[32],
			   char name[96]);

#endif

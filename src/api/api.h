/*
 * api.h - the HTTP API: one route table assembled from one table per
 * resource file, the hooks that plug authentication, authorization, CSRF and
 * idempotency into the server, and small input helpers for handlers.
 *
 * Handlers are thin: parse and validate input -> authorize -> call the
 * domain -> render.  They never write SQL.
 */
#ifndef MC_API_H
#define MC_API_H

#include "../auth/auth.h"
#include "../dossier/dossier.h"
#include "../org/org.h"
#include "../http/http.h"

/* The whole route table, NULL-terminated. */
const struct mc_route *mc_api_routes(void);
extern const struct mc_http_hooks mc_api_hooks;

/* Per-resource tables (each NULL-terminated). */
extern const struct mc_route mc_api_health_routes[];
extern const struct mc_route mc_api_auth_routes[];
extern const struct mc_route mc_api_org_routes[];
extern const struct mc_route mc_api_user_routes[];
extern const struct mc_route mc_api_audit_routes[];
extern const struct mc_route mc_api_catalog_routes[];
extern const struct mc_route mc_api_dossier_routes[];
extern const struct mc_route mc_api_calendar_routes[];
extern const struct mc_route mc_api_forms_routes[];
extern const struct mc_route mc_api_office_routes[];
extern const struct mc_route mc_api_dashboard_routes[];
extern const struct mc_route mc_api_snapshot_routes[];
extern const struct mc_route mc_api_report_routes[];
extern const struct mc_route mc_api_reset_routes[];
extern const struct mc_route mc_api_document_routes[];
extern const struct mc_route mc_api_signing_routes[];
extern const struct mc_route mc_api_exchange_routes[];
extern const struct mc_route mc_api_schedule_routes[];
extern const struct mc_route mc_api_poll_routes[];
extern const struct mc_route mc_api_directive_routes[];
extern const struct mc_route mc_api_notify_routes[];
extern const struct mc_route mc_api_feedback_routes[];
extern const struct mc_route mc_api_payment_routes[];
extern const struct mc_route mc_api_paysim_routes[];
extern const struct mc_route mc_api_handoff_routes[];
extern const struct mc_route mc_api_personal_routes[];
extern const struct mc_route mc_api_portal_routes[];
extern const struct mc_route mc_api_linked_routes[];

/* The session cookie's name. */
#define MC_SESSION_COOKIE "motcua_session"

struct mc_auth_policy mc_api_policy(struct mc_req *r);

/* ---- input helpers: each adds a field error (vi + en) and returns NULL /
 * -1 when the input is wrong; finish with mc_api_check(r). ---- */
json_t *mc_api_body(struct mc_req *r); /* the JSON object body, or NULL + error */
/* A string member: valid UTF-8 without control characters, trimmed of
 * surrounding spaces, in NFC, of at most max characters (code points, not
 * bytes); NULL when absent (a field error when required) or wrong. */
const char *mc_api_str(struct mc_req *r, json_t *obj, const char *field, size_t max, int required);
/* A code a person typed (a dossier code, a tracking secret): surrounding
 * spaces dropped and letters in upper case, as the codes are made, so
 * that "786f-sfm4 " finds "786F-SFM4"; NULL when longer than max or with
 * characters other than letters, digits, dots and hyphens. */
const char *mc_api_typed_code(struct mc_req *r, const char *s, size_t max);
/* The field error "longer than max characters" (vi + en). */
void mc_api_too_long(struct mc_req *r, const char *field, size_t max);
/* Create an account: hashes password into u, then in one transaction
 * creates the user and writes the audit entry (action, detail: its
 * reference is taken, NULL for none); a taken user name fails with 409
 * naming taken_field.  Answers 201 with the new account and its Location;
 * *out (out may be NULL) is the account, kept by the request. */
int mc_api_create_user(struct mc_req *r, struct mc_conn *c, struct mc_user_new *u, const char *password,
		       const char *action, json_t *detail, const char *taken_field, json_t **out);
/* Set account user_id's password (hashed here) and audit action by the
 * caller, in one transaction; every session of the account ends but
 * keep_session (0: none).  Answers 204. */
int mc_api_set_password(struct mc_req *r, struct mc_conn *c, int64_t user_id, const char *password,
			int64_t keep_session, const char *action);
/* A password being set: required, and acceptable for this user name (may
 * be NULL); the value, or NULL + field error. */
const char *mc_api_new_password(struct mc_req *r, json_t *obj, const char *field, const char *username);
int mc_api_bool(struct mc_req *r, json_t *obj, const char *field, int dflt);
int64_t mc_api_int(struct mc_req *r, json_t *obj, const char *field, int64_t min, int64_t max, int required,
		   int64_t dflt);
/* Field errors for a phone number and an e-mail address that are given
 * (NULL: not given; "" accepted as "none" when empty_ok).  A phone number
 * that is one is replaced by its normal form (mc_phone_normalize), the one
 * form stored. */
void mc_api_check_contact(struct mc_req *r, const char **phone, const char *email, int empty_ok);
/* 0 if no field errors were added, else MC_E_VALIDATION. */
int mc_api_check(struct mc_req *r);
/* mc_api_check, then the request's database connection (mc_req_db): the
 * start of a handler whose input is read. */
int mc_api_check_db(struct mc_req *r, struct mc_conn **c);
/* Query parameter name as a day "YYYY-MM-DD" (dflt when absent) into out:
 * 0, or -1 with a field error. */
int mc_api_day_query(struct mc_req *r, const char *name, const char *dflt, char out[11]);
/* The longest period a report or the register book covers. */
#define MC_API_PERIOD_MAX_DAYS 366
/* The period of a report or the register book: query parameters from and
 * to (by default the current month in Vietnam), to not before from, at
 * most MC_API_PERIOD_MAX_DAYS days; field errors otherwise (finish with
 * mc_api_check). */
void mc_api_period(struct mc_req *r, char from[11], char to[11]);
/* Path parameter as a positive id; MC_E_NOT_FOUND if it is not one. */
int mc_api_id_param(struct mc_req *r, const char *name, int64_t *id);
/* A write to one resource: the path's {id} and the JSON object body; the
 * body, or NULL with the request failed (404, 400). */
json_t *mc_api_id_body(struct mc_req *r, int64_t *id);
/* Query parameter as an integer in [min, max], or dflt when absent. */
int mc_api_query_int(struct mc_req *r, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out);
/* The version an If-Match header names ("v<n>", quoted): 0, or the request
 * fails with 428 when there is none and 412 when it names no version. */
int mc_api_if_match(struct mc_req *r, int64_t *version);
/* ETag: "v<n>", n the version member of obj (a row read back). */
void mc_api_etag(struct mc_req *r, json_t *obj);
/* Fail the request with a database error (logging the detail). */
int mc_api_db_fail(struct mc_req *r, int rc);
/* Fail the request with a domain's answer rc: a database, memory or I/O
 * failure as mc_api_db_fail, anything else with r->err as the domain left
 * it. */
int mc_api_fail(struct mc_req *r, int rc);
/* Answer 200 {"items": [...]} with what list(c, arg, &items) reads on
 * the request's connection: a list with at most one filter. */
int mc_api_list(struct mc_req *r, int (*list)(struct mc_conn *, int64_t, json_t **), int64_t arg);
/* 0 when agency is inside the caller's jurisdiction (their agency's
 * subtree); otherwise the request fails with 403 naming field, or with the
 * database error. */
int mc_api_within(struct mc_req *r, struct mc_conn *c, int64_t agency, const char *field);
/* The request's connection and the agency figures are asked for: agency
 * (an agency_id read from the query; 0: the caller's own), which must be
 * inside the caller's jurisdiction.  0, or the request fails (403 naming
 * agency_id, or a database error). */
int mc_api_agency_root(struct mc_req *r, int64_t agency, struct mc_conn **c, int64_t *root);
/* The figures of GET /api/v1/stats for the request's query (from, to,
 * agency_id, group, recount), checked and authorized; *out is new. */
int mc_api_stats_query(struct mc_req *r, json_t **out);
/* The dossier engine's view of the request: its connection, arena, caller,
 * address, error object and the public address for printed links. */
int mc_api_dossier_ctx(struct mc_req *r, struct mc_dossier_ctx *x);
/* The dossier engine's fee hook, joined to the payments domain
 * (payment_api.c). */
int mc_api_dossier_fee(const struct mc_dossier_ctx *x, const struct mc_dossier_fee *f);
/* The dossier engine's linked-procedures hook: the linked domain's
 * (linked_api.c). */
int mc_api_linked_hook(struct mc_dossier_ctx *x, const struct mc_dossier_change *ch);
/* A dossier's representation with its linked parts ("linked": {parts})
 * when it is an application, and (public = 0) the code of the application
 * it is a part of ("linked_application"). */
int mc_api_linked_decorate(struct mc_conn *c, json_t *dossier, int public);
/* Public tracking's gate and input (GET /api/v1/track/{code}, GET
 * /api/v1/linked/{code}/track): one more look-up from r->addr this minute,
 * at most track_limit across every server of the database (429 with
 * Retry-After beyond), then the code and the secret as typed ("786f sfm4"
 * is not a code: not found).  0 with both set, or the error (filled). */
int mc_api_track_input(struct mc_req *r, const char **code, const char **secret);
/* After a dossier's refusal or stop: the VNPAY refunds it made due, through
 * the gateway (a failure is logged and left to the accountant). */
void mc_api_dossier_refunds(struct mc_req *r, const char *code);
/* The housekeeping: VNPAY refunds that failed, tried again through the
 * gateway's API (vnpay_api_url; none with the simulator); *done refunded. */
int mc_api_payment_refunds(struct mc_conn *c, const struct mc_config *cfg, int64_t now, int64_t *done);
/* Add the fee (amount, VietQR payload) to a dossier as form 01 prints it. */
int mc_api_form_payment(struct mc_req *r, json_t *dossier);
/* Rendered documents (PDF, XLSX) are built in memory: bounded well below
 * the server's response limit. */
#define MC_API_DOC_LIMIT (48u << 20)
#define MC_API_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
/* Answer 200 with a rendered document (buf is released): a PDF (pdf) shown
 * inline, or a spreadsheet as an attachment, named filename. */
int mc_api_send_doc(struct mc_req *r, struct mc_buf *buf, int pdf, const char *filename);
/* Write an audit entry for the caller inside the current transaction;
 * detail (its reference is taken; NULL: none) is written as compact JSON. */
/* Drop the GET /api/v1/me answers kept for user_id (its account changed). */
void mc_api_me_forget(int64_t user_id);
int mc_api_audit(struct mc_req *r, struct mc_conn *c, const char *action, const char *otype, int64_t oid,
		 json_t *detail);

/* The digital signatures of documents for this request (signing_api.c):
 * the caller's personal key unlocked when body has "pin" (checked, and a
 * wrong one counted, before the act: the error answered and non-zero
 * returned), the seals of agencies always; released with the request. */
struct mc_document_pades;
int mc_api_pades(struct mc_req *r, json_t *body, struct mc_document_pades *p);
/* 1 when the deployment's PKI is set up (motcua pki init). */
int mc_api_pki_ready(struct mc_req *r);
/* An applicant's signature of their online application: sig
 * {"pin", "certificate_id"?} unlocks their key (a wrong PIN answered, as
 * above) and x signs with it. */
int mc_api_application_signer(struct mc_req *r, json_t *sig, struct mc_dossier_ctx *x);

/* An incoming document moved on (doc as the act answered it): when it was
 * registered from an edXML package, its sender is told (exchange_api.c);
 * a failure is logged, the act stands. */
void mc_api_exchange_moved(struct mc_req *r, json_t *doc);

#endif

/* internal.h - shared by the payment domain's files (not a public API). */
#ifndef MC_PAYMENT_INTERNAL_H
#define MC_PAYMENT_INTERNAL_H

#include "payment.h"

/* What the rules need of a stored payment and its dossier. */
struct mc__pay {
	int64_t id, dossier, agency, amount, version, requested_at, paid_at, refund_due_at, refunded_at, receipt_no;
	int64_t applicant_id, competent, received_agency;
	char status[12], stage[8], method[8], code[80], symbol[16], dossier_status[24], reference[64];
};
/* MC_E_NOT_FOUND when there is none. */
int mc__pay_load(struct mc_conn *c, int64_t id, struct mc__pay *p);
int mc__pay_load_dossier(struct mc_conn *c, int64_t dossier, struct mc__pay *p);
/* mc__pay_load, MC_E_NOT_FOUND as well when the caller may not see it. */
int mc__pay_load_seen(struct mc_pay_ctx *x, int64_t id, struct mc__pay *p);
/* 1 when the caller holds perm and acts for agency (or, subtree: agency
 * is within theirs), 0 when not. */
int mc__pay_holds(struct mc_pay_ctx *x, const char *perm, int64_t agency, int subtree);
/* An event and its audit entry (actor 0: the gateway or the system), in the
 * caller's transaction; detail taken (may be NULL). */
int mc__pay_record(struct mc_conn *c, int64_t id, int64_t actor, const char *addr, const char *action, json_t *detail,
		   int64_t now);
/* An outbox row (topic 'payments') to the dossier's applicant: event and
 * the payload's members (taken) with code, amount and link added. */
int mc__pay_notice(struct mc_conn *c, const struct mc__pay *p, const char *event, json_t *payload, int64_t now);
/* Paid now by method (reference may be NULL), collected_by actor (0: the
 * gateway): the receipt numbered, the event, the notice. */
int mc__pay_settle(struct mc_conn *c, struct mc__pay *p, const char *method, const char *reference, int64_t actor,
		   const char *addr, int64_t now);
/* The collecting account of agency (the nearest up its tree that has one):
 * {agency_id, bank_bin, bank_name, account_no, account_name}; MC_E_NOT_FOUND. */
int mc__pay_account(struct mc_conn *c, int64_t agency, json_t **out);
/* Still owed: requested or failed, and the dossier has not ended without
 * a result (refused, withdrawn, stopped: nothing is owed any more). */
int mc__pay_owed(const struct mc__pay *p);
/* 20000 as "20.000" into out. */
const char *mc__pay_vnd(int64_t amount, char *out, size_t n);
/* An instant as the API shows it (null for 0). */
json_t *mc__pay_time(int64_t ms);
/* The payment as shown to the caller. */
int mc__pay_json(struct mc_pay_ctx *x, const struct mc__pay *p, json_t **out);
/* The transfer's purpose in the VietQR code and the VNPAY order: ASCII. */
void mc__pay_purpose(const struct mc__pay *p, char *out, size_t n);
/* The VNPAY order's vnp_OrderInfo: ASCII, the dossier code. */
void mc__pay_order_info(const struct mc__pay *p, char *out, size_t n);
/* The refund as recorded, in one transaction (status paid -> refunded). */
int mc__pay_refunded(struct mc_pay_ctx *x, struct mc__pay *p, const char *reason, json_t *detail);

#endif

/*
 * internal.h - what the files of src/signing share.
 */
#ifndef MC_SIGNING_INTERNAL_H
#define MC_SIGNING_INTERNAL_H

#include "signing.h"

#include "../crypto/cms.h"
#include "../crypto/crypto.h"
#include "../crypto/pki.h"

/* One of the deployment's authorities, loaded: its certificate, and its
 * key when asked for and kept here (the root's never is). */
struct mc__authority {
	int64_t id;
	struct mc_cert *cert;
	struct mc_key *key;
	char serial[48];
};

/* 1 once the PKI secret is loaded. */
int mc__secret_ready(void);
/* The passphrase sealing a key: purpose ("ca", "tsa", "root", "agency",
 * "pin"), the certificate's serial and, for "pin", the PIN. */
void mc__seal_pass(const char *purpose, const char *serial, const char *pin, char out[65]);
/* Load the authority of kind in use ("root", "issuing", "tsa"), with its
 * key unsealed when with_key; MC_E_NOT_FOUND before mc_pki_init. */
int mc__authority_load(struct mc_conn *c, const char *kind, int with_key, struct mc__authority *a);
void mc__authority_free(struct mc__authority *a);
/* The trust of relying parties: the root, the issuing CA and its CRL
 * at now (Unix seconds). */
int mc__trust(struct mc_conn *c, int64_t now, struct mc_trust **out);
/* Audit an act of the caller (or of the command line) on object type/id. */
int mc__sign_audit(struct mc_signing_ctx *x, const char *action, const char *type, int64_t id, json_t *detail);
/* The public description of a certificate row read by CERT_COLUMNS. */
#define CERT_COLUMNS                                                                                                   \
	"c.id, c.serial, c.kind, c.user_id, c.agency_id, c.subject, c.not_before, c.not_after, c.revoked_at, "         \
	"c.revoke_reason, c.key_pem IS NOT NULL, c.pin_locked_until, c.created_at"
json_t *mc__cert_json(struct mc_stmt *s, int col);
/* Unlock the caller's personal certificate's key (cert_id, or 0: their
 * valid one) with pin, outside any transaction: a wrong PIN is counted
 * in a transaction of its own and answered 422 (pin, attempts left) or,
 * the fifth in a row, 429 (locked); revoked, expired, on a token: 422 on
 * certificate_id. */
struct mc__unlocked {
	int64_t id;
	struct mc_cert *cert;
	struct mc_key *key;
	char subject[256];
};
int mc__cert_unlock(struct mc_signing_ctx *x, int64_t cert_id, const char *pin, int64_t now_ms, struct mc__unlocked *u);
void mc__unlocked_free(struct mc__unlocked *u);

/* Make, seal and store a certificate of kind for a user (personal: pin
 * seals its key) or an agency, inside the caller's transaction; earlier
 * valid ones of the same holder and kind are superseded. */
int mc__cert_make(struct mc_signing_ctx *x, const char *kind, const struct mc_cert_subject *s, int64_t user,
		  int64_t agency, const char *pin, int64_t *id);
/* The same for the public key of a key the holder keeps on a token: no
 * key stored (what it signs is made outside and verified here). */
int mc__cert_make_token(struct mc_signing_ctx *x, const struct mc_cert_subject *s, int64_t user, int64_t agency,
			const struct mc_key *token_key, int64_t *id);
/* An agency's certificate subject (arena strings). */
int mc__agency_subject(struct mc_signing_ctx *x, int64_t agency, struct mc_cert_subject *s);
/* The issuing CA's chain and the TSA with its key, for a signing. */
struct mc__stamping {
	struct mc__authority ca, tsa;
	struct mc_cert *chain[1];
	struct mc_signer tsa_signer;
};
int mc__stamping_load(struct mc_conn *c, struct mc__stamping *st);
void mc__stamping_free(struct mc__stamping *st);

#endif

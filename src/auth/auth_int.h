/*
 * auth_int.h - the throttling of failed logins (auth.c), shared with the
 * password reset by code (reset.c).  Not for use outside src/auth.
 */
#ifndef MC_AUTH_INT_H
#define MC_AUTH_INT_H

#include "auth.h"
#include "../crypto/crypto.h"

/* The throttling key of an account name tried from an address:
 * 'p:' and the SHA-256 of the lower-cased name and the address. */
void mc__auth_pair_key(const char *username, const char *addr, char out[3 + MC_SHA256_HEX]);
/* Seconds this account-and-address key (pkey) and this address key (akey,
 * "a:<address>") must wait before the next try, 0 if none, or MC_E_*. */
int mc__auth_wait(struct mc_conn *c, const struct mc_auth_policy *p, const char *pkey, const char *akey, int64_t now);
/* The gate before a try by `name` from addr: fills both keys (pkey,
 * akey[80]) for counting a failure later; 0 to go on, MC_E_RATE_LIMITED with
 * *retry_after set, or another MC_E_*. */
int mc__auth_gate(struct mc_conn *c, const struct mc_auth_policy *p, const char *name, const char *addr, int64_t now,
		  char pkey[3 + MC_SHA256_HEX], char akey[80], int *retry_after);
/* A failed try (a login, a password check, a reset code), in a
 * transaction of its own: one failure counted against both keys, then
 * also(c, arg) when given, and the entry action on account user_id.
 * MC_E_BAD_CREDENTIALS once committed, or another MC_E_* (rolled back). */
int mc__auth_failed(struct mc_conn *c, const struct mc_auth_policy *p, const char *pkey, const char *akey,
		    int64_t user_id, const char *action, const char *addr, int (*also)(struct mc_conn *, int64_t),
		    int64_t arg);

#endif

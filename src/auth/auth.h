/*
 * auth.h - who is calling: password login (argon2id), sessions as random
 * tokens stored only as SHA-256 hashes, CSRF tokens for browser sessions,
 * expiry and idle timeout, throttling of failed logins per account and per
 * address, permissions from roles.
 */
#ifndef MC_AUTH_H
#define MC_AUTH_H

#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>

#include <pthread.h>
#include <stdint.h>

#define MC_TOKEN_LEN 64 /* base64url of 32 random bytes, NUL included */
#define MC_CSRF_LEN  33 /* hex of 16 random bytes, NUL included */
#define MC_MAX_PERMS 48

struct mc_principal {
	int64_t user_id;
	int64_t session_id;
	int64_t agency_id; /* 0 for citizens and businesses */
	char kind[16];     /* citizen | business | official */
	char csrf[MC_CSRF_LEN];
	int nperms;
	char perms[MC_MAX_PERMS][40];
	int nroles;
	char roles[8][24];
	int64_t epoch; /* the revocation counter when this was read (mc_auth_epoch) */
};

struct mc_auth_policy {
	int session_ttl, session_idle;  /* seconds */
	int max_user, max_addr, window; /* throttling */
	int cache_ms;                   /* session cache lifetime; 0 = off */
};

struct mc_login_result {
	int64_t user_id;
	char token[MC_TOKEN_LEN];
	char csrf[MC_CSRF_LEN];
	int64_t expires_at; /* ms */
	int retry_after;    /* seconds, when throttled; after a wrong
			     * password, the wait before the next try */
	int attempts_left;  /* after a wrong password: wrong tries left
			     * before each try must wait (0: already;
			     * -1: not known) */
};

/*
 * Check a user name and password and open a session of the given kind
 * ("cookie" or "bearer").  Unknown user and wrong password give the same
 * MC_E_BAD_CREDENTIALS after the same work; too many recent failures for the
 * account or the address give MC_E_RATE_LIMITED with retry_after set.
 * After a wrong password, attempts_left and retry_after say how close the
 * caller is to the waits, so that a page can warn before they begin.
 * Writes (session, failure counters, audit) are committed here.
 */
int mc_auth_login(struct mc_conn *c, const struct mc_auth_policy *p, const char *username, const char *password,
		  const char *kind, const char *addr, struct mc_login_result *out);

/* Re-check the password of a logged-in user (before a password change),
 * with the same throttling and failure accounting as a login but without
 * opening a session.  0, MC_E_BAD_CREDENTIALS or MC_E_RATE_LIMITED. */
int mc_auth_check_password(struct mc_conn *c, const struct mc_auth_policy *p, int64_t user_id, const char *password,
			   const char *addr, int *retry_after);

/* Resolve a token to a principal; MC_E_UNAUTHENTICATED when unknown,
 * revoked, expired or idle too long. */
int mc_auth_session(struct mc_conn *c, const struct mc_auth_policy *p, const char *token, struct mc_principal *who);

/*
 * Resolved sessions are kept in a small in-process cache for cache_ms, so
 * that an authenticated read costs one primary-key read (the revocation
 * counter) instead of the session, its account and its permissions.  Every
 * transaction that ends a session or changes an account moves the counter
 * (mc_auth_changed), and an entry serves only while the counter is what
 * it was when the entry was read: a revocation on any server sharing the
 * database holds on every server from the next request on.
 */

/* The revocation counter now (read it from the primary: a replica's may
 * lag behind). */
int mc_auth_epoch(struct mc_conn *c, int64_t *epoch);
/* Move the counter, inside the caller's write transaction: what servers
 * keep of sessions and accounts (the session cache, GET /api/v1/me's
 * answers) is read again.  The revocations below do it themselves; call it
 * where an account's status, profile or powers change otherwise. */
int mc_auth_changed(struct mc_conn *c);

/* Audit action on account user_id, taken by its holder from addr (a login,
 * a failed try, a reset by code), inside the caller's write transaction;
 * detail (its reference is taken; NULL: none) as in mc_audit_append_json. */
int mc_auth_audit(struct mc_conn *c, int64_t user_id, const char *action, const char *addr, json_t *detail);

/* Store a new password hash (inside the caller's write transaction) and
 * end the user's sessions, except keep_session (0: all of them). */
int mc_auth_set_password(struct mc_conn *c, int64_t user_id, const char *hash, int64_t keep_session);

/* Revoke one session (logout) or all of a user's (password reset). */
int mc_auth_revoke(struct mc_conn *c, int64_t session_id);
int mc_auth_revoke_user(struct mc_conn *c, int64_t user_id);

/* Remove what has served its time: idempotency records older than a day,
 * failure counters older than the window, the tracking allowance's shares
 * of past minutes, sessions that ended more than 30 days ago.  Returns the
 * rows removed or an MC_E_* code. */
int64_t mc_auth_housekeeping(struct mc_conn *c, const struct mc_auth_policy *p);

/*
 * An allowance per address and minute that holds across every server of
 * the database (quota.c): public tracking's track_limit.  A server that
 * sees an address claims a share (a chunk of about an eighth of the
 * limit) of the minute's allowance in the database, serves from it, and
 * claims again when it is used up, so that at most `limit` requests pass
 * per address and minute in all, and the database is written about eight
 * times per address and minute, not once per request.  Once the allowance
 * is all claimed, the server refuses without asking again until the minute
 * ends; what another server still holds of it serves there.  The database
 * keeps the address as its SHA-256 only.
 */
#define MC_QUOTA_SLOTS 4096

struct mc_quota_slot {
	char addr[64];
	int64_t minute;
	int left;  /* of the shares claimed here */
	int spent; /* the minute's allowance is all claimed */
};

struct mc_quota {
	const char *prefix; /* of the database's keys, e.g. "track" */
	pthread_mutex_t lock;
	struct mc_quota_slot slot[MC_QUOTA_SLOTS];
};

#define MC_QUOTA_INIT(prefix)                                                                                          \
	{                                                                                                              \
		(prefix), PTHREAD_MUTEX_INITIALIZER,                                                                   \
		{                                                                                                      \
			{                                                                                              \
				{0}, 0, 0, 0                                                                           \
			}                                                                                              \
		}                                                                                                      \
	}

/* One more request from addr now under limit a minute (limit <= 0: no
 * limit): 1 when it may pass, 0 when the allowance is spent, or MC_E_*.
 * When a share must be claimed, primary(ud, &c) lends a connection to the
 * primary database (called at most once).  A share that cannot be
 * written (a full disk, a busy database, a connection lost) does not refuse
 * the request: this server then counts the minute alone, up to limit. */
int mc_quota_take(struct mc_quota *q, const char *addr, int limit, int64_t now,
		  int (*primary)(void *ud, struct mc_conn **c), void *ud);

int mc_principal_has(const struct mc_principal *w, const char *perm);
int mc_principal_has_role(const struct mc_principal *w, const char *role);
/* Load the roles and permissions of w->user_id into w. */
int mc_auth_load_perms(struct mc_conn *c, struct mc_principal *w);

/*
 * Powers over accounts (powers.c).  An administrator creates, changes,
 * disables or resets the password of an account only when the account
 * holds no power the administrator lacks, so that managing an account can
 * never hand anyone - the administrator included - more than the
 * administrator has:
 *  - a system administrator's account (role sys_admin) is managed by
 *    system administrators only;
 *  - every guarded permission of the account (permissions.guarded: powers
 *    over accounts, agencies, the audit log, the catalogue, citizens'
 *    data) must be one the administrator holds.
 * Everyday work permissions (directory, dossiers, statistics) are not
 * guarded: an agency administrator manages clerks without taking in
 * dossiers.  Giving a role is judged the same way, on the role's powers.
 * Where the account sits (the agency subtree) is checked apart from this.
 */
struct mc_powers {
	int sys_admin; /* holds the sys_admin role */
	int nperms;
	char perms[MC_MAX_PERMS][40]; /* guarded permissions held */
	char untold[40];              /* one that did not fit in perms ("" = none): refused */
};

enum mc_power_reason {
	MC_POWER_OK = 0,
	MC_POWER_SYS_ADMIN,  /* the account is (or would be) a system administrator's */
	MC_POWER_PERMISSION, /* it holds (or would hold) a guarded permission the caller lacks */
};

struct mc_power_refusal {
	enum mc_power_reason reason;
	char role[24];       /* the role given that carries it (mc_auth_may_give_roles only) */
	char permission[40]; /* the permission the caller lacks (MC_POWER_PERMISSION) */
};

/* The powers of an account (none when it does not exist). */
int mc_auth_user_powers(struct mc_conn *c, int64_t user_id, struct mc_powers *out);
/* The powers a role carries. */
int mc_auth_role_powers(struct mc_conn *c, const char *role, struct mc_powers *out);
/* The rule itself, on two sets: may who manage an account with powers p?
 * Returns MC_POWER_OK or the reason, also in *why (may be NULL). */
enum mc_power_reason mc_auth_may_manage(const struct mc_principal *who, const struct mc_powers *p,
					struct mc_power_refusal *why);
/* The rule on an account in the database: 0 with why->reason set
 * (MC_POWER_OK when allowed), or < 0 on a database error. */
int mc_auth_may_manage_user(struct mc_conn *c, const struct mc_principal *who, int64_t user_id,
			    struct mc_power_refusal *why);
/* The rule on giving roles (NULL-terminated) to a new account: the first
 * role refused is named in why->role. */
int mc_auth_may_give_roles(struct mc_conn *c, const struct mc_principal *who, const char *const *roles,
			   struct mc_power_refusal *why);
/* The reason as a stable name: "sys_admin", "permission" ("" for OK). */
const char *mc_power_reason_name(enum mc_power_reason r);

/* Password rules: 8..256 bytes, not all digits, not the user name.
 * Problems are reported on the field named `field`. */
int mc_password_acceptable(const char *password, const char *username, struct mc_error *e);
int mc_password_acceptable_field(const char *field, const char *password, const char *username, struct mc_error *e);

/*
 * A forgotten password, reset with a one-time code (reset.c).  An official
 * who has checked the ID card at the counter issues a code for a citizen's
 * or a business's account; the code is shown once, kept only as a hash,
 * expires after ttl_s, serves once, dies after MC_RESET_MAX_TRIES wrong
 * tries, and a new code supersedes the old.
 */
#define MC_RESET_CODE_CHARS 12 /* base32 characters: 60 random bits */
#define MC_RESET_CODE_LEN   15 /* as shown, XXXX-XXXX-XXXX, NUL included */
#define MC_RESET_MAX_TRIES  5

/* Issue a code for user_id (inside the caller's write transaction). */
int mc_auth_reset_issue(struct mc_conn *c, int64_t user_id, int64_t issued_by, int ttl_s, char code[MC_RESET_CODE_LEN],
			int64_t *expires_at);

/* A code that was right, until it is used. */
struct mc_reset_ticket {
	int64_t user_id, reset_id;
	char pkey[3 + 65]; /* the throttling key to clear once used */
	int retry_after;   /* seconds, when throttled */
};

/*
 * Check a code for an account named by its citizen ID number or tax code.
 * An unknown account, a disabled one, no live code and a wrong code all
 * give MC_E_BAD_CREDENTIALS (the failure counted and audited, committed
 * here); too many recent failures MC_E_RATE_LIMITED with retry_after.
 */
int mc_auth_reset_check(struct mc_conn *c, const struct mc_auth_policy *p, const char *account, const char *code,
			const char *addr, struct mc_reset_ticket *out);
/* Use a checked code: set the new password hash and end every session of
 * the account, inside the caller's write transaction.  MC_E_BAD_CREDENTIALS
 * when the code was used, superseded or expired in the meantime. */
int mc_auth_reset_use(struct mc_conn *c, const struct mc_reset_ticket *t, const char *hash);

#endif

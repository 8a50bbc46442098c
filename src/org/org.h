/*
 * org.h - organisations and people: administrative units (GSO codes, with
 * the pre-2025 units and the old->new mapping), agencies as a tree with a
 * closure table, reception counters, users (officials, citizens,
 * businesses) and their roles.
 *
 * Representations handed to the API are jansson objects (new references).
 * Personal fields are only put in a representation by the functions that
 * are told the caller may see them.
 */
#ifndef MC_ORG_H
#define MC_ORG_H

#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* ---- identity numbers (ident.c) ---- */

/* Check a 12-digit citizen ID (CCCD).  birth_date ("YYYY-MM-DD") and sex
 * ("M"/"F") are optional; when given they must agree with digits 4-6.
 * Returns 0, or MC_E_VALIDATION with a field error on e.  *unknown_prefix is
 * set when digits 1-3 name no known province (a warning, not an error). */
int mc_cccd_check(const char *id, const char *birth_date, const char *sex, struct mc_error *e, int *unknown_prefix);
/* 10-digit tax code, or 13 with a "-NNN" branch suffix (NNN-NNN...). */
int mc_tax_code_check(const char *code);
/*
 * A Vietnamese phone number as people write it: digits with spaces, dots,
 * dashes or brackets between them, and 0, +84 or 84 in front ("0903 123
 * 456", "0903.123.456", "+84 903 123 456").  Normalised into out: the
 * digits alone, starting with 0.  Returns 1 when it is a number of the
 * national plan: a mobile number, 0 + 9 digits after 03, 05, 07, 08 or
 * 09; or a landline, 02 + 9 digits (area code and subscriber number).
 * Returns 0 (out is then undefined) for anything else.
 */
#define MC_PHONE_MAX 12 /* the normal form with its NUL */
int mc_phone_normalize(const char *phone, char out[MC_PHONE_MAX]);
/* 1 when mc_phone_normalize accepts phone. */
int mc_phone_check(const char *phone);
/* A plausible e-mail address (one @, a dot in the domain, no spaces). */
int mc_email_check(const char *email);
/* YYYY-MM-DD, a real date. */
int mc_date_check(const char *date);

/* ---- units ---- */

/* List units: era "current" or "2025-03"; parent (province or district
 * code) or NULL for the top level; q a search string (diacritics ignored)
 * or NULL; at most limit rows. */
int mc_units_list(struct mc_conn *c, const char *era, const char *parent, const char *q, int limit, json_t **out);
/* One unit; for a former ward, "became" lists the current wards. */
int mc_unit_get(struct mc_conn *c, const char *era, const char *code, json_t **out);

/* ---- agencies ---- */

/*
 * How an agency stands to its parent.  A body of its own (a department, a
 * ward committee, a ward police, a school) acts in its own name; an
 * internal unit (a phòng, ban, chi nhánh) acts in its parent's: its
 * officials act on the parent's dossier steps (mc_agency_acts_for).  The
 * jurisdiction (reading, supervision, account management) is the whole
 * subtree either way (mc_agency_within).
 */
enum mc_agency_unit {
	MC_AGENCY_BY_KIND = 0, /* as its kind usually is: division and branch internal, every other kind separate */
	MC_AGENCY_SEPARATE,    /* a body of its own */
	MC_AGENCY_INTERNAL,    /* an internal unit of its parent */
};

struct mc_agency_new {
	const char *code, *kind, *name, *name_en, *unit_code;
	int64_t parent_id; /* 0 = root (always a body of its own) */
	/* the abbreviation its documents' symbols use (15/QĐ-UBND, 12/UBND-VX);
	 * NULL or "": "UBND" for a people's committee, none otherwise */
	const char *abbr;
};

/* A new agency, internal unit or body of its own as its kind usually is. */
int mc_agency_create(struct mc_conn *c, const struct mc_agency_new *a, int64_t *id);
/* The same, saying which it is (ignored for a root). */
int mc_agency_create_as(struct mc_conn *c, const struct mc_agency_new *a, enum mc_agency_unit unit, int64_t *id);
/* 1 if descendant is ancestor or below it, 0 if not, < 0 on error: the
 * jurisdiction, for reading and managing. */
int mc_agency_within(struct mc_conn *c, int64_t ancestor, int64_t descendant);
/* 1 if officials of agency member act in the name of agency body: member
 * is body itself or reached from it through internal units only; 0 if not
 * (a subordinate body below it, or another branch of the tree); < 0 on
 * error.  Who may act on a dossier's step is decided with this. */
int mc_agency_acts_for(struct mc_conn *c, int64_t member, int64_t body);
int mc_agency_by_code(struct mc_conn *c, const char *code, int64_t *id);
/* Set an agency's abbreviation in document symbols (NULL: none).
 * MC_E_NOT_FOUND without the agency. */
int mc_agency_set_abbr(struct mc_conn *c, int64_t id, const char *abbr);
/* The abbreviation is 1 to 20 characters: letters (Vietnamese ones too),
 * digits and "&", at least one letter (UBND, SGDĐT, VX, KT&HT). */
int mc_agency_abbr_valid(const char *abbr);
int mc_agencies_list(struct mc_conn *c, int64_t root, json_t **out);
int mc_agency_get(struct mc_conn *c, int64_t id, json_t **out);
int mc_counter_create(struct mc_conn *c, const char *code, int64_t agency_id, const char *name, const char *name_en,
		      int64_t *id);
int mc_counters_list(struct mc_conn *c, int64_t agency_id, json_t **out);

/* ---- users ---- */

struct mc_user_new {
	const char *kind; /* citizen | business | official */
	const char *username;
	const char *password_hash;
	const char *full_name;
	const char *id_number, *tax_code, *birth_date, *sex;
	const char *phone, *email, *address, *ward_code;
	int64_t agency_id; /* officials */
	const char *position, *position_en;
	const char *const *roles; /* NULL-terminated role codes */
};

int mc_user_create(struct mc_conn *c, const struct mc_user_new *u, int64_t *id);
/* The search key stored with a user (malloc'd): full name and user name,
 * lower case, no diacritics. */
char *mc_user_search_key(const char *full_name, const char *username);
/* Full record (personal fields included): for the user themself and for
 * callers entitled to it.  Includes roles and permissions. */
int mc_user_get(struct mc_conn *c, int64_t id, json_t **out);
/* The same without "permissions" (for callers that already hold them). */
int mc_user_get_basic(struct mc_conn *c, int64_t id, json_t **out);
/* Kind and agency of a user (for authorization); MC_E_NOT_FOUND if none. */
int mc_user_kind(struct mc_conn *c, int64_t id, char kind[16], int64_t *agency_id);
/* Officials of the agency subtree under root (an agency id; 0 gives none), newest first,
 * keyset pagination on id (after_id = 0 for the first page). */
int mc_users_list(struct mc_conn *c, int64_t root, int64_t agency_filter, const char *q, int64_t after_id, int limit,
		  json_t **out, int64_t *next_after);
int mc_role_exists(struct mc_conn *c, const char *role);
/* The active citizen account with this 12-digit ID number, as a clerk
 * needs it at the counter (applicant.c): *out holds id_number, full_name,
 * phone, address, ward_code and ward_name only; *user_id is the account
 * (for the audit log).  MC_E_NOT_FOUND if none. */
int mc_applicant_by_id_number(struct mc_conn *c, const char *id_number, int64_t *user_id, json_t **out);
/* The active citizen or business account with this ID number or tax code,
 * as an official checks it against the ID card before issuing a password
 * reset code: *out holds kind, full_name, birth_date and representative
 * (a business's) only.  MC_E_NOT_FOUND if none (officials included). */
int mc_account_holder(struct mc_conn *c, const char *account, int64_t *user_id, json_t **out);

/* Fields an administrator may change; NULL leaves a field as it is. */
struct mc_user_change {
	const char *full_name, *position, *phone, *email, *status;
};
/* Change a user when its version is still `version` (else
 * MC_E_PRECONDITION), inside the caller's write transaction. */
int mc_user_update(struct mc_conn *c, int64_t id, int64_t version, const struct mc_user_change *ch);

#endif

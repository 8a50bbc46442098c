/*
 * model.h - the dossier domain's typed records (not a public API).
 *
 * struct mc_dossier_new is a dossier about to be created: what an online
 * submission or a counter intake parsed, checked and decided, inserted as
 * one row by mc__dossier_insert (store.c), which binds exactly its fields.
 */
#ifndef MC_DOSSIER_MODEL_H
#define MC_DOSSIER_MODEL_H

#include "../catalog/model.h"

#include <jansson.h>
#include <stdint.h>

struct mc_dossier_new {
	struct mc_procedure proc; /* the current version it is filed under */
	int online;               /* submitted online; else taken in at counter_id */
	int64_t counter_id;       /* 0: online */
	int64_t applicant_id;     /* the applicant's account; 0: none (NULL) */
	int64_t receiving;        /* the receiving agency */
	int64_t competent;        /* the competent agency */
	const char *ward;         /* the applicant's ward (finds the competent agency) */
	const char *return_method;
	json_t *applicant, *form, *papers; /* owned */
	json_t *missing;                   /* a walk-in dossier's missing papers (owned), or NULL */
	json_t *notice;                    /* the form 02 a walk-in dossier lacking papers gets (owned), or NULL */

	/* decided at intake, as stored */
	char code[80], secret[10];
	const char *channel, *status;
	int current_step;
	int64_t current_agency;
	const char *step_role;
	int64_t received_by;                                  /* 0: not received yet (NULL) */
	int64_t submitted_at, received_at, due_at, paused_at; /* 0: none (NULL) */
	int64_t register_entry;                               /* 0: none (NULL); given in the transaction */
	json_t *extra;                                        /* owned */
	json_t *reused; /* the papers taken from the personal store (owned), or NULL (kept in extra.reused) */
};

#endif

/*
 * model.h - the document domain's typed records (not a public API).
 *
 * struct mc_document_new is a document about to be registered: what the
 * request said, checked (register.c), and what registering decides (the
 * year, series, number and symbol), inserted as one row by
 * mc__document_insert (store.c), which binds exactly its fields.
 */
#ifndef MC_DOCUMENT_MODEL_H
#define MC_DOCUMENT_MODEL_H

#include <jansson.h>
#include <stdint.h>

struct mc_document_new {
	int outgoing;
	int64_t agency; /* the body whose register holds it */
	const char *type_code, *summary, *doc_date;
	const char *field_code;          /* the field it is about; NULL: not said */
	const char *sender, *sender_ref; /* incoming; NULL otherwise */
	int64_t arrived_at;              /* incoming: ms; 0 otherwise */
	int64_t drafting_unit;           /* outgoing: an internal unit; 0: none */
	const char *signer_name, *signer_position;
	json_t *recipients; /* outgoing: names (owned); NULL: [] */
	json_t *readers;    /* a confidential one's readers: user ids (owned), or NULL */
	const char *urgency, *secrecy, *medium, *file_sha256;
	int64_t pages; /* 0: not said */
	int64_t registered_by;
	int64_t dossier; /* a dossier's result: the dossier; 0: none */

	/* decided when registering, as stored */
	int year;
	char series[12];
	int64_t number;
	char symbol[96];  /* outgoing: QĐ-UBND; "" for incoming */
	char *search_key; /* arena */
};

#endif

/*
 * exchange.h - documents exchanged with agencies elsewhere (liên thông văn
 * bản), as edXML packages (QCVN 102:2016) signed with the sending agency's
 * seal (XML signature) and answered with status messages.
 *
 * The agencies elsewhere are peers (exchange_peers: their OrganId, the URL
 * of their endpoint, the CA their seals chain to), set by the operator
 * (`motcua exchange peer`).  An issued document is sent to peers by a
 * clerical officer of its body: one package per peer, kept as sent and
 * delivered through the outbox, tried again with growing pauses until the
 * peer takes it.  A package received is checked (its signature made by a
 * seal of the peer its From names, under that peer's CA), kept as it came,
 * and answered "01 arrived"; the clerical officers of the recipient body
 * register it as an incoming document (03) or refuse it (02); as it is
 * sent to a leader (04), directed or assigned (05) and handled (06), the
 * sender is told.  A sender may revoke a package (13): one not yet
 * registered is withdrawn at once (15), else the recipient's clerical
 * officer agrees (15) or refuses (16).
 */
#ifndef MC_EXCHANGE_H
#define MC_EXCHANGE_H

#include "../auth/auth.h"
#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* The agency's seal, from the signing domain (the API joins them). */
struct mc_exchange_seal {
	void *arg;
	/* xml signed (enveloped, in edXMLHeader) with agency's seal into out */
	int (*sign)(void *arg, int64_t agency, const void *xml, size_t n, struct mc_buf *out);
};

struct mc_exchange_ctx {
	struct mc_conn *c;
	struct mc_arena *arena;
	const struct mc_principal *who; /* NULL: a peer (the public endpoint) */
	const char *addr;
	struct mc_error *e;
	const struct mc_exchange_seal *seal;
};

/* ---- peers (peer.c) ---- */
/* Add or change a peer (the command line): organ_id, name, url (http:// or
 * https://), the PEM of its CA. */
int mc_exchange_peer_set(struct mc_conn *c, const char *organ_id, const char *name, const char *url, const char *ca_pem,
			 char *err, size_t errlen);
/* The peers: [{organ_id, name, url}]. */
int mc_exchange_peers(struct mc_conn *c, json_t **out);

/* ---- sending (send.c) ---- */
/* Send an issued document (doc: its representation as the document
 * domain shows it; pdf its file, the attachment) to the peers in->to (a
 * list of OrganIds); the caller a clerical officer of its body.  *out:
 * the document's packages. */
int mc_exchange_send(struct mc_exchange_ctx *x, json_t *doc, const void *pdf, size_t len, json_t *in, json_t **out);
/* A document's packages, sent or received, each with its status messages
 * ({id, direction, peer, state, status_code, statuses: [...]}). */
int mc_exchange_of_document(struct mc_exchange_ctx *x, int64_t document_id, json_t **out);
/* Revoke a package sent (in->reason): status 13 to its peer. */
int mc_exchange_revoke(struct mc_exchange_ctx *x, int64_t package, json_t *in, json_t **out);

/* ---- receiving (receive.c) ---- */
/* A package or status message POSTed by a peer: checked, kept, answered.
 * MC_E_VALIDATION / MC_E_FORBIDDEN with the reason in x->e; *out says
 * what was taken. */
int mc_exchange_receive(struct mc_exchange_ctx *x, const void *xml, size_t n, json_t **out);
/* The packages received by the caller's body (state NULL: arrived, not
 * yet registered), newest first. */
int mc_exchange_inbox(struct mc_exchange_ctx *x, const char *state, json_t **items);
/* A package the caller's body sent or received: its header, attachments'
 * names and statuses. */
int mc_exchange_get(struct mc_exchange_ctx *x, int64_t package, json_t **out);
/* The package as it was sent or came, signed (*xml in the arena). */
int mc_exchange_edxml(struct mc_exchange_ctx *x, int64_t package, const char **xml);
/* Its attachment k (0-based; *data malloc'd). */
int mc_exchange_file(struct mc_exchange_ctx *x, int64_t package, int k, void **data, size_t *len, char mime[64],
		     char name[128]);
/* Registering an arrived package: the caller a clerical officer of the
 * recipient body; *in the fields of POST /api/v1/documents/incoming made
 * from its header (the caller adds the file), *file its first PDF (malloc'd,
 * NULL when none). */
int mc_exchange_register_begin(struct mc_exchange_ctx *x, int64_t package, json_t **in, void **file, size_t *len);
/* ... registered as document: status 03 to the sender. */
int mc_exchange_registered(struct mc_exchange_ctx *x, int64_t package, int64_t document, json_t **out);
/* Refuse an arrived package (in->reason): status 02. */
int mc_exchange_refuse(struct mc_exchange_ctx *x, int64_t package, json_t *in, json_t **out);
/* Answer a revocation of a registered package (in->agree): 15 or 16. */
int mc_exchange_answer_revocation(struct mc_exchange_ctx *x, int64_t package, json_t *in, json_t **out);
/* An incoming document moved on (its status now): the sender of the
 * package it was registered from is told 04, 05 or 06, once each. */
int mc_exchange_document_moved(struct mc_exchange_ctx *x, int64_t document, const char *status);

/* ---- delivery (deliver.c): the outbox's exchange rows ---- */
struct mc_exchange_due {
	int64_t outbox_id;
	char url[512];
	char *body; /* malloc'd */
	size_t len;
};
/* Up to max rows due at now (*n of them; free with mc_exchange_due_free). */
int mc_exchange_due(struct mc_conn *c, int64_t now, struct mc_exchange_due *rows, int max, int *n);
void mc_exchange_due_free(struct mc_exchange_due *rows, int n);
/* The outcome of one try: http_status 2xx delivered; 4xx but 408 and 429
 * refused for good; else tried again later (the pause doubles from 2 s to
 * an hour; after 16 tries it is given up).  error: what went wrong. */
int mc_exchange_tried(struct mc_conn *c, int64_t outbox_id, long http_status, const char *error, int64_t now);

/* ---- dossiers handed to external agencies (handoff.c) ----
 * An agency whose own system handles its dossiers (agencies.external_url
 * set) is external: a dossier that comes to it (filed at it, or moved on to
 * one of its steps) is handed to that system - POSTed as JSON to its URL,
 * with its bearer token, tried again until it takes it - and the system
 * answers through the exchange API with an account of that agency
 * (acknowledge: the dossier received; result; refuse). */

/* Make the agency code external (url: http:// or https://; token: the
 * bearer its system expects, or NULL) or, with url NULL, handled in motcua
 * again.  err: why not. */
int mc_handoff_agency_set(struct mc_conn *c, const char *code, const char *url, const char *token, char *err,
			  size_t errlen);
/* 1 when agency is external, 0 when not. */
int mc_handoff_agency_external(struct mc_conn *c, int64_t agency);
/* The dossier came to agency at now: queue its hand-over when the agency
 * is external (one statement; nothing otherwise).  In the caller's
 * transaction. */
int mc_handoff_queue(struct mc_conn *c, int64_t dossier, int64_t agency, int64_t now);

struct mc_handoff_due {
	int64_t id, dossier;
	char url[512];
	char token[256]; /* "" when none */
	char *body;      /* malloc'd JSON */
	size_t len;
};
/* Claim up to max hand-overs due at now (each leased for two minutes, so
 * another server or a crash does not keep it); base_url makes the links
 * the package carries.  Free with mc_handoff_due_free. */
int mc_handoff_due(struct mc_conn *c, int64_t now, const char *base_url, struct mc_handoff_due *rows, int max, int *n);
void mc_handoff_due_free(struct mc_handoff_due *rows, int n);
/* The outcome of one try, like mc_exchange_tried: 2xx delivered; 4xx but
 * 408 and 429 failed for good; else tried again (2 s doubling to an hour;
 * failed after 16 tries). */
int mc_handoff_tried(struct mc_conn *c, int64_t id, long http_status, const char *error, int64_t now);
/* Hand-overs to the agencies of root's subtree, newest first (state NULL:
 * all), before_id for the next page: [{id, dossier, agency, state,
 * attempts, at, delivered_at, next_at, last_error}]. */
int mc_handoff_list(struct mc_conn *c, int64_t root, const char *state, int64_t before_id, int limit, json_t **out);
/* Try a failed hand-over again now (MC_E_NOT_FOUND outside root's subtree,
 * MC_E_CONFLICT when it is not failed), in the caller's transaction. */
int mc_handoff_retry(struct mc_conn *c, int64_t root, int64_t id, int64_t now);

#endif

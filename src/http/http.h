/*
 * http.h - the HTTP layer: libmicrohttpd glue, router, requests, responses.
 *
 * A route is data: {method, pattern, handler, auth, permission, flags}.
 * Patterns are paths whose segments may be "{name}" captures.  The server
 * parses and bounds the request (body limit, content type, JSON) before a
 * handler runs; a handler returns 0 after setting the response, or a
 * negative MC_E_* code after filling req->err, which the server renders as
 * application/problem+json (RFC 9457) in the caller's language.
 *
 * Authentication, authorization and idempotency live above this layer and
 * are plugged in through struct mc_http_hooks.
 */
#ifndef MC_HTTP_H
#define MC_HTTP_H

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/config.h"
#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

struct mc_req;
struct mc_server;
struct mc_principal;

typedef int (*mc_handler)(struct mc_req *r);

enum mc_auth_mode {
	MC_AUTH_NONE,     /* public; a session, if any, is ignored */
	MC_AUTH_OPTIONAL, /* public, but a valid session is loaded */
	MC_AUTH_REQUIRED, /* 401 without a valid session */
};

enum mc_route_flags {
	MC_RF_NO_CSRF = 1 << 0,  /* state-changing, but exempt from CSRF (login) */
	MC_RF_RAW_BODY = 1 << 1, /* any content type; body not parsed as JSON */
	MC_RF_NO_LOG = 1 << 2,   /* health probes */
	MC_RF_TEXT = 1 << 3,     /* plain-text answer (metrics) */
	MC_RF_UPLOAD = 1 << 5,   /* body up to upload_limit instead of body_limit */
	MC_RF_NO_IDEM = 1 << 4,  /* ignore Idempotency-Key: the answer holds a secret (login) */
	MC_RF_REPLICA = 1 << 6,  /* a read that tolerates a little lag (tracking, dashboards,
				  * statistics): mc_req_db lends a replica's connection when one
				  * is set (mc_server_set_replica), the client wrote nothing in the
				  * last replica_fresh_s and the replica answers */
};

struct mc_route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/v1/users/{id}" */
	mc_handler handler;
	enum mc_auth_mode auth;
	const char *perm; /* permission code required, or NULL */
	unsigned flags;
};

#define MC_MAX_PARAMS  4
#define MC_MAX_HEADERS 12

struct mc_header {
	const char *name, *value;
};

struct mc_req {
	struct mc_server *srv;
	struct mc_arena *arena;
	void *conn; /* struct MHD_Connection * (http-internal) */
	const char *method, *path;
	const struct mc_route *route;
	int route_index;
	const char *params[MC_MAX_PARAMS];
	const char *param_names[MC_MAX_PARAMS];
	int nparams;
	char lang[3];  /* "vi" or "en" */
	char addr[64]; /* client address */
	char id[17];   /* request id (hex) */
	uint64_t start_ns;

	/* body */
	struct mc_buf body;
	int body_too_big;
	json_t *json; /* parsed body for JSON routes (borrowed) */

	/* caller */
	struct mc_principal *who; /* NULL when anonymous */
	int64_t user_id;          /* who's user id, for logs (0 = anonymous) */
	int via_cookie;           /* authenticated by the session cookie */

	/* database connections borrowed for this request (lazy): db the
	 * handler's (mc_req_db: a replica's on an MC_RF_REPLICA route), pdb the
	 * primary's (mc_req_db_primary; the same as db when db is one) */
	struct mc_conn *db;
	struct mc_conn *pdb;

	/* response */
	int status;
	struct mc_buf out;
	const char *content_type;
	struct mc_header headers[MC_MAX_HEADERS];
	int nheaders;
	struct mc_error err;
	int replayed;   /* answered from the idempotency store */
	size_t out_len; /* bytes sent */
	void *mw;       /* state the hooks keep from before to after */
};

struct mc_http_hooks {
	/* Resolve the caller from cookie or bearer token; sets r->who.
	 * Returns 0 (anonymous or authenticated) or an error. */
	int (*authenticate)(struct mc_req *r);
	/* 1 if r->who holds the permission. */
	int (*has_perm)(struct mc_req *r, const char *perm);
	/* CSRF check for cookie sessions on state-changing methods. */
	int (*check_csrf)(struct mc_req *r);
	/* Before the handler: may answer from a store (returns 1) or fail. */
	int (*before)(struct mc_req *r);
	/* After the handler, on success or failure. */
	void (*after)(struct mc_req *r);
	/* Extra /metrics lines. */
	void (*metrics)(struct mc_server *s, struct mc_buf *out);
};

struct mc_server *mc_server_new(struct mc_config *cfg, struct mc_db *db, const struct mc_route *routes,
				const struct mc_http_hooks *hooks);
/* Start listening (cfg->listen); returns 0 or an error. */
int mc_server_start(struct mc_server *s, char *errbuf, size_t errlen);
/* Port actually bound (useful with port 0). */
int mc_server_port(struct mc_server *s);
/* Stop taking connections (a new one is closed at once, unanswered); from
 * now on every answer closes its connection. */
void mc_server_quiesce(struct mc_server *s);
/* Quiesce, let every request in flight finish (grace_s at most), close the
 * connections left idle and stop. */
void mc_server_stop(struct mc_server *s, int grace_s);
void mc_server_free(struct mc_server *s);
struct mc_config *mc_server_config(struct mc_server *s);
struct mc_db *mc_server_db(struct mc_server *s);
/* Reads of MC_RF_REPLICA routes go to replica (a pool on a PostgreSQL
 * replica; NULL: none), from the next request on: it may be set before the
 * server starts or while it serves (a replica that answers only later);
 * the pool must stay open until mc_server_stop returned.  A client that
 * wrote (a state-changing request answered 2xx) gets a cookie for
 * cfg->replica_fresh_s seconds when cfg->db_replica is set, during which
 * its reads go to the primary, so that it reads what it wrote; so do all
 * reads while the replica does not lend a connection (down). */
void mc_server_set_replica(struct mc_server *s, struct mc_db *replica);
/* Requests being served right now. */
int mc_server_in_flight(struct mc_server *s);

/* --- request helpers for handlers --- */
const char *mc_req_param(struct mc_req *r, const char *name);
const char *mc_req_query(struct mc_req *r, const char *name);
const char *mc_req_header(struct mc_req *r, const char *name);
/* Call fn on every query argument, decoded, in order, until it returns
 * non-zero (returned). */
int mc_req_query_each(struct mc_req *r, int (*fn)(void *ud, const char *key, const char *value), void *ud);
/* Does the client accept a gzip-encoded answer (Accept-Encoding: gzip,
 * x-gzip or *, with a q above 0)? */
int mc_req_accepts_gzip(struct mc_req *r);
const char *mc_req_cookie(struct mc_req *r, const char *name);
/* Borrow the request's database connection (released with the request):
 * the primary's, or on an MC_RF_REPLICA route a replica's (see there). */
int mc_req_db(struct mc_req *r, struct mc_conn **out);
/* The primary's connection, whatever the route: for what must not lag
 * (the session and the revocation counter) and for writes. */
int mc_req_db_primary(struct mc_req *r, struct mc_conn **out);

/* --- responses --- */
void mc_res_header(struct mc_req *r, const char *name, const char *value);
/* Serialise j (a new reference is NOT taken: j is consumed) as the body. */
int mc_res_json(struct mc_req *r, int status, json_t *j);
int mc_res_text(struct mc_req *r, int status, const char *ctype, const char *body, size_t n);
int mc_res_empty(struct mc_req *r, int status);
/* Fill r->err and return code (for "return mc_fail(r, MC_E_X, ...)"). */
int mc_fail(struct mc_req *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Render r->err as problem+json into the response. */
void mc_res_problem(struct mc_req *r);

/* Register a json_t to be released with the request. */
json_t *mc_req_keep(struct mc_req *r, json_t *j);

#endif

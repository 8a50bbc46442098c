/*
 * http.h (tests) - a small libcurl client for HTTP tests: requests, JSON
 * bodies, response headers, and a "session" that keeps the session cookie
 * (or a bearer token) and the CSRF token like a browser or an API client.
 */
#ifndef MC_TEST_HTTP_H
#define MC_TEST_HTTP_H

#include <jansson.h>

struct mc_http_res {
	long status;
	char *body; /* NUL-terminated */
	size_t len;
	char *headers; /* raw response headers */
	json_t *json;  /* parsed body when it is JSON, else NULL */
};

/* One request.  headers: NULL-terminated "Name: value" strings.  Returns 0
 * when a response arrived (any status), -1 on a transport error. */
int mc_http_raw(const char *method, const char *url, const char *body, const char *const *headers,
		struct mc_http_res *res);
/* The same, giving up (-1) when the whole exchange takes longer than
 * timeout_ms (mc_http_raw allows 60 s). */
int mc_http_raw_within(const char *method, const char *url, const char *body, const char *const *headers,
		       long timeout_ms, struct mc_http_res *res);
void mc_http_res_free(struct mc_http_res *res);
/* Value of a response header (static buffer; "" if absent). */
const char *mc_http_header(const struct mc_http_res *res, const char *name);

struct mc_http_session {
	const char *base; /* http://127.0.0.1:PORT */
	char cookie[160]; /* "motcua_session=..." or "" */
	char token[160];  /* bearer token or "" */
	char csrf[64];
	char lang[8]; /* Accept-Language, "" = none */
};

void mc_http_session_init(struct mc_http_session *s, const char *base);
/* Log in (bearer != 0: as an API client with a token).  Returns the status. */
long mc_http_login(struct mc_http_session *s, const char *user, const char *password, int bearer);
/* A request on the session: JSON body (may be NULL), extra headers (may be
 * NULL).  The CSRF header is sent for cookie sessions. */
int mc_http_do(struct mc_http_session *s, const char *method, const char *path, const char *body,
	       const char *const *headers, struct mc_http_res *res);
/* Shorthand: do the request, return the status, keep the response in res. */
long mc_http_get(struct mc_http_session *s, const char *path, struct mc_http_res *res);
long mc_http_post(struct mc_http_session *s, const char *path, const char *body, struct mc_http_res *res);

/* The password of the demo accounts (data/demo). */
#define MC_HTTP_DEMO_PASSWORD "motcua2026"

/* Start s at base and log in to a demo account as an API client (bearer
 * token).  For set-up: any answer but 200 means the test cannot go on, so
 * it says who could not log in where, with the status, and exits 1 (the
 * servers started by mc_test_server_start are killed at exit).  Where the
 * log-in is itself what a test checks, use mc_http_login and assert. */
void mc_http_login_as(struct mc_http_session *s, const char *base, const char *user);

/* Upload the text bytes (a test PDF, tests/common/pdf.h) as s, a bearer
 * session, to POST /api/v1/files; its SHA-256 into sha.  Returns the status
 * (-1 on a transport error). */
long mc_http_upload(struct mc_http_session *s, const char *bytes, char sha[65]);

/* A workflow action on a dossier: POST /api/v1/dossiers/{code}/actions/
 * {action} with the JSON body (NULL: "{}") and If-Match "v<version>"
 * (version < 0: no If-Match).  Returns the status (-1 on a transport
 * error), the answer in res. */
long mc_http_act_v(struct mc_http_session *s, const char *code, const char *action, long version, const char *body,
		   struct mc_http_res *res);
/* The same with the current version: GET /api/v1/dossiers/{code} as s for
 * its ETag, then the action with If-Match: that ETag.  Returns the action's
 * status with its answer in res, so that a refusal (403, 409, 422...) can
 * be asserted; -1 when the dossier could not be read with an ETag (said on
 * stderr; the reading's answer in res). */
long mc_http_act(struct mc_http_session *s, const char *code, const char *action, const char *body,
		 struct mc_http_res *res);

#endif

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
	char *body;         /* NUL-terminated */
	size_t len;
	char *headers;      /* raw response headers */
	json_t *json;       /* parsed body when it is JSON, else NULL */
};

/* One request.  headers: NULL-terminated "Name: value" strings.  Returns 0
 * when a response arrived (any status), -1 on a transport error. */
int mc_http_raw(const char *method, const char *url, const char *body, const char *const *headers,
		struct mc_http_res *res);
void mc_http_res_free(struct mc_http_res *res);
/* Value of a response header (static buffer; "" if absent). */
const char *mc_http_header(const struct mc_http_res *res, const char *name);

struct mc_http_session {
	const char *base;   /* http://127.0.0.1:PORT */
	char cookie[160];   /* "motcua_session=..." or "" */
	char token[160];    /* bearer token or "" */
	char csrf[64];
	char lang[8];       /* Accept-Language, "" = none */
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

#endif

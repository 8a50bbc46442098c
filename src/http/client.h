/*
 * client.h - outgoing HTTP(S) requests with libcurl: the server's own
 * deliveries to other systems (edXML packages to other agencies).
 */
#ifndef MC_HTTP_CLIENT_H
#define MC_HTTP_CLIENT_H

#include "../core/buf.h"

#include <stddef.h>

/* POST body (content_type) to url, timeout_s at most, following no
 * redirect; *status the HTTP status (0 when none came: err says why).
 * 0, or -1 with err filled. */
int mc_http_client_post(const char *url, const char *content_type, const void *body, size_t n, int timeout_s,
			long *status, char *err, size_t errlen);

/* The same with one more request header ("Name: value"; NULL: none). */
int mc_http_client_post_with(const char *url, const char *content_type, const char *header, const void *body, size_t n,
			     int timeout_s, long *status, char *err, size_t errlen);
/* libcurl's global set-up, once (every function here calls it). */
void mc_http_client_init(void);
/* GET or POST (body of content_type, NULL: application/json) to url,
 * keeping the answer's body in answer (up to its limit); otherwise as
 * mc_http_client_post. */
int mc_http_client_call(const char *method, const char *url, const char *content_type, const void *body, size_t n,
			int timeout_s, long *status, struct mc_buf *answer, char *err, size_t errlen);
/* mc_http_client_call with one more request header ("Name: value"; NULL:
 * none): a bearer token with the answer kept. */
int mc_http_client_call_with(const char *method, const char *url, const char *content_type, const char *header,
			     const void *body, size_t n, int timeout_s, long *status, struct mc_buf *answer, char *err,
			     size_t errlen);

#endif

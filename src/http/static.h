/*
 * static.h - the web UI's static files (web/ in the share folder), read
 * once at start-up and served from memory with a strong ETag, 304 answers
 * to If-None-Match, and the security headers every page needs: a
 * Content-Security-Policy without inline scripts, frame-ancestors 'none',
 * no sniffing, no referrer leaks.
 */
#ifndef MC_STATIC_H
#define MC_STATIC_H

#include "http.h"

struct mc_static;

/* Load every regular file under dir (at most 4 MiB each, 32 MiB in all).
 * A missing folder gives an empty set (the API still works). */
struct mc_static *mc_static_load(const char *dir);
void mc_static_free(struct mc_static *st);
/* Answer GET/HEAD for path when a file matches: 1 answered, 0 no such
 * file.  "/" and paths that name no file of a served type (.html, .js,
 * .css, ...) get index.html: the pages route on the client. */
int mc_static_serve(struct mc_static *st, struct mc_req *r);

#endif

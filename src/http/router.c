/* router.c - segment-by-segment matching of "/a/{x}/b" patterns. */
#include "router.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* Match one pattern; captures go to r (which may be NULL). */
static int match(const char *pat, const char *path, struct mc_req *r)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		size_t pl = strcspn(pat, "/"), sl = strcspn(path, "/");
		if (pat[0] == '{' && pl >= 2 && pat[pl - 1] == '}') {
			if (sl == 0 || np >= MC_MAX_PARAMS)
				return 0;
			if (r) {
				r->param_names[np] = mc_strndup(r->arena, pat + 1, pl - 2);
				r->params[np] = mc_strndup(r->arena, path, sl);
			}
			np++;
		} else if (pl != sl || memcmp(pat, path, pl) != 0) {
			return 0;
		}
		pat += pl;
		path += sl;
	}
	if (*pat || *path)
		return 0;
	if (r)
		r->nparams = np;
	return 1;
}

int mc_route_match(const struct mc_route *routes, int n, const char *method, const char *path, struct mc_req *r,
		   int *path_matched, char *allow, size_t allowlen)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	*path_matched = 0;
	allow[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, NULL))
			continue;
		if (strcmp(routes[i].method, m) == 0) {
			match(routes[i].pattern, path, r);
			return i;
		}
		*path_matched = 1;
		size_t used = strlen(allow);
		if (!strstr(allow, routes[i].method))
			snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "", routes[i].method);
	}
	return -1;
}

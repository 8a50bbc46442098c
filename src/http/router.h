/* router.h - match a method and path against the route table (http-internal). */
#ifndef MC_ROUTER_H
#define MC_ROUTER_H

#include "http.h"

/*
 * Returns the index of the matching route and fills r->params, or -1.
 * When the path matches some route but not with this method, *path_matched
 * is set and allow lists the methods that would do ("GET, POST").
 * HEAD matches GET routes.
 */
int mc_route_match(const struct mc_route *routes, int n, const char *method, const char *path, struct mc_req *r,
		   int *path_matched, char *allow, size_t allowlen);

#endif

/*
 * test_router.c - mc_route_match: exact paths, {captures}, no trailing-slash
 * or extra-segment leniency, HEAD as GET, 405 detection with the Allow
 * list, empty captures refused, first match wins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "http/router.h"

#include <string.h>

static const struct mc_route routes[] = {
	{"GET", "/", NULL, MC_AUTH_NONE, NULL, 0},                                    /* 0 */
	{"GET", "/api/v1/users", NULL, MC_AUTH_REQUIRED, NULL, 0},                    /* 1 */
	{"POST", "/api/v1/users", NULL, MC_AUTH_REQUIRED, NULL, 0},                   /* 2 */
	{"GET", "/api/v1/users/me", NULL, MC_AUTH_REQUIRED, NULL, 0},                 /* 3 */
	{"GET", "/api/v1/users/{id}", NULL, MC_AUTH_REQUIRED, NULL, 0},               /* 4 */
	{"PATCH", "/api/v1/users/{id}", NULL, MC_AUTH_REQUIRED, NULL, 0},             /* 5 */
	{"GET", "/api/v1/agencies/{id}/counters/{cid}", NULL, MC_AUTH_NONE, NULL, 0}, /* 6 */
	{"POST", "/api/v1/auth/login", NULL, MC_AUTH_NONE, NULL, 0},                  /* 7 */
	{"GET", "/x/{a}/{b}/{c}/{d}", NULL, MC_AUTH_NONE, NULL, 0},                   /* 8 */
	{"GET", "/y/{a}/{b}/{c}/{d}/{e}", NULL, MC_AUTH_NONE, NULL, 0},               /* 9 */
	{"DELETE", "/api/v1/units/{code}", NULL, MC_AUTH_NONE, NULL, 0},              /* 10 */
};
#define NROUTES ((int)(sizeof(routes) / sizeof(routes[0])))

static struct mc_req req;
static int matched;
static char allow[128];

static int setup_each(void **state)
{
	(void)state;
	memset(&req, 0, sizeof(req));
	req.arena = mc_arena_new(0);
	matched = -1;
	memset(allow, 'X', sizeof(allow) - 1);
	allow[sizeof(allow) - 1] = '\0';
	return 0;
}

static int teardown_each(void **state)
{
	(void)state;
	mc_arena_free(req.arena);
	return 0;
}

static int route(const char *method, const char *path)
{
	return mc_route_match(routes, NROUTES, method, path, &req, &matched, allow, sizeof(allow));
}

/* No route and no path match at all: a 404. */
static void assert_404(const char *method, const char *path)
{
	int i = route(method, path);
	if (i != -1 || matched != 0)
		fail_msg("%s %s: index %d, path_matched %d; want a 404", method, path, i, matched);
	assert_string_equal(allow, "");
}

static void exact(void **state)
{
	(void)state;
	assert_int_equal(route("GET", "/api/v1/users"), 1);
	assert_int_equal(matched, 0);
	assert_int_equal(req.nparams, 0);
	assert_int_equal(route("POST", "/api/v1/users"), 2);
	assert_int_equal(route("POST", "/api/v1/auth/login"), 7);
	assert_int_equal(route("GET", "/"), 0);
	/* case matters in paths */
	assert_404("GET", "/API/v1/users");
	assert_404("GET", "/api/v1/user");
	assert_404("GET", "/api/v1/usersx");
}

static void captures(void **state)
{
	(void)state;
	assert_int_equal(route("GET", "/api/v1/users/42"), 4);
	assert_int_equal(req.nparams, 1);
	assert_string_equal(req.param_names[0], "id");
	assert_string_equal(req.params[0], "42");
	assert_string_equal(mc_req_param(&req, "id"), "42");
	assert_null(mc_req_param(&req, "cid"));

	assert_int_equal(route("GET", "/api/v1/agencies/7/counters/c-01"), 6);
	assert_int_equal(req.nparams, 2);
	assert_string_equal(mc_req_param(&req, "id"), "7");
	assert_string_equal(mc_req_param(&req, "cid"), "c-01");

	/* a capture takes any one segment, raw (no decoding) */
	assert_int_equal(route("DELETE", "/api/v1/units/%C4%90%20x"), 10);
	assert_string_equal(mc_req_param(&req, "code"), "%C4%90%20x");

	/* the maximum number of captures */
	assert_int_equal(route("GET", "/x/1/2/3/4"), 8);
	assert_int_equal(req.nparams, MC_MAX_PARAMS);
	assert_string_equal(mc_req_param(&req, "a"), "1");
	assert_string_equal(mc_req_param(&req, "d"), "4");
	/* a pattern with more captures than fit never matches (no overflow) */
	assert_404("GET", "/y/1/2/3/4/5");

	/* a later match without captures clears the count */
	assert_int_equal(route("GET", "/api/v1/users"), 1);
	assert_int_equal(req.nparams, 0);
	assert_null(mc_req_param(&req, "id"));
}

static void first_match_wins(void **state)
{
	(void)state;
	/* "/users/me" is listed before "/users/{id}" */
	assert_int_equal(route("GET", "/api/v1/users/me"), 3);
	assert_int_equal(req.nparams, 0);
	/* but PATCH only exists as {id}, which "me" matches */
	assert_int_equal(route("PATCH", "/api/v1/users/me"), 5);
	assert_string_equal(mc_req_param(&req, "id"), "me");
}

static void segments_must_line_up(void **state)
{
	(void)state;
	/* trailing slash */
	assert_404("GET", "/api/v1/users/");
	assert_404("GET", "/api/v1/users/42/");
	assert_404("GET", "//");
	/* more or fewer segments than the pattern */
	assert_404("GET", "/api/v1/users/42/extra");
	assert_404("GET", "/api/v1/agencies/7/counters");
	assert_404("GET", "/api/v1/agencies/7/counters/3/4");
	assert_404("GET", "/api/v1");
	assert_404("GET", "/api");
	/* empty captures */
	assert_404("GET", "/api/v1/agencies//counters/3");
	assert_404("GET", "/api/v1/agencies/7/counters/");
	assert_404("GET", "/x/1//3/4");
	/* not a path */
	assert_404("GET", "");
	assert_404("GET", "api/v1/users");
	assert_404("GET", "/api//v1/users");
}

static void head_is_get(void **state)
{
	(void)state;
	assert_int_equal(route("HEAD", "/api/v1/users"), 1);
	assert_int_equal(route("HEAD", "/api/v1/users/9"), 4);
	assert_string_equal(mc_req_param(&req, "id"), "9");
	/* HEAD of a path that only takes POST: 405 */
	assert_int_equal(route("HEAD", "/api/v1/auth/login"), -1);
	assert_int_equal(matched, 1);
	assert_string_equal(allow, "POST");
	/* and GET of it is a 405 too */
	assert_int_equal(route("GET", "/api/v1/auth/login"), -1);
	assert_int_equal(matched, 1);
}

static void method_not_allowed(void **state)
{
	(void)state;
	assert_int_equal(route("DELETE", "/api/v1/users"), -1);
	assert_int_equal(matched, 1);
	assert_string_equal(allow, "GET, POST");

	assert_int_equal(route("PUT", "/api/v1/users/42"), -1);
	assert_int_equal(matched, 1);
	assert_string_equal(allow, "GET, PATCH");

	/* "me" matches two GET routes: GET is listed once */
	assert_int_equal(route("POST", "/api/v1/users/me"), -1);
	assert_int_equal(matched, 1);
	assert_string_equal(allow, "GET, PATCH");

	assert_int_equal(route("GET", "/api/v1/units/79"), -1);
	assert_int_equal(matched, 1);
	assert_string_equal(allow, "DELETE");

	/* lower-case methods are not methods */
	assert_int_equal(route("get", "/api/v1/users"), -1);
	assert_int_equal(matched, 1);

	/* a small Allow buffer is truncated, never overrun */
	char small[6];
	memset(small, 'Z', sizeof(small));
	int m = -1;
	assert_int_equal(mc_route_match(routes, NROUTES, "DELETE", "/api/v1/users", &req, &m, small, sizeof(small)),
			 -1);
	assert_int_equal(m, 1);
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(strncmp(small, "GET", 3), 0);
}

static void no_routes(void **state)
{
	(void)state;
	assert_int_equal(mc_route_match(routes, 0, "GET", "/", &req, &matched, allow, sizeof(allow)), -1);
	assert_int_equal(matched, 0);
	assert_string_equal(allow, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(exact, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(captures, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(first_match_wins, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(segments_must_line_up, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(head_is_get, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(method_not_allowed, setup_each, teardown_each),
		cmocka_unit_test_setup_teardown(no_routes, setup_each, teardown_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

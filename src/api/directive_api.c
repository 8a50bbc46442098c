/*
 * directive_api.c - directive tracking over HTTP: recording a directive
 * with its tasks, a directive and a task as the caller sees them, the
 * lists by leader, agency and state, the share done on time per agency,
 * and the actions on a task (report, finish, extend, approve, refuse).
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../directive/directive.h"
#include "../document/document.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

/* The documents domain reads a document named by a directive for the same
 * caller (its rules: 404 for what they may not read). */
static int read_document(void *arg, int64_t id, json_t **doc)
{
	const struct mc_directive_ctx *x = arg;
	struct mc_document_ctx d = {x->c, x->arena, x->who, x->addr, x->e, NULL, 0};
	return mc_document_get(&d, id, doc);
}

static int directive_ctx(struct mc_req *r, struct mc_directive_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	*x = (struct mc_directive_ctx){c, r->arena, r->who, r->addr, &r->err, read_document, NULL};
	x->document_arg = x;
	return 0;
}

static int fail(struct mc_req *r, int rc)
{
	if (rc == MC_E_DB || rc == MC_E_DB_BUSY || rc == MC_E_INTERNAL)
		return mc_api_db_fail(r, rc);
	r->err.code = rc;
	return rc;
}

static int directive_create(struct mc_req *r)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_directive_ctx x;
	int rc = directive_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_directive_create(&x, b, &out)))
		return fail(r, rc);
	mc_res_header(r, "Location",
		      mc_sprintf(r->arena, "/api/v1/directives/%lld",
				 (long long)json_integer_value(json_object_get(out, "id"))));
	return mc_res_json(r, 201, out);
}

/* GET by id: fn(x, id, &out), with the ETag of a task (etag). */
static int by_id(struct mc_req *r, int (*fn)(struct mc_directive_ctx *, int64_t, json_t **), int etag)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc)
		return rc;
	struct mc_directive_ctx x;
	if ((rc = directive_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = fn(&x, id, &out)))
		return fail(r, rc);
	if (etag)
		mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

static int directive_get(struct mc_req *r)
{
	return by_id(r, mc_directive_get, 0);
}

static int task_get(struct mc_req *r)
{
	return by_id(r, mc_directive_task_get, 1);
}

/* A list's filters: leader_id, agency_id, state, before, limit. */
static int list_of(struct mc_req *r,
		   int (*fn)(struct mc_directive_ctx *, const struct mc_directive_filter *, json_t **, int64_t *))
{
	struct mc_directive_filter f = {0};
	int64_t limit;
	if (mc_api_query_int(r, "leader_id", 1, INT64_MAX, 0, &f.leader_id) ||
	    mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &f.agency_id) ||
	    mc_api_query_int(r, "before", 1, INT64_MAX, 0, &f.before_id) ||
	    mc_api_query_int(r, "limit", 1, 200, 50, &limit))
		return r->err.code;
	f.limit = (int)limit;
	f.state = mc_req_query(r, "state");
	struct mc_directive_ctx x;
	int rc = directive_ctx(r, &x);
	if (rc)
		return rc;
	json_t *items = NULL;
	int64_t next = 0;
	if ((rc = fn(&x, &f, &items, &next)))
		return fail(r, rc);
	json_t *out = json_pack("{s:o}", "items", items);
	if (next)
		json_object_set_new(out, "next_before", json_integer(next));
	return mc_res_json(r, 200, out);
}

static int directive_list(struct mc_req *r)
{
	return list_of(r, mc_directive_list);
}

static int task_list(struct mc_req *r)
{
	return list_of(r, mc_directive_tasks);
}

/* GET /api/v1/directives/on-time?from=&to=&agency_id=: the period (by
 * default this month), an agency of the caller's jurisdiction (by default
 * their own). */
static int on_time(struct mc_req *r)
{
	char from[11], to[11];
	int64_t agency;
	mc_api_period(r, from, to);
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency))
		return r->err.code;
	int rc = mc_api_check(r);
	struct mc_conn *c;
	int64_t root;
	if (rc || (rc = mc_api_agency_root(r, agency, &c, &root)))
		return rc;
	json_t *out = NULL;
	if ((rc = mc_directive_on_time(c, root, from, to, mc_time_now_ms(), &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

/* GET /api/v1/directives/choices: whom and to which agencies the caller
 * may record a directive. */
static int choices(struct mc_req *r)
{
	struct mc_directive_ctx x;
	int rc = directive_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_directive_choices(&x, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int task_act(struct mc_req *r)
{
	int64_t id, version = -1;
	int rc = mc_api_id_param(r, "id", &id);
	if (rc || (rc = mc_api_if_match(r, &version)))
		return rc;
	json_t *b = r->json ? mc_api_body(r) : mc_req_keep(r, json_object());
	if (!b)
		return r->err.code;
	struct mc_directive_ctx x;
	if ((rc = directive_ctx(r, &x)))
		return rc;
	json_t *out = NULL;
	if ((rc = mc_directive_task_act(&x, id, mc_req_param(r, "action"), version, b, &out)))
		return fail(r, rc);
	mc_api_etag(r, out);
	return mc_res_json(r, 200, out);
}

const struct mc_route mc_api_directive_routes[] = {
	{"POST", "/api/v1/directives", directive_create, MC_AUTH_REQUIRED, "directive.read", 0},
	{"GET", "/api/v1/directives", directive_list, MC_AUTH_REQUIRED, "directive.read", 0},
	{"GET", "/api/v1/directives/on-time", on_time, MC_AUTH_REQUIRED, "directive.read", 0},
	{"GET", "/api/v1/directives/choices", choices, MC_AUTH_REQUIRED, "directive.read", 0},
	{"GET", "/api/v1/directives/{id}", directive_get, MC_AUTH_REQUIRED, "directive.read", 0},
	{"GET", "/api/v1/directive-tasks", task_list, MC_AUTH_REQUIRED, "directive.read", 0},
	{"GET", "/api/v1/directive-tasks/{id}", task_get, MC_AUTH_REQUIRED, "directive.read", 0},
	{"POST", "/api/v1/directive-tasks/{id}/actions/{action}", task_act, MC_AUTH_REQUIRED, "directive.read", 0},
	{0},
};

/*
 * server.c - libmicrohttpd glue: accept, bound and parse a request, route
 * it, run the hooks and the handler, send the answer, log and measure it.
 */
#define _GNU_SOURCE
#include "http.h"

#include "conns.h"
#include "metrics.h"
#include "router.h"
#include "static.h"

#include "../core/log.h"
#include "../core/testhooks.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"

#include <arpa/inet.h>
#include <math.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../core/banned.h"

struct mc_server {
	struct mc_config *cfg;
	struct mc_db *db;
	const struct mc_route *routes;
	int nroutes;
	struct mc_http_hooks hooks;
	struct MHD_Daemon *d;
	struct mc_metrics *metrics;
	struct mc_static *web;
	atomic_int in_flight;
	atomic_int stopping; /* SIGTERM came: answers close their connection */
	struct mc_conns *conns;
	/* NULL: none (yet: serve.c sets it while requests run when the replica
	 * answers only later); read once per request, with atomic_load */
	_Atomic(struct mc_db *) replica;
	/* reads of MC_RF_REPLICA routes: from the replica, from the primary
	 * (none set, a client that just wrote), from the primary because the
	 * replica lent no connection */
	atomic_ullong replica_reads, primary_reads, replica_fallbacks;
};

/* The cookie that sends a client's reads to the primary for a while after
 * it wrote. */
#define FRESH_COOKIE "motcua_fresh"

void mc_server_set_replica(struct mc_server *s, struct mc_db *replica)
{
	atomic_store_explicit(&s->replica, replica, memory_order_release);
}

struct mc_config *mc_server_config(struct mc_server *s)
{
	return s->cfg;
}
struct mc_db *mc_server_db(struct mc_server *s)
{
	return s->db;
}
int mc_server_in_flight(struct mc_server *s)
{
	return atomic_load(&s->in_flight);
}

struct mc_server *mc_server_new(struct mc_config *cfg, struct mc_db *db, const struct mc_route *routes,
				const struct mc_http_hooks *hooks)
{
	struct mc_server *s = mc_xcalloc(1, sizeof(*s));
	s->cfg = cfg;
	s->db = db;
	s->routes = routes;
	while (routes[s->nroutes].method)
		s->nroutes++;
	if (hooks)
		s->hooks = *hooks;
	s->metrics = mc_metrics_new(routes, s->nroutes);
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/web", cfg->share_dir);
	s->web = mc_static_load(dir);
	/* Behind a proxy every connection comes from the proxy: the limit per
	 * address is the proxy's job there. */
	s->conns = mc_conns_new(cfg->trust_proxy ? 0 : cfg->conn_per_addr, cfg->header_timeout);
	return s;
}

void mc_server_free(struct mc_server *s)
{
	if (!s)
		return;
	mc_metrics_free(s->metrics);
	mc_static_free(s->web);
	mc_conns_free(s->conns);
	free(s);
}

/* ---------- request helpers ---------- */

const char *mc_req_param(struct mc_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->params[i];
	return NULL;
}

const char *mc_req_query(struct mc_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct each_arg {
	int (*fn)(void *, const char *, const char *);
	void *ud;
	int rc;
};

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct each_arg *e = cls;
	(void)kind;
	if (!e->rc)
		e->rc = e->fn(e->ud, key, value ? value : "");
	return e->rc ? MHD_NO : MHD_YES;
}

int mc_req_query_each(struct mc_req *r, int (*fn)(void *ud, const char *key, const char *value), void *ud)
{
	struct each_arg e = {fn, ud, 0};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_arg, &e);
	return e.rc;
}

const char *mc_req_header(struct mc_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* The parameters of one coding of an Accept-Encoding list (n bytes at
 * p, from just after its name): is its q 0 ("q=0", "q=0.000": refused)? */
static int coding_refused(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != ';')
			continue;
		size_t k = i + 1;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k + 2 > n || (p[k] != 'q' && p[k] != 'Q') || p[k + 1] != '=')
			continue;
		k += 2;
		if (k == n || p[k] != '0')
			return 0;
		while (k < n && (p[k] == '0' || p[k] == '.'))
			k++;
		return k == n || p[k] == ' ' || p[k] == '\t' || p[k] == ';';
	}
	return 0;
}

int mc_req_accepts_gzip(struct mc_req *r)
{
	const char *v = mc_req_header(r, "Accept-Encoding");
	int gzip = -1, star = 0; /* -1: gzip not named */
	if (!v)
		return 0;
	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		const char *name = v;
		while (*v && *v != ',' && *v != ';' && *v != ' ' && *v != '\t')
			v++;
		size_t n = (size_t)(v - name);
		const char *end = strchr(v, ',');
		if (!end)
			end = v + strlen(v);
		int ok = !coding_refused(v, (size_t)(end - v));
		if ((n == 4 && strncasecmp(name, "gzip", 4) == 0) || (n == 6 && strncasecmp(name, "x-gzip", 6) == 0))
			gzip = ok;
		else if (n == 1 && *name == '*')
			star = ok;
		v = end;
	}
	return gzip >= 0 ? gzip : star;
}

const char *mc_req_cookie(struct mc_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void release_conn(void *p)
{
	mc_db_release(p);
}

int mc_req_db_primary(struct mc_req *r, struct mc_conn **out)
{
	if (!r->pdb) {
		int rc = mc_db_acquire(r->srv->db, &r->pdb);
		if (rc)
			return mc_fail(r, rc, NULL);
		mc_arena_cleanup(r->arena, release_conn, r->pdb);
	}
	*out = r->pdb;
	return 0;
}

/* A read of an MC_RF_REPLICA route from the replica: one is set, the
 * client did not write lately (its fresh cookie), and it lends a
 * connection now; 1 with r->db set, else 0. */
static int replica_db(struct mc_req *r)
{
	struct mc_server *s = r->srv;
	if (!r->route || !(r->route->flags & MC_RF_REPLICA) || strcmp(r->method, "GET") != 0)
		return 0;
	struct mc_db *replica = atomic_load_explicit(&s->replica, memory_order_acquire);
	if (!replica || mc_req_cookie(r, FRESH_COOKIE)) {
		atomic_fetch_add(&s->primary_reads, 1);
		return 0;
	}
	if (mc_db_acquire(replica, &r->db)) {
		r->db = NULL;
		atomic_fetch_add(&s->replica_fallbacks, 1);
		return 0;
	}
	mc_arena_cleanup(r->arena, release_conn, r->db);
	atomic_fetch_add(&s->replica_reads, 1);
	return 1;
}

int mc_req_db(struct mc_req *r, struct mc_conn **out)
{
	if (!r->db && !replica_db(r)) {
		int rc = mc_req_db_primary(r, &r->db);
		if (rc)
			return rc;
	}
	*out = r->db;
	return 0;
}

static void json_release(void *p)
{
	json_decref(p);
}

json_t *mc_req_keep(struct mc_req *r, json_t *j)
{
	if (j)
		mc_arena_cleanup(r->arena, json_release, j);
	return j;
}

void mc_res_header(struct mc_req *r, const char *name, const char *value)
{
	if (r->nheaders >= MC_MAX_HEADERS)
		mc_fatal("too many response headers");
	r->headers[r->nheaders++] = (struct mc_header){mc_strdup(r->arena, name), mc_strdup(r->arena, value)};
}

int mc_res_text(struct mc_req *r, int status, const char *ctype, const char *body, size_t n)
{
	r->status = status;
	r->content_type = ctype;
	mc_buf_reset(&r->out);
	if (n && mc_buf_add(&r->out, body, n))
		return mc_fail(r, MC_E_TOO_BIG, NULL);
	return 0;
}

/* json_dump_callback's sink: the response buffer, which keeps its limit. */
struct json_sink {
	struct mc_buf *b;
	int rc;
};

static int dump_to_buf(const char *p, size_t n, void *ud)
{
	struct json_sink *k = ud;
	return (k->rc = mc_buf_add(k->b, p, n)) ? -1 : 0;
}

int mc_res_json(struct mc_req *r, int status, json_t *j)
{
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	/* one pass straight into the buffer (sizing it first doubled the cost
	 * of a large answer) */
	mc_buf_reset(&r->out);
	struct json_sink k = {&r->out, 0};
	int rc = json_dump_callback(j, dump_to_buf, &k, JSON_COMPACT);
	json_decref(j);
	if (rc || r->out.len == 0) {
		mc_buf_reset(&r->out);
		return mc_fail(r, k.rc ? k.rc : MC_E_INTERNAL, NULL);
	}
	return 0;
}

int mc_res_empty(struct mc_req *r, int status)
{
	r->status = status;
	r->content_type = NULL;
	mc_buf_reset(&r->out);
	return 0;
}

int mc_fail(struct mc_req *r, int code, const char *fmt, ...)
{
	r->err.code = code;
	r->err.detail[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err.detail, sizeof(r->err.detail), fmt, ap);
		va_end(ap);
	}
	return code;
}

void mc_res_problem(struct mc_req *r)
{
	int code = r->err.code ? r->err.code : MC_E_INTERNAL;
	int status = mc_err_status(code);
	json_t *p = json_object();
	json_object_set_new(p, "type", json_sprintf("urn:motcua:problem:%s", mc_err_code(code)));
	json_object_set_new(p, "title", json_string(mc_err_title(code, r->lang)));
	json_object_set_new(p, "status", json_integer(status));
	json_object_set_new(p, "code", json_string(mc_err_code(code)));
	if (r->err.detail[0])
		json_object_set_new(p, "detail", json_string(r->err.detail));
	json_object_set_new(p, "title_vi", json_string(mc_err_title(code, "vi")));
	json_object_set_new(p, "title_en", json_string(mc_err_title(code, "en")));
	if (r->path)
		json_object_set_new(p, "instance", json_string(r->path));
	json_object_set_new(p, "request_id", json_string(r->id));
	if (r->err.nfields) {
		json_t *arr = json_array();
		for (size_t i = 0; i < r->err.nfields; i++) {
			const struct mc_field_error *f = &r->err.fields[i];
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "field", f->field, "reason",
							     f->reason, "message",
							     strcmp(r->lang, "en") == 0 ? f->en : f->vi, "message_vi",
							     f->vi, "message_en", f->en));
		}
		json_object_set_new(p, "errors", arr);
	}
	/* how long to wait, for the page to say (Retry-After says it too) */
	if (r->err.retry_after > 0)
		json_object_set_new(p, "retry_after", json_integer(r->err.retry_after));
	/* after a wrong password: how many more before the waits begin */
	if (r->err.has_attempts_left)
		json_object_set_new(p, "attempts_left", json_integer(r->err.attempts_left));
	mc_res_json(r, status, p);
	r->content_type = "application/problem+json; charset=utf-8";
	/* a database that is busy or does not answer: a retry soon may work */
	if (r->err.retry_after <= 0 && (code == MC_E_DB_BUSY || code == MC_E_DB_DOWN))
		r->err.retry_after = 1;
	if (r->err.retry_after > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", r->err.retry_after);
		mc_res_header(r, "Retry-After", v);
	}
	if (r->err.log_detail[0])
		mc_log_json(MC_LOG_WARN, "request_error",
			    json_pack("{s:s, s:s, s:s}", "id", r->id, "code", mc_err_code(code), "detail",
				      r->err.log_detail));
}

/* ---------- access log ---------- */

/* The access-log line, one object per thread refilled for each request:
 * building a fresh one took some forty allocations a request, a tenth of
 * the CPU of a tracking lookup. */
struct access_line {
	json_t *line;
	json_t *ts, *id, *method, *route, *status, *ms, *bytes, *user;
};

static pthread_key_t access_key;
static pthread_once_t access_once = PTHREAD_ONCE_INIT;
static int access_key_ok;

static void access_free(void *p)
{
	struct access_line *a = p;
	json_decref(a->line);
	free(a);
}

static void access_key_make(void)
{
	access_key_ok = pthread_key_create(&access_key, access_free) == 0;
}

/* Set a new member and keep a borrowed pointer to it; 0 or -1. */
static int access_member(json_t *line, const char *key, json_t *value, json_t **keep)
{
	*keep = value;
	return json_object_set_new(line, key, value);
}

static struct access_line *access_line(void)
{
	pthread_once(&access_once, access_key_make);
	if (!access_key_ok)
		return NULL;
	struct access_line *a = pthread_getspecific(access_key);
	if (a)
		return a;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	json_t *l = a->line = json_pack("{s:s, s:s, s:s}", "ts", "", "level", "info", "msg", "request");
	if (!l || !(a->ts = json_object_get(l, "ts")) || access_member(l, "id", json_string(""), &a->id) ||
	    access_member(l, "method", json_string(""), &a->method) ||
	    access_member(l, "route", json_string(""), &a->route) ||
	    access_member(l, "status", json_integer(0), &a->status) || access_member(l, "ms", json_real(0), &a->ms) ||
	    access_member(l, "bytes", json_integer(0), &a->bytes) ||
	    access_member(l, "user", json_integer(0), &a->user) || pthread_setspecific(access_key, a)) {
		access_free(a);
		return NULL;
	}
	return a;
}

static void log_access(const struct mc_req *r, int status, double secs)
{
	if (!mc_log_on(MC_LOG_INFO))
		return;
	struct access_line *a = access_line();
	if (!a)
		return;
	char ts[40];
	mc_time_format_utc(mc_time_now_ms(), ts, sizeof(ts));
	json_string_set(a->ts, ts);
	json_string_set(a->id, r->id);
	/* a method that is not UTF-8 is not written as it came */
	if (json_string_set(a->method, r->method))
		json_string_set(a->method, "?");
	json_string_set(a->route, r->route ? r->route->pattern : "-");
	json_integer_set(a->status, status);
	json_real_set(a->ms, round(secs * 1e6) / 1e3);
	json_integer_set(a->bytes, (json_int_t)r->out_len);
	json_integer_set(a->user, (json_int_t)r->user_id);
	if (r->err.code)
		json_object_set_new(a->line, "error", json_string(mc_err_code(r->err.code)));
	mc_log_write(a->line);
	json_object_del(a->line, "error");
}

/* ---------- the request life cycle ---------- */

static void pick_lang(struct mc_req *r)
{
	const char *q = mc_req_query(r, "lang");
	const char *al = q ? q : mc_req_header(r, "Accept-Language");
	snprintf(r->lang, sizeof(r->lang), "%s", al && strncasecmp(al, "en", 2) == 0 ? "en" : "vi");
}

static enum MHD_Result last_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	if (value && strcasecmp(key, "X-Forwarded-For") == 0)
		*(const char **)cls = value;
	return MHD_YES;
}

/* The address the proxy saw: the last entry of the last X-Forwarded-For
 * header.  A proxy appends the address it saw (nginx's
 * $proxy_add_x_forwarded_for, to the one header) or adds a header of its
 * own after the client's (HAProxy's option forwardfor); whatever the client
 * sent comes before it.  0, or -1 when there is none fit to use. */
static int proxied_addr(struct mc_req *r)
{
	const char *xff = NULL;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, last_xff, &xff);
	if (!xff)
		return -1;
	const char *end = xff + strlen(xff);
	while (end > xff && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	const char *start = end;
	while (start > xff && start[-1] != ',' && start[-1] != ' ' && start[-1] != '\t')
		start--;
	size_t n = (size_t)(end - start);
	if (!n || n >= sizeof(r->addr))
		return -1;
	memcpy(r->addr, start, n);
	r->addr[n] = '\0';
	return 0;
}

static void client_addr(struct mc_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	r->addr[0] = '\0';
	if (r->srv->cfg->trust_proxy && proxied_addr(r) == 0)
		return;
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->addr,
				  sizeof(r->addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->addr,
				  sizeof(r->addr));
	}
	if (!r->addr[0])
		snprintf(r->addr, sizeof(r->addr), "unknown");
}

static int has_body_method(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
}

static int is_state_changing(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static int content_type_json(const char *ct)
{
	if (!ct)
		return 0;
	size_t n = strcspn(ct, ";");
	while (n && ct[n - 1] == ' ')
		n--;
	return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	       (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0 && strncasecmp(ct, "application/", 12) == 0);
}

static int run(struct mc_req *r)
{
	struct mc_server *s = r->srv;
	if (mc_test_hooks.request_fault)
		mc_test_hooks.request_fault(mc_req_header(r, "X-Motcua-Test-Fault"));
	int allowed = 0;
	char allow[64];
	r->route_index = mc_route_match(s->routes, s->nroutes, r->method, r->path, r, &allowed, allow, sizeof(allow));
	if (r->route_index < 0) {
		if (!allowed && mc_static_serve(s->web, r))
			return 0;
		if (allowed) {
			mc_res_header(r, "Allow", allow);
			return mc_fail(r, MC_E_METHOD, "%s", allow);
		}
		return mc_fail(r, MC_E_NO_ROUTE, NULL);
	}
	const struct mc_route *rt = r->route = &s->routes[r->route_index];

	if (r->body_too_big)
		return mc_fail(r, MC_E_TOO_BIG, "limit %zu bytes", r->body.limit);
	if (has_body_method(r->method) && !(rt->flags & MC_RF_RAW_BODY) && r->body.len > 0) {
		if (!content_type_json(mc_req_header(r, "Content-Type")))
			return mc_fail(r, MC_E_MEDIA_TYPE, "application/json");
		json_error_t je;
		r->json = mc_req_keep(r, json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &je));
		if (!r->json && json_error_code(&je) == json_error_invalid_utf8)
			return mc_fail(r, MC_E_BAD_UTF8, "line %d, column %d", je.line, je.column);
		if (!r->json)
			return mc_fail(r, MC_E_BAD_JSON, "line %d, column %d: %s", je.line, je.column, je.text);
	}

	int rc;
	if (rt->auth != MC_AUTH_NONE && s->hooks.authenticate) {
		rc = s->hooks.authenticate(r);
		if (rc && rt->auth == MC_AUTH_REQUIRED)
			return rc;
		if (rc) { /* an optional session that is bad: carry on anonymously */
			mc_error_init(&r->err);
			r->who = NULL;
		}
	}
	if (rt->auth == MC_AUTH_REQUIRED && !r->who)
		return mc_fail(r, MC_E_UNAUTHENTICATED, NULL);
	if (rt->perm && (!r->who || !s->hooks.has_perm || !s->hooks.has_perm(r, rt->perm)))
		return mc_fail(r, r->who ? MC_E_FORBIDDEN : MC_E_UNAUTHENTICATED, NULL);
	if (r->who && r->via_cookie && is_state_changing(r->method) && !(rt->flags & MC_RF_NO_CSRF) &&
	    s->hooks.check_csrf && (rc = s->hooks.check_csrf(r)))
		return rc;
	if (s->hooks.before) {
		rc = s->hooks.before(r);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return 0;
	}
	rc = rt->handler(r);
	/* A handler that failed half-way leaves nothing half-written (what it
	 * committed under a hold is settled by the after hook). */
	if (r->db && mc_in_tx(r->db))
		mc_tx_rollback(r->db);
	if (r->pdb && r->pdb != r->db && mc_in_tx(r->pdb))
		mc_tx_rollback(r->pdb);
	if (rc == 0 && r->status == 0)
		mc_res_empty(r, 204);
	/* A client that wrote reads from the primary for a while, wherever its
	 * next request goes: a replica may not have what it wrote yet.  Also
	 * while the replica is awaited (db_replica set, not reached yet): it
	 * may join any moment, lagging behind this write. */
	if (rc == 0 && (atomic_load_explicit(&s->replica, memory_order_relaxed) || s->cfg->db_replica[0]) &&
	    s->cfg->replica_fresh_s > 0 && is_state_changing(r->method) && r->status >= 200 && r->status < 300)
		mc_res_header(r, "Set-Cookie",
			      mc_sprintf(r->arena, "%s=1; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", FRESH_COOKIE,
					 s->cfg->replica_fresh_s, s->cfg->cookie_secure ? "; Secure" : ""));
	return rc;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct mc_req *r)
{
	size_t len;
	char *data = mc_buf_detach(&r->out, &len);
	r->out_len = len;
	struct MHD_Response *res = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!res) {
		free(data);
		return MHD_NO;
	}
	if (r->content_type)
		MHD_add_response_header(res, "Content-Type", r->content_type);
	int cache_set = 0;
	for (int i = 0; i < r->nheaders; i++) {
		MHD_add_response_header(res, r->headers[i].name, r->headers[i].value);
		if (strcasecmp(r->headers[i].name, "Cache-Control") == 0)
			cache_set = 1;
	}
	if (!cache_set)
		MHD_add_response_header(res, "Cache-Control", "no-store");
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(res, "X-Request-Id", r->id);
	/* Shutting down: this answer is the connection's last, so that a
	 * kept-alive client cannot keep the server busy past its signal. */
	if (atomic_load(&r->srv->stopping))
		MHD_add_response_header(res, "Connection", "close");
	if (r->route && (r->route->flags & MC_RF_TEXT) == 0)
		MHD_add_response_header(res, "Content-Language", r->lang);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, res);
	MHD_destroy_response(res);
	return ret;
}

static struct mc_conn_entry *conn_entry(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return i ? i->socket_context : NULL;
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	(void)len;
	struct mc_server *s = cls;
	if (atomic_load(&s->stopping))
		return MHD_NO;
	return mc_conns_admit(s->conns, sa) ? MHD_YES : MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct mc_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		*socket_context = mc_conns_opened(s->conns, ad ? ad->client_addr : NULL, fd ? fd->connect_fd : -1);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		mc_conns_closed(s->conns, *socket_context);
		*socket_context = NULL;
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	struct mc_server *s = cls;
	struct mc_req *r = *con_cls;
	if (!r) {
		struct mc_arena *a = mc_arena_new(8192);
		r = mc_zalloc(a, sizeof(*r));
		r->arena = a;
		r->srv = s;
		r->conn = conn;
		r->start_ns = mc_mono_ns();
		r->method = mc_strdup(a, method);
		r->path = mc_strdup(a, url);
		r->route_index = -1;
		mc_random_hex(r->id, 8);
		mc_error_init(&r->err);
		/* the route decides the limit: uploads may be larger */
		size_t limit = s->cfg->body_limit;
		int matched;
		char allow[64];
		int ri = mc_route_match(s->routes, s->nroutes, method, url, NULL, &matched, allow, sizeof(allow));
		if (ri >= 0 && (s->routes[ri].flags & MC_RF_UPLOAD))
			limit = s->cfg->upload_limit;
		mc_buf_init(&r->body, limit);
		mc_buf_init(&r->out, 64u << 20);
		atomic_fetch_add(&s->in_flight, 1);
		mc_conns_busy(s->conns, conn_entry(conn), 1);
		*con_cls = r;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > limit)
			r->body_too_big = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->body_too_big && mc_buf_add(&r->body, upload, *upload_size))
			r->body_too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	pick_lang(r);
	client_addr(r);
	int rc = run(r);
	if (rc < 0) {
		r->err.code = rc;
		mc_res_problem(r);
	}
	if (s->hooks.after)
		s->hooks.after(r);
	return send_response(conn, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct mc_server *s = cls;
	struct mc_req *r = *con_cls;
	if (!r)
		return;
	mc_conns_busy(s->conns, conn_entry(conn), 0);
	double secs = (double)(mc_mono_ns() - r->start_ns) / 1e9;
	int status = r->status ? r->status : 500;
	mc_metrics_observe(s->metrics, r->route_index, status, secs);
	if (!r->route || !(r->route->flags & MC_RF_NO_LOG)) {
		if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
			mc_log_json(MC_LOG_WARN, "request_aborted",
				    json_pack("{s:s, s:i}", "id", r->id, "reason", (int)toe));
		log_access(r, status, secs);
	}
	mc_buf_release(&r->body);
	mc_buf_release(&r->out);
	mc_arena_free(r->arena);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* ---------- daemon ---------- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, char *errbuf, size_t errlen)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || strlen(colon + 1) == 0) {
		snprintf(errbuf, errlen, "MOTCUA_LISTEN must be host:port, got '%s'", listen);
		return -1;
	}
	size_t hn = (size_t)(colon - listen);
	if (listen[0] == '[' && hn >= 2 && listen[hn - 1] == ']') {
		listen++;
		hn -= 2;
	}
	if (hn >= sizeof(host)) {
		snprintf(errbuf, errlen, "host name too long");
		return -1;
	}
	memcpy(host, listen, hn);
	host[hn] = '\0';
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	int e = getaddrinfo(host, colon + 1, &hints, &res);
	if (e) {
		snprintf(errbuf, errlen, "cannot resolve %s: %s", listen, gai_strerror(e));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[300];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	mc_log_json(MC_LOG_WARN, "mhd", json_pack("{s:s}", "detail", msg));
}

/* The daemon's fixed limits. */
/* Seconds a connection may stay idle (a slow or stalled client, an idle
 * keep-alive) before libmicrohttpd closes it. */
#define MHD_IDLE_TIMEOUT_S 60
/* Memory per connection for the request line, the headers and the read
 * buffer: a request whose headers do not fit is refused. */
#define MHD_CONN_MEMORY (32 * 1024)
/* Connections the kernel queues before accept(): bursts of new clients. */
#define MHD_LISTEN_BACKLOG 1024
/* When the open-files limit is unknown. */
#define MHD_DEFAULT_NOFILE 1024
/* Connections at most, whatever the open-files limit. */
#define MHD_MAX_CONNECTIONS 65536
/* File descriptors kept for the process's own files (logs, the database
 * files, the blob store, libmicrohttpd's pipes) beyond the pool and the
 * threads. */
#define MHD_FD_RESERVE 64
/* Connections at least, however low the open-files limit. */
#define MHD_MIN_CONNECTIONS 16

/* Connections at most: as configured, or what the open-files limit leaves
 * after the database pool, the blob files and the process's own. */
static unsigned connection_limit(const struct mc_config *c)
{
	if (c->max_connections > 0)
		return (unsigned)c->max_connections;
	struct rlimit rl;
	rlim_t n = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : MHD_DEFAULT_NOFILE;
	rlim_t reserve = (rlim_t)c->db_pool + (rlim_t)c->threads + MHD_FD_RESERVE;
	if (n == RLIM_INFINITY || n > MHD_MAX_CONNECTIONS + reserve)
		n = MHD_MAX_CONNECTIONS + reserve;
	return n > reserve + MHD_MIN_CONNECTIONS ? (unsigned)(n - reserve) : MHD_MIN_CONNECTIONS;
}

int mc_server_start(struct mc_server *s, char *errbuf, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	if (parse_listen(s->cfg->listen, &ss, &sl, errbuf, errlen))
		return MC_E_CONFIG;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	uint16_t port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						       : ((struct sockaddr_in *)&ss)->sin_port);
	s->d = MHD_start_daemon(flags, port, on_accept, s, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
				NULL, /* must come first */
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
				(unsigned)s->cfg->threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)MHD_IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, connection_limit(s->cfg),
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MHD_CONN_MEMORY,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)MHD_LISTEN_BACKLOG, MHD_OPTION_END);
	if (!s->d) {
		snprintf(errbuf, errlen, "cannot listen on %s (address in use or not permitted)", s->cfg->listen);
		return MC_E_IO;
	}
	return 0;
}

int mc_server_port(struct mc_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

void mc_server_quiesce(struct mc_server *s)
{
	/* Not MHD_quiesce_daemon: with a thread pool on epoll, libmicrohttpd
	 * 0.9.75 can abort in it ("Failed to remove listen FD from epoll set")
	 * when a worker is busy with the listening socket.  The accept policy
	 * closes every new connection from now on instead. */
	atomic_store(&s->stopping, 1);
}

void mc_server_stop(struct mc_server *s, int grace_s)
{
	if (!s->d)
		return;
	mc_server_quiesce(s);
	/* Every request in flight finishes (up to grace_s).  A connection that
	 * sends one more request gets it answered with "Connection: close";
	 * idle kept-alive connections get a second to do so, then close. */
	uint64_t start = mc_mono_ns();
	uint64_t until = start + (uint64_t)grace_s * 1000000000u, idle_until = start + 1000000000u;
	for (;;) {
		uint64_t now = mc_mono_ns();
		if (now >= until ||
		    (atomic_load(&s->in_flight) == 0 && (now >= idle_until || mc_conns_open(s->conns) == 0)))
			break;
		usleep(5000);
	}
	if (atomic_load(&s->in_flight) > 0)
		mc_log_json(MC_LOG_WARN, "shutdown_grace_over",
			    json_pack("{s:i}", "in_flight", atomic_load(&s->in_flight)));
	MHD_stop_daemon(s->d);
	s->d = NULL;
}

void mc_server_metrics(struct mc_server *s, struct mc_buf *out);
void mc_server_metrics(struct mc_server *s, struct mc_buf *out)
{
	mc_metrics_render(s->metrics, out);
	mc_buf_printf(
		out,
		"# HELP motcua_http_connections Connections open now.\n"
		"# TYPE motcua_http_connections gauge\nmotcua_http_connections %d\n"
		"# HELP motcua_http_connections_refused_total Connections refused: their address held too many.\n"
		"# TYPE motcua_http_connections_refused_total counter\nmotcua_http_connections_refused_total %llu\n"
		"# HELP motcua_http_connections_cut_total Connections closed because a request head came too slowly.\n"
		"# TYPE motcua_http_connections_cut_total counter\nmotcua_http_connections_cut_total %llu\n",
		mc_conns_open(s->conns), (unsigned long long)mc_conns_refused(s->conns),
		(unsigned long long)mc_conns_cut(s->conns));
	mc_buf_printf(out,
		      "# HELP motcua_db_lag_tolerant_reads_total Requests of the routes that may read from a replica, "
		      "by where they read: the replica, the primary (no replica set, or the client wrote lately), "
		      "the primary because the replica lent no connection.\n"
		      "# TYPE motcua_db_lag_tolerant_reads_total counter\n"
		      "motcua_db_lag_tolerant_reads_total{pool=\"replica\"} %llu\n"
		      "motcua_db_lag_tolerant_reads_total{pool=\"primary\"} %llu\n"
		      "motcua_db_lag_tolerant_reads_total{pool=\"fallback\"} %llu\n",
		      (unsigned long long)atomic_load(&s->replica_reads),
		      (unsigned long long)atomic_load(&s->primary_reads),
		      (unsigned long long)atomic_load(&s->replica_fallbacks));
	if (s->hooks.metrics)
		s->hooks.metrics(s, out);
}

/*
 * feedback_api.c - citizens' feedback over HTTP: anyone reports a problem
 * (signed in or not) and adds its photos, follows it with its code and
 * secret and rates the answer; everyone reads the public reports and the
 * figures per agency; the agency's officials answer, reassign and merge;
 * moderators approve or hide.  The secret comes as the query parameter s,
 * as the dossiers' tracking does.
 */
#include "api.h"

#include "../core/timeutil.h"
#include "../feedback/feedback.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static int ctx(struct mc_req *r, struct mc_feedback_ctx *x)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	*x = (struct mc_feedback_ctx){c, r->arena, r->who, r->addr, &r->err};
	return 0;
}

/* The report's code in the path and the secret in the query (typed as
 * people type them); NULL code: 404. */
static const char *code_of(struct mc_req *r, const char **secret)
{
	const char *s = mc_req_query(r, "s");
	*secret = s && *s ? mc_api_typed_code(r, s, 16) : NULL;
	return mc_api_typed_code(r, mc_req_param(r, "code"), 23);
}

static int send_report(struct mc_req *r, int status, json_t *out)
{
	mc_api_etag(r, out);
	return mc_res_json(r, status, out);
}

static int categories(struct mc_req *r)
{
	struct mc_feedback_ctx x;
	json_t *items = NULL;
	int rc = ctx(r, &x);
	if (rc)
		return rc;
	if ((rc = mc_feedback_categories(x.c, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- reports, limited per address and hour (feedback_limit) ---- */

#define LIMIT_SLOTS 1024

static struct {
	char addr[64];
	int64_t hour;
	int count;
} slots[LIMIT_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* The reports addr made this hour (add: one more); 1 when under limit. */
static int under_limit(const char *addr, int limit, int add)
{
	if (limit <= 0)
		return 1;
	unsigned h = 2166136261u;
	for (const char *p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	int64_t hour = mc_time_now_ms() / 3600000;
	pthread_mutex_lock(&slots_lock);
	unsigned i = h % LIMIT_SLOTS;
	if (strcmp(slots[i].addr, addr) != 0 || slots[i].hour != hour) {
		snprintf(slots[i].addr, sizeof(slots[i].addr), "%s", addr);
		slots[i].hour = hour;
		slots[i].count = 0;
	}
	slots[i].count += add;
	int ok = slots[i].count < limit;
	pthread_mutex_unlock(&slots_lock);
	return ok;
}

static int report(struct mc_req *r)
{
	int limit = mc_server_config(r->srv)->feedback_limit;
	if (!under_limit(r->addr, limit, 0)) {
		r->err.retry_after = 3600 - (int)(mc_time_now_ms() / 1000 % 3600);
		return mc_fail(r, MC_E_RATE_LIMITED, "%d reports an hour from one address", limit);
	}
	json_t *b = mc_api_body(r), *out = NULL;
	struct mc_feedback_ctx x;
	int rc = b ? ctx(r, &x) : r->err.code;
	if (rc)
		return rc;
	if ((rc = mc_feedback_report(&x, b, &out)))
		return mc_api_fail(r, rc);
	under_limit(r->addr, limit, 1);
	mc_res_header(r, "Location",
		      mc_sprintf(r->arena, "/api/v1/feedback/%s", json_string_value(json_object_get(out, "code"))));
	return mc_res_json(r, 201, out);
}

static int report_get(struct mc_req *r)
{
	const char *secret, *code = code_of(r, &secret);
	struct mc_feedback_ctx x;
	json_t *out = NULL;
	int rc = code ? ctx(r, &x) : mc_fail(r, MC_E_NOT_FOUND, NULL);
	if (rc)
		return rc;
	if ((rc = mc_feedback_get(&x, code, secret, &out)))
		return mc_api_fail(r, rc);
	return send_report(r, 200, out);
}

static int photo_add(struct mc_req *r)
{
	const char *secret, *code = code_of(r, &secret), *keep = mc_req_query(r, "keep_location");
	struct mc_feedback_ctx x;
	json_t *out = NULL;
	int rc = code ? ctx(r, &x) : mc_fail(r, MC_E_NOT_FOUND, NULL);
	if (rc)
		return rc;
	if ((rc = mc_feedback_add_photo(&x, code, secret, r->body.data, r->body.len, keep && strcmp(keep, "1") == 0,
					&out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 201, out);
}

static int photo_get(struct mc_req *r)
{
	const char *secret, *code = code_of(r, &secret);
	int64_t n;
	struct mc_feedback_ctx x;
	int rc = code && mc_api_id_param(r, "n", &n) == 0 && n <= MC_FEEDBACK_PHOTOS_MAX
			 ? ctx(r, &x)
			 : mc_fail(r, MC_E_NOT_FOUND, NULL);
	if (rc)
		return rc;
	void *data = NULL;
	size_t len = 0;
	char mime[32];
	if ((rc = mc_feedback_photo(&x, code, secret, (int)n, &data, &len, mime)))
		return mc_api_fail(r, rc);
	rc = mc_res_text(r, 200, mc_strdup(r->arena, mime), data, len);
	free(data);
	if (!rc)
		mc_res_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	return rc;
}

/* A public or work list's filters from the query. */
static int filters(struct mc_req *r, struct mc_feedback_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->q = mc_req_query(r, "q");
	f->category = mc_req_query(r, "category");
	f->ward = mc_req_query(r, "ward_code");
	f->state = mc_req_query(r, "state");
	if (f->q && strlen(f->q) > 200)
		mc_bad_field(&r->err, "q", MC_M_SEARCH_TOO_LONG);
	if (f->state && strcmp(f->state, "open") && strcmp(f->state, "answered") && strcmp(f->state, "overdue"))
		mc_bad_field(&r->err, "state", MC_M_FEEDBACK_STATE_ENUM);
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &f->agency) ||
	    mc_api_query_int(r, "before", 1, INT64_MAX, 0, &f->before))
		return r->err.code ? r->err.code : MC_E_VALIDATION;
	return mc_api_check(r);
}

static int list_with(struct mc_req *r,
		     int (*fn)(struct mc_feedback_ctx *, const struct mc_feedback_filter *, json_t **))
{
	struct mc_feedback_filter f;
	struct mc_feedback_ctx x;
	json_t *out = NULL;
	int rc = filters(r, &f);
	if (rc || (rc = ctx(r, &x)))
		return rc;
	if ((rc = fn(&x, &f, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int public_list(struct mc_req *r)
{
	return list_with(r, mc_feedback_public);
}

static int work_list(struct mc_req *r)
{
	return list_with(r, mc_feedback_work);
}

static int mine(struct mc_req *r)
{
	return list_with(r, mc_feedback_mine);
}

static int queue(struct mc_req *r)
{
	struct mc_feedback_ctx x;
	json_t *out = NULL;
	int rc = ctx(r, &x);
	if (rc)
		return rc;
	if ((rc = mc_feedback_queue(&x, &out)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, out);
}

static int figures(struct mc_req *r)
{
	char from[11], to[11];
	int64_t agency = 0;
	mc_api_period(r, from, to);
	struct mc_feedback_ctx x;
	json_t *items = NULL;
	int rc = mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency);
	if (rc || (rc = mc_api_check(r)) || (rc = ctx(r, &x)))
		return rc ? rc : r->err.code;
	int64_t f0, t0;
	mc_time_parse(mc_sprintf(r->arena, "%sT00:00:00+07:00", from), &f0);
	mc_time_parse(mc_sprintf(r->arena, "%sT00:00:00+07:00", to), &t0);
	if ((rc = mc_feedback_figures(&x, f0, t0 + 86400000LL, agency, &items)))
		return mc_api_fail(r, rc);
	return mc_res_json(r, 200, json_pack("{s:s, s:s, s:o}", "from", from, "to", to, "items", items));
}

/* POST an act on a report read at If-Match's version. */
static int act_with(struct mc_req *r, int (*fn)(struct mc_feedback_ctx *, const char *, int64_t, json_t *, json_t **))
{
	const char *secret, *code = code_of(r, &secret);
	json_t *b = mc_api_body(r), *out = NULL;
	int64_t version = -1;
	struct mc_feedback_ctx x;
	if (!b)
		return r->err.code;
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	int rc = mc_api_if_match(r, &version);
	if (rc || (rc = ctx(r, &x)))
		return rc;
	if ((rc = fn(&x, code, version, b, &out)))
		return mc_api_fail(r, rc);
	return send_report(r, 200, out);
}

static int answer(struct mc_req *r)
{
	return act_with(r, mc_feedback_answer);
}

static int reassign(struct mc_req *r)
{
	return act_with(r, mc_feedback_reassign);
}

static int merge(struct mc_req *r)
{
	return act_with(r, mc_feedback_merge);
}

static int moderate(struct mc_req *r)
{
	return act_with(r, mc_feedback_moderate);
}

static int rate(struct mc_req *r)
{
	const char *secret, *code = code_of(r, &secret);
	json_t *b = mc_api_body(r), *out = NULL;
	int64_t version = -1;
	struct mc_feedback_ctx x;
	if (!b)
		return r->err.code;
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	int rc = mc_api_if_match(r, &version);
	if (rc || (rc = ctx(r, &x)))
		return rc;
	if ((rc = mc_feedback_rate(&x, code, secret, version, b, &out)))
		return mc_api_fail(r, rc);
	return send_report(r, 200, out);
}

const struct mc_route mc_api_feedback_routes[] = {
	{"GET", "/api/v1/feedback-categories", categories, MC_AUTH_NONE, NULL, 0},
	{"GET", "/api/v1/feedback-figures", figures, MC_AUTH_NONE, NULL, 0},
	{"GET", "/api/v1/feedback-work", work_list, MC_AUTH_REQUIRED, "feedback.handle", 0},
	{"GET", "/api/v1/feedback-moderation", queue, MC_AUTH_REQUIRED, "feedback.moderate", 0},
	{"GET", "/api/v1/my/feedback", mine, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/feedback", report, MC_AUTH_OPTIONAL, NULL, MC_RF_NO_IDEM},
	{"GET", "/api/v1/feedback", public_list, MC_AUTH_NONE, NULL, 0},
	{"GET", "/api/v1/feedback/{code}", report_get, MC_AUTH_OPTIONAL, NULL, 0},
	{"POST", "/api/v1/feedback/{code}/photos", photo_add, MC_AUTH_OPTIONAL, NULL, MC_RF_RAW_BODY | MC_RF_UPLOAD},
	{"GET", "/api/v1/feedback/{code}/photos/{n}", photo_get, MC_AUTH_OPTIONAL, NULL, 0},
	{"POST", "/api/v1/feedback/{code}/answer", answer, MC_AUTH_REQUIRED, "feedback.handle", 0},
	{"POST", "/api/v1/feedback/{code}/reassign", reassign, MC_AUTH_REQUIRED, "feedback.handle", 0},
	{"POST", "/api/v1/feedback/{code}/merge", merge, MC_AUTH_REQUIRED, "feedback.handle", 0},
	{"POST", "/api/v1/feedback/{code}/moderation", moderate, MC_AUTH_REQUIRED, "feedback.moderate", 0},
	{"POST", "/api/v1/feedback/{code}/rating", rate, MC_AUTH_OPTIONAL, NULL, 0},
	{NULL, NULL, NULL, 0, NULL, 0},
};

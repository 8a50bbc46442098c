/*
 * dossier_api.c - the one-stop dossier engine over HTTP: online submission,
 * counter intake, reading, actions with If-Match, public tracking, work
 * queues, the applicant's list, statistics and uploads.
 */
#include "api.h"

#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../document/document.h"
#include "../dossier/dossier.h"
#include "../org/org.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static int fail(struct mc_req *r, int rc)
{
	if (rc == MC_E_DB || rc == MC_E_DB_BUSY || rc == MC_E_INTERNAL)
		return mc_api_db_fail(r, rc);
	/* a constraint the database enforced: keep its word for the log */
	if (r->db && mc_conn_errmsg(r->db)[0] && !r->err.nfields)
		mc_error_log(&r->err, "%s", mc_conn_errmsg(r->db));
	r->err.code = rc;
	return rc;
}

/* Answer status with dossier d and its ETag, or fail with rc. */
static int answer(struct mc_req *r, int rc, int status, json_t *d)
{
	if (rc)
		return fail(r, rc);
	mc_api_etag(r, d);
	return mc_res_json(r, status, d);
}

/* Answer a page of a list of dossiers (next: the id to ask before for
 * the next page, 0 when none), or fail with rc. */
static int page(struct mc_req *r, int rc, json_t *items, int64_t next)
{
	if (rc)
		return fail(r, rc);
	json_t *out = json_pack("{s:o}", "items", items);
	if (next)
		json_object_set_new(out, "next_before", json_integer(next));
	return mc_res_json(r, 200, out);
}

static int submit(struct mc_req *r, int64_t counter)
{
	json_t *b = mc_api_body(r);
	if (!b)
		return r->err.code;
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	/* online, signed by the applicant with their PIN: checked first */
	json_t *sig = json_object_get(b, "signature");
	if (sig && counter)
		return mc_fail(r, MC_E_VALIDATION, "signature: online applications only");
	if (sig && (rc = mc_api_application_signer(r, sig, &x)))
		return rc;
	json_t *out = NULL;
	rc = mc_dossier_submit(&x, b, counter, &out);
	if (!rc)
		mc_res_header(
			r, "Location",
			mc_sprintf(r->arena, "/api/v1/dossiers/%s", json_string_value(json_object_get(out, "code"))));
	return answer(r, rc, 201, out);
}

static int submit_online(struct mc_req *r)
{
	return submit(r, 0);
}

static int submit_counter(struct mc_req *r)
{
	int64_t id;
	int rc = mc_api_id_param(r, "id", &id);
	return rc ? rc : submit(r, id);
}

static int dossier_get(struct mc_req *r)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63);
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	rc = mc_dossier_get(&x, code, &out);
	if (!rc)
		rc = mc_api_linked_decorate(x.c, out, 0);
	return answer(r, rc, 200, out);
}

static int dossier_act(struct mc_req *r)
{
	const char *code = mc_api_typed_code(r, mc_req_param(r, "code"), 63), *action = mc_req_param(r, "action");
	if (!code)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	int64_t version = -1;
	int rc = mc_api_if_match(r, &version);
	if (rc)
		return rc;
	json_t *b = r->json ? mc_api_body(r) : mc_req_keep(r, json_object());
	if (!b)
		return r->err.code;
	struct mc_dossier_ctx x;
	if ((rc = mc_api_dossier_ctx(r, &x)))
		return rc;
	/* the result the approving official attaches is signed digitally: by
	 * them when they give their PIN, then with the agency's seal (once
	 * the deployment has its PKI) */
	if (strcmp(action, "forward") == 0 && (json_object_get(b, "pin") || mc_api_pki_ready(r))) {
		struct mc_document_pades *p = mc_zalloc(r->arena, sizeof(*p));
		if ((rc = mc_api_pades(r, b, p)))
			return rc;
		x.result_signer = p;
	}
	json_t *out = NULL;
	rc = mc_dossier_act(&x, code, action, version, b, &out);
	/* a refusal's fee paid by VNPAY goes back through the gateway, after
	 * the dossier's transaction */
	if (!rc && (strcmp(action, "refuse") == 0 || strcmp(action, "stop") == 0))
		mc_api_dossier_refunds(r, code);
	return answer(r, rc, 200, out);
}

/* ---- public tracking, limited per address ---- */

/* track_limit a minute per address, across every server of the database */
static struct mc_quota track_quota = MC_QUOTA_INIT("track");

static int primary_of(void *ud, struct mc_conn **c)
{
	return mc_req_db_primary(ud, c);
}

int mc_api_track_input(struct mc_req *r, const char **code, const char **secret)
{
	int ok = mc_quota_take(&track_quota, r->addr, mc_server_config(r->srv)->track_limit, mc_time_now_ms(),
			       primary_of, r);
	if (ok < 0)
		return r->err.code ? r->err.code : mc_api_db_fail(r, ok);
	if (!ok) {
		r->err.retry_after = 60;
		return mc_fail(r, MC_E_RATE_LIMITED, NULL);
	}
	/* both typed from the receipt: any case, spaces around ignored, the
	 * secret's hyphen optional ("786f sfm4" is not a code: not found) */
	*code = mc_api_typed_code(r, mc_req_param(r, "code"), 63);
	*secret = mc_api_typed_code(r, mc_req_query(r, "s"), 16);
	if (!*code || !*secret)
		return mc_fail(r, MC_E_NOT_FOUND, NULL);
	if (strlen(*secret) == 8 && !strchr(*secret, '-'))
		*secret = mc_sprintf(r->arena, "%.4s-%.4s", *secret, *secret + 4);
	return 0;
}

static int track(struct mc_req *r)
{
	const char *code, *secret;
	int rc = mc_api_track_input(r, &code, &secret);
	if (rc)
		return rc;
	struct mc_conn *c;
	rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	struct mc_buf out = MC_BUF_INIT(1 << 20);
	int gzipped = 0;
	if ((rc = mc_dossier_track_text(c, code, secret, mc_req_accepts_gzip(r), &out, &gzipped))) {
		mc_buf_release(&out);
		return fail(r, rc);
	}
	/* the stored bytes as they are, to a client that accepts gzip */
	mc_res_header(r, "Vary", "Accept-Encoding");
	if (gzipped)
		mc_res_header(r, "Content-Encoding", "gzip");
	rc = mc_res_text(r, 200, "application/json; charset=utf-8", out.data ? out.data : "", out.len);
	mc_buf_release(&out);
	return rc;
}

/* ---- queues ---- */

static int queue_counts(struct mc_req *r)
{
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	json_t *out = NULL;
	if ((rc = mc_dossier_queue_counts(&x, &out)))
		return fail(r, rc);
	return mc_res_json(r, 200, out);
}

/* A bound of a period: a day in Vietnam (the start of it, or with `end` the
 * start of the next one, so that the last day named is included) or an
 * exact time. */
static int time_query(struct mc_req *r, const char *name, int end, int64_t *out)
{
	const char *v = mc_req_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	int y, m, d;
	char extra;
	if (sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3) {
		*out = mc_vn_day_start(mc_days_from_civil(y, m, d) + (end ? 1 : 0));
		return 0;
	}
	if (mc_time_parse(v, out) == 0)
		return 0;
	mc_bad_field(&r->err, mc_strdup(r->arena, name), MC_M_DATE_FORMAT);
	return mc_fail(r, MC_E_VALIDATION, NULL);
}

static int queue_list(struct mc_req *r)
{
	struct mc_queue_filter f = {0};
	int64_t limit;
	f.procedure_code = mc_req_query(r, "procedure");
	f.status = mc_req_query(r, "status");
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &f.agency_id) ||
	    mc_api_query_int(r, "before", 1, INT64_MAX, 0, &f.before_id) ||
	    mc_api_query_int(r, "limit", 1, 200, 50, &limit) || time_query(r, "from", 0, &f.from) ||
	    time_query(r, "to", 1, &f.to))
		return r->err.code;
	f.limit = (int)limit;
	const char *late = mc_req_query(r, "late");
	if (late && *late) {
		/* the list behind a dashboard's figure of lateness */
		f.late = !strcmp(late, "deadline")    ? MC_LATE_DEADLINE
			 : !strcmp(late, "reception") ? MC_LATE_RECEPTION
			 : !strcmp(late, "all")       ? MC_LATE_DEADLINE | MC_LATE_RECEPTION
						      : 0;
		if (!f.late) {
			mc_bad_field(&r->err, "late", MC_M_LATE_ENUM);
			return mc_fail(r, MC_E_VALIDATION, NULL);
		}
	}
	if ((f.procedure_code && strlen(f.procedure_code) > 16) || (f.status && strlen(f.status) > 24))
		return mc_fail(r, MC_E_VALIDATION, "filter too long");
	const char *q = mc_req_query(r, "q");
	if (q && *q) {
		/* part of a dossier code, any case: letters, digits, dots, hyphens */
		const char *up = mc_api_typed_code(r, q, 40);
		if (!up) {
			mc_bad_field(&r->err, "q", MC_M_CODE_PART_FORMAT);
			return mc_fail(r, MC_E_VALIDATION, NULL);
		}
		f.code_part = up;
	}
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	json_t *items = NULL;
	int64_t next = 0;
	rc = mc_dossier_queue(&x, mc_req_param(r, "name"), &f, &items, &next);
	return page(r, rc, items, next);
}

static int my_dossiers(struct mc_req *r)
{
	int64_t before, limit;
	if (mc_api_query_int(r, "before", 1, INT64_MAX, 0, &before) || mc_api_query_int(r, "limit", 1, 200, 50, &limit))
		return r->err.code;
	struct mc_dossier_ctx x;
	int rc = mc_api_dossier_ctx(r, &x);
	if (rc)
		return rc;
	json_t *items = NULL;
	int64_t next = 0;
	rc = mc_dossier_mine(&x, before, (int)limit, &items, &next);
	return page(r, rc, items, next);
}

/* ---- statistics ---- */

int mc_api_stats_query(struct mc_req *r, json_t **result)
{
	char today[32], from[11], to[11], first[32];
	int64_t now = mc_time_now_ms();
	int y, m, d;
	mc_vn_date(now, &y, &m, &d);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", y, m, d);
	snprintf(first, sizeof(first), "%04d-01-01", y);
	int64_t agency;
	if (mc_api_day_query(r, "from", first, from) || mc_api_day_query(r, "to", today, to))
		return mc_api_check(r);
	if (mc_api_query_int(r, "agency_id", 1, INT64_MAX, 0, &agency))
		return r->err.code;
	if (strcmp(from, to) > 0)
		return mc_fail(r, MC_E_VALIDATION, "from is after to");
	const char *group = mc_req_query(r, "group");
	if (group && strcmp(group, "agency") != 0 && strcmp(group, "procedure") != 0 && strcmp(group, "field") != 0) {
		mc_bad_field(&r->err, "group", MC_M_GROUP_ENUM_STATS);
		return mc_fail(r, MC_E_VALIDATION, NULL);
	}
	struct mc_conn *c;
	int64_t root;
	int rc = mc_api_agency_root(r, agency, &c, &root);
	if (rc)
		return rc;
	json_t *out = NULL;
	rc = mc_req_query(r, "recount") ? mc_dossier_stats_recount(c, root, from, to, group, &out)
					: mc_dossier_stats(c, root, from, to, group, &out);
	if (rc)
		return fail(r, rc);
	json_object_set_new(out, "agency_id", json_integer(root));
	*result = out;
	return 0;
}

static int stats(struct mc_req *r)
{
	json_t *out = NULL;
	int rc = mc_api_stats_query(r, &out);
	return rc ? rc : mc_res_json(r, 200, out);
}

/* ---- uploads ---- */

static int upload(struct mc_req *r)
{
	if (r->body.len == 0)
		return mc_fail(r, MC_E_VALIDATION, "empty file");
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (rc)
		return rc;
	char sha[65], what[64];
	const char *mime = NULL;
	/* recorded as the caller's: only they may attach it to a form */
	rc = mc_blob_put(c, r->who->user_id, r->body.data, r->body.len, (int64_t)mc_server_config(r->srv)->upload_quota,
			 sha, &mime, what, sizeof(what));
	if (rc == MC_E_MEDIA_TYPE)
		return mc_fail(r, rc, "%s", what[0] ? "not a readable PDF" : "PDF, JPEG or PNG");
	if (rc == MC_E_ACTIVE_CONTENT)
		return mc_fail(r, rc, "%s", what);
	if (rc == MC_E_QUOTA)
		return mc_fail(r, rc, "%zu bytes", mc_server_config(r->srv)->upload_quota);
	if (rc)
		return mc_api_db_fail(r, rc);
	return mc_res_json(r, 201,
			   json_pack("{s:s, s:I, s:s}", "sha256", sha, "size", (json_int_t)r->body.len, "mime", mime));
}

const struct mc_route mc_api_dossier_routes[] = {
	{"POST", "/api/v1/dossiers", submit_online, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/counters/{id}/dossiers", submit_counter, MC_AUTH_REQUIRED, "dossier.intake", 0},
	{"GET", "/api/v1/dossiers/{code}", dossier_get, MC_AUTH_REQUIRED, NULL, 0},
	{"POST", "/api/v1/dossiers/{code}/actions/{action}", dossier_act, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/track/{code}", track, MC_AUTH_NONE, NULL, MC_RF_REPLICA},
	{"GET", "/api/v1/queues", queue_counts, MC_AUTH_REQUIRED, "dossier.process", 0},
	{"GET", "/api/v1/queues/{name}", queue_list, MC_AUTH_REQUIRED, "dossier.process", 0},
	{"GET", "/api/v1/my/dossiers", my_dossiers, MC_AUTH_REQUIRED, NULL, 0},
	{"GET", "/api/v1/stats", stats, MC_AUTH_REQUIRED, "stats.read", MC_RF_REPLICA},
	{"POST", "/api/v1/files", upload, MC_AUTH_REQUIRED, NULL, MC_RF_RAW_BODY | MC_RF_UPLOAD},
	{0},
};

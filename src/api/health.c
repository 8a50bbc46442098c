/* health.c - liveness, readiness and Prometheus metrics. */
#include "api.h"

#include <string.h>

#include "../core/banned.h"

void mc_server_metrics(struct mc_server *s, struct mc_buf *out);

static int healthz(struct mc_req *r)
{
	return mc_res_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static int readyz(struct mc_req *r)
{
	struct mc_conn *c;
	int rc = mc_req_db(r, &c);
	if (!rc)
		rc = mc_db_ping(c);
	if (rc)
		return api_db_fail(r, MC_E_UNAVAILABLE);
	return mc_res_json(r, 200, json_pack("{s:s, s:s}", "status", "ready", "database",
					     mc_db_kind_name(mc_server_db(r->srv))));
}

static int metrics(struct mc_req *r)
{
	struct mc_buf b = MC_BUF_INIT(8u << 20);
	mc_server_metrics(r->srv, &b);
	int rc = mc_res_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", mc_buf_str(&b), b.len);
	mc_buf_release(&b);
	return rc;
}

const struct mc_route mc_api_health_routes[] = {
	{"GET", "/healthz", healthz, MC_AUTH_NONE, NULL, MC_RF_NO_LOG},
	{"GET", "/readyz", readyz, MC_AUTH_NONE, NULL, MC_RF_NO_LOG},
	{"GET", "/metrics", metrics, MC_AUTH_NONE, NULL, MC_RF_NO_LOG | MC_RF_TEXT},
	{0},
};

/* health.c - liveness, readiness and Prometheus metrics. */
#include "api.h"

#include <string.h>

#include "../core/banned.h"

void mc_server_metrics(struct mc_server *s, struct mc_buf *out);

/* Touches nothing but the process: a database that hangs must not make a
 * supervisor restart a server that can still say so. */
static int healthz(struct mc_req *r)
{
	return mc_res_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* Never waits long: answers at once while the database is held down, and
 * otherwise gives the pool and the round trip the hang watch's deadline. */
static int readyz(struct mc_req *r)
{
	int rc = mc_db_ready(mc_server_db(r->srv));
	if (rc) {
		r->err.retry_after = 1;
		return mc_fail(r, MC_E_UNAVAILABLE, NULL);
	}
	return mc_res_json(
		r, 200, json_pack("{s:s, s:s}", "status", "ready", "database", mc_db_kind_name(mc_server_db(r->srv))));
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

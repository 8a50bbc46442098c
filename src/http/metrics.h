/* metrics.h - per-route request counters and latency histograms (Prometheus). */
#ifndef MC_METRICS_H
#define MC_METRICS_H

#include "http.h"

struct mc_metrics;

struct mc_metrics *mc_metrics_new(const struct mc_route *routes, int nroutes);
void mc_metrics_free(struct mc_metrics *m);
/* route -1 counts requests that matched no route. Thread-safe. */
void mc_metrics_observe(struct mc_metrics *m, int route, int status, double seconds);
/* Append the text exposition format. */
void mc_metrics_render(struct mc_metrics *m, struct mc_buf *out);

#endif

/*
 * metrics.c - lock-free counters: per route, requests by status class and a
 * latency histogram with fixed buckets; rendered in Prometheus text format.
 */
#include "metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../core/banned.h"

static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NB (sizeof(bounds) / sizeof(bounds[0]))

struct series {
	atomic_uint_fast64_t by_class[6]; /* 1xx..5xx; [0] unused */
	atomic_uint_fast64_t buckets[NB + 1];
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t count;
};

struct mc_metrics {
	const struct mc_route *routes;
	int n;
	struct series *s; /* n + 1: the last is "unmatched" */
};

struct mc_metrics *mc_metrics_new(const struct mc_route *routes, int nroutes)
{
	struct mc_metrics *m = mc_xcalloc(1, sizeof(*m));
	m->routes = routes;
	m->n = nroutes;
	m->s = mc_xcalloc((size_t)nroutes + 1, sizeof(struct series));
	return m;
}

void mc_metrics_free(struct mc_metrics *m)
{
	if (!m)
		return;
	free(m->s);
	free(m);
}

void mc_metrics_observe(struct mc_metrics *m, int route, int status, double seconds)
{
	struct series *s = &m->s[route >= 0 && route < m->n ? route : m->n];
	int cls = status / 100;
	if (cls < 1 || cls > 5)
		cls = 5;
	atomic_fetch_add(&s->by_class[cls], 1);
	size_t b = 0;
	while (b < NB && seconds > bounds[b])
		b++;
	atomic_fetch_add(&s->buckets[b], 1);
	atomic_fetch_add(&s->sum_us, (uint_fast64_t)(seconds * 1e6));
	atomic_fetch_add(&s->count, 1);
}

static void labels(struct mc_metrics *m, int i, char *out, size_t n)
{
	if (i == m->n)
		snprintf(out, n, "method=\"\",route=\"unmatched\"");
	else
		snprintf(out, n, "method=\"%s\",route=\"%s\"", m->routes[i].method, m->routes[i].pattern);
}

void mc_metrics_render(struct mc_metrics *m, struct mc_buf *out)
{
	char lb[256];
	mc_buf_adds(out, "# HELP motcua_http_requests_total HTTP requests by route and status class.\n"
			 "# TYPE motcua_http_requests_total counter\n");
	for (int i = 0; i <= m->n; i++) {
		labels(m, i, lb, sizeof(lb));
		for (int c = 1; c <= 5; c++) {
			uint64_t v = atomic_load(&m->s[i].by_class[c]);
			if (v)
				mc_buf_printf(out, "motcua_http_requests_total{%s,code=\"%dxx\"} %llu\n", lb, c,
					      (unsigned long long)v);
		}
	}
	mc_buf_adds(out, "# HELP motcua_http_errors_total HTTP answers with status 4xx or 5xx.\n"
			 "# TYPE motcua_http_errors_total counter\n");
	uint64_t e4 = 0, e5 = 0;
	for (int i = 0; i <= m->n; i++) {
		e4 += atomic_load(&m->s[i].by_class[4]);
		e5 += atomic_load(&m->s[i].by_class[5]);
	}
	mc_buf_printf(out, "motcua_http_errors_total{class=\"4xx\"} %llu\n", (unsigned long long)e4);
	mc_buf_printf(out, "motcua_http_errors_total{class=\"5xx\"} %llu\n", (unsigned long long)e5);
	mc_buf_adds(out, "# HELP motcua_http_request_duration_seconds Time to answer, by route.\n"
			 "# TYPE motcua_http_request_duration_seconds histogram\n");
	for (int i = 0; i <= m->n; i++) {
		uint64_t count = atomic_load(&m->s[i].count);
		if (!count)
			continue;
		labels(m, i, lb, sizeof(lb));
		uint64_t cum = 0;
		for (size_t b = 0; b < NB; b++) {
			cum += atomic_load(&m->s[i].buckets[b]);
			mc_buf_printf(out, "motcua_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n", lb,
				      bounds[b], (unsigned long long)cum);
		}
		mc_buf_printf(out, "motcua_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", lb,
			      (unsigned long long)count);
		mc_buf_printf(out, "motcua_http_request_duration_seconds_sum{%s} %.6f\n", lb,
			      (double)atomic_load(&m->s[i].sum_us) / 1e6);
		mc_buf_printf(out, "motcua_http_request_duration_seconds_count{%s} %llu\n", lb,
			      (unsigned long long)count);
	}
	long rss_pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		long size;
		if (fscanf(f, "%ld %ld", &size, &rss_pages) != 2)
			rss_pages = 0;
		fclose(f);
	}
	mc_buf_printf(out,
		      "# HELP process_resident_memory_bytes Resident memory.\n"
		      "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %ld\n",
		      rss_pages * sysconf(_SC_PAGESIZE));
}

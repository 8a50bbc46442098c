/*
 * proxy.h (tests) - a TCP proxy on loopback between motcua and a database
 * server, which a test can make hang (stop forwarding: a stopped server, a
 * lost network) or restart (close every connection), without touching the
 * database server that other tests share.
 */
#ifndef MC_TEST_PROXY_H
#define MC_TEST_PROXY_H

#include <stddef.h>

struct mc_test_proxy;

/* Listen on 127.0.0.1 (a free port) and forward to the host and port of
 * url, a postgresql:// URL; *out_url gets url with the proxy in its place.
 * Exits 1 when it cannot. */
struct mc_test_proxy *mc_test_proxy_start(const char *url, char *out_url, size_t n);
/* on = 1: deliver nothing and accept no connection; what clients send is
 * taken but kept (the kernel of a stopped server does the same, and
 * completes TCP handshakes too); 0: carry on. */
void mc_test_proxy_stall(struct mc_test_proxy *p, int on);
/* on = 1: close every new connection at once, as a server that is down
 * (or not started yet) refuses it; those open go on; 0: forward again. */
void mc_test_proxy_refuse(struct mc_test_proxy *p, int on);
/* Close every connection, both sides, as a restarting server does; new
 * connections are forwarded again.  Returns once they are closed. */
void mc_test_proxy_cut(struct mc_test_proxy *p);
/* Connections forwarded now, and since the start. */
int mc_test_proxy_open(struct mc_test_proxy *p);
/* Connections whose client sent bytes the server did not get (while
 * stalled: clients waiting on the "hung" server). */
int mc_test_proxy_waiting(struct mc_test_proxy *p);
int mc_test_proxy_accepted(struct mc_test_proxy *p);
/* Connections closed at once since the start (mc_test_proxy_refuse). */
int mc_test_proxy_refused(struct mc_test_proxy *p);
void mc_test_proxy_stop(struct mc_test_proxy *p);

#endif

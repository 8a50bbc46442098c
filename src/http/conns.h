/*
 * conns.h - the server's connections: how many are open, how many each
 * client address holds (a limit, so that one address cannot fill every
 * slot), and how long each has been waiting for the head of its next
 * request (a deadline, so that a client sending its headers a byte at a
 * time - slowloris - or never cannot hold a connection forever).
 *
 * The server tells the tracker when a connection opens and closes and when
 * a request's head has arrived and its answer is done; a thread of the
 * tracker shuts down, once a second, the connections whose head is late.
 */
#ifndef MC_HTTP_CONNS_H
#define MC_HTTP_CONNS_H

#include <stdint.h>
#include <sys/socket.h>

struct mc_conns;
struct mc_conn_entry;

/* per_addr: connections one address may hold (0 = no limit);
 * header_timeout_s: seconds a connection may wait for a request head. */
struct mc_conns *mc_conns_new(int per_addr, int header_timeout_s);
void mc_conns_free(struct mc_conns *t);
/* May a new connection from sa be accepted?  1 yes, 0 no (over the limit). */
int mc_conns_admit(struct mc_conns *t, const struct sockaddr *sa);
/* A connection opened (fd is its socket) / closed. */
struct mc_conn_entry *mc_conns_opened(struct mc_conns *t, const struct sockaddr *sa, int fd);
void mc_conns_closed(struct mc_conns *t, struct mc_conn_entry *e);
/* The head of a request arrived (busy = 1), or its answer is done and the
 * connection waits for the next one (busy = 0). */
void mc_conns_busy(struct mc_conns *t, struct mc_conn_entry *e, int busy);
/* Connections open now; refused by the address limit; cut for a late head. */
int mc_conns_open(struct mc_conns *t);
uint64_t mc_conns_refused(struct mc_conns *t);
uint64_t mc_conns_cut(struct mc_conns *t);

#endif

/* conns.c - connection counting, per-address limits, head deadlines; see conns.h. */
#include "conns.h"

#include "../core/arena.h"
#include "../core/timeutil.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/banned.h"

#define ADDR_BUCKETS 1024

struct addr_count {
	unsigned char key[16];
	int count;
	struct addr_count *next;
};

struct mc_conn_entry {
	int fd;
	int busy;               /* a request is being read past its head or served */
	int cut;                /* shut down for a late head (once) */
	uint64_t waiting_since; /* ns: when it started waiting for a head */
	struct addr_count *addr;
	struct mc_conn_entry *prev, *next;
};

struct mc_conns {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t sweeper;
	int stop, started;
	int per_addr;
	uint64_t timeout_ns;
	int open;
	uint64_t refused, cut;
	struct mc_conn_entry *head;
	struct addr_count *buckets[ADDR_BUCKETS];
};

/* IPv4 as a v4-mapped IPv6 address, so that both are one key space. */
static int addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	memset(key, 0, 16);
	if (sa && sa->sa_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

static unsigned bucket(const unsigned char key[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % ADDR_BUCKETS;
}

static struct addr_count *addr_find(struct mc_conns *t, const unsigned char key[16], int create)
{
	struct addr_count **slot = &t->buckets[bucket(key)];
	for (struct addr_count *a = *slot; a; a = a->next)
		if (memcmp(a->key, key, 16) == 0)
			return a;
	if (!create)
		return NULL;
	struct addr_count *a = mc_xcalloc(1, sizeof(*a));
	memcpy(a->key, key, 16);
	a->next = *slot;
	*slot = a;
	return a;
}

static void addr_release(struct mc_conns *t, struct addr_count *a)
{
	if (--a->count > 0)
		return;
	struct addr_count **p = &t->buckets[bucket(a->key)];
	while (*p != a)
		p = &(*p)->next;
	*p = a->next;
	free(a);
}

/* Shut down what waits too long for a head.  MHD tells us of a closed
 * connection before it closes the socket, under the same lock, so fd is
 * still this connection's: shutdown() makes MHD's next read fail and MHD
 * closes it itself. */
static void sweep(struct mc_conns *t)
{
	uint64_t now = mc_mono_ns();
	for (struct mc_conn_entry *e = t->head; e; e = e->next)
		if (!e->busy && !e->cut && now - e->waiting_since > t->timeout_ns) {
			shutdown(e->fd, SHUT_RDWR);
			e->cut = 1;
			t->cut++;
		}
}

static void *sweeper_main(void *arg)
{
	struct mc_conns *t = arg;
	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&t->wake, &t->lock, &until);
		if (!t->stop)
			sweep(t);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct mc_conns *mc_conns_new(int per_addr, int header_timeout_s)
{
	struct mc_conns *t = mc_xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	t->per_addr = per_addr;
	t->timeout_ns = (uint64_t)(header_timeout_s > 0 ? header_timeout_s : 30) * 1000000000u;
	t->started = pthread_create(&t->sweeper, NULL, sweeper_main, t) == 0;
	return t;
}

void mc_conns_free(struct mc_conns *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = 1;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	if (t->started)
		pthread_join(t->sweeper, NULL);
	while (t->head) {
		struct mc_conn_entry *e = t->head;
		t->head = e->next;
		free(e);
	}
	for (int i = 0; i < ADDR_BUCKETS; i++)
		while (t->buckets[i]) {
			struct addr_count *a = t->buckets[i];
			t->buckets[i] = a->next;
			free(a);
		}
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int mc_conns_admit(struct mc_conns *t, const struct sockaddr *sa)
{
	if (t->per_addr <= 0)
		return 1;
	unsigned char key[16];
	if (addr_key(sa, key))
		return 1;
	pthread_mutex_lock(&t->lock);
	struct addr_count *a = addr_find(t, key, 0);
	int ok = !a || a->count < t->per_addr;
	if (!ok)
		t->refused++;
	pthread_mutex_unlock(&t->lock);
	return ok;
}

struct mc_conn_entry *mc_conns_opened(struct mc_conns *t, const struct sockaddr *sa, int fd)
{
	struct mc_conn_entry *e = mc_xcalloc(1, sizeof(*e));
	e->fd = fd;
	e->waiting_since = mc_mono_ns();
	unsigned char key[16];
	int keyed = addr_key(sa, key) == 0;
	pthread_mutex_lock(&t->lock);
	if (keyed) {
		e->addr = addr_find(t, key, 1);
		e->addr->count++;
	}
	e->next = t->head;
	if (t->head)
		t->head->prev = e;
	t->head = e;
	t->open++;
	pthread_mutex_unlock(&t->lock);
	return e;
}

void mc_conns_closed(struct mc_conns *t, struct mc_conn_entry *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&t->lock);
	if (e->prev)
		e->prev->next = e->next;
	else
		t->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	if (e->addr)
		addr_release(t, e->addr);
	t->open--;
	pthread_mutex_unlock(&t->lock);
	free(e);
}

void mc_conns_busy(struct mc_conns *t, struct mc_conn_entry *e, int busy)
{
	if (!e)
		return;
	pthread_mutex_lock(&t->lock);
	e->busy = busy;
	if (!busy)
		e->waiting_since = mc_mono_ns();
	pthread_mutex_unlock(&t->lock);
}

int mc_conns_open(struct mc_conns *t)
{
	pthread_mutex_lock(&t->lock);
	int n = t->open;
	pthread_mutex_unlock(&t->lock);
	return n;
}

uint64_t mc_conns_refused(struct mc_conns *t)
{
	pthread_mutex_lock(&t->lock);
	uint64_t n = t->refused;
	pthread_mutex_unlock(&t->lock);
	return n;
}

uint64_t mc_conns_cut(struct mc_conns *t)
{
	pthread_mutex_lock(&t->lock);
	uint64_t n = t->cut;
	pthread_mutex_unlock(&t->lock);
	return n;
}

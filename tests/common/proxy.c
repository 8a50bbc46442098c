/*
 * proxy.c (tests) - a stallable, cuttable TCP proxy; see proxy.h.
 *
 * One thread polls the listening socket and both sides of every forwarded
 * connection.  Controls (stall, refuse, cut, stop) are applied at the top of its
 * loop and acknowledged there, so that once mc_test_proxy_stall(p, 1)
 * returns not one more byte is forwarded.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXPAIRS 64
#define BUFSZ    65536

/* Bytes read from one side, waiting to be written to the other. */
struct half {
	char buf[BUFSZ];
	size_t len, off;
};

/* fd[0] the client (motcua), fd[1] the server; h[d] carries fd[d] -> fd[1-d]. */
struct pair {
	int fd[2];
	struct half h[2];
};

struct mc_test_proxy {
	int lfd, wake[2];
	struct sockaddr_storage up;
	socklen_t uplen;
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* controls, under lock: asked by the test, applied by the thread */
	int stall, cut, stop, refuse;
	unsigned asked, applied;
	int nopen, accepted, refused;
	struct pair *pairs[MAXPAIRS];
};

static void die(const char *what)
{
	fprintf(stderr, "test proxy: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void pair_close(struct mc_test_proxy *p, int i)
{
	close(p->pairs[i]->fd[0]);
	close(p->pairs[i]->fd[1]);
	free(p->pairs[i]);
	p->pairs[i] = NULL;
	p->nopen--;
}

static void take_client(struct mc_test_proxy *p)
{
	int c = accept(p->lfd, NULL, NULL);
	if (c < 0)
		return;
	if (p->refuse) {
		close(c);
		p->refused++;
		return;
	}
	int s = socket(p->up.ss_family, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&p->up, p->uplen)) {
		close(c);
		if (s >= 0)
			close(s);
		return;
	}
	for (int i = 0; i < MAXPAIRS; i++)
		if (!p->pairs[i]) {
			struct pair *x = calloc(1, sizeof(*x));
			if (!x)
				break;
			x->fd[0] = c;
			x->fd[1] = s;
			nonblock(c);
			nonblock(s);
			/* as libpq does: no Nagle delay on small messages */
			int one = 1;
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			p->pairs[i] = x;
			p->nopen++;
			p->accepted++;
			return;
		}
	close(c);
	close(s);
}

/* Move bytes along one pair; 0, or -1 when a side closed or failed.
 * Stalled, it still takes what the client sends (a stopped server's kernel
 * does too) but delivers nothing. */
static int pump(struct pair *x, const short rev[2], int stall)
{
	for (int d = 0; d < (stall ? 1 : 2); d++) {
		struct half *h = &x->h[d];
		if (h->len == 0 && (rev[d] & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(x->fd[d], h->buf, sizeof(h->buf));
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				return -1;
			if (n > 0) {
				h->len = (size_t)n;
				h->off = 0;
			}
		}
		if (h->len && !stall) {
			ssize_t n = write(x->fd[1 - d], h->buf + h->off, h->len);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -1;
			if (n > 0) {
				h->off += (size_t)n;
				h->len -= (size_t)n;
			}
		}
	}
	return 0;
}

static void *proxy_main(void *arg)
{
	struct mc_test_proxy *p = arg;
	struct pollfd fds[2 + 2 * MAXPAIRS];
	int idx[MAXPAIRS];
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->cut) {
			for (int i = 0; i < MAXPAIRS; i++)
				if (p->pairs[i])
					pair_close(p, i);
			p->cut = 0;
		}
		int stall = p->stall, stop = p->stop;
		p->applied = p->asked;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		if (stop)
			break;

		int n = 0;
		fds[n++] = (struct pollfd){.fd = p->wake[0], .events = POLLIN};
		/* stalled: new connections wait in the backlog */
		fds[n++] = (struct pollfd){.fd = stall ? -1 : p->lfd, .events = POLLIN};
		for (int i = 0; i < MAXPAIRS; i++) {
			idx[i] = -1;
			struct pair *x = p->pairs[i];
			if (!x)
				continue;
			idx[i] = n;
			fds[n++] = (struct pollfd){
				.fd = x->fd[0],
				.events = (short)((x->h[0].len ? 0 : POLLIN) | (x->h[1].len && !stall ? POLLOUT : 0)),
			};
			fds[n++] = (struct pollfd){
				.fd = stall ? -1 : x->fd[1],
				.events = (short)((x->h[1].len ? 0 : POLLIN) | (x->h[0].len ? POLLOUT : 0)),
			};
		}
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (fds[0].revents) {
			char b[64];
			while (read(p->wake[0], b, sizeof(b)) > 0)
				;
			continue; /* controls first */
		}
		pthread_mutex_lock(&p->lock);
		if (fds[1].revents & POLLIN)
			take_client(p);
		for (int i = 0; i < MAXPAIRS; i++) {
			if (idx[i] < 0 || !p->pairs[i])
				continue;
			short rev[2] = {fds[idx[i]].revents, fds[idx[i] + 1].revents};
			if (pump(p->pairs[i], rev, stall))
				pair_close(p, i);
		}
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* Apply a change of controls and wait until the thread took it. */
static void control(struct mc_test_proxy *p, int stall, int cut, int stop, int refuse)
{
	pthread_mutex_lock(&p->lock);
	if (stall >= 0)
		p->stall = stall;
	if (refuse >= 0)
		p->refuse = refuse;
	p->cut |= cut;
	p->stop |= stop;
	unsigned want = ++p->asked;
	if (write(p->wake[1], "x", 1) < 0 && errno != EAGAIN)
		die("write");
	while ((int)(p->applied - want) < 0)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void mc_test_proxy_stall(struct mc_test_proxy *p, int on)
{
	control(p, on ? 1 : 0, 0, 0, -1);
}
void mc_test_proxy_refuse(struct mc_test_proxy *p, int on)
{
	control(p, -1, 0, 0, on ? 1 : 0);
}
void mc_test_proxy_cut(struct mc_test_proxy *p)
{
	control(p, -1, 1, 0, -1);
}

int mc_test_proxy_open(struct mc_test_proxy *p)
{
	pthread_mutex_lock(&p->lock);
	int n = p->nopen;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int mc_test_proxy_waiting(struct mc_test_proxy *p)
{
	pthread_mutex_lock(&p->lock);
	int n = 0;
	for (int i = 0; i < MAXPAIRS; i++)
		n += p->pairs[i] && p->pairs[i]->h[0].len > 0;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int mc_test_proxy_accepted(struct mc_test_proxy *p)
{
	pthread_mutex_lock(&p->lock);
	int n = p->accepted;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int mc_test_proxy_refused(struct mc_test_proxy *p)
{
	pthread_mutex_lock(&p->lock);
	int n = p->refused;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void mc_test_proxy_stop(struct mc_test_proxy *p)
{
	if (!p)
		return;
	control(p, -1, 1, 1, -1);
	pthread_join(p->th, NULL);
	close(p->lfd);
	close(p->wake[0]);
	close(p->wake[1]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}

struct mc_test_proxy *mc_test_proxy_start(const char *url, char *out_url, size_t n)
{
	/* postgresql://[user@]host[:port]/db[?...] */
	const char *auth = strstr(url, "://");
	if (!auth) {
		fprintf(stderr, "test proxy: not a URL: %s\n", url);
		exit(1);
	}
	auth += 3;
	const char *end = auth + strcspn(auth, "/?");
	const char *host = auth;
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			host = q + 1;
	const char *colon = memchr(host, ':', (size_t)(end - host));
	char h[256], port[16] = "5432";
	size_t hl = (size_t)((colon ? colon : end) - host);
	if (hl == 0 || hl >= sizeof(h) || *host == '[') {
		fprintf(stderr, "test proxy: cannot take the host of %s\n", url);
		exit(1);
	}
	memcpy(h, host, hl);
	h[hl] = '\0';
	if (colon)
		snprintf(port, sizeof(port), "%.*s", (int)(end - colon - 1), colon + 1);

	struct mc_test_proxy *p = calloc(1, sizeof(*p));
	if (!p)
		die("calloc");
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(h, port, &hints, &res) || !res) {
		fprintf(stderr, "test proxy: cannot resolve %s:%s\n", h, port);
		exit(1);
	}
	memcpy(&p->up, res->ai_addr, res->ai_addrlen);
	p->uplen = res->ai_addrlen;
	freeaddrinfo(res);

	p->lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(p->lfd, 64) ||
	    getsockname(p->lfd, (struct sockaddr *)&a, &al))
		die("listen");
	nonblock(p->lfd);
	if (pipe(p->wake))
		die("pipe");
	nonblock(p->wake[0]);
	nonblock(p->wake[1]);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	snprintf(out_url, n, "%.*s127.0.0.1:%d%s", (int)(host - url), url, ntohs(a.sin_port), end);
	if (pthread_create(&p->th, NULL, proxy_main, p))
		die("pthread_create");
	return p;
}

/* server.c - spawn and stop motcua serve for HTTP tests; see server.h. */
#include "server.h"

#include "http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Servers still running, killed at exit: a helper that gives up with
 * exit(1) in the middle of a test (mc_http_login_as, testdb) must not leave
 * a server holding the test's output open (ctest would wait for it). */
static pid_t running[16];

static void kill_running(void)
{
	/* only a child of ours still running (a test may have reaped one) */
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i] > 0 && waitpid(running[i], NULL, WNOHANG) == 0) {
			kill(running[i], SIGKILL);
			waitpid(running[i], NULL, 0);
			running[i] = 0;
		}
}

static void track(pid_t pid, pid_t was)
{
	static int registered;
	if (!registered) {
		atexit(kill_running);
		registered = 1;
	}
	for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++)
		if (running[i] == was) {
			running[i] = pid;
			return;
		}
}

/* The port the server bound: it listens on port 0 (the kernel picks a free
 * one, so that servers started at once by parallel tests never collide)
 * and says which in its "listening" log line.  0 while not yet said. */
static int logged_port(const char *log)
{
	FILE *f = fopen(log, "r");
	if (!f)
		return 0;
	char line[1024];
	int port = 0;
	while (!port && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "\"msg\":\"listening\"");
		if (p && (p = strstr(p, "\"port\":")))
			port = atoi(p + 7);
	}
	fclose(f);
	return port;
}

void mc_test_server_start(struct mc_test_server *s, const char *db_url, const char *const *env)
{
	mc_test_server_start_bin(s, getenv("MOTCUA_BIN"), db_url, env);
}

void mc_test_server_start_bin(struct mc_test_server *s, const char *bin, const char *db_url, const char *const *env)
{
	if (!bin) {
		fprintf(stderr, "MOTCUA_BIN (or MOTCUA_RELEASE_BIN) is not set\n");
		exit(1);
	}
	static int started;
	s->port = 0;
	snprintf(s->log, sizeof(s->log), "/tmp/motcua-test-server-%d-%d.log", (int)getpid(), ++started);
	unlink(s->log);
	s->pid = fork();
	if (s->pid == 0) {
		setenv("MOTCUA_DB", db_url, 1);
		setenv("MOTCUA_LISTEN", "127.0.0.1:0", 1);
		setenv("MOTCUA_THREADS", "2", 0);
		/* no hourly snapshot or daily report behind a test's back */
		setenv("MOTCUA_SNAPSHOTS", "0", 0);
		for (const char *const *e = env; e && *e; e++)
			putenv((char *)*e);
		int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 2);
			close(fd);
		}
		execl(bin, bin, "serve", (char *)NULL);
		perror("exec motcua");
		_exit(127);
	}
	track(s->pid, 0);
	char url[128];
	for (int i = 0; i < 600; i++) { /* up to 60 s (sanitizer builds start slowly) */
		if (!s->port && (s->port = logged_port(s->log))) {
			snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
			snprintf(url, sizeof(url), "%s/healthz", s->base);
		}
		struct mc_http_res r = {0};
		if (s->port && mc_http_raw("GET", url, NULL, NULL, &r) == 0 && r.status == 200) {
			mc_http_res_free(&r);
			return;
		}
		mc_http_res_free(&r);
		int st;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			track(0, s->pid);
			fprintf(stderr, "motcua serve exited early; its log (%s):\n", s->log);
			char cmd[300];
			snprintf(cmd, sizeof(cmd), "cat %s >&2", s->log);
			if (system(cmd) != 0)
				fprintf(stderr, "(no log)\n");
			exit(1);
		}
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "motcua serve did not answer /healthz\n");
	kill(s->pid, SIGKILL);
	exit(1);
}

int mc_test_server_wait(struct mc_test_server *s, int timeout_s)
{
	if (s->pid <= 0)
		return -1;
	for (int i = 0; i < timeout_s * 10; i++) {
		int st;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			track(0, s->pid);
			s->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

int mc_test_server_stop(struct mc_test_server *s)
{
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	for (int i = 0; i < 300; i++) {
		int st;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			track(0, s->pid);
			s->pid = 0;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				unlink(s->log);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	track(0, s->pid);
	s->pid = 0;
	return -1;
}

int mc_test_run_cli(const char *db_url, const char *args, char *out, size_t n)
{
	const char *bin = getenv("MOTCUA_BIN");
	if (!bin) {
		fprintf(stderr, "MOTCUA_BIN is not set (run through ctest)\n");
		exit(1);
	}
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "MOTCUA_DB='%s' '%s' %s 2>/dev/null", db_url, bin, args);
	FILE *p = popen(cmd, "r");
	if (!p) {
		perror("popen");
		exit(1);
	}
	size_t len = fread(out, 1, n - 1, p);
	out[len] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int mc_test_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || getsockname(fd, (struct sockaddr *)&a, &n)) {
		fprintf(stderr, "no free port\n");
		exit(1);
	}
	int port = ntohs(a.sin_port);
	close(fd);
	return port;
}

pid_t mc_test_python_start(const char *dir, const char *const *argv)
{
	const char *args[16] = {"python3"};
	size_t k = 1;
	for (; argv[k - 1] && k < 15; k++)
		args[k] = argv[k - 1];
	args[k] = NULL;
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	char ready[512];
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* not left behind by a test that stops short */
		if (getppid() != parent)
			_exit(127);
		snprintf(ready, sizeof(ready), "%s/ready.%d", dir, (int)getpid());
		if (!freopen(ready, "w", stdout))
			_exit(127);
		execv("/usr/bin/python3", (char *const *)args);
		_exit(127);
	}
	snprintf(ready, sizeof(ready), "%s/ready.%d", dir, (int)pid);
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(ready, "r");
		char line[16] = "";
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
		}
		if (strncmp(line, "ready", 5) == 0)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		usleep(50000);
	}
	fprintf(stderr, "%s did not get ready\n", argv[0]);
	kill(pid, SIGTERM);
	exit(1);
}

int mc_test_log_count(const char *path, const char *text)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return n;
}

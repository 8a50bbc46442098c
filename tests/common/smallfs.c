/* smallfs.c (tests) - a tmpfs that a test can fill; see smallfs.h. */
#define _GNU_SOURCE
#include "smallfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "smallfs: %s %s: %s\n", what, arg, strerror(errno));
	exit(1);
}

int mc_test_smallfs_mount(char *dir, size_t n, size_t bytes)
{
	char tmpl[] = "/tmp/motcua-smallfs.XXXXXX";
	if (unshare(CLONE_NEWNS)) {
		fprintf(stderr, "smallfs: cannot have a mount namespace (%s): needs root\n", strerror(errno));
		return -1;
	}
	/* our mounts must not reach the rest of the system */
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		fprintf(stderr, "smallfs: cannot make mounts private: %s\n", strerror(errno));
		return -1;
	}
	if (!mkdtemp(tmpl))
		die("mkdtemp", tmpl);
	char opts[64];
	snprintf(opts, sizeof(opts), "size=%zu,mode=0755", bytes);
	if (mount("motcua-smallfs", tmpl, "tmpfs", MS_NOSUID | MS_NODEV, opts)) {
		fprintf(stderr, "smallfs: cannot mount a tmpfs: %s\n", strerror(errno));
		rmdir(tmpl);
		return -1;
	}
	snprintf(dir, n, "%s", tmpl);
	return 0;
}

void mc_test_smallfs_copy(const char *from, const char *dir, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", dir, name);
	int in = open(from, O_RDONLY), o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || o < 0)
		die("copy", from);
	char buf[65536];
	ssize_t k;
	while ((k = read(in, buf, sizeof(buf))) > 0)
		if (write(o, buf, (size_t)k) != k)
			die("copy to", out);
	close(in);
	if (k < 0 || close(o))
		die("copy", from);
}

void mc_test_smallfs_fill(const char *dir)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/filler", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		die("open", path);
	static char zeros[65536];
	/* big pieces, then smaller ones: up to the very last byte */
	for (size_t chunk = sizeof(zeros); chunk; chunk /= 16)
		while (write(fd, zeros, chunk) > 0)
			;
	if (errno != ENOSPC)
		die("fill", path);
	close(fd);
}

void mc_test_smallfs_unfill(const char *dir)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/filler", dir);
	unlink(path);
}

void mc_test_smallfs_release(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[600];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	umount(dir);
	rmdir(dir);
}

/* static.c - in-memory static files with ETags and security headers. */
#include "static.h"

#include "../crypto/crypto.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/banned.h"

#define MAX_FILE  (4u << 20)
#define MAX_TOTAL (32u << 20)

struct file {
	char *path; /* "/css/app.css" */
	char *data;
	size_t len;
	char etag[24];
	const char *ctype;
};

struct mc_static {
	struct file *f;
	size_t n, cap, total;
};

static const char *ctype_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{".webmanifest", "application/manifest+json"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL; /* unknown types are not served */
}

static void add(struct mc_static *st, const char *rel, const char *full)
{
	const char *ctype = ctype_of(rel);
	struct stat sb;
	if (!ctype || stat(full, &sb) || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > MAX_FILE ||
	    st->total + (size_t)sb.st_size > MAX_TOTAL)
		return;
	FILE *fp = fopen(full, "rb");
	if (!fp)
		return;
	char *data = mc_xmalloc((size_t)sb.st_size + 1);
	size_t len = fread(data, 1, (size_t)sb.st_size, fp);
	fclose(fp);
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 32;
		st->f = mc_xrealloc(st->f, st->cap * sizeof(*st->f));
	}
	struct file *f = &st->f[st->n++];
	f->path = mc_xstrdup(rel);
	f->data = data;
	f->len = len;
	f->ctype = ctype;
	char hex[MC_SHA256_HEX];
	mc_sha256_hex(data, len, hex);
	snprintf(f->etag, sizeof(f->etag), "\"%.16s\"", hex);
	st->total += len;
}

static void walk(struct mc_static *st, const char *root, const char *rel, int depth)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s%s", root, rel);
	DIR *d = opendir(dir);
	if (!d || depth > 6) {
		if (d)
			closedir(d);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char r2[1024], full[2048];
		snprintf(r2, sizeof(r2), "%s/%s", rel, e->d_name);
		snprintf(full, sizeof(full), "%s%s", root, r2);
		struct stat sb;
		if (lstat(full, &sb))
			continue;
		if (S_ISDIR(sb.st_mode))
			walk(st, root, r2, depth + 1);
		else if (S_ISREG(sb.st_mode))
			add(st, r2, full);
	}
	closedir(d);
}

struct mc_static *mc_static_load(const char *dir)
{
	struct mc_static *st = mc_xcalloc(1, sizeof(*st));
	walk(st, dir, "", 0);
	return st;
}

void mc_static_free(struct mc_static *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		free(st->f[i].path);
		free(st->f[i].data);
	}
	free(st->f);
	free(st);
}

static const struct file *find(const struct mc_static *st, const char *path)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->f[i].path, path) == 0)
			return &st->f[i];
	return NULL;
}

int mc_static_serve(struct mc_static *st, struct mc_req *r)
{
	if (!st || (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0))
		return 0;
	const char *path = r->path;
	if (strncmp(path, "/api/", 5) == 0 || strstr(path, ".."))
		return 0;
	const struct file *f = strcmp(path, "/") == 0 ? find(st, "/index.html") : find(st, path);
	const char *last = strrchr(path, '/');
	if (!f && last && !ctype_of(last))
		f = find(st, "/index.html"); /* a page route: /tra-cuu, /thu-tuc/1.001193 */
	if (!f)
		return 0;
	int html = strncmp(f->ctype, "text/html", 9) == 0;
	mc_res_header(r, "ETag", f->etag);
	/* Pages, scripts, styles and strings are kept by the browser but
	 * revalidated on each use (a 304 against the ETag), so a new release
	 * is never mixed with cached modules of the old one; images and fonts
	 * are kept for an hour. */
	int code = html || strncmp(f->ctype, "text/", 5) == 0 || strncmp(f->ctype, "application/json", 16) == 0;
	mc_res_header(r, "Cache-Control", code ? "no-cache" : "public, max-age=3600");
	mc_res_header(r, "Content-Security-Policy",
		      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
		      "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
		      "form-action 'self'; frame-ancestors 'none'");
	mc_res_header(r, "Referrer-Policy", "no-referrer");
	mc_res_header(r, "X-Frame-Options", "DENY");
	const char *inm = mc_req_header(r, "If-None-Match");
	if (inm && strcmp(inm, f->etag) == 0) {
		mc_res_empty(r, 304);
		return 1;
	}
	mc_res_text(r, 200, f->ctype, f->data, f->len);
	return 1;
}

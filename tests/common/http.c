/* http.c (tests) - libcurl client; see http.h. */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct sink {
	char *p;
	size_t n;
};

static size_t write_cb(char *data, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t k = size * nmemb;
	char *q = realloc(s->p, s->n + k + 1);
	if (!q)
		return 0;
	memcpy(q + s->n, data, k);
	s->n += k;
	q[s->n] = '\0';
	s->p = q;
	return k;
}

int mc_http_raw(const char *method, const char *url, const char *body, const char *const *headers,
		struct mc_http_res *res)
{
	return mc_http_raw_within(method, url, body, headers, 60000, res);
}

int mc_http_raw_within(const char *method, const char *url, const char *body, const char *const *headers,
		       long timeout_ms, struct mc_http_res *res)
{
	memset(res, 0, sizeof(*res));
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	struct sink b = {0}, h = {0};
	struct curl_slist *hl = NULL;
	for (const char *const *x = headers; x && *x; x++)
		hl = curl_slist_append(hl, *x);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	res->body = b.p ? b.p : calloc(1, 1);
	res->len = b.n;
	res->headers = h.p ? h.p : calloc(1, 1);
	if (rc != CURLE_OK)
		return -1;
	const char *ct = mc_http_header(res, "Content-Type");
	if (strstr(ct, "json"))
		res->json = json_loadb(res->body, res->len, 0, NULL);
	return 0;
}

void mc_http_res_free(struct mc_http_res *res)
{
	free(res->body);
	free(res->headers);
	json_decref(res->json);
	memset(res, 0, sizeof(*res));
}

const char *mc_http_header(const struct mc_http_res *res, const char *name)
{
	static _Thread_local char out[1024];
	size_t n = strlen(name);
	out[0] = '\0';
	for (const char *p = res->headers; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			size_t vl = len - (size_t)(v - p);
			if (vl >= sizeof(out))
				vl = sizeof(out) - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
		}
		if (!eol)
			break;
		p = eol + 2;
	}
	return out;
}

void mc_http_session_init(struct mc_http_session *s, const char *base)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
}

long mc_http_login(struct mc_http_session *s, const char *user, const char *password, int bearer)
{
	char body[512];
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\",\"token\":%s}", user, password,
		 bearer ? "true" : "false");
	struct mc_http_res r;
	s->cookie[0] = s->token[0] = s->csrf[0] = '\0';
	if (mc_http_do(s, "POST", "/api/v1/auth/login", body, NULL, &r))
		return -1;
	long st = r.status;
	if (st == 200 && r.json) {
		const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
		snprintf(s->csrf, sizeof(s->csrf), "%s", csrf ? csrf : "");
		if (bearer) {
			const char *t = json_string_value(json_object_get(r.json, "token"));
			snprintf(s->token, sizeof(s->token), "%s", t ? t : "");
		} else {
			const char *sc = mc_http_header(&r, "Set-Cookie");
			snprintf(s->cookie, sizeof(s->cookie), "%.*s", (int)strcspn(sc, ";"), sc);
		}
	}
	mc_http_res_free(&r);
	return st;
}

int mc_http_do(struct mc_http_session *s, const char *method, const char *path, const char *body,
	       const char *const *headers, struct mc_http_res *res)
{
	char url[1024], h_cookie[200], h_auth[200], h_csrf[100], h_lang[40];
	const char *hs[24];
	int n = 0;
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	if (body)
		hs[n++] = "Content-Type: application/json";
	if (s->cookie[0]) {
		snprintf(h_cookie, sizeof(h_cookie), "Cookie: %s", s->cookie);
		hs[n++] = h_cookie;
		if (s->csrf[0]) {
			snprintf(h_csrf, sizeof(h_csrf), "X-CSRF-Token: %s", s->csrf);
			hs[n++] = h_csrf;
		}
	}
	if (s->token[0]) {
		snprintf(h_auth, sizeof(h_auth), "Authorization: Bearer %s", s->token);
		hs[n++] = h_auth;
	}
	if (s->lang[0]) {
		snprintf(h_lang, sizeof(h_lang), "Accept-Language: %s", s->lang);
		hs[n++] = h_lang;
	}
	for (const char *const *x = headers; x && *x && n < 22; x++)
		hs[n++] = *x;
	hs[n] = NULL;
	return mc_http_raw(method, url, body, hs, res);
}

long mc_http_get(struct mc_http_session *s, const char *path, struct mc_http_res *res)
{
	return mc_http_do(s, "GET", path, NULL, NULL, res) ? -1 : res->status;
}

long mc_http_post(struct mc_http_session *s, const char *path, const char *body, struct mc_http_res *res)
{
	return mc_http_do(s, "POST", path, body, NULL, res) ? -1 : res->status;
}

void mc_http_login_as(struct mc_http_session *s, const char *base, const char *user)
{
	mc_http_session_init(s, base);
	long st = mc_http_login(s, user, MC_HTTP_DEMO_PASSWORD, 1);
	if (st != 200) {
		fprintf(stderr, "log in as %s at %s: status %ld, want 200\n", user, base, st);
		exit(1);
	}
}

long mc_http_act_v(struct mc_http_session *s, const char *code, const char *action, long version, const char *body,
		   struct mc_http_res *res)
{
	char path[256], im[40];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions/%s", code, action);
	snprintf(im, sizeof(im), "If-Match: \"v%ld\"", version);
	const char *h[] = {im, NULL};
	return mc_http_do(s, "POST", path, body ? body : "{}", version >= 0 ? h : NULL, res) ? -1 : res->status;
}

long mc_http_act(struct mc_http_session *s, const char *code, const char *action, const char *body,
		 struct mc_http_res *res)
{
	char path[256], im[1100];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s", code);
	long st = mc_http_get(s, path, res);
	const char *etag = st == 200 ? mc_http_header(res, "ETag") : "";
	if (!etag[0]) {
		fprintf(stderr, "%s on %s: reading the dossier for its ETag answered %ld%s: %s\n", action, code, st,
			st == 200 ? " without an ETag" : "", res->body ? res->body : "");
		return -1;
	}
	snprintf(im, sizeof(im), "If-Match: %s", etag);
	mc_http_res_free(res);
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions/%s", code, action);
	const char *h[] = {im, NULL};
	return mc_http_do(s, "POST", path, body ? body : "{}", h, res) ? -1 : res->status;
}

long mc_http_upload(struct mc_http_session *s, const char *bytes, char sha[65])
{
	static int n;
	char url[200], auth[200], key[64];
	snprintf(url, sizeof(url), "%s/api/v1/files", s->base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", s->token);
	snprintf(key, sizeof(key), "Idempotency-Key: upload-%d-%d", (int)getpid(), ++n);
	const char *h[] = {auth, "Content-Type: application/octet-stream", key, NULL};
	struct mc_http_res r;
	if (mc_http_raw("POST", url, bytes, h, &r))
		return -1;
	sha[0] = '\0';
	if (r.status == 201 && json_string_value(json_object_get(r.json, "sha256")))
		snprintf(sha, 65, "%s", json_string_value(json_object_get(r.json, "sha256")));
	long st = r.status;
	mc_http_res_free(&r);
	return st;
}

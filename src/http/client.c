/* client.c - outgoing HTTP(S) with libcurl (see client.h). */
#include "client.h"

#include "../core/err.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void mc_http_client_init(void)
{
	pthread_once(&once, init);
}

/* The answer's body is not needed: only its status. */
static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* Keep the answer's body, up to the buffer's limit. */
static size_t keep(char *p, size_t size, size_t n, void *ud)
{
	return mc_buf_add(ud, p, size * n) ? 0 : size * n;
}

/* One request: a POST of body (content_type, one more header) or a GET;
 * the answer's body kept in answer, or dropped when answer is NULL. */
static int perform(const char *method, const char *url, const char *content_type, const char *header, const void *body,
		   size_t n, int timeout_s, long *status, struct mc_buf *answer, char *err, size_t errlen)
{
	pthread_once(&once, init);
	*status = 0;
	err[0] = '\0';
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	char ct[128];
	snprintf(ct, sizeof(ct), "Content-Type: %s", content_type ? content_type : "application/json");
	struct curl_slist *headers = curl_slist_append(NULL, ct);
	if (header)
		headers = curl_slist_append(headers, header);
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	}
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, answer ? keep : discard);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "motcua");
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

int mc_http_client_post(const char *url, const char *content_type, const void *body, size_t n, int timeout_s,
			long *status, char *err, size_t errlen)
{
	return perform("POST", url, content_type, NULL, body, n, timeout_s, status, NULL, err, errlen);
}

int mc_http_client_post_with(const char *url, const char *content_type, const char *header, const void *body, size_t n,
			     int timeout_s, long *status, char *err, size_t errlen)
{
	return perform("POST", url, content_type, header, body, n, timeout_s, status, NULL, err, errlen);
}

int mc_http_client_call(const char *method, const char *url, const char *content_type, const void *body, size_t n,
			int timeout_s, long *status, struct mc_buf *answer, char *err, size_t errlen)
{
	return perform(method, url, content_type, NULL, body, n, timeout_s, status, answer, err, errlen);
}

int mc_http_client_call_with(const char *method, const char *url, const char *content_type, const char *header,
			     const void *body, size_t n, int timeout_s, long *status, struct mc_buf *answer, char *err,
			     size_t errlen)
{
	return perform(method, url, content_type, header, body, n, timeout_s, status, answer, err, errlen);
}

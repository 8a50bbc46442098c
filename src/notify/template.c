/* template.c - the messages' texts (web/i18n/notify/{vi,en}.json) and
 * their placeholders; see notify.h. */
#include "notify.h"

#include "../core/buf.h"
#include "../core/text.h"
#include "../core/timeutil.h"
#include "../core/arena.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static json_t *texts[2]; /* vi, en */
static int loaded = MC_E_INVAL;
static char why[1024] = "not loaded";
static char share[512];

static void load(void)
{
	static const char *const langs[] = {"vi", "en"};
	for (int i = 0; i < 2; i++) {
		char path[640];
		json_error_t je;
		snprintf(path, sizeof(path), "%s/web/i18n/notify/%s.json", share, langs[i]);
		texts[i] = json_load_file(path, 0, &je);
		if (!json_is_object(texts[i])) {
			snprintf(why, sizeof(why), "%s: %s (line %d)", path, je.text, je.line);
			return;
		}
	}
	loaded = 0;
	why[0] = '\0';
}

int mc_notify_templates_load(const char *share_dir, char *err, size_t errlen)
{
	if (!share[0])
		snprintf(share, sizeof(share), "%s", share_dir && *share_dir ? share_dir : ".");
	pthread_once(&once, load);
	if (loaded && err)
		snprintf(err, errlen, "%s", why);
	return loaded;
}

const char *mc_notify_template(const char *lang, const char *key)
{
	if (loaded)
		return NULL;
	const char *t = NULL;
	if (lang && strcmp(lang, "en") == 0)
		t = json_string_value(json_object_get(texts[1], key));
	return t ? t : json_string_value(json_object_get(texts[0], key));
}

/* "2026-11-26T13:07:08+07:00" -> "13:07 26/11/2026" (Vietnam's time). */
static int as_time(const char *s, char *out, size_t n)
{
	int64_t ms;
	if (strlen(s) < 20 || s[10] != 'T' || mc_time_parse(s, &ms))
		return 0;
	char vn[40];
	mc_time_format_vn(ms, vn, sizeof(vn));
	snprintf(out, n, "%.5s %.2s/%.2s/%.4s", vn + 11, vn + 8, vn + 5, vn);
	return 1;
}

/* The value of placeholder name (len bytes) written to b. */
static void put_var(struct mc_buf *b, json_t *vars, const char *name, size_t len, int ascii)
{
	char key[64], tbuf[32];
	if (len >= sizeof(key))
		return;
	memcpy(key, name, len);
	key[len] = '\0';
	json_t *v = json_object_get(vars, key);
	if (json_is_integer(v)) {
		mc_buf_printf(b, "%lld", (long long)json_integer_value(v));
		return;
	}
	const char *s = json_string_value(v);
	if (!s)
		return;
	if (as_time(s, tbuf, sizeof(tbuf))) {
		mc_buf_adds(b, tbuf);
		return;
	}
	char *a = ascii ? mc_text_unaccent_dup(s) : NULL;
	mc_buf_adds(b, a ? a : s);
	free(a);
}

char *mc_notify_render(const char *lang, const char *key, json_t *vars, int ascii)
{
	const char *t = mc_notify_template(lang, key);
	if (!t)
		return NULL;
	struct mc_buf b;
	mc_buf_init(&b, 64 * 1024);
	for (const char *p = t; *p;) {
		const char *close = *p == '{' ? strchr(p + 1, '}') : NULL;
		size_t len = close ? (size_t)(close - p - 1) : 0;
		if (close && len > 0 && strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_0123456789") == len) {
			put_var(&b, vars, p + 1, len, ascii);
			p = close + 1;
		} else {
			mc_buf_addc(&b, *p++);
		}
	}
	return mc_buf_detach(&b, NULL);
}

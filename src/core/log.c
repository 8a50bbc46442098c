/* log.c - JSON line logging; see log.h. */
#include "log.h"

#include "timeutil.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

static enum mc_log_level level = MC_LOG_INFO;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *names[] = {"debug", "info", "warn", "error", "off"};

void mc_log_set_level(enum mc_log_level lvl)
{
	level = lvl;
}

int mc_log_parse_level(const char *s, enum mc_log_level *out)
{
	for (int i = 0; i <= MC_LOG_OFF; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum mc_log_level)i;
			return 0;
		}
	return -1;
}

void mc_log_line(const char *json)
{
	/* One write(2) per line: lines from several threads never interleave
	 * (stderr is unbuffered, and a write of a few hundred bytes is atomic
	 * on pipes and O_APPEND files), and no lock is needed. */
	char buf[2048];
	size_t n = strlen(json);
	if (n < sizeof(buf) - 1) {
		memcpy(buf, json, n);
		buf[n++] = '\n';
		ssize_t w = write(STDERR_FILENO, buf, n);
		(void)w;
		return;
	}
	pthread_mutex_lock(&lock);
	fputs(json, stderr);
	fputc('\n', stderr);
	fflush(stderr);
	pthread_mutex_unlock(&lock);
}

int mc_log_on(enum mc_log_level lvl)
{
	return lvl >= level;
}

void mc_log_write(const json_t *line)
{
	/* reals (durations) with up to 10 significant digits, not 17 */
	const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);
	char buf[2048];
	size_t n = json_dumpb(line, buf, sizeof(buf) - 1, flags);
	if (n && n < sizeof(buf) - 1) {
		/* the common case: no allocation, one write(2) */
		buf[n++] = '\n';
		ssize_t w = write(STDERR_FILENO, buf, n);
		(void)w;
		return;
	}
	char *text = json_dumps(line, flags);
	if (text)
		mc_log_line(text);
	free(text);
}

void mc_log_json(enum mc_log_level lvl, const char *msg, json_t *fields)
{
	if (lvl < level) {
		json_decref(fields);
		return;
	}
	char ts[40];
	mc_time_format_utc(mc_time_now_ms(), ts, sizeof(ts));
	json_t *line = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", names[lvl], "msg", msg);
	if (fields)
		json_object_update(line, fields);
	json_decref(fields);
	if (line)
		mc_log_write(line);
	json_decref(line);
}

void mc_log(enum mc_log_level lvl, const char *msg, const char *fields_fmt, ...)
{
	if (lvl < level)
		return;
	char body[1024] = "";
	if (fields_fmt) {
		va_list ap;
		va_start(ap, fields_fmt);
		vsnprintf(body, sizeof(body), fields_fmt, ap);
		va_end(ap);
	}
	json_t *fields = NULL;
	if (body[0]) {
		/* the caller's members, read back as JSON; text that is not
		 * (an unescaped quote, a cut value) is kept as one string */
		char wrapped[1030];
		snprintf(wrapped, sizeof(wrapped), "{%s}", body);
		fields = json_loads(wrapped, 0, NULL);
		if (!json_is_object(fields)) {
			json_decref(fields);
			fields = json_pack("{s:s}", "fields", body);
		}
	}
	mc_log_json(lvl, msg, fields);
}

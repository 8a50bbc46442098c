/*
 * log.h - structured logs: one JSON object per line on stderr.
 *
 * Never pass passwords, tokens or personal data (names, ID numbers, phones,
 * e-mail addresses) to these functions; log identifiers instead.
 */
#ifndef MC_LOG_H
#define MC_LOG_H

#include <jansson.h>

enum mc_log_level { MC_LOG_DEBUG, MC_LOG_INFO, MC_LOG_WARN, MC_LOG_ERROR, MC_LOG_OFF };

void mc_log_set_level(enum mc_log_level lvl);
int mc_log_parse_level(const char *s, enum mc_log_level *out);
/* msg is a short event name; fields is a pre-rendered JSON object body
 * ("\"k\":1,\"x\":\"y\"") or NULL. */
void mc_log(enum mc_log_level lvl, const char *msg, const char *fields_fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with the fields as an object (taken over, NULL for none): its
 * members follow ts, level and msg in their order.  Prefer this one: the
 * values are escaped. */
void mc_log_json(enum mc_log_level lvl, const char *msg, json_t *fields);
/* Whether lines of this level are written. */
int mc_log_on(enum mc_log_level lvl);
/* Write a complete line, an object whose first members are ts, level and
 * msg (not taken over): for a caller that keeps a line object and refills
 * it (the access log). */
void mc_log_write(const json_t *line);
/* Write a complete, pre-rendered JSON line (no newline needed). */
void mc_log_line(const char *json);

#define mc_info(msg, ...)      mc_log(MC_LOG_INFO, msg, __VA_ARGS__)
#define mc_warn(msg, ...)      mc_log(MC_LOG_WARN, msg, __VA_ARGS__)
#define mc_error_msg(msg, ...) mc_log(MC_LOG_ERROR, msg, __VA_ARGS__)

#endif

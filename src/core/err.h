/*
 * err.h - motcua error codes and the error object.
 *
 * Functions return int: 0 on success, a negative MC_E* code on failure.
 * The codes, their HTTP status, stable machine string and Vietnamese / English
 * titles come from one X-macro table, err.def.  An mc_error carries, next to the
 * code, a public detail (shown to the client) and a log-only detail (never sent
 * to the client; may name tables, SQL states, file paths) - see PostgreSQL's
 * errdetail_log.
 */
#ifndef MC_ERR_H
#define MC_ERR_H

#include <stddef.h>

/* Index of each row in err.def; 0 is success. */
enum mc__err_index {
	MC__I_OK = 0,
#define MC_ERR(name, status, code, vi, en) MC__I_##name,
#include "err.def"
#undef MC_ERR
	MC__I_COUNT
};

/* The error numbers callers use: MC_E_NAME, always negative. */
enum mc_err {
	MC_OK = 0,
#define MC_ERR(name, status, code, vi, en) MC_E_##name = -(int)MC__I_##name,
#include "err.def"
#undef MC_ERR
};

/* HTTP status of an error number (negative) or 200 for 0. */
int mc_err_status(int err);
/* Stable machine string, e.g. "bad_json". */
const char *mc_err_code(int err);
/* Title in the given language ("vi" or "en"; anything else gives Vietnamese). */
const char *mc_err_title(int err, const char *lang);

/*
 * A field-level problem, for 422 answers: which field, a stable reason code,
 * and messages in both languages.
 */
struct mc_field_error {
	const char *field;
	const char *reason;
	const char *vi;
	const char *en;
};

#define MC_MAX_FIELD_ERRORS 32

struct mc_error {
	int code;             /* negative MC_E_* or 0 */
	char detail[256];     /* public, shown to the client (may be empty) */
	char log_detail[512]; /* log-only */
	int retry_after;      /* seconds, for 429/503; 0 = none */
	int attempts_left;    /* after a wrong password: tries left before
			       * the waits begin; shown when has_attempts_left */
	int has_attempts_left;
	size_t nfields;
	struct mc_field_error fields[MC_MAX_FIELD_ERRORS];
	size_t ntext;    /* used bytes of text[] */
	char text[2048]; /* the messages with their parameters filled in */
};

void mc_error_init(struct mc_error *e);
/* Set code and public detail (printf-style, may be NULL). Returns code. */
int mc_error_set(struct mc_error *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append to the log-only detail. Returns e->code. */
int mc_error_log(struct mc_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Add a field problem (strings must outlive e: literals or arena memory).
 * Prefer mc_bad_field: the domain names the problem, msg.def words it. */
void mc_error_field(struct mc_error *e, const char *field, const char *reason, const char *vi, const char *en);

/*
 * The messages of field problems, one table (msg.def): each row gives the
 * stable reason code the API returns with it and the message in Vietnamese
 * and English, where {1} and {2} stand for the parameters.  Code that finds
 * a problem names the row and gives the parameters; it carries no text.
 */
enum mc_msg {
#define MC_MSG(name, reason, vi, en) MC_M_##name,
#include "msg.def"
#undef MC_MSG
	MC__M_COUNT
};

/* Add the field problem of row m; msg1/msg2 for a row with one or two
 * parameters, msgn for one number (a row's parameter count must match the
 * call: checked in debug builds, and for the table by the unit tests). */
void mc_bad_field(struct mc_error *e, const char *field, enum mc_msg m);
void mc_bad_field1(struct mc_error *e, const char *field, enum mc_msg m, const char *p1);
void mc_bad_field2(struct mc_error *e, const char *field, enum mc_msg m, const char *p1, const char *p2);
void mc_bad_fieldn(struct mc_error *e, const char *field, enum mc_msg m, long long n);
void mc_bad_fieldn2(struct mc_error *e, const char *field, enum mc_msg m, long long a, long long b);
/* Row m: its reason code, its text ("en" or Vietnamese), how many
 * parameters it takes. */
const char *mc_msg_reason(enum mc_msg m);
const char *mc_msg_text(enum mc_msg m, const char *lang);
int mc_msg_params(enum mc_msg m);

#endif

/* config.c - defaults, config file and environment; see config.h. */
#include "config.h"
#include "calendar.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

/* The defaults of where things are.  The build tree's motcua reads the
 * source tree it was built from and keeps its state in ./var; the one that
 * `make install` installs is this file compiled again with the installed
 * paths (CMakeLists.txt, motcua-installed): PREFIX/share/motcua and
 * /var/lib/motcua. */
#ifdef MC_INSTALLED_SHARE_DIR
#define DEFAULT_SHARE_DIR MC_INSTALLED_SHARE_DIR
#define DEFAULT_DATA_DIR  MC_INSTALLED_DATA_DIR
#else
#ifndef MC_SHARE_DIR
#define MC_SHARE_DIR "."
#endif
#define DEFAULT_SHARE_DIR MC_SHARE_DIR
#define DEFAULT_DATA_DIR  "var"
#endif

enum kind { STR, INT, SIZE };

struct key {
	const char *name;
	enum kind kind;
	size_t off, size;
	long min, max;
};

#define S(n)                                                                                                           \
	{                                                                                                              \
#n, STR, offsetof(struct mc_config, n), sizeof(((struct mc_config *)0)->n), 0, 0                       \
	}
#define I(n, lo, hi)                                                                                                   \
	{                                                                                                              \
#n, INT, offsetof(struct mc_config, n), 0, lo, hi                                                      \
	}
static const struct key keys[] = {
	S(db),
	S(db_replica),
	I(replica_fresh_s, 0, 300),
	I(replica_retry_ms, 100, 3600000),
	I(housekeeping_interval_ms, 100, 86400000),
	S(listen),
	S(data_dir),
	S(share_dir),
	S(log_level),
	S(public_url),
	S(pki_secret),
	S(provinces),
	S(office_hours),
	I(threads, 0, 256),
	I(db_pool, 0, 1024),
	{"body_limit", SIZE, offsetof(struct mc_config, body_limit), 0, 1024, 1L << 30},
	{"upload_limit", SIZE, offsetof(struct mc_config, upload_limit), 0, 1024, 1L << 30},
	{"upload_quota", SIZE, offsetof(struct mc_config, upload_quota), 0, 0, 1L << 40},
	I(upload_keep_hours, 1, 24 * 365),
	I(session_ttl, 60, 86400 * 90),
	I(session_idle, 60, 86400 * 30),
	I(login_max_user, 1, 1000),
	I(login_max_addr, 1, 100000),
	I(login_window, 1, 86400),
	I(cookie_secure, 0, 1),
	I(shutdown_grace, 0, 3600),
	I(trust_proxy, 0, 1),
	I(session_cache_ms, 0, 60000),
	I(track_limit, 0, 1000000),
	I(feedback_limit, 0, 1000000),
	I(max_connections, 0, 1000000),
	I(conn_per_addr, 0, 1000000),
	I(header_timeout, 1, 3600),
	I(db_connect_timeout_ms, 100, 600000),
	I(db_statement_timeout_ms, 0, 86400000),
	I(db_lock_timeout_ms, 0, 86400000),
	I(db_hang_timeout_ms, 0, 600000),
	I(db_group_commit, -1, 100000),
	I(exchange_interval_ms, 50, 600000),
	I(snapshots, 0, 1),
	I(notify, 0, 1),
	I(notify_interval_ms, 50, 600000),
	S(smtp_url),
	S(smtp_from),
	S(smtp_from_name),
	S(smtp_user),
	S(smtp_password),
	S(sms_url),
	S(sms_token),
	S(vnpay_tmn),
	S(vnpay_secret),
	S(vnpay_url),
	S(vnpay_api_url),
	S(vnpay_return_url),
	I(paysim, 0, 1),
	I(portal, 0, 1),
	I(portal_interval_ms, 50, 600000),
	S(portal_url),
	S(portal_token),
};
#undef S
#undef I

static char home_province[8] = MC_DEFAULT_PROVINCES;

const char *mc_config_province(void)
{
	return home_province;
}

/* "79" or "79,74": two-digit codes separated by commas. */
static int valid_provinces(const char *s)
{
	for (;;) {
		if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
			return 0;
		if (s[2] == '\0')
			return 1;
		if (s[2] != ',')
			return 0;
		s += 3;
	}
}

int mc_config_is_pg(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

int mc_config_set(struct mc_config *c, const char *key, const char *value)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		if (strcmp(k->name, key) != 0)
			continue;
		char *dst = (char *)c + k->off;
		if (k->kind == STR) {
			if (strlen(value) >= k->size)
				return -1;
			struct mc_cal_span spans[MC_CAL_MAX_SPANS];
			int n;
			if (strcmp(key, "office_hours") == 0 && mc_cal_parse_office_hours(value, spans, &n))
				return -1;
			if (strcmp(key, "provinces") == 0 && !valid_provinces(value))
				return -1;
			memcpy(dst, value, strlen(value) + 1);
			return 0;
		}
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < k->min || v > k->max)
			return -1;
		if (k->kind == INT)
			*(int *)(void *)dst = (int)v;
		else
			*(size_t *)(void *)dst = (size_t)v;
		return 0;
	}
	return -2;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_file(struct mc_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open config file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		int r = mc_config_set(c, k, v);
		if (r) {
			snprintf(err, errlen, "%s:%d: %s key '%s'", path, lineno, r == -2 ? "unknown" : "bad value for",
				 k);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

const char *mc_config_default_share_dir(void)
{
	return DEFAULT_SHARE_DIR;
}

const char *mc_config_default_data_dir(void)
{
	return DEFAULT_DATA_DIR;
}

int mc_config_load(struct mc_config *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->data_dir, sizeof(c->data_dir), "%s", DEFAULT_DATA_DIR);
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	snprintf(c->share_dir, sizeof(c->share_dir), "%s", DEFAULT_SHARE_DIR);
	snprintf(c->log_level, sizeof(c->log_level), "info");
	snprintf(c->public_url, sizeof(c->public_url), "http://127.0.0.1:8080");
	snprintf(c->office_hours, sizeof(c->office_hours), "07:30-11:30,13:00-17:00");
	snprintf(c->provinces, sizeof(c->provinces), "%s", MC_DEFAULT_PROVINCES);
	c->body_limit = 1 << 20;
	c->upload_limit = 10 << 20;
	c->upload_quota = 200u << 20;
	c->upload_keep_hours = 72;
	c->session_ttl = 12 * 3600;
	c->session_idle = 30 * 60;
	c->login_max_user = 5;
	c->login_max_addr = 50;
	c->login_window = 15 * 60;
	c->shutdown_grace = 30;
	c->session_cache_ms = 2000;
	c->replica_fresh_s = 5;
	c->replica_retry_ms = 10000;
	c->housekeeping_interval_ms = 600000;
	c->track_limit = 60;
	c->feedback_limit = 20;
	c->conn_per_addr = 256;
	c->header_timeout = 30;
	c->db_connect_timeout_ms = 5000;
	c->db_statement_timeout_ms = 30000;
	c->db_lock_timeout_ms = 5000;
	c->db_hang_timeout_ms = 1000;
	c->db_group_commit = -1;
	c->exchange_interval_ms = 2000;
	c->snapshots = 1;
	c->notify = 1;
	c->notify_interval_ms = 2000;
	c->portal_interval_ms = 5000;
	snprintf(c->smtp_from, sizeof(c->smtp_from), "khong-tra-loi@motcua.localhost");
	snprintf(c->smtp_from_name, sizeof(c->smtp_from_name), "Cổng dịch vụ công");

	if (!path)
		path = getenv("MOTCUA_CONFIG");
	if (path && *path && load_file(c, path, err, errlen))
		return -1;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char env[64] = "MOTCUA_";
		size_t n = strlen(env);
		for (const char *p = keys[i].name; *p && n < sizeof(env) - 1; p++)
			env[n++] = (char)toupper((unsigned char)*p);
		env[n] = '\0';
		const char *v = getenv(env);
		if (v && mc_config_set(c, keys[i].name, v)) {
			snprintf(err, errlen, "bad value for %s", env);
			return -1;
		}
	}
	if (!c->db[0])
		snprintf(c->db, sizeof(c->db), "%.400s/motcua.db", c->data_dir);
	if (!c->pki_secret[0])
		snprintf(c->pki_secret, sizeof(c->pki_secret), "%.400s/pki/secret", c->data_dir);
	if (c->threads == 0) {
		/* Requests wait for the disk (a durable commit) more than they
		 * compute: several threads per core let those waits overlap, and
		 * group commit make one fsync for them all. */
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		n = n > 0 ? 4 * n : 8;
		c->threads = (int)(n < 8 ? 8 : n > 256 ? 256 : n);
	}
	if (c->db_pool == 0)
		c->db_pool = c->threads + 2;
	if (c->db_group_commit < 0)
		c->db_group_commit = mc_config_is_pg(c->db) ? 0 : 64;
	if (c->paysim && !c->vnpay_tmn[0])
		snprintf(c->vnpay_tmn, sizeof(c->vnpay_tmn), "MOTCUA01");
	if (c->paysim && !c->vnpay_secret[0])
		snprintf(c->vnpay_secret, sizeof(c->vnpay_secret), "motcua-paysim-demo-secret-not-for-production");
	if (!c->vnpay_return_url[0])
		snprintf(c->vnpay_return_url, sizeof(c->vnpay_return_url), "%.200s/thanh-toan/ket-qua", c->public_url);
	/* the first code of the list (checked by mc_config_set) */
	memcpy(home_province, c->provinces, 2);
	home_province[2] = '\0';
	return 0;
}

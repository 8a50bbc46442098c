/*
 * config.h - runtime configuration.
 *
 * Defaults need nothing; a config file (MOTCUA_CONFIG, or --config) of
 * "key = value" lines overrides them; environment variables override both.
 * Each key's environment name is MOTCUA_ + the key in upper case
 * (db -> MOTCUA_DB, listen -> MOTCUA_LISTEN, ...).
 */
#ifndef MC_CONFIG_H
#define MC_CONFIG_H

#include <stddef.h>

struct mc_config {
	char db[512];         /* SQLite file path or postgresql:// URL */
	char db_replica[512]; /* postgresql:// URL of a replica for reads that may lag ("" = none; ignored with SQLite)
			       */
	int replica_fresh_s;  /* seconds after a client's write during which its reads go to the primary */
	int replica_retry_ms; /* how often a replica that could not be opened is tried again */
	int housekeeping_interval_ms; /* how often housekeeping runs (on one server of those sharing the database) */
	char listen[128];             /* host:port */
	char data_dir[512];           /* blobs and the default SQLite file */
	char share_dir[512];          /* shipped data: units, web, migrations */
	char log_level[16];
	char public_url[256]; /* how citizens reach this server (links and QR codes on forms) */
	char pki_secret[512]; /* file of the PKI secret that seals the CAs' and agencies' keys; "" = data_dir/pki/secret
			       */
	char provinces[64];   /* the provinces served (GSO codes, "79" or "79,74"); the first is the
				 province of what has none of its own */
	char office_hours[80]; /* "07:30-11:30,13:00-17:00": when deadlines in working time run (an agency may have its
				  own) */
	int threads;           /* 0 = 4 per core, 8 at least */
	int db_pool;           /* connections; 0 = threads + 2 */
	size_t body_limit;     /* bytes of a request body */
	size_t upload_limit;   /* bytes of an uploaded file */
	size_t upload_quota;   /* bytes of a user's files not yet attached to a dossier; 0 = no limit */
	int upload_keep_hours; /* hours an unattached upload is kept before housekeeping removes it */
	int session_ttl;       /* seconds a session lives at most */
	int session_idle;      /* seconds of idleness that end a session */
	int login_max_user;    /* failed logins per account per window */
	int login_max_addr;    /* failed logins per address per window */
	int login_window;      /* seconds */
	int cookie_secure;     /* set Secure on cookies (behind TLS) */
	int shutdown_grace;    /* seconds to finish requests on SIGTERM */
	int trust_proxy;       /* take the client address from X-Forwarded-For */
	int session_cache_ms;  /* how long a resolved session is reused in-process */
	int track_limit;       /* public tracking lookups per address per minute; 0 = no limit */
	int feedback_limit;    /* citizens' feedback reports per address per hour; 0 = no limit */
	int max_connections;   /* HTTP connections at most; 0 = from the open-files limit */
	int conn_per_addr;     /* connections one client address may hold; 0 = no limit */
	int header_timeout;    /* seconds a connection may take to send a request head */
	/* Database time limits in milliseconds (see mc_db_limits in db/db.h);
	 * 0 turns a limit off, except the connect one. */
	int db_connect_timeout_ms;
	int db_statement_timeout_ms;
	int db_lock_timeout_ms;
	int db_hang_timeout_ms;
	/* Group commit (mc_db_group_commit in db/db.h): write transactions
	 * made durable by one COMMIT at most; 0 = one COMMIT each; -1 = the
	 * back-end's default (SQLite 64, PostgreSQL 0). */
	int db_group_commit;
	int exchange_interval_ms; /* how often the outbox's edXML messages due are sent */
	int snapshots; /* 1: the dashboard's snapshot every hour and the leaders' daily reports (src/snapshot) */
	/* Notifications (src/notify): the worker, and what it sends by. */
	int notify;               /* 1: the server delivers the outbox's messages */
	int notify_interval_ms;   /* how often it looks for messages to send */
	char smtp_url[256];       /* smtp://host:port or smtps://...; "" = no e-mail */
	char smtp_from[256];      /* the sender's address */
	char smtp_from_name[128]; /* and name */
	char smtp_user[128];      /* SMTP login, "" = none */
	char smtp_password[256];  /* never logged */
	char sms_url[256];        /* the SMS gateway's URL; "" = no SMS */
	char sms_token[256];      /* its bearer token, never logged */
	/* Fees paid by VNPAY (src/payment): the merchant's terminal code and
	 * shared secret (never logged), the gateway's payment page, its
	 * transaction API (refunds) and where it sends the browser back ("":
	 * public_url + /thanh-toan/ket-qua).  paysim 1: the server answers as
	 * the gateway itself (/paysim/..., a simulator for the demo and the
	 * tests, with a demo terminal and secret when none is set: `make run`
	 * sets it); 0 (the default): never - a deployment without a gateway
	 * takes VietQR transfers and cash only. */
	char vnpay_tmn[32];
	char vnpay_secret[256];
	char vnpay_url[256];
	char vnpay_api_url[256];
	char vnpay_return_url[256];
	int paysim;
	/* The national public-service portal (src/portal): 1 = the server sends
	 * the dossiers' changes to portal_url (its synchronisation API) with the
	 * bearer portal_token (never logged), every portal_interval_ms; 0 (the
	 * default): the changes wait in the queue (`motcua portal` sends them). */
	int portal;
	int portal_interval_ms;
	char portal_url[256];
	char portal_token[256];
};

/* Fill with defaults, then the file (path may be NULL: MOTCUA_CONFIG or
 * none), then the environment.  On error writes a message to err. */
int mc_config_load(struct mc_config *c, const char *path, char *err, size_t errlen);
/* Apply one key = value (used by the file and by tests). */
int mc_config_set(struct mc_config *c, const char *key, const char *value);
/* The province of records that carry none of their own (a citizen's
 * account without a ward): the first of the provinces of the last
 * configuration loaded, MC_DEFAULT_PROVINCES before any. */
#define MC_DEFAULT_PROVINCES "79"
const char *mc_config_province(void);
/* This binary's built-in share_dir and data_dir: the source tree and
 * "var" in the build tree, PREFIX/share/motcua and /var/lib/motcua once
 * installed (make install). */
const char *mc_config_default_share_dir(void);
const char *mc_config_default_data_dir(void);
/* True when db names a PostgreSQL server. */
int mc_config_is_pg(const char *db);

#endif

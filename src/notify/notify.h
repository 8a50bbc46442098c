/*
 * notify.h - notifications that reach people: the outbox's rows about
 * dossiers, documents, calendars, polls, directives, reports, payments and
 * feedback, sent by e-mail and SMS and written to the recipient's in-app
 * inbox (issue 16).
 *
 * The domains write outbox rows in their own transactions (recipient: the
 * user's id, name, phone and e-mail; payload: what the message says).  The
 * delivery worker (the server's thread, or `motcua notify`) then:
 *
 *   plan     takes each new row once (planned_at): writes its inbox message
 *            in the user's language and queues one delivery per channel the
 *            recipient has and this server sends by (e-mail when SMTP is
 *            set up, SMS when the event has an SMS text and a gateway is set
 *            up);
 *   claim    marks deliveries due as `sending` in a committed transaction
 *            BEFORE the message leaves;
 *   record   after the try: `sent`, `pending` again with a longer pause
 *            (30 s doubling to an hour, 8 tries), or `dead` (refused for
 *            good, or out of tries); then, in a transaction of its own,
 *   ack      marks the outbox row delivered once none of its deliveries is
 *            pending or being sent.
 *
 * A crash between claim and record leaves a delivery `sending`: after the
 * lease it is moved to the dead letters with "outcome unknown" and is never
 * sent again by itself (the message may have left): no message is sent
 * twice.  An operator retries dead letters (they go back to pending).  A
 * crash between record and ack is healed by the next round's ack.
 *
 * Messages are rendered from web/i18n/notify/{vi,en}.json: "<event>.subject",
 * "<event>.text" (e-mail and inbox body) and "<event>.sms" (without
 * diacritics); {name} is replaced by the payload's member of that name
 * (times as "HH:MM dd/mm/yyyy" in Vietnam's time), {recipient} by the
 * recipient's name, {link} by the public URL and the payload's path.
 */
#ifndef MC_NOTIFY_H
#define MC_NOTIFY_H

#include "../core/err.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

#define MC_NOTIFY_TRIES    8
#define MC_NOTIFY_LEASE_MS (5 * 60 * 1000) /* a delivery `sending` longer than this was cut off */
#define MC_NOTIFY_BATCH    64

/* What this server sends by, and how links are written. */
struct mc_notify_channels {
	int email;              /* SMTP is set up */
	int sms;                /* an SMS gateway is set up */
	const char *public_url; /* prefix of the payloads' links */
};

/* Load the templates from share_dir/web/i18n/notify/{vi,en}.json (once;
 * later calls return the first outcome).  0, or MC_E_INVAL with the reason
 * in err. */
int mc_notify_templates_load(const char *share_dir, char *err, size_t errlen);
/* The text of key ("<event>.subject" ...) in lang ("vi" | "en", Vietnamese
 * when the key has no English), or NULL. */
const char *mc_notify_template(const char *lang, const char *key);
/* Render template key of lang with vars (an object: strings, integers; a
 * time string "YYYY-MM-DDTHH:MM:SS+07:00" written as "HH:MM dd/mm/yyyy").
 * ascii: diacritics removed from the values too (SMS).  malloc'd, or NULL
 * when there is no such template. */
char *mc_notify_render(const char *lang, const char *key, json_t *vars, int ascii);

/* Plan up to MC_NOTIFY_BATCH new rows (one write transaction); *planned
 * how many.  0 or an error. */
int mc_notify_plan(struct mc_conn *c, const struct mc_notify_channels *ch, int64_t now, int *planned);

/* A delivery claimed for sending: everything the sender needs. */
struct mc_notify_msg {
	int64_t id, outbox_id;
	char channel[8];
	char address[256];
	char lang[4];
	char message_id[96]; /* <delivery.outbox@motcua> for the e-mail's Message-ID */
	char *subject;       /* e-mail: subject; SMS: NULL */
	char *text;          /* e-mail body or SMS text */
	char *recipient;     /* the recipient's name (may be "") */
};
/* Claim up to max deliveries due at now (each committed as `sending`
 * before this returns); *n of them.  Free with mc_notify_msgs_free. */
int mc_notify_claim(struct mc_conn *c, const struct mc_notify_channels *ch, int64_t now, struct mc_notify_msg *msgs,
		    int max, int *n);
void mc_notify_msgs_free(struct mc_notify_msg *msgs, int n);

enum mc_notify_outcome {
	MC_NOTIFY_SENT,
	MC_NOTIFY_RETRY,   /* a passing failure: tried again later */
	MC_NOTIFY_REFUSED, /* refused for good (no such mailbox, bad number) */
};
/* Record how a claimed delivery went (its own transaction); error: what
 * went wrong (kept, never with a secret). */
int mc_notify_record(struct mc_conn *c, int64_t delivery, enum mc_notify_outcome o, const char *error, int64_t now);
/* Acknowledge the outbox rows whose deliveries are all done (those of
 * outbox_id, or all when 0); move deliveries `sending` past the lease to
 * the dead letters (outcome unknown). */
int mc_notify_ack(struct mc_conn *c, int64_t outbox_id, int64_t now);

/* Housekeeping: the deliveries sent more than MC_NOTIFY_KEEP_DAYS ago
 * removed (their inbox messages stay).  Rows removed, or an error. */
#define MC_NOTIFY_KEEP_DAYS 90
int64_t mc_notify_housekeeping(struct mc_conn *c, int64_t now);

/* ---- the operator's view (admin.c) ---- */
/* Deliveries in state (pending | sending | sent | dead), newest first,
 * before id (0: from the newest), at most limit. */
int mc_notify_list(struct mc_conn *c, const char *state, int64_t before, int limit, json_t **out);
/* Counts per channel and state, the oldest pending's age. */
int mc_notify_summary(struct mc_conn *c, int64_t now, json_t **out);
/* A dead letter back to pending, due now (its tries start again), in the
 * caller's transaction (which audits it); MC_E_NOT_FOUND, MC_E_CONFLICT
 * when it is not dead. */
int mc_notify_retry(struct mc_conn *c, int64_t delivery, int64_t now);

/* ---- the in-app inbox (inbox.c) ---- */
/* The user's messages, newest first, before id (0: from the newest), at
 * most limit: {"items": [...], "unread": n, "more": bool}. */
int mc_inbox_list(struct mc_conn *c, int64_t user, int64_t before, int limit, json_t **out);
/* Mark one (id) or all (id 0) of the user's messages read; MC_E_NOT_FOUND
 * when id is not theirs. */
int mc_inbox_read(struct mc_conn *c, int64_t user, int64_t id, int64_t now);

#endif

/* plan.c - each new outbox row, once: its inbox message and its deliveries
 * (see notify.h). */
#include "notify.h"

#include "../core/arena.h"
#include "../core/log.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct row {
	int64_t id, dossier;
	char event[64];
	json_t *to, *payload;
};

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

/* The language the user reads their messages in. */
static void lang_of(struct mc_conn *c, json_t *to, char lang[4])
{
	snprintf(lang, 4, "vi");
	int64_t user = json_integer_value(json_object_get(to, "user_id"));
	const char *l = str(to, "lang");
	struct mc_stmt *s;
	if (!l && user > 0 && mc_query(c, &s, "SELECT lang FROM users WHERE id = ?", "i", user) == 0) {
		if (mc_step_row(s) == 0 && mc_col_text(s, 0) && strcmp(mc_col_text(s, 0), "en") == 0)
			snprintf(lang, 4, "en");
		mc_stmt_done(s);
	} else if (l && strcmp(l, "en") == 0) {
		snprintf(lang, 4, "en");
	}
}

/* What a dossier's messages name: its procedure, and the tracking link. */
static void dossier_vars(struct mc_conn *c, int64_t dossier, const char *lang, json_t *vars)
{
	struct mc_stmt *s;
	if (mc_query(c, &s,
		     "SELECT d.code, d.secret, p.name, p.name_en, COALESCE(d.appointment_at, d.due_at, 0) FROM"
		     " dossiers d JOIN procedures p ON p.id = d.procedure_id WHERE d.id = ?",
		     "i", dossier))
		return;
	if (mc_step_row(s) == 0) {
		char link[256];
		snprintf(link, sizeof(link), "/tra-cuu?ma=%s&s=%s", mc_col_text(s, 0), mc_col_text(s, 1));
		json_object_set_new(vars, "procedure", json_string(mc_col_text(s, strcmp(lang, "en") == 0 ? 3 : 2)));
		if (!json_object_get(vars, "link"))
			json_object_set_new(vars, "link", json_string(link));
		char when[40] = "";
		if (mc_col_int64(s, 4)) /* the date the applicant is given (moved by an apology) */
			mc_time_format_vn(mc_col_int64(s, 4), when, sizeof(when));
		json_object_set_new(vars, "appointment", json_string(when));
	}
	mc_stmt_done(s);
}

/* The placeholders' values: the payload's members, the recipient's name,
 * the site's address, and a link made absolute ({path} keeps it local). */
static json_t *vars_of(struct mc_conn *c, const struct row *r, const char *lang, const char *site)
{
	json_t *v = json_is_object(r->payload) ? json_deep_copy(r->payload) : json_object();
	const char *name = str(r->to, "full_name") ? str(r->to, "full_name") : str(r->to, "name");
	json_object_set_new(v, "recipient", json_string(name ? name : ""));
	json_object_set_new(v, "site", json_string(site));
	const char *k;
	json_t *x;
	json_object_foreach(json_object_get(r->payload, "detail"), k, x) /* the details too, when not named above */
		if (!json_object_get(v, k))
			json_object_set(v, k, x);
	/* a detail given in both languages (name, name_en): the English one
	 * fills {name} in English messages */
	if (strcmp(lang, "en") == 0)
		json_object_foreach(json_object_get(r->payload, "detail"), k, x) {
			size_t n = strlen(k);
			if (n > 3 && strcmp(k + n - 3, "_en") == 0 && json_is_string(x)) {
				char base[64];
				snprintf(base, sizeof(base), "%.*s", (int)(n - 3), k);
				json_object_set(v, base, x);
			}
		}
	if (r->dossier)
		dossier_vars(c, r->dossier, lang, v);
	const char *link = str(v, "link") ? str(v, "link") : str(v, "url");
	if (link && link[0] == '/') {
		json_object_set_new(v, "path", json_string(link));
		char *abs = NULL;
		size_t n = strlen(site) + strlen(link) + 1;
		abs = mc_xmalloc(n);
		snprintf(abs, n, "%s%s", site, link);
		json_object_set_new(v, "link", json_string(abs));
		free(abs);
	}
	return v;
}

/* The event whose texts the message takes: a result ready before its
 * date says so (the law asks that an early return be announced). */
static const char *event_of(const struct row *r, int64_t now, char *buf, size_t n)
{
	int64_t due;
	const char *d = str(r->payload, "due_at");
	if (strcmp(r->event, "result_ready") == 0 && d && mc_time_parse(d, &due) == 0 &&
	    mc_vn_day(now) < mc_vn_day(due))
		return "result_ready_early";
	snprintf(buf, n, "%s", r->event);
	return buf;
}

static int64_t queue(struct mc_conn *c, const struct row *r, const char *channel, const char *address, const char *lang,
		     const char *name, const char *subject, const char *body, int64_t now)
{
	return mc_exec(c,
		       "INSERT INTO deliveries (outbox_id, channel, address, lang, name, subject, body, state, next_at,"
		       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
		       "ittttttii", r->id, channel, address, lang, name, subject, body, now, now);
}

/* One row: 0 or an error (the caller's transaction is then undone). */
static int plan_row(struct mc_conn *c, const struct mc_notify_channels *ch, const struct row *r, int64_t now)
{
	/* taken once: another server planning the same row finds it taken */
	int64_t k =
		mc_exec(c, "UPDATE outbox SET planned_at = ? WHERE id = ? AND planned_at IS NULL", "ii", now, r->id);
	if (k <= 0)
		return k < 0 ? (int)k : 0;
	char lang[4], ev[64], key[96];
	lang_of(c, r->to, lang);
	const char *event = event_of(r, now, ev, sizeof(ev));
	json_t *v = vars_of(c, r, lang, ch->public_url);
	snprintf(key, sizeof(key), "%s.subject", event);
	char *subject = mc_notify_render(lang, key, v, 0);
	snprintf(key, sizeof(key), "%s.text", event);
	char *text = mc_notify_render(lang, key, v, 0);
	snprintf(key, sizeof(key), "%s.sms", event);
	char *sms = mc_notify_render(lang, key, v, 1);
	int64_t user = json_integer_value(json_object_get(r->to, "user_id")), n = 0;
	const char *name = json_string_value(json_object_get(v, "recipient"));
	int queued = 0, secret = strcmp(r->event, "password_reset") == 0;
	if (!subject || !text)
		mc_log_json(MC_LOG_WARN, "notify_no_template",
			    json_pack("{s:s, s:I}", "event", event, "outbox_id", (json_int_t)r->id));
	if (subject && text && user > 0 && !secret)
		n = mc_exec(c,
			    "INSERT INTO inbox_messages (user_id, outbox_id, event, subject, body, link, created_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?)",
			    "iitttti", user, r->id, event, subject, text, str(v, "path"), now);
	if (n >= 0 && subject && text && ch->email && str(r->to, "email")) {
		n = queue(c, r, "email", str(r->to, "email"), lang, name, subject, text, now);
		queued++;
	}
	if (n >= 0 && sms && ch->sms && str(r->to, "phone")) {
		n = queue(c, r, "sms", str(r->to, "phone"), lang, name, NULL, sms, now);
		queued++;
	}
	if (n >= 0 && !queued) /* nothing leaves: done now */
		n = mc_exec(c, "UPDATE outbox SET delivered_at = ? WHERE id = ?", "ii", now, r->id);
	if (n >= 0 && secret) /* the one-time code is kept in its messages only */
		n = mc_exec(c, "UPDATE outbox SET payload = '{}' WHERE id = ?", "i", r->id);
	free(subject);
	free(text);
	free(sms);
	json_decref(v);
	return n < 0 ? (int)n : 0;
}

static void rows_free(struct row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		json_decref(rows[i].to);
		json_decref(rows[i].payload);
	}
}

int mc_notify_plan(struct mc_conn *c, const struct mc_notify_channels *ch, int64_t now, int *planned)
{
	*planned = 0;
	struct row rows[MC_NOTIFY_BATCH];
	int n = 0;
	int64_t any = 0; /* a look first: an idle worker takes no write lock */
	int rc = mc_query_int64(c, &any,
				"SELECT id FROM outbox WHERE planned_at IS NULL AND exchange_id IS NULL LIMIT 1", "");
	if (rc)
		return rc == MC_E_NOT_FOUND ? 0 : rc;
	if ((rc = mc_tx_begin(c, 1)))
		return rc;
	struct mc_stmt *s;
	rc = mc_query(c, &s,
		      "SELECT id, COALESCE(dossier_id, 0), event, recipient, payload FROM outbox"
		      " WHERE planned_at IS NULL AND exchange_id IS NULL ORDER BY id LIMIT ?",
		      "d", MC_NOTIFY_BATCH);
	int step = MC_DB_DONE;
	while (!rc && n < MC_NOTIFY_BATCH && (step = mc_step(s)) == MC_DB_ROW) {
		json_error_t je;
		struct row *r = &rows[n++];
		r->id = mc_col_int64(s, 0);
		r->dossier = mc_col_int64(s, 1);
		snprintf(r->event, sizeof(r->event), "%s", mc_col_text(s, 2));
		r->to = json_loads(mc_col_text(s, 3), 0, &je);
		r->payload = json_loads(mc_col_text(s, 4), 0, &je);
	}
	if (!rc) {
		mc_stmt_done(s);
		rc = step == MC_DB_DONE || step == MC_DB_ROW ? 0 : step;
	}
	for (int i = 0; i < n && !rc; i++)
		rc = plan_row(c, ch, &rows[i], now);
	rows_free(rows, n);
	if (rc || !n)
		mc_tx_rollback(c);
	else if (!(rc = mc_tx_commit(c)))
		*planned = n;
	return rc;
}

/* exchange.c - `motcua exchange peer|peers`: the agencies elsewhere that
 * documents are exchanged with (edXML, QCVN 102:2016); `motcua exchange
 * external|deliver`: agencies whose own system handles their dossiers, and
 * the hand-over of those dossiers (also the server's courier's). */
#include "cli.h"

#include "../core/log.h"
#include "../core/timeutil.h"
#include "../exchange/exchange.h"
#include "../http/client.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua exchange peer --organ ID --name NAME --url URL --ca FILE\n"
			    "       motcua exchange peers\n"
			    "\n"
			    "peer   add or change an agency that documents are exchanged with: its code\n"
			    "       (OrganId, e.g. 000.00.00.G01), its name, the URL its edXML packages\n"
			    "       and status messages are POSTed to (another motcua: https://HOST/edxml)\n"
			    "       and FILE, the PEM of the CA chain its agencies' seals are issued under\n"
			    "       (another motcua serves it at /pki/ca.pem).  Packages from it are\n"
			    "       accepted only when signed with the seal of the agency they say they\n"
			    "       are from, under that CA.\n"
			    "peers  list them\n"
			    "\n"
			    "       motcua exchange external --agency CODE (--url URL [--token-file FILE] | --off)\n"
			    "       motcua exchange deliver [--drain]\n"
			    "\n"
			    "external  make an agency external: its own system (the police's residence\n"
			    "          system, social insurance's) handles its dossiers.  A dossier\n"
			    "          that comes to it is POSTed as JSON to URL (with the bearer token\n"
			    "          in FILE, when given), and the system answers through the exchange\n"
			    "          API (/api/v1/exchange/dossiers/CODE/acknowledge|result|refuse)\n"
			    "          with an account of that agency.  --off: handled in motcua again.\n"
			    "deliver   hand the dossiers that are due to their agencies' systems once\n"
			    "          (--drain: until none is due now); `motcua serve` does the same\n"
			    "          every exchange_interval_ms.\n";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

int mc_cli_handoff_round(struct mc_db *db, const char *public_url, int *delivered, int *failed)
{
	struct mc_handoff_due rows[16];
	int n = 0;
	struct mc_conn *c;
	int rc = mc_db_acquire(db, &c);
	if (rc)
		return rc;
	rc = mc_handoff_due(c, mc_time_now_ms(), public_url, rows, 16, &n);
	mc_db_release(c);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++) {
		long status = 0;
		char err[256] = "", auth[300] = "";
		if (rows[i].token[0])
			snprintf(auth, sizeof(auth), "Authorization: Bearer %s", rows[i].token);
		if (!rows[i].body)
			snprintf(err, sizeof(err), "the dossier is gone");
		else if (mc_http_client_post_with(rows[i].url, "application/json", auth[0] ? auth : NULL, rows[i].body,
						  rows[i].len, 30, &status, err, sizeof(err)) == 0 &&
			 (status < 200 || status >= 300))
			snprintf(err, sizeof(err), "HTTP %ld", status);
		if (mc_db_acquire(db, &c) == 0) {
			rc = mc_handoff_tried(c, rows[i].id, status, err[0] ? err : NULL, mc_time_now_ms());
			mc_db_release(c);
		}
		if (err[0]) {
			(*failed)++;
			mc_log_json(MC_LOG_INFO, "handoff_try_failed",
				    json_pack("{s:I, s:i, s:s}", "handoff_id", (json_int_t)rows[i].id, "http_status",
					      (int)status, "error", err));
		} else {
			(*delivered)++;
		}
	}
	mc_handoff_due_free(rows, n);
	return rc ? rc : n;
}

static int external(int argc, char **argv, struct mc_cli_db *s)
{
	char err[300] = "";
	const char *code = mc_cli_opt(argc, argv, "agency"), *url = mc_cli_opt(argc, argv, "url");
	const char *file = mc_cli_opt(argc, argv, "token-file");
	char *token = file ? slurp(file) : NULL;
	if (file && !token) {
		fprintf(stderr, "motcua: cannot read %s\n", file);
		return 1;
	}
	if (token)
		token[strcspn(token, "\r\n")] = '\0';
	int rc = mc_tx_begin(s->c, 1);
	if (!rc)
		rc = mc_handoff_agency_set(s->c, code, url, token, err, sizeof(err));
	free(token);
	if (!rc)
		rc = mc_cli_audit(s->c, url ? "agency.external" : "agency.internal", "agency", 0,
				  json_pack("{s:s, s:s?}", "code", code, "url", url));
	rc = rc ? rc : mc_tx_commit(s->c);
	if (rc && mc_in_tx(s->c))
		mc_tx_rollback(s->c);
	if (rc) {
		fprintf(stderr, "motcua: %s\n", err[0] ? err : "cannot change the agency");
		return 1;
	}
	if (url)
		printf("agency %s: external, its dossiers go to %s\n", code, url);
	else
		printf("agency %s: handled in motcua\n", code);
	return 0;
}

int mc_cmd_exchange(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	int peer = strcmp(sub, "peer") == 0, list = strcmp(sub, "peers") == 0;
	int ext = strcmp(sub, "external") == 0, deliver = strcmp(sub, "deliver") == 0;
	int rc = mc_cli_usage(argc, argv, usage,
			      !(peer || list || ext || deliver) ||
				      (peer && (!mc_cli_opt(argc, argv, "organ") || !mc_cli_opt(argc, argv, "name") ||
						!mc_cli_opt(argc, argv, "url") || !mc_cli_opt(argc, argv, "ca"))) ||
				      (ext && (!mc_cli_opt(argc, argv, "agency") ||
					       !mc_cli_opt(argc, argv, "url") == !mc_cli_flag(argc, argv, "off"))));
	if (rc >= 0)
		return rc;
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	if (peer) {
		char err[300] = "";
		char *ca = slurp(mc_cli_opt(argc, argv, "ca"));
		if (!ca)
			snprintf(err, sizeof(err), "cannot read %s", mc_cli_opt(argc, argv, "ca"));
		rc = !ca || mc_exchange_peer_set(s.c, mc_cli_opt(argc, argv, "organ"), mc_cli_opt(argc, argv, "name"),
						 mc_cli_opt(argc, argv, "url"), ca, err, sizeof(err));
		free(ca);
		if (rc)
			fprintf(stderr, "motcua: %s\n", err);
		else
			printf("peer %s: %s\n", mc_cli_opt(argc, argv, "organ"), mc_cli_opt(argc, argv, "url"));
	} else if (ext) {
		rc = external(argc, argv, &s);
	} else if (deliver) {
		/* the pool's one connection is the round's */
		mc_db_release(s.c);
		s.c = NULL;
		int delivered = 0, failed = 0, k;
		do
			k = mc_cli_handoff_round(s.db, s.cfg.public_url, &delivered, &failed);
		while (k > 0 && mc_cli_flag(argc, argv, "drain") && delivered + failed < 100000);
		rc = k < 0;
		printf("delivered %d, failed %d\n", delivered, failed);
	} else {
		json_t *out = NULL, *p;
		size_t i;
		rc = mc_exchange_peers(s.c, &out) ? 1 : 0;
		json_array_foreach(out, i, p)
			printf("%s\t%s\t%s\n", json_string_value(json_object_get(p, "organ_id")),
			       json_string_value(json_object_get(p, "name")),
			       json_string_value(json_object_get(p, "url")));
		json_decref(out);
	}
	mc_cli_disconnect(&s);
	return rc ? 1 : 0;
}

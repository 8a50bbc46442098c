/* seed.c - `motcua seed`: administrative units and demo data. */
#include "cli.h"

#include "../core/err.h"
#include "../db/migrate.h"
#include "../document/document.h"
#include "../dossier/dossier.h"
#include "../seed/seed.h"
#include "../signing/signing.h"
#include "../core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua seed [--config FILE] [--units-only] [--national] [--password PW]\n"
			    "                   [--dossiers N] [--documents N] [--days D] [--batch B]\n"
			    "                   [--random-seed S]\n"
			    "\n"
			    "Load the administrative units of Vietnam (GSO codes, current and\n"
			    "pre-July-2025, with the old->new ward mapping), the procedure catalogue,\n"
			    "the official holiday schedules (data/calendar) and the Ho Chi Minh City\n"
			    "demo data: agencies, reception counters, officials and citizens, all with\n"
			    "the demo password (default motcua2026).  Applies pending migrations first.\n"
			    "Does nothing for data already there.\n"
			    "  --units-only   load the units, not the demo people and agencies\n"
			    "  --national     also the agencies of all 34 provinces (committees,\n"
			    "                 departments, service centres and branches, every commune's\n"
			    "                 committee and police, counters, a clerk, a specialist and a\n"
			    "                 leader each; synthetic codes 000.NN.KK.Ppp): the national\n"
			    "                 rehearsal's data (bench/national.sh)\n"
			    "  --password PW  the demo accounts' password\n"
			    "  --dossiers N   then bulk-load N generated dossiers (benchmark data):\n"
			    "                 working days of the last D days (default 365), procedures,\n"
			    "                 agencies, channels and states spread realistically, with\n"
			    "                 steps and statistics; B rows per transaction (default\n"
			    "                 10000); the same random seed S gives the same data.  No\n"
			    "                 events or per-dossier audit entries.  Run it while no\n"
			    "                 server takes intake on this database.\n"
			    "  --documents N  then bulk-load N generated official documents: 80 %%\n"
			    "                 incoming (sent to a leader, directed, assigned, handled;\n"
			    "                 what is older than two weeks done), 20 %% outgoing,\n"
			    "                 numbered on from each register's last number; working\n"
			    "                 days of the last D days, B per transaction, seed S.  No\n"
			    "                 trail events or per-document audit entries.\n";

static void progress(int64_t done, int64_t total, double rate, void *arg)
{
	if (done % 100000 == 0 || done == total)
		fprintf(stderr, "%s: %lld / %lld (%.0f rows/s)\n", (const char *)arg, (long long)done, (long long)total,
			rate);
}

static int num_opt(int argc, char **argv, const char *name, long long lo, long long hi, long long *v)
{
	const char *s = mc_cli_opt(argc, argv, name);
	if (!s)
		return 0;
	char *end;
	long long x = strtoll(s, &end, 10);
	if (*s == '\0' || *end || x < lo || x > hi) {
		fprintf(stderr, "motcua: --%s must be a number from %lld to %lld\n", name, lo, hi);
		return -1;
	}
	*v = x;
	return 0;
}

/* The demonstration's PKI, when the database has none: the root's key
 * sealed under the PKI secret next to it (a real deployment runs `motcua
 * pki init` with its own passphrase and takes the root's key offline). */
static int demo_pki(struct mc_cli_db *s)
{
	int64_t have = 0;
	int rc = mc_query_int64(s->c, &have, "SELECT COUNT(*) FROM pki_authorities", "");
	if (rc || have)
		return rc;
	char err[600], root_key[600];
	if (mc_signing_load_secret(s->cfg.pki_secret, 1, err, sizeof(err))) {
		fprintf(stderr, "motcua: %s\n", err);
		return MC_E_CONFIG;
	}
	snprintf(root_key, sizeof(root_key), "%.500s/pki/root-key-%lld.pem", s->cfg.data_dir,
		 (long long)(mc_time_now_ms() / 1000));
	struct mc_pki_init in = {"UBND Thành phố Hồ Chí Minh", root_key, NULL, mc_time_now_ms() / 1000};
	struct mc_error e;
	mc_error_init(&e);
	struct mc_signing_ctx x = {s->c, NULL, NULL, NULL, &e, s->cfg.public_url};
	json_t *out = NULL;
	if ((rc = mc_pki_init(&x, &in, &out)) == 0)
		printf("pki: root CA, issuing CA and TSA created; the root's key in %s\n", root_key);
	else
		fprintf(stderr, "motcua: pki init failed: %s\n", mc_err_code(rc));
	json_decref(out);
	return rc;
}

int mc_cmd_seed(int argc, char **argv)
{
	struct mc_cli_db s;
	int rc = mc_cli_usage(argc, argv, usage, 0);
	if (rc >= 0 || (rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	long long ndossiers = 0, ndocuments = 0, days = 365, batch = 10000, seed = 0;
	if (num_opt(argc, argv, "dossiers", 0, 100000000LL, &ndossiers) ||
	    num_opt(argc, argv, "documents", 0, 100000000LL, &ndocuments) ||
	    num_opt(argc, argv, "days", 1, 1095, &days) || num_opt(argc, argv, "batch", 1, 1000000, &batch) ||
	    num_opt(argc, argv, "random-seed", 0, 1LL << 62, &seed)) {
		mc_cli_disconnect(&s);
		return 2;
	}
	const char *pw = mc_cli_opt(argc, argv, "password");
	if (!pw)
		pw = "motcua2026";
	struct mc_conn *c = s.c;
	const char *share = s.cfg.share_dir;
	int applied = 0;
	char err[512] = "";
	struct mc_seed_counts n = {0};
	rc = mc_migrate(c, &applied);
	if (!rc)
		rc = mc_seed_units(c, share, &n, err, sizeof(err));
	if (!rc)
		rc = mc_seed_procedures(c, share, &n, err, sizeof(err));
	int years = 0;
	if (!rc)
		rc = mc_holidays_seed(c, share, &years, err, sizeof(err));
	if (!rc && !mc_cli_flag(argc, argv, "units-only"))
		rc = mc_seed_demo(c, share, pw, &n, err, sizeof(err));
	int national = mc_cli_flag(argc, argv, "national") && !mc_cli_flag(argc, argv, "units-only");
	long demo_agencies = n.agencies, demo_counters = n.counters, demo_officials = n.officials;
	if (!rc && national)
		rc = mc_seed_national(c, pw, &n, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "motcua: seed failed: %s\n", err[0] ? err : mc_conn_errmsg(c));
	} else {
		printf("units: %ld loaded (%ld old->new ward links)\n", n.units, n.unit_changes);
		printf("procedures: %ld added to the catalog\n", n.procedures);
		printf("calendar: %d official year schedule(s) added\n", years);
		if (n.demo_there)
			printf("demo data: already there, left as it was\n");
		else if (!mc_cli_flag(argc, argv, "units-only"))
			printf("demo data: %ld agencies, %ld counters, %ld officials, %ld citizens\n", demo_agencies,
			       demo_counters, demo_officials, n.citizens);
		if (national)
			printf("national: %ld provinces, %ld agencies, %ld counters, %ld officials added\n",
			       n.provinces, n.agencies - demo_agencies, n.counters - demo_counters,
			       n.officials - demo_officials);
	}
	if (!rc && !mc_cli_flag(argc, argv, "units-only"))
		rc = demo_pki(&s);
	if (!rc && (ndossiers > 0 || ndocuments > 0) && mc_db_kind(s.db) == MC_DB_SQLITE)
		mc_exec_script(c, "PRAGMA cache_size=-262144"); /* 256 MiB for the indexes of a large load */
	struct mc_gen_options o = {
		.seed = (uint64_t)seed, .batch = (int)batch, .days = (int)days, .progress = progress};
	if (!rc && ndossiers > 0) {
		o.n = ndossiers;
		o.progress_arg = "dossiers";
		struct mc_gen_report r;
		rc = mc_dossier_generate(c, &o, &r, err, sizeof(err));
		if (rc)
			fprintf(stderr, "motcua: generating dossiers failed after %lld: %s\n", (long long)r.dossiers,
				err);
		else
			printf("dossiers: %lld generated with %lld steps in %.1f s (%.0f dossiers/s)\n",
			       (long long)r.dossiers, (long long)r.steps, r.seconds,
			       r.seconds > 0 ? (double)r.dossiers / r.seconds : 0.0);
	}
	if (!rc && ndocuments > 0) {
		o.n = ndocuments;
		o.progress_arg = "documents";
		struct mc_document_gen_report r;
		rc = mc_document_generate(c, &o, &r, err, sizeof(err));
		if (rc)
			fprintf(stderr, "motcua: generating documents failed after %lld: %s\n", (long long)r.documents,
				err);
		else
			printf("documents: %lld generated with %lld tasks in %.1f s (%.0f documents/s)\n",
			       (long long)r.documents, (long long)r.tasks, r.seconds,
			       r.seconds > 0 ? (double)r.documents / r.seconds : 0.0);
	}
	mc_cli_disconnect(&s);
	return rc ? 1 : 0;
}

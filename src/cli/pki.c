/* pki.c - `motcua pki init|status|crl`: the deployment's certification
 * authorities from the command line. */
#include "cli.h"

#include "../core/err.h"
#include "../core/timeutil.h"
#include "../signing/signing.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] = "usage: motcua pki init [--organisation NAME] [--root-key FILE] [--root-pass-file FILE]\n"
			    "       motcua pki status\n"
			    "       motcua pki chain\n"
			    "       motcua pki crl --out FILE\n"
			    "\n"
			    "init    create the root CA (20 years), the issuing CA (10 years) and the\n"
			    "        time-stamping authority, ECDSA P-256.  The root's key is written,\n"
			    "        sealed as PKCS#8, to --root-key (default DATA_DIR/pki/root-key.pem)\n"
			    "        and nowhere else: move it offline.  Its passphrase is the first\n"
			    "        line of --root-pass-file; without one it is derived from the PKI\n"
			    "        secret (fit for a demonstration only).  The issuing CA's and the\n"
			    "        TSA's keys are stored sealed under the PKI secret (the file of the\n"
			    "        pki_secret setting, default DATA_DIR/pki/secret, made when\n"
			    "        missing): keep that file out of database backups.\n"
			    "        --organisation: the name on the certificates (default \"UBND Thành\n"
			    "        phố Hồ Chí Minh\").\n"
			    "status  the authorities in use and the certificates issued\n"
			    "chain   print the root's and the issuing CA's certificates (PEM)\n"
			    "crl     write the issuing CA's certificate revocation list (DER)\n";

static int read_pass(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "motcua: cannot read %s\n", path);
		return 1;
	}
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	if (strlen(out) < 12) {
		fprintf(stderr, "motcua: the root passphrase in %s has fewer than 12 characters\n", path);
		return 1;
	}
	return 0;
}

static int init(struct mc_cli_db *s, int argc, char **argv)
{
	char root_key[600], pass[512];
	const char *rk = mc_cli_opt(argc, argv, "root-key"), *pf = mc_cli_opt(argc, argv, "root-pass-file");
	snprintf(root_key, sizeof(root_key), "%s", rk ? rk : "");
	if (!rk)
		snprintf(root_key, sizeof(root_key), "%.500s/pki/root-key.pem", s->cfg.data_dir);
	if (pf && read_pass(pf, pass, sizeof(pass)))
		return 1;
	const char *org = mc_cli_opt(argc, argv, "organisation");
	struct mc_pki_init in = {org ? org : "UBND Thành phố Hồ Chí Minh", root_key, pf ? pass : NULL,
				 mc_time_now_ms() / 1000};
	struct mc_error e;
	mc_error_init(&e);
	struct mc_signing_ctx x = {s->c, NULL, NULL, NULL, &e, s->cfg.public_url};
	json_t *out = NULL;
	int rc = mc_pki_init(&x, &in, &out);
	if (rc == MC_E_CONFLICT) {
		fprintf(stderr, "motcua: the PKI exists already (or %s does)\n", root_key);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "motcua: pki init failed: %s\n", mc_err_code(rc));
		return 1;
	}
	const char *kinds[] = {"root", "issuing", "tsa"};
	for (int i = 0; i < 3; i++) {
		json_t *a = json_object_get(out, kinds[i]);
		printf("%-8s %s  %s\n", kinds[i], json_string_value(json_object_get(a, "serial")),
		       json_string_value(json_object_get(a, "subject")));
	}
	printf("root key %s%s\n", root_key, pf ? "" : "  (sealed with a passphrase derived from the PKI secret)");
	json_decref(out);
	return 0;
}

static int status(struct mc_conn *c)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT kind, serial, subject, not_after FROM pki_authorities WHERE retired_at IS NULL"
			  " ORDER BY id",
			  "");
	if (rc)
		return rc;
	int n = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		char until[40];
		mc_time_format_vn(mc_col_int64(s, 3) * 1000, until, sizeof(until));
		printf("%-8s %s  %s  until %s\n", mc_col_text(s, 0), mc_col_text(s, 1), mc_col_text(s, 2), until);
		n++;
	}
	mc_stmt_done(s);
	if (rc != MC_DB_DONE)
		return rc;
	if (!n) {
		puts("no PKI: run motcua pki init");
		return 0;
	}
	if ((rc = mc_query(
		     c, &s,
		     "SELECT kind, COUNT(*), SUM(CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END) FROM certificates"
		     " GROUP BY kind ORDER BY kind",
		     "")))
		return rc;
	while ((rc = mc_step(s)) == MC_DB_ROW)
		printf("certificates %-12s %lld issued, %lld revoked\n", mc_col_text(s, 0),
		       (long long)mc_col_int64(s, 1), (long long)mc_col_int64(s, 2));
	mc_stmt_done(s);
	return rc == MC_DB_DONE ? 0 : rc;
}

static int write_out(const char *path, const struct mc_buf *b)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(b->data, 1, b->len, f) == b->len;
	if (f && fclose(f))
		ok = 0;
	if (!ok)
		fprintf(stderr, "motcua: cannot write %s\n", path);
	return ok ? 0 : 1;
}

int mc_cmd_pki(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	int known = strcmp(sub, "init") == 0 || strcmp(sub, "status") == 0 || strcmp(sub, "crl") == 0 ||
		    strcmp(sub, "chain") == 0;
	int rc = mc_cli_usage(argc, argv, usage, !known || (strcmp(sub, "crl") == 0 && !mc_cli_opt(argc, argv, "out")));
	if (rc >= 0)
		return rc;
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	char err[600];
	int need_secret = strcmp(sub, "init") == 0 || strcmp(sub, "crl") == 0;
	if (need_secret && mc_signing_load_secret(s.cfg.pki_secret, strcmp(sub, "init") == 0, err, sizeof(err))) {
		fprintf(stderr, "motcua: %s\n", err);
		mc_cli_disconnect(&s);
		return 1;
	}
	struct mc_buf b = MC_BUF_INIT(64 << 20);
	if (strcmp(sub, "init") == 0) {
		rc = init(&s, argc, argv);
	} else if (strcmp(sub, "status") == 0) {
		rc = status(s.c) ? 1 : 0;
	} else {
		int k = strcmp(sub, "chain") == 0 ? mc_pki_chain(s.c, &b)
						  : mc_pki_crl(s.c, mc_time_now_ms() / 1000, &b);
		if (k)
			fprintf(stderr, "motcua: %s\n",
				k == MC_E_NOT_FOUND ? "no PKI: run motcua pki init" : mc_err_code(k));
		else if (strcmp(sub, "chain") == 0)
			fwrite(b.data, 1, b.len, stdout);
		else
			k = write_out(mc_cli_opt(argc, argv, "out"), &b);
		rc = k ? 1 : 0;
	}
	mc_buf_release(&b);
	mc_cli_disconnect(&s);
	return rc;
}

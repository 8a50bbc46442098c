/* user.c - `motcua user add|password`: accounts from the command line. */
#include "cli.h"

#include "../auth/auth.h"
#include "../core/err.h"
#include "../core/timeutil.h"
#include "../crypto/crypto.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/banned.h"

static const char usage[] =
	"usage: motcua user add --username NAME --name FULL_NAME --agency CODE --role ROLE[,ROLE...]\n"
	"                       [--position TEXT] [--password-stdin]\n"
	"       motcua user password --username NAME [--password-stdin]\n"
	"\n"
	"add       create an official (or an admin: --role sys_admin) in the agency\n"
	"          with that national code, e.g. 000.00.00.H29\n"
	"password  set a new password and end all of the user's sessions\n"
	"The password is read from standard input (one line); without\n"
	"--password-stdin on a terminal you are asked for it.\n";

static int read_password(char *out, size_t n)
{
	if (isatty(STDIN_FILENO))
		fputs("password: ", stderr);
	if (!fgets(out, (int)n, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int finish(struct mc_conn *c, int rc, const char *what)
{
	if (rc) {
		mc_tx_rollback(c);
		fprintf(stderr, "motcua: %s failed: %s%s%s\n", what, mc_err_code(rc), mc_conn_errmsg(c)[0] ? ": " : "",
			mc_conn_errmsg(c));
		return 1;
	}
	return mc_tx_commit(c) ? 1 : 0;
}

int mc_cmd_user(int argc, char **argv)
{
	int rc = mc_cli_usage(argc, argv, usage,
			      argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "password") != 0));
	if (rc >= 0)
		return rc;
	const char *username = mc_cli_opt(argc, argv, "username");
	if (!username) {
		fputs("motcua: --username is required\n", stderr);
		return 2;
	}
	int add = strcmp(argv[1], "add") == 0;
	const char *name = mc_cli_opt(argc, argv, "name"), *agency = mc_cli_opt(argc, argv, "agency"),
		   *roles_s = mc_cli_opt(argc, argv, "role");
	if (add && (!name || !agency || !roles_s)) {
		fputs("motcua: user add needs --name, --agency and --role\n", stderr);
		return 2;
	}
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	struct mc_conn *c = s.c;
	char pw[300];
	struct mc_error e;
	mc_error_init(&e);
	if (read_password(pw, sizeof(pw)) || mc_password_acceptable(pw, username, &e)) {
		fprintf(stderr, "motcua: %s\n", e.nfields ? e.fields[0].en : "no password given");
		mc_cli_disconnect(&s);
		return 2;
	}
	char hash[MC_PWHASH_LEN];
	if (mc_password_hash(pw, hash)) {
		mc_cli_disconnect(&s);
		return 1;
	}
	memset(pw, 0, sizeof(pw));
	if (mc_tx_begin(c, 1)) {
		fputs("motcua: database unavailable\n", stderr);
		mc_cli_disconnect(&s);
		return 1;
	}
	int64_t id = 0;
	if (add) {
		char buf[256];
		const char *roles[10] = {0};
		int nr = 0;
		char *save = NULL;
		snprintf(buf, sizeof(buf), "%s", roles_s);
		for (char *t = strtok_r(buf, ",", &save); t && nr < 9; t = strtok_r(NULL, ",", &save))
			roles[nr++] = t;
		struct mc_user_new u = {.kind = "official",
					.username = username,
					.password_hash = hash,
					.full_name = name,
					.position = mc_cli_opt(argc, argv, "position"),
					.roles = roles};
		rc = mc_agency_by_code(c, agency, &u.agency_id);
		if (rc == MC_E_NOT_FOUND)
			fprintf(stderr, "motcua: no agency with code %s\n", agency);
		if (!rc)
			rc = mc_user_create(c, &u, &id);
	} else {
		rc = mc_query_int64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username);
		if (rc == MC_E_NOT_FOUND)
			fprintf(stderr, "motcua: no user %s\n", username);
		if (!rc)
			rc = mc_auth_set_password(c, id, hash, 0);
	}
	if (!rc)
		rc = mc_cli_audit(c, add ? "user.create" : "user.password_reset", "user", id, NULL);
	rc = finish(c, rc, add ? "user add" : "user password");
	if (!rc && add)
		printf("user %s created (id %lld)\n", username, (long long)id);
	else if (!rc)
		printf("password of %s changed; their sessions are ended\n", username);
	mc_cli_disconnect(&s);
	return rc;
}

/* exchange.c - `motcua exchange peer|peers`: the agencies elsewhere that
 * documents are exchanged with (edXML, QCVN 102:2016). */
#include "cli.h"

#include "../exchange/exchange.h"

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
			    "peers  list them\n";

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

int mc_cmd_exchange(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	int peer = strcmp(sub, "peer") == 0, list = strcmp(sub, "peers") == 0;
	int rc = mc_cli_usage(argc, argv, usage,
			      !(peer || list) ||
				      (peer && (!mc_cli_opt(argc, argv, "organ") || !mc_cli_opt(argc, argv, "name") ||
						!mc_cli_opt(argc, argv, "url") || !mc_cli_opt(argc, argv, "ca"))));
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

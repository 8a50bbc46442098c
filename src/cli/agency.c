/* agency.c - `motcua agency add|list`: the agency tree from the command line,
 * so that a new installation can create its first (root) agency. */
#include "cli.h"

#include "../core/err.h"
#include "../org/org.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

static const char usage[] =
	"usage: motcua agency add --code CODE --name NAME --name-en NAME_EN --kind KIND --unit UNIT_CODE\n"
	"                         [--parent PARENT_CODE [--internal | --separate]] [--abbr ABBR]\n"
	"       motcua agency list\n"
	"\n"
	"add   create an agency; without --parent it is a root of the tree (e.g.\n"
	"      the city People's Committee).  CODE is the national agency code\n"
	"      (e.g. 000.00.00.H29); KIND one of city_committee, department, office\n"
	"      (the office of its parent committee), service_centre, branch,\n"
	"      ward_committee, division, provincial_police,\n"
	"      commune_police, school, provincial_social_insurance,\n"
	"      social_insurance; UNIT_CODE the GSO code of its province or\n"
	"      ward (run `motcua seed --units-only` first).\n"
	"      --internal: an internal unit of the parent (phòng, ban, chi nhánh),\n"
	"      whose officials act on the parent's dossier steps; --separate: a\n"
	"      body of its own, acting on its own steps only.  Neither: division\n"
	"      and branch are internal units, every other kind a body of its own.\n"
	"      --abbr: the abbreviation its documents' symbols use (STP in\n"
	"      15/QĐ-STP; a people's committee gets UBND unless told).\n"
	"list  print id, code, parent id, kind and name of every agency\n";

static int list(struct mc_conn *c)
{
	json_t *arr;
	int rc = mc_agencies_list(c, 0, &arr);
	if (rc)
		return rc;
	size_t i;
	json_t *a;
	json_array_foreach(arr, i, a) {
		json_t *p = json_object_get(a, "parent_id");
		char parent[24] = "-";
		if (!json_is_null(p))
			snprintf(parent, sizeof(parent), "%lld", (long long)json_integer_value(p));
		printf("%lld\t%s\t%s\t%s\t%s\n", (long long)json_integer_value(json_object_get(a, "id")),
		       json_string_value(json_object_get(a, "code")), parent,
		       json_string_value(json_object_get(a, "kind")), json_string_value(json_object_get(a, "name")));
	}
	json_decref(arr);
	return 0;
}

int mc_cmd_agency(int argc, char **argv)
{
	int rc = mc_cli_usage(argc, argv, usage,
			      argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0));
	if (rc >= 0)
		return rc;
	struct mc_agency_new a = {mc_cli_opt(argc, argv, "code"), mc_cli_opt(argc, argv, "kind"),
				  mc_cli_opt(argc, argv, "name"), mc_cli_opt(argc, argv, "name-en"),
				  mc_cli_opt(argc, argv, "unit"), 0,
				  mc_cli_opt(argc, argv, "abbr")};
	enum mc_agency_unit unit = mc_cli_flag(argc, argv, "internal")   ? MC_AGENCY_INTERNAL
				   : mc_cli_flag(argc, argv, "separate") ? MC_AGENCY_SEPARATE
									 : MC_AGENCY_BY_KIND;
	int add = strcmp(argv[1], "add") == 0;
	if (add && a.abbr && !mc_agency_abbr_valid(a.abbr)) {
		fputs("motcua: --abbr is 1 to 20 letters or digits (& allowed), e.g. UBND, STP\n", stderr);
		return 2;
	}
	if (add && (!a.code || !a.kind || !a.name || !a.name_en || !a.unit_code)) {
		fputs("motcua: agency add needs --code, --name, --name-en, --kind and --unit\n", stderr);
		return 2;
	}
	if (add && unit == MC_AGENCY_INTERNAL &&
	    (mc_cli_flag(argc, argv, "separate") || !mc_cli_opt(argc, argv, "parent"))) {
		fputs("motcua: --internal needs --parent, and excludes --separate\n", stderr);
		return 2;
	}
	struct mc_cli_db s;
	if ((rc = mc_cli_connect(argc, argv, &s)))
		return rc;
	struct mc_conn *c = s.c;
	if (!add) {
		rc = list(c);
	} else {
		const char *parent = mc_cli_opt(argc, argv, "parent");
		int64_t id = 0;
		rc = mc_tx_begin(c, 1);
		if (!rc && parent && (rc = mc_agency_by_code(c, parent, &a.parent_id)) == MC_E_NOT_FOUND)
			fprintf(stderr, "motcua: no agency with code %s\n", parent);
		if (!rc && (rc = mc_agency_create_as(c, &a, unit, &id)) == MC_E_VALIDATION)
			fprintf(stderr, "motcua: no administrative unit with code %s\n", a.unit_code);
		if (!rc)
			rc = mc_cli_audit(c, "agency.create", "agency", id, NULL);
		if (!rc)
			rc = mc_tx_commit(c);
		else
			mc_tx_rollback(c);
		if (rc == MC_E_CONFLICT)
			fprintf(stderr, "motcua: agency code %s is taken\n", a.code);
		if (!rc)
			printf("agency %s created (id %lld)\n", a.code, (long long)id);
	}
	if (rc && rc != MC_E_NOT_FOUND && rc != MC_E_VALIDATION && rc != MC_E_CONFLICT)
		fprintf(stderr, "motcua: %s\n", mc_conn_errmsg(c));
	mc_cli_disconnect(&s);
	return rc ? 1 : 0;
}

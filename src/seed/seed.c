/* seed.c - load units and demo data from CSV files; see seed.h. */
#include "seed.h"

#include "../audit/audit.h"
#include "../core/csv.h"
#include "../core/err.h"
#include "../core/text.h"
#include "../crypto/crypto.h"
#include "../catalog/catalog.h"
#include "../org/org.h"
#include "../payment/payment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

struct kind {
	int id;
	char name[48], name_en[48];
};

static int load_kinds(const char *path, struct kind *k, int max)
{
	struct mc_csv csv;
	int n = 0;
	if (mc_csv_open(&csv, path))
		return -1;
	while (n < max && mc_csv_next(&csv) == 1) {
		k[n].id = atoi(mc_csv_get(&csv, "id"));
		snprintf(k[n].name, sizeof(k[n].name), "%s", mc_csv_get(&csv, "short_name"));
		snprintf(k[n].name_en, sizeof(k[n].name_en), "%s", mc_csv_get(&csv, "short_name_en"));
		n++;
	}
	mc_csv_close(&csv);
	return n;
}

static const struct kind *kind_of(const struct kind *k, int n, int id)
{
	static const struct kind none = {0, "", ""};
	for (int i = 0; i < n; i++)
		if (k[i].id == id)
			return &k[i];
	return &none;
}

/* End a loader's transaction: commit when rc is 0, else roll back and
 * return rc, with err saying why (the connection's error unless the loader
 * said more). */
static int finish(struct mc_conn *c, int rc, char *err, size_t errlen)
{
	if (!rc)
		return mc_tx_commit(c);
	if (!err[0])
		snprintf(err, errlen, "%s", mc_conn_errmsg(c));
	mc_tx_rollback(c);
	return rc;
}

struct dist {
	char code[8], province[4];
};

static int insert_unit(struct mc_conn *c, const char *era, const char *level, struct mc_csv *csv, const struct kind *k,
		       const char *parent, const char *province)
{
	char *key = mc_text_search_key_dup(mc_csv_get(csv, "full_name"));
	int64_t n = mc_exec(
		c,
		"INSERT INTO units (era, code, level, name, name_en, full_name, full_name_en, code_name, kind,"
		" kind_en, parent_code, province_code, search_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"ttttttttttttt", era, mc_csv_get(csv, "code"), level, mc_csv_get(csv, "name"),
		mc_csv_get(csv, "name_en"), mc_csv_get(csv, "full_name"), mc_csv_get(csv, "full_name_en"),
		mc_csv_get(csv, "code_name"), k->name, k->name_en, parent, province, key ? key : "");
	free(key);
	return n < 0 ? (int)n : 0;
}

static int load_file(struct mc_conn *c, const char *dir, const char *era, const char *file, const char *level,
		     const struct kind *kinds, int nk, struct dist *d, int *nd, int maxd, long *count, char *err,
		     size_t errlen)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/units/%s/%s", dir, era, file);
	struct mc_csv csv;
	if (mc_csv_open(&csv, path)) {
		snprintf(err, errlen, "cannot read %s", path);
		return MC_E_IO;
	}
	int rc = 0, r;
	const char *era_name = strcmp(era, "current") == 0 ? "current" : era;
	while (!rc && (r = mc_csv_next(&csv)) == 1) {
		const struct kind *k = kind_of(kinds, nk, atoi(mc_csv_get(&csv, "administrative_unit_id")));
		const char *parent = NULL, *province = mc_csv_get(&csv, "code");
		if (strcmp(level, "district") == 0) {
			parent = province = mc_csv_get(&csv, "province_code");
			if (*nd < maxd) {
				snprintf(d[*nd].code, sizeof(d[0].code), "%s", mc_csv_get(&csv, "code"));
				snprintf(d[*nd].province, sizeof(d[0].province), "%s", province);
				(*nd)++;
			}
		} else if (strcmp(level, "ward") == 0) {
			const char *pc = mc_csv_get(&csv, "province_code");
			if (*pc) { /* current: wards hang off the province */
				parent = province = pc;
			} else { /* 2025-03: wards hang off a district */
				parent = mc_csv_get(&csv, "district_code");
				province = "";
				for (int i = 0; i < *nd; i++)
					if (strcmp(d[i].code, parent) == 0)
						province = d[i].province;
			}
		}
		rc = insert_unit(c, era_name, level, &csv, k, parent, province);
		if (!rc)
			(*count)++;
	}
	if (!rc && r < 0) {
		snprintf(err, errlen, "%s:%ld: malformed row", path, csv.lineno);
		rc = MC_E_IO;
	}
	if (rc && !err[0])
		snprintf(err, errlen, "%s:%ld: %s", path, csv.lineno, mc_conn_errmsg(c));
	mc_csv_close(&csv);
	return rc;
}

int mc_seed_units(struct mc_conn *c, const char *dir, struct mc_seed_counts *n, char *err, size_t errlen)
{
	int64_t have = 0;
	err[0] = '\0';
	int rc = mc_query_int64(c, &have, "SELECT COUNT(*) FROM units", "");
	if (rc || have)
		return rc;
	struct kind kinds[16];
	char path[1024];
	static struct dist dists[1024];
	int nd = 0;
	rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	const char *eras[] = {"current", "2025-03"};
	for (int e = 0; e < 2 && !rc; e++) {
		snprintf(path, sizeof(path), "%s/data/units/%s/administrative_units.csv", dir, eras[e]);
		int nk = load_kinds(path, kinds, 16);
		if (nk < 0) {
			snprintf(err, errlen, "cannot read %s", path);
			rc = MC_E_IO;
			break;
		}
		rc = load_file(c, dir, eras[e], "provinces.csv", "province", kinds, nk, dists, &nd, 1024, &n->units,
			       err, errlen);
		if (!rc && e == 1)
			rc = load_file(c, dir, eras[e], "districts.csv", "district", kinds, nk, dists, &nd, 1024,
				       &n->units, err, errlen);
		if (!rc)
			rc = load_file(c, dir, eras[e], "wards.csv", "ward", kinds, nk, dists, &nd, 1024, &n->units,
				       err, errlen);
	}
	if (!rc) {
		snprintf(path, sizeof(path), "%s/data/units/old_ward_to_new_ward_2025-07-01.csv", dir);
		struct mc_csv csv;
		if (mc_csv_open(&csv, path)) {
			snprintf(err, errlen, "cannot read %s", path);
			rc = MC_E_IO;
		} else {
			while (!rc && mc_csv_next(&csv) == 1) {
				int64_t k =
					mc_exec(c,
						"INSERT INTO unit_changes (old_province_code, old_ward_code, "
						"new_ward_code, effective_on)"
						" VALUES (?, ?, ?, '2025-07-01') ON CONFLICT DO NOTHING",
						"ttt", mc_csv_get(&csv, "old_province_code"),
						mc_csv_get(&csv, "old_ward_code"), mc_csv_get(&csv, "new_ward_code"));
				if (k < 0)
					rc = (int)k;
				else
					n->unit_changes += k;
			}
			mc_csv_close(&csv);
		}
	}
	if (!rc) {
		struct mc_audit_entry e = {0, "units.import", "units", "gso", "cli", NULL};
		rc = mc_audit_append_json(
			c, &e,
			json_pack("{s:I, s:I}", "units", (json_int_t)n->units, "changes", (json_int_t)n->unit_changes));
	}
	return finish(c, rc, err, errlen);
}

static int audit_created(struct mc_conn *c, const char *action, const char *type, int64_t id)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)id);
	struct mc_audit_entry e = {0, action, type, oid, "cli", NULL};
	return mc_audit_append_json(c, &e, json_pack("{s:s}", "source", "seed"));
}

static int open_demo(struct mc_csv *csv, const char *dir, const char *file, char *err, size_t errlen)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/demo/%s", dir, file);
	if (mc_csv_open(csv, path)) {
		snprintf(err, errlen, "cannot read %s", path);
		return MC_E_IO;
	}
	return 0;
}

/*
 * The demo files: each row() creates what one line describes and sets *id
 * to the new row's id, or fails, saying why in why (left empty: the
 * connection's error says it).  The loader audits each creation and names
 * the file and line of a failure.
 */
typedef int demo_row_fn(struct mc_conn *c, struct mc_csv *csv, const char *hash, int64_t *id, char *why, size_t whylen);

static int agency_row(struct mc_conn *c, struct mc_csv *csv, const char *hash, int64_t *id, char *why, size_t whylen)
{
	(void)hash;
	struct mc_agency_new a = {mc_csv_get(csv, "code"),    mc_csv_get(csv, "kind"),      mc_csv_get(csv, "name"),
				  mc_csv_get(csv, "name_en"), mc_csv_get(csv, "unit_code"), 0,
				  mc_csv_get(csv, "abbr")};
	const char *parent = mc_csv_get(csv, "parent_code");
	int rc;
	if (*parent && (rc = mc_agency_by_code(c, parent, &a.parent_id))) {
		snprintf(why, whylen, "unknown parent %s", parent);
		return rc;
	}
	return mc_agency_create(c, &a, id);
}

static int counter_row(struct mc_conn *c, struct mc_csv *csv, const char *hash, int64_t *id, char *why, size_t whylen)
{
	(void)hash;
	(void)why;
	(void)whylen;
	int64_t agency = 0;
	int rc = mc_agency_by_code(c, mc_csv_get(csv, "agency_code"), &agency);
	if (!rc)
		rc = mc_counter_create(c, mc_csv_get(csv, "code"), agency, mc_csv_get(csv, "name"),
				       mc_csv_get(csv, "name_en"), id);
	return rc;
}

/* An agency's collection account: the id is the agency's. */
static int pay_account_row(struct mc_conn *c, struct mc_csv *csv, const char *hash, int64_t *id, char *why,
			   size_t whylen)
{
	(void)hash;
	(void)why;
	(void)whylen;
	int rc = mc_agency_by_code(c, mc_csv_get(csv, "agency_code"), id);
	if (!rc)
		rc = mc_payment_account_seed(c, mc_csv_get(csv, "agency_code"), mc_csv_get(csv, "bank_bin"),
					     mc_csv_get(csv, "bank_name"), mc_csv_get(csv, "account_no"),
					     mc_csv_get(csv, "account_name"));
	return rc;
}

/* The columns that officials.csv and citizens.csv share. */
static struct mc_user_new demo_user(struct mc_csv *csv, const char *kind, const char *hash)
{
	return (struct mc_user_new){
		.kind = kind,
		.password_hash = hash,
		.full_name = mc_csv_get(csv, "full_name"),
		.phone = mc_csv_get(csv, "phone"),
		.email = mc_csv_get(csv, "email"),
	};
}

static int official_row(struct mc_conn *c, struct mc_csv *csv, const char *hash, int64_t *id, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	char roles_buf[256];
	const char *roles[12] = {0};
	snprintf(roles_buf, sizeof(roles_buf), "%s", mc_csv_get(csv, "roles"));
	int nr = 0;
	char *save = NULL;
	for (char *t = strtok_r(roles_buf, ";", &save); t && nr < 11; t = strtok_r(NULL, ";", &save))
		roles[nr++] = t;
	struct mc_user_new u = demo_user(csv, "official", hash);
	u.username = mc_csv_get(csv, "username");
	u.position = mc_csv_get(csv, "position");
	u.position_en = mc_csv_get(csv, "position_en");
	u.roles = roles;
	int rc = mc_agency_by_code(c, mc_csv_get(csv, "agency_code"), &u.agency_id);
	if (!rc)
		rc = mc_user_create(c, &u, id);
	return rc;
}

static int citizen_row(struct mc_conn *c, struct mc_csv *csv, const char *hash, int64_t *id, char *why, size_t whylen)
{
	static const char *const citizen_roles[] = {"citizen", NULL};
	struct mc_user_new u = demo_user(csv, "citizen", hash);
	u.username = u.id_number = mc_csv_get(csv, "id_number");
	u.birth_date = mc_csv_get(csv, "birth_date");
	u.sex = mc_csv_get(csv, "sex");
	u.address = mc_csv_get(csv, "address");
	u.ward_code = mc_csv_get(csv, "ward_code");
	u.roles = citizen_roles;
	struct mc_error e;
	int unknown;
	mc_error_init(&e);
	if (mc_cccd_check(u.id_number, u.birth_date, u.sex, &e, &unknown)) {
		snprintf(why, whylen, "invalid citizen ID");
		return MC_E_VALIDATION;
	}
	return mc_user_create(c, &u, id);
}

/* In this order: a counter names its agency, an official too. */
static const struct demo_file {
	const char *file, *action, *object_type;
	demo_row_fn *row;
} demo_files[] = {
	{"agencies.csv", "agency.create", "agency", agency_row},
	{"counters.csv", "counter.create", "counter", counter_row},
	{"pay_accounts.csv", "payment.account_set", "agency", pay_account_row},
	{"officials.csv", "user.create", "user", official_row},
	{"citizens.csv", "user.create", "user", citizen_row},
};

static int load_demo(struct mc_conn *c, const char *dir, const struct demo_file *f, const char *hash, long *count,
		     char *err, size_t errlen)
{
	struct mc_csv csv;
	int rc = open_demo(&csv, dir, f->file, err, errlen);
	while (!rc && mc_csv_next(&csv) == 1) {
		int64_t id = 0;
		char why[160] = "";
		rc = f->row(c, &csv, hash, &id, why, sizeof(why));
		if (!rc)
			rc = audit_created(c, f->action, f->object_type, id);
		if (rc)
			snprintf(err, errlen, "%s:%ld: %s", f->file, csv.lineno, why[0] ? why : mc_conn_errmsg(c));
		else
			(*count)++;
	}
	mc_csv_close(&csv);
	return rc;
}

int mc_seed_demo(struct mc_conn *c, const char *dir, const char *password, struct mc_seed_counts *n, char *err,
		 size_t errlen)
{
	err[0] = '\0';
	int64_t have = 0;
	int rc = mc_query_int64(c, &have, "SELECT COUNT(*) FROM agencies", "");
	if (rc)
		return rc;
	if (have) {
		n->demo_there = 1;
		return 0;
	}
	/* One hash for all demo accounts: they share the demo password, and
	 * argon2id is deliberately slow. */
	char hash[MC_PWHASH_LEN];
	if (mc_password_hash(password, hash))
		return MC_E_NOMEM;
	rc = mc_tx_begin(c, 1);
	if (rc)
		return rc;
	long *counts[] = {&n->agencies, &n->counters, &n->pay_accounts, &n->officials, &n->citizens};
	for (size_t i = 0; !rc && i < sizeof(demo_files) / sizeof(demo_files[0]); i++)
		rc = load_demo(c, dir, &demo_files[i], hash, counts[i], err, errlen);
	return finish(c, rc, err, errlen);
}

int mc_seed_procedures(struct mc_conn *c, const char *dir, struct mc_seed_counts *n, char *err, size_t errlen)
{
	char path[1024];
	err[0] = '\0';
	snprintf(path, sizeof(path), "%s/data/procedures/procedures.json", dir);
	json_error_t je;
	json_t *all = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_array(all)) {
		snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
		json_decref(all);
		return MC_E_IO;
	}
	int rc = mc_tx_begin(c, 1);
	size_t i;
	json_t *def;
	json_array_foreach(all, i, def) {
		if (rc)
			break;
		struct mc_error e;
		mc_error_init(&e);
		if (mc_catalog_validate(def, &e)) {
			snprintf(err, errlen, "%s: procedure %s: %s: %s", path,
				 json_string_value(json_object_get(def, "code")), e.fields[0].field, e.fields[0].en);
			rc = MC_E_VALIDATION;
			break;
		}
		int64_t id = 0;
		rc = mc_catalog_create(c, def, 0, &id);
		if (rc == MC_E_CONFLICT) {
			rc = 0;
			continue;
		}
		if (!rc)
			rc = audit_created(c, "procedure.create", "procedure", id);
		if (!rc)
			n->procedures++;
	}
	json_decref(all);
	return finish(c, rc, err, errlen);
}

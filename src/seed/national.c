/*
 * national.c - the agencies of the 34 provinces for the national rehearsal
 * (`motcua seed --national`, issue 18); see seed.h.
 *
 * The demo data holds Ho Chi Minh City's agencies (ten of its wards).  For
 * a rehearsal at the nation's scale the generated dossiers must spread over
 * every province, so this adds, from the administrative units already
 * loaded (era "current": 34 provinces, 3,321 wards and communes), in the
 * style of data/demo:
 *   - per province without one: the provincial People's Committee (its
 *     leader reads the province's statistics), seven departments, the
 *     Public Administration Service Centre (two counters, a clerk each),
 *     a branch of it for every 30 communes (a counter and a clerk), the
 *     provincial police (a counter; clerk, specialist, leader), the
 *     provincial social insurance and one lower secondary school;
 *   - per commune or ward without a People's Committee: the committee and
 *     the commune police, each with a counter and a clerk, a specialist and
 *     a leader; a social insurance office beside each branch.
 * Codes are synthetic but shaped like the real ones: 000.00.00.P01 for
 * province 01 ("P" and the GSO code, where the real ones use a letter and
 * a number of their own), 000.NN.31.P01 for its NN-th commune, and so on.
 * Everything is derived from the unit codes in their order: the same
 * database gets the same agencies and users every time.  All accounts share
 * the demo password (one argon2id hash).  One transaction, one audit entry
 * "seed.national".
 */
#include "seed.h"

#include "../audit/audit.h"
#include "../core/arena.h"
#include "../core/err.h"
#include "../crypto/crypto.h"
#include "../org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/banned.h"

#define WARDS_PER_BRANCH 30

struct unit {
	char code[8], province[4], name[96], full_name[128], full_name_en[128];
};

struct nat {
	struct mc_conn *c;
	const char *hash;
	struct mc_seed_counts *n;
	char *err;
	size_t errlen;
	long people;  /* names handed out so far */
	long created; /* agencies created by this run */
};

static int read_units(struct mc_conn *c, const char *level, struct unit **out, int *nout)
{
	struct mc_stmt *s;
	int rc = mc_query(c, &s,
			  "SELECT code, COALESCE(province_code, ''), name, full_name, COALESCE(full_name_en, '')"
			  " FROM units WHERE era = 'current' AND level = ? ORDER BY code",
			  "t", level);
	if (rc)
		return rc;
	int cap = 0;
	while ((rc = mc_step(s)) == MC_DB_ROW) {
		if (*nout == cap) {
			cap = cap ? cap * 2 : 64;
			*out = mc_xrealloc(*out, (size_t)cap * sizeof(**out));
		}
		struct unit *u = &(*out)[(*nout)++];
		snprintf(u->code, sizeof(u->code), "%s", mc_col_text(s, 0));
		snprintf(u->province, sizeof(u->province), "%s", mc_col_text(s, 1));
		snprintf(u->name, sizeof(u->name), "%s", mc_col_text(s, 2));
		snprintf(u->full_name, sizeof(u->full_name), "%s", mc_col_text(s, 3));
		snprintf(u->full_name_en, sizeof(u->full_name_en), "%s", mc_col_text(s, 4));
	}
	mc_stmt_done(s);
	return rc < 0 ? rc : 0;
}

/* The id of an agency of kind at unit (0: none). */
static int agency_at(struct mc_conn *c, const char *kind, const char *unit, int64_t *id)
{
	*id = 0;
	int rc = mc_query_int64(c, id, "SELECT MIN(id) FROM agencies WHERE kind = ? AND unit_code = ?", "tt", kind,
				unit);
	return rc == MC_E_NOT_FOUND ? 0 : rc;
}

static int agency(struct nat *x, const char *code, const char *kind, const char *name, const char *name_en,
		  const char *unit, int64_t parent, const char *abbr, int64_t *id)
{
	struct mc_agency_new a = {code, kind, name, name_en, unit, parent, abbr};
	int rc = mc_agency_create(x->c, &a, id);
	if (rc) {
		snprintf(x->err, x->errlen, "agency %s: %s", code, mc_conn_errmsg(x->c));
	} else {
		x->n->agencies++;
		x->created++;
	}
	return rc;
}

static int counter(struct nat *x, const char *code, int64_t agency_id, int no)
{
	char name[32], name_en[32];
	int64_t id;
	snprintf(name, sizeof(name), "Quầy số %d", no);
	snprintf(name_en, sizeof(name_en), "Counter No. %d", no);
	int rc = mc_counter_create(x->c, code, agency_id, name, name_en, &id);
	if (rc)
		snprintf(x->err, x->errlen, "counter %s: %s", code, mc_conn_errmsg(x->c));
	else
		x->n->counters++;
	return rc;
}

static const char *const family[] = {"Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",
				     "Võ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",   "Dương", "Lý"};
static const char *const middle[] = {"Văn", "Thị", "Hữu", "Ngọc", "Đức", "Thu", "Minh", "Kim"};
static const char *const given[] = {"An",   "Bình", "Châu", "Dũng", "Hà",   "Hạnh",  "Hùng", "Lan",
				    "Long", "Mai",  "Nam",  "Ngân", "Phúc", "Trang", "Tuấn", "Yến"};

/* One official, named from x->people (the same names each time). */
static int official(struct nat *x, const char *username, int64_t agency_id, const char *position,
		    const char *position_en, const char *role)
{
	const char *roles[] = {role, NULL};
	long i = x->people++;
	char full[96];
	snprintf(full, sizeof(full), "%s %s %s", family[i % 16], middle[(i / 16) % 8], given[(i / 128 + i) % 16]);
	struct mc_user_new u = {.kind = "official",
				.username = username,
				.password_hash = x->hash,
				.full_name = full,
				.agency_id = agency_id,
				.position = position,
				.position_en = position_en,
				.roles = roles};
	int64_t id;
	int rc = mc_user_create(x->c, &u, &id);
	if (rc)
		snprintf(x->err, x->errlen, "user %s: %s", username, mc_conn_errmsg(x->c));
	else
		x->n->officials++;
	return rc;
}

/* A clerk, a specialist and a leader of an agency: prefix.<key>. */
static int three(struct nat *x, int64_t agency_id, const char *prefix, const char *key)
{
	char u1[64], u2[64], u3[64];
	snprintf(u1, sizeof(u1), "tiepnhan.%s%s", prefix, key);
	snprintf(u2, sizeof(u2), "chuyenvien.%s%s", prefix, key);
	snprintf(u3, sizeof(u3), "lanhdao.%s%s", prefix, key);
	int rc = official(x, u1, agency_id, "Công chức tiếp nhận hồ sơ", "Reception Officer", "clerk");
	if (!rc)
		rc = official(x, u2, agency_id, "Chuyên viên", "Specialist", "specialist");
	if (!rc)
		rc = official(x, u3, agency_id, "Thủ trưởng đơn vị", "Head of the unit", "leader");
	return rc;
}

static const struct dept {
	int no;
	const char *name, *name_en, *abbr;
} depts[] = {
	{2, "Sở Tư pháp", "Department of Justice", "STP"},
	{3, "Sở Xây dựng", "Department of Construction", "SXD"},
	{4, "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", "SNNMT"},
	{5, "Sở Tài chính", "Department of Finance", "STC"},
	{6, "Sở Y tế", "Department of Health", "SYT"},
	{7, "Sở Giáo dục và Đào tạo", "Department of Education and Training", "SGDĐT"},
	{8, "Sở Nội vụ", "Department of Home Affairs", "SNV"},
};

/* The province's own agencies; *committee and *centre set. */
static int province_level(struct nat *x, const struct unit *p, const struct unit *first_ward, int64_t *committee,
			  int64_t *centre)
{
	char code[48], name[512], name_en[512], user[64];
	const char *pc = p->code;
	snprintf(code, sizeof(code), "000.00.00.P%s", pc);
	snprintf(name, sizeof(name), "UBND %s", p->full_name);
	snprintf(name_en, sizeof(name_en), "%s People's Committee", p->full_name_en);
	int rc = agency(x, code, "city_committee", name, name_en, pc, 0, "UBND", committee);
	snprintf(user, sizeof(user), "lanhdao.p%s", pc);
	if (!rc)
		rc = official(x, user, *committee, "Chủ tịch UBND", "Chairman of the People's Committee", "leader");
	for (size_t i = 0; !rc && i < sizeof(depts) / sizeof(depts[0]); i++) {
		int64_t id;
		snprintf(code, sizeof(code), "000.00.%02d.P%s", depts[i].no, pc);
		snprintf(name, sizeof(name), "%s %s", depts[i].name, p->full_name);
		snprintf(name_en, sizeof(name_en), "%s of %s", depts[i].name_en, p->full_name_en);
		rc = agency(x, code, "department", name, name_en, pc, *committee, depts[i].abbr, &id);
	}
	snprintf(code, sizeof(code), "000.00.30.P%s", pc);
	snprintf(name, sizeof(name), "Trung tâm Phục vụ hành chính công %s", p->full_name);
	snprintf(name_en, sizeof(name_en), "%s Public Administration Service Centre", p->full_name_en);
	if (!rc)
		rc = agency(x, code, "service_centre", name, name_en, pc, *committee, NULL, centre);
	for (int k = 1; !rc && k <= 2; k++) {
		snprintf(code, sizeof(code), "Q-P%s-TT-%02d", pc, k);
		rc = counter(x, code, *centre, k);
		snprintf(user, sizeof(user), "tiepnhan.p%s.tt%d", pc, k);
		if (!rc)
			rc = official(x, user, *centre, "Công chức tiếp nhận hồ sơ", "Reception Officer", "clerk");
	}
	int64_t id;
	snprintf(code, sizeof(code), "000.00.40.P%s", pc);
	snprintf(name, sizeof(name), "Công an %s", p->full_name);
	snprintf(name_en, sizeof(name_en), "%s Police", p->full_name_en);
	if (!rc)
		rc = agency(x, code, "provincial_police", name, name_en, pc, *committee, "CA", &id);
	snprintf(code, sizeof(code), "Q-P%s-CA-01", pc);
	if (!rc)
		rc = counter(x, code, id, 1);
	if (!rc)
		rc = three(x, id, "ca.p", pc);
	snprintf(code, sizeof(code), "000.00.60.P%s", pc);
	snprintf(name, sizeof(name), "Bảo hiểm xã hội %s", p->full_name);
	snprintf(name_en, sizeof(name_en), "%s Social Insurance", p->full_name_en);
	if (!rc)
		rc = agency(x, code, "provincial_social_insurance", name, name_en, pc, *committee, "BHXH", &id);
	/* one lower secondary school, in the first commune */
	snprintf(code, sizeof(code), "000.01.50.P%s", pc);
	snprintf(name, sizeof(name), "Trường THCS %s", first_ward->name);
	snprintf(name_en, sizeof(name_en), "%s Lower Secondary School", first_ward->name);
	if (!rc && first_ward->code[0])
		rc = agency(x, code, "school", name, name_en, first_ward->code, *committee, "THCS", &id);
	if (!rc && first_ward->code[0])
		rc = three(x, id, "thcs.p", pc);
	return rc;
}

/* The ward's committee and police (and, every WARDS_PER_BRANCH communes
 * of a new province, a branch of the centre and a social insurance
 * office); no = the ward's number in its province. */
static int ward_level(struct nat *x, const struct unit *p, const struct unit *w, int no, int64_t committee,
		      int64_t centre)
{
	char code[48], name[512], name_en[512], key[32];
	const char *pc = p->code;
	int64_t id;
	snprintf(key, sizeof(key), "x%s", w->code);
	snprintf(code, sizeof(code), "000.%02d.31.P%s", no, pc);
	snprintf(name, sizeof(name), "UBND %s", w->full_name);
	snprintf(name_en, sizeof(name_en), "People's Committee of %s", w->full_name_en);
	int rc = agency(x, code, "ward_committee", name, name_en, w->code, committee, "UBND", &id);
	snprintf(code, sizeof(code), "Q-P%s-%s-01", pc, w->code);
	if (!rc)
		rc = counter(x, code, id, 1);
	if (!rc)
		rc = three(x, id, "", key);
	snprintf(code, sizeof(code), "000.%02d.40.P%s", no, pc);
	snprintf(name, sizeof(name), "Công an %s", w->full_name);
	snprintf(name_en, sizeof(name_en), "%s Police", w->full_name_en);
	int64_t police = 0;
	if (!rc)
		rc = agency_at(x->c, "provincial_police", pc, &police);
	if (!rc)
		rc = agency(x, code, "commune_police", name, name_en, w->code, police ? police : committee, "CA", &id);
	snprintf(code, sizeof(code), "Q-P%s-CA%s-01", pc, w->code);
	if (!rc)
		rc = counter(x, code, id, 1);
	if (!rc)
		rc = three(x, id, "ca.", key);
	if (rc || !centre || (no - 1) % WARDS_PER_BRANCH != 0)
		return rc;
	int b = (no - 1) / WARDS_PER_BRANCH + 1;
	snprintf(code, sizeof(code), "000.%02d.30.P%s", b, pc);
	snprintf(name, sizeof(name), "Chi nhánh số %d - Trung tâm Phục vụ hành chính công %s (%s)", b, p->full_name,
		 w->full_name);
	snprintf(name_en, sizeof(name_en), "Branch No. %d - %s Public Administration Service Centre (%s)", b,
		 p->full_name_en, w->full_name_en);
	if ((rc = agency(x, code, "branch", name, name_en, w->code, centre, NULL, &id)))
		return rc;
	snprintf(code, sizeof(code), "Q-P%s-CN%d-01", pc, b);
	char user[64];
	snprintf(user, sizeof(user), "tiepnhan.p%s.cn%d", pc, b);
	if ((rc = counter(x, code, id, 1)) ||
	    (rc = official(x, user, id, "Công chức tiếp nhận hồ sơ", "Reception Officer", "clerk")))
		return rc;
	int64_t si = 0;
	if ((rc = agency_at(x->c, "provincial_social_insurance", pc, &si)))
		return rc;
	snprintf(code, sizeof(code), "000.%02d.60.P%s", b, pc);
	snprintf(name, sizeof(name), "Bảo hiểm xã hội cơ sở %s", w->full_name);
	snprintf(name_en, sizeof(name_en), "%s Social Insurance", w->full_name_en);
	if ((rc = agency(x, code, "social_insurance", name, name_en, w->code, si ? si : committee, "BHXH", &id)))
		return rc;
	snprintf(key, sizeof(key), "%d.p%s", b, pc);
	return three(x, id, "bhxh", key);
}

static int one_province(struct nat *x, const struct unit *p, const struct unit *wards, int nw)
{
	int64_t committee = 0, centre = 0;
	const struct unit none = {0};
	const struct unit *first = &none;
	for (int i = 0; i < nw; i++)
		if (strcmp(wards[i].province, p->code) == 0) {
			first = &wards[i];
			break;
		}
	int rc = agency_at(x->c, "city_committee", p->code, &committee);
	if (!rc && !committee) {
		if ((rc = province_level(x, p, first, &committee, &centre)))
			return rc;
		x->n->provinces++;
	}
	int no = 0;
	for (int i = 0; i < nw && !rc; i++) {
		if (strcmp(wards[i].province, p->code) != 0)
			continue;
		no++;
		int64_t have = 0;
		if ((rc = agency_at(x->c, "ward_committee", wards[i].code, &have)) || have)
			continue; /* the demo's, or loaded before */
		rc = ward_level(x, p, &wards[i], no, committee, centre);
	}
	return rc;
}

int mc_seed_national(struct mc_conn *c, const char *password, struct mc_seed_counts *n, char *err, size_t errlen)
{
	err[0] = '\0';
	struct unit *provinces = NULL, *wards = NULL;
	int np = 0, nw = 0;
	char hash[MC_PWHASH_LEN];
	int rc = read_units(c, "province", &provinces, &np);
	if (!rc)
		rc = read_units(c, "ward", &wards, &nw);
	if (!rc && !np) {
		snprintf(err, errlen, "no administrative units: load them first");
		rc = MC_E_NOT_FOUND;
	}
	if (!rc && mc_password_hash(password, hash))
		rc = MC_E_NOMEM;
	if (!rc)
		rc = mc_tx_begin(c, 1);
	if (rc)
		goto out;
	struct nat x = {c, hash, n, err, errlen, 0, 0};
	for (int i = 0; i < np && !rc; i++)
		rc = one_province(&x, &provinces[i], wards, nw);
	if (!rc && x.created > 0) {
		struct mc_audit_entry e = {0, "seed.national", "agency", "*", "cli", NULL};
		rc = mc_audit_append_json(c, &e,
					  json_pack("{s:I, s:I, s:I, s:I}", "provinces", (json_int_t)n->provinces,
						    "agencies", (json_int_t)x.created, "counters",
						    (json_int_t)n->counters, "officials", (json_int_t)n->officials));
	}
	if (!rc) {
		rc = mc_tx_commit(c);
	} else {
		if (!err[0])
			snprintf(err, errlen, "%s", mc_conn_errmsg(c));
		mc_tx_rollback(c);
	}
out:
	free(provinces);
	free(wards);
	return rc;
}

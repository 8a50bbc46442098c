/*
 * test_signing.c - the PKI over HTTP, each answer checked by OpenSSL's
 * command line as a relying party would: `motcua pki init` makes the CA
 * chain that /pki/ca.pem serves and `openssl verify` accepts the
 * certificates under; an official asks for a remote-signing certificate
 * (choosing a PIN), signs an uploaded file and the .p7s passes `openssl
 * cms -verify` against the chain; /pki/tsa answers `openssl ts -query`
 * with what `openssl ts -verify` accepts; five wrong PINs lock signing
 * (429 with Retry-After), the right PIN included, each wrong one saying
 * how many tries are left; a revoked certificate is on the CRL (`openssl
 * verify -crl_check` says revoked), cannot sign, and what it signed
 * before stays valid (its time stamp says when); /api/v1/verify tells a
 * changed file from the signed one; at a time past its end the
 * certificate cannot sign; agencies' certificates are issued by their
 * administrators only; nobody reads a citizen's certificate but them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "shell.h"

#include "http.h"
#include "only.h"
#include "pdf.h"
#include "server.h"
#include "testdb.h"

#include "crypto/crypto.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct mc_test_server srv;
static char db_url[512], dir[64], secret_env[128];
static struct mc_db *db;
static struct mc_http_session official, admin, citizen;

static const char *id_text(json_int_t id)
{
	static char t[24];
	snprintf(t, sizeof(t), "%lld", (long long)id);
	return t;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int setup(void **state)
{
	(void)state;
	if (mc_test_scratch(dir, sizeof(dir), "sign"))
		return -1;
	/* this test's own secret, for the command line and the server alike */
	snprintf(secret_env, sizeof(secret_env), "%s/secret", dir);
	setenv("MOTCUA_PKI_SECRET", secret_env, 1);
	mc_test_db_setup(db_url, sizeof(db_url), 2, &db, 1);
	char out[2048], args[256];
	snprintf(args, sizeof(args), "pki init --root-key %s/root-key.pem", dir);
	if (mc_test_run_cli(db_url, args, out, sizeof(out)) != 0 || !strstr(out, "Issuing CA"))
		return -1;
	/* a second time: refused, nothing changed */
	snprintf(args, sizeof(args), "pki init --root-key %s/root-key2.pem", dir);
	if (mc_test_run_cli(db_url, args, out, sizeof(out)) != 1)
		return -1;
	mc_test_server_start(&srv, db_url, NULL);
	mc_http_login_as(&official, srv.base, "giamdoc.stp");
	mc_http_login_as(&admin, srv.base, "admin");
	mc_http_login_as(&citizen, srv.base, "079203001234");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mc_test_server_stop(&srv);
	mc_test_db_drop(db_url, db);
	return mc_test_scratch_rm(dir);
}

/* GET a path as s (NULL: anonymously) into file name; returns the status. */
static long fetch(struct mc_http_session *s, const char *path, const char *name)
{
	struct mc_http_res res;
	long st;
	if (s) {
		st = mc_http_get(s, path, &res);
	} else {
		char url[256];
		snprintf(url, sizeof(url), "%s%s", srv.base, path);
		assert_int_equal(mc_http_raw("GET", url, NULL, NULL, &res), 0);
		st = res.status;
	}
	if (st == 200)
		mc_test_write(dir, name, res.body, res.len);
	mc_http_res_free(&res);
	return st;
}

static json_t *issue_personal(struct mc_http_session *s, const char *pin)
{
	struct mc_http_res res;
	char body[128];
	snprintf(body, sizeof(body), "{\"kind\": \"personal\", \"pin\": \"%s\", \"password\": \"motcua2026\"}", pin);
	assert_int_equal(mc_http_post(s, "/api/v1/certificates", body, &res), 201);
	json_t *c = json_incref(res.json);
	mc_http_res_free(&res);
	return c;
}

static long sign(struct mc_http_session *s, const char *sha, const char *pin, struct mc_http_res *res)
{
	char body[256];
	snprintf(body, sizeof(body), "{\"file\": \"%s\", \"pin\": \"%s\"}", sha, pin);
	return mc_http_post(s, "/api/v1/signatures", body, res);
}

/* POST /api/v1/verify with a file and its .p7s (files in dir). */
static json_t *verify_detached(const char *file, const char *p7s)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "printf '{\"file\": \"%%s\", \"signature\": \"%%s\"}' \"$(base64 -w0 %s)\" \"$(base64 -w0 %s)\" > "
		 "v.json",
		 file, p7s);
	assert_int_equal(mc_test_sh(dir, "%s", cmd), 0);
	char path[128];
	snprintf(path, sizeof(path), "%s/v.json", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char body[1 << 16];
	size_t n = fread(body, 1, sizeof(body) - 1, f);
	fclose(f);
	body[n] = '\0';
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/verify", srv.base);
	const char *h[] = {"Content-Type: application/json", NULL};
	struct mc_http_res res;
	assert_int_equal(mc_http_raw("POST", url, body, h, &res), 0);
	assert_int_equal(res.status, 200);
	json_t *j = json_incref(res.json);
	mc_http_res_free(&res);
	return j;
}

static void chain_and_certificates(void **state)
{
	(void)state;
	assert_int_equal(fetch(NULL, "/pki/ca.pem", "chain.pem"), 200);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in chain.pem -noout -subject -nameopt utf8,sep_comma_plus"), 0);
	assert_true(mc_test_said(dir, "Root CA"));
	json_t *c = issue_personal(&official, "246810");
	assert_string_equal(jstr(c, "kind"), "personal");
	assert_string_equal(jstr(c, "status"), "valid");
	assert_true(json_is_true(json_object_get(c, "remote")));
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld?format=pem",
		 (long long)json_integer_value(json_object_get(c, "id")));
	assert_int_equal(fetch(&official, path, "giamdoc.pem"), 200);
	/* under the deployment's root, named as the official, with the CRL's address */
	assert_int_equal(mc_test_sh(dir, "openssl verify -CAfile chain.pem giamdoc.pem"), 0);
	assert_int_equal(mc_test_sh(dir,
				    "openssl x509 -in giamdoc.pem -noout -subject -ext crlDistributionPoints -nameopt "
				    "utf8,sep_comma_plus"),
			 0);
	assert_true(mc_test_said(dir, "/pki/ca.crl"));
	assert_true(mc_test_said(dir, "title=Giám đốc") || mc_test_said(dir, "title=Gi"));
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in giamdoc.pem -noout -serial | grep -qx 'serial=%s'",
				    jstr(c, "serial")),
			 0);
	/* the list of one's own */
	struct mc_http_res res;
	assert_int_equal(mc_http_get(&official, "/api/v1/certificates", &res), 200);
	assert_int_equal(json_array_size(json_object_get(res.json, "items")), 1);
	mc_http_res_free(&res);
	/* the session alone does not make a signing key: the password again */
	assert_int_equal(
		mc_http_post(&official, "/api/v1/certificates", "{\"kind\": \"personal\", \"pin\": \"246810\"}", &res),
		422);
	assert_non_null(strstr(res.body, "\"password\""));
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&official, "/api/v1/certificates",
				      "{\"kind\": \"personal\", \"pin\": \"246810\", \"password\": \"wrong-one\"}",
				      &res),
			 422);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_get(&official, "/api/v1/certificates", &res), 200);
	assert_int_equal(json_array_size(json_object_get(res.json, "items")), 1);
	mc_http_res_free(&res);
	/* a bad PIN is refused before anything is made */
	assert_int_equal(mc_http_post(&official, "/api/v1/certificates",
				      "{\"kind\": \"personal\", \"pin\": \"12ab\", \"password\": \"motcua2026\"}",
				      &res),
			 422);
	assert_non_null(strstr(res.body, "\"pin\""));
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&official, "/api/v1/certificates", "{\"kind\": \"seal\"}", &res), 422);
	mc_http_res_free(&res);
	json_decref(c);
}

static void sign_verify_and_stamp(void **state)
{
	(void)state;
	json_t *c = issue_personal(&official, "135790");
	const char *pdf = MC_TEST_PDF("to be signed");
	char sha[65];
	assert_int_equal(mc_http_upload(&official, pdf, sha), 201);
	struct mc_http_res res;
	assert_int_equal(sign(&official, sha, "135790", &res), 201);
	assert_string_equal(jstr(res.json, "format"), "cms");
	assert_true(json_integer_value(json_object_get(res.json, "stamped_at")) > 0);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/signatures/%lld/p7s",
		 (long long)json_integer_value(json_object_get(res.json, "id")));
	mc_http_res_free(&res);
	assert_int_equal(fetch(&official, path, "paper.p7s"), 200);
	assert_int_equal(fetch(NULL, "/pki/ca.pem", "chain.pem"), 200);
	mc_test_write(dir, "paper.pdf", pdf, strlen(pdf));
	assert_int_equal(
		mc_test_sh(dir,
			   "openssl cms -verify -binary -inform DER -in paper.p7s -content paper.pdf -CAfile chain.pem "
			   "-purpose any -out /dev/null"),
		0);
	assert_true(mc_test_said(dir, "Verification successful"));
	/* the older certificate was superseded by this one */
	assert_int_equal(mc_http_get(&official, "/api/v1/certificates", &res), 200);
	json_t *items = json_object_get(res.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(jstr(json_array_get(items, 1), "status"), "revoked");
	mc_http_res_free(&res);

	json_t *v = verify_detached("paper.pdf", "paper.p7s");
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_t *s0 = json_array_get(json_object_get(v, "signatures"), 0);
	assert_string_equal(jstr(s0, "certificate_status"), "good");
	assert_string_equal(jstr(json_object_get(s0, "signer"), "serial"), jstr(c, "serial"));
	assert_non_null(json_object_get(json_object_get(s0, "timestamp"), "at"));
	json_decref(v);
	/* one byte changed: not intact */
	mc_test_write(dir, "paper2.pdf", pdf, strlen(pdf));
	assert_int_equal(mc_test_sh(dir, "printf 'X' | dd of=paper2.pdf bs=1 seek=20 conv=notrunc"), 0);
	v = verify_detached("paper2.pdf", "paper.p7s");
	assert_false(json_is_true(json_object_get(v, "valid")));
	assert_false(json_is_true(json_object_get(json_array_get(json_object_get(v, "signatures"), 0), "intact")));
	json_decref(v);

	/* the TSA answers an outside client */
	assert_int_equal(
		mc_test_sh(dir,
			   "openssl ts -query -data paper.pdf -sha256 -cert -out q.tsq && curl -sf -H 'Content-Type: "
			   "application/timestamp-query' --data-binary @q.tsq %s/pki/tsa -o r.tsr && openssl ts "
			   "-verify -data paper.pdf -in r.tsr -CAfile chain.pem",
			   srv.base),
		0);
	assert_true(mc_test_said(dir, "Verification: OK"));
	json_decref(c);
}

static void wrong_pins_lock(void **state)
{
	(void)state;
	struct mc_http_session chief;
	mc_http_login_as(&chief, srv.base, "chanhvanphong.stp");
	json_t *c = issue_personal(&chief, "11223344");
	char sha[65];
	assert_int_equal(mc_http_upload(&chief, MC_TEST_PDF("pin test"), sha), 201);
	struct mc_http_res res;
	for (int i = 1; i < 5; i++) {
		assert_int_equal(sign(&chief, sha, "99999999", &res), 422);
		assert_int_equal(json_integer_value(json_object_get(res.json, "attempts_left")), 5 - i);
		assert_non_null(strstr(res.body, "\"pin\""));
		mc_http_res_free(&res);
	}
	assert_int_equal(sign(&chief, sha, "99999999", &res), 429);
	assert_true(atoi(mc_http_header(&res, "Retry-After")) > 800);
	mc_http_res_free(&res);
	/* locked: the right PIN too */
	assert_int_equal(sign(&chief, sha, "11223344", &res), 429);
	mc_http_res_free(&res);
	assert_int_equal(
		mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.pin_wrong'", NULL), 5);
	json_decref(c);
	/* twenty wrong PINs at once get no more than five tries between them */
	struct mc_http_session ph;
	mc_http_login_as(&ph, srv.base, "phogiamdoc.stp");
	json_t *c2 = issue_personal(&ph, "31415926");
	char sha2[65];
	assert_int_equal(mc_http_upload(&ph, MC_TEST_PDF("pin race"), sha2), 201);
	assert_int_equal(mc_test_sh(dir,
				    "seq 20 | xargs -P 20 -I{} curl -s -o /dev/null -w '%%{http_code}\\n' -H "
				    "'Authorization: Bearer %s' "
				    "-H 'Content-Type: application/json' -d '{\"file\":\"%s\",\"pin\":\"27182818\"}' "
				    "%s/api/v1/signatures > codes.txt; grep -c '^422$' codes.txt > n422.txt; true",
				    ph.token, sha2, srv.base),
			 0);
	char p422[128], n[16] = "";
	snprintf(p422, sizeof(p422), "%s/n422.txt", dir);
	FILE *f = fopen(p422, "r");
	assert_non_null(f);
	assert_non_null(fgets(n, sizeof(n), f));
	fclose(f);
	assert_true(atoi(n) <= 4); /* four wrong at most, the fifth locks (429), the others 429 */
	assert_int_equal(
		mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.pin_wrong'", NULL),
		5 + atoi(n) + 1);
	assert_int_equal(sign(&ph, sha2, "31415926", &res), 429); /* locked: the right PIN too */
	mc_http_res_free(&res);
	json_decref(c2);
}

static void revoked_cannot_sign(void **state)
{
	(void)state;
	struct mc_http_session deputy;
	mc_http_login_as(&deputy, srv.base, "phogiamdoc.stp");
	json_t *c = issue_personal(&deputy, "555666");
	const char *pdf = MC_TEST_PDF("signed then revoked");
	char sha[65], path[96];
	assert_int_equal(mc_http_upload(&deputy, pdf, sha), 201);
	struct mc_http_res res;
	assert_int_equal(sign(&deputy, sha, "555666", &res), 201);
	snprintf(path, sizeof(path), "/api/v1/signatures/%lld/p7s",
		 (long long)json_integer_value(json_object_get(res.json, "id")));
	mc_http_res_free(&res);
	assert_int_equal(fetch(&deputy, path, "before.p7s"), 200);
	mc_test_write(dir, "before.pdf", pdf, strlen(pdf));
	sleep(1); /* revoked in a later second than the signature */
	long long id = (long long)json_integer_value(json_object_get(c, "id"));
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld/revoke", id);
	/* not by someone else */
	assert_int_equal(mc_http_post(&official, path, "{\"reason\": 1}", &res), 404);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&deputy, path, "{\"reason\": 1}", &res), 200);
	assert_string_equal(jstr(res.json, "status"), "revoked");
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&deputy, path, "{\"reason\": 1}", &res), 409);
	mc_http_res_free(&res);
	/* on the CRL, which openssl checks against the chain */
	assert_int_equal(fetch(NULL, "/pki/ca.pem", "chain.pem"), 200);
	assert_int_equal(fetch(NULL, "/pki/ca.crl", "ca.crl"), 200);
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld?format=pem", id);
	assert_int_equal(fetch(&deputy, path, "deputy.pem"), 200);
	assert_int_equal(
		mc_test_sh(
			dir,
			"openssl crl -inform DER -in ca.crl -out ca-crl.pem && cat chain.pem ca-crl.pem > all.pem && "
			"openssl verify -crl_check -CAfile all.pem deputy.pem"),
		2);
	assert_true(mc_test_said(dir, "certificate revoked"));
	/* and so says the OCSP responder, asked by openssl; a good one is good,
	 * one of another CA unknown, junk malformed */
	char q[512];
	snprintf(q, sizeof(q),
		 "awk '/BEGIN/{n++} {print > (\"ch\" n \".pem\")}' chain.pem && "
		 "openssl ocsp -issuer ch2.pem -cert deputy.pem -url %s/pki/ocsp -CAfile chain.pem",
		 srv.base);
	assert_int_equal(mc_test_sh(dir, "%s", q), 0);
	assert_true(mc_test_said(dir, "Response verify OK"));
	assert_true(mc_test_said(dir, "deputy.pem: revoked"));
	assert_true(mc_test_said(dir, "Reason: keyCompromise"));
	struct mc_http_session cvp;
	mc_http_login_as(&cvp, srv.base, "chanhvanphong.stp");
	json_t *fresh = issue_personal(&cvp, "555667");
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld?format=pem",
		 (long long)json_integer_value(json_object_get(fresh, "id")));
	json_decref(fresh);
	assert_int_equal(fetch(&cvp, path, "fresh.pem"), 200);
	snprintf(q, sizeof(q), "openssl ocsp -issuer ch2.pem -cert fresh.pem -url %s/pki/ocsp -CAfile chain.pem",
		 srv.base);
	assert_int_equal(mc_test_sh(dir, "%s", q), 0);
	assert_true(mc_test_said(dir, "fresh.pem: good"));
	snprintf(q, sizeof(q),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout o.key -subj /CN=other "
		 "-out other.pem 2>/dev/null && openssl ocsp -issuer other.pem -cert other.pem -url %s/pki/ocsp "
		 "-noverify",
		 srv.base);
	assert_int_equal(mc_test_sh(dir, "%s", q), 0);
	assert_true(mc_test_said(dir, "other.pem: unknown"));
	snprintf(q, sizeof(q),
		 "curl -s -H 'Content-Type: application/ocsp-request' --data-binary 'junk' -o junk.der %s/pki/ocsp && "
		 "openssl ocsp -respin junk.der -resp_text -noverify",
		 srv.base);
	mc_test_sh(dir, "%s", q);
	assert_true(mc_test_said(dir, "malformedrequest"));
	/* no valid certificate left to sign with */
	assert_int_equal(sign(&deputy, sha, "555666", &res), 422);
	assert_non_null(strstr(res.body, "certificate_id"));
	mc_http_res_free(&res);
	/* what it signed before stays valid: the time stamp is before the revocation */
	json_t *v = verify_detached("before.pdf", "before.p7s");
	json_t *s0 = json_array_get(json_object_get(v, "signatures"), 0);
	assert_true(json_is_true(json_object_get(v, "valid")));
	assert_true(json_is_integer(json_object_get(s0, "revoked_at")));
	json_decref(v);
	json_decref(c);
}

static void expired_cannot_sign(void **state)
{
	(void)state;
	struct mc_http_session head;
	mc_http_login_as(&head, srv.base, "truongphong.stp");
	json_t *c = issue_personal(&head, "778899");
	char sha[65];
	assert_int_equal(mc_http_upload(&head, MC_TEST_PDF("after the end"), sha), 201);
	/* the same database three years on */
	struct mc_test_server later;
	char when[64];
	time_t t = time(NULL) + 3 * 366 * 86400L;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "MOTCUA_TEST_NOW=%Y-%m-%dT%H:%M:%SZ", &tm);
	const char *env[] = {when, NULL};
	mc_test_server_start(&later, db_url, env);
	struct mc_http_session h2;
	mc_http_login_as(&h2, later.base, "truongphong.stp");
	struct mc_http_res res;
	assert_int_equal(sign(&h2, sha, "778899", &res), 422);
	assert_non_null(strstr(res.body, "expired"));
	mc_http_res_free(&res);
	mc_test_server_stop(&later);
	json_decref(c);
}

static void agencies_and_citizens(void **state)
{
	(void)state;
	struct mc_http_res res;
	int64_t stp = mc_test_db_int(db, "SELECT agency_id FROM users WHERE username = ?", "giamdoc.stp");
	char body[128], path[96];
	snprintf(body, sizeof(body), "{\"kind\": \"organisation\", \"agency_id\": %lld}", (long long)stp);
	assert_int_equal(mc_http_post(&official, "/api/v1/certificates", body, &res), 403);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&admin, "/api/v1/certificates", body, &res), 201);
	assert_string_equal(jstr(res.json, "kind"), "organisation");
	assert_true(json_is_null(json_object_get(res.json, "user_id")));
	mc_http_res_free(&res);
	snprintf(body, sizeof(body), "{\"kind\": \"encryption\", \"agency_id\": %lld}", (long long)stp);
	assert_int_equal(mc_http_post(&admin, "/api/v1/certificates", body, &res), 201);
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld?format=pem",
		 (long long)json_integer_value(json_object_get(res.json, "id")));
	mc_http_res_free(&res);
	assert_int_equal(fetch(&admin, path, "enc.pem"), 200);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in enc.pem -noout -ext keyUsage"), 0);
	assert_true(mc_test_said(dir, "Key Agreement"));
	snprintf(path, sizeof(path), "/api/v1/certificates?agency_id=%lld", (long long)stp);
	assert_int_equal(mc_http_get(&admin, path, &res), 200);
	assert_true(json_array_size(json_object_get(res.json, "items")) >= 2);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_get(&official, path, &res), 403);
	mc_http_res_free(&res);
	/* a citizen's own, which nobody else reads */
	json_t *c = issue_personal(&citizen, "864200");
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld",
		 (long long)json_integer_value(json_object_get(c, "id")));
	struct mc_http_session other;
	mc_http_login_as(&other, srv.base, "079185176822");
	assert_int_equal(mc_http_get(&other, path, &res), 404);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_get(&official, path, &res), 404); /* nor an official: it names the citizen's ID */
	mc_http_res_free(&res);
	assert_int_equal(mc_http_get(&citizen, path, &res), 200);
	mc_http_res_free(&res);
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld?format=pem",
		 (long long)json_integer_value(json_object_get(c, "id")));
	assert_int_equal(fetch(&citizen, path, "citizen.pem"), 200);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in citizen.pem -noout -subject -nameopt utf8,sep_comma_plus"),
			 0);
	assert_true(mc_test_said(dir, "UID=CCCD:079203001234"));
	json_decref(c);
}

/* POST a draft action as s with If-Match v (the status; the answer in r). */
static long draft_act(struct mc_http_session *s, json_int_t id, const char *action, json_int_t v, const char *body,
		      struct mc_http_res *r)
{
	char path[120], etag[40];
	snprintf(path, sizeof(path), "/api/v1/drafts/%lld/actions/%s", (long long)id, action);
	snprintf(etag, sizeof(etag), "If-Match: \"v%lld\"", (long long)v);
	const char *h[] = {etag, NULL};
	mc_http_do(s, "POST", path, body, h, r);
	return r->status;
}

/* A leader signs their own report with the PIN (PAdES: the number still
 * blank); the clerical officer issues it, which numbers it and seals it
 * with the Department's signature: pdfsig finds both signatures valid, the
 * seal covering the whole file, and /api/v1/verify says the same; a wrong
 * PIN signs nothing and moves nothing. */
static void document_signed_and_sealed(void **state)
{
	(void)state;
	struct mc_http_session gd, vt;
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	json_decref(issue_personal(&gd, "102938"));
	struct mc_http_res r;
	assert_int_equal(
		mc_http_post(&gd, "/api/v1/drafts",
			     "{\"type_code\":\"bao_cao\",\"summary\":\"Báo cáo kết quả chuyển đổi số năm 2026\","
			     "\"content\":\"Sở Tư pháp báo cáo kết quả như sau.\\nMột là, hồ sơ trực tuyến.\","
			     "\"recipients\":[\"UBND Thành phố\",\"Lưu: VT\"]}",
			     &r),
		201);
	json_int_t id = json_integer_value(json_object_get(r.json, "id"));
	mc_http_res_free(&r);
	/* a wrong PIN: refused before the act, the draft as it was */
	assert_int_equal(draft_act(&gd, id, "submit", 1, "{\"pin\":\"000000\"}", &r), 422);
	assert_non_null(strstr(r.body, "\"pin\""));
	mc_http_res_free(&r);
	assert_int_equal(draft_act(&gd, id, "submit", 1, "{\"pin\":\"102938\"}", &r), 200);
	assert_string_equal(jstr(r.json, "status"), "signed");
	mc_http_res_free(&r);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM signatures WHERE format = 'pades' AND draft_id = ?",
					id_text(id)),
			 1);
	assert_int_equal(draft_act(&vt, id, "issue", 2, "{}", &r), 200);
	json_t *doc = json_object_get(r.json, "document");
	json_int_t doc_id = json_integer_value(json_object_get(doc, "id"));
	char number[64];
	snprintf(number, sizeof(number), "%s", jstr(doc, "number_text"));
	mc_http_res_free(&r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/file", (long long)doc_id);
	assert_int_equal(fetch(&vt, path, "issued.pdf"), 200);
	assert_int_equal(mc_test_sh(dir, "pdfsig issued.pdf"), 0);
	assert_true(mc_test_said(dir, "Signature #2"));
	assert_true(mc_test_said(dir, "Signer Certificate Common Name: Dương Văn Hải"));
	assert_true(mc_test_said(dir, "Signer Certificate Common Name: Sở Tư pháp"));
	assert_true(mc_test_said(dir, "Not total document signed"));
	assert_int_equal(mc_test_sh(dir, "pdfsig issued.pdf | grep -c 'Signature is Valid.' | grep -qx 2"), 0);
	assert_int_equal(mc_test_sh(dir, "pdfsig issued.pdf | tail -n 4 | grep -q 'Total document signed'"), 0);
	/* the number and the date shown on it, as the stamps' words */
	assert_int_equal(
		mc_test_sh(dir,
			   "qpdf --qdf --object-streams=disable issued.pdf issued-qdf.pdf 2>/dev/null || cp issued.pdf "
			   "issued-qdf.pdf; grep -a -c '/Subtype /Stamp' issued-qdf.pdf"),
		0);
	/* the public verification says the same */
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/verify", srv.base);
	assert_int_equal(
		mc_test_sh(dir, "curl -sf -H 'Content-Type: application/pdf' --data-binary @issued.pdf %s -o v.json",
			   url),
		0);
	char vpath[128];
	snprintf(vpath, sizeof(vpath), "%s/v.json", dir);
	json_t *v = json_load_file(vpath, 0, NULL);
	assert_non_null(v);
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_t *sigs = json_object_get(v, "signatures");
	assert_int_equal(json_array_size(sigs), 2);
	assert_string_equal(jstr(json_object_get(json_array_get(sigs, 1), "signer"), "name"), "Sở Tư pháp");
	assert_false(json_is_true(json_object_get(json_array_get(sigs, 0), "covers_whole_file")));
	assert_true(json_is_true(json_object_get(json_array_get(sigs, 1), "covers_whole_file")));
	json_decref(v);
	/* something added after the last signature: every signature intact,
	 * but the file is not what was signed */
	assert_int_equal(
		mc_test_sh(dir,
			   "cp issued.pdf later.pdf && printf '1 0 obj (added) endobj\\n' >> later.pdf && curl -sf -H "
			   "'Content-Type: application/pdf' --data-binary @later.pdf %s -o v3.json",
			   url),
		0);
	snprintf(vpath, sizeof(vpath), "%s/v3.json", dir);
	v = json_load_file(vpath, 0, NULL);
	assert_non_null(v);
	assert_false(json_is_true(json_object_get(v, "valid")));
	assert_true(json_is_true(json_object_get(v, "changed_after_last_signature")));
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(v, "signatures"), 1), "intact")));
	json_decref(v);
	/* a byte of the signed text changed: both signatures fail */
	assert_int_equal(
		mc_test_sh(
			dir,
			"cp issued.pdf bad.pdf && printf 'Z' | dd of=bad.pdf bs=1 seek=600 conv=notrunc 2>/dev/null"),
		0);
	assert_int_equal(mc_test_sh(dir,
				    "curl -sf -H 'Content-Type: application/pdf' --data-binary @bad.pdf %s -o v2.json",
				    url),
			 0);
	snprintf(vpath, sizeof(vpath), "%s/v2.json", dir);
	v = json_load_file(vpath, 0, NULL);
	assert_false(json_is_true(json_object_get(v, "valid")));
	assert_false(json_is_true(json_object_get(json_array_get(json_object_get(v, "signatures"), 0), "intact")));
	json_decref(v);
	(void)number;
}

/* The text a query reads (one row, one column) written to file name. */
static void sql_text_to(const char *sql, int64_t id, const char *name)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_stmt *s;
	assert_int_equal(mc_query(c, &s, sql, "i", id), 0);
	assert_int_equal(mc_step_row(s), 0);
	const char *t = mc_col_text(s, 0);
	assert_non_null(t);
	mc_test_write(dir, name, t, strlen(t));
	mc_stmt_done(s);
	mc_db_release(c);
}

/* The bytes of a blob column a query reads (one row) written to file name. */
static void sql_blob_to(const char *sql, int64_t id, const char *name)
{
	struct mc_conn *c;
	assert_int_equal(mc_db_acquire(db, &c), 0);
	struct mc_stmt *s;
	assert_int_equal(mc_query(c, &s, sql, "i", id), 0);
	assert_int_equal(mc_step_row(s), 0);
	size_t n = 0;
	const void *p = mc_col_blob(s, 0, &n);
	assert_non_null(p);
	mc_test_write(dir, name, p, n);
	mc_stmt_done(s);
	mc_db_release(c);
}

/* The passphrase that seals an agency's key: HMAC-SHA-256 under the
 * server's secret (this test's file) of "agency:SERIAL:", computed by
 * openssl, as an operator holding the secret would. */
static void agency_key_file(const char *serial, const char *name)
{
	char secret[80] = "";
	FILE *f = fopen(secret_env, "r");
	assert_non_null(f);
	assert_non_null(fgets(secret, sizeof(secret), f));
	fclose(f);
	secret[strcspn(secret, "\n")] = '\0';
	assert_int_equal(mc_test_sh(dir,
				    "printf 'agency:%s:' | openssl dgst -sha256 -mac HMAC -macopt hexkey:%s -r | cut "
				    "-c1-64 > %s.pass",
				    serial, secret, name),
			 0);
}

/* An agency's encryption certificate, its sealed key as the database
 * holds it and the passphrase: name.pem, name.key, name.pass. */
static void agency_material(int64_t agency, const char *name)
{
	char q[200], path[96], pem[64], key[64], serial[64], sp[128];
	snprintf(q, sizeof(q),
		 "SELECT id FROM certificates WHERE agency_id = %lld AND kind = 'encryption' AND revoked_at IS NULL",
		 (long long)agency);
	int64_t cid = mc_test_db_int(db, q, NULL);
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld?format=pem", (long long)cid);
	snprintf(pem, sizeof(pem), "%s.pem", name);
	assert_int_equal(fetch(&admin, path, pem), 200);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in %s -noout -serial | cut -d= -f2 > %s.serial", pem, name), 0);
	snprintf(sp, sizeof(sp), "%s/%s.serial", dir, name);
	FILE *f = fopen(sp, "r");
	assert_non_null(f);
	assert_non_null(fgets(serial, sizeof(serial), f));
	fclose(f);
	serial[strcspn(serial, "\n")] = '\0';
	agency_key_file(serial, name);
	snprintf(key, sizeof(key), "%s.key", name);
	sql_text_to("SELECT key_pem FROM certificates WHERE id = ?", cid, key);
}

/* A secret report (Mật) signed by the director and issued to the ward of
 * Sài Gòn: stored encrypted (CMS EnvelopedData) for the Department and the
 * ward, which openssl cms -decrypt opens with either's key and not with a
 * third agency's; the plain PDFs are gone; the ward's clerical officer (a
 * named reader) gets it opened, audited, and pdfsig finds the signatures
 * valid; the ward's chairman, not named, does not see it at all. */
static void confidential_encrypted_to_recipients(void **state)
{
	(void)state;
	struct mc_http_session gd, vt, wvt, chair;
	mc_http_login_as(&gd, srv.base, "giamdoc.stp");
	mc_http_login_as(&vt, srv.base, "vanthu.stp");
	mc_http_login_as(&wvt, srv.base, "vanthu.p26740");
	mc_http_login_as(&chair, srv.base, "chutich.p26740");
	json_decref(issue_personal(&gd, "564738"));
	int64_t ward = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.01.31.H29");
	int64_t stp = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.00.02.H29");
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"type_code\":\"bao_cao\",\"summary\":\"Báo cáo mật về an ninh trật tự\",\"secrecy\":\"mat\","
		 "\"content\":\"Nội dung mật.\",\"recipients\":[\"Lưu: VT\"],\"internal_recipient_ids\":[%lld]}",
		 (long long)ward);
	struct mc_http_res r;
	assert_int_equal(mc_http_post(&gd, "/api/v1/drafts", body, &r), 201);
	json_int_t id = json_integer_value(json_object_get(r.json, "id"));
	mc_http_res_free(&r);
	/* without the PIN it cannot be signed: it would travel in the clear */
	assert_int_equal(draft_act(&gd, id, "submit", 1, "{}", &r), 422);
	assert_non_null(strstr(r.body, "\"pin\""));
	mc_http_res_free(&r);
	assert_int_equal(draft_act(&gd, id, "submit", 1, "{\"pin\":\"564738\"}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(draft_act(&vt, id, "issue", 2, "{}", &r), 200);
	json_int_t doc = json_integer_value(json_object_get(json_object_get(r.json, "document"), "id"));
	mc_http_res_free(&r);
	/* stored encrypted, nothing plain left */
	assert_int_equal(
		mc_test_db_int(db,
			       "SELECT COUNT(*) FROM documents d JOIN blobs b ON b.sha256 = d.file_sha256 WHERE"
			       " d.id = ? AND b.mime = 'application/pkcs7-mime'",
			       id_text(doc)),
		1);
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM signatures g JOIN blobs b ON b.sha256 = g.result_sha256"
					" WHERE g.draft_id = ?",
					id_text(id)),
			 0);
	int64_t in_doc = mc_test_db_int(db, "SELECT MAX(id) FROM documents WHERE agency_id = ?", id_text(ward));
	assert_int_equal(mc_test_db_int(db,
					"SELECT COUNT(*) FROM documents WHERE id = ? AND secrecy = 'mat'"
					" AND series = 'in_secret'",
					id_text(in_doc)),
			 1);
	/* the envelope, as stored, opened by openssl with each recipient's key */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/file?envelope=1", (long long)doc);
	assert_int_equal(fetch(&vt, path, "secret.p7m"), 200);
	const char *names[] = {"ward", "stp"};
	const int64_t agencies[] = {ward, stp};
	for (size_t k = 0; k < 2; k++) {
		agency_material(agencies[k], names[k]);
		assert_int_equal(
			mc_test_sh(
				dir,
				"openssl cms -decrypt -binary -inform DER -in secret.p7m -recip %s.pem -inkey %s.key "
				"-passin file:%s.pass -out %s.pdf && pdfsig %s.pdf | grep -c 'Signature is Valid.' | "
				"grep -qx 2",
				names[k], names[k], names[k], names[k], names[k]),
			0);
	}
	/* a third agency's key opens nothing */
	int64_t other = mc_test_db_int(db, "SELECT id FROM agencies WHERE code = ?", "000.00.03.H29");
	snprintf(body, sizeof(body), "{\"kind\":\"encryption\",\"agency_id\":%lld}", (long long)other);
	assert_int_equal(mc_http_post(&admin, "/api/v1/certificates", body, &r), 201);
	mc_http_res_free(&r);
	agency_material(other, "other");
	assert_int_equal(mc_test_sh(dir, "openssl pkey -in other.key -passin file:other.pass -noout"),
			 0); /* a good key */
	assert_int_not_equal(
		mc_test_sh(dir, "openssl cms -decrypt -binary -inform DER -in secret.p7m -recip other.pem -inkey "
				"other.key -passin file:other.pass -out x.pdf"),
		0);
	/* the ward's clerical officer reads it, opened and audited */
	int64_t audits = mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.decrypt'", NULL);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/file", (long long)in_doc);
	assert_int_equal(fetch(&wvt, path, "ward-read.pdf"), 200);
	assert_int_equal(mc_test_sh(dir, "pdfsig ward-read.pdf | grep -c 'Signature is Valid.' | grep -qx 2"), 0);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'document.decrypt'", NULL),
			 audits + 1);
	/* not named: not even there */
	assert_int_equal(mc_http_get(&chair, path, &r), 404);
	mc_http_res_free(&r);
	/* the ward's encryption certificate replaced: what was sent to the old
	 * one stays readable */
	snprintf(body, sizeof(body), "{\"kind\":\"encryption\",\"agency_id\":%lld}", (long long)ward);
	assert_int_equal(mc_http_post(&admin, "/api/v1/certificates", body, &r), 201);
	mc_http_res_free(&r);
	assert_int_equal(fetch(&wvt, path, "ward-again.pdf"), 200);
	assert_int_equal(mc_test_sh(dir, "cmp ward-read.pdf ward-again.pdf"), 0);
}

/* A citizen signs their online application with their PIN: a wrong PIN
 * submits nothing; the right one submits it signed, the dossier keeps the
 * signer and the verdict, and openssl cms -verify accepts the .p7s over
 * the bytes kept. */
static void citizen_signs_application(void **state)
{
	(void)state;
	struct mc_http_session cit;
	mc_http_login_as(&cit, srv.base, "079203001234");
	json_decref(issue_personal(&cit, "918273"));
	const char *form = "\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
			   "\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\","
			   "\"purpose\":\"Kết hôn\"}";
	char body[1024];
	struct mc_http_res r;
	int64_t before = mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers", NULL);
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s,\"signature\":{\"pin\":\"000000\"}}", form);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 422);
	assert_non_null(strstr(r.body, "\"pin\""));
	mc_http_res_free(&r);
	assert_int_equal(mc_test_db_int(db, "SELECT COUNT(*) FROM dossiers", NULL), before);
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s,\"signature\":{\"pin\":\"918273\"}}", form);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	char code[64];
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	int64_t sig = mc_test_db_int(
		db, "SELECT g.id FROM signatures g JOIN dossiers d ON d.id = g.dossier_id WHERE d.code = ?", code);
	char path[96], sha[80];
	snprintf(path, sizeof(path), "/api/v1/signatures/%lld/p7s", (long long)sig);
	assert_int_equal(fetch(&cit, path, "application.p7s"), 200);
	sql_blob_to("SELECT b.data FROM blobs b JOIN signatures g ON g.file_sha256 = b.sha256 WHERE g.id = ?", sig,
		    "application.json");
	assert_int_equal(fetch(NULL, "/pki/ca.pem", "chain.pem"), 200);
	assert_int_equal(
		mc_test_sh(dir, "openssl cms -verify -binary -inform DER -in application.p7s -content application.json "
				"-CAfile chain.pem -purpose any -out /dev/null"),
		0);
	assert_int_equal(mc_test_sh(dir, "grep -c '\"procedure\":\"1.004873\"' application.json"), 0);
	/* the dossier keeps who signed, with which certificate, and the verdict */
	snprintf(body, sizeof(body),
		 "SELECT COUNT(*) FROM dossiers WHERE code = ? AND extra LIKE '%%\"certificate_status\":\"good\"%%'"
		 " AND extra LIKE '%%\"intact\":true%%'");
	assert_int_equal(mc_test_db_int(db, body, code), 1);
	(void)sha;
}

/* The result of a dossier, approved by the ward's chairman with his PIN:
 * numbered as an outgoing document and signed PAdES by him, then with the
 * ward's seal; the applicant downloads the signed PDF, in which pdfsig
 * finds both signatures valid and the document unmodified.  A wrong PIN
 * approves nothing. */
static void dossier_result_signed(void **state)
{
	(void)state;
	struct mc_http_session cit, clerk, spec, lead;
	mc_http_login_as(&cit, srv.base, "079203001234");
	mc_http_login_as(&clerk, srv.base, "tiepnhan.p26740");
	mc_http_login_as(&spec, srv.base, "chuyenvien.p26740");
	mc_http_login_as(&lead, srv.base, "chutich.p26740");
	json_decref(issue_personal(&lead, "556677"));
	const char *form = "\"form\":{\"full_name\":\"Nguyễn Văn An\",\"id_number\":\"079203001234\","
			   "\"birth_date\":\"2003-05-14\",\"residence_unit\":\"26740\",\"marital_status\":\"single\","
			   "\"purpose\":\"Kết hôn\"}";
	char body[1024], code[64];
	struct mc_http_res r;
	snprintf(body, sizeof(body), "{\"procedure_code\":\"1.004873\",%s}", form);
	assert_int_equal(mc_http_post(&cit, "/api/v1/dossiers", body, &r), 201);
	snprintf(code, sizeof(code), "%s", jstr(r.json, "code"));
	mc_http_res_free(&r);
	mc_http_act_v(&clerk, code, "receive", 1, NULL, &r);
	if (r.status != 200)
		fprintf(stderr, "%s %s\n", code, r.body);
	assert_int_equal(r.status, 200);
	long v = (long)json_integer_value(json_object_get(r.json, "version"));
	mc_http_res_free(&r);
	assert_int_equal(mc_http_act_v(&spec, code, "forward", v, NULL, &r), 200);
	v = (long)json_integer_value(json_object_get(r.json, "version"));
	mc_http_res_free(&r);
	char sha[65];
	/* a PDF without a page takes no signature: said of the file */
	char empty[65];
	assert_int_equal(mc_http_upload(&lead, MC_TEST_PDF("no page"), empty), 201);
	snprintf(body, sizeof(body),
		 "{\"result_file\":\"%s\",\"result_type_code\":\"giay_chung_nhan\",\"pin\":\"556677\"}", empty);
	assert_int_equal(mc_http_act_v(&lead, code, "forward", v, body, &r), 422);
	assert_non_null(strstr(r.body, "\"result_file\""));
	mc_http_res_free(&r);
	/* a real PDF with a page (tests/data/sample.pdf has no NUL byte: it
	 * travels as a string) */
	char pdfpath[512], *pdf = calloc(1, 1 << 20);
	snprintf(pdfpath, sizeof(pdfpath), "%s/tests/data/sample.pdf", mc_test_share());
	FILE *f = fopen(pdfpath, "rb");
	assert_non_null(f);
	assert_true(fread(pdf, 1, (1 << 20) - 1, f) > 0);
	fclose(f);
	assert_int_equal(mc_http_upload(&lead, pdf, sha), 201);
	free(pdf);
	/* a wrong PIN: nothing approved */
	snprintf(body, sizeof(body),
		 "{\"result_file\":\"%s\",\"result_type_code\":\"giay_chung_nhan\",\"pin\":\"000000\"}", sha);
	assert_int_equal(mc_http_act_v(&lead, code, "forward", v, body, &r), 422);
	mc_http_res_free(&r);
	snprintf(body, sizeof(body),
		 "{\"result_file\":\"%s\",\"result_type_code\":\"giay_chung_nhan\",\"pin\":\"556677\"}", sha);
	mc_http_act_v(&lead, code, "forward", v, body, &r);
	if (r.status != 200)
		fprintf(stderr, "%s\n", r.body);
	assert_int_equal(r.status, 200);
	json_t *result = json_object_get(r.json, "result");
	char signed_sha[65];
	snprintf(signed_sha, sizeof(signed_sha), "%s", jstr(result, "sha256"));
	assert_string_equal(jstr(result, "uploaded_sha256"), sha);
	assert_string_not_equal(signed_sha, sha);
	json_int_t doc = json_integer_value(json_object_get(json_object_get(result, "document"), "id"));
	mc_http_res_free(&r);
	char path[200];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/files/%s", code, signed_sha);
	assert_int_equal(fetch(&cit, path, "result.pdf"), 200);
	assert_int_equal(mc_test_sh(dir, "pdfsig result.pdf | grep -c 'Signature is Valid.' | grep -qx 2"), 0);
	assert_int_equal(
		mc_test_sh(dir, "pdfsig result.pdf | grep -c 'Signer Certificate Common Name: Phạm Thị Lệ Hằng'"), 0);
	assert_int_equal(mc_test_sh(dir, "pdfsig result.pdf | tail -n 4 | grep -q 'Total document signed'"), 0);
	/* the register's document is the signed PDF */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld", (long long)doc);
	assert_int_equal(mc_http_get(&lead, path, &r), 200);
	assert_string_equal(jstr(r.json, "file_sha256"), signed_sha);
	mc_http_res_free(&r);
}

/* A key on the holder's own token: the official sends a PKCS#10 request
 * (the password again), gets a certificate in their own name (not the
 * name the request asked for) for that key, signs a file outside with
 * `openssl cms -sign` and the token's key, and the verification says it
 * is valid, by them; remote signing with a PIN is refused for it.  A
 * request whose signature does not hold, a weak RSA key, and a PIN with
 * a request are refused. */
static void token_certificate(void **state)
{
	(void)state;
	struct mc_http_session tp;
	mc_http_login_as(&tp, srv.base, "truongphong.stp");
	assert_int_equal(mc_test_sh(dir, "openssl ecparam -name prime256v1 -genkey -noout -out token.key && "
					 "openssl req -new -key token.key -subj '/CN=Somebody Else' -out token.csr && "
					 "openssl genrsa -out weak.key 1024 2>/dev/null && "
					 "openssl req -new -key weak.key -subj '/CN=weak' -out weak.csr"),
			 0);
	char csr[4096], weak[4096], path[256];
	snprintf(path, sizeof(path), "%s/token.csr", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	csr[fread(csr, 1, sizeof(csr) - 1, f)] = '\0';
	fclose(f);
	snprintf(path, sizeof(path), "%s/weak.csr", dir);
	assert_non_null(f = fopen(path, "r"));
	weak[fread(weak, 1, sizeof(weak) - 1, f)] = '\0';
	fclose(f);
	struct mc_http_res r;
	json_t *b = json_pack("{s:s, s:s, s:s}", "kind", "personal", "csr", weak, "password", "motcua2026");
	char *body = json_dumps(b, 0);
	assert_int_equal(mc_http_post(&tp, "/api/v1/certificates", body, &r), 422);
	assert_non_null(strstr(r.body, "\"csr\""));
	mc_http_res_free(&r);
	free(body);
	/* a request changed after it was signed */
	char bad[4096];
	snprintf(bad, sizeof(bad), "%s", csr);
	char *mid = bad + strlen(bad) / 2;
	*mid = *mid == 'A' ? 'B' : 'A';
	json_object_set_new(b, "csr", json_string(bad));
	body = json_dumps(b, 0);
	assert_int_equal(mc_http_post(&tp, "/api/v1/certificates", body, &r), 422);
	mc_http_res_free(&r);
	free(body);
	json_object_set_new(b, "csr", json_string(csr));
	json_object_set_new(b, "pin", json_string("123456"));
	body = json_dumps(b, 0);
	assert_int_equal(mc_http_post(&tp, "/api/v1/certificates", body, &r), 422);
	mc_http_res_free(&r);
	free(body);
	json_object_del(b, "pin");
	body = json_dumps(b, 0);
	assert_int_equal(mc_http_post(&tp, "/api/v1/certificates", body, &r), 201);
	json_int_t id = json_integer_value(json_object_get(r.json, "id"));
	assert_false(json_is_true(json_object_get(r.json, "remote")));
	mc_http_res_free(&r);
	free(body);
	json_decref(b);
	snprintf(path, sizeof(path), "/api/v1/certificates/%lld?format=pem", (long long)id);
	assert_int_equal(fetch(&tp, path, "token.pem"), 200);
	/* the request's key, the holder's name */
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in token.pem -pubkey -noout > a.pub && "
					 "openssl pkey -in token.key -pubout > b.pub && cmp a.pub b.pub"),
			 0);
	assert_int_equal(mc_test_sh(dir, "openssl x509 -in token.pem -noout -subject -nameopt utf8"), 0);
	assert_true(strstr(mc_test_output(dir), "Somebody Else") == NULL);
	/* signed outside, verified here */
	mc_test_write(dir, "minutes.txt", "Biên bản họp ngày 7/12/2026\n", strlen("Biên bản họp ngày 7/12/2026\n"));
	assert_int_equal(
		mc_test_sh(dir, "openssl cms -sign -cades -binary -in minutes.txt -signer token.pem -inkey token.key "
				"-outform DER -out minutes.p7s -nosmimecap && base64 -w0 minutes.txt > f.b64 && "
				"base64 -w0 minutes.p7s > s.b64 && printf '{\"file\":\"%%s\",\"signature\":\"%%s\"}' "
				"\"$(cat f.b64)\" \"$(cat s.b64)\" > verify.json"),
		0);
	assert_int_equal(
		mc_test_sh(dir,
			   "curl -s -H 'Content-Type: application/json' --data-binary @verify.json %s/api/v1/verify",
			   srv.base),
		0);
	json_error_t je;
	json_t *v = json_loads(mc_test_output(dir), 0, &je);
	assert_non_null(v);
	json_t *sig0 = json_array_get(json_object_get(v, "signatures"), 0);
	assert_true(json_is_true(json_object_get(sig0, "intact")));
	assert_string_equal(jstr(sig0, "certificate_status"), "good");
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_decref(v);
	/* the key is not here: no remote signing with it */
	char sha[65];
	assert_int_equal(mc_http_upload(&tp, MC_TEST_PDF("token test"), sha), 201);
	snprintf(path, sizeof(path), "{\"file\":\"%s\",\"pin\":\"123456\"}", sha);
	assert_int_equal(mc_http_post(&tp, "/api/v1/signatures", path, &r), 422);
	assert_non_null(strstr(r.body, "certificate_id"));
	mc_http_res_free(&r);
}

/* A server given another PKI secret than the one that sealed the
 * authorities' keys refuses to start (else every signer would be told
 * their PIN is wrong); a secret others may read is refused too. */
static void wrong_secret_refused(void **state)
{
	(void)state;
	assert_int_equal(mc_test_sh(dir, "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > other.secret && chmod "
					 "600 other.secret"),
			 0);
	assert_int_equal(mc_test_sh(dir,
				    "MOTCUA_DB='%s' MOTCUA_PKI_SECRET=%s/other.secret MOTCUA_LISTEN=127.0.0.1:0 "
				    "timeout 20 %s serve",
				    db_url, dir, getenv("MOTCUA_BIN")),
			 1);
	assert_true(mc_test_said(dir, "does not open the issuing CA's key"));
	assert_int_equal(
		mc_test_sh(
			dir,
			"cp %s open.secret && chmod 644 open.secret && MOTCUA_DB='%s' MOTCUA_PKI_SECRET=%s/open.secret "
			"MOTCUA_LISTEN=127.0.0.1:0 timeout 20 %s serve",
			secret_env, db_url, dir, getenv("MOTCUA_BIN")),
		1);
	assert_true(mc_test_said(dir, "chmod 600"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chain_and_certificates),
		cmocka_unit_test(sign_verify_and_stamp),
		cmocka_unit_test(wrong_pins_lock),
		cmocka_unit_test(revoked_cannot_sign),
		cmocka_unit_test(expired_cannot_sign),
		cmocka_unit_test(agencies_and_citizens),
		cmocka_unit_test(document_signed_and_sealed),
		cmocka_unit_test(confidential_encrypted_to_recipients),
		cmocka_unit_test(citizen_signs_application),
		cmocka_unit_test(dossier_result_signed),
		cmocka_unit_test(token_certificate),
		cmocka_unit_test(wrong_secret_refused),
	};
	mc_test_only_from_env();
	return cmocka_run_group_tests(tests, setup, teardown);
}

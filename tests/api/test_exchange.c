/*
 * test_exchange.c - two motcua instances on loopback, each with its own
 * database and PKI, exchanging official documents as edXML (QCVN
 * 102:2016): A's Department of Justice sends an issued document to B's
 * city office, whose outbox courier and endpoint carry the package and
 * the status messages back (01 arrived, 03 registered, 04 sent to a
 * leader); `xmllint --schema` accepts the package and the status message,
 * `xmlsec1 --verify` their signatures under each side's CA and not a word
 * changed; a package revoked before registration is withdrawn (13, 15), a
 * refused one says so (02); a changed package, one from an agency not
 * configured, one signed under another CA, junk and the wrong type are
 * refused; only the recipient body's clerical officers see what arrived;
 * a peer that does not answer is tried again.
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

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A: Sở Tư pháp (000.00.02.H29) sends; B: Văn phòng UBND (000.00.01.H29)
 * receives.  Both are seeded alike: which is which is the peers' set-up. */
#define FROM "000.00.02.H29"
#define TO   "000.00.01.H29"

static struct mc_test_server a, b;
static char url_a[512], url_b[512], dir[64];
static struct mc_db *db_a, *db_b;
static struct mc_http_session clerk_a, clerk_b, other_b, citizen_b;

static int run(const char *url, const char *secret, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run(const char *url, const char *secret, const char *fmt, ...)
{
	char args[1024], out[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	setenv("MOTCUA_PKI_SECRET", secret, 1);
	return mc_test_run_cli(url, args, out, sizeof(out));
}

/* `motcua pki chain` of a database into dir/name. */
static int chain(const char *url, const char *secret, const char *name)
{
	char out[16384];
	setenv("MOTCUA_PKI_SECRET", secret, 1);
	if (mc_test_run_cli(url, "pki chain", out, sizeof(out)) != 0)
		return -1;
	mc_test_write(dir, name, out, strlen(out));
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (mc_test_scratch(dir, sizeof(dir), "edxml"))
		return -1;
	char sa[128], sb[128], env_a[160], env_b[160];
	snprintf(sa, sizeof(sa), "%s/secret-a", dir);
	snprintf(sb, sizeof(sb), "%s/secret-b", dir);
	mc_test_db_setup(url_a, sizeof(url_a), 1, &db_a, 1);
	mc_test_db_setup(url_b, sizeof(url_b), 1, &db_b, 1);
	if (run(url_a, sa, "pki init --root-key %s/root-a.pem", dir) ||
	    run(url_b, sb, "pki init --root-key %s/root-b.pem", dir) || chain(url_a, sa, "ca-a.pem") ||
	    chain(url_b, sb, "ca-b.pem"))
		return -1;
	snprintf(env_a, sizeof(env_a), "MOTCUA_PKI_SECRET=%s", sa);
	snprintf(env_b, sizeof(env_b), "MOTCUA_PKI_SECRET=%s", sb);
	const char *ea[] = {env_a, "MOTCUA_EXCHANGE_INTERVAL_MS=100", NULL};
	const char *eb[] = {env_b, "MOTCUA_EXCHANGE_INTERVAL_MS=100", NULL};
	mc_test_server_start(&a, url_a, ea);
	mc_test_server_start(&b, url_b, eb);
	/* each knows the other: its endpoint and its CA */
	if (run(url_a, sa, "exchange peer --organ %s --name 'Văn phòng UBND (B)' --url %s/edxml --ca %s/ca-b.pem", TO,
		b.base, dir) ||
	    run(url_b, sb, "exchange peer --organ %s --name 'Sở Tư pháp (A)' --url %s/edxml --ca %s/ca-a.pem", FROM,
		a.base, dir) ||
	    /* one that never answers */
	    run(url_a, sa,
		"exchange peer --organ 000.00.00.G99 --name 'Nowhere' --url http://127.0.0.1:9/edxml --ca %s/ca-b.pem",
		dir))
		return -1;
	mc_http_login_as(&clerk_a, a.base, "vanthu.stp");
	mc_http_login_as(&clerk_b, b.base, "vanthu.vp");
	mc_http_login_as(&other_b, b.base, "vanthu.stp");
	mc_http_login_as(&citizen_b, b.base, "079203001234");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* both stop cleanly (under the sanitizers: without a leak) */
	int ra = mc_test_server_stop(&a), rb = mc_test_server_stop(&b);
	mc_test_db_drop(url_a, db_a);
	mc_test_db_drop(url_b, db_b);
	int rd = mc_test_scratch_rm(dir);
	if (ra || rb)
		fprintf(stderr, "a server stopped with %d / %d (logs: %s, %s)\n", ra, rb, a.log, b.log);
	return ra || rb ? -1 : rd;
}

/* An issued outgoing document of A's with a PDF; its id. */
static json_int_t issue(const char *note)
{
	char sha[65], body[1024], pdf[256];
	snprintf(pdf, sizeof(pdf), "%s%s%s", MC_TEST_PDF_HEAD, note, MC_TEST_PDF_TAIL);
	assert_int_equal(mc_http_upload(&clerk_a, pdf, sha), 201);
	snprintf(body, sizeof(body),
		 "{\"type_code\": \"quyet_dinh\", \"summary\": \"Về việc %s\", \"signer_name\": \"Dương Văn Hải\","
		 " \"signer_position\": \"Giám đốc\", \"recipients\": [\"Văn phòng UBND Thành phố\"], \"medium\":"
		 " \"electronic\", \"urgency\": \"khan\", \"file_sha256\": \"%s\"}",
		 note, sha);
	struct mc_http_res res;
	assert_int_equal(mc_http_post(&clerk_a, "/api/v1/documents/outgoing", body, &res), 201);
	json_int_t id = json_integer_value(json_object_get(res.json, "id"));
	mc_http_res_free(&res);
	return id;
}

/* Send document id to organ; the package's id at A. */
static json_int_t send_to(json_int_t id, const char *organ)
{
	char path[96], body[96];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/exchange", (long long)id);
	snprintf(body, sizeof(body), "{\"to\": [\"%s\"]}", organ);
	struct mc_http_res res;
	assert_int_equal(mc_http_post(&clerk_a, path, body, &res), 201);
	json_t *last = json_array_get(res.json, json_array_size(res.json) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "state")), "queued");
	json_int_t p = json_integer_value(json_object_get(last, "id"));
	mc_http_res_free(&res);
	return p;
}

/* Wait (10 s at most) until package p of session s has status code (and
 * state, when given). */
static void await_status(struct mc_http_session *s, json_int_t p, const char *code, const char *state)
{
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld", (long long)p);
	for (int i = 0; i < 200; i++) {
		struct mc_http_res res;
		assert_int_equal(mc_http_get(s, path, &res), 200);
		const char *c = json_string_value(json_object_get(res.json, "status_code"));
		const char *st = json_string_value(json_object_get(res.json, "state"));
		int done = c && strcmp(c, code) == 0 && (!state || strcmp(st, state) == 0);
		mc_http_res_free(&res);
		if (done)
			return;
		usleep(50000);
	}
	fail_msg("package %lld never reached status %s%s%s", (long long)p, code, state ? " / " : "",
		 state ? state : "");
}

/* The newest package arrived at B (its id), after waiting for it. */
static json_int_t arrived_at_b(const char *subject)
{
	for (int i = 0; i < 200; i++) {
		struct mc_http_res res;
		assert_int_equal(mc_http_get(&clerk_b, "/api/v1/exchange/packages", &res), 200);
		json_t *items = json_object_get(res.json, "items"), *p;
		size_t k;
		json_int_t id = 0;
		json_array_foreach(items, k, p)
			if (strstr(json_string_value(json_object_get(p, "subject")), subject))
				id = json_integer_value(json_object_get(p, "id"));
		mc_http_res_free(&res);
		if (id)
			return id;
		usleep(50000);
	}
	fail_msg("no package about %s arrived", subject);
	return 0;
}

static void save(struct mc_http_session *s, const char *path, const char *name)
{
	struct mc_http_res res;
	assert_int_equal(mc_http_get(s, path, &res), 200);
	mc_test_write(dir, name, res.body, res.len);
	mc_http_res_free(&res);
}

static void document_goes_and_comes_back(void **state)
{
	(void)state;
	json_int_t doc = issue("chuyển đổi số");
	json_int_t pa = send_to(doc, TO);
	await_status(&clerk_a, pa, "01", "delivered");
	json_int_t pb = arrived_at_b("chuyển đổi số");

	/* the package as both sides keep it: the shape of the standard and
	 * A's seal under A's CA (root trusted, issuing CA given) */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/edxml", (long long)pa);
	save(&clerk_a, path, "sent.xml");
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/edxml", (long long)pb);
	save(&clerk_b, path, "came.xml");
	assert_int_equal(mc_test_sh(dir, "cmp sent.xml came.xml"), 0);
	assert_int_equal(mc_test_sh(dir, "xmllint --noout --schema %s/docs/schema/edxml.xsd came.xml", mc_test_share()),
			 0);
	assert_int_equal(mc_test_sh(dir, "awk '/BEGIN/{n++} {print > (\"a\" n \".pem\")}' ca-a.pem && "
					 "xmlsec1 --verify --trusted-pem a1.pem --untrusted-pem a2.pem came.xml"),
			 0);
	assert_true(mc_test_said(dir, "OK"));
	assert_int_equal(mc_test_sh(dir, "grep -q 'CodeNumber>01<' came.xml && grep -q 'Priority>1<' came.xml &&"
					 " grep -q 'ContentId>cid:document@motcua<' came.xml"),
			 0);
	/* B's CA does not vouch for A's seal */
	assert_int_equal(mc_test_sh(dir, "awk '/BEGIN/{n++} {print > (\"b\" n \".pem\")}' ca-b.pem"), 0);
	assert_int_not_equal(mc_test_sh(dir, "xmlsec1 --verify --trusted-pem b1.pem --untrusted-pem b2.pem came.xml"),
			     0);

	/* what arrived, as B's clerical officer sees it, and nobody else */
	struct mc_http_res res;
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld", (long long)pb);
	assert_int_equal(mc_http_get(&clerk_b, path, &res), 200);
	assert_string_equal(json_string_value(json_object_get(res.json, "state")), "arrived");
	assert_string_equal(json_string_value(json_object_get(json_object_get(res.json, "header"), "from")), FROM);
	assert_string_equal(json_string_value(json_object_get(json_object_get(res.json, "header"), "signer")),
			    "Dương Văn Hải");
	assert_int_equal(json_array_size(json_object_get(res.json, "files")), 1);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_get(&other_b, path, &res), 404);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_get(&citizen_b, "/api/v1/exchange/packages", &res), 403);
	mc_http_res_free(&res);
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/files/1", (long long)pb);
	assert_int_equal(mc_http_get(&clerk_b, path, &res), 200);
	assert_memory_equal(res.body, "%PDF-", 5);
	mc_http_res_free(&res);
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/register", (long long)pb);
	assert_int_equal(mc_http_post(&other_b, path, "{}", &res), 404);
	mc_http_res_free(&res);

	/* registered: an incoming document with the sender's number, and A told */
	assert_int_equal(mc_http_post(&clerk_b, path, "{}", &res), 201);
	json_t *d = json_object_get(res.json, "document");
	assert_string_equal(json_string_value(json_object_get(d, "direction")), "in");
	assert_string_equal(json_string_value(json_object_get(d, "sender_ref")), "01/QĐ-STP");
	assert_string_equal(json_string_value(json_object_get(d, "urgency")), "khan");
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "type"), "code")), "quyet_dinh");
	assert_non_null(json_string_value(json_object_get(d, "file_sha256")));
	json_int_t in_doc = json_integer_value(json_object_get(d, "id"));
	json_int_t in_version = json_integer_value(json_object_get(d, "version"));
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&clerk_b, path, "{}", &res), 409); /* once */
	mc_http_res_free(&res);
	await_status(&clerk_a, pa, "03", NULL);

	/* sent to a leader: 04 */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/addressees?action=send_to_leader", (long long)in_doc);
	assert_int_equal(mc_http_get(&clerk_b, path, &res), 200);
	json_int_t leader =
		json_integer_value(json_object_get(json_array_get(json_object_get(res.json, "items"), 0), "id"));
	mc_http_res_free(&res);
	char body[96];
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/actions/send_to_leader", (long long)in_doc);
	snprintf(body, sizeof(body), "{\"leader_id\": %lld}", (long long)leader);
	char im[40];
	snprintf(im, sizeof(im), "If-Match: \"v%lld\"", (long long)in_version);
	const char *h[] = {im, NULL};
	assert_int_equal(mc_http_do(&clerk_b, "POST", path, body, h, &res), 0);
	if (res.status != 200)
		fprintf(stderr, "%s\n%s\n", body, res.body);
	assert_int_equal(res.status, 200);
	mc_http_res_free(&res);
	await_status(&clerk_a, pa, "04", NULL);

	/* the status message as it came to A: the shape, B's seal */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/exchange", (long long)doc);
	assert_int_equal(mc_http_get(&clerk_a, path, &res), 200);
	json_t *sts = json_object_get(json_array_get(res.json, 0), "statuses");
	assert_int_equal(json_array_size(sts), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sts, 0), "code")), "01");
	assert_string_equal(json_string_value(json_object_get(json_array_get(sts, 2), "direction")), "in");
	mc_http_res_free(&res);
	char q[200];
	snprintf(q, sizeof(q), "SELECT COUNT(*) FROM exchange_statuses WHERE code = '04' AND direction = 'in'");
	assert_int_equal(mc_test_db_int(db_a, q, NULL), 1);
}

static void revoked_before_registration(void **state)
{
	(void)state;
	json_int_t doc = issue("thu hồi");
	json_int_t pa = send_to(doc, TO);
	await_status(&clerk_a, pa, "01", "delivered");
	json_int_t pb = arrived_at_b("thu hồi");
	char path[96];
	struct mc_http_res res;
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/revoke", (long long)pa);
	assert_int_equal(mc_http_post(&clerk_a, path, "{}", &res), 422); /* a reason */
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&clerk_a, path, "{\"reason\": \"Gửi nhầm nơi nhận\"}", &res), 200);
	mc_http_res_free(&res);
	await_status(&clerk_a, pa, "15", "revoked");
	await_status(&clerk_b, pb, "15", "revoked"); /* 13 came, 15 went */
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/register", (long long)pb);
	assert_int_equal(mc_http_post(&clerk_b, path, "{}", &res), 409);
	mc_http_res_free(&res);
}

/* A package revoked after it was registered: the recipient's clerical
 * officer refuses (16), and the document's progress is still reported
 * (04); one not yet delivered is revoked here, and nothing is sent. */
static void revocation_answered(void **state)
{
	(void)state;
	json_int_t doc = issue("thu hồi sau khi vào sổ");
	json_int_t pa = send_to(doc, TO);
	await_status(&clerk_a, pa, "01", "delivered");
	json_int_t pb = arrived_at_b("thu hồi sau khi vào sổ");
	char path[128], body[96];
	struct mc_http_res r;
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/register", (long long)pb);
	assert_int_equal(mc_http_post(&clerk_b, path, "{}", &r), 201);
	json_int_t in_doc = json_integer_value(json_object_get(json_object_get(r.json, "document"), "id"));
	json_int_t in_version = json_integer_value(json_object_get(json_object_get(r.json, "document"), "version"));
	mc_http_res_free(&r);
	await_status(&clerk_a, pa, "03", NULL);
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/revoke", (long long)pa);
	assert_int_equal(mc_http_post(&clerk_a, path, "{\"reason\": \"Sai số liệu\"}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&clerk_a, path, "{\"reason\": \"Sai số liệu\"}", &r), 409); /* asked once */
	mc_http_res_free(&r);
	await_status(&clerk_b, pb, "13", "registered");
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/revocation", (long long)pb);
	assert_int_equal(mc_http_post(&other_b, path, "{\"agree\": false}", &r), 404);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&clerk_b, path, "{\"agree\": \"no\"}", &r), 422);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&clerk_b, path, "{\"agree\": false, \"reason\": \"Đã xử lý\"}", &r), 200);
	mc_http_res_free(&r);
	assert_int_equal(mc_http_post(&clerk_b, path, "{\"agree\": true}", &r), 409); /* answered once */
	mc_http_res_free(&r);
	await_status(&clerk_a, pa, "16", "delivered");
	/* the work goes on, and the sender is told */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/addressees?action=send_to_leader", (long long)in_doc);
	assert_int_equal(mc_http_get(&clerk_b, path, &r), 200);
	json_int_t leader =
		json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
	mc_http_res_free(&r);
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/actions/send_to_leader", (long long)in_doc);
	snprintf(body, sizeof(body), "{\"leader_id\": %lld}", (long long)leader);
	char im[40];
	snprintf(im, sizeof(im), "If-Match: \"v%lld\"", (long long)in_version);
	const char *h[] = {im, NULL};
	assert_int_equal(mc_http_do(&clerk_b, "POST", path, body, h, &r), 0);
	assert_int_equal(r.status, 200);
	mc_http_res_free(&r);
	await_status(&clerk_a, pa, "04", NULL);

	/* not delivered yet: revoked here, its sending stopped */
	json_int_t doc2 = issue("chưa gửi được");
	json_int_t pq = send_to(doc2, "000.00.00.G99");
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/revoke", (long long)pq);
	assert_int_equal(mc_http_post(&clerk_a, path, "{\"reason\": \"Gửi nhầm\"}", &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "state")), "revoked");
	mc_http_res_free(&r);
	char q[200];
	snprintf(q, sizeof(q), "SELECT COUNT(*) FROM outbox WHERE exchange_id = %lld AND next_at IS NOT NULL",
		 (long long)pq);
	assert_int_equal(mc_test_db_int(db_a, q, NULL), 0);
	snprintf(q, sizeof(q), "SELECT COUNT(*) FROM exchange_statuses WHERE package = %lld", (long long)pq);
	assert_int_equal(mc_test_db_int(db_a, q, NULL), 0);
}

static void refused(void **state)
{
	(void)state;
	json_int_t doc = issue("từ chối");
	json_int_t pa = send_to(doc, TO);
	json_int_t pb = arrived_at_b("từ chối");
	char path[96];
	struct mc_http_res res;
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld/refuse", (long long)pb);
	assert_int_equal(mc_http_post(&clerk_b, path, "{\"reason\": \"Không thuộc thẩm quyền\"}", &res), 200);
	mc_http_res_free(&res);
	await_status(&clerk_a, pa, "02", "refused");
}

static long post_xml(const char *file, const char *type)
{
	char p[128], *buf = malloc(4 << 20);
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, (4 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char url[128], ct[80];
	snprintf(url, sizeof(url), "%s/edxml", b.base);
	snprintf(ct, sizeof(ct), "Content-Type: %s", type);
	const char *h[] = {ct, NULL};
	struct mc_http_res res;
	assert_int_equal(mc_http_raw("POST", url, buf, h, &res), 0);
	long st = res.status;
	mc_http_res_free(&res);
	free(buf);
	return st;
}

static void bad_packages_refused(void **state)
{
	(void)state;
	/* sent.xml of the first test, changed by one word */
	assert_int_equal(
		mc_test_sh(
			dir,
			"sed 's/chuyển đổi số/chuyển đổi SỐ/' sent.xml > changed.xml && ! cmp -s sent.xml changed.xml"),
		0);
	assert_int_equal(post_xml("changed.xml", "application/xml"), 403);
	/* another DocumentId, signature left as it was: no match either */
	assert_int_equal(mc_test_sh(dir, "sed 's/DocumentId>[0-9a-f]*</DocumentId>0000</' sent.xml > other.xml"), 0);
	assert_int_equal(post_xml("other.xml", "application/xml"), 403);
	/* from an agency B does not exchange with */
	assert_int_equal(mc_test_sh(dir, "sed 's/%s/000.00.00.G01/g' sent.xml > stranger.xml", FROM), 0);
	assert_int_equal(post_xml("stranger.xml", "application/xml"), 403);
	/* junk, and not XML at all */
	mc_test_write(dir, "junk.xml", "<edXML>", 7);
	assert_int_equal(post_xml("junk.xml", "application/xml"), 422);
	assert_int_equal(post_xml("sent.xml", "application/json"), 415);
	/* the package sent again as it was: taken once */
	int64_t before = mc_test_db_int(db_b, "SELECT COUNT(*) FROM exchange_packages WHERE direction = 'in'", NULL);
	assert_int_equal(post_xml("sent.xml", "application/xml"), 202);
	assert_int_equal(mc_test_db_int(db_b, "SELECT COUNT(*) FROM exchange_packages WHERE direction = 'in'", NULL),
			 before);
}

static void silent_peer_tried_again(void **state)
{
	(void)state;
	json_int_t doc = issue("không trả lời");
	json_int_t pa = send_to(doc, "000.00.00.G99");
	char q[160];
	snprintf(q, sizeof(q),
		 "SELECT COUNT(*) FROM outbox WHERE exchange_id = %lld AND attempts >= 1"
		 " AND last_error IS NOT NULL AND next_at IS NOT NULL AND delivered_at IS NULL",
		 (long long)pa);
	int tried = 0;
	for (int i = 0; i < 100 && !tried; i++, usleep(50000))
		tried = mc_test_db_int(db_a, q, NULL) == 1;
	assert_true(tried);
	struct mc_http_res res;
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/exchange/packages/%lld", (long long)pa);
	assert_int_equal(mc_http_get(&clerk_a, path, &res), 200);
	assert_string_equal(json_string_value(json_object_get(res.json, "state")), "queued");
	mc_http_res_free(&res);
	/* an unknown peer, a document not yet sendable */
	snprintf(path, sizeof(path), "/api/v1/documents/%lld/exchange", (long long)doc);
	assert_int_equal(mc_http_post(&clerk_a, path, "{\"to\": [\"000.00.00.X00\"]}", &res), 422);
	mc_http_res_free(&res);
	assert_int_equal(mc_http_post(&clerk_a, path, "{\"to\": []}", &res), 422);
	mc_http_res_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(document_goes_and_comes_back), cmocka_unit_test(revoked_before_registration),
		cmocka_unit_test(revocation_answered),          cmocka_unit_test(refused),
		cmocka_unit_test(bad_packages_refused),         cmocka_unit_test(silent_peer_tried_again),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

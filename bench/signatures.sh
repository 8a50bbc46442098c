#!/usr/bin/env bash
# bench/signatures.sh - signatures per second (issue 14), run by `make bench`.
#
# Usage: bash bench/signatures.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
#   1. the reference: `openssl speed ecdsap256` on this machine, one core
#      (raw ECDSA P-256 signatures and verifications per second, the
#      ceiling of everything below);
#   2. bench/signatures.c, one thread in process: a CMS signature, a
#      detached CMS of 100 KB with an RFC 3161 time stamp, unsealing a
#      PKCS#8 key (a PIN's cost), a two-page document rendered and signed
#      PAdES, a verification, an edXML package with the 100 KB file sealed
#      (XML signature) and its seal checked;
#   3. remote signing over HTTP: `motcua seed` (the demonstration's PKI),
#      an official asks for a certificate with a PIN and uploads a file,
#      then wrk's BENCH_CONNECTIONS connections POST /api/v1/signatures for
#      BENCH_DURATION: signatures per second with the PIN checked, the key
#      unsealed, the file read, signed, time-stamped and recorded, on
#      SQLite.
# A bench reports figures; it never fails on them.
#
# Environment (all optional):
#   BENCH_SECONDS      seconds per in-process measure        (2)
#   BENCH_DURATION     wrk duration                          (10s)
#   BENCH_CONNECTIONS  wrk connections                       (4)
#   BENCH_KEEP=1       keep the temporary folder
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
motcua=$root/$build/motcua
[[ -x "$motcua" ]] || die "no $motcua: build first"
cmake --build "$root/$build" --target signatures_bench >/dev/null || die "cannot build signatures_bench"

work=$(mktemp -d /tmp/motcua-sign-bench.XXXXXX)
server_pid=
cleanup() {
	[[ -n "$server_pid" ]] && stop_server
	[[ "${BENCH_KEEP:-0}" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

echo "== signatures: the reference, openssl speed ecdsap256 (one core) =="
speed=$(openssl speed -seconds "${BENCH_SECONDS:-2}" ecdsap256 2>/dev/null | awk '/nistp256/ { print $(NF-1), $NF }' | tail -n 1)
read -r ref_sign ref_verify <<<"$speed"
printf '  openssl  %10.0f sign/s  %10.0f verify/s\n' "$ref_sign" "$ref_verify"

echo "== signatures: in process, one thread (bench/signatures.c) =="
out=$("$root/$build/signatures_bench")
echo "$out"
cms_ts=$(awk '$1 == "cms+ts" { print $2 }' <<<"$out")
pades=$(awk '$1 == "pades" { print $2 }' <<<"$out")
printf '  cms+ts is %s of openssl speed (two ECDSA signatures each: 50 %% is the ceiling)\n' "$(pct "$cms_ts" "$ref_sign")"
printf '  pades  is %s of openssl speed (the rendering of the document included)\n' "$(pct "$pades" "$ref_sign")"

echo "== signatures: remote signing over HTTP, SQLite =="
export MOTCUA_DATA_DIR=$work/var
db=$work/var/motcua.db
"$motcua" seed >"$work/seed.log" 2>&1 || {
	show_log "$work/seed.log"
	die "seed failed"
}
start_server "$db" "$work/server.log"
token=$(login giamdoc.stp)
pin=246813
curl -sS -f -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-d "{\"kind\":\"personal\",\"pin\":\"$pin\",\"password\":\"motcua2026\"}" "$url/api/v1/certificates" >/dev/null || die "no certificate"
# the smallest PDF a reader takes, made 100 KB by comments
{
	printf '%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
	printf '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n'
	head -c 75000 /dev/urandom | base64 -w 100 | sed 's/^/% /'
	printf '%%%%EOF\n'
} >"$work/paper.txt"
sha=$(curl -sS -f -H "Authorization: Bearer $token" -H 'Content-Type: application/octet-stream' \
	--data-binary @"$work/paper.txt" "$url/api/v1/files" | sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p')
[[ -n "$sha" ]] || {
	show_log "$work/server.log"
	die "upload failed"
}
result=$(BENCH_TOKEN=$token BENCH_FILE=$sha BENCH_PIN=$pin wrk -t 2 -c "${BENCH_CONNECTIONS:-4}" \
	-d "${BENCH_DURATION:-10s}" --latency -s "$root/bench/signatures.lua" "$url" 2>&1)
rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$result")
p50=$(awk '$1 == "50%" { print $2 }' <<<"$result")
p99=$(awk '$1 == "99%" { print $2 }' <<<"$result")
made=$(sqlite3 "$db" "SELECT COUNT(*) FROM signatures")
printf '  POST /api/v1/signatures  %s signatures/s  median %s ms  p99 %s ms  (%s recorded; %s of openssl speed)\n' \
	"$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$made" "$(pct "$rps" "$ref_sign")"
grep -q "were not 201" <<<"$result" && echo "  $(grep 'were not 201' <<<"$result")"
exit 0

#!/usr/bin/env bash
# scripts/pg-backup-test.sh [MOTCUA_BIN] - the PostgreSQL backup of
# docs/operations.md ("Backups"), done once on a throwaway cluster:
#
#   1. a cluster (scripts/pgtmp.sh) with motcua's data: `motcua seed`, then a
#      citizen's dossier with an uploaded PDF through a running server;
#   2. pg_basebackup of it (-X stream: the copy carries the WAL it needs) while
#      the server still runs;
#   3. the copy started as a cluster of its own on another port; its rows and
#      the PDF's bytes compared with the original, and `motcua audit verify`
#      run on it.
#
# Prints what it measured (the copy's size, the seconds it took). Exits 0
# when the copy is whole, 1 when not, 77 when PostgreSQL is not installed.
# ctest runs it as backup.pg_basebackup.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-${MOTCUA_BIN:-$root/build/motcua}}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[[ -x "$bin" ]] || { echo "pg-backup-test: no motcua at $bin (build it first)" >&2; exit 1; }
ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 ||
  { echo "pg-backup-test: PostgreSQL is not installed (scripts/deps.sh --install test): skipped"; exit 77; }
pgbin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_basebackup | sort -V | tail -1)")

work=$(mktemp -d /tmp/mc_pgbackup_XXXXXX)
chmod 755 "$work"
pg=$work/pg # the original cluster (pgtmp.sh) and, inside it, the copy
srv="" copy_started=""
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u "$(stat -c %U "$pg/data")" -- "$@"; else "$@"; fi; }
cleanup() {
  if [[ -n "$srv" ]]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
  if [[ -n "$copy_started" ]]; then as_pg "$pgbin/pg_ctl" -D "$pg/copy" -m fast -w stop >/dev/null 2>&1 || true; fi
  bash "$root/scripts/pgtmp.sh" stop "$pg" >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT
fail() { echo "pg-backup-test: $*" >&2; exit 1; }

url=$(bash "$root/scripts/pgtmp.sh" start "$pg" | tail -1)
export MOTCUA_ARGON2_OPS=1 MOTCUA_ARGON2_MEM_KIB=8192 MOTCUA_SHARE_DIR=$root MOTCUA_DATA_DIR=$work/state
unset MOTCUA_CONFIG
MOTCUA_DB=$url "$bin" seed >/dev/null 2>&1 || fail "motcua seed failed"

# a dossier with a file, through the server
MOTCUA_DB=$url MOTCUA_LISTEN=127.0.0.1:0 MOTCUA_SNAPSHOTS=0 "$bin" serve 2>"$work/serve.log" &
srv=$!
port=""
for _ in $(seq 1 300); do
  port=$(grep -o '"msg":"listening".*"port":[0-9]*' "$work/serve.log" 2>/dev/null | grep -o '[0-9]*$' || true)
  [[ -n "$port" ]] && break
  kill -0 "$srv" 2>/dev/null || { cat "$work/serve.log" >&2; fail "motcua serve exited"; }
  sleep 0.1
done
[[ -n "$port" ]] || fail "motcua serve did not start"
base=http://127.0.0.1:$port
json() { /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"username":"079203001234","password":"motcua2026","token":true}' "$base/api/v1/auth/login" | json token) ||
  fail "the citizen could not log in"
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%% pg-backup-test %s\n%%%%EOF\n' \
  "$$" >"$work/scan.pdf"
sha=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/octet-stream' \
  --data-binary @"$work/scan.pdf" "$base/api/v1/files" | json sha256) || fail "the upload failed"
code=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"procedure_code\":\"1.001193\",\
\"form\":{\"child_full_name\":\"Nguyễn Văn Bình\",\"child_birth_date\":\"2026-01-02\",\"child_sex\":\"M\",\
\"birth_place\":\"26740\",\"mother_full_name\":\"Trần Thị Mai\",\"mother_id_number\":\"079185176822\",\
\"applicant_relation\":\"father\",\"birth_certificate_scan\":\"$sha\"}}" "$base/api/v1/dossiers" | json code) ||
  fail "the dossier was not filed"

# pg_basebackup while the server runs
start=$(date +%s%N)
as_pg "$pgbin/pg_basebackup" -d "$url" -D "$pg/copy" -X stream -c fast -U motcua >"$work/basebackup.log" 2>&1 ||
  { cat "$work/basebackup.log" >&2; fail "pg_basebackup failed"; }
ms=$((($(date +%s%N) - start) / 1000000))
took=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
size=$(du -sb "$pg/copy" | cut -f1)
kill "$srv"
wait "$srv" || fail "motcua serve did not stop cleanly"
srv=""

# the copy, started on a port of its own
port2=$((port % 1000 + 55500))
while (exec 3<>"/dev/tcp/127.0.0.1/$port2") 2>/dev/null; do port2=$((port2 + 1)); done
printf "listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n" "$port2" "$pg/copy" |
  as_pg tee "$pg/copy/motcua.conf" >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pg/copy" -l "$pg/copy.log" -w -t 60 start >/dev/null || { cat "$pg/copy.log" >&2; fail "the copy does not start"; }
copy_started=1
copy=postgresql://motcua@127.0.0.1:$port2/motcua

count() { "$pgbin/psql" -X -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
for q in "SELECT COUNT(*) FROM agencies" "SELECT COUNT(*) FROM users" "SELECT COUNT(*) FROM units" \
  "SELECT COUNT(*) FROM audit_log" "SELECT COUNT(*) FROM dossiers"; do
  a=$(count "$url" "$q") b=$(count "$copy" "$q")
  [[ "$a" == "$b" && "$a" -gt 0 ]] || fail "$q: $a in the original, $b in the copy"
done
[[ $(count "$copy" "SELECT COUNT(*) FROM dossiers WHERE code = '$code'") == 1 ]] || fail "the dossier $code is not in the copy"
[[ $(count "$copy" "SELECT encode(sha256(data), 'hex') FROM blobs WHERE sha256 = '$sha'") == "$sha" ]] ||
  fail "the uploaded file is not whole in the copy"
MOTCUA_DB=$copy "$bin" audit verify || fail "motcua audit verify failed on the copy"
echo "pg-backup-test: pg_basebackup copied $size bytes in ${took} s; the copy started, its rows and the file are the original's"

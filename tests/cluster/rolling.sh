#!/usr/bin/env bash
# tests/cluster/rolling.sh - a rolling upgrade under load, on the cluster of
# scripts/cluster.sh, brought up with the OLD binary
# (scripts/cluster.sh up --bin OLD).
#
# Usage: tests/cluster/rolling.sh NEW_MOTCUA
#
# While 6 clerks submit dossiers through the front:
#   1. `motcua migrate` of the new binary runs on the write port: the old
#      servers go on serving on the newer schema (migrations only expand:
#      docs/operations.md, "Upgrades without downtime");
#   2. one server at a time: drained at the front (HAProxy's stats socket,
#      `set server motcua_servers/mN state drain`), its requests in flight
#      finished, SIGTERM, the new binary started on its port, ready, put
#      back (`state ready`) once /readyz answers.
# Prints the failed requests (0 expected) and checks that every
# acknowledged dossier is stored.  Exits 1 on a failed request or a lost
# dossier.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cluster() { bash "$root/scripts/cluster.sh" "$@"; }
S=${MOTCUA_CLUSTER_DIR:-/tmp/motcua-cluster}
pause=${LOAD_PAUSE_MS:-20}

new=${1:-}
[[ -x "$new" ]] || { echo "usage: tests/cluster/rolling.sh NEW_MOTCUA" >&2; exit 2; }
new=$(cd "$(dirname "$new")" && echo "$PWD/$(basename "$new")")
[[ -e "$S/.motcua-cluster" ]] || { echo "rolling.sh: no cluster in $S" >&2; exit 1; }

front=$(cluster front-url)
cluster wait-healthy 180
cluster tokens >/dev/null
schema() { cluster psql -At -c "SELECT MAX(version) FROM schema_migrations"; }
# the current sessions HAProxy holds to server N
sessions() {
	cluster hactl "show stat" | awk -F, -v s="m$1" '$1 == "motcua_servers" && $2 == s { print $5 + 0 }'
}
state() {
	cluster hactl "show stat" | awk -F, -v s="m$1" '$1 == "motcua_servers" && $2 == s { print $18 }'
}

out=$S/run-rolling
rm -rf "$out"
mkdir -p "$out"
echo "=== rolling upgrade: schema $(schema) before; old binary $(readlink "$S/m1.bin")"
start_ms=$(($(date +%s%3N) - 1000))
python3 "$here/load.py" run --url "$front" --clerks "$S/clerks" --out "$out" --pause-ms "$pause" &
load=$!
trap 'kill -TERM $load 2>/dev/null || true' EXIT
sleep 3
t=$(date +%s.%N)
echo "migrate (new binary) under load:"
cluster migrate --bin "$new" | sed 's/^/  /'
sleep 2
for n in 1 2 3; do
	echo "server m$n: drain, SIGTERM, start the new binary, ready"
	cluster server drain "$n" >/dev/null
	for ((i = 0; i < 100; i++)); do
		[[ "$(sessions "$n")" == 0 ]] && break
		sleep 0.1
	done
	cluster server stop "$n"
	cluster server start "$n" --bin "$new"
	cluster server ready "$n" >/dev/null
	for ((i = 0; i < 100; i++)); do
		[[ "$(state "$n")" == UP ]] && break
		sleep 0.1
	done
	echo "  m$n: $(state "$n")"
	sleep 2
done
sleep 3
kill -TERM "$load"
wait "$load" || true
trap - EXIT
cluster psql -At -c "SELECT code FROM dossiers WHERE created_at >= $start_ms" >"$out/stored.txt"
rc=0
python3 "$here/load.py" report --out "$out" --event "$t" --label "rolling upgrade" --codes "$out/stored.txt" \
	>"$out/report.txt" || rc=$?
sed 's/^/  /' "$out/report.txt"
cp "$out/report.txt" "$S/results-rolling.txt"
echo "schema after: $(schema); the servers noted in the table servers (0044):"
cluster psql -c "SELECT listen, pid, version, schema_known, stopped_at IS NOT NULL AS stopped FROM servers ORDER BY id" |
	sed 's/^/  /'
failed_n=$(sed -n 's/^failed_attempts=//p' "$out/report.txt")
if ((rc)) || [[ "$failed_n" != 0 ]]; then
	echo "=== rolling upgrade: FAILED ($failed_n failed requests)"
	exit 1
fi
echo "=== rolling upgrade: passed (0 failed requests, every acknowledged dossier stored)"

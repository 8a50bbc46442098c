#!/usr/bin/env bash
# bench/documents.sh - the official documents' bench (issue 13), run by
# `make bench` after bench/dossiers.sh.
#
# Usage: bash bench/documents.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# In a fresh temporary folder, on SQLite and on PostgreSQL (a throwaway
# cluster from scripts/pgtmp.sh):
#   1. `motcua seed`, then `motcua seed --dossiers` and `--documents`
#      (src/document/generate.c: 80 % incoming, sent, directed, assigned,
#      handled; a million documents on SQLite by default);
#   2. the lists, each by wrk for BENCH_DURATION with --latency, side by
#      side in the same run on the same server: the leader's inbox (what
#      waits on them, not yet opened, done), the head of division's and the
#      specialist's, the clerical officer's register - and the dossier work
#      queues of a specialist and a reception clerk (GET
#      /api/v1/queues/{all,return}), the reference; requests/s, the
#      median and the 99th percentile (target: under 50 ms for the inbox
#      and "not yet opened");
#   3. register and route: the clerical officer's wrk connections register
#      incoming documents and send each to the director
#      (bench/documents.lua), next to counter intake of dossiers by six
#      clerks on the same server for as long: documents registered and
#      routed per second, dossiers taken in per second.
# and stops everything and removes the folder on exit.
#
# Environment (all optional):
#   BENCH_DOCS_N         documents generated on SQLite          (1000000)
#   BENCH_DOCS_DOSSIERS  dossiers generated on SQLite           (200000)
#   BENCH_PG_DOCS_N      documents generated on PostgreSQL      (200000)
#   BENCH_PG_DOCS_DOSSIERS dossiers generated on PostgreSQL     (50000)
#   BENCH_DURATION       wrk duration per list and for writing  (10s)
#   BENCH_CONNECTIONS    wrk connections for the lists          (16)
#   BENCH_WRITE_CONNS    wrk connections for register and route (8)
#   BENCH_THREADS        wrk threads                            (2)
#   BENCH_PG=0           skip PostgreSQL
#   BENCH_KEEP=1         keep the temporary folder
# A bench reports figures; it never fails on them.  It exits non-zero
# only when it cannot measure.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
docs_n=${BENCH_DOCS_N:-1000000}
dossiers_n=${BENCH_DOCS_DOSSIERS:-200000}
pg_docs_n=${BENCH_PG_DOCS_N:-200000}
pg_dossiers_n=${BENCH_PG_DOCS_DOSSIERS:-50000}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-16}
write_conns=${BENCH_WRITE_CONNS:-8}
threads=${BENCH_THREADS:-2}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

[[ -x "$build/motcua" ]] || die "no $build/motcua: build it first (make build)"
motcua=$(cd "$build" && pwd)/motcua
for t in wrk curl sqlite3; do command -v "$t" >/dev/null || die "missing $t: bash scripts/deps.sh --install bench"; done
for v in docs_n dossiers_n pg_docs_n pg_dossiers_n connections write_conns threads; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number"
done
pg=${BENCH_PG:-1}
command -v psql >/dev/null || pg=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-documents.XXXXXX")
chmod 755 "$tmp" # the PostgreSQL cluster may run as another user
server_pid=
pg_dir=
cleanup() {
	local rc=$?
	[[ -n "$server_pid" ]] && stop_child "$server_pid" TERM
	[[ -n "$pg_dir" ]] && bash "$root/scripts/pgtmp.sh" stop "$pg_dir" >/dev/null 2>&1
	if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "bench: kept $tmp" >&2; else rm -rf "$tmp"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
unset MOTCUA_CONFIG
export MOTCUA_DATA_DIR="$tmp/var"

# fill KIND DB DOSSIERS DOCUMENTS: the demo data and the generated rows
fill() {
	MOTCUA_DB="$2" "$motcua" seed >"$tmp/seed-$1.log" 2>&1 || {
		show_log "$tmp/seed-$1.log"
		die "motcua seed failed"
	}
	MOTCUA_DB="$2" "$motcua" seed --dossiers "$3" --documents "$4" >"$tmp/gen-$1.log" 2>&1 || {
		show_log "$tmp/gen-$1.log"
		die "motcua seed --dossiers --documents failed"
	}
	grep -E '^(dossiers|documents): .*generated' "$tmp/gen-$1.log" | sed 's/^/  /'
}

# list KIND NAME USER PATH: wrk on GET PATH as USER; a line of the table
list() {
	local kind=$1 name=$2 user=$3 path=$4 token out rps p50 p99 errors
	token=$(login "$user")
	curl -sS -f -o "$tmp/$kind-$name.json" -H "Authorization: Bearer $token" "$url$path" ||
		die "GET $path as $user failed"
	local bytes
	bytes=$(wc -c <"$tmp/$kind-$name.json")
	wrk -t"$threads" -c"$connections" -d2s -H "Authorization: Bearer $token" "$url$path" >/dev/null 2>&1 || true
	out="$tmp/wrk-$kind-$name.txt"
	wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "$url$path" \
		>"$out" 2>&1 || die "wrk failed on $path"
	rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	errors=$(awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }' "$out")
	printf '  %-34s %-16s %8s %8s %8s %7s  %s\n' "$name" "$user" "$rps" "$p50" "$p99" "$bytes" "$errors"
	echo "$p99" >"$tmp/p99-$kind-$name"
}

# count KIND DB TABLE: rows in TABLE
count() { sql "$1" "$2" "SELECT COUNT(*) FROM $3"; }

# write KIND DB: register-and-route next to counter intake
write() {
	local kind=$1 db=$2 token leader secs d0 t0 d1 t1 before after
	token=$(login vanthu.stp)
	leader=$(sql "$kind" "$db" "SELECT id FROM users WHERE username = 'giamdoc.stp'")
	secs=$(awk -v d="$duration" 'BEGIN { n = d + 0; if (d ~ /m$/) n *= 60; print n }')
	d0=$(count "$kind" "$db" documents)
	t0=$(sql "$kind" "$db" "SELECT COUNT(*) FROM document_tasks WHERE kind = 'direct'")
	BENCH_TOKEN=$token BENCH_LEADER=$leader BENCH_DAY=$(date +%F) wrk -t"$threads" -c"$write_conns" \
		-d"$duration" -s "$here/documents.lua" "$url" >"$tmp/wrk-$kind-register.txt" 2>&1 ||
		die "wrk failed on register and route"
	d1=$(count "$kind" "$db" documents)
	t1=$(sql "$kind" "$db" "SELECT COUNT(*) FROM document_tasks WHERE kind = 'direct'")
	printf '  %-34s %8.0f /s registered, %8.0f /s sent to the leader  %s\n' "documents (vanthu.stp)" \
		"$(awk -v a="$d0" -v b="$d1" -v s="$secs" 'BEGIN { print (b - a) / s }')" \
		"$(awk -v a="$t0" -v b="$t1" -v s="$secs" 'BEGIN { print (b - a) / s }')" \
		"$(awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }' "$tmp/wrk-$kind-register.txt")"
	# the reference: six reception points take dossiers in for as long
	: >"$tmp/clerks-$kind"
	local cl user counter id
	for cl in tiepnhan:Q-TT-01 tiepnhan.cn1:Q-CN1-01 tiepnhan.cn2:Q-CN2-01 tiepnhan.cn3:Q-CN3-01 \
		tiepnhan.cn4:Q-CN4-01 tiepnhan.cn5:Q-CN5-01; do
		user=${cl%%:*} counter=${cl#*:}
		id=$(sql "$kind" "$db" "SELECT id FROM counters WHERE code = '$counter'")
		echo "$(login "$user") $id" >>"$tmp/clerks-$kind"
	done
	before=$(count "$kind" "$db" dossiers)
	BENCH_CLERKS="$tmp/clerks-$kind" wrk -t6 -c"$write_conns" -d"$duration" -s "$here/intake.lua" "$url" \
		>"$tmp/wrk-$kind-intake.txt" 2>&1 || die "wrk failed on intake"
	after=$(count "$kind" "$db" dossiers)
	printf '  %-34s %8.0f /s taken in  %s\n' "dossiers (6 reception clerks)" \
		"$(awk -v a="$before" -v b="$after" -v s="$secs" 'BEGIN { print (b - a) / s }')" \
		"$(awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }' "$tmp/wrk-$kind-intake.txt")"
}

# run KIND DB DOSSIERS DOCUMENTS
run() {
	local kind=$1 db=$2
	echo "== $kind: generating $3 dossiers and $4 documents"
	fill "$@"
	start_server "$db" "$tmp/server-$kind.log"
	echo "  stored: $(count "$kind" "$db" documents) documents, $(count "$kind" "$db" document_tasks) tasks," \
		"$(count "$kind" "$db" dossiers) dossiers"
	echo "-- lists (wrk -t$threads -c$connections -d$duration; ms)"
	printf '  %-34s %-16s %8s %8s %8s %7s\n' list user "req/s" p50 p99 bytes
	list "$kind" "leader: waiting on them" giamdoc.stp "/api/v1/my/document-tasks?state=pending&limit=20"
	list "$kind" "leader: not yet opened" giamdoc.stp "/api/v1/my/document-tasks?state=unopened&limit=20"
	list "$kind" "leader: done" giamdoc.stp "/api/v1/my/document-tasks?state=done&limit=20"
	list "$kind" "head: overdue" truongphong.stp "/api/v1/my/document-tasks?state=overdue&limit=20"
	list "$kind" "specialist: waiting on them" chuyenvien.stp "/api/v1/my/document-tasks?state=pending&limit=20"
	list "$kind" "specialist: not yet opened" chuyenvien.stp \
		"/api/v1/my/document-tasks?state=unopened&limit=20"
	list "$kind" "register: incoming this year" vanthu.stp \
		"/api/v1/documents?direction=in&year=$(date +%Y)&limit=20"
	list "$kind" "register: last month by date" vanthu.stp \
		"/api/v1/documents?from=$(date -d "$(date +%Y-%m-01) -1 month" +%F)&to=$(date -d "$(date +%Y-%m-01) -1 day" +%F)&limit=20"
	list "$kind" "dossiers: all in reach (reference)" chuyenvien "/api/v1/queues/all?limit=20"
	list "$kind" "dossiers: to return (reference)" tiepnhan "/api/v1/queues/return?limit=20"
	local p1 p2
	p1=$(cat "$tmp/p99-$kind-leader: waiting on them")
	p2=$(cat "$tmp/p99-$kind-leader: not yet opened")
	echo "  target: the leader's inbox and \"not yet opened\" p99 < 50 ms:" \
		"$(verdict "$(awk -v a="$p1" -v b="$p2" 'BEGIN { print (a < 50 && b < 50) ? 1 : 0 }')")"
	echo "-- register and route (wrk -t$threads -c$write_conns -d$duration)"
	write "$kind" "$db"
	stop_server
}

echo "motcua documents bench: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
	"load $(cut -d' ' -f1-3 /proc/loadavg), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
run sqlite "$tmp/documents.db" "$dossiers_n" "$docs_n"
if [[ "$pg" == 1 ]]; then
	pg_dir="$tmp/pg"
	mkdir -p "$pg_dir"
	pg_url=$(bash "$root/scripts/pgtmp.sh" start "$pg_dir" | tail -n 1) || die "no PostgreSQL cluster"
	run pg "$pg_url" "$pg_dossiers_n" "$pg_docs_n"
fi

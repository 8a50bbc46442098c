#!/usr/bin/env bash
# bench/queue_plans.sh - does every work queue use an index at a million
# dossiers?  (issue 11, item 8)
#
# Usage: bash bench/queue_plans.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# In a fresh temporary folder: `motcua seed`, then `motcua seed --dossiers
# BENCH_QUEUE_N` (default a million, src/dossier/generate.c), on SQLite and
# on PostgreSQL (a throwaway cluster from scripts/pgtmp.sh, analysed as
# autovacuum would); then bench/queue_plans.c prints, for a reception
# clerk, a specialist and the city's leader, each queue (receive, process,
# return, mine, due_soon, overdue, supplement, all) without and with the
# common filters: the plan of its query (SQLite EXPLAIN QUERY PLAN,
# PostgreSQL EXPLAIN), "<-- FULL SCAN" where the dossiers are read without
# an index search, and the median time of the query.  The last lines count
# the full scans per back-end.  Slow (the generator writes the million
# rows): not part of `make test`.
#
# Environment (all optional):
#   BENCH_QUEUE_N   dossiers generated            (1000000)
#   BENCH_QUEUE_USERS  officials whose queues are planned (tiepnhan chuyenvien lanhdao)
#   BENCH_PG=0      skip PostgreSQL
#   BENCH_KEEP=1    keep the temporary folder (plans in sqlite.txt, pg.txt)
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
n=${BENCH_QUEUE_N:-1000000}
read -r -a users <<<"${BENCH_QUEUE_USERS:-tiepnhan chuyenvien lanhdao}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
[[ "$n" =~ ^[0-9]+$ ]] || die "BENCH_QUEUE_N must be a number"
[[ -x "$build/motcua" ]] || die "no $build/motcua: build it first (make build)"
cmake --build "$build" --target queue_plans >/dev/null || die "cannot build queue_plans"
motcua=$(cd "$build" && pwd)/motcua
plans=$(cd "$build" && pwd)/queue_plans
pg=${BENCH_PG:-1}
command -v psql >/dev/null || pg=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-queues.XXXXXX")
chmod 755 "$tmp"
pg_dir=
cleanup() {
	local rc=$?
	[[ -n "$pg_dir" ]] && bash "$root/scripts/pgtmp.sh" stop "$pg_dir" >/dev/null 2>&1
	if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "bench: kept $tmp" >&2; else rm -rf "$tmp"; fi
	exit "$rc"
}
trap cleanup EXIT
unset MOTCUA_CONFIG
export MOTCUA_DATA_DIR="$tmp/var"

# fill DB: the demo data and n generated dossiers
fill() {
	MOTCUA_DB="$1" "$motcua" seed >"$tmp/seed.log" 2>&1 || {
		show_log "$tmp/seed.log"
		die "motcua seed failed"
	}
	MOTCUA_DB="$1" "$motcua" seed --dossiers "$n" >"$tmp/gen.log" 2>&1 || {
		show_log "$tmp/gen.log"
		die "motcua seed --dossiers failed"
	}
}

echo "bench: $n dossiers on SQLite ..." >&2
fill "$tmp/queues.db"
"$plans" "$tmp/queues.db" "${users[@]}" >"$tmp/sqlite.txt"
if [[ "$pg" == 1 ]]; then
	echo "bench: $n dossiers on PostgreSQL ..." >&2
	pg_dir="$tmp/pg"
	mkdir -p "$pg_dir"
	chmod 755 "$pg_dir"
	pg_url=$(bash "$root/scripts/pgtmp.sh" start "$pg_dir" 2>"$tmp/pg.log" | tail -n 1) || die "PostgreSQL did not start"
	fill "$pg_url"
	psql -qAtX -d "$pg_url" -c "ANALYZE" >/dev/null
	"$plans" "$pg_url" "${users[@]}" >"$tmp/pg.txt"
fi

echo
echo "motcua queue plans ($(date -u +%Y-%m-%dT%H:%M:%SZ), motcua $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $n dossiers)"
for kind in sqlite pg; do
	[[ -s "$tmp/$kind.txt" ]] || continue
	echo
	echo "== $kind"
	cat "$tmp/$kind.txt"
done
echo "== summary"
for kind in sqlite pg; do
	[[ -s "$tmp/$kind.txt" ]] || continue
	printf '  %-7s %4d queries, %4d full scans of the dossiers, slowest %s ms\n' "$kind" \
		"$(grep -c ' items, ' "$tmp/$kind.txt")" "$(grep -c 'FULL SCAN' "$tmp/$kind.txt" || true)" \
		"$(sed -n 's/.* items, \([0-9.]*\) ms$/\1/p' "$tmp/$kind.txt" | sort -n | tail -n 1)"
done

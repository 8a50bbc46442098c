#!/usr/bin/env bash
# bench/snapshots.sh - the hourly dashboard snapshots' bench (issue 15).
# Not in `make bench` yet: the data takes minutes to make.
#
# Usage: bash bench/snapshots.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# In a fresh temporary folder (SQLite):
#   1. `motcua seed --dossiers BENCH_SNAP_DOSSIERS` (the generator of
#      bench/dossiers.sh; its rate is printed), then a year of hourly
#      snapshots for every body and every stored metric, written straight
#      into dashboard_snapshots / snapshot_hours by SQL (random non-zero
#      values: the rows and their index are what the reads pay for);
#   2. one real `motcua snapshot` of the hour just ended on that data (the
#      server's hourly work), timed;
#   3. BENCH_SNAP_RUNS requests each, timed with curl (time_total), as the
#      city leader (the whole city, the largest subtree): the day's series
#      (24 points), the week's by the day (7) and by the hour (168), the
#      on-time rate over the week, the live dashboard (GET /api/v1/dashboard)
#      - and, as the reference in the same run, GET /api/v1/me and the raw
#      series query in the sqlite3 shell;
#   4. the query plans of the series and of the dashboard's overdue count.
# It prints the median and the 99th percentile of each, against the
# target: the series and the live dashboard under 50 ms.
#
# Environment (all optional):
#   BENCH_SNAP_DOSSIERS  dossiers generated   (10000000; about 7,800 a second
#                        on a 2-core machine: 3000000 fits in 10 minutes)
#   BENCH_SNAP_RUNS      timed requests per target (200)
#   BENCH_SNAP_DB        a SQLite file to keep the data in: made the first
#                        time, used as it is (no seed, no fill) when it
#                        exists - to measure again without waiting (its
#                        data folder: BENCH_SNAP_DB.data)
#   BENCH_KEEP=1         keep the temporary folder
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
dossiers=${BENCH_SNAP_DOSSIERS:-10000000}
runs=${BENCH_SNAP_RUNS:-200}
motcua=$(realpath "$build/motcua" 2>/dev/null) || die "no $build/motcua: build first"
for t in curl sqlite3; do command -v "$t" >/dev/null || die "$t is needed"; done
tmp=$(mktemp -d /tmp/motcua-bench-snap.XXXXXX)
server_pid=
cleanup() {
	[[ -n "$server_pid" ]] && stop_server
	if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept: $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
db=${BENCH_SNAP_DB:-$tmp/bench.db}
reuse=0
[[ -s "$db" ]] && reuse=1
data_dir=${BENCH_SNAP_DB:+$BENCH_SNAP_DB.data}
mkdir -p "${data_dir:=$tmp}"
export MOTCUA_DB=$db MOTCUA_DATA_DIR=$data_dir MOTCUA_SHARE_DIR
MOTCUA_SHARE_DIR=$(realpath "$(dirname "${BASH_SOURCE[0]}")/..")
declare -A fig

# ---- 1. the data
hour=3600000
t0=$(date +%s.%N)
if [[ $reuse == 1 ]]; then
	dossiers=$(sqlite3 "$db" "SELECT COUNT(*) FROM dossiers")
	last=$(sqlite3 "$db" "SELECT MAX(at) + $hour FROM snapshot_hours WHERE rows = 0")
	fig[seed_s]="-"
	fig[fill_s]="-"
	sqlite3 "$db" "BEGIN; DELETE FROM dashboard_snapshots WHERE at >= $last;
		DELETE FROM snapshot_hours WHERE at >= $last; COMMIT;"
else
"$motcua" seed --dossiers "$dossiers" --documents $((dossiers / 50)) >"$tmp/seed.log" 2>&1 || {
	show_log "$tmp/seed.log"
	die "seed failed"
}
fig[seed_s]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
fig[seed_line]=$(grep '^dossiers:' "$tmp/seed.log" | tail -n 1 || true)
now_ms=$(($(date +%s) * 1000))
last=$((now_ms - now_ms % hour))
t0=$(date +%s.%N)
sqlite3 "$db" <<SQL
BEGIN;
WITH RECURSIVE h(at) AS (SELECT $last - 8760 * $hour UNION ALL SELECT at + $hour FROM h WHERE at < $last - $hour)
INSERT INTO snapshot_hours (at, taken_at, rows) SELECT at, at, 0 FROM h;
INSERT INTO dashboard_snapshots (agency_id, metric, at, value)
  SELECT a.id, m.name, h.at, 1 + abs(random() % 40) FROM snapshot_hours h, agencies a,
  (SELECT 'received' AS name UNION ALL SELECT 'resolved' UNION ALL SELECT 'resolved_in_time'
   UNION ALL SELECT 'overdue_dossiers' UNION ALL SELECT 'overdue_directions') m WHERE a.internal = 0;
COMMIT;
ANALYZE;
SQL
fig[fill_s]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
fi
fig[rows]=$(sqlite3 "$db" "SELECT COUNT(*) FROM dashboard_snapshots")
fig[bodies]=$(sqlite3 "$db" "SELECT COUNT(*) FROM agencies WHERE internal = 0")
fig[db_mib]=$(kib_to_mib $(($(stat -c %s "$db") / 1024)))

# ---- 2. one real snapshot (the hour just ended was left for it)
t0=$(date +%s.%N)
"$motcua" snapshot >"$tmp/snap.log" 2>&1 || {
	show_log "$tmp/snap.log"
	die "motcua snapshot failed"
}
fig[take_ms]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')

# ---- 3. the requests
start_server "$db" "$tmp/server.log"
token=$(login lanhdao)
# time_path NAME PATH: median and p99 (ms) of $runs timings
time_path() {
	curl -sS -f -o "$tmp/$1.json" -H "Authorization: Bearer $token" "$url$2" || die "GET $2 failed"
	local i
	for ((i = 0; i < runs; i++)); do
		curl -sS -f -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url$2"
	done | sort -n | awk -v n="$runs" '{ v[NR] = $1 * 1000 } END {
		m = v[int((n + 1) / 2)]; p = v[int(n * 0.99 + 0.999)]; printf "%.2f %.2f\n", m, p }' >"$tmp/$1.t"
	read -r fig[${1}_med] fig[${1}_p99] <"$tmp/$1.t"
}
time_path me /api/v1/me
time_path day "/api/v1/dashboard/series?metric=received&view=day"
time_path week_day "/api/v1/dashboard/series?metric=overdue_dossiers&view=week&step=day"
time_path week_hour "/api/v1/dashboard/series?metric=received&view=week"
time_path rate "/api/v1/dashboard/series?metric=on_time_rate&view=week&step=day"
time_path live /api/v1/dashboard
points=$(grep -o '"at"' "$tmp/week_hour.json" | wc -l)
stop_server

# the raw series query (the week by the hour) in the sqlite3 shell
city=$(sqlite3 "$db" "SELECT id FROM agencies WHERE code = '000.00.00.H29'")
from=$((last - 167 * hour))
series_sql="SELECT h.at, COALESCE(g.n, 0), COALESCE(g.d, 0) FROM snapshot_hours h LEFT JOIN
 (SELECT s.at AS at, SUM(CASE WHEN s.metric = 'received' THEN s.value ELSE 0 END) AS n,
 SUM(CASE WHEN s.metric = 'received' THEN s.value ELSE 0 END) AS d FROM agency_tree t JOIN dashboard_snapshots s
 ON s.agency_id = t.descendant_id AND s.metric IN ('received', 'received') AND s.at >= $from AND s.at <= $last
 WHERE t.ancestor_id = $city AND (0 = 0 OR (s.at + 25200000) % 86400000 = 0) GROUP BY s.at) g ON g.at = h.at
 WHERE h.at >= $from AND h.at <= $last AND (0 = 0 OR (h.at + 25200000) % 86400000 = 0) ORDER BY h.at"
fig[raw_ms]=$(printf '.timer on\n%s;\n' "$series_sql" | sqlite3 "$db" | awk '/^Run Time/ { printf "%.2f", $4 * 1000 }')

# ---- 4. print
row() { printf '  %-58s %12s %12s\n' "$@"; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? 1 : 0 }'; }
echo
echo "Dashboard snapshots: $dossiers dossiers (${fig[seed_line]:-?}; seed ${fig[seed_s]} s),"
echo "  a year of hourly snapshots: ${fig[rows]} rows for ${fig[bodies]} bodies (made in ${fig[fill_s]} s), SQLite ${fig[db_mib]} MiB"
echo "  one real hourly snapshot (motcua snapshot) on this data: ${fig[take_ms]} ms"
echo "  $runs requests each, curl time_total, city leader (the whole city):"
row "" "median (ms)" "p99 (ms)"
row "GET /api/v1/dashboard/series day (24 points)" "${fig[day_med]}" "${fig[day_p99]}"
row "GET /api/v1/dashboard/series week, step=day (7 points)" "${fig[week_day_med]}" "${fig[week_day_p99]}"
row "GET /api/v1/dashboard/series week, hourly ($points points)" "${fig[week_hour_med]}" "${fig[week_hour_p99]}"
row "GET /api/v1/dashboard/series on_time_rate week, step=day" "${fig[rate_med]}" "${fig[rate_p99]}"
row "GET /api/v1/dashboard (live)" "${fig[live_med]}" "${fig[live_p99]}"
row "reference: GET /api/v1/me" "${fig[me_med]}" "${fig[me_p99]}"
row "reference: the week's hourly series SQL, sqlite3 shell" "${fig[raw_ms]}" "-"
echo
ok=1
for k in day week_day week_hour rate live; do [[ $(lt "${fig[${k}_p99]}" 50) == 1 ]] || ok=0; done
printf '  series and live dashboard p99 < 50 ms: %s\n' "$(verdict "$ok")"
echo
echo "Query plans (SQLite):"
echo "  the series:"
sqlite3 "$db" "EXPLAIN QUERY PLAN $series_sql" | sed 's/^/    /'
echo "  the live dashboard's overdue count:"
sqlite3 "$db" "EXPLAIN QUERY PLAN SELECT a.id, COUNT(*), SUM(CASE WHEN d.status = 'in_progress' AND d.due_at < 0 THEN 1 ELSE 0 END)
 FROM dossiers d JOIN agency_tree t ON t.descendant_id = d.competent_agency_id AND t.ancestor_id = $city
 JOIN agencies a ON a.id = d.competent_agency_id WHERE d.status IN ('in_progress', 'supplement_requested')
 GROUP BY a.id" | sed 's/^/    /'
echo
echo "Reference: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg), SQLite $(sqlite3 --version | cut -d' ' -f1)"

#!/usr/bin/env bash
# bench/national.sh - the national-scale rehearsal (issue 18), run by `make
# bench-national` (not by `make bench`: it takes long).
#
# Usage: bash bench/national.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# On a throwaway PostgreSQL cluster (scripts/pgtmp.sh): migrate, `motcua
# seed --national` (the agencies of the 34 provinces), then for each size
# of NATIONAL_SIZES, generate dossiers up to that size (`motcua seed
# --dossiers`, COPY) and measure, with a running `motcua serve`, each next
# to a reference taken in the same run:
#   - tracking: wrk on GET /api/v1/track/{code}?s= for random existing
#     dossiers (MOTCUA_TRACK_LIMIT=0); reference: the same lookup as SQL
#     (pgbench, the code and secret from a table of the same pairs); the
#     sampled dossiers are read once before both runs (a warm cache);
#   - work queue: wrk on GET /api/v1/queues/process as the specialists of
#     random communes (a token each, picked at random per request);
#   - statistics of a province: GET /api/v1/stats over the last year,
#     group=agency, as the leader of Hà Nội (province 01), timed with curl;
#     the nation: the API has no scope above a province (a People's
#     Committee is a root), so the widest it has - the largest province
#     (Ho Chi Minh City, 79) - and the same queries over every agency as
#     SQL (psql), the nation's reference;
#   - intake: six clerks of Ho Chi Minh City post NATIONAL_INTAKE_N
#     dossiers over HTTP (bench/intake.lua), dossiers/s from the server's
#     created_at stamps;
#   - disk: pg_total_relation_size of dossiers, dossier_steps,
#     dossier_events and dossier_stats (indexes and TOAST included) per
#     dossier; the generator's rate.
# It prints a table, appends the figures to a TSV (NATIONAL_TSV) and
# draws them (bench/national_svg.py -> NATIONAL_SVG).
#
# Environment (all optional):
#   NATIONAL_SIZES        dossiers to measure at         ("1000000 10000000")
#   NATIONAL_DURATION     wrk duration per target         (10s)
#   NATIONAL_CONNECTIONS  wrk connections                 (16)
#   NATIONAL_INTAKE_N     dossiers posted for intake      (3000)
#   NATIONAL_STATS_RUNS   timed requests per statistics   (7)
#   NATIONAL_BATCH        generator rows per COPY batch   (20000)
#   NATIONAL_TSV          figures                         (docs/national.tsv)
#   NATIONAL_SVG          the cost curve                  (docs/national-cost.svg)
#   NATIONAL_PG_CONF      lines appended to postgresql.conf before the load
#                         (default: shared_buffers 2GB, max_wal_size 8GB,
#                         checkpoint_timeout 30min; durability untouched)
#   NATIONAL_QUIET_LOAD   before measuring, wait (up to NATIONAL_QUIET_WAIT
#                         seconds, default 3600) until the 1-minute load
#                         average is below this (a machine shared with other
#                         work: the generation may run beside it, the
#                         measures should not); unset: measure at once
#   BENCH_KEEP=1          keep the temporary folder (and the cluster's data)
# Sizes whose data would not fit on the disk (the bytes a dossier measured
# at the previous size, times 1.3) are skipped, saying so.  A bench reports
# figures; it never fails on them.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
sizes=${NATIONAL_SIZES:-1000000 10000000}
duration=${NATIONAL_DURATION:-10s}
connections=${NATIONAL_CONNECTIONS:-16}
intake_n=${NATIONAL_INTAKE_N:-3000}
stats_runs=${NATIONAL_STATS_RUNS:-7}
batch=${NATIONAL_BATCH:-20000}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
tsv=${NATIONAL_TSV:-$root/docs/national.tsv}
svg=${NATIONAL_SVG:-$root/docs/national-cost.svg}
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)

[[ -x "$build/motcua" ]] || die "no $build/motcua: build it first (make build)"
motcua=$(cd "$build" && pwd)/motcua
missing=()
for t in wrk curl psql pgbench python3; do command -v "$t" >/dev/null || missing+=("$t"); done
((${#missing[@]} == 0)) || die "missing: ${missing[*]}; run \`bash scripts/deps.sh --install bench\` (as root)"
for v in intake_n stats_runs batch connections; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number"
done
for n in $sizes; do [[ "$n" =~ ^[0-9]+$ ]] || die "NATIONAL_SIZES: $n is not a number"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-national.XXXXXX")
chmod 755 "$tmp" # the PostgreSQL cluster may run as another user
server_pid=
pg_dir=
cleanup() {
	local rc=$?
	[[ -n "$server_pid" ]] && stop_child "$server_pid" TERM
	if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
		[[ -n "$pg_dir" ]] && bash "$root/scripts/pgtmp.sh" url "$pg_dir" >/dev/null 2>&1 &&
			echo "bench: kept $tmp (the cluster is still running: scripts/pgtmp.sh stop $pg_dir)" >&2
	else
		[[ -n "$pg_dir" ]] && bash "$root/scripts/pgtmp.sh" stop "$pg_dir" >/dev/null 2>&1
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_s() { date +%s.%N; }
unset MOTCUA_CONFIG
export MOTCUA_DATA_DIR="$tmp/var"
from=$(date -d '1 year ago' +%F)
to=$(date +%F)

# ---------- the cluster and the nation's agencies ----------

pg_dir="$tmp/pg"
mkdir -p "$pg_dir"
chmod 755 "$pg_dir"
pg_url=$(bash "$root/scripts/pgtmp.sh" start "$pg_dir" 2>"$tmp/pg.log" | tail -n 1) || {
	show_log "$tmp/pg.log"
	die "PostgreSQL did not start"
}
q() { psql -qAtX -d "$pg_url" -c "$1"; }
# a larger cache and fewer checkpoints for a load of millions of rows (the
# defaults are sized for tests); fsync and synchronous_commit stay on
conf=${NATIONAL_PG_CONF:-"shared_buffers = '2GB'
max_wal_size = '8GB'
checkpoint_timeout = '30min'"}
pgdata=$(q "SHOW data_directory")
if [[ -n "$conf" ]]; then
	q "SELECT 1" >/dev/null
	# written by the server's user: ALTER SYSTEM, then a restart through pgtmp's own pg_ctl
	while IFS= read -r line; do
		[[ -z "$line" ]] && continue
		k=${line%%=*} v=${line#*=}
		q "ALTER SYSTEM SET ${k// /} = ${v# }" || die "cannot set $line"
	done <<<"$conf"
	pgctl=$(printf '%s\n' /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)
	if [[ $(id -u) == 0 ]]; then
		runuser -u "$(stat -c %U "$pgdata")" -- "$pgctl" -D "$pgdata" -w -m fast restart >>"$tmp/pg.log" 2>&1
	else
		"$pgctl" -D "$pgdata" -w -m fast restart >>"$tmp/pg.log" 2>&1
	fi || die "PostgreSQL did not restart with $conf"
fi
pg_version=$(q "SHOW server_version")
echo "bench: seeding the nation's agencies ..." >&2
t0=$(now_s)
MOTCUA_DB="$pg_url" "$motcua" seed --national >"$tmp/seed.log" 2>&1 || {
	show_log "$tmp/seed.log"
	die "motcua seed --national failed"
}
t1=$(now_s)
seed_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
agencies=$(q "SELECT COUNT(*) FROM agencies")
provinces=$(q "SELECT COUNT(DISTINCT province_code) FROM agencies")
officials=$(q "SELECT COUNT(*) FROM users WHERE kind = 'official'")

# ---------- the measures, at each size ----------

declare -A fig
tracked_tables="'dossiers', 'dossier_steps', 'dossier_events', 'dossier_stats'"
# the specialists of 16 communes (random, the same for every size)
mapfile -t specialists < <(q "SELECT username FROM users WHERE username LIKE 'chuyenvien.x%' ORDER BY md5(username) LIMIT 16")
((${#specialists[@]} > 0)) || die "no commune specialists: did seed --national run?"
clerks=(tiepnhan:Q-TT-01 tiepnhan.cn1:Q-CN1-01 tiepnhan.cn2:Q-CN2-01 tiepnhan.cn3:Q-CN3-01
	tiepnhan.cn4:Q-CN4-01 tiepnhan.cn5:Q-CN5-01)

# run_wrk NAME SCRIPT [ENV...]: fig[NAME_rps], fig[NAME_p99], fig[NAME_bad]
run_wrk() {
	local name=$1 script=$2 out="$tmp/wrk-$1.txt"
	shift 2
	env "$@" wrk -t2 -c"$connections" -d2s -s "$here/$script" "$url" >/dev/null 2>&1 || true
	env "$@" wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/$script" "$url" >"$out" 2>&1 || {
		show_log "$out"
		die "wrk failed ($name)"
	}
	fig[${name}_rps]=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$out")
	fig[${name}_p99]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	local non2xx errs
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	errs=$(awk '/Socket errors:/ { s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' "$out")
	fig[${name}_bad]=$((${non2xx:-0} + ${errs:-0}))
}

# time_get NAME TOKEN PATH: the median of NATIONAL_STATS_RUNS timings (ms)
time_get() {
	local name=$1 token=$2 path=$3 i
	curl -sS -f -o "$tmp/$name.json" -H "Authorization: Bearer $token" "$url$path" || die "GET $path failed"
	for ((i = 0; i < stats_runs; i++)); do
		curl -sS -f -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url$path"
	done | sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f\n", v[int((NR + 1) / 2)] }'
}

# time_sql FILE: the median of NATIONAL_STATS_RUNS runs of the SQL in FILE
# (ms, psql's \timing: the server's work and one round trip)
time_sql() {
	local i
	for ((i = 0; i < stats_runs; i++)); do
		{
			printf '%s\n' '\timing on'
			cat "$1"
		} | psql -qAtX -d "$pg_url" 2>&1 | awk '/^Time: / { s += $2 } END { print s }'
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f\n", v[int((NR + 1) / 2)] }'
}

# The statistics' queries for every agency at once: the kept counters of
# the year's months and the dossiers in progress (the API's, without the
# agency subtree)
months=$(for ((i = 12; i >= 0; i--)); do date -d "$(date +%Y-%m-15) -$i month" +"'M%Y-%m'"; done | paste -sd,)
cat >"$tmp/nation.sql" <<EOF
SELECT agency_id, SUM(received_online), SUM(received_counter), SUM(resolved_early), SUM(resolved_on_time),
 SUM(resolved_late), SUM(refused), SUM(withdrawn), SUM(stopped) FROM dossier_stats
 WHERE period IN ($months) GROUP BY 1;
SELECT (SELECT COUNT(*) FROM dossiers WHERE status = 'supplement_requested')
 + (SELECT COUNT(*) FROM dossiers WHERE status = 'in_progress' AND due_at >= $(date +%s)000);
SELECT COUNT(*) FROM dossiers WHERE status = 'in_progress' AND due_at < $(date +%s)000;
EOF

measure() {
	local n=$1
	start_server "$pg_url" "$tmp/serve-$n.log" MOTCUA_TRACK_LIMIT=0
	# tracking: 100,000 random existing dossiers
	local pct
	pct=$(awk -v n="$n" 'BEGIN { p = 100 * 150000 / n; if (p > 100) p = 100; printf "%.6f", p }')
	# (with the id range each code implies, as the server looks it up)
	q "DROP TABLE IF EXISTS bench_pairs; CREATE TABLE bench_pairs AS SELECT row_number() OVER () AS n, code, secret,
	   (mc_dossier_month(code) + 1)::bigint * 10000000000 AS lo, (mc_dossier_month(code) + 2)::bigint * 10000000000 AS hi
	   FROM (SELECT code, secret FROM dossiers TABLESAMPLE BERNOULLI ($pct) LIMIT 100000) x;
	   ALTER TABLE bench_pairs ADD PRIMARY KEY (n); ANALYZE bench_pairs" >/dev/null
	q "SELECT code || ',' || secret FROM bench_pairs" >"$tmp/pairs.csv"
	local npairs
	npairs=$(wc -l <"$tmp/pairs.csv")
	((npairs > 0)) || die "no code,secret pairs"
	# the sampled dossiers read once before either run: after the
	# generation the cache holds the last batches, and a database larger
	# than memory would otherwise make the first run (HTTP) pay for the
	# reads the second (SQL) then finds in memory
	echo "bench: $n: reading the $npairs sampled dossiers once ..." >&2
	q "SELECT COUNT(length(d.track_gz)) FROM bench_pairs p JOIN dossiers d ON d.code = p.code
	   AND (d.id < 10000000000 OR (d.id >= p.lo AND d.id < p.hi))" >/dev/null
	echo "bench: $n: tracking ($duration, wrk -c$connections) ..." >&2
	run_wrk track track.lua BENCH_PAIRS="$tmp/pairs.csv"
	cat >"$tmp/track.sql" <<EOF
\\set k random(1, $npairs)
SELECT d.track_gz FROM bench_pairs p JOIN dossiers d ON d.code = p.code AND d.secret = p.secret
  AND (d.id < 10000000000 OR (d.id >= p.lo AND d.id < p.hi)) WHERE p.n = :k;
EOF
	rm -f "$tmp"/pgb*
	(cd "$tmp" && pgbench -n -M prepared -c "$connections" -j 2 -T "${duration%s}" -f "$tmp/track.sql" -l --log-prefix=pgb \
		"$pg_url" >"$tmp/pgbench.txt" 2>&1) || {
		show_log "$tmp/pgbench.txt"
		die "pgbench failed"
	}
	fig[sql_track_p99]=$(cat "$tmp"/pgb* | awk '{ print $3 }' | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.2f", v[int(NR * 0.99)] / 1000 }')
	fig[sql_track_tps]=$(awk '/^tps = / { printf "%.0f", $3 }' "$tmp/pgbench.txt")
	# the work queue of random communes' specialists
	echo "bench: $n: work queues ..." >&2
	: >"$tmp/tokens"
	local u
	for u in "${specialists[@]}"; do login "$u" >>"$tmp/tokens"; done
	run_wrk queue queue.lua BENCH_TOKENS="$tmp/tokens"
	# statistics: a province, the widest scope, the nation by SQL
	echo "bench: $n: statistics ..." >&2
	local lead hcm
	lead=$(login lanhdao.p01)
	hcm=$(login lanhdao)
	fig[prov_ms]=$(time_get stats-01 "$lead" "/api/v1/stats?from=$from&to=$to&group=agency")
	fig[wide_ms]=$(time_get stats-79 "$hcm" "/api/v1/stats?from=$from&to=$to&group=agency")
	fig[nation_sql_ms]=$(time_sql "$tmp/nation.sql")
	# intake over HTTP at this size
	echo "bench: $n: intake of $intake_n dossiers ..." >&2
	: >"$tmp/clerks"
	local cl user counter id
	for cl in "${clerks[@]}"; do
		user=${cl%%:*} counter=${cl#*:}
		id=$(q "SELECT id FROM counters WHERE code = '$counter'")
		echo "$(login "$user") $id" >>"$tmp/clerks"
	done
	local before target t0 c
	before=$(q "SELECT COUNT(*) FROM dossiers")
	target=$((before + intake_n))
	t0=$(now_s)
	BENCH_CLERKS="$tmp/clerks" wrk -t${#clerks[@]} -c24 -d600s -s "$here/intake.lua" "$url" >"$tmp/wrk-intake.txt" 2>&1 &
	local wrk_pid=$!
	while :; do
		sleep 0.5
		c=$(q "SELECT COUNT(*) FROM dossiers")
		((c >= target)) && break
		kill -0 "$wrk_pid" 2>/dev/null || break
		awk -v a="$t0" -v b="$(now_s)" 'BEGIN { exit !(b - a > 300) }' && break
	done
	kill -INT "$wrk_pid" 2>/dev/null || true
	wait "$wrk_pid" 2>/dev/null || true
	local done_n span
	done_n=$(($(q "SELECT COUNT(*) FROM dossiers") - before))
	# the server's own clock: first to last dossier taken in (the newest ids)
	span=$(q "SELECT MAX(created_at) - MIN(created_at) FROM (SELECT created_at FROM dossiers ORDER BY id DESC LIMIT $done_n) x")
	fig[intake_rate]=$(awk -v n="$done_n" -v ms="${span:-0}" 'BEGIN { if (ms > 0) printf "%.0f", (n - 1) * 1000 / ms; else print "-" }')
	stop_server
	# disk
	local stored bytes
	stored=$(q "SELECT COUNT(*) FROM dossiers")
	bytes=$(q "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'p') AND (c.relname IN ($tracked_tables)
		OR c.oid IN (SELECT inhrelid FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname IN ($tracked_tables)))")
	fig[stored]=$stored
	fig[bytes_each]=$((bytes / stored))
	fig[db_gib]=$(awk -v b="$(q "SELECT pg_database_size(current_database())")" 'BEGIN { printf "%.1f", b / 1073741824 }')
	q "DROP TABLE IF EXISTS bench_pairs" >/dev/null
}

row() { printf '  %-58s %12s %12s\n' "$@"; }
[[ -s "$tsv" ]] || printf 'date\tcommit\tdossiers\tgen_per_s\ttrack_p99_ms\tsql_track_p99_ms\ttrack_rps\tqueue_p99_ms\tqueue_rps\tprovince_stats_ms\twidest_stats_ms\tnation_sql_ms\tintake_per_s\tbytes_per_dossier\tdb_gib\n' >"$tsv"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
have=0
bytes_each=0
out="$tmp/report.txt"
{
	echo
	echo "motcua national rehearsal ($stamp, motcua $commit, PostgreSQL $pg_version, $cores cores," \
		"load $(cut -d' ' -f1-3 /proc/loadavg) at the start)"
	echo "  seed --national: $provinces provinces, $agencies agencies, $officials officials in $seed_s s"
} >"$out"
seed_no=1000
for n in $sizes; do
	if ((n <= have)); then
		echo "bench: $n: already $have dossiers, skipped" >&2
		continue
	fi
	free_b=$(($(df -P -B1 "$pg_dir" | awk 'NR == 2 { print $4 }')))
	if ((bytes_each > 0)); then
		need=$(((n - have) * bytes_each * 13 / 10))
		if ((need > free_b)); then
			echo "  $n: SKIPPED: needs about $((need / 1073741824)) GiB more (${bytes_each} bytes a dossier x 1.3)," \
				"$((free_b / 1073741824)) GiB free" | tee -a "$out" >&2
			continue
		fi
	fi
	echo "bench: generating $((n - have)) dossiers ($n in all) ..." >&2
	seed_no=$((seed_no + 1))
	t0=$(now_s)
	MOTCUA_DB="$pg_url" "$motcua" seed --dossiers "$((n - have))" --batch "$batch" --random-seed "$seed_no" \
		>"$tmp/gen-$n.log" 2>&1 || {
		show_log "$tmp/gen-$n.log"
		die "motcua seed --dossiers failed"
	}
	t1=$(now_s)
	gen_rate=$(awk -v n="$((n - have))" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	have=$n
	if [[ -n "${NATIONAL_QUIET_LOAD:-}" ]]; then
		waited=0
		while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v q="$NATIONAL_QUIET_LOAD" 'BEGIN { exit !(l >= q) }' &&
			((waited < ${NATIONAL_QUIET_WAIT:-3600})); do
			sleep 10
			waited=$((waited + 10))
		done
		echo "bench: $n: measuring after waiting ${waited} s for the load to fall below $NATIONAL_QUIET_LOAD" >&2
	fi
	load_at=$(cut -d' ' -f1-3 /proc/loadavg)
	measure "$n"
	bytes_each=${fig[bytes_each]}
	{
		echo
		echo "At $n generated dossiers (${fig[stored]} stored, database ${fig[db_gib]} GiB;" \
			"generated at $gen_rate dossiers/s in $gen_s s; load $load_at when the measures began)"
		row "" "p99 / median" "reference"
		row "tracking GET /api/v1/track/{code} p99 (ms), ${fig[track_rps]} req/s" "${fig[track_p99]}" \
			"${fig[sql_track_p99]} (SQL)"
		row "work queue GET /api/v1/queues/process p99 (ms), ${fig[queue_rps]} req/s" "${fig[queue_p99]}" ""
		row "statistics of a province (Ha Noi), a year by agency (ms)" "${fig[prov_ms]}" ""
		row "statistics, widest API scope (Ho Chi Minh City) (ms)" "${fig[wide_ms]}" \
			"${fig[nation_sql_ms]} (nation, SQL)"
		row "intake over HTTP, 6 clerks (dossiers/s)" "${fig[intake_rate]}" ""
		row "disk: dossier tables and indexes, bytes a dossier" "${fig[bytes_each]}" ""
		for k in track queue; do
			((fig[${k}_bad] == 0)) || echo "  WARNING: $k had ${fig[${k}_bad]} non-2xx answers or socket errors"
		done
	} >>"$out"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$commit" "${fig[stored]}" \
		"$gen_rate" "${fig[track_p99]}" "${fig[sql_track_p99]}" "${fig[track_rps]}" "${fig[queue_p99]}" \
		"${fig[queue_rps]}" "${fig[prov_ms]}" "${fig[wide_ms]}" "${fig[nation_sql_ms]}" "${fig[intake_rate]}" \
		"${fig[bytes_each]}" "${fig[db_gib]}" >>"$tsv"
done
free_b=$(($(df -P -B1 "$pg_dir" | awk 'NR == 2 { print $4 }')))
{
	echo
	echo "What 100,000,000 dossiers would need here: $((bytes_each * 100000000 / 1073741824)) GiB for the" \
		"dossier tables (${bytes_each} bytes each), $((free_b / 1073741824)) GiB free;" \
		"targets (issue 18, at 100M): tracking p99 < 20 ms, province statistics < 50 ms"
} >>"$out"
cat "$out"
python3 "$here/national_svg.py" "$tsv" "$svg" && echo "bench: the cost curve in $svg" >&2

#!/usr/bin/env bash
# bench/dossiers.sh - the dossier engine's bench (issue 3), run by `make
# bench` after bench/run.sh.
#
# Usage: bash bench/dossiers.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# In a fresh temporary folder it measures, each next to a reference taken
# in the same run:
#   1. intake: concurrent clerks (one wrk thread per reception point, bearer
#      tokens, keep-alive) post BENCH_INTAKE_N dossiers to
#      POST /api/v1/counters/{id}/dossiers, on SQLite and on PostgreSQL (a
#      throwaway cluster from scripts/pgtmp.sh); dossiers/s from the
#      server's own created_at stamps, the server's RSS under the load;
#      reference: the same rows (dossiers and steps) copied straight into
#      SQLite (WAL, synchronous=FULL) one transaction each - the fsync
#      ceiling - and in one transaction - the group-commit ceiling;
#   2. tracking: `motcua seed --dossiers BENCH_TRACK_N` (default a million),
#      then wrk on GET /api/v1/track/{code}?s={secret} for random existing
#      dossiers against nginx serving a file of the same size;
#   3. statistics: GET /api/v1/stats for the whole city over the last year
#      (total and group=agency), timed with curl, on BENCH_STATS_N dossiers
#      (default: the tracking set; more are generated on top when larger);
#      the periodic report (GET /api/v1/reports/periodic) over the last
#      month and the last year, by agency, next to them.
# and stops everything and removes the folder on exit.
#
# Environment (all optional):
#   BENCH_INTAKE_N       dossiers posted per back-end          (10000)
#   BENCH_INTAKE_CONNS   wrk connections for intake            (24)
#   BENCH_TRACK_N        dossiers stored for tracking          (1000000)
#   BENCH_STATS_N        dossiers stored for statistics        (BENCH_TRACK_N)
#   BENCH_STATS_RUNS     timed requests per statistics query   (7)
#   BENCH_PG_STATS_N     dossiers generated on PostgreSQL for its statistics
#                        (100000: the generator writes about 1,300 a second there)
#   BENCH_DURATION       wrk duration for tracking             (10s)
#   BENCH_CONNECTIONS    wrk connections for tracking          (32)
#   BENCH_THREADS        wrk threads for tracking              (2)
#   BENCH_PG=0           skip PostgreSQL
#   BENCH_KEEP=1         keep the temporary folder
#   NGINX                the nginx binary                      (/usr/sbin/nginx)
#
# Generated dossiers are bulk-loaded test data (no events, no per-dossier
# audit entries); see src/dossier/generate.c.  A bench reports figures; it
# never fails on them.  It exits non-zero only when it cannot measure.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
intake_n=${BENCH_INTAKE_N:-10000}
intake_conns=${BENCH_INTAKE_CONNS:-24}
track_n=${BENCH_TRACK_N:-1000000}
stats_n=${BENCH_STATS_N:-$track_n}
stats_runs=${BENCH_STATS_RUNS:-7}
pg_stats_n=${BENCH_PG_STATS_N:-100000}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
nginx=${NGINX:-/usr/sbin/nginx}
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

[[ -x "$build/motcua" ]] || die "no $build/motcua: build it first (make build)"
motcua=$(cd "$build" && pwd)/motcua
missing=()
for t in wrk curl sqlite3; do command -v "$t" >/dev/null || missing+=("$t"); done
[[ -x "$nginx" ]] || missing+=("nginx ($nginx)")
((${#missing[@]} == 0)) || die "missing: ${missing[*]}; run \`bash scripts/deps.sh --install bench\` (as root)"
for v in intake_n intake_conns track_n stats_n stats_runs pg_stats_n connections threads; do
	[[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number"
done
((stats_n >= track_n)) || stats_n=$track_n
pg=${BENCH_PG:-1}
if [[ "$pg" == 1 ]] && ! command -v psql >/dev/null; then
	echo "bench: no psql: PostgreSQL skipped" >&2
	pg=0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-dossiers.XXXXXX")
chmod 755 "$tmp" # the PostgreSQL cluster may run as another user
server_pid=
nginx_pid=
pg_dir=

cleanup() {
	local rc=$?
	[[ -n "$nginx_pid" ]] && stop_child "$nginx_pid" QUIT
	[[ -n "$server_pid" ]] && stop_child "$server_pid" TERM
	[[ -n "$pg_dir" ]] && bash "$root/scripts/pgtmp.sh" stop "$pg_dir" >/dev/null 2>&1
	if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
		echo "bench: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
unset MOTCUA_CONFIG
export MOTCUA_DATA_DIR="$tmp/var"

declare -A fig
# same_as_recount NAME KEY: fig[KEY] says whether the counters kept in step
# with the transitions (the answer time_query NAME saved) equal a recount
same_as_recount() {
	curl -sS -f -o "$tmp/$2.json" -H "Authorization: Bearer $token" \
		"$url/api/v1/stats?from=$from&to=$to&group=agency&recount=1" || die "recount failed"
	# one line per item (objects without nesting), the in_progress figures aside
	norm() { grep -o '{[^{}]*}' "$1" | grep -v within_deadline | sort; }
	if cmp -s <(norm "$tmp/stats-$1.json") <(norm "$tmp/$2.json"); then
		fig[$2]="equal"
	else
		fig[$2]="DIFFERENT (see stats-$1.json, $2.json with BENCH_KEEP=1)"
	fi
}
from=$(date -d '1 year ago' +%F)
to=$(date +%F)

# time_query NAME QUERY [PATH]: min and median of BENCH_STATS_RUNS timings
# (ms) of GET /api/v1/PATH?QUERY (PATH: stats)
time_query() {
	local name=$1 q=$2 path=${3:-stats} i
	curl -sS -f -o "$tmp/stats-$name.json" -H "Authorization: Bearer $token" "$url/api/v1/$path?$q" ||
		die "GET /api/v1/$path?$q failed"
	for ((i = 0; i < stats_runs; i++)); do
		curl -sS -f -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" "$url/api/v1/$path?$q"
	done | sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", v[1], v[int((NR + 1) / 2)] }' \
		>"$tmp/t-$name"
	read -r fig[${name}_min] fig[${name}_med] <"$tmp/t-$name"
}

# ---------- 1. intake ----------

# One reception point per wrk thread: the centre and the five branches.
clerks=(tiepnhan:Q-TT-01 tiepnhan.cn1:Q-CN1-01 tiepnhan.cn2:Q-CN2-01 tiepnhan.cn3:Q-CN3-01
	tiepnhan.cn4:Q-CN4-01 tiepnhan.cn5:Q-CN5-01)

# "statements commits" the running server has run so far (its /metrics)
db_work() {
	curl -sS -f "$url/metrics" | awk '$1 == "motcua_db_statements_total" { s = $2 }
		$1 == "motcua_db_commits_total" { c = $2 } END { print s + 0, c + 0 }'
}

hz=$(getconf CLK_TCK)
# "pid:ticks" of the bench's PostgreSQL processes (the postmaster and its
# children: the server's connections among them); nothing without one
pg_ticks() {
	[[ -n "$pg_dir" && -f "$pg_dir/data/postmaster.pid" ]] || return 0
	local pm p
	pm=$(head -n 1 "$pg_dir/data/postmaster.pid")
	for p in $pm $(pgrep -P "$pm"); do echo "$p:$(proc_ticks "$p")"; done
}
# pg_cpu_since BEFORE: ticks the PostgreSQL processes used since pg_ticks
# printed BEFORE (a process started since counts from nothing)
pg_cpu_since() {
	local before=$1 e p t sum=0
	declare -A was=()
	for e in $before; do was[${e%%:*}]=${e#*:}; done
	for e in $(pg_ticks); do
		p=${e%%:*} t=${e#*:}
		sum=$((sum + t - ${was[$p]:-0}))
	done
	echo "$sum"
}

# intake KIND DB [KEY ENV...]: sets fig[KEY_rate], fig[KEY_wall],
# fig[KEY_rss], ... (KEY defaults to KIND); the server runs with ENV.
intake() {
	local kind=$1 db=$2 key=${3:-$1}
	shift 2
	[[ $# -gt 0 ]] && shift
	local log="$tmp/intake-$key.log"
	start_server "$db" "$log" "$@"
	: >"$tmp/clerks-$key"
	local cl user counter id
	for cl in "${clerks[@]}"; do
		user=${cl%%:*} counter=${cl#*:}
		id=$(sql "$kind" "$db" "SELECT id FROM counters WHERE code = '$counter'")
		[[ -n "$id" ]] || die "no counter $counter"
		echo "$(login "$user") $id" >>"$tmp/clerks-$key"
	done
	# the logins' argon2id checks are not part of the load
	{ echo 5 >"/proc/$server_pid/clear_refs"; } 2>/dev/null || true
	local before work0
	before=$(sql "$kind" "$db" "SELECT COUNT(*) FROM dossiers")
	work0=$(db_work)
	local target=$((before + intake_n)) rss_max=0 r n=0 t0 t1 srv0 pg0 wrk_ticks=0
	srv0=$(proc_ticks "$server_pid")
	pg0=$(pg_ticks)
	t0=$(now_s)
	BENCH_CLERKS="$tmp/clerks-$key" wrk -t${#clerks[@]} -c"$intake_conns" -d600s -s "$here/intake.lua" \
		"$url" >"$tmp/wrk-intake-$key.txt" 2>&1 &
	local wrk_pid=$!
	while :; do
		sleep 0.2
		r=$(proc_kib "$server_pid" VmRSS)
		((r > rss_max)) && rss_max=$r
		n=$(sql "$kind" "$db" "SELECT COUNT(*) FROM dossiers" 2>/dev/null || echo "$n")
		((n >= target)) && break
		kill -0 "$wrk_pid" 2>/dev/null || break
		awk -v a="$t0" -v b="$(now_s)" 'BEGIN { exit !(b - a > 300) }' && break
	done
	t1=$(now_s)
	wrk_ticks=$(proc_ticks "$wrk_pid")
	kill -INT "$wrk_pid" 2>/dev/null || true
	wait "$wrk_pid" 2>/dev/null || true
	local hwm
	hwm=$(proc_kib "$server_pid" VmHWM)
	sleep 0.5
	local done_n span work1
	local srv_ticks pg_used=0
	srv_ticks=$(($(proc_ticks "$server_pid") - srv0))
	[[ "$kind" == pg ]] && pg_used=$(pg_cpu_since "$pg0")
	done_n=$(($(sql "$kind" "$db" "SELECT COUNT(*) FROM dossiers") - before))
	work1=$(db_work)
	# the server's own clock: first to last dossier taken in
	span=$(sql "$kind" "$db" "SELECT MAX(created_at) - MIN(created_at) FROM dossiers WHERE id > (SELECT COALESCE(MAX(id), 0) - $done_n FROM dossiers)")
	fig[${key}_n]=$done_n
	fig[${key}_rate]=$(awk -v n="$done_n" -v ms="${span:-0}" 'BEGIN { if (ms > 0) printf "%.0f", (n - 1) * 1000 / ms; else print "-" }')
	fig[${key}_wall]=$(elapsed "$t0" "$t1")
	fig[${key}_rss]=$(kib_to_mib "$rss_max")
	fig[${key}_hwm]=$(kib_to_mib "$hwm")
	# what one dossier cost the database: statements run, commits
	read -r fig[${key}_stmts] fig[${key}_commits] < <(awk -v a="$work0" -v b="$work1" -v n="$done_n" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		if (n > 0) printf "%.1f %.2f\n", (y[1] - x[1]) / n, (y[2] - x[2]) / n; else print "- -" }')
	# CPU a dossier: the server, PostgreSQL's processes, wrk; and what all
	# the machine's cores could take in at that cost
	read -r fig[${key}_cpu_srv] fig[${key}_cpu_db] fig[${key}_cpu_wrk] fig[${key}_ceiling] < <(awk \
		-v s="$srv_ticks" -v d="$pg_used" -v w="$wrk_ticks" -v hz="$hz" -v n="$done_n" -v cores="$cores" 'BEGIN {
		if (n <= 0) { print "- - - -"; exit }
		ms = 1000 / hz / n
		printf "%.2f %.2f %.2f %.0f\n", s * ms, d * ms, w * ms, cores * 1000 / ((s + d + w) * ms) }')
	fig[${key}_err]=$(grep -c '"route":"/api/v1/counters/{id}/dossiers","status":[45]' "$log" || true)
	stop_server
}

echo "bench: intake of $intake_n dossiers on SQLite ..." >&2
sqlite_db="$tmp/intake.db"
MOTCUA_DB="$sqlite_db" "$motcua" seed >"$tmp/seed.log" 2>&1 || {
	show_log "$tmp/seed.log"
	die "motcua seed failed"
}
cp "$sqlite_db" "$tmp/base.db" # before the intake: the references start from it
intake sqlite "$sqlite_db"

# Reference: the same rows, straight into SQLite, one transaction each and
# in one transaction.
ids=$(sqlite3 "$sqlite_db" "SELECT id FROM dossiers ORDER BY id DESC LIMIT ${fig[sqlite_n]}" | sort -n)
ref() {
	local mode=$1 db="$tmp/ref-$1.db"
	cp "$tmp/base.db" "$db"
	{
		echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		echo "ATTACH '$sqlite_db' AS src;"
		[[ "$mode" == batch ]] && echo "BEGIN;"
		for id in $ids; do
			[[ "$mode" == each ]] && echo "BEGIN;"
			echo "INSERT INTO dossiers SELECT * FROM src.dossiers WHERE id = $id;"
			echo "INSERT INTO dossier_steps SELECT * FROM src.dossier_steps WHERE dossier_id = $id;"
			[[ "$mode" == each ]] && echo "COMMIT;"
		done
		[[ "$mode" == batch ]] && echo "COMMIT;"
	} >"$tmp/ref-$mode.sql"
	local t0 t1
	t0=$(now_s)
	sqlite3 "$db" <"$tmp/ref-$mode.sql" >/dev/null
	t1=$(now_s)
	fig[ref_${mode}_rate]=$(awk -v n="${fig[sqlite_n]}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
	rm -f "$db" "$db-wal" "$db-shm"
}
echo "bench: SQLite references (one transaction each, one batch) ..." >&2
ref each
ref batch
echo "bench: intake of $intake_n dossiers on SQLite without group commit ..." >&2
intake sqlite "$sqlite_db" sqlite_one MOTCUA_DB_GROUP_COMMIT=0

if [[ "$pg" == 1 ]]; then
	echo "bench: intake of $intake_n dossiers on PostgreSQL ..." >&2
	pg_dir="$tmp/pg"
	mkdir -p "$pg_dir"
	chmod 755 "$pg_dir"
	if pg_url=$(bash "$root/scripts/pgtmp.sh" start "$pg_dir" 2>"$tmp/pg.log"); then
		MOTCUA_DB="$pg_url" "$motcua" seed >"$tmp/seed-pg.log" 2>&1 || {
			show_log "$tmp/seed-pg.log"
			die "motcua seed on PostgreSQL failed"
		}
		intake pg "$pg_url"
		echo "bench: intake of $intake_n dossiers on PostgreSQL with group commit ..." >&2
		intake pg "$pg_url" pg_group MOTCUA_DB_GROUP_COMMIT=64
		echo "bench: statistics on PostgreSQL: generating $pg_stats_n dossiers ..." >&2
		MOTCUA_DB="$pg_url" "$motcua" seed --dossiers "$pg_stats_n" --random-seed 7 >"$tmp/gen-pg.log" 2>&1 || {
			show_log "$tmp/gen-pg.log"
			die "motcua seed --dossiers on PostgreSQL failed"
		}
		fig[pg_stored]=$(sql pg "$pg_url" "SELECT COUNT(*) FROM dossiers")
		# the intakes' dossiers are open: the in-progress figures read them
		# through an index-only scan, which visits the table for each row
		# until VACUUM marks their pages all-visible (7.3 or 13 ms by
		# agency, as autovacuum had passed or not); measured after it
		sql pg "$pg_url" "VACUUM (ANALYZE) dossiers" >/dev/null
		start_server "$pg_url" "$tmp/stats-pg.log"
		token=$(login lanhdao)
		time_query pg_stats_total "from=$from&to=$to"
		time_query pg_stats_agency "from=$from&to=$to&group=agency"
		same_as_recount pg_stats_agency pg_recount
		stop_server
		bash "$root/scripts/pgtmp.sh" stop "$pg_dir" >/dev/null 2>&1 || true
		pg_dir=
	else
		show_log "$tmp/pg.log"
		echo "bench: PostgreSQL did not start: skipped" >&2
		pg=0
	fi
fi
rm -f "$tmp/base.db" "$tmp"/ref-*.sql

# ---------- 2. tracking ----------

echo "bench: generating $track_n dossiers ..." >&2
big="$tmp/big.db"
MOTCUA_DB="$big" "$motcua" seed >/dev/null 2>&1 || die "motcua seed failed"
t0=$(now_s)
MOTCUA_DB="$big" "$motcua" seed --dossiers "$track_n" >"$tmp/gen.log" 2>&1 || {
	show_log "$tmp/gen.log"
	die "motcua seed --dossiers failed"
}
t1=$(now_s)
fig[gen_rate]=$(awk -v n="$track_n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
fig[gen_time]=$(elapsed "$t0" "$t1")
sqlite3 "$big" "SELECT code || ',' || secret FROM dossiers WHERE id IN
	(SELECT abs(random()) % (SELECT MAX(id) FROM dossiers) + 1 FROM generate_series(1, 100000))" \
	>"$tmp/pairs.csv" 2>/dev/null ||
	sqlite3 "$big" "SELECT code || ',' || secret FROM dossiers ORDER BY random() LIMIT 100000" >"$tmp/pairs.csv"
[[ -s "$tmp/pairs.csv" ]] || die "no code,secret pairs"

start_server "$big" "$tmp/track.log" MOTCUA_TRACK_LIMIT=0
IFS=, read -r code secret < <(head -n 1 "$tmp/pairs.csv")
mkdir -p "$tmp/nginx/www"
curl -sS -f -o "$tmp/nginx/www/track.json" "$url/api/v1/track/$code?s=$secret" || die "tracking lookup failed"
track_bytes=$(wc -c <"$tmp/nginx/www/track.json")
# the same answer as motcua stores and sends it to a client that accepts gzip
curl -sS -f -H 'Accept-Encoding: gzip' -o "$tmp/nginx/www/track.json.gz" "$url/api/v1/track/$code?s=$secret" ||
	die "tracking lookup (gzip) failed"
track_gz_bytes=$(wc -c <"$tmp/nginx/www/track.json.gz")

user_line=
if [[ $(id -u) == 0 ]]; then
	user_line="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
	chmod 755 "$tmp/nginx" "$tmp/nginx/www"
	chmod 644 "$tmp/nginx/www/track.json" "$tmp/nginx/www/track.json.gz"
fi
nginx_port=
for ((attempt = 0; attempt < 10; attempt++)); do
	p=$((20000 + RANDOM % 40000))
	(: <"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
	sed -e "s|@USER@|$user_line|" -e "s|@WORKERS@|$cores|" -e "s|@DIR@|$tmp/nginx|g" \
		-e "s|@PORT@|$p|" "$here/nginx.conf.in" >"$tmp/nginx/nginx.conf"
	: >"$tmp/nginx/error.log"
	"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
	nginx_pid=$!
	for ((i = 0; i < 50; i++)); do
		kill -0 "$nginx_pid" 2>/dev/null || break
		if curl -sS -f -o /dev/null "http://127.0.0.1:$p/track.json" 2>/dev/null; then
			nginx_port=$p
			break
		fi
		sleep 0.1
	done
	[[ -n "$nginx_port" ]] && break
	stop_child "$nginx_pid" QUIT
	nginx_pid=
done
[[ -n "$nginx_port" ]] || {
	show_log "$tmp/nginx/error.log"
	die "nginx did not start"
}

# run_wrk NAME URL [STATIC_PATH]  (BENCH_GZIP=1 in the environment: the
# requests accept gzip)
run_wrk() {
	local name=$1 target=$2 out="$tmp/wrk-$1.txt"
	local -a envs=(BENCH_PAIRS="$tmp/pairs.csv")
	[[ $# -ge 3 ]] && envs+=(BENCH_STATIC="$3")
	env "${envs[@]}" wrk -t"$threads" -c"$connections" -d2s -s "$here/track.lua" "$target" >/dev/null 2>&1 || true
	env "${envs[@]}" wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/track.lua" "$target" \
		>"$out" 2>&1 || {
		show_log "$out"
		die "wrk failed on $target"
	}
	fig[${name}_rps]=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$out")
	fig[${name}_p99]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	local non2xx errs
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	errs=$(awk '/Socket errors:/ { s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' "$out")
	fig[${name}_bad]=$((${non2xx:-0} + ${errs:-0}))
}
echo "bench: tracking lookups, $duration per target, wrk -t$threads -c$connections ..." >&2
run_wrk mc_track "$url"
run_wrk ng_track "http://127.0.0.1:$nginx_port" /track.json
BENCH_GZIP=1 run_wrk mc_track_gz "$url"
BENCH_GZIP=1 run_wrk ng_track_gz "http://127.0.0.1:$nginx_port" /track.json
fig[track_rss]=$(kib_to_mib "$(proc_kib "$server_pid" VmRSS)")
stop_child "$nginx_pid" QUIT
nginx_pid=

# ---------- 3. statistics ----------

if ((stats_n > track_n)); then
	stop_server
	echo "bench: generating $((stats_n - track_n)) more dossiers ($stats_n in all) ..." >&2
	MOTCUA_DB="$big" "$motcua" seed --dossiers "$((stats_n - track_n))" --random-seed 7 >>"$tmp/gen.log" 2>&1 ||
		die "motcua seed --dossiers failed"
	start_server "$big" "$tmp/stats.log"
fi
stored=$(sqlite3 "$big" "SELECT COUNT(*) FROM dossiers")
fig[db_mib]=$(kib_to_mib $(($(stat -c %s "$big") / 1024)))
fig[db_bytes_each]=$(($(stat -c %s "$big") / stats_n))
token=$(login lanhdao)
echo "bench: statistics over a year on $stored dossiers ..." >&2
time_query stats_total "from=$from&to=$to"
time_query stats_agency "from=$from&to=$to&group=agency"
month=$(date -d '1 month ago' +%F)
time_query report_month "from=$month&to=$to&group=agency" reports/periodic
time_query report_year "from=$from&to=$to&group=agency" reports/periodic
same_as_recount stats_agency recount
stop_server

# ---------- report ----------

row() { printf '  %-60s %10s %12s\n' "$@"; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 >= b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 < b + 0) }'; }
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)

echo
echo "motcua dossier bench ($(date -u +%Y-%m-%dT%H:%M:%SZ), motcua $commit, $cores cores${cpu_model:+, $cpu_model})"
echo
echo "Intake: $intake_n dossiers posted by ${#clerks[@]} clerks (one wrk thread each), $intake_conns connections"
row "" "dossiers/s" "server RSS"
row "motcua + SQLite (HTTP, durable, group commit: default)" "${fig[sqlite_rate]}" "${fig[sqlite_rss]} MiB"
row "motcua + SQLite, one COMMIT per dossier" "${fig[sqlite_one_rate]}" "${fig[sqlite_one_rss]} MiB"
[[ "$pg" == 1 ]] && row "motcua + PostgreSQL (HTTP, durable, one COMMIT each: default)" "${fig[pg_rate]}" "${fig[pg_rss]} MiB"
[[ "$pg" == 1 ]] && row "motcua + PostgreSQL, group commit" "${fig[pg_group_rate]}" "${fig[pg_group_rss]} MiB"
row "SQLite directly, one transaction per dossier (fsync)" "${fig[ref_each_rate]}" ""
row "SQLite directly, one transaction for all (group commit)" "${fig[ref_batch_rate]}" ""
echo "  (dossiers/s from the server's created_at stamps; wall time to the last one:" \
	"SQLite ${fig[sqlite_wall]} s${fig[pg_wall]:+, PostgreSQL ${fig[pg_wall]} s}; peak RSS (VmHWM after the logins)" \
	"SQLite ${fig[sqlite_hwm]} MiB${fig[pg_hwm]:+, PostgreSQL ${fig[pg_hwm]} MiB})"
echo "  database work per dossier taken in (the server's /metrics): SQLite ${fig[sqlite_stmts]} statements," \
	"${fig[sqlite_commits]} commits${fig[pg_stmts]:+; PostgreSQL ${fig[pg_stmts]} statements, ${fig[pg_commits]} commits}"
cpu_pg=
[[ -n "${fig[pg_cpu_srv]:-}" ]] &&
	cpu_pg="; PostgreSQL ${fig[pg_cpu_srv]} + ${fig[pg_cpu_db]} + ${fig[pg_cpu_wrk]}, ${fig[pg_ceiling]}/s"
echo "  CPU ms a dossier (server + PostgreSQL + wrk) and what $cores cores could take in at that cost:" \
	"SQLite ${fig[sqlite_cpu_srv]} + ${fig[sqlite_cpu_wrk]}, ${fig[sqlite_ceiling]}/s$cpu_pg"
echo "  COMMITs per dossier without group commit: SQLite ${fig[sqlite_one_commits]}" \
	"${fig[pg_group_commits]:+; with it on PostgreSQL: ${fig[pg_group_commits]}}"
for k in sqlite sqlite_one pg pg_group; do
	[[ -n "${fig[${k}_err]:-}" && "${fig[${k}_err]}" != 0 ]] && echo "  WARNING: $k: ${fig[${k}_err]} intake answers were 4xx/5xx"
	[[ -n "${fig[${k}_n]:-}" && "${fig[${k}_n]}" -lt "$intake_n" ]] && echo "  WARNING: $k: only ${fig[${k}_n]} dossiers taken in"
done
echo
echo "Tracking: GET /api/v1/track/{code}?s=... on $track_n generated dossiers (random existing ones),"
echo "  wrk -t$threads -c$connections -d$duration; nginx serves a static file of the same size ($track_bytes bytes)"
row "" "requests/s" "p99 (ms)"
row "motcua  GET /api/v1/track/{code}" "${fig[mc_track_rps]}" "${fig[mc_track_p99]}"
row "nginx   GET /track.json" "${fig[ng_track_rps]}" "${fig[ng_track_p99]}"
row "motcua/nginx" "$(pct "${fig[mc_track_rps]}" "${fig[ng_track_rps]}")" ""
echo "  the same with Accept-Encoding: gzip ($track_gz_bytes bytes: motcua sends its stored answer, nginx the file's .gz)"
row "motcua  GET /api/v1/track/{code}, gzip" "${fig[mc_track_gz_rps]}" "${fig[mc_track_gz_p99]}"
row "nginx   GET /track.json, gzip_static" "${fig[ng_track_gz_rps]}" "${fig[ng_track_gz_p99]}"
row "motcua/nginx, gzip" "$(pct "${fig[mc_track_gz_rps]}" "${fig[ng_track_gz_rps]}")" ""
for k in mc_track ng_track mc_track_gz ng_track_gz; do
	((fig[${k}_bad] == 0)) || echo "  WARNING: $k had ${fig[${k}_bad]} non-2xx answers or socket errors"
done
echo
echo "Statistics: GET /api/v1/stats?from=$from&to=$to (city leader, whole city), $stored dossiers stored"
echo "  (SQLite file ${fig[db_mib]} MiB, ${fig[db_bytes_each]} bytes a dossier; $stats_runs timed requests each, curl time_total)"
row "" "min (ms)" "median (ms)"
row "total" "${fig[stats_total_min]}" "${fig[stats_total_med]}"
row "group=agency" "${fig[stats_agency_min]}" "${fig[stats_agency_med]}"
echo "  counters vs recount (group=agency): ${fig[recount]}"
row "periodic report, last month, group=agency" "${fig[report_month_min]}" "${fig[report_month_med]}"
row "periodic report, last year, group=agency" "${fig[report_year_min]}" "${fig[report_year_med]}"
echo "  (the report reads the dossiers open during the period; the statistics read the kept counters)"
echo "  generator: $track_n dossiers in ${fig[gen_time]} s (${fig[gen_rate]} dossiers/s, with their steps)"
if [[ -n "${fig[pg_stored]:-}" ]]; then
	echo "  The statistics on PostgreSQL, ${fig[pg_stored]} dossiers stored (BENCH_PG_STATS_N generated, the intakes' kept):"
	row "total" "${fig[pg_stats_total_min]}" "${fig[pg_stats_total_med]}"
	row "group=agency" "${fig[pg_stats_agency_min]}" "${fig[pg_stats_agency_med]}"
	echo "  counters vs recount (group=agency): ${fig[pg_recount]}"
fi
echo
echo "Targets (issue 12; reported, not asserted)"
printf '  intake >= 5000 dossiers/s on SQLite      %12s   %s\n' "${fig[sqlite_rate]}" "$(verdict "$(ge "${fig[sqlite_rate]}" 5000)")"
[[ "$pg" == 1 ]] && printf '  intake >= 2000 dossiers/s on PostgreSQL  %12s   %s\n' "${fig[pg_rate]}" "$(verdict "$(ge "${fig[pg_rate]}" 2000)")"
printf '  tracking >= 80 %% of nginx                %12s   %s\n' "$(pct "${fig[mc_track_rps]}" "${fig[ng_track_rps]}")" \
	"$(verdict "$(awk -v a="${fig[mc_track_rps]}" -v b="${fig[ng_track_rps]}" 'BEGIN { print (b > 0 && a / b >= 0.8) }')")"
printf '  tracking p99 < 5 ms                      %12s   %s\n' "${fig[mc_track_p99]} ms" "$(verdict "$(lt "${fig[mc_track_p99]}" 5)")"
printf '  statistics over a year < 10 ms           %12s   %s%s\n' "${fig[stats_agency_med]} ms" \
	"$(verdict "$(lt "${fig[stats_agency_med]}" 10)")" "$( ((stored >= 10000000)) || echo " (on $stored dossiers, not 10,000,000)")"
[[ -n "${fig[pg_stored]:-}" ]] && printf '  statistics over a year < 10 ms, PostgreSQL %9s   %s%s\n' "${fig[pg_stats_agency_med]} ms" \
	"$(verdict "$(lt "${fig[pg_stats_agency_med]}" 10)")" " (on ${fig[pg_stored]} dossiers, not 10,000,000)"
printf '  bytes a dossier on disk <= 1500          %12s   %s\n' "${fig[db_bytes_each]}" "$(verdict "$(lt "${fig[db_bytes_each]}" 1500.01)")"
printf '  server RSS under intake <= 100 MiB       %12s   %s\n' "${fig[sqlite_rss]} MiB" "$(verdict "$(lt "${fig[sqlite_rss]}" 100.01)")"

#!/usr/bin/env bash
# bench/run.sh - `make bench`: motcua against nginx serving the same bytes.
#
# Usage: bash bench/run.sh [BUILD_DIR]        (default BUILD_DIR: build)
#
# In a fresh temporary folder it
#   1. creates a SQLite database with the demo data (`motcua seed`),
#   2. starts `motcua serve` on a free loopback port,
#   3. logs in once as an API client (bearer token) and saves the answers of
#      GET /healthz and GET /api/v1/me,
#   4. starts nginx with a generated configuration (bench/nginx.conf.in)
#      serving those answers as static files, byte for byte,
#   5. runs wrk with the same settings against each pair,
#   6. prints requests/s, 99th percentile latency, the motcua/nginx ratio,
#      motcua's memory and the reference (machine, versions, settings),
# and stops everything and removes the folder on exit.
#
# Environment (all optional):
#   BENCH_DURATION     wrk duration per target            (default 10s)
#   BENCH_CONNECTIONS  wrk open connections               (default 32)
#   BENCH_THREADS      wrk threads                        (default 2)
#   BENCH_WARMUP       unmeasured wrk run before each target, 0 = none
#                                                         (default 2s)
#   BENCH_KEEP=1       keep the temporary folder (logs, wrk outputs)
#   NGINX              the nginx binary                   (default /usr/sbin/nginx)
#   MOTCUA_THREADS     motcua worker threads              (default: one per core)
#
# A bench reports figures; it never fails on them.  It exits non-zero only
# when it cannot measure (missing tool, server that does not start, ...).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:-build}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
warmup=${BENCH_WARMUP:-2s}
nginx=${NGINX:-/usr/sbin/nginx}
cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)

# ---------- prerequisites ----------

[[ -x "$build/motcua" ]] || die "no $build/motcua: build it first (make build)"
motcua=$(cd "$build" && pwd)/motcua
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x "$nginx" ]] || missing+=("nginx ($nginx)")
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
	die "missing: ${missing[*]}; run \`bash scripts/deps.sh --install bench\` (as root)"
fi
[[ "$connections" =~ ^[0-9]+$ && "$threads" =~ ^[0-9]+$ ]] ||
	die "BENCH_CONNECTIONS and BENCH_THREADS must be numbers"
((threads >= 1 && connections >= threads)) ||
	die "need BENCH_THREADS >= 1 and BENCH_CONNECTIONS >= BENCH_THREADS"
conf_in=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nginx.conf.in
[[ -f "$conf_in" ]] || die "no $conf_in"

# ---------- temporary folder and clean-up ----------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench.XXXXXX")
motcua_pid=
nginx_pid=

cleanup() {
	local rc=$?
	[[ -n "$nginx_pid" ]] && stop_child "$nginx_pid" QUIT
	[[ -n "$motcua_pid" ]] && stop_child "$motcua_pid" TERM
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

# ---------- 1. database ----------

# Everything motcua reads comes from here, not from the caller's settings.
unset MOTCUA_CONFIG
export MOTCUA_DB="$tmp/bench.db"
export MOTCUA_DATA_DIR="$tmp/var"
if ! "$motcua" seed >"$tmp/seed.log" 2>&1; then
	show_log "$tmp/seed.log"
	die "motcua seed failed"
fi

# ---------- 2. motcua serve ----------

# Port 0: the kernel picks a free port and motcua logs it in its
# "listening" line (an info line, hence MOTCUA_LOG_LEVEL=info).  The
# per-request log line is written whatever the level, so all of stderr goes
# to a file rather than to the terminal.
MOTCUA_LISTEN=127.0.0.1:0 MOTCUA_LOG_LEVEL=info MOTCUA_SHUTDOWN_GRACE=5 \
	"$motcua" serve 2>"$tmp/motcua.log" &
motcua_pid=$!
port=
for ((i = 0; i < 100; i++)); do
	kill -0 "$motcua_pid" 2>/dev/null || break
	port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$tmp/motcua.log" | head -n 1)
	[[ -n "$port" ]] && break
	sleep 0.1
done
if [[ -z "$port" ]]; then
	show_log "$tmp/motcua.log"
	die "motcua serve did not start"
fi
mc_url="http://127.0.0.1:$port"
motcua_threads=$(sed -n 's/.*"msg":"listening".*"threads":\([0-9]*\).*/\1/p' "$tmp/motcua.log" | head -n 1)

mkdir -p "$tmp/nginx/www"
ok=
for ((i = 0; i < 50; i++)); do
	if curl -sS -f -o "$tmp/nginx/www/healthz.json" "$mc_url/healthz" 2>/dev/null; then
		ok=1
		break
	fi
	sleep 0.1
done
[[ -n "$ok" ]] || {
	show_log "$tmp/motcua.log"
	die "$mc_url/healthz does not answer"
}

# ---------- 3. log in as an API client ----------

login=$(curl -sS -f -H 'Content-Type: application/json' \
	-d '{"username":"admin","password":"motcua2026","token":true}' \
	"$mc_url/api/v1/auth/login") || die "login as admin failed"
token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$login")
[[ -n "$token" ]] || die "no token in the login answer"
auth="Authorization: Bearer $token"
curl -sS -f -H "$auth" -o "$tmp/nginx/www/me.json" "$mc_url/api/v1/me" ||
	die "GET /api/v1/me with the bearer token failed"
healthz_bytes=$(wc -c <"$tmp/nginx/www/healthz.json")
me_bytes=$(wc -c <"$tmp/nginx/www/me.json")

# Idle memory: started, one login, one /me, then a moment of quiet.
sleep 1
rss_idle=$(proc_kib "$motcua_pid" VmRSS)
# The login's argon2id check alone takes 64 MiB (libsodium's interactive
# limit) for a moment; reset the peak (VmHWM) so that it tells the load.
peak_reset=0
{ echo 5 >"/proc/$motcua_pid/clear_refs"; } 2>/dev/null && peak_reset=1

# ---------- 4. nginx ----------

# Workers of a root master run as `user`; give them read access to the
# files (and only traversal of the bench folder).
user_line=
if [[ $(id -u) == 0 ]]; then
	user_line="user nobody $(id -gn nobody 2>/dev/null || echo nogroup);"
	chmod 711 "$tmp"
	chmod 755 "$tmp/nginx" "$tmp/nginx/www"
	chmod 644 "$tmp/nginx/www/"*.json
fi
nginx_version=$("$nginx" -v 2>&1 | sed 's/^nginx version: //')

# nginx cannot report a port it was given by the kernel: try random free
# ports until one binds.
nginx_port=
for ((attempt = 0; attempt < 10; attempt++)); do
	p=$((20000 + RANDOM % 40000))
	(: <"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue # in use
	sed -e "s|@USER@|$user_line|" -e "s|@WORKERS@|$cores|" -e "s|@DIR@|$tmp/nginx|g" \
		-e "s|@PORT@|$p|" "$conf_in" >"$tmp/nginx/nginx.conf"
	: >"$tmp/nginx/error.log"
	"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
	nginx_pid=$!
	for ((i = 0; i < 50; i++)); do
		kill -0 "$nginx_pid" 2>/dev/null || break
		if curl -sS -f -o /dev/null "http://127.0.0.1:$p/healthz.json" 2>/dev/null; then
			nginx_port=$p
			break
		fi
		sleep 0.1
	done
	[[ -n "$nginx_port" ]] && break
	stop_child "$nginx_pid" QUIT
	nginx_pid=
	grep -q 'Address already in use' "$tmp/nginx/error.log" || break
done
if [[ -z "$nginx_port" ]]; then
	show_log "$tmp/nginx/error.log"
	die "nginx did not start"
fi
ng_url="http://127.0.0.1:$nginx_port"
cmp -s <(curl -sS -f "$ng_url/me.json") "$tmp/nginx/www/me.json" ||
	die "nginx does not serve the same bytes as motcua"

# ---------- 5. wrk ----------

# CPU time (user + system, in clock ticks) used so far by the given
# processes, all their threads included.
cpu_ticks() {
	local pid t=0 n
	for pid; do
		n=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null) || n=0
		t=$((t + ${n:-0}))
	done
	echo "$t"
}

# The children of a process (nginx's workers).
child_pids() {
	local f
	for f in /proc/[0-9]*/stat; do
		awk -v pp="$1" '{ sub(/.*\) /, ""); if ($2 == pp) { split(FILENAME, p, "/"); print p[3] } }' \
			"$f" 2>/dev/null || true
	done
}
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
read -r -a nginx_pids <<<"$nginx_pid $(child_pids "$nginx_pid" | tr '\n' ' ')"

# run_wrk NAME URL [HEADER]: sets rps[NAME], p99[NAME] (ms), bad[NAME] and
# cpu[NAME], the server's CPU time per request in microseconds.  NAME
# starts with mc_ (motcua) or ng_ (nginx: master and workers).
declare -A rps p99 bad cpu
run_wrk() {
	local name=$1 url=$2 out="$tmp/wrk-$1.txt"
	local -a hdr=() pids
	[[ $# -ge 3 ]] && hdr=(-H "$3")
	if [[ "$name" == mc_* ]]; then pids=("$motcua_pid"); else pids=("${nginx_pids[@]}"); fi
	if [[ "$warmup" != 0 ]]; then
		wrk -t"$threads" -c"$connections" -d"$warmup" "${hdr[@]}" "$url" >/dev/null 2>&1 ||
			die "wrk (warm-up) failed on $url"
	fi
	local t0 t1 n
	t0=$(cpu_ticks "${pids[@]}")
	if ! wrk -t"$threads" -c"$connections" -d"$duration" --latency "${hdr[@]}" "$url" >"$out" 2>&1; then
		show_log "$out"
		die "wrk failed on $url"
	fi
	t1=$(cpu_ticks "${pids[@]}")
	n=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$out")
	cpu[$name]=$(awk -v t=$((t1 - t0)) -v hz="$clk_tck" -v n="${n:-0}" \
		'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "-" }')
	rps[$name]=$(awk '$1 == "Requests/sec:" { print $2 }' "$out")
	p99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	[[ -n "${rps[$name]}" ]] || {
		show_log "$out"
		die "cannot read wrk's output for $url"
	}
	# Answers that are not 2xx/3xx, and socket errors: a fast 401 is no figure.
	local non2xx errs
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
	errs=$(awk '/Socket errors:/ { s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' "$out")
	bad[$name]=$((${non2xx:-0} + ${errs:-0}))
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
echo "bench: $duration per target ($([[ "$warmup" == 0 ]] && echo "no" || echo "$warmup") warm-up), wrk -t$threads -c$connections, $cores cores ..." >&2
run_wrk mc_health "$mc_url/healthz"
run_wrk ng_health "$ng_url/healthz.json"
run_wrk mc_me "$mc_url/api/v1/me" "$auth"
run_wrk ng_me "$ng_url/me.json" "$auth"

sleep 1
rss_after=$(proc_kib "$motcua_pid" VmRSS)
rss_peak=$(proc_kib "$motcua_pid" VmHWM)
# The session must still be valid: otherwise the /me figures measured 401s.
curl -sS -f -o /dev/null -H "$auth" "$mc_url/api/v1/me" || echo "bench: WARNING: /api/v1/me fails after the load" >&2

# ---------- 6. report ----------

row() { printf '  %-34s %12s %10s %14s %14s\n' "$@"; }
fmt_rps() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }

cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
commit=$(git -C "$(dirname "$conf_in")" rev-parse --short HEAD 2>/dev/null || echo unknown)
wrk_version=$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')

echo
echo "motcua bench ($(date -u +%Y-%m-%dT%H:%M:%SZ), motcua $commit, SQLite)"
echo
row "target" "requests/s" "p99 (ms)" "motcua/nginx" "CPU us/req"
row "------" "----------" "--------" "------------" "----------"
row "motcua  GET /healthz" "$(fmt_rps "${rps[mc_health]}")" "${p99[mc_health]}" \
	"$(pct "${rps[mc_health]}" "${rps[ng_health]}")" "${cpu[mc_health]}"
row "nginx   GET /healthz.json" "$(fmt_rps "${rps[ng_health]}")" "${p99[ng_health]}" "" "${cpu[ng_health]}"
row "motcua  GET /api/v1/me (bearer)" "$(fmt_rps "${rps[mc_me]}")" "${p99[mc_me]}" \
	"$(pct "${rps[mc_me]}" "${rps[ng_me]}")" "${cpu[mc_me]}"
row "nginx   GET /me.json" "$(fmt_rps "${rps[ng_me]}")" "${p99[ng_me]}" "" "${cpu[ng_me]}"
echo "  (CPU us/req: the server's user+system CPU time per answered request, a figure"
echo "   that depends less than requests/s on what else the machine is doing)"
echo "  bodies: /healthz $healthz_bytes bytes, /api/v1/me $me_bytes bytes (nginx serves the same bytes)"
for k in mc_health ng_health mc_me ng_me; do
	((bad[$k] == 0)) || echo "  WARNING: $k had ${bad[$k]} non-2xx answers or socket errors (see wrk output)"
done
echo
if ((peak_reset)); then peak_label="peak under load"; else peak_label="peak (includes the argon2id login)"; fi
echo "  motcua memory (VmRSS): idle $(kib_to_mib "$rss_idle") MiB, after the load $(kib_to_mib "$rss_after") MiB, $peak_label $(kib_to_mib "$rss_peak") MiB"
echo
me_ratio=$(awk -v a="${rps[mc_me]}" -v b="${rps[ng_me]}" 'BEGIN { print (b > 0 ? 100 * a / b : 0) }')
echo "Targets (issues 2 and 12; reported, not asserted)"
printf '  authenticated GET >= 80 %% of nginx  %10s   %s  (by CPU time per request: %s)\n' \
	"$(pct "${rps[mc_me]}" "${rps[ng_me]}")" "$(verdict "$(awk -v r="$me_ratio" 'BEGIN { print (r >= 80) }')")" \
	"$(pct "${cpu[ng_me]}" "${cpu[mc_me]}")"
printf '  server RSS idle <= 30 MiB          %10s   %s\n' "$(kib_to_mib "$rss_idle") MiB" \
	"$(verdict "$(awk -v k="$rss_idle" 'BEGIN { print (k <= 30 * 1024) }')")"
echo
echo "Reference"
echo "  machine: $cores cores${cpu_model:+, $cpu_model}, $(uname -sr), load average before the run $load_before"
echo "  nginx:   $nginx_version, $cores worker processes, access_log off, static files, keep-alive"
echo "  motcua:  ${motcua_threads:-?} threads (libmicrohttpd thread pool), SQLite WAL, request log to a file"
echo "  wrk:     $wrk_version, -t$threads -c$connections -d$duration --latency, $([[ "$warmup" == 0 ]] && echo "no warm-up" || echo "$warmup warm-up"), same host as the servers"

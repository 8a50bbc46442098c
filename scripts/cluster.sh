#!/usr/bin/env bash
# scripts/cluster.sh - the whole multi-node deployment on one machine, on
# loopback: etcd, 3 PostgreSQL 15 nodes under Patroni (one synchronous
# replica), HAProxy in front of them (a write port to the leader, a read
# port to the replicas), 3 `motcua serve` on the write port, and a second
# HAProxy front (HTTP, /readyz health check) balancing over them.  See
# docs/cluster.md.
#
# Usage: scripts/cluster.sh COMMAND [ARGS]
#
#   up [--bin MOTCUA]      start everything, migrate and seed the database
#                          once, wait until all is healthy, print addresses
#   down                   stop everything and delete the state folder
#   status                 Patroni's members, HAProxy's view, each server
#   addresses              print the addresses again
#   leader                 the Patroni leader's name (pg1, pg2 or pg3)
#   kill-leader            kill -9 the leader's postmaster (prints its name)
#   wait-healthy [SECS]    wait until a leader, a synchronous replica that
#                          streams, a third member that streams and the 3
#                          servers behind the front are up (default 120 s)
#   server start|stop|kill|drain|ready N [--bin MOTCUA]
#                          one motcua server (N = 1..3): start it (with the
#                          binary given, else the one it ran last), SIGTERM
#                          it, kill -9 it, drain it at the front (HAProxy's
#                          stats socket), or set it ready there again
#   migrate [--bin MOTCUA] `motcua migrate` on the write port
#   psql [ARGS]            psql as motcua on the write port
#   hactl CMD              a command on the front HAProxy's stats socket
#   tokens                 bearer tokens of the 6 demo clerks with their
#                          counters ("TOKEN COUNTER_ID" lines), made once
#
# Environment:
#   MOTCUA_CLUSTER_DIR     the state folder (default /tmp/motcua-cluster):
#                          every process's data, configuration, log and pid
#   MOTCUA_CLUSTER_PORT    first port of the block of 100 used (default 7400)
#   MOTCUA_BIN             the motcua binary (default build/motcua)
#
# As root, Patroni, PostgreSQL and etcd run as the "postgres" system user
# (PostgreSQL refuses root), and the Debian packages of the "cluster" group
# of scripts/deps.sh are installed first; as another user, they must be
# installed already.  The state folder's parents must be traversable by
# that user (/tmp is).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
S=${MOTCUA_CLUSTER_DIR:-/tmp/motcua-cluster}
case "$S" in /*) ;; *) S=$PWD/$S ;; esac
S=${S%/}
base=${MOTCUA_CLUSTER_PORT:-7400}
PGBIN=/usr/lib/postgresql/15/bin
MARKER=.motcua-cluster

# The ports, all on 127.0.0.1.
etcd_port=$((base + 1)) etcd_peer=$((base + 2))
pg_port() { echo $((base + 10 + $1)); }      # PostgreSQL of node N
rest_port() { echo $((base + 20 + $1)); }    # Patroni REST API of node N
write_port=$((base + 31)) read_port=$((base + 32)) db_stats_port=$((base + 39))
srv_port() { echo $((base + 40 + $1)); }     # motcua server N
front_port=$((base + 80)) front_stats_port=$((base + 89))

db_url="postgresql://motcua@127.0.0.1:$write_port/motcua?target_session_attrs=read-write"
read_url="postgresql://motcua@127.0.0.1:$read_port/motcua"

die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'cluster.sh: %s\n' "$*" >&2; }

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGDATA PGOPTIONS PGPASSWORD

# The user the database side runs as: ourselves, or postgres when root.
run_user=""
if [[ "$(id -u)" == 0 ]]; then run_user=postgres; fi

# A command as that user: "${pg_side[@]}" CMD... (exec all the way down,
# so that the pid of a background job is CMD's own).
pg_side=()
if [[ -n "$run_user" ]]; then
	pg_side=(setpriv --reuid="$run_user" --regid="$run_user" --init-groups -- env HOME="$S")
fi
as_pg() { "${pg_side[@]}" "$@"; }

pidfile() { echo "$S/pids/$1.pid"; }
alive() { [[ -s "$(pidfile "$1")" ]] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }

# start NAME LOG CMD...: run CMD in the background (its own session), note its pid.
start_bg() {
	local name=$1 log=$2
	shift 2
	setsid "$@" </dev/null >>"$log" 2>&1 &
	echo $! >"$(pidfile "$name")"
}

# stop NAME [SIG]: signal the process and wait up to 30 s for it.
stop_proc() {
	local name=$1 sig=${2:-TERM} pid i
	[[ -s "$(pidfile "$name")" ]] || return 0
	pid=$(cat "$(pidfile "$name")")
	if kill -0 "$pid" 2>/dev/null; then
		kill "-$sig" "$pid" 2>/dev/null || true
		for ((i = 0; i < 300; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$(pidfile "$name")"
}

http_code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true; }

# wait_for SECS WHAT CMD...: poll CMD every 0.2 s.
wait_for() {
	local secs=$1 what=$2 i
	shift 2
	for ((i = 0; i < secs * 5; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	say "timed out waiting for $what"
	return 1
}

# A command to a HAProxy stats socket (python3: no socat needed).
hactl_sock() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())
EOF
}

psql_w() { psql -X -q -h 127.0.0.1 -p "$write_port" -U motcua -d motcua "$@"; }
psql_super() { psql -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d postgres "${@:2}"; }

motcua_bin() {
	local b=${MOTCUA_BIN:-$root/build/motcua}
	[[ -x "$b" ]] || die "no motcua binary at $b (build it: make build, or give --bin)"
	(cd "$(dirname "$b")" && echo "$PWD/$(basename "$b")")
}

# ---------- configuration files ----------

write_patroni() {
	local n=$1 d=$S/pg$1
	mkdir -p "$d"
	cat >"$d/patroni.yml" <<EOF
# written by scripts/cluster.sh
scope: motcua
namespace: /motcua-cluster/
name: pg$n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$(rest_port "$n")
  connect_address: 127.0.0.1:$(rest_port "$n")
etcd3:
  hosts: 127.0.0.1:$etcd_port
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 1
    retry_timeout: 5
    maximum_lag_on_failover: 1048576
    # one synchronous replica: a COMMIT is acknowledged once it is on two
    # nodes, and only that replica may be promoted
    synchronous_mode: true
    # a crashed leader is not restarted in place: fail over at once
    primary_start_timeout: 0
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        max_connections: 200
        shared_buffers: 128MB
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 256MB
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
postgresql:
  listen: 127.0.0.1:$(pg_port "$n")
  connect_address: 127.0.0.1:$(pg_port "$n")
  data_dir: $d/data
  bin_dir: $PGBIN
  pgpass: $d/pgpass
  authentication:
    superuser:
      username: postgres
      password: postgres
    replication:
      username: replicator
      password: replicator
    rewind:
      username: postgres
      password: postgres
  parameters:
    unix_socket_directories: '$d'
  # loopback only: every connection from this machine is trusted
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication replicator 127.0.0.1/32 trust
EOF
}

write_haproxy_db() {
	local n
	{
		cat <<EOF
# written by scripts/cluster.sh: PostgreSQL behind Patroni's health checks
global
  maxconn 1000
  stats socket $S/haproxy-db.sock mode 600 level admin
defaults
  mode tcp
  log global
  timeout connect 2s
  timeout client 60m
  timeout server 60m
  timeout check 1s
listen stats
  mode http
  bind 127.0.0.1:$db_stats_port
  stats enable
  stats uri /
# writes: the one node whose Patroni answers 200 to GET /primary; when it
# stops doing so, its sessions are cut (the clients reconnect, to the new
# leader)
listen pg_write
  bind 127.0.0.1:$write_port
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
EOF
		for n in 1 2 3; do echo "  server pg$n 127.0.0.1:$(pg_port "$n") check port $(rest_port "$n")"; done
		cat <<EOF
# reads that tolerate a little lag: the replicas (GET /replica)
listen pg_read
  bind 127.0.0.1:$read_port
  balance roundrobin
  option httpchk GET /replica
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
EOF
		for n in 1 2 3; do echo "  server pg$n 127.0.0.1:$(pg_port "$n") check port $(rest_port "$n")"; done
	} >"$S/haproxy-db.cfg"
}

# HAProxy's own error answers in problem+json, like motcua's.
write_errorfile() {
	local code=$1 reason=$2 type=$3 vi=$4 en=$5 body
	body=$(printf '{"type":"about:blank#%s","title":"%s","title_en":"%s","status":%d}' "$type" "$vi" "$en" "$code")
	printf 'HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s' \
		"$code" "$reason" "$(printf '%s' "$body" | wc -c)" "$body" >"$S/error-$code.http"
}

write_haproxy_front() {
	local n
	write_errorfile 503 "Service Unavailable" no_server_ready \
		"Hệ thống tạm thời không phục vụ được, vui lòng thử lại sau ít phút" \
		"The service is briefly unavailable, try again shortly"
	write_errorfile 502 "Bad Gateway" server_lost \
		"Máy chủ xử lý bị gián đoạn, vui lòng thử lại" "The server handling the request stopped, try again"
	write_errorfile 504 "Gateway Timeout" server_timeout \
		"Máy chủ xử lý không trả lời kịp, vui lòng thử lại" "The server did not answer in time, try again"
	{
		cat <<EOF
# written by scripts/cluster.sh: the HTTP front over the motcua servers
global
  maxconn 2000
  stats socket $S/haproxy-front.sock mode 600 level admin
defaults
  mode http
  log global
  option http-keep-alive
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  timeout check 1s
  # a connection refused by a server that just died is tried on another
  retries 2
  option redispatch 1
  errorfile 502 $S/error-502.http
  errorfile 503 $S/error-503.http
  errorfile 504 $S/error-504.http
listen stats
  bind 127.0.0.1:$front_stats_port
  stats enable
  stats uri /
frontend motcua
  bind 127.0.0.1:$front_port
  option forwardfor
  default_backend motcua_servers
backend motcua_servers
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1
EOF
		for n in 1 2 3; do echo "  server m$n 127.0.0.1:$(srv_port "$n") check"; done
	} >"$S/haproxy-front.cfg"
}

# ---------- the parts ----------

start_etcd() {
	mkdir -p "$S/etcd"
	[[ -z "$run_user" ]] || chown -R "$run_user": "$S/etcd"
	chmod 700 "$S/etcd"
	: >"$S/logs/etcd.log"
	[[ -z "$run_user" ]] || chown "$run_user": "$S/logs/etcd.log"
	start_bg etcd "$S/logs/etcd.log" "${pg_side[@]}" etcd --name e1 --data-dir "$S/etcd/data" \
		--listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
		--listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
		--initial-cluster "e1=http://127.0.0.1:$etcd_peer" --initial-cluster-state new \
		--heartbeat-interval 100 --election-timeout 1000 --log-level warn
	wait_for 30 etcd etcd_ok
}
etcd_ok() { [[ "$(http_code "http://127.0.0.1:$etcd_port/health")" == 200 ]]; }

start_patroni() {
	local n=$1
	write_patroni "$n"
	: >"$S/logs/pg$n.log"
	if [[ -n "$run_user" ]]; then
		chown -R "$run_user": "$S/pg$n" "$S/logs/pg$n.log"
	fi
	chmod 700 "$S/pg$n"
	start_bg "pg$n" "$S/logs/pg$n.log" "${pg_side[@]}" patroni "$S/pg$n/patroni.yml"
}

start_haproxy() {
	local name=$1
	haproxy -c -q -f "$S/$name.cfg" || die "bad HAProxy configuration $S/$name.cfg"
	start_bg "$name" "$S/logs/$name.log" haproxy -db -f "$S/$name.cfg"
}

# start_server N: the binary in $S/m$N.bin (a symlink) or the default
start_server() {
	local n=$1 bin
	bin=$(readlink "$S/m$n.bin" 2>/dev/null || true)
	[[ -n "$bin" ]] || bin=$(motcua_bin)
	alive "m$n" && die "server m$n already runs"
	# MOTCUA_DB_REPLICA: reads that tolerate a little lag go to the read
	# port (a release that has no db_replica setting ignores it)
	start_bg "m$n" "$S/logs/m$n.log" env MOTCUA_DB="$db_url" MOTCUA_DB_REPLICA="$read_url" MOTCUA_LISTEN="127.0.0.1:$(srv_port "$n")" \
		MOTCUA_DATA_DIR="$S/motcua" MOTCUA_PUBLIC_URL="http://127.0.0.1:$front_port" MOTCUA_LOG_LEVEL=info \
		MOTCUA_SHUTDOWN_GRACE=10 MOTCUA_TRUST_PROXY=1 \
		"$bin" serve
	wait_for 30 "server m$n" server_ready "$n" || {
		tail -n 20 "$S/logs/m$n.log" >&2
		return 1
	}
}
server_ready() { [[ "$(http_code "http://127.0.0.1:$(srv_port "$1")/readyz")" == 200 ]]; }

# ---------- the cluster's state ----------

# "name role state lag" per member, from Patroni's REST API.
members() {
	curl -s -m 2 "http://127.0.0.1:$(rest_port "${1:-1}")/cluster" 2>/dev/null | python3 -c '
import json, sys
try:
    c = json.load(sys.stdin)
except Exception:
    sys.exit(0)
for m in c.get("members", []):
    print(m.get("name"), m.get("role"), m.get("state"), m.get("lag", 0))
' || true
}

leader() {
	local n
	for n in 1 2 3; do
		[[ "$(http_code "http://127.0.0.1:$(rest_port "$n")/primary")" == 200 ]] && {
			echo "pg$n"
			return 0
		}
	done
	return 1
}

# A leader whose two replicas stream, one of them synchronous, and Patroni
# knowing which one (only it may be promoted).
db_healthy() {
	local l m
	l=$(leader) || return 1
	[[ "$(psql_super "$(pg_port "${l#pg}")" -c "SELECT COUNT(*) FILTER (WHERE state = 'streaming') || ' ' ||
		COUNT(*) FILTER (WHERE sync_state = 'sync') FROM pg_stat_replication" 2>/dev/null)" == "2 1" ]] || return 1
	m=$(members "${l#pg}")
	[[ $(grep -c ' sync_standby running' <<<"$m") == 1 && $(grep -c ' replica running' <<<"$m") == 1 ]]
}

front_healthy() {
	local stat
	stat=$(hactl_sock "$S/haproxy-front.sock" "show stat" 2>/dev/null) || return 1
	[[ $(awk -F, '$1 == "motcua_servers" && $2 ~ /^m[0-9]$/ && $18 == "UP"' <<<"$stat" | wc -l) == 3 ]]
}

all_healthy() { db_healthy && front_healthy; }

print_addresses() {
	cat <<EOF
motcua cluster in $S
  front (HTTP, balanced)   http://127.0.0.1:$front_port        stats http://127.0.0.1:$front_stats_port/
  motcua servers           $(for n in 1 2 3; do printf 'm%d http://127.0.0.1:%d  ' "$n" "$(srv_port "$n")"; done)
  PostgreSQL, writes       $db_url
  PostgreSQL, reads        $read_url
  HAProxy (database) stats http://127.0.0.1:$db_stats_port/
  Patroni nodes            $(for n in 1 2 3; do printf 'pg%d :%d (REST :%d)  ' "$n" "$(pg_port "$n")" "$(rest_port "$n")"; done)
  etcd                     http://127.0.0.1:$etcd_port
  leader now               $(leader || echo none)
EOF
}

# ---------- commands ----------

cmd_up() {
	local bin=""
	while (($#)); do
		case "$1" in
			--bin) bin=$2; shift 2 ;;
			*) usage ;;
		esac
	done
	[[ -z "$bin" ]] || MOTCUA_BIN=$bin
	bin=$(motcua_bin)
	if [[ -e "$S/$MARKER" ]]; then
		die "a cluster's state is in $S already (scripts/cluster.sh down first)"
	fi
	if [[ "$(id -u)" == 0 ]]; then
		bash "$root/scripts/deps.sh" --install cluster
	else
		bash "$root/scripts/deps.sh" --check cluster || die "install the packages above first"
	fi
	((${#S} <= 80)) || die "the state folder's path is too long for PostgreSQL's socket: $S"
	mkdir -p "$S" "$S/pids" "$S/logs" "$S/motcua"
	touch "$S/$MARKER"
	chmod 755 "$S" "$S/logs"
	[[ -z "$run_user" ]] || runuser -u "$run_user" -- test -x "$S" ||
		die "user $run_user cannot reach $S: make its parents traversable (chmod 755)"
	for n in 1 2 3; do ln -sfn "$bin" "$S/m$n.bin"; done

	say "etcd"
	start_etcd
	say "Patroni: pg1 first (it bootstraps the cluster), then pg2 and pg3"
	start_patroni 1
	wait_for 90 "pg1 to lead" leader >/dev/null || { tail -n 30 "$S/logs/pg1.log" >&2; exit 1; }
	start_patroni 2
	start_patroni 3
	say "HAProxy for PostgreSQL"
	write_haproxy_db
	start_haproxy haproxy-db
	wait_for 120 "the replicas to stream (one synchronous)" db_healthy || {
		members >&2
		exit 1
	}
	say "the motcua role and database"
	local lp
	lp=$(pg_port "$(leader | tr -dc 0-9)")
	psql_super "$lp" -c "CREATE ROLE motcua LOGIN" -c "CREATE DATABASE motcua OWNER motcua" >/dev/null
	wait_for 30 "the write port" bash -c "psql -X -qAt -h 127.0.0.1 -p $write_port -U motcua -d motcua -c 'SELECT 1' >/dev/null 2>&1"
	say "migrate and seed (once, on the write port)"
	MOTCUA_DB="$db_url" MOTCUA_DATA_DIR="$S/motcua" \
		"$bin" seed >"$S/logs/seed.log" 2>&1 || {
		tail -n 20 "$S/logs/seed.log" >&2
		die "motcua seed failed"
	}
	say "3 motcua servers"
	for n in 1 2 3; do start_server "$n"; done
	say "the HTTP front"
	write_haproxy_front
	start_haproxy haproxy-front
	wait_for 60 "the front to see 3 servers" front_healthy || exit 1
	print_addresses
}

cmd_down() {
	[[ -e "$S" ]] || return 0
	[[ -e "$S/$MARKER" ]] || die "$S was not made by cluster.sh up; not touching it"
	local n
	stop_proc haproxy-front
	for n in 1 2 3; do stop_proc "m$n"; done
	stop_proc haproxy-db
	# Patroni stops its PostgreSQL on SIGTERM
	for n in 1 2 3; do stop_proc "pg$n"; done
	for n in 1 2 3; do
		if [[ -f "$S/pg$n/data/postmaster.pid" ]]; then
			as_pg "$PGBIN/pg_ctl" -D "$S/pg$n/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
		fi
	done
	stop_proc etcd
	rm -rf -- "$S"
	say "stopped; $S removed"
}

cmd_status() {
	echo "Patroni members (name role state lag):"
	members | sed 's/^/  /'
	echo "front (HAProxy):"
	hactl_sock "$S/haproxy-front.sock" "show stat" 2>/dev/null |
		awk -F, '$1 == "motcua_servers" && $2 ~ /^m/ { printf "  %s %s\n", $2, $18 }'
	echo "database (HAProxy):"
	hactl_sock "$S/haproxy-db.sock" "show stat" 2>/dev/null |
		awk -F, '($1 == "pg_write" || $1 == "pg_read") && $2 ~ /^pg/ { printf "  %s %s %s\n", $1, $2, $18 }'
}

kill_leader() {
	local l n pid
	l=$(leader) || die "no leader"
	n=${l#pg}
	pid=$(head -n 1 "$S/pg$n/data/postmaster.pid" 2>/dev/null) || die "no postmaster.pid for $l"
	kill -KILL "$pid"
	echo "$l"
}

cmd_server() {
	local what=${1:-} n=${2:-}
	[[ "$n" =~ ^[1-3]$ ]] || usage
	shift 2
	if [[ "${1:-}" == --bin ]]; then
		[[ -x "${2:-}" ]] || die "no binary ${2:-}"
		ln -sfn "$(cd "$(dirname "$2")" && echo "$PWD/$(basename "$2")")" "$S/m$n.bin"
	fi
	case "$what" in
		start) start_server "$n" ;;
		stop) stop_proc "m$n" TERM ;;
		kill)
			alive "m$n" || die "m$n does not run"
			kill -KILL "$(cat "$(pidfile "m$n")")"
			rm -f "$(pidfile "m$n")"
			;;
		drain) hactl_sock "$S/haproxy-front.sock" "set server motcua_servers/m$n state drain" ;;
		ready) hactl_sock "$S/haproxy-front.sock" "set server motcua_servers/m$n state ready" ;;
		*) usage ;;
	esac
}

# The demo clerks (one per reception point) log in once; their tokens are
# kept for the tests (a session lasts 12 h, 30 min idle).
cmd_tokens() {
	local f=$S/clerks cl user counter id out token
	if [[ -s "$f" ]]; then
		cat "$f"
		return
	fi
	local clerks=(tiepnhan:Q-TT-01 tiepnhan.cn1:Q-CN1-01 tiepnhan.cn2:Q-CN2-01 tiepnhan.cn3:Q-CN3-01
		tiepnhan.cn4:Q-CN4-01 tiepnhan.cn5:Q-CN5-01)
	: >"$f.tmp"
	for cl in "${clerks[@]}"; do
		user=${cl%%:*} counter=${cl#*:}
		id=$(psql_w -At -c "SELECT id FROM counters WHERE code = '$counter'")
		[[ -n "$id" ]] || die "no counter $counter"
		out=$(curl -sS -f -H 'Content-Type: application/json' \
			-d "{\"username\":\"$user\",\"password\":\"motcua2026\",\"token\":true}" \
			"http://127.0.0.1:$front_port/api/v1/auth/login") || die "login as $user failed"
		token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$out")
		[[ -n "$token" ]] || die "no token for $user"
		echo "$token $id" >>"$f.tmp"
	done
	chmod 600 "$f.tmp"
	mv "$f.tmp" "$f"
	cat "$f"
}

(($# >= 1)) || usage
cmd=$1
shift
case "$cmd" in
	up) cmd_up "$@" ;;
	down) cmd_down ;;
	status) cmd_status ;;
	addresses) print_addresses ;;
	leader) leader ;;
	kill-leader) kill_leader ;;
	wait-healthy) wait_for "${1:-120}" "a healthy cluster" all_healthy ;;
	server) cmd_server "$@" ;;
	migrate)
		[[ "${1:-}" != --bin ]] || MOTCUA_BIN=$2
		MOTCUA_DB="$db_url" "$(motcua_bin)" migrate
		;;
	psql) psql_w "$@" ;;
	hactl) hactl_sock "$S/haproxy-front.sock" "$*" ;;
	tokens) cmd_tokens ;;
	db-url) echo "$db_url" ;;
	front-url) echo "http://127.0.0.1:$front_port" ;;
	*) usage ;;
esac

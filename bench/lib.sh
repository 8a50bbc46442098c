# shellcheck shell=bash
# bench/lib.sh - helpers shared by bench/run.sh, bench/dossiers.sh and
# bench/documents.sh (sourced, not run).

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

# Send a signal to one of our children and wait (10 s at most) for it.
stop_child() {
	local pid=$1 sig=$2 i
	kill "-$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

# Print the end of a log file to stderr (diagnosis before dying).
show_log() {
	[[ -s "$1" ]] || return 0
	echo "--- last lines of $1:" >&2
	tail -n 20 "$1" >&2
}

# VmRSS (or another /proc status field) of a process, in KiB (0 if gone).
proc_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# CPU time (user + system, clock ticks) a process has used so far; 0 if
# gone.  The fields are read after the command name, which may hold spaces.
proc_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0; }

kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# A wrk latency ("812.34us", "1.20ms", "2.5s") in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000
		else if (u == "m") n *= 60000; else if (u == "h") n *= 3600000
		printf "%.2f", n }'
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else printf "-" }'; }
verdict() { if [[ "$1" == 1 ]]; then echo met; else echo "NOT met"; fi; }

# ---- a motcua server of the bench: the caller sets motcua (the binary)
# and reads server_pid and url ----
# shellcheck disable=SC2154 # motcua: set by the script that sources this

# sql KIND DB QUERY: one value from SQLite (file) or PostgreSQL (URL).
sql() {
	if [[ "$1" == pg ]]; then psql -qAtX -d "$2" -c "$3"; else sqlite3 "$2" "$3"; fi
}

# start_server DB LOG [ENV...]: sets server_pid and url.
start_server() {
	local db=$1 log=$2
	shift 2
	: >"$log" # the log exists before the server opens it: the loop below reads it at once
	env MOTCUA_DB="$db" MOTCUA_LISTEN=127.0.0.1:0 MOTCUA_LOG_LEVEL=info MOTCUA_SHUTDOWN_GRACE=5 "$@" \
		"$motcua" serve 2>"$log" &
	server_pid=$!
	local port= i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$server_pid" 2>/dev/null || break
		port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$log" | head -n 1)
		[[ -n "$port" ]] && break
		sleep 0.1
	done
	[[ -n "$port" ]] || {
		show_log "$log"
		die "motcua serve did not start"
	}
	url="http://127.0.0.1:$port"
	for ((i = 0; i < 50; i++)); do
		curl -sS -f -o /dev/null "$url/healthz" 2>/dev/null && return 0
		sleep 0.1
	done
	die "$url/healthz does not answer"
}

stop_server() {
	stop_child "$server_pid" TERM
	server_pid=
}

login() {
	local out
	out=$(curl -sS -f -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"motcua2026\",\"token\":true}" "$url/api/v1/auth/login") ||
		die "login as $1 failed"
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$out"
}

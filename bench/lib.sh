# bench/lib.sh - helpers shared by bench/run.sh and bench/dossiers.sh
# (sourced, not run).

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

#!/usr/bin/env bash
# tests/cluster/failover.sh - failover under load, on the cluster of
# scripts/cluster.sh (which must be up).
#
# Usage: tests/cluster/failover.sh db|server [RUNS]
#
#   db      while 6 clerks submit dossiers through the front, kill -9 the
#           PostgreSQL leader's postmaster; Patroni promotes the synchronous
#           replica, motcua reconnects.  Then the old leader comes back as a
#           replica (pg_rewind) before the next run.
#   server  the same load; kill -9 one motcua server (m1, m2, m3 in turn);
#           HAProxy drops it; it is started again after the run.
#
# Each run prints the seconds without a successful write, the failed
# requests by kind and the check that every acknowledged dossier code is in
# the database (read on the write port, i.e. on the new leader); after the
# runs, min / median / max.  Exits 1 when a check fails: an acknowledged
# dossier missing, an answer that is neither a success nor a problem+json
# error, or a cluster that does not heal.
#
# Environment: MOTCUA_CLUSTER_DIR, MOTCUA_CLUSTER_PORT (as cluster.sh);
#   LOAD_BEFORE (s of load before the kill, 5), LOAD_AFTER (s of load once
#   writes succeed again, 5), LOAD_PAUSE_MS (each clerk's pause between
#   dossiers, 20).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cluster() { bash "$root/scripts/cluster.sh" "$@"; }
S=${MOTCUA_CLUSTER_DIR:-/tmp/motcua-cluster}
before=${LOAD_BEFORE:-5}
after=${LOAD_AFTER:-5}
pause=${LOAD_PAUSE_MS:-20}

what=${1:-}
runs=${2:-1}
[[ "$what" == db || "$what" == server ]] || {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}
[[ -e "$S/.motcua-cluster" ]] || { echo "failover.sh: no cluster in $S (scripts/cluster.sh up)" >&2; exit 1; }

now() { date +%s.%N; }
front=$(cluster front-url)
cluster tokens >/dev/null
failed=0
gaps=()
summary=$S/results-$what.txt
: >"$summary"

# Successful answers in the attempts log to requests sent after epoch
# second $1.
successes_after() {
	awk -F'\t' -v t="$1" '$1 >= t && $5 >= 200 && $5 < 300 { n++ } END { print n + 0 }' "$2/attempts.tsv"
}

for ((run = 1; run <= runs; run++)); do
	echo "=== $what failover, run $run of $runs ==="
	cluster wait-healthy 180 || { echo "failover.sh: the cluster is not healthy" >&2; exit 1; }
	out=$S/run-$what-$run
	rm -rf "$out"
	mkdir -p "$out"
	start_ms=$(($(date +%s%3N) - 1000))
	python3 "$here/load.py" run --url "$front" --clerks "$S/clerks" --out "$out" --pause-ms "$pause" &
	load=$!
	sleep "$before"
	if [[ "$what" == db ]]; then
		old=$(cluster kill-leader)
		victim="PostgreSQL leader $old (kill -9 of its postmaster)"
	else
		n=$(((run - 1) % 3 + 1))
		cluster server kill "$n"
		victim="motcua server m$n (kill -9)"
	fi
	# the event's time: just after the kill (the requests answered before
	# it do not count as answered after it)
	t=$(now)
	echo "killed $victim at $(date -u -d "@${t%.*}" +%T) UTC"
	# writes succeed again (requests sent after the kill): then a few more
	# seconds of load
	for ((i = 0; i < 600; i++)); do
		(($(successes_after "$t" "$out") > 5)) && break
		sleep 0.1
	done
	sleep "$after"
	kill -TERM "$load"
	wait "$load" || true
	if [[ "$what" == db ]]; then
		echo "new leader: $(cluster leader || echo none)"
	fi
	cluster psql -At -c "SELECT code FROM dossiers WHERE created_at >= $start_ms" >"$out/stored.txt"
	rc=0
	python3 "$here/load.py" report --out "$out" --event "${t}" --label "$victim" --codes "$out/stored.txt" \
		>"$out/report.txt" || rc=$?
	sed 's/^/  /' "$out/report.txt"
	gap=$(sed -n 's/^seconds_without_writes=//p' "$out/report.txt")
	gaps+=("$gap")
	{
		echo "run=$run"
		cat "$out/report.txt"
	} >>"$summary"
	if ((rc)); then
		echo "FAILED: run $run (see $out)"
		failed=1
	fi
	# heal before the next run
	if [[ "$what" == server ]]; then
		cluster server start "$n"
	fi
done

read -r mn md mx < <(printf '%s\n' "${gaps[@]}" | sort -g | awk '{ a[NR] = $1 } END {
	printf "%s %s %s\n", a[1], (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[NR] }')
echo "=== $what failover: $runs run(s); seconds without successful writes: min $mn, median $md, max $mx"
echo "seconds_without_writes min=$mn median=$md max=$mx" >>"$summary"
if ((failed)); then
	echo "=== $what failover: FAILED"
	exit 1
fi
cluster wait-healthy 180 >/dev/null || { echo "failover.sh: the cluster did not heal" >&2; exit 1; }
echo "=== $what failover: passed (every acknowledged dossier is stored)"

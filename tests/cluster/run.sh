#!/usr/bin/env bash
# tests/cluster/run.sh - `make cluster-test`: the cluster scenarios, slow
# (a few minutes), not part of `make test`.
#
# Usage: tests/cluster/run.sh [BUILD_DIR]      (default BUILD_DIR: build)
#
#   1. builds the OLD motcua (the tree before the newest PostgreSQL
#      migration was added, or MOTCUA_OLD_REV; kept in
#      ${TMPDIR:-/tmp}/motcua-old-REV for the next run), unless
#      MOTCUA_OLD_BIN names one;
#   2. scripts/cluster.sh up --bin OLD;
#   3. tests/cluster/rolling.sh BUILD_DIR/motcua: migrate and replace the
#      servers one at a time under load (0 failed requests expected);
#   4. tests/cluster/failover.sh db CLUSTER_RUNS (default 3): kill -9 the
#      PostgreSQL leader under load;
#   5. tests/cluster/failover.sh server CLUSTER_RUNS: kill -9 a server;
#   6. scripts/cluster.sh down (also on failure, unless CLUSTER_KEEP=1).
# Prints the figures; exits 1 when a scenario fails.  Needs root the first
# time (it installs the "cluster" group of scripts/deps.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-build}
[[ -x "$build/motcua" ]] || { echo "run.sh: no $build/motcua (make build)" >&2; exit 1; }
new=$(cd "$build" && echo "$PWD/motcua")
runs=${CLUSTER_RUNS:-3}
S=${MOTCUA_CLUSTER_DIR:-/tmp/motcua-cluster}
export MOTCUA_CLUSTER_DIR=$S

if [[ "$(id -u)" == 0 ]]; then
	bash "$root/scripts/deps.sh" --install cluster
fi

old=${MOTCUA_OLD_BIN:-}
if [[ -z "$old" ]]; then
	rev=${MOTCUA_OLD_REV:-}
	if [[ -z "$rev" ]]; then
		added=$(git -C "$root" log -1 --format=%H --diff-filter=A -- db/migrations/postgresql/)
		rev=$(git -C "$root" rev-parse "$added^")
	fi
	rev=$(git -C "$root" rev-parse "$rev")
	odir=${TMPDIR:-/tmp}/motcua-old-${rev:0:12}
	if [[ ! -x "$odir/build/motcua" ]]; then
		echo "=== building the old motcua ($rev) in $odir"
		rm -rf "$odir"
		mkdir -p "$odir/src"
		git -C "$root" archive "$rev" | tar -x -C "$odir/src"
		cmake -S "$odir/src" -B "$odir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
		cmake --build "$odir/build" -j "${JOBS:-2}" --target motcua >"$odir/build.log" 2>&1 || {
			tail -n 30 "$odir/build.log" >&2
			exit 1
		}
	fi
	old=$odir/build/motcua
fi

cleanup() {
	if [[ "${CLUSTER_KEEP:-0}" != 1 ]]; then
		bash "$root/scripts/cluster.sh" down || true
	fi
}
trap cleanup EXIT

t0=$(date +%s)
bash "$root/scripts/cluster.sh" up --bin "$old"
rc=0
bash "$here/rolling.sh" "$new" || rc=1
bash "$here/failover.sh" db "$runs" || rc=1
bash "$here/failover.sh" server "$runs" || rc=1

echo
echo "=== cluster-test on $(nproc) cores ($(uname -m)), $(date -u +%F): $(($(date +%s) - t0)) s"
for f in rolling db server; do
	[[ -f "$S/results-$f.txt" ]] || continue
	echo "--- $f"
	grep -E '^(run|label|attempts|acknowledged|failed_attempts|seconds_without_writes|failed_kind|acknowledged_missing|stored_not_acknowledged)=|^seconds_without_writes min' \
		"$S/results-$f.txt" | sed 's/^/  /'
done
if ((rc)); then
	echo "cluster-test: FAILED"
	exit 1
fi
echo "cluster-test: passed"

#!/usr/bin/env bash
# scripts/test.sh BUILD_DIR [BUILD_DIR...] - run ctest in each build folder,
# against SQLite and PostgreSQL.  When MOTCUA_TEST_PG is not set, a throwaway
# PostgreSQL cluster is started for the run (scripts/pgtmp.sh) and removed
# afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ $# -ge 1 ] || { echo "usage: scripts/test.sh BUILD_DIR..." >&2; exit 2; }

pgdir=""
cleanup() { if [ -n "$pgdir" ]; then bash scripts/pgtmp.sh stop "$pgdir" || true; fi; }
trap cleanup EXIT

if [ -z "${MOTCUA_TEST_PG:-}" ]; then
  pgdir=$(mktemp -d /tmp/motcua-pg.XXXXXX)
  chmod 755 "$pgdir"
  MOTCUA_TEST_PG=$(bash scripts/pgtmp.sh start "$pgdir" | tail -n 1)
fi
export MOTCUA_TEST_PG
echo "== PostgreSQL for the tests: ${MOTCUA_TEST_PG}"

# argon2id at test strength: the same code, cheaper parameters.
export MOTCUA_ARGON2_OPS=1 MOTCUA_ARGON2_MEM_KIB=8192
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
for b in "$@"; do
  echo "== ctest in $b"
  ctest --test-dir "$b" --output-on-failure -j "$(nproc)" || status=1
done
exit $status

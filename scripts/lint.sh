#!/usr/bin/env bash
# scripts/lint.sh [format|cppcheck|systemd|all] [REPO_DIR] - the checks a
# change must pass besides its tests (make test runs them, as lint.format,
# lint.cppcheck and lint.systemd):
#
#   format    every C file under src/, tests/ and bench/ is as clang-format
#             (.clang-format) writes it (`make format` rewrites them so), and
#             every .c file in src/ includes banned.h last.
#   cppcheck  cppcheck finds nothing in src/ (warnings, style, performance,
#             portability).  A finding that is wrong is silenced on its line
#             with a `// cppcheck-suppress id` comment saying why.
#   systemd   deploy/motcua.service as `systemd-analyze verify` reads it, and
#             its exposure (`systemd-analyze security --offline`) no worse
#             than SYSTEMD_EXPOSURE tenths (20: 2.0, "OK"; it is 1.2 on
#             systemd 252); skipped with a message when systemd-analyze is
#             not installed (it comes with systemd).
#
# Exits 0 when clean, 1 listing the findings, 2 when a tool is missing.
set -euo pipefail

what=${1:-all}
repo=${2:-"$(dirname "${BASH_SOURCE[0]}")/.."}
cd "$repo"

need() { command -v "$1" >/dev/null || { echo "lint: $1 is missing (bash scripts/deps.sh --install test)" >&2; exit 2; }; }

c_files() { git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c' 'bench/*.h' 2>/dev/null ||
  find src tests bench -name '*.[ch]' -not -path '*/node_modules/*'; }

check_format() {
  need clang-format
  local out
  # one run for all the files; each difference is reported as file:line:col
  out=$(c_files | xargs clang-format --dry-run -Werror 2>&1) && return 0
  printf '%s\n' "$out" | grep -oE '^[^:]+\.[ch]:' | sort -u | sed -E 's/:$//; s/^/lint: /; s/$/ differs from .clang-format (make format rewrites it)/'
  return 1
}

# Every .c file in src/ includes banned.h last (after the system headers,
# whose own macros it must not touch).
check_banned() {
  local bad=0 f last
  for f in $(git ls-files 'src/*.c' 2>/dev/null || find src -name '*.c'); do
    last=$(grep -E '^#include' "$f" | tail -1)
    [[ $last == *'banned.h"' ]] || { echo "lint: $f does not include banned.h last"; bad=1; }
  done
  return $bad
}

check_cppcheck() {
  need cppcheck
  local out
  out=$(cppcheck --quiet --std=c11 --enable=warning,style,performance,portability --inline-suppr -j "$(nproc)" \
    --library=scripts/cppcheck/jansson.cfg -I src/core -I src --error-exitcode=1 src 2>&1) && return 0
  printf '%s\n' "$out"
  return 1
}

SYSTEMD_EXPOSURE=${SYSTEMD_EXPOSURE:-20}
check_systemd() {
  if ! command -v systemd-analyze >/dev/null; then
    echo "lint: systemd-analyze is not installed: deploy/motcua.service not checked"
    return 0
  fi
  local tmp out rc=0
  tmp=$(mktemp -d)
  # verify wants the programs the unit runs to exist: the binary is not
  # installed here, so the copy checked runs /bin/true instead
  sed 's|/usr/local/bin/motcua|/bin/true|g' deploy/motcua.service >"$tmp/motcua.service"
  if ! out=$(systemd-analyze verify "$tmp/motcua.service" 2>&1) || [[ -n "$out" ]]; then
    printf '%s\n' "$out" | sed "s|$tmp/|deploy/|g; s/^/lint: /"
    rc=1
  fi
  if ! out=$(systemd-analyze security --offline=yes --threshold="$SYSTEMD_EXPOSURE" --no-pager \
    "$tmp/motcua.service" 2>&1); then
    { printf '%s\n' "$out" | grep -E 'Overall|✗|Failed' || printf '%s\n' "$out"; } | sed 's/^/lint: deploy\/motcua.service: /'
    echo "lint: deploy/motcua.service: exposure above $SYSTEMD_EXPOSURE tenths (systemd-analyze security --offline=yes)"
    rc=1
  fi
  rm -rf -- "$tmp"
  return $rc
}

case $what in
  format) rc=0; check_format || rc=1; check_banned || rc=1; exit $rc ;;
  cppcheck) check_cppcheck ;;
  systemd) check_systemd ;;
  all) rc=0; check_format || rc=1; check_banned || rc=1; check_cppcheck || rc=1; check_systemd || rc=1; exit $rc ;;
  *) echo "usage: scripts/lint.sh [format|cppcheck|systemd|all] [REPO_DIR]" >&2; exit 2 ;;
esac

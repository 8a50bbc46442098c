#!/usr/bin/env bash
# scripts/lint.sh [format|cppcheck|all] [REPO_DIR] - the checks a change must
# pass besides its tests (make test runs both, as lint.format and
# lint.cppcheck):
#
#   format    every C file under src/, tests/ and bench/ is as clang-format
#             (.clang-format) writes it (`make format` rewrites them so), and
#             every .c file in src/ includes banned.h last.
#   cppcheck  cppcheck finds nothing in src/ (warnings, style, performance,
#             portability).  A finding that is wrong is silenced on its line
#             with a `// cppcheck-suppress id` comment saying why.
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

case $what in
  format) rc=0; check_format || rc=1; check_banned || rc=1; exit $rc ;;
  cppcheck) check_cppcheck ;;
  all) rc=0; check_format || rc=1; check_banned || rc=1; check_cppcheck || rc=1; exit $rc ;;
  *) echo "usage: scripts/lint.sh [format|cppcheck|all] [REPO_DIR]" >&2; exit 2 ;;
esac

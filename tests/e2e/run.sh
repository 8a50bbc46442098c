#!/usr/bin/env bash
# tests/e2e/run.sh NAME.test.mjs - one browser test file under node's test
# runner (ctest runs this once per back-end, MC_TEST_BACKEND=sqlite|pg).
# Fails with the fix when a tool is missing: `make test` installs them all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v node >/dev/null || { echo "node is missing: run 'scripts/deps.sh --install test' as root" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "chromium is missing: run 'scripts/deps.sh --install test' as root" >&2; exit 1; }
[ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] ||
  { echo "tests/e2e/node_modules is missing: run 'make e2e-deps' (npm ci)" >&2; exit 1; }
exec node --test --test-reporter=spec "$1"

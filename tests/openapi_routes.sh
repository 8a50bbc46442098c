#!/usr/bin/env bash
# tests/openapi_routes.sh [REPO_DIR] - docs/openapi.yaml must document every
# route of the route tables in src/api/*.c, and nothing else.
#
# A route is a line like {"GET", "/api/v1/users/{id}", handler, ...}.  In the
# spec, a path is a key indented two spaces under "paths:" and an operation
# a "get:"/"post:"/... key indented four spaces under it.
# Exits 0 when both lists agree; 1 listing what is missing or extra; 2 when
# a list comes out empty (the parsing no longer fits the sources).
set -euo pipefail

repo=${1:-"$(dirname "${BASH_SOURCE[0]}")/.."}
spec=$repo/docs/openapi.yaml
[[ -f "$spec" ]] || { echo "openapi_routes: no $spec" >&2; exit 2; }
compgen -G "$repo/src/api/*.c" >/dev/null || { echo "openapi_routes: no $repo/src/api/*.c" >&2; exit 2; }

methods='GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS'

code_routes=$(grep -hoE "\{\"($methods)\", *\"/[^\"]*\"" "$repo"/src/api/*.c |
  sed -E 's/^\{"([A-Z]+)", *"([^"]*)"$/\1 \2/' | sort -u || true)

spec_routes=$(awk '
  /^paths:[[:space:]]*$/ { inpaths = 1; next }
  inpaths && /^[^[:space:]#]/ { inpaths = 0 }
  !inpaths { next }
  /^  \/[^[:space:]]*:[[:space:]]*$/ {
    path = $1; sub(/:$/, "", path); gsub(/^["\047]|["\047]$/, "", path); next
  }
  /^    (get|put|post|delete|options|head|patch|trace):[[:space:]]*$/ {
    m = $1; sub(/:$/, "", m); print toupper(m), path
  }
' "$spec" | sort -u)

[[ -n "$code_routes" ]] || { echo "openapi_routes: found no routes in src/api/*.c" >&2; exit 2; }
[[ -n "$spec_routes" ]] || { echo "openapi_routes: found no operations in $spec" >&2; exit 2; }

missing=$(comm -23 <(echo "$code_routes") <(echo "$spec_routes"))
extra=$(comm -13 <(echo "$code_routes") <(echo "$spec_routes"))

status=0
if [[ -n "$missing" ]]; then
  echo "routes in src/api/*.c missing from docs/openapi.yaml:"
  sed 's/^/  /' <<<"$missing"
  status=1
fi
if [[ -n "$extra" ]]; then
  echo "operations in docs/openapi.yaml that no route table has:"
  sed 's/^/  /' <<<"$extra"
  status=1
fi
if ((status == 0)); then
  echo "openapi_routes: all $(wc -l <<<"$code_routes") routes are documented"
fi
exit $status

#!/usr/bin/env bash
# scripts/deps.sh - the ONE list of Debian packages motcua needs.
#
# Usage: scripts/deps.sh [--check|--install] [group]
#
#   groups (cumulative):
#     build    compiler, cmake and the -dev libraries
#     test     build + cmocka, clang-format, cppcheck, PostgreSQL server, sqlite3 CLI, curl,
#              PDF/XLSX/QR checkers (poppler-utils, unzip, zbar-tools),
#              chromium, nodejs and npm for the browser tests
#     bench    test + wrk + nginx-light (reference server)   [default]
#     all      the same as bench
#     cluster  build + Patroni, etcd, HAProxy and PostgreSQL 15 for
#              scripts/cluster.sh (not part of all: only `make cluster-test`)
#
#   --install  (default) install what is missing when run as root; when not
#              root, print the exact apt-get line to run and exit 1.
#   --check    only report what is missing (exit 1 if anything is).
#
# Exits 0 silently when nothing is missing.
set -euo pipefail

# name:group  -- one entry per package, with why we need it.
PACKAGES=(
  build-essential:build       # gcc, make, libc headers
  cmake:build                 # build system
  pkg-config:build            # locate the -dev libraries below
  ca-certificates:build       # TLS roots for apt/curl/npm over https
  libmicrohttpd-dev:build     # embedded HTTP server
  libjansson-dev:build        # JSON encode/decode
  libsqlite3-dev:build        # SQLite storage backend
  libpq-dev:build             # PostgreSQL storage backend (client lib)
  libsodium-dev:build         # password hashing, tokens, signatures
  libssl-dev:build            # TLS / hashes (OpenSSL)
  libutf8proc-dev:build       # Unicode normalisation of Vietnamese text
  libcairo2-dev:build         # PDF surface for the printable forms (src/render)
  libpango1.0-dev:build       # text layout: shapes Vietnamese diacritics, wraps lines
  libqrencode-dev:build       # QR codes (tracking link on form 01, payments)
  libxlsxwriter-dev:build     # Excel reports (register book, statistics)
  libqpdf-dev:build           # reads uploaded PDFs to refuse active content (JavaScript, launch, embedded files)
  libxml2-dev:build           # edXML packages (QCVN 102:2016) between agencies
  libxmlsec1-dev:build        # their XML signatures (xmlsec1 over OpenSSL)
  libcurl4-openssl-dev:build  # HTTP client: edXML packages to other agencies (and the HTTP tests)
  libical-dev:build           # iCalendar (RFC 5545): the work calendars' feeds that calendar clients subscribe to
  zlib1g-dev:build            # gzip: the stored tracking answers, sent as they are to clients that accept gzip
  libjpeg62-turbo-dev:build   # feedback photos: JPEGs decoded and encoded again (libjpeg-turbo), metadata dropped
  libpng-dev:build            # feedback photos: PNGs decoded and encoded again
  libexif-dev:build           # feedback photos: the EXIF GPS point, kept alone only with the author's consent
  fonts-dejavu-core:build     # DejaVu Sans/Serif: full Vietnamese coverage for the PDFs
  fonts-liberation2:build     # Liberation Serif: Times New Roman's metrics, as Decree 30 asks of documents
  sqlite3:test                # sqlite3 CLI to inspect/seed test databases
  postgresql:test             # server binaries for scripts/pgtmp.sh clusters
  curl:test                   # HTTP smoke tests from shell
  libcmocka-dev:test          # unit test framework (linked by test binaries)
  clang-format:test           # scripts/lint.sh: the code as .clang-format writes it
  cppcheck:test               # scripts/lint.sh: static analysis of src/
  poppler-utils:test          # pdftotext/pdftoppm: check the rendered PDFs
  unzip:test                  # unzip -p: read the sheet XML inside rendered .xlsx
  python3-aiosmtpd:test       # a real SMTP server on loopback: the notification tests read what was delivered
  zbar-tools:test             # zbarimg: decode the QR code printed on form 01
  xmlsec1:test                # xmlsec1 --verify: check the edXML packages' signatures as an outside party
  libxml2-utils:test          # xmllint: check the edXML packages' shape
  wrk:bench                   # HTTP load generator
  nginx-light:bench           # reference static server for bench baselines
  chromium:test               # headless browser for the browser tests (tests/e2e)
  nodejs:test                 # runs the browser tests (node --test + playwright-core)
  npm:test                    # installs playwright-core and axe-core (tests/e2e/package-lock.json)
  patroni:cluster             # scripts/cluster.sh: keeps one PostgreSQL leader, fails over to the synchronous replica
  etcd-server:cluster         # the consensus store Patroni keeps its leader key in
  etcd-client:cluster         # etcdctl, to look at it
  haproxy:cluster             # write/read ports over Patroni's health checks, and the HTTP front over the servers
  postgresql-15:cluster       # the database nodes (Debian's /usr/lib/postgresql/15/bin)
  curl:cluster                # health checks and logins from the scripts
  python3:cluster             # the load generator (tests/cluster/load.py) and HAProxy's stats socket
)

die() { printf 'deps.sh: %s\n' "$*" >&2; exit 2; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
  exit 2
}

mode=install
group=bench
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --install) mode=install ;;
    -h|--help) usage ;;
    build|test|bench|all|cluster) group=$arg ;;
    *) die "unknown argument '$arg' (try --help)" ;;
  esac
done

# Which package groups make up the requested group.
case "$group" in
  build) wanted_groups=(build) ;;
  test) wanted_groups=(build test) ;;
  bench) wanted_groups=(build test bench) ;;
  all) wanted_groups=(build test bench) ;;
  cluster) wanted_groups=(build cluster) ;;
esac

# Virtual package names provided by installed packages, one per line
# (e.g. NodeSource's nodejs provides and conflicts with Debian's npm).
provided=$(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null |
  awk -F'|' '$1 ~ /^ii/ && $2 != "" {
      n = split($2, p, /, */)
      for (i = 1; i <= n; i++) { sub(/ .*/, "", p[i]); print p[i] }
    }' | sort -u)

is_installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] && return 0
  grep -qxF -- "$1" <<<"$provided"
}

missing=()
for entry in "${PACKAGES[@]}"; do
  pkg=${entry%%:*}
  pkg_group=${entry#*:}
  for g in "${wanted_groups[@]}"; do
    if [[ "$g" == "$pkg_group" ]]; then
      is_installed "$pkg" || missing+=("$pkg")
      break
    fi
  done
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ "$mode" == check ]]; then
  printf 'motcua (%s) is missing these Debian packages: %s\n' \
    "$group" "${missing[*]}" >&2
  exit 1
fi

if [[ "$(id -u)" != 0 ]]; then
  printf 'motcua needs these Debian packages: %s\n' "${missing[*]}" >&2
  printf 'sudo apt-get install -y %s\n' "${missing[*]}" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}"

# Tests run their own throwaway clusters (scripts/pgtmp.sh): make sure the
# postgresql package does not create and start the Debian "main" cluster.
# This is the documented postgresql-common knob and must exist before install.
for pkg in "${missing[@]}"; do
  if [[ "$pkg" == postgresql || "$pkg" == postgresql-15 ]]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    printf '# written by motcua scripts/deps.sh: tests use their own clusters\ncreate_main_cluster = false\n' \
      >/etc/postgresql-common/createcluster.d/50-motcua-no-main.conf
  fi
done

# Do not let package scripts start services (postgresql, nginx) during the
# install; nothing in motcua relies on the system services. Only add a
# policy-rc.d if the machine has none, and remove it afterwards.
policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\n# temporary, from motcua scripts/deps.sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive

# Refresh the package lists at most once: skip it when they were fetched in
# the last hour, unless the install then fails (e.g. a stale or partial list).
updated=no
if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 -print -quit 2>/dev/null)" ]]; then
  apt-get update -q
  updated=yes
fi

apt_install() { apt-get install -y -q --no-install-recommends "${missing[@]}"; }

if ! apt_install; then
  [[ "$updated" == yes ]] && exit 1
  apt-get update -q
  apt_install
fi

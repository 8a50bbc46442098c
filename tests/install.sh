#!/usr/bin/env bash
# tests/install.sh BUILD_DIR - `make install`'s rules, checked (ctest
# install.destdir): install BUILD_DIR into a temporary DESTDIR, check that
# every file is where the FHS and the systemd unit say, that the config file
# is written once and kept after, then run the installed binary with the
# installed share dir: --help, migrate, seed and serve on a temporary SQLite
# database, and fetch / and /healthz.  Exits 0 when all holds.
set -euo pipefail

build=$(cd "${1:?usage: tests/install.sh BUILD_DIR}" && pwd)
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[[ -n "$prefix" ]] || { echo "install.sh: no CMAKE_INSTALL_PREFIX in $build/CMakeCache.txt" >&2; exit 1; }

dest=$(mktemp -d /tmp/mc_install_XXXXXX)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf -- "$dest"
}
trap cleanup EXIT
fail() { echo "install.sh: $*" >&2; exit 1; }
has() { [[ -e "$dest$1" ]] || fail "missing after install: $1"; }

DESTDIR=$dest cmake --install "$build" >"$dest.log" 2>&1 || { cat "$dest.log" >&2; rm -f "$dest.log"; fail "cmake --install failed"; }
rm -f "$dest.log"

bin=$dest$prefix/bin/motcua
share=$dest$prefix/share/motcua
[[ -x "$bin" ]] || fail "no executable $prefix/bin/motcua"
has "$prefix/share/motcua/web/index.html"
has "$prefix/share/motcua/web/i18n/notify/vi.json"
has "$prefix/share/motcua/data/units/current/administrative_units.csv"
has "$prefix/share/motcua/data/calendar/2026.json"
has "$prefix/share/motcua/data/procedures/procedures.json"
has "$prefix/share/motcua/data/demo/officials.csv"
has "$prefix/share/doc/motcua/operations.md"
has "$prefix/lib/systemd/system/motcua.service"
has "$prefix/lib/sysusers.d/motcua.conf"
has "$prefix/lib/tmpfiles.d/motcua.conf"
has /etc/motcua/motcua.conf
has /etc/logrotate.d/motcua
[[ $(stat -c %a "$dest/etc/motcua/motcua.conf") == 640 ]] || fail "/etc/motcua/motcua.conf is not mode 0640"
grep -qx "ExecStart=$prefix/bin/motcua serve --config /etc/motcua/motcua.conf" "$dest$prefix/lib/systemd/system/motcua.service" ||
  fail "the installed unit does not start $prefix/bin/motcua"
grep -qx "$prefix/bin/motcua" "$build/install_manifest.txt" || fail "install_manifest.txt does not list the binary"

# the administrator's files are written once
echo "# changed by the administrator" >>"$dest/etc/motcua/motcua.conf"
DESTDIR=$dest cmake --install "$build" >/dev/null 2>&1 || fail "the second cmake --install failed"
grep -q "changed by the administrator" "$dest/etc/motcua/motcua.conf" || fail "a second install overwrote /etc/motcua/motcua.conf"
grep -q "/etc/motcua/motcua.conf" "$build/install_manifest.txt" && fail "a kept config file is listed in install_manifest.txt"

# the installed binary's built-in paths are the installed ones
"$bin" --help >"$dest/help" || fail "motcua --help failed"
grep -q "defaults: share_dir $prefix/share/motcua, data_dir /var/lib/motcua" "$dest/help" ||
  { cat "$dest/help" >&2; fail "the installed motcua's built-in paths are not $prefix/share/motcua and /var/lib/motcua"; }
grep -q "^  backup " "$dest/help" || fail "motcua --help lists no backup command"

# run it: its share dir as installed, its state in a temporary folder
export MOTCUA_SHARE_DIR=$share MOTCUA_DATA_DIR=$dest/state
export MOTCUA_ARGON2_OPS=${MOTCUA_ARGON2_OPS:-1} MOTCUA_ARGON2_MEM_KIB=${MOTCUA_ARGON2_MEM_KIB:-8192}
unset MOTCUA_DB MOTCUA_CONFIG
"$bin" migrate >"$dest/migrate.log" 2>&1 || { cat "$dest/migrate.log" >&2; fail "motcua migrate failed"; }
[[ -f "$dest/state/motcua.db" ]] || fail "migrate made no $dest/state/motcua.db"
"$bin" seed >/dev/null 2>&1 || fail "motcua seed failed (share dir $share)"
MOTCUA_LISTEN=127.0.0.1:0 MOTCUA_SNAPSHOTS=0 "$bin" serve 2>"$dest/serve.log" &
pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(grep -o '"msg":"listening".*"port":[0-9]*' "$dest/serve.log" 2>/dev/null | grep -o '[0-9]*$' || true)
  [[ -n "$port" ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$dest/serve.log" >&2; fail "motcua serve exited"; }
  sleep 0.1
done
[[ -n "$port" ]] || fail "motcua serve did not say where it listens"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
[[ $(curl -s "http://127.0.0.1:$port/healthz") == *'"ok"'* ]] || fail "/healthz did not answer ok"
curl -sf "http://127.0.0.1:$port/" -o "$dest/index.html" || fail "GET / failed"
cmp -s "$dest/index.html" "$share/web/index.html" || grep -qi "<html" "$dest/index.html" || fail "GET / is not the installed page"
kill "$pid"
wait "$pid" || fail "motcua serve did not stop cleanly"
pid=""
echo "install.sh: installed into a DESTDIR under prefix $prefix, migrated, seeded, served / and /healthz"

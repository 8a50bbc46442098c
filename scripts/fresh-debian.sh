#!/usr/bin/env bash
# scripts/fresh-debian.sh - the README's two commands on a fresh Debian 12.
#
# Usage: scripts/fresh-debian.sh [--keep] [--skip-test] [REPO [REF]]
#
# Builds a minimal Debian 12 (bookworm) root with debootstrap (minbase plus
# ca-certificates, git and make: nothing else), with the package sources of
# a default Debian 12 install (bookworm, bookworm-updates, bookworm-security),
# clones REPO (default: this checkout) at REF (default: HEAD) into it and runs,
# as root inside the root, exactly what the README says:
#
#   1. `make run`: waits until http://127.0.0.1:8080/ serves the web UI, the
#      health probe answers and the demo administrator can log in; then
#      stops the server;
#   2. `make test`: every test, both back-ends, both builds.
#
# Prints each step's outcome and duration; the logs stay in ROOT/root/*.log.
# Exits 0 only when both commands worked.  Slow (a fresh root downloads and
# installs every package): it is not part of `make test`.
#
#   --keep        keep the root afterwards (default: delete it)
#   --skip-test   only check `make run`
# Environment:
#   FRESH_ROOT    where to build the root (default: a new /var/tmp/motcua-fresh.*)
#   FRESH_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   FRESH_CACHE   a tarball of the bare root: made on the first run, reused
#                 afterwards to skip debootstrap (the root stays as fresh)
#   FRESH_PORT    the port `make run` serves on (default 8080, via MOTCUA_LISTEN)
#
# Needs root, debootstrap and curl on the host; the network is the host's
# (its resolv.conf and the local CAs in /usr/local/share/ca-certificates).
set -euo pipefail

die() { printf 'fresh-debian.sh: %s\n' "$*" >&2; exit 2; }
usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
  exit 2
}

keep=no
skip_test=no
args=()
for a in "$@"; do
  case "$a" in
    --keep) keep=yes ;;
    --skip-test) skip_test=yes ;;
    -h|--help) usage ;;
    -*) die "unknown option '$a'" ;;
    *) args+=("$a") ;;
  esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo=${args[0]:-$here}
ref=${args[1]:-HEAD}
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
port=${FRESH_PORT:-8080}

[[ "$(id -u)" == 0 ]] || die "run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
command -v curl >/dev/null || die "curl is missing: apt-get install curl"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  die "port $port is already in use on this machine (set FRESH_PORT)"
fi
commit=$(git -C "$repo" rev-parse --verify "$ref^{commit}") || die "no commit '$ref' in $repo"

root=${FRESH_ROOT:-$(mktemp -d /var/tmp/motcua-fresh.XXXXXX)}
mkdir -p "$root"
# the root's "/" as in any Debian: mktemp makes it 0700, and then no user
# but root (the PostgreSQL of the tests, say) could reach any file in it
chmod 755 "$root"
cleanup() {
  if [[ "$keep" == no ]]; then
    rm -rf --one-file-system -- "$root"
  else
    echo "fresh-debian.sh: the root is kept in $root"
  fi
}
trap cleanup EXIT

now() { date +%s; }
say() { printf '== %s\n' "$*"; }

t0=$(now)
if [[ -n "${FRESH_CACHE:-}" && -s "$FRESH_CACHE" ]]; then
  say "bare Debian 12 root from $FRESH_CACHE"
  tar -C "$root" -xpf "$FRESH_CACHE"
else
  say "debootstrap --variant=minbase --include=ca-certificates,git,make bookworm"
  debootstrap --variant=minbase --include=ca-certificates,git,make \
    bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
    { tail -n 30 "$root.debootstrap.log" >&2; die "debootstrap failed"; }
  rm -f "$root.debootstrap.log"
  # The sources of a default Debian 12 install: security updates included
  # (Debian's chromium, for one, is only current in bookworm-security).
  cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
  if [[ -n "${FRESH_CACHE:-}" ]]; then
    tar -C "$root" -cpf "$FRESH_CACHE" .
  fi
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# The host's network, not a package: a machine behind a TLS-inspecting proxy
# trusts its local CAs, and so must the root (apt, npm).
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root"
fi
say "root ready in $(($(now) - t0)) s: $root"

# The checkout, exactly as a clone of the commit (no untracked files).
git clone -q --no-local "$repo" "$root/root/motcua"
git -C "$root/root/motcua" checkout -q "$commit"
say "cloned $(git -C "$repo" log -1 --format='%h %s' "$commit")"

# Everything below runs in its own mount and PID namespaces: the mounts
# vanish and every process started inside is killed when it ends.
export root port skip_test
unshare --mount --pid --fork --propagation private bash -s <<'INNER'
set -euo pipefail
say() { printf '== %s\n' "$*"; }
now() { date +%s; }
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"

in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    MOTCUA_LISTEN="127.0.0.1:$port" \
    bash -c "cd /root/motcua && $1"
}

status=0
t=$(now)
say "make run"
setsid bash -c "$(declare -f in_root); in_root 'make run'" \
  >"$root/root/make-run.log" 2>&1 </dev/null &
run_pid=$!
url="http://127.0.0.1:$port"
served=no
for ((i = 0; i < 2400; i++)); do   # 20 minutes: the packages are installed first
  if ! kill -0 "$run_pid" 2>/dev/null; then break; fi
  if curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then served=yes; break; fi
  sleep 0.5
done
if [[ "$served" == yes ]]; then
  page=$(curl -fsS "$url/")
  login=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"username":"admin","password":"motcua2026"}' "$url/api/v1/auth/login")
  if grep -q '<html' <<<"$page" && [[ "$login" == 200 ]]; then
    say "make run: OK in $(($(now) - t)) s (/ serves the UI, /healthz 200, admin login $login)"
  else
    say "make run: FAILED (the page or the login: login answered $login)"
    status=1
  fi
else
  say "make run: FAILED, nothing served on $url; the end of its log:"
  tail -n 40 "$root/root/make-run.log"
  status=1
fi
kill -TERM -- "-$run_pid" 2>/dev/null || true
wait "$run_pid" 2>/dev/null || true

if [[ "$skip_test" == no ]]; then
  t=$(now)
  say "make test"
  if in_root 'make test' >"$root/root/make-test.log" 2>&1 </dev/null; then
    say "make test: OK in $(($(now) - t)) s"
  else
    say "make test: FAILED after $(($(now) - t)) s; the end of its log:"
    status=1
  fi
  # the summaries, and which tests failed (the log goes with the root)
  grep -E 'tests passed|tests failed|make test took|\*\*\*(Failed|Timeout|Exception)|^[[:space:]]+[0-9]+ - ' \
    "$root/root/make-test.log" || true
  [[ $status == 0 ]] || tail -n 60 "$root/root/make-test.log"
fi
exit $status
INNER

#!/usr/bin/env bash
# scripts/pgtmp.sh - a throwaway PostgreSQL cluster for tests.
#
# Usage: scripts/pgtmp.sh start DIR   init + start a cluster in DIR, create
#                                     database "motcua", print its URL
#        scripts/pgtmp.sh url DIR     print the URL of the cluster in DIR
#        scripts/pgtmp.sh stop DIR    stop the cluster and delete DIR
#
# The cluster listens on 127.0.0.1 only, on the first free port from 54329
# up, with its unix socket in DIR (nothing touches /var/run/postgresql).
# Authentication is "trust" for user "motcua"; the URL is
#   postgresql://motcua@127.0.0.1:PORT/motcua
# Durability settings are left at their defaults (fsync stays on).
#
# As root (initdb and postgres refuse root), DIR is handed to the "postgres"
# system user (or a "motcua-pg" system user made on the fly) and every
# server command runs through runuser. Every parent of DIR must then be
# traversable by that user: e.g. DIR=$(mktemp -d) && chmod 755 "$DIR".
set -euo pipefail

FIRST_PORT=54329
LAST_PORT=54428
MARKER=.motcua-pgtmp

die() { printf 'pgtmp.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
  exit 2
}

(($# == 2)) || usage
cmd=$1
[[ -n "$2" && "$2" != / ]] || die "refusing DIR '$2'"
# Absolute path, without requiring DIR to exist yet.
case "$2" in
  /*) dir=$2 ;;
  *) dir=$PWD/$2 ;;
esac
dir=${dir%/}

# Client defaults from the caller's environment must not leak into our calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGDATA PGOPTIONS

# Highest PostgreSQL major version installed under /usr/lib/postgresql.
find_bindir() {
  local v best=""
  for v in /usr/lib/postgresql/*/bin/initdb; do
    [[ -x "$v" ]] || continue
    v=${v#/usr/lib/postgresql/}
    v=${v%%/*}
    if [[ -z "$best" ]] || ((${v%%.*} > ${best%%.*})); then best=$v; fi
  done
  [[ -n "$best" ]] ||
    die "no PostgreSQL server found in /usr/lib/postgresql/*/bin (run: scripts/deps.sh --install test)"
  printf '/usr/lib/postgresql/%s/bin\n' "$best"
}

# The user the server runs as: ourselves, or a system user when root.
run_user=""
pick_user() {
  if [[ "$(id -u)" != 0 ]]; then
    run_user=""
  elif id -u postgres >/dev/null 2>&1; then
    run_user=postgres
  else
    if ! id -u motcua-pg >/dev/null 2>&1; then
      useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin motcua-pg
    fi
    run_user=motcua-pg
  fi
}

# Run a command as the server user (from inside DIR, so that a cwd such as
# /root that the user cannot read does not produce warnings).
as_pg() {
  if [[ -n "$run_user" ]]; then
    (cd "$dir" && runuser -u "$run_user" -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

is_running() {
  [[ -f "$dir/data/postmaster.pid" ]] &&
    as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# PostgreSQL string literal: double any single quote.
pg_quote() { printf "'%s'" "${1//\'/\'\'}"; }

do_url() {
  [[ -s "$dir/url" ]] || die "no cluster in $dir (run: $0 start $dir)"
  cat "$dir/url"
}

do_start() {
  bindir=$(find_bindir)
  pick_user

  if [[ -s "$dir/url" ]] && is_running; then
    cat "$dir/url"
    return
  fi
  if [[ -e "$dir/data" ]]; then
    die "$dir/data already exists but no cluster runs there (run: $0 stop $dir)"
  fi

  # The socket path DIR/.s.PGSQL.PORT must fit in sun_path (107 bytes).
  ((${#dir} <= 90)) || die "DIR is too long for a unix socket path: $dir"

  mkdir -p "$dir"
  touch "$dir/$MARKER"
  if [[ -n "$run_user" ]]; then
    chown "$run_user": "$dir"
    chmod 755 "$dir"
    runuser -u "$run_user" -- test -w "$dir" -a -x "$dir" ||
      die "user $run_user cannot reach $dir: make every parent directory traversable (chmod 755), e.g. use DIR=\$(mktemp -d) && chmod 755 \"\$DIR\""
  fi

  local locale_args=(--locale=C.UTF-8)
  if ! locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
    locale_args=(--no-locale)
  fi
  as_pg "$bindir/initdb" -D "$dir/data" --auth=trust --username=motcua \
    --encoding=UTF8 "${locale_args[@]}" >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  # Our settings go in a file included last from postgresql.conf.
  local conf=$dir/data/motcua.conf
  local port started=no
  printf "\ninclude 'motcua.conf'\n" >>"$dir/data/postgresql.conf"
  for ((port = FIRST_PORT; port <= LAST_PORT; port++)); do
    port_in_use "$port" && continue
    {
      echo "# written by scripts/pgtmp.sh"
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = $(pg_quote "$dir")"
      echo "max_connections = 200"
      echo "shared_buffers = 128MB"
    } >"$conf"
    [[ -z "$run_user" ]] || chown "$run_user": "$conf"
    # Another process may grab the port between the check and the bind:
    # then the start fails and we try the next port.
    if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start \
      >/dev/null 2>"$dir/pg_ctl.err"; then
      started=yes
      break
    fi
    if ! grep -qiE 'could not (bind|create any TCP/IP)|address already in use' "$dir/log" 2>/dev/null; then
      cat "$dir/pg_ctl.err" >&2 || true
      tail -n 20 "$dir/log" >&2 || true
      die "pg_ctl start failed (log: $dir/log)"
    fi
  done
  [[ "$started" == yes ]] || die "no free port in $FIRST_PORT..$LAST_PORT"

  as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U motcua motcua ||
    die "createdb failed (log: $dir/log)"

  echo "postgresql://motcua@127.0.0.1:$port/motcua" >"$dir/url"
  cat "$dir/url"
}

do_stop() {
  [[ -e "$dir" ]] || return 0
  [[ -d "$dir" ]] || die "$dir is not a directory"
  # Only ever delete a directory that we made (or an empty one).
  if [[ ! -e "$dir/$MARKER" && -n "$(ls -A "$dir")" ]]; then
    die "$dir was not made by pgtmp.sh start; not deleting it"
  fi
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    bindir=$(find_bindir)
    run_user=""
    if [[ "$(id -u)" == 0 ]]; then
      run_user=$(stat -c %U "$dir/data")
      [[ "$run_user" != root ]] || run_user=""
    fi
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$dir"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  url) do_url ;;
  *) usage ;;
esac

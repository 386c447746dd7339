#!/usr/bin/env bash
# Start a throwaway PostgreSQL on 127.0.0.1 for the test suite, run a command against it, stop it.
#   scripts/postgres.sh COMMAND...   (COMMAND sees KB_TEST_DATABASE_URL)
# Installs Debian's postgresql when it is missing and we are root.
set -euo pipefail
PORT="${KB_TEST_PG_PORT:-54329}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  else
    echo "PostgreSQL is not installed; skipping the PostgreSQL run" >&2
    exit 0
  fi
fi
DATA="$(mktemp -d /tmp/kb-pg-XXXXXX)"
AS=()
if [ "$(id -u)" = 0 ]; then  # the server refuses to run as root
  chown postgres "$DATA"
  AS=(runuser -u postgres --)
fi
cleanup() { "${AS[@]}" "$BIN/pg_ctl" -D "$DATA" -m immediate stop > /dev/null 2>&1 || true; rm -rf "$DATA"; }
trap cleanup EXIT
"${AS[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 > /dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start > /dev/null
export KB_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
"$@"

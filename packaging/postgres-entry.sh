#!/bin/sh
# The demo database's start: a data folder made on the first run (user and
# database `usms`, trusted on the compose network), then the server in the
# foreground (SIGTERM stops it cleanly).
set -eu
data=/var/lib/usms-postgres/data
bin=/usr/lib/postgresql/15/bin
if [ ! -s "$data/PG_VERSION" ]; then
  "$bin/initdb" -D "$data" -U usms --auth=trust --encoding=UTF8 >/dev/null
  echo "host all all 0.0.0.0/0 trust" >> "$data/pg_hba.conf"
  "$bin/pg_ctl" -D "$data" -w start >/dev/null \
    -o "-c listen_addresses='' -c unix_socket_directories=/tmp"
  "$bin/createdb" -h /tmp -U usms usms
  "$bin/pg_ctl" -D "$data" -w stop >/dev/null
fi
exec "$bin/postgres" -D "$data" -c listen_addresses='*' \
  -c unix_socket_directories=/tmp -c synchronous_commit=on

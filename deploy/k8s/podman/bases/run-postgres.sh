#!/bin/sh
# A throw-away PostgreSQL cluster in PGDATA (a tmpfs): POSTGRES_USER owns POSTGRES_DB and logs in
# with POSTGRES_PASSWORD over the network, as with the official image's entrypoint.
set -eu
: "${PGDATA:?}" "${POSTGRES_USER:?}" "${POSTGRES_DB:?}" "${POSTGRES_PASSWORD:?}"
printf '%s\n' "$POSTGRES_PASSWORD" >/tmp/pwfile
initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile=/tmp/pwfile \
  --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --no-sync >/dev/null
rm /tmp/pwfile
echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -c unix_socket_directories=/tmp" \
  --wait start >/dev/null
createdb --host=/tmp --username="$POSTGRES_USER" "$POSTGRES_DB"
pg_ctl --pgdata="$PGDATA" --wait stop >/dev/null
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"

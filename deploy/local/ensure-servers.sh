#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis run on this machine (127.0.0.1:5432 and :6379), installing them
# from Debian's packages when missing. Used by CI and by start.sh; safe to run again.
set -euo pipefail

PG_PORT=${AGENTYARD_PG_PORT:-5432}
REDIS_PORT=${AGENTYARD_REDIS_PORT:-6379}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

installed_postgres=false
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "Installing PostgreSQL..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  installed_postgres=true
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing Redis..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
fi

pg_version=$(ls /etc/postgresql | sort -V | tail -n 1)
if $installed_postgres; then
  # A fresh Debian cluster wants passwords over TCP; local development and CI use trust on loopback.
  hba=/etc/postgresql/$pg_version/main/pg_hba.conf
  as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
  echo "Starting PostgreSQL $pg_version..."
  as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start || true
elif $installed_postgres; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload
fi
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "Starting Redis..."
  mkdir -p /tmp/agentyard-redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp/agentyard-redis --logfile /tmp/agentyard-redis/redis.log
fi

for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "PostgreSQL (127.0.0.1:$PG_PORT) and Redis (127.0.0.1:$REDIS_PORT) are up."
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL or Redis did not come up; see their logs." >&2
exit 1

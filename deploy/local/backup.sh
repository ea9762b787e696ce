#!/usr/bin/env bash
# Backs up Agentyard's database: every service's schema (identity, agent, task, execution, chat) in
# one consistent snapshot (one pg_dump run), as one custom-format archive in a folder of its own:
#   BACKUP_DIR/DATABASE-YYYYMMDDTHHMMSSZ/agentyard.dump        the archive (pg_restore reads it)
#                                        agentyard.dump.sha256  its checksum (restore.sh checks it)
#                                        contents.txt           what it holds (pg_restore --list)
# The folder appears complete or not at all (written under another name, then renamed). Prints its path.
#
#   deploy/local/backup.sh [--keep-days N] [DATABASE] [BACKUP_DIR]
#     DATABASE      default $AGENTYARD_DB_NAME, else agentyard
#     BACKUP_DIR    default $AGENTYARD_BACKUP_DIR, else .agentyard/backups
#     --keep-days N then deletes this database's backups older than N days
# PostgreSQL is reached with libpq's PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD;
# AGENTYARD_BACKUP_SCHEMAS changes the list of schemas. Restore with deploy/local/restore.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
SCHEMAS=(${AGENTYARD_BACKUP_SCHEMAS:-identity agent task execution chat})

keep_days=
if [ "${1:-}" = --keep-days ]; then
  keep_days=${2:?--keep-days needs a number of days}; shift 2
  [[ $keep_days =~ ^[0-9]+$ ]] || { echo "--keep-days takes a whole number of days, not '$keep_days'" >&2; exit 2; }
fi
db=${1:-${AGENTYARD_DB_NAME:-agentyard}}
dir=${2:-${AGENTYARD_BACKUP_DIR:-$ROOT/.agentyard/backups}}
[[ $db =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "not a database name: '$db'" >&2; exit 2; }

# Every schema must be there: a backup that silently lacks a service is worse than none.
for schema in "${SCHEMAS[@]}"; do
  [[ $schema =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "not a schema name: '$schema'" >&2; exit 2; }
  found=$(psql -d "$db" -XAtc "select 1 from pg_namespace where nspname = '$schema'")
  [ "$found" = 1 ] || { echo "database $db has no schema $schema: nothing backed up" >&2; exit 1; }
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target=$dir/$db-$stamp
partial=$dir/.$db-$stamp.partial
mkdir -p "$dir"
rm -rf "$partial"
mkdir -m 700 "$partial"
trap 'rm -rf "$partial"' EXIT

args=()
for schema in "${SCHEMAS[@]}"; do args+=(--schema="$schema"); done
pg_dump -d "$db" --format=custom --compress=6 "${args[@]}" --file="$partial/agentyard.dump"
pg_restore --list "$partial/agentyard.dump" > "$partial/contents.txt"   # readable, and what it holds
(cd "$partial" && sha256sum agentyard.dump > agentyard.dump.sha256)
mv "$partial" "$target"
trap - EXIT

if [ -n "$keep_days" ]; then
  find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$db-*" -mtime +"$keep_days" -exec rm -rf {} +
fi
echo "$target"

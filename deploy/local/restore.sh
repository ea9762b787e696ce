#!/usr/bin/env bash
# Restores a backup made by deploy/local/backup.sh into a new database, which it creates (it never
# writes into a database that exists). The checksum is checked first; the restore is one transaction
# and stops at the first error, and a failed restore drops the database it created. Objects belong to
# the role that restores (run it as the services' role, e.g. PGUSER=agentyard), then ANALYZE.
# Events the services relayed in the last minutes before the backup are marked to be relayed again:
# Redis is not in the backup, and one relayed but not yet applied by its consumer at that moment would
# otherwise never arrive; consumers apply each event once (processed_events), so those they had
# applied are skipped.
#
#   deploy/local/restore.sh [--replay-events MINUTES] BACKUP NEW_DATABASE
#     BACKUP            a backup folder (BACKUP_DIR/DATABASE-YYYYMMDDTHHMMSSZ) or its agentyard.dump
#     --replay-events   how far back before the latest relayed event (default 10 minutes; 0: none)
# PostgreSQL is reached with libpq's PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), PGPASSWORD.
#     --role-prefix     where each service signs in as a role of its own (deploy/k8s/base/db-roles.sql):
#                       role PREFIX_<schema>, which must exist, gets its schema and everything in it, so its
#                       migrations can alter them; then run db-roles.sql on the new database for its grants
#                       (default: everything belongs to the restoring role)
# Then point the services at it: AGENTYARD_DB_URL=postgresql://HOST:PORT/NEW_DATABASE.
set -euo pipefail
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

replay=10 prefix=
while [ $# -gt 2 ]; do
  case "$1" in
    --replay-events)
      replay=${2:?--replay-events needs a number of minutes}; shift 2
      [[ $replay =~ ^[0-9]+$ ]] || { echo "--replay-events takes a whole number of minutes, not '$replay'" >&2; exit 2; } ;;
    --role-prefix)
      prefix=${2:?--role-prefix needs a prefix, e.g. agentyard}; shift 2
      [[ $prefix =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "not a role prefix: '$prefix'" >&2; exit 2; } ;;
    *) break ;;
  esac
done
[ $# = 2 ] || { echo "usage: $0 [--replay-events MINUTES] [--role-prefix PREFIX] BACKUP NEW_DATABASE" >&2; exit 2; }
backup=$1 db=$2
[ -d "$backup" ] && backup=$backup/agentyard.dump
[ -f "$backup" ] || { echo "no backup at $1" >&2; exit 2; }
[[ $db =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "not a database name: '$db'" >&2; exit 2; }

if [ -f "$backup.sha256" ]; then
  (cd "$(dirname "$backup")" && sha256sum --quiet --check "$(basename "$backup").sha256") \
    || { echo "$backup does not match its checksum: not restored" >&2; exit 1; }
else
  echo "warning: $backup has no checksum file; restoring unchecked" >&2
fi

exists=$(psql -d postgres -XAtc "select 1 from pg_database where datname = '$db'")
[ -z "$exists" ] || { echo "database $db exists: restore into a new one" >&2; exit 1; }
psql -d postgres -Xqc "create database \"$db\" template template0 encoding 'UTF8'"
if ! pg_restore -d "$db" --exit-on-error --single-transaction --no-owner --no-privileges "$backup"; then
  psql -d postgres -Xqc "drop database if exists \"$db\" with (force)"
  echo "restore failed: database $db dropped again" >&2
  exit 1
fi
if [ "$replay" -gt 0 ]; then
  outboxes=$(psql -d "$db" -XAtc "select table_schema from information_schema.tables where table_name = 'outbox' order by 1")
  latest=$(for schema in $outboxes; do echo "select max(published_at) as at from \"$schema\".outbox"; done \
    | paste -sd'|' | sed 's/|/ union all /g')
  since=$([ -z "$latest" ] || psql -d "$db" -XAtc "select max(at) - interval '$replay minutes' from ($latest) relayed")
  if [ -n "$since" ]; then
    replayed=0
    for schema in $outboxes; do
      count=$(psql -d "$db" -XAt -v ON_ERROR_STOP=1 -c "with marked as (update \"$schema\".outbox set published_at = null
        where published_at >= timestamptz '$since' returning 1) select count(*) from marked")
      replayed=$((replayed + count))
    done
    echo "$replayed events relayed since $since will be relayed again"
  fi
fi
if [ -n "$prefix" ]; then
  # objects whose owner goes with another's (a column's sequence, a table's row type) follow their owner
  psql -d "$db" -Xq -v ON_ERROR_STOP=1 -v prefix="$prefix" <<'SQL'
set agentyard.role_prefix = :'prefix';
do $$
declare
    s record;
    o record;
    owner text;
begin
    for s in select nspname from pg_namespace
              where nspname not like 'pg\_%' and nspname not in ('information_schema', 'public') loop
        owner := current_setting('agentyard.role_prefix') || '_' || s.nspname;
        if not exists (select 1 from pg_roles where rolname = owner) then
            raise exception 'no role % for schema %: run deploy/k8s/base/db-roles.sql first', owner, s.nspname;
        end if;
        execute format('alter schema %I owner to %I', s.nspname, owner);
        for o in select c.relname, c.relkind from pg_class c
                  where c.relnamespace = s.nspname::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
                    and (c.relkind <> 'S' or not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                                                          and d.objid = c.oid and d.deptype in ('a', 'i'))) loop
            execute format('alter %s %I.%I owner to %I',
                           case o.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                          when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end,
                           s.nspname, o.relname, owner);
        end loop;
        for o in select p.oid::regprocedure as signature, p.prokind from pg_proc p
                  where p.pronamespace = s.nspname::regnamespace loop
            execute format('alter %s %s owner to %I', case o.prokind when 'p' then 'procedure' else 'function' end,
                           o.signature, owner);
        end loop;
        for o in select t.oid::regtype as name, t.typtype from pg_type t
                  where t.typnamespace = s.nspname::regnamespace
                    and (t.typtype in ('e', 'd', 'r')
                         or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c')) loop
            execute format('alter %s %s owner to %I', case o.typtype when 'd' then 'domain' else 'type' end, o.name, owner);
        end loop;
    end loop;
end $$;
SQL
  echo "schemas handed to the roles ${prefix}_<schema>; now run deploy/k8s/base/db-roles.sql on $db for its grants"
fi
psql -d "$db" -Xqc "analyze"
echo "restored $backup into $db"

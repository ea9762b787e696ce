#!/usr/bin/env bash
# What a background round's cached generic plan, made while task-service's tables were empty, costs
# once they are large, against the same statement planned afresh (FreshPlans).
#
#   bash bench/stale-plans.sh [ROWS=200000] [EXPIRED=5000]
#
# Builds a throwaway database from task-service's Flyway migrations, runs bench/plans/stale-plans.sql,
# and writes the execution times to bench/results/stale-plans-latest.md. PGHOST/PGPORT/PGUSER as for psql.
set -Eeuo pipefail
ROWS=${1:-200000}
EXPIRED=${2:-5000}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MIGRATIONS=$(dirname "$BENCH_DIR")/task-service/src/main/resources/db/migration
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB="bench_stale_plans_$$"
OUT=$BENCH_DIR/results/stale-plans-latest.md
WORK=$(mktemp -d)
trap 'psql -XqAt -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

psql -XqAt -d postgres -c "create database $DB"
{ echo "create schema task; set search_path = task;"
  for f in $(ls "$MIGRATIONS"/V*.sql | sort -V); do cat "$f"; echo; done
} | psql -XqAt -v ON_ERROR_STOP=1 -d "$DB" >/dev/null
# the claim exactly as the service prepares it: WorkOrderQueue's CLAIM text block
perl -0ne 'print "prepare claim(uuid[], int[], text[], text[], text[], int, int, text, text, text, text, int) as $1;\n" if /String CLAIM\s*=\s*"""(.*?)""";/s' \
  "$(dirname "$BENCH_DIR")/task-service/src/main/java/io/agentyard/task/dispatch/WorkOrderQueue.java" > "$WORK/claim.sql"
[[ -s $WORK/claim.sql ]] || { echo "no CLAIM in WorkOrderQueue.java" >&2; exit 1; }
log=$(psql -XqAt -v ON_ERROR_STOP=1 -v rows="$ROWS" -v expired="$EXPIRED" -v claim_sql="$WORK/claim.sql" -d "$DB" -f "$BENCH_DIR/plans/stale-plans.sql" 2>&1)

times=$(grep -E '^## |Execution Time' <<<"$log" | sed -E 's/ *Execution Time: //')
{
  echo "# Background rounds: cached generic plans from empty tables against fresh plans"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit \`$(git -C "$BENCH_DIR" rev-parse --short HEAD)\`: $ROWS tasks and orders ($((ROWS / 4)) waiting,"
  echo "$EXPIRED with an expired lease), an outbox of $ROWS published rows and 5,000 waiting; the plans cached while"
  echo "the tables, which had held as much, were empty (bench/plans/stale-plans.sql)."
  echo
  echo "| statement | cached generic plan (made on empty tables) | planned afresh (FreshPlans) |"
  echo "|---|---|---|"
  mapfile -t lines < <(grep -v '^## ' <<<"$times")
  names=("lease reaper (WorkOrderRepository.lockExpired)" "stranded sweep (TaskRepository.lockStranded)"
         "outbox relay round (OutboxRelay)" "claim of 16 workers (WorkOrderQueue.CLAIM, hot path)")
  for i in 0 1 2 3; do echo "| ${names[$i]} | ${lines[$i]} | ${lines[$((i + 4))]} |"; done
} > "$OUT"
cat "$OUT"

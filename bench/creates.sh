#!/usr/bin/env bash
# What creating a task costs: one caller POSTing /api/tasks one at a time to a task-service with
# nothing else running (no claimers), after a warm-up; latency p50/p99 and the CPU per create of the
# service and of PostgreSQL. Given several builds (quarkus-app directories, e.g. one from another
# commit), runs them in turn, ROUNDS times, so that they are compared in one session.
#
#   bash bench/creates.sh [QUARKUS_APP_DIR ...]    # default: task-service/target/quarkus-app
#   BENCH_CREATES_N=3000 BENCH_CREATES_WARMUP=20000 BENCH_CREATES_ROUNDS=2 BENCH_JAVA_OPTS=...
#
# Writes bench/results/creates-latest.md. PGHOST/PGPORT/PGUSER as for psql; Redis at REDIS_URL.
set -Eeuo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
N=${BENCH_CREATES_N:-3000}
WARMUP=${BENCH_CREATES_WARMUP:-20000}
ROUNDS=${BENCH_CREATES_ROUNDS:-2}
APPS=("$@"); [[ ${#APPS[@]} -gt 0 ]] || APPS=("$ROOT/task-service/target/quarkus-app")
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agentyard-creates.XXXXXX")
PID=""; DB=""
cleanup() {
  [[ -n $PID ]] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [[ -n $DB ]] && dropdb --force --if-exists "$DB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=bench/lib/task-service.sh
source "$BENCH_DIR/lib/task-service.sh"
prepare_drivers_and_keys

run() {  # app dir, result file
  DB="bench_creates_$$"; createdb "$DB"
  start_task_service "$1" "$DB" "bench:creates:$$:"
  node "$BENCH_DIR/node/creates.mjs" --base "http://127.0.0.1:$PORT" --key "$WORK/private.pem" --service-pid "$PID" \
    --db-name "$DB" --n "$N" --warmup "$WARMUP" --out "$2"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  dropdb --force "$DB"; DB=""
}

rows=()
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!APPS[@]}"; do
    run "${APPS[$i]}" "$WORK/r$round-$i.json"
    rows+=("$(jq -r --arg app "${APPS[$i]}" --arg round "$round" \
      '"| \($app) | \($round) | \(.p50 * 100 | round / 100) | \(.p99 * 100 | round / 100) | \(.n / .cpu.wall_ms * 1000 | round) | \(.cpu.service_cpu_ms_per_unit) (JIT \(.cpu.service_jit_cpu_ms_per_unit)) | \(.cpu.postgres_cpu_ms_per_unit) |"' \
      "$WORK/r$round-$i.json")")
  done
done
{
  echo "# Creating a task: one caller, one create at a time"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`: $N timed \`POST /api/tasks\` (autonomous, no"
  echo "project, no dependencies: each dispatched at once) after $WARMUP untimed, on a fresh database; builds in turn."
  echo
  echo "| build | round | p50 ms | p99 ms | creates/s | service CPU ms/create | PostgreSQL CPU ms/create |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$BENCH_DIR/results/creates-latest.md"
cat "$BENCH_DIR/results/creates-latest.md"

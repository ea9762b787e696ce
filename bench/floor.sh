#!/usr/bin/env bash
# What one request costs task-service, split by how far it goes (bench/node/floor.mjs): a 404 without
# a token, a claim refused by validation, a claim that finds nothing; service CPU per request of each,
# W clients, on a fresh database, after warm-up rounds of all three.
#
#   bash bench/floor.sh [QUARKUS_APP_DIR]    # default: task-service/target/quarkus-app
#   BENCH_FLOOR_N=20000 BENCH_FLOOR_ROUNDS=2 BENCH_JAVA_OPTS=...
#
# Writes bench/results/floor-latest.md. PGHOST/PGPORT/PGUSER as for psql; Redis at REDIS_URL.
set -Eeuo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
APP=${1:-$ROOT/task-service/target/quarkus-app}
N=${BENCH_FLOOR_N:-20000}
ROUNDS=${BENCH_FLOOR_ROUNDS:-2}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agentyard-floor.XXXXXX")
DB="bench_floor_$$"; PREFIX="bench:floor:$$:"; PID=""
cleanup() {
  [[ -n $PID ]] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  dropdb --force --if-exists "$DB" 2>/dev/null || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$PREFIX*" | xargs -r redis-cli -u "$REDIS_URL" del > /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=bench/lib/task-service.sh
source "$BENCH_DIR/lib/task-service.sh"
prepare_drivers_and_keys
createdb "$DB"
start_task_service "$APP" "$DB" "$PREFIX"
node "$BENCH_DIR/node/floor.mjs" --base "http://127.0.0.1:$PORT" --db "postgres://$PGUSER@$PGHOST:$PGPORT/$DB" \
  --key "$WORK/private.pem" --service-pid "$PID" --n "$N" --rounds "$ROUNDS" --out "$WORK/floor.json" > /dev/null
{
  echo "# What one request costs task-service"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`, $(nproc) CPUs: 16 clients, $N requests a round, each"
  echo "kind's figures from $ROUNDS timed rounds after $(jq .warmup_rounds "$WORK/floor.json") warm-up rounds of all three (\`bash bench/floor.sh\`)."
  echo
  echo "| request | requests/s | service CPU ms/request (JIT part) | PostgreSQL CPU ms/request |"
  echo "|---|---|---|---|"
  jq -r '.kinds[] | "| \(.what) | \([.rounds[].per_s] | map(tostring) | join(" / ")) | \([.rounds[] | "\(.cpu.service_cpu_ms_per_unit) (\(.cpu.service_jit_cpu_ms_per_unit))"] | join(" / ")) | \([.rounds[].cpu.postgres_cpu_ms_per_unit] | map(tostring) | join(" / ")) |"' "$WORK/floor.json"
} > "$BENCH_DIR/results/floor-latest.md"
cat "$BENCH_DIR/results/floor-latest.md"

#!/usr/bin/env bash
# Agentyard log-ingest benchmark: execution-service's batched log API with W concurrent writers and
# live SSE followers, against a raw COPY of the same rows into the same table, same run, same machine.
#
#   bash bench/logs.sh [LINES=200000] [W=8] [BATCH=500] [FOLLOWERS=20]
#
# Environment (all optional):
#   BENCH_LOGS_WARMUP=50000   untimed warm-up lines (API, with followers) before the timed cases
#   BENCH_LOGS_CASES=...      scaling cases "W:BATCH:LINES[:FOLLOWERS[:RATE]],..." after the main one,
#                             "none" for none; default: LINES/2 lines each at the main W and BATCH, at
#                             BATCH 100 and 1000, at W/4 and 2 x W, at the main W and BATCH without
#                             followers, then LINES/4 lines paced at a quarter of the main API rate
#   BENCH_TIMEOUT_S=300       bound of each ingest
#   BENCH_SKIP_BUILD=1        use the jar already in execution-service/target
#   EXECUTION_SERVICE_JAR=path   run this quarkus-run.jar (of a quarkus-app layout) instead; implies no build
#   BENCH_JAVA_OPTS=...       extra JVM options for execution-service
#   PGHOST/PGPORT/PGUSER      PostgreSQL (default 127.0.0.1:5432, postgres); REDIS_URL (redis://127.0.0.1:6379)
#
# Writes bench/results/logs-latest.md and bench/results/logs-<UTC stamp>.json. Everything it creates
# (the execution-service process, database bench_<run>_exec, Redis keys bench:<run>:*) is removed on
# exit; on failure the service log is kept as bench/results/<stamp>-execution-service.log.
set -Eeuo pipefail
shopt -s inherit_errexit

LINES=${1:-200000}
W=${2:-8}
BATCH=${3:-500}
FOLLOWERS=${4:-20}
for v in "$LINES" "$W" "$BATCH" "$FOLLOWERS"; do
  [[ $v =~ ^[0-9]+$ ]] || { echo "usage: bash bench/logs.sh [LINES] [W] [BATCH] [FOLLOWERS]" >&2; exit 2; }
done
[[ $LINES -ge 1 && $W -ge 1 && $BATCH -ge 1 && $BATCH -le 1000 ]] \
  || { echo "LINES and W must be at least 1, BATCH between 1 and 1000" >&2; exit 2; }
WARMUP=${BENCH_LOGS_WARMUP:-50000}
CASES=${BENCH_LOGS_CASES:-default}
TIMEOUT_S=${BENCH_TIMEOUT_S:-300}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib/jvm.sh
source "$BENCH_DIR/lib/jvm.sh"
NODE_DIR=$BENCH_DIR/node
RESULTS=$BENCH_DIR/results
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
PG_URL="postgres://$PGUSER@$PGHOST:$PGPORT"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN_ID="${STAMP,,}_$$"                 # lower case: it names the database
DB="bench_${RUN_ID}_exec"
REDIS_PREFIX="bench:${RUN_ID}:"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agentyard-logs-bench.XXXXXX")
SERVICE_PID=""
DRIVER_PID=""
DB_CREATED=0

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
redis() { redis-cli -u "$REDIS_URL" "$@"; }

stop_service() {
  [[ -n $SERVICE_PID ]] || return 0
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVICE_PID" 2>/dev/null || true
  fi
  wait "$SERVICE_PID" 2>/dev/null || true
  SERVICE_PID=""
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $DRIVER_PID ]] && kill -0 "$DRIVER_PID" 2>/dev/null; then
    log "stopping the driver"
    kill -TERM "$DRIVER_PID" 2>/dev/null
    wait "$DRIVER_PID" 2>/dev/null
  fi
  stop_service
  if [[ $rc -ne 0 && -s $WORK/service.log ]]; then
    mkdir -p "$RESULTS"
    cp "$WORK/service.log" "$RESULTS/$STAMP-execution-service.log"
    log "execution-service log kept in $RESULTS/$STAMP-execution-service.log; its last lines:"
    tail -n 20 "$WORK/service.log" >&2
  fi
  if [[ $DB_CREATED == 1 ]]; then
    dropdb --if-exists --force "$DB" 2>/dev/null || log "could not drop database $DB"
  fi
  redis --scan --pattern "${REDIS_PREFIX}*" | head -n 100000 | xargs -r -d '\n' -n 200 redis-cli -u "$REDIS_URL" del >/dev/null
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# ---------------------------------------------------------------------------------------------
for tool in node npm psql createdb dropdb redis-cli openssl jq curl java; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
pg_isready -q || { echo "PostgreSQL is not answering at $PGHOST:$PGPORT" >&2; exit 2; }
[[ $(redis ping) == PONG ]] || { echo "Redis is not answering at $REDIS_URL" >&2; exit 2; }
if [[ ! -d $NODE_DIR/node_modules/pg-copy-streams || ! -d $NODE_DIR/node_modules/undici ]]; then
  log "installing bench/node dependencies (npm install, from package-lock.json)"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error) >&2
fi
mkdir -p "$RESULTS"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 && -z ${EXECUTION_SERVICE_JAR:-} ]]; then
  log "building execution-service"
  (cd "$ROOT" && ./mvnw -q -B package -DskipTests -pl execution-service -am) > "$WORK/build.log" 2>&1 \
    || { tail -n 30 "$WORK/build.log" >&2; log "execution-service build failed"; exit 1; }
fi
JAR=${EXECUTION_SERVICE_JAR:-$ROOT/execution-service/target/quarkus-app/quarkus-run.jar}
[[ -f $JAR ]] || { log "no $JAR"; exit 1; }
# Run a copy of the application: others rebuilding execution-service meanwhile must not pull its
# classes out from under the running service.
cp -r "$(dirname "$JAR")" "$WORK/app"
JAR=$WORK/app/$(basename "$JAR")

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
createdb "$DB"
DB_CREATED=1

PORT=$(free_port)
log "run $RUN_ID: LINES=$LINES W=$W BATCH=$BATCH FOLLOWERS=$FOLLOWERS warm-up=$WARMUP"
log "starting execution-service on port $PORT (database $DB, Redis prefix $REDIS_PREFIX)"
# shellcheck disable=SC2086
QUARKUS_HTTP_HOST=127.0.0.1 \
QUARKUS_HTTP_PORT=$PORT \
AGENTYARD_DB_URL="postgresql://$PGHOST:$PGPORT/$DB" \
AGENTYARD_DB_USER="$PGUSER" \
AGENTYARD_JWKS_URL="file:$WORK/public.pem" \
AGENTYARD_EVENTS_KEY_PREFIX="$REDIS_PREFIX" \
AGENTYARD_REDIS_URL="$REDIS_URL" \
  java $IMAGE_JAVA_OPTS ${BENCH_JAVA_OPTS:-} -jar "$JAR" > "$WORK/service.log" 2>&1 &
SERVICE_PID=$!

ready=0
for _ in $(seq 1 240); do   # up to 120 s
  kill -0 "$SERVICE_PID" 2>/dev/null || { log "execution-service exited during start-up"; exit 1; }
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/q/health/ready") == 200 ]]; then ready=1; break; fi
  sleep 0.5
done
[[ $ready == 1 ]] || { log "execution-service not ready within 120 s"; exit 1; }
log "execution-service ready"

jq -n --arg run_id "$RUN_ID" --arg started_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --argjson lines "$LINES" --argjson w "$W" --argjson batch "$BATCH" --argjson followers "$FOLLOWERS" \
  --argjson warmup "$WARMUP" --arg cases "$CASES" --arg nproc "$(nproc)" \
  --arg cpu "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg mem "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" --arg kernel "$(uname -r)" \
  --arg pg "$(psql -Atq -d postgres -c 'SHOW server_version')" \
  --arg sc "$(psql -Atq -d postgres -c 'SHOW synchronous_commit')" \
  --arg sb "$(psql -Atq -d postgres -c 'SHOW shared_buffers')" \
  --arg redis "$(redis info server | tr -d '\r' | awk -F: '/^redis_version/ { print $2 }')" \
  --arg node "$(node --version)" --arg java "$(java -version 2>&1 | head -n 1)" \
  --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- execution-service shared-model 2>/dev/null || echo '+dirty')" \
  '{ run_id: $run_id, started_at: $started_at, lines: $lines, w: $w, batch: $batch, followers: $followers,
     warmup: $warmup, cases: $cases, nproc: ($nproc | tonumber), cpu_model: $cpu, mem_total: $mem,
     loadavg_start: $load, kernel: $kernel, postgres_version: $pg, pg_synchronous_commit: $sc,
     pg_shared_buffers: $sb, redis_version: $redis, node_version: $node, java_version: $java, git_commit: $commit }' \
  > "$WORK/meta.json"

# The driver runs in the background so that INT/TERM interrupt `wait` at once and the cleanup can stop it.
node "$NODE_DIR/logs.mjs" --base "http://127.0.0.1:$PORT" --db "$PG_URL/$DB" --key "$WORK/private.pem" \
  --lines "$LINES" --w "$W" --batch "$BATCH" --followers "$FOLLOWERS" --warmup "$WARMUP" --cases "$CASES" \
  --timeout-s "$TIMEOUT_S" --service-pid "$SERVICE_PID" --out "$WORK/logs.json" > /dev/null &
DRIVER_PID=$!
wait "$DRIVER_PID" || { DRIVER_PID=""; log "the log-ingest driver failed"; exit 1; }
DRIVER_PID=""

if grep -qE ' (ERROR|SEVERE) ' "$WORK/service.log"; then
  log "execution-service logged errors during the run:"; grep -E ' (ERROR|SEVERE) ' "$WORK/service.log" | head -n 10 >&2
fi
stop_service

jq --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '.loadavg_end = $load' "$WORK/meta.json" > "$WORK/meta2.json"
node "$NODE_DIR/logs-report.mjs" --meta "$WORK/meta2.json" --result "$WORK/logs.json" \
  --md "$RESULTS/logs-latest.md" --json "$RESULTS/logs-$STAMP.json"
log "results: $RESULTS/logs-latest.md and $RESULTS/logs-$STAMP.json"

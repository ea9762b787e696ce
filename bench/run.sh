#!/usr/bin/env bash
# Agentyard work-order dispatch benchmark: Agentyard (task-service over HTTP) against pg-boss,
# graphile-worker, BullMQ and raw PostgreSQL (pgbench), same N and concurrency, same machine, one
# run; drains at each N of BENCH_N_LIST, then the wake-up latency of idle long-polling claimers.
#
#   bash bench/run.sh [N] [W=16]          (N given: that N only; else BENCH_N_LIST)
#
# Environment (all optional):
#   BENCH_N_LIST="2000 100000"  the drains' sizes, one after the other
#   BENCH_NEXT_CLAIM=false  Agentyard's workers claim on their own (default: the next claim rides on the last completion)
#   BENCH_SEED_ABOVE=10000  Agentyard's timed tasks are written with SQL above this N (else POST /api/tasks)
#   BENCH_WARMUP=2000       untimed warm-up orders per phase (Agentyard, pg-boss, graphile-worker, BullMQ)
#   BENCH_TIMEOUT_S=900     bound of each drain / pgbench run
#   BENCH_SKIP_BUILD=1      use the task-service jar already in task-service/target
#   TASK_SERVICE_JAR=path   run this quarkus-run.jar (of a quarkus-app layout) instead; implies no build
#   BENCH_SKIP_AGENTYARD=1  run the references only
#   BENCH_PARTS="..."       run only these parts (of: agentyard pgbench pgboss graphile bullmq wakeup)
#   BENCH_WAKE_CLAIMERS=1000 BENCH_WAKE_RATE=50 BENCH_WAKE_TASKS=1500 BENCH_WAKE_WARMUP=1000 BENCH_WAKE_IDLE_S=20
#                           the wake-up case: idle claimers, tasks per second, timed and untimed tasks,
#                           seconds of idle CPU measured before the first task
#   BENCH_JAVA_OPTS=...     extra JVM options for task-service (after IMAGE_JAVA_OPTS, the container image's)
#   BENCH_AGENTYARD_PHASES="single batch bulk empty"  Agentyard's phases (fewer for an A/B of one mode)
#   PGHOST/PGPORT/PGUSER    PostgreSQL (default 127.0.0.1:5432, postgres); REDIS_URL (redis://127.0.0.1:6379)
#
# Writes bench/results/latest.md and bench/results/<UTC stamp>.json. Everything it creates
# (task-service processes, databases bench_<run>_*, Redis keys bench:<run>:*) is removed on exit.
set -Eeuo pipefail
shopt -s inherit_errexit

N_LIST=${1:-${BENCH_N_LIST:-2000 100000}}
W=${2:-16}
for N in $N_LIST; do
  [[ $N =~ ^[0-9]+$ && $N -ge 1 ]] || { echo "usage: bash bench/run.sh [N] [W] (or BENCH_N_LIST=\"N1 N2\")" >&2; exit 2; }
done
[[ $W =~ ^[0-9]+$ && $W -ge 1 ]] || { echo "usage: bash bench/run.sh [N] [W]" >&2; exit 2; }
WARMUP=${BENCH_WARMUP:-2000}
TIMEOUT_S=${BENCH_TIMEOUT_S:-900}
SEED_ABOVE=${BENCH_SEED_ABOVE:-10000}
NEXT_CLAIM=${BENCH_NEXT_CLAIM:-true}
WAKE_CLAIMERS=${BENCH_WAKE_CLAIMERS:-1000}
WAKE_RATE=${BENCH_WAKE_RATE:-50}
WAKE_TASKS=${BENCH_WAKE_TASKS:-1500}
WAKE_WARMUP=${BENCH_WAKE_WARMUP:-1000}
WAKE_IDLE_S=${BENCH_WAKE_IDLE_S:-20}

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
RUN_ID="${STAMP,,}_$$"                 # lower case: it names databases
DB_PREFIX="bench_${RUN_ID}_"           # every database of the run; all are dropped on exit
DB_TASK="${DB_PREFIX}task"
DB_PGBENCH="${DB_PREFIX}pgbench"
DB_PGBOSS="${DB_PREFIX}pgboss"
DB_GRAPHILE="${DB_PREFIX}graphile"
REDIS_PREFIX="bench:${RUN_ID}:"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agentyard-bench.XXXXXX")
SERVICE_PID=""
PART_PID=""

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
redis() { redis-cli -u "$REDIS_URL" "$@"; }

# The service is started inside a part's subshell: its pid is kept in a file for the cleanup.
stop_service() {
  [[ -n $SERVICE_PID ]] || SERVICE_PID=$(cat "$WORK/service.pid" 2>/dev/null || true)
  [[ -n $SERVICE_PID ]] || return 0
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$SERVICE_PID" 2>/dev/null || true
  fi
  wait "$SERVICE_PID" 2>/dev/null || true
  SERVICE_PID=""
  rm -f "$WORK/service.pid"
}

# Ends a process and its descendants, by pid (children first).
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $PART_PID ]] && kill -0 "$PART_PID" 2>/dev/null; then
    log "interrupted: stopping the running part"
    kill_tree "$PART_PID"
    wait "$PART_PID" 2>/dev/null
  fi
  stop_service
  for db in $(psql -Atq -d postgres -c "SELECT datname FROM pg_database WHERE starts_with(datname, '$DB_PREFIX')" 2>/dev/null); do
    dropdb --if-exists --force "$db" 2>/dev/null || log "could not drop database $db"
  done
  redis --scan --pattern "${REDIS_PREFIX}*" | head -n 100000 | xargs -r -d '\n' -n 200 redis-cli -u "$REDIS_URL" del >/dev/null
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs one part in a subshell (errexit on: the first failing command ends the part); on failure
# records "failed: <reason>" for the report and carries on with the next part. The subshell runs
# in the background so that INT/TERM interrupt `wait` at once and the cleanup can stop it.
run_part() {
  local name=$1 rc; shift
  log "== $name"
  set +e
  ( set -e; "$@" ) &
  PART_PID=$!
  wait "$PART_PID"
  rc=$?
  PART_PID=""
  set -e
  if [[ $rc -eq 0 ]]; then
    log "== $name done"
  else
    [[ -s $WORK/$name.status ]] || echo "failed (exit $rc)" > "$WORK/$name.status"
    log "== $name FAILED: $(head -n 1 "$WORK/$name.status")"
    FAILED=1
  fi
}
fail() { echo "failed: $2" > "$WORK/$1.status"; log "$2"; return 1; }

# Runs a driver (stdout is also written to its --out file); its log goes to stderr and to
# $WORK/<part>.err, whose "FAILED:" line becomes the part's status when it fails.
run_node() {
  local part=$1; shift
  node "$@" 2>&1 >/dev/null | tee "$WORK/$part.err" >&2 \
    || fail "$part" "$(grep -m1 'FAILED:' "$WORK/$part.err" | sed 's/.*FAILED: //' || true)"
}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# ---------------------------------------------------------------------------------------------
# Builds task-service (unless told not to) and copies its quarkus-app into the run's directory, so
# that a rebuild during the run does not change the service under test. Once per run.
prepare_app() {
  [[ -f $WORK/app/quarkus-run.jar ]] && return 0
  if [[ ${BENCH_SKIP_BUILD:-0} != 1 && -z ${TASK_SERVICE_JAR:-} ]]; then
    log "building task-service"
    (cd "$ROOT" && ./mvnw -q -B package -DskipTests -pl task-service -am) > "$WORK/build.log" 2>&1 \
      || { tail -n 30 "$WORK/build.log" >&2; echo "task-service build failed" > "$WORK/app.failed"; return 1; }
  fi
  local jar=${TASK_SERVICE_JAR:-$ROOT/task-service/target/quarkus-app/quarkus-run.jar}
  [[ -f $jar ]] || { echo "no $jar" > "$WORK/app.failed"; return 1; }
  cp -r "$(dirname "$jar")" "$WORK/app.tmp" && mv "$WORK/app.tmp" "$WORK/app"
  if [[ ! -f $WORK/private.pem ]]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
    openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
  fi
}

# Starts task-service on a fresh database $2 for part $1; sets SERVICE_PID and SERVICE_PORT.
start_service() {
  local part=$1 db=$2
  prepare_app || fail "$part" "$(cat "$WORK/app.failed" 2>/dev/null || echo 'no task-service build')"
  createdb "$db"
  SERVICE_PORT=$(free_port)
  log "starting task-service on port $SERVICE_PORT (database $db, Redis prefix $REDIS_PREFIX)"
  # shellcheck disable=SC2086
  QUARKUS_HTTP_HOST=127.0.0.1 \
  QUARKUS_HTTP_PORT=$SERVICE_PORT \
  AGENTYARD_DB_URL="postgresql://$PGHOST:$PGPORT/$db" \
  AGENTYARD_DB_USER="$PGUSER" \
  AGENTYARD_JWKS_URL="file:$WORK/public.pem" \
  AGENTYARD_EVENTS_KEY_PREFIX="$REDIS_PREFIX" \
  AGENTYARD_REDIS_URL="$REDIS_URL" \
    java $IMAGE_JAVA_OPTS ${BENCH_JAVA_OPTS:-} -jar "$WORK/app/quarkus-run.jar" > "$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  echo "$SERVICE_PID" > "$WORK/service.pid"

  local ready=0
  for _ in $(seq 1 240); do   # up to 120 s
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 30 "$WORK/service.log" >&2; fail "$part" "task-service exited during start-up"; }
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SERVICE_PORT/q/health/ready") == 200 ]]; then ready=1; break; fi
    sleep 0.5
  done
  [[ $ready == 1 ]] || fail "$part" "task-service not ready within 120 s"
  log "task-service ready"
}

service_errors() {
  if grep -qE ' (ERROR|SEVERE) ' "$WORK/service.log"; then
    log "task-service logged errors during the run:"; grep -E ' (ERROR|SEVERE) ' "$WORK/service.log" | head -n 10 >&2
  fi
}

# One service and database for every N (the JIT stays warm; each N still has its warm-up).
part_agentyard() {
  start_service agentyard "$DB_TASK"
  local n seed
  for n in $N_LIST; do
    seed=(); [[ $n -gt $SEED_ABOVE ]] && seed=(--seed)
    psql -q -d postgres -c CHECKPOINT
    run_node agentyard "$NODE_DIR/agentyard.mjs" --base "http://127.0.0.1:$SERVICE_PORT" --db "$PG_URL/$DB_TASK" \
      --key "$WORK/private.pem" --n "$n" --w "$W" --warmup "$WARMUP" --timeout-s "$TIMEOUT_S" --service-pid "$SERVICE_PID" \
      --root "$ROOT" --next-claim "$NEXT_CLAIM" --phases "${BENCH_AGENTYARD_PHASES:-single batch bulk empty}" "${seed[@]}" --out "$WORK/agentyard-$n.json"
  done
  service_errors
  stop_service
}

# ---------------------------------------------------------------------------------------------
# Prints "tps processed claim_avg_ms complete_avg_ms" from a pgbench -r report.
parse_pgbench() {
  awk '
    /^number of transactions actually processed:/ { split($6, a, "/"); processed = a[1] }
    /^tps = / { tps = $3 }
    /^statement latencies/ { in_stmt = 1; next }
    in_stmt && $1 ~ /^[0-9.]+$/ { lat[++k] = $1 }
    END { printf "%s %s %s %s\n", tps, processed, lat[1], lat[2] }' "$1"
}

pgbench_phase() {  # name db setup_file script rows_per_cycle queue_table [clients=W]
  local name=$1 db=$2 setup=$3 script=$4 per=$5 table=$6 clients=${7:-$W}
  local per_client=$(( N / (clients * per) )) jobs=$(( clients < 2 ? clients : 2 ))
  if [[ $per_client -lt 1 ]]; then echo '{"skipped": "N < clients x rows per cycle"}'; return; fi
  PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -v n="$N" -d "$db" -f "$setup"
  psql -q -d postgres -c CHECKPOINT
  log "pgbench $name: -c $clients -j $jobs -t $per_client ($per row(s) per cycle)"
  rm -f "$WORK/cpu-$name.json" "$WORK/cpu-$name.json.ready"
  node "$NODE_DIR/cpumon.mjs" --dbs "$db" --comms pgbench --out "$WORK/cpu-$name.json" &
  local mon=$!
  for _ in $(seq 1 100); do [[ -e $WORK/cpu-$name.json.ready ]] && break; sleep 0.05; done
  local rc=0 tps=null processed=null claim=null complete=null done timed_out=false
  timeout "$TIMEOUT_S" pgbench -n -M prepared -r -c "$clients" -j "$jobs" -t "$per_client" -f "$script" "$db" \
    > "$WORK/pgbench-$name.txt" 2>&1 || rc=$?
  kill -TERM "$mon"; wait "$mon" || true
  if [[ $rc -eq 124 ]]; then  # over the time bound (as pg-boss's drains can be): the rate is over what it did
    timed_out=true
  elif [[ $rc -ne 0 ]]; then
    cat "$WORK/pgbench-$name.txt" >&2; return 1
  else
    read -r tps processed claim complete < <(parse_pgbench "$WORK/pgbench-$name.txt")
  fi
  done=$(psql -Atq -d "$db" -c "SELECT count(*) FROM $table WHERE status = 'completed'")
  if [[ $timed_out == true ]]; then
    log "pgbench $name: stopped at the time bound ($TIMEOUT_S s), $done rows completed"
  else
    log "pgbench $name: $tps cycles/s, $done rows completed"
  fi
  # Orders per second = rows completed / (cycles / cycles per second), or / the time bound.
  jq -n --argjson tps "$tps" --argjson cycles "$processed" --argjson done "$done" --argjson per "$per" \
        --argjson claim "${claim:-null}" --argjson complete "${complete:-null}" --arg script "$(basename "$script")" \
        --slurpfile cpu "$WORK/cpu-$name.json" --argjson clients "$clients" \
        --argjson timed_out "$timed_out" --argjson bound "$TIMEOUT_S" --argjson total "$N" '
    (if $timed_out then $bound * 1000 else $cycles / $tps * 1000 end) as $wall | $cpu[0] as $c |
    { script: $script, clients: $clients, rows_per_cycle: $per, cycles: $cycles, cycles_per_s: $tps, done: $done,
      total: $total, timed_out: $timed_out,
      wall_ms: ($wall * 10 | round / 10), per_s: ($done / $wall * 1000 * 10 | round / 10),
      claim_avg_ms: $claim, complete_avg_ms: $complete, latency_ms: null,
      cpu: ($c + { postgres_cpu_ms_per_unit: (if $done > 0 then ($c.postgres_cpu_ms / $done * 1000 | round / 1000) else null end),
                   driver_cpu_ms: $c.pgbench_cpu_ms, driver_cores: $c.pgbench_cores }) }'
}

# Two queues: a minimal one (table q, one UPDATE to claim, one to complete) and task-service's own
# claim and complete statements on its own schema (bench/node/ownsql.mjs), both without the service.
part_pgbench() {
  local n
  for n in $N_LIST; do N=$n pgbench_n; done
}

pgbench_n() {
  createdb "$DB_PGBENCH"
  local single batch own_single own_batch own_co_single own_co_batch
  single=$(pgbench_phase single "$DB_PGBENCH" "$BENCH_DIR/pgbench/setup.sql" "$BENCH_DIR/pgbench/claim_single.sql" 1 q)
  batch=$(pgbench_phase batch "$DB_PGBENCH" "$BENCH_DIR/pgbench/setup.sql" "$BENCH_DIR/pgbench/claim_batch.sql" 10 q)
  node "$NODE_DIR/ownsql.mjs" --root "$ROOT" --out "$WORK" --n "$N" --w "$W"
  # its scripts have more statements than claim and complete: drop the per-statement averages
  own() { pgbench_phase "$@" | jq '.claim_avg_ms = null | .complete_avg_ms = null'; }
  own_single=$(own own-single "$DB_PGBENCH" "$WORK/ownsql-setup.sql" "$WORK/ownsql-single.sql" 1 task.work_orders)
  own_batch=$(own own-batch "$DB_PGBENCH" "$WORK/ownsql-setup.sql" "$WORK/ownsql-batch.sql" 10 task.work_orders)
  # coalesced: 2 clients, each the claims and completions of a group of W workers
  own_co_single=$(own own-coalesced-single "$DB_PGBENCH" "$WORK/ownsql-setup.sql" "$WORK/ownsql-coalesced-single.sql" \
    "$W" task.work_orders 2)
  own_co_batch=$(own own-coalesced-batch "$DB_PGBENCH" "$WORK/ownsql-setup.sql" "$WORK/ownsql-coalesced-batch.sql" \
    "$(( 10 * W ))" task.work_orders 2)
  jq -n --argjson s "$single" --argjson b "$batch" --argjson os "$own_single" --argjson ob "$own_batch" \
    --argjson ocs "$own_co_single" --argjson ocb "$own_co_batch" \
    --arg v "$(pgbench --version)" --argjson n "$N" --argjson w "$W" \
    '{ name: "pgbench", version: $v, n: $n, w: $w, phases: { single: $s, batch: $b, own_single: $os, own_batch: $ob,
       own_coalesced_single: $ocs, own_coalesced_batch: $ocb } }' \
    > "$WORK/pgbench-$N.json"
  dropdb --force "$DB_PGBENCH"
}

part_pgboss() {
  local n
  for n in $N_LIST; do
    createdb "$DB_PGBOSS"
    psql -q -d postgres -c CHECKPOINT
    run_node pgboss "$NODE_DIR/pgboss.mjs" --db "$PG_URL/$DB_PGBOSS" --n "$n" --w "$W" --warmup "$WARMUP" \
      --timeout-s "$TIMEOUT_S" --out "$WORK/pgboss-$n.json"
    dropdb --force "$DB_PGBOSS"
  done
}

part_graphile() {
  local n
  for n in $N_LIST; do
    createdb "$DB_GRAPHILE"
    psql -q -d postgres -c CHECKPOINT
    run_node graphile "$NODE_DIR/graphile.mjs" --db "$PG_URL/$DB_GRAPHILE" --n "$n" --w "$W" --warmup "$WARMUP" \
      --timeout-s "$TIMEOUT_S" --out "$WORK/graphile-$n.json"
    dropdb --force "$DB_GRAPHILE"
  done
}

part_bullmq() {
  local n
  for n in $N_LIST; do
    run_node bullmq "$NODE_DIR/bullmq.mjs" --redis "$REDIS_URL" --prefix "${REDIS_PREFIX}bull" --n "$n" --w "$W" \
      --warmup "$WARMUP" --timeout-s "$TIMEOUT_S" --comms redis-server --out "$WORK/bullmq-$n.json"
  done
}

# The wake-up case, one system at a time, each on a fresh database.
wake_args() {
  echo --claimers "$WAKE_CLAIMERS" --rate "$WAKE_RATE" --tasks "$WAKE_TASKS" --warmup "$WAKE_WARMUP" \
    --idle-s "$WAKE_IDLE_S" --timeout-s "$TIMEOUT_S"
}
part_wakeup_agentyard() {
  start_service wakeup-agentyard "${DB_PREFIX}wake_task"
  # shellcheck disable=SC2046
  run_node wakeup-agentyard "$NODE_DIR/wakeup.mjs" --system agentyard --base "http://127.0.0.1:$SERVICE_PORT" \
    --db "$PG_URL/${DB_PREFIX}wake_task" --key "$WORK/private.pem" --service-pid "$SERVICE_PID" $(wake_args) \
    --out "$WORK/wakeup-agentyard.json"
  service_errors
  stop_service
  dropdb --force "${DB_PREFIX}wake_task"
}
part_wakeup_peer() {  # system
  local db="${DB_PREFIX}wake_$1"
  createdb "$db"
  # shellcheck disable=SC2046
  run_node "wakeup-$1" "$NODE_DIR/wakeup.mjs" --system "$1" --db "$PG_URL/$db" $(wake_args) --out "$WORK/wakeup-$1.json"
  dropdb --force "$db"
}

# ---------------------------------------------------------------------------------------------
for tool in node npm psql pgbench createdb dropdb redis-cli openssl jq curl java; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
pg_isready -q || { echo "PostgreSQL is not answering at $PGHOST:$PGPORT" >&2; exit 2; }
[[ $(redis ping) == PONG ]] || { echo "Redis is not answering at $REDIS_URL" >&2; exit 2; }
if [[ ! -d $NODE_DIR/node_modules ]]; then
  # npm 11's `npm ci` refuses this lock file (it wants entries for other platforms' optional
  # builds of msgpackr-extract); `npm install` installs the same locked versions.
  log "installing bench/node dependencies (npm install, from package-lock.json)"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --loglevel=error) >&2
fi
mkdir -p "$RESULTS"

log "run $RUN_ID: N in ($N_LIST) W=$W warm-up=$WARMUP"
jq -n --arg run_id "$RUN_ID" --arg started_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson n_list "[${N_LIST// /,}]" --argjson w "$W" \
  --argjson seed_above "$SEED_ABOVE" \
  --argjson wake "{\"claimers\": $WAKE_CLAIMERS, \"rate\": $WAKE_RATE, \"tasks\": $WAKE_TASKS, \"warmup\": $WAKE_WARMUP, \"idle_s\": $WAKE_IDLE_S}" \
  --argjson warmup "$WARMUP" --arg nproc "$(nproc)" \
  --arg cpu "$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg mem "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" --arg kernel "$(uname -r)" \
  --arg pg "$(psql -Atq -d postgres -c 'SHOW server_version')" \
  --arg sc "$(psql -Atq -d postgres -c 'SHOW synchronous_commit')" \
  --arg sb "$(psql -Atq -d postgres -c 'SHOW shared_buffers')" \
  --arg redis "$(redis info server | tr -d '\r' | awk -F: '/^redis_version/ { print $2 }')" \
  --arg node "$(node --version)" --arg java "$(java -version 2>&1 | head -n 1)" \
  --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+dirty')" \
  --arg tracing "${AGENTYARD_TRACE_SAMPLE_RATIO:+ratio $AGENTYARD_TRACE_SAMPLE_RATIO}" --arg java_opts "$IMAGE_JAVA_OPTS${BENCH_JAVA_OPTS:+ $BENCH_JAVA_OPTS}" \
  '{ run_id: $run_id, started_at: $started_at, n_list: $n_list, w: $w, warmup: $warmup, seed_above: $seed_above, wake: $wake,
     nproc: ($nproc | tonumber), cpu_model: $cpu,
     mem_total: $mem, loadavg_start: $load, kernel: $kernel, postgres_version: $pg, pg_synchronous_commit: $sc, pg_shared_buffers: $sb,
     redis_version: $redis, node_version: $node, java_version: $java, git_commit: $commit,
     service_tracing: (if $tracing == "" then "default" else $tracing end), service_java_opts: $java_opts }' > "$WORK/meta.json"

PARTS=${BENCH_PARTS:-agentyard pgbench pgboss graphile bullmq wakeup}
[[ ${BENCH_SKIP_AGENTYARD:-0} == 1 ]] && PARTS=${PARTS//agentyard/}
wanted() { [[ " $PARTS " == *" $1 "* ]]; }
for part in agentyard pgbench pgboss graphile bullmq; do
  wanted "$part" || echo "skipped (not in BENCH_PARTS, or BENCH_SKIP_AGENTYARD=1)" > "$WORK/$part.status"
done
for sys in agentyard pgboss graphile; do
  wanted wakeup || echo "skipped (not in BENCH_PARTS)" > "$WORK/wakeup-$sys.status"
done
[[ ${BENCH_SKIP_AGENTYARD:-0} == 1 ]] && echo "skipped (BENCH_SKIP_AGENTYARD=1)" > "$WORK/wakeup-agentyard.status"

# keeps the service log of a failed part that ran the service
keep_service_log() {
  stop_service   # when the part failed half-way
  if [[ -s $WORK/$1.status && -s $WORK/service.log ]]; then
    cp "$WORK/service.log" "$RESULTS/$STAMP-$1-task-service.log"
    log "task-service log kept in $RESULTS/$STAMP-$1-task-service.log; its last lines:"
    tail -n 20 "$WORK/service.log" >&2
  fi
  rm -f "$WORK/service.log"
}

FAILED=0
if wanted agentyard; then
  run_part agentyard part_agentyard
  keep_service_log agentyard
fi
wanted pgbench && run_part pgbench part_pgbench
wanted pgboss && run_part pgboss part_pgboss
wanted graphile && run_part graphile part_graphile
wanted bullmq && run_part bullmq part_bullmq
if wanted wakeup; then
  if [[ ${BENCH_SKIP_AGENTYARD:-0} != 1 ]]; then
    run_part wakeup-agentyard part_wakeup_agentyard
    keep_service_log wakeup-agentyard
  fi
  run_part wakeup-pgboss part_wakeup_peer pgboss
  run_part wakeup-graphile part_wakeup_peer graphile
fi

node "$NODE_DIR/report.mjs" --dir "$WORK" --md "$RESULTS/latest.md" --json "$RESULTS/$STAMP.json"
log "results: $RESULTS/latest.md and $RESULTS/$STAMP.json"
exit "$FAILED"

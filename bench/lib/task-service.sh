# Sourced by bench scripts (BENCH_DIR set): what a script needs to run task-service on its own.
# Needs WORK, PGHOST/PGPORT/PGUSER and REDIS_URL.
# shellcheck source=bench/lib/jvm.sh
source "$BENCH_DIR/lib/jvm.sh"

# The Node drivers' packages (from the lock file) and the key pair that signs the run's tokens
# ($WORK/private.pem; the service reads $WORK/public.pem).
prepare_drivers_and_keys() {
  [[ -d $BENCH_DIR/node/node_modules ]] || (cd "$BENCH_DIR/node" && npm ci --silent)
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
  openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
}

# Starts a task-service build on a free-ish port of 127.0.0.1 and waits until it is ready.
#   start_task_service APP_DIR DATABASE REDIS_PREFIX    # sets PID and PORT; the log is $WORK/service.log
#   runs with IMAGE_JAVA_OPTS (lib/jvm.sh), then BENCH_JAVA_OPTS
start_task_service() {
  PORT=$((20000 + RANDOM % 10000))
  # shellcheck disable=SC2086
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$PORT AGENTYARD_DB_URL="postgresql://$PGHOST:$PGPORT/$2" \
  AGENTYARD_DB_USER="$PGUSER" AGENTYARD_JWKS_URL="file:$WORK/public.pem" AGENTYARD_EVENTS_KEY_PREFIX="$3" \
  AGENTYARD_REDIS_URL="$REDIS_URL" java $IMAGE_JAVA_OPTS ${BENCH_JAVA_OPTS:-} -jar "$1/quarkus-run.jar" > "$WORK/service.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 240); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/q/health/ready") == 200 ]] && return 0
    kill -0 "$PID" 2>/dev/null || { tail -n 20 "$WORK/service.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "task-service not ready within 120 s" >&2
  exit 1
}

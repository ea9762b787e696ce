#!/usr/bin/env bash
# Starts the whole Agentyard suite on this machine's PostgreSQL and Redis, the gateway in front of it
# (one address for the whole API, :8080) and a worker, waits until every service is ready and the
# worker claims, and prints the URLs and the admin login. Stop it
# with deploy/local/stop.sh. The worker runs the agent AGENTYARD_WORKER_AGENT names (claude, codex;
# default: demo, a built-in stand-in that needs no agent CLI).
#   --no-build   start the jars already built
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=$ROOT/.agentyard          # keys, admin password, logs, pids (never committed)
SERVICES=(identity-service:8081 agent-service:8082 task-service:8083 execution-service:8084 chat-service:8085)
cd "$ROOT"

bash deploy/local/ensure-servers.sh
bash deploy/local/stop.sh >/dev/null 2>&1 || true
mkdir -p "$STATE/keys" "$STATE/logs" "$STATE/pids" "$STATE/env"

if [ "${1:-}" != "--no-build" ]; then
  echo "Building (./mvnw package -DskipTests)..."
  ./mvnw -q -B package -DskipTests
fi

db=${AGENTYARD_DB_NAME:-agentyard}
if ! psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "create database $db"
fi

# A signing key pair of this machine's own, generated once.
if [ ! -f "$STATE/keys/private.pem" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$STATE/keys/private.pem" 2>/dev/null
  openssl pkey -in "$STATE/keys/private.pem" -pubout -out "$STATE/keys/public.pem"
  chmod 600 "$STATE/keys/private.pem"
fi
if [ ! -f "$STATE/admin-password" ]; then
  (umask 077; echo "Ay1-$(openssl rand -hex 12)" > "$STATE/admin-password")
fi
admin_password=$(cat "$STATE/admin-password")

export AGENTYARD_DB_URL=${AGENTYARD_DB_URL:-postgresql://127.0.0.1:5432/$db}

launch() { # name port [env...]
  local name=$1 port=$2; shift 2
  # kept (0600) so deploy/local/dev.sh can run the same service in dev mode with the same settings
  (umask 077; printf '%q\n' QUARKUS_HTTP_PORT="$port" AGENTYARD_DB_URL="$AGENTYARD_DB_URL" "$@" > "$STATE/env/$name.env")
  env QUARKUS_HTTP_PORT="$port" AGENTYARD_JSON_LOGS="${AGENTYARD_JSON_LOGS:-false}" "$@" \
    nohup java -jar "$name/target/quarkus-app/quarkus-run.jar" >"$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/pids/$name.pid"
}

json_field() { # field < json: a top-level string field (no jq needed)
  sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"
}

await_ready() { # name port
  local name=$1 port=$2
  for i in $(seq 1 120); do
    if curl -fs "http://localhost:$port/q/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$STATE/pids/$name.pid")" 2>/dev/null || [ "$i" = 120 ]; then
      echo "$name did not start; last lines of $STATE/logs/$name.log:" >&2
      tail -n 30 "$STATE/logs/$name.log" >&2
      exit 1
    fi
    sleep 1
  done
}

# identity-service first: the others verify tokens against it, and execution-service and
# chat-service need service clients of their own (asking task-service who holds an execution or a task).
# AGENTYARD_TRUST_PROXY: requests come through the gateway, which passes the client's address on.
launch identity-service 8081 \
  AGENTYARD_TRUST_PROXY=true \
  AGENTYARD_JWT_PRIVATE_KEY_LOCATION="$STATE/keys/private.pem" \
  AGENTYARD_JWT_PUBLIC_KEY_LOCATION="file:$STATE/keys/public.pem" \
  AGENTYARD_ADMIN_PASSWORD="$admin_password"
echo "Waiting for the services to be ready..."
await_ready identity-service 8081

# A service's client credentials, created once through the admin API and kept (0600) while they
# still work; prints the two environment variables that make them the service's identity.
service_client() {
  local service=$1 client_file=$STATE/$1-client CLIENT_ID= CLIENT_SECRET=
  if [ -f "$client_file" ]; then
    . "$client_file"
    if ! curl -fs -H 'Content-Type: application/json' -d "{\"clientId\":\"$CLIENT_ID\",\"clientSecret\":\"$CLIENT_SECRET\"}" \
        http://localhost:8081/api/auth/token >/dev/null; then
      rm -f "$client_file"
    fi
  fi
  if [ ! -f "$client_file" ]; then
    admin_token=${admin_token:-$(curl -fs -H 'Content-Type: application/json' \
      -d "{\"username\":\"admin\",\"password\":\"$admin_password\"}" http://localhost:8081/api/auth/login | json_field accessToken)}
    created=$(curl -fs -H 'Content-Type: application/json' -H "Authorization: Bearer $admin_token" \
      -d "{\"name\":\"$service\",\"role\":\"service\"}" http://localhost:8081/api/service-clients)
    (umask 077; printf 'CLIENT_ID=%s\nCLIENT_SECRET=%s\n' "$(json_field id <<<"$created")" "$(json_field secret <<<"$created")" > "$client_file")
    . "$client_file"
  fi
  echo "AGENTYARD_SERVICE_CLIENT_ID=$CLIENT_ID AGENTYARD_SERVICE_CLIENT_SECRET=$CLIENT_SECRET"
}

for entry in "${SERVICES[@]}"; do
  name=${entry%%:*}; port=${entry##*:}
  [ "$name" = identity-service ] && continue
  extra=()
  case "$name" in
    execution-service) read -r -a extra <<<"$(service_client "$name")" ;;
    chat-service) read -r -a extra <<<"$(service_client "$name") AGENTYARD_ATTACHMENTS_DIR=$STATE/attachments" ;;
  esac
  launch "$name" "$port" AGENTYARD_JWKS_URL="http://localhost:8081/api/auth/jwks" "${extra[@]}"
done
for entry in "${SERVICES[@]}"; do
  await_ready "${entry%%:*}" "${entry##*:}"
done

# The front door: /api/... to the service that owns it, the merged OpenAPI and one Swagger UI.
launch gateway 8080
await_ready gateway 8080

# A worker of this machine, registered once with the admin's credentials (its own client credentials
# kept in .agentyard/worker/config.json, 0600), serving every task type.
WORKER_HOME=$STATE/worker
worker() { AGENTYARD_WORKER_HOME="$WORKER_HOME" java -XX:TieredStopAtLevel=1 -jar worker/target/agentyard-worker.jar "$@"; }
if [ -f "$WORKER_HOME/config.json" ]; then # credentials of an earlier database no longer work: register again
  id=$(json_field clientId <"$WORKER_HOME/config.json"); secret=$(json_field clientSecret <"$WORKER_HOME/config.json")
  curl -fs -H 'Content-Type: application/json' -d "{\"clientId\":\"$id\",\"clientSecret\":\"$secret\"}" \
    http://localhost:8081/api/auth/token >/dev/null || rm -f "$WORKER_HOME/config.json"
fi
agent=${AGENTYARD_WORKER_AGENT:-demo}
if [ ! -f "$WORKER_HOME/config.json" ] || [ "$(cat "$WORKER_HOME/agent" 2>/dev/null)" != "$agent" ]; then
  AGENTYARD_ADMIN_PASSWORD="$admin_password" worker register --name "$(hostname)-worker" --type feature \
    --queue feature --queue bugfix --queue test --queue docs --queue refactor --queue review \
    --max-concurrent 2 --agent "$agent" --admin-user admin >"$STATE/logs/worker-register.log" 2>&1 \
    || { echo "the worker could not register:" >&2; cat "$STATE/logs/worker-register.log" >&2; exit 1; }
  echo "$agent" > "$WORKER_HOME/agent"
fi
AGENTYARD_WORKER_HOME="$WORKER_HOME" nohup java -XX:TieredStopAtLevel=1 -jar worker/target/agentyard-worker.jar \
  run --grace PT15S >"$STATE/logs/worker.log" 2>&1 &
echo $! > "$STATE/pids/worker.pid"
for i in $(seq 1 60); do
  grep -q "serving" "$STATE/logs/worker.log" 2>/dev/null && break
  if ! kill -0 "$(cat "$STATE/pids/worker.pid")" 2>/dev/null || [ "$i" = 60 ]; then
    echo "the worker did not start; $STATE/logs/worker.log ends:" >&2; tail -n 20 "$STATE/logs/worker.log" >&2; exit 1
  fi
  sleep 0.5
done

echo
echo "Agentyard is running:"
echo "  API         http://localhost:8080/api"
echo "  Swagger UI  http://localhost:8080/swagger-ui   (the merged OpenAPI document: http://localhost:8080/openapi)"
echo
echo "Each service also answers on its own port (health, metrics, its own /q/swagger-ui):"
for entry in "${SERVICES[@]}"; do
  name=${entry%%:*}; port=${entry##*:}
  printf "  %-18s http://localhost:%s\n" "$name" "$port"
done
echo
echo "Admin login: username 'admin', password '$admin_password' (kept in .agentyard/admin-password)"
echo "Worker: $(hostname)-worker, agent '$agent', every task type (log: .agentyard/logs/worker.log)"
echo "Logs: .agentyard/logs/   Stop: deploy/local/stop.sh   One service in dev mode: deploy/local/dev.sh <service>"

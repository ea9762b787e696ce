#!/usr/bin/env bash
# Runs one service in Quarkus dev mode (live reload, Dev UI at /q/dev-ui, debugger on 5005) in place of
# the jar deploy/local/start.sh started, with the same port and settings, so the rest of the suite and
# the worker keep talking to it. Ctrl-C ends dev mode; deploy/local/start.sh --no-build brings the jar back.
#   deploy/local/dev.sh task-service [extra mvn arguments]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=$ROOT/.agentyard
service=${1:?"which service? identity-service, agent-service, task-service, execution-service or chat-service"}
shift
cd "$ROOT"
[ -d "$service/src/main/resources" ] || { echo "no such service: $service" >&2; exit 2; }
[ -f "$STATE/env/$service.env" ] || { echo "start the suite first: deploy/local/start.sh" >&2; exit 2; }

if [ -f "$STATE/pids/$service.pid" ]; then
  pid=$(cat "$STATE/pids/$service.pid")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$STATE/pids/$service.pid"
fi

set -a
. "$STATE/env/$service.env"
set +a
# test-compile: the service's build uses shared-model's test jar, which only a reactor build that far provides.
exec ./mvnw -B -pl "$service" -am test-compile quarkus:dev "$@"

#!/usr/bin/env bash
# Stops the worker, the gateway and the services deploy/local/start.sh started (the worker first: it
# finishes its runs against the services; then the gateway, so nobody reaches a service going down).
set -uo pipefail
PIDS=$(cd "$(dirname "$0")/../.." && pwd)/.agentyard/pids
for file in "$PIDS"/worker.pid "$PIDS"/gateway.pid "$PIDS"/*.pid; do
  [ -f "$file" ] || continue
  pid=$(cat "$file")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    echo "stopped $(basename "$file" .pid)"
  fi
  rm -f "$file"
done

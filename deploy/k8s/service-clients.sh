#!/usr/bin/env bash
# Gives execution-service and chat-service their own service clients of identity-service (README
# "execution-service API", "chat-service API"): once identity-service runs, signs in as the admin,
# creates a `service` client for each, stores them in the secret agentyard-service-clients and restarts
# the two Deployments so they read it. Namespace $1 (default agentyard). Runs from a machine with
# kubectl: identity-service is reached through a port-forward. Nothing is done when the secret exists.
set -euo pipefail
ns=${1:-agentyard}
port=${AGENTYARD_PORT_FORWARD:-18081}
if kubectl -n "$ns" get secret agentyard-service-clients >/dev/null 2>&1; then
  echo "agentyard-service-clients exists in $ns: nothing to do (delete it to make new clients)"
  exit 0
fi
kubectl -n "$ns" rollout status deployment/identity-service --timeout=300s
kubectl -n "$ns" port-forward service/identity-service "$port:8081" >/dev/null 2>&1 &
forward=$!
trap 'kill $forward 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do
  curl -fs "http://localhost:$port/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
done

json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }
admin_password=$(kubectl -n "$ns" get secret agentyard-admin -o jsonpath='{.data.password}' | base64 -d)
token=$(printf '{"username":"admin","password":"%s"}' "$admin_password" |
  curl -fs -H 'Content-Type: application/json' -d @- "http://localhost:$port/api/auth/login" | json_field accessToken)
[ -n "$token" ] || { echo "the admin could not sign in" >&2; exit 1; }

suffix=$(date -u +%Y%m%dT%H%M%S)   # names are unique: an earlier run's clients keep theirs
client() { # name -> "id secret"
  local created
  created=$(curl -fs -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"name\":\"$1-$suffix\",\"role\":\"service\"}" "http://localhost:$port/api/service-clients")
  echo "$(json_field id <<<"$created") $(json_field secret <<<"$created")"
}
read -r execution_id execution_secret <<<"$(client execution-service)"
read -r chat_id chat_secret <<<"$(client chat-service)"
[ -n "$execution_secret" ] && [ -n "$chat_secret" ] || { echo "could not create the service clients" >&2; exit 1; }
# the credentials go through files readable by this user only, never on a command line
work=$(mktemp -d)
trap 'kill $forward 2>/dev/null || true; rm -rf "$work"' EXIT
(umask 077
 printf %s "$execution_id" > "$work/execution-client-id"; printf %s "$execution_secret" > "$work/execution-client-secret"
 printf %s "$chat_id" > "$work/chat-client-id"; printf %s "$chat_secret" > "$work/chat-client-secret")
kubectl -n "$ns" create secret generic agentyard-service-clients \
  --from-file=execution-client-id="$work/execution-client-id" --from-file=execution-client-secret="$work/execution-client-secret" \
  --from-file=chat-client-id="$work/chat-client-id" --from-file=chat-client-secret="$work/chat-client-secret"
kubectl -n "$ns" rollout restart deployment/execution-service deployment/chat-service
echo "execution-service and chat-service restart with their service clients"

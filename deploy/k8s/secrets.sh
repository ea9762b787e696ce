#!/usr/bin/env bash
# Creates the secrets the Agentyard manifests reference, in namespace $1 (default agentyard), each only
# when it is missing: nothing secret is ever committed. Values come from the environment when set (prod:
# the external database's password), otherwise they are generated here, shown once where a person needs
# them (the admin password), and kept only in the cluster.
#   AGENTYARD_DB_PASSWORD_IDENTITY, _AGENT, _TASK, _EXECUTION, _CHAT
#                             each service's database role's password (prod: the ones the database's
#                             administrator gave base/db-roles.sql; default: generated, for the dev overlay)
#   AGENTYARD_REDIS_PASSWORD  Redis's password (default: none, no agentyard-redis secret)
#   AGENTYARD_JWT_KEY_FILE    an RSA private key, PKCS#8 PEM (default: a new 2048-bit key)
#   AGENTYARD_ADMIN_PASSWORD  the first admin's password (default: generated and printed)
# The service clients of execution-service and chat-service come later, from identity-service itself:
# deploy/k8s/service-clients.sh.
set -euo pipefail
ns=${1:-agentyard}
command -v kubectl >/dev/null || { echo "kubectl is needed" >&2; exit 2; }
command -v openssl >/dev/null || { echo "openssl is needed" >&2; exit 2; }

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"

exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }
random() { openssl rand -hex 24; }
# values go through files readable by this user only, never on a command line
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

# agentyard-db: one password per service role (key: its schema), and `admin`, the superuser's of the dev
# overlay's PostgreSQL (unused with an external one)
if ! exists agentyard-db; then
  printf %s "$(random)" > "$work/db-admin"
  files=(--from-file=admin="$work/db-admin")
  for schema in identity agent task execution chat; do
    var=AGENTYARD_DB_PASSWORD_${schema^^}
    printf %s "${!var:-$(random)}" > "$work/db-$schema"
    files+=(--from-file="$schema=$work/db-$schema")
  done
  kubectl -n "$ns" create secret generic agentyard-db "${files[@]}"
fi

# agentyard-redis: password (only when Redis asks for one)
if [ -n "${AGENTYARD_REDIS_PASSWORD:-}" ] && ! exists agentyard-redis; then
  printf %s "$AGENTYARD_REDIS_PASSWORD" > "$work/redis"
  kubectl -n "$ns" create secret generic agentyard-redis --from-file=password="$work/redis"
fi

# agentyard-jwt: private-key.pem (identity-service signs access tokens with it)
if ! exists agentyard-jwt; then
  key=${AGENTYARD_JWT_KEY_FILE:-}
  if [ -z "$key" ]; then
    key=$work/private-key.pem
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null
  fi
  kubectl -n "$ns" create secret generic agentyard-jwt --from-file=private-key.pem="$key"
fi

# agentyard-admin: password (the first admin, created by identity-service when no admin exists)
if ! exists agentyard-admin; then
  # letters and digits, as identity-service's password rules want
  admin_password=${AGENTYARD_ADMIN_PASSWORD:-Ay1-$(openssl rand -hex 12)}
  printf %s "$admin_password" > "$work/admin"
  kubectl -n "$ns" create secret generic agentyard-admin --from-file=password="$work/admin"
  [ -n "${AGENTYARD_ADMIN_PASSWORD:-}" ] || echo "Admin login: username 'admin', password '$admin_password'" \
    "(also: kubectl -n $ns get secret agentyard-admin -o jsonpath='{.data.password}' | base64 -d)"
fi
echo "Secrets of namespace $ns: agentyard-db, agentyard-jwt, agentyard-admin${AGENTYARD_REDIS_PASSWORD:+, agentyard-redis}"

#!/usr/bin/env bash
# Checks a docker-compose file (default: the repository's) without a container engine:
#   1. `docker-compose config` must accept it (syntax, schema, anchors, interpolation);
#   2. deploy/compose/check-compose.mjs on the resolved config: every service of
#      libs/contracts/src/services.ts with its HTTP_PORT, depends_on on health-checked services waits
#      for service_healthy, bind-mounted files exist, NATS_STREAM_REPLICAS ≤ the NATS nodes;
#   3. nats-server -t on deploy/nats/cluster.conf (when nats-server is installed).
# Usage: scripts/check-compose.sh [compose-file]   (CI installs docker-compose: .ci/run)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FILE="${1:-$ROOT/docker-compose.yml}"
PATH="$ROOT/node_modules/.bin:$PATH"
if ! command -v docker-compose >/dev/null; then
  echo "check-compose: docker-compose is not installed (Debian: apt-get install -y docker-compose)" >&2; exit 2
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The secrets the file requires (${VAR:?…}) get placeholders: `config` only resolves them.
export AF_JWT_SECRET=check-compose-placeholder-0123456789abcdef AF_API_KEY_PEPPER=check-compose-placeholder-0123456789abcdef
export SECRETS_MASTER_KEYS='{"k1":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}'
if ! docker-compose --project-directory "$ROOT" -f "$FILE" config >"$tmp/resolved.yml" 2>"$tmp/err"; then
  echo "check-compose: docker-compose config refused $FILE:" >&2; cat "$tmp/err" >&2; exit 1
fi
node "$ROOT/deploy/compose/check-compose.mjs" "$tmp/resolved.yml" "$ROOT"
if command -v nats-server >/dev/null; then
  NATS_SERVER_NAME=check NATS_STORE_DIR="$tmp/js" nats-server -t -c "$ROOT/deploy/nats/cluster.conf" >/dev/null 2>"$tmp/nats-err" \
    || { echo "check-compose: deploy/nats/cluster.conf is invalid:" >&2; cat "$tmp/nats-err" >&2; exit 1; }
fi
echo "check-compose: $(basename "$FILE") is valid"

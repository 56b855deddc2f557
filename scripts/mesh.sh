#!/usr/bin/env bash
# Runs the whole Agent Factory mesh on this machine: every service as a Node process, logs in
# .state/logs/<service>.log (JSON lines), pids in .state/pids/.
#
#   scripts/mesh.sh up       build if needed, start dependencies and all services, wait until ready
#   scripts/mesh.sh down     stop all services (SIGTERM: consumers drain, connections close)
#   scripts/mesh.sh status   each service's /health/ready
#
# Env: AF_JWT_SECRET (default: generated once into .state/jwt-secret), AF_API_KEY_PEPPER (default:
#      generated once into .state/api-key-pepper), SECRETS_MASTER_KEYS / SECRETS_ACTIVE_MASTER_KEY
#      (default: one key generated once into .state/secrets-master-keys.json), LOG_LEVEL (info),
#      AF_SKIP_BUILD=1 to start the existing dist/ as is.
#      AF_NATS_AUTH=1: the mesh runs against its own nats-server (127.0.0.1:${AF_NATS_AUTH_PORT:-4223},
#      store .state/nats-auth/js) with the per-service credentials and permissions of
#      scripts/nats-auth.mjs (README "NATS security"); the shared :4222 is not used.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

SERVICES=(audit governance metering secrets webhooks triggers blueprints validation compilation deployment orchestrator worker health memory pool-manager gateway)
declare -A PORTS=([gateway]=8080 [blueprints]=8081 [validation]=8082 [compilation]=8083 [deployment]=8084 [orchestrator]=8085 [worker]=8086 [health]=8087 [memory]=8088 [pool-manager]=8089 [audit]=8090 [governance]=8091 [metering]=8092 [secrets]=8093 [webhooks]=8094 [triggers]=8095)
# The worker on :8086 carries the base load; the pool manager adds workers (ports 8100+) while the
# queue is deep and takes them away after it drains (README "Scaling"). AF_POOL_MAX_WORKERS
# (default 3) bounds how many.
declare -A EXTRA_ENV=([pool-manager]="POOL_MIN_WORKERS=0 POOL_MAX_WORKERS=${AF_POOL_MAX_WORKERS:-3}")
# The local mesh (e2e, demo) puts every tenant on a plan with room for the e2e fuzz suite's bursts
# (16 concurrent requests of one user); README "Rate limits and quotas". Override with the variables.
# The exceptions: the tenant `e2e-limited`, on a `free` plan with a small burst (5 requests in any
# 1 s per principal), and `e2e-quota`, on a `pro` plan of 2 runs a month, so that
# e2e/src/api-keys.e2e-spec.ts can show both 429s through the gateway.
MESH_RATE_LIMIT_PLANS='{"enterprise":{"rps":5000,"burst":10000},"free":{"rps":5,"burst":5},"pro":{"monthlyRuns":2}}'
EXTRA_ENV[gateway]="AF_DEFAULT_PLAN=${AF_DEFAULT_PLAN:-enterprise} AF_RATE_LIMIT_PLANS=${AF_RATE_LIMIT_PLANS:-$MESH_RATE_LIMIT_PLANS} AF_TENANT_PLANS=${AF_TENANT_PLANS:-e2e-limited=free,e2e-quota=pro}"
# Escalations whose policy names no deadline (a blueprint cannot ask for less than 60 s) pass each
# level after AF_GOVERNANCE_DEFAULT_DEADLINE_SEC (5 min on this dev mesh — time to try an approval
# by hand; 24 h in production) and are swept every second. The end-to-end setup starts the mesh
# with 10 s, so e2e/src/governance-runs.e2e-spec.ts sees a deadline pass, escalate and reject by
# policy within ~25 s. Policies with their own deadlines are unaffected.
EXTRA_ENV[governance]="GOVERNANCE_DEFAULT_DEADLINE_SEC=${AF_GOVERNANCE_DEFAULT_DEADLINE_SEC:-300} GOVERNANCE_SWEEP_INTERVAL_MS=1000"
# How long `down` waits for a service after SIGTERM before SIGKILL (the pool manager drains its workers).
declare -A STOP_WAIT_S=([pool-manager]=30)
# isolated-vm needs V8's startup snapshot off in the process that hosts isolates.
declare -A NODE_FLAGS=([worker]="--no-node-snapshot")
# Every service: gc() exposed so that an idle service gives back the heap boot and load grew
# (libs/runtime idle-heap-trim.ts: one full GC after busy → idle; ~35–50 MiB RSS per process).
NODE_FLAGS_ALL="--expose-gc"

STATE="$ROOT/.state"; LOGS="$STATE/logs"; PIDS="$STATE/pids"
mkdir -p "$LOGS" "$PIDS"

secret() {
  if [[ -n "${AF_JWT_SECRET:-}" ]]; then echo "$AF_JWT_SECRET"; return; fi
  if [[ ! -s "$STATE/jwt-secret" ]]; then
    node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))" > "$STATE/jwt-secret"
    chmod 600 "$STATE/jwt-secret"
  fi
  cat "$STATE/jwt-secret"
}

# The HMAC key API keys are stored under (README "API keys"): kept across restarts, or every key breaks.
pepper() {
  if [[ -n "${AF_API_KEY_PEPPER:-}" ]]; then echo "$AF_API_KEY_PEPPER"; return; fi
  if [[ ! -s "$STATE/api-key-pepper" ]]; then
    node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))" > "$STATE/api-key-pepper"
    chmod 600 "$STATE/api-key-pepper"
  fi
  cat "$STATE/api-key-pepper"
}

# The secrets service's master key (services/secrets/README.md): kept across restarts, or every stored secret is unreadable.
master_keys() {
  if [[ -n "${SECRETS_MASTER_KEYS:-}" ]]; then echo "$SECRETS_MASTER_KEYS"; return; fi
  if [[ ! -s "$STATE/secrets-master-keys.json" ]]; then
    node -e "process.stdout.write(JSON.stringify({ k1: require('node:crypto').randomBytes(32).toString('base64') }))" > "$STATE/secrets-master-keys.json"
    chmod 600 "$STATE/secrets-master-keys.json"
  fi
  cat "$STATE/secrets-master-keys.json"
}

running() { [[ -f "$PIDS/$1.pid" ]] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }
ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${PORTS[$1]}/health/ready" 2>/dev/null; }

NATS_AUTH_DIR="$STATE/nats-auth"
nats_auth_up() {
  local port="${AF_NATS_AUTH_PORT:-4223}"
  node scripts/nats-auth.mjs --out "$NATS_AUTH_DIR" --namespace "${AF_NAMESPACE:-}"
  mkdir -p "$NATS_AUTH_DIR/js"
  printf 'listen: "127.0.0.1:%s"\njetstream { store_dir: "%s" }\ninclude ./auth.conf\n' "$port" "$NATS_AUTH_DIR/js" >"$NATS_AUTH_DIR/server.conf"
  if ! running nats-auth; then
    nohup nats-server -c "$NATS_AUTH_DIR/server.conf" >>"$LOGS/nats-auth.log" 2>&1 &
    echo $! >"$PIDS/nats-auth.pid"
    for _ in $(seq 1 40); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.25; done
    echo "mesh: started nats-server with per-service credentials (pid $(cat "$PIDS/nats-auth.pid"), nats://127.0.0.1:$port, log .state/logs/nats-auth.log)"
  fi
  export NATS_URL="nats://127.0.0.1:$port"
  for svc in "${SERVICES[@]}"; do EXTRA_ENV[$svc]="${EXTRA_ENV[$svc]:-} NATS_NKEY_SEED_FILE=$NATS_AUTH_DIR/seeds/$svc.nk"; done
  # The pool manager's extra workers connect as the worker, not as the pool manager: it replaces
  # its own NATS credentials in their environment with this seed (README "NATS security").
  EXTRA_ENV[pool-manager]="${EXTRA_ENV[pool-manager]:-} POOL_WORKER_NATS_NKEY_SEED_FILE=$NATS_AUTH_DIR/seeds/worker.nk"
}

up() {
  bash scripts/deps.sh up >/dev/null
  if [[ "${AF_SKIP_BUILD:-0}" != 1 ]]; then
    echo "mesh: building"
    nx run-many -t build --projects='tag:type:service,console,cli' --output-style=static >"$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log"; exit 1; }
  fi
  if [[ "${AF_NATS_AUTH:-0}" == 1 ]]; then nats_auth_up; fi
  export AF_JWT_SECRET; AF_JWT_SECRET="$(secret)"
  export AF_API_KEY_PEPPER; AF_API_KEY_PEPPER="$(pepper)"
  export SECRETS_MASTER_KEYS; SECRETS_MASTER_KEYS="$(master_keys)"
  export SECRETS_ACTIVE_MASTER_KEY="${SECRETS_ACTIVE_MASTER_KEY:-$(node -e "const k=Object.keys(JSON.parse(process.argv[1]));process.stdout.write(k[k.length-1])" "$SECRETS_MASTER_KEYS")}"
  export LOG_LEVEL="${LOG_LEVEL:-info}"
  for svc in "${SERVICES[@]}"; do
    if running "$svc"; then echo "mesh: $svc already running (pid $(cat "$PIDS/$svc.pid"))"; continue; fi
    # One run's log per file; the previous run's is kept beside it (.log.1), nothing older.
    [[ -s "$LOGS/$svc.log" ]] && mv -f "$LOGS/$svc.log" "$LOGS/$svc.log.1"
    # AF_NODE_FLAGS_<service> adds node flags to one service (e.g. AF_NODE_FLAGS_orchestrator="--cpu-prof --cpu-prof-dir=.state/prof"; a dash in the name is an underscore).
    extra_flags_var="AF_NODE_FLAGS_${svc//-/_}"
    env ${EXTRA_ENV[$svc]:-} HTTP_PORT="${PORTS[$svc]}" nohup node $NODE_FLAGS_ALL ${NODE_FLAGS[$svc]:-} ${!extra_flags_var:-} "services/$svc/dist/main.js" >>"$LOGS/$svc.log" 2>&1 &
    echo $! >"$PIDS/$svc.pid"
    echo "mesh: started $svc (pid $!, http://127.0.0.1:${PORTS[$svc]}, log .state/logs/$svc.log)"
  done
  local deadline=$((SECONDS + ${AF_MESH_TIMEOUT:-90}))
  for svc in "${SERVICES[@]}"; do
    until ready "$svc"; do
      if ! running "$svc"; then echo "mesh: $svc exited during startup:" >&2; tail -20 "$LOGS/$svc.log" >&2; exit 1; fi
      if (( SECONDS > deadline )); then echo "mesh: $svc not ready in time:" >&2; tail -20 "$LOGS/$svc.log" >&2; exit 1; fi
      sleep 0.5
    done
  done
  echo "mesh: all ${#SERVICES[@]} services ready; gateway on http://127.0.0.1:8080"
}

down() {
  for svc in "${SERVICES[@]}"; do
    if running "$svc"; then kill -TERM "$(cat "$PIDS/$svc.pid")"; fi
  done
  for svc in "${SERVICES[@]}"; do
    for _ in $(seq 1 $(( ${STOP_WAIT_S[$svc]:-10} * 4 ))); do running "$svc" || break; sleep 0.25; done
    if running "$svc"; then kill -KILL "$(cat "$PIDS/$svc.pid")" || true; echo "mesh: killed $svc"; fi
    rm -f "$PIDS/$svc.pid"
  done
  if running nats-auth; then kill -TERM "$(cat "$PIDS/nats-auth.pid")"; sleep 0.5; echo "mesh: stopped the nats-server with per-service credentials"; fi
  rm -f "$PIDS/nats-auth.pid"
  echo "mesh: stopped"
}

status() {
  local rc=0
  for svc in "${SERVICES[@]}"; do
    if ready "$svc"; then echo "  ready     $svc :${PORTS[$svc]}"; else echo "  NOT READY $svc :${PORTS[$svc]}"; rc=1; fi
  done
  return $rc
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac

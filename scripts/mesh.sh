#!/usr/bin/env bash
# Runs the whole Agent Factory mesh on this machine: every service as a Node process, logs in
# .state/logs/<service>.log (JSON lines), pids in .state/pids/.
#
#   scripts/mesh.sh up       build if needed, start dependencies and all services, wait until ready
#   scripts/mesh.sh down     stop all services (SIGTERM: consumers drain, connections close)
#   scripts/mesh.sh status   each service's /health/ready
#
# Env: AF_JWT_SECRET (default: generated once into .state/jwt-secret), LOG_LEVEL (info),
#      AF_SKIP_BUILD=1 to start the existing dist/ as is.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

SERVICES=(blueprints validation compilation deployment orchestrator worker health memory pool-manager gateway)
declare -A PORTS=([gateway]=8080 [blueprints]=8081 [validation]=8082 [compilation]=8083 [deployment]=8084 [orchestrator]=8085 [worker]=8086 [health]=8087 [memory]=8088 [pool-manager]=8089)
# The worker on :8086 carries the base load; the pool manager adds workers (ports 8100+) while the
# queue is deep and takes them away after it drains (README "Scaling"). AF_POOL_MAX_WORKERS
# (default 3) bounds how many.
declare -A EXTRA_ENV=([pool-manager]="POOL_MIN_WORKERS=0 POOL_MAX_WORKERS=${AF_POOL_MAX_WORKERS:-3}")
# How long `down` waits for a service after SIGTERM before SIGKILL (the pool manager drains its workers).
declare -A STOP_WAIT_S=([pool-manager]=30)
# isolated-vm needs V8's startup snapshot off in the process that hosts isolates.
declare -A NODE_FLAGS=([worker]="--no-node-snapshot")

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

running() { [[ -f "$PIDS/$1.pid" ]] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }
ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${PORTS[$1]}/health/ready" 2>/dev/null; }

up() {
  bash scripts/deps.sh up >/dev/null
  if [[ "${AF_SKIP_BUILD:-0}" != 1 ]]; then
    echo "mesh: building"
    nx run-many -t build --projects='tag:type:service' --output-style=static >"$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log"; exit 1; }
  fi
  export AF_JWT_SECRET; AF_JWT_SECRET="$(secret)"
  export LOG_LEVEL="${LOG_LEVEL:-info}"
  for svc in "${SERVICES[@]}"; do
    if running "$svc"; then echo "mesh: $svc already running (pid $(cat "$PIDS/$svc.pid"))"; continue; fi
    # One run's log per file; the previous run's is kept beside it (.log.1), nothing older.
    [[ -s "$LOGS/$svc.log" ]] && mv -f "$LOGS/$svc.log" "$LOGS/$svc.log.1"
    env ${EXTRA_ENV[$svc]:-} HTTP_PORT="${PORTS[$svc]}" nohup node ${NODE_FLAGS[$svc]:-} "services/$svc/dist/main.js" >>"$LOGS/$svc.log" 2>&1 &
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

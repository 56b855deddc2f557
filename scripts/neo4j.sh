#!/usr/bin/env bash
# Local Neo4j 5.26 community (embedded, Bolt only, no auth) for development.
#
#   scripts/neo4j.sh start|stop|restart|status|build
#
# Env: NEO4J_BOLT_PORT (7687), NEO4J_DATA_DIR (<repo>/.state/neo4j),
#      NEO4J_HEAP (512m), NEO4J_PAGECACHE_MB (96), NEO4J_START_TIMEOUT (120), NEO4J_STOP_TIMEOUT (60).
# State: .state/neo4j.pid, log .state/logs/neo4j.log (Neo4j's debug.log beside it).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOL_DIR="$ROOT/tools/neo4j"
JAR="$TOOL_DIR/target/embedded-neo4j.jar"
LIB_DIR="$TOOL_DIR/target/lib"
MAIN_CLASS="io.agentfactory.neo4j.EmbeddedNeo4j"

STATE_DIR="$ROOT/.state"
PID_FILE="$STATE_DIR/neo4j.pid"
LOGS_DIR="$STATE_DIR/logs"
LOG_FILE="$LOGS_DIR/neo4j.log"

HOST=127.0.0.1
PORT="${NEO4J_BOLT_PORT:-7687}"
DATA_DIR="${NEO4J_DATA_DIR:-$STATE_DIR/neo4j}"
HEAP="${NEO4J_HEAP:-512m}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"

log() { echo "neo4j: $*"; }
die() { echo "neo4j: $*" >&2; exit 1; }

# --- build -----------------------------------------------------------------

needs_build() {
  [[ -f "$JAR" && -d "$LIB_DIR" ]] || return 0
  [[ -n "$(find "$TOOL_DIR/pom.xml" "$TOOL_DIR/src" -newer "$JAR" -print -quit)" ]]
}

build() {
  command -v mvn >/dev/null || die "mvn not found (needs Maven 3.8+ and Java 17+)"
  log "building $TOOL_DIR (mvn package)"
  local out
  # Debian's Maven prints stray ANSI resets even with -q -B; strip them.
  if ! out="$(mvn -q -B -f "$TOOL_DIR/pom.xml" package 2>&1)"; then
    printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' >&2
    die "build failed"
  fi
  out="$(printf '%s' "$out" | sed 's/\x1b\[[0-9;]*m//g')"
  [[ -z "$out" ]] || printf '%s\n' "$out"
  [[ -f "$JAR" ]] || die "build did not produce $JAR"
  touch "$JAR" # mark up to date even if Maven left an unchanged jar alone (see needs_build)
}

# --- process / port helpers ------------------------------------------------

# PID from the pidfile if that process is alive and is our server.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  grep -qaF "$MAIN_CLASS" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
}

# Bolt handshake: magic 6060B017 + proposals 5.0-5.4 and 4.4; a Bolt server answers 00 00 <minor> <major>.
answers_bolt() {
  local reply
  reply="$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x60\x60\xb0\x17\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    head -c 4 <&3 | od -An -tx1 | tr -d " \n"
  ' _ "$HOST" "$PORT" 2>/dev/null)" || return 1
  [[ "$reply" =~ ^0000[0-9a-f]{2}0[345]$ ]]
}

# --- commands --------------------------------------------------------------

start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on bolt://$HOST:$PORT"
    return 0
  fi
  if port_open; then
    if answers_bolt; then
      log "port $PORT is already served by another Bolt server (not started by this script); using it"
      return 0
    fi
    die "port $PORT is in use by something that does not speak Bolt"
  fi

  if needs_build; then build; fi
  command -v java >/dev/null || die "java not found (needs Java 17+)"
  mkdir -p "$LOGS_DIR" "$DATA_DIR"
  rm -f "$PID_FILE"

  local offset=0
  [[ -f "$LOG_FILE" ]] && offset="$(stat -c %s "$LOG_FILE")"
  local t0=$SECONDS
  # JVM flags as in Neo4j's own neo4j.conf (module opens for its off-heap/NIO access, netty).
  # The daemon keeps none of the caller's file descriptors beyond stdio: a caller under
  # `flock LOCK cmd` would otherwise leave its lock held by Neo4j for as long as Neo4j runs.
  (
  for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; if (( fd > 2 )); then eval "exec ${fd}>&-" 2>/dev/null || true; fi; done
  exec nohup java \
    -Xms128m -Xmx"$HEAP" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC \
    -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED \
    --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$JAR:$LIB_DIR/*" "$MAIN_CLASS" \
    --data-dir "$DATA_DIR" --logs-dir "$LOGS_DIR" --host "$HOST" --port "$PORT" \
    </dev/null >>"$LOG_FILE" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "starting (pid $pid, data $DATA_DIR, log $LOG_FILE)"

  while ((SECONDS - t0 < START_TIMEOUT)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$LOG_FILE" >&2 || true
      die "process exited during startup; see $LOG_FILE"
    fi
    if grep -q "neo4j ready bolt://" < <(tail -c +"$((offset + 1))" "$LOG_FILE") && port_open; then
      log "ready bolt://$HOST:$PORT (pid $pid, $((SECONDS - t0))s)"
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$LOG_FILE" >&2 || true
  stop >&2 || true
  die "not ready after ${START_TIMEOUT}s; see $LOG_FILE"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local ticks=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((ticks++ >= STOP_TIMEOUT * 5)); then
      log "still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  log "stopped"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    if port_open; then
      log "running (pid $pid) bolt://$HOST:$PORT"
    else
      log "running (pid $pid) but bolt://$HOST:$PORT is not accepting connections (starting?)"
    fi
    return 0
  fi
  if port_open && answers_bolt; then
    log "not running (but bolt://$HOST:$PORT is served by another Bolt server)"
  else
    log "not running"
  fi
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) status ;;
  build) build ;;
  *)
    echo "usage: $0 {start|stop|restart|status|build}" >&2
    exit 2
    ;;
esac

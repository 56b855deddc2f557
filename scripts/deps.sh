#!/usr/bin/env bash
# The mesh's real dependencies: PostgreSQL, Redis, NATS JetStream (the machine's) and Neo4j (the project's).
#
#   scripts/deps.sh check   report each one; exit 1 if any is down
#   scripts/deps.sh up      start whatever is down (machine services with their system commands, Neo4j via Maven)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PG_START='pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
REDIS_START='redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log'
NATS_START='start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log'

port_of() { # url default
  local rest="${1#*://}"; rest="${rest#*@}"; rest="${rest%%/*}"
  if [[ "$rest" == *:* ]]; then echo "${rest##*:}"; else echo "$2"; fi
}
host_of() {
  local rest="${1#*://}"; rest="${rest#*@}"; rest="${rest%%/*}"; echo "${rest%%:*}"
}
reachable() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

check_one() { # label url default-port
  local host port; host=$(host_of "$2"); port=$(port_of "$2" "$3")
  if reachable "$host" "$port"; then echo "  up    $1 ($host:$port)"; return 0; fi
  echo "  DOWN  $1 ($host:$port)"; return 1
}

wait_for() { # label host port seconds
  for _ in $(seq 1 "$4"); do reachable "$2" "$3" && return 0; sleep 1; done
  echo "deps: $1 did not come up on $2:$3" >&2; return 1
}

start_machine_service() { # label url default-port command
  local host port; host=$(host_of "$2"); port=$(port_of "$2" "$3")
  reachable "$host" "$port" && return 0
  if [[ "$host" != "127.0.0.1" && "$host" != "localhost" ]]; then
    echo "deps: $1 at $host:$port is down and is not local; start it there" >&2; return 1
  fi
  echo "deps: starting $1: $4"
  bash -c "$4" >/dev/null
  wait_for "$1" "$host" "$port" 30
}

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
NEO4J_URL="${NEO4J_URL:-bolt://127.0.0.1:7687}"

case "${1:-check}" in
  check)
    ok=0
    check_one PostgreSQL "$DATABASE_URL" 5432 || ok=1
    check_one Redis "$REDIS_URL" 6379 || ok=1
    check_one "NATS JetStream" "$NATS_URL" 4222 || ok=1
    check_one Neo4j "$NEO4J_URL" 7687 || ok=1
    exit $ok
    ;;
  up)
    start_machine_service PostgreSQL "$DATABASE_URL" 5432 "$PG_START"
    start_machine_service Redis "$REDIS_URL" 6379 "$REDIS_START"
    start_machine_service "NATS JetStream" "$NATS_URL" 4222 "$NATS_START"
    if ! reachable "$(host_of "$NEO4J_URL")" "$(port_of "$NEO4J_URL" 7687)"; then
      NEO4J_BOLT_PORT="$(port_of "$NEO4J_URL" 7687)" bash "$ROOT/scripts/neo4j.sh" start
    fi
    "$0" check
    ;;
  *) echo "usage: $0 check|up" >&2; exit 2 ;;
esac

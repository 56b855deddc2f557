#!/usr/bin/env bash
# README command B: every check and every test — lint, type-check, build, unit tests (no services),
# integration tests against the real PostgreSQL, Redis, NATS JetStream and Neo4j, the
# end-to-end test through the gateway against the running mesh, then the chaos suite (chaos/).
#
# PostgreSQL, Redis and NATS are the machine's: if one is down, the tests that need it fail and
# name it with the command that starts it. Neo4j is brought by the project, so it is started here
# unless AF_NO_AUTOSTART=1 (then a missing Neo4j fails the tests the same way).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
LOG="$ROOT/.state/test-output.log"
mkdir -p "$ROOT/.state"; : >"$LOG"

step() { CURRENT_STEP="$*"; echo; echo "== $*"; }
# A failed step is named again at the end (CI shows the tail of the output).
failed_steps=()
fail() { status=1; failed_steps+=("$CURRENT_STEP"); }
run() { "$@" 2>&1 | tee -a "$LOG"; return "${PIPESTATUS[0]}"; }

[[ -x node_modules/.bin/node ]] || npm install --no-audit --no-fund || exit 1

if [[ "${AF_NO_AUTOSTART:-0}" != 1 && -z "${NEO4J_URL:-}" ]]; then
  bash scripts/neo4j.sh start || exit 1
fi

status=0
step "generated code and configs are up to date"
run bash scripts/check-generated.sh || fail
step "docker-compose.yml is valid and matches the contracts (scripts/check-compose.sh)"
run bash scripts/check-compose.sh || fail
step "lint, type-check and build (every project)"
run nx run-many -t lint typecheck build --output-style=static || fail
step "unit tests (every *.spec.ts and the lint rules' tests; no services: their URLs point at closed ports)"
run npm run -s test:unit || fail
# --forceExit: a suite that leaves a timer or socket open (a leak to chase with --detectOpenHandles)
# must not hang the run after its tests have finished; every test still has its own timeout.
step "integration tests (every *.int-spec.ts against the real services; each run in its own NATS namespace, schemas and key prefixes)"
run nx run-many -t test --exclude=e2e,chaos,lint-rules --parallel=2 --output-style=static -- --selectProjects integration --passWithNoTests --forceExit || fail
step "end-to-end: the golden path through the gateway against the running mesh"
if bash scripts/mesh.sh status >/dev/null 2>&1 || ls .state/pids/*.pid >/dev/null 2>&1; then
  echo "a mesh from this checkout is running: stopping it so the end-to-end test runs the code just built"
  bash scripts/mesh.sh down
fi
if curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:8080/health/live 2>/dev/null; then
  echo "a mesh started from another checkout answers on :8080: the end-to-end test would run against it, not against this code." >&2
  echo "stop it there (npm run mesh:down) and run the tests again." >&2
  fail
else
  run nx run e2e:test --output-style=static -- --forceExit || fail
fi
step "chaos: faults against a mesh of its own (own NATS, PostgreSQL, Redis, Neo4j; ports of its own — never the machine's)"
# CHAOS_PG_DOWN_MS (default 180000) is how long PostgreSQL stays down in its drill.
# The chaos suite starts a Neo4j of its own from the project's embedded build: build it if this
# checkout has not (B starts no Neo4j of its own when one already listens on :7687).
[[ -f tools/neo4j/target/embedded-neo4j.jar ]] || run bash scripts/neo4j.sh build || fail
run nx run chaos:test --output-style=static -- --forceExit || fail

clean=$(sed 's/\x1b\[[0-9;]*m//g' "$LOG")
passed=$(grep -E '^Tests: ' <<<"$clean" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -E '^Tests: ' <<<"$clean" | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
[[ $status -ne 0 && $failed -eq 0 ]] && failed=1 && echo "(a step failed outside the test runner; see above)"
if ((${#failed_steps[@]})); then
  echo "failed steps:"
  printf '  - %s\n' "${failed_steps[@]}"
  # The failing lines of the log, so a CI that shows only the tail still shows why.
  grep -nE '(error|Error|ERR!|FAIL|failed|✕)' <<<"$clean" | grep -vE '^[0-9]+:\s*(PASS|✓)' | tail -40 || true
fi
echo
echo "$passed passed, $failed failed"
exit $status

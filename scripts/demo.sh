#!/usr/bin/env bash
# README command A: install, start the dependencies and the whole mesh, then run the demo.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
[[ -x node_modules/.bin/node ]] || npm install --no-audit --no-fund
bash scripts/mesh.sh up
node_modules/.bin/node scripts/demo.mjs

#!/usr/bin/env bash
# Fails when generated files are out of date: protobuf TypeScript (from proto/) and the project
# configs (from scripts/sync-project-configs.mjs), and the typed API client (from services/gateway/openapi.json). Reviews see generated diffs; CI sees drift.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r libs/contracts/src/gen "$tmp/gen-before"
buf lint
buf generate
node scripts/sync-project-configs.mjs >/dev/null
cp libs/api-client/src/schema.gen.ts "$tmp/schema.gen.ts"
node scripts/gen-api-client.mjs >/dev/null
if ! diff -q "$tmp/schema.gen.ts" libs/api-client/src/schema.gen.ts >/dev/null; then
  echo "libs/api-client/src/schema.gen.ts was stale against services/gateway/openapi.json: run npm run openapi:gen and commit both" >&2; exit 1
fi
if ! diff -r "$tmp/gen-before" libs/contracts/src/gen >/dev/null; then
  echo "proto-generated code was stale: run npm run proto:gen and commit libs/contracts/src/gen" >&2; exit 1
fi
if git rev-parse --git-dir >/dev/null 2>&1 && ! git diff --quiet -- '*tsconfig*.json' '*jest.config.js'; then
  git --no-pager diff --stat -- '*tsconfig*.json' '*jest.config.js' >&2
  echo "project configs drifted from scripts/sync-project-configs.mjs: run it and commit" >&2; exit 1
fi
echo "generated code and configs are up to date"

#!/usr/bin/env node
// Regenerates the manifests derived from the contracts and the services' sources:
//   istio/authorization-policies.yaml  (who may connect to whom: tools/manifest-checks/src/topology.ts)
//   deploy/k8s/base/services/*.yaml    (one service's Deployment, Service, PDB, NetworkPolicy, HPA, ServiceMonitor)
// Run: node scripts/gen-istio-policies.mjs [--check]   (the manifest-checks unit test fails on drift)
import { execFileSync } from 'node:child_process';
const root = new URL('..', import.meta.url).pathname;
execFileSync(`${root}node_modules/.bin/tsc`, ['-b', 'tools/manifest-checks/tsconfig.app.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [`${root}tools/manifest-checks/dist/main.js`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

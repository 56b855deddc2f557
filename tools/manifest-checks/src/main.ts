import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateAll } from './generate.js';
import { workspaceRoot } from './topology.js';

/**
 * Writes the generated manifests (deploy/k8s/base/services/*.yaml, istio/authorization-policies.yaml);
 * with --check, writes nothing and exits 1 when a committed file differs.
 */
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, content] of generateAll()) {
  const file = join(workspaceRoot, path);
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '';
  }
  if (current === content) continue;
  if (check) {
    console.error(`stale: ${path}`);
    stale++;
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    console.log(`wrote ${path}`);
  }
}
if (stale) {
  console.error('generated manifests drifted from the contracts: run node scripts/gen-istio-policies.mjs and commit');
  process.exit(1);
}

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

async function gatewayReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_500) })).ok;
  } catch {
    return false;
  }
}

/**
 * The end-to-end tests run against the running mesh: GATEWAY_URL if set, else the local mesh on
 * :8080 if it answers, else this setup starts it (scripts/mesh.sh up) and the teardown stops it.
 */
export default async function setup(_global: unknown, project: { rootDir: string }): Promise<void> {
  const root = resolve(project.rootDir, '..');
  const url = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8080';
  process.env['GATEWAY_URL'] = url;
  process.env['AF_MESH_LOG_DIR'] ??= resolve(root, '.state/logs');
  if (await gatewayReady(url)) return;
  if (process.env['GATEWAY_URL_EXTERNAL'] === '1') throw new Error(`no gateway answers at ${url}`);
  // Short default approval deadlines, so governance-runs.e2e-spec.ts sees one pass (the dev mesh: 5 min).
  const env = { ...process.env, AF_SKIP_BUILD: '1', AF_GOVERNANCE_DEFAULT_DEADLINE_SEC: process.env['AF_GOVERNANCE_DEFAULT_DEADLINE_SEC'] ?? '10' };
  execFileSync('bash', [resolve(root, 'scripts/mesh.sh'), 'up'], { stdio: 'inherit', env });
  process.env['AF_E2E_STARTED_MESH'] = '1';
}

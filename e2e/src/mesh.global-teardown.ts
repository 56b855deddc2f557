import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Stops the mesh only if the setup started it (a mesh you started yourself keeps running). */
export default function teardown(_global: unknown, project: { rootDir: string }): void {
  if (process.env['AF_E2E_STARTED_MESH'] !== '1' || process.env['AF_E2E_KEEP_MESH'] === '1') return;
  execFileSync('bash', [resolve(project.rootDir, '../scripts/mesh.sh'), 'down'], { stdio: 'inherit' });
}

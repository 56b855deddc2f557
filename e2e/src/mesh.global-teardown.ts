import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { FakeProvider, OtlpReceiver } from '@af/testing';

declare global {
  var afE2eModel: FakeProvider | undefined;
  var afE2eOtlp: OtlpReceiver | undefined;
}

/** Stops the mesh only if the setup started it (a mesh you started yourself keeps running). */
export default async function teardown(_global: unknown, project: { rootDir: string }): Promise<void> {
  await globalThis.afE2eModel?.close();
  if (process.env['AF_E2E_STARTED_MESH'] === '1' && process.env['AF_E2E_KEEP_MESH'] !== '1') execFileSync('bash', [resolve(project.rootDir, '../scripts/mesh.sh'), 'down'], { stdio: 'inherit' });
  // After the mesh: the services export their last spans as they stop.
  await globalThis.afE2eOtlp?.close();
}

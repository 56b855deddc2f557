import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { freePort, leadQualifier, testTenant, until, startAll } from '@af/testing';
import { connectClient, startCompilationProcess, startOrchestratorProcess } from '../test/harness.js';

const root = join(process.cwd(), '..', '..');
/** A tool that keeps its isolate busy for about 1 s (a slow run), then scores the message. */
const SLOW_TOOL = 'export default function ({ message }: { message: string }): { score: number } {\n  const end = Date.now() + 1000;\n  let spins = 0;\n  while (Date.now() < end) spins++;\n  return { score: Math.min(100, message.length + (spins > 0 ? 1 : 0)) };\n}\n';

/** The built worker as its own process (as in the mesh), with the flag isolated-vm needs. */
async function startWorkerProcess(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<number | null>; output: () => string }> {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'services', 'worker', 'tsconfig.app.json')], { stdio: 'pipe' });
  const port = await freePort();
  const child = spawn(process.execPath, ['--no-node-snapshot', join(root, 'services', 'worker', 'dist', 'main.js')], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info', ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its logs (stdout, JSON lines) and errors, the last 16 KiB.
  let stderr = '';
  const keep = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-16_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await until(() => fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false), (ok) => ok || child.exitCode !== null, 30_000);
  if (!ready) throw new Error(`worker not ready: ${stderr}`);
  return { child, exited, output: () => stderr };
}

describe('SIGTERM to a busy worker process', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let orchestrator: Awaited<ReturnType<typeof startOrchestratorProcess>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());

  beforeAll(async () => {
    [compilation, orchestrator] = await startAll([startCompilationProcess(), startOrchestratorProcess()]);
    client = await connectClient();
  }, 90_000);

  afterAll(async () => {
    await client?.close();
    await compilation?.stop();
    await orchestrator?.stop();
  });

  it('stops pulling, lets its runs finish within the grace period and exits 0: no run failed, none delivered twice', async () => {
    const doc = leadQualifier({ name: 'slow-lead', toolCode: SLOW_TOOL });
    const artifactHash = (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
    const worker = await startWorkerProcess({ WORKER_RUN_CONCURRENCY: '8', WORKER_SANDBOX_MAX_CONCURRENT: '4', WORKER_SANDBOX_CPU_MS: '5000', WORKER_SANDBOX_TIMEOUT_MS: '20000', WORKER_SHUTDOWN_GRACE_MS: '12000', SHUTDOWN_TIMEOUT_MS: '20000' });
    const runIds = await Promise.all(Array.from({ length: 6 }, (_, i) => client.submit(tenant, 'slow-lead', artifactHash, { message: `lead ${i}` })));
    // Every run has started on this worker (it holds them all) before it is told to stop.
    await until(async () => runIds.every((id) => client.startsOf(id) >= 1), (all) => all, 20_000);
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    const code = await worker.exited;
    const outcomes = await Promise.all(runIds.map((id) => client.outcomeOf(id, 5_000)));
    const starts = runIds.map((id) => client.startsOf(id));
    console.log(`SIGTERM with 6 runs in flight: exit ${code} after ${Date.now() - signalled} ms; succeeded ${outcomes.filter((o) => o.kind === 'succeeded').length}/6; deliveries per run ${starts.join(',')}`);
    expect(code).toBe(0);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(6).fill('succeeded'));
    expect(starts).toEqual(Array(6).fill(1));
    expect(worker.output()).toContain('shutting down');
    expect(worker.output()).not.toContain('shutdown timed out');
  }, 90_000);
});

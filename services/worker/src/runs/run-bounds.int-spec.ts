import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId, type TenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import type { RunningService } from '@af/runtime';
import { leadQualifier, testTenant, startAll } from '@af/testing';
import { connectClient, startCompilationProcess, startOrchestratorProcess, startWorker } from '../test/harness.js';

/**
 * Oversized run data never makes a run poison: each of these finishes on its first delivery with
 * a bounded event (before, the result event could not be published, so the run — tools included —
 * was retried until MaxDeliver, or stayed running forever).
 */
describe('worker: bounded run events against real NATS and the real compilation service', () => {
  let compilation: Awaited<ReturnType<typeof startCompilationProcess>>;
  let orchestrator: Awaited<ReturnType<typeof startOrchestratorProcess>>;
  let worker: RunningService;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());

  const compile = async (doc: ReturnType<typeof leadQualifier>) =>
    (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  /** A run submitted through the real orchestrator (which owns runs and their step journal). */
  const execute = (agent: string, artifactHash: string, input: unknown, tenantId: TenantId = tenant) => client.submit(tenantId, agent, artifactHash, input);

  beforeAll(async () => {
    [compilation, orchestrator] = await startAll([startCompilationProcess(), startOrchestratorProcess()]);
    client = await connectClient();
    worker = await startWorker({ timeoutMs: 1_500, memoryLimitMb: 64 });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await compilation?.stop();
    await orchestrator?.stop();
  });

  it('fails a run whose output is over the output limit on its first attempt: PAYLOAD_TOO_LARGE at /output', async () => {
    const doc = leadQualifier({ name: 'lead-huge-output', toolCode: 'export default function ({ message }: { message: string }) { return { score: message.length, notes: "n".repeat(600000) }; }\n' });
    (doc.spec.output.schema.properties as Record<string, unknown>)['notes'] = { type: 'string' };
    const runId = await execute('lead-huge-output', await compile(doc), { message: 'big' });
    const outcome = await client.outcomeOf(runId, 20_000);
    expect(outcome).toMatchObject({ kind: 'failed', event: { attempt: 1, error: { code: ErrorCode.PayloadTooLarge, path: '/output' } } });
    expect(outcome.kind === 'failed' && outcome.event.error?.message).toMatch(/the run's output is \d+ bytes, more than the 131072 bytes/);
    expect(client.startsOf(runId)).toBe(1);
  });

  it('fails a run whose tool throws a 2 MB error on its first attempt, with a preview of the error', async () => {
    const doc = leadQualifier({ name: 'lead-huge-error', toolCode: 'export default function (): { score: number } { throw new Error("e".repeat(2000000)); }\n' });
    const runId = await execute('lead-huge-error', await compile(doc), { message: 'boom' });
    const outcome = await client.outcomeOf(runId, 20_000);
    expect(outcome).toMatchObject({ kind: 'failed', event: { attempt: 1, truncated: true, error: { code: ErrorCode.ToolFailed, path: '/spec/tools/0/code' } } });
    const message = outcome.kind === 'failed' ? (outcome.event.error?.message ?? '') : '';
    expect(message).toMatch(/^tool "score_lead" threw Error: eeee/);
    expect(message).toMatch(/… \[truncated: \d+ bytes\]$/);
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(16_384);
    expect(client.startsOf(runId)).toBe(1);
  });

  it('carries a large tool result as a marked preview and the run succeeds', async () => {
    const doc = leadQualifier({ name: 'lead-huge-result', toolCode: 'export default function ({ message }: { message: string }) { return { score: message.length, blob: "b".repeat(700000) }; }\n' });
    const runId = await execute('lead-huge-result', await compile(doc), { message: 'four' });
    const outcome = await client.outcomeOf(runId, 20_000);
    expect(outcome).toMatchObject({ kind: 'succeeded', event: { attempt: 1, truncated: true, toolCalls: [{ tool: 'score_lead', truncated: true }] } });
    if (outcome.kind !== 'succeeded') throw new Error('run did not succeed');
    const preview = outcome.event.toolCalls[0]?.resultJson ?? '';
    expect(Buffer.byteLength(preview)).toBeLessThanOrEqual(16_384);
    expect(JSON.parse(preview)).toMatch(/^\{"score":4,"blob":"bbbb/);
    expect(JSON.parse(outcome.event.outputJson)).toMatchObject({ score: 4 });
    expect(client.startsOf(runId)).toBe(1);
  });
});

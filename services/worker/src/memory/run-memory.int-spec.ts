import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseTenantId } from '@af/contracts';
import type { RunningService } from '@af/runtime';
import { leadQualifier, startServiceProcess, testTenant, type ServiceProcess } from '@af/testing';
import { connectClient, startCompilationProcess, startOrchestratorProcess, startWorker } from '../test/harness.js';

/**
 * Runs that use memory, against the real memory service (its own database and Redis prefix; the
 * shared Neo4j, this test's tenant), the real orchestrator (its step journal), compilation and worker.
 */
const adminUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Tool code: remembers the message about Ada (a fact with metadata) when asked to; a refusal is its result, not a failure. */
const REMEMBER = `export default async ({ message, remember }: { message: string; remember?: boolean }) => {
  if (!remember) return { skipped: true };
  try {
    return await memory.remember({ content: message, subjectId: 'ada', metadata: { favouriteDrink: 'earl grey' } });
  } catch (e) {
    return { refused: String(e) };
  }
};
`;

function agent(name: string, context: Record<string, unknown>) {
  const doc = leadQualifier({ name, toolCode: REMEMBER }) as ReturnType<typeof leadQualifier> & { spec: Record<string, unknown> };
  const spec = doc.spec as Record<string, unknown> & { tools: Array<Record<string, unknown>> };
  (spec.tools[0] as Record<string, unknown>)['inputSchema'] = { type: 'object', properties: { message: { type: 'string' }, remember: { type: 'boolean' } }, required: ['message'] };
  spec['output'] = { schema: { type: 'object', properties: { favouriteDrink: { type: 'string' } }, required: ['favouriteDrink'] } };
  spec['context'] = context;
  return doc;
}

describe('runs that use memory', () => {
  let compilation: ServiceProcess;
  let orchestrator: ServiceProcess;
  let memory: ServiceProcess;
  let worker: RunningService;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let db: pg.Client;
  let redis: Redis;
  const tenant = parseTenantId(testTenant());
  const database = `memory_worker_${randomBytes(5).toString('hex')}`;
  const redisPrefix = `${database}:`;

  const compile = async (doc: unknown, name: string) =>
    (await client.bus.request('af.v1.compilation.compile', { blueprintName: name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  const run = async (name: string, context: Record<string, unknown>, input: unknown) => {
    const runId = await client.submit(tenant, name, await compile(agent(name, context), name), input);
    return { runId, outcome: await client.outcomeOf(runId, 30_000) };
  };
  /** The run's journal, straight from the orchestrator's table (its schema is this test's own). */
  const stepsOf = async (runId: string) => {
    const schemas = (await db.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'run_steps' AND table_schema LIKE 'orchestrator_worker_test%'`)).rows as Array<{ table_schema: string }>;
    const steps: Array<{ seq: number; kind: string; name: string; result_json: string; error: string }> = [];
    for (const { table_schema } of schemas) steps.push(...((await db.query(`SELECT seq, kind, name, result_json, error FROM "${table_schema}".run_steps WHERE run_id = $1 ORDER BY seq`, [runId])).rows as typeof steps));
    return steps;
  };
  const memoryDb = async () => {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    // One after the other: each boot has its own readiness deadline.
    compilation = await startCompilationProcess();
    orchestrator = await startOrchestratorProcess();
    memory = await startServiceProcess('memory', { DATABASE_URL: url.toString(), REDIS_KEY_PREFIX: redisPrefix });
    client = await connectClient();
    worker = await startWorker({ timeoutMs: 2_000, memoryLimitMb: 32 });
    db = new pg.Client({ connectionString: adminUrl });
    await db.connect();
    redis = new Redis(redisUrl);
  }, 120_000);

  afterAll(async () => {
    // The shared Neo4j: what this test stored about its subject goes (forget-subject covers every tier).
    await client?.bus.request('af.v1.memory.subjects.forget', { subjectId: 'ada', caller: { subject: 'test', roles: ['Administrator'] } }, { tenantId: tenant }).catch(() => undefined);
    await client?.close();
    await worker?.close();
    await Promise.all([compilation?.stop(), orchestrator?.stop(), memory?.stop()]);
    await db?.end();
    const keys = (await redis?.keys(`${redisPrefix}*`)) ?? [];
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  const enabled = { accessLevel: 'self', memory: { working: true, episodic: { lookback: '30d' }, semantic: { topK: 3 } } };

  it('run 2 sees what run 1 remembered through memory.remember; the loading step is in its journal', async () => {
    const first = await run('mem-agent', enabled, { subjectId: 'ada', message: 'Ada Lovelace likes earl grey tea', remember: true });
    expect(first.outcome.kind).toBe('succeeded');
    if (first.outcome.kind !== 'succeeded') return;
    expect(JSON.parse(first.outcome.event.toolCalls[0]?.resultJson ?? '{}')).toMatchObject({ id: expect.any(String), created: true });

    const second = await run('mem-agent', enabled, { subjectId: 'ada', message: 'Ada Lovelace tea' });
    expect(second.outcome.kind).toBe('succeeded');
    if (second.outcome.kind !== 'succeeded') return;
    // The offline model takes the remembered fact's metadata as a source: the earlier run's fact is in the output.
    expect(JSON.parse(second.outcome.event.outputJson)).toEqual({ favouriteDrink: 'earl grey' });

    const steps = await stepsOf(second.runId);
    expect(steps[0]).toMatchObject({ seq: 1, kind: 'memory', name: 'memory.load', error: '' });
    const loaded = JSON.parse(steps[0]?.result_json ?? '{}') as { working?: { scope: string; messages: string[] }; items: Array<{ content: string; agent: string }>; notes: string[] };
    expect(loaded.items.some((i) => i.content === 'Ada Lovelace likes earl grey tea')).toBe(true);
    // Run 1 appended its summary to the user's working window; run 2 loaded it.
    expect(loaded.working).toMatchObject({ scope: 'user' });
    expect(loaded.working?.messages.some((m) => m.includes(first.runId))).toBe(true);
    expect(steps.at(-1)).toMatchObject({ kind: 'memory', name: 'memory.save', error: '' });
  }, 90_000);

  it('a self agent does not see another agent\'s memory', async () => {
    const other = await run('mem-other', enabled, { subjectId: 'ada', message: 'Ada Lovelace tea' });
    expect(other.outcome.kind).toBe('succeeded');
    if (other.outcome.kind !== 'succeeded') return;
    expect(JSON.parse(other.outcome.event.outputJson)).not.toEqual({ favouriteDrink: 'earl grey' });
    const loaded = JSON.parse((await stepsOf(other.runId))[0]?.result_json ?? '{}') as { items: Array<{ agent: string; content: string }> };
    expect(loaded.items.filter((i) => i.agent !== 'mem-other')).toEqual([]);
  }, 60_000);

  it('a read-only run loads memory but writes nothing (checked in PostgreSQL and Redis)', async () => {
    const readOnly = await run('mem-readonly', { memory: { working: true, episodic: {}, readOnly: true } }, { subjectId: 'ada', message: 'Ada Lovelace likes green tea', remember: true });
    expect(readOnly.outcome.kind).toBe('succeeded');
    if (readOnly.outcome.kind !== 'succeeded') return;
    expect(readOnly.outcome.event.toolCalls[0]?.resultJson).toMatch(/read-only mode/);
    const steps = await stepsOf(readOnly.runId);
    expect(steps.map((s) => `${s.kind}:${s.name}`)).not.toContain('memory:memory.save');
    const m = await memoryDb();
    try {
      expect((await m.query(`SELECT count(*)::int AS n FROM memory.memories WHERE agent = 'mem-readonly'`)).rows[0]).toEqual({ n: 0 });
    } finally {
      await m.end();
    }
    expect(await redis.keys(`${redisPrefix}wmem:${tenant}:mem-readonly:*`)).toEqual([]);
  }, 60_000);
});

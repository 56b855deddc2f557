import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { bootstrapService, type RunningService } from '@af/runtime';
import { dropSchema, leadQualifier, startServiceProcess, testTenant, uniqueName, type ServiceProcess, startAll } from '@af/testing';
import { AppModule } from '../app.module.js';
import { loadWorkerConfig } from '../config.js';
import { connectClient, startCompilationProcess } from '../test/harness.js';
import { SafeFetch } from '../tools/safe-fetch.js';

const adminUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOKEN = `tok_${randomBytes(12).toString('hex')}`;
const API_KEY = `key_${randomBytes(12).toString('hex')}`;

/** A CRM stand-in: records the headers of every request; `/echo` answers them back in its body, `/redirect` sends to other.test. */
class EchoServer {
  readonly seen: { host: string; path: string; headers: IncomingHttpHeaders }[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      this.seen.push({ host: String(req.headers.host ?? ''), path, headers: req.headers });
      if (path === '/redirect') res.writeHead(302, { location: `http://other.test:${this.port}/echo` }).end();
      else if (path === '/plain') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ headers: req.headers }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server?.address() as AddressInfo).port;
  }

  stop(): Promise<unknown> {
    return new Promise((resolve) => this.server?.close(resolve));
  }
}

/** The orchestrator as its own process with a schema this test can read (the step journal). */
async function startOrchestrator(schema: string): Promise<ServiceProcess> {
  const orchestrator = await startServiceProcess('orchestrator', { ORCHESTRATOR_DB_SCHEMA: schema, DATABASE_URL: adminUrl });
  return { url: orchestrator.url, stop: async () => (await orchestrator.stop(), await dropSchema(adminUrl, schema)) };
}

/** The secrets service as its own process, in a database of its own (its schema name is fixed; its master key is this test's). */
async function startSecrets(database: string): Promise<ServiceProcess> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const secrets = await startServiceProcess('secrets', {
    DATABASE_URL: url.toString(),
    SECRETS_MASTER_KEYS: JSON.stringify({ test: randomBytes(32).toString('base64') }),
    SECRETS_ACTIVE_MASTER_KEY: 'test',
  });
  return {
    url: secrets.url,
    async stop() {
      await secrets.stop();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await again.end();
    },
  };
}

/** The worker in this process; every line its logger writes (after redaction) is kept in `lines`. */
async function startWorker(lines: string[]): Promise<RunningService> {
  const config = loadWorkerConfig({ ...process.env, HTTP_PORT: '1', LOG_LEVEL: 'info' });
  const tuned = { ...config, sandbox: { ...config.sandbox, timeoutMs: 10_000, cpuTimeMs: 2_000, memoryLimitMb: 32 } };
  // api.test and other.test are this test's server on 127.0.0.1 (what WORKER_FETCH_UNSAFE_ALLOW_ADDRESSES allows in a mesh).
  const fetch = new SafeFetch({ maxResponseBytes: 65_536, maxRequestBytes: 65_536, timeoutMs: 5_000, maxRedirects: 2, unsafeAllowAddressesForTests: ['127.0.0.1'] }, async () => [{ address: '127.0.0.1', family: 4 }]);
  return bootstrapService({
    service: 'worker',
    ...tuned,
    http: { ...config.http, port: 0 },
    consumerConcurrency: { 'worker-runs': config.runs.concurrency },
    module: (runtime) => {
      // Tapped before the worker's providers exist: SecretRedaction wraps the stream around this tap.
      const stream = streamOf(runtime.logger);
      const write = stream.write.bind(stream);
      stream.write = (chunk: string) => (lines.push(chunk), write(chunk));
      return AppModule.forRoot(tuned, runtime, { fetch });
    },
  });
}

function streamOf(logger: object): { write: (chunk: string) => unknown } {
  for (let o: object | null = logger; o; o = Object.getPrototypeOf(o) as object | null) {
    const sym = Object.getOwnPropertySymbols(o).find((s) => s.description === 'pino.stream');
    if (sym) return (o as Record<symbol, { write: (chunk: string) => unknown }>)[sym] as { write: (chunk: string) => unknown };
  }
  throw new Error('no pino stream');
}

describe('tool credentials: secrets injected into outgoing calls, redacted everywhere else (real secrets, orchestrator, compilation, NATS)', () => {
  const echo = new EchoServer();
  const tenant = parseTenantId(testTenant());
  const orchestratorSchema = uniqueName('orchestrator_credentials_test');
  const lines: string[] = [];
  let compilation: ServiceProcess;
  let orchestrator: ServiceProcess;
  let secrets: ServiceProcess;
  let worker: RunningService;
  let client: Awaited<ReturnType<typeof connectClient>>;

  const compile = async (doc: { metadata: { name: string } }) =>
    (await client.bus.request('af.v1.compilation.compile', { blueprintName: doc.metadata.name, blueprintVersion: 1, contentHash: '', documentJson: JSON.stringify(doc) }, { tenantId: tenant })).artifactHash;
  const journalOf = async (runId: string): Promise<string> => {
    const db = new pg.Client({ connectionString: adminUrl });
    await db.connect();
    try {
      const rows = await db.query<{ text: string }>(`SELECT coalesce(result_json, '') || ' ' || error AS text FROM "${orchestratorSchema}".run_steps WHERE run_id = $1 ORDER BY seq`, [runId]);
      return rows.rows.map((r) => r.text).join('\n');
    } finally {
      await db.end();
    }
  };

  /** Calls api.test with the blueprint's credentials: `call_crm` (http.request, echo) and `peek` (tool code: plain, redirect). */
  const blueprint = (name: string, secret = 'crm-token') => {
    const doc = leadQualifier({ name, allowHosts: ['api.test', 'other.test'] });
    const spec = doc.spec as Record<string, unknown>;
    spec['governance'] = { autonomyLevel: 'semi_autonomous' };
    (spec['network'] as Record<string, unknown>)['credentials'] = [{ hosts: ['api.test'], headers: { Authorization: { secret, prefix: 'Bearer ' }, 'X-Api-Key': { secret: 'crm-key' } } }];
    spec['tools'] = [
      {
        name: 'call_crm',
        description: 'calls the CRM',
        scope: 'external',
        builtin: 'http.request',
        inputSchema: { type: 'object', properties: { url: { type: 'string' }, headers: { type: 'object' } }, required: ['url'] },
      },
      {
        name: 'peek',
        description: 'what tool code can see',
        scope: 'external',
        inputSchema: { type: 'object', properties: { base: { type: 'string' } }, required: ['base'] },
        // The test's values are in this code only to look for them in what tool code receives.
        code: `export default async function ({ base }: { base: string }) {
  const plain = await fetch(base + '/plain', { headers: { authorization: 'mine' } });
  const seen = JSON.stringify({ status: plain.status, url: plain.url, headers: plain.headers.entries(), body: await plain.text() });
  const moved = await fetch(base + '/redirect');
  const movedBody = await moved.text();
  return { leaked: seen.includes(${JSON.stringify(TOKEN)}) || seen.includes(${JSON.stringify(API_KEY)}), redirectedTo: moved.url, movedBody };
}\n`,
      },
    ];
    spec['output'] = { schema: { type: 'object', properties: { qualified: { type: 'boolean' }, body: { type: 'object' }, leaked: { type: 'boolean' } }, required: ['qualified'] } };
    return doc;
  };

  beforeAll(async () => {
    [compilation, orchestrator, secrets] = await startAll([startCompilationProcess(), startOrchestrator(orchestratorSchema), startSecrets(uniqueName('af_worker_secrets_test')), echo.start()]);
    client = await connectClient();
    worker = await startWorker(lines);
    const caller = { subject: 'dev@acme.example', roles: ['Developer'], permissions: ['ManageSecrets'] };
    await client.bus.request('af.v1.secrets.put', { name: 'crm-token', value: TOKEN, description: 'CRM API token', caller }, { tenantId: tenant });
    await client.bus.request('af.v1.secrets.put', { name: 'crm-key', value: API_KEY, description: 'CRM API key', caller }, { tenantId: tenant });
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await client?.close();
    await echo.stop();
    await Promise.all([compilation?.stop(), orchestrator?.stop(), secrets?.stop()]);
  });

  it('sends the secrets to the allowed host only, and no stored step, event or log line of the run holds them', async () => {
    const base = `http://api.test:${echo.port}`;
    const runId = await client.submit(tenant, 'crm-caller', await compile(blueprint('crm-caller')), { url: `${base}/echo`, headers: { Authorization: 'tool-supplied' }, base, message: 'hi' });
    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome.kind).toBe('succeeded');
    if (outcome.kind !== 'succeeded') return;

    // The CRM saw the platform's headers (over the tool's own Authorization) on each call to api.test…
    const toApi = echo.seen.filter((s) => s.host.startsWith('api.test'));
    expect(toApi.map((s) => s.path).sort()).toEqual(['/echo', '/plain', '/redirect']);
    for (const call of toApi) expect(call.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY });
    // …and the redirect to another host carried neither.
    const redirected = echo.seen.filter((s) => s.host.startsWith('other.test'));
    expect(redirected).toHaveLength(1);
    expect(redirected[0]?.headers['authorization']).toBeUndefined();
    expect(redirected[0]?.headers['x-api-key']).toBeUndefined();

    // Tool code got the responses, never the request's header values.
    const output = JSON.parse(outcome.event.outputJson) as { leaked?: boolean; body?: { headers?: Record<string, string> } };
    expect(output.leaked).toBe(false);
    // What the CRM echoed back is redacted in the output, the tool calls of the event and the journal.
    expect(output.body?.headers).toMatchObject({ authorization: 'Bearer [secret:crm-token]', 'x-api-key': '[secret:crm-key]' });
    const event = JSON.stringify(outcome.event, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const journal = await journalOf(runId);
    expect(journal).toContain('[secret:crm-token]');
    for (const text of [event, journal, lines.join('')]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(Buffer.from(TOKEN).toString('base64'));
    }
    expect(lines.some((l) => l.includes(runId))).toBe(true);
  }, 60_000);

  it('fails the tool call with the name of a secret the tenant does not have (the run fails, it does not hang)', async () => {
    const base = `http://api.test:${echo.port}`;
    const runId = await client.submit(tenant, 'crm-missing', await compile(blueprint('crm-missing', 'no-such-secret')), { url: `${base}/echo`, base, message: 'hi' });
    const outcome = await client.outcomeOf(runId, 30_000);
    expect(outcome).toMatchObject({ kind: 'failed', event: { error: { code: ErrorCode.ToolFailed } } });
    expect(outcome.kind === 'failed' && outcome.event.error?.message).toMatch(/no-such-secret/);
    expect(echo.seen.filter((s) => s.path === '/echo' && s.headers['authorization'] === undefined && s.host.startsWith('api.test'))).toHaveLength(0);
  }, 60_000);
});

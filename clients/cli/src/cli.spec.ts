import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.js';
import { configFile } from './config/config.store.js';
import { bufferIo, FakeGateway } from './test/fake-gateway.js';

const BLUEPRINT = `apiVersion: agentfactory.io/v1
kind: AgentBlueprint
metadata:
  name: lead-qualifier
spec:
  goal: Qualify leads
  tools:
    - name: score_lead
      scope: global
`;

const report = (valid: boolean) => ({
  valid,
  errors: valid ? [] : [{ tier: 'schema', code: 'SCHEMA_ENUM', path: '/spec/tools/0/scope', message: 'must be one of internal, external, realWorld', severity: 'error' }],
  warnings: [],
  suggestions: valid ? [] : [{ path: '/spec/tools/0/scope', message: 'did you mean `internal`?', replacement: 'internal' }],
  omitted: 0,
});

const deployment = (status: string, extra: Record<string, unknown> = {}) => ({
  deploymentId: '6f1c2d3e-0000-4000-8000-000000000001',
  agent: 'lead-qualifier',
  version: 2,
  artifactHash: 'sha256:x',
  status,
  createdAt: '2026-11-20T10:00:00.000Z',
  createdBy: 'dev@acme.test',
  strategy: 'canary',
  canaryPercent: 20,
  windowSeconds: 60,
  windowEndsAt: '2026-11-20T10:01:00.000Z',
  thresholds: { maxFailureRate: 0.2, maxP95Ms: 0, minRuns: 5 },
  previousDeploymentId: null,
  supersededAt: null,
  reason: status === 'rolled_back' ? 'automatic rollback: failure rate 0.5 > 0.2' : null,
  forced: false,
  swapMs: null,
  evalReport: null,
  transitions: [],
  ...extra,
});

const agentView = (percent: number) => ({
  agent: 'lead-qualifier',
  health: 'healthy',
  active: null,
  canary: null,
  versions: [{ version: 2, artifactHash: 'sha256:x', role: 'canary', percent, inFlightRuns: 0, runs: 3, failed: 0, failureRate: 0, p95Ms: 12, deploymentId: '6f1c2d3e-0000-4000-8000-000000000001' }],
});

describe('af against a stand-in gateway', () => {
  const gateway = new FakeGateway();
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => gateway.start());
  afterAll(() => gateway.stop());
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'af-cli-'));
    env = { XDG_CONFIG_HOME: home, AF_GATEWAY_URL: gateway.url, AF_TOKEN: 'token-1' };
    gateway.seen.length = 0;
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const af = async (args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string; tty?: boolean } = {}) => {
    const io = bufferIo(options.env ?? env, options);
    const code = await runCli(args, io);
    return { code, out: io.out(), err: io.err() };
  };

  describe('arguments', () => {
    it('exits 64 with commander’s message for a missing argument, a bad number, an unknown command, a reject without --reason', async () => {
      for (const args of [['deploy'], ['deploy', 'x', '--canary', '150'], ['deplyo', 'x'], ['reject', 'esc-1'], ['runs', '--limit', 'ten'], ['usage', '--group-by', 'week']]) {
        const result = await af(args);
        expect({ args, code: result.code }).toEqual({ args, code: 64 });
        expect(result.err).toMatch(/^error: /);
      }
      expect(gateway.seen).toEqual([]);
    });

    it('exits 64 on an input that is not a JSON object, naming the flag', async () => {
      const result = await af(['run', 'lead-qualifier', '--input', '[1]']);
      expect(result).toMatchObject({ code: 64, err: 'error: USAGE: the input must be a JSON object (at --input)\n' });
    });

    it('knows `--version` after deploy as the blueprint version, before any command as af’s', async () => {
      gateway.on('POST /v1/agents/lead-qualifier/deployments', (_req, res) => FakeGateway.json(res, 201, deployment('active', { strategy: 'immediate' })));
      const deployed = await af(['deploy', 'lead-qualifier', '--version', '2', '-o', 'json']);
      expect(deployed.code).toBe(0);
      expect(JSON.parse(gateway.seen[0]!.body)).toEqual({ version: 2 });
      expect((await af(['--version'])).out).toBe('0.1.0\n');
    });

    it('says how to log in when there is no credential, and exits 69 when the gateway cannot be reached', async () => {
      const none = await af(['runs'], { env: { XDG_CONFIG_HOME: home, AF_GATEWAY_URL: gateway.url } });
      expect(none).toMatchObject({ code: 1, err: 'error: UNAUTHENTICATED: not logged in: run `af login` (or set AF_TOKEN)\n' });
      const away = await af(['runs', '--gateway', 'http://127.0.0.1:1']);
      expect(away.code).toBe(69);
      expect(away.err).toMatch(/^error: UNAVAILABLE: the gateway at http:\/\/127\.0\.0\.1:1 could not be reached/);
    });
  });

  describe('login', () => {
    it('checks the credential with one call and stores it with mode 0600; later commands send it', async () => {
      gateway.on('GET /v1/blueprints', (req, res) =>
        req.headers.authorization === 'Bearer afk_good' ? FakeGateway.json(res, 200, { items: [], nextCursor: null }) : FakeGateway.json(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'invalid credential' } }),
      );
      gateway.on('GET /v1/agents', (_req, res) => FakeGateway.json(res, 200, { items: [], nextCursor: null }));
      const loginEnv = { XDG_CONFIG_HOME: home };
      const ok = await af(['login', '--gateway', gateway.url], { env: loginEnv, stdin: 'afk_good\n' });
      expect(ok.code).toBe(0);
      expect(ok.out).toContain(`logged in to ${gateway.url}`);
      expect((await stat(configFile(loginEnv))).mode & 0o777).toBe(0o600);

      const listed = await af(['agents', '-o', 'json'], { env: loginEnv });
      expect(listed).toMatchObject({ code: 0, out: '[]\n' });
      expect(gateway.seen.at(-1)!.headers.authorization).toBe('Bearer afk_good');

      expect((await af(['logout'], { env: loginEnv })).out).toBe('logged out\n');
      await expect(stat(configFile(loginEnv))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('stores nothing when the gateway refuses the credential', async () => {
      const bad = await af(['login', '--token', 'nope', '--gateway', gateway.url], { env: { XDG_CONFIG_HOME: home } });
      expect(bad).toMatchObject({ code: 1, err: 'error: UNAUTHENTICATED: invalid credential\n' });
      await expect(stat(configFile({ XDG_CONFIG_HOME: home }))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('refuses both --token and --api-key', async () => {
      expect((await af(['login', '--token', 'a', '--api-key', 'b'])).code).toBe(64);
    });
  });

  describe('apply and validate', () => {
    it('prints a refused blueprint’s report with the YAML line and the suggestion, then the error line; exit 1', async () => {
      gateway.on('PUT /v1/blueprints/lead-qualifier', (_req, res) =>
        FakeGateway.json(res, 422, { error: { code: 'VALIDATION_FAILED', message: 'the blueprint is invalid', path: '/spec/tools/0/scope', details: report(false) } }),
      );
      const file = join(home, 'bp.yaml');
      await writeFile(file, BLUEPRINT);
      const result = await af(['apply', '-f', file]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`${file}:9:7: error must be one of internal, external, realWorld [schema SCHEMA_ENUM]`);
      expect(result.err).toContain('  9 |       scope: global\n    |       ^\n  suggestion: did you mean `internal`?');
      expect(result.err.trimEnd().split('\n').at(-1)).toBe('error: VALIDATION_FAILED: the blueprint is invalid (at /spec/tools/0/scope)');
      expect(gateway.seen[0]).toMatchObject({ method: 'PUT', body: BLUEPRINT, headers: { 'content-type': 'application/yaml' } });
    });

    it('creates a new blueprint when the name is unknown (PUT 404 → POST)', async () => {
      gateway.on('PUT /v1/blueprints/lead-qualifier', (_req, res) => FakeGateway.json(res, 404, { error: { code: 'NOT_FOUND', message: 'blueprint "lead-qualifier"', path: '/name' } }));
      gateway.on('POST /v1/blueprints', (_req, res) =>
        FakeGateway.json(res, 201, { name: 'lead-qualifier', version: 1, contentHash: 'sha256:y', author: 'dev', createdAt: '2026-11-20T10:00:00Z', validation: report(true), archivedAt: null }),
      );
      const file = join(home, 'bp.yaml');
      await writeFile(file, BLUEPRINT.replace('global', 'internal'));
      const result = await af(['apply', '-f', file], { tty: true });
      expect(result).toMatchObject({ code: 0, out: 'blueprint lead-qualifier created as version 1\n' });
      expect(gateway.seen.map((r) => r.method)).toEqual(['PUT', 'POST']);
    });

    it('validate exits 1 on an invalid report and prints it; json output is the report itself', async () => {
      gateway.on('POST /v1/validate', (_req, res) => FakeGateway.json(res, 200, report(false)));
      const file = join(home, 'bp.yaml');
      await writeFile(file, BLUEPRINT);
      const table = await af(['validate', '-f', file, '-o', 'table']);
      expect(table.code).toBe(1);
      expect(table.out).toContain(`${file}:9:7: error`);
      const json = await af(['validate', '-f', file, '-o', 'json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.out)).toEqual(report(false));
    });

    it('a file that is not YAML fails before any call, with its line', async () => {
      const file = join(home, 'broken.yaml');
      await writeFile(file, 'metadata:\n  name: [unclosed\n');
      const result = await af(['apply', '-f', file]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(new RegExp(`^error: INVALID_DOCUMENT: ${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: not YAML`));
      expect(gateway.seen).toEqual([]);
    });
  });

  describe('rollout status', () => {
    const sequence = (statuses: string[]) => {
      let i = 0;
      gateway.on('GET /v1/agents/lead-qualifier/deployments', (_req, res) => FakeGateway.json(res, 200, { agent: 'lead-qualifier', items: [deployment('warming')] }));
      gateway.on('GET /v1/agents/lead-qualifier/deployments/6f1c2d3e-0000-4000-8000-000000000001', (_req, res) =>
        FakeGateway.json(res, 200, deployment(statuses[Math.min(i++, statuses.length - 1)]!)),
      );
      gateway.on('GET /v1/agents/lead-qualifier', (_req, res) => FakeGateway.json(res, 200, agentView(20)));
    };

    it('prints each change once (no terminal) until active: exit 0', async () => {
      sequence(['warming', 'warming', 'canary', 'canary', 'active']);
      const result = await af(['rollout', 'status', 'lead-qualifier', '--no-color', '-o', 'table']);
      expect(result.code).toBe(0);
      const lines = result.out.trimEnd().split('\n');
      expect(lines[0]).toBe('deployment 6f1c2d3e version 2: warming, health healthy');
      expect(lines.some((l) => /^deployment 6f1c2d3e version 2: canary, 20% of new runs, health healthy, window ends \d\d:\d\d:\d\d$/.test(l))).toBe(true);
      expect(lines.at(-1)).toMatch(/^deployment 6f1c2d3e version 2: active, 20% of new runs, health healthy/);
      expect(new Set(lines).size).toBe(lines.length);
    });

    it('exits 1 when the deployment is rolled back, with the reason', async () => {
      sequence(['canary', 'rolled_back']);
      const result = await af(['rollout', 'status', 'lead-qualifier', '-o', 'table']);
      expect(result.code).toBe(1);
      expect(result.out.trimEnd().split('\n').at(-1)).toContain('rolled back, health healthy, automatic rollback: failure rate 0.5 > 0.2');
    });

    it('exits 2 when the timeout passes first; json output prints the last deployment on stdout, progress on stderr', async () => {
      sequence(['canary']);
      const result = await af(['rollout', 'status', 'lead-qualifier', '--timeout', '200ms', '-o', 'json']);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.out)).toMatchObject({ status: 'canary', version: 2 });
      expect(result.err).toContain('still not settled after 0 s');
    });

    it('says so when the agent has no deployment', async () => {
      gateway.on('GET /v1/agents/lead-qualifier/deployments', (_req, res) => FakeGateway.json(res, 200, { agent: 'lead-qualifier', items: [] }));
      const result = await af(['rollout', 'status', 'lead-qualifier']);
      expect(result).toMatchObject({ code: 1, err: 'error: NOT_DEPLOYED: agent lead-qualifier has no deployment (at /name)\n' });
    });
  });

  describe('run --follow', () => {
    const run = (status: string, extra: Record<string, unknown> = {}) => ({
      runId: 'run-1', agent: 'lead-qualifier', version: 2, artifactHash: 'sha256:x', status, input: {}, output: status === 'succeeded' ? { qualified: true } : null,
      error: status === 'failed' ? { code: 'TOOL_FAILED', message: 'score_lead threw' } : null, attempts: 1, toolCalls: [], usage: null, traceId: 't', correlationId: 'c',
      createdAt: '2026-11-20T10:00:00Z', startedAt: '2026-11-20T10:00:00Z', finishedAt: '2026-11-20T10:00:02Z', priority: 'normal', workerId: 'w', requestedBy: 'dev',
      waitingFor: null, trigger: 'api', deploymentId: null, canary: false, ...extra,
    });
    const follow = (final: string) => {
      gateway.on('POST /v1/agents/lead-qualifier/runs', (_req, res) => FakeGateway.json(res, 202, { runId: 'run-1', status: 'queued', agent: 'lead-qualifier', version: 2, priority: 'normal', replayed: false }));
      gateway.on('GET /v1/runs/run-1/events', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`id: 1\nevent: transition\ndata: ${JSON.stringify({ seq: 1, from: null, to: 'queued', at: '2026-11-20T10:00:00Z', reason: 'submitted' })}\n\n`);
        res.write(`id: 2\nevent: transition\ndata: ${JSON.stringify({ seq: 2, from: 'queued', to: 'running', at: '2026-11-20T10:00:01Z', reason: 'claimed' })}\n\n`);
        res.write(`event: token\ndata: ${JSON.stringify({ text: 'Qualified: ' })}\n\n`);
        res.write(`event: token\ndata: ${JSON.stringify({ text: 'yes' })}\n\n`);
        res.write(`id: 3\nevent: transition\ndata: ${JSON.stringify({ seq: 3, from: 'running', to: final, at: '2026-11-20T10:00:02Z', reason: 'done', code: final === 'failed' ? 'TOOL_FAILED' : null })}\n\n`);
        res.end(`event: end\ndata: ${JSON.stringify({ runId: 'run-1', status: final, final: true })}\n\n`);
      });
      gateway.on('GET /v1/runs/run-1', (_req, res) => FakeGateway.json(res, 200, run(final)));
    };

    it('prints the run id without --follow', async () => {
      follow('succeeded');
      const result = await af(['run', 'lead-qualifier', '--input', '{"message":"hi"}', '--idempotency-key', 'k-1', '-o', 'table']);
      expect(result).toMatchObject({ code: 0, out: 'run-1\n' });
      expect(JSON.parse(gateway.seen[0]!.body)).toEqual({ input: { message: 'hi' } });
      expect(gateway.seen[0]!.headers['idempotency-key']).toBe('k-1');
    });

    it('streams transitions and tokens inline until succeeded: exit 0 with the output', async () => {
      follow('succeeded');
      const result = await af(['run', 'lead-qualifier', '--input', '{"message":"hi"}', '--follow', '-o', 'table']);
      expect(result.code).toBe(0);
      const lines = result.out.trimEnd().split('\n');
      expect(lines[0]).toBe('run run-1 (lead-qualifier v2)');
      expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d queued {2}submitted$/);
      expect(lines[2]).toMatch(/ queued → running {2}claimed$/);
      expect(lines[3]).toBe('Qualified: yes');
      expect(lines[4]).toMatch(/ running → succeeded {2}done$/);
      expect(lines).toContain('run run-1 succeeded in 2.0 s');
      expect(lines).toContain('output: {"qualified":true}');
    });

    it('exits 1 on a failed run and prints its error code and message', async () => {
      follow('failed');
      const result = await af(['run', 'lead-qualifier', '--follow', '-o', 'table']);
      expect(result.code).toBe(1);
      expect(result.out).toContain('error: TOOL_FAILED: score_lead threw');
    });
  });

  it('approvals lists pending escalations; approve and reject send the reason', async () => {
    const escalation = { id: 'esc-1', kind: 'tool_call', status: 'pending', runId: 'run-1', stepId: 's', agent: 'gov', version: 1, tool: 'update_crm', arguments: { recordId: 'L-1' }, risk: 'external', rule: 'r', reason: 'supervised', requestedBy: 'alice', requiredPermission: 'ApproveActions', quorum: 1, approvals: 0, level: 1, levels: 1, levelRoles: [], deadline: '2026-11-20T11:00:00Z', decisions: [], decidedAt: null, decidedBy: null, decisionReason: null, details: null, createdAt: '2026-11-20T10:00:00Z' };
    gateway.on('GET /v1/escalations', (_req, res) => FakeGateway.json(res, 200, { items: [escalation], nextCursor: null }));
    gateway.on('POST /v1/escalations/esc-1/approve', (_req, res) => FakeGateway.json(res, 200, { ...escalation, status: 'approved', approvals: 1 }));
    gateway.on('POST /v1/escalations/esc-1/reject', (_req, res) => FakeGateway.json(res, 403, { error: { code: 'PERMISSION_DENIED', message: 'self-approval is not allowed' } }));
    const listed = await af(['approvals', '-o', 'table', '--no-color']);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/esc-1\s*│\s*gov\s*│\s*run-1\s*│\s*update_crm {"recordId":"L-1"}\s*│\s*external\s*│\s*pending/);
    expect(gateway.seen[0]!.path).toBe('/v1/escalations?status=pending');
    const approved = await af(['approve', 'esc-1', '--reason', 'good customer', '-o', 'table']);
    expect(approved).toMatchObject({ code: 0, out: 'escalation esc-1: approved (1/1 approvals, level 1/1)\n' });
    expect(JSON.parse(gateway.seen[1]!.body)).toEqual({ reason: 'good customer' });
    const rejected = await af(['reject', 'esc-1', '--reason', 'no']);
    expect(rejected).toMatchObject({ code: 1, err: 'error: PERMISSION_DENIED: self-approval is not allowed\n' });
  });

  it('agents lists each agent with what is live, its health and recent error rate (every page)', async () => {
    const agent = (name: string, cursor: string | null) => ({
      name, latestVersion: 3, description: 'Qualifies leads', labels: {}, valid: true, updatedAt: '2026-11-20T10:00:00Z',
      deployment: { health: 'degraded', active: { deploymentId: 'd1', version: 2, since: 'x' }, canary: { deploymentId: 'd2', version: 3, percent: 20, since: 'x' }, inFlightRuns: 1 },
      recent: { windowMs: 300000, runs: 8, failed: 1, failureRate: 0.125, p95Ms: 40 }, unavailable: [], cursor,
    });
    gateway.on('GET /v1/agents', (req, res) =>
      req.path.includes('cursor=p2')
        ? FakeGateway.json(res, 200, { items: [{ ...agent('second', null), deployment: null, recent: null }], nextCursor: null })
        : FakeGateway.json(res, 200, { items: [agent('first', 'p2')], nextCursor: 'p2' }),
    );
    const result = await af(['agents', '-o', 'table', '--no-color']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/first\s*│\s*3\s*│\s*2\s*│\s*v3 20%\s*│\s*degraded\s*│\s*1\s*│\s*8\s*│\s*12\.5%/);
    expect(result.out).toMatch(/second\s*│\s*3\s*│\s*-\s*│\s*-\s*│\s*unavailable/);
  });

  it('usage and dead letters print as yaml too', async () => {
    gateway.on('GET /v1/usage', (_req, res) => FakeGateway.json(res, 200, { groupBy: 'model', from: 'a', to: 'b', rows: [{ key: 'offline/default', calls: 2, inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0 }], total: { key: '', calls: 2, inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costUsd: 0 } }));
    const result = await af(['usage', '--group-by', 'model', '--from', '2026-11-01', '-o', 'yaml']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('groupBy: model\n');
    expect(result.out).toContain('  - key: offline/default\n');
    expect(gateway.seen[0]!.path).toBe('/v1/usage?groupBy=model&from=2026-11-01');

    gateway.on('GET /v1/dead-letters', (_req, res) => FakeGateway.json(res, 200, { items: [], nextCursor: null }));
    expect(await af(['dead-letters', '-o', 'json'])).toMatchObject({ code: 0, out: '[]\n' });
    expect(await af(['dead-letters', 'list', '--limit', '5', '-o', 'json'])).toMatchObject({ code: 0, out: '[]\n' });
    expect(gateway.seen.at(-1)!.path).toBe('/v1/dead-letters?limit=5');
  });
});

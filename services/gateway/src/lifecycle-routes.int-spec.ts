import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import {
  AgentStatsReplySchema,
  AgentStatsRequestSchema,
  AgentViewReplySchema,
  CreateDeploymentRequestSchema,
  CreateWebhookRequestSchema,
  DeploymentReplySchema,
  ErrorReplySchema,
  EvalReportReplySchema,
  GetAgentRequestSchema,
  GetDeploymentRequestSchema,
  GetWebhookRequestSchema,
  Headers,
  HealthOverviewReplySchema,
  HealthOverviewRequestSchema,
  InboundHookReplySchema,
  InboundHookRequestSchema,
  ListDeliveriesReplySchema,
  ListDeliveriesRequestSchema,
  ListTriggersReplySchema,
  ListTriggersRequestSchema,
  ListWebhooksReplySchema,
  ListWebhooksRequestSchema,
  PromoteDeploymentRequestSchema,
  RollbackDeploymentRequestSchema,
  RunEvalsRequestSchema,
  WebhookReplySchema,
} from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from './test/harness.js';

interface StandInError {
  error: { code: string; message: string; path?: string; detailsJson?: string };
}
interface ErrorBody {
  error: { code: string; message: string; path?: string; details?: Record<string, unknown> };
}

/** Stand-in service answers for one tenant (checked on the tenant header): the gateway's side is under test. */
function answer<I extends DescMessage, O extends DescMessage>(nc: NatsConnection, tenant: string, subject: string, req: I, res: O, fn: (request: ReturnType<typeof decode<I>>) => MessageInitShape<O> | StandInError) {
  return nc.subscribe(processNamespace().subject(subject), {
    callback: (_err, msg: Msg) => {
      if (msg.headers?.get(Headers.tenantId) !== tenant) return;
      const out = fn(decode(req, msg.data));
      const h = natsHeaders();
      h.set(Headers.status, 'error' in out ? 'error' : 'ok');
      msg.respond('error' in out ? encode(ErrorReplySchema, (out as StandInError).error) : encode(res, out as MessageInitShape<O>), { headers: h });
    },
  });
}

const AT = '2026-11-24T10:00:00.000Z';
const DEP = '2b9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e22';
const PREV = '1a9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e11';
const HOOK = '3c9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e33';
const DELIVERY = '4d9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e44';
const report = (passed: boolean) => ({
  agent: 'lead-qualifier',
  version: 2,
  artifactHash: 'sha256:b',
  passed,
  total: 2,
  failed: passed ? 0 : 1,
  workerId: 'w1',
  cases: [
    { name: 'greets', passed: true, outputJson: '{"ok":true}', durationMs: 4 },
    ...(passed ? [{ name: 'scores', passed: true, outputJson: '{"score":3}', durationMs: 5 }] : [{ name: 'scores', passed: false, outputJson: '{"score":1}', failures: ['/score: expected >= 2, got 1'], durationMs: 5 }]),
  ],
});
const deployment = (status: string, extra: Record<string, unknown> = {}) => ({
  deploymentId: DEP,
  agent: 'lead-qualifier',
  version: 2,
  artifactHash: 'sha256:b',
  status,
  createdAt: AT,
  createdBy: 'dora',
  strategy: 'canary',
  canaryPercent: 25,
  windowSeconds: 600,
  windowEndsAt: AT,
  thresholds: { maxFailureRate: 0.2, maxP95Ms: 30_000, minRuns: 5 },
  previousDeploymentId: PREV,
  evalReport: report(true),
  ...extra,
});

describe('gateway issue-11 routes over HTTP (stand-in deployment, health, webhooks and triggers services on real NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  const bearers: Record<string, string> = {};
  const seen: Record<string, unknown[]> = {};
  const record = (subject: string, value: unknown) => (seen[subject] ??= []).push(value);
  const token = (sub: string, roles: string[]) =>
    new SignJWT({ tenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));

  beforeAll(async () => {
    gw = await startGateway({ bodyLimitBytes: 512 * 1024 });
    for (const [who, roles] of [
      ['viewer', ['Viewer']],
      ['dev', ['Developer']],
      ['admin', ['Administrator']],
    ] as const)
      bearers[who] = await token(who, [...roles]);
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'deployment', instanceId: 'gw-lifecycle-test' });
    answer(nc, tenant, 'af.v1.deployments.create', CreateDeploymentRequestSchema, DeploymentReplySchema, (r) => {
      record('create', { version: r.version, strategy: r.strategy, canaryPercent: r.canaryPercent, windowSeconds: r.windowSeconds, thresholds: { ...r.thresholds }, force: r.force, caller: r.caller?.subject });
      if (r.version === 7) return { error: { code: 'VALIDATION_FAILED', message: 'deployment was blocked by its eval gate: 1 of 2 evals failed', path: '/version', detailsJson: JSON.stringify({ deploymentId: DEP, ...report(false) }) } };
      if (r.version === 1) return { deployment: deployment('active', { version: 1, strategy: 'immediate', canaryPercent: 0 }), created: false };
      return { deployment: deployment('canary', { forced: r.force }), created: true };
    });
    answer(nc, tenant, 'af.v1.deployments.get', GetDeploymentRequestSchema, DeploymentReplySchema, (r) => {
      record('get', r.deploymentId);
      if (r.deploymentId === '') return { deployment: deployment('active', { deploymentId: PREV, version: 1 }) };
      if (r.deploymentId !== DEP) return { error: { code: 'NOT_FOUND', message: `deployment ${r.deploymentId} not found`, path: '/deploymentId' } };
      return {
        deployment: deployment('canary', {
          transitions: [
            { fromStatus: '', toStatus: 'pending', at: AT, actor: 'dora', reason: 'deploy version 2' },
            { fromStatus: 'pending', toStatus: 'warming', at: AT, actor: 'dora', reason: 'warming the artifact on a live worker' },
            { fromStatus: 'warming', toStatus: 'canary', at: AT, actor: 'dora', reason: 'warm on w1; evals passed', detailsJson: '{"workerId":"w1"}' },
          ],
        }),
      };
    });
    answer(nc, tenant, 'af.v1.deployments.promote', PromoteDeploymentRequestSchema, DeploymentReplySchema, (r) => {
      record('promote', { agent: r.agent, deploymentId: r.deploymentId, caller: r.caller?.subject });
      return { deployment: deployment('active') };
    });
    answer(nc, tenant, 'af.v1.deployments.rollback', RollbackDeploymentRequestSchema, DeploymentReplySchema, (r) => {
      record('rollback', { agent: r.agent, toVersion: r.toVersion, reason: r.reason, caller: r.caller?.subject });
      return { deployment: deployment('active', { deploymentId: PREV, version: 1, strategy: 'immediate' }) };
    });
    answer(nc, tenant, 'af.v1.deployments.agent.get', GetAgentRequestSchema, AgentViewReplySchema, (r) => ({
      agent: {
        agent: r.agent,
        health: 'healthy',
        active: deployment('active', { deploymentId: PREV, version: 1 }),
        canary: deployment('canary'),
        versions: [
          { version: 1, artifactHash: 'sha256:a', role: 'active', percent: 75, inFlightRuns: 2n, runs: 40n, failed: 1n, failureRate: 0.025, p95Ms: 900, deploymentId: PREV },
          { version: 2, artifactHash: 'sha256:b', role: 'canary', percent: 25, inFlightRuns: 1n, runs: 10n, failed: 0n, failureRate: 0, p95Ms: 800, deploymentId: DEP },
        ],
      },
    }));
    answer(nc, tenant, 'af.v1.deployments.evals.run', RunEvalsRequestSchema, EvalReportReplySchema, (r) => {
      record('evals', { version: r.version, caller: r.caller?.subject });
      return { report: report(r.version !== 3) };
    });
    answer(nc, tenant, 'af.v1.health.agents.stats', AgentStatsRequestSchema, AgentStatsReplySchema, (r) => ({
      agent: r.agent,
      windowMs: 600_000n,
      versions: [{ version: 2, runs: 10n, succeeded: 9n, failed: 1n, failureRate: 0.1, p50Ms: 300, p95Ms: 800, lastFinishedMs: 1_795_000_000_000n, probe: 'ok' }],
    }));
    answer(nc, tenant, 'af.v1.health.overview', HealthOverviewRequestSchema, HealthOverviewReplySchema, () => ({
      status: 'ok',
      services: [{ service: 'worker', state: 'up', instances: 2, lastSeenMs: 1_795_000_000_000n, checks: { nats: 'up' } }],
      workers: [
        { workerId: 'w1', state: 'alive', lastSeenMs: 1_795_000_000_000n, inFlight: 1, slots: 4 },
        { workerId: 'w2', state: 'dead', lastSeenMs: 1_794_000_000_000n, inFlight: 0, slots: 4 },
      ],
      agents: [{ agent: 'lead-qualifier', version: 2, state: 'degraded', runs: 10n, failureRate: 0.1, p95Ms: 800, reason: 'failure rate 0.1' }],
    }));
    answer(nc, tenant, 'af.v1.triggers.list', ListTriggersRequestSchema, ListTriggersReplySchema, (r) => ({
      items: [
        { agent: r.agent, id: 'nightly', type: 'schedule', version: 2, cron: '0 3 * * *', timezone: 'Europe/Paris', nextFireAt: AT, fired: 4n },
        { agent: r.agent, id: 'crm', type: 'webhook', version: 2 },
      ],
    }));
    answer(nc, tenant, 'af.v1.webhooks.create', CreateWebhookRequestSchema, WebhookReplySchema, (r) => {
      record('webhooks.create', { url: r.url, events: r.events, secret: r.secret, description: r.description, agent: r.agent, caller: r.caller?.subject });
      if (r.url.includes('127.0.0.1')) return { error: { code: 'INVALID_ARGUMENT', message: 'url refused: loopback address', path: '/url' } };
      return { webhook: { id: HOOK, url: r.url, events: r.events, description: r.description, agent: r.agent, createdAt: AT, createdBy: r.caller?.subject ?? '' } };
    });
    answer(nc, tenant, 'af.v1.webhooks.list', ListWebhooksRequestSchema, ListWebhooksReplySchema, () => ({ items: [{ id: HOOK, url: 'https://hooks.example.com/af', events: ['deployment.*'], createdAt: AT, createdBy: 'dev' }] }));
    const oneHook = (r: { id: string }) =>
      r.id === HOOK ? { webhook: { id: HOOK, url: 'https://hooks.example.com/af', events: ['deployment.*'], createdAt: AT, createdBy: 'dev' } } : { error: { code: 'NOT_FOUND', message: `webhook "${r.id}" not found`, path: '/id' } };
    answer(nc, tenant, 'af.v1.webhooks.get', GetWebhookRequestSchema, WebhookReplySchema, oneHook);
    answer(nc, tenant, 'af.v1.webhooks.delete', GetWebhookRequestSchema, WebhookReplySchema, oneHook);
    answer(nc, tenant, 'af.v1.webhooks.deliveries.list', ListDeliveriesRequestSchema, ListDeliveriesReplySchema, (r) => {
      record('deliveries', { webhookId: r.webhookId, limit: r.limit, after: r.after });
      return { items: [{ id: DELIVERY, webhookId: r.webhookId, eventId: 'ev-1', eventType: 'deployment.active', attempt: 2, status: 'delivered', responseStatus: 200, createdAt: AT, deliveredAt: AT, durationMs: 12 }], next: DELIVERY };
    });
    answer(nc, tenant, 'af.v1.triggers.hook', InboundHookRequestSchema, InboundHookReplySchema, (r) => {
      record('hook', { tenantId: r.tenantId, agent: r.agent, triggerId: r.triggerId, body: Buffer.from(r.body).toString('base64'), signature: r.signature, contentType: r.contentType });
      if (r.triggerId === 'unknown') return { error: { code: 'NOT_FOUND', message: 'no webhook trigger at this address' } };
      if (!r.signature.startsWith('t=')) return { error: { code: 'UNAUTHENTICATED', message: 'the signature does not match', path: '/signature' } };
      return { runId: '5e9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e55', status: 'queued' };
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const call = async (who: string | null, path: string, init: { method?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}) => {
    const hasBody = init.body !== undefined || init.raw !== undefined;
    const res = await fetch(gw.url + path, {
      method: init.method ?? 'GET',
      headers: { ...(who ? { authorization: `Bearer ${bearers[who]}` } : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}), ...init.headers },
      ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & ErrorBody };
  };
  const last = (subject: string) => seen[subject]?.at(-1);

  describe('deployments', () => {
    it('POST …/deployments forwards the lifecycle settings and answers 201 with the new Deployment fields', async () => {
      const res = await call('dev', '/v1/agents/lead-qualifier/deployments', {
        method: 'POST',
        body: { version: 2, strategy: 'canary', canaryPercent: 25, windowSeconds: 600, thresholds: { maxFailureRate: 0.2, maxP95Ms: 30_000, minRuns: 5 } },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ deploymentId: DEP, status: 'canary', strategy: 'canary', canaryPercent: 25, windowSeconds: 600, windowEndsAt: AT, previousDeploymentId: PREV, forced: false, transitions: [] });
      expect(res.body['evalReport']).toMatchObject({ passed: true, total: 2, failed: 0, cases: expect.arrayContaining([expect.objectContaining({ name: 'greets', output: { ok: true }, error: null })]) });
      expect(last('create')).toEqual({ version: 2, strategy: 'canary', canaryPercent: 25, windowSeconds: 600, thresholds: expect.objectContaining({ maxFailureRate: 0.2, maxP95Ms: 30_000, minRuns: 5 }), force: false, caller: 'dev' });
    });

    it('answers 200 with a message when the version is already active, and 422 with the eval report when evals block it', async () => {
      const same = await call('dev', '/v1/agents/lead-qualifier/deployments', { method: 'POST', body: { version: 1 } });
      expect(same.status).toBe(200);
      expect(same.body['message']).toMatch(/version 1 of lead-qualifier is already active/);
      const blocked = await call('dev', '/v1/agents/lead-qualifier/deployments', { method: 'POST', body: { version: 7 } });
      expect(blocked.status).toBe(422);
      expect(blocked.body.error).toMatchObject({ code: 'VALIDATION_FAILED', path: '/version', details: { passed: false, failed: 1, cases: expect.arrayContaining([expect.objectContaining({ name: 'scores', passed: false })]) } });
    });

    it('force needs ApproveRealWorld: a Developer gets 403 before anything is sent, an Administrator deploys', async () => {
      const before = seen['create']?.length ?? 0;
      const refused = await call('dev', '/v1/agents/lead-qualifier/deployments', { method: 'POST', body: { version: 2, force: true } });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'PERMISSION_DENIED', path: '/force', message: expect.stringContaining('ApproveRealWorld') });
      expect(seen['create']?.length ?? 0).toBe(before);
      const forced = await call('admin', '/v1/agents/lead-qualifier/deployments', { method: 'POST', body: { version: 2, force: true } });
      expect(forced.status).toBe(201);
      expect(forced.body['forced']).toBe(true);
      expect(last('create')).toMatchObject({ force: true, caller: 'admin' });
    });

    it('GET one deployment with its transitions; promote; rollback {toVersion, reason}; unknown id 404', async () => {
      const one = await call('viewer', `/v1/agents/lead-qualifier/deployments/${DEP}`);
      expect(one.status).toBe(200);
      expect(one.body['transitions']).toEqual([
        { from: null, to: 'pending', at: AT, actor: 'dora', reason: 'deploy version 2', details: null },
        { from: 'pending', to: 'warming', at: AT, actor: 'dora', reason: 'warming the artifact on a live worker', details: null },
        { from: 'warming', to: 'canary', at: AT, actor: 'dora', reason: 'warm on w1; evals passed', details: { workerId: 'w1' } },
      ]);
      expect((await call('viewer', `/v1/agents/lead-qualifier/deployments/${randomUUID()}`)).status).toBe(404);
      const active = await call('viewer', '/v1/agents/lead-qualifier/deployments/active');
      expect(active.status).toBe(200);
      // The static route wins over {id}: the active deployment is asked for, not a deployment called "active".
      expect(last('get')).toBe('');
      expect(active.body).toMatchObject({ deploymentId: PREV, status: 'active' });

      const promoted = await call('dev', `/v1/agents/lead-qualifier/deployments/${DEP}/promote`, { method: 'POST' });
      expect(promoted.status).toBe(200);
      expect(promoted.body['status']).toBe('active');
      expect(last('promote')).toEqual({ agent: 'lead-qualifier', deploymentId: DEP, caller: 'dev' });

      const rolled = await call('dev', '/v1/agents/lead-qualifier/rollback', { method: 'POST', body: { toVersion: 1, reason: 'p95 doubled' } });
      expect(rolled.status).toBe(200);
      expect(rolled.body).toMatchObject({ deploymentId: PREV, version: 1, status: 'active' });
      expect(last('rollback')).toEqual({ agent: 'lead-qualifier', toVersion: 1, reason: 'p95 doubled', caller: 'dev' });
      await call('dev', '/v1/agents/lead-qualifier/rollback', { method: 'POST' });
      expect(last('rollback')).toEqual({ agent: 'lead-qualifier', toVersion: 0, reason: '', caller: 'dev' });
    });

    it('GET /v1/agents/{name} answers the agent view; POST …/evals the report; health and triggers per agent', async () => {
      const view = await call('viewer', '/v1/agents/lead-qualifier');
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ agent: 'lead-qualifier', health: 'healthy', active: { deploymentId: PREV }, canary: { deploymentId: DEP, canaryPercent: 25 } });
      expect(view.body['versions']).toEqual([
        { version: 1, artifactHash: 'sha256:a', role: 'active', percent: 75, inFlightRuns: 2, runs: 40, failed: 1, failureRate: 0.025, p95Ms: 900, deploymentId: PREV },
        { version: 2, artifactHash: 'sha256:b', role: 'canary', percent: 25, inFlightRuns: 1, runs: 10, failed: 0, failureRate: 0, p95Ms: 800, deploymentId: DEP },
      ]);
      const evals = await call('dev', '/v1/agents/lead-qualifier/evals', { method: 'POST', body: { version: 3 } });
      expect(evals.status).toBe(200);
      expect(evals.body).toMatchObject({ passed: false, failed: 1, cases: [expect.anything(), { name: 'scores', passed: false, failures: ['/score: expected >= 2, got 1'], output: { score: 1 } }] });
      expect(last('evals')).toEqual({ version: 3, caller: 'dev' });
      const health = await call('viewer', '/v1/agents/lead-qualifier/health');
      expect(health.body).toEqual({
        agent: 'lead-qualifier',
        windowMs: 600_000,
        versions: [{ version: 2, runs: 10, succeeded: 9, failed: 1, failureRate: 0.1, p50Ms: 300, p95Ms: 800, lastFinishedAt: new Date(1_795_000_000_000).toISOString(), probe: 'ok' }],
      });
      const triggers = await call('viewer', '/v1/agents/lead-qualifier/triggers');
      expect(triggers.body).toEqual({
        agent: 'lead-qualifier',
        items: [
          { id: 'nightly', agent: 'lead-qualifier', type: 'schedule', version: 2, cron: '0 3 * * *', timezone: 'Europe/Paris', subject: null, nextFireAt: AT, lastFiredAt: null, fired: 4 },
          { id: 'crm', agent: 'lead-qualifier', type: 'webhook', version: 2, cron: null, timezone: null, subject: null, nextFireAt: null, lastFiredAt: null, fired: 0 },
        ],
      });
    });

    it('GET /v1/health: services, workers and agents (ViewMesh)', async () => {
      const res = await call('viewer', '/v1/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        services: [{ service: 'worker', state: 'up', instances: 2 }],
        workers: [
          { workerId: 'w1', state: 'alive', inFlight: 1, slots: 4 },
          { workerId: 'w2', state: 'dead', inFlight: 0, slots: 4 },
        ],
        agents: [{ agent: 'lead-qualifier', version: 2, state: 'degraded', runs: 10, reason: 'failure rate 0.1' }],
      });
    });

    it('refuses bad input with 400 at the path at fault, before the bus', async () => {
      const cases: [string, string, unknown, string][] = [
        ['POST', '/v1/agents/lead-qualifier/deployments', { strategy: 'blue-green' }, '/strategy'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { canaryPercent: 0 }, '/canaryPercent'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { canaryPercent: 100 }, '/canaryPercent'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { windowSeconds: 86_401 }, '/windowSeconds'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { thresholds: { maxFailureRate: 2 } }, '/thresholds/maxFailureRate'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { thresholds: { maxP95Ms: -5 } }, '/thresholds/maxP95Ms'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { thresholds: { minRuns: 1.5 } }, '/thresholds/minRuns'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { thresholds: { maxErrors: 1 } }, '/thresholds/maxErrors'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { force: 'yes' }, '/force'],
        ['POST', '/v1/agents/lead-qualifier/deployments', { status: 'active' }, '/status'],
        ['POST', '/v1/agents/Bad_Name/deployments', {}, '/name'],
        ['GET', '/v1/agents/lead-qualifier/deployments/not-a-uuid', undefined, '/id'],
        ['POST', '/v1/agents/lead-qualifier/deployments/not-a-uuid/promote', undefined, '/id'],
        ['POST', `/v1/agents/lead-qualifier/deployments/${DEP}/promote`, { now: true }, '/now'],
        ['POST', '/v1/agents/lead-qualifier/rollback', { toVersion: 0 }, '/toVersion'],
        ['POST', '/v1/agents/lead-qualifier/rollback', { reason: 'x'.repeat(1001) }, '/reason'],
        ['POST', '/v1/agents/lead-qualifier/rollback', { version: 1 }, '/version'],
        ['POST', '/v1/agents/lead-qualifier/evals', { version: 'latest' }, '/version'],
        ['GET', '/v1/agents/Bad_Name', undefined, '/name'],
        ['GET', '/v1/agents/Bad_Name/health', undefined, '/name'],
        ['GET', '/v1/agents/Bad_Name/triggers', undefined, '/name'],
      ];
      for (const [method, path, body, at] of cases) {
        const res = await call('admin', path, { method, body });
        expect({ method, path, status: res.status, code: res.body.error?.code, at: res.body.error?.path }).toEqual({ method, path, status: 400, code: 'INVALID_ARGUMENT', at });
      }
    });

    it('a Viewer reads but cannot deploy, promote, roll back or run evals (403 DeployAgent)', async () => {
      for (const [path, body] of [
        ['/v1/agents/lead-qualifier/deployments', { version: 2 }],
        [`/v1/agents/lead-qualifier/deployments/${DEP}/promote`, undefined],
        ['/v1/agents/lead-qualifier/rollback', {}],
        ['/v1/agents/lead-qualifier/evals', {}],
      ] as const) {
        const res = await call('viewer', path, { method: 'POST', body });
        expect({ path, status: res.status, permission: res.body.error?.details?.['permission'] }).toEqual({ path, status: 403, permission: 'DeployAgent' });
      }
    });
  });

  describe('webhooks', () => {
    const secret = 'whsec-0123456789abcdef';

    it('POST creates (201) and never echoes the secret; GET list and one; DELETE; deliveries with limit and after', async () => {
      const created = await call('dev', '/v1/webhooks', { method: 'POST', body: { url: 'https://hooks.example.com/af', events: ['deployment.*', 'run.failed'], secret, description: 'ops', agent: 'lead-qualifier' } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: HOOK, url: 'https://hooks.example.com/af', events: ['deployment.*', 'run.failed'], description: 'ops', agent: 'lead-qualifier', createdAt: AT, createdBy: 'dev' });
      expect(created.text).not.toContain(secret);
      expect(last('webhooks.create')).toEqual({ url: 'https://hooks.example.com/af', events: ['deployment.*', 'run.failed'], secret, description: 'ops', agent: 'lead-qualifier', caller: 'dev' });

      expect((await call('dev', '/v1/webhooks')).body['items']).toEqual([expect.objectContaining({ id: HOOK, agent: null })]);
      expect((await call('dev', `/v1/webhooks/${HOOK}`)).body).toMatchObject({ id: HOOK });
      expect((await call('dev', `/v1/webhooks/${randomUUID()}`)).status).toBe(404);
      expect((await call('dev', `/v1/webhooks/${HOOK}`, { method: 'DELETE' })).status).toBe(200);

      const page = await call('dev', `/v1/webhooks/${HOOK}/deliveries?limit=5&after=${DELIVERY}`);
      expect(page.status).toBe(200);
      expect(page.body).toEqual({
        items: [{ id: DELIVERY, webhookId: HOOK, eventId: 'ev-1', eventType: 'deployment.active', attempt: 2, status: 'delivered', responseStatus: 200, error: null, durationMs: 12, createdAt: AT, nextAttemptAt: null, deliveredAt: AT }],
        next: DELIVERY,
      });
      expect(last('deliveries')).toEqual({ webhookId: HOOK, limit: 5, after: DELIVERY });
    });

    it('refusals: 400 at the path (never quoting the secret), the service’s own refusal passed through, a Viewer 403', async () => {
      const base = { url: 'https://hooks.example.com/af', events: ['deployment.*'], secret };
      const cases: [unknown, string][] = [
        [{ ...base, url: 'ftp://x.example' }, '/url'],
        [{ ...base, events: [] }, '/events'],
        [{ ...base, events: ['deployment.*', 'run.started'] }, '/events/1'],
        [{ ...base, secret: 'short' }, '/secret'],
        [{ ...base, secret: undefined }, '/secret'],
        [{ ...base, agent: 'Not An Agent' }, '/agent'],
        [{ ...base, id: HOOK }, '/id'],
      ];
      for (const [body, at] of cases) {
        const res = await call('dev', '/v1/webhooks', { method: 'POST', body });
        expect({ at, status: res.status, path: res.body.error?.path }).toEqual({ at, status: 400, path: at });
        expect(res.text).not.toContain('whsec');
      }
      const malformed = await call('dev', '/v1/webhooks', { method: 'POST', raw: `{"url":"https://h.example","events":["run.*"],"secret":"${secret}",}` });
      expect(malformed.status).toBe(400);
      expect(malformed.text).not.toContain(secret);
      expect(malformed.text).not.toContain('whsec');
      const loopback = await call('dev', '/v1/webhooks', { method: 'POST', body: { ...base, url: 'http://127.0.0.1:9/x' } });
      expect(loopback.status).toBe(400);
      expect(loopback.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/url', message: expect.stringContaining('loopback') });
      for (const [q, at] of [
        ['?limit=0', '/query/limit'],
        ['?after=nope', '/query/after'],
      ]) {
        const res = await call('dev', `/v1/webhooks/${HOOK}/deliveries${q}`);
        expect({ q, status: res.status, path: res.body.error?.path }).toEqual({ q, status: 400, path: at });
      }
      expect((await call('dev', '/v1/webhooks/not-a-uuid')).body.error?.path).toBe('/id');
      for (const [method, path] of [
        ['GET', '/v1/webhooks'],
        ['POST', '/v1/webhooks'],
        ['DELETE', `/v1/webhooks/${HOOK}`],
      ]) {
        const res = await call('viewer', path, { method, ...(method === 'POST' ? { body: base } : {}) });
        expect({ path, status: res.status, permission: res.body.error?.details?.['permission'] }).toEqual({ path, status: 403, permission: 'ManageWebhooks' });
      }
    });
  });

  describe('inbound hooks', () => {
    const signature = (body: string | Buffer) => {
      const t = Math.floor(Date.now() / 1000);
      return `t=${t},v1=${createHmac('sha256', 'hook-secret-0123456789').update(`${t}.`).update(body).digest('hex')}`;
    };

    it('answers without a token: the exact body bytes, the signature and the path’s tenant reach the triggers service; 202 {runId, status}', async () => {
      // Whitespace, key order, a BOM-free non-ASCII string and an escaped character the gateway must not normalise.
      const raw = Buffer.from('{ "lead" : "Zoë",\n  "n": 1.50, "s":"\\u0041" }  ', 'utf8');
      const sig = signature(raw);
      const res = await call(null, `/v1/hooks/${tenant}/lead-qualifier/crm`, { method: 'POST', raw, headers: { 'x-af-signature': sig, 'content-type': 'application/json; charset=utf-8' } });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ runId: '5e9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e55', status: 'queued' });
      expect(last('hook')).toEqual({ tenantId: tenant, agent: 'lead-qualifier', triggerId: 'crm', body: raw.toString('base64'), signature: sig, contentType: 'application/json; charset=utf-8' });
    });

    it('passes the triggers service’s refusals through: 401 for a bad signature, 404 for an unknown trigger', async () => {
      const bad = await call(null, `/v1/hooks/${tenant}/lead-qualifier/crm`, { method: 'POST', raw: '{}', headers: { 'x-af-signature': 'v1=00' } });
      expect(bad.status).toBe(401);
      expect(bad.body.error).toMatchObject({ code: 'UNAUTHENTICATED', path: '/signature' });
      const unknown = await call(null, `/v1/hooks/${tenant}/lead-qualifier/unknown`, { method: 'POST', raw: '{}', headers: { 'x-af-signature': signature('{}') } });
      expect(unknown.status).toBe(404);
    });

    it('refuses a bad path (400), a body that is not JSON (415) or too large (413) before forwarding; a token is not needed nor used', async () => {
      const before = seen['hook']?.length ?? 0;
      const cases: [string, RequestInit, number, string | undefined][] = [
        ['/v1/hooks/Not_A_Tenant/lead-qualifier/crm', { body: '{}', headers: { 'content-type': 'application/json' } }, 400, '/tenant'],
        [`/v1/hooks/${tenant}/Bad_Agent/crm`, { body: '{}', headers: { 'content-type': 'application/json' } }, 400, '/agent'],
        [`/v1/hooks/${tenant}/lead-qualifier/Bad_Trigger`, { body: '{}', headers: { 'content-type': 'application/json' } }, 400, '/triggerId'],
        [`/v1/hooks/${tenant}/lead-qualifier/crm`, { body: 'a: 1', headers: { 'content-type': 'application/yaml' } }, 415, '/headers/content-type'],
        [`/v1/hooks/${tenant}/lead-qualifier/crm`, { body: `{"a":"${'x'.repeat(256 * 1024)}"}`, headers: { 'content-type': 'application/json' } }, 413, ''],
        [`/v1/hooks/${tenant}/lead-qualifier/crm`, { body: '{"a":', headers: { 'content-type': 'application/json' } }, 400, ''],
      ];
      for (const [path, init, status, at] of cases) {
        const res = await fetch(gw.url + path, { method: 'POST', ...init });
        const body = (await res.json()) as ErrorBody;
        expect({ path, status: res.status, at: body.error.path }).toEqual({ path, status, at });
      }
      expect(seen['hook']?.length ?? 0).toBe(before);
    });
  });
});

describe('inbound hooks are rate limited per tenant and trigger', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();

  beforeAll(async () => {
    gw = await startGateway({ env: { AF_RATE_LIMIT_PLANS: JSON.stringify({ free: { rps: 1, burst: 3 } }), AF_DEFAULT_PLAN: 'free' } });
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'triggers', instanceId: 'gw-hook-limit-test' });
    answer(nc, tenant, 'af.v1.triggers.hook', InboundHookRequestSchema, InboundHookReplySchema, () => ({ runId: randomUUID(), status: 'queued' }));
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  it('the burst of one trigger is refused with 429 and Retry-After; another trigger of the tenant still passes', async () => {
    const post = (trigger: string) => fetch(`${gw.url}/v1/hooks/${tenant}/lead-qualifier/${trigger}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'x-af-signature': 't=1,v1=00' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('crm')).status);
    expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await post('crm');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
    expect((await post('other')).status).toBe(202);
  });
});

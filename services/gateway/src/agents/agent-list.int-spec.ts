import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import {
  AgentStatsReplySchema,
  AgentStatsRequestSchema,
  AgentViewReplySchema,
  ErrorReplySchema,
  GetAgentRequestSchema,
  Headers,
  ListBlueprintsReplySchema,
  ListBlueprintsRequestSchema,
} from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface StandInError {
  error: { code: string; message: string; path?: string };
}
type Answer<O extends DescMessage> = MessageInitShape<O> | StandInError | 'silence';

/**
 * A stand-in service on real NATS: answers the gateway's request for the tenants it is given
 * (after `delayMs`), or stays silent (the gateway's lookup times out).
 */
function answer<I extends DescMessage, O extends DescMessage>(nc: NatsConnection, subject: string, req: I, res: O, fn: (tenant: string, request: ReturnType<typeof decode<I>>) => Promise<Answer<O>> | Answer<O> | undefined) {
  return nc.subscribe(processNamespace().subject(subject), {
    callback: (_err, msg: Msg) => {
      const tenant = msg.headers?.get(Headers.tenantId) ?? '';
      void (async () => {
        const out = await fn(tenant, decode(req, msg.data));
        if (out === undefined || out === 'silence') return;
        const h = natsHeaders();
        h.set(Headers.status, 'error' in out ? 'error' : 'ok');
        msg.respond('error' in out ? encode(ErrorReplySchema, (out as StandInError).error) : encode(res, out as MessageInitShape<O>), { headers: h });
      })();
    },
  });
}

interface AgentList {
  items: {
    name: string;
    latestVersion: number;
    description: string;
    labels: Record<string, string>;
    valid: boolean;
    updatedAt: string;
    deployment: { health: string; active: { deploymentId: string; version: number; since: string } | null; canary: { deploymentId: string; version: number; percent: number; since: string } | null; inFlightRuns: number } | null;
    recent: { windowMs: number; runs: number; failed: number; failureRate: number; p95Ms: number } | null;
    unavailable: { part: string; code: string; message: string }[];
  }[];
  nextCursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; path?: string };
}

const AT = '2026-11-24T10:00:00.000Z';
const LATER = '2026-11-24T11:00:00.000Z';
const LOOKUP_TIMEOUT_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /v1/agents over HTTP (stand-in blueprints, deployment and health services on real NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  /** A second tenant with a full page of slow agents: the fan-out's bound is measured there. */
  const busy = testTenant();
  const bearer: Record<string, string> = {};
  const listRequests: { tenant: string; limit: number; cursor: string; includeArchived: boolean }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const token = (sub: string, roles: string[], forTenant = tenant) =>
    new SignJWT({ tenant: forTenant, roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET));
  const busyAgents = Array.from({ length: 20 }, (_, i) => `busy-${String(i).padStart(2, '0')}`);
  /** Counts the busy tenant's lookups in flight at the stand-ins. */
  const slow = async <T>(value: T): Promise<T> => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await sleep(40);
    inFlight--;
    return value;
  };

  beforeAll(async () => {
    gw = await startGateway({ env: { GATEWAY_AGENT_LIST_LOOKUP_TIMEOUT_MS: String(LOOKUP_TIMEOUT_MS) } });
    bearer['viewer'] = await token('vera', ['Viewer']);
    bearer['busy'] = await token('bo', ['Viewer'], busy);
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'blueprints', instanceId: 'gw-agent-list-test' });

    answer(nc, 'af.v1.blueprints.list', ListBlueprintsRequestSchema, ListBlueprintsReplySchema, (t, r) => {
      if (t !== tenant && t !== busy) return undefined;
      listRequests.push({ tenant: t, limit: r.limit, cursor: r.cursor, includeArchived: r.includeArchived });
      if (t === busy) return { items: busyAgents.slice(0, r.limit).map((name) => ({ name, latestVersion: 1, updatedAt: AT, valid: true })), nextCursor: '' };
      if (r.cursor === 'bad') return { error: { code: 'INVALID_ARGUMENT', message: 'cursor is not one this service gave', path: '/cursor' } };
      if (r.cursor === 'page-2') return { items: [{ name: 'zeta', latestVersion: 1, updatedAt: AT }], nextCursor: '' };
      return {
        items: [
          { name: 'alpha', latestVersion: 3, description: 'Qualifies leads', labels: { team: 'sales' }, updatedAt: AT, valid: true },
          { name: 'beta', latestVersion: 1, updatedAt: AT, valid: true },
          { name: 'delta', latestVersion: 2, updatedAt: AT, valid: false },
          { name: 'gamma', latestVersion: 1, updatedAt: AT, valid: true },
        ].slice(0, r.limit),
        nextCursor: 'page-2',
      };
    });
    answer(nc, 'af.v1.deployments.agent.get', GetAgentRequestSchema, AgentViewReplySchema, (t, r) => {
      if (t === busy) return slow({ agent: { agent: r.agent, health: 'healthy', versions: [] } });
      if (t !== tenant) return undefined;
      switch (r.agent) {
        case 'alpha':
          return {
            agent: {
              agent: 'alpha',
              health: 'degraded',
              active: { deploymentId: 'd-2', agent: 'alpha', version: 2, status: 'active', createdAt: AT },
              canary: { deploymentId: 'd-3', agent: 'alpha', version: 3, status: 'canary', canaryPercent: 20, createdAt: LATER },
              versions: [
                { version: 3, role: 'canary', percent: 20, inFlightRuns: 2n, deploymentId: 'd-3' },
                { version: 2, role: 'active', percent: 80, inFlightRuns: 5n, deploymentId: 'd-2' },
              ],
            },
          };
        case 'beta':
          return { error: { code: 'UNAVAILABLE', message: 'the deployment service is busy' } };
        case 'delta':
          return { agent: { agent: 'delta', health: 'unknown', versions: [] } };
        default:
          return { agent: { agent: r.agent, health: 'healthy', active: { deploymentId: `d-${r.agent}`, agent: r.agent, version: 1, status: 'active', createdAt: AT }, versions: [{ version: 1, role: 'active', percent: 100 }] } };
      }
    });
    answer(nc, 'af.v1.health.agents.stats', AgentStatsRequestSchema, AgentStatsReplySchema, (t, r) => {
      if (t === busy) return slow({ agent: r.agent, windowMs: 600_000n, versions: [] });
      if (t !== tenant) return undefined;
      if (r.agent === 'gamma') return 'silence';
      if (r.agent === 'alpha')
        return {
          agent: 'alpha',
          windowMs: 600_000n,
          versions: [
            { version: 3, runs: 10n, succeeded: 7n, failed: 3n, failureRate: 0.3, p95Ms: 2_500 },
            { version: 2, runs: 30n, succeeded: 29n, failed: 1n, failureRate: 1 / 30, p95Ms: 1_200 },
          ],
        };
      return { agent: r.agent, windowMs: 600_000n, versions: [] };
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const get = (path: string, auth: string | null = bearer['viewer']!) => fetch(`${gw.url}${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });

  it('lists each agent with what is live and its recent health; a failed or timed-out lookup leaves that part null with a note, and the list is still 200', async () => {
    const started = performance.now();
    const res = await get('/v1/agents');
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    const body = (await res.json()) as AgentList;
    expect(body.nextCursor).toBe('page-2');
    expect(body.items.map((i) => i.name)).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    const [alpha, beta, delta, gamma] = body.items;

    expect(alpha).toEqual({
      name: 'alpha',
      latestVersion: 3,
      description: 'Qualifies leads',
      labels: { team: 'sales' },
      valid: true,
      updatedAt: AT,
      deployment: { health: 'degraded', active: { deploymentId: 'd-2', version: 2, since: AT }, canary: { deploymentId: 'd-3', version: 3, percent: 20, since: LATER }, inFlightRuns: 7 },
      recent: { windowMs: 600_000, runs: 40, failed: 4, failureRate: 0.1, p95Ms: 2_500 },
      unavailable: [],
    });
    expect(beta!.deployment).toBeNull();
    expect(beta!.recent).toEqual({ windowMs: 600_000, runs: 0, failed: 0, failureRate: 0, p95Ms: 0 });
    expect(beta!.unavailable).toEqual([{ part: 'deployment', code: 'UNAVAILABLE', message: 'the deployment service is busy' }]);
    // Never deployed: nothing live, which is not a failure.
    expect(delta!.deployment).toEqual({ health: 'unknown', active: null, canary: null, inFlightRuns: 0 });
    expect(delta!.unavailable).toEqual([]);
    expect(gamma!.deployment?.active).toEqual({ deploymentId: 'd-gamma', version: 1, since: AT });
    expect(gamma!.recent).toBeNull();
    expect(gamma!.unavailable).toEqual([{ part: 'health', code: 'TIMEOUT', message: expect.any(String) }]);
    // One lookup timeout for the page, not the gateway's default request timeout.
    expect(elapsed).toBeGreaterThanOrEqual(LOOKUP_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(LOOKUP_TIMEOUT_MS + 3_000);
  });

  it('pages as GET /v1/blueprints does: limit (default 20, at most 50) and cursor go to the blueprints service; archived blueprints are not agents', async () => {
    listRequests.length = 0;
    const first = (await (await get('/v1/agents?limit=2')).json()) as AgentList;
    expect(first.items.map((i) => i.name)).toEqual(['alpha', 'beta']);
    const second = (await (await get(`/v1/agents?cursor=${first.nextCursor}`)).json()) as AgentList;
    expect(second).toMatchObject({ items: [{ name: 'zeta' }], nextCursor: null });
    await get('/v1/agents?limit=50');
    expect(listRequests).toEqual([
      { tenant, limit: 2, cursor: '', includeArchived: false },
      { tenant, limit: 20, cursor: 'page-2', includeArchived: false },
      { tenant, limit: 50, cursor: '', includeArchived: false },
    ]);
  });

  it.each([['0'], ['51'], ['-1'], ['ten'], ['1.5']])('limit=%s is 400 at /query/limit', async (limit) => {
    const res = await get(`/v1/agents?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/query/limit' });
  });

  it('a cursor the blueprints service refuses is 400 at /query/cursor; no credential is 401', async () => {
    const bad = await get('/v1/agents?cursor=bad');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/query/cursor' });
    const anonymous = await get('/v1/agents', null);
    expect(anonymous.status).toBe(401);
  });

  it('a full page is looked up at most 8 at a time (and in parallel, not one by one)', async () => {
    mostInFlight = 0;
    const res = await get('/v1/agents?limit=20', bearer['busy']!);
    expect(res.status).toBe(200);
    const body = (await res.json()) as AgentList;
    expect(body.items.map((i) => i.name)).toEqual(busyAgents);
    expect(body.items.every((i) => i.unavailable.length === 0 && i.deployment !== null && i.recent !== null)).toBe(true);
    expect(mostInFlight).toBe(8);
  });
});

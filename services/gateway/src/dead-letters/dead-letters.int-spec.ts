import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import {
  ErrorReplySchema,
  Headers,
  ListDeadLettersReplySchema,
  ListDeadLettersRequestSchema,
  RetryDeadLetterReplySchema,
  RetryDeadLetterRequestSchema,
  SubmitRunReplySchema,
  SubmitRunRequestSchema,
} from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

interface StandInError {
  error: { code: string; message: string; path?: string };
}

const DL = '7d1c1a52-5a8e-4c55-8f1e-2a7d6c1f0e33';
const RUN = '0b9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e11';

/** Stand-in orchestrator answers for one tenant: the gateway's side is under test. */
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

describe('gateway dead-letter routes and admission control over HTTP (stand-in orchestrator on real NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  let bearer: string;
  const retries: Array<{ id: string; inputJson: string; caller: string }> = [];
  const lists: Array<{ status: string; limit: number; cursor: string }> = [];

  beforeAll(async () => {
    gw = await startGateway();
    bearer = `Bearer ${await new SignJWT({ tenant, roles: ['Developer'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('dora').setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET))}`;
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'gw-dl-test' });
    answer(nc, tenant, 'af.v1.deadletters.list', ListDeadLettersRequestSchema, ListDeadLettersReplySchema, (r) => {
      lists.push({ status: r.status, limit: r.limit, cursor: r.cursor });
      if (r.status === 'weird') return { error: { code: 'INVALID_ARGUMENT', message: 'status must be one of open, retried, discarded', path: '/status' } };
      return { items: [{ id: DL, runId: RUN, agent: 'a', stream: 'AF_RUNS', consumer: 'worker-runs', subject: 'af.v1.runs.execute', streamSeq: 42n, source: 'undecodable', code: 'INVALID_ARGUMENT', reason: 'payload is not a valid af.v1.ExecuteRun', deliveries: 1, status: 'open', createdAt: '2026-11-24T10:00:00.000Z' }], nextCursor: 'n1' };
    });
    answer(nc, tenant, 'af.v1.deadletters.retry', RetryDeadLetterRequestSchema, RetryDeadLetterReplySchema, (r) => {
      retries.push({ id: r.id, inputJson: r.inputJson, caller: r.caller?.subject ?? '' });
      if (retries.length > 2) return { error: { code: 'CONFLICT', message: `dead letter ${r.id} is retried, not open`, path: '/id' } };
      return { deadLetter: { id: r.id, runId: RUN, status: 'retried', retriedBy: r.caller?.subject ?? '', streamSeq: 42n }, run: { runId: RUN, agent: 'a', status: 'queued' } };
    });
    answer(nc, tenant, 'af.v1.runs.submit', SubmitRunRequestSchema, SubmitRunReplySchema, () => ({ error: { code: 'RESOURCE_EXHAUSTED', message: 'tenant has 1000 runs waiting to be dispatched (the limit); retry later', path: '/agent' } }));
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => fetch(gw.url + path, { ...init, headers: { authorization: bearer, ...init.headers } });
  const json = { 'content-type': 'application/json' };

  it('lists dead letters with status, limit and cursor; bad query values are 400 at /query/…', async () => {
    const res = await call('/v1/dead-letters?status=open&limit=5&cursor=c0');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [expect.objectContaining({ id: DL, runId: RUN, source: 'undecodable', streamSeq: 42, status: 'open', retriedAt: null })],
      nextCursor: 'n1',
    });
    expect(lists.at(-1)).toEqual({ status: 'open', limit: 5, cursor: 'c0' });
    const badLimit = await call('/v1/dead-letters?limit=500');
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { error: { path: string } }).error.path).toBe('/query/limit');
    const badStatus = await call('/v1/dead-letters?status=weird');
    expect(badStatus.status).toBe(400);
    expect(((await badStatus.json()) as { error: { path: string } }).error.path).toBe('/query/status');
  });

  it('retries a dead letter with optional corrected input (a JSON object), 409 once it is not open', async () => {
    const plain = await call(`/v1/dead-letters/${DL}/retry`, { method: 'POST', headers: json, body: '{}' });
    expect(plain.status).toBe(202);
    expect(await plain.json()).toMatchObject({ deadLetter: { id: DL, status: 'retried', retriedBy: 'dora' }, run: { runId: RUN, status: 'queued' } });
    const corrected = await call(`/v1/dead-letters/${DL}/retry`, { method: 'POST', headers: json, body: '{"input":{"fixed":true}}' });
    expect(corrected.status).toBe(202);
    expect(retries).toEqual([
      { id: DL, inputJson: '', caller: 'dora' },
      { id: DL, inputJson: '{"fixed":true}', caller: 'dora' },
    ]);
    const bad = await call(`/v1/dead-letters/${DL}/retry`, { method: 'POST', headers: json, body: '{"input":[1]}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { path: string } }).error.path).toBe('/input');
    expect(retries).toHaveLength(2);
    const again = await call(`/v1/dead-letters/${DL}/retry`, { method: 'POST', headers: json, body: '{}' });
    expect(again.status).toBe(409);
  });

  it('answers a submission over the tenant’s queued limit with 429 RESOURCE_EXHAUSTED and Retry-After', async () => {
    const res = await call('/v1/agents/a/runs', { method: 'POST', headers: json, body: '{"input":{}}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RESOURCE_EXHAUSTED');
  });
});

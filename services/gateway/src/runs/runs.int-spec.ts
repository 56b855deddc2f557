import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import {
  CancelRunRequestSchema,
  ErrorReplySchema,
  Headers,
  ListRunsReplySchema,
  ListRunsRequestSchema,
  ListRunTransitionsReplySchema,
  ListRunTransitionsRequestSchema,
  RunReplySchema,
  SubmitRunReplySchema,
  SubmitRunRequestSchema,
  type RunTransition,
} from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';
import { RunEventStream } from './run-event.stream.js';

interface StandInError {
  error: { code: string; message: string; path?: string; detailsJson?: string };
}

const RUN = '0b9c1a52-5a8e-4c55-8f1e-2a7d6c1f0e11';

/** Stand-in orchestrator answers for one tenant (the gateway's side is what is under test). */
function answer<I extends DescMessage, O extends DescMessage>(nc: NatsConnection, tenant: string, subject: string, req: I, res: O, fn: (request: ReturnType<typeof decode<I>>) => MessageInitShape<O> | StandInError | 'silent') {
  return nc.subscribe(processNamespace().subject(subject), {
    callback: (_err, msg: Msg) => {
      if (msg.headers?.get(Headers.tenantId) !== tenant) return;
      const out = fn(decode(req, msg.data));
      if (out === 'silent') return;
      const h = natsHeaders();
      if ('error' in out) {
        h.set(Headers.status, 'error');
        msg.respond(encode(ErrorReplySchema, (out as StandInError).error), { headers: h });
      } else {
        h.set(Headers.status, 'ok');
        msg.respond(encode(res, out as MessageInitShape<O>), { headers: h });
      }
    },
  });
}

describe('gateway run routes over HTTP (stand-in orchestrator on real NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  let bearer: string;
  const history: RunTransition[] = [];
  let polls = 0;

  beforeAll(async () => {
    process.env['NATS_REQUEST_TIMEOUT_MS'] = '1500';
    gw = await startGateway();
    bearer = `Bearer ${await new SignJWT({ tenant, roles: ['Developer'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('carol').setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET))}`;
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'gw-runs-test' });
    answer(nc, tenant, 'af.v1.runs.transitions.list', ListRunTransitionsRequestSchema, ListRunTransitionsReplySchema, (r) => {
      if (r.runId !== RUN) return { error: { code: 'NOT_FOUND', message: `run ${r.runId} was not found`, path: '/runId' } };
      polls++;
      const items = history.filter((t) => t.seq > r.afterSeq);
      const status = history.at(-1)?.toStatus ?? 'queued';
      return { runId: RUN, status, final: ['succeeded', 'failed', 'cancelled', 'dead_lettered'].includes(status), items };
    });
    answer(nc, tenant, 'af.v1.runs.submit', SubmitRunRequestSchema, SubmitRunReplySchema, (r) => {
      if (r.idempotencyKey === 'k-timeout') return 'silent';
      if (r.idempotencyKey === 'k-reused') return { error: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'used for a different request', path: '/idempotencyKey' } };
      return { runId: RUN, status: 'queued', agent: r.agent, version: 1, replayed: r.idempotencyKey === 'k-replayed', priority: r.priority || 'normal' };
    });
    answer(nc, tenant, 'af.v1.runs.list', ListRunsRequestSchema, ListRunsReplySchema, (r) => {
      if (r.cursor === 'bad') return { error: { code: 'INVALID_ARGUMENT', message: 'cursor is not one this service issued', path: '/cursor' } };
      return { items: [{ runId: RUN, agent: r.agent || 'a', version: 1, status: r.status || 'queued', priority: 'high', attempts: 0, createdAt: '2026-11-24T10:00:00.000Z' }], nextCursor: 'next' };
    });
    answer(nc, tenant, 'af.v1.runs.cancel', CancelRunRequestSchema, RunReplySchema, (r) =>
      r.reason === 'again'
        ? { error: { code: 'CONFLICT', message: `run ${r.runId} is cancelled`, path: '/runId', detailsJson: '{"status":"cancelled"}' } }
        : { run: { runId: r.runId, status: 'cancelled', agent: 'a', version: 1, inputJson: '{}', traceId: 't', createdAt: 'x', finishedAt: 'y' } },
    );
    await nc.flush();
  });

  afterAll(async () => {
    delete process.env['NATS_REQUEST_TIMEOUT_MS'];
    await nc?.drain();
    await gw?.service.close();
  });

  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) => fetch(gw.url + path, { ...init, headers: { authorization: bearer, ...init.headers } });
  const transition = (seq: number, from: string, to: string): RunTransition => ({ seq, fromStatus: from, toStatus: to, at: new Date().toISOString(), attempt: seq > 1 ? 1 : 0, workerId: seq > 1 ? 'w-1' : '', reason: to, code: '' }) as RunTransition;

  it('streams a run’s transitions as Server-Sent Events and ends the stream when the run is final', async () => {
    history.length = 0;
    history.push(transition(1, '', 'queued'));
    const res = await call(`/v1/runs/${RUN}/events`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (marker: string) => {
      while (!text.includes(marker)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
    };
    await readUntil('"to":"queued"');
    const pollsBefore = polls;
    // The run moves on while the client listens: the stream polls and forwards, then ends.
    history.push(transition(2, 'queued', 'running'), transition(3, 'running', 'succeeded'));
    await readUntil('event: end');
    const { done } = await reader.read();
    expect(done).toBe(true);
    expect(polls).toBeGreaterThan(pollsBefore);
    const events = text.split('\n\n').filter(Boolean);
    expect(events.map((e) => /^event: (\w+)$/m.exec(e)?.[1])).toEqual(['transition', 'transition', 'transition', 'end']);
    expect(events.slice(0, 3).map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!).to)).toEqual(['queued', 'running', 'succeeded']);
    expect(events.slice(0, 3).map((e) => /^id: (\d+)$/m.exec(e)?.[1])).toEqual(['1', '2', '3']);
    expect(JSON.parse(/^data: (.*)$/m.exec(events[3]!)![1]!)).toEqual({ runId: RUN, status: 'succeeded', final: true });
    expect(gw.service.app.get(RunEventStream).openFor(tenant)).toBe(0);
  });

  it('answers the history as JSON without the event-stream Accept, and 404 for an unknown run (also when streaming)', async () => {
    const res = await call(`/v1/runs/${RUN}/events`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ runId: RUN, status: 'succeeded', final: true, items: [{ seq: 1, from: null, to: 'queued' }, { seq: 2, from: 'queued', to: 'running', workerId: 'w-1' }, { seq: 3 }] });
    for (const accept of ['application/json', 'text/event-stream']) {
      const missing = await call('/v1/runs/5f0c1a52-5a8e-4c55-8f1e-2a7d6c1f0e12/events', { headers: { accept } });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('stops polling when the client closes the stream', async () => {
    history.length = 0;
    history.push(transition(1, '', 'queued'));
    const streams = gw.service.app.get(RunEventStream);
    const abort = new AbortController();
    const res = await call(`/v1/runs/${RUN}/events`, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read();
    expect(streams.openFor(tenant)).toBe(1);
    abort.abort();
    // The stream's loop ran its finally: the tenant's open-stream count is back to 0.
    expect(await until(() => Promise.resolve(streams.openFor(tenant)), (n) => n === 0)).toBe(0);
  });

  it('answers 200 with the original run for a replayed Idempotency-Key, 202 for a new run, 422 for a reused key and 400 for a bad one', async () => {
    const submit = (key: string | undefined, body = '{"input":{"x":1}}') => call('/v1/agents/a/runs', { method: 'POST', headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) }, body });
    const fresh = await submit('k-new');
    expect(fresh.status).toBe(202);
    expect(await fresh.json()).toMatchObject({ runId: RUN, replayed: false });
    const replay = await submit('k-replayed');
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ runId: RUN, status: 'queued', replayed: true });
    const reused = await submit('k-reused');
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED', path: '/headers/idempotency-key' } });
    for (const bad of ['k'.repeat(256), 'caf\u00e9']) {
      const res = await submit(bad);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', path: '/headers/idempotency-key' } });
    }
    const priority = await submit(undefined, '{"input":{},"priority":"urgent"}');
    expect(priority.status).toBe(400);
    expect(await priority.json()).toMatchObject({ error: { path: '/priority' } });
  });

  it('says in a submission’s 504 that the run may have been accepted and a retry with the same Idempotency-Key is safe', async () => {
    const res = await call('/v1/agents/a/runs', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k-timeout' }, body: '{"input":{}}' });
    expect(res.status).toBe(504);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'TIMEOUT', message: expect.stringMatching(/may have been accepted.*same Idempotency-Key/) } });
  });

  it('lists runs with query filters (bad ones 400 at /query/…) and cancels a run (409 when it is final)', async () => {
    const list = await call('/v1/runs?agent=a&status=queued&limit=5');
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [{ runId: RUN, agent: 'a', version: 1, status: 'queued', priority: 'high', attempts: 0, createdAt: '2026-11-24T10:00:00.000Z', finishedAt: null, errorCode: null }], nextCursor: 'next' });
    for (const [query, path] of [['limit=101', '/query/limit'], ['cursor=bad', '/query/cursor'], ['status=a&status=b', '/query/status']] as const) {
      const res = await call(`/v1/runs?${query}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', path } });
    }
    const cancel = await call(`/v1/runs/${RUN}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"no longer needed"}' });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ runId: RUN, status: 'cancelled' });
    const again = await call(`/v1/runs/${RUN}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"again"}' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('cancelled') } });
    const badReason = await call(`/v1/runs/${RUN}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":7}' });
    expect(badReason.status).toBe(400);
    expect(await badReason.json()).toMatchObject({ error: { path: '/reason' } });
  });
});

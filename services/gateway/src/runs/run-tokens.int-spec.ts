import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { ErrorReplySchema, Headers, ListRunTransitionsReplySchema, ListRunTransitionsRequestSchema, RunTokenSchema, suffixedSubject, type RunTransition } from '@af/contracts';
import { connectNats, decode, encode, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { startGateway, TEST_SECRET } from '../test/harness.js';

const RUN = '7d1c2e63-6b9f-4d66-9a2f-3b8e7d2a1f21';
const EARLY = '8e2d3f74-7c0a-4e77-8b3a-4c9f8e3b2a32';

/**
 * Model tokens on a run's event stream, through the real gateway on real NATS: a stand-in
 * orchestrator answers the transitions, the test publishes RunToken signals the way the worker
 * does (`af.v1.runs.tokens.<runId>` with the tenant header).
 */
describe('gateway run event stream: model tokens (real NATS)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let nc: NatsConnection;
  const tenant = testTenant();
  const other = testTenant();
  let bearer: string;
  const history = new Map<string, RunTransition[]>();

  const transition = (seq: number, from: string, to: string): RunTransition => ({ seq, fromStatus: from, toStatus: to, at: new Date().toISOString(), attempt: 1, workerId: 'w-1', reason: to, code: '' }) as RunTransition;
  const publishToken = (runId: string, t: { stepId: string; index: number; text: string }, tenantId = tenant) => {
    const h = natsHeaders();
    h.set(Headers.tenantId, tenantId);
    nc.publish(processNamespace().subject(suffixedSubject('af.v1.runs.tokens', runId)), encode(RunTokenSchema, { runId, route: 'offline/echo', ...t }), { headers: h });
  };

  beforeAll(async () => {
    gw = await startGateway();
    bearer = `Bearer ${await new SignJWT({ tenant, roles: ['Viewer'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('vera').setIssuer('agent-factory').setAudience('agent-factory-api').setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET))}`;
    nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', service: 'orchestrator', instanceId: 'gw-run-tokens-test' });
    nc.subscribe(processNamespace().subject('af.v1.runs.transitions.list'), {
      callback: (_err, msg) => {
        if (msg.headers?.get(Headers.tenantId) !== tenant) return;
        const r = decode(ListRunTransitionsRequestSchema, msg.data);
        const items = history.get(r.runId);
        if (!items) {
          const h = natsHeaders();
          h.set(Headers.status, 'error');
          msg.respond(encode(ErrorReplySchema, { code: 'NOT_FOUND', message: `run ${r.runId} was not found`, path: '/runId' }), { headers: h });
          return;
        }
        // A token the worker signals while the first page is being read: the stream must not miss it.
        if (r.runId === EARLY && r.afterSeq === 0) publishToken(EARLY, { stepId: `${EARLY}/1`, index: 0, text: 'early' });
        const status = items.at(-1)?.toStatus ?? 'queued';
        const h = natsHeaders();
        h.set(Headers.status, 'ok');
        msg.respond(encode(ListRunTransitionsReplySchema, { runId: r.runId, status, final: status === 'succeeded', items: items.filter((t) => t.seq > r.afterSeq) }), { headers: h });
      },
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.drain();
    await gw?.service.close();
  });

  const open = async (runId: string) => {
    const res = await fetch(`${gw.url}/v1/runs/${runId}/events`, { headers: { authorization: bearer, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (marker: string) => {
      while (!text.includes(marker)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      return text;
    };
    return { readUntil, done: async () => (await reader.read()).done };
  };
  const frames = (text: string) =>
    text
      .split('\n\n')
      .filter(Boolean)
      .map((f) => ({ id: /^id: (.*)$/m.exec(f)?.[1] ?? null, event: /^event: (.*)$/m.exec(f)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(f)![1]!) as Record<string, unknown> }));

  it('forwards this tenant’s tokens as `event: token` without ids between the transitions, and not another tenant’s', async () => {
    history.set(RUN, [transition(1, '', 'queued'), transition(2, 'queued', 'running')]);
    const stream = await open(RUN);
    await stream.readUntil('"to":"running"');
    publishToken(RUN, { stepId: `${RUN}/3`, index: 0, text: 'stolen' }, other);
    publishToken(RUN, { stepId: `${RUN}/3`, index: 0, text: 'Hel' });
    publishToken(RUN, { stepId: `${RUN}/3`, index: 1, text: 'lo' });
    await nc.flush();
    await stream.readUntil('"text":"lo"');
    history.get(RUN)!.push(transition(3, 'running', 'succeeded'));
    const text = await stream.readUntil('event: end');
    expect(await stream.done()).toBe(true);
    const events = frames(text);
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['transition', '1'],
      ['transition', '2'],
      ['token', null],
      ['token', null],
      ['transition', '3'],
      ['end', null],
    ]);
    expect(events.filter((e) => e.event === 'token').map((e) => e.data)).toEqual([
      { stepId: `${RUN}/3`, route: 'offline/echo', index: 0, text: 'Hel' },
      { stepId: `${RUN}/3`, route: 'offline/echo', index: 1, text: 'lo' },
    ]);
    expect(text).not.toContain('stolen');
  });

  it('listens before the first page is read: a token signalled meanwhile comes right after the history', async () => {
    history.set(EARLY, [transition(1, '', 'queued'), transition(2, 'queued', 'running')]);
    const stream = await open(EARLY);
    await stream.readUntil('"text":"early"');
    history.get(EARLY)!.push(transition(3, 'running', 'succeeded'));
    const events = frames(await stream.readUntil('event: end'));
    expect(events.map((e) => e.event)).toEqual(['transition', 'transition', 'token', 'transition', 'end']);
    expect(events[2]!.data).toMatchObject({ index: 0, text: 'early' });
  });

  it('a run id that cannot be a NATS subject token is not listened for: the orchestrator’s 404, not a 500', async () => {
    for (const runId of ['a.b', '*', '>']) {
      const res = await fetch(`${gw.url}/v1/runs/${encodeURIComponent(runId)}/events`, { headers: { authorization: bearer, accept: 'text/event-stream' } });
      expect({ runId, status: res.status, body: await res.json() }).toEqual({ runId, status: 404, body: { error: expect.objectContaining({ code: 'NOT_FOUND' }) } });
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { AppError, ErrorCode } from '@af/errors';
import { lookUpAgents } from './agent-lookups.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(lookUpAgents.name, () => {
  it('looks every agent up, in order, with at most `concurrency` lookups in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const track = async <T>(value: T) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(5);
      inFlight--;
      return value;
    };
    const agents = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
    const sut = await lookUpAgents(agents, { deployment: (a) => track(`d:${a}`), health: (a) => track(`h:${a}`) }, 8);
    expect(most).toBe(8);
    expect(sut.map((f) => [f.deployment, f.health])).toEqual(agents.map((a) => [{ ok: true, value: `d:${a}` }, { ok: true, value: `h:${a}` }]));
  });

  it('a failed lookup is that agent’s outcome, not a throw; the other part and the other agents are unaffected', async () => {
    const sut = await lookUpAgents(
      ['a', 'b', 'c'],
      {
        deployment: async (a) => {
          if (a === 'b') throw AppError.notFound('agent b');
          return a;
        },
        health: async (a) => {
          if (a === 'c') throw new Error('boom: internal detail');
          return a;
        },
      },
      8,
    );
    expect(sut[0]).toEqual({ deployment: { ok: true, value: 'a' }, health: { ok: true, value: 'a' } });
    expect(sut[1]!.deployment).toEqual({ ok: false, error: expect.objectContaining({ code: ErrorCode.NotFound }) });
    expect(sut[1]!.health).toEqual({ ok: true, value: 'b' });
    // A plain error never reaches the caller's eyes: INTERNAL with a generic message.
    expect(sut[2]!.health).toEqual({ ok: false, error: expect.objectContaining({ code: ErrorCode.Internal, message: 'internal error' }) });
  });

  it('once a part times out, its lookups still queued are not sent (one timeout per page, not one per agent)', async () => {
    const asked: string[] = [];
    const agents = Array.from({ length: 10 }, (_, i) => `agent-${i}`);
    const sut = await lookUpAgents(
      agents,
      {
        deployment: async (a) => a,
        health: async (a) => {
          asked.push(a);
          await sleep(5);
          throw new AppError(ErrorCode.Timeout, 'request af.v1.health.agents.stats timed out');
        },
      },
      2,
    );
    expect(asked.length).toBeLessThan(agents.length);
    expect(sut.every((f) => f.deployment.ok)).toBe(true);
    const notes = sut.map((f) => (f.health.ok ? 'ok' : f.health.error.code));
    expect(notes).toEqual(agents.map(() => ErrorCode.Timeout));
    const skipped = sut.filter((f) => !f.health.ok && f.health.error.message.startsWith('not asked'));
    expect(skipped.length).toBe(agents.length - asked.length);
    expect(skipped[0]!.health).toEqual({ ok: false, error: expect.objectContaining({ message: expect.stringContaining(`the health lookup of ${asked[0]} failed`) }) });
  });

  it('a NOT_FOUND or INVALID_ARGUMENT does not stop the other agents’ lookups', async () => {
    const asked: string[] = [];
    await lookUpAgents(['a', 'b', 'c', 'd'], { deployment: async (a) => a, health: async (a) => (asked.push(a), Promise.reject(AppError.invalid('bad', '/agent'))) }, 1);
    expect(asked).toEqual(['a', 'b', 'c', 'd']);
  });
});

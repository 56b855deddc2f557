import { describe, expect, it } from '@jest/globals';
import { create } from '@bufbuild/protobuf';
import { AgentStatsReplySchema, AgentViewSchema } from '@af/contracts';
import { liveView, recentView } from './agent-list.views.js';

describe('agent list views', () => {
  it('recentView: failure rate over finished runs of every version, p95 the highest of the versions that ran', () => {
    const sut = recentView(
      create(AgentStatsReplySchema, {
        agent: 'a',
        windowMs: 900_000n,
        versions: [
          { version: 1, runs: 10n, succeeded: 6n, failed: 2n, p95Ms: 800 },
          { version: 2, runs: 4n, succeeded: 3n, failed: 1n, p95Ms: 1_200 },
          { version: 3, runs: 0n, p95Ms: 9_999 },
        ],
      }),
    );
    expect(sut).toEqual({ windowMs: 900_000, runs: 14, failed: 3, failureRate: 3 / 12, p95Ms: 1_200 });
    expect(recentView(create(AgentStatsReplySchema, { agent: 'a', windowMs: 1n }))).toEqual({ windowMs: 1, runs: 0, failed: 0, failureRate: 0, p95Ms: 0 });
  });

  it('liveView: active and canary with since (last transition to the status, else creation), runs in flight summed', () => {
    const sut = liveView(
      create(AgentViewSchema, {
        agent: 'a',
        health: 'degraded',
        active: { deploymentId: 'd1', version: 1, status: 'active', createdAt: '2026-11-01T00:00:00.000Z' },
        canary: {
          deploymentId: 'd2',
          version: 2,
          status: 'canary',
          canaryPercent: 20,
          createdAt: '2026-11-02T00:00:00.000Z',
          transitions: [
            { toStatus: 'canary', at: '2026-11-02T00:01:00.000Z' },
            { toStatus: 'warming', at: '2026-11-02T00:02:00.000Z' },
            { toStatus: 'canary', at: '2026-11-02T00:03:00.000Z' },
          ],
        },
        versions: [
          { version: 2, inFlightRuns: 3n },
          { version: 1, inFlightRuns: 4n },
        ],
      }),
    );
    expect(sut).toEqual({
      health: 'degraded',
      active: { deploymentId: 'd1', version: 1, since: '2026-11-01T00:00:00.000Z' },
      canary: { deploymentId: 'd2', version: 2, percent: 20, since: '2026-11-02T00:03:00.000Z' },
      inFlightRuns: 7,
    });
    expect(liveView(undefined)).toEqual({ health: 'unknown', active: null, canary: null, inFlightRuns: 0 });
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { create } from '@bufbuild/protobuf';
import { ActiveDeploymentSchema } from '@af/contracts';
import { CANARY_BUCKETS, canaryBucket, routeRun } from './canary-routing.js';

const registry = (percent: number, canaryHash = 'sha256:new') =>
  create(ActiveDeploymentSchema, { deploymentId: 'd-old', agent: 'a', version: 1, artifactHash: 'sha256:old', ...(percent >= 0 ? { canary: { deploymentId: 'd-new', version: 2, artifactHash: canaryHash, percent } } : {}) });

describe(routeRun.name, () => {
  it('sends every run to the active deployment without a canary, or with 0 %', () => {
    for (const entry of [registry(-1), registry(0), registry(50, '')]) {
      expect(routeRun(entry, randomUUID())).toEqual({ deploymentId: 'd-old', version: 1, artifactHash: 'sha256:old', canary: false });
    }
  });

  it('sends every run to a 100 % canary', () => {
    expect(routeRun(registry(100), randomUUID())).toEqual({ deploymentId: 'd-new', version: 2, artifactHash: 'sha256:new', canary: true });
  });

  it('routes by the run id: the same id always to the same side, about percent % to the canary', () => {
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const canary = ids.filter((id) => routeRun(registry(10), id).canary);
    expect(canary.length / ids.length).toBeGreaterThan(0.09);
    expect(canary.length / ids.length).toBeLessThan(0.11);
    for (const id of ids.slice(0, 500)) expect(routeRun(registry(10), id).canary).toBe(routeRun(registry(10), id).canary);
    // A run on a 10 % canary stays on it when the canary grows.
    for (const id of canary.slice(0, 500)) expect(routeRun(registry(30), id).canary).toBe(true);
  });

  it('has a stable bucket per id (the first 4 bytes of SHA-256)', () => {
    expect(canaryBucket('run-1')).toBe(canaryBucket('run-1'));
    expect(canaryBucket('00000000-0000-0000-0000-000000000000')).toBeLessThan(CANARY_BUCKETS);
    // sha256("abc") starts ba7816bf → 3128432319 mod 10000.
    expect(canaryBucket('abc')).toBe(3128432319 % CANARY_BUCKETS);
  });
});

import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { api, mintToken, newTenant } from './client.js';
import { mutatedBlueprint } from './blueprint.arbitraries.js';

const TOTAL = Number(process.env['AF_FUZZ_COUNT'] ?? 10_000);
const CONCURRENCY = 16;

/** YAML for even indices, JSON for odd: both parsers and the whole chain get exercised. */
function encode(doc: unknown, index: number): { raw: string; type: string } {
  if (index % 2 === 1) return { raw: JSON.stringify(doc), type: 'application/json' };
  try {
    return { raw: stringify(doc, { aliasDuplicateObjects: false }), type: 'application/yaml' };
  } catch {
    return { raw: JSON.stringify(doc), type: 'application/json' };
  }
}

describe('fuzz: generated and mutated blueprints through the gateway (POST /v1/validate)', () => {
  let tokens: string[];

  beforeAll(async () => {
    const tenant = newTenant();
    tokens = await Promise.all([
      mintToken({ tenant, roles: ['Developer'] }),
      mintToken({ tenant, roles: ['Administrator'] }),
    ]);
  });

  it(`answers ${TOTAL} mutated blueprints with 200 or a coded 4xx, never a 5xx`, async () => {
    const docs = fc.sample(mutatedBlueprint, { numRuns: TOTAL, seed: Number(process.env['AF_FUZZ_SEED'] ?? 20261122) });
    const statuses = new Map<number, number>();
    const failures: { index: number; status: number; body: unknown; raw: string }[] = [];
    let valid = 0;
    let next = 0;
    const started = Date.now();

    const worker = async () => {
      for (;;) {
        const index = next++;
        if (index >= docs.length) return;
        const { raw, type } = encode(docs[index], index);
        const res = await api('POST', '/v1/validate', { token: tokens[index % tokens.length]!, raw, type });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const ok =
          res.status === 200
            ? typeof res.body['valid'] === 'boolean' && Array.isArray(res.body['errors']) && Array.isArray(res.body['warnings']) && Array.isArray(res.body['suggestions'])
            : res.status >= 400 && res.status < 500 && typeof res.body.error?.code === 'string' && typeof res.body.error.message === 'string';
        if (res.body['valid'] === true) valid++;
        if (!ok && failures.length < 5) failures.push({ index, status: res.status, body: res.body, raw: raw.slice(0, 500) });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`fuzz: ${TOTAL} requests in ${seconds.toFixed(1)} s (${(TOTAL / seconds).toFixed(0)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}, valid ${valid}\n`);

    expect(failures).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
    // The corpus exercises both verdicts.
    expect(valid).toBeGreaterThan(0);
    expect(statuses.get(200)).toBeGreaterThan(TOTAL / 2);

    // Still up.
    const after = await api('GET', '/v1/schemas/blueprint', { token: tokens[0]! });
    expect(after.status).toBe(200);
  }, 300_000);
});

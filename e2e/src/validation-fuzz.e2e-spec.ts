import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { api, mintToken, newTenant } from './client.js';
import { mutatedBlueprint } from '@af/testing';

const TOTAL = Number(process.env['AF_FUZZ_COUNT'] ?? 10_000);
const CONCURRENCY = 16;

/**
 * YAML for even indices, JSON for odd: both parsers and the whole chain get exercised. One
 * source in ten is also damaged as text (cut short, a line repeated, stray characters), which
 * the parsers must refuse with a coded 4xx.
 */
function encode(doc: unknown, index: number): { raw: string; type: string } {
  let encoded: { raw: string; type: string };
  try {
    encoded = index % 2 === 1 ? { raw: JSON.stringify(doc), type: 'application/json' } : { raw: stringify(doc, { aliasDuplicateObjects: false }), type: 'application/yaml' };
  } catch {
    encoded = { raw: JSON.stringify(doc), type: 'application/json' };
  }
  return index % 10 === 9 ? { ...encoded, raw: damage(encoded.raw, index) } : encoded;
}

function damage(raw: string, index: number): string {
  const at = (index * 7919) % Math.max(1, raw.length);
  switch ((index / 10) % 4 | 0) {
    case 0:
      return raw.slice(0, at);
    case 1: {
      const lines = raw.split('\n');
      const line = at % lines.length;
      return [...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join('\n');
    }
    case 2:
      return `${raw.slice(0, at)}{[&*!%@\u0000${raw.slice(at)}`;
    default:
      return `${raw.slice(0, at)}\t: :\n  - ${raw.slice(at)}`;
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
    expect([...statuses.keys()].some((s) => s >= 400 && s < 500)).toBe(true);

    // Still up.
    const after = await api('GET', '/v1/schemas/blueprint', { token: tokens[0]! });
    expect(after.status).toBe(200);
  }, 300_000);
});

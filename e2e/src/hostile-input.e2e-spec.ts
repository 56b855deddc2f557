import { beforeAll, describe, expect, it } from '@jest/globals';
import { api, mintToken, newTenant, type ApiResponse } from './client.js';

const VALID = `apiVersion: agentfactory.io/v1
kind: AgentBlueprint
metadata: {name: survivor}
spec:
  goal: Stay up
  model: {route: [offline/default]}
  prompt: {system: "Hello", user: "{{input.message}}"}
`;

/** Billion laughs: nine levels of nine aliases each (9^9 expansions if resolved). */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const name = String.fromCharCode(97 + i);
    const prev = String.fromCharCode(96 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n') + '\n';
}

interface Case {
  name: string;
  body: string | Uint8Array;
  type: string;
  /** Acceptable statuses and codes. */
  status: number[];
  code: string[];
  /** The JSON Pointer the error must name, when one place is to blame. */
  path?: string | RegExp;
}

const deepJson = (levels: number) => `{"apiVersion":"agentfactory.io/v1","spec":${'['.repeat(levels)}${']'.repeat(levels)}}`;
const deepJsonObjects = (levels: number) => `{"spec":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
const deepYaml = (levels: number) => `apiVersion: agentfactory.io/v1\nspec: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;

const cases: Case[] = [
  { name: 'a body over 1 MiB (YAML)', body: `goal: "${'x'.repeat(1_100_000)}"\n`, type: 'application/yaml', status: [413], code: ['PAYLOAD_TOO_LARGE'] },
  { name: 'a body over 1 MiB (JSON)', body: JSON.stringify({ goal: 'x'.repeat(1_100_000) }), type: 'application/json', status: [413], code: ['PAYLOAD_TOO_LARGE'] },
  { name: 'a YAML alias bomb (billion laughs)', body: aliasBomb(), type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '/i/8' },
  { name: 'YAML nested 10 000 levels', body: deepYaml(10_000), type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'] },
  { name: 'JSON nested 10 000 levels (arrays)', body: deepJson(10_000), type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'], path: /^\/spec(\/0)+$/ },
  { name: 'JSON nested 10 000 levels (objects)', body: deepJsonObjects(10_000), type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'], path: /^\/spec(\/a)+$/ },
  { name: 'JSON nested 100 levels (below the body limit, above the document limit)', body: deepJson(100), type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'] },
  { name: 'duplicate keys in YAML', body: 'metadata:\n  name: a\n  name: b\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '/metadata/name' },
  { name: 'duplicate keys in JSON', body: '{"metadata": {"name": "a", "name": "b"}}', type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'], path: '/metadata/name' },
  { name: 'non-UTF-8 bytes (YAML)', body: new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '' },
  { name: 'non-UTF-8 bytes (JSON)', body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'], path: '' },
  { name: 'a __proto__ key in YAML', body: 'metadata:\n  __proto__: {polluted: true}\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '/metadata/__proto__' },
  { name: 'a constructor key in YAML', body: 'spec:\n  tools:\n    - name: t\n      constructor: {prototype: {x: 1}}\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '/spec/tools/0/constructor' },
  { name: 'a __proto__ key in JSON', body: '{"metadata": {"__proto__": {"polluted": true}}}', type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'], path: '/metadata/__proto__' },
  { name: 'a constructor key in JSON', body: '{"spec": {"constructor": {"prototype": {"polluted": true}}}}', type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'], path: '/spec/constructor' },
  { name: 'multi-document YAML', body: `${VALID}---\n${VALID}`, type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'] },
  { name: 'a custom YAML tag', body: 'apiVersion: agentfactory.io/v1\nmetadata: !!js/function "function(){}"\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '/metadata' },
  { name: 'a local YAML tag', body: 'apiVersion: agentfactory.io/v1\nspec: !custom {goal: x}\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '/spec' },
  { name: 'a !!binary tag', body: 'metadata:\n  name: !!binary aGVsbG8=\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '/metadata/name' },
  { name: 'a NUL character', body: 'metadata:\n  name: a\u0000b\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'] },
  { name: 'a top-level list', body: '- a\n- b\n', type: 'application/yaml', status: [400], code: ['INVALID_DOCUMENT'], path: '' },
  { name: 'a non-finite number', body: '{"spec": {"model": {"temperature": 1e400}}}', type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'] },
  { name: 'broken JSON', body: '{"spec": ', type: 'application/json', status: [400], code: ['INVALID_DOCUMENT'] },
  { name: 'an unsupported media type', body: '<blueprint/>', type: 'application/xml', status: [415], code: ['UNSUPPORTED_MEDIA_TYPE'] },
];

describe('hostile input through the gateway never hurts the mesh', () => {
  let token: string;

  beforeAll(async () => {
    token = await mintToken({ tenant: newTenant(), roles: ['Developer'] });
    // The PUT cases target a blueprint that exists, so each is refused for its hostile body, not with a 404.
    const created = await api('POST', '/v1/blueprints', { token, raw: VALID });
    expect(created.status).toBe(201);
  });

  const expectClean = (res: ApiResponse, c: Case) => {
    expect(res.status).toBeLessThan(500);
    expect(c.status).toContain(res.status);
    expect(c.code).toContain(res.body.error?.code);
    expect(typeof res.body.error?.message).toBe('string');
    expect(res.body.error?.message.length).toBeGreaterThan(0);
    if (c.path !== undefined) {
      expect(res.body.error).toHaveProperty('path');
      if (typeof c.path === 'string') expect(res.body.error?.path).toBe(c.path);
      else expect(res.body.error?.path).toMatch(c.path);
    }
  };

  describe.each([
    ['POST /v1/blueprints', 'POST', '/v1/blueprints'],
    ['PUT /v1/blueprints/survivor', 'PUT', '/v1/blueprints/survivor'],
    ['POST /v1/validate', 'POST', '/v1/validate'],
  ])('%s', (_label, method, path) => {
    it.each(cases.map((c) => [c.name, c] as const))('refuses %s with a code, a message and a path', async (_name, c) => {
      const res = await api(method, path, { token, raw: c.body, type: c.type });
      expectClean(res, c);
    });
  });

  it('stays up: valid requests right after all of that succeed, and the refused PUTs stored nothing', async () => {
    const unchanged = await api('PUT', '/v1/blueprints/survivor', { token, raw: VALID });
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ version: 1, created: false });
    const validated = await api('POST', '/v1/validate', { token, raw: VALID });
    expect(validated.status).toBe(200);
    expect(validated.body['valid']).toBe(true);
    expect((await api('GET', '/v1/blueprints/survivor', { token })).body).toMatchObject({ version: 1 });
  });

  it('keeps Object.prototype clean in the gateway (a polluted key would show in every response)', async () => {
    const res = await api('GET', '/v1/blueprints/survivor', { token });
    expect(res.body).not.toHaveProperty('polluted');
    expect((res.body['document'] as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

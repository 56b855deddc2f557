import { describe, expect, it } from '@jest/globals';
import { AppError, ErrorCode } from '@af/errors';
import { leadQualifier } from '../test/harness.js';
import { compileBlueprint } from './blueprint.compiler.js';
import { canonicalJson, sha256 } from './canonical-json.js';

const identity = { name: 'lead-qualifier', version: 3, contentHash: 'sha256:' + 'a'.repeat(64) };
const withNetwork = (network: Record<string, unknown>) => {
  const doc = leadQualifier();
  return { ...doc, spec: { ...doc.spec, network } };
};
const allowHosts = ['api.crm.example.com', '*.billing.example.com'];
const credentials = [
  { hosts: ['API.crm.example.com'], headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer ' }, 'X-Api-Key': { secret: 'crm-key' } } },
  { hosts: ['*.billing.example.com'], headers: { Cookie: { secret: 'billing-session' } } },
];

describe('compileBlueprint: spec.network.credentials', () => {
  it('compiles the credentials into artifact.network.credentials (names, never values), normalized', async () => {
    const artifact = await compileBlueprint(withNetwork({ allowHosts, credentials }), identity);
    expect(artifact.network).toEqual({
      allowHosts: ['*.billing.example.com', 'api.crm.example.com'],
      credentials: [
        { hosts: ['api.crm.example.com'], headers: { authorization: { secret: 'crm-token', prefix: 'Bearer ' }, 'x-api-key': { secret: 'crm-key' } } },
        { hosts: ['*.billing.example.com'], headers: { cookie: { secret: 'billing-session' } } },
      ],
    });
  });

  it('leaves the key out without credentials, so the artifact and its hash stay what they were', async () => {
    const plain = await compileBlueprint(withNetwork({ allowHosts }), identity);
    expect(Object.keys(plain.network)).toEqual(['allowHosts']);
    expect(canonicalJson(plain.network)).toBe('{"allowHosts":["*.billing.example.com","api.crm.example.com"]}');
    const hash = sha256(canonicalJson(plain));
    expect(sha256(canonicalJson(await compileBlueprint(withNetwork({ allowHosts, credentials: [] }), identity)))).toBe(hash);
    expect(sha256(canonicalJson(await compileBlueprint(withNetwork({ allowHosts, credentials }), identity)))).not.toBe(hash);
  });

  it('refuses what validation refuses, with the same path', async () => {
    const refused = async (network: Record<string, unknown>) => compileBlueprint(withNetwork(network), identity).then(() => undefined, (e: unknown) => e as AppError);
    expect(await refused({ allowHosts, credentials: [{ hosts: ['evil.example.org'], headers: { Authorization: { secret: 'crm-token' } } }] })).toMatchObject({
      code: ErrorCode.InvalidDocument,
      path: '/spec/network/credentials/0/hosts/0',
      details: { code: 'CREDENTIAL_HOST_NOT_ALLOWED' },
    });
    expect(await refused({ allowHosts, credentials: [{ hosts: ['api.crm.example.com'], headers: { Host: { secret: 'crm-token' } } }] })).toMatchObject({ path: '/spec/network/credentials/0/headers/Host' });
    expect(await refused({ allowHosts, credentials: 'Bearer abc' })).toMatchObject({ path: '/spec/network/credentials' });
  });
});

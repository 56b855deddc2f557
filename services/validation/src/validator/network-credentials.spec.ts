import { describe, expect, it } from '@jest/globals';
import { CONFIGURED_PROVIDERS, validBlueprint } from '../test/blueprint.builder.js';
import { BlueprintValidator } from './blueprint-validator.js';
import type { Finding, Report } from './findings.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const sut = new BlueprintValidator(CONFIGURED_PROVIDERS);
const brief = (f: Finding) => [f.tier, f.code, f.path];
const base = '/spec/network/credentials';

function withCredentials(credentials: unknown, allowHosts = ['api.crm.example.com', '*.billing.example.com']): Report {
  const doc: Doc = validBlueprint();
  doc.spec.network = { allowHosts, credentials };
  return sut.validate(doc, { subject: 'dev@acme', roles: ['Developer'], permissions: [] });
}
const entry = (over: Record<string, unknown> = {}) => ({ hosts: ['api.crm.example.com'], headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer ' }, 'X-Api-Key': { secret: 'crm-key' } }, ...over });

describe('spec.network.credentials', () => {
  it('accepts the documented form', () => {
    expect(withCredentials([entry(), { hosts: ['*.billing.example.com'], headers: { Cookie: { secret: 'billing.session' } } }])).toMatchObject({ valid: true, errors: [] });
  });

  it.each([
    ['not a list', { a: 1 }, [['schema', 'SCHEMA_TYPE', base]]],
    ['17 entries', Array.from({ length: 17 }, () => entry()), [['schema', 'SCHEMA_ITEMS', base]]],
    ['an unknown key', [entry({ value: 'x' })], [['schema', 'SCHEMA_UNKNOWN_PROPERTY', `${base}/0/value`]]],
    ['no hosts', [entry({ hosts: [] })], [['schema', 'SCHEMA_ITEMS', `${base}/0/hosts`]]],
    ['a URL as host', [entry({ hosts: ['https://api.crm.example.com'] })], [['semantic', 'CREDENTIAL_HOST_INVALID', `${base}/0/hosts/0`]]],
    ['a host outside allowHosts', [entry({ hosts: ['api.crm.example.com', 'evil.example.org'] })], [['semantic', 'CREDENTIAL_HOST_NOT_ALLOWED', `${base}/0/hosts/1`]]],
    ['a wildcard wider than allowHosts', [entry({ hosts: ['*.example.com'] })], [['semantic', 'CREDENTIAL_HOST_NOT_ALLOWED', `${base}/0/hosts/0`]]],
    ['no headers', [entry({ headers: {} })], [['schema', 'SCHEMA_PROPERTIES', `${base}/0/headers`]]],
    ['9 headers', [entry({ headers: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`x-h${i}`, { secret: 'k1' }])) })], [['schema', 'SCHEMA_PROPERTIES', `${base}/0/headers`]]],
    ['a header name with a space', [entry({ headers: { 'X Key': { secret: 'k1' } } })], [['semantic', 'CREDENTIAL_HEADER_INVALID', `${base}/0/headers/X Key`]]],
    ['the Host header', [entry({ headers: { Host: { secret: 'k1' } } })], [['semantic', 'CREDENTIAL_HEADER_FORBIDDEN', `${base}/0/headers/Host`]]],
    ['transfer-encoding', [entry({ headers: { 'Transfer-Encoding': { secret: 'k1' } } })], [['semantic', 'CREDENTIAL_HEADER_FORBIDDEN', `${base}/0/headers/Transfer-Encoding`]]],
    ['a header twice (case)', [entry({ headers: { 'X-Key': { secret: 'k1' }, 'x-key': { secret: 'k2' } } })], [['semantic', 'CREDENTIAL_HEADER_INVALID', `${base}/0/headers/x-key`]]],
    ['a literal value instead of a secret', [entry({ headers: { Authorization: 'Bearer abc' } })], [['schema', 'SCHEMA_TYPE', `${base}/0/headers/Authorization`]]],
    ['no secret', [entry({ headers: { Authorization: { prefix: 'Bearer ' } } })], [['schema', 'SCHEMA_REQUIRED', `${base}/0/headers/Authorization/secret`]]],
    ['a bad secret name', [entry({ headers: { Authorization: { secret: 'crm token' } } })], [['semantic', 'CREDENTIAL_SECRET_INVALID', `${base}/0/headers/Authorization/secret`]]],
    ['a prefix of 65 characters', [entry({ headers: { Authorization: { secret: 'crm-token', prefix: 'x'.repeat(65) } } })], [['schema', 'SCHEMA_LENGTH', `${base}/0/headers/Authorization/prefix`]]],
    ['a prefix with a newline', [entry({ headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer\r\nX-Evil: 1' } } })], [['semantic', 'CREDENTIAL_PREFIX_INVALID', `${base}/0/headers/Authorization/prefix`]]],
  ])('refuses %s with one finding at its path', (_name, credentials, expected) => {
    const report = withCredentials(credentials);
    expect(report.valid).toBe(false);
    expect(report.errors.map(brief)).toEqual(expected);
    expect(report.errors[0]!.message).toMatch(/credentials/);
  });

  it('suggests adding a host that is not allowed to allowHosts', () => {
    const report = withCredentials([entry({ hosts: ['evil.example.org'] })]);
    expect(report.errors[0]!.message).toBe('spec.network.credentials[0].hosts[0] "evil.example.org" is not covered by spec.network.allowHosts: credentials go only to hosts the agent may call');
    expect(report.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/network/allowHosts' }));
  });
});

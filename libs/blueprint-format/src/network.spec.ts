import { describe, expect, it } from '@jest/globals';
import { MAX_CREDENTIALS, checkCredentials, credentialHeadersFor, hostCovered, hostMatches, type NetworkCredential } from './network.js';

const allow = ['api.crm.example.com', '*.billing.example.com'];
const entry = (over: Record<string, unknown> = {}) => ({ hosts: ['api.crm.example.com'], headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer ' } }, ...over });
const problemsOf = (raw: unknown, allowHosts = allow) => checkCredentials(raw, allowHosts).problems.map((p) => [p.code, p.path]);

describe(checkCredentials.name, () => {
  it('normalizes a valid list: hosts lower case and sorted, header names lower case, empty prefix dropped', () => {
    const sut = checkCredentials(
      [
        { hosts: ['API.crm.example.com.'], headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer ' }, 'X-Api-Key': { secret: 'crm.key_2', prefix: '' } } },
        { hosts: ['*.billing.example.com', 'invoices.billing.example.com'], headers: { Cookie: { secret: 'billing-session' } } },
      ],
      allow,
    );
    expect(sut).toEqual({
      problems: [],
      credentials: [
        { hosts: ['api.crm.example.com'], headers: { authorization: { secret: 'crm-token', prefix: 'Bearer ' }, 'x-api-key': { secret: 'crm.key_2' } } },
        { hosts: ['*.billing.example.com', 'invoices.billing.example.com'], headers: { cookie: { secret: 'billing-session' } } },
      ],
    });
  });

  it('is undefined (no key in the artifact) when absent, null or empty', () => {
    expect(checkCredentials(undefined, allow)).toEqual({ credentials: undefined, problems: [] });
    expect(checkCredentials(null, allow)).toEqual({ credentials: undefined, problems: [] });
    expect(checkCredentials([], allow)).toEqual({ credentials: undefined, problems: [] });
  });

  it('reports each broken rule at its JSON Pointer', () => {
    const base = '/spec/network/credentials';
    expect(problemsOf({})).toEqual([['CREDENTIALS_INVALID', base]]);
    expect(problemsOf(Array.from({ length: MAX_CREDENTIALS + 1 }, () => entry()))).toEqual([['CREDENTIALS_TOO_MANY', base]]);
    expect(problemsOf(['x'])).toEqual([['CREDENTIALS_INVALID', `${base}/0`]]);
    expect(problemsOf([entry({ extra: 1 })])).toEqual([['CREDENTIALS_INVALID', `${base}/0/extra`]]);
    expect(problemsOf([entry({ hosts: [] })])).toEqual([['CREDENTIALS_INVALID', `${base}/0/hosts`]]);
    expect(problemsOf([entry({ hosts: ['https://api.crm.example.com/'] })])).toEqual([['CREDENTIAL_HOST_INVALID', `${base}/0/hosts/0`]]);
    expect(problemsOf([entry({ hosts: ['api.crm.example.com', 'evil.example.org'] })])).toEqual([['CREDENTIAL_HOST_NOT_ALLOWED', `${base}/0/hosts/1`]]);
    expect(problemsOf([entry({ hosts: ['billing.example.com'] })])).toEqual([['CREDENTIAL_HOST_NOT_ALLOWED', `${base}/0/hosts/0`]]);
    expect(problemsOf([entry({ hosts: ['*.example.com'] })])).toEqual([['CREDENTIAL_HOST_NOT_ALLOWED', `${base}/0/hosts/0`]]);
    expect(problemsOf([entry({ headers: {} })])).toEqual([['CREDENTIALS_INVALID', `${base}/0/headers`]]);
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`x-h${i}`, { secret: 's1234' }]));
    expect(problemsOf([entry({ headers: nine })])).toEqual([['CREDENTIALS_TOO_MANY', `${base}/0/headers`]]);
    expect(problemsOf([entry({ headers: { 'Bad Header': { secret: 'a' } } })])).toEqual([['CREDENTIAL_HEADER_INVALID', `${base}/0/headers/Bad Header`]]);
    for (const forbidden of ['Host', 'content-length', 'Connection', 'transfer-encoding', 'proxy-authorization']) {
      expect(problemsOf([entry({ headers: { [forbidden]: { secret: 'a' } } })])).toEqual([['CREDENTIAL_HEADER_FORBIDDEN', `${base}/0/headers/${forbidden}`]]);
    }
    expect(problemsOf([entry({ headers: { 'X-Key': { secret: 'a' }, 'x-key': { secret: 'b' } } })])).toEqual([['CREDENTIAL_HEADER_INVALID', `${base}/0/headers/x-key`]]);
    expect(problemsOf([entry({ headers: { 'a/b~c': { secret: 'a' } } })])).toEqual([['CREDENTIAL_HEADER_INVALID', `${base}/0/headers/a~1b~0c`]]);
    expect(problemsOf([entry({ headers: { Authorization: 'crm-token' } })])).toEqual([['CREDENTIALS_INVALID', `${base}/0/headers/Authorization`]]);
    expect(problemsOf([entry({ headers: { Authorization: { secret: 'crm-token', value: 'x' } } })])).toEqual([['CREDENTIALS_INVALID', `${base}/0/headers/Authorization/value`]]);
    expect(problemsOf([entry({ headers: { Authorization: { secret: '1-starts-with-digit' } } })])).toEqual([['CREDENTIAL_SECRET_INVALID', `${base}/0/headers/Authorization/secret`]]);
    expect(problemsOf([entry({ headers: { Authorization: {} } })])).toEqual([['CREDENTIAL_SECRET_INVALID', `${base}/0/headers/Authorization/secret`]]);
    expect(problemsOf([entry({ headers: { Authorization: { secret: 'crm-token', prefix: 'x'.repeat(65) } } })])).toEqual([['CREDENTIAL_PREFIX_INVALID', `${base}/0/headers/Authorization/prefix`]]);
    expect(problemsOf([entry({ headers: { Authorization: { secret: 'crm-token', prefix: 'Bearer\n' } } })])).toEqual([['CREDENTIAL_PREFIX_INVALID', `${base}/0/headers/Authorization/prefix`]]);
    expect(problemsOf([entry({ headers: { Authorization: { secret: 'crm-token', prefix: 7 } } })])).toEqual([['CREDENTIAL_PREFIX_INVALID', `${base}/0/headers/Authorization/prefix`]]);
    // Several problems at once are all reported; nothing is compiled.
    const many = checkCredentials([entry({ hosts: ['nope.example.org'], headers: { Host: { secret: 'a' } } })], allow);
    expect(many.problems).toHaveLength(2);
    expect(many.credentials).toBeUndefined();
  });
});

describe(hostCovered.name, () => {
  it('accepts a host listed as such or inside a wildcard, nothing wider', () => {
    expect(hostCovered('api.crm.example.com', allow)).toBe(true);
    expect(hostCovered('invoices.billing.example.com', allow)).toBe(true);
    expect(hostCovered('*.billing.example.com', allow)).toBe(true);
    expect(hostCovered('*.eu.billing.example.com', allow)).toBe(true);
    expect(hostCovered('billing.example.com', allow)).toBe(false);
    expect(hostCovered('*.crm.example.com', allow)).toBe(false);
    expect(hostCovered('xbilling.example.com', ['*.billing.example.com'])).toBe(false);
  });
});

describe(credentialHeadersFor.name, () => {
  it('collects the headers of every matching entry, the first declared winning; none for other hosts', () => {
    const credentials: NetworkCredential[] = [
      { hosts: ['api.crm.example.com'], headers: { authorization: { secret: 'crm-token', prefix: 'Bearer ' } } },
      { hosts: ['*.crm.example.com'], headers: { authorization: { secret: 'other' }, 'x-tenant': { secret: 'crm-tenant' } } },
    ];
    expect([...credentialHeadersFor('API.crm.example.com', credentials)]).toEqual([
      ['authorization', { secret: 'crm-token', prefix: 'Bearer ' }],
      ['x-tenant', { secret: 'crm-tenant', prefix: '' }],
    ]);
    expect([...credentialHeadersFor('eu.crm.example.com', credentials)]).toEqual([
      ['authorization', { secret: 'other', prefix: '' }],
      ['x-tenant', { secret: 'crm-tenant', prefix: '' }],
    ]);
    expect(credentialHeadersFor('crm.example.com', credentials).size).toBe(0);
    expect(credentialHeadersFor('api.crm.example.com.evil.org', credentials).size).toBe(0);
    expect(credentialHeadersFor('api.crm.example.com', undefined).size).toBe(0);
    expect(hostMatches('a.b.example.com', '*.example.com')).toBe(true);
  });
});

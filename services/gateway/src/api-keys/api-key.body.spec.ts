import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@af/errors';
import { parseCreateApiKey } from './api-key.body.js';

const now = new Date('2026-11-24T12:00:00Z');

describe(parseCreateApiKey.name, () => {
  it('reads name, roles (deduplicated) and an optional future expiresAt', () => {
    expect(parseCreateApiKey({ name: 'ci', roles: ['Viewer', 'Developer', 'Viewer'] }, now)).toEqual({ name: 'ci', roles: ['Viewer', 'Developer'], expiresAt: null });
    expect(parseCreateApiKey({ name: 'ci', roles: ['Viewer'], expiresAt: '2026-12-01T00:00:00+01:00' }, now).expiresAt?.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(parseCreateApiKey({ name: 'ci', roles: ['Viewer'], expiresAt: null }, now).expiresAt).toBeNull();
  });

  it.each([
    [null, ''],
    ['x', ''],
    [{ roles: ['Viewer'] }, '/name'],
    [{ name: '   ', roles: ['Viewer'] }, '/name'],
    [{ name: 7, roles: ['Viewer'] }, '/name'],
    [{ name: 'k', roles: 'Viewer' }, '/roles'],
    [{ name: 'k', roles: ['Viewer', 3] }, '/roles/1'],
    [{ name: 'k', roles: ['viewer'] }, '/roles/0'],
    [{ name: 'k', roles: ['Viewer'], expiresAt: '2026-11-24T11:59:59Z' }, '/expiresAt'],
    [{ name: 'k', roles: ['Viewer'], expiresAt: '2026-11-25' }, '/expiresAt'],
    [{ name: 'k', roles: ['Viewer'], expiresAt: 1790000000 }, '/expiresAt'],
    [{ name: 'k', roles: ['Viewer'], revokedAt: null }, '/revokedAt'],
    [{ name: 'k', roles: ['Viewer'], 'a/b': 1 }, '/a/b'],
  ])('refuses %j at %s', (body, path) => {
    expect(() => parseCreateApiKey(body, now)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, path }));
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { apiKeyIdOf, generateApiKey, hashApiKey, sameHash } from './api-key.format.js';

describe('API key format', () => {
  it('is afk_<24 hex id>_<43 base64url chars: 256 random bits>, different every time', () => {
    const keys = Array.from({ length: 200 }, generateApiKey);
    for (const { id, key } of keys) {
      expect(key).toMatch(/^afk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(29), 'base64url')).toHaveLength(32);
      expect(apiKeyIdOf(key)).toBe(id);
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    expect(new Set(keys.map((k) => k.id)).size).toBe(200);
  });

  it.each(['afk_', 'afk_abc_def', `afk_${'g'.repeat(24)}_${'a'.repeat(43)}`, `afk_${'a'.repeat(24)}_${'a'.repeat(42)}`, `afk_${'a'.repeat(24)}_${'a'.repeat(43)}x`, `AFK_${'a'.repeat(24)}_${'a'.repeat(43)}`])(
    'finds no id in the malformed %s',
    (key) => expect(apiKeyIdOf(key)).toBeUndefined(),
  );

  it('hashes with HMAC-SHA256 under the pepper: same key and pepper, same hash; another pepper, another hash', () => {
    const { key } = generateApiKey();
    const pepper = 'p'.repeat(40);
    const hash = hashApiKey(pepper, key);
    expect(hash.equals(createHmac('sha256', pepper).update(key).digest())).toBe(true);
    expect(sameHash(hash, hashApiKey(pepper, key))).toBe(true);
    expect(sameHash(hash, hashApiKey('q'.repeat(40), key))).toBe(false);
    expect(sameHash(hash, hashApiKey(pepper, generateApiKey().key))).toBe(false);
    expect(sameHash(hash, hash.subarray(0, 16))).toBe(false);
  });
});

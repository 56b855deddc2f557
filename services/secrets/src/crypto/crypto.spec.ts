import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { associatedData, IntegrityError, open, seal } from './aes-gcm.js';
import { LocalKeyWrapper } from './key-wrapper.js';
import { newDataKey, openValue, sealValue } from './secret-cipher.js';

describe('AES-256-GCM sealing', () => {
  const key = randomBytes(32);
  const aad = associatedData('test', 'tenant-a', 'name', 1);

  it('opens what it sealed, with the same key and associated data', () => {
    const sealed = seal(key, Buffer.from('hello'), aad);
    expect(open(key, sealed, aad).toString()).toBe('hello');
  });

  it('refuses another associated data, another key, an altered ciphertext, IV or tag', () => {
    const sealed = seal(key, Buffer.from('hello world'), aad);
    expect(() => open(key, sealed, associatedData('test', 'tenant-b', 'name', 1))).toThrow(IntegrityError);
    expect(() => open(key, sealed, associatedData('test', 'tenant-a', 'name', 2))).toThrow(IntegrityError);
    expect(() => open(randomBytes(32), sealed, aad)).toThrow(IntegrityError);
    const flip = (b: Buffer, i: number) => Buffer.from(b.map((x, j) => (j === i ? x ^ 1 : x)));
    expect(() => open(key, { ...sealed, ciphertext: flip(sealed.ciphertext, 0) }, aad)).toThrow(IntegrityError);
    expect(() => open(key, { ...sealed, iv: flip(sealed.iv, 11) }, aad)).toThrow(IntegrityError);
    expect(() => open(key, { ...sealed, tag: flip(sealed.tag, 5) }, aad)).toThrow(IntegrityError);
    expect(() => open(key, { ...sealed, tag: sealed.tag.subarray(0, 12) }, aad)).toThrow(IntegrityError);
  });

  it('uses a fresh 12-byte IV for every encryption, so equal values give different ciphertexts', () => {
    const ivs = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const sealed = seal(key, Buffer.from('same value'), aad);
      expect(sealed.iv).toHaveLength(12);
      expect(sealed.tag).toHaveLength(16);
      ivs.add(sealed.iv.toString('hex'));
      ciphertexts.add(sealed.ciphertext.toString('hex'));
    }
    expect(ivs.size).toBe(1_000);
    expect(ciphertexts.size).toBe(1_000);
  });

  it('an IntegrityError carries none of the input bytes', () => {
    const sealed = seal(key, Buffer.from('top-secret-value'), aad);
    try {
      open(key, sealed, associatedData('other'));
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(IntegrityError);
      expect(String((error as Error).message)).not.toMatch(/top-secret|[0-9a-f]{16}/);
    }
  });

  it('associated data parts are unambiguous (NUL-separated; a NUL inside a part is refused)', () => {
    expect(associatedData('p', 'ab', 'c').equals(associatedData('p', 'a', 'bc'))).toBe(false);
    expect(() => associatedData('p', 'a\0b')).toThrow(/NUL/);
  });
});

describe('secret values bound to tenant, name and version', () => {
  const dek = newDataKey();
  const slot = { tenantId: 'tenant-a', name: 'openai.key', version: 3 };

  it('round trips UTF-8', () => {
    expect(openValue(dek, slot, sealValue(dek, slot, 'clé-ñ-🔑'))).toBe('clé-ñ-🔑');
  });

  it.each([
    ['another tenant', { ...slot, tenantId: 'tenant-b' }],
    ['another name', { ...slot, name: 'other.key' }],
    ['another version', { ...slot, version: 4 }],
  ])('does not open in %s', (_what, moved) => {
    expect(() => openValue(dek, moved, sealValue(dek, slot, 'v'))).toThrow(IntegrityError);
  });

  it('data keys are 32 random bytes, never twice the same', () => {
    const a = newDataKey();
    expect(a).toHaveLength(32);
    expect(a.equals(newDataKey())).toBe(false);
  });
});

describe(LocalKeyWrapper.name, () => {
  const keys = new Map([
    ['k1', randomBytes(32)],
    ['k2', randomBytes(32)],
  ]);

  it('wraps under the active key and unwraps under the key named by the stored id', async () => {
    const sut = new LocalKeyWrapper(keys, 'k1');
    const dek = newDataKey();
    const wrapped = await sut.wrap('tenant-a', dek);
    expect(wrapped.masterKeyId).toBe('k1');
    expect(wrapped.wrapped).toHaveLength(12 + 16 + 32);
    expect(wrapped.wrapped.indexOf(dek)).toBe(-1);
    expect((await sut.unwrap('tenant-a', wrapped)).equals(dek)).toBe(true);
    // After rotation (k2 active), the key wrapped under k1 still unwraps.
    expect((await new LocalKeyWrapper(keys, 'k2').unwrap('tenant-a', wrapped)).equals(dek)).toBe(true);
  });

  it('refuses a wrapped key used for another tenant, relabelled with another key id, altered, or under an unconfigured key', async () => {
    const sut = new LocalKeyWrapper(keys, 'k1');
    const wrapped = await sut.wrap('tenant-a', newDataKey());
    await expect(sut.unwrap('tenant-b', wrapped)).rejects.toThrow(IntegrityError);
    await expect(sut.unwrap('tenant-a', { ...wrapped, masterKeyId: 'k2' })).rejects.toThrow(IntegrityError);
    const altered = Buffer.from(wrapped.wrapped);
    altered[40] = altered[40]! ^ 0x80;
    await expect(sut.unwrap('tenant-a', { ...wrapped, wrapped: altered })).rejects.toThrow(IntegrityError);
    await expect(sut.unwrap('tenant-a', { ...wrapped, masterKeyId: 'gone' })).rejects.toThrow(/not configured/);
  });

  it('refuses an active key id it does not hold, and keys of the wrong length', () => {
    expect(() => new LocalKeyWrapper(keys, 'k3')).toThrow(/not configured/);
    expect(() => new LocalKeyWrapper(new Map([['short', randomBytes(16)]]), 'short')).toThrow(/32 bytes/);
  });
});

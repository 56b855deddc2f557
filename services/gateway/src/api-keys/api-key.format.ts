import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX } from '../auth/api-key-verifier.js';

/** 12 random bytes, hex: the public id (also in `GET /v1/api-keys` and the principal `apikey:<id>`). */
const ID_BYTES = 12;
/** 32 random bytes (256 bits), base64url: the secret part. */
const SECRET_BYTES = 32;
const KEY_PATTERN = /^afk_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  id: string;
  /** `afk_<id>_<secret>`: shown once, never stored. */
  key: string;
}

export function generateApiKey(): GeneratedKey {
  const id = randomBytes(ID_BYTES).toString('hex');
  return { id, key: `${API_KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}` };
}

/** The id of a well-formed key, or undefined (then the key cannot be one of ours). */
export function apiKeyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/**
 * HMAC-SHA256 of the whole key under the server pepper: what the database holds. A key carries
 * 256 random bits, so a slow KDF (bcrypt, scrypt, argon2) would add milliseconds to every request
 * without making a guess any less hopeless; the pepper (kept out of the database) means a dump of
 * the table alone does not even let anyone test a candidate key.
 */
export function hashApiKey(pepper: string, key: string): Buffer {
  return createHmac('sha256', pepper).update(key).digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM: 32-byte key, 12-byte IV (fresh per encryption), 16-byte tag. */
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/**
 * Decryption refused: the ciphertext, IV, tag or associated data (tenant, name, version, key id)
 * is not what was sealed — altered at rest, moved to another row, or the wrong key. Carries no
 * bytes of the input.
 */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  if (key.length !== KEY_BYTES) throw new Error(`an AES-256-GCM key is ${KEY_BYTES} bytes (got ${key.length})`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new Error(`an AES-256-GCM key is ${KEY_BYTES} bytes (got ${key.length})`);
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) throw new IntegrityError('the stored IV or authentication tag has the wrong length');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    // node:crypto says "Unsupported state or unable to authenticate data": nothing more to learn, nothing to leak.
    throw new IntegrityError('authentication failed: the ciphertext or its associated data was altered, or the key is not the one that sealed it');
  }
}

/** Associated data from its parts: NUL-separated (no part can hold a NUL), prefixed by what it protects. */
export function associatedData(purpose: string, ...parts: (string | number)[]): Buffer {
  const texts = [purpose, ...parts.map(String)];
  if (texts.some((t) => t.includes('\0'))) throw new Error('associated data parts cannot contain NUL');
  return Buffer.from(texts.join('\0'), 'utf8');
}

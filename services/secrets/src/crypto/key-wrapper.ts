import { associatedData, IntegrityError, IV_BYTES, KEY_BYTES, open, seal, TAG_BYTES } from './aes-gcm.js';

/** A data key as stored: wrapped (encrypted) by the master key named by its id. */
export interface WrappedKey {
  masterKeyId: string;
  wrapped: Buffer;
}

/**
 * Wraps and unwraps tenants' data keys with a master key. The local implementation holds the
 * master keys from configuration; a KMS (AWS KMS Encrypt/Decrypt with an encryption context,
 * GCP KMS, Vault transit) implements the same three members, the tenant id as its context.
 */
export interface KeyWrapper {
  /** The key id new and re-wrapped data keys go under. */
  readonly activeKeyId: string;
  /** Whether a data key wrapped under `masterKeyId` can be unwrapped here. */
  knows(masterKeyId: string): boolean;
  wrap(tenantId: string, dek: Buffer): Promise<WrappedKey>;
  /** Throws {@link IntegrityError} when the wrapped key was altered or belongs to another tenant. */
  unwrap(tenantId: string, key: WrappedKey): Promise<Buffer>;
}

export const KEY_WRAPPER = Symbol('KeyWrapper');

/**
 * Master keys from configuration (`SECRETS_MASTER_KEYS`), AES-256-GCM. The wrapped form is
 * IV (12) ‖ tag (16) ‖ ciphertext (32); the associated data binds it to the tenant and the key
 * id, so a wrapped key copied to another tenant's row, or relabelled with another key id, fails.
 */
export class LocalKeyWrapper implements KeyWrapper {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(keys: ReadonlyMap<string, Buffer>, readonly activeKeyId: string) {
    for (const [id, key] of keys) if (key.length !== KEY_BYTES) throw new Error(`master key "${id}" must be ${KEY_BYTES} bytes`);
    if (!keys.has(activeKeyId)) throw new Error(`the active master key "${activeKeyId}" is not configured`);
    this.keys = new Map(keys);
  }

  knows(masterKeyId: string): boolean {
    return this.keys.has(masterKeyId);
  }

  wrap(tenantId: string, dek: Buffer): Promise<WrappedKey> {
    const sealed = seal(this.keys.get(this.activeKeyId)!, dek, aadOf(tenantId, this.activeKeyId));
    return Promise.resolve({ masterKeyId: this.activeKeyId, wrapped: Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]) });
  }

  unwrap(tenantId: string, key: WrappedKey): Promise<Buffer> {
    const master = this.keys.get(key.masterKeyId);
    if (!master) return Promise.reject(new Error(`the data key of tenant ${tenantId} is wrapped under master key "${key.masterKeyId}", which is not configured (SECRETS_MASTER_KEYS)`));
    if (key.wrapped.length !== IV_BYTES + TAG_BYTES + KEY_BYTES) return Promise.reject(new IntegrityError(`the wrapped data key of tenant ${tenantId} has the wrong length`));
    try {
      const iv = key.wrapped.subarray(0, IV_BYTES);
      const tag = key.wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const ciphertext = key.wrapped.subarray(IV_BYTES + TAG_BYTES);
      return Promise.resolve(open(master, { iv, tag, ciphertext }, aadOf(tenantId, key.masterKeyId)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function aadOf(tenantId: string, masterKeyId: string): Buffer {
  return associatedData('af.secrets.dek.v1', tenantId, masterKeyId);
}

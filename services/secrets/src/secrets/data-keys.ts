import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import { IntegrityError } from '../crypto/aes-gcm.js';
import { KEY_WRAPPER, type KeyWrapper, type WrappedKey } from '../crypto/key-wrapper.js';
import { newDataKey } from '../crypto/secret-cipher.js';

/**
 * Tenants' data keys through the {@link KeyWrapper}: created on a tenant's first secret, unwrapped
 * for each use (nothing cached: a plaintext data key lives for one request and is zeroed after),
 * re-wrapped under the active master key when found under an older one.
 */
@Injectable()
export class DataKeys {
  constructor(@Inject(KEY_WRAPPER) private readonly wrapper: KeyWrapper) {}

  get activeKeyId(): string {
    return this.wrapper.activeKeyId;
  }

  knows(masterKeyId: string): boolean {
    return this.wrapper.knows(masterKeyId);
  }

  async create(tenantId: string): Promise<WrappedKey> {
    const dek = newDataKey();
    try {
      return await this.wrapper.wrap(tenantId, dek);
    } finally {
      dek.fill(0);
    }
  }

  /**
   * Runs `use` with the tenant's plaintext data key, zeroed afterwards. `rewrapped` is the same key
   * wrapped under the active master key when `stored` was under another one (the caller stores it).
   */
  async using<T>(tenantId: string, stored: WrappedKey, use: (dek: Buffer) => T): Promise<{ result: T; rewrapped: WrappedKey | null }> {
    const dek = await this.unwrap(tenantId, stored);
    try {
      const result = use(dek);
      const rewrapped = stored.masterKeyId === this.wrapper.activeKeyId ? null : await this.wrapper.wrap(tenantId, dek);
      return { result, rewrapped };
    } finally {
      dek.fill(0);
    }
  }

  private async unwrap(tenantId: string, stored: WrappedKey): Promise<Buffer> {
    if (!this.wrapper.knows(stored.masterKeyId)) {
      throw new AppError(ErrorCode.Internal, `this tenant's data key is wrapped under master key "${stored.masterKeyId}", which SECRETS_MASTER_KEYS does not hold: configure it again until the key is re-wrapped`);
    }
    try {
      return await this.wrapper.unwrap(tenantId, stored);
    } catch (error) {
      if (error instanceof IntegrityError) {
        throw new AppError(ErrorCode.Internal, `this tenant's data key failed its integrity check (its stored wrapped form was altered): its secrets cannot be decrypted`, { cause: error });
      }
      throw error;
    }
  }
}

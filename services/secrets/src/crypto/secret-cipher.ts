import { randomBytes } from 'node:crypto';
import { associatedData, KEY_BYTES, open, seal, type Sealed } from './aes-gcm.js';

/** Where a value lives: the associated data of its ciphertext, so it cannot be moved to another tenant, name or version. */
export interface SecretSlot {
  tenantId: string;
  name: string;
  version: number;
}

/** A fresh data key (one per tenant, stored only wrapped). */
export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function sealValue(dek: Buffer, slot: SecretSlot, value: string): Sealed {
  return seal(dek, Buffer.from(value, 'utf8'), aadOf(slot));
}

/** Throws IntegrityError when the row was altered or does not belong to `slot`. */
export function openValue(dek: Buffer, slot: SecretSlot, sealed: Sealed): string {
  return open(dek, sealed, aadOf(slot)).toString('utf8');
}

function aadOf(slot: SecretSlot): Buffer {
  return associatedData('af.secrets.value.v1', slot.tenantId, slot.name, slot.version);
}

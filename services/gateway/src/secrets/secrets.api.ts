import { Injectable } from '@nestjs/common';
import type { SecretMetadata } from '@af/contracts';
import { SECRET_NAME, SECRET_VALUE_MAX_BYTES, isSecretName } from '@af/blueprint-format';
import { AppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { isPlainObject } from '../http/input.js';

export { SECRET_NAME, SECRET_VALUE_MAX_BYTES };
export const SECRET_DESCRIPTION_MAX = 500;

/** A secret's name from the path: never echoed when wrong (it may be a value pasted in the wrong place). */
export function secretName(value: string): string {
  if (!isSecretName(value)) throw AppError.invalid('a secret name starts with a letter and has at most 128 letters, digits, "_", "." or "-"', '/name');
  return value;
}

/**
 * `{value, description?}`. The messages name the field at fault and the rule, never the value
 * (they are sent to the caller and logged at info).
 */
export function parseSecretBody(body: unknown): { value: string; description: string } {
  if (!isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"value": "…", "description": "…"}', '');
  const value = body['value'];
  if (value === undefined) throw AppError.invalid('value is required', '/value');
  if (typeof value !== 'string' || value.length === 0) throw AppError.invalid('value must be a non-empty string', '/value');
  if (Buffer.byteLength(value, 'utf8') > SECRET_VALUE_MAX_BYTES) throw AppError.invalid(`value must be at most ${SECRET_VALUE_MAX_BYTES} bytes (UTF-8)`, '/value');
  const description = body['description'] ?? '';
  if (typeof description !== 'string' || description.length > SECRET_DESCRIPTION_MAX) throw AppError.invalid(`description must be a string of at most ${SECRET_DESCRIPTION_MAX} characters`, '/description');
  return { value, description };
}

/** A secret's metadata as the HTTP API shows it: never its value, nor anything derived from it but its size. */
export function secretView(s: SecretMetadata | undefined) {
  if (!s) return null;
  return { name: s.name, version: s.version, description: s.description, size: s.size, createdAt: s.createdAt, updatedAt: s.updatedAt, updatedBy: s.updatedBy || null };
}

/** Secrets: each call one request to the secrets service, which never answers a value to the gateway. */
@Injectable()
export class SecretsApi {
  constructor(private readonly bus: MessageBus) {}

  async list() {
    const reply = await this.bus.request('af.v1.secrets.list', {});
    return { items: reply.items.map(secretView) };
  }

  async get(principal: Principal, name: string) {
    return secretView((await this.bus.request('af.v1.secrets.get', { name: secretName(name), caller: callerOf(principal) })).secret);
  }

  /** Creates (version 1: `created`) or rotates the secret. */
  async put(principal: Principal, name: string, body: unknown) {
    const request = { name: secretName(name), ...parseSecretBody(body), caller: callerOf(principal) };
    const view = secretView((await this.bus.request('af.v1.secrets.put', request)).secret);
    return { created: view?.version === 1, view };
  }

  async delete(principal: Principal, name: string) {
    return secretView((await this.bus.request('af.v1.secrets.delete', { name: secretName(name), caller: callerOf(principal) })).secret);
  }
}

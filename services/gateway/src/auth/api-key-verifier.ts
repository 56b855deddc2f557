import type { Principal } from './principal.js';

/** Verifies an `afk_…` API key (implemented by the api-keys feature, which owns their storage). */
export interface ApiKeyVerifier {
  verify(key: string): Promise<Principal>;
}

export const API_KEY_VERIFIER = Symbol.for('af.gateway.apiKeyVerifier');

/** Every API key starts with this; a bearer value with it is never parsed as a JWT. */
export const API_KEY_PREFIX = 'afk_';

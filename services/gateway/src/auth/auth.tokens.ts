import type { AuthSettings } from '../config.js';

export const AUTH_CONFIG = Symbol.for('af.gateway.auth');
export type AuthConfig = AuthSettings;

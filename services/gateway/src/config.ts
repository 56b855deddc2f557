import { ConfigError, ConfigVarError, env, loadConfig, type ConfigProblem, type VarSpec } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';
import { rateLimitConfigSpec } from './rate-limit/rate-limit.config.js';
import { agentListConfigSpec } from './agents/agent-list.config.js';
import { consoleConfigSpec } from './console/console.config.js';

/** JWS algorithms a token may be signed with; `none` is not one of them. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
export const isSymmetric = (alg: string): boolean => alg.startsWith('HS');

/** A comma-separated list of JWS algorithms; empty = derived from the keys configured. */
function jwtAlgorithms(name: string): VarSpec<JwtAlgorithm[]> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description: 'JWS algorithms accepted (default: HS256 with AF_JWT_SECRET, RS256,ES256 with AF_JWT_JWKS_URL)',
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return [];
      const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = list.filter((alg) => !(JWT_ALGORITHMS as readonly string[]).includes(alg));
      if (bad.length > 0) throw new ConfigVarError(`has unsupported algorithm(s) ${bad.join(', ')}; allowed: ${JWT_ALGORITHMS.join(', ')}`);
      return [...new Set(list)] as JwtAlgorithm[];
    },
  };
}

export const authConfigSpec = {
  jwtSecret: env.secret('AF_JWT_SECRET', { minLength: 32, default: '', description: 'HS256 key for API tokens (this or AF_JWT_JWKS_URL is required)' }),
  jwksUrl: env.url('AF_JWT_JWKS_URL', { protocols: ['https', 'http'], default: '', description: 'JWKS of an identity provider whose RS/ES/PS/EdDSA tokens the gateway accepts' }),
  algorithms: jwtAlgorithms('AF_JWT_ALGORITHMS'),
  issuer: env.string('AF_JWT_ISSUER', { default: 'agent-factory' }),
  audience: env.string('AF_JWT_AUDIENCE', { default: 'agent-factory-api' }),
  clockToleranceSec: env.int('AF_JWT_CLOCK_TOLERANCE_SEC', { default: 30, min: 0, max: 600 }),
  failureAuditWindowMs: env.int('AF_AUTH_FAILURE_AUDIT_WINDOW_MS', { default: 60_000, min: 100, max: 3_600_000, description: 'Authentication failures are aggregated per tenant and reason into one audit record per window' }),
};

export const apiKeysConfigSpec = {
  pepper: env.secret('AF_API_KEY_PEPPER', { minLength: 32, description: 'Server-side HMAC-SHA256 key under which API keys are stored' }),
  cacheTtlMs: env.int('AF_API_KEY_CACHE_TTL_MS', { default: 15_000, min: 0, max: 30_000, description: 'How long a verified API key is trusted without a database read (revocation reaches other gateway instances within it)' }),
  cacheMax: env.int('AF_API_KEY_CACHE_MAX', { default: 10_000, min: 1, max: 1_000_000, description: 'Verified API keys kept in memory' }),
  lastUsedFlushMs: env.int('AF_API_KEY_LAST_USED_FLUSH_MS', { default: 60_000, min: 100, max: 3_600_000, description: 'lastUsedAt is written at most this often per key (batched)' }),
  schema: env.string('GATEWAY_DATABASE_SCHEMA', { default: 'gateway', pattern: /^[a-z_][a-z0-9_]{0,62}$/, description: "The gateway's PostgreSQL schema (API keys)" }),
};

export const gatewayConfigSpec = {
  ...serviceConfigSpec('gateway'),
  nats: natsConfigSpec,
  rateLimit: rateLimitConfigSpec,
  database: databaseConfigSpec,
  auth: authConfigSpec,
  apiKeys: apiKeysConfigSpec,
  agentList: agentListConfigSpec,
  console: consoleConfigSpec,
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export type AuthSettings = ReturnType<typeof resolveAuth>;

/** The keys and algorithms, checked together: each accepted algorithm has a key to verify it with, and vice versa. */
function resolveAuth(auth: ReturnType<typeof loadConfig<typeof gatewayConfigSpec>>['auth']) {
  const problems: ConfigProblem[] = [];
  if (!auth.jwtSecret && !auth.jwksUrl) problems.push({ env: 'AF_JWT_SECRET', problem: 'or AF_JWT_JWKS_URL is required (no way to verify a token)' });
  const algorithms: JwtAlgorithm[] =
    auth.algorithms.length > 0 ? auth.algorithms : [...(auth.jwtSecret ? (['HS256'] as const) : []), ...(auth.jwksUrl ? (['RS256', 'ES256'] as const) : [])];
  if (!auth.jwtSecret && algorithms.some(isSymmetric)) problems.push({ env: 'AF_JWT_ALGORITHMS', problem: 'lists an HS* algorithm but AF_JWT_SECRET is not set' });
  if (!auth.jwksUrl && algorithms.some((a) => !isSymmetric(a))) problems.push({ env: 'AF_JWT_ALGORITHMS', problem: 'lists an asymmetric algorithm but AF_JWT_JWKS_URL is not set' });
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...auth, algorithms };
}

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(gatewayConfigSpec, source);
  return { ...config, auth: resolveAuth(config.auth) };
}

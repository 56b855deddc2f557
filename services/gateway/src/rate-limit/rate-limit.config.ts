import { ConfigVarError, env, type VarSpec } from '@af/config';
import { isTenantId } from '@af/contracts';
import { redisConfigSpec } from '@af/persistence';

export const PLAN_NAMES = ['free', 'pro', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

/** What a plan allows one principal (user or API key) and one tenant. */
export interface PlanLimits {
  /** Sustained requests per second per principal, enforced over a sliding 60 s window (rps × 60 per minute). */
  rps: number;
  /** Requests per principal in any sliding 1 s window (short bursts above `rps`). */
  burst: number;
  /** Run submissions per tenant per calendar month (UTC); 0 = unlimited. */
  monthlyRuns: number;
}

export type Plans = Readonly<Record<PlanName, PlanLimits>>;

export const DEFAULT_PLANS: Plans = {
  free: { rps: 10, burst: 30, monthlyRuns: 1_000 },
  pro: { rps: 50, burst: 150, monthlyRuns: 100_000 },
  enterprise: { rps: 200, burst: 600, monthlyRuns: 0 },
};

const isPlanName = (value: string): value is PlanName => (PLAN_NAMES as readonly string[]).includes(value);

function positiveInt(value: unknown, where: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 1_000_000_000) throw new ConfigVarError(`${where} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return value;
}

/** `AF_RATE_LIMIT_PLANS`: JSON overriding any field of any plan, e.g. `{"free":{"rps":5,"burst":10},"pro":{"monthlyRuns":5000}}`. */
export function parsePlans(raw: string | undefined): Plans {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PLANS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigVarError('must be a JSON object such as {"free":{"rps":5,"burst":10,"monthlyRuns":100}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigVarError('must be a JSON object keyed by plan (free, pro, enterprise)');
  const plans: Record<PlanName, PlanLimits> = { free: { ...DEFAULT_PLANS.free }, pro: { ...DEFAULT_PLANS.pro }, enterprise: { ...DEFAULT_PLANS.enterprise } };
  for (const [name, override] of Object.entries(parsed)) {
    if (!isPlanName(name)) throw new ConfigVarError(`names an unknown plan "${name}" (known: ${PLAN_NAMES.join(', ')})`);
    if (typeof override !== 'object' || override === null || Array.isArray(override)) throw new ConfigVarError(`plan "${name}" must be an object`);
    for (const [field, value] of Object.entries(override as Record<string, unknown>)) {
      if (field !== 'rps' && field !== 'burst' && field !== 'monthlyRuns') throw new ConfigVarError(`plan "${name}" has an unknown field "${field}" (known: rps, burst, monthlyRuns)`);
      plans[name][field] = positiveInt(value, `${name}.${field}`, field === 'monthlyRuns' ? 0 : 1);
    }
  }
  return plans;
}

/** `AF_TENANT_PLANS`: `acme=pro,globex=enterprise`; tenants not listed get `AF_DEFAULT_PLAN`. */
export function parseTenantPlans(raw: string | undefined): ReadonlyMap<string, PlanName> {
  const map = new Map<string, PlanName>();
  if (raw === undefined || raw.trim() === '') return map;
  for (const entry of raw.split(',')) {
    const [tenant, plan, extra] = entry.split('=').map((s) => s.trim());
    if (!tenant || !plan || extra !== undefined) throw new ConfigVarError(`must be a list like "acme=pro,globex=enterprise", got entry "${entry}"`);
    if (!isTenantId(tenant)) throw new ConfigVarError(`has an invalid tenant id "${tenant}"`);
    if (!isPlanName(plan)) throw new ConfigVarError(`gives tenant "${tenant}" the unknown plan "${plan}" (known: ${PLAN_NAMES.join(', ')})`);
    map.set(tenant, plan);
  }
  return map;
}

function custom<T>(name: string, description: string, parse: (raw: string | undefined) => T): VarSpec<T> {
  return { kind: 'var', env: name, secret: false, description, parse };
}

export const rateLimitConfigSpec = {
  redis: {
    url: redisConfigSpec.url,
    keyPrefix: redisConfigSpec.keyPrefix,
    /** A limit check waits at most this long for Redis; then the failure mode decides. */
    commandTimeoutMs: env.int('AF_RATE_LIMIT_REDIS_TIMEOUT_MS', { default: 100, min: 5, max: 5_000, description: 'Redis command timeout of the rate limiter and quotas' }),
    /** After a Redis failure the limiter does not ask Redis again for this long (every request takes the failure mode at once). */
    retryAfterFailureMs: env.int('AF_RATE_LIMIT_REDIS_RETRY_MS', { default: 1_000, min: 0, max: 60_000, description: 'Pause before Redis is tried again after a failure' }),
  },
  plans: custom('AF_RATE_LIMIT_PLANS', 'Plan limits (JSON overrides of the defaults)', parsePlans),
  tenantPlans: custom('AF_TENANT_PLANS', 'Tenant → plan (acme=pro,globex=enterprise)', parseTenantPlans),
  defaultPlan: env.oneOf('AF_DEFAULT_PLAN', PLAN_NAMES, { default: 'free', description: 'Plan of tenants not in AF_TENANT_PLANS' }),
  /** Rate limits when Redis cannot answer: `open` lets the request through (warned, counted), `closed` answers 503. */
  failureMode: env.oneOf('AF_RATE_LIMIT_FAILURE_MODE', ['open', 'closed'] as const, { default: 'open' }),
  /** Run quotas when Redis cannot answer: `closed` (default) answers 503 to run submissions only, `open` admits them uncounted. */
  quotaFailureMode: env.oneOf('AF_QUOTA_FAILURE_MODE', ['open', 'closed'] as const, { default: 'closed' }),
  /** Seconds given in Retry-After with a fail-closed 503. */
  unavailableRetryAfterSec: env.int('AF_RATE_LIMIT_UNAVAILABLE_RETRY_AFTER_SEC', { default: 5, min: 1, max: 300 }),
};

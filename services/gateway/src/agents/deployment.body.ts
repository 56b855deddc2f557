import { AppError, ErrorCode } from '@af/errors';
import type { Principal } from '../auth/principal.js';
import { hasPermission } from '../auth/principal.js';
import { isPlainObject, optionalVersion } from '../http/input.js';

/** The deployment service's bounds (services/deployment deployment-settings.ts), checked here first so a bad body never leaves the gateway. */
export const DEPLOY_STRATEGIES = ['immediate', 'canary'] as const;
export const MAX_WINDOW_SECONDS = 86_400;
export const MAX_P95_MS = 86_400_000;
export const MAX_MIN_RUNS = 100_000;
export const ROLLBACK_REASON_MAX = 1000;
export const DEPLOY_FIELDS = ['version', 'strategy', 'canaryPercent', 'windowSeconds', 'thresholds', 'force'] as const;
const THRESHOLD_FIELDS = ['maxFailureRate', 'maxP95Ms', 'minRuns'];

export interface DeployRequestFields {
  version: number;
  strategy: string;
  canaryPercent: number;
  windowSeconds: number;
  thresholds: { maxFailureRate: number; maxP95Ms: number; minRuns: number };
  force: boolean;
}

const absent = (value: unknown): boolean => value === undefined || value === null;

function integerIn(value: unknown, min: number, max: number, name: string, path: string): number {
  if (absent(value)) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw AppError.invalid(`${name} must be an integer from ${min} to ${max}`, path);
  return value;
}

/**
 * `{version?, strategy?, canaryPercent?, windowSeconds?, thresholds?: {maxFailureRate?, maxP95Ms?,
 * minRuns?}, force?}` (unknown fields are refused by the route's `AllowedFields`). Absent or null
 * = unset: the blueprint's `spec.deployment`, else the deployment service's defaults. `force`
 * (deploy although evals fail) needs ApproveRealWorld: 403 here, before anything is compiled.
 */
export function parseDeployBody(principal: Principal, body: unknown): DeployRequestFields {
  if (body !== undefined && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"version": 1, "strategy": "canary", "canaryPercent": 10}', '');
  const b = body ?? {};
  const strategy = b['strategy'];
  if (!absent(strategy) && !(DEPLOY_STRATEGIES as readonly unknown[]).includes(strategy)) throw AppError.invalid(`strategy must be one of ${DEPLOY_STRATEGIES.join(', ')}`, '/strategy');
  const thresholds = b['thresholds'];
  if (!absent(thresholds) && !isPlainObject(thresholds)) throw AppError.invalid('thresholds must be an object like {"maxFailureRate": 0.2, "maxP95Ms": 30000, "minRuns": 5}', '/thresholds');
  const t = (thresholds ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(t)) if (!THRESHOLD_FIELDS.includes(key)) throw AppError.invalid(`unknown field "${key}": thresholds accepts ${THRESHOLD_FIELDS.join(', ')} only`, `/thresholds/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  const rate = t['maxFailureRate'];
  if (!absent(rate) && (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1)) throw AppError.invalid('thresholds.maxFailureRate must be a number from 0 to 1', '/thresholds/maxFailureRate');
  const force = b['force'];
  if (!absent(force) && typeof force !== 'boolean') throw AppError.invalid('force must be true or false', '/force');
  const parsed: DeployRequestFields = {
    version: optionalVersion(b['version'], '/version'),
    strategy: (strategy as string | null | undefined) ?? '',
    canaryPercent: integerIn(b['canaryPercent'], 1, 99, 'canaryPercent', '/canaryPercent'),
    windowSeconds: integerIn(b['windowSeconds'], 0, MAX_WINDOW_SECONDS, 'windowSeconds', '/windowSeconds'),
    thresholds: {
      maxFailureRate: (rate as number | null | undefined) ?? 0,
      maxP95Ms: integerIn(t['maxP95Ms'], 0, MAX_P95_MS, 'thresholds.maxP95Ms', '/thresholds/maxP95Ms'),
      minRuns: integerIn(t['minRuns'], 0, MAX_MIN_RUNS, 'thresholds.minRuns', '/thresholds/minRuns'),
    },
    force: force === true,
  };
  if (parsed.force && !hasPermission(principal, 'ApproveRealWorld')) {
    throw new AppError(ErrorCode.PermissionDenied, 'force (deploying although evals fail) needs the ApproveRealWorld permission (Administrator)', { path: '/force', details: { permission: 'ApproveRealWorld' } });
  }
  return parsed;
}

/** `{toVersion?, reason?}`: absent toVersion = the previously active version. */
export function parseRollbackBody(body: unknown): { toVersion: number; reason: string } {
  if (body !== undefined && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"toVersion": 2, "reason": "…"}', '');
  const b = body ?? {};
  const reason = b['reason'];
  if (!absent(reason) && (typeof reason !== 'string' || reason.length > ROLLBACK_REASON_MAX)) throw AppError.invalid(`reason must be a string of at most ${ROLLBACK_REASON_MAX} characters`, '/reason');
  return { toVersion: optionalVersion(b['toVersion'], '/toVersion'), reason: (reason as string | null | undefined) ?? '' };
}

/** A deployment id from the path (a UUID): anything else is 400 before the bus. */
export function deploymentId(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw AppError.invalid('a deployment id is a UUID', '/id');
  return value.toLowerCase();
}

import { ConfigVarError, env, type VarSpec } from '@af/config';

const TENANT = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `acme=32,globex=4`: per-tenant overrides of a limit; a bad entry is named in the boot error. */
export function tenantLimits(name: string, opts: { min: number; max: number; description: string }): VarSpec<ReadonlyMap<string, number>> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description: opts.description,
    parse(raw) {
      const limits = new Map<string, number>();
      if (raw === undefined || raw.trim() === '') return limits;
      for (const entry of raw.split(',')) {
        const [tenant, value, ...rest] = entry.trim().split('=');
        if (!tenant || !TENANT.test(tenant) || value === undefined || rest.length > 0 || !/^\d+$/.test(value)) {
          throw new ConfigVarError(`must be a comma-separated list of <tenant>=<integer>, got the entry "${entry.trim().slice(0, 80)}"`);
        }
        const n = Number(value);
        if (n < opts.min || n > opts.max) throw new ConfigVarError(`the limit of tenant "${tenant}" must be between ${opts.min} and ${opts.max}, got ${n}`);
        if (limits.has(tenant)) throw new ConfigVarError(`names tenant "${tenant}" twice`);
        limits.set(tenant, n);
      }
      return limits;
    },
  };
}

/** Dispatch: per-tenant concurrency (dispatched but unfinished runs), admission control, cadence. */
export const dispatchConfigSpec = {
  tenantConcurrency: env.int('ORCHESTRATOR_TENANT_CONCURRENCY', { default: 8, min: 1, max: 10_000, description: 'Runs of one tenant on the work queue or executing at once' }),
  tenantConcurrencyOverrides: tenantLimits('ORCHESTRATOR_TENANT_CONCURRENCY_OVERRIDES', { min: 1, max: 10_000, description: 'Per-tenant concurrency, e.g. acme=32,globex=4' }),
  maxQueuedPerTenant: env.int('ORCHESTRATOR_TENANT_MAX_QUEUED', { default: 1_000, min: 1, max: 1_000_000, description: 'Runs of one tenant waiting for dispatch; a submission over it is refused (429)' }),
  intervalMs: env.int('ORCHESTRATOR_DISPATCH_INTERVAL_MS', { default: 500, min: 50, max: 3_600_000, description: 'Safety-net dispatch pass (dispatch also runs on submit and on every finished run)' }),
  republishGraceMs: env.int('ORCHESTRATOR_DISPATCH_REPUBLISH_GRACE_MS', { default: 2_000, min: 0, max: 600_000, description: 'A claimed run whose publish is not confirmed after this is published again (same message id)' }),
  maxPerRound: env.int('ORCHESTRATOR_DISPATCH_MAX_PER_ROUND', { default: 500, min: 1, max: 100_000, description: 'Runs one dispatch pass publishes at most' }),
};

export const DISPATCH_OPTIONS = Symbol.for('af.orchestrator.dispatch.options');

export interface DispatchOptions {
  tenantConcurrency: number;
  tenantConcurrencyOverrides: ReadonlyMap<string, number>;
  maxQueuedPerTenant: number;
  intervalMs: number;
  republishGraceMs: number;
  maxPerRound: number;
}

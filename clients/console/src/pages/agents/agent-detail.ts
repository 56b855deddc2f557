import type { paths } from '@af/api-client';
import type { Deployment } from './agent-rows.js';

export type DiffAnswer = paths['/v1/blueprints/{name}/diff']['get']['responses']['200']['content']['application/json'];
export type DiffOperation = DiffAnswer['operations'][number];

/** One line of the structural diff, ready to show: what happened at which path, with the values before and after. */
export interface DiffRow {
  change: 'added' | 'removed' | 'changed';
  /** The JSON Pointer of the field, e.g. /spec/tools/2. */
  path: string;
  before: string | null;
  after: string | null;
}

/** A value as it reads in the document: strings quoted (an empty string stays visible), objects as indented JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

export function diffRows(operations: readonly DiffOperation[]): DiffRow[] {
  return operations.map((o) => {
    const has = (k: 'from' | 'to') => Object.hasOwn(o, k);
    const change = o.op === 'add' ? 'added' : o.op === 'remove' ? 'removed' : 'changed';
    return {
      change,
      path: o.path || '/',
      before: change === 'added' || !has('from') ? null : showValue(o.from),
      after: change === 'removed' || !has('to') ? null : showValue(o.to),
    };
  });
}

/** One event of an agent's deployment history: a deployment entering a status. */
export interface TimelineEntry {
  at: string;
  deploymentId: string;
  version: number;
  from: string | null;
  to: string;
  actor: string;
  reason: string;
  strategy: Deployment['strategy'];
  canaryPercent: number;
}

/**
 * Every transition of every deployment, newest first (ties: the deployment listed first, the newest,
 * then its later step). A deployment read without its transitions (the list carries none) shows as
 * one entry: its creation, in its current status.
 */
export function timeline(deployments: readonly Deployment[]): TimelineEntry[] {
  const entries = deployments.flatMap((d, index) =>
    (d.transitions.length > 0 ? d.transitions : [{ from: null, to: d.status, at: d.createdAt, actor: d.createdBy, reason: d.reason ?? '' }]).map((t, step) => ({
      entry: {
        at: t.at,
        deploymentId: d.deploymentId,
        version: d.version,
        from: t.from,
        to: t.to,
        actor: t.actor,
        reason: t.reason,
        strategy: d.strategy,
        canaryPercent: d.canaryPercent,
      },
      order: [Date.parse(t.at), -index, step] as const,
    })),
  );
  entries.sort((a, b) => b.order[0] - a.order[0] || b.order[1] - a.order[1] || b.order[2] - a.order[2]);
  return entries.map((e) => e.entry);
}

/**
 * The versions a manual rollback can return to: versions that were active before (a transition to
 * active, or superseded by a later one) and are not the active one now (newest first). The deployment service refuses a version that never was active.
 */
export function reinstatableVersions(deployments: readonly Deployment[], activeVersion: number | null): number[] {
  const versions = new Set<number>();
  for (const d of deployments) {
    if (d.version !== activeVersion && (d.status === 'superseded' || d.transitions.some((t) => t.to === 'active'))) versions.add(d.version);
  }
  return [...versions].sort((a, b) => b - a);
}

/** When a deployment reached its current status: its last transition there, else its creation. */
export function statusSince(d: Pick<Deployment, 'status' | 'createdAt' | 'transitions'>): string {
  return d.transitions.findLast((t) => t.to === d.status)?.at ?? d.createdAt;
}

/** A short local time for a timestamp, with the ISO form kept for <time dateTime>. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

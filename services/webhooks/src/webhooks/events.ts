import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { DeploymentChangedSchema, RunCancelledSchema, RunFailedSchema, RunSucceededSchema } from '@af/contracts';
import type { EventOf } from '@af/messaging';
import type { NewEvent } from './webhook.repository.js';

export const DEPLOYMENT_STATUSES = ['pending', 'warming', 'canary', 'active', 'failed', 'rolled_back', 'superseded'] as const;
export const RUN_OUTCOMES = ['succeeded', 'failed', 'cancelled'] as const;

/** Every event type a webhook may subscribe to. */
export const EVENT_TYPES: ReadonlySet<string> = new Set([
  ...DEPLOYMENT_STATUSES.map((s) => `deployment.${s}`),
  'deployment.*',
  ...RUN_OUTCOMES.map((o) => `run.${o}`),
  'run.*',
]);

/** A delivery body larger than this carries the event's identifying fields only (`truncated: true`). */
export const MAX_DATA_BYTES = 256 * 1024;

/** The body delivered: `{id, type, createdAt, tenant, data}`. */
export interface Envelope {
  id: string;
  type: string;
  createdAt: string;
  tenant: string;
  data: JsonValue;
}

function envelope(tenant: string, id: string, type: string, createdAt: string, data: JsonValue, small: () => JsonValue): Envelope {
  const fits = Buffer.byteLength(JSON.stringify(data), 'utf8') <= MAX_DATA_BYTES;
  return { id, type, createdAt, tenant, data: fits ? data : small() };
}

function isoOf(atMs: bigint): string {
  const ms = Number(atMs);
  return ms > 0 ? new Date(ms).toISOString() : new Date().toISOString();
}

/** A deployment transition → `deployment.<to status>`; its event id is stable across redeliveries. */
export function deploymentEvent(tenant: string, event: EventOf<'af.v1.deployments.event.changed'>): NewEvent | null {
  const deployment = event.deployment;
  const to = event.transition?.toStatus || deployment?.status || '';
  if (!deployment || !(DEPLOYMENT_STATUSES as readonly string[]).includes(to)) return null;
  const at = event.transition?.at || new Date().toISOString();
  const id = `deployment.${deployment.deploymentId}.${to}.${at}`.slice(0, 256);
  const type = `deployment.${to}`;
  return {
    eventId: id,
    eventType: type,
    wildcard: 'deployment.*',
    agent: deployment.agent,
    payload: () => envelope(tenant, id, type, at, toJson(DeploymentChangedSchema, event), () => ({
      deployment: { deploymentId: deployment.deploymentId, agent: deployment.agent, version: deployment.version, status: deployment.status },
      truncated: true,
    })),
  };
}

type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** A run outcome → `run.<outcome>`; one per run (a run ends once). */
export function runEvent(
  tenant: string,
  outcome: RunOutcome,
  event: EventOf<'af.v1.runs.event.succeeded'> | EventOf<'af.v1.runs.event.failed'> | EventOf<'af.v1.runs.event.cancelled'>,
): NewEvent {
  const id = `run.${event.runId}.${outcome}`.slice(0, 256);
  const type = `run.${outcome}`;
  const data = () =>
    outcome === 'succeeded'
      ? toJson(RunSucceededSchema, event as EventOf<'af.v1.runs.event.succeeded'>)
      : outcome === 'failed'
        ? toJson(RunFailedSchema, event as EventOf<'af.v1.runs.event.failed'>)
        : toJson(RunCancelledSchema, event as EventOf<'af.v1.runs.event.cancelled'>);
  return {
    eventId: id,
    eventType: type,
    wildcard: 'run.*',
    agent: event.agent,
    // Built only for a tenant with a matching webhook (most run events have none).
    payload: () => envelope(tenant, id, type, isoOf(event.atMs), data(), () => ({ runId: event.runId, agent: event.agent, version: event.version, atMs: String(event.atMs), truncated: true })),
  };
}

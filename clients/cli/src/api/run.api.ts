import type { AfClient, components, paths } from '@af/api-client';

export type Run = components['schemas']['Run'];
export type RunStarted = paths['/v1/agents/{name}/runs']['post']['responses']['202']['content']['application/json'];
export type RunList = paths['/v1/runs']['get']['responses']['200']['content']['application/json'];
export type RunHistory = paths['/v1/runs/{runId}/events']['get']['responses']['200']['content']['application/json'];

/** Final run statuses; `succeeded` is the only good one. */
export const FINAL_RUN_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);

export async function startRun(client: AfClient, agent: string, input: Record<string, unknown>, idempotencyKey?: string): Promise<RunStarted> {
  const { data } = await client.POST('/v1/agents/{name}/runs', {
    params: { path: { name: agent }, ...(idempotencyKey ? { header: { 'Idempotency-Key': idempotencyKey } } : {}) },
    // The generated type of `input` (object | null without properties) admits no values: the API takes any object.
    body: { input: input as Record<string, never> },
  });
  return data!;
}

export async function getRun(client: AfClient, runId: string): Promise<Run> {
  const { data } = await client.GET('/v1/runs/{runId}', { params: { path: { runId } } });
  return data!;
}

export async function listRuns(client: AfClient, filter: { agent?: string; status?: string; limit?: number }): Promise<RunList['items']> {
  const query = { ...(filter.agent ? { agent: filter.agent } : {}), ...(filter.status ? { status: filter.status } : {}), ...(filter.limit ? { limit: filter.limit } : {}) };
  const { data } = await client.GET('/v1/runs', { params: { query } });
  return data!.items;
}

export async function runHistory(client: AfClient, runId: string): Promise<RunHistory> {
  const { data } = await client.GET('/v1/runs/{runId}/events', { params: { path: { runId } }, headers: { accept: 'application/json' } });
  // The operation also answers text/event-stream (followRun reads that); asked for JSON, it is the object.
  if (typeof data !== 'object' || data === null) throw new Error('GET /v1/runs/{runId}/events answered no JSON object');
  return data;
}

export async function cancelRun(client: AfClient, runId: string, reason?: string): Promise<Run> {
  const { data } = await client.POST('/v1/runs/{runId}/cancel', { params: { path: { runId } }, body: reason ? { reason } : {} });
  return data!;
}

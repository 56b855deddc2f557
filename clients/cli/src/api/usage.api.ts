import type { AfClient, components, paths } from '@af/api-client';

export type Usage = paths['/v1/usage']['get']['responses']['200']['content']['application/json'];
export type DeadLetter = components['schemas']['DeadLetter'];
export type DeadLetterRetry = paths['/v1/dead-letters/{id}/retry']['post']['responses']['202']['content']['application/json'];

export const USAGE_GROUPS = ['agent', 'model', 'day'] as const;

export async function usage(client: AfClient, query: { groupBy?: string; from?: string; to?: string; agent?: string }): Promise<Usage> {
  const q: Record<string, string> = {};
  for (const key of ['groupBy', 'from', 'to', 'agent'] as const) if (query[key]) q[key] = query[key];
  const { data } = await client.GET('/v1/usage', { params: { query: q } });
  return data!;
}

export async function listDeadLetters(client: AfClient, filter: { status?: string; limit?: number }): Promise<DeadLetter[]> {
  const query = { ...(filter.status ? { status: filter.status } : {}), ...(filter.limit ? { limit: filter.limit } : {}) };
  const { data } = await client.GET('/v1/dead-letters', { params: { query } });
  return data!.items;
}

export async function retryDeadLetter(client: AfClient, id: string): Promise<DeadLetterRetry> {
  const { data } = await client.POST('/v1/dead-letters/{id}/retry', { params: { path: { id } }, body: {} });
  return data!;
}

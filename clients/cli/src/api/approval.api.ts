import type { AfClient, components } from '@af/api-client';

export type Escalation = components['schemas']['Escalation'];

export async function listEscalations(client: AfClient, filter: { status?: string; runId?: string; limit?: number }): Promise<Escalation[]> {
  const query = { ...(filter.status ? { status: filter.status } : {}), ...(filter.runId ? { runId: filter.runId } : {}), ...(filter.limit ? { limit: filter.limit } : {}) };
  const { data } = await client.GET('/v1/escalations', { params: { query } });
  return data!.items;
}

export async function approve(client: AfClient, id: string, reason?: string): Promise<Escalation> {
  const { data } = await client.POST('/v1/escalations/{id}/approve', { params: { path: { id } }, body: reason ? { reason } : {} });
  return data!;
}

export async function reject(client: AfClient, id: string, reason: string): Promise<Escalation> {
  const { data } = await client.POST('/v1/escalations/{id}/reject', { params: { path: { id } }, body: { reason } });
  return data!;
}

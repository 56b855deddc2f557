import type { components, paths } from '@af/api-client';

/** GET /v1/agents/{name}: what is live for one agent. */
export type AgentView = paths['/v1/agents/{name}']['get']['responses']['200']['content']['application/json'];
export type Deployment = components['schemas']['Deployment'];
/** GET /v1/agents/{name}/health: recent outcomes per version. */
export type AgentHealth = paths['/v1/agents/{name}/health']['get']['responses']['200']['content']['application/json'];

/** GET /v1/agents: a page of the tenant's agents, each with what is live and its recent health (a part is null, with a note in `unavailable`, when its lookup failed). */
export type AgentListPage = paths['/v1/agents']['get']['responses']['200']['content']['application/json'];
export type AgentListItem = AgentListPage['items'][number];

/** A row of the agents table. `null`: not known (not deployed, or the lookup failed). */
export interface AgentRow {
  name: string;
  description: string;
  latestVersion: number;
  health: string;
  activeVersion: number | null;
  canary: { version: number; percent: number } | null;
  inFlightRuns: number | null;
  runs: number | null;
  failureRate: number | null;
  p95Ms: number | null;
  /** Why some columns are empty: "health: TIMEOUT …". */
  notes: string[];
}

export function rowFromListItem(item: AgentListItem): AgentRow {
  const d = item.deployment;
  return {
    name: item.name,
    description: item.description,
    latestVersion: item.latestVersion,
    health: d && !d.active && !d.canary ? 'not deployed' : (d?.health ?? 'unknown'),
    activeVersion: d?.active?.version ?? null,
    canary: d?.canary ? { version: d.canary.version, percent: d.canary.percent } : null,
    inFlightRuns: d ? d.inFlightRuns : null,
    runs: item.recent ? item.recent.runs : null,
    failureRate: item.recent && item.recent.runs > 0 ? item.recent.failureRate : null,
    p95Ms: item.recent && item.recent.runs > 0 ? item.recent.p95Ms : null,
    notes: item.unavailable.map((u) => `${u.part}: ${u.code} ${u.message}`),
  };
}

export type SortKey = 'name' | 'health' | 'activeVersion' | 'failureRate' | 'p95Ms' | 'inFlightRuns';
export type SortDirection = 'ascending' | 'descending';

const healthRank: Record<string, number> = { unhealthy: 0, degraded: 1, unknown: 2, 'not deployed': 3, healthy: 4 };

/** Rows whose name (or description) holds `query`, case-insensitive, sorted by `key`; unknown values last either way. */
export function filterAndSort(rows: readonly AgentRow[], query: string, key: SortKey, direction: SortDirection): AgentRow[] {
  const q = query.trim().toLowerCase();
  const kept = q ? rows.filter((r) => r.name.toLowerCase().includes(q) || r.description.toLowerCase().includes(q)) : [...rows];
  const sign = direction === 'ascending' ? 1 : -1;
  const value = (r: AgentRow): string | number | null => (key === 'name' ? r.name : key === 'health' ? (healthRank[r.health] ?? 2) : r[key]);
  return kept.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.name.localeCompare(b.name) : va === null ? 1 : -1;
    const order = typeof va === 'string' && typeof vb === 'string' ? va.localeCompare(vb) : Number(va) - Number(vb);
    return order === 0 ? a.name.localeCompare(b.name) : sign * order;
  });
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)} %`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

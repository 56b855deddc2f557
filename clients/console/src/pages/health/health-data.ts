import type { paths } from '@af/api-client';

export type MeshHealth = paths['/v1/mesh/health']['get']['responses']['200']['content']['application/json'];
export type ServiceHealth = MeshHealth['services'][number];

/**
 * How a service reads on the page. The health service says up (a fresh, ready heartbeat), stale
 * (known, but its beats are old: degraded) or down (nothing heard, or not ready).
 */
export type Condition = 'up' | 'degraded' | 'down';

export function condition(state: string): Condition {
  if (state === 'up') return 'up';
  if (state === 'down') return 'down';
  return 'degraded';
}

/**
 * How a check's value reads. `up`/`ok`-like values are good; `held/concurrency` (a consumer's
 * in-flight load, `inflight:<consumer>` checks) is good until every slot is held (then busy, not down);
 * anything else (`down`, `error: …`) is a problem.
 */
export function readCheck(value: string): { tone: 'ok' | 'busy' | 'bad'; text: string } {
  const text = value.trim();
  const load = /^(\d+)\/(\d+)$/.exec(text);
  if (load) {
    const held = Number(load[1]);
    const slots = Number(load[2]);
    return { tone: slots > 0 && held >= slots ? 'busy' : 'ok', text: `${held} of ${slots} in flight` };
  }
  return { tone: /^(ok|up|ready|healthy|disabled|skipped)\b/i.test(text) ? 'ok' : 'bad', text };
}

/** Services with a problem first (down, then degraded), then by name. */
export function orderServices(services: readonly ServiceHealth[]): ServiceHealth[] {
  const rank: Record<Condition, number> = { down: 0, degraded: 1, up: 2 };
  return [...services].sort((a, b) => rank[condition(a.state)] - rank[condition(b.state)] || a.service.localeCompare(b.service));
}

/** "4 s ago", "3 min ago", "never" for a service last heard at `lastSeenMs` (epoch ms; 0: never). */
export function ago(lastSeenMs: number, nowMs: number): string {
  if (!lastSeenMs) return 'never';
  const s = Math.max(0, Math.round((nowMs - lastSeenMs) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function summary(mesh: MeshHealth): { up: number; degraded: number; down: number } {
  const counts = { up: 0, degraded: 0, down: 0 };
  for (const s of mesh.services) counts[condition(s.state)] += 1;
  return counts;
}

import { describe, expect, it } from '@jest/globals';
import { filterAndSort, formatMs, formatRate, rowFromListItem, type AgentListItem, type AgentRow } from './agent-rows.js';

const row = (name: string, over: Partial<AgentRow> = {}): AgentRow => ({
  name,
  description: '',
  latestVersion: 1,
  health: 'healthy',
  activeVersion: 1,
  canary: null,
  inFlightRuns: 0,
  runs: 0,
  failureRate: null,
  p95Ms: null,
  notes: [],
  ...over,
});

describe('rowFromListItem', () => {
  const item: AgentListItem = {
    name: 'leads',
    latestVersion: 3,
    description: 'Qualifies leads',
    labels: {},
    valid: true,
    updatedAt: '2026-11-20T10:00:00Z',
    deployment: { health: 'degraded', active: { deploymentId: 'd1', version: 2, since: 'x' }, canary: { deploymentId: 'd2', version: 3, percent: 20, since: 'y' }, inFlightRuns: 4 },
    recent: { windowMs: 300_000, runs: 10, failed: 2, failureRate: 0.2, p95Ms: 840 },
    unavailable: [],
  };

  it('reads what is live and the recent health', () => {
    expect(rowFromListItem(item)).toEqual({
      name: 'leads',
      description: 'Qualifies leads',
      latestVersion: 3,
      health: 'degraded',
      activeVersion: 2,
      canary: { version: 3, percent: 20 },
      inFlightRuns: 4,
      runs: 10,
      failureRate: 0.2,
      p95Ms: 840,
      notes: [],
    });
  });

  it('leaves a part it could not read empty and says why', () => {
    const sut = rowFromListItem({ ...item, recent: null, unavailable: [{ part: 'health', code: 'TIMEOUT', message: 'no answer in 2 s' }] });
    expect(sut).toMatchObject({ failureRate: null, p95Ms: null, runs: null, notes: ['health: TIMEOUT no answer in 2 s'] });
  });

  it('says an agent without an active or canary deployment is not deployed', () => {
    expect(rowFromListItem({ ...item, deployment: { health: 'unknown', active: null, canary: null, inFlightRuns: 0 } })).toMatchObject({ health: 'not deployed', activeVersion: null });
  });

  it('shows no failure rate for an agent without recent runs', () => {
    expect(rowFromListItem({ ...item, recent: { windowMs: 1, runs: 0, failed: 0, failureRate: 0, p95Ms: 0 } })).toMatchObject({ failureRate: null, p95Ms: null, runs: 0 });
  });
});

describe('filterAndSort', () => {
  const rows = [row('beta', { failureRate: 0.5, health: 'unhealthy' }), row('alpha', { failureRate: null }), row('gamma', { failureRate: 0.1, description: 'Support triage' })];

  it('keeps the names (or descriptions) holding the query, whatever the case', () => {
    expect(filterAndSort(rows, ' ALP ', 'name', 'ascending').map((r) => r.name)).toEqual(['alpha']);
    expect(filterAndSort(rows, 'triage', 'name', 'ascending').map((r) => r.name)).toEqual(['gamma']);
  });

  it('sorts both ways, unknown values last either way', () => {
    expect(filterAndSort(rows, '', 'name', 'descending').map((r) => r.name)).toEqual(['gamma', 'beta', 'alpha']);
    expect(filterAndSort(rows, '', 'failureRate', 'ascending').map((r) => r.name)).toEqual(['gamma', 'beta', 'alpha']);
    expect(filterAndSort(rows, '', 'failureRate', 'descending').map((r) => r.name)).toEqual(['beta', 'gamma', 'alpha']);
  });

  it('sorts health worst first when ascending', () => {
    expect(filterAndSort(rows, '', 'health', 'ascending')[0]!.name).toBe('beta');
  });
});

describe('formatting', () => {
  it('writes rates and durations for people', () => {
    expect([formatRate(null), formatRate(0), formatRate(0.034), formatRate(0.25)]).toEqual(['—', '0 %', '3.4 %', '25 %']);
    expect([formatMs(null), formatMs(12.4), formatMs(1540), formatMs(42_000)]).toEqual(['—', '12 ms', '1.5 s', '42 s']);
  });
});

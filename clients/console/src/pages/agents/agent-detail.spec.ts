import { describe, expect, it } from '@jest/globals';
import { diffRows, reinstatableVersions, showValue, statusSince, timeline } from './agent-detail.js';
import type { Deployment } from './agent-rows.js';

describe('diffRows', () => {
  it('reads added, removed and changed paths with their values', () => {
    expect(
      diffRows([
        { op: 'replace', path: '/spec/goal', from: 'Qualify inbound leads', to: 'Qualify B2B leads' },
        { op: 'add', path: '/spec/tools/2', to: { builtin: 'email.send', name: 'notify' } },
        { op: 'remove', path: '/metadata/labels/tier', from: '' },
      ]),
    ).toEqual([
      { change: 'changed', path: '/spec/goal', before: '"Qualify inbound leads"', after: '"Qualify B2B leads"' },
      { change: 'added', path: '/spec/tools/2', before: null, after: '{\n  "builtin": "email.send",\n  "name": "notify"\n}' },
      { change: 'removed', path: '/metadata/labels/tier', before: '""', after: null },
    ]);
  });

  it('keeps a replaced value that became null visible', () => {
    expect(diffRows([{ op: 'replace', path: '/a', from: 3, to: null }])).toEqual([{ change: 'changed', path: '/a', before: '3', after: 'null' }]);
    expect(showValue(undefined)).toBe('');
  });
});

const deployment = (id: string, version: number, transitions: [string | null, string, string][]): Deployment =>
  ({
    deploymentId: id,
    version,
    strategy: 'immediate',
    canaryPercent: 0,
    transitions: transitions.map(([from, to, at]) => ({ from, to, at, actor: 'ada@acme.test', reason: `${to} now`, details: null })),
  }) as unknown as Deployment;

describe('timeline', () => {
  it('lists every transition of every deployment, newest first', () => {
    const sut = timeline([
      deployment('d2', 2, [
        [null, 'warming', '2026-11-20T10:05:00Z'],
        ['warming', 'active', '2026-11-20T10:06:00Z'],
      ]),
      deployment('d1', 1, [
        [null, 'warming', '2026-11-20T10:00:00Z'],
        ['warming', 'active', '2026-11-20T10:01:00Z'],
        ['active', 'superseded', '2026-11-20T10:06:00Z'],
      ]),
    ]);
    expect(sut.map((e) => `${e.version}:${e.to}`)).toEqual(['2:active', '1:superseded', '2:warming', '1:active', '1:warming']);
  });
});

describe('timeline of deployments read without their transitions', () => {
  it('shows each as its creation in its current status', () => {
    const listed = { ...deployment('d1', 1, []), status: 'active', createdAt: '2026-11-20T10:00:00Z', createdBy: 'ada@acme.test', reason: null } as unknown as Deployment;
    expect(timeline([listed])).toEqual([
      { at: '2026-11-20T10:00:00Z', deploymentId: 'd1', version: 1, from: null, to: 'active', actor: 'ada@acme.test', reason: '', strategy: 'immediate', canaryPercent: 0 },
    ]);
  });
});

describe('reinstatableVersions', () => {
  it('offers versions that were active before, not the active one nor one that never went live', () => {
    const ds = [
      deployment('d3', 3, [[null, 'active', '2026-11-20T10:09:00Z']]),
      deployment('d2', 2, [[null, 'failed', '2026-11-20T10:05:00Z']]),
      deployment('d1', 1, [[null, 'active', '2026-11-20T10:00:00Z'], ['active', 'superseded', '2026-11-20T10:09:00Z']]),
    ];
    expect(reinstatableVersions(ds, 3)).toEqual([1]);
  });
});

describe('statusSince', () => {
  it('is the last transition into the current status, else the creation', () => {
    const d = { status: 'active', createdAt: '2026-11-20T09:59:00Z', transitions: [{ from: null, to: 'warming', at: '2026-11-20T10:00:00Z' }, { from: 'warming', to: 'active', at: '2026-11-20T10:01:00Z' }] };
    expect(statusSince(d as unknown as Deployment)).toBe('2026-11-20T10:01:00Z');
    expect(statusSince({ ...d, transitions: [] } as unknown as Deployment)).toBe('2026-11-20T09:59:00Z');
  });
});

import { describe, expect, it } from '@jest/globals';
import { lookbackMs, memoryAccessOf, memorySources, queryTextOf, renderRemembered, workingScopeOf, type Remembered } from './memory-access.js';

const item = (content: string, extra: Partial<Remembered['items'][number]> = {}) => ({ tier: 'episodic', id: 'm1', content, score: 1, subjectId: '', agent: 'a', source: '', metadata: null, createdAt: '', entities: [], neighbours: [], ...extra });

describe('memory access of a run', () => {
  it('defaults to self and writable; carries team and read-only; narrows crossOrganization and says why', () => {
    expect(memoryAccessOf(undefined, 'a', {})).toEqual({ agent: 'a', accessLevel: 'self', team: '', readOnly: false });
    expect(memoryAccessOf({ accessLevel: 'team', memory: { readOnly: true } }, 'a', { team: 'sales' })).toEqual({ agent: 'a', accessLevel: 'team', team: 'sales', readOnly: true });
    const cross = memoryAccessOf({ accessLevel: 'crossOrganization' }, 'a', {});
    expect(cross.accessLevel).toBe('organization');
    expect(cross.refused).toContain('CrossOrgAccess');
  });

  it('scopes working memory by thread, then user, then the run', () => {
    expect(workingScopeOf({ threadId: 't1', subjectId: 'u1' }, 'r')).toEqual({ scope: 'thread', scopeId: 't1' });
    expect(workingScopeOf({ subjectId: 'u1' }, 'r')).toEqual({ scope: 'user', scopeId: 'u1' });
    expect(workingScopeOf('hello', 'r')).toEqual({ scope: 'run', scopeId: 'r' });
  });

  it('reads lookbacks and the query text of an input (ids left out, bounded)', () => {
    expect(lookbackMs('30d')).toBe(30 * 86_400_000);
    expect(lookbackMs('2w')).toBe(14 * 86_400_000);
    expect(lookbackMs('forever')).toBeUndefined();
    expect(queryTextOf({ subjectId: 'u1', message: 'Ada  Lovelace', nested: { note: 'tea' } })).toBe('Ada Lovelace tea');
    expect(queryTextOf({ message: 'x'.repeat(900) }).length).toBe(500);
  });

  it('renders "What you remember:" within its byte bound and counts what it left out', () => {
    const remembered: Remembered = { working: { scope: 'user', scopeId: 'u1', document: { plan: 'gold' }, messages: ['asked about tea'], version: 2 }, items: Array.from({ length: 50 }, (_, i) => item(`fact ${i} ${'y'.repeat(80)}`)), notes: [] };
    const text = renderRemembered(remembered, 1_024);
    expect(text.startsWith('What you remember:\n- working memory (user): {"plan":"gold"}\n- earlier in this user: asked about tea')).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1_024);
    expect(text).toMatch(/\(\d+ more memories left out\)$/);
    expect(renderRemembered({ items: [], notes: ['memory service unavailable'] }, 1_024)).toBe('');
  });

  it('offers the working document, item metadata and the remembered contents to the offline model', () => {
    const sources = memorySources({ working: { scope: 'run', scopeId: 'r', document: { plan: 'gold' }, messages: [], version: 1 }, items: [item('Ada drinks tea', { metadata: { drink: 'tea' } }), item('no metadata')], notes: [] });
    expect(sources).toEqual([{ plan: 'gold' }, { drink: 'tea' }, { remembered: ['Ada drinks tea', 'no metadata'] }]);
  });
});

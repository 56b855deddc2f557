import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@af/errors';
import { containsPattern, decodeCursor, encodeCursor, freeText, pageSize, parseLabelSelector } from './blueprint-query.js';

describe(parseLabelSelector.name, () => {
  it('parses equality, inequality, existence and absence', () => {
    expect(parseLabelSelector('team=sales, tier!=gold,app.kubernetes.io/part-of, !legacy, env==prod')).toEqual([
      { op: 'equals', key: 'team', value: 'sales' },
      { op: 'notEquals', key: 'tier', value: 'gold' },
      { op: 'exists', key: 'app.kubernetes.io/part-of' },
      { op: 'notExists', key: 'legacy' },
      { op: 'equals', key: 'env', value: 'prod' },
    ]);
    expect(parseLabelSelector('  ')).toEqual([]);
    expect(parseLabelSelector('empty=')).toEqual([{ op: 'equals', key: 'empty', value: '' }]);
  });

  it.each(['team=sales=x', 'bad key=x', '!team=x', 'team=not valid', ',', 'team in (a,b)', `k=${'v'.repeat(64)}`])('refuses %j with a path', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, path: '/label_selector' }));
  });
});

describe('paging and search input', () => {
  it('bounds the page size', () => {
    expect(pageSize(0)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, path: '/limit' }));
    expect(() => pageSize(-1)).toThrow(expect.objectContaining({ path: '/limit' }));
  });

  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor('lead-qualifier'))).toBe('lead-qualifier');
    expect(decodeCursor('')).toBeUndefined();
    for (const bad of ['nope', Buffer.from('{"after":"../x"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, path: '/cursor' }));
    }
  });

  it('escapes LIKE wildcards so text matches literally', () => {
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
    expect(freeText('  ')).toBeUndefined();
    expect(() => freeText('x'.repeat(201))).toThrow(expect.objectContaining({ path: '/query' }));
  });
});

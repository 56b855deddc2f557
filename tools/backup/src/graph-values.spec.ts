import { describe, expect, it } from '@jest/globals';
import { cypherName, decodeValue, encodeValue } from './graph-values.mjs';

describe('graph values', () => {
  it.each([
    [{ $int: '9007199254740993' }, 'Integer', '9007199254740993'],
    [{ $neo4j: 'DateTime', v: [2026, 11, 24, 20, 40, 20, 625_000_001, 3600, null].map((n) => (n === null ? null : { $int: String(n) })) }, 'DateTime', '2026-11-24T20:40:20.625000001+01:00'],
    [{ $neo4j: 'Date', v: [{ $int: '2026' }, { $int: '1' }, { $int: '2' }] }, 'Date', '2026-01-02'],
    [{ $neo4j: 'Duration', v: [{ $int: '1' }, { $int: '2' }, { $int: '3' }, { $int: '4' }] }, 'Duration', 'P1M2DT3.000000004S'],
    [{ $neo4j: 'Point', v: [{ $int: '7203' }, 1.5, 2.5, null] }, 'Point', 'Point{srid=7203, x=1.5, y=2.5}'],
  ])('%j is a driver %s again and encodes back to the same JSON', (json, type, text) => {
    const value = decodeValue(json) as object;
    expect([value.constructor.name, String(value)]).toEqual([type, text]);
    expect(JSON.parse(JSON.stringify(encodeValue(value)))).toEqual(json);
  });

  it('keeps lists, floats, strings and booleans as they are', () => {
    const plain = [[0.25, 0.5], 'text', true, 1.5, null];
    expect(plain.map((v) => decodeValue(encodeValue(v)))).toEqual(plain);
    expect((decodeValue([{ $int: '1' }]) as object[])[0]!.constructor.name).toBe('Integer');
  });

  it('refuses what it cannot represent instead of writing a lossy backup', () => {
    expect(() => encodeValue(new Map())).toThrow(/cannot back up/);
    expect(() => decodeValue({ $neo4j: 'DateTime', v: [1, 2] })).toThrow(/needs 9 components/);
    expect(() => decodeValue({ unexpected: 1 })).toThrow(/not a backed-up Neo4j value/);
  });

  it('quotes plain labels and refuses anything that could be Cypher', () => {
    expect(cypherName('Run')).toBe('`Run`');
    expect(() => cypherName('Run`) DETACH DELETE (n')).toThrow(/refusing/);
    expect(() => cypherName('')).toThrow(/refusing/);
  });
});

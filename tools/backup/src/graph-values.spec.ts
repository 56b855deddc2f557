import { describe, expect, it } from '@jest/globals';
import neo4j from 'neo4j-driver';
import { cypherName, decodeValue, encodeValue } from './graph-values.mjs';

describe('graph values', () => {
  it('round-trips integers as Integers, temporals and points with every component', () => {
    const values = [
      neo4j.int('9007199254740993'),
      new neo4j.types.DateTime(2026, 11, 24, 20, 40, 20, 625_000_001, 3600),
      new neo4j.types.Date(2026, 1, 2),
      new neo4j.types.Duration(1, 2, 3, 4),
      new neo4j.types.Point(7203, 1.5, 2.5),
      [neo4j.int(1), neo4j.int(2)],
      [0.25, 0.5],
      'text',
      true,
    ];
    for (const value of values) {
      const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));
      expect(String(back)).toEqual(String(value));
      expect((back as object | null)?.constructor).toBe((value as object).constructor);
    }
    expect(neo4j.isInt(decodeValue({ $int: '3' }))).toBe(true);
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

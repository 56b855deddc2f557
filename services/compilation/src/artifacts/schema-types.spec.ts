import { describe, expect, it } from '@jest/globals';
import { schemaToType } from './schema-types.js';

describe(schemaToType.name, () => {
  it('types objects with required and optional properties, open unless additionalProperties is false', () => {
    expect(schemaToType({ type: 'object', properties: { b: { type: 'integer' }, a: { type: 'string' } }, required: ['a'] })).toBe('{ "a": string; "b"?: number; [key: string]: unknown; }');
    expect(schemaToType({ type: 'object', properties: { a: { type: 'boolean' } }, required: ['a', 'z'], additionalProperties: false })).toBe('{ "a": boolean; "z": unknown; }');
    expect(schemaToType({ type: 'object', additionalProperties: { type: 'number' } })).toBe('{ [key: string]: number; }');
  });

  it('types arrays, enums, consts, unions and nullables', () => {
    expect(schemaToType({ type: 'array', items: { enum: ['a', 'b', 1] } })).toBe('Array<("a") | ("b") | (1)>');
    expect(schemaToType({ const: 'x' })).toBe('"x"');
    expect(schemaToType({ type: ['string', 'null'] })).toBe('(string) | (null)');
    expect(schemaToType({ type: 'number', nullable: true })).toBe('(number) | (null)');
    expect(schemaToType({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe('(string) | (number)');
  });

  it('falls back to unknown for what it does not model', () => {
    expect(schemaToType({})).toBe('unknown');
    expect(schemaToType({ $ref: '#/definitions/x' })).toBe('unknown');
    // 2020-12 tuples: items types only the elements after prefixItems, so it must not type all of them.
    expect(schemaToType({ type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'integer' } })).toBe('unknown[]');
    expect(schemaToType({ anyOf: [{ type: 'string' }, { not: {} }] })).toBe('unknown');
    expect(schemaToType(true)).toBe('unknown');
    expect(schemaToType(false)).toBe('never');
  });
});

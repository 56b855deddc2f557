import { describe, expect, it } from '@jest/globals';
import { CliError } from '../errors.js';
import { cell, formatData, painter, renderTable, resolveFormat } from './format.js';

describe('output formats', () => {
  const plain = painter(false);

  it('defaults to a table on a terminal and to json in a pipe; a flag wins; anything else is a usage error', () => {
    expect(resolveFormat(undefined, { write: () => true, isTTY: true })).toBe('table');
    expect(resolveFormat(undefined, { write: () => true })).toBe('json');
    expect(resolveFormat('yaml', { write: () => true, isTTY: true })).toBe('yaml');
    expect(() => resolveFormat('xml', { write: () => true })).toThrow(CliError);
    try {
      resolveFormat('xml', { write: () => true });
    } catch (error) {
      expect((error as CliError).exitCode).toBe(64);
      expect((error as CliError).path).toBe('--output');
    }
  });

  it('prints the whole object as json or yaml, and the chosen view as a table', () => {
    const data = { runId: 'r-1', status: 'succeeded', output: { qualified: true } };
    expect(JSON.parse(formatData('json', data, () => 'unused'))).toEqual(data);
    expect(formatData('yaml', data, () => 'unused')).toBe('runId: r-1\nstatus: succeeded\noutput:\n  qualified: true');
    expect(formatData('table', data, () => 'the view')).toBe('the view');
  });

  it('renders a table with headers and one line per row, no colour codes when colour is off', () => {
    const table = renderTable([{ a: 'x', b: null }, { a: 'y', b: { n: 1 } }], [
      { header: 'A', value: (r) => r.a },
      { header: 'B', value: (r) => r.b },
    ], plain);
    const lines = table.split('\n');
    expect(lines.some((l) => /A\s*│\s*B/.test(l))).toBe(true);
    expect(lines.some((l) => /x\s*│\s*-/.test(l))).toBe(true);
    expect(table).toContain('{"n":1}');
    expect(table).not.toMatch(/\u001b\[/);
  });

  it('shows empty values as a dash and objects as compact JSON', () => {
    expect(cell(undefined)).toBe('-');
    expect(cell('')).toBe('-');
    expect(cell(0)).toBe('0');
    expect(cell([1, 2])).toBe('[1,2]');
  });
});

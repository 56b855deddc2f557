import { styleText } from 'node:util';
import Table from 'cli-table3';
import { stringify } from 'yaml';
import { CliError } from '../errors.js';
import type { CliIo, OutputStream } from '../io.js';

/** `--output`: json and yaml print the API's objects as they are; table picks columns for people. */
export const OUTPUT_FORMATS = ['json', 'yaml', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A table column: its header and how to read it from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/**
 * The format to print in: the flag when given; else table on a terminal, json in a pipe (so
 * `af runs | jq` works without a flag).
 */
export function resolveFormat(flag: string | undefined, stdout: OutputStream): OutputFormat {
  if (flag === undefined) return stdout.isTTY ? 'table' : 'json';
  if ((OUTPUT_FORMATS as readonly string[]).includes(flag)) return flag as OutputFormat;
  throw CliError.usage(`--output must be one of ${OUTPUT_FORMATS.join(', ')}, not "${flag}"`, '--output');
}

/** Colour: wanted (no --no-color, no NO_COLOR) and the stream is a terminal. */
export interface Painter {
  paint(style: Parameters<typeof styleText>[0], text: string): string;
  readonly enabled: boolean;
}

export function painter(enabled: boolean): Painter {
  return {
    enabled,
    paint: (style, text) => (enabled ? styleText(style, text, { validateStream: false }) : text),
  };
}

export function colorWanted(io: CliIo, stream: OutputStream, noColor: boolean): boolean {
  return !noColor && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb' && stream.isTTY === true;
}

/** A cell: strings as they are, null/undefined as `-`, numbers and booleans as text, objects as compact JSON. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], colors: Painter): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    style: { head: colors.enabled ? ['cyan'] : [], border: colors.enabled ? ['grey'] : [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.value(row))));
  return table.toString();
}

/** One object as two columns (field, value). */
export function renderRecord(fields: ReadonlyArray<readonly [string, unknown]>, colors: Painter): string {
  const table = new Table({ style: { head: [], border: colors.enabled ? ['grey'] : [], compact: true } });
  for (const [name, value] of fields) table.push({ [name]: cell(value) });
  return table.toString();
}

/** The data as the format asks: json/yaml of the whole object, else the table the command chose. */
export function formatData(format: OutputFormat, data: unknown, table: () => string): string {
  if (format === 'json') return JSON.stringify(data, null, 2);
  if (format === 'yaml') return stringify(data, { lineWidth: 0 }).replace(/\n$/, '');
  return table();
}

/** `12:04:05` of an ISO time (local clock), for progress lines. */
export function clock(iso: string | null | undefined): string {
  if (!iso) return '--:--:--';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toTimeString().slice(0, 8);
}

/** `$0.0123` — costs have four decimals (a model call costs cents). */
export function usd(value: number): string {
  return `$${value.toFixed(4)}`;
}

/** `12.5%` of a 0..1 rate. */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

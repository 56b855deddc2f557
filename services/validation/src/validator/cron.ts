/** A strict parser for standard 5-field cron expressions (minute hour day-of-month month day-of-week). */

export type CronResult = { ok: true; fields: number[][] } | { ok: false; message: string };

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Offset of names[0] (JAN = 1, SUN = 0). */
  namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], namesFrom: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], namesFrom: 0 },
];

/** Macros are not accepted (strict 5 fields), but the error names their equivalent. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

class CronError extends Error {}

export function parseCron(expression: string): CronResult {
  const trimmed = expression.trim();
  const macro = CRON_MACROS[trimmed.toLowerCase()];
  if (macro) return { ok: false, message: `macros are not supported; write "${macro}" instead of ${trimmed}` };
  if (trimmed.length > 256) return { ok: false, message: 'expression is too long' };
  const parts = trimmed.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) return { ok: false, message: `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}` };
  const fields: number[][] = [];
  try {
    for (let i = 0; i < 5; i++) fields.push(parseField(parts[i]!, FIELDS[i]!));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const [, , days, months] = fields as [number[], number[], number[], number[], number[]];
  const dayRestricted = parts[2] !== '*';
  const dowRestricted = parts[4] !== '*';
  // With day-of-week also restricted, cron fires when either matches: it always can.
  if (dayRestricted && !dowRestricted && !months.some((m) => days.some((d) => d <= DAYS_IN_MONTH[m - 1]!))) {
    return { ok: false, message: `day-of-month ${parts[2]} never occurs in month ${parts[3]}: the schedule never fires` };
  }
  return { ok: true, fields };
}

function parseField(text: string, spec: FieldSpec): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new CronError(`${spec.name} field "${text}" has an empty list item`);
    const [rangePart, stepPart, ...extra] = item.split('/');
    if (extra.length > 0) throw new CronError(`${spec.name} field item "${item}" has more than one "/"`);
    let from: number;
    let to: number;
    if (rangePart === '*') {
      from = spec.min;
      to = spec.name === 'day-of-week' ? 6 : spec.max;
    } else {
      const bounds = rangePart!.split('-');
      if (bounds.length > 2) throw new CronError(`${spec.name} field item "${item}" is not a value or a range`);
      from = parseValue(bounds[0]!, spec, item);
      to = bounds.length === 2 ? parseValue(bounds[1]!, spec, item) : from;
      if (to < from) throw new CronError(`${spec.name} range "${rangePart}" goes backwards`);
      if (stepPart !== undefined && bounds.length === 1) {
        throw new CronError(`${spec.name} field item "${item}": a step needs "*" or a range before "/" (e.g. "*/${stepPart}")`);
      }
    }
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^[0-9]{1,2}$/.test(stepPart)) throw new CronError(`${spec.name} step "${stepPart}" is not a number`);
      step = Number(stepPart);
      if (step < 1 || step > spec.max - spec.min + 1) throw new CronError(`${spec.name} step ${step} must be between 1 and ${spec.max - spec.min + 1}`);
    }
    for (let v = from; v <= to; v += step) values.add(spec.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

function parseValue(token: string, spec: FieldSpec, item: string): number {
  if (/^[0-9]{1,2}$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) throw new CronError(`${spec.name} value ${value} is out of range ${spec.min}-${spec.max}`);
    return value;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec.namesFrom ?? 0);
  throw new CronError(`${spec.name} field item "${item}" has an invalid value "${token}"`);
}

import { describe, expect, it } from '@jest/globals';
import { parseCron } from './cron.js';

describe(parseCron.name, () => {
  it('expands lists, ranges, steps and names', () => {
    const result = parseCron('*/20 9-11,13 1,15 JAN-MAR mon-fri');
    expect(result).toEqual({ ok: true, fields: [[0, 20, 40], [9, 10, 11, 13], [1, 15], [1, 2, 3], [1, 2, 3, 4, 5]] });
  });

  it('treats 7 as Sunday', () => {
    expect(parseCron('0 0 * * 7')).toEqual({ ok: true, fields: [[0], [0], Array.from({ length: 31 }, (_, i) => i + 1), Array.from({ length: 12 }, (_, i) => i + 1), [0]] });
  });

  it.each([
    ['', 'expected 5 fields (minute hour day-of-month month day-of-week), got 0'],
    ['* * * * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 6'],
    ['60 * * * *', 'minute value 60 is out of range 0-59'],
    ['* 24 * * *', 'hour value 24 is out of range 0-23'],
    ['* * 0 * *', 'day-of-month value 0 is out of range 1-31'],
    ['* * * 13 *', 'month value 13 is out of range 1-12'],
    ['* * * * 8', 'day-of-week value 8 is out of range 0-7'],
    ['*/0 * * * *', 'minute step 0 must be between 1 and 60'],
    ['5/10 * * * *', 'minute field item "5/10": a step needs "*" or a range before "/" (e.g. "*/10")'],
    ['1,,2 * * * *', 'minute field "1,,2" has an empty list item'],
    ['10-5 * * * *', 'minute range "10-5" goes backwards'],
    ['x * * * *', 'minute field item "x" has an invalid value "x"'],
    ['0 0 31 4,6 *', 'day-of-month 31 never occurs in month 4,6: the schedule never fires'],
    ['@hourly', 'macros are not supported; write "0 * * * *" instead of @hourly'],
  ])('rejects %j: %s', (expression, message) => {
    expect(parseCron(expression)).toEqual({ ok: false, message });
  });

  it('accepts Feb 29 and a restricted day-of-week with an impossible day-of-month', () => {
    expect(parseCron('0 0 29 2 *').ok).toBe(true);
    expect(parseCron('0 0 31 2 MON').ok).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { checkTriggers, eventSubjectProblem, nextTick, subjectMatches } from './triggers.js';

describe('checkTriggers', () => {
  it('fills in default ids and the UTC timezone', () => {
    const { triggers, problems } = checkTriggers([{ type: 'api' }, { type: 'schedule', cron: '0 9 * * 1' }, { type: 'webhook', id: 'crm', secret: 'crm-hook' }, { type: 'event', subject: 'crm.lead.*' }]);
    expect(problems).toEqual([]);
    expect(triggers).toEqual([
      { id: 'api-0', type: 'api' },
      { id: 'schedule-1', type: 'schedule', cron: '0 9 * * 1', timezone: 'UTC', input: null },
      { id: 'crm', type: 'webhook', secret: 'crm-hook' },
      { id: 'event-3', type: 'event', subject: 'crm.lead.*', input: null },
    ]);
  });

  it('treats an absent list as none', () => {
    expect(checkTriggers(undefined)).toEqual({ triggers: [], problems: [] });
  });

  it('reports every problem at its path and returns no triggers', () => {
    const { triggers, problems } = checkTriggers([
      { type: 'schedule', cron: '61 * * * *', timezone: 'Mars/Olympus' },
      { type: 'event', subject: 'af.v1.runs.execute' },
      { type: 'webhook' },
      { type: 'schedule', id: 'Bad_Id', cron: '* * * * *' },
      { type: 'event', id: 'x', subject: 'a.>.b', input: [1] },
      { type: 'event', id: 'x', subject: 'a' },
      { type: 'telepathy' },
    ]);
    expect(triggers).toBeNull();
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['TRIGGER_CRON_INVALID', '/spec/triggers/0/cron'],
      ['TRIGGER_TIMEZONE_INVALID', '/spec/triggers/0/timezone'],
      ['TRIGGER_SUBJECT_INVALID', '/spec/triggers/1/subject'],
      ['TRIGGER_SECRET_INVALID', '/spec/triggers/2/secret'],
      ['TRIGGER_ID_INVALID', '/spec/triggers/3/id'],
      ['TRIGGER_INPUT_INVALID', '/spec/triggers/4/input'],
      ['TRIGGER_SUBJECT_INVALID', '/spec/triggers/4/subject'],
      ['TRIGGER_ID_DUPLICATE', '/spec/triggers/5/id'],
      ['TRIGGER_INVALID', '/spec/triggers/6'],
    ]);
  });

  it('refuses a duplicate default id and a list too long', () => {
    const dup = checkTriggers([{ type: 'api' }, { type: 'api', id: 'api-0' }]);
    expect(dup.problems.map((p) => p.code)).toEqual(['TRIGGER_ID_DUPLICATE']);
    expect(checkTriggers(Array.from({ length: 33 }, () => ({ type: 'api' }))).problems.map((p) => p.code)).toContain('TRIGGERS_TOO_MANY');
    expect(checkTriggers({}).problems.map((p) => p.code)).toEqual(['TRIGGERS_INVALID']);
  });

  it('bounds the input', () => {
    const big = { blob: 'x'.repeat(17_000) };
    expect(checkTriggers([{ type: 'schedule', cron: '* * * * *', input: big }]).problems.map((p) => p.code)).toEqual(['TRIGGER_INPUT_INVALID']);
    expect(checkTriggers([{ type: 'schedule', cron: '* * * * *', input: { region: 'eu' } }]).triggers?.[0]).toMatchObject({ input: { region: 'eu' } });
  });
});

describe('event subjects', () => {
  it('accepts tokens and wildcards, refuses the platform namespace and misplaced ">"', () => {
    expect(eventSubjectProblem('crm.lead.created')).toBeNull();
    expect(eventSubjectProblem('crm.*.created')).toBeNull();
    expect(eventSubjectProblem('crm.>')).toBeNull();
    expect(eventSubjectProblem('af.anything')).toMatch(/may not start with "af"/);
    expect(eventSubjectProblem('a..b')).toMatch(/token/);
    expect(eventSubjectProblem('a.>.b')).toMatch(/last/);
    expect(eventSubjectProblem('a b')).toMatch(/token/);
  });

  it('matches as NATS does', () => {
    expect(subjectMatches('crm.lead.created', 'crm.lead.created')).toBe(true);
    expect(subjectMatches('crm.*.created', 'crm.deal.created')).toBe(true);
    expect(subjectMatches('crm.*', 'crm.deal.created')).toBe(false);
    expect(subjectMatches('crm.>', 'crm.deal.created')).toBe(true);
    expect(subjectMatches('crm.>', 'crm')).toBe(false);
    expect(subjectMatches('crm.lead', 'crm.lead.created')).toBe(false);
  });
});

describe('nextTick', () => {
  it('follows the timezone', () => {
    // 09:00 in Berlin (CET, UTC+1) on a winter Monday is 08:00 UTC.
    expect(nextTick('0 9 * * 1', 'Europe/Berlin', new Date('2026-01-04T12:00:00Z'))?.toISOString()).toBe('2026-01-05T08:00:00.000Z');
    expect(nextTick('* * * * * *', 'UTC', new Date('2026-01-01T00:00:00.500Z'))?.toISOString()).toBe('2026-01-01T00:00:01.000Z');
  });
});

import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from '@af/observability';
import { SecretRedaction } from './secret-redaction.js';

const token = 'tok_live_9f8e7d6c5b4a';

describe(SecretRedaction.name, () => {
  it('replaces a run’s values (as is, JSON-escaped, base64, percent-encoded) by [secret:<name>], in one pass', () => {
    const sut = new SecretRedaction();
    sut.open('run-1');
    sut.register('run-1', 'crm-token', token);
    sut.register('run-1', 'quoted', 'a"b\\c/d');
    const b64 = Buffer.from(token).toString('base64');
    expect(sut.redact('run-1', `Bearer ${token}; again ${token}; basic ${b64}`)).toBe('Bearer [secret:crm-token]; again [secret:crm-token]; basic [secret:crm-token]');
    expect(sut.redact('run-1', JSON.stringify({ v: 'a"b\\c/d' }))).toBe('{"v":"[secret:quoted]"}');
    expect(sut.redact('run-1', `https://x.test/?k=${encodeURIComponent('a"b\\c/d')}`)).toBe('https://x.test/?k=[secret:quoted]');
    // Another run, or a run without values: untouched (and the same object for deep redaction).
    expect(sut.redact('run-2', token)).toBe(token);
    const payload = { a: [token] };
    expect(sut.redactDeep('run-2', payload)).toBe(payload);
  });

  it('redacts every string and key of a payload, keeping numbers, bigints and bytes', () => {
    const sut = new SecretRedaction();
    sut.register('run-1', 'crm-token', token);
    const bytes = new Uint8Array([1, 2]);
    expect(sut.redactDeep('run-1', { outputJson: `{"t":"${token}"}`, atMs: 5n, n: 1, bytes, toolCalls: [{ resultJson: token, [token]: true }] })).toEqual({
      outputJson: '{"t":"[secret:crm-token]"}',
      atMs: 5n,
      n: 1,
      bytes,
      toolCalls: [{ resultJson: '[secret:crm-token]', '[secret:crm-token]': true }],
    });
  });

  it('does not redact values shorter than 4 characters', () => {
    const sut = new SecretRedaction();
    sut.register('run-1', 'pin', 'abc');
    expect(sut.redact('run-1', 'abc abcd')).toBe('abc abcd');
  });

  it('forgets a run’s values when its last open execution closes', () => {
    const sut = new SecretRedaction();
    sut.open('run-1');
    sut.open('run-1');
    sut.register('run-1', 'crm-token', token);
    sut.close('run-1');
    expect(sut.redact('run-1', token)).toBe('[secret:crm-token]');
    sut.close('run-1');
    expect(sut.redact('run-1', token)).toBe(token);
  });

  it('redacts every log line the process writes while a run is open, whoever writes it', () => {
    const lines: string[] = [];
    const logger = createLogger('worker', 'info', new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
    const sut = new SecretRedaction(logger);
    sut.open('run-1');
    sut.register('run-1', 'crm-token', token);
    logger.info({ runId: 'run-1', echoed: { authorization: `Bearer ${token}`, body: `x${token}x` } }, `tool said ${token}`);
    logger.child({ component: 'other' }).warn(`child logger: ${JSON.stringify({ t: token })}`);
    sut.close('run-1');
    logger.info(`after the run: ${token}`);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('tool said [secret:crm-token]');
    expect(lines[0]).toContain('x[secret:crm-token]x');
    expect(lines[1]).toContain('[secret:crm-token]');
    for (const line of lines.slice(0, 2)) expect(line).not.toContain(token);
    // A run that ended: its values are no longer held (nor looked for).
    expect(lines[2]).toContain(token);
  });
});

import { describe, expect, it } from '@jest/globals';
import { summarizeEpisode } from './episode-summary.js';

describe(summarizeEpisode.name, () => {
  it('tells who ran, how it ended, and the leaf values of input and output', () => {
    const sut = summarizeEpisode({
      agent: 'lead-qualifier',
      version: 3,
      outcome: 'succeeded',
      input: { message: 'Budget  approved\nfor Q3', lead: { company: 'Acme', seats: 40 } },
      output: { qualified: true, reasons: ['budget', 'timing'], note: null },
      error: null,
    });
    expect(sut).toBe('lead-qualifier v3 succeeded. Input: message: Budget approved for Q3; lead.company: Acme; lead.seats: 40. Output: qualified: true; reasons[0]: budget; reasons[1]: timing.');
  });

  it('names the error of a failed run and leaves out what is missing', () => {
    expect(summarizeEpisode({ agent: 'a', version: 1, outcome: 'failed', input: null, output: null, error: { code: 'TOOL_FAILED', message: 'crm timed out' } })).toBe(
      'a v1 failed (TOOL_FAILED: crm timed out).',
    );
    expect(summarizeEpisode({ agent: '', version: 0, outcome: 'succeeded', input: 'plain text', output: null, error: null })).toBe('unknown agent v0 succeeded. Input: plain text.');
  });

  it('caps long values and the whole summary', () => {
    const sut = summarizeEpisode({ agent: 'a', version: 1, outcome: 'succeeded', input: { long: 'x'.repeat(1_000) }, output: Array.from({ length: 500 }, (_, i) => `item-${i}`), error: null });
    expect(sut).toContain(`long: ${'x'.repeat(199)}…`);
    expect(sut.length).toBeLessThanOrEqual(4_000);
    expect(sut).not.toContain('item-60');
  });
});

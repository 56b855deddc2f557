import { describe, expect, it } from '@jest/globals';
import { MAX_TEMPLATE_PROBLEMS, scanTemplate } from './templates.js';

describe(scanTemplate.name, () => {
  it('splits text and references, with their positions', () => {
    const scan = scanTemplate('Hi {{ input.name }},\nfrom {{company}}.');
    expect(scan.segments).toEqual([{ text: 'Hi ' }, { ref: ['input', 'name'] }, { text: ',\nfrom ' }, { ref: ['company'] }, { text: '.' }]);
    expect(scan.references).toEqual([
      { expression: 'input.name', root: 'input', line: 1, column: 4 },
      { expression: 'company', root: 'company', line: 2, column: 6 },
    ]);
    expect(scan.problems).toEqual([]);
  });

  it.each([
    ['{{a-b}}', 'which is not a variable name'],
    ['{{ 1st }}', 'which is not a variable name'],
    ['{{a..b}}', 'which is not a variable name'],
    ['{{}}', 'which is not a variable name'],
    ['{{ open', 'never closed'],
    ['{{ a {{ b }}', 'never closed'],
    ['close }} only', 'without a matching'],
  ])('refuses %j', (template, message) => {
    const scan = scanTemplate(template);
    expect(scan.problems).toHaveLength(1);
    expect(scan.problems[0]!.message).toContain(message);
  });

  it('scans a 100 000-character template of "{{" within 200 ms, listing the first problems and counting the rest', () => {
    const bomb = '{{'.repeat(50_000);
    const started = performance.now();
    const scan = scanTemplate(bomb);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(200);
    expect(scan.problems).toHaveLength(MAX_TEMPLATE_PROBLEMS);
    expect(scan.problems.length + scan.omittedProblems).toBe(50_000);
  });

  it('quotes at most a short excerpt of a malformed reference', () => {
    const scan = scanTemplate(`{{ ${'x-'.repeat(10_000)} }}`);
    expect(scan.problems[0]!.message.length).toBeLessThan(120);
  });

  it('takes time linear in the template (100 k × "}}", 100 k of text without braces)', () => {
    for (const template of ['}}'.repeat(50_000), 'a'.repeat(100_000), `{{${'a'.repeat(100_000)}`]) {
      const started = performance.now();
      scanTemplate(template);
      expect(performance.now() - started).toBeLessThan(200);
    }
  });
});

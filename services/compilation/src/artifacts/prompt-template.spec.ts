import { describe, expect, it } from '@jest/globals';
import { parseTemplate } from './prompt-template.js';

describe(parseTemplate.name, () => {
  it('splits text and variable references', () => {
    expect(parseTemplate('You qualify leads for {{company}}.')).toEqual([{ text: 'You qualify leads for ' }, { ref: ['company'] }, { text: '.' }]);
    expect(parseTemplate('Lead: {{ input.message }}')).toEqual([{ text: 'Lead: ' }, { ref: ['input', 'message'] }]);
  });

  it('keeps a template without references as one text segment, and an empty one as none', () => {
    expect(parseTemplate('plain } { text')).toEqual([{ text: 'plain } { text' }]);
    expect(parseTemplate('')).toEqual([]);
  });

  it('refuses an unclosed or malformed reference', () => {
    expect(() => parseTemplate('Hi {{name')).toThrow('never closed');
    expect(() => parseTemplate('Hi {{ two words }}')).toThrow('not a variable name');
  });

  it('follows the one template grammar: {{a-b}} and a stray "}}" are refused, as validation refuses them', () => {
    expect(() => parseTemplate('Hi {{a-b}}')).toThrow('"{{a-b}}" which is not a variable name');
    expect(() => parseTemplate('Hi }} there')).toThrow('without a matching "{{"');
  });

  it('refuses a 100 000-character template of "{{" within 200 ms', () => {
    const started = performance.now();
    expect(() => parseTemplate('{{'.repeat(50_000))).toThrow('never closed');
    expect(performance.now() - started).toBeLessThan(200);
  });
});

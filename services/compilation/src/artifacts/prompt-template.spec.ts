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
    expect(() => parseTemplate('Hi {{ two words }}')).toThrow('not a variable reference');
  });
});

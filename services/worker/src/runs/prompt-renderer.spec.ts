import { describe, expect, it } from '@jest/globals';
import { renderPrompt } from './prompt-renderer.js';

describe(renderPrompt.name, () => {
  const scope = { input: { message: 'We need 40 seats', lead: { seats: 40, tags: ['a'] } }, variables: { company: 'Acme', limits: { max: 3 } } };

  it('fills variables and input fields, nested ones included', () => {
    expect(renderPrompt([{ text: 'You qualify leads for ' }, { ref: ['company'] }, { text: '.' }], scope)).toBe('You qualify leads for Acme.');
    expect(renderPrompt([{ text: 'Lead: ' }, { ref: ['input', 'message'] }, { text: ' / ' }, { ref: ['input', 'lead', 'seats'] }], scope)).toBe('Lead: We need 40 seats / 40');
  });

  it('writes non-strings as JSON and missing values as nothing', () => {
    expect(renderPrompt([{ ref: ['input', 'lead', 'tags'] }, { text: '|' }, { ref: ['limits'] }, { text: '|' }, { ref: ['input', 'nope', 'x'] }], scope)).toBe('["a"]|{"max":3}|');
  });
});

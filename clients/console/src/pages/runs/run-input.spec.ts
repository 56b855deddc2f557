import { describe, expect, it } from '@jest/globals';
import { parseRunInput } from './run-input.js';

describe(parseRunInput.name, () => {
  it('accepts an object and an empty input', () => {
    expect(parseRunInput('{"message": "hi"}')).toEqual({ ok: true, value: { message: 'hi' } });
    expect(parseRunInput('  ')).toEqual({ ok: true, value: {} });
  });
  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(parseRunInput('{message: hi}')).toMatchObject({ ok: false, message: expect.stringContaining('not JSON') });
    expect(parseRunInput('[1]')).toMatchObject({ ok: false, message: expect.stringContaining('JSON object') });
    expect(parseRunInput('null')).toMatchObject({ ok: false });
  });
});

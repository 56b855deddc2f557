import { describe, expect, it } from '@jest/globals';
import { jsonSyntaxReason } from './json-reason.js';

const reasonOf = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonSyntaxReason((error as Error).message);
  }
  throw new Error('parsed');
};

describe(jsonSyntaxReason.name, () => {
  it('keeps the reason and position, never the quoted input', () => {
    const secret = 'sk-live-abcdefghijklmnopqrstuvwxyz0123456789';
    for (const text of [`{"value": ${secret}}`, `{"value": ${secret.slice(0, 10)}}`, `${secret}`]) {
      const reason = reasonOf(text);
      expect(reason).not.toContain('sk-li');
      expect(reason).toMatch(/^Unexpected token/);
    }
    expect(reasonOf('{"value":"x"')).toMatch(/position 12/);
    expect(reasonOf('')).toBe('Unexpected end of JSON input');
  });
});

import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@af/config';
import { loadWorkerConfig } from '../config.js';
import { costOf, parseProviders } from './provider-config.js';
import { retryAfterMs } from './remote-call.js';

const ollama = { kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1/', models: { 'llama3.2': { inputPerMTok: 0, outputPerMTok: 0 } } };

describe('AF_MODEL_PROVIDERS', () => {
  it('parses providers with prices (cached input defaults to the input price), keys from the variables apiKeyEnv names', () => {
    const parsed = parseProviders(JSON.stringify({ ollama, openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', timeoutMs: 30_000, models: { 'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 } } } }), { OPENAI_API_KEY: 'sk-test' });
    expect(parsed).toMatchObject([
      { name: 'ollama', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: '', timeoutMs: 60_000, maxOutputTokens: 4_096, models: { 'llama3.2': { inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0 } } },
      { name: 'openai', apiKey: 'sk-test', timeoutMs: 30_000, models: { 'gpt-4o-mini': { cachedInputPerMTok: 0.075 } } },
    ]);
  });

  it.each([
    ['not JSON', '{', /must be JSON/],
    ['an array', '[]', /JSON object of providers/],
    ['the reserved name', JSON.stringify({ offline: ollama }), /built-in/],
    ['a bad name', JSON.stringify({ 'Open AI': ollama }), /a name is/],
    ['an unknown kind', JSON.stringify({ x: { ...ollama, kind: 'cohere' } }), /kind must be/],
    ['a bad URL', JSON.stringify({ x: { ...ollama, baseUrl: 'ftp://x' } }), /baseUrl must be/],
    ['a key in the JSON', JSON.stringify({ x: { ...ollama, apiKey: 'sk-oops' } }), /unknown field "apiKey"/],
    ['a missing key variable', JSON.stringify({ x: { ...ollama, apiKeyEnv: 'MISSING_KEY' } }), /MISSING_KEY .* is not set/],
    ['no models', JSON.stringify({ x: { ...ollama, models: {} } }), /models must list/],
    ['a negative price', JSON.stringify({ x: { ...ollama, models: { m: { inputPerMTok: -1, outputPerMTok: 0 } } } }), /inputPerMTok must be a number/],
    ['a zero timeout', JSON.stringify({ x: { ...ollama, timeoutMs: 0 } }), /timeoutMs must be an integer/],
  ])('refuses %s', (_label, raw, message) => {
    expect(() => parseProviders(raw, {})).toThrow(message);
  });

  it('is validated once, with the worker config; a bad value names the variable and never a key', () => {
    expect(loadWorkerConfig({ AF_MODEL_PROVIDERS: '' }).models.providers).toEqual([]);
    expect(loadWorkerConfig({ AF_MODEL_PROVIDERS: JSON.stringify({ ollama }) }).models.providers).toHaveLength(1);
    let error: unknown;
    try {
      loadWorkerConfig({ AF_MODEL_PROVIDERS: JSON.stringify({ x: { ...ollama, apiKeyEnv: 'K', models: 3 } }), K: 'sk-secret-value' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toContain('AF_MODEL_PROVIDERS');
    expect(String((error as Error).message)).not.toContain('sk-secret-value');
  });

  it('prices a call: cached input tokens (part of the input) at the cached price', () => {
    expect(costOf({ inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }, { inputTokens: 1_000, outputTokens: 200, cachedInputTokens: 400 })).toBeCloseTo((600 * 2 + 400 * 0.5 + 200 * 8) / 1e6, 12);
  });

  it('reads retry-after as milliseconds, seconds or an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150' }))).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

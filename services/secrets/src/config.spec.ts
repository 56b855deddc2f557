import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@af/config';
import { loadSecretsConfig } from './config.js';

const key = () => randomBytes(32).toString('base64');
const load = (keys: string | undefined, active: string | undefined) =>
  loadSecretsConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', NATS_URL: 'nats://127.0.0.1:4222', ...(keys === undefined ? {} : { SECRETS_MASTER_KEYS: keys }), ...(active === undefined ? {} : { SECRETS_ACTIVE_MASTER_KEY: active }) });
const problemOf = (keys: string | undefined, active: string | undefined): string => {
  try {
    load(keys, active);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('secrets config: master keys validated once at boot', () => {
  it('reads the keys (32 bytes each) and the active key id', () => {
    const k1 = key();
    const config = load(JSON.stringify({ k1, 'k-2': key() }), 'k1');
    expect(config.keys.activeMasterKey).toBe('k1');
    expect([...config.keys.masterKeys.keys()]).toEqual(['k1', 'k-2']);
    expect(config.keys.masterKeys.get('k1')!.equals(Buffer.from(k1, 'base64'))).toBe(true);
  });

  it.each([
    ['missing', undefined, /SECRETS_MASTER_KEYS is required/],
    ['not JSON', 'k1=abc', /does not parse as JSON/],
    ['a JSON array', '["abc"]', /must be a JSON object/],
    ['empty', '{}', /at least one master key/],
    ['a 16-byte key', JSON.stringify({ k1: randomBytes(16).toString('base64') }), /key "k1" must decode to exactly 32 bytes \(got 16\)/],
    ['not base64', JSON.stringify({ k1: 'not base64!' }), /key "k1" must be a base64 string/],
    ['a bad key id', JSON.stringify({ 'bad id': key() }), /key id "bad id" must match/],
  ])('refuses SECRETS_MASTER_KEYS %s', (_what, keys, problem) => {
    expect(problemOf(keys, 'k1')).toMatch(problem);
  });

  it('refuses an active key id that the keys do not hold, naming the ones they hold', () => {
    expect(problemOf(JSON.stringify({ k1: key() }), 'k2')).toMatch(/SECRETS_ACTIVE_MASTER_KEY names key "k2", which SECRETS_MASTER_KEYS does not hold \(it holds: k1\)/);
    expect(problemOf(JSON.stringify({ k1: key() }), undefined)).toMatch(/SECRETS_ACTIVE_MASTER_KEY is required/);
  });

  it('never echoes key material in a problem', () => {
    const good = key();
    const short = randomBytes(20).toString('base64');
    const message = problemOf(JSON.stringify({ good, short }), 'good');
    expect(message).not.toContain(good);
    expect(message).not.toContain(short);
  });
});

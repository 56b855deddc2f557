import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@af/config';
import { loadGatewayConfig } from '../config.js';
import { DEFAULT_CONSOLE_DIR } from './console.config.js';

const base = { AF_JWT_SECRET: 's'.repeat(40), AF_API_KEY_PEPPER: 'p'.repeat(40) };
const problemsOf = (env: Record<string, string>) => {
  try {
    loadGatewayConfig({ ...base, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
};

describe('GATEWAY_CONSOLE_DIR', () => {
  it('defaults to the repository’s clients/console/dist (found from the gateway’s own location)', () => {
    expect(DEFAULT_CONSOLE_DIR).toBe(join(resolve(import.meta.dirname, '../../../..'), 'clients', 'console', 'dist'));
    expect(loadGatewayConfig(base).console.dir).toBe(DEFAULT_CONSOLE_DIR);
  });

  it('takes an absolute directory, existing or not (not built yet: /console is 404)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'af-console-config-'));
    expect(loadGatewayConfig({ ...base, GATEWAY_CONSOLE_DIR: dir }).console.dir).toBe(dir);
    expect(loadGatewayConfig({ ...base, GATEWAY_CONSOLE_DIR: join(dir, 'later') }).console.dir).toBe(join(dir, 'later'));
  });

  it('refuses a relative path and a file, naming the variable', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'af-console-config-')), 'index.html');
    writeFileSync(file, '<!doctype html>');
    expect(problemsOf({ GATEWAY_CONSOLE_DIR: 'clients/console/dist' })).toEqual(expect.stringContaining('GATEWAY_CONSOLE_DIR'));
    expect(problemsOf({ GATEWAY_CONSOLE_DIR: 'clients/console/dist' })).toEqual(expect.stringContaining('absolute'));
    expect(problemsOf({ GATEWAY_CONSOLE_DIR: file })).toEqual(expect.stringContaining('not a directory'));
  });
});

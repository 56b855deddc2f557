import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { Logger } from '@af/observability';
import { AppModule } from '../app.module.js';
import { loadPoolManagerConfig } from '../config.js';
import { PoolModule } from './pool.module.js';
import { workerEnvironment } from './worker-env.js';
import { WORKER_PROCESS_OPTIONS, type WorkerProcessOptions } from './worker-process.repository.js';

const dir = mkdtempSync(join(tmpdir(), 'pool-worker-env-'));
const seed = (name: string, text = `SU${'A'.repeat(56)}`) => {
  const file = join(dir, name);
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  return file;
};
const poolSeed = seed('pool-manager.nk');
const workerSeed = seed('worker.nk', `SU${'B'.repeat(56)}`);
const creds = seed('worker.creds', '-----BEGIN NATS USER JWT-----');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment the pool manager hands its worker processes, read from the module it builds. */
function spawnedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const config = loadPoolManagerConfig(env);
  const app = AppModule.forRoot(config, { logger: {} as Logger, instanceId: 'test' }, { workerEnv: env });
  const pool = (app.imports as DynamicModule[]).find((m) => m.module === PoolModule)!;
  const provider = pool.providers!.find((p) => typeof p === 'object' && 'provide' in p && p.provide === WORKER_PROCESS_OPTIONS) as { useValue: WorkerProcessOptions };
  return provider.useValue.env;
}

describe('the environment of a worker the pool manager spawns', () => {
  it("carries the worker's nkey seed instead of the pool manager's, and the rest of the environment", () => {
    const env = spawnedEnv({ NATS_URL: 'tls://nats:4222', NATS_TLS_CA: '/ca.pem', NATS_NKEY_SEED_FILE: poolSeed, POOL_WORKER_NATS_NKEY_SEED_FILE: workerSeed, LOG_LEVEL: 'warn' });
    expect(env.NATS_NKEY_SEED_FILE).toBe(workerSeed);
    expect(env).toMatchObject({ NATS_URL: 'tls://nats:4222', NATS_TLS_CA: '/ca.pem', LOG_LEVEL: 'warn' });
    expect(env.NATS_CREDS_FILE).toBeUndefined();
  });

  it("strips every credential variable of the pool manager's (password included) and sets the worker's creds file", () => {
    const env = spawnedEnv({ NATS_USER: 'pool', NATS_PASSWORD: 'pool-secret', POOL_WORKER_NATS_CREDS_FILE: creds });
    expect(env.NATS_CREDS_FILE).toBe(creds);
    for (const name of ['NATS_USER', 'NATS_PASSWORD', 'NATS_NKEY_SEED_FILE']) expect(env[name]).toBeUndefined();
    expect(Object.values(env)).not.toContain('pool-secret');
  });

  it('without credentials anywhere, workers start with the environment as it is (a local NATS without authentication)', () => {
    expect(workerEnvironment({ NATS_URL: 'nats://127.0.0.1:4222', A: '1' }, { nkeySeedFile: '', credsFile: '' })).toEqual({ NATS_URL: 'nats://127.0.0.1:4222', A: '1' });
  });

  it('does not change the environment it starts from', () => {
    const base = { NATS_NKEY_SEED_FILE: poolSeed };
    workerEnvironment(base, { nkeySeedFile: workerSeed, credsFile: '' });
    expect(base).toEqual({ NATS_NKEY_SEED_FILE: poolSeed });
  });
});

describe('POOL_WORKER_NATS_* validated once, at load', () => {
  it('refuses a pool manager with credentials whose workers would have none', () => {
    expect(() => loadPoolManagerConfig({ NATS_NKEY_SEED_FILE: poolSeed })).toThrow(/neither POOL_WORKER_NATS_NKEY_SEED_FILE nor POOL_WORKER_NATS_CREDS_FILE is set/);
  });

  it('refuses both methods at once, a missing file and a file that holds no seed, naming the POOL_WORKER_ variable', () => {
    expect(() => loadPoolManagerConfig({ POOL_WORKER_NATS_NKEY_SEED_FILE: workerSeed, POOL_WORKER_NATS_CREDS_FILE: creds })).toThrow(/POOL_WORKER_NATS_NKEY_SEED_FILE, POOL_WORKER_NATS_CREDS_FILE are alternatives/);
    expect(() => loadPoolManagerConfig({ POOL_WORKER_NATS_NKEY_SEED_FILE: join(dir, 'absent.nk') })).toThrow(/POOL_WORKER_NATS_NKEY_SEED_FILE names a file that does not exist/);
    expect(() => loadPoolManagerConfig({ POOL_WORKER_NATS_NKEY_SEED_FILE: seed('not-a-seed.nk', 'hello') })).toThrow(/POOL_WORKER_NATS_NKEY_SEED_FILE must hold a user nkey seed/);
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '@af/errors';
import { openDataSource } from './data-source.js';
import { dropServiceRole, serviceRoleName } from './roles.js';
import { openRedis } from './redis.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `persistence_test_${randomBytes(4).toString('hex')}`;

class CreateThings1732000000000 implements MigrationInterface {
  name = 'CreateThings1732000000000';
  async up(q: QueryRunner) {
    // Unqualified on purpose: search_path must point at the service's schema.
    await q.query('CREATE TABLE things (id int PRIMARY KEY, tenant_id text NOT NULL)');
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE things');
  }
}

describe('persistence against real PostgreSQL and Redis', () => {
  afterAll(async () => {
    const ds = new DataSource({ type: 'postgres', url });
    await ds.initialize();
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dropServiceRole(ds, serviceRoleName(schema));
    await ds.destroy();
  });

  it('creates the service schema, runs migrations inside it once, and is idempotent', async () => {
    const first = await openDataSource({ url, schema, entities: [], migrations: [CreateThings1732000000000] });
    const tables = await first.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
    expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(['migrations', 'things']);
    await first.destroy();
    const second = await openDataSource({ url, schema, entities: [], migrations: [CreateThings1732000000000] });
    const ran = await second.query(`SELECT count(*)::int AS n FROM "${schema}".migrations`);
    expect(ran[0].n).toBe(1);
    await second.destroy();
  });

  it('fails to open with a message naming PostgreSQL and the address, without the password', async () => {
    await expect(openDataSource({ url: 'postgres://u:hunter2@127.0.0.1:1/x', schema, entities: [], migrations: [] })).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/,
    );
  });

  it('fails to open Redis with the address, without the password', async () => {
    const failure = openRedis('redis://:hunter2@127.0.0.1:1', 'x:');
    await expect(failure).rejects.toThrow(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });

  it('fails fast with UNAVAILABLE when every pooled connection is busy, and serves again once one is released', async () => {
    const ds = await openDataSource({ url, schema, entities: [], migrations: [], poolSize: 2, limits: { acquireTimeoutMs: 300 } });
    const held = [ds.createQueryRunner(), ds.createQueryRunner()];
    try {
      for (const runner of held) await runner.connect();
      const started = Date.now();
      const error = await ds.query('SELECT 1').catch((e: unknown) => e);
      const waited = Date.now() - started;
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/no connection of the pool \(2\) came free within 300 ms/) });
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(2_000);
      await held[0]?.release();
      expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      for (const runner of held) if (!runner.isReleased) await runner.release();
      await ds.destroy();
    }
  });

  it('sets the statement and idle-in-transaction timeouts on every session', async () => {
    const ds = await openDataSource({ url, schema, entities: [], migrations: [], limits: { statementTimeoutMs: 200, idleInTransactionTimeoutMs: 700 } });
    try {
      expect(await ds.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '200ms' }]);
      expect(await ds.query('SHOW idle_in_transaction_session_timeout')).toEqual([{ idle_in_transaction_session_timeout: '700ms' }]);
      const started = Date.now();
      await expect(ds.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await ds.destroy();
    }
  });

  it('opens Redis with a PING and names it when it cannot', async () => {
    const redis = await openRedis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', 'af-test:');
    expect(await redis.ping()).toBe('PONG');
    await redis.quit();
    await expect(openRedis('redis://127.0.0.1:1', 'x:')).rejects.toThrow(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});

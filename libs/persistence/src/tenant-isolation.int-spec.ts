import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { openDataSource } from './data-source.js';
import { dropServiceRole, serviceRoleName } from './roles.js';
import { enableTenantIsolation, withSystemScope, withTenant } from './tenant-scope.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = randomBytes(4).toString('hex');
const schema = `rls_test_${suffix}`;
const other = `rls_other_${suffix}`;
const longSchema = `rls_long_${suffix}_${'x'.repeat(45)}`;

class CreateNotes1732000000000 implements MigrationInterface {
  name = 'CreateNotes1732000000000';
  async up(q: QueryRunner) {
    await q.query('CREATE TABLE notes (id serial PRIMARY KEY, tenant_id text NOT NULL, body text NOT NULL)');
    await enableTenantIsolation(q, 'notes');
    await q.query('CREATE TABLE ledger (id serial PRIMARY KEY, tenant_id text NOT NULL, entry text NOT NULL)');
    await enableTenantIsolation(q, 'ledger');
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE ledger');
    await q.query('DROP TABLE notes');
  }
}

class SeedAsOwner1732000000001 implements MigrationInterface {
  name = 'SeedAsOwner1732000000001';
  // A backfill in a migration runs as the owner, in the system scope: it sees and writes every tenant's rows.
  async up(q: QueryRunner) {
    await q.query(`INSERT INTO notes (tenant_id, body) VALUES ('acme', 'a1'), ('acme', 'a2'), ('globex', 'g1')`);
    await q.query(`UPDATE notes SET body = body || '!' WHERE tenant_id IN ('acme', 'globex')`);
  }
  async down() {}
}

const migrations = [CreateNotes1732000000000, SeedAsOwner1732000000001];
const open = (extra: Partial<Parameters<typeof openDataSource>[0]> = {}) =>
  openDataSource({ url, schema, entities: [], migrations, poolSize: 2, tablePrivileges: { ledger: ['SELECT', 'INSERT'] }, ...extra });

describe('tenant isolation: service roles and row-level security (real PostgreSQL)', () => {
  let ds: DataSource;
  let admin: DataSource;

  beforeAll(async () => {
    admin = new DataSource({ type: 'postgres', url });
    await admin.initialize();
    ds = await open();
  });

  afterAll(async () => {
    await ds?.destroy();
    for (const s of [schema, other, longSchema]) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    for (const s of [schema, other, longSchema]) await dropServiceRole(admin, serviceRoleName(s));
    await admin.destroy();
  });

  it('runs as the service role af_<schema>: a login role without SUPERUSER, BYPASSRLS or CREATEROLE', async () => {
    const [me] = await ds.query(`SELECT current_user AS role, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user`);
    expect(me).toEqual({ role: `af_${schema}`, rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
  });

  it('a raw query without a tenant filter, inside a tenant transaction, returns only that tenant\'s rows', async () => {
    const acme = await withTenant(ds, 'acme', (m) => m.query(`SELECT tenant_id, body FROM notes ORDER BY body`));
    expect(acme).toEqual([
      { tenant_id: 'acme', body: 'a1!' },
      { tenant_id: 'acme', body: 'a2!' },
    ]);
    const globex = await withTenant(ds, 'globex', (m) => m.query(`SELECT tenant_id, body FROM notes`));
    expect(globex).toEqual([{ tenant_id: 'globex', body: 'g1!' }]);
    // UPDATE and DELETE without a WHERE touch only the scope's rows too.
    const [, updated] = await withTenant(ds, 'globex', (m) => m.query(`UPDATE notes SET body = body`));
    expect(updated).toBe(1);
  });

  it('outside any scope a query sees no row and can write none', async () => {
    expect(await ds.query(`SELECT * FROM notes`)).toEqual([]);
    await expect(ds.query(`INSERT INTO notes (tenant_id, body) VALUES ('acme', 'unscoped')`)).rejects.toThrow(/row-level security/);
  });

  it('refuses, by the policy\'s WITH CHECK, a row of another tenant written inside a tenant scope', async () => {
    await expect(withTenant(ds, 'acme', (m) => m.query(`INSERT INTO notes (tenant_id, body) VALUES ('globex', 'planted')`))).rejects.toThrow(/row-level security/);
    await expect(withTenant(ds, 'acme', (m) => m.query(`UPDATE notes SET tenant_id = 'globex'`))).rejects.toThrow(/row-level security/);
    const [{ n }] = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".notes WHERE body = 'planted' OR tenant_id = 'globex' AND body <> 'g1!'`);
    expect(n).toBe(0);
  });

  it('the scope ends with its transaction: the pooled connection does not carry it into the next query', async () => {
    const single = await open({ poolSize: 1 });
    try {
      expect(await withTenant(single, 'acme', (m) => m.query(`SELECT count(*)::int AS n FROM notes`))).toEqual([{ n: 2 }]);
      expect(await single.query(`SELECT count(*)::int AS n, current_setting('af.tenant_id', true) AS tenant FROM notes`)).toEqual([{ n: 0, tenant: '' }]);
      await expect(withTenant(single, 'acme', async (m) => {
        await m.query(`INSERT INTO notes (tenant_id, body) VALUES ('acme', 'rolled back')`);
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await withTenant(single, 'acme', (m) => m.query(`SELECT count(*)::int AS n FROM notes`))).toEqual([{ n: 2 }]);
    } finally {
      await single.destroy();
    }
  });

  it('costs one message per transaction beyond the queries: the scope travels with BEGIN', async () => {
    const seen: string[] = [];
    const logger = ds.logger;
    Object.defineProperty(ds, 'logger', { configurable: true, value: { ...logger, logQuery: (query: string) => seen.push(query), logQueryError: () => undefined, logQuerySlow: () => undefined, logSchemaBuild: () => undefined, logMigration: () => undefined, log: () => undefined } });
    try {
      await withTenant(ds, 'acme', (m) => m.query(`SELECT count(*) FROM notes`));
      await withSystemScope(ds, 'test: cost', (m) => m.query(`SELECT count(*) FROM notes`));
    } finally {
      Object.defineProperty(ds, 'logger', { configurable: true, value: logger });
    }
    expect(seen).toEqual([
      "START TRANSACTION; SELECT set_config('af.tenant_id', 'acme', true)",
      'SELECT count(*) FROM notes',
      'COMMIT',
      "START TRANSACTION; SELECT set_config('af.system', 'on', true) /* system scope: test: cost */",
      'SELECT count(*) FROM notes',
      'COMMIT',
    ]);
  });

  it('begins with the isolation level and access mode asked for: one snapshot, no write', async () => {
    const seen = await withTenant(ds, 'acme', (m) => m.query(`SELECT current_setting('transaction_isolation') AS level, current_setting('transaction_read_only') AS ro, count(*)::int AS n FROM notes`), { isolation: 'REPEATABLE READ', readOnly: true });
    expect(seen).toEqual([{ level: 'repeatable read', ro: 'on', n: 2 }]);
    await expect(withTenant(ds, 'acme', (m) => m.query(`INSERT INTO notes (tenant_id, body) VALUES ('acme', 'ro')`), { readOnly: true })).rejects.toThrow(/read-only transaction/);
  });

  it('nested transactions inside a scope are savepoints of the same scoped transaction', async () => {
    const rows = await withTenant(ds, 'acme', async (m) => {
      await m.transaction(async (inner) => inner.query(`INSERT INTO notes (tenant_id, body) VALUES ('acme', 'nested')`));
      await m.transaction(async (inner) => {
        await inner.query(`INSERT INTO notes (tenant_id, body) VALUES ('acme', 'undone')`);
        throw new Error('inner');
      }).catch(() => undefined);
      return m.query(`SELECT body FROM notes WHERE body IN ('nested', 'undone')`);
    });
    expect(rows).toEqual([{ body: 'nested' }]);
  });

  it('the system scope sees every tenant and names its reason', async () => {
    const rows = await withSystemScope(ds, 'test: count every tenant', (m) => m.query(`SELECT tenant_id, count(*)::int AS n FROM notes GROUP BY 1 ORDER BY 1`));
    expect(rows).toEqual([
      { tenant_id: 'acme', n: 3 },
      { tenant_id: 'globex', n: 1 },
    ]);
    expect(() => withSystemScope(ds, '', async () => 1)).toThrow(/reason/);
  });

  it('grants per-table privileges: an append-only table takes INSERT and SELECT, refuses UPDATE and DELETE, even in the system scope', async () => {
    await withTenant(ds, 'acme', (m) => m.query(`INSERT INTO ledger (tenant_id, entry) VALUES ('acme', 'e1')`));
    expect(await withTenant(ds, 'acme', (m) => m.query(`SELECT entry FROM ledger`))).toEqual([{ entry: 'e1' }]);
    await expect(withTenant(ds, 'acme', (m) => m.query(`UPDATE ledger SET entry = 'changed'`))).rejects.toThrow(/permission denied for table ledger/);
    await expect(withSystemScope(ds, 'test: delete', (m) => m.query(`DELETE FROM ledger`))).rejects.toThrow(/permission denied for table ledger/);
    await expect(ds.query(`DELETE FROM migrations`)).rejects.toThrow(/permission denied for table migrations/);
  });

  it("cannot read another service's schema: each service owns its data", async () => {
    const neighbour = await openDataSource({ url, schema: other, entities: [], migrations, poolSize: 1 });
    try {
      await expect(neighbour.query(`SELECT * FROM "${schema}".notes`)).rejects.toThrow(/permission denied for schema/);
      await expect(ds.query(`SELECT * FROM "${other}".notes`)).rejects.toThrow(/permission denied for schema/);
      expect(await withTenant(neighbour, 'acme', (m) => m.query(`SELECT count(*)::int AS n FROM notes`))).toEqual([{ n: 2 }]);
    } finally {
      await neighbour.destroy();
    }
  });

  it('refuses to start as a superuser, unless the development override says so', async () => {
    await expect(open({ access: { appUrl: url } })).rejects.toThrow(/superuser or has BYPASSRLS.*DATABASE_ALLOW_PRIVILEGED_ROLE/);
    const privileged = await open({ access: { appUrl: url, allowPrivilegedRole: true } });
    try {
      const [{ n }] = await privileged.query(`SELECT count(*)::int AS n FROM notes`);
      expect(n).toBe(4); // a superuser ignores row-level security: exactly why it is refused by default
    } finally {
      await privileged.destroy();
    }
  });

  it('names roles of long schemas within 63 characters, and concurrent first migrations of one schema both succeed', async () => {
    const role = serviceRoleName(longSchema);
    expect(role.length).toBeLessThanOrEqual(63);
    expect(role).not.toBe(serviceRoleName(`${longSchema}y`));
    const both = await Promise.all([0, 1].map(() => openDataSource({ url, schema: longSchema, entities: [], migrations: [], poolSize: 1 })));
    try {
      for (const d of both) expect(await d.query(`SELECT current_user AS role`)).toEqual([{ role }]);
    } finally {
      for (const d of both) await d.destroy();
    }
  });
});

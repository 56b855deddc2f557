import pg from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * Tenant isolation in PostgreSQL (row-level security).
 *
 * Every tenant table carries two permissive policies (see {@link enableTenantIsolation}):
 * - `tenant_isolation`: a row is visible and writable only when its tenant column equals the
 *   transaction's `af.tenant_id` setting — set by {@link withTenant};
 * - `system_scope`: every row, when the transaction's `af.system` setting is `on` — set by
 *   {@link withSystemScope}, for the few cross-tenant background jobs (outbox relays, the
 *   reconciler, dispatcher scans, sweepers), each naming its reason.
 * Outside both a query sees no row and can write none. Both settings are `SET LOCAL`: they end
 * with the transaction, so a pooled connection never carries one tenant's scope into the next.
 */
export const TENANT_SETTING = 'af.tenant_id';
export const SYSTEM_SETTING = 'af.system';

/** How a scoped transaction begins (default: the server's, READ COMMITTED; read-write). */
export interface ScopeOptions {
  isolation?: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
  /** READ ONLY: PostgreSQL refuses any write in the transaction. */
  readOnly?: boolean;
}

const ISOLATION_LEVELS = new Set(['READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE']);

const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Runs `work` in one transaction scoped to `tenantId`: every statement sees only that tenant's
 * rows, and an INSERT or UPDATE of another tenant's row is refused (the policy's WITH CHECK).
 * Cost: none per query; per transaction the scope travels in the same round trip as BEGIN.
 * Keep the explicit tenant filters in the queries too (defence in depth, and index use).
 */
export function withTenant<T>(dataSource: DataSource, tenantId: string, work: (manager: EntityManager) => Promise<T>, options: ScopeOptions = {}): Promise<T> {
  if (typeof tenantId !== 'string' || !TENANT_PATTERN.test(tenantId)) throw new Error(`withTenant: invalid tenant id ${JSON.stringify(tenantId)}`);
  return scoped(dataSource, `SELECT set_config('${TENANT_SETTING}', ${pg.escapeLiteral(tenantId)}, true)`, work, options);
}

/**
 * Runs `work` in one transaction that sees every tenant's rows: only for cross-tenant background
 * jobs. `reason` (e.g. 'reconciler: stale runs') is required, travels as a comment with the
 * transaction's first statement (visible in pg_stat_activity and the server log) and keeps every
 * use greppable: `grep -rn withSystemScope services`.
 */
export function withSystemScope<T>(dataSource: DataSource, reason: string, work: (manager: EntityManager) => Promise<T>, options: ScopeOptions = {}): Promise<T> {
  if (typeof reason !== 'string' || reason.trim().length < 3) throw new Error('withSystemScope: name the reason for a cross-tenant transaction');
  const comment = reason.replace(/\*\//g, '* /').replace(/[\r\n]+/g, ' ').slice(0, 200);
  return scoped(dataSource, `SELECT set_config('${SYSTEM_SETTING}', 'on', true) /* system scope: ${comment} */`, work, options);
}

async function scoped<T>(dataSource: DataSource, setScope: string, work: (manager: EntityManager) => Promise<T>, options: ScopeOptions): Promise<T> {
  if (options.isolation !== undefined && !ISOLATION_LEVELS.has(options.isolation)) throw new Error(`invalid isolation level "${String(options.isolation)}"`);
  // The transaction's characteristics belong to BEGIN: SET TRANSACTION after set_config would come too late.
  const begin = ['START TRANSACTION', options.isolation ? `ISOLATION LEVEL ${options.isolation}` : '', options.readOnly ? 'READ ONLY' : ''].filter(Boolean).join(' ');
  const runner = dataSource.createQueryRunner();
  // TypeORM opens a transaction with its own 'START TRANSACTION' statement; we send the scope in the
  // same simple-protocol message (two statements, one round trip). Only the first statement is
  // rewritten; everything else goes through TypeORM untouched (savepoints for nested transactions included).
  const query = runner.query.bind(runner) as QueryRunner['query'];
  runner.query = ((sql: string, parameters?: unknown[], structured?: boolean) => {
    if (sql === 'START TRANSACTION') {
      runner.query = query;
      return query(`${begin}; ${setScope}`, undefined, structured as never);
    }
    return query(sql, parameters, structured as never);
  }) as QueryRunner['query'];
  try {
    await runner.connect();
    await runner.startTransaction();
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/**
 * Migration helper: row-level security on a tenant table, enforced for its owner too (FORCE), with
 * the tenant policy and the system-scope policy. Idempotent (policies are replaced).
 */
export async function enableTenantIsolation(queryRunner: QueryRunner, table: string, column = 'tenant_id'): Promise<void> {
  if (!IDENTIFIER.test(table)) throw new Error(`enableTenantIsolation: invalid table name "${table}"`);
  if (!IDENTIFIER.test(column)) throw new Error(`enableTenantIsolation: invalid column name "${column}"`);
  await queryRunner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON "${table}"`);
  await queryRunner.query(`DROP POLICY IF EXISTS system_scope ON "${table}"`);
  const tenant = `"${column}" = current_setting('${TENANT_SETTING}', true)`;
  await queryRunner.query(`CREATE POLICY tenant_isolation ON "${table}" USING (${tenant}) WITH CHECK (${tenant})`);
  const system = `current_setting('${SYSTEM_SETTING}', true) = 'on'`;
  await queryRunner.query(`CREATE POLICY system_scope ON "${table}" USING (${system}) WITH CHECK (${system})`);
}

/** Migration helper, the way back: no policies, no row-level security. */
export async function disableTenantIsolation(queryRunner: QueryRunner, table: string): Promise<void> {
  if (!IDENTIFIER.test(table)) throw new Error(`disableTenantIsolation: invalid table name "${table}"`);
  await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON "${table}"`);
  await queryRunner.query(`DROP POLICY IF EXISTS system_scope ON "${table}"`);
  await queryRunner.query(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
}

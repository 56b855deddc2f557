import { redactUrl } from '@af/config';
import type { Pool, PoolClient } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppError, ErrorCode } from '@af/errors';
import { translateErrorsOf } from './database-errors.js';
import { assertUnprivilegedRole, ensureServiceRole, runtimeUrl, serviceRoleName, userOf, type TablePrivilege } from './roles.js';

export interface ServiceDataSourceOptions {
  /** The owner's URL: migrations run as this user (it creates the schema, the tables and the service's role). */
  url: string;
  /** Each service owns one PostgreSQL schema; nobody else reads or writes it. */
  schema: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  /** Migration classes, listed explicitly (globs do not load under Jest ESM). */
  migrations: NonNullable<DataSourceOptions['migrations']>;
  poolSize?: number;
  applicationName?: string;
  /** Timeouts of the pool and of every session (defaults: {@link DEFAULT_DATABASE_LIMITS}). */
  limits?: Partial<DatabaseLimits>;
  /** Which role the service runs as (default: `af_<schema>`, created at migration time). */
  access?: Partial<DatabaseAccess>;
  /** Per-table privileges of the runtime role where the default (SELECT, INSERT, UPDATE, DELETE) is too much. */
  tablePrivileges?: Readonly<Record<string, readonly TablePrivilege[]>>;
}

/** The runtime connection: a role without SUPERUSER or BYPASSRLS, so row-level security applies. */
export interface DatabaseAccess {
  /** Explicit runtime URL; default: `url` with the user replaced by `af_<schema>` (and `appPassword`). */
  appUrl: string | undefined;
  /** The runtime role's password, set on the role at migration time and used in the derived runtime URL. */
  appPassword: string | undefined;
  /** Development only: start even when the runtime role is a superuser or has BYPASSRLS. */
  allowPrivilegedRole: boolean;
}

/** Bounds on every wait involving the database: no request hangs on it. */
export interface DatabaseLimits {
  /** Wait for a pooled connection (pg `connectionTimeoutMillis`); past it: UNAVAILABLE. */
  acquireTimeoutMs: number;
  /** PostgreSQL `statement_timeout` of every session (a lock wait counts). */
  statementTimeoutMs: number;
  /** PostgreSQL `idle_in_transaction_session_timeout` of every session. */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = { acquireTimeoutMs: 5_000, statementTimeoutMs: 15_000, idleInTransactionTimeoutMs: 30_000 };

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** `owner`: the migration connection, whose sessions run in the system scope (backfills in migrations see every row). */
export function dataSourceOptions(options: ServiceDataSourceOptions, owner = false): DataSourceOptions {
  if (!SCHEMA_PATTERN.test(options.schema)) throw new Error(`invalid schema name "${options.schema}"`);
  const limits = { ...DEFAULT_DATABASE_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`database limit ${name} must be a positive integer (ms), not ${value}`);
  }
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? `af-${options.schema}`,
    // `schema` does not set search_path for raw migration SQL: do it on every connection, with the session timeouts.
    extra: {
      options: `-c search_path=${options.schema}${owner ? ' -c af.system=on' : ''} -c statement_timeout=${limits.statementTimeoutMs} -c idle_in_transaction_session_timeout=${limits.idleInTransactionTimeoutMs}`,
      connectionTimeoutMillis: limits.acquireTimeoutMs,
    },
  };
}

/** Creates the service's schema if needed and runs pending migrations, each in its own transaction. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('data source has no schema');
  // Several processes may migrate one schema at once (replicas booting, concurrent tests): one at a time.
  // The owner's data source has one connection, so the session lock and the migrations share it.
  await dataSource.query(`SELECT pg_advisory_lock(hashtext($1))`, [`af.migrate:${schema}`]);
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`af.migrate:${schema}`]);
  }
}

/** The role and URL the service runs as. */
export function runtimeAccess(options: ServiceDataSourceOptions): { role: string; url: string } {
  const explicit = options.access?.appUrl;
  if (explicit) return { role: userOf(explicit), url: explicit };
  const role = serviceRoleName(options.schema);
  return { role, url: runtimeUrl(options.url, role, options.access?.appPassword) };
}

/**
 * Migrates as the owner (`url`): the schema, pending migrations, then the service's role and its
 * grants. Then connects as the runtime role (see {@link runtimeAccess}) and refuses to go on when
 * that role is a superuser or has BYPASSRLS (unless `access.allowPrivilegedRole`).
 */
export async function openDataSource(options: ServiceDataSourceOptions, runMigrations = true): Promise<DataSource> {
  if (!SCHEMA_PATTERN.test(options.schema)) throw new Error(`invalid schema name "${options.schema}"`);
  const access = runtimeAccess(options);
  if (runMigrations) {
    const owner = await connect({ ...options, poolSize: 1 }, options.url, true);
    try {
      await migrate(owner);
      if (access.role !== userOf(options.url)) {
        await ensureServiceRole(owner, { schema: options.schema, role: access.role, password: options.access?.appPassword, tablePrivileges: options.tablePrivileges });
      }
    } finally {
      await owner.destroy();
    }
  }
  const dataSource = await connect(options, access.url, false);
  try {
    const { role, privileged } = await assertUnprivilegedRole(dataSource);
    if (privileged && !options.access?.allowPrivilegedRole) {
      throw new Error(
        `the database role "${role}" is a superuser or has BYPASSRLS: row-level security would not apply, so tenant isolation would rest on every query's WHERE. ` +
          'Connect as the service role (unset DATABASE_APP_URL, or point it at a role with NOSUPERUSER NOBYPASSRLS), or set DATABASE_ALLOW_PRIVILEGED_ROLE=true in development only',
      );
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  failFastWhenExhausted(dataSource, options.poolSize ?? 10, { ...DEFAULT_DATABASE_LIMITS, ...options.limits }.acquireTimeoutMs);
  translateErrorsOf(dataSource);
  return dataSource;
}

async function connect(options: ServiceDataSourceOptions, url: string, owner: boolean): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions({ ...options, url }, owner));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)} as ${owner ? 'the owner' : 'the service role'} (${(error as Error).message})`, { cause: error });
  }
  return dataSource;
}

type ConnectCallback = (error: Error | undefined, client: PoolClient | undefined, release: (error?: Error | boolean) => void) => void;

/**
 * A query that cannot get a connection (every pooled one busy past the acquire timeout, or the
 * server not accepting) fails with UNAVAILABLE (503, retried by JetStream consumers) and a clear
 * message, instead of pg's bare "timeout exceeded when trying to connect" reported as INTERNAL.
 */
function failFastWhenExhausted(dataSource: DataSource, poolSize: number, acquireTimeoutMs: number): void {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return;
  const connect = pool.connect.bind(pool) as (callback: ConnectCallback) => void;
  const unavailable = (error: Error) =>
    /timeout/i.test(error.message)
      ? new AppError(ErrorCode.Unavailable, `the database is busy: no connection of the pool (${poolSize}) came free within ${acquireTimeoutMs} ms; retry shortly`, { cause: error })
      : new AppError(ErrorCode.Unavailable, `the database is unavailable (${error.message})`, { cause: error });
  const wrapped = (callback?: ConnectCallback): Promise<PoolClient> | undefined => {
    if (callback) {
      connect((error, client, release) => callback(error ? unavailable(error) : undefined, client, release));
      return undefined;
    }
    return new Promise<PoolClient>((resolve, reject) => connect((error, client) => (error || !client ? reject(unavailable(error ?? new Error('no client'))) : resolve(client))));
  };
  (pool as unknown as { connect: typeof wrapped }).connect = wrapped;
}

import { redactUrl } from '@af/config';
import type { Pool, PoolClient } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppError, ErrorCode } from '@af/errors';
import { translateErrorsOf } from './database-errors.js';

export interface ServiceDataSourceOptions {
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

export function dataSourceOptions(options: ServiceDataSourceOptions): DataSourceOptions {
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
      options: `-c search_path=${options.schema} -c statement_timeout=${limits.statementTimeoutMs} -c idle_in_transaction_session_timeout=${limits.idleInTransactionTimeoutMs}`,
      connectionTimeoutMillis: limits.acquireTimeoutMs,
    },
  };
}

/** Creates the service's schema if needed and runs pending migrations, each in its own transaction. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema) throw new Error('data source has no schema');
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}

/** Connects, migrates and returns an initialized data source (used at boot and by `migrate` commands). */
export async function openDataSource(options: ServiceDataSourceOptions, runMigrations = true): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(options));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(options.url)} (${(error as Error).message})`, { cause: error });
  }
  failFastWhenExhausted(dataSource, options.poolSize ?? 10, { ...DEFAULT_DATABASE_LIMITS, ...options.limits }.acquireTimeoutMs);
  translateErrorsOf(dataSource);
  if (runMigrations) await migrate(dataSource);
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

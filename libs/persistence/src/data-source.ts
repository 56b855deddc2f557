import { redactUrl } from '@af/config';
import { DataSource, type DataSourceOptions } from 'typeorm';

export interface ServiceDataSourceOptions {
  url: string;
  /** Each service owns one PostgreSQL schema; nobody else reads or writes it. */
  schema: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  /** Migration classes, listed explicitly (globs do not load under Jest ESM). */
  migrations: NonNullable<DataSourceOptions['migrations']>;
  poolSize?: number;
  applicationName?: string;
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function dataSourceOptions(options: ServiceDataSourceOptions): DataSourceOptions {
  if (!SCHEMA_PATTERN.test(options.schema)) throw new Error(`invalid schema name "${options.schema}"`);
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
    // `schema` does not set search_path for raw migration SQL: do it on every connection.
    extra: { options: `-c search_path=${options.schema}` },
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
  if (runMigrations) await migrate(dataSource);
  return dataSource;
}

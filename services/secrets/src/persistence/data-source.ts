import type { ServiceDataSourceOptions } from '@af/persistence';

export const SECRETS_SCHEMA = 'secrets';

/** Raw SQL in the repositories only: no entities. */
export const SECRETS_TABLE_PRIVILEGES = {} as const;

export function secretsDataSource(url: string, schema = SECRETS_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [], tablePrivileges: SECRETS_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

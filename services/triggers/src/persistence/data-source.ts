import type { ServiceDataSourceOptions } from '@af/persistence';

export const TRIGGERS_SCHEMA = 'triggers';

/** Raw SQL in the repositories only: no entities. */
export const TRIGGERS_TABLE_PRIVILEGES = {} as const;

export function triggersDataSource(url: string, schema = TRIGGERS_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [], tablePrivileges: TRIGGERS_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

import type { ServiceDataSourceOptions } from '@af/persistence';

export const METERING_SCHEMA = 'metering';

/** Raw SQL in the repositories only: no entities. */
export const METERING_TABLE_PRIVILEGES = {} as const;

export function meteringDataSource(url: string, schema = METERING_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [], tablePrivileges: METERING_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

import type { ServiceDataSourceOptions } from '@af/persistence';

export const WEBHOOKS_SCHEMA = 'webhooks';

/** Raw SQL in the repositories only: no entities. */
export const WEBHOOKS_TABLE_PRIVILEGES = {} as const;

export function webhooksDataSource(url: string, schema = WEBHOOKS_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [], tablePrivileges: WEBHOOKS_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

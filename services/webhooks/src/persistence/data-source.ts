import type { ServiceDataSourceOptions, TablePrivilege } from '@af/persistence';
import { CreateWebhooks1801000000000 } from './migrations/1801000000000-create-webhooks.js';

export const WEBHOOKS_SCHEMA = 'webhooks';

/** What the runtime role may do: webhooks are soft-deleted (their log stays), deliveries never removed. */
export const WEBHOOKS_TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  webhooks: ['SELECT', 'INSERT', 'UPDATE'],
  deliveries: ['SELECT', 'INSERT', 'UPDATE'],
};

/** Raw SQL in the repositories only: no entities. */
export function webhooksDataSource(url: string, schema = WEBHOOKS_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [CreateWebhooks1801000000000], tablePrivileges: WEBHOOKS_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

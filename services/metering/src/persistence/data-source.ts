import type { ServiceDataSourceOptions, TablePrivilege } from '@af/persistence';
import { CreateMetering1800000000000 } from './migrations/1800000000000-create-metering.js';

export const METERING_SCHEMA = 'metering';

/**
 * What the runtime role may do: the usage ledger is append-only (a line is never changed or
 * removed); counters and reservations change but are never deleted; budgets are deleted by people.
 */
export const METERING_TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  usage_lines: ['SELECT', 'INSERT'],
  reservations: ['SELECT', 'INSERT', 'UPDATE'],
  spend_counters: ['SELECT', 'INSERT', 'UPDATE'],
  budgets: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
};

/** Raw SQL in the repositories only: no entities. */
export function meteringDataSource(url: string, schema = METERING_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [CreateMetering1800000000000], tablePrivileges: METERING_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

import type { ServiceDataSourceOptions, TablePrivilege } from '@af/persistence';
import { CreateTriggers1800000000000 } from './migrations/1800000000000-create-triggers.js';

export const TRIGGERS_SCHEMA = 'triggers';

/**
 * What the runtime role may do: registrations are replaced (deleted and inserted) when the active
 * deployment changes; claimed ticks are never deleted (their run id is set once the run is submitted); used webhook signatures are pruned.
 */
export const TRIGGERS_TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  triggers: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  trigger_ticks: ['SELECT', 'INSERT', 'UPDATE'],
  hook_nonces: ['SELECT', 'INSERT', 'DELETE'],
};

/** Raw SQL in the repositories only: no entities. */
export function triggersDataSource(url: string, schema = TRIGGERS_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [CreateTriggers1800000000000], tablePrivileges: TRIGGERS_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

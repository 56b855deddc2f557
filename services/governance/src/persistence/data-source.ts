import type { ServiceDataSourceOptions } from '@af/persistence';
import { CreateEscalations1732500000000 } from './migrations/1732500000000-create-escalations.js';
import { TenantIsolation1796000000000 } from './migrations/1796000000000-tenant-isolation.js';

export const GOVERNANCE_SCHEMA = 'governance';

/** Raw SQL in the repository only: no entities. */
export function governanceDataSource(url: string, schema = GOVERNANCE_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [CreateEscalations1732500000000, TenantIsolation1796000000000], ...(poolSize ? { poolSize } : {}) };
}

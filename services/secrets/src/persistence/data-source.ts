import type { ServiceDataSourceOptions } from '@af/persistence';
import { CreateSecrets1798000000000 } from './migrations/1798000000000-create-secrets.js';

export const SECRETS_SCHEMA = 'secrets';

/**
 * Raw SQL in the repository only: no entities. A tenant's data key is created and re-wrapped,
 * never removed by the service (its secrets' ciphertexts need it); secrets are created, rotated
 * and deleted.
 */
export const SECRETS_TABLE_PRIVILEGES = {
  tenant_keys: ['SELECT', 'INSERT', 'UPDATE'],
  secrets: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
} as const;

export function secretsDataSource(url: string, schema = SECRETS_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [CreateSecrets1798000000000], tablePrivileges: SECRETS_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

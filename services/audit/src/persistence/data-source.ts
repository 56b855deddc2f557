import type { ServiceDataSourceOptions } from '@af/persistence';
import { CreateAuditLog1797000000000 } from './migrations/1797000000000-create-audit-log.js';

export const AUDIT_SCHEMA = 'audit';

/**
 * Raw SQL in the repository only: no entities. The runtime role may read and append records but
 * never change or remove one; it moves the head (SELECT, INSERT, UPDATE) but cannot delete it.
 */
export const AUDIT_TABLE_PRIVILEGES = {
  audit_records: ['SELECT', 'INSERT'],
  audit_heads: ['SELECT', 'INSERT', 'UPDATE'],
} as const;

export function auditDataSource(url: string, schema = AUDIT_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [], migrations: [CreateAuditLog1797000000000], tablePrivileges: AUDIT_TABLE_PRIVILEGES, ...(poolSize ? { poolSize } : {}) };
}

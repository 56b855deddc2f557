import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const auditConfigSpec = {
  ...serviceConfigSpec('audit'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  audit: {
    verifyBatchSize: env.int('AUDIT_VERIFY_BATCH_SIZE', { default: 1_000, min: 10, max: 10_000, description: 'Records read per query while a tenant chain is verified' }),
    verifyMaxProblems: env.int('AUDIT_VERIFY_MAX_PROBLEMS', { default: 100, min: 1, max: 1_000, description: 'Problems listed in one verify reply (all are counted)' }),
  },
};

export type AuditConfig = ReturnType<typeof loadAuditConfig>;

export function loadAuditConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(auditConfigSpec, source);
}

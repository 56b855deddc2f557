import { env, type VarSpec } from '@af/config';

function optionalUrl(name: string, description: string): VarSpec<string | undefined> {
  const spec = env.url(name, { protocols: ['postgres', 'postgresql'], description });
  return { ...spec, parse: (raw) => (raw === undefined || raw === '' ? undefined : spec.parse(raw)) };
}

function optionalSecret(name: string, description: string): VarSpec<string | undefined> {
  const spec = env.secret(name, { minLength: 12, description });
  return { ...spec, parse: (raw) => (raw === undefined || raw === '' ? undefined : spec.parse(raw)) };
}

export const databaseConfigSpec = {
  url: env.url('DATABASE_URL', { protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/postgres', description: 'PostgreSQL' }),
  /** The service's runtime connection (default: DATABASE_URL with the user replaced by the service role `af_<schema>`). */
  appUrl: optionalUrl('DATABASE_APP_URL', 'PostgreSQL URL the service runs as (a role without SUPERUSER/BYPASSRLS); default: DATABASE_URL as af_<schema>'),
  appPassword: optionalSecret('DATABASE_APP_PASSWORD', 'Password set on the service role at migration time and used to connect as it'),
  allowPrivilegedRole: env.bool('DATABASE_ALLOW_PRIVILEGED_ROLE', { default: false, description: 'Development only: run as a superuser/BYPASSRLS role (row-level security ignored)' }),
  poolSize: env.int('DATABASE_POOL_SIZE', { default: 10, min: 1, max: 100 }),
  /** How long a query waits for a pooled connection before it fails with UNAVAILABLE (never a hang). */
  acquireTimeoutMs: env.int('DATABASE_ACQUIRE_TIMEOUT_MS', { default: 5_000, min: 100, max: 120_000, description: 'Wait for a free pooled PostgreSQL connection' }),
  /** PostgreSQL cancels a statement running (or waiting for a lock) longer than this. */
  statementTimeoutMs: env.int('DATABASE_STATEMENT_TIMEOUT_MS', { default: 15_000, min: 100, max: 3_600_000, description: 'PostgreSQL statement_timeout' }),
  /** PostgreSQL ends a session left idle inside an open transaction longer than this (its locks go with it). */
  idleInTransactionTimeoutMs: env.int('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', { default: 30_000, min: 100, max: 3_600_000, description: 'PostgreSQL idle_in_transaction_session_timeout' }),
};

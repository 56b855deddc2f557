import { env } from '@af/config';

export const databaseConfigSpec = {
  url: env.url('DATABASE_URL', { protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/postgres', description: 'PostgreSQL' }),
  poolSize: env.int('DATABASE_POOL_SIZE', { default: 10, min: 1, max: 100 }),
  /** How long a query waits for a pooled connection before it fails with UNAVAILABLE (never a hang). */
  acquireTimeoutMs: env.int('DATABASE_ACQUIRE_TIMEOUT_MS', { default: 5_000, min: 100, max: 120_000, description: 'Wait for a free pooled PostgreSQL connection' }),
  /** PostgreSQL cancels a statement running (or waiting for a lock) longer than this. */
  statementTimeoutMs: env.int('DATABASE_STATEMENT_TIMEOUT_MS', { default: 15_000, min: 100, max: 3_600_000, description: 'PostgreSQL statement_timeout' }),
  /** PostgreSQL ends a session left idle inside an open transaction longer than this (its locks go with it). */
  idleInTransactionTimeoutMs: env.int('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', { default: 30_000, min: 100, max: 3_600_000, description: 'PostgreSQL idle_in_transaction_session_timeout' }),
};

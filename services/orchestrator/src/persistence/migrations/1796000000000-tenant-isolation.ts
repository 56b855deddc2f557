import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableTenantIsolation, enableTenantIsolation } from '@af/persistence';

/** Row-level security on every tenant table: the service role sees only the transaction's tenant (or the system scope). */
export class TenantIsolation1796000000000 implements MigrationInterface {
  name = 'TenantIsolation1796000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await enableTenantIsolation(q, table);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await disableTenantIsolation(q, table);
  }
}

const TABLES = ['runs', 'run_transitions', 'run_idempotency_keys', 'run_steps', 'dead_letters'];

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The watch loop looks, every pass and across tenants, for deployments left pending or warming
 * (their deploying process stopped): a partial index keeps that to the few in progress instead of
 * the whole history.
 */
export class DeploymentsInProgress1797100000000 implements MigrationInterface {
  name = 'DeploymentsInProgress1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deployments_in_progress ON deployments (status_changed_at) WHERE status IN ('pending', 'warming')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deployments_in_progress`);
  }
}

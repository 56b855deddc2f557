import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A deployment can end without a successor: deactivated (e.g. its blueprint was archived), with the reason kept. */
export class DeploymentDeactivation1732400000000 implements MigrationInterface {
  name = 'DeploymentDeactivation1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments DROP CONSTRAINT IF EXISTS deployments_status_check`);
    await q.query(`ALTER TABLE deployments ADD CONSTRAINT deployments_status_check CHECK (status IN ('active', 'superseded', 'deactivated'))`);
    await q.query(`ALTER TABLE deployments ADD COLUMN deactivated_at timestamptz, ADD COLUMN deactivated_reason text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments DROP COLUMN deactivated_at, DROP COLUMN deactivated_reason`);
    await q.query(`ALTER TABLE deployments DROP CONSTRAINT deployments_status_check`);
    await q.query(`ALTER TABLE deployments ADD CONSTRAINT deployments_status_check CHECK (status IN ('active', 'superseded'))`);
  }
}

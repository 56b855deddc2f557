import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deployment made on a requester's behalf by an approved escalation records it (a realWorld
 * agent deployed without ApproveRealWorld); the index makes the consumer's "already deployed?" check cheap.
 */
export class DeploymentApprovals1796100000000 implements MigrationInterface {
  name = 'DeploymentApprovals1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments ADD COLUMN approved_escalation_id uuid`);
    await q.query(`CREATE INDEX deployments_by_escalation ON deployments (tenant_id, approved_escalation_id) WHERE approved_escalation_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deployments_by_escalation`);
    await q.query(`ALTER TABLE deployments DROP COLUMN approved_escalation_id`);
  }
}

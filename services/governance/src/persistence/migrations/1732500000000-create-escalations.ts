import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Escalations (one row each, the current level and deadline on it), the decisions made on them
 * (one per approver: the primary key refuses a second decision by the same person), and the
 * outbox of their events (written in the transaction that changed the escalation, published on
 * af.v1.escalations.event.* by the service and, if the broker was away, by the relay).
 */
export class CreateEscalations1732500000000 implements MigrationInterface {
  name = 'CreateEscalations1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE escalations (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        tenant_id text NOT NULL,
        idempotency_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('tool_call', 'low_confidence', 'deployment')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        run_id text NOT NULL,
        step_id text NOT NULL,
        agent text NOT NULL,
        version int NOT NULL,
        tool text NOT NULL,
        arguments_json text NOT NULL,
        risk text NOT NULL CHECK (risk IN ('internal', 'external', 'realWorld')),
        rule text NOT NULL,
        reason text NOT NULL,
        requested_by text NOT NULL,
        required_permission text NOT NULL CHECK (required_permission IN ('ApproveActions', 'ApproveRealWorld')),
        quorum int NOT NULL CHECK (quorum BETWEEN 1 AND 5),
        levels jsonb NOT NULL,
        level int NOT NULL DEFAULT 1 CHECK (level >= 1),
        deadline timestamptz NOT NULL,
        decided_at timestamptz,
        decided_by text NOT NULL DEFAULT '',
        decision_reason text NOT NULL DEFAULT '',
        details_json text NOT NULL,
        correlation_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, idempotency_key),
        CHECK ((status = 'pending') = (decided_at IS NULL))
      )`);
    await q.query(`CREATE INDEX escalations_by_tenant ON escalations (tenant_id, seq DESC)`);
    await q.query(`CREATE INDEX escalations_by_run ON escalations (tenant_id, run_id) WHERE run_id <> ''`);
    await q.query(`CREATE INDEX escalations_due ON escalations (deadline) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE escalation_decisions (
        escalation_id uuid NOT NULL REFERENCES escalations (id),
        actor text NOT NULL,
        tenant_id text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
        reason text NOT NULL,
        level int NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (escalation_id, actor)
      )`);
    await q.query(`
      CREATE TABLE escalation_events (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        escalation_id uuid NOT NULL REFERENCES escalations (id),
        type text NOT NULL CHECK (type IN ('opened', 'escalated', 'decided')),
        actor text NOT NULL,
        escalation jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX escalation_events_unpublished ON escalation_events (created_at) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE escalation_events`);
    await q.query(`DROP TABLE escalation_decisions`);
    await q.query(`DROP TABLE escalations`);
  }
}

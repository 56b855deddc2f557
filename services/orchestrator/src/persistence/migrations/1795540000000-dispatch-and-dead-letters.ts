import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dispatch with per-tenant fairness, and dead letters.
 *
 * - `runs.dispatch`: the run's dispatch number (0 until first dispatched; +1 for each re-queue);
 *   the ExecuteRun of dispatch n has message id `run-execute:<runId>:<n>`.
 * - `runs.queued_at` now means *dispatched at*: the dispatcher claimed the run for JetStream
 *   (null: waiting in PostgreSQL for a slot of its tenant).
 * - `runs.dispatch_seq`: the AF_RUNS stream sequence of the current dispatch's ExecuteRun
 *   (null: claimed, the publish not confirmed yet — re-published with the same message id).
 * - `dead_letters`: messages a consumer gave up on, one row per original message.
 */
export class DispatchAndDeadLetters1795540000000 implements MigrationInterface {
  name = 'DispatchAndDeadLetters1795540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN dispatch int NOT NULL DEFAULT 0, ADD COLUMN dispatch_seq bigint`);
    // Runs already on the queue were dispatched once (message id run-execute:<id> of old; their
    // redelivery needs no new dispatch, and they must not be published again under a new id).
    // dispatch_seq 0: on the stream, sequence unknown (the reconciler cannot check it, and leaves it).
    await q.query(`UPDATE runs SET dispatch = 1, dispatch_seq = 0 WHERE queued_at IS NOT NULL`);
    // The dispatcher's two questions: what waits (per tenant, by priority then age) and how many
    // of a tenant's runs are dispatched but unfinished.
    await q.query(`CREATE INDEX runs_undispatched ON runs (tenant_id, created_at) WHERE status = 'queued' AND queued_at IS NULL`);
    await q.query(`CREATE INDEX runs_dispatched_open ON runs (tenant_id, queued_at) WHERE queued_at IS NOT NULL AND status IN ('queued', 'running', 'waiting')`);
    await q.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        run_id uuid,
        agent text NOT NULL DEFAULT '',
        stream text NOT NULL,
        consumer text NOT NULL,
        subject text NOT NULL,
        stream_seq bigint,
        deliveries int NOT NULL DEFAULT 0,
        source text NOT NULL CHECK (source IN ('max_deliveries', 'terminated', 'undecodable', 'stalled')),
        code text NOT NULL DEFAULT '',
        reason text NOT NULL,
        payload bytea,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'retried', 'discarded')),
        created_at timestamptz NOT NULL DEFAULT now(),
        retried_at timestamptz,
        retried_by text NOT NULL DEFAULT '',
        UNIQUE (stream, stream_seq)
      )`);
    await q.query(`CREATE INDEX dead_letters_tenant_created ON dead_letters (tenant_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dead_letters`);
    await q.query(`DROP INDEX runs_dispatched_open`);
    await q.query(`DROP INDEX runs_undispatched`);
    await q.query(`ALTER TABLE runs DROP COLUMN dispatch_seq, DROP COLUMN dispatch`);
  }
}

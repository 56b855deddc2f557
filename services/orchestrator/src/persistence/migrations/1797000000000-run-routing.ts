import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Safe deployments (issue 11): what a run was routed to and what started it.
 *
 * - `runs.deployment_id`: the deployment the run was routed to (the active one, or the canary);
 *   '' for runs submitted before it was recorded. With `version`/`artifact_hash` it pins the run:
 *   every attempt, redelivery and resume executes that artifact, whatever the registry says later.
 * - `runs.canary`: routed to a canary in progress.
 * - `runs.trigger`: "api", or "schedule:<id>" / "event:<id>" / "webhook:<id>" (the triggers service).
 * - `runs_open_by_version`: the runs not yet final per agent and version/artifact
 *   (af.v1.runs.versions.inflight: a version is retired only when its last run ended).
 */
export class RunRouting1797000000000 implements MigrationInterface {
  name = 'RunRouting1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN deployment_id text NOT NULL DEFAULT '', ADD COLUMN canary boolean NOT NULL DEFAULT false, ADD COLUMN trigger text NOT NULL DEFAULT 'api'`);
    await q.query(`CREATE INDEX runs_open_by_version ON runs (tenant_id, agent, version, artifact_hash) WHERE status IN ('queued', 'running', 'waiting')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX runs_open_by_version`);
    await q.query(`ALTER TABLE runs DROP COLUMN trigger, DROP COLUMN canary, DROP COLUMN deployment_id`);
  }
}

export const ORCHESTRATOR_OPTIONS = Symbol.for('af.orchestrator.options');

export interface OrchestratorOptions {
  /** How often the outbox relay looks for recorded runs that are not on the queue yet. */
  outboxIntervalMs: number;
  /** A run younger than this may still be on its way to the queue: leave it to its submitter. */
  outboxGraceMs: number;
  /** Idempotency-Keys are kept at least this long (≥ 24 h), then swept. */
  idempotencyKeyTtlMs: number;
  /** How often expired Idempotency-Keys are deleted. */
  idempotencySweepIntervalMs: number;
}

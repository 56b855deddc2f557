import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

import type { JsonValue } from '@af/contracts';
import type { RunStatus } from '../runs/run-lifecycle.js';

export type { JsonValue, RunStatus };

export interface RunToolCall {
  tool: string;
  argumentsJson: string;
  resultJson: string;
  durationMs: number;
  error: string;
  /** argumentsJson/resultJson/error are previews (the worker bounds run events; see runs.proto ToolCall). */
  truncated?: boolean;
}

export interface RunUsage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Absent on runs stored before model providers (issue 10). */
  cachedInputTokens?: number;
  calls?: { route: string; outcome: string; inputTokens: number; outputTokens: number; cachedInputTokens: number; costUsd: number; durationMs: number; error: string; stepId: string }[];
}

export type RunPriority = 'high' | 'normal' | 'low';

/**
 * A run. Its columns are a contract inside the orchestrator: other parts (dispatch, dead letters,
 * the reconciler, the step journal) read them, and move a run only through
 * RunRepository.transition, which checks the edge against runs/run-lifecycle.ts and stores the
 * transition in the same transaction.
 *
 * - `status`: queued | running | waiting | succeeded | failed | cancelled | dead_lettered.
 *   Final (nothing moves it on by itself): succeeded, failed, cancelled, dead_lettered
 *   (`isFinalStatus`); a cancelled or final run must not start a new step.
 * - `attempts`: the highest execution attempt seen; `worker_id`: the worker of the latest start.
 * - `queued_at`: when ExecuteRun was stored on JetStream (null: the outbox relay still has to).
 * - `started_at`: first start; `finished_at`: when it reached a final status.
 * - `transition_seq`: seq of the last row in run_transitions for this run.
 * - `priority`: high | normal | low, as submitted.
 * - `requested_by`: the submitting caller's subject; `waiting_for`: the escalation a `waiting` run waits for.
 */
@Entity({ name: 'runs' })
@Index(['tenantId', 'agent', 'createdAt'])
export class RunEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  agent!: string;

  @Column('int')
  version!: number;

  @Column('text', { name: 'artifact_hash' })
  artifactHash!: string;

  @Column('text')
  status!: RunStatus;

  @Column('text', { default: 'normal' })
  priority!: RunPriority;

  @Column('jsonb')
  input!: object;

  @Column('jsonb', { nullable: true })
  /** Any JSON value the agent produced (jsonb). */
  output!: object | null;

  @Column('jsonb', { nullable: true })
  error!: { code: string; message: string; path?: string; /** The failure's details as JSON text (ErrorReply.details_json). */ detailsJson?: string; truncated?: boolean } | null;

  @Column('int', { default: 0 })
  attempts!: number;

  /** The tools the agent called, in order (the succeeded attempt's). */
  @Column('jsonb', { name: 'tool_calls', nullable: true })
  toolCalls!: RunToolCall[] | null;

  @Column('jsonb', { nullable: true })
  usage!: RunUsage | null;

  @Column('text', { name: 'trace_id' })
  traceId!: string;

  @Column('text', { name: 'correlation_id' })
  correlationId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the ExecuteRun command was stored on JetStream; null until then (outbox). */
  @Column('timestamptz', { name: 'queued_at', nullable: true })
  queuedAt!: Date | null;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('text', { name: 'worker_id', nullable: true })
  workerId!: string | null;

  @Column('int', { name: 'transition_seq', default: 0 })
  transitionSeq!: number;

  /** The subject who submitted the run ('' when unknown): never an approver of its escalations. */
  @Column('text', { name: 'requested_by', default: '' })
  requestedBy!: string;

  /** While `waiting`: the escalation the run waits for; null otherwise. */
  @Column('text', { name: 'waiting_for', nullable: true })
  waitingFor!: string | null;

  /** The deployment the run was routed to (the active one or the canary); '' before issue 11. */
  @Column('text', { name: 'deployment_id', default: '' })
  deploymentId!: string;

  /** Routed to a canary in progress. */
  @Column('boolean', { default: false })
  canary!: boolean;

  /** What started it: "api", "schedule:<id>", "event:<id>", "webhook:<id>". */
  @Column('text', { default: 'api' })
  trigger!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

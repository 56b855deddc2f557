import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

import type { JsonValue } from '@af/contracts';

export type { JsonValue };

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
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

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

  @Column('jsonb')
  input!: object;

  @Column('jsonb', { nullable: true })
  /** Any JSON value the agent produced (jsonb). */
  output!: object | null;

  @Column('jsonb', { nullable: true })
  error!: { code: string; message: string; path?: string; truncated?: boolean } | null;

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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

export type EpisodeOutcome = 'succeeded' | 'failed' | 'cancelled';

import type { JsonValue } from '@af/contracts';

export type { JsonValue };

/** One finished run, as remembered. The generated `search` tsvector column is not mapped. */
@Entity({ name: 'episodes' })
export class EpisodeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text', { name: 'run_id' })
  runId!: string;

  @Column('text')
  agent!: string;

  @Column('int')
  version!: number;

  @Column('text')
  outcome!: EpisodeOutcome;

  @Column('int')
  attempt!: number;

  @Column('text')
  summary!: string;

  /** JSON (jsonb); typed loosely here because TypeORM's find types recurse into JsonValue. */
  @Column('jsonb', { nullable: true })
  input!: unknown;

  @Column('jsonb', { nullable: true })
  output!: unknown;

  @Column('jsonb', { nullable: true })
  error!: { code: string; message: string; path?: string } | null;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunStatus } from '../runs/run-lifecycle.js';

/** One stored change of a run's status, written in the same transaction as the change itself. */
@Entity({ name: 'run_transitions' })
export class RunTransitionEntity {
  @PrimaryColumn('uuid', { name: 'run_id' })
  runId!: string;

  /** 1, 2, 3… per run (runs.transition_seq holds the last one). */
  @PrimaryColumn('int')
  seq!: number;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  /** null for the creation (→ queued). */
  @Column('text', { name: 'from_status', nullable: true })
  fromStatus!: RunStatus | null;

  @Column('text', { name: 'to_status' })
  toStatus!: RunStatus;

  @Column('timestamptz')
  at!: Date;

  @Column('int', { default: 0 })
  attempt!: number;

  @Column('text', { name: 'worker_id', default: '' })
  workerId!: string;

  @Column('text', { default: '' })
  reason!: string;

  /** An error code when the transition is a failure; '' otherwise. */
  @Column('text', { default: '' })
  code!: string;
}

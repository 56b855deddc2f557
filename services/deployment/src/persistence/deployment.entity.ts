import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { DeploymentStatus } from '../deployments/deployment-lifecycle.js';

/** Thresholds in force for a deployment's watch window (resolved: request → blueprint → defaults). */
export interface Thresholds {
  maxFailureRate: number;
  maxP95Ms: number;
  minRuns: number;
}

@Entity({ name: 'deployments' })
export class DeploymentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  agent!: string;

  @Column('int')
  version!: number;

  /** The blueprint version's content hash (what was compiled). */
  @Column('text', { name: 'content_hash' })
  contentHash!: string;

  @Column('text', { name: 'artifact_hash' })
  artifactHash!: string;

  @Column('text')
  status!: DeploymentStatus;

  @Column('text', { name: 'created_by' })
  createdBy!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'superseded_at', nullable: true })
  supersededAt!: Date | null;

  @Column('uuid', { name: 'superseded_by', nullable: true })
  supersededBy!: string | null;

  @Column('timestamptz', { name: 'deactivated_at', nullable: true })
  deactivatedAt!: Date | null;

  /** Why it was deactivated (kept in the history). */
  @Column('text', { name: 'deactivated_reason', nullable: true })
  deactivatedReason!: string | null;

  /** immediate | canary */
  @Column('text')
  strategy!: 'immediate' | 'canary';

  @Column('int', { name: 'canary_percent' })
  canaryPercent!: number;

  @Column('int', { name: 'window_seconds' })
  windowSeconds!: number;

  @Column('jsonb')
  thresholds!: Thresholds;

  @Column('uuid', { name: 'previous_deployment_id', nullable: true })
  previousDeploymentId!: string | null;

  @Column('text', { nullable: true })
  reason!: string | null;

  /** The eval gate's report (EvalReport as JSON), null when the blueprint has no evals. */
  @Column('jsonb', { name: 'eval_report', nullable: true })
  evalReport!: Record<string, unknown> | null;

  @Column('timestamptz', { name: 'window_ends_at', nullable: true })
  windowEndsAt!: Date | null;

  /** The watch window ended (promoted or judged within thresholds): the watch loop leaves it alone. */
  @Column('boolean', { name: 'window_closed' })
  windowClosed!: boolean;

  @Column('boolean')
  forced!: boolean;

  @Column('double precision', { name: 'swap_ms' })
  swapMs!: number;

  @Column('timestamptz', { name: 'status_changed_at' })
  statusChangedAt!: Date;

  /** The number of transitions recorded (the last one's seq). */
  @Column('int', { name: 'transition_seq' })
  transitionSeq!: number;

  /** The approved escalation that made this deployment on its requester's behalf (a realWorld agent), else null. */
  @Column('uuid', { name: 'approved_escalation_id', nullable: true })
  approvedEscalationId!: string | null;
}

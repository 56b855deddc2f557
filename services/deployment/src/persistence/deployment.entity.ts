import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * active | superseded (by a newer deployment) | deactivated (ended without a successor, e.g. the
 * blueprint was archived). Room later for canary / rolled_back (ROADMAP): widen the CHECK then.
 */
export type DeploymentStatus = 'active' | 'superseded' | 'deactivated';

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

  /** The approved escalation that made this deployment on its requester's behalf (a realWorld agent), else null. */
  @Column('uuid', { name: 'approved_escalation_id', nullable: true })
  approvedEscalationId!: string | null;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A client's Idempotency-Key on run submission: (tenant, key) → the run it created and the request's hash. */
@Entity({ name: 'run_idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('text')
  key!: string;

  /** sha-256 of the canonical JSON of {agent, input, priority}. */
  @Column('text', { name: 'request_hash' })
  requestHash!: string;

  @Column('uuid', { name: 'run_id' })
  runId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

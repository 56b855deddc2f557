import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

import type { JsonValue } from '@af/blueprint-format';

export type { JsonValue };

export type SourceFormat = 'yaml' | 'json';

/** The validation report stored with a version (af.v1.ValidationReport as plain JSON). */
export interface StoredReport {
  valid: boolean;
  errors: StoredFinding[];
  warnings: StoredFinding[];
  suggestions: { path: string; message: string; replacementJson: string }[];
  /** Findings and suggestions the capped report does not list (absent in reports stored before it existed). */
  omitted?: number;
}

export interface StoredFinding {
  tier: string;
  code: string;
  path: string;
  message: string;
  severity: string;
}

/** An immutable version of a blueprint: never updated, except for the outbox mark. */
@Entity({ name: 'blueprint_versions' })
export class BlueprintVersionEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('text')
  name!: string;

  @PrimaryColumn('int')
  version!: number;

  @Column('text', { name: 'content_hash' })
  contentHash!: string;

  @Column('jsonb')
  document!: { [key: string]: JsonValue };

  @Column('text')
  source!: string;

  @Column('text')
  format!: SourceFormat;

  @Column('text')
  author!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('jsonb')
  validation!: StoredReport;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;
}

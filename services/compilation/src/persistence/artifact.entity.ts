import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One compiled artifact of one tenant. Immutable: rows are inserted, never updated. */
@Entity({ name: 'artifacts' })
export class ArtifactEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  /** `sha256:<hex>` over the artifact's canonical JSON. */
  @PrimaryColumn('text')
  hash!: string;

  @Column('text', { name: 'blueprint_name' })
  blueprintName!: string;

  @Column('int', { name: 'blueprint_version' })
  blueprintVersion!: number;

  /** gzip of the canonical JSON (the bytes the hash covers). */
  @Column('bytea')
  artifact!: Buffer;

  /** Uncompressed size in bytes. */
  @Column('int')
  size!: number;

  /** What was compiled (blueprint content + identity + compiler version): the compile cache key. */
  @Column('text', { name: 'source_key' })
  sourceKey!: string;

  @Column('text', { name: 'compiler_version' })
  compilerVersion!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

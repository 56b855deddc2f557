import { gunzipSync, gzipSync } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withTenant } from '@af/persistence';
import { ArtifactEntity } from '../persistence/artifact.entity.js';

export interface StoredArtifact {
  hash: string;
  blueprintName: string;
  blueprintVersion: number;
  /** The canonical JSON the hash covers. */
  json: string;
  /** Bytes of `json` (UTF-8). */
  size: number;
  compilerVersion: string;
  createdAt: Date;
}

export interface NewArtifact {
  hash: string;
  blueprintName: string;
  blueprintVersion: number;
  json: string;
  sourceKey: string;
  compilerVersion: string;
}

/**
 * Artifacts of one tenant (gzip in PostgreSQL). Rows are immutable: insert-or-keep, never update.
 * Every query runs in its tenant's transaction (row-level security) and keeps its tenant filter.
 */
@Injectable()
export class ArtifactRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  private scoped<T>(tenantId: TenantId, work: (artifacts: Repository<ArtifactEntity>) => Promise<T>): Promise<T> {
    return withTenant(this.dataSource, tenantId, (m) => work(artifactsOf(m)));
  }

  /** The artifact hash an earlier compile of the same source produced, if any. */
  async findHashBySource(tenantId: TenantId, sourceKey: string): Promise<string | null> {
    const row = await this.scoped(tenantId, (artifacts) => artifacts.findOne({ select: { hash: true }, where: { tenantId, sourceKey }, order: { createdAt: 'ASC' } }));
    return row?.hash ?? null;
  }

  async find(tenantId: TenantId, hash: string): Promise<StoredArtifact | null> {
    const row = await this.scoped(tenantId, (artifacts) => artifacts.findOneBy({ tenantId, hash }));
    if (!row) return null;
    return {
      hash: row.hash,
      blueprintName: row.blueprintName,
      blueprintVersion: row.blueprintVersion,
      json: gunzipSync(row.artifact).toString('utf8'),
      size: row.size,
      compilerVersion: row.compilerVersion,
      createdAt: row.createdAt,
    };
  }

  /** Stores the artifact unless this tenant already has it (same hash = same bytes); returns the stored row. */
  async insert(tenantId: TenantId, artifact: NewArtifact): Promise<StoredArtifact> {
    const bytes = Buffer.from(artifact.json, 'utf8');
    return this.scoped(tenantId, async (artifacts) => {
      const inserted = await artifacts
        .createQueryBuilder()
        .insert()
        .into(ArtifactEntity)
        .values({
          tenantId,
          hash: artifact.hash,
          blueprintName: artifact.blueprintName,
          blueprintVersion: artifact.blueprintVersion,
          artifact: gzipSync(bytes),
          size: bytes.length,
          sourceKey: artifact.sourceKey,
          compilerVersion: artifact.compilerVersion,
        })
        .orIgnore()
        .returning(['created_at'])
        .execute();
      const createdAt = (inserted.raw as { created_at?: Date }[])[0]?.created_at ?? (await artifacts.findOne({ select: { createdAt: true }, where: { tenantId, hash: artifact.hash } }))?.createdAt ?? new Date();
      return { hash: artifact.hash, blueprintName: artifact.blueprintName, blueprintVersion: artifact.blueprintVersion, json: artifact.json, size: bytes.length, compilerVersion: artifact.compilerVersion, createdAt };
    });
  }
}

function artifactsOf(manager: EntityManager): Repository<ArtifactEntity> {
  return manager.getRepository(ArtifactEntity);
}

import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE } from '@af/persistence';
import type { JsonValue, SourceFormat, StoredReport } from '../persistence/blueprint-version.entity.js';

export interface NewVersion {
  name: string;
  contentHash: string;
  document: Record<string, unknown>;
  source: string;
  format: SourceFormat;
  author: string;
  validation: StoredReport;
}

export interface StoredVersion {
  tenantId: string;
  name: string;
  version: number;
  contentHash: string;
  document: { [key: string]: JsonValue };
  author: string;
  createdAt: Date;
  validation: StoredReport;
  publishedAt: Date | null;
}

export type AppendOutcome =
  | { kind: 'created'; version: StoredVersion }
  | { kind: 'unchanged'; version: StoredVersion }
  | { kind: 'not_found' }
  | { kind: 'conflict'; latestVersion: number };

const VERSION_COLUMNS = `tenant_id, name, version, content_hash, document, author, created_at, validation, published_at`;

/** Blueprints and their immutable versions, always scoped by tenant. The only place with SQL. */
@Injectable()
export class BlueprintRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Version 1 of a new blueprint, or 'exists' when the tenant already has one by that name. */
  createFirst(tenantId: TenantId, version: NewVersion): Promise<StoredVersion | 'exists'> {
    return this.dataSource.transaction(async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO blueprints (tenant_id, name, latest_version) VALUES ($1, $2, 1) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING name`,
        [tenantId, version.name],
      );
      if (inserted.length === 0) return 'exists';
      return insertVersion(m, tenantId, 1, version);
    });
  }

  /**
   * Appends a version under a row lock on the blueprint, so concurrent updates serialize: no two
   * get the same number, and an update identical to the latest content creates nothing.
   */
  appendVersion(tenantId: TenantId, version: NewVersion, expectedVersion: number): Promise<AppendOutcome> {
    return this.dataSource.transaction(async (m) => {
      const rows: { latest_version: number }[] = await m.query(`SELECT latest_version FROM blueprints WHERE tenant_id = $1 AND name = $2 FOR UPDATE`, [tenantId, version.name]);
      const latest = rows[0]?.latest_version;
      if (latest === undefined) return { kind: 'not_found' };
      if (expectedVersion > 0 && expectedVersion !== latest) return { kind: 'conflict', latestVersion: latest };
      const current = await findVersion(m, tenantId, version.name, latest);
      if (current && current.contentHash === version.contentHash) return { kind: 'unchanged', version: current };
      const created = await insertVersion(m, tenantId, latest + 1, version);
      await m.query(`UPDATE blueprints SET latest_version = $3, updated_at = now() WHERE tenant_id = $1 AND name = $2`, [tenantId, version.name, latest + 1]);
      return { kind: 'created', version: created };
    });
  }

  async latestVersion(tenantId: TenantId, name: string): Promise<number | null> {
    const rows: { latest_version: number }[] = await this.dataSource.query(`SELECT latest_version FROM blueprints WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
    return rows[0]?.latest_version ?? null;
  }

  /** A given version, or the latest when version is 0. */
  async find(tenantId: TenantId, name: string, version: number): Promise<StoredVersion | null> {
    if (version > 0) return findVersion(this.dataSource.manager, tenantId, name, version);
    const rows: RawVersion[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')}
         FROM blueprints b JOIN blueprint_versions v ON v.tenant_id = b.tenant_id AND v.name = b.name AND v.version = b.latest_version
        WHERE b.tenant_id = $1 AND b.name = $2`,
      [tenantId, name],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async markPublished(tenantId: TenantId, name: string, version: number): Promise<void> {
    await this.dataSource.query(`UPDATE blueprint_versions SET published_at = now() WHERE tenant_id = $1 AND name = $2 AND version = $3 AND published_at IS NULL`, [tenantId, name, version]);
  }

  /**
   * Outbox relay only, across tenants by design: versions stored more than `olderThanMs` ago whose
   * event is not yet on JetStream. Each row carries its tenant id.
   */
  async findUnpublished(olderThanMs: number, limit: number): Promise<StoredVersion[]> {
    const rows: RawVersion[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM blueprint_versions WHERE published_at IS NULL AND created_at < now() - ($1::int * interval '1 millisecond') ORDER BY created_at LIMIT $2`,
      [Math.trunc(olderThanMs), limit],
    );
    return rows.map(fromRow);
  }
}

interface RawVersion {
  tenant_id: string;
  name: string;
  version: number;
  content_hash: string;
  document: { [key: string]: JsonValue };
  author: string;
  created_at: Date;
  validation: StoredReport;
  published_at: Date | null;
}

async function insertVersion(m: EntityManager, tenantId: TenantId, number: number, v: NewVersion): Promise<StoredVersion> {
  const rows: RawVersion[] = await m.query(
    `INSERT INTO blueprint_versions (tenant_id, name, version, content_hash, document, source, format, author, validation)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::jsonb) RETURNING ${VERSION_COLUMNS}`,
    [tenantId, v.name, number, v.contentHash, JSON.stringify(v.document), v.source, v.format, v.author, JSON.stringify(v.validation)],
  );
  return fromRow(rows[0]!);
}

async function findVersion(m: EntityManager, tenantId: TenantId, name: string, version: number): Promise<StoredVersion | null> {
  const rows: RawVersion[] = await m.query(`SELECT ${VERSION_COLUMNS} FROM blueprint_versions WHERE tenant_id = $1 AND name = $2 AND version = $3`, [tenantId, name, version]);
  return rows[0] ? fromRow(rows[0]) : null;
}

function fromRow(row: RawVersion): StoredVersion {
  return {
    tenantId: row.tenant_id,
    name: row.name,
    version: row.version,
    contentHash: row.content_hash,
    document: row.document,
    author: row.author,
    createdAt: row.created_at,
    validation: row.validation,
    publishedAt: row.published_at,
  };
}

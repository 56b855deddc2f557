import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import type { JsonValue, SourceFormat, StoredReport } from '../persistence/blueprint-version.entity.js';
import { containsPattern, type LabelRequirement } from './blueprint-query.js';

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
  /** When the blueprint (all its versions) was archived; null while live. */
  archivedAt: Date | null;
}

export interface BlueprintFilter {
  labels: LabelRequirement[];
  text: string | undefined;
  includeArchived: boolean;
  /** Names strictly after this one (the page cursor). */
  after: string | undefined;
  limit: number;
}

export interface BlueprintRow {
  name: string;
  latestVersion: number;
  description: string;
  labels: Record<string, string>;
  contentHash: string;
  author: string;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
  valid: boolean;
}

export interface VersionRow {
  version: number;
  contentHash: string;
  author: string;
  createdAt: Date;
  valid: boolean;
}

/** One archive/restore transition, as stored in the outbox (published later if the broker is down). */
export interface ArchiveEvent {
  id: string;
  tenantId: string;
  name: string;
  archived: boolean;
  latestVersion: number;
  changedAt: Date;
  changedBy: string;
}

export type ArchiveOutcome =
  | { kind: 'archived'; latestVersion: number; archivedAt: Date; changed: boolean; event: ArchiveEvent | null }
  | { kind: 'not_found' }
  | { kind: 'conflict'; latestVersion: number };

/** `restored`: the append cleared the archive mark (its outbox event), else null. */
export type AppendOutcome =
  | { kind: 'created'; version: StoredVersion; restored: ArchiveEvent | null }
  | { kind: 'unchanged'; version: StoredVersion; restored: ArchiveEvent | null }
  | { kind: 'not_found' }
  | { kind: 'conflict'; latestVersion: number };

const VERSION_COLUMNS = `tenant_id, name, version, content_hash, document, author, created_at, validation, published_at`;

/**
 * Blueprints and their immutable versions, always scoped by tenant: every query runs in a tenant
 * transaction (row-level security) and keeps its explicit tenant filter; the outbox relay's scans
 * run in the system scope. The only place with SQL.
 */
@Injectable()
export class BlueprintRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Version 1 of a new blueprint, or 'exists' / 'archived' when the tenant already has one by that name. */
  createFirst(tenantId: TenantId, version: NewVersion): Promise<StoredVersion | 'exists' | 'archived'> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO blueprints (tenant_id, name, latest_version) VALUES ($1, $2, 1) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING name`,
        [tenantId, version.name],
      );
      if (inserted.length === 0) {
        const existing: { archived: boolean }[] = await m.query(`SELECT archived_at IS NOT NULL AS archived FROM blueprints WHERE tenant_id = $1 AND name = $2`, [tenantId, version.name]);
        return existing[0]?.archived ? 'archived' : 'exists';
      }
      return insertVersion(m, tenantId, 1, version);
    });
  }

  /**
   * Appends a version under a row lock on the blueprint, so concurrent updates serialize: no two
   * get the same number, and an update identical to the latest content creates nothing. Writing
   * to an archived blueprint restores it (archived_at cleared), with or without a new version.
   */
  appendVersion(tenantId: TenantId, version: NewVersion, expectedVersion: number): Promise<AppendOutcome> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const rows: { latest_version: number; archived: boolean }[] = await m.query(
        `SELECT latest_version, archived_at IS NOT NULL AS archived FROM blueprints WHERE tenant_id = $1 AND name = $2 FOR UPDATE`,
        [tenantId, version.name],
      );
      const latest = rows[0]?.latest_version;
      if (latest === undefined) return { kind: 'not_found' };
      if (expectedVersion > 0 && expectedVersion !== latest) return { kind: 'conflict', latestVersion: latest };
      const current = await findVersion(m, tenantId, version.name, latest);
      const unchanged = current !== null && current.contentHash === version.contentHash;
      let restored: ArchiveEvent | null = null;
      if (rows[0]!.archived) {
        await m.query(`UPDATE blueprints SET archived_at = NULL, updated_at = now() WHERE tenant_id = $1 AND name = $2`, [tenantId, version.name]);
        restored = await insertArchiveEvent(m, tenantId, version.name, false, unchanged ? latest : latest + 1, version.author);
      }
      if (unchanged) return { kind: 'unchanged', version: current, restored };
      const created = await insertVersion(m, tenantId, latest + 1, version);
      await m.query(`UPDATE blueprints SET latest_version = $3, updated_at = now() WHERE tenant_id = $1 AND name = $2`, [tenantId, version.name, latest + 1]);
      return { kind: 'created', version: created, restored };
    });
  }

  /** Archives (idempotently) under the same row lock as appends; If-Match compares the latest version. */
  archive(tenantId: TenantId, name: string, expectedVersion: number, changedBy = ''): Promise<ArchiveOutcome> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const rows: { latest_version: number; archived_at: Date | null }[] = await m.query(
        `SELECT latest_version, archived_at FROM blueprints WHERE tenant_id = $1 AND name = $2 FOR UPDATE`,
        [tenantId, name],
      );
      const row = rows[0];
      if (!row) return { kind: 'not_found' };
      if (expectedVersion > 0 && expectedVersion !== row.latest_version) return { kind: 'conflict', latestVersion: row.latest_version };
      if (row.archived_at) return { kind: 'archived', latestVersion: row.latest_version, archivedAt: row.archived_at, changed: false, event: null };
      await m.query(`UPDATE blueprints SET archived_at = now(), updated_at = now() WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
      // now() is the transaction's start time: the value just written (and the event's changed_at).
      const event = await insertArchiveEvent(m, tenantId, name, true, row.latest_version, changedBy);
      return { kind: 'archived', latestVersion: row.latest_version, archivedAt: event.changedAt, changed: true, event };
    });
  }

  /**
   * A page of blueprints with their latest version, ordered by name (unique per tenant, so the
   * order is stable and the name is the cursor). Label terms test the latest version's labels;
   * `!=` also matches blueprints without the label (Kubernetes semantics).
   */
  async list(tenantId: TenantId, filter: BlueprintFilter): Promise<BlueprintRow[]> {
    const params: unknown[] = [tenantId];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['b.tenant_id = $1'];
    if (!filter.includeArchived) where.push('b.archived_at IS NULL');
    if (filter.after !== undefined) where.push(`b.name COLLATE "C" > ${param(filter.after)}`);
    if (filter.text !== undefined) {
      const p = param(containsPattern(filter.text));
      where.push(`(b.name ILIKE ${p} OR coalesce(v.document #>> '{metadata,description}', '') ILIKE ${p} OR coalesce(v.document #>> '{spec,goal}', '') ILIKE ${p})`);
    }
    const labels = `coalesce(v.document #> '{metadata,labels}', '{}'::jsonb)`;
    for (const term of filter.labels) {
      switch (term.op) {
        case 'equals':
          where.push(`${labels} @> ${param(JSON.stringify({ [term.key]: term.value }))}::jsonb`);
          break;
        case 'notEquals':
          where.push(`NOT (${labels} @> ${param(JSON.stringify({ [term.key]: term.value }))}::jsonb)`);
          break;
        case 'exists':
          where.push(`jsonb_exists(${labels}, ${param(term.key)})`);
          break;
        case 'notExists':
          where.push(`NOT jsonb_exists(${labels}, ${param(term.key)})`);
          break;
      }
    }
    const rows: RawSummary[] = await withTenant(this.dataSource, tenantId, (m) => m.query(
      `SELECT b.name, b.latest_version, b.created_at, b.updated_at, b.archived_at, v.content_hash, v.author,
              coalesce(v.document #>> '{metadata,description}', '') AS description, ${labels} AS labels,
              coalesce((v.validation ->> 'valid')::boolean, false) AS valid
         FROM blueprints b JOIN blueprint_versions v ON v.tenant_id = b.tenant_id AND v.name = b.name AND v.version = b.latest_version
        WHERE ${where.join(' AND ')}
        ORDER BY b.name COLLATE "C"
        LIMIT ${param(filter.limit)}`,
      params,
    ));
    return rows.map((r) => ({
      name: r.name,
      latestVersion: r.latest_version,
      description: r.description,
      labels: stringLabels(r.labels),
      contentHash: r.content_hash,
      author: r.author,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      archivedAt: r.archived_at,
      valid: r.valid,
    }));
  }

  /** Every version of a blueprint, oldest first; null when the blueprint does not exist. */
  async listVersions(tenantId: TenantId, name: string): Promise<{ archivedAt: Date | null; versions: VersionRow[] } | null> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const blueprint: { archived_at: Date | null }[] = await m.query(`SELECT archived_at FROM blueprints WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
      if (!blueprint[0]) return null;
      const rows: { version: number; content_hash: string; author: string; created_at: Date; valid: boolean }[] = await m.query(
        `SELECT version, content_hash, author, created_at, coalesce((validation ->> 'valid')::boolean, false) AS valid
           FROM blueprint_versions WHERE tenant_id = $1 AND name = $2 ORDER BY version`,
        [tenantId, name],
      );
      return { archivedAt: blueprint[0].archived_at, versions: rows.map((r) => ({ version: r.version, contentHash: r.content_hash, author: r.author, createdAt: r.created_at, valid: r.valid })) };
    });
  }

  async latestVersion(tenantId: TenantId, name: string): Promise<number | null> {
    const rows: { latest_version: number }[] = await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT latest_version FROM blueprints WHERE tenant_id = $1 AND name = $2`, [tenantId, name]));
    return rows[0]?.latest_version ?? null;
  }

  /** A given version, or the latest when version is 0, with the blueprint's archive mark. */
  async find(tenantId: TenantId, name: string, version: number): Promise<StoredVersion | null> {
    const rows: RawVersion[] = await withTenant(this.dataSource, tenantId, (m) => m.query(
      `SELECT ${VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')}, b.archived_at
         FROM blueprints b JOIN blueprint_versions v ON v.tenant_id = b.tenant_id AND v.name = b.name
        WHERE b.tenant_id = $1 AND b.name = $2 AND v.version = (CASE WHEN $3::int > 0 THEN $3::int ELSE b.latest_version END)`,
      [tenantId, name, version],
    ));
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async markPublished(tenantId: TenantId, name: string, version: number): Promise<void> {
    await withTenant(this.dataSource, tenantId, (m) => m.query(`UPDATE blueprint_versions SET published_at = now() WHERE tenant_id = $1 AND name = $2 AND version = $3 AND published_at IS NULL`, [tenantId, name, version]));
  }

  /**
   * Outbox relay only, across tenants by design: versions stored more than `olderThanMs` ago whose
   * event is not yet on JetStream. Each row carries its tenant id.
   */
  async findUnpublished(olderThanMs: number, limit: number): Promise<StoredVersion[]> {
    const rows: RawVersion[] = await withSystemScope(this.dataSource, 'blueprints outbox relay: unpublished versions', (m) => m.query(
      `SELECT ${VERSION_COLUMNS} FROM blueprint_versions WHERE published_at IS NULL AND created_at < now() - ($1::int * interval '1 millisecond') ORDER BY created_at LIMIT $2`,
      [Math.trunc(olderThanMs), limit],
    ));
    return rows.map(fromRow);
  }

  /** Outbox relay only, across tenants by design: archive/restore events not yet on JetStream. */
  async findUnpublishedArchiveEvents(olderThanMs: number, limit: number): Promise<ArchiveEvent[]> {
    const rows: RawArchiveEvent[] = await withSystemScope(this.dataSource, 'blueprints outbox relay: unpublished archive events', (m) => m.query(
      `SELECT ${ARCHIVE_EVENT_COLUMNS} FROM blueprint_archive_events
        WHERE published_at IS NULL AND changed_at < now() - ($1::int * interval '1 millisecond') ORDER BY changed_at LIMIT $2`,
      [Math.trunc(olderThanMs), limit],
    ));
    return rows.map(fromArchiveEventRow);
  }

  async markArchiveEventPublished(tenantId: TenantId, id: string): Promise<void> {
    await withTenant(this.dataSource, tenantId, (m) => m.query(`UPDATE blueprint_archive_events SET published_at = now() WHERE tenant_id = $1 AND id = $2 AND published_at IS NULL`, [tenantId, id]));
  }
}

const ARCHIVE_EVENT_COLUMNS = `id, tenant_id, name, archived, latest_version, changed_at, changed_by`;

interface RawArchiveEvent {
  id: string;
  tenant_id: string;
  name: string;
  archived: boolean;
  latest_version: number;
  changed_at: Date;
  changed_by: string;
}

function fromArchiveEventRow(row: RawArchiveEvent): ArchiveEvent {
  return { id: row.id, tenantId: row.tenant_id, name: row.name, archived: row.archived, latestVersion: row.latest_version, changedAt: row.changed_at, changedBy: row.changed_by };
}

async function insertArchiveEvent(m: EntityManager, tenantId: TenantId, name: string, archived: boolean, latestVersion: number, changedBy: string): Promise<ArchiveEvent> {
  const rows: RawArchiveEvent[] = await m.query(
    `INSERT INTO blueprint_archive_events (id, tenant_id, name, archived, latest_version, changed_at, changed_by)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, now(), $5) RETURNING ${ARCHIVE_EVENT_COLUMNS}`,
    [tenantId, name, archived, latestVersion, changedBy],
  );
  return fromArchiveEventRow(rows[0]!);
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
  archived_at?: Date | null;
}

interface RawSummary {
  name: string;
  latest_version: number;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
  content_hash: string;
  author: string;
  description: string;
  labels: unknown;
  valid: boolean;
}

function stringLabels(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
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
    archivedAt: row.archived_at ?? null,
  };
}

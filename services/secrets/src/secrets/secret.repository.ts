import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import type { Sealed } from '../crypto/aes-gcm.js';
import type { WrappedKey } from '../crypto/key-wrapper.js';

/** What put, get, list and delete answer: never the value. */
export interface SecretRow {
  name: string;
  version: number;
  description: string;
  size: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export interface SealedSecretRow extends SecretRow {
  sealed: Sealed;
}

export interface NewSecretValue {
  description: string;
  size: number;
  updatedBy: string;
}

/** The crypto a put needs, done by the service inside the repository's transaction (the version is known only there). */
export interface SecretSealer {
  /** A new tenant's data key, wrapped. */
  createKey(): Promise<WrappedKey>;
  /** Seals the value for `version` with the tenant's data key; `rewrapped` when the key was under an old master key. */
  seal(key: WrappedKey, version: number): Promise<{ sealed: Sealed; rewrapped: WrappedKey | null }>;
}

const METADATA = `name, version, description, size, created_at, updated_at, updated_by`;

interface RawSecret {
  name: string;
  version: number;
  description: string;
  size: number;
  created_at: Date;
  updated_at: Date;
  updated_by: string;
}

interface RawSealed extends RawSecret {
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
}

/**
 * Tenant data keys and secrets. Every tenant-facing query runs in the tenant's transaction
 * (row-level security) and filters by the tenant too; the master-key rotation pass and the
 * per-key count run in the system scope. The only place with SQL.
 */
@Injectable()
export class SecretRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Creates or rotates a secret in one transaction: the tenant's data key (created on first use),
   * the next version, the sealed value and its metadata commit together, so a resolve sees either
   * the old version or the new one, never a mix. Concurrent puts of one name serialize (advisory lock).
   */
  put(tenantId: TenantId, name: string, input: NewSecretValue, maxPerTenant: number, sealer: SecretSealer): Promise<{ row: SecretRow; keyCreated: WrappedKey | null; rewrapped: { from: string; to: WrappedKey } | null }> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`af.secrets:${tenantId}:${name}`]);
      let keyCreated: WrappedKey | null = null;
      let key = await findKey(m, tenantId);
      if (!key) {
        const created = await sealer.createKey();
        const inserted: unknown[] = await m.query(`INSERT INTO tenant_keys (tenant_id, master_key_id, wrapped_dek) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING RETURNING tenant_id`, [
          tenantId, created.masterKeyId, created.wrapped,
        ]);
        if (inserted.length > 0) keyCreated = created;
        key = (await findKey(m, tenantId))!;
      }
      const current: { version: number }[] = await m.query(`SELECT version FROM secrets WHERE tenant_id = $1 AND name = $2 FOR UPDATE`, [tenantId, name]);
      if (!current[0]) {
        const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM secrets WHERE tenant_id = $1`, [tenantId])) as [{ n: number }];
        if (n >= maxPerTenant) throw new AppError(ErrorCode.ResourceExhausted, `this tenant already holds ${n} secrets, the most allowed (${maxPerTenant}); delete one first`, { path: '/name' });
      }
      const version = (current[0]?.version ?? 0) + 1;
      const { sealed, rewrapped } = await sealer.seal(key, version);
      let rewrap: { from: string; to: WrappedKey } | null = null;
      if (rewrapped && (await updateKey(m, tenantId, key.masterKeyId, rewrapped))) rewrap = { from: key.masterKeyId, to: rewrapped };
      const rows: RawSecret[] = await m.query(
        `INSERT INTO secrets (tenant_id, name, version, ciphertext, iv, auth_tag, description, size, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, name) DO UPDATE SET version = EXCLUDED.version, ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag,
           description = EXCLUDED.description, size = EXCLUDED.size, updated_at = clock_timestamp(), updated_by = EXCLUDED.updated_by
         RETURNING ${METADATA}`,
        [tenantId, name, version, sealed.ciphertext, sealed.iv, sealed.tag, input.description, input.size, input.updatedBy],
      );
      return { row: fromRaw(rows[0]!), keyCreated, rewrapped: rewrap };
    });
  }

  async find(tenantId: TenantId, name: string): Promise<SecretRow | null> {
    const rows: RawSecret[] = await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT ${METADATA} FROM secrets WHERE tenant_id = $1 AND name = $2`, [tenantId, name]), { readOnly: true });
    return rows[0] ? fromRaw(rows[0]) : null;
  }

  /** The tenant's secrets by name (bounded by the per-tenant maximum that put enforces). */
  async list(tenantId: TenantId): Promise<SecretRow[]> {
    const rows: RawSecret[] = await withTenant(this.dataSource, tenantId, (m) => m.query(`SELECT ${METADATA} FROM secrets WHERE tenant_id = $1 ORDER BY name`, [tenantId]), { readOnly: true });
    return rows.map(fromRaw);
  }

  /** Deletes a secret; its metadata as it was, or null when there was none. */
  async delete(tenantId: TenantId, name: string): Promise<SecretRow | null> {
    // TypeORM answers an UPDATE or DELETE with [rows, affected].
    const [rows] = (await withTenant(this.dataSource, tenantId, (m) => m.query(`DELETE FROM secrets WHERE tenant_id = $1 AND name = $2 RETURNING ${METADATA}`, [tenantId, name]))) as [RawSecret[], number];
    return rows[0] ? fromRaw(rows[0]) : null;
  }

  /** The sealed current versions of the named secrets and the tenant's wrapped data key, read in one snapshot. */
  sealed(tenantId: TenantId, names: readonly string[]): Promise<{ key: WrappedKey | null; rows: SealedSecretRow[] }> {
    return withTenant(
      this.dataSource,
      tenantId,
      async (m) => {
        const rows: RawSealed[] = await m.query(`SELECT ${METADATA}, ciphertext, iv, auth_tag FROM secrets WHERE tenant_id = $1 AND name = ANY($2::text[])`, [tenantId, names]);
        return {
          key: rows.length > 0 ? await findKey(m, tenantId) : null,
          rows: rows.map((r) => ({ ...fromRaw(r), sealed: { ciphertext: r.ciphertext, iv: r.iv, tag: r.auth_tag } })),
        };
      },
      { isolation: 'REPEATABLE READ', readOnly: true },
    );
  }

  /** Replaces the tenant's wrapped data key if it is still under `fromMasterKeyId` (a concurrent re-wrap wins once). */
  rewrapKey(tenantId: TenantId, fromMasterKeyId: string, to: WrappedKey): Promise<boolean> {
    return withTenant(this.dataSource, tenantId, (m) => updateKey(m, tenantId, fromMasterKeyId, to));
  }

  /** Master-key rotation, across tenants by design: data keys not under `activeKeyId` but under one of `knownKeyIds`. */
  async keysToRewrap(activeKeyId: string, knownKeyIds: readonly string[], limit: number): Promise<(WrappedKey & { tenantId: TenantId })[]> {
    const rows: { tenant_id: string; master_key_id: string; wrapped_dek: Buffer }[] = await withSystemScope(this.dataSource, 'secrets: master key rotation', (m) =>
      m.query(`SELECT tenant_id, master_key_id, wrapped_dek FROM tenant_keys WHERE master_key_id <> $1 AND master_key_id = ANY($2::text[]) ORDER BY tenant_id LIMIT $3`, [
        activeKeyId, knownKeyIds, limit,
      ]),
    );
    return rows.map((r) => ({ tenantId: r.tenant_id as TenantId, masterKeyId: r.master_key_id, wrapped: r.wrapped_dek }));
  }

  /** How many tenants' data keys each master key wraps (across tenants: the rotation gauge and boot log line). */
  async keyCounts(): Promise<Map<string, number>> {
    const rows: { master_key_id: string; n: number }[] = await withSystemScope(this.dataSource, 'secrets: data keys per master key', (m) =>
      m.query(`SELECT master_key_id, count(*)::int AS n FROM tenant_keys GROUP BY master_key_id ORDER BY master_key_id`),
    );
    return new Map(rows.map((r) => [r.master_key_id, r.n]));
  }
}

async function findKey(m: EntityManager, tenantId: TenantId): Promise<WrappedKey | null> {
  const rows: { master_key_id: string; wrapped_dek: Buffer }[] = await m.query(`SELECT master_key_id, wrapped_dek FROM tenant_keys WHERE tenant_id = $1`, [tenantId]);
  return rows[0] ? { masterKeyId: rows[0].master_key_id, wrapped: rows[0].wrapped_dek } : null;
}

async function updateKey(m: EntityManager, tenantId: TenantId, fromMasterKeyId: string, to: WrappedKey): Promise<boolean> {
  const [, affected] = (await m.query(
    `UPDATE tenant_keys SET master_key_id = $3, wrapped_dek = $4, rewrapped_at = clock_timestamp() WHERE tenant_id = $1 AND master_key_id = $2`,
    [tenantId, fromMasterKeyId, to.masterKeyId, to.wrapped],
  )) as [unknown[], number];
  return affected > 0;
}

function fromRaw(r: RawSecret): SecretRow {
  return { name: r.name, version: r.version, description: r.description, size: r.size, createdAt: r.created_at, updatedAt: r.updated_at, updatedBy: r.updated_by };
}

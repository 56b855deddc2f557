import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';
import { ApiKeyEntity } from '../persistence/api-key.entity.js';

export interface NewApiKey {
  id: string;
  name: string;
  roles: string[];
  secretHash: Buffer;
  createdBy: string;
  expiresAt: Date | null;
}

export interface ApiKeyUse {
  tenantId: TenantId;
  id: string;
  at: Date;
}

/** How many keys `GET /v1/api-keys` lists at most (newest first). */
export const MAX_LISTED_KEYS = 500;

/**
 * All reads and writes of the gateway's api_keys table: in the tenant's transaction (row-level
 * security) with explicit tenant filters; the verification lookup and the batched lastUsedAt
 * write, which come before / across tenants, in the system scope.
 */
@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async insert(tenantId: TenantId, key: NewApiKey): Promise<ApiKeyEntity> {
    const rows = (await withTenant(this.dataSource, tenantId, (m) => m.query(
      `INSERT INTO api_keys (id, tenant_id, name, roles, secret_hash, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, tenant_id AS "tenantId", name, roles, created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt",
                 revoked_at AS "revokedAt", revoked_by AS "revokedBy", last_used_at AS "lastUsedAt"`,
      [key.id, tenantId, key.name, key.roles, key.secretHash, key.createdBy, key.expiresAt],
    ))) as ApiKeyEntity[];
    return rows[0] as ApiKeyEntity;
  }

  list(tenantId: TenantId): Promise<ApiKeyEntity[]> {
    return withTenant(this.dataSource, tenantId, (m) =>
      m.getRepository(ApiKeyEntity).find({
        where: { tenantId },
        order: { createdAt: 'DESC', id: 'ASC' },
        take: MAX_LISTED_KEYS,
        select: { id: true, tenantId: true, name: true, roles: true, createdBy: true, createdAt: true, expiresAt: true, revokedAt: true, revokedBy: true, lastUsedAt: true },
      }),
    );
  }

  /**
   * Revokes the tenant's key (idempotent). Returns the key as it now is — `revokedNow` tells a
   * first revocation from a repeated one — or undefined when the tenant has no such key.
   */
  revoke(tenantId: TenantId, id: string, by: string): Promise<{ key: ApiKeyEntity; revokedNow: boolean } | undefined> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const updated = (await m.query(
        `UPDATE api_keys SET revoked_at = now(), revoked_by = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL
         RETURNING id, tenant_id AS "tenantId", name, roles, revoked_at AS "revokedAt"`,
        [tenantId, id, by],
      )) as [ApiKeyEntity[], number];
      const first = updated[0][0];
      if (first) return { key: first, revokedNow: true };
      const existing = await m.getRepository(ApiKeyEntity).findOne({ where: { tenantId, id }, select: { id: true, tenantId: true, name: true, roles: true, revokedAt: true } });
      return existing ? { key: existing, revokedNow: false } : undefined;
    });
  }

  /**
   * The key with this id, whatever its tenant: the credential names no tenant until it is
   * verified (its HMAC compared), so this one lookup cannot be tenant-scoped.
   */
  findForVerification(id: string): Promise<ApiKeyEntity | null> {
    return withSystemScope(this.dataSource, 'gateway: API key verification (the key names its tenant only once verified)', (m) =>
      m.getRepository(ApiKeyEntity).findOne({ where: { id }, select: { id: true, tenantId: true, roles: true, secretHash: true, expiresAt: true, revokedAt: true } }),
    );
  }

  /** Records uses in one statement; a later write never moves lastUsedAt backwards. */
  async recordUses(uses: readonly ApiKeyUse[]): Promise<void> {
    if (uses.length === 0) return;
    await withSystemScope(this.dataSource, 'gateway: batched API key lastUsedAt, across tenants', (m) => m.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(tenant_id, id, at)
       WHERE k.tenant_id = u.tenant_id AND k.id = u.id`,
      [uses.map((u) => u.tenantId), uses.map((u) => u.id), uses.map((u) => u.at.toISOString())],
    ));
  }
}

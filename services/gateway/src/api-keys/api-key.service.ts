import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Counter } from 'prom-client';
import { isTenantId, permissionsOf, ROLE_PERMISSIONS, type TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { AuditTrail } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { ApiKeyVerifier } from '../auth/api-key-verifier.js';
import { AuthenticationError } from '../auth/authentication-error.js';
import type { Principal } from '../auth/principal.js';
import type { GatewayConfig } from '../config.js';
import type { ApiKeyEntity } from '../persistence/api-key.entity.js';
import { parseCreateApiKey } from './api-key.body.js';
import { apiKeyIdOf, generateApiKey, hashApiKey, sameHash } from './api-key.format.js';
import { ApiKeyRepository, type ApiKeyUse } from './api-key.repository.js';

export const API_KEYS_CONFIG = Symbol.for('af.gateway.apiKeys');
export type ApiKeysConfig = GatewayConfig['apiKeys'];

/** A verified key as the cache holds it (`missing`: no key has this id). */
type CachedKey = { missing: true } | { missing: false; tenantId: TenantId; roles: string[]; secretHash: Buffer; expiresAt: Date | null; revokedAt: Date | null };

export interface ApiKeyView {
  id: string;
  /** The key's public beginning (`afk_<id>_`), to recognise it. */
  prefix: string;
  name: string;
  roles: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function viewOf(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    prefix: `afk_${key.id}_`,
    name: key.name,
    roles: key.roles,
    createdBy: key.createdBy,
    createdAt: iso(key.createdAt) as string,
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}

/**
 * API keys (README "API keys"): created (shown once), listed, revoked, and verified on the hot
 * path. Verification reads the database once per key per `cacheTtlMs` (an LRU of verified keys,
 * unknown ids included); a revocation here updates this instance's cache at once, other gateway
 * instances see it within the TTL. `lastUsedAt` is batched: at most one write per key per
 * `lastUsedFlushMs`, off the request path.
 */
@Injectable()
export class ApiKeyService implements ApiKeyVerifier, OnModuleInit, OnApplicationShutdown {
  private readonly cache: LRUCache<string, CachedKey> | undefined;
  private readonly marked: LRUCache<string, true>;
  private pendingUses = new Map<string, ApiKeyUse>();
  private timer: NodeJS.Timeout | undefined;
  private readonly lookups: Counter<'result'>;

  constructor(
    @Inject(API_KEYS_CONFIG) private readonly config: ApiKeysConfig,
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditTrail,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.cache = config.cacheTtlMs > 0 ? new LRUCache({ max: config.cacheMax, ttl: config.cacheTtlMs }) : undefined;
    this.marked = new LRUCache({ max: config.cacheMax, ttl: config.lastUsedFlushMs });
    this.lookups = metrics.counter('af_gateway_api_key_lookups_total', 'API key verifications, by where the key was found (cache | database)', ['result']);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flushUses(), this.config.lastUsedFlushMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushUses();
  }

  async create(principal: Principal, body: unknown): Promise<ApiKeyView & { key: string }> {
    const request = parseCreateApiKey(body, new Date());
    // No escalation: a key may carry a role only if the caller holds every permission it grants.
    request.roles.forEach((role, i) => {
      const missing = ROLE_PERMISSIONS[role].filter((p) => !principal.permissions.includes(p));
      if (missing.length > 0) {
        throw new AppError(ErrorCode.PermissionDenied, `a key cannot be given the role ${role}: it grants ${missing.join(', ')}, which the caller does not hold`, {
          path: `/roles/${i}`,
          details: { role, missing },
        });
      }
    });
    const { id, key } = generateApiKey();
    const stored = await this.keys.insert(principal.tenantId, {
      id,
      name: request.name,
      roles: request.roles,
      secretHash: hashApiKey(this.config.pepper, key),
      createdBy: principal.subject,
      expiresAt: request.expiresAt,
    });
    await this.recordAudit({ action: 'apikey.created', actor: principal.subject, resourceType: 'apikey', resourceId: id, outcome: 'success', eventId: `apikey.created:${id}`, details: { name: request.name, roles: request.roles, expiresAt: iso(request.expiresAt) } });
    return { ...viewOf(stored), key };
  }

  async list(principal: Principal): Promise<{ items: ApiKeyView[] }> {
    return { items: (await this.keys.list(principal.tenantId)).map(viewOf) };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    if (!/^[0-9a-f]{24}$/.test(id)) throw AppError.notFound(`API key "${id.slice(0, 40)}"`, '/id');
    const result = await this.keys.revoke(principal.tenantId, id, principal.subject);
    if (!result) throw AppError.notFound(`API key "${id}"`, '/id');
    const cached = this.cache?.get(id);
    if (cached && !cached.missing) this.cache?.set(id, { ...cached, revokedAt: result.key.revokedAt ?? new Date() });
    if (result.revokedNow) {
      await this.recordAudit({ action: 'apikey.revoked', actor: principal.subject, resourceType: 'apikey', resourceId: id, outcome: 'success', eventId: `apikey.revoked:${id}`, details: { name: result.key.name, roles: result.key.roles } });
    }
  }

  async verify(key: string): Promise<Principal> {
    const id = apiKeyIdOf(key);
    if (!id) throw new AuthenticationError('malformed', 'the API key is malformed');
    const found = await this.lookup(id);
    const hash = hashApiKey(this.config.pepper, key);
    if (found.missing || !sameHash(found.secretHash, hash)) throw new AuthenticationError('apikey_unknown', 'the API key is not valid');
    const trusted = { tenantId: found.tenantId, subject: `apikey:${id}` };
    if (found.revokedAt) throw new AuthenticationError('apikey_revoked', 'the API key has been revoked', trusted);
    const now = new Date();
    if (found.expiresAt && found.expiresAt.getTime() <= now.getTime()) throw new AuthenticationError('apikey_expired', 'the API key has expired', trusted);
    this.noteUse(found.tenantId, id, now);
    return { subject: `apikey:${id}`, tenantId: found.tenantId, roles: [...found.roles], permissions: permissionsOf(found.roles), apiKeyId: id };
  }

  private async lookup(id: string): Promise<CachedKey> {
    const cached = this.cache?.get(id);
    if (cached) {
      this.lookups.inc({ result: 'cache' });
      return cached;
    }
    this.lookups.inc({ result: 'database' });
    const row = await this.keys.findForVerification(id);
    const entry: CachedKey =
      row && isTenantId(row.tenantId)
        ? { missing: false, tenantId: row.tenantId, roles: row.roles, secretHash: Buffer.from(row.secretHash), expiresAt: row.expiresAt ? new Date(row.expiresAt) : null, revokedAt: row.revokedAt ? new Date(row.revokedAt) : null }
        : { missing: true };
    this.cache?.set(id, entry);
    return entry;
  }

  /** At most one pending write per key per flush interval; the write itself happens in `flushUses`. */
  private noteUse(tenantId: TenantId, id: string, at: Date): void {
    if (this.marked.has(id)) return;
    this.marked.set(id, true);
    this.pendingUses.set(id, { tenantId, id, at });
  }

  /** Writes the uses noted since the last flush in one statement (a failure is logged; the next use retries). */
  async flushUses(): Promise<void> {
    if (this.pendingUses.size === 0) return;
    const uses = [...this.pendingUses.values()];
    this.pendingUses = new Map();
    try {
      await this.keys.recordUses(uses);
    } catch (error) {
      for (const use of uses) this.marked.delete(use.id);
      this.logger.warn({ err: error, keys: uses.length }, 'API key lastUsedAt could not be written');
    }
  }

  /**
   * The key change is stored before its audit record is published; if JetStream refuses the
   * record, the change stands and the failure is logged (README "API keys": an outbox would
   * close this gap).
   */
  private async recordAudit(entry: Parameters<AuditTrail['record']>[0]): Promise<void> {
    try {
      await this.audit.record(entry);
    } catch (error) {
      this.logger.error({ err: error, action: entry.action, resourceId: entry.resourceId }, 'API key change could not be audited');
    }
  }
}

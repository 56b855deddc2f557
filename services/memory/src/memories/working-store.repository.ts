import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { TenantId } from '@af/contracts';
import { REDIS } from '@af/persistence';

export interface WorkingEntry {
  documentJson: string;
  version: number;
  messages: string[];
  /** Seconds left, -1 = no expiry, -2 = no entry. */
  ttlSeconds: number;
}

export interface WorkingPut {
  documentJson: string;
  expectedVersion: number;
  appendMessages: string[];
  ttlSeconds: number;
  maxMessages: number;
  subjectId: string;
}

/**
 * Compare-and-set in one script: the entry's version must equal the expected one (0 = no entry
 * yet, or expired); then the document is replaced ('' keeps it), messages appended and the window
 * trimmed to the newest N, the TTL renewed on both keys, and the entry's key added to its subject's
 * set (whose TTL is stretched to cover it) so forget-subject finds it.
 * KEYS: entry hash, message list, subject set. ARGV: expected, document, ttl, max messages, subject,
 * the entry's key name (unprefixed, as the subject set records it), messages….
 * Returns {1, new version} or {0, current version}.
 */
const PUT_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return {0, current} end
local version = current + 1
local ttl = tonumber(ARGV[3])
if ARGV[2] ~= '' or current == 0 then
  local doc = ARGV[2]
  if doc == '' then doc = '{}' end
  redis.call('HSET', KEYS[1], 'doc', doc)
end
redis.call('HSET', KEYS[1], 'version', version)
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'subject', ARGV[5]) end
if #ARGV >= 7 then
  for i = 7, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
end
redis.call('EXPIRE', KEYS[1], ttl)
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ttl) end
if ARGV[5] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[6])
  if redis.call('TTL', KEYS[3]) < ttl then redis.call('EXPIRE', KEYS[3], ttl) end
end
return {1, version}`;

/**
 * The working tier (Redis): per (tenant, agent, scope, scope id) a hash `{doc, version, subject}`
 * and a message list, both with the entry's TTL; per subject a set of entry keys.
 */
@Injectable()
export class WorkingStoreRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async put(tenantId: TenantId, agent: string, scope: string, scopeId: string, put: WorkingPut): Promise<{ ok: boolean; version: number }> {
    const key = entryKey(tenantId, agent, scope, scopeId);
    const reply = (await this.redis.eval(
      PUT_SCRIPT,
      3,
      key,
      `${key}:msgs`,
      subjectKey(tenantId, put.subjectId),
      String(put.expectedVersion),
      put.documentJson,
      String(put.ttlSeconds),
      String(put.maxMessages),
      put.subjectId,
      key,
      ...put.appendMessages,
    )) as [number, number];
    return { ok: reply[0] === 1, version: Number(reply[1]) };
  }

  async get(tenantId: TenantId, agent: string, scope: string, scopeId: string): Promise<WorkingEntry | null> {
    const key = entryKey(tenantId, agent, scope, scopeId);
    const replies = await this.redis.multi().hmget(key, 'doc', 'version').lrange(`${key}:msgs`, 0, -1).ttl(key).exec();
    if (!replies) return null;
    for (const [error] of replies) if (error) throw error;
    const [doc, version] = replies[0]![1] as [string | null, string | null];
    if (version === null) return null;
    return { documentJson: doc ?? '{}', version: Number(version), messages: replies[1]![1] as string[], ttlSeconds: replies[2]![1] as number };
  }

  /** Deletes every entry of the subject (and the subject's set); returns how many entries existed. */
  async forgetSubject(tenantId: TenantId, subjectId: string): Promise<{ deleted: number; keys: string[] }> {
    const set = subjectKey(tenantId, subjectId);
    const keys = await this.redis.smembers(set);
    let deleted = 0;
    if (keys.length > 0) deleted = await this.redis.del(...keys);
    if (keys.length > 0) await this.redis.del(...keys.map((k) => `${k}:msgs`));
    await this.redis.del(set);
    return { deleted, keys };
  }

  /** Keys of the subject still present (forget's read-back): its set and any of the given entries. */
  async remaining(tenantId: TenantId, subjectId: string, keys: string[]): Promise<number> {
    const set = await this.redis.exists(subjectKey(tenantId, subjectId));
    const entries = keys.length > 0 ? await this.redis.exists(...keys, ...keys.map((k) => `${k}:msgs`)) : 0;
    return set + entries;
  }
}

export const entryKey = (tenantId: TenantId, agent: string, scope: string, scopeId: string) => `wmem:${tenantId}:${agent}:${scope}:${scopeId}`;
export const subjectKey = (tenantId: TenantId, subjectId: string) => `wmem-subject:${tenantId}:${subjectId}`;

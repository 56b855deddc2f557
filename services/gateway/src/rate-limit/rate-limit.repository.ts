import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { TenantId } from '@af/contracts';
import { RATE_LIMIT_CONFIG, type RateLimitConfig } from './rate-limit.tokens.js';
import { slotOf, type Window, type WindowCounts } from './sliding-window.js';

/**
 * One round trip: reads the previous and current slot of every window (MGET), and only when
 * every window has room counts the request in each current slot. A refused request is not
 * counted, so a client that keeps hammering gets through again as soon as the window slides.
 * KEYS: prev1, cur1, prev2, cur2, …  ARGV: limit1, weight1, ttlMs1, limit2, …
 */
const CONSUME = `
local counts = redis.call('MGET', unpack(KEYS))
local allowed = 1
for i = 1, #KEYS / 2 do
  local previous = tonumber(counts[2 * i - 1] or '0')
  local current = tonumber(counts[2 * i] or '0')
  if previous * tonumber(ARGV[3 * i - 1]) + current + 1 > tonumber(ARGV[3 * i - 2]) then allowed = 0 end
end
if allowed == 1 then
  for i = 1, #KEYS / 2 do
    redis.call('INCR', KEYS[2 * i])
    redis.call('PEXPIRE', KEYS[2 * i], ARGV[3 * i])
  end
end
local out = { allowed }
for i = 1, #KEYS do out[i + 1] = tonumber(counts[i] or '0') end
return out`;

/** Reserves one run of the month's quota unless it is used up. KEYS: counter. ARGV: quota, ttlSec. */
const RESERVE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return { 0, used } end
used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return { 1, used }`;

/** Gives a reserved run back (the submission was refused or replayed); never below 0. */
const RELEASE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

interface ScriptedRedis extends Redis {
  afRateLimitConsume(...args: (string | number)[]): Promise<number[]>;
  afQuotaReserve(key: string, quota: number, ttlSec: number): Promise<[number, number]>;
  afQuotaRelease(key: string): Promise<number>;
}

export interface ConsumeResult {
  allowed: boolean;
  counts: WindowCounts[];
}

/**
 * The rate limiter's and quotas' Redis: its own client, failing fast (no offline queue, a short
 * command timeout, no retry), so a Redis that is down or hung costs a request at most the
 * timeout and the failure mode decides. It connects in the background: the gateway boots and
 * serves (fail-open) while Redis is away. Scripts run by EVALSHA (ioredis loads them once),
 * auto-pipelined.
 */
@Injectable()
export class RateLimitRepository implements OnApplicationShutdown {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(RATE_LIMIT_CONFIG) config: RateLimitConfig) {
    const redis = new Redis(config.redis.url, {
      keyPrefix: `${config.redis.keyPrefix}gw:`,
      enableOfflineQueue: false,
      // Checks of concurrent requests issued in the same tick go out as one pipeline (one write, one read).
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      commandTimeout: config.redis.commandTimeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // ioredis emits 'error' on every failed reconnect; the failures that matter surface per command.
    redis.on('error', () => undefined);
    redis.defineCommand('afRateLimitConsume', { lua: CONSUME });
    redis.defineCommand('afQuotaReserve', { lua: RESERVE, numberOfKeys: 1 });
    redis.defineCommand('afQuotaRelease', { lua: RELEASE, numberOfKeys: 1 });
    this.redis = redis as ScriptedRedis;
  }

  /** Counts one request of `principal` in each window unless one of them is full. */
  async consume(tenantId: TenantId, principal: string, windows: readonly Window[], nowMs: number): Promise<ConsumeResult> {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const { windowMs, limit } of windows) {
      const slot = slotOf(nowMs, windowMs);
      const base = `rl:{${tenantId}:${principal}}:${windowMs}:`;
      keys.push(base + (slot - 1), base + slot);
      args.push(limit, (1 - (nowMs - slot * windowMs) / windowMs).toFixed(6), windowMs * 2);
    }
    const reply = await this.redis.afRateLimitConsume(keys.length, ...keys, ...args);
    const counts: WindowCounts[] = [];
    for (let i = 0; i < windows.length; i++) counts.push({ previous: reply[1 + 2 * i] ?? 0, current: reply[2 + 2 * i] ?? 0 });
    return { allowed: reply[0] === 1, counts };
  }

  /** Reserves one run of `period`'s quota (e.g. "2026-11"); `ttlSec` keeps the counter a while after the month. */
  async reserveRun(tenantId: TenantId, period: string, quota: number, ttlSec: number): Promise<{ reserved: boolean; used: number }> {
    const [reserved, used] = await this.redis.afQuotaReserve(quotaKey(tenantId, period), quota, ttlSec);
    return { reserved: reserved === 1, used };
  }

  async releaseRun(tenantId: TenantId, period: string): Promise<void> {
    await this.redis.afQuotaRelease(quotaKey(tenantId, period));
  }

  async runsUsed(tenantId: TenantId, period: string): Promise<number> {
    return Number((await this.redis.get(quotaKey(tenantId, period))) ?? 0);
  }

  /** Whether the connection is up now (a lost connection is known at once; a hung server is not). */
  connected(): boolean {
    return this.redis.status === 'ready';
  }

  async ping(): Promise<void> {
    const pong = await this.redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function quotaKey(tenantId: TenantId, period: string): string {
  return `quota:runs:{${tenantId}}:${period}`;
}

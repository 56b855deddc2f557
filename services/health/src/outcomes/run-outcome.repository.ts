import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { TenantId } from '@af/contracts';
import { REDIS } from '@af/persistence';
import { decodeFinished, type FinishedRun, type Outcome } from './outcome-stats.js';

/**
 * A run's first start. If the run's finish was stored before its start arrived (the consumer
 * handles events concurrently), its unknown duration (-1) is filled in.
 * KEYS: start, runs hash. ARGV: runId, startedAtMs, startTtlMs.
 */
const STARTED = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'NX')
local start = tonumber(redis.call('GET', KEYS[1]))
local stored = redis.call('HGET', KEYS[2], ARGV[1])
if stored then
  local outcome, duration, finished = string.match(stored, '^([^|]+)|([^|]+)|([^|]+)$')
  if outcome and tonumber(duration) < 0 then
    redis.call('HSET', KEYS[2], ARGV[1], outcome .. '|' .. math.max(0, tonumber(finished) - start) .. '|' .. finished)
  end
end
return 1`;

/**
 * Stores a finished run in its version's window, keyed by run id (a redelivery rewrites the same
 * entry), trims the window by age and count, and bumps the version in the indexes.
 * KEYS: start, window zset, runs hash, global index, tenant index.
 * ARGV: runId, outcome, finishedAtMs, cutoffMs, maxRuns, windowTtlMs, global member, tenant member.
 * Returns 0 when the run finished before the window (an old event replayed), 1 when stored.
 */
const FINISHED = `
local finished = tonumber(ARGV[3])
local cutoff = tonumber(ARGV[4])
if finished < cutoff then return 0 end
local start = redis.call('GET', KEYS[1])
local duration = -1
if start then duration = math.max(0, finished - tonumber(start)) end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. '|' .. duration .. '|' .. ARGV[3])
redis.call('ZADD', KEYS[2], finished, ARGV[1])
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. cutoff, 'LIMIT', 0, 1000)
if #old > 0 then
  redis.call('HDEL', KEYS[3], unpack(old))
  redis.call('ZREM', KEYS[2], unpack(old))
end
local excess = math.min(redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5]), 1000)
if excess > 0 then
  local drop = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  redis.call('HDEL', KEYS[3], unpack(drop))
  redis.call('ZREM', KEYS[2], unpack(drop))
end
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
redis.call('ZADD', KEYS[4], 'GT', finished, ARGV[7])
redis.call('ZADD', KEYS[5], 'GT', finished, ARGV[8])
redis.call('PEXPIRE', KEYS[5], ARGV[6])
return 1`;

interface ScriptedRedis extends Redis {
  afHealthRunStarted(startKey: string, runsKey: string, runId: string, startedAtMs: number, startTtlMs: number): Promise<number>;
  afHealthRunFinished(...args: (string | number)[]): Promise<number>;
}

interface ScriptedPipeline {
  afHealthRunStarted(startKey: string, runsKey: string, runId: string, startedAtMs: number, startTtlMs: number): ScriptedPipeline;
  afHealthRunFinished(...args: (string | number)[]): ScriptedPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** A run event's change to the window: its start, or its finish (at `atMs`, judged against `nowMs`). */
export type OutcomeChange = { key: VersionKey; runId: string; atMs: number } & ({ kind: 'started' } | { kind: 'finished'; outcome: Outcome; nowMs: number });

/** One agent version of one tenant with runs in the window. */
export interface VersionKey {
  tenantId: TenantId;
  agent: string;
  version: number;
}

export interface WindowOptions {
  windowMs: number;
  maxRunsPerVersion: number;
  startTtlMs: number;
}

/**
 * The health monitor's window of finished runs, in Redis (the service's key prefix, then `ho:`):
 * - `ho:st:<tenant>:<runId>`: the run's first start (ms), kept HEALTH_RUN_START_TTL_MS;
 * - `ho:r:<tenant>|<agent>|<version>`: hash run id → "outcome|durationMs|finishedAtMs";
 * - `ho:w:<tenant>|<agent>|<version>`: the same run ids by finish time (trimming by age and count);
 * - `ho:idx`: every "<tenant>|<agent>|<version>" by its latest finish (the monitor's work list);
 * - `ho:t:<tenant>`: the tenant's "<agent>|<version>" by latest finish (stats and overview);
 * - `ho:unhealthy:<tenant>|<agent>|<version>|<bucket>`: an unhealthy event already published.
 * Agent names never contain `|` (checked before they reach this repository).
 */
@Injectable()
export class RunOutcomeRepository {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    redis.defineCommand('afHealthRunStarted', { lua: STARTED, numberOfKeys: 2 });
    redis.defineCommand('afHealthRunFinished', { lua: FINISHED, numberOfKeys: 5 });
    this.redis = redis as ScriptedRedis;
  }

  async started(key: VersionKey, runId: string, startedAtMs: number, options: WindowOptions): Promise<void> {
    await this.redis.afHealthRunStarted(startKey(key.tenantId, runId), runsKey(key), runId, startedAtMs, options.startTtlMs);
  }

  /** Returns false when the run finished before the window (not stored). */
  async finished(key: VersionKey, runId: string, outcome: Outcome, finishedAtMs: number, nowMs: number, options: WindowOptions): Promise<boolean> {
    const stored = await this.redis.afHealthRunFinished(...finishedArgs(key, runId, outcome, finishedAtMs, nowMs, options));
    return stored === 1;
  }

  /**
   * Applies a batch of run starts and finishes in one pipeline (one round trip; each script is
   * atomic on its own, as when sent alone). Each item's outcome is its own reply.
   */
  async applyBatch(changes: readonly OutcomeChange[], options: WindowOptions): Promise<(Error | undefined)[]> {
    if (changes.length === 0) return [];
    const pipeline = this.redis.pipeline() as unknown as ScriptedPipeline;
    for (const c of changes) {
      if (c.kind === 'started') pipeline.afHealthRunStarted(startKey(c.key.tenantId, c.runId), runsKey(c.key), c.runId, c.atMs, options.startTtlMs);
      else pipeline.afHealthRunFinished(...finishedArgs(c.key, c.runId, c.outcome, c.atMs, c.nowMs, options));
    }
    const replies = (await pipeline.exec()) ?? [];
    return changes.map((_, i) => {
      const reply = replies[i];
      if (!reply) return new Error('no reply from Redis for a pipelined command');
      return reply[0] ?? undefined;
    });
  }

  /** The tenant's agent versions with a run finished at or after `sinceMs` (at most `limit`, latest first). */
  async versionsOf(tenantId: TenantId, sinceMs: number, limit: number, agent?: string): Promise<VersionKey[]> {
    const members = await this.redis.zrevrangebyscore(tenantIndexKey(tenantId), '+inf', String(sinceMs), 'LIMIT', 0, limit);
    const keys: VersionKey[] = [];
    for (const member of members) {
      const cut = member.lastIndexOf('|');
      const name = member.slice(0, cut);
      const version = Number(member.slice(cut + 1));
      if (cut <= 0 || !Number.isInteger(version)) continue;
      if (agent === undefined || name === agent) keys.push({ tenantId, agent: name, version });
    }
    return keys;
  }

  /** Every tenant's agent versions with a run finished at or after `sinceMs` (older index entries are pruned). */
  async activeVersions(sinceMs: number, limit: number): Promise<VersionKey[]> {
    await this.redis.zremrangebyscore(GLOBAL_INDEX, '-inf', `(${sinceMs}`);
    const members = await this.redis.zrevrangebyscore(GLOBAL_INDEX, '+inf', String(sinceMs), 'LIMIT', 0, limit);
    const keys: VersionKey[] = [];
    for (const member of members) {
      const first = member.indexOf('|');
      const last = member.lastIndexOf('|');
      const version = Number(member.slice(last + 1));
      if (first <= 0 || last <= first || !Number.isInteger(version)) continue;
      keys.push({ tenantId: member.slice(0, first) as TenantId, agent: member.slice(first + 1, last), version });
    }
    return keys;
  }

  /** The finished runs stored for each version (the window holds at most HEALTH_WINDOW_MAX_RUNS each). */
  async runsOf(keys: readonly VersionKey[]): Promise<FinishedRun[][]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hgetall(runsKey(key));
    const results = (await pipeline.exec()) ?? [];
    return keys.map((_, i) => {
      const [error, value] = results[i] ?? [null, {}];
      if (error) throw error;
      const runs: FinishedRun[] = [];
      for (const [runId, stored] of Object.entries((value ?? {}) as Record<string, string>)) {
        const run = decodeFinished(runId, stored);
        if (run) runs.push(run);
      }
      return runs;
    });
  }

  /** Claims the one publication of an unhealthy event for this version and window bucket (false: already claimed). */
  async claimUnhealthy(key: VersionKey, bucket: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(unhealthyKey(key, bucket), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Gives a claim back when the event could not be published (the next pass tries again). */
  async releaseUnhealthy(key: VersionKey, bucket: number): Promise<void> {
    await this.redis.del(unhealthyKey(key, bucket));
  }
}

/** KEYS and ARGV of the FINISHED script. */
function finishedArgs(key: VersionKey, runId: string, outcome: Outcome, finishedAtMs: number, nowMs: number, options: WindowOptions): (string | number)[] {
  return [
    startKey(key.tenantId, runId),
    windowKey(key),
    runsKey(key),
    GLOBAL_INDEX,
    tenantIndexKey(key.tenantId),
    runId,
    outcome,
    finishedAtMs,
    nowMs - options.windowMs,
    options.maxRunsPerVersion,
    options.windowMs * 2,
    `${key.tenantId}|${key.agent}|${key.version}`,
    `${key.agent}|${key.version}`,
  ];
}

const GLOBAL_INDEX = 'ho:idx';
const versionId = (key: VersionKey) => `${key.tenantId}|${key.agent}|${key.version}`;
const startKey = (tenantId: TenantId, runId: string) => `ho:st:${tenantId}:${runId}`;
const runsKey = (key: VersionKey) => `ho:r:${versionId(key)}`;
const windowKey = (key: VersionKey) => `ho:w:${versionId(key)}`;
const tenantIndexKey = (tenantId: TenantId) => `ho:t:${tenantId}`;
const unhealthyKey = (key: VersionKey, bucket: number) => `ho:unhealthy:${versionId(key)}|${bucket}`;

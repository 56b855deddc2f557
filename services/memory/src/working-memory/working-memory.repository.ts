import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { TenantId } from '@af/contracts';
import { REDIS, translateRedisError } from '@af/persistence';

export interface WorkingMemoryStart {
  attempt: number;
  workerId: string;
  startedAtMs: number;
  /** The agent the run belongs to (empty only for events from before RunStarted carried it). */
  agent: string;
}

/**
 * Writes the run's working memory unless the run already finished (a late or redelivered
 * "started" must not resurrect it) or a later attempt already wrote it. Atomic in Redis.
 */
const START_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'attempt') or '0')
if current > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'attempt', ARGV[1], 'workerId', ARGV[2], 'startedAt', ARGV[3], 'agent', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1`;

/** A run event's change to working memory. */
export type WorkingMemoryChange = { tenantId: TenantId; runId: string } & ({ kind: 'start'; start: WorkingMemoryStart } | { kind: 'finish' });

/** Working memory of running runs in Redis: hash `wm:<tenant>:<runId>`, with a TTL. */
@Injectable()
export class WorkingMemoryRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async start(tenantId: TenantId, runId: string, start: WorkingMemoryStart, ttlSeconds: number): Promise<boolean> {
    const written = await this.redis.eval(
      START_SCRIPT,
      2,
      workingKey(tenantId, runId),
      finishedKey(tenantId, runId),
      String(start.attempt),
      start.workerId,
      new Date(start.startedAtMs).toISOString(),
      start.agent,
      String(ttlSeconds),
    );
    return written === 1;
  }

  /** Deletes the run's working memory and remembers, for the TTL, that the run finished. */
  async finish(tenantId: TenantId, runId: string, ttlSeconds: number): Promise<void> {
    const replies = await this.redis.multi().set(finishedKey(tenantId, runId), '1', 'EX', ttlSeconds).del(workingKey(tenantId, runId)).exec();
    // exec() reports a failed command in its replies instead of rejecting: never let it pass silently.
    const failed = replies === null ? new Error('transaction discarded') : replies.find(([error]) => error)?.[0];
    if (failed) throw translateRedisError(failed);
  }

  /**
   * Applies a batch of starts and finishes, in order, in one MULTI (one round trip, one atomic
   * step): each item's outcome is its own reply (a failed command fails that item only).
   */
  async applyBatch(changes: readonly WorkingMemoryChange[], ttlSeconds: number): Promise<(Error | undefined)[]> {
    if (changes.length === 0) return [];
    const multi = this.redis.multi();
    const commands: number[] = [];
    for (const change of changes) {
      const key = workingKey(change.tenantId, change.runId);
      const finished = finishedKey(change.tenantId, change.runId);
      if (change.kind === 'start') {
        const s = change.start;
        multi.eval(START_SCRIPT, 2, key, finished, String(s.attempt), s.workerId, new Date(s.startedAtMs).toISOString(), s.agent, String(ttlSeconds));
        commands.push(1);
      } else {
        multi.set(finished, '1', 'EX', ttlSeconds).del(key);
        commands.push(2);
      }
    }
    const replies = await multi.exec();
    // exec() reports a failed command in its replies instead of rejecting: never let it pass silently.
    if (replies === null) throw translateRedisError(new Error('transaction discarded')) as Error;
    let at = 0;
    return commands.map((n) => {
      const failed = replies.slice(at, (at += n)).find(([error]) => error)?.[0];
      return failed ? (translateRedisError(failed) as Error) : undefined;
    });
  }

  async get(tenantId: TenantId, runId: string): Promise<Record<string, string> | null> {
    const fields = await this.redis.hgetall(workingKey(tenantId, runId));
    return Object.keys(fields).length === 0 ? null : fields;
  }

  async ttl(tenantId: TenantId, runId: string): Promise<number> {
    return this.redis.ttl(workingKey(tenantId, runId));
  }
}

const workingKey = (tenantId: TenantId, runId: string) => `wm:${tenantId}:${runId}`;
const finishedKey = (tenantId: TenantId, runId: string) => `wm-finished:${tenantId}:${runId}`;

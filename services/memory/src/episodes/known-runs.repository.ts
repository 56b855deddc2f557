import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { TenantId } from '@af/contracts';
import { MessageBus } from '@af/messaging';

export interface KnownRun {
  agent: string;
  status: string;
}

/** How long a run the orchestrator confirmed stays known here (runs are not deleted within minutes). */
const KNOWN_TTL_MS = 60_000;
const KNOWN_MAX = 10_000;

/**
 * Asks the orchestrator (the owner of runs) whether a run exists: memory records nothing for a
 * run it does not know. A run that does not exist answers NOT_FOUND (thrown as AppError: the
 * event is terminated, not retried); the orchestrator down is UNAVAILABLE/TIMEOUT (retried).
 * The episodes and graph tiers ask about the same run at about the same time: one question is
 * asked for both (in flight, shared), and a confirmed run is remembered for a minute. Only
 * existence is remembered: a NOT_FOUND or a failure is never cached.
 */
@Injectable()
export class KnownRunsRepository {
  private readonly known = new LRUCache<string, KnownRun>({ max: KNOWN_MAX, ttl: KNOWN_TTL_MS });
  private readonly asking = new Map<string, Promise<KnownRun>>();

  constructor(private readonly bus: MessageBus) {}

  requireRun(tenantId: TenantId, runId: string): Promise<KnownRun> {
    const key = `${tenantId}\u0000${runId}`;
    const cached = this.known.get(key);
    if (cached) return Promise.resolve(cached);
    let question = this.asking.get(key);
    if (!question) {
      question = this.ask(tenantId, runId).then(
        (run) => {
          this.known.set(key, run);
          this.asking.delete(key);
          return run;
        },
        (error: unknown) => {
          this.asking.delete(key);
          throw error;
        },
      );
      this.asking.set(key, question);
    }
    return question;
  }

  private async ask(tenantId: TenantId, runId: string): Promise<KnownRun> {
    const reply = await this.bus.request('af.v1.runs.get', { runId }, { tenantId });
    return { agent: reply.run?.agent ?? '', status: reply.run?.status ?? '' };
  }
}

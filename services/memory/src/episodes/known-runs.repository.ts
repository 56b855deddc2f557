import { Injectable } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { MessageBus } from '@af/messaging';

/**
 * Asks the orchestrator (the owner of runs) whether a run exists: memory records nothing for a
 * run it does not know. A run that does not exist answers NOT_FOUND (thrown as AppError: the
 * event is terminated, not retried); the orchestrator down is UNAVAILABLE/TIMEOUT (retried).
 */
@Injectable()
export class KnownRunsRepository {
  constructor(private readonly bus: MessageBus) {}

  async requireRun(tenantId: TenantId, runId: string): Promise<{ agent: string; status: string }> {
    const reply = await this.bus.request('af.v1.runs.get', { runId }, { tenantId });
    return { agent: reply.run?.agent ?? '', status: reply.run?.status ?? '' };
  }
}

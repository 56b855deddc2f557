import { Inject, Injectable } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { ErrorCode, toAppError } from '@af/errors';
import { MicroBatcher } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { Dispatcher } from '../dispatch/dispatch.service.js';
import { RunRepository, type BatchCreateResult, type BatchSubmission } from './run.repository.js';

/** Submissions one transaction records at most, and the most input JSON it carries (one statement's parameters). */
const MAX_BATCH = 128;
const MAX_BATCH_INPUT_BYTES = 4 * 1_048_576;

interface Pending {
  submission: BatchSubmission;
  /** The input as the statement will carry it (JSON text), measured once. */
  inputBytes: number;
  result?: BatchCreateResult;
}

/**
 * Group commit of run submissions. Every submission of a tenant that arrives while that tenant's
 * previous batch commits joins the next one (MicroBatcher: no timer — a lone submission waits for
 * nothing); each batch is one transaction (RunRepository.createMany: admission, keys, runs and
 * their first transitions). A submission's promise settles only after its batch committed, so a
 * 202 still means the run is durably recorded. If a batch fails as a whole, each of its
 * submissions is tried again alone: one submission's failure is never another's.
 */
@Injectable()
export class RunIntake {
  private readonly batchers = new Map<TenantId, MicroBatcher<Pending>>();

  constructor(
    private readonly runs: RunRepository,
    private readonly dispatcher: Dispatcher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Records one submission (after its batch committed); refusals are thrown as the dispatcher words them. */
  async submit(tenantId: TenantId, submission: BatchSubmission): Promise<Exclude<BatchCreateResult, { kind: 'refused' }>> {
    let batcher = this.batchers.get(tenantId);
    if (!batcher) {
      batcher = new MicroBatcher<Pending>((items) => this.write(tenantId, items), { maxSize: MAX_BATCH, maxWeight: MAX_BATCH_INPUT_BYTES, weigh: (p) => p.inputBytes });
      this.batchers.set(tenantId, batcher);
    }
    const pending: Pending = { submission, inputBytes: submission.inputJson?.length ?? 0 };
    try {
      await batcher.add(pending);
    } finally {
      // An idle tenant's batcher is dropped (nothing pending, no flush running): the map stays bounded by active tenants.
      if (batcher.waiting === 0 && !batcher.busy) this.batchers.delete(tenantId);
    }
    const result = pending.result!;
    if (result.kind === 'refused') throw this.dispatcher.refusal(result.waiting);
    return result;
  }

  private async write(tenantId: TenantId, items: Pending[]): Promise<(Error | undefined)[]> {
    const { maxWaiting, waitingWhere } = this.dispatcher.admission();
    try {
      const results = await this.runs.createMany(tenantId, items.map((p) => p.submission), maxWaiting, waitingWhere);
      items.forEach((p, i) => (p.result = results[i]));
      return items.map(() => undefined);
    } catch (error) {
      // The database away (UNAVAILABLE/TIMEOUT) fails every submission alike: answered at once
      // (503), not retried one by one — that would hold a batch of clients for a timeout each.
      const code = toAppError(error).code;
      if (items.length === 1 || code === ErrorCode.Unavailable || code === ErrorCode.Timeout) throw error;
      this.logger.warn({ tenantId, size: items.length, err: error }, 'a batch of submissions failed; each is tried alone');
      const outcomes: (Error | undefined)[] = [];
      for (const p of items) {
        try {
          p.result = (await this.runs.createMany(tenantId, [p.submission], maxWaiting, waitingWhere))[0];
          outcomes.push(undefined);
        } catch (alone) {
          outcomes.push(alone instanceof Error ? alone : new Error(String(alone)));
        }
      }
      return outcomes;
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ReserveBudgetReply, ReserveBudgetRequestSchema, SettleBudgetReply, SettleBudgetRequestSchema, TenantId } from '@af/contracts';
import { MessageBus } from '@af/messaging';

export type ReserveBudget = MessageInitShape<typeof ReserveBudgetRequestSchema>;
export type SettleBudget = MessageInitShape<typeof SettleBudgetRequestSchema>;

/**
 * Budgets seen from the worker: reserve a call's worst case before it (`af.v1.budgets.reserve`)
 * and settle it with the real usage after (`af.v1.budgets.settle`), both idempotent on the model
 * step id at the metering service. Errors are AppErrors: UNAVAILABLE/TIMEOUT when metering cannot
 * answer — the caller retries (the run waits), never calls the model unchecked.
 */
@Injectable()
export class BudgetClient {
  constructor(private readonly bus: MessageBus) {}

  reserve(tenantId: TenantId, request: ReserveBudget): Promise<ReserveBudgetReply> {
    return this.bus.request('af.v1.budgets.reserve', request, { tenantId });
  }

  settle(tenantId: TenantId, request: SettleBudget): Promise<SettleBudgetReply> {
    return this.bus.request('af.v1.budgets.settle', request, { tenantId });
  }
}

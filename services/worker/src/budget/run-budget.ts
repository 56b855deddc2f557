import type { TenantId } from '@af/contracts';
import type { DependencyCall } from '../journal/run-steps.js';
import type { PlannedCall, Refusal, SettledCall } from '../models/model-router.js';
import type { WorkerMetrics } from '../worker.metrics.js';
import type { BudgetClient } from './budget.client.js';

/** The run the budgets are checked for. */
export interface BudgetedRun {
  tenantId: TenantId;
  runId: string;
  agent: string;
  /** artifact.model.maxCostUsdPerRun (null: no per-run budget). */
  maxCostUsdPerRun: number | null;
}

/** USD for messages: enough digits for sub-cent calls, no float noise. */
export function usd(value: number): string {
  return `${Number(value.toPrecision(6))} USD`;
}

/**
 * The budgets of one run, checked before each call of a priced model (inside its step, so a
 * refusal is journaled) and settled after it:
 * 1. the run's own budget (maxCostUsdPerRun): what all its attempts cost so far + this call's
 *    worst case must stay within it;
 * 2. the tenant's and agent's budgets at the metering service: the worst case is reserved
 *    (idempotent on the step id) through `dependency` — metering away makes the run wait and
 *    retry, never skips the check; past the retry deadline the run is handed back. A worst case
 *    of 0 USD (a free model) reserves nothing: it cannot exceed any budget.
 * After the call (live or replayed) the reservation is settled with the real tokens and cost.
 */
export class RunBudget {
  /** Estimates of this delivery's live calls, by step id (for the estimate-vs-actual metric). */
  private readonly estimates = new Map<string, number>();

  constructor(
    private readonly run: BudgetedRun,
    private readonly spentUsd: () => number,
    private readonly client: BudgetClient,
    private readonly dependency: DependencyCall,
    private readonly metrics: WorkerMetrics,
  ) {}

  async beforeCall(call: PlannedCall): Promise<Refusal | null> {
    const { estimate } = call;
    const worstCase = `this call's worst-case estimate ${usd(estimate.estimateUsd)} (${estimate.inputTokens} prompt tokens + ${estimate.maxOutputTokens} max output tokens of ${call.entry})`;
    const common = { estimateUsd: estimate.estimateUsd, estimatedInputTokens: estimate.inputTokens, maxOutputTokens: estimate.maxOutputTokens, route: call.entry };
    const max = this.run.maxCostUsdPerRun;
    const spent = this.spentUsd();
    if (max !== null && spent + estimate.estimateUsd > max) {
      this.metrics.budgetRefusals.inc({ scope: 'run' });
      return {
        scope: 'run',
        message: `the run budget (maxCostUsdPerRun ${usd(max)}) would be exceeded: spent ${usd(spent)} + ${worstCase}`,
        path: '/spec/model/maxCostUsdPerRun',
        details: { scope: 'run', agent: this.run.agent, period: 'run', limitUsd: max, spentUsd: spent, reservedUsd: 0, ...common },
      };
    }
    // A call whose worst case costs nothing (a provider priced 0 for input and output: a local
    // model) cannot take a budget past its limit: nothing to reserve, and no round trip to the
    // metering service, whose reservations of one tenant take the same counter locks one after
    // another (issue 13 (f): a free 1 s model's runs waited there longer than on the model). Its
    // usage (tokens, calls) is still recorded: afterCall settles it, and metering books a settle
    // without a reservation in the periods of the call's time.
    if (estimate.estimateUsd === 0) return null;
    const reply = await this.dependency(`reserve budget ${call.stepId}`, () =>
      this.client.reserve(this.run.tenantId, {
        reservationId: call.stepId,
        runId: this.run.runId,
        agent: this.run.agent,
        provider: call.provider,
        model: call.model,
        estimateUsd: estimate.estimateUsd,
        estimatedInputTokens: estimate.inputTokens,
        maxOutputTokens: estimate.maxOutputTokens,
      }),
    );
    if (reply.granted) {
      this.estimates.set(call.stepId, estimate.estimateUsd);
      this.metrics.modelEstimatedCost.inc({ provider: call.provider, model: call.model }, estimate.estimateUsd);
      return null;
    }
    const budget = reply.refusedBy;
    const scope = budget?.scope || 'tenant';
    this.metrics.budgetRefusals.inc({ scope });
    const name = budget ? `the ${scope === 'agent' ? `agent "${budget.agent}"` : 'tenant'}'s ${budget.period === 'day' ? 'daily' : 'monthly'} budget of ${usd(budget.limitUsd)}` : 'a budget';
    const standing = budget ? `spent ${usd(budget.spentUsd)} + reserved ${usd(budget.reservedUsd)} + ` : '';
    return {
      scope,
      message: `${name} would be exceeded: ${standing}${worstCase}`,
      path: `/spec/model/route/${call.index}`,
      details: {
        scope,
        agent: budget?.agent ?? '',
        period: budget?.period ?? '',
        limitUsd: budget?.limitUsd ?? 0,
        spentUsd: budget?.spentUsd ?? 0,
        reservedUsd: budget?.reservedUsd ?? 0,
        periodStart: budget?.periodStart ?? '',
        ...common,
      },
    };
  }

  async afterCall(call: SettledCall): Promise<void> {
    await this.dependency(`settle budget ${call.stepId}`, () =>
      this.client.settle(this.run.tenantId, {
        reservationId: call.stepId,
        runId: this.run.runId,
        agent: this.run.agent,
        provider: call.provider,
        model: call.model,
        outcome: call.outcome,
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        cachedInputTokens: call.cachedInputTokens,
        costUsd: call.costUsd,
        at: call.at,
      }),
    );
    const estimate = this.estimates.get(call.stepId);
    this.estimates.delete(call.stepId);
    if (estimate && call.outcome === 'ok') this.metrics.modelCostOfEstimate.observe({ provider: call.provider }, call.costUsd / estimate);
  }
}

import { describe, expect, it, jest } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { MetricsRegistry } from '@af/observability';
import { WorkerMetrics } from '../worker.metrics.js';
import type { BudgetClient } from './budget.client.js';
import { RunBudget } from './run-budget.js';

const tenantId = parseTenantId('acme');
const planned = (estimateUsd: number) => ({ stepId: 'run-1/1', index: 0, entry: 'local/m1', provider: 'local', model: 'm1', estimate: { inputTokens: 40, maxOutputTokens: 1_000, estimateUsd } });
const settled = { stepId: 'run-1/1', provider: 'local', model: 'm1', outcome: 'ok' as const, inputTokens: 40, outputTokens: 5, cachedInputTokens: 0, costUsd: 0, at: '2026-11-25T00:00:00.000Z' };

function setup() {
  const reserve = jest.fn(async (_tenant: unknown, _request: unknown) => ({ granted: true, reservationId: 'run-1/1', estimateUsd: 0.01, expiresInMs: 60_000n }));
  const settle = jest.fn(async (_tenant: unknown, _request: unknown) => ({ reservationId: 'run-1/1', recorded: true }));
  const client = { reserve, settle } as unknown as BudgetClient;
  const sut = new RunBudget({ tenantId, runId: 'run-1', agent: 'a1', maxCostUsdPerRun: 0.05 }, () => 0, client, (_what, call) => call(), new WorkerMetrics(new MetricsRegistry('worker-test')));
  return { sut, reserve, settle };
}

describe(RunBudget.name, () => {
  it('reserves the worst case of a priced call at the metering service before it is made', async () => {
    const { sut, reserve } = setup();
    await expect(sut.beforeCall(planned(0.01))).resolves.toBeNull();
    expect(reserve).toHaveBeenCalledWith(tenantId, expect.objectContaining({ reservationId: 'run-1/1', estimateUsd: 0.01 }));
  });

  it('reserves nothing for a call whose worst case is 0 USD (a free model), and still settles its usage', async () => {
    const { sut, reserve, settle } = setup();
    await expect(sut.beforeCall(planned(0))).resolves.toBeNull();
    expect(reserve).not.toHaveBeenCalled();
    await sut.afterCall(settled);
    expect(settle).toHaveBeenCalledWith(tenantId, expect.objectContaining({ reservationId: 'run-1/1', inputTokens: 40, outputTokens: 5, costUsd: 0 }));
  });

  it('still refuses a call the run budget cannot hold, before asking metering', async () => {
    const { sut, reserve } = setup();
    await expect(sut.beforeCall(planned(0.06))).resolves.toMatchObject({ scope: 'run', path: '/spec/model/maxCostUsdPerRun' });
    expect(reserve).not.toHaveBeenCalled();
  });
});

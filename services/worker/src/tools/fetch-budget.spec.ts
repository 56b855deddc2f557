import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MessageBus } from '@af/messaging';
import { MetricsRegistry, createLogger } from '@af/observability';
import { WorkerMetrics } from '../worker.metrics.js';
import { ToolBridges } from './bridges.js';
import { RunFetchBudget, type FetchBudgetLimits } from './fetch-budget.js';
import { SafeFetch } from './safe-fetch.js';
import { Sandbox } from './sandbox.js';
import { SecretRedaction } from '../secrets/secret-redaction.js';
import { SecretsRepository } from '../secrets/secrets.repository.js';

/** Tool code as the compiler emits it: an IIFE assigning the module namespace to `__af_tool`. */
const tool = (body: string) => ({ name: 'fan_out', globalName: '__af_tool', code: `var __af_tool = (() => { const exports = {}; exports.default = ${body}; return exports; })();` });

/** Fetches `n` URLs at once from tool code and reports each outcome as the tool saw it. */
const fanOut = tool(`async ({ url, n }) => {
  const settled = await Promise.allSettled(Array.from({ length: n }, () => fetch(url).then((r) => r.text())));
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok:' + s.value.length : 'rejected:' + s.reason.message));
}`);

describe('fetch fan-out and byte budget, enforced in the sandbox', () => {
  let server: http.Server;
  let port = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  let served = 0;
  const sandbox = new Sandbox({ memoryLimitMb: 32, timeoutMs: 5_000, cpuTimeMs: 2_000, maxIsolates: 2, maxResultBytes: 100_000 });
  const bridges = new ToolBridges(new SafeFetch({ maxResponseBytes: 1_048_576, maxRequestBytes: 1_024, timeoutMs: 3_000, maxRedirects: 0, unsafeAllowAddressesForTests: ['127.0.0.1'] }, async () => [{ address: '127.0.0.1', family: 4 }]), {} as MessageBus, new WorkerMetrics(new MetricsRegistry('worker')), createLogger('worker', 'silent'), new SecretsRepository({} as MessageBus), new SecretRedaction());
  const limits: FetchBudgetLimits = { maxConcurrentPerCall: 4, maxFetchesPerRun: 64, maxBytesPerRun: 8 * 1_048_576, maxResponseBytes: 1_048_576 };
  const call = (budget: RunFetchBudget, n: number, path = '/slow') =>
    sandbox.call('k', fanOut, { url: `http://api.test:${port}${path}`, n }, bridges.forCall({ tenantId: 't', runId: 'r', agent: 'a', artifactHash: 'h', stepId: 'run-1/2', tool: 'fan_out', fetchBudget: budget }, { allowHosts: ['api.test'] })) as Promise<string[]>;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      served++;
      maxConcurrent = Math.max(maxConcurrent, ++concurrent);
      const size = req.url === '/kb' ? 1_000 : 10;
      setTimeout(() => {
        concurrent--;
        res.end('x'.repeat(size));
      }, req.url === '/slow' ? 150 : 0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    sandbox.dispose();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('rejects fetches over the per-call concurrency at once, with a message the tool sees', async () => {
    served = 0;
    const outcomes = await call(new RunFetchBudget(limits), 12);
    expect(outcomes.filter((o) => o === 'ok:10')).toHaveLength(4);
    expect(outcomes.filter((o) => o.startsWith('rejected:'))).toEqual(Array(8).fill('rejected:fetch refused: more than 4 fetches at once from one tool call'));
    expect(maxConcurrent).toBe(4);
    expect(served).toBe(4);
  });

  it('stops a run at its byte budget and at its number of fetches, across tool calls', async () => {
    const bytes = new RunFetchBudget({ ...limits, maxBytesPerRun: 2_500 });
    // A fetch reserves up to what is left, so two at once cannot together read past the budget.
    expect(await call(bytes, 2, '/kb')).toEqual(['ok:1000', 'rejected:fetch refused: this run has read its budget of 2500 response bytes']);
    expect(await call(bytes, 1, '/kb')).toEqual(['ok:1000']);
    // 500 bytes left: the next 1 000-byte response is cut off, and nothing more than the budget is read.
    expect(await call(bytes, 1, '/kb')).toEqual(["rejected:fetch refused: response is larger than 500 bytes (what is left of the run's fetch budget)"]);
    expect(bytes.bytesUsed).toBe(2_000);

    const count = new RunFetchBudget({ ...limits, maxFetchesPerRun: 5 });
    expect(await call(count, 3, '/fast')).toEqual(['ok:10', 'ok:10', 'ok:10']);
    expect(await call(count, 3, '/fast')).toEqual(['ok:10', 'ok:10', 'rejected:fetch refused: this run has made its 5 fetches (the per-run limit)']);
    expect(count.fetchCount).toBe(5);
  });
});

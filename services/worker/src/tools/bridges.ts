import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { MessageBus } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { WorkerMetrics } from '../worker.metrics.js';
import { NetworkRefused, SafeFetch, type FetchRequest } from './safe-fetch.js';
import type { SandboxBridge } from './sandbox.js';
import type { ToolContext } from './tool.js';

const MAX_RECALL = 20;
const DEFAULT_RECALL = 5;
const RECALL_TIMEOUT_MS = 2_000;

type Outcome = 'ok' | 'refused' | 'error';

/**
 * The capabilities tool code gets, and nothing else: `fetch` (through SafeFetch, limited to the
 * blueprint's `spec.network.allowHosts`) and `memory.recall` (the episodes of the run's own
 * tenant and agent, read only). Every call is audited: one log line with run, tool, bridge,
 * target and outcome, and `af_worker_sandbox_bridge_calls_total{bridge, outcome}`.
 */
@Injectable()
export class ToolBridges {
  constructor(
    private readonly network: SafeFetch,
    private readonly bus: MessageBus,
    private readonly metrics: WorkerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The host side of the bridges for one tool call. */
  forCall(ctx: ToolContext & { tool: string }, allowHosts: readonly string[]): SandboxBridge {
    let inFlight = 0;
    return async (bridge, payloadJson, signal) => {
      const payload = JSON.parse(payloadJson) as Record<string, unknown>;
      switch (bridge) {
        case 'fetch':
          return this.audited(ctx, bridge, targetOf(payload), async () => {
            // Bounded fan-out: over the limit the call is rejected at once (no queue, no buffer).
            const limit = ctx.fetchBudget.limits.maxConcurrentPerCall;
            if (inFlight >= limit) throw new NetworkRefused(`more than ${limit} fetches at once from one tool call`);
            const reservation = ctx.fetchBudget.reserve();
            inFlight++;
            let used = 0;
            try {
              const answer = await this.fetch(payload, allowHosts, signal, reservation.maxBytes, ctx.stepId);
              used = answer.bodyBytes;
              return answer.json;
            } finally {
              inFlight--;
              reservation.settle(used);
            }
          });
        case 'memory.recall':
          return this.audited(ctx, bridge, ctx.agent, () => this.recall(ctx, payload));
        default:
          return this.audited(ctx, bridge, '', () => Promise.reject(new NetworkRefused(`unknown bridge ${bridge}`)));
      }
    };
  }

  /**
   * Every request carries the call's journal step id as `Idempotency-Key` (unless the tool set
   * one): a step repeated after a crash sends the same key, so an idempotent receiver applies it once.
   */
  private async fetch(payload: Record<string, unknown>, allowHosts: readonly string[], signal: AbortSignal, maxBytes: number, stepId: string): Promise<{ json: string; bodyBytes: number }> {
    const init = (payload['init'] ?? {}) as Record<string, unknown>;
    const given = init['headers'];
    const headers: Record<string, string> = given !== null && typeof given === 'object' && !Array.isArray(given) ? Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)])) : {};
    if (stepId && !Object.keys(headers).some((k) => k.toLowerCase() === 'idempotency-key')) headers['idempotency-key'] = stepId;
    const request: FetchRequest = {
      url: String(payload['url'] ?? ''),
      ...(typeof init['method'] === 'string' ? { method: init['method'] } : {}),
      headers,
      ...(typeof init['body'] === 'string' ? { body: init['body'] } : {}),
    };
    const response = await this.network.fetch(request, allowHosts, signal, maxBytes);
    return { json: JSON.stringify(response), bodyBytes: Buffer.byteLength(response.body, 'utf8') };
  }

  private async recall(ctx: ToolContext, payload: Record<string, unknown>): Promise<string> {
    const limit = typeof payload['limit'] === 'number' && Number.isInteger(payload['limit']) ? Math.min(Math.max(payload['limit'], 1), MAX_RECALL) : DEFAULT_RECALL;
    const query = typeof payload['query'] === 'string' ? payload['query'].slice(0, 200) : '';
    const reply = await this.bus.request('af.v1.memory.episodes.list', { agent: ctx.agent, limit, query }, { tenantId: ctx.tenantId, timeoutMs: RECALL_TIMEOUT_MS });
    return JSON.stringify(reply.episodes.map((e) => ({ runId: e.runId, summary: e.summary, outcome: e.outcome, occurredAt: e.occurredAt, version: e.version })));
  }

  private async audited(ctx: ToolContext & { tool: string }, bridge: string, target: string, run: () => Promise<string>): Promise<string> {
    const started = performance.now();
    let outcome: Outcome = 'ok';
    try {
      return await run();
    } catch (error) {
      outcome = error instanceof NetworkRefused ? 'refused' : 'error';
      throw new Error(`${bridge} ${outcome === 'refused' ? 'refused' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      this.metrics.bridgeCalls.inc({ bridge, outcome });
      this.logger.info({ audit: 'sandbox.bridge', runId: ctx.runId, agent: ctx.agent, tool: ctx.tool, bridge, target, outcome, ms: performance.now() - started }, `sandbox bridge ${bridge} ${outcome}`);
    }
  }
}

/** What a fetch is aimed at, for the audit log (scheme, host and path; no query string). */
function targetOf(payload: Record<string, unknown>): string {
  try {
    const url = new URL(String(payload['url']));
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return String(payload['url']).slice(0, 200);
  }
}

import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { credentialHeadersFor } from '@af/blueprint-format';
import { parseTenantId, type ArtifactCredential } from '@af/contracts';
import { MessageBus } from '@af/messaging';
import { LOGGER, type Logger } from '@af/observability';
import { SecretRedaction } from '../secrets/secret-redaction.js';
import { SecretsRepository } from '../secrets/secrets.repository.js';
import { memoryAccessOf } from '../memory/memory-access.js';
import { MemoryRefused, RunMemory } from '../memory/run-memory.js';
import { WorkerMetrics } from '../worker.metrics.js';
import { isDependencyFailure } from '../journal/dependency-retry.js';
import { NetworkRefused, SafeFetch, type FetchRequest } from './safe-fetch.js';
import type { SandboxBridge } from './sandbox.js';
import type { ToolContext } from './tool.js';

const MAX_RECALL = 20;
const DEFAULT_RECALL = 5;
const RECALL_TIMEOUT_MS = 2_000;

type Outcome = 'ok' | 'refused' | 'error';

/** What a tool call may reach: the blueprint's `spec.network` as compiled into the artifact. */
export interface ToolNetwork {
  allowHosts: readonly string[];
  credentials?: readonly ArtifactCredential[];
}

/**
 * The capabilities tool code gets, and nothing else: `fetch` (through SafeFetch, limited to the
 * blueprint's `spec.network.allowHosts`), `memory.recall` (the episodes of the run's own
 * tenant and agent, read only), `memory.remember` and `memory.search` (af.v1.memory.store/search
 * under the run's memory scope: access level, team, read-only — see memory/run-memory.ts). Every call is audited: one log line with run, tool, bridge,
 * target and outcome, and `af_worker_sandbox_bridge_calls_total{bridge, outcome}`.
 *
 * A fetch to a host of a `spec.network.credentials` entry gets that entry's headers, their values
 * resolved from the secrets service (once per tool call: the values live as long as the call)
 * and registered with the run's SecretRedaction. Tool code never sees them: it gets the response.
 */
@Injectable()
export class ToolBridges {
  constructor(
    private readonly network: SafeFetch,
    private readonly bus: MessageBus,
    private readonly metrics: WorkerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly secrets: SecretsRepository,
    private readonly redaction: SecretRedaction,
    // Absent only where a test builds bridges without memory: its memory.remember/search then fail as errors.
    @Optional() private readonly memory?: RunMemory,
  ) {}

  /** The host side of the bridges for one tool call. */
  forCall(ctx: ToolContext & { tool: string }, network: ToolNetwork): SandboxBridge {
    let inFlight = 0;
    // memory.remember calls of this tool call: the n-th is stored once under `<stepId>#<n>` (a repeated step repeats the same keys).
    let remembered = 0;
    const access = ctx.memory ?? memoryAccessOf(undefined, ctx.agent, {});
    // The secret values of this call (one journal step): resolved on first use, gone with the call.
    const values = new Map<string, Promise<string>>();
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
              const answer = await this.fetch(payload, network, signal, reservation.maxBytes, ctx, values);
              used = answer.bodyBytes;
              return answer.json;
            } finally {
              inFlight--;
              reservation.settle(used);
            }
          });
        case 'memory.recall':
          return this.audited(ctx, bridge, ctx.agent, () => platform(ctx, this.recall(ctx, payload)));
        case 'memory.remember': {
          const key = `${ctx.stepId}#${++remembered}`;
          return this.audited(ctx, bridge, access.agent, () => platform(ctx, this.memoryOrFail().remember(ctx.tenantId, access, payload, key)));
        }
        case 'memory.search':
          return this.audited(ctx, bridge, access.agent, () => platform(ctx, this.memoryOrFail().search(ctx.tenantId, access, payload, ctx.workingScope ?? { scope: 'run', scopeId: ctx.runId })));
        default:
          return this.audited(ctx, bridge, '', () => Promise.reject(new NetworkRefused(`unknown bridge ${bridge}`)));
      }
    };
  }

  /**
   * Every request carries the call's journal step id as `Idempotency-Key` (unless the tool set
   * one): a step repeated after a crash sends the same key, so an idempotent receiver applies it once.
   */
  private async fetch(
    payload: Record<string, unknown>,
    network: ToolNetwork,
    signal: AbortSignal,
    maxBytes: number,
    ctx: ToolContext,
    values: Map<string, Promise<string>>,
  ): Promise<{ json: string; bodyBytes: number }> {
    const init = (payload['init'] ?? {}) as Record<string, unknown>;
    const given = init['headers'];
    let headers: Record<string, string> = given !== null && typeof given === 'object' && !Array.isArray(given) ? Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)])) : {};
    if (ctx.stepId && !Object.keys(headers).some((k) => k.toLowerCase() === 'idempotency-key')) headers['idempotency-key'] = ctx.stepId;
    const url = String(payload['url'] ?? '');
    const credentials = credentialHeadersFor(hostOf(url), network.credentials);
    if (credentials.size > 0) {
      // The platform's headers replace same-named ones the tool set (any case).
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !credentials.has(k.toLowerCase())));
      const resolved = await platform(ctx, this.secretValues(ctx, [...new Set([...credentials.values()].map((c) => c.secret))], values));
      for (const [name, { secret, prefix }] of credentials) headers[name] = prefix + (resolved.get(secret) as string);
    }
    const request: FetchRequest = {
      url,
      ...(typeof init['method'] === 'string' ? { method: init['method'] } : {}),
      headers,
      ...(typeof init['body'] === 'string' ? { body: init['body'] } : {}),
      // Never carried to another origin by a redirect.
      ...(credentials.size > 0 ? { credentialHeaders: [...credentials.keys()] } : {}),
    };
    const response = await this.network.fetch(request, network.allowHosts, signal, maxBytes);
    return { json: JSON.stringify(response), bodyBytes: Buffer.byteLength(response.body, 'utf8') };
  }

  /** The values of `names`, resolved once per tool call (in one request for those not yet known), registered for redaction. */
  private async secretValues(ctx: ToolContext, names: string[], values: Map<string, Promise<string>>): Promise<Map<string, string>> {
    const unknown = names.filter((n) => !values.has(n));
    if (unknown.length > 0) {
      const batch = this.secrets.resolve(parseTenantId(ctx.tenantId), unknown, { runId: ctx.runId, stepId: ctx.stepId }).then((resolved) => {
        for (const [name, value] of resolved) this.redaction.register(ctx.runId, name, value);
        return resolved;
      });
      for (const name of unknown) values.set(name, batch.then((resolved) => resolved.get(name) as string));
      // A failed resolve is not kept: the next fetch of the call asks again.
      batch.catch(() => {
        for (const name of unknown) values.delete(name);
      });
    }
    return new Map(await Promise.all(names.map(async (n) => [n, await (values.get(n) as Promise<string>)] as const)));
  }

  private memoryOrFail(): RunMemory {
    if (!this.memory) throw new Error('the memory bridges are not available in this worker');
    return this.memory;
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
      outcome = error instanceof NetworkRefused || error instanceof MemoryRefused ? 'refused' : 'error';
      throw new Error(`${bridge} ${outcome === 'refused' ? 'refused' : 'failed'}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      this.metrics.bridgeCalls.inc({ bridge, outcome });
      this.logger.info({ audit: 'sandbox.bridge', runId: ctx.runId, agent: ctx.agent, tool: ctx.tool, bridge, target, outcome, ms: performance.now() - started }, `sandbox bridge ${bridge} ${outcome}`);
    }
  }
}

/**
 * A call to the platform itself (memory service, secrets service) on behalf of tool code: when it
 * fails because the platform is away (UNAVAILABLE / TIMEOUT), the call's `platformOutage` slot
 * records it — whatever the tool code then does with the error, the executor hands the run back
 * instead of storing the step's outcome (agent-executor.ts). An outage of ours never fails a run.
 */
async function platform<T>(ctx: ToolContext, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (ctx.platformOutage && isDependencyFailure(error)) ctx.platformOutage.error ??= error;
    throw error;
  }
}

/** The host name a URL is aimed at ('' when it is no URL: SafeFetch refuses it). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return '';
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

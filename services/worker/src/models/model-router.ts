import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { AppError, ErrorCode } from '@af/errors';
import type { JsonValue } from '../artifacts/artifact.js';
import { StepFailure, type RunSteps } from '../journal/run-steps.js';
import { SecretsRepository } from '../secrets/secrets.repository.js';
import { WorkerMetrics } from '../worker.metrics.js';
import { estimateCall, type CallEstimate } from '../budget/estimate.js';
import { MODEL_PROVIDERS, ModelCallError, type CallFailure, type ChatMessage, type CompletionRequest, type CompletionResult, type ModelProvider } from './model-provider.js';

/** How the router treats failures (MODEL_* variables). */
export interface RouterSettings {
  /** Consecutive transport failures (timeout, 5xx, connection) that open an endpoint's circuit. */
  breakerFailures: number;
  /** How long an open circuit skips its endpoint before one half-open probe. */
  breakerCooldownMs: number;
  /** A 429 asking to wait at most this long is retried once on the same entry; longer: next entry. */
  retryAfterMaxMs: number;
}

export const ROUTER_SETTINGS = Symbol.for('af.worker.routerSettings');
const DEFAULT_SETTINGS: RouterSettings = { breakerFailures: 5, breakerCooldownMs: 30_000, retryAfterMaxMs: 2_000 };

export type AttemptOutcome = 'ok' | CallFailure | 'circuit_open' | 'budget_exceeded';

/** A call of a priced provider about to be made (inside its step, before the network call). */
export interface PlannedCall {
  stepId: string;
  /** The route entry's index (for the error path /spec/model/route/<i>). */
  index: number;
  entry: string;
  provider: string;
  model: string;
  estimate: CallEstimate;
}

/** A budget that refused a call: stored as the attempt's step result, so a redelivery fails the same way without calling. */
export interface Refusal {
  /** run | tenant | agent */
  scope: string;
  message: string;
  path: string;
  details: Record<string, JsonValue>;
}

/** A metered attempt after its call (live or replayed): what the budget reservation is settled with. */
export interface SettledCall {
  stepId: string;
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  /** When the call was made (RFC 3339). */
  at: string;
}

/** What a run adds around each attempt: budgets before, settlement after, usage as it accrues, the streamed answer. */
export interface AttemptHooks {
  /** Before the network call of a priced provider: null to go ahead, else why not. Throwing (e.g. metering away) leaves the step open. */
  beforeCall(call: PlannedCall): Promise<Refusal | null>;
  /** After each attempt of a priced provider that was not refused, live or replayed (settling is idempotent on the step id). */
  afterCall(call: SettledCall): Promise<void>;
  /** Each attempt as it is known (refused ones included), in order. */
  onAttempt(attempt: ModelAttempt): void;
  /** Where a live attempt's answer text streams to (closed after the call). */
  stream(stepId: string, route: string): { push(text: string): void; close(): void } | undefined;
}

/** One model call attempt: one `model` step of the run's journal (ModelCall in runs.proto). */
export interface ModelAttempt {
  route: string;
  outcome: AttemptOutcome;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  durationMs: number;
  error: string;
  stepId: string;
}

export interface RoutedCompletion {
  result: CompletionResult;
  provider: string;
  model: string;
  /** Every attempt of this completion, in order (failed ones and repairs before the one that served). */
  attempts: ModelAttempt[];
}

/** What a successful attempt's step stores: the provider's answer, or a budget's refusal made before any call. */
type StoredAttempt = { result: CompletionResult; durationMs: number; at?: string; refused?: undefined } | { refused: Refusal; estimate: CallEstimate; result?: undefined };

const OUTCOMES = new Set<string>(['rate_limited', 'timeout', 'unavailable', 'refused', 'output_invalid', 'circuit_open']);
/** Failures that say the endpoint is unwell (they count towards opening its circuit). */
const BREAKER_FAILURES = new Set<CallFailure>(['timeout', 'unavailable']);

/**
 * Serves a completion along the blueprint's `model.route` (a fallback chain of `provider/model`).
 * Each attempt is a `model` step of the run's journal (named after its entry), so a redelivered
 * run replays the attempts it has — the failed ones too, so it falls back the same way — and
 * never calls a model again for a step it already has. An entry is given up for the next on a
 * timeout, a 429 (after one wait when retry-after is short), a 5xx or connection error, a circuit
 * that is open, or an answer that still fails the output schema after one repair attempt (the
 * validation error fed back). A 4xx (bad key, unknown model) fails the run; an unknown provider
 * or model fails it before any call.
 *
 * Circuit breakers (cockatiel: consecutive-failure breaker, half-open probe after a cool-down)
 * are per provider endpoint: while a circuit is open — or half-open with its probe in flight —
 * the entry is skipped at once instead of waiting for a timeout.
 */
@Injectable()
export class ModelRouter {
  private readonly providers: Map<string, ModelProvider>;
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly settings: RouterSettings;

  constructor(
    @Inject(MODEL_PROVIDERS) providers: ModelProvider[],
    private readonly metrics: WorkerMetrics,
    @Optional() @Inject(ROUTER_SETTINGS) settings?: RouterSettings,
    @Optional() private readonly secrets?: SecretsRepository,
  ) {
    this.providers = new Map(providers.map((p) => [p.name, p]));
    this.settings = settings ?? DEFAULT_SETTINGS;
    for (const p of providers) if (p.endpoint) this.breakerOf(p);
  }

  /**
   * `validate` returns the output schema's violations of a final answer (null: valid).
   * Throws PRECONDITION_FAILED (route/configuration: nothing could serve) or OUTPUT_INVALID
   * (every entry's answer failed the output schema, repair included).
   */
  async complete(route: readonly string[], request: Omit<CompletionRequest, 'model'>, steps: RunSteps, validate: (output: JsonValue) => string | null, hooks?: AttemptHooks): Promise<RoutedCompletion> {
    const entries = route.map((entry, i) => this.resolve(entry, i));
    if (entries.length === 0) throw new AppError(ErrorCode.PreconditionFailed, 'the model route is empty', { path: '/spec/model/route' });
    const attempts: ModelAttempt[] = [];
    let lastInvalid: string | undefined;
    for (const { entry, provider, model, index } of entries) {
      const first = await this.attempt(entry, index, provider, { ...request, model }, steps, false, hooks);
      attempts.push(first.attempt);
      let served = first.result;
      let reason: AttemptOutcome = first.attempt.outcome;
      let problem = first.attempt.error;
      if (served?.kind === 'final') {
        const violations = validate(served.output);
        if (violations) {
          reason = 'output_invalid';
          problem = `output does not match the output schema: ${violations}`;
          first.attempt.outcome = 'output_invalid';
          first.attempt.error = problem;
          served = undefined;
        }
      }
      if (reason === 'output_invalid') {
        // One repair: the same entry sees its answer and what is wrong with it.
        const answer: ChatMessage[] = first.result?.kind === 'final' ? [{ role: 'assistant', content: JSON.stringify(first.result.output), toolCalls: [] }] : [];
        const messages: ChatMessage[] = [...request.messages, ...answer, { role: 'user', content: `Your answer was rejected: ${problem}. Reply again with the corrected JSON only.` }];
        const repair = await this.attempt(entry, index, provider, { ...request, messages, model }, steps, true, hooks);
        attempts.push(repair.attempt);
        served = repair.result;
        reason = repair.attempt.outcome;
        problem = repair.attempt.error;
        if (served?.kind === 'final') {
          const violations = validate(served.output);
          if (violations) {
            reason = 'output_invalid';
            problem = `output does not match the output schema after a repair attempt: ${violations}`;
            repair.attempt.outcome = 'output_invalid';
            repair.attempt.error = problem;
            served = undefined;
          }
        }
      }
      if (served) return { result: served, provider: provider.name, model, attempts };
      if (reason === 'refused') {
        throw new AppError(ErrorCode.PreconditionFailed, `model route entry ${entry} refused the request: ${problem}`, { path: '/spec/model/route', details: { attempts: attempts as unknown as JsonValue } });
      }
      if (reason === 'output_invalid') lastInvalid = problem;
      this.metrics.modelFallbacks.inc({ provider: provider.name, reason });
    }
    const summary = attempts.map((a) => `${a.route}: ${a.outcome}${a.error ? ` (${a.error})` : ''}`).join('; ');
    if (lastInvalid && attempts.every((a) => a.outcome === 'output_invalid' || a.outcome === 'ok')) {
      throw new AppError(ErrorCode.OutputInvalid, `no model route entry gave a valid output: ${summary}`, { path: '/spec/output/schema', details: { attempts: attempts as unknown as JsonValue } });
    }
    throw new AppError(ErrorCode.PreconditionFailed, `no model route entry could serve the run: ${summary}`, { path: '/spec/model/route', details: { attempts: attempts as unknown as JsonValue } });
  }

  /** The circuit state of a provider's endpoint (closed when it has none). */
  stateOf(providerName: string): 'closed' | 'open' | 'half_open' {
    const p = this.providers.get(providerName);
    const state = p?.endpoint ? this.breakers.get(p.endpoint)?.state : undefined;
    return state === CircuitState.Open || state === CircuitState.Isolated ? 'open' : state === CircuitState.HalfOpen ? 'half_open' : 'closed';
  }

  private resolve(entry: string, index: number): { entry: string; provider: ModelProvider; model: string; index: number } {
    const slash = entry.indexOf('/');
    const providerName = slash > 0 ? entry.slice(0, slash) : entry;
    const model = slash > 0 ? entry.slice(slash + 1) : '';
    const provider = this.providers.get(providerName);
    const path = `/spec/model/route/${index}`;
    if (!provider) throw new AppError(ErrorCode.PreconditionFailed, `model route entry "${entry}": unknown provider "${providerName}" (configured: ${[...this.providers.keys()].join(', ')})`, { path });
    if (!model) throw new AppError(ErrorCode.PreconditionFailed, `model route entry "${entry}" names no model (provider/model)`, { path });
    if (provider.supports && !provider.supports(model)) throw new AppError(ErrorCode.PreconditionFailed, `model route entry "${entry}": provider "${providerName}" has no model "${model}" configured`, { path });
    return { entry, provider, model, index };
  }

  /**
   * One attempt as a journal step: replayed when stored, else called (through the endpoint's
   * breaker) and stored. A priced provider's call is estimated first and `hooks.beforeCall`
   * (the run's budgets) may refuse it — stored as the step's result, then BUDGET_EXCEEDED is
   * thrown; after the call (or its replay) `hooks.afterCall` settles it.
   */
  private async attempt(
    entry: string,
    index: number,
    provider: ModelProvider,
    request: CompletionRequest,
    steps: RunSteps,
    repair: boolean,
    hooks: AttemptHooks | undefined,
  ): Promise<{ result?: CompletionResult; attempt: ModelAttempt }> {
    let live: { outcome: AttemptOutcome; durationMs: number } | undefined;
    const pricing = provider.pricing?.(request.model);
    const outcome = await steps.step('model', repair ? `${entry} (repair)` : entry, { route: entry, messages: request.messages, tools: request.tools, outputSchema: request.outputSchema }, async (stepId) => {
      if (pricing && hooks) {
        const estimate = estimateCall(request, pricing);
        const refused = await hooks.beforeCall({ stepId, index, entry, provider: provider.name, model: request.model, estimate });
        if (refused) return JSON.stringify({ refused, estimate } satisfies StoredAttempt);
      }
      const at = new Date().toISOString();
      const started = performance.now();
      const stream = hooks?.stream(stepId, entry);
      try {
        const apiKey = await this.tenantKey(provider, steps, stepId);
        const keyed = apiKey ? { ...request, apiKey } : request;
        const result = await this.call(provider, stream ? { ...keyed, onToken: (text) => stream.push(text) } : keyed);
        live = { outcome: 'ok', durationMs: performance.now() - started };
        return JSON.stringify({ result, durationMs: live.durationMs, at } satisfies StoredAttempt);
      } catch (error) {
        const failure: { outcome: AttemptOutcome; message: string } =
          error instanceof ModelCallError ? { outcome: error.outcome, message: error.message } : error instanceof BrokenCircuitError ? { outcome: 'circuit_open', message: `${provider.name}: circuit open (skipped)` } : { outcome: 'unavailable', message: error instanceof Error ? error.message : String(error) };
        live = { outcome: failure.outcome, durationMs: performance.now() - started };
        throw new StepFailure(`${failure.outcome}: ${failure.message}`, error);
      } finally {
        stream?.close();
      }
    });
    const base = { route: entry, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, stepId: outcome.stepId };
    const settle = async (attempt: ModelAttempt, at: string) => {
      if (pricing && hooks) await hooks.afterCall({ stepId: outcome.stepId, provider: provider.name, model: request.model, outcome: attempt.outcome, inputTokens: attempt.inputTokens, outputTokens: attempt.outputTokens, cachedInputTokens: attempt.cachedInputTokens, costUsd: attempt.costUsd, at });
    };
    if (outcome.error) {
      const prefix = outcome.error.slice(0, outcome.error.indexOf(':'));
      const failed: AttemptOutcome = OUTCOMES.has(prefix) ? (prefix as AttemptOutcome) : 'unavailable';
      const attempt = { ...base, outcome: failed, durationMs: live?.durationMs ?? 0, error: outcome.error.slice(prefix.length + 2) || outcome.error };
      this.observe(provider.name, request.model, outcome.replayed ? 'replayed' : failed, attempt);
      hooks?.onAttempt(attempt);
      await settle(attempt, new Date().toISOString());
      return { attempt };
    }
    const stored = JSON.parse(outcome.resultJson) as StoredAttempt;
    if (stored.refused) {
      const attempt: ModelAttempt = { ...base, outcome: 'budget_exceeded', durationMs: 0, error: stored.refused.message };
      this.observe(provider.name, request.model, outcome.replayed ? 'replayed' : 'budget_exceeded', attempt);
      hooks?.onAttempt(attempt);
      throw new AppError(ErrorCode.BudgetExceeded, stored.refused.message, { path: stored.refused.path, details: { ...stored.refused.details, stepId: outcome.stepId } });
    }
    const usage = stored.result.usage;
    const attempt: ModelAttempt = { ...base, outcome: 'ok', inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens ?? 0, costUsd: stored.result.costUsd, durationMs: stored.durationMs, error: '' };
    this.observe(provider.name, request.model, outcome.replayed ? 'replayed' : 'ok', attempt);
    hooks?.onAttempt(attempt);
    await settle(attempt, stored.at ?? new Date().toISOString());
    return { result: stored.result, attempt };
  }

  /**
   * The tenant's own key for a provider with `apiKeySecret`: the secret's value when the tenant has
   * it, else undefined (the configured key). The secrets service away → the attempt fails
   * `unavailable` (the route moves on; never a call with the wrong tenant's key).
   */
  private async tenantKey(provider: ModelProvider, steps: RunSteps, stepId: string): Promise<string | undefined> {
    if (!provider.apiKeySecret || !this.secrets) return undefined;
    try {
      return (await this.secrets.resolve(steps.tenant, [provider.apiKeySecret], { runId: steps.run, stepId })).get(provider.apiKeySecret);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NotFound) return undefined;
      throw new ModelCallError('unavailable', `${provider.name}: the tenant's key (secret "${provider.apiKeySecret}") could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The provider call: through its endpoint's breaker; a 429 with a short retry-after is retried once. */
  private async call(provider: ModelProvider, request: CompletionRequest): Promise<CompletionResult> {
    const breaker = provider.endpoint ? this.breakerOf(provider) : undefined;
    const once = (): Promise<CompletionResult> => {
      if (!breaker) return provider.complete(request);
      // Half-open with the probe in flight: skip now rather than queue behind the probe.
      if (breaker.state === CircuitState.HalfOpen) throw new BrokenCircuitError();
      return breaker.execute(() => provider.complete(request));
    };
    try {
      return await once();
    } catch (error) {
      const wait = error instanceof ModelCallError && error.outcome === 'rate_limited' ? error.retryAfterMs : undefined;
      if (wait === undefined || wait > this.settings.retryAfterMaxMs) throw error;
      await sleep(wait);
      return once();
    }
  }

  private breakerOf(provider: ModelProvider): CircuitBreakerPolicy {
    const endpoint = provider.endpoint ?? provider.name;
    let breaker = this.breakers.get(endpoint);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((e) => e instanceof ModelCallError && BREAKER_FAILURES.has(e.outcome)),
        { halfOpenAfter: this.settings.breakerCooldownMs, breaker: new ConsecutiveBreaker(this.settings.breakerFailures) },
      );
      const names = () => [...this.providers.values()].filter((p) => (p.endpoint ?? p.name) === endpoint).map((p) => p.name);
      const gauge = (state: CircuitState) => {
        for (const name of names()) this.metrics.modelBreakerState.set({ provider: name }, state === CircuitState.HalfOpen ? 1 : state === CircuitState.Closed ? 0 : 2);
      };
      breaker.onStateChange(gauge);
      gauge(CircuitState.Closed);
      this.breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  private observe(provider: string, model: string, outcome: string, attempt: ModelAttempt): void {
    this.metrics.modelCalls.inc({ provider, model, outcome });
    if (outcome === 'replayed') return;
    this.metrics.modelCallDuration.observe({ provider, outcome }, attempt.durationMs / 1_000);
    if (attempt.inputTokens) this.metrics.modelTokens.inc({ provider, model, kind: 'input' }, attempt.inputTokens);
    if (attempt.outputTokens) this.metrics.modelTokens.inc({ provider, model, kind: 'output' }, attempt.outputTokens);
    if (attempt.cachedInputTokens) this.metrics.modelTokens.inc({ provider, model, kind: 'cached_input' }, attempt.cachedInputTokens);
    if (attempt.costUsd) this.metrics.modelCost.inc({ provider, model }, attempt.costUsd);
  }
}

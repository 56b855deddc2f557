import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { AppError, ErrorCode } from '@af/errors';
import type { JsonValue } from '../artifacts/artifact.js';
import { StepFailure, type RunSteps } from '../journal/run-steps.js';
import { WorkerMetrics } from '../worker.metrics.js';
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

export type AttemptOutcome = 'ok' | CallFailure | 'circuit_open';

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

/** What a successful attempt's step stores. */
interface StoredAttempt {
  result: CompletionResult;
  durationMs: number;
}

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
  async complete(route: readonly string[], request: Omit<CompletionRequest, 'model'>, steps: RunSteps, validate: (output: JsonValue) => string | null): Promise<RoutedCompletion> {
    const entries = route.map((entry, i) => this.resolve(entry, i));
    if (entries.length === 0) throw new AppError(ErrorCode.PreconditionFailed, 'the model route is empty', { path: '/spec/model/route' });
    const attempts: ModelAttempt[] = [];
    let lastInvalid: string | undefined;
    for (const { entry, provider, model } of entries) {
      const first = await this.attempt(entry, provider, { ...request, model }, steps, false);
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
        const repair = await this.attempt(entry, provider, { ...request, messages, model }, steps, true);
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

  private resolve(entry: string, index: number): { entry: string; provider: ModelProvider; model: string } {
    const slash = entry.indexOf('/');
    const providerName = slash > 0 ? entry.slice(0, slash) : entry;
    const model = slash > 0 ? entry.slice(slash + 1) : '';
    const provider = this.providers.get(providerName);
    const path = `/spec/model/route/${index}`;
    if (!provider) throw new AppError(ErrorCode.PreconditionFailed, `model route entry "${entry}": unknown provider "${providerName}" (configured: ${[...this.providers.keys()].join(', ')})`, { path });
    if (!model) throw new AppError(ErrorCode.PreconditionFailed, `model route entry "${entry}" names no model (provider/model)`, { path });
    if (provider.supports && !provider.supports(model)) throw new AppError(ErrorCode.PreconditionFailed, `model route entry "${entry}": provider "${providerName}" has no model "${model}" configured`, { path });
    return { entry, provider, model };
  }

  /** One attempt as a journal step: replayed when stored, else called (through the endpoint's breaker) and stored. */
  private async attempt(entry: string, provider: ModelProvider, request: CompletionRequest, steps: RunSteps, repair: boolean): Promise<{ result?: CompletionResult; attempt: ModelAttempt }> {
    let live: { outcome: AttemptOutcome; durationMs: number } | undefined;
    const outcome = await steps.step('model', repair ? `${entry} (repair)` : entry, { route: entry, messages: request.messages, tools: request.tools, outputSchema: request.outputSchema }, async () => {
      const started = performance.now();
      try {
        const result = await this.call(provider, request);
        live = { outcome: 'ok', durationMs: performance.now() - started };
        return JSON.stringify({ result, durationMs: live.durationMs } satisfies StoredAttempt);
      } catch (error) {
        const failure: { outcome: AttemptOutcome; message: string } =
          error instanceof ModelCallError ? { outcome: error.outcome, message: error.message } : error instanceof BrokenCircuitError ? { outcome: 'circuit_open', message: `${provider.name}: circuit open (skipped)` } : { outcome: 'unavailable', message: error instanceof Error ? error.message : String(error) };
        live = { outcome: failure.outcome, durationMs: performance.now() - started };
        throw new StepFailure(`${failure.outcome}: ${failure.message}`, error);
      }
    });
    const base = { route: entry, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, stepId: outcome.stepId };
    if (outcome.error) {
      const prefix = outcome.error.slice(0, outcome.error.indexOf(':'));
      const failed: AttemptOutcome = OUTCOMES.has(prefix) ? (prefix as AttemptOutcome) : 'unavailable';
      const attempt = { ...base, outcome: failed, durationMs: live?.durationMs ?? 0, error: outcome.error.slice(prefix.length + 2) || outcome.error };
      this.observe(provider.name, request.model, outcome.replayed ? 'replayed' : failed, attempt);
      return { attempt };
    }
    const stored = JSON.parse(outcome.resultJson) as StoredAttempt;
    const usage = stored.result.usage;
    const attempt: ModelAttempt = { ...base, outcome: 'ok', inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens ?? 0, costUsd: stored.result.costUsd, durationMs: stored.durationMs, error: '' };
    this.observe(provider.name, request.model, outcome.replayed ? 'replayed' : 'ok', attempt);
    return { result: stored.result, attempt };
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

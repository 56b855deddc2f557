import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@af/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** The worker's own Prometheus metrics (on the service registry, served at /metrics). */
@Injectable()
export class WorkerMetrics {
  readonly runs: Counter<'outcome'>;
  readonly runDuration: Histogram<'outcome'>;
  readonly sandboxCallDuration: Histogram<'outcome'>;
  readonly sandboxKills: Counter<'reason'>;
  readonly artifactCache: Counter<'layer' | 'result'>;
  readonly bridgeCalls: Counter<'bridge' | 'outcome'>;
  readonly memoryLoads: Counter<'outcome'>;
  readonly toolCalls: Counter<'kind' | 'outcome'>;
  readonly policyDecisions: Counter<'decision' | 'rule'>;
  readonly confidenceDecisions: Counter<'decision'>;
  readonly runsParked: Counter<'kind'>;
  readonly approvalsReplayed: Counter<'decision'>;
  readonly modelCalls: Counter<'provider' | 'model' | 'outcome'>;
  readonly modelCallDuration: Histogram<'provider' | 'outcome'>;
  readonly modelTokens: Counter<'provider' | 'model' | 'kind'>;
  readonly modelCost: Counter<'provider' | 'model'>;
  readonly modelFallbacks: Counter<'provider' | 'reason'>;
  readonly modelBreakerState: Gauge<'provider'>;
  readonly budgetRefusals: Counter<'scope'>;
  readonly modelEstimatedCost: Counter<'provider' | 'model'>;
  readonly modelCostOfEstimate: Histogram<'provider'>;
  readonly tokensStreamed: Counter<'provider'>;
  readonly tokensDropped: Counter<'provider'>;

  constructor(metrics: MetricsRegistry) {
    this.runs = metrics.counter('af_worker_runs_total', 'Runs executed, by outcome (succeeded, or the failure code)', ['outcome']);
    this.runDuration = metrics.histogram('af_worker_run_duration_seconds', 'Run execution duration', ['outcome'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
    this.sandboxCallDuration = metrics.histogram('af_worker_sandbox_call_duration_seconds', 'Duration of one tool call in the sandbox, by outcome (ok, threw, cpu, timeout, memory, crashed, result)', ['outcome'], [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5]);
    this.sandboxKills = metrics.counter('af_worker_sandbox_kills_total', 'Isolates disposed because a tool broke a limit, by reason (cpu, timeout, memory, crashed)', ['reason']);
    this.artifactCache = metrics.counter('af_worker_artifact_cache_total', 'Artifact lookups by layer (lru: in-process) and result (hit, or miss: asked the compilation service)', ['layer', 'result']);
    this.memoryLoads = metrics.counter('af_worker_memory_loads_total', 'Memory loading steps of runs (blueprint context.memory), by outcome (ok, replayed, failed)', ['outcome']);
    this.bridgeCalls = metrics.counter('af_worker_sandbox_bridge_calls_total', 'Calls from tool code to a host bridge (fetch, memory.recall), by outcome (ok, refused, error)', ['bridge', 'outcome']);
    this.toolCalls = metrics.counter('af_worker_tool_calls_total', 'Tool calls, by kind and outcome', ['kind', 'outcome']);
    this.policyDecisions = metrics.counter('af_worker_policy_decisions_total', 'Policy decisions before tool calls, by decision (allow, require_approval, deny) and rule kind (autonomy, maxAllowedScope, requireApproval)', ['decision', 'rule']);
    this.confidenceDecisions = metrics.counter('af_worker_confidence_decisions_total', 'Final answers checked against output.minConfidence, by decision (accept, require_approval, fail)', ['decision']);
    this.runsParked = metrics.counter('af_worker_runs_parked_total', 'Runs parked waiting for an escalation, by kind (tool_call, low_confidence)', ['kind']);
    this.modelCalls = metrics.counter('af_worker_model_calls_total', 'Model call attempts, by provider, model and outcome (ok, output_invalid, rate_limited, timeout, unavailable, circuit_open, refused, replayed)', ['provider', 'model', 'outcome']);
    this.modelCallDuration = metrics.histogram('af_worker_model_call_duration_seconds', 'Duration of one model call attempt (streamed answer included), by provider and outcome', ['provider', 'outcome'], [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]);
    this.modelTokens = metrics.counter('af_worker_model_tokens_total', 'Tokens of model calls, by provider, model and kind (input, output, cached_input: part of input)', ['provider', 'model', 'kind']);
    this.modelCost = metrics.counter('af_worker_model_cost_usd_total', 'Cost of model calls in USD from the configured price tables, by provider and model', ['provider', 'model']);
    this.modelFallbacks = metrics.counter('af_worker_model_fallbacks_total', 'Route entries given up for the next one, by the provider given up and the reason', ['provider', 'reason']);
    this.modelBreakerState = metrics.gauge('af_worker_model_breaker_state', 'Circuit breaker of each provider endpoint: 0 closed, 1 half-open, 2 open', ['provider']);
    this.budgetRefusals = metrics.counter('af_model_budget_refusals_total', 'Model calls refused before they were made because a budget would be exceeded, by scope (run: maxCostUsdPerRun, tenant, agent)', ['scope']);
    this.modelEstimatedCost = metrics.counter('af_worker_model_estimated_cost_usd_total', 'Worst-case cost reserved before model calls (compare with af_worker_model_cost_usd_total, the actual cost), by provider and model', ['provider', 'model']);
    this.modelCostOfEstimate = metrics.histogram('af_worker_model_cost_of_estimate_ratio', 'Actual cost of a successful model call divided by its worst-case estimate', ['provider'], [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2]);
    this.tokensStreamed = metrics.counter('af_worker_tokens_streamed_bytes_total', 'Answer text streamed to listeners on af.v1.runs.tokens.<runId> (bytes), by provider', ['provider']);
    this.tokensDropped = metrics.counter('af_worker_tokens_dropped_bytes_total', 'Answer text not streamed because a step reached WORKER_STREAM_MAX_BYTES_PER_STEP (bytes), by provider', ['provider']);
    this.approvalsReplayed = metrics.counter('af_worker_approvals_resumed_total', 'Approval steps replayed with their decision on a resumed run, by decision', ['decision']);
  }
}

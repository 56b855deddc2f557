import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@af/observability';
import type { Counter, Histogram } from 'prom-client';

/** The worker's own Prometheus metrics (on the service registry, served at /metrics). */
@Injectable()
export class WorkerMetrics {
  readonly runs: Counter<'outcome'>;
  readonly runDuration: Histogram<'outcome'>;
  readonly sandboxCallDuration: Histogram<'outcome'>;
  readonly sandboxKills: Counter<'reason'>;
  readonly artifactCache: Counter<'layer' | 'result'>;
  readonly bridgeCalls: Counter<'bridge' | 'outcome'>;
  readonly toolCalls: Counter<'kind' | 'outcome'>;

  constructor(metrics: MetricsRegistry) {
    this.runs = metrics.counter('af_worker_runs_total', 'Runs executed, by outcome (succeeded, or the failure code)', ['outcome']);
    this.runDuration = metrics.histogram('af_worker_run_duration_seconds', 'Run execution duration', ['outcome'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
    this.sandboxCallDuration = metrics.histogram('af_worker_sandbox_call_duration_seconds', 'Duration of one tool call in the sandbox, by outcome (ok, threw, cpu, timeout, memory, crashed, result)', ['outcome'], [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5]);
    this.sandboxKills = metrics.counter('af_worker_sandbox_kills_total', 'Isolates disposed because a tool broke a limit, by reason (cpu, timeout, memory, crashed)', ['reason']);
    this.artifactCache = metrics.counter('af_worker_artifact_cache_total', 'Artifact lookups by layer (lru: in-process) and result (hit, or miss: asked the compilation service)', ['layer', 'result']);
    this.bridgeCalls = metrics.counter('af_worker_sandbox_bridge_calls_total', 'Calls from tool code to a host bridge (fetch, memory.recall), by outcome (ok, refused, error)', ['bridge', 'outcome']);
    this.toolCalls = metrics.counter('af_worker_tool_calls_total', 'Tool calls, by kind and outcome', ['kind', 'outcome']);
  }
}

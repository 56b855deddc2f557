import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { EvalCaseResultSchema, EvalReportReplySchema, TenantId, WorkerRunEvalsRequest } from '@af/contracts';
import { checkExpectation } from '@af/blueprint-format';
import { AppError, ErrorCode } from '@af/errors';
import { MESSAGING_OPTIONS, MessageBus, type MessagingOptions } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import { ArtifactRepository } from '../artifacts/artifact.repository.js';
import type { JsonValue } from '../artifacts/artifact.js';
import { RunSteps, RunStopped } from '../journal/run-steps.js';
import { AgentExecutor } from '../runs/agent-executor.js';
import { FETCH_BUDGET_LIMITS, RunFetchBudget, type FetchBudgetLimits } from '../tools/fetch-budget.js';
import { EvalJournal } from './eval-journal.js';

/** Bounds of one evals request: cases run (more are refused), time per case, time for all. */
export const EVAL_LIMITS = { maxCases: 50, caseTimeoutMs: 60_000, totalTimeoutMs: 300_000, maxOutputChars: 65_536 } as const;
const ARTIFACT_HASH = /^sha256:[0-9a-f]{64}$/;

type EvalCase = MessageInitShape<typeof EvalCaseResultSchema>;

/**
 * af.v1.workers.evals.run: the artifact's evals (`spec.evals`: name, input, expect), each executed
 * exactly like a run — the AgentExecutor, the production sandbox and model route, the same
 * policy — but on a throwaway in-memory journal (EvalJournal: no run is recorded, no orchestrator
 * step) where calls of external/realWorld tools are not made (they answer "not executed during
 * evals"); the output is judged by @af/blueprint-format checkExpectation. Cases run one after the
 * other, bounded in count and time (a case past its time stops at its next step).
 */
@Injectable()
export class EvalRunner {
  private readonly cases: Counter<'outcome'>;

  constructor(
    private readonly artifacts: ArtifactRepository,
    private readonly executor: AgentExecutor,
    private readonly bus: MessageBus,
    @Inject(FETCH_BUDGET_LIMITS) private readonly fetchLimits: FetchBudgetLimits,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.cases = metrics.counter('af_worker_eval_cases_total', 'Eval cases run, by outcome (passed, failed: an expectation did not hold, error: the run failed, timeout)', ['outcome']);
  }

  async run(tenantId: TenantId, request: WorkerRunEvalsRequest): Promise<MessageInitShape<typeof EvalReportReplySchema>> {
    if (!ARTIFACT_HASH.test(request.artifactHash)) throw AppError.invalid('artifact_hash must be sha256:<64 hex digits>', '/artifactHash');
    const artifact = await this.artifacts.get(tenantId, request.artifactHash);
    const evals = (artifact.evals ?? []) as { name?: unknown; input?: unknown; expect?: unknown }[];
    if (evals.length > EVAL_LIMITS.maxCases) throw AppError.invalid(`the blueprint has ${evals.length} evals; at most ${EVAL_LIMITS.maxCases} run per request`, '/spec/evals');
    const deadline = performance.now() + EVAL_LIMITS.totalTimeoutMs;
    const cases: EvalCase[] = [];
    for (const [i, spec] of evals.entries()) {
      const name = typeof spec?.name === 'string' && spec.name ? spec.name : `eval ${i + 1}`;
      const left = deadline - performance.now();
      if (left <= 0) {
        cases.push({ name, passed: false, error: `${ErrorCode.Timeout}: not run, the evals took longer than ${EVAL_LIMITS.totalTimeoutMs} ms in all` });
        this.cases.inc({ outcome: 'timeout' });
        continue;
      }
      cases.push(await this.runCase(tenantId, artifact, request, name, (spec?.input ?? {}) as JsonValue, spec?.expect, Math.min(left, EVAL_LIMITS.caseTimeoutMs)));
    }
    const failed = cases.filter((c) => !c.passed).length;
    this.logger.info({ agent: request.agent, version: request.version, artifactHash: request.artifactHash, total: cases.length, failed }, 'evals run');
    return {
      report: { agent: request.agent || artifact.blueprint.name, version: request.version || artifact.blueprint.version, artifactHash: artifact.hash, passed: failed === 0, total: cases.length, failed, cases, workerId: this.messaging.instanceId },
    };
  }

  private async runCase(tenantId: TenantId, artifact: Awaited<ReturnType<ArtifactRepository['get']>>, request: WorkerRunEvalsRequest, name: string, input: JsonValue, expect: unknown, timeoutMs: number): Promise<EvalCase> {
    const runId = randomUUID();
    const journal = new EvalJournal(this.bus, artifact);
    const steps = new RunSteps(journal, tenantId, runId, 1, this.messaging.instanceId, AbortSignal.timeout(timeoutMs));
    const started = performance.now();
    try {
      const execution = await this.executor.execute(
        artifact,
        input,
        { tenantId, runId, agent: request.agent || artifact.blueprint.name, artifactHash: artifact.hash, fetchBudget: new RunFetchBudget(this.fetchLimits) },
        steps,
        { requestedBy: 'evals', version: request.version || artifact.blueprint.version, attempt: 1, workerId: this.messaging.instanceId, dependency: (_what, call) => call() },
      );
      const failures = checkExpectation(expect ?? {}, execution.output);
      this.cases.inc({ outcome: failures.length === 0 ? 'passed' : 'failed' });
      return { name, passed: failures.length === 0, outputJson: cut(JSON.stringify(execution.output)), failures, durationMs: performance.now() - started, error: '' };
    } catch (error) {
      const timedOut = error instanceof RunStopped;
      this.cases.inc({ outcome: timedOut ? 'timeout' : 'error' });
      const message = timedOut
        ? `${ErrorCode.Timeout}: the eval did not finish within ${Math.round(timeoutMs)} ms`
        : error instanceof AppError
          ? `${error.code}: ${error.message}`
          : `${ErrorCode.Internal}: ${error instanceof Error ? error.message : String(error)}`;
      return { name, passed: false, outputJson: '', failures: [], durationMs: performance.now() - started, error: message };
    }
  }
}

function cut(json: string): string {
  return json.length <= EVAL_LIMITS.maxOutputChars ? json : `${json.slice(0, EVAL_LIMITS.maxOutputChars)}…`;
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { RunFailed, RunSchema, RunStarted, RunSucceeded, SubmitRunReplySchema, SubmitRunRequest, TenantId } from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { LOGGER, MetricsRegistry, RequestContext, currentTraceId, type Logger } from '@af/observability';
import type { Counter } from 'prom-client';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { RunRepository } from './run.repository.js';
import type { JsonValue, RunEntity } from '../persistence/run.entity.js';

const AGENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class RunService {
  private readonly submitted: Counter<'agent'>;
  private readonly finished: Counter<'status'>;

  constructor(
    private readonly runs: RunRepository,
    private readonly deployments: ActiveDeploymentRepository,
    private readonly bus: MessageBus,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.submitted = metrics.counter('af_runs_submitted_total', 'Runs accepted for execution', ['agent']);
    this.finished = metrics.counter('af_runs_finished_total', 'Runs that reached a final status', ['status']);
  }

  /**
   * No active deployment (a KV miss, off the hot path): ask the blueprints service why, so the
   * caller learns whether the agent does not exist (NOT_FOUND), is archived (ARCHIVED) or was
   * never deployed or was deactivated (NOT_DEPLOYED). If blueprints cannot answer, NOT_DEPLOYED.
   */
  private async whyNotDeployed(tenantId: TenantId, agent: string): Promise<AppError> {
    const notDeployed = new AppError(ErrorCode.NotDeployed, `agent "${agent}" has no active deployment; deploy it first`, { path: '/agent' });
    try {
      const { blueprint } = await this.bus.request('af.v1.blueprints.get', { name: agent, version: 0 }, { tenantId });
      if (blueprint?.archivedAt) {
        return new AppError(ErrorCode.Archived, `agent "${agent}" is archived (since ${blueprint.archivedAt}); restore its blueprint and deploy it again to run it`, { path: '/agent' });
      }
      return notDeployed;
    } catch (error) {
      if (isAppError(error) && error.code === ErrorCode.NotFound) return AppError.notFound(`agent "${agent}"`, '/agent');
      this.logger.warn({ err: error, agent }, 'could not ask the blueprints service why the agent is not deployed');
      return notDeployed;
    }
  }

  /** Records the run as queued on the agent's active version, then hands it to the work queue. */
  async submit(tenantId: TenantId, request: SubmitRunRequest): Promise<MessageInitShape<typeof SubmitRunReplySchema>> {
    if (!AGENT_NAME.test(request.agent)) throw AppError.invalid(`agent name "${request.agent}" is not a DNS label`, '/agent');
    let input: unknown;
    try {
      input = JSON.parse(request.inputJson || '{}');
    } catch {
      throw new AppError(ErrorCode.InvalidDocument, 'input is not valid JSON', { path: '/input' });
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw AppError.invalid('input must be a JSON object', '/input');
    }
    const active = await this.deployments.find(tenantId, request.agent);
    if (!active) throw await this.whyNotDeployed(tenantId, request.agent);

    const runId = randomUUID();
    const correlationId = RequestContext.current()?.correlationId ?? RequestContext.newCorrelationId();
    const run = await this.runs.create(tenantId, {
      id: runId,
      agent: request.agent,
      version: active.version,
      artifactHash: active.artifactHash,
      input,
      traceId: currentTraceId() ?? '',
      correlationId,
    });
    // Outbox: the run is recorded; if queueing fails now, the relay queues it later.
    const queued = await this.enqueue(tenantId, run);
    this.submitted.inc({ agent: request.agent });
    this.logger.info({ runId, agent: request.agent, version: active.version, queued }, queued ? 'run queued' : 'run accepted; the outbox relay will queue it');
    return { runId, status: 'queued', agent: request.agent, version: active.version };
  }

  /** Publishes the run's ExecuteRun (de-duplicated by run id) and records that it is on the queue. */
  async enqueue(tenantId: TenantId, run: RunEntity): Promise<boolean> {
    try {
      await this.bus.publish(
        'af.v1.runs.execute',
        { runId: run.id, agent: run.agent, version: run.version, artifactHash: run.artifactHash, inputJson: JSON.stringify(run.input) },
        { msgId: `run-execute:${run.id}`, tenantId },
      );
    } catch (error) {
      this.logger.warn({ err: error, runId: run.id }, 'could not queue run');
      return false;
    }
    await this.runs.markQueued(tenantId, run.id, new Date());
    return true;
  }

  async get(tenantId: TenantId, runId: string): Promise<MessageInitShape<typeof RunSchema>> {
    if (!UUID.test(runId)) throw AppError.notFound(`run ${runId}`, '/runId');
    const run = await this.runs.find(tenantId, runId);
    // Another tenant's run is indistinguishable from a missing one.
    if (!run) throw AppError.notFound(`run ${runId}`, '/runId');
    return toRunMessage(run);
  }

  async onStarted(tenantId: TenantId, event: RunStarted): Promise<void> {
    const moved = await this.runs.markRunning(tenantId, event.runId, event.attempt, new Date(Number(event.atMs)));
    this.logger.info({ runId: event.runId, attempt: event.attempt, moved }, 'run started');
  }

  async onSucceeded(tenantId: TenantId, event: RunSucceeded): Promise<void> {
    // Calls may be previews (truncated: arguments/result then hold a JSON string); stored as received.
    const toolCalls = event.toolCalls.map((c) => ({ tool: c.tool, argumentsJson: c.argumentsJson, resultJson: c.resultJson, durationMs: c.durationMs, error: c.error, ...(c.truncated ? { truncated: true } : {}) }));
    const usage = event.usage
      ? { provider: event.usage.provider, model: event.usage.model, inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens, costUsd: event.usage.costUsd }
      : undefined;
    const moved = await this.runs.finish(
      tenantId,
      event.runId,
      { status: 'succeeded', output: JSON.parse(event.outputJson || 'null') as JsonValue, attempt: event.attempt, toolCalls, ...(usage ? { usage } : {}) },
      new Date(Number(event.atMs)),
    );
    if (moved) this.finished.inc({ status: 'succeeded' });
    this.logger.info({ runId: event.runId, moved }, 'run succeeded');
  }

  async onFailed(tenantId: TenantId, event: RunFailed): Promise<void> {
    const error = { code: event.error?.code ?? ErrorCode.Internal, message: event.error?.message ?? 'run failed', ...(event.error?.path ? { path: event.error.path } : {}), ...(event.truncated ? { truncated: true } : {}) };
    const moved = await this.runs.finish(tenantId, event.runId, { status: 'failed', error, attempt: event.attempt }, new Date(Number(event.atMs)));
    if (moved) this.finished.inc({ status: 'failed' });
    this.logger.info({ runId: event.runId, moved, code: error.code }, 'run failed');
  }
}

function toRunMessage(run: RunEntity): MessageInitShape<typeof RunSchema> {
  return {
    runId: run.id,
    agent: run.agent,
    version: run.version,
    artifactHash: run.artifactHash,
    status: run.status,
    inputJson: JSON.stringify(run.input),
    outputJson: run.output === null || run.output === undefined ? '' : JSON.stringify(run.output),
    ...(run.error ? { error: { code: run.error.code, message: run.error.message, path: run.error.path ?? '', detailsJson: '' } } : {}),
    attempts: run.attempts,
    traceId: run.traceId,
    correlationId: run.correlationId,
    toolCalls: run.toolCalls ?? [],
    ...(run.usage ? { usage: run.usage } : {}),
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : '',
  };
}

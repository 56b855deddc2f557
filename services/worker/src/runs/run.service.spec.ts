import { describe, expect, it, jest } from '@jest/globals';
import { create } from '@bufbuild/protobuf';
import { ExecuteRunSchema, parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import type { MessageBus } from '@af/messaging';
import { MetricsRegistry, createLogger } from '@af/observability';
import type { ArtifactRepository } from '../artifacts/artifact.repository.js';
import { WorkerMetrics } from '../worker.metrics.js';
import type { AgentExecutor } from './agent-executor.js';
import type { StepJournalRepository } from '../journal/step-journal.repository.js';
import { MAX_DELIVER, RunService } from './run.service.js';

function setup(artifactError = new AppError(ErrorCode.Unavailable, 'the compilation service is not answering')) {
  const published: { subject: string; payload: Record<string, unknown>; msgId: string }[] = [];
  const bus = { publish: jest.fn(async (subject: string, payload: Record<string, unknown>, opts: { msgId: string }) => {
    published.push({ subject, payload, msgId: opts.msgId });
    return { seq: 1, duplicate: false };
  }) } as unknown as MessageBus;
  const artifacts = { get: jest.fn(() => Promise.reject(artifactError)) } as unknown as ArtifactRepository;
  const sut = new RunService(artifacts, {} as AgentExecutor, {} as StepJournalRepository, bus, new WorkerMetrics(new MetricsRegistry('worker')), { service: 'worker', url: '', requestTimeoutMs: 1, instanceId: 'w1' }, createLogger('worker', 'error'), { fieldPreviewBytes: 16_384, maxEventBytes: 262_144, maxOutputBytes: 131_072 }, { maxConcurrentPerCall: 4, maxFetchesPerRun: 64, maxBytesPerRun: 8_388_608, maxResponseBytes: 1_048_576 }, { deadlineMs: 0 });
  return { sut, published };
}

const run = create(ExecuteRunSchema, { runId: 'r1', agent: 'a', version: 2, artifactHash: 'sha256:x', inputJson: '{}' });
const tenant = parseTenantId('t-1');

describe(RunService.name, () => {
  it('retries a run while the compilation service is unavailable (UNAVAILABLE → nak), after announcing the attempt', async () => {
    const { sut, published } = setup();
    await expect(sut.execute(tenant, run, 1)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(published).toEqual([{ subject: 'af.v1.runs.event.started', msgId: 'run-started:r1:1', payload: expect.objectContaining({ attempt: 1, workerId: 'w1' }) }]);
  });

  it('never fails a run for a dependency outage, not even on the last delivery: it is handed back (and dead-lettered by the transport past MaxDeliver)', async () => {
    const { sut, published } = setup(new AppError(ErrorCode.Timeout, 'the compilation service did not answer in time'));
    await expect(sut.execute(tenant, run, MAX_DELIVER)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(published.map((p) => [p.subject, p.msgId])).toEqual([['af.v1.runs.event.started', `run-started:r1:${MAX_DELIVER}`]]);
  });

  it('retries the artifact in process while the compilation service is away, then runs on', async () => {
    const publish = jest.fn();
    const artifacts = { get: jest.fn<() => Promise<never>>().mockRejectedValueOnce(new AppError(ErrorCode.Unavailable, 'away')).mockRejectedValueOnce(new AppError(ErrorCode.Timeout, 'slow')).mockRejectedValue(AppError.notFound('artifact sha256:x', '/artifactHash')) };
    const sut = new RunService(artifacts as unknown as ArtifactRepository, {} as AgentExecutor, {} as StepJournalRepository, { publish } as unknown as MessageBus, new WorkerMetrics(new MetricsRegistry('worker')), { service: 'worker', url: '', requestTimeoutMs: 1, instanceId: 'w1' }, createLogger('worker', 'error'), { fieldPreviewBytes: 16_384, maxEventBytes: 262_144, maxOutputBytes: 131_072 }, { maxConcurrentPerCall: 4, maxFetchesPerRun: 64, maxBytesPerRun: 8_388_608, maxResponseBytes: 1_048_576 }, { deadlineMs: 10_000, initialDelayMs: 5 });
    // The third answer is permanent: it reaches the transport after two retried outages.
    await expect(sut.execute(tenant, run, 1)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(artifacts.get).toHaveBeenCalledTimes(3);
    expect(publish).not.toHaveBeenCalled();
  });

  it('throws NOT_FOUND for an artifact the tenant does not have (the transport terminates and dead-letters it) and reports nothing', async () => {
    const { sut, published } = setup(AppError.notFound('artifact sha256:x', '/artifactHash'));
    await expect(sut.execute(tenant, run, 1)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(published).toEqual([]);
  });

  it('fails a run with unparsable input without retrying', async () => {
    const { sut, published } = setup();
    await sut.execute(tenant, { ...run, inputJson: '{nope' }, 1);
    expect(published[1]?.payload).toMatchObject({ error: { code: ErrorCode.InvalidDocument, path: '/input' } });
  });
});

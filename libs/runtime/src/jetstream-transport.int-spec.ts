import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import type { ExecuteRun, GetRunRequest } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { MessageContext, NatsModule, OnEvent, OnRequest, processNamespace } from '@af/messaging';
import { ObservabilityModule } from '@af/observability';
import { until } from '@af/testing';
import type { RunningService } from './index.js';
import { connectTestClient, startTestService } from './testing.js';

interface Delivery {
  runId: string;
  deliveryCount: number;
  tenant: string;
  correlationId: string;
  at: number;
}

/** What the handler does with each run id: fail transiently N times, fail permanently, or succeed. */
const script = new Map<string, { transientFailures?: number; permanent?: boolean }>();
const deliveries: Delivery[] = [];

@Controller()
class ProbeHandler {
  @OnEvent('af.v1.runs.execute')
  execute(@Payload() run: ExecuteRun, @Ctx() ctx: MessageContext) {
    deliveries.push({ runId: run.runId, deliveryCount: ctx.deliveryCount, tenant: ctx.tenantId, correlationId: ctx.correlationId, at: Date.now() });
    const plan = script.get(run.runId) ?? {};
    if (plan.permanent) throw new AppError(ErrorCode.ValidationFailed, 'poison message');
    if ((plan.transientFailures ?? 0) >= ctx.deliveryCount) throw new AppError(ErrorCode.Unavailable, 'dependency down');
  }

}

/** Answers a subject the orchestrator owns: the transport must refuse to boot with it. */
@Controller()
class IntruderHandler {
  @OnRequest('af.v1.runs.get')
  get(@Payload() request: GetRunRequest) {
    return { run: { runId: request.runId } };
  }
}

@Module({})
class ProbeModule {
  static forRoot(runtime: { logger: Parameters<typeof ObservabilityModule.forRoot>[0]['logger']; instanceId: string }, intruder = false): DynamicModule {
    return {
      module: ProbeModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'worker', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'worker', url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', requestTimeoutMs: 2_000, instanceId: runtime.instanceId }),
      ],
      controllers: intruder ? [ProbeHandler, IntruderHandler] : [ProbeHandler],
    };
  }
}

describe('JetStream transport: ownership, ack, nak with delay, term', () => {
  let running: RunningService | undefined;
  let client: Awaited<ReturnType<typeof connectTestClient>>;

  beforeAll(async () => {
    client = await connectTestClient();
  });

  afterAll(async () => {
    await running?.close();
    await client?.close();
  });

  it('refuses to boot a handler for a subject another service owns', async () => {
    await expect(
      startTestService({
        service: 'worker',
        http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 },
        logLevel: 'silent',
        shutdownTimeoutMs: 5_000,
        module: (runtime) => ProbeModule.forRoot(runtime, true),
      }),
    ).rejects.toThrow(/af\.v1\.runs\.get.*belongs to orchestrator, not worker/);
  });

  it('acks a handled message, retries a transient failure with delay, and terminates a poison one', async () => {
    const { service } = await startTestService({
      service: 'worker',
      http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 },
      logLevel: 'silent',
      shutdownTimeoutMs: 5_000,
      module: (runtime) => ProbeModule.forRoot(runtime),
    });
    running = service;
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    const [ok, flaky, poison] = [randomUUID(), randomUUID(), randomUUID()];
    script.set(flaky, { transientFailures: 2 });
    script.set(poison, { permanent: true });
    for (const runId of [ok, flaky, poison]) {
      await client.bus.publish('af.v1.runs.execute', { runId, agent: 'a', version: 1, artifactHash: 'h', inputJson: '{}' }, { msgId: `probe:${runId}`, tenantId: tenant });
    }
    const of = (runId: string) => deliveries.filter((d) => d.runId === runId);
    await until(async () => of(flaky).length, (n) => n >= 3, 15_000);
    await new Promise((r) => setTimeout(r, 1_500));

    expect(of(ok).map((d) => d.deliveryCount)).toEqual([1]);
    expect(of(poison).map((d) => d.deliveryCount)).toEqual([1]);
    const flakyDeliveries = of(flaky);
    expect(flakyDeliveries.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
    // nak delays grow: 500 ms after the first failure, 1 000 ms after the second.
    expect(flakyDeliveries[1]!.at - flakyDeliveries[0]!.at).toBeGreaterThanOrEqual(400);
    expect(flakyDeliveries[2]!.at - flakyDeliveries[1]!.at).toBeGreaterThanOrEqual(900);
    expect(new Set(deliveries.map((d) => d.tenant))).toEqual(new Set([tenant]));

    // Work queue: acked messages are gone, and so is the terminated one: a plain term() removes it
    // on NATS 2.9 (a term with a reason would be redelivered like a nak there), so a poison message
    // is neither retried nor left behind in AF_RUNS.
    const info = await client.nc.request('$JS.API.STREAM.INFO.' + processNamespace().streamName('AF_RUNS'));
    const state = (JSON.parse(new TextDecoder().decode(info.data)) as { state: { messages: number } }).state;
    expect(state.messages).toBe(0);
  });
});

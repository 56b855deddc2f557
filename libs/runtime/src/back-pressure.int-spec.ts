import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ErrorCode } from '@af/errors';
import { NatsModule, OnRequest, type RequestOf } from '@af/messaging';
import { ObservabilityModule } from '@af/observability';
import { testTenant, until } from '@af/testing';
import { bootstrapService, type RunningService } from './bootstrap.js';
import { connectTestClient } from './testing.js';

/** Work that stays in flight until the test releases it. */
class Gate {
  entered = 0;
  private release!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  async pass(): Promise<void> {
    this.entered++;
    await this.opened;
  }
  open(): void {
    this.release();
  }
}

const httpGate = new Gate();
const natsGate = new Gate();

@Controller('slow')
class SlowController {
  @Get()
  async slow() {
    await httpGate.pass();
    return { ok: true };
  }

  // A service that owns no durable consumer (validation): the test module has no event handlers.
  @OnRequest('af.v1.validation.schema.get')
  async status(@Payload() _request: RequestOf<'af.v1.validation.schema.get'>) {
    await natsGate.pass();
    return { name: 'blueprint', schemaJson: '{}', contentHash: '' };
  }
}

@Module({})
class SlowModule {
  static forRoot(logger: Parameters<typeof ObservabilityModule.forRoot>[0]['logger'], instanceId: string): DynamicModule {
    return {
      module: SlowModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'validation', logger }),
        NatsModule.forRoot({ service: 'validation', url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', requestTimeoutMs: 5_000, instanceId }),
      ],
      controllers: [SlowController],
    };
  }
}

describe('back-pressure: bounded requests in flight, over HTTP and NATS', () => {
  let running: RunningService;
  let base: string;
  let client: Awaited<ReturnType<typeof connectTestClient>>;

  beforeAll(async () => {
    running = await bootstrapService({
      service: 'validation',
      http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 },
      backPressure: { httpMaxInFlight: 2, natsMaxInFlight: 2, retryAfterSec: 3 },
      logLevel: 'silent',
      shutdownTimeoutMs: 5_000,
      module: ({ logger, instanceId }) => SlowModule.forRoot(logger, instanceId),
    });
    base = `http://127.0.0.1:${(running.app.getHttpServer().address() as { port: number }).port}`;
    client = await connectTestClient();
  });

  afterAll(async () => {
    httpGate.open();
    natsGate.open();
    await client?.close();
    await running?.close();
  });

  it('answers 503 UNAVAILABLE with Retry-After over the HTTP bound, still serves probes, and counts it', async () => {
    const held = [fetch(`${base}/slow`), fetch(`${base}/slow`)];
    await until(async () => httpGate.entered, (n) => n === 2);
    expect(httpGate.entered).toBe(2);

    const refused = await fetch(`${base}/slow`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(await refused.json()).toMatchObject({ error: { code: ErrorCode.Unavailable, message: expect.stringContaining('busy') } });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const during = await (await fetch(`${base}/metrics`)).text();
    expect(during).toMatch(/af_http_requests_shed_total\{[^}]*\} 1/);
    expect(during).toMatch(/af_http_requests_in_flight\{[^}]*\} 2\n/);
    // Requests are counted by route template and their real status, refused ones included.
    expect(during).toMatch(/af_http_requests_total\{method="GET",route="\/slow",status="503"[^}]*\} 1\n/);

    httpGate.open();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    // The slots are free again.
    expect((await fetch(`${base}/slow`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/af_http_requests_in_flight\{[^}]*\} 0\n/);
  });

  it('answers a NATS request over the bound with UNAVAILABLE at once', async () => {
    const tenantId = testTenant();
    const held = [client.bus.request('af.v1.validation.schema.get', { name: 'blueprint' }, { tenantId }), client.bus.request('af.v1.validation.schema.get', { name: 'blueprint' }, { tenantId })];
    await until(async () => natsGate.entered, (n) => n === 2);
    expect(natsGate.entered).toBe(2);

    await expect(client.bus.request('af.v1.validation.schema.get', { name: 'blueprint' }, { tenantId })).rejects.toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringContaining('busy') });

    natsGate.open();
    expect((await Promise.all(held)).map((r) => r.name)).toEqual(['blueprint', 'blueprint']);
  });
});

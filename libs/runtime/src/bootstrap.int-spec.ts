import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule } from '@af/observability';
import { bootstrapService, type RunningService } from './bootstrap.js';

@Controller('probe')
class ProbeController {
  @Get('conflict')
  conflict() {
    throw new AppError(ErrorCode.Conflict, 'already there', { path: '/metadata/name' });
  }

  @Get('crash')
  crash() {
    throw new Error('secret internals');
  }
}

@Module({})
class ProbeModule {
  static forRoot(logger: Parameters<typeof ObservabilityModule.forRoot>[0]['logger'], instanceId: string): DynamicModule {
    return {
      module: ProbeModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'gateway', logger }),
        NatsModule.forRoot({ service: 'gateway', url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', requestTimeoutMs: 1_000, instanceId }),
      ],
      controllers: [ProbeController],
    };
  }
}

describe(bootstrapService.name, () => {
  let running: RunningService;
  let base: string;

  beforeAll(async () => {
    running = await bootstrapService({
      service: 'gateway',
      http: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 },
      logLevel: 'silent',
      shutdownTimeoutMs: 5_000,
      module: ({ logger, instanceId }) => ProbeModule.forRoot(logger, instanceId),
    });
    base = `http://127.0.0.1:${(running.app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await running?.close();
  });

  it('serves the three probes and Prometheus metrics', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/health/startup`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'up', checks: { nats: { status: 'up' } } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('# TYPE af_http_requests_total counter');
  });

  it('maps an AppError to its status with code and path, and hides unknown errors behind a 500', async () => {
    const conflict = await fetch(`${base}/probe/conflict`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: { code: 'CONFLICT', message: 'already there', path: '/metadata/name', correlationId: expect.any(String) } });
    const crash = await fetch(`${base}/probe/crash`);
    expect(crash.status).toBe(500);
    const body = JSON.stringify(await crash.json());
    expect(body).toContain('INTERNAL');
    expect(body).not.toContain('secret internals');
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('continues an incoming W3C trace and returns its id and the correlation id', async () => {
    const res = await fetch(`${base}/health/live`, {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'x-correlation-id': 'abc-1' },
    });
    expect(res.headers.get('x-trace-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(res.headers.get('x-correlation-id')).toBe('abc-1');
  });
});


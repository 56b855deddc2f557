import { Controller, Get, Injectable, Res, SetMetadata, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Public } from './public-route.js';

/** A dependency the service cannot serve without (its database, broker, cache…). */
export interface ReadinessCheck {
  check(): Promise<void>;
}

const READINESS = Symbol.for('af.readiness');

/** Marks a provider as a readiness probe; HealthService finds it by discovery. */
export const ReadinessProbe = (name: string) => SetMetadata(READINESS, name);

export interface ProbeResult {
  status: 'up' | 'down';
  checks: Record<string, { status: 'up' | 'down'; error?: string; ms: number }>;
}

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService implements OnApplicationBootstrap {
  private probes: { name: string; probe: ReadinessCheck }[] = [];
  private started = false;

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    this.probes = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && Reflect.getMetadata(READINESS, w.metatype))
      .map((w) => ({ name: Reflect.getMetadata(READINESS, w.metatype as object) as string, probe: w.instance as ReadinessCheck }));
  }

  /** Called when the service has finished booting (migrations run, consumers started). */
  markStarted(): void {
    this.started = true;
  }

  isStarted(): boolean {
    return this.started;
  }

  probeNames(): string[] {
    return this.probes.map((p) => p.name);
  }

  async readiness(): Promise<ProbeResult> {
    const entries = await Promise.all(
      this.probes.map(async ({ name, probe }) => {
        const start = performance.now();
        try {
          await Promise.race([
            probe.check(),
            new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
          ]);
          return [name, { status: 'up' as const, ms: Math.round(performance.now() - start) }] as const;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return [name, { status: 'down' as const, error: message, ms: Math.round(performance.now() - start) }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const up = this.started && entries.every(([, r]) => r.status === 'up');
    return { status: up ? 'up' : 'down', checks };
  }
}

interface Reply {
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  live() {
    return { status: 'up' };
  }

  @Get('startup')
  startup(@Res() reply: Reply) {
    const started = this.health.isStarted();
    reply.code(started ? 200 : 503).send({ status: started ? 'up' : 'starting' });
  }

  @Get('ready')
  async ready(@Res() reply: Reply) {
    const result = await this.health.readiness();
    reply.code(result.status === 'up' ? 200 : 503).send(result);
  }
}

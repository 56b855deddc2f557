import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { HealthService, MetricsRegistry, ObservabilityModule, createLogger } from '@af/observability';
import { NatsConnectionMonitor, NatsModule } from './nats.module.js';

/** The test's own nats-server (never the machine's): killed and restarted on the same port and store. */
class OwnNats {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'af-own-nats-'));
  constructor(readonly port: number) {}
  get url() {
    return `nats://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], { stdio: 'ignore' });
    await until(() => reachable(this.port), 10_000, 'own nats-server to start');
  }
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('NATS connection events are logged with the redacted URL, counted, and readiness is down while disconnected', () => {
  let nats: OwnNats;
  let app: INestApplicationContext;
  const lines: { msg: string; event?: string; server?: string }[] = [];

  beforeAll(async () => {
    nats = new OwnNats(await freePort());
    await nats.start();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    const logger = createLogger('orchestrator', 'info', sink);
    @Module({
      imports: [
        ObservabilityModule.forRoot({ service: 'orchestrator', logger }),
        NatsModule.forRoot({ service: 'orchestrator', url: `nats://af:hunter2@127.0.0.1:${nats.port}`, requestTimeoutMs: 1_000, instanceId: 'conn-test' }),
      ],
    })
    class TestModule {}
    app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await nats?.stop();
  });

  const count = async (type: string) => {
    const text = await app.get(MetricsRegistry).text();
    return Number(new RegExp(`af_nats_connection_events_total\\{type="${type}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };
  const natsReadiness = async () => (await app.get(HealthService).readiness()).checks['nats']?.status;

  it('server killed: disconnect logged and counted, readiness down; server back: reconnect logged and counted, readiness up', async () => {
    expect(await natsReadiness()).toBe('up');
    expect(await count('disconnect')).toBe(0);

    await nats.kill();
    await until(async () => (await count('disconnect')) === 1, 5_000, 'a disconnect event');
    expect(app.get(NatsConnectionMonitor).isConnected()).toBe(false);
    const started = Date.now();
    expect(await natsReadiness()).toBe('down');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'disconnect', server: expect.stringContaining(`127.0.0.1:${nats.port}`), msg: expect.stringMatching(/^disconnected from NATS at nats:\/\/.*127\.0\.0\.1:\d+; reconnecting$/) }));
    await until(async () => (await count('reconnecting')) >= 1, 5_000, 'a reconnect attempt');

    await nats.start();
    await until(async () => (await count('reconnect')) === 1, 10_000, 'a reconnect event');
    expect(lines).toContainEqual(expect.objectContaining({ event: 'reconnect', server: expect.stringContaining(`127.0.0.1:${nats.port}`) }));
    expect(await natsReadiness()).toBe('up');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

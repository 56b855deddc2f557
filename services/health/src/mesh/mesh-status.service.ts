import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { optionalServiceNames, serviceNames, type Heartbeat, type MeshStatusReplySchema, type ServiceName } from '@af/contracts';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import type { Counter, Gauge } from 'prom-client';
import { HeartbeatRepository } from './heartbeat.repository.js';
import { evaluateMesh, type MeshStatusView } from './mesh-state.js';

export const MESH_OPTIONS = Symbol.for('af.health.meshOptions');

export interface MeshOptions {
  staleAfterMs: number;
  expireAfterMs: number;
  evaluateIntervalMs: number;
  /** A worker silent for this long is dead in the overview. */
  workerDeadAfterMs: number;
}

const INSTANCE_ID = /^[\w.:-]{1,128}$/;

/** Keeps the latest heartbeat of every instance and turns them into the mesh's status. */
@Injectable()
export class MeshStatusService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly received: Counter<'service'>;
  private readonly serviceUp: Gauge<'service'>;
  private readonly servicesUp: Gauge;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly heartbeats: HeartbeatRepository,
    @Inject(MESH_OPTIONS) private readonly options: MeshOptions,
    metrics: MetricsRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.received = metrics.counter('af_mesh_heartbeats_received_total', 'Heartbeats received, by service', ['service']);
    this.serviceUp = metrics.gauge('af_mesh_service_up', '1 when the service has a fresh, ready instance', ['service']);
    this.servicesUp = metrics.gauge('af_mesh_services_up', 'Number of expected services that are up');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.status().catch((error: unknown) => this.logger.warn({ err: error }, 'mesh evaluation failed')), this.options.evaluateIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Stores an instance's heartbeat; one from an unknown service or with a malformed id is ignored. */
  async record(heartbeat: Heartbeat, receivedAtMs = Date.now()): Promise<void> {
    if (!isServiceName(heartbeat.service) || !INSTANCE_ID.test(heartbeat.instanceId)) {
      this.logger.debug({ service: heartbeat.service, instanceId: heartbeat.instanceId }, 'heartbeat ignored');
      return;
    }
    await this.heartbeats.record(
      {
        service: heartbeat.service,
        instanceId: heartbeat.instanceId,
        ready: heartbeat.ready,
        version: heartbeat.version,
        sentAtMs: Number(heartbeat.sentAtMs),
        receivedAtMs,
        checks: { ...heartbeat.checks },
      },
      this.options.expireAfterMs,
    );
    this.received.inc({ service: heartbeat.service });
  }

  /** Every expected service as up / stale / down at `nowMs`; also refreshes the gauges. */
  async status(nowMs = Date.now()): Promise<MeshStatusView> {
    const known = await this.heartbeats.instancesOf(serviceNames, nowMs, this.options.expireAfterMs);
    const view = evaluateMesh(serviceNames, known, nowMs, this.options.staleAfterMs, optionalServiceNames);
    for (const s of view.services) this.serviceUp.set({ service: s.service }, s.state === 'up' ? 1 : 0);
    this.servicesUp.set(view.services.filter((s) => s.state === 'up').length);
    return view;
  }

  async reply(): Promise<MessageInitShape<typeof MeshStatusReplySchema>> {
    const view = await this.status();
    return { status: view.status, services: view.services.map((s) => ({ ...s, lastSeenMs: BigInt(s.lastSeenMs) })) };
  }
}

function isServiceName(value: string): value is ServiceName {
  return (serviceNames as readonly string[]).includes(value);
}

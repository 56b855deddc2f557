import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import { AuthorizationError, PermissionViolationError, type NatsConnection, type Status } from '@nats-io/nats-core';
import type { Counter } from 'prom-client';
import { JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { consumersOwnedBy, inboxPrefixOf, kvBuckets, retiredConsumers, streams, type KvBucketDefinition } from '@af/contracts';
import { loadConfig, redactUrl } from '@af/config';

import { HealthService, LOGGER, MetricsRegistry, ReadinessProbe, type Logger, type ReadinessCheck } from '@af/observability';
import { MessageBus } from './message-bus.js';
import type { MessagingOptions } from './messaging.options.js';
import { consumerLoad } from './slot-consumer.js';
import { AuditTrail } from './audit-trail.js';
import { ensureConsumer, ensureKvBucket, ensureStream } from './provision.js';
import { processNamespace } from './namespace.js';
import { natsAuthConfigSpec } from './nats.config.js';
import { natsConnectOptionsOf, type NatsAuthConfig } from './nats-auth.js';
import { JETSTREAM_CLIENT, JETSTREAM_MANAGER, MESSAGING_OPTIONS, NATS_CONNECTION } from './tokens.js';

export async function connectNats(options: Pick<MessagingOptions, 'url' | 'service' | 'instanceId'> & { auth?: NatsAuthConfig }): Promise<NatsConnection> {
  // Credentials come from the service's config (natsConfigSpec.auth, validated at boot with the rest); tests pass them explicitly.
  const auth = natsConnectOptionsOf(options.auth ?? loadConfig(natsAuthConfigSpec(), process.env));
  try {
    return await connect({
      servers: options.url,
      name: `af-${options.service}-${options.instanceId}`,
      // Replies come back on the service's own inbox prefix: its NATS user may subscribe to no other.
      inboxPrefix: inboxPrefixOf(options.service, processNamespace().value),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      timeout: 5_000,
      // No Error (with its stack) built ahead of every request and JetStream publish in case it
      // times out (~10 % of the CPU of a publish → consume → ack in a profile). A failed request still rejects with
      // the transport's error, which MessageBus wraps in an AppError raised at the caller.
      noAsyncTraces: true,
      ...auth,
    });
  } catch (error) {
    const refused = error instanceof AuthorizationError || /authoriz|authentic/i.test((error as Error).message);
    const hint = refused ? 'the server refused the credentials (NATS_NKEY_SEED_FILE / NATS_CREDS_FILE / NATS_USER; README "NATS security")' : 'is nats-server with JetStream running?';
    throw new Error(`cannot connect to NATS at ${redactUrl(options.url)} as ${options.service} (${(error as Error).message}); ${hint}`, { cause: error });
  }
}

/** Provisions every stream and bucket (idempotent) and the consumers this service owns. */
export async function provisionFor(nc: NatsConnection, options: Pick<MessagingOptions, 'service'>, logger?: Logger): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  const ns = processNamespace();
  for (const def of Object.values(streams)) {
    const outcome = await ensureStream(jsm, ns.stream(def));
    logger?.debug({ stream: def.name, outcome }, 'stream provisioned');
  }
  for (const def of Object.values(kvBuckets)) await ensureKvBucket(nc, ns.bucket(def));
  for (const def of consumersOwnedBy(options.service)) {
    const outcome = await ensureConsumer(jsm, ns.consumer(def));
    logger?.debug({ consumer: def.durable, outcome }, 'consumer provisioned');
  }
  for (const retired of retiredConsumers.filter((c) => c.owner === options.service)) {
    const deleted = await jsm.consumers.delete(ns.streamName(retired.stream), retired.durable).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return false;
      throw error;
    });
    if (deleted) logger?.info({ consumer: retired.durable, stream: retired.stream }, 'retired consumer deleted');
  }
  return jsm;
}

/** Opens KV buckets by definition, once per process. */
@Injectable()
export class KvBuckets {
  private readonly open = new Map<string, Promise<KV>>();
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  get(contract: KvBucketDefinition): Promise<KV> {
    const def = processNamespace().bucket(contract);
    let kv = this.open.get(def.bucket);
    if (!kv) {
      kv = ensureKvBucket(this.nc, def);
      this.open.set(def.bucket, kv);
    }
    return kv;
  }
}

/** Status events worth a log line and a count (`ping` and cluster `update` are routine). */
const CONNECTION_EVENTS = ['disconnect', 'reconnecting', 'reconnect', 'slowConsumer', 'staleConnection', 'error', 'ldm', 'forceReconnect', 'close'] as const;
type ConnectionEvent = (typeof CONNECTION_EVENTS)[number];
/** The same kind of event is logged at most once per this window; the others are counted and summed up in the next line. */
const LOG_WINDOW_MS = 5_000;

/**
 * Watches the connection's status: every disconnect, reconnect attempt, reconnect, slow consumer,
 * stale connection and server error is counted (`af_nats_connection_events_total{type}`) and
 * logged with the redacted server URL (rate-limited per type); readiness is down while disconnected.
 */
@Injectable()
export class NatsConnectionMonitor {
  private connected = true;
  private readonly events: Counter<'type'>;
  private readonly lastLogged = new Map<ConnectionEvent, { at: number; suppressed: number }>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.events = metrics.counter('af_nats_connection_events_total', 'NATS connection events (disconnect, reconnecting, reconnect, slowConsumer, staleConnection, error, …)', ['type']);
    // The status iterator ends when the connection closes (drain at shutdown).
    void this.watch().catch((error: unknown) => this.logger.warn({ err: error }, 'NATS status watch ended'));
  }

  /** Whether the client is connected now (false from a disconnect to the next reconnect). */
  isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  private async watch(): Promise<void> {
    for await (const status of this.nc.status()) this.record(status);
  }

  private record(status: Status): void {
    if (!(CONNECTION_EVENTS as readonly string[]).includes(status.type)) return;
    const type = status.type as ConnectionEvent;
    if (type === 'disconnect' || type === 'close') this.connected = false;
    if (type === 'reconnect') this.connected = true;
    this.events.inc({ type });
    const now = Date.now();
    const last = this.lastLogged.get(type);
    if (last && now - last.at < LOG_WINDOW_MS) {
      last.suppressed++;
      return;
    }
    this.lastLogged.set(type, { at: now, suppressed: 0 });
    const server = redactUrl('server' in status && status.server ? withScheme(status.server) : this.options.url);
    const fields = { event: type, server, ...(last?.suppressed ? { suppressed: last.suppressed } : {}), ...details(status) };
    const level = type === 'reconnect' ? 'info' : type === 'reconnecting' || type === 'close' ? 'info' : 'warn';
    if (status.type === 'error' && status.error instanceof PermissionViolationError) {
      // This service's NATS user may not do that (README "NATS security"): a missing row in @af/contracts access.ts, or a foreign user.
      const { operation, subject, queue } = status.error;
      this.logger.error({ ...fields, permissionViolation: { operation, subject, ...(queue ? { queue } : {}) } }, `NATS permissions violation: ${this.options.service} may not ${operation} on ${subject}`);
      return;
    }
    this.logger[level](fields, messageOf(type, server));
  }
}

function withScheme(server: string): string {
  return /^[a-z]+:\/\//i.test(server) ? server : `nats://${server}`;
}

function details(status: Status): Record<string, unknown> {
  switch (status.type) {
    case 'slowConsumer':
      return { subject: status.sub.getSubject(), pending: status.pending };
    case 'error':
      return { err: status.error };
    default:
      return {};
  }
}

function messageOf(type: ConnectionEvent, server: string): string {
  switch (type) {
    case 'disconnect':
      return `disconnected from NATS at ${server}; reconnecting`;
    case 'reconnecting':
      return `reconnecting to NATS at ${server}`;
    case 'reconnect':
      return `reconnected to NATS at ${server}`;
    case 'slowConsumer':
      return 'NATS slow consumer: a subscription falls behind and messages may be dropped';
    case 'staleConnection':
      return `stale NATS connection to ${server} (pings unanswered)`;
    case 'error':
      return `NATS server error from ${server}`;
    case 'ldm':
      return `NATS server ${server} enters lame-duck mode`;
    case 'forceReconnect':
      return `forced reconnect to NATS at ${server}`;
    case 'close':
      return `NATS connection to ${server} closed`;
  }
}

@ReadinessProbe('nats')
@Injectable()
export class NatsReadinessProbe implements ReadinessCheck {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly monitor: NatsConnectionMonitor,
  ) {}

  async check(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('connection closed');
    if (!this.monitor.isConnected()) throw new Error('disconnected from NATS; reconnecting');
    await this.nc.flush();
    await this.jsm.getAccountInfo();
  }
}

/** Publishes this instance's readiness on af.v1.health.heartbeat every few seconds. */
@Injectable()
export class HeartbeatPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly bus: MessageBus,
    private readonly health: HealthService,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.options.heartbeatIntervalMs ?? 5_000;
    this.timer = setInterval(() => void this.beat(), interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async beat(): Promise<void> {
    try {
      const result = await this.health.readiness();
      this.bus.emit('af.v1.health.heartbeat', {
        service: this.options.service,
        instanceId: this.options.instanceId,
        ready: result.status === 'up',
        version: process.env['npm_package_version'] ?? '0.1.0',
        sentAtMs: BigInt(Date.now()),
        checks: {
          ...Object.fromEntries(Object.entries(result.checks).map(([k, v]) => [k, v.status])),
          // Load of each durable consumer: "held/concurrency" (e.g. a worker's runs in flight).
          ...Object.fromEntries(Object.entries(consumerLoad()).map(([name, load]) => [`inflight:${name}`, `${load.held}/${load.concurrency}`])),
        },
      });
    } catch (error) {
      this.logger.debug({ err: error }, 'heartbeat not sent');
    }
  }
}

@Injectable()
class NatsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Drains: in-flight subscriptions finish, pending publishes flush, then the connection closes. */
  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch((error: unknown) => this.logger.warn({ err: error }, 'NATS drain failed'));
  }
}

@Global()
@Module({})
export class NatsModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: NatsModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(options) },
        {
          provide: JETSTREAM_MANAGER,
          inject: [NATS_CONNECTION, LOGGER],
          useFactory: (nc: NatsConnection, logger: Logger) => provisionFor(nc, options, logger),
        },
        { provide: JETSTREAM_CLIENT, inject: [NATS_CONNECTION, JETSTREAM_MANAGER], useFactory: (nc: NatsConnection) => jetstream(nc) },
        MessageBus,
        AuditTrail,
        KvBuckets,
        NatsConnectionMonitor,
        NatsReadinessProbe,
        HeartbeatPublisher,
        NatsLifecycle,
      ],
      exports: [NATS_CONNECTION, JETSTREAM_CLIENT, JETSTREAM_MANAGER, MESSAGING_OPTIONS, MessageBus, AuditTrail, KvBuckets, NatsConnectionMonitor],
    };
  }
}


import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule } from '@nestjs/common';
import type { ServiceName } from '@af/contracts';
import { HealthService, MetricsRegistry, NestPinoLogger, RequestContext, createLogger, initTracing, shutdownTracing, type Logger } from '@af/observability';
import { JetStreamServer, NATS_CONNECTION } from '@af/messaging';
import type { NatsConnection } from '@nats-io/nats-core';
import { HttpErrorFilter } from './http-error.filter.js';
import { installHttpContext } from './http-context.js';
import { IdleHeapTrim } from './idle-heap-trim.js';
import { installHttpBackPressure, type BackPressureOptions } from './back-pressure.js';
import { DEFAULT_BACK_PRESSURE, NATS_ENVELOPE_RESERVE_BYTES } from './service.config.js';

export interface BootstrapOptions {
  service: ServiceName;
  http: { host: string; port: number; bodyLimitBytes: number };
  /** In-flight bounds (HTTP and NATS request/reply) and the Retry-After given over them; defaults as in serviceConfigSpec. */
  backPressure?: BackPressureOptions;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** Builds the root module once logger and instance id exist. */
  module: (runtime: { logger: Logger; instanceId: string }) => DynamicModule;
  /** Extra Fastify setup (content-type parsers…) before routes are registered. */
  configureHttp?: (app: NestFastifyApplication) => void | Promise<void>;
  /** Messages each durable consumer handles at once in this process (by durable name), e.g. the worker's WORKER_RUN_CONCURRENCY. */
  consumerConcurrency?: Readonly<Record<string, number>>;
  /**
   * On shutdown, how long consumers' handlers in flight may run to their end before their
   * messages are handed back (nak without delay); default two thirds of shutdownTimeoutMs.
   */
  shutdownGraceMs?: number;
}

export interface RunningService {
  app: NestFastifyApplication;
  logger: Logger;
  url: string;
  close(): Promise<void>;
}

/**
 * Boots one service: tracing, JSON logs, Fastify HTTP (health, metrics, API), the NATS
 * transport for its handlers and consumers, and a graceful shutdown on SIGTERM/SIGINT.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<RunningService> {
  const logger = createLogger(options.service, options.logLevel);
  // OTLP export when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set (README "Operations"); off otherwise.
  const tracing = initTracing({ service: options.service, logger });
  if (tracing.config?.exporter) logger.info({ otlp: tracing.config.exporter.url, sampler: tracing.config.samplerDescription }, 'exporting traces');
  const instanceId = `${options.service}-${randomUUID().slice(0, 8)}`;
  const adapter = new FastifyAdapter({
    bodyLimit: options.http.bodyLimitBytes,
    // Path parameters up to 256 characters (Fastify's default 100 answered 414 for a 128-character secret name).
    routerOptions: { maxParamLength: 256 },
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const header = req.headers['x-correlation-id'];
      return typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : RequestContext.newCorrelationId();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module({ logger, instanceId }), adapter, {
    logger: new NestPinoLogger(logger),
    bufferLogs: false,
    abortOnError: false,
    // A service that installs its own body parsers keeps Nest from registering the default ones.
    bodyParser: options.configureHttp === undefined,
  });
  try {
    return await start(app, options, logger, instanceId);
  } catch (error) {
    // Release what did start (connections, pools) so a failed boot leaves nothing behind.
    await app.close().catch(() => undefined);
    throw error;
  }
}

async function start(app: NestFastifyApplication, options: BootstrapOptions, logger: Logger, instanceId: string): Promise<RunningService> {
  const connection = app.get<NatsConnection>(NATS_CONNECTION);
  checkBodyLimit(options.http.bodyLimitBytes, connection.info?.max_payload);
  const metrics = app.get(MetricsRegistry);
  const backPressure = options.backPressure ?? DEFAULT_BACK_PRESSURE;
  app.useGlobalFilters(new HttpErrorFilter(logger, backPressure.retryAfterSec));
  installHttpContext(app, logger, metrics);
  installHttpBackPressure(app, backPressure, metrics);
  await options.configureHttp?.(app);

  app.connectMicroservice(
    {
      strategy: new JetStreamServer({
        service: options.service,
        connection,
        logger,
        metrics,
        maxRequestsInFlight: backPressure.natsMaxInFlight,
        ...(options.consumerConcurrency ? { consumerConcurrency: options.consumerConcurrency } : {}),
        shutdownGraceMs: options.shutdownGraceMs ?? Math.floor((options.shutdownTimeoutMs * 2) / 3),
      }),
    },
    { inheritAppConfig: true },
  );

  await app.startAllMicroservices();
  await app.listen({ host: options.http.host, port: options.http.port });
  app.get(HealthService).markStarted();
  // Boot grew the heap; once the service is idle, that memory goes back (idle-heap-trim.ts).
  const heapTrim = new IdleHeapTrim(logger);
  heapTrim.start();
  const url = `http://${options.http.host}:${options.http.port}`;
  logger.info({ url, instanceId }, `${options.service} started`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info('shutting down: draining consumers and connections');
      const timer = setTimeout(() => {
        logger.error('shutdown timed out; exiting');
        process.exit(1);
      }, options.shutdownTimeoutMs);
      timer.unref();
      heapTrim.stop();
      await app.close();
      // The spans of the last requests and messages, still batched, go out before the process ends.
      await shutdownTracing().catch((error: unknown) => logger.warn({ err: error }, 'could not export the last spans'));
      clearTimeout(timer);
      logger.info('stopped');
    })();
    return closing;
  };
  return { app, logger, url, close };
}

/**
 * Any body the HTTP edge accepts must fit in a NATS message with its envelope; a limit that
 * leaves no room would turn big requests into 503s instead of 413s, so it fails the boot.
 */
function checkBodyLimit(bodyLimitBytes: number, maxPayload: number | undefined): void {
  if (maxPayload === undefined) return;
  const allowed = maxPayload - NATS_ENVELOPE_RESERVE_BYTES;
  if (bodyLimitBytes > allowed) {
    throw new Error(
      `HTTP_BODY_LIMIT_BYTES=${bodyLimitBytes} does not fit the NATS server's max_payload of ${maxPayload} bytes with ${NATS_ENVELOPE_RESERVE_BYTES} bytes for the envelope; set it to at most ${allowed}`,
    );
  }
}

/** Entry-point helper: boots, and exits non-zero with a readable message when boot fails. */
export async function runService(options: BootstrapOptions): Promise<void> {
  try {
    const running = await bootstrapService(options);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void running.close().then(() => process.exit(0)));
    }
  } catch (error) {
    createLogger(options.service).fatal({ err: error }, `${options.service} failed to start: ${(error as Error).message}`);
    process.exit(1);
  }
}

import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, ReplyError, type Command } from 'ioredis';
import { env, redactUrl } from '@af/config';
import { AppError, ErrorCode } from '@af/errors';
import { ReadinessProbe, type ReadinessCheck } from '@af/observability';

export const REDIS = Symbol.for('af.persistence.redis');

export const redisConfigSpec = {
  url: env.url('REDIS_URL', { protocols: ['redis', 'rediss'], default: 'redis://127.0.0.1:6379', description: 'Redis' }),
  keyPrefix: env.string('REDIS_KEY_PREFIX', { default: 'af:', pattern: /^[\w:.-]{0,64}$/ }),
  /** A command not answered within this fails with UNAVAILABLE (a cache lookup then counts as a miss). */
  commandTimeoutMs: env.int('REDIS_COMMAND_TIMEOUT_MS', { default: 500, min: 10, max: 60_000, description: 'Redis command timeout' }),
};

export interface RedisClientOptions {
  /** Default {@link DEFAULT_REDIS_COMMAND_TIMEOUT_MS}. */
  commandTimeoutMs?: number;
}

export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 500;
/** Longest pause between two reconnect attempts: Redis coming back is noticed within it. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * Connects and PINGs once, so a wrong URL fails the boot with a clear message. The client fails
 * fast instead of queueing: no offline queue (a command while disconnected fails at once), a
 * command timeout, one retry per command, reconnects with a bounded delay; every failure that is
 * not a Redis reply error (wrong type, script error) is an AppError UNAVAILABLE.
 */
export async function openRedis(url: string, keyPrefix: string, options: RedisClientOptions = {}): Promise<Redis> {
  const client = new Redis(url, {
    keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
  });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash the process.
  client.on('error', () => undefined);
  translateErrorsOfRedis(client, url);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${redactUrl(url)} (${(error as Error).message})`, { cause: error });
  }
  return client;
}

/**
 * A Redis error that means "Redis cannot serve right now" (not connected, timed out, connection
 * lost) becomes UNAVAILABLE (503 + Retry-After; nak with delay on JetStream); a reply error is kept.
 */
export function translateRedisError(error: unknown, url?: string): unknown {
  if (error instanceof AppError || error instanceof ReplyError || !(error instanceof Error)) return error;
  const where = url ? ` at ${redactUrl(url)}` : '';
  return new AppError(ErrorCode.Unavailable, `Redis${where} is unavailable (${error.message}); retry shortly`, { cause: error });
}

/** Every command's rejection goes through {@link translateRedisError} (in place: no extra promise that could go unhandled). */
function translateErrorsOfRedis(client: Redis, url: string): void {
  const translated = new WeakSet<Command>();
  const send = client.sendCommand.bind(client) as (command: Command, ...rest: unknown[]) => unknown;
  (client as unknown as { sendCommand: typeof send }).sendCommand = (command, ...rest) => {
    if (!translated.has(command)) {
      translated.add(command);
      const reject = command.reject.bind(command);
      command.reject = (error: Error) => reject(translateRedisError(error, url) as Error);
    }
    return send(command, ...rest);
  };
}

@ReadinessProbe('redis')
@Injectable()
export class RedisReadinessProbe implements ReadinessCheck, OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async check(): Promise<void> {
    const pong = await this.redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(options: { url: string; keyPrefix: string; commandTimeoutMs?: number }): DynamicModule {
    const client = options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs };
    return {
      module: RedisModule,
      providers: [{ provide: REDIS, useFactory: () => openRedis(options.url, options.keyPrefix, client) }, RedisReadinessProbe],
      exports: [REDIS],
    };
  }
}

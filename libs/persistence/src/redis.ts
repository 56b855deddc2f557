import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { env, redactUrl } from '@af/config';
import { ReadinessProbe, type ReadinessCheck } from '@af/observability';

export const REDIS = Symbol.for('af.persistence.redis');

export const redisConfigSpec = {
  url: env.url('REDIS_URL', { protocols: ['redis', 'rediss'], default: 'redis://127.0.0.1:6379', description: 'Redis' }),
  keyPrefix: env.string('REDIS_KEY_PREFIX', { default: 'af:', pattern: /^[\w:.-]{0,64}$/ }),
};

/** Connects and PINGs once, so a wrong URL fails the boot with a clear message. */
export async function openRedis(url: string, keyPrefix: string): Promise<Redis> {
  const client = new Redis(url, { keyPrefix, lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${redactUrl(url)} (${(error as Error).message})`, { cause: error });
  }
  return client;
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
  static forRoot(options: { url: string; keyPrefix: string }): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS, useFactory: () => openRedis(options.url, options.keyPrefix) }, RedisReadinessProbe],
      exports: [REDIS],
    };
  }
}

import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import neo4j, { type Driver } from 'neo4j-driver';
import { ReadinessProbe, type ReadinessCheck } from '@af/observability';
import type { Neo4jOptions } from './neo4j.config.js';
import { redactUrl } from '@af/config';

export const NEO4J_DRIVER = Symbol.for('af.memory.neo4jDriver');
export const NEO4J_OPTIONS = Symbol.for('af.memory.neo4jOptions');

/** Connect, pool acquisition, managed retries and per-transaction bounds of every Neo4j call. */
export const NEO4J_TIMEOUTS = { connectMs: 3_000, acquireMs: 5_000, retryMs: 2_000, transactionMs: 5_000 } as const;

/** Creates the driver and checks connectivity once, so a wrong URL or password fails the boot clearly. */
export async function openNeo4j(options: Neo4jOptions): Promise<Driver> {
  const auth = options.user ? neo4j.auth.basic(options.user, options.password) : undefined;
  // Bounded waits: Neo4j down must fail a write in seconds (the graph consumer then naks and retries),
  // not after the driver's defaults (30 s connect, 60 s acquisition, 30 s of managed retries).
  const driver = neo4j.driver(options.url, auth, {
    maxConnectionPoolSize: 50,
    connectionTimeout: NEO4J_TIMEOUTS.connectMs,
    connectionAcquisitionTimeout: NEO4J_TIMEOUTS.acquireMs,
    maxTransactionRetryTime: NEO4J_TIMEOUTS.retryMs,
    disableLosslessIntegers: true,
  });
  try {
    await driver.verifyConnectivity({ database: options.database });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw new Error(`cannot connect to Neo4j at ${redactUrl(options.url)} (${(error as Error).message})`, { cause: error });
  }
  return driver;
}

@ReadinessProbe('neo4j')
@Injectable()
export class Neo4jReadinessProbe implements ReadinessCheck, OnApplicationShutdown {
  constructor(
    @Inject(NEO4J_DRIVER) private readonly driver: Driver,
    @Inject(NEO4J_OPTIONS) private readonly options: Neo4jOptions,
  ) {}

  async check(): Promise<void> {
    await this.driver.verifyConnectivity({ database: this.options.database });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}

/** The Neo4j driver (closed on shutdown). Only repositories open sessions on it. */
@Global()
@Module({})
export class Neo4jModule {
  static forRoot(options: Neo4jOptions): DynamicModule {
    return {
      module: Neo4jModule,
      providers: [{ provide: NEO4J_OPTIONS, useValue: options }, { provide: NEO4J_DRIVER, useFactory: () => openNeo4j(options) }, Neo4jReadinessProbe],
      exports: [NEO4J_DRIVER, NEO4J_OPTIONS],
    };
  }
}

import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ReadinessProbe, type ReadinessCheck } from '@af/observability';
import { openDataSource, type DatabaseAccess, type DatabaseLimits, type ServiceDataSourceOptions } from './data-source.js';

export const DATA_SOURCE = Symbol.for('af.persistence.dataSource');

@ReadinessProbe('postgres')
@Injectable()
export class PostgresReadinessProbe implements ReadinessCheck, OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The service's data source, connected and migrated before anything else starts. */
@Global()
@Module({})
export class PersistenceModule {
  /**
   * `limits`: the service's validated database config (acquire and statement timeouts, and the
   * runtime role: DATABASE_APP_URL, DATABASE_APP_PASSWORD, DATABASE_ALLOW_PRIVILEGED_ROLE), over `options`.
   */
  static forRoot(options: ServiceDataSourceOptions, limits?: Partial<DatabaseLimits & DatabaseAccess>): DynamicModule {
    const merged: ServiceDataSourceOptions = limits ? { ...options, limits: { ...options.limits, ...pickLimits(limits) }, access: { ...options.access, ...pickAccess(limits) } } : options;
    return {
      module: PersistenceModule,
      providers: [{ provide: DATA_SOURCE, useFactory: () => openDataSource(merged) }, PostgresReadinessProbe],
      exports: [DATA_SOURCE],
    };
  }
}

function pickLimits(limits: Partial<DatabaseLimits>): Partial<DatabaseLimits> {
  const { acquireTimeoutMs, statementTimeoutMs, idleInTransactionTimeoutMs } = limits;
  return Object.fromEntries(Object.entries({ acquireTimeoutMs, statementTimeoutMs, idleInTransactionTimeoutMs }).filter(([, v]) => v !== undefined));
}

function pickAccess(config: Partial<DatabaseAccess>): Partial<DatabaseAccess> {
  const { appUrl, appPassword, allowPrivilegedRole } = config;
  return Object.fromEntries(Object.entries({ appUrl, appPassword, allowPrivilegedRole }).filter(([, v]) => v !== undefined));
}

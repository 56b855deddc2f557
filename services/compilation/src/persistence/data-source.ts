import type { ServiceDataSourceOptions } from '@af/persistence';
import { ArtifactEntity } from './artifact.entity.js';
import { CreateArtifacts1732400000000 } from './migrations/1732400000000-create-artifacts.js';
import { TenantIsolation1796000000000 } from './migrations/1796000000000-tenant-isolation.js';

export const COMPILATION_SCHEMA = 'compilation';

export function compilationDataSource(url: string, schema = COMPILATION_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [ArtifactEntity], migrations: [CreateArtifacts1732400000000, TenantIsolation1796000000000], ...(poolSize ? { poolSize } : {}) };
}

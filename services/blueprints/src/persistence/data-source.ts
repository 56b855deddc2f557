import type { ServiceDataSourceOptions } from '@af/persistence';
import { BlueprintVersionEntity } from './blueprint-version.entity.js';
import { BlueprintEntity } from './blueprint.entity.js';
import { CreateBlueprints1732300000000 } from './migrations/1732300000000-create-blueprints.js';
import { CreateBlueprintArchiveEvents1732400000000 } from './migrations/1732400000000-create-blueprint-archive-events.js';
import { TenantIsolation1796000000000 } from './migrations/1796000000000-tenant-isolation.js';

export const BLUEPRINTS_SCHEMA = 'blueprints';

export function blueprintsDataSource(url: string, schema = BLUEPRINTS_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [BlueprintEntity, BlueprintVersionEntity], migrations: [CreateBlueprints1732300000000, CreateBlueprintArchiveEvents1732400000000, TenantIsolation1796000000000], ...(poolSize ? { poolSize } : {}) };
}

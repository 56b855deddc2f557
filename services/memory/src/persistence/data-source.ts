import type { ServiceDataSourceOptions } from '@af/persistence';
import { EpisodeEntity } from './episode.entity.js';
import { CreateEpisodes1732350000000 } from './migrations/1732350000000-create-episodes.js';
import { EpisodesCancelled1764000000000 } from './migrations/1764000000000-episodes-cancelled.js';
import { TenantIsolation1796000000000 } from './migrations/1796000000000-tenant-isolation.js';
import { Memories1800000000000 } from './migrations/1800000000000-memories.js';

export const MEMORY_SCHEMA = 'memory';

export function memoryDataSource(url: string, schema = MEMORY_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [EpisodeEntity], migrations: [CreateEpisodes1732350000000, EpisodesCancelled1764000000000, TenantIsolation1796000000000, Memories1800000000000], ...(poolSize ? { poolSize } : {}) };
}

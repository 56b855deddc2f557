import type { ServiceDataSourceOptions } from '@af/persistence';
import { ApiKeyEntity } from './api-key.entity.js';
import { CreateApiKeys1733000000000 } from './migrations/1733000000000-create-api-keys.js';
import { TenantIsolation1796000000000 } from './migrations/1796000000000-tenant-isolation.js';

export const GATEWAY_SCHEMA = 'gateway';

/** The gateway's own schema: API keys (the rest of its state lives in the services it fronts). */
export function gatewayDataSource(url: string, schema = GATEWAY_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [ApiKeyEntity], migrations: [CreateApiKeys1733000000000, TenantIsolation1796000000000], ...(poolSize ? { poolSize } : {}) };
}

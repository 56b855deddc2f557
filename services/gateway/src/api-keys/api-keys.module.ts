import { Module, type DynamicModule } from '@nestjs/common';
import { PersistenceModule } from '@af/persistence';
import type { GatewayConfig } from '../config.js';
import { gatewayDataSource } from '../persistence/data-source.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { API_KEYS_CONFIG, ApiKeyService } from './api-key.service.js';
import { ApiKeysController } from './api-keys.controller.js';

/** API keys: the gateway's own PostgreSQL schema, the /v1/api-keys routes and the key verifier. */
@Module({})
export class ApiKeysModule {
  static forRoot(config: Pick<GatewayConfig, 'apiKeys' | 'database'>): DynamicModule {
    return {
      module: ApiKeysModule,
      imports: [PersistenceModule.forRoot(gatewayDataSource(config.database.url, config.apiKeys.schema, config.database.poolSize), config.database)],
      controllers: [ApiKeysController],
      providers: [{ provide: API_KEYS_CONFIG, useValue: config.apiKeys }, ApiKeyRepository, ApiKeyService],
      exports: [ApiKeyService],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { KEY_WRAPPER, LocalKeyWrapper } from '../crypto/key-wrapper.js';
import { DataKeys } from './data-keys.js';
import { MasterKeyRotation } from './master-key-rotation.js';
import { SecretHandler } from './secret.handler.js';
import { SecretRepository } from './secret.repository.js';
import { SecretService } from './secret.service.js';
import { SecretsMetrics } from './secrets.metrics.js';

export interface SecretKeysOptions {
  masterKeys: ReadonlyMap<string, Buffer>;
  activeMasterKey: string;
}

@Module({})
export class SecretsModule {
  static forRoot(keys: SecretKeysOptions): DynamicModule {
    return {
      module: SecretsModule,
      controllers: [SecretHandler],
      providers: [
        // Local master keys; a KMS-backed KeyWrapper replaces this one provider.
        { provide: KEY_WRAPPER, useFactory: () => new LocalKeyWrapper(keys.masterKeys, keys.activeMasterKey) },
        DataKeys,
        SecretsMetrics,
        SecretRepository,
        SecretService,
        MasterKeyRotation,
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import type { GatewayConfig } from '../config.js';
import { API_KEY_VERIFIER } from './api-key-verifier.js';
import { AuthFailureRecorder } from './auth-failures.js';
import { AuthGuard } from './auth.guard.js';
import { AUTH_CONFIG } from './auth.tokens.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Every route of the gateway is authenticated (JWT or API key) and authorized (its
 * `@RequirePermission`) by one global guard; `@Public()` opts a route out.
 */
@Module({})
export class AuthModule {
  static forRoot(config: Pick<GatewayConfig, 'auth' | 'apiKeys' | 'database'>): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [ApiKeysModule.forRoot(config)],
      providers: [
        { provide: AUTH_CONFIG, useValue: config.auth },
        { provide: API_KEY_VERIFIER, useExisting: ApiKeyService },
        TokenVerifier,
        AuthFailureRecorder,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier, AuthFailureRecorder],
    };
  }
}

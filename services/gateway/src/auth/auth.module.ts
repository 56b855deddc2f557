import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { AUTH_CONFIG, type AuthConfig } from './auth.tokens.js';
import { TokenVerifier } from './token-verifier.js';

/** Every route of the gateway is authenticated by one global guard; `@Public()` opts a route out. */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_CONFIG, useValue: config }, TokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TokenVerifier],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { AuthGuard } from './auth.guard.js';
import { AUTH_CONFIG, type AuthConfig } from './auth.tokens.js';
import { TokenVerifier } from './token-verifier.js';

@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_CONFIG, useValue: config }, TokenVerifier, AuthGuard],
      exports: [TokenVerifier, AuthGuard],
    };
  }
}

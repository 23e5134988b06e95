/** `AuthModule.forRoot(options)`: the JwtVerifier (injectable anywhere) and the global AuthGuard. */
import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { JwtVerifier, JwtVerifierOptions } from './jwt-verifier';

/** The auth-related settings (AppConfig has the first three; issuer/audience are optional). */
export interface AuthSettings {
  jwtSecret?: string;
  jwtPublicKey?: string;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  jwtMaxLifetimeSeconds?: number;
}

/** AppConfig (or any AuthSettings) → verifier options; empty strings count as unset. */
export function authOptionsFromConfig(config: AuthSettings): JwtVerifierOptions {
  return {
    secret: config.jwtSecret || undefined,
    publicKey: config.jwtPublicKey || undefined,
    jwksUrl: config.jwksUrl || undefined,
    issuer: config.jwtIssuer || undefined,
    audience: config.jwtAudience || undefined,
    maxLifetimeSeconds: config.jwtMaxLifetimeSeconds,
  };
}

@Module({})
export class AuthModule {
  /** With no key configured every protected route answers 401 (never open access). */
  static forRoot(options: JwtVerifierOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: JwtVerifier, useValue: new JwtVerifier(options) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [JwtVerifier],
    };
  }
}

/**
 * Verifies bearer JWTs (framework-free): HS256 with a shared secret, RS256/ES256 with a PEM public
 * key or a JWKS URL. Only the algorithms of the configured keys are accepted (never `none`, no
 * HS256-with-the-public-key confusion); `exp` is required, `nbf`/`iss`/`aud` are checked.
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, JWTVerifyGetKey } from 'jose';
import { AuthenticationError, Principal, principalFromClaims } from './principal';

export interface JwtVerifierOptions {
  /** HS256 shared secret (JWT_SECRET), at least 32 characters. */
  secret?: string;
  /** PEM public key, RSA (RS256) or P-256 EC (ES256) (JWT_PUBLIC_KEY). `\n` escapes are accepted. */
  publicKey?: string;
  /** URL of a JSON Web Key Set for RS256/ES256 (JWKS_URL). */
  jwksUrl?: string;
  /** Required `iss` (JWT_ISSUER). */
  issuer?: string | string[];
  /** Required `aud` (JWT_AUDIENCE). */
  audience?: string | string[];
  /** Leeway for `exp`/`nbf`, default 30 s. */
  clockToleranceSeconds?: number;
  /**
   * Longest lifetime accepted (JWT_MAX_LIFETIME_SECONDS), default 24 h: a token whose `exp - iat`,
   * or whose remaining time `exp - now`, is longer is refused (a leaked 100-year token stays usable
   * for 100 years).
   */
  maxLifetimeSeconds?: number;
  /** A key set to use instead of fetching `jwksUrl` (tests, or a local JWKS). */
  jwks?: JWTVerifyGetKey;
}

/** The configuration cannot work (e.g. short secret, unreadable key). */
export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

export const MIN_SECRET_LENGTH = 32;
export const NOT_CONFIGURED_REASON =
  'authentication is not configured: set JWT_SECRET (HS256, at least 32 characters), JWT_PUBLIC_KEY (RS256/ES256 PEM) or JWKS_URL';

const MAX_TOKEN_LENGTH = 16_384;
/** Default of JWT_MAX_LIFETIME_SECONDS: 24 h. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** The token of an `Authorization: Bearer <token>` header; undefined when the header is absent. */
export function extractBearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = typeof header === 'string' ? /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header) : null;
  if (!match) throw new AuthenticationError('the Authorization header must be "Bearer <token>"');
  return match[1];
}

function pemKey(text: string): { key: KeyObject; alg: 'RS256' | 'ES256' } {
  let key: KeyObject;
  try {
    key = createPublicKey(text.includes('\\n') ? text.replace(/\\n/g, '\n') : text);
  } catch (err) {
    throw new AuthConfigError(`JWT_PUBLIC_KEY is not a readable PEM public key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType === 'rsa') return { key, alg: 'RS256' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, alg: 'ES256' };
  throw new AuthConfigError('JWT_PUBLIC_KEY must be an RSA key (RS256) or a P-256 EC key (ES256)');
}

function remoteKeySet(url: string): JWTVerifyGetKey {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AuthConfigError(`JWKS_URL "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AuthConfigError(`JWKS_URL "${url}" must be an http(s) URL`);
  return createRemoteJWKSet(parsed);
}

/** jose's errors → short human reasons. */
function toAuthError(err: unknown): AuthenticationError {
  if (err instanceof AuthenticationError) return err;
  const e = err as { code?: string; claim?: string; reason?: string; message?: string };
  switch (e?.code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthenticationError('token expired');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthenticationError('signature invalid');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new AuthenticationError('algorithm not allowed');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.reason === 'missing') return new AuthenticationError(`missing claim ${e.claim}`);
      if (e.claim === 'nbf') return new AuthenticationError('token not yet valid');
      if (e.claim === 'iss') return new AuthenticationError('issuer not accepted');
      if (e.claim === 'aud') return new AuthenticationError('audience not accepted');
      return new AuthenticationError(`claim ${e.claim} invalid`);
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new AuthenticationError('no key of the key set matches the token');
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthenticationError('several keys of the key set match the token (no kid)');
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return new AuthenticationError('the key set (JWKS_URL) could not be fetched');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new AuthenticationError('malformed token');
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthenticationError(`token not supported: ${e.message}`);
    default:
      return new AuthenticationError('token could not be verified');
  }
}

export class JwtVerifier {
  /** The `alg` values accepted, from the configured keys. */
  readonly algorithms: readonly string[];
  private readonly secretKey?: Uint8Array;
  private readonly pem?: { key: KeyObject; alg: 'RS256' | 'ES256' };
  private readonly jwks?: JWTVerifyGetKey;

  constructor(private readonly options: JwtVerifierOptions = {}) {
    const algorithms = new Set<string>();
    if (options.secret) {
      if (options.secret.length < MIN_SECRET_LENGTH) throw new AuthConfigError(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters (HS256 key)`);
      this.secretKey = new TextEncoder().encode(options.secret);
      algorithms.add('HS256');
    }
    if (options.publicKey?.trim()) {
      this.pem = pemKey(options.publicKey.trim());
      algorithms.add(this.pem.alg);
    }
    if (options.jwks || options.jwksUrl) {
      this.jwks = options.jwks ?? remoteKeySet(options.jwksUrl as string);
      algorithms.add('RS256').add('ES256');
    }
    this.algorithms = [...algorithms];
  }

  /** False when no key at all is configured: every token is refused. */
  get configured(): boolean {
    return this.algorithms.length > 0;
  }

  /** Verifies the token and its claims; throws AuthenticationError with the reason. */
  async verify(token: string): Promise<Principal> {
    if (!this.configured) throw new AuthenticationError(NOT_CONFIGURED_REASON);
    if (!token || token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) throw new AuthenticationError('malformed token');
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthenticationError('malformed token');
    }
    if (typeof alg !== 'string' || !this.algorithms.includes(alg)) {
      throw new AuthenticationError(`algorithm not allowed: ${String(alg ?? 'none given')} (accepted: ${this.algorithms.join(', ')})`);
    }
    try {
      const { payload } = await jwtVerify(token, this.keyFor, {
        algorithms: [...this.algorithms],
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        issuer: this.options.issuer || undefined,
        audience: this.options.audience || undefined,
        requiredClaims: ['exp'],
      });
      this.checkLifetime(payload.exp as number, payload.iat);
      return principalFromClaims(payload);
    } catch (err) {
      throw toAuthError(err);
    }
  }

  /** The lifetime of the token (`exp - iat`) and the time it has left must both fit the maximum. */
  private checkLifetime(exp: number, iat: unknown): void {
    const max = this.maxLifetimeSeconds;
    const tolerance = this.options.clockToleranceSeconds ?? 30;
    const lifetime = typeof iat === 'number' ? exp - iat : undefined;
    const left = exp - Date.now() / 1000;
    if ((lifetime !== undefined && lifetime > max) || left > max + tolerance) {
      const span = lifetime !== undefined && lifetime > max ? `lives ${Math.round(lifetime)} s` : `is valid for ${Math.round(left)} s more`;
      throw new AuthenticationError(`token lifetime too long: it ${span}, the maximum is ${max} s (JWT_MAX_LIFETIME_SECONDS); ask for a new token`);
    }
  }

  /** Longest token lifetime accepted, in seconds. */
  get maxLifetimeSeconds(): number {
    return this.options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  }

  /** Verifies an `Authorization` header value (`Bearer <token>`); a missing header is refused too. */
  async verifyAuthorization(header: string | string[] | undefined): Promise<Principal> {
    const token = extractBearerToken(header);
    if (token === undefined) throw new AuthenticationError('missing bearer token');
    return this.verify(token);
  }

  /** Picks the key by the header's algorithm (each algorithm has exactly one key source). */
  private readonly keyFor: JWTVerifyGetKey = (header, token) => {
    if (header.alg === 'HS256' && this.secretKey) return this.secretKey;
    if (this.pem && header.alg === this.pem.alg && !(this.jwks && header.kid)) return this.pem.key;
    if (this.jwks && (header.alg === 'RS256' || header.alg === 'ES256')) return this.jwks(header, token);
    throw new AuthenticationError('algorithm not allowed');
  };
}

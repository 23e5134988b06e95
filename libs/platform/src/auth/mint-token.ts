/** Mints HS256 tokens with the shared secret (CLI `token` command, tests). */
import { SignJWT } from 'jose';
import { MIN_SECRET_LENGTH } from './jwt-verifier';
import { AuthenticationError, principalFromClaims, Role } from './principal';

export interface TokenRequest {
  sub: string;
  name?: string;
  roles: readonly Role[];
  units: readonly string[];
  /** Lifetime: a jose time span (`8h`, `30m`, `2 days`) or seconds; default `8h`. */
  expiresIn?: string | number;
  issuer?: string;
  audience?: string | string[];
}

/** Signs `{sub, name, roles, units, iat, exp}` with HS256; throws a plain Error on bad input. */
export async function mintToken(request: TokenRequest, secret: string): Promise<string> {
  if (!secret || secret.length < MIN_SECRET_LENGTH) throw new Error(`the secret must be at least ${MIN_SECRET_LENGTH} characters (HS256 key)`);
  try {
    principalFromClaims({ ...request });
  } catch (err) {
    if (err instanceof AuthenticationError) throw new Error(`cannot mint token: ${err.reason}`, { cause: err });
    throw err;
  }
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = request.expiresIn ?? '8h';
  const jwt = new SignJWT({
    ...(request.name !== undefined ? { name: request.name } : {}),
    roles: [...request.roles],
    units: [...request.units],
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn);
  if (request.issuer) jwt.setIssuer(request.issuer);
  if (request.audience) jwt.setAudience(request.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { AuthConfigError, extractBearerToken, JwtVerifier } from './jwt-verifier';
import { mintToken } from './mint-token';
import { AuthenticationError } from './principal';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const CLAIMS = { sub: 'u1', name: 'Nguyễn Văn A', roles: ['clerk' as const], units: ['000.00.27.H29'] };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function sign(payload: Record<string, unknown>, key: KeyObject | Uint8Array, alg: string, extraHeader: Record<string, unknown> = {}) {
  return new SignJWT(payload).setProtectedHeader({ alg, ...extraHeader }).sign(key);
}
const secretBytes = (s: string) => new TextEncoder().encode(s);

async function reason(verifier: JwtVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (err) {
    expect(err).toBeInstanceOf(AuthenticationError);
    return (err as AuthenticationError).reason;
  }
  throw new Error('token was accepted');
}

describe('JwtVerifier with HS256', () => {
  const verifier = new JwtVerifier({ secret: SECRET });

  it('accepts a minted token and returns the principal', async () => {
    const token = await mintToken(CLAIMS, SECRET);
    await expect(verifier.verify(token)).resolves.toEqual(CLAIMS);
    await expect(verifier.verifyAuthorization(`Bearer ${token}`)).resolves.toEqual(CLAIMS);
  });

  it('refuses an expired token, but tolerates 30 s of clock skew', async () => {
    expect(await reason(verifier, await mintToken({ ...CLAIMS, expiresIn: -60 }, SECRET))).toBe('token expired');
    await expect(verifier.verify(await mintToken({ ...CLAIMS, expiresIn: -10 }, SECRET))).resolves.toBeDefined();
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintToken(CLAIMS, 'another-secret-that-is-also-long-enough-xx');
    expect(await reason(verifier, token)).toBe('signature invalid');
  });

  it('refuses alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...CLAIMS, exp: now() + 600 })}.`;
    expect(await reason(verifier, token)).toMatch(/^algorithm not allowed/);
  });

  it('requires exp and honours nbf', async () => {
    expect(await reason(verifier, await sign({ ...CLAIMS }, secretBytes(SECRET), 'HS256'))).toBe('missing claim exp');
    const early = await sign({ ...CLAIMS, exp: now() + 600, nbf: now() + 300 }, secretBytes(SECRET), 'HS256');
    expect(await reason(verifier, early)).toBe('token not yet valid');
  });

  it('refuses a token that lives longer than the maximum lifetime (default 24 h), or has no exp', async () => {
    const key = secretBytes(SECRET);
    const century = await sign({ ...CLAIMS, iat: now(), exp: now() + 100 * 365 * 86_400 }, key, 'HS256');
    expect(await reason(verifier, century)).toMatch(/^token lifetime too long: it lives 3153600000 s, the maximum is 86400 s \(JWT_MAX_LIFETIME_SECONDS\)/);
    // without iat (or with a future iat) the time left counts
    expect(await reason(verifier, await sign({ ...CLAIMS, exp: now() + 2 * 86_400 }, key, 'HS256'))).toMatch(
      /^token lifetime too long: it is valid for \d+ s more/,
    );
    expect(await reason(verifier, await sign({ ...CLAIMS, iat: now() + 10 * 86_400, exp: now() + 10.5 * 86_400 }, key, 'HS256'))).toMatch(
      /^token lifetime too long/,
    );
    expect(await reason(verifier, await sign({ ...CLAIMS, iat: now() }, key, 'HS256'))).toBe('missing claim exp');
    // exactly 24 h is fine; a stricter maximum refuses it
    const day = await mintToken({ ...CLAIMS, expiresIn: 86_400 }, SECRET);
    await expect(verifier.verify(day)).resolves.toEqual(CLAIMS);
    expect(await reason(new JwtVerifier({ secret: SECRET, maxLifetimeSeconds: 3600 }), day)).toMatch(/the maximum is 3600 s/);
  });

  it('validates the claims', async () => {
    const tok = (claims: Record<string, unknown>) => sign({ exp: now() + 600, ...claims }, secretBytes(SECRET), 'HS256');
    expect(await reason(verifier, await tok({ roles: ['clerk'], units: [] }))).toBe('missing claim sub');
    expect(await reason(verifier, await tok({ sub: '', roles: ['clerk'], units: [] }))).toMatch(/sub must be a non-empty string/);
    expect(await reason(verifier, await tok({ sub: 'u1', units: [] }))).toBe('missing claim roles');
    expect(await reason(verifier, await tok({ sub: 'u1', roles: 'admin', units: [] }))).toMatch(/roles must be an array/);
    expect(await reason(verifier, await tok({ sub: 'u1', roles: ['clerk', 'root'], units: [] }))).toMatch(/unknown role "root"/);
    expect(await reason(verifier, await tok({ sub: 'u1', roles: ['clerk'] }))).toBe('missing claim units');
    expect(await reason(verifier, await tok({ sub: 'u1', roles: ['clerk'], units: [7] }))).toMatch(/units must be an array/);
  });

  it('checks issuer and audience when configured', async () => {
    const strict = new JwtVerifier({ secret: SECRET, issuer: 'motcua', audience: 'motcua-api' });
    const good = await mintToken({ ...CLAIMS, issuer: 'motcua', audience: 'motcua-api' }, SECRET);
    await expect(strict.verify(good)).resolves.toEqual(CLAIMS);
    expect(await reason(strict, await mintToken({ ...CLAIMS, issuer: 'other', audience: 'motcua-api' }, SECRET))).toBe('issuer not accepted');
    expect(await reason(strict, await mintToken({ ...CLAIMS, issuer: 'motcua' }, SECRET))).toBe('missing claim aud');
  });

  it('refuses garbage', async () => {
    expect(await reason(verifier, 'not-a-token')).toBe('malformed token');
    expect(await reason(verifier, 'a.b.c')).toBe('malformed token');
  });

  it('refuses a short secret at construction', () => {
    expect(() => new JwtVerifier({ secret: 'short' })).toThrow(AuthConfigError);
  });
});

describe('JwtVerifier with public keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const payload = () => ({ ...CLAIMS, exp: now() + 600 });

  it('accepts RS256 with the PEM public key (also given with \\n escapes)', async () => {
    const token = await sign(payload(), rsa.privateKey, 'RS256');
    await expect(new JwtVerifier({ publicKey: rsaPem }).verify(token)).resolves.toEqual(CLAIMS);
    await expect(new JwtVerifier({ publicKey: rsaPem.replace(/\n/g, '\\n') }).verify(token)).resolves.toEqual(CLAIMS);
  });

  it('refuses HS256 signed with the public key text (algorithm confusion)', async () => {
    const verifier = new JwtVerifier({ publicKey: rsaPem });
    const forged = await sign(payload(), secretBytes(rsaPem), 'HS256');
    expect(await reason(verifier, forged)).toMatch(/^algorithm not allowed/);
  });

  it('refuses RS256 when only a secret is configured', async () => {
    const token = await sign(payload(), rsa.privateKey, 'RS256');
    expect(await reason(new JwtVerifier({ secret: SECRET }), token)).toMatch(/^algorithm not allowed/);
  });

  it('accepts ES256 with a P-256 PEM key, and refuses a token from another key', async () => {
    const verifier = new JwtVerifier({ publicKey: ecPem });
    await expect(verifier.verify(await sign(payload(), ec.privateKey, 'ES256'))).resolves.toEqual(CLAIMS);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(await reason(verifier, await sign(payload(), other.privateKey, 'ES256'))).toBe('signature invalid');
    expect(await reason(verifier, await sign(payload(), rsa.privateKey, 'RS256'))).toMatch(/^algorithm not allowed/);
  });

  it('accepts both HS256 and RS256 when a secret and a key are configured', async () => {
    const verifier = new JwtVerifier({ secret: SECRET, publicKey: rsaPem });
    await expect(verifier.verify(await mintToken(CLAIMS, SECRET))).resolves.toEqual(CLAIMS);
    await expect(verifier.verify(await sign(payload(), rsa.privateKey, 'RS256'))).resolves.toEqual(CLAIMS);
  });

  it('refuses an unreadable or unsupported key at construction', () => {
    expect(() => new JwtVerifier({ publicKey: 'not a pem' })).toThrow(AuthConfigError);
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => new JwtVerifier({ publicKey: ed })).toThrow(/RSA key \(RS256\) or a P-256 EC key/);
  });

  describe('JWKS URL', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('verifies ES256 tokens against the remote key set', async () => {
      const verifier = new JwtVerifier({ jwksUrl: url });
      await expect(verifier.verify(await sign(payload(), ec.privateKey, 'ES256', { kid: 'k1' }))).resolves.toEqual(CLAIMS);
      expect(await reason(verifier, await sign(payload(), ec.privateKey, 'ES256', { kid: 'k2' }))).toMatch(/no key of the key set/);
      expect(await reason(verifier, await mintToken(CLAIMS, SECRET))).toMatch(/^algorithm not allowed/);
    });
  });
});

describe('not configured', () => {
  it('refuses every token with a clear reason', async () => {
    const verifier = new JwtVerifier({});
    expect(verifier.configured).toBe(false);
    expect(await reason(verifier, await mintToken(CLAIMS, SECRET))).toMatch(/^authentication is not configured: set JWT_SECRET/);
  });
});

describe('extractBearerToken', () => {
  it('reads Bearer tokens and refuses other schemes', () => {
    expect(extractBearerToken(undefined)).toBeUndefined();
    expect(extractBearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => extractBearerToken('Basic dXNlcjpwYXNz')).toThrow(/Bearer <token>/);
  });
});

describe('mintToken', () => {
  it('refuses short secrets and unknown roles', async () => {
    await expect(mintToken(CLAIMS, 'short')).rejects.toThrow(/at least 32 characters/);
    await expect(mintToken({ ...CLAIMS, roles: ['root' as never] }, SECRET)).rejects.toThrow(/unknown role "root"/);
  });
});

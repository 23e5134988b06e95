/** Hostile and odd bearer tokens for the fuzz suite (HS256 test secret, foreign keys, `alg: none`...). */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { mintToken } from '@motcua/platform';
import { TEST_JWT_SECRET } from '../../support/api-harness';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

async function hs(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }, secret = TEST_JWT_SECRET): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header as never).sign(new TextEncoder().encode(secret));
}

/** HS256 over any header (jose refuses to sign some of them). */
function signedRaw(header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', TEST_JWT_SECRET).update(input).digest('base64url')}`;
}

/** Authorization header values that must all be refused with 401 on every protected route. */
export async function badAuthorizations(): Promise<Record<string, string>> {
  const claims = { sub: 'mallory', roles: ['admin'], units: ['HX.00.00.H99'] };
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const t: Record<string, string> = {
    expired: await mintToken({ ...claims, roles: ['admin'], expiresIn: -3600 }, TEST_JWT_SECRET),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now() + 3600 })}.`,
    'alg none, signature kept': `${b64({ alg: 'none' })}.${b64({ ...claims, exp: now() + 3600 })}.${b64('sig')}`,
    'wrong key': await mintToken({ ...claims, roles: ['admin'] }, 'another-secret-that-is-long-enough-for-hs256-xyz'),
    'HS512 with the right secret': await hs({ ...claims, exp: now() + 3600 }, { alg: 'HS512' }),
    'RS256 foreign key': await new SignJWT({ ...claims, exp: now() + 3600 }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey),
    'ES256 foreign key': await new SignJWT({ ...claims, exp: now() + 3600 }).setProtectedHeader({ alg: 'ES256' }).sign(ec.privateKey),
    'missing sub': await hs({ roles: ['admin'], units: ['HX.00.00.H99'], exp: now() + 3600 }),
    'missing roles': await hs({ sub: 'x', units: ['HX.00.00.H99'], exp: now() + 3600 }),
    'missing units': await hs({ sub: 'x', roles: ['admin'], exp: now() + 3600 }),
    'missing exp': await hs({ ...claims }),
    'exp as string': await hs({ ...claims, exp: String(now() + 3600) }),
    'not yet valid': await hs({ ...claims, exp: now() + 7200, nbf: now() + 3600 }),
    'unknown role': await hs({ ...claims, roles: ['root'], exp: now() + 3600 }),
    'roles not an array': await hs({ ...claims, roles: 'admin', exp: now() + 3600 }),
    'units with a number': await hs({ ...claims, units: [1], exp: now() + 3600 }),
    'sub is an object': await hs({ ...claims, sub: { $ne: null }, exp: now() + 3600 }),
    'proto in claims': (await hs({ ...claims, exp: now() + 3600 })).replace(
      /^[^.]+\.[^.]+/,
      (m) => `${m.split('.')[0]}.${b64(`{"__proto__":{"polluted":"jwt"},"sub":"x","roles":["admin"],"units":[],"exp":${now() + 3600}}`)}`,
    ),
    'crit header': signedRaw({ alg: 'HS256', crit: ['x-unknown'], 'x-unknown': 1 }, { ...claims, exp: now() + 3600 }),
    'tampered payload': (await mintToken({ sub: 'clerk', roles: ['clerk'], units: ['HX.01.01.H99'] }, TEST_JWT_SECRET)).replace(
      /\.([^.]+)\./,
      `.${b64({ ...claims, exp: now() + 3600 })}.`,
    ),
    garbage: 'not-a-token',
    'three dots': 'a.b.c',
    'empty parts': '..',
    'huge token': 'a'.repeat(20_000) + '.b.c',
    'json header garbage': `${b64('{"alg":')}.${b64('{}')}.x`,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) out[`Bearer ${k}`] = `Bearer ${v}`;
  out['Basic'] = 'Basic dXNlcjpwYXNz';
  out['Bearer without token'] = 'Bearer ';
  out['token without scheme'] = await mintToken({ ...claims, roles: ['admin'] }, TEST_JWT_SECRET);
  out['two tokens'] = `Bearer ${out['token without scheme']}, Bearer ${out['token without scheme']}`;
  out['unicode'] = 'Bearer ẞ\u202E.\u200F.x';
  return out;
}

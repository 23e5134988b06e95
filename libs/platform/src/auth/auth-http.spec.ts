/** Guard + filter + pipe in a tiny fastify Nest app, driven with `inject`. */
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { PROBLEM_CONTENT_TYPE, ProblemFilter, createValidationPipe } from '../http';
import { AuthModule } from './auth.module';
import { CurrentUser, Public, Roles } from './decorators';
import { JwtVerifierOptions } from './jwt-verifier';
import { mintToken } from './mint-token';
import { Principal } from './principal';

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256!!';

class EchoDto {
  @IsString()
  text!: string;
}

@Controller()
class TestController {
  @Public()
  @Get('public')
  open() {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentUser() user: Principal) {
    return user;
  }

  @Roles('admin')
  @Get('admin')
  admin() {
    return { admin: true };
  }

  @Public()
  @Post('echo')
  echo(@Body() body: EchoDto) {
    return body;
  }
}

async function createApp(options: JwtVerifierOptions): Promise<NestFastifyApplication> {
  @Module({ imports: [AuthModule.forRoot(options)], controllers: [TestController] })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 1024 }), { logger: false });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('AuthGuard + ProblemFilter over HTTP', () => {
  let app: NestFastifyApplication;
  const clerk = { sub: 'u1', name: 'Nguyễn Văn A', roles: ['clerk' as const], units: ['000.00.27.H29'] };
  beforeAll(async () => {
    app = await createApp({ secret: SECRET });
  });
  afterAll(() => app.close());

  it('serves @Public() routes without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/public' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('401s a protected route without a token, with WWW-Authenticate and problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="motcua"');
    expect(res.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/me', detail: expect.stringMatching(/missing bearer token/) });
    expect(res.json().correlationId).toEqual(expect.any(String));
  });

  it('401s a bad or expired token, naming the reason', async () => {
    const bad = await app.inject({ method: 'GET', url: '/me', headers: bearer('abc.def.ghi') });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer realm="motcua", error="invalid_token"/);
    const expired = await app.inject({ method: 'GET', url: '/me', headers: bearer(await mintToken({ ...clerk, expiresIn: -120 }, SECRET)) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toBe('invalid token: token expired');
    const century = await app.inject({ method: 'GET', url: '/me', headers: bearer(await mintToken({ ...clerk, expiresIn: 100 * 365 * 86_400 }, SECRET)) });
    expect(century.statusCode).toBe(401);
    expect(century.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(century.json().detail).toMatch(/^invalid token: token lifetime too long: .* the maximum is 86400 s \(JWT_MAX_LIFETIME_SECONDS\)/);
    const basic = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic dTpw' } });
    expect(basic.statusCode).toBe(401);
  });

  it('200s with a valid token and exposes the principal', async () => {
    const res = await app.inject({ method: 'GET', url: '/me', headers: bearer(await mintToken(clerk, SECRET)) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(clerk);
  });

  it('403s a @Roles route for the wrong role, 200 for the right one', async () => {
    const denied = await app.inject({ method: 'GET', url: '/admin', headers: bearer(await mintToken(clerk, SECRET)) });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(denied.json()).toMatchObject({
      status: 403,
      requiredRoles: ['admin'],
      detail: expect.stringMatching(/needs one of the roles admin; your roles: clerk/),
    });
    const allowed = await app.inject({ method: 'GET', url: '/admin', headers: bearer(await mintToken({ ...clerk, roles: ['admin'] }, SECRET)) });
    expect(allowed.statusCode).toBe(200);
  });

  it('400s malformed JSON, empty JSON and invalid fields; 413 too large; 415 other media types', async () => {
    const json = { 'content-type': 'application/json' };
    const malformed = await app.inject({ method: 'POST', url: '/echo', headers: json, payload: '{"text": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(malformed.json()).toMatchObject({ status: 400, detail: 'The request body is not valid JSON.', instance: '/echo' });
    const empty = await app.inject({ method: 'POST', url: '/echo', headers: json, payload: '' });
    expect(empty.statusCode).toBe(400);
    const invalid = await app.inject({ method: 'POST', url: '/echo', payload: { text: 1, more: 2 } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors).toEqual([
      { field: 'more', message: 'more is not an accepted field' },
      { field: 'text', message: 'text must be a string' },
    ]);
    const large = await app.inject({ method: 'POST', url: '/echo', payload: { text: 'x'.repeat(2000) } });
    expect(large.statusCode).toBe(413);
    expect(large.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    const csv = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(csv.statusCode).toBe(415);
    expect(csv.json().detail).toMatch(/text\/csv/);
    const ok = await app.inject({ method: 'POST', url: '/echo', payload: { text: 'xin chào' } });
    expect(ok.statusCode).toBe(201);
  });

  it('404s an unknown route as problem+json, even without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere?q=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.json()).toMatchObject({ status: 404, detail: 'no route GET /nowhere', instance: '/nowhere' });
  });
});

describe('AuthGuard without any key configured', () => {
  it('refuses protected routes with 401 "authentication is not configured" and still serves public ones', async () => {
    const app = await createApp({});
    try {
      const res = await app.inject({ method: 'GET', url: '/me', headers: bearer(await mintToken({ sub: 'u', roles: ['admin'], units: [] }, SECRET)) });
      expect(res.statusCode).toBe(401);
      expect(res.json().detail).toMatch(/^authentication is not configured: set JWT_SECRET/);
      expect((await app.inject({ method: 'GET', url: '/public' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

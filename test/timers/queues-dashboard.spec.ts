import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { mintToken, Queues } from '@motcua/platform';
import { Harness, startHarness } from '../support/api-harness';
import { RunningService, startService } from '../support/spawn-service';

const SECRET = 'timers-dashboard-test-secret-0123456789abcdef';

/** bull-board at /api/v1/admin/queues: raw fastify routes, guarded by their own onRequest hook. */
describe('queues dashboard (bull-board) for admins', () => {
  let service: RunningService;
  const prefix = `motcua-test-board-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    service = await startService({ EVENT_STORE_URL: 'pglite://memory', JWT_SECRET: SECRET, QUEUE_PREFIX: prefix });
  }, 90_000);
  afterAll(async () => {
    await service?.stop();
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers 401 without a token, 403 for a non-admin, and serves the board and its API to an admin', async () => {
    const url = `${service.baseUrl}/admin/queues`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    const clerk = await mintToken({ sub: 'clerk-1', roles: ['clerk'], units: [] }, SECRET);
    expect((await fetch(url, { headers: { authorization: `Bearer ${clerk}` } })).status).toBe(403);
    expect((await fetch(`${url}/api/queues`, { headers: { authorization: `Bearer ${clerk}` } })).status).toBe(403);
    const admin = await mintToken({ sub: 'admin-1', roles: ['admin'], units: [] }, SECRET);
    const page = await fetch(url, { headers: { authorization: `Bearer ${admin}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${url}/api/queues`, { headers: { authorization: `Bearer ${admin}` } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toContain('deadline-timers');
  }, 60_000);
});

/**
 * The queues read the validated configuration the app was started with, not `process.env`: an app
 * started with its own environment (as `startApi(env)` and the demo do) uses its QUEUE_PREFIX and
 * shows its TIMERS_QUEUE on the dashboard.
 */
describe('queues of an app started with its own environment', () => {
  let h: Harness;
  const prefix = `motcua-test-own-${randomBytes(4).toString('hex')}`;
  const timersQueue = `timers-own-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    expect(process.env.QUEUE_PREFIX).not.toBe(prefix);
    expect(process.env.TIMERS_QUEUE).not.toBe(timersQueue);
    h = await startHarness('pglite://memory', { QUEUE_PREFIX: prefix, TIMERS_QUEUE: timersQueue });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('uses its QUEUE_PREFIX and its TIMERS_QUEUE', async () => {
    expect(h.app.get(Queues).prefix).toBe(prefix);
    const admin = await h.token({ sub: 'admin-1', roles: ['admin'], units: [] });
    const res = await h.request('GET', '/admin/queues/api/queues', { token: admin });
    expect(res.status).toBe(200);
    expect((res.body as { queues: { name: string }[] }).queues.map((q) => q.name)).toEqual([timersQueue]);
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { mintToken } from '@motcua/platform';
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

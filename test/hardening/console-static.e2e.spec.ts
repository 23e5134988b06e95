import * as fs from 'node:fs';
import * as path from 'node:path';
import { Harness, startHarness } from '../support/api-harness';
import { ROOT } from '../support/spawn-service';

/**
 * The web console's static routes (`/console/…`, raw fastify, no token): hostile paths never serve
 * a file outside the console's folder, never answer 5xx, and every 4xx is problem+json.
 */
describe('console static files under hostile paths', () => {
  let h: Harness;
  const built = fs.existsSync(path.join(ROOT, 'dist/console/index.html'));
  beforeAll(async () => {
    h = await startHarness('pglite://memory', { QUEUE_PREFIX: `motcua-console-static-${process.pid}` });
  }, 120_000);
  afterAll(async () => h?.close());

  const hostile = [
    '/console/../package.json',
    '/console/%2e%2e/%2e%2e/package.json',
    '/console/..%2f..%2fpackage.json',
    '/console/assets/..%5c..%5cpackage.json',
    '/console/%00',
    '/console/index.html%00.js',
    '/console/' + 'a'.repeat(5000),
    '/console/%E0%A4%A',
    '/console/.env',
    '/console/assets/',
    '/console//etc/passwd',
    '/console/%2fetc%2fpasswd',
  ];

  const named = hostile.map((u) => [u.length > 80 ? `${u.slice(0, 30)}… (${u.length} characters)` : u, u]);
  it.each(named)('%s', async (_name, url) => {
    const res = await h.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBeLessThan(500);
    expect(res.body).not.toContain('"name": "motcua"');
    expect(res.body).not.toContain('root:x:0:0');
    if (res.statusCode >= 400) expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  });

  it('serves index.html (when built) and answers other methods with a problem', async () => {
    const index = await h.app.inject({ method: 'GET', url: '/console/' });
    if (built) {
      expect(index.statusCode).toBe(200);
      expect(index.headers['cache-control']).toBe('no-cache');
    } else expect(index.statusCode).toBe(404);
    const post = await h.app.inject({ method: 'POST', url: '/console/', payload: {} });
    expect(post.statusCode).toBeGreaterThanOrEqual(400);
    expect(post.statusCode).toBeLessThan(500);
  });
});

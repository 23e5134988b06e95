import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { API_MAIN, ROOT, startService } from '../support/spawn-service';

/**
 * A first start that cannot go wrong, against the built service (`npm run build` first) as
 * `npm start` runs it. The machines that run the tests have Redis at 127.0.0.1:6379, so "nothing
 * answers at the default address" is `LOCAL_REDIS=always` (start a Redis of our own regardless),
 * and "no redis-server installed" is a PATH without it (the service is spawned by absolute path).
 */

const DEMO_MAIN = path.join(ROOT, 'dist/apps/api/src/demo/demo.js');

function envWithout(...names: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !names.includes(k)) env[k] = v;
  return env;
}

/** Runs `main` until it exits (killed after `timeoutMs`): exit code, output lines, milliseconds. */
async function runToExit(main: string, env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; lines: string[]; ms: number }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [main], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, lines: out.split('\n').filter((l) => l.trim() !== ''), ms: Date.now() - t0 };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('first start', () => {
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-first-${name}-`));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const base = (dataDir: string) => ({
    ...envWithout('REDIS_URL', 'LOCAL_REDIS', 'JWT_SECRET'),
    PORT: '0',
    EVENT_STORE_URL: `pglite://${dataDir}`,
    QUEUE_PREFIX: `first-${randomUUID()}`,
    LOG_LEVEL: 'info',
  });

  it('no Redis reachable and no redis-server to start: exits within 10 s with one line naming REDIS_URL', async () => {
    const r = await runToExit(API_MAIN, { ...base(tempDir('noredis')), LOCAL_REDIS: 'always', PATH: '/nonexistent' }, 30_000);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/REDIS_URL/);
    expect(r.lines[0]).toMatch(/install Redis/);
  });

  it('REDIS_URL that does not answer, or a PostgreSQL EVENT_STORE_URL that does not answer: one line each, within 10 s', async () => {
    const port = await closedPort();
    const redis = await runToExit(API_MAIN, { ...base(tempDir('badredis')), REDIS_URL: `redis://127.0.0.1:${port}` }, 30_000);
    expect(redis.code).toBe(1);
    expect(redis.ms).toBeLessThan(10_000);
    expect(redis.lines).toEqual([
      expect.stringMatching(/^motcua cannot start: Redis at 127\.0\.0\.1:\d+ \(REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\) does not answer/),
    ]);

    const pg = await runToExit(API_MAIN, { ...base(tempDir('badpg')), EVENT_STORE_URL: `postgres://postgres@127.0.0.1:${port}/motcua` }, 30_000);
    expect(pg.code).toBe(1);
    expect(pg.ms).toBeLessThan(10_000);
    expect(pg.lines).toEqual([expect.stringMatching(/^motcua cannot start: PostgreSQL at 127\.0\.0\.1:\d+ \(EVENT_STORE_URL=.*\) does not answer/)]);
  });

  it('the standalone worker: one line for a PostgreSQL that does not answer, within 10 s', async () => {
    const port = await closedPort();
    const worker = path.join(ROOT, 'dist/apps/worker/src/main.js');
    const r = await runToExit(worker, { ...base(tempDir('worker')), EVENT_STORE_URL: `postgres://postgres@127.0.0.1:${port}/motcua` }, 30_000);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.lines).toEqual([expect.stringMatching(/^motcua cannot start: PostgreSQL at .*EVENT_STORE_URL=.*does not answer/)]);
  });

  it('REDIS_URL unset and redis-server installed: a child under the data directory with AOF, used by the service, stopped with it', async () => {
    const dataDir = tempDir('child');
    const env = { ...base(dataDir), LOCAL_REDIS: 'always' };
    const svc = await startService(env);
    let pid = 0;
    try {
      const m = /started (\S*redis-server) \(pid (\d+)\) at (redis:\/\/127\.0\.0\.1:\d+)/.exec(svc.output());
      expect(m).not.toBeNull();
      pid = Number(m![2]);
      expect(alive(pid)).toBe(true);
      const health = (await (await fetch(`${svc.baseUrl}/health`)).json()) as { details: { redis: { status: string } } };
      expect(health.details.redis.status).toBe('up');
      const child = new IORedis(m![3], { maxRetriesPerRequest: 1 });
      try {
        expect(await child.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        expect(await child.config('GET', 'dir')).toEqual(['dir', fs.realpathSync(path.join(dataDir, 'redis'))]);
        // the service's queues live in the child, not in the shared Redis at the default address
        expect((await child.keys(`${env.QUEUE_PREFIX}:*`)).length).toBeGreaterThan(0);
      } finally {
        child.disconnect();
      }
      const shared = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
      try {
        expect(await shared.keys(`${env.QUEUE_PREFIX}:*`)).toEqual([]);
      } finally {
        shared.disconnect();
      }
      expect(fs.existsSync(path.join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    } finally {
      const exit = await svc.stop('SIGTERM');
      expect(exit.code).toBe(0);
    }
    expect(svc.output()).toContain(`local redis-server (pid ${pid}) stopped`);
    await waitFor('the child to be gone', async () => (alive(pid) ? undefined : true), 10_000);
  }, 180_000);

  it('a clean start prints no warning (no LegacyRouteConverter), and requests are still logged', async () => {
    const svc = await startService(base(tempDir('clean')));
    const correlationId = randomUUID();
    expect((await fetch(`${svc.baseUrl}/health/live`, { headers: { 'x-correlation-id': correlationId } })).status).toBe(200);
    expect((await fetch(`${svc.baseUrl}/units`)).status).toBe(401);
    await waitFor('the request log', async () => (svc.output().includes(correlationId) ? true : undefined), 10_000);
    expect((await svc.stop('SIGTERM')).code).toBe(0);
    const lines = svc
      .output()
      .split('\n')
      .filter((l) => l.trim());
    expect(lines.filter((l) => /LegacyRouteConverter|Unsupported route path/.test(l))).toEqual([]);
    // pino levels: 40 warn, 50 error, 60 fatal; anything not JSON is a stray print
    const warnings = lines.filter((l) => {
      try {
        return (JSON.parse(l) as { level: number }).level >= 40;
      } catch {
        return true;
      }
    });
    expect(warnings).toEqual([]);
  }, 120_000);
});

describe('npm run demo', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-demo-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Starts the demo and waits for its printout; returns the addresses and tokens it printed. */
  async function startDemo(env: Record<string, string>) {
    const child = spawn(process.execPath, [DEMO_MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    try {
      await waitFor(
        'the demo printout',
        async () => {
          if (child.exitCode !== null) throw new Error(`demo exited early:\n${out}`);
          return out.includes('Ctrl+C stops the service') ? true : undefined;
        },
        280_000,
      );
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${out}`, { cause: err });
    }
    const api = /API: +(http:\/\/\S+\/api\/v1)/.exec(out)![1];
    const admin = /admin token \([^)]*\): (\S+)/.exec(out)![1];
    const clerk = /clerk token \([^)]*\): (\S+)/.exec(out)![1];
    const stats = /statistics: +(http:\/\/\S+)/.exec(out)![1];
    const stop = async () => {
      child.kill('SIGINT');
      return exited;
    };
    return { api, admin, clerk, stats, output: () => out, stop };
  }

  it('seeds a province with 60 days of dossiers, prints working admin and clerk tokens; a second run on the same data does not seed again', async () => {
    const env = {
      ...envWithout('JWT_SECRET', 'EVENT_STORE_URL', 'LOG_LEVEL'),
      PORT: '0',
      EVENT_STORE_URL: `pglite://${dataDir}`,
      QUEUE_PREFIX: `demo-${randomUUID()}`,
      DEMO_DOSSIERS: '400', // the command's default is a few thousand; a smaller province-wide sample keeps the test short
      RATE_LIMIT_PER_MINUTE: '0',
    };
    const demo = await startDemo(env);
    try {
      expect(demo.output()).toMatch(/seeding 400 dossiers over the last 60 days/);
      expect(demo.output()).toMatch(/reference data: \d+ units .*, \d+ procedures/);
      const auth = (token: string) => ({ authorization: `Bearer ${token}` });
      const stats = (await (await fetch(demo.stats, { headers: auth(demo.admin) })).json()) as { received: { total: number }; resolved: { total: number } };
      expect(stats.received.total).toBeGreaterThan(300);
      expect(stats.resolved.total).toBeGreaterThan(0);
      // the province tree includes the 2025 merge: units with validity dates on both sides of 1 July 2025
      const units = (await (await fetch(`${demo.api}/units`, { headers: auth(demo.admin) })).json()) as
        { validTo?: string; validFrom?: string }[] | { items: { validTo?: string; validFrom?: string }[] };
      const list = Array.isArray(units) ? units : units.items;
      expect(list.some((u) => u.validTo === '2025-06-30')).toBe(true);
      expect(list.some((u) => u.validFrom === '2025-07-01')).toBe(true);
      // the clerk works in one commune: can read its work list, cannot do admin things
      const clerkUnit = /clerk token \([^,]*, ([^)]+)\)/.exec(demo.output())![1];
      expect((await fetch(`${demo.api}/dossiers?unitCode=${clerkUnit}`, { headers: auth(demo.clerk) })).status).toBe(200);
      const put = await fetch(`${demo.api}/procedures/DEMO.X`, {
        method: 'PUT',
        headers: { ...auth(demo.clerk), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', field: 'Hộ tịch', processingTime: { amount: 1, unit: 'working_day' } }),
      });
      expect(put.status).toBe(403);
      const imp = await fetch(`${demo.api}/imports`, { method: 'POST', headers: { ...auth(demo.clerk), 'content-type': 'application/x-ndjson' }, body: '\n' });
      expect(imp.status).toBe(403);
      expect((await fetch(`${demo.api}/procedures/DEMO.X`, { headers: auth(demo.admin) })).status).toBe(404);
    } finally {
      expect(await demo.stop()).toBe(0);
    }

    const again = await startDemo(env);
    try {
      expect(again.output()).toContain('demo data already there');
      expect(again.output()).not.toContain('seeding 400');
      const stats = (await (await fetch(again.stats, { headers: { authorization: `Bearer ${again.admin}` } })).json()) as { received: { total: number } };
      expect(stats.received.total).toBeGreaterThan(300);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 600_000);
});

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../config/app-config';
import { checkDependencies, DependencyError } from './dependencies';
import { findOnPath, pingRedis, startLocalRedis } from './local-redis';

/** A loopback port with nothing listening (taken, then released). */
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

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The start-up check with REDIS_URL unset. The machines that run the tests have Redis at the real
 * default address, so "nothing answers there" is a closed port passed as the default.
 */
describe('checkDependencies: Redis when REDIS_URL is not set', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-deps-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const config = () => loadConfig({ EVENT_STORE_URL: `pglite://${dataDir}` }, 'api');

  it('uses the default address when it answers (no child)', async () => {
    const started = await checkDependencies(config(), { mayStartRedis: true });
    expect(started.localRedis).toBeUndefined();
    expect(started.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('starts redis-server under the data directory with AOF when nothing answers, and stops it', async () => {
    const binary = findOnPath('redis-server');
    expect(binary).toBeDefined(); // the test machines have it (/usr/bin)
    const logs: string[] = [];
    const started = await checkDependencies(config(), {
      mayStartRedis: true,
      defaultRedis: { host: '127.0.0.1', port: await closedPort() },
      log: (m) => logs.push(m),
    });
    const local = started.localRedis!;
    try {
      expect(local.dir).toBe(path.join(dataDir, 'redis'));
      expect(started.redisUrl).toBe(local.url);
      expect(alive(local.pid)).toBe(true);
      const port = Number(new URL(local.url).port);
      expect(await pingRedis('127.0.0.1', port, 2_000)).toBeUndefined();
      expect(fs.existsSync(path.join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
      expect(logs.join('\n')).toMatch(/REDIS_URL is not set .*started .*redis-server/);
    } finally {
      await local.stop();
    }
    expect(alive(local.pid)).toBe(false);
  });

  it('stops a redis-server left running in the directory by a killed process before starting its own', async () => {
    const dir = path.join(dataDir, 'stale-redis');
    const first = await startLocalRedis(findOnPath('redis-server')!, dir); // stands for the one a SIGKILLed service left behind
    const second = await startLocalRedis(findOnPath('redis-server')!, dir);
    try {
      await until('the stale one to be gone', () => !alive(first.pid));
      expect(alive(second.pid)).toBe(true);
      expect(Number(fs.readFileSync(path.join(dir, 'redis.pid'), 'utf8'))).toBe(second.pid);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('without redis-server on PATH: one line naming REDIS_URL and how to get Redis, quickly', async () => {
    const t0 = Date.now();
    const err = await checkDependencies(config(), {
      env: { PATH: '/nonexistent' },
      mayStartRedis: true,
      defaultRedis: { host: '127.0.0.1', port: await closedPort() },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DependencyError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/REDIS_URL/);
    expect(message).toMatch(/install Redis/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('never starts one for the standalone worker or with LOCAL_REDIS=never', async () => {
    const port = await closedPort();
    await expect(checkDependencies(config(), { mayStartRedis: false, defaultRedis: { host: '127.0.0.1', port } })).rejects.toThrow(/REDIS_URL is not set/);
    const never = loadConfig({ EVENT_STORE_URL: `pglite://${dataDir}`, LOCAL_REDIS: 'never' }, 'api');
    await expect(checkDependencies(never, { mayStartRedis: true, defaultRedis: { host: '127.0.0.1', port } })).rejects.toThrow(/LOCAL_REDIS=never/);
  });

  it('leaves alone a data directory another live process has open (its Redis too)', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-deps-locked-'));
    try {
      fs.writeFileSync(path.join(other, 'motcua.lock'), String(process.ppid)); // a live process that is not us
      const cfg = loadConfig({ EVENT_STORE_URL: `pglite://${other}` }, 'api');
      await expect(checkDependencies(cfg, { mayStartRedis: true, defaultRedis: { host: '127.0.0.1', port: await closedPort() } })).rejects.toThrow(
        /already open in process/,
      );
      expect(fs.existsSync(path.join(other, 'redis'))).toBe(false);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('checkDependencies: a set address that does not answer', () => {
  it('REDIS_URL and a PostgreSQL EVENT_STORE_URL: one line each, naming the variable', async () => {
    const port = await closedPort();
    const cfg = loadConfig({ EVENT_STORE_URL: `postgres://postgres@127.0.0.1:${port}/x`, REDIS_URL: `redis://127.0.0.1:${port}` }, 'api');
    const t0 = Date.now();
    const err = (await checkDependencies(cfg, { mayStartRedis: true }).catch((e: unknown) => e)) as DependencyError;
    expect(err).toBeInstanceOf(DependencyError);
    expect(err.problems).toHaveLength(2);
    expect(err.message).toMatch(/^motcua cannot start: .*EVENT_STORE_URL=postgres:\/\/postgres@127\.0\.0\.1:\d+\/x\) does not answer/m);
    expect(err.message).toMatch(/^motcua cannot start: Redis at .*REDIS_URL=.*does not answer.*install Redis/m);
    expect(Date.now() - t0).toBeLessThan(8_000);
  });
});

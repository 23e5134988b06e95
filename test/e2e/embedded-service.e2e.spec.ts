import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqlEventStore } from '@motcua/event-store';
import { PgliteDriver } from '@motcua/sql';
import { startService } from '../support/spawn-service';

/**
 * The embedded default as a user runs it (`node dist/apps/api/src/main.js` after the build, which
 * is what `npm start` does), on a PGlite directory of its own.
 */
describe('embedded service (PGlite)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-embedded-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts, answers health, stops cleanly on SIGTERM and keeps its data across a restart', async () => {
    const env = { EVENT_STORE_URL: `pglite://${dataDir}` };
    const first = await startService(env);
    const health = await fetch(`${first.baseUrl}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { details: Record<string, { status: string; kind?: string }> };
    expect(body.details.eventStore).toEqual({ status: 'up', kind: 'pglite' });
    expect(body.details.redis.status).toBe('up');
    expect(first.output()).toContain('worker started');
    const stopped = await first.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    const log = first.output();
    // workers and queues close before the store; the store closes last
    expect(log.indexOf('workers, then')).toBeGreaterThan(-1);
    expect(log.indexOf('workers, then')).toBeLessThan(log.indexOf('event store and database closed'));
    expect(fs.existsSync(path.join(dataDir, 'motcua.lock'))).toBe(false);

    // write an event while the service is down, as another process would
    const driver = await PgliteDriver.open(dataDir);
    const store = await SqlEventStore.create(driver, { ownsDriver: true });
    const id = randomUUID();
    await store.append('check-persist', [
      {
        id,
        type: 'Probe',
        data: { n: 1 },
        metadata: { actor: { id: 't' }, correlationId: id, causationId: id, occurredAt: new Date().toISOString(), schemaVersion: 1 },
      },
    ]);
    await store.close();

    const second = await startService(env);
    expect((await fetch(`${second.baseUrl}/health`)).status).toBe(200);
    // a second process on the same directory is refused with a clear message
    await expect(startService(env, 30_000)).rejects.toThrow(/already open in process/);
    expect((await second.stop('SIGTERM')).code).toBe(0);

    const again = await SqlEventStore.create(await PgliteDriver.open(dataDir), { ownsDriver: true });
    const events = await again.readStream('check-persist');
    expect(events.map((e) => e.id)).toEqual([id]);
    await again.close();
  }, 180_000);

  it('refuses a bad configuration with a message naming each bad variable', async () => {
    await expect(startService({ EVENT_STORE_URL: 'mysql://nope', PORT: 'abc', REDIS_URL: 'http://x' }, 20_000)).rejects.toThrow(
      /EVENT_STORE_URL[\s\S]*REDIS_URL[\s\S]*PORT/,
    );
  });
});

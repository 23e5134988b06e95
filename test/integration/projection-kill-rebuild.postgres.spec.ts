import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { SqlEventStore } from '@motcua/event-store';
import { DOSSIER_SUMMARY_PROJECTION, dossierSummaryProjection, ProjectionRunner, readCheckpoint, rebuildProjection } from '@motcua/projections';
import { migrate } from '@motcua/sql';
import { seedDossierEvents } from '../../bench/support/dossier-events';
import { waitCaughtUp, waitFor } from '../../libs/projections/src/__tests__/support';
import { freshPostgres, TestPostgres } from '../support/databases';
import { ROOT } from '../support/spawn-service';

const WORKER_MAIN = path.join(ROOT, 'dist/apps/worker/src/main.js');
const DOSSIERS = 20_000; // × 5 events = 100k
const FILTER = { streamPrefixes: ['dossier-'] };

/**
 * Issue: "Kill -9 the worker in the middle of projecting 100k events, restart: the read model
 * equals a rebuild from scratch". The built worker (`npm test` builds first) runs as a child process
 * on a PostgreSQL schema.
 */
describe('dossier-summary after kill -9 of the worker (postgres)', () => {
  let pg: TestPostgres;
  let store: SqlEventStore;
  const children: ChildProcess[] = [];

  function startWorker(): { child: ChildProcess; output: () => string; exited: Promise<unknown> } {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      cwd: ROOT,
      env: { ...process.env, EVENT_STORE_URL: pg.url, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    return { child, output: () => out, exited };
  }

  beforeAll(async () => {
    pg = await freshPostgres('killrb', 6);
    await migrate(pg.driver);
    store = await SqlEventStore.create(pg.driver);
    const written = await seedDossierEvents(pg.driver, DOSSIERS, { units: ['000.27.01.H29', '000.27.02.H29', '000.27.03.H29'], chunk: 1000 });
    expect(written).toBe(100_000);
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await store?.close();
    await pg?.drop();
  });

  it('a worker killed -9 mid-projection and restarted leaves the same rows as a rebuild from scratch', async () => {
    const handled = async () => (await readCheckpoint(pg.driver, DOSSIER_SUMMARY_PROJECTION)).eventsHandled;

    // 1. The worker projects; kill -9 once it is somewhere in the middle.
    const first = startWorker();
    await waitFor(
      'checkpoint past 20k events',
      async () => {
        if (first.child.exitCode !== null) throw new Error(`worker exited early:\n${first.output()}`);
        return (await handled()) >= 20_000;
      },
      90_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await handled();
    expect(atKill).toBeGreaterThanOrEqual(20_000);
    expect(atKill).toBeLessThan(100_000);

    // 2. Restart; it resumes from the checkpoint and catches up.
    const second = startWorker();
    await waitFor(
      'caught up after the restart',
      async () => {
        if (second.child.exitCode !== null) throw new Error(`restarted worker exited:\n${second.output()}`);
        const cp = await readCheckpoint(pg.driver, DOSSIER_SUMMARY_PROJECTION);
        return cp.eventsHandled >= 100_000 && (await store.countAfter(cp.position, FILTER)) === 0;
      },
      120_000,
    );
    second.child.kill('SIGTERM');
    await second.exited;
    // The worker may have appended events of its own (deadline alerts) just before stopping: project them too.
    const cp = await readCheckpoint(pg.driver, DOSSIER_SUMMARY_PROJECTION);
    if ((await store.countAfter(cp.position, FILTER)) > 0) {
      const runner = new ProjectionRunner({ store, driver: pg.driver, projections: [dossierSummaryProjection()], leaseKey: 'test:killrb' });
      await runner.start();
      await waitCaughtUp(runner);
      await runner.stop();
    }
    // Exactly once: the checkpoint counted every event once across the kill.
    const total = await store.countAfter(undefined, FILTER);
    expect((await readCheckpoint(pg.driver, DOSSIER_SUMMARY_PROJECTION)).eventsHandled).toBe(total);

    // 3. Keep the live rows, rebuild from scratch (shadow tables, swap), compare every row both ways.
    await pg.driver.exec(`CREATE TABLE live_summary AS TABLE dossier_summary; CREATE TABLE live_clock AS TABLE dossier_clock;`);
    const result = await rebuildProjection({ store, driver: pg.driver, projection: dossierSummaryProjection() });
    expect(result.events).toBe(total);
    const count = async (sql: string) => Number((await pg.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM (${sql}) x`)).rows[0].n);
    expect(await count(`SELECT * FROM dossier_summary`)).toBe(DOSSIERS);
    expect(await count(`SELECT * FROM live_summary`)).toBe(DOSSIERS);
    expect(await count(`SELECT * FROM live_summary EXCEPT ALL SELECT * FROM dossier_summary`)).toBe(0);
    expect(await count(`SELECT * FROM dossier_summary EXCEPT ALL SELECT * FROM live_summary`)).toBe(0);
    expect(await count(`SELECT * FROM live_clock`)).toBeGreaterThan(DOSSIERS);
    expect(await count(`SELECT * FROM live_clock EXCEPT ALL SELECT * FROM dossier_clock`)).toBe(0);
    expect(await count(`SELECT * FROM dossier_clock EXCEPT ALL SELECT * FROM live_clock`)).toBe(0);
  }, 300_000);
});

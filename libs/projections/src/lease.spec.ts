import { SqlEventStore } from '@motcua/event-store';
import { PgDriver } from '@motcua/sql';
import { freshPostgres, TestPostgres } from '../../../test/support/databases';
import { ProjectionRunner } from './runner';
import {
  appendEvents,
  countingProjection,
  CountingProjection,
  KillableSessionDriver,
  prefix,
  recordingLogger,
  recount,
  tableCounts,
  waitCaughtUp,
  waitCounted,
  waitFor,
} from './__tests__/support';

/** Two runner instances (each with its own pool, as two worker processes) on one schema. */
describe('ProjectionRunner leadership on postgres', () => {
  let pg: TestPostgres;
  let store: SqlEventStore;
  let projection: CountingProjection;
  const p = prefix();
  const drivers: PgDriver[] = [];
  const runners: ProjectionRunner[] = [];

  function instance(projectionCopy: CountingProjection) {
    const inner = new PgDriver({ connectionString: pg.url, max: 4 });
    drivers.push(inner);
    const driver = new KillableSessionDriver(inner);
    const logger = recordingLogger();
    const runner = new ProjectionRunner({
      store,
      driver,
      projections: [projectionCopy],
      batchSize: 200,
      leaseKey: `test:${p}`,
      standbyRetryMs: 200,
      heartbeatMs: 200,
      logger,
    });
    runners.push(runner);
    return { runner, driver, logger, projection: projectionCopy };
  }

  beforeAll(async () => {
    pg = await freshPostgres('lease', 6);
    store = await SqlEventStore.create(pg.driver);
    projection = await countingProjection(pg.driver, p);
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
    await pg?.drop();
  });

  it('one instance projects; a standby takes over when the lock connection dies or the leader stops', async () => {
    await appendEvents(store, p, 1000);
    // Each instance has its own copy of the projection, to see who applied what.
    const a = instance({ ...projection, batches: 0 });
    const b = instance({ ...projection, batches: 0 });
    await a.runner.start();
    await waitFor('a leads', () => a.runner.isLeader);
    await b.runner.start();
    await waitCaughtUp(a.runner);
    await new Promise((r) => setTimeout(r, 600)); // b retried a few times
    expect((await a.runner.status()).leader).toBe(true);
    expect((await b.runner.status()).leader).toBe(false);
    expect(b.projection.batches).toBe(0);
    expect((await b.runner.status()).projections[0].caughtUp).toBe(true); // b sees the shared checkpoint
    expect(await tableCounts(pg.driver, projection.table)).toEqual(await recount(store, p));

    // The leader's lock connection dies (process killed, network lost): it stops projecting, b takes over.
    await a.driver.killSession();
    const killedAt = Date.now();
    await waitFor('b leads', () => b.runner.isLeader, 5000);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    // a notices at its next heartbeat; until then the checkpoint row lock keeps both exact.
    await waitFor('a steps down', () => !a.runner.isLeader, 2000);
    await appendEvents(store, p, 500);
    await waitCounted(pg.driver, projection.table, 1500);
    expect(b.projection.batches).toBeGreaterThan(0);
    expect(a.logger.lines.some((l) => l.startsWith('warn projection lease lost'))).toBe(true);
    expect(await tableCounts(pg.driver, projection.table)).toEqual(await recount(store, p));

    // a stays a standby; a graceful stop of b hands the lease back to a.
    await new Promise((r) => setTimeout(r, 600));
    expect(a.runner.isLeader).toBe(false);
    await appendEvents(store, p, 300);
    await b.runner.stop();
    await waitFor('a leads again', () => a.runner.isLeader, 5000);
    await waitCounted(pg.driver, projection.table, 1800);
    const truth = await recount(store, p);
    expect(Object.values(truth).reduce((x, n) => x + n, 0)).toBe(1800);
    expect(await tableCounts(pg.driver, projection.table)).toEqual(truth);
    expect((await a.runner.status()).projections[0].eventsHandled).toBe(1800);
  });
});

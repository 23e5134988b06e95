import { EventStore, SqlEventStore } from '@motcua/event-store';
import { SqlDriver } from '@motcua/sql';
import { freshPglite, freshPostgres, TestPostgres } from '../../../test/support/databases';
import { applyBatch } from './apply-batch';
import { readCheckpoint } from './checkpoints';
import { ProjectionRunner, ProjectionRunnerOptions } from './runner';
import { appendEvents, countingProjection, prefix, recordingLogger, recount, tableCounts, waitCaughtUp, waitHandled, waitFor } from './__tests__/support';

interface Backend {
  store: EventStore;
  driver: SqlDriver;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'pglite',
    async () => {
      const driver = await freshPglite();
      return { driver, store: await SqlEventStore.create(driver), close: () => driver.close() };
    },
  ],
  [
    'postgres',
    async () => {
      const pg: TestPostgres = await freshPostgres('proj', 12);
      return { driver: pg.driver, store: await SqlEventStore.create(pg.driver), close: () => pg.drop() };
    },
  ],
];

describe.each(backends)('ProjectionRunner on %s', (_name, open) => {
  let b: Backend;
  const runners: ProjectionRunner[] = [];
  const runner = (o: Omit<ProjectionRunnerOptions, 'store' | 'driver'>) => {
    const r = new ProjectionRunner({ store: b.store, driver: b.driver, leaseKey: `test:${prefix()}`, ...o });
    runners.push(r);
    return r;
  };

  beforeAll(async () => {
    b = await open();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await b?.close();
  });

  it('catches up, then follows live appends; the read model equals a recount', async () => {
    const p = prefix();
    await appendEvents(b.store, p, 2000);
    const projection = await countingProjection(b.driver, p);
    const r = runner({ projections: [projection], batchSize: 250 });
    await r.start();
    await waitCaughtUp(r);
    expect(await tableCounts(b.driver, projection.table)).toEqual(await recount(b.store, p));
    expect((await r.status()).projections[0].eventsHandled).toBe(2000);

    await appendEvents(b.store, p, 300, 7, 3);
    await waitHandled(r, 2300);
    const truth = await recount(b.store, p);
    expect(Object.values(truth).reduce((a, n) => a + n, 0)).toBe(2300);
    expect(await tableCounts(b.driver, projection.table)).toEqual(truth);
  });

  it('applies exactly once across a restart and when events are delivered again', async () => {
    const p = prefix();
    await appendEvents(b.store, p, 1000);
    const projection = await countingProjection(b.driver, p);
    const first = runner({ projections: [projection], batchSize: 100 });
    await first.start();
    await waitFor('3 batches', () => projection.batches >= 3);
    await first.stop();
    const mid = (await first.status()).projections[0];
    expect(mid.eventsHandled).toBeGreaterThanOrEqual(300);
    expect(mid.eventsBehind).toBe(1000 - mid.eventsHandled);

    const second = runner({ projections: [projection], batchSize: 100 });
    await second.start();
    await waitCaughtUp(second);
    expect(await tableCounts(b.driver, projection.table)).toEqual(await recount(b.store, p));

    // A redelivery: a second subscription from the start replays every event into the guard.
    const before = await readCheckpoint(b.driver, projection.name);
    const replay = b.store.subscribeAll(
      { filter: projection.filter, batchSize: 64 },
      { handle: async (events) => void expect(await applyBatch(b.driver, projection, events)).toBe(0) },
    );
    await replay.caughtUp;
    await replay.stop();
    expect(await readCheckpoint(b.driver, projection.name)).toEqual(before);
    expect(await tableCounts(b.driver, projection.table)).toEqual(await recount(b.store, p));
  });

  it('applies a batch once when two transactions race on a new checkpoint (e.g. old and new leader)', async () => {
    const p = prefix();
    await appendEvents(b.store, p, 200, 5);
    const projection = await countingProjection(b.driver, p);
    // all 200: on PostgreSQL a long transaction of another suite on the cluster can hide committed events
    // from readAll for longer than its visibility wait (it then returns the visible prefix)
    let events: Awaited<ReturnType<EventStore['readAll']>> = [];
    await waitFor('the 200 events to be visible', async () => (events = await b.store.readAll({ filter: projection.filter })).length === 200);
    const applied = await Promise.all([0, 1, 2].map(() => applyBatch(b.driver, projection, events)));
    expect(applied.sort()).toEqual([0, 0, 200]);
    expect(await tableCounts(b.driver, projection.table)).toEqual(await recount(b.store, p));
  });

  it('applies a batch once when transactions race on an existing checkpoint (the lock reads the committed position)', async () => {
    const p = prefix();
    await appendEvents(b.store, p, 200, 5);
    const projection = await countingProjection(b.driver, p);
    let events: Awaited<ReturnType<EventStore['readAll']>> = [];
    await waitFor('the 200 events to be visible', async () => (events = await b.store.readAll({ filter: projection.filter })).length === 200);
    expect(await applyBatch(b.driver, projection, events.slice(0, 80))).toBe(80);
    const applied = await Promise.all([0, 1, 2].map(() => applyBatch(b.driver, projection, events)));
    expect(applied.sort()).toEqual([0, 0, 120]);
    expect((await readCheckpoint(b.driver, projection.name)).eventsHandled).toBe(200);
    expect(await tableCounts(b.driver, projection.table)).toEqual(await recount(b.store, p));
  });

  it('reports its lag: events and seconds behind before starting, none once caught up', async () => {
    const p = prefix();
    await appendEvents(b.store, p, 120, 4);
    const projection = await countingProjection(b.driver, p);
    const r = runner({ projections: [projection] });
    await new Promise((res) => setTimeout(res, 20));
    // The store's visible head may lag for a moment while another transaction in the cluster is open.
    await waitFor('the 120 events visible at the head', async () => (await r.status()).projections[0].eventsBehind === 120);
    const [before] = (await r.status()).projections;
    expect(before).toMatchObject({ name: projection.name, position: undefined, eventsBehind: 120, caughtUp: false, leader: false, running: false });
    expect(before.secondsBehind).toBeGreaterThan(0);

    await r.start();
    await waitCaughtUp(r);
    const status = await r.status();
    expect(status.leader).toBe(true);
    expect(status.projections[0]).toMatchObject({
      eventsBehind: 0,
      secondsBehind: 0,
      caughtUp: true,
      leader: true,
      running: true,
      eventsHandled: 120,
      lastError: undefined,
    });
    expect(status.projections[0].position).toMatch(/^\d+\/\d+$/);
  });

  it('a projection that fails does not hold up the others, and its checkpoint stays before the failing batch until it applies', async () => {
    const p = prefix();
    await appendEvents(b.store, p, 300);
    const good = await countingProjection(b.driver, p);
    // a second read model of the same streams, broken until told otherwise
    const bad = await countingProjection(b.driver, prefix());
    bad.filter = { streamPrefixes: [p] };
    let broken = true;
    const apply = bad.apply;
    bad.apply = async function (this: typeof bad, tx, events) {
      await apply.call(this, tx, events);
      if (broken) throw new Error('broken read model (test)');
    };
    const logger = recordingLogger();
    const r = runner({ projections: [good, bad], batchSize: 100, minRestartMs: 100, maxRestartMs: 200, logger });
    await r.start();
    await waitFor('the good read model caught up', async () => (await r.status()).projections[0].eventsHandled === 300);
    expect(await tableCounts(b.driver, good.table)).toEqual(await recount(b.store, p));
    await waitFor('the broken one retried', () => bad.batches >= 4);
    const failing = (await r.status()).projections[1];
    expect(failing).toMatchObject({ eventsHandled: 0, eventsBehind: 300, caughtUp: false });
    expect(failing.lastError).toContain('broken read model');
    expect(await tableCounts(b.driver, bad.table)).toEqual({}); // every failed attempt rolled back
    // live events still reach the good one while the other fails
    await appendEvents(b.store, p, 40);
    await waitFor('the good read model followed', async () => (await r.status()).projections[0].eventsHandled === 340);
    broken = false;
    await waitCaughtUp(r);
    expect(await tableCounts(b.driver, bad.table)).toEqual(await recount(b.store, p));
    expect(await tableCounts(b.driver, good.table)).toEqual(await recount(b.store, p));
    expect((await r.status()).projections.map((x) => [x.eventsHandled, x.lastError])).toEqual([
      [340, undefined],
      [340, undefined],
    ]);
    expect(logger.lines.some((l) => l.includes(`projection ${bad.name} failed`))).toBe(true);
  });

  it('retries a batch whose apply failed, without skipping or doubling it', async () => {
    const p = prefix();
    await appendEvents(b.store, p, 500);
    const projection = await countingProjection(b.driver, p, [2, 4]);
    const logger = recordingLogger();
    const r = runner({ projections: [projection], batchSize: 100, minRestartMs: 300, logger });
    await r.start();
    await waitFor('a failure', async () => (await r.status()).projections[0].lastError !== undefined);
    await waitCaughtUp(r);
    expect(logger.lines.filter((l) => l.startsWith('error ')).length).toBe(2);
    expect(projection.batches).toBe(7); // 5 batches + 2 failed attempts
    expect(await tableCounts(b.driver, projection.table)).toEqual(await recount(b.store, p));
    expect((await r.status()).projections[0]).toMatchObject({ eventsHandled: 500, lastError: undefined });
  });
});

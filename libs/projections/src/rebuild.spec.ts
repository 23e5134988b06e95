import { SqlEventStore } from '@motcua/event-store';
import { migrate, SqlDriver } from '@motcua/sql';
import { appendInterleavedDossiers, seedDossierEvents } from '../../../bench/support/dossier-events';
import { freshPglite, freshPostgres } from '../../../test/support/databases';
import { readCheckpoint } from './checkpoints';
import { DOSSIER_SUMMARY_PROJECTION, dossierSummaryProjection } from './read-models';
import { rebuildCheckpointName, rebuildProjection, RebuildInProgressError, RebuildProgress, verifyProjection } from './rebuild';
import { ProjectionRunner } from './runner';
import { waitCaughtUp, waitFor } from './__tests__/support';

interface Backend {
  driver: SqlDriver;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'pglite',
    async () => {
      const driver = await freshPglite();
      return { driver, close: () => driver.close() };
    },
  ],
  [
    'postgres',
    async () => {
      const pg = await freshPostgres('rebuild', 8);
      return { driver: pg.driver, close: () => pg.drop() };
    },
  ],
];

const UNITS = ['U.A', 'U.B', 'U.C'];

/** Both tables, as sorted text (every column). */
async function snapshot(db: SqlDriver): Promise<{ summary: string[]; clock: string[] }> {
  const summary = await db.query<{ r: string }>(`SELECT s::text AS r FROM dossier_summary s ORDER BY id`);
  const clock = await db.query<{ r: string }>(`SELECT c::text AS r FROM dossier_clock c ORDER BY dossier_id, version`);
  return { summary: summary.rows.map((x) => x.r), clock: clock.rows.map((x) => x.r) };
}

async function indexNames(db: SqlDriver): Promise<string[]> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT indexname AS n FROM pg_indexes WHERE tablename IN ('dossier_summary', 'dossier_clock') AND schemaname = current_schema() ORDER BY 1`,
  );
  return rows.map((r) => r.n);
}

/** A backend and its migrated event store, opened before a describe block's tests and closed after them. */
function useBackend(open: () => Promise<Backend>): { b: Backend; store: SqlEventStore } {
  const ctx = {} as { b: Backend; store: SqlEventStore };
  beforeAll(async () => {
    ctx.b = await open();
    await migrate(ctx.b.driver);
    ctx.store = await SqlEventStore.create(ctx.b.driver);
  }, 120_000);
  afterAll(async () => {
    await ctx.store?.close();
    await ctx.b?.close();
  });
  return ctx;
}

describe.each(backends)('rebuildProjection on %s', (_name, open) => {
  const ctx = useBackend(open);

  it('rebuilds while the live runner projects new appends; the swapped-in tables equal the live ones', async () => {
    await seedDossierEvents(ctx.b.driver, 1500, { units: UNITS });
    const runner = new ProjectionRunner({
      store: ctx.store,
      driver: ctx.b.driver,
      projections: [dossierSummaryProjection()],
      batchSize: 500,
      leaseKey: `test:rebuild:${Math.random()}`,
    });
    await runner.start();
    await waitCaughtUp(runner, 120_000);
    const indexesBefore = await indexNames(ctx.b.driver);
    // damage the live model: a rebuild must restore it
    await ctx.b.driver.exec(`UPDATE dossier_summary SET status = 'corrupt' WHERE id IN (SELECT id FROM dossier_summary LIMIT 10)`);

    let appending = true;
    let offset = 1500;
    const writer = (async () => {
      while (appending) {
        await seedDossierEvents(ctx.b.driver, 50, { units: UNITS, offset });
        offset += 50;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const progress: RebuildProgress[] = [];
    const result = await rebuildProjection({
      store: ctx.store,
      driver: ctx.b.driver,
      projection: dossierSummaryProjection(),
      batchSize: 700,
      onProgress: (p) => progress.push(p),
    });
    appending = false;
    await writer;
    expect(result.events).toBeGreaterThanOrEqual(7500);
    expect(result.events % 5).toBe(0);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['preparing', 'replaying', 'indexing', 'swapping', 'done']));
    // wait on the applied rows, not on the runner's caught-up flag (a long transaction elsewhere can hide the tail for a moment)
    await waitFor(
      `${offset} dossiers in the live model`,
      async () => (await ctx.b.driver.query<{ n: number }>('SELECT count(*)::int AS n FROM dossier_summary')).rows[0].n === offset,
      120_000,
    );
    await waitCaughtUp(runner, 120_000);
    await runner.stop();

    const live = await snapshot(ctx.b.driver);
    expect(live.summary.some((r) => r.includes('corrupt'))).toBe(false);
    expect(live.summary.length).toBe(offset);
    // The reference: a second rebuild from scratch with nothing running.
    const again = await rebuildProjection({ store: ctx.store, driver: ctx.b.driver, projection: dossierSummaryProjection() });
    expect(await snapshot(ctx.b.driver)).toEqual(live);
    const cp = await readCheckpoint(ctx.b.driver, DOSSIER_SUMMARY_PROJECTION);
    expect(cp.eventsHandled).toBe(again.events);
    expect(await ctx.store.countAfter(cp.position, { streamPrefixes: ['dossier-'] })).toBe(0);
    expect((await readCheckpoint(ctx.b.driver, rebuildCheckpointName(DOSSIER_SUMMARY_PROJECTION))).position).toBeUndefined();
    expect(await indexNames(ctx.b.driver)).toEqual(indexesBefore);
    // this schema's shadow only: another suite on the same database may be in the middle of its own rebuild
    const leftovers = await ctx.b.driver.query(`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, current_schema() || '__rb_')`);
    expect(leftovers.rows).toEqual([]);
  }, 240_000);

  it('refuses a second rebuild of the same projection while one runs; a cancelled one leaves the live tables alone', async () => {
    const before = await snapshot(ctx.b.driver);
    const abort = new AbortController();
    const first = rebuildProjection({
      store: ctx.store,
      driver: ctx.b.driver,
      projection: dossierSummaryProjection(),
      batchSize: 100,
      signal: abort.signal,
      onProgress: (p) => p.applied > 500 && abort.abort(),
    });
    await expect(rebuildProjection({ store: ctx.store, driver: ctx.b.driver, projection: dossierSummaryProjection() })).rejects.toBeInstanceOf(
      RebuildInProgressError,
    );
    await expect(first).rejects.toThrow('rebuild cancelled');
    expect(await snapshot(ctx.b.driver)).toEqual(before);
    const leftovers = await ctx.b.driver.query(`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, current_schema() || '__rb_')`);
    expect(leftovers.rows).toEqual([]);
  }, 120_000);
});

/** The three tables of the summary, as sorted text (every column). */
async function allTables(db: SqlDriver): Promise<{ summary: string[]; clock: string[]; search: string[] }> {
  const search = await db.query<{ r: string }>(`SELECT s::text AS r FROM dossier_search s ORDER BY dossier_id`);
  return { ...(await snapshot(db)), search: search.rows.map((x) => x.r) };
}

describe.each(backends)('rebuildProjection on %s, dossiers spanning many transactions', (_name, open) => {
  const ctx = useBackend(open);

  it('gives exactly the rows of the live projection, rows written out of memory and read back included', async () => {
    // 400 dossiers, their events interleaved (each dossier's next event 400 events later), then 100
    // more: in transactions of 120 events every dossier spans several of them
    await appendInterleavedDossiers(ctx.store, 400, { units: UNITS });
    await appendInterleavedDossiers(ctx.store, 100, { units: UNITS, offset: 400 });
    const runner = new ProjectionRunner({
      store: ctx.store,
      driver: ctx.b.driver,
      projections: [dossierSummaryProjection()],
      batchSize: 97,
      leaseKey: `test:rebuild-span:${Math.random()}`,
    });
    await runner.start();
    await waitFor(
      '500 dossiers in the live model',
      async () => (await ctx.b.driver.query<{ n: number }>('SELECT count(*)::int AS n FROM dossier_summary')).rows[0].n === 500,
      120_000,
    );
    await waitCaughtUp(runner, 120_000);
    await runner.stop();
    const live = await allTables(ctx.b.driver);
    expect(live.summary).toHaveLength(500);
    expect(live.search).toHaveLength(500);
    // rows with a clock history (more than the reception entry), so that its arrays are compared too
    expect(live.summary.filter((r) => r.includes('{"')).length).toBeGreaterThan(0);

    // at most 60 rows in memory: most dossiers are written out before their last event, which then
    // reads them back; the verify compares at the live position, the swap replaces the live rows
    const small = { store: ctx.store, driver: ctx.b.driver, projection: dossierSummaryProjection(), batchSize: 60, transactionEvents: 120, heldRows: 60 };
    const verified = await verifyProjection(small);
    expect(verified.differences).toEqual([]);
    expect(verified.events).toBe(2500);
    await rebuildProjection(small);
    expect(await allTables(ctx.b.driver)).toEqual(live);
    // and with every row held until the end (the default)
    await rebuildProjection({ store: ctx.store, driver: ctx.b.driver, projection: dossierSummaryProjection(), batchSize: 60, transactionEvents: 120 });
    expect(await allTables(ctx.b.driver)).toEqual(live);
    const cp = await readCheckpoint(ctx.b.driver, DOSSIER_SUMMARY_PROJECTION);
    expect(cp.eventsHandled).toBe(2500);
    expect(await ctx.store.countAfter(cp.position, { streamPrefixes: ['dossier-'] })).toBe(0);
  }, 240_000);
});

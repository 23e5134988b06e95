import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DossierFacts, factsFromEvents, withIndicators } from '@motcua/application';
import { dossierStreamName, eventOccurredAt, isClockRunning, type DossierEvent } from '@motcua/domain';
import { EventStore, RecordedEvent } from '@motcua/event-store/port';
import { SqlEventStore } from '@motcua/event-store';
import { migrate, SqlDriver } from '@motcua/sql';
import { freshPglite, freshPostgres } from '../../../../test/support/databases';
import {
  oracleBlocks,
  oracleCounts,
  oracleIndicatorCounts,
  oracleIndicatorRows,
  oracleIndicators,
  oracleUnitRows,
  subtreeOf,
  worldArb,
  type World,
} from '../../../application/src/reports/__tests__/report-fixtures';
import { ProjectionRunner } from '../runner';
import { waitCaughtUp, waitFor } from '../__tests__/support';
import { DOSSIER_SUMMARY_SELECT, dossierSummaryProjection, factsFromRow, ROLLUP_INPUT_COLUMNS } from './dossier-summary.projection';
import { queryReport, reportQuery } from './dossier-report';
import { queryIndicatorTable } from './dossier-indicators';
import { recomputeRollup } from './report-rollup';
import { decodeCursor, queryWorkList } from './dossier-worklist';

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
      const pg = await freshPostgres('summary', 4);
      return { driver: pg.driver, close: () => pg.drop() };
    },
  ],
];

/** The world's events as the store would deliver them: streams interleaved, order kept within each. */
function recorded(world: World, seed: number): RecordedEvent[] {
  const queues = world.dossiers.map((d) => d.events.map((e, i) => ({ d, e, i })));
  const out: RecordedEvent[] = [];
  let x = seed >>> 0 || 1;
  let n = 0;
  while (queues.some((q) => q.length > 0)) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const live = queues.filter((q) => q.length > 0);
    const { d, e, i } = live[x % live.length].shift()!;
    n++;
    out.push({
      id: randomUUID(),
      stream: dossierStreamName(d.id),
      revision: BigInt(i),
      position: { commit: 1n, prepare: BigInt(n) },
      type: e.type,
      data: e.data,
      metadata: { actor: { id: 'test' }, correlationId: 'c', causationId: 'c', occurredAt: eventOccurredAt(e), schemaVersion: 1 },
      recordedAt: new Date().toISOString(),
    });
  }
  return out;
}

function parentsOf(world: World) {
  const parent = new Map(world.units.map((u) => [u.code, u.parentCode]));
  return (c: string) => parent.get(c);
}

function strip(report: Awaited<ReturnType<typeof queryReport>>) {
  const { rows, unitCode: _u, from: _f, to: _t, ...blocks } = report;
  return { blocks, rows: rows.map(({ key, own, name: _n, ...b }) => ({ key, ...(own ? { own } : {}), blocks: b })) };
}

async function loadFacts(db: SqlDriver): Promise<Map<string, DossierFacts>> {
  const { rows } = await db.query(`SELECT ${DOSSIER_SUMMARY_SELECT} FROM dossier_summary`);
  const clock = await db.query<{ dossier_id: string; version: number; at: Date | string; due_at: Date | string; stopped: boolean }>(
    `SELECT dossier_id, version, at, due_at, stopped FROM dossier_clock ORDER BY dossier_id, version`,
  );
  const out = new Map(rows.map((r) => [String(r.id), factsFromRow(r)]));
  for (const c of clock.rows) {
    out
      .get(c.dossier_id)
      ?.clock.push({ version: Number(c.version), at: new Date(c.at).toISOString(), dueAt: new Date(c.due_at).toISOString(), stopped: c.stopped });
  }
  return out;
}

/**
 * The roll-up kept by the projection, batch after batch, equals the one computed from the rows as
 * they are now (the migration's backfill, a rebuild): no drift, and no row left holding only zeros.
 */
async function expectRollupEqualsRows(db: SqlDriver) {
  const read = async () => ({
    daily: (await db.query(`SELECT * FROM report_daily ORDER BY 1, 2, 3, 4`)).rows,
    monthly: (await db.query(`SELECT * FROM report_monthly ORDER BY 1, 2, 3, 4`)).rows,
  });
  const live = await read();
  await db.transaction((tx) => recomputeRollup(tx));
  expect(await read()).toEqual(live);
}

const lastDayOfMonth = (date: string) => {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

const clean = (f: DossierFacts) => JSON.parse(JSON.stringify(f)) as DossierFacts;

describe.each(backends)('dossier_summary projection and the SQL report on %s', (name, open) => {
  let b: Backend;
  beforeAll(async () => {
    b = await open();
    await migrate(b.driver);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
  });

  it('projects each dossier idempotently and the SQL report equals the brute-force oracle field by field', async () => {
    const projection = dossierSummaryProjection();
    await fc.assert(
      fc.asyncProperty(
        worldArb(30),
        fc.integer(),
        fc.integer({ min: 1, max: 25 }),
        fc.nat(),
        fc.constantFrom('competent' as const, 'receiving' as const),
        async (world, seed, batchSize, again, perspective) => {
          await b.driver.exec('DELETE FROM dossier_summary; DELETE FROM dossier_clock; DELETE FROM report_daily; DELETE FROM report_monthly;');
          const events = recorded(world, seed);
          const batches: RecordedEvent[][] = [];
          for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
          // a batch delivered twice (and out of turn) changes nothing
          if (batches.length > 0) batches.push(batches[again % batches.length]);
          for (const batch of batches) await b.driver.transaction((tx) => projection.apply(tx, batch));

          const facts = await loadFacts(b.driver);
          expect(facts.size).toBe(world.dossiers.length);
          for (const d of world.dossiers) {
            expect(clean(facts.get(d.id)!)).toEqual(clean(factsFromEvents(d.events, d.id)!));
          }

          const units = subtreeOf(world.units, world.root);
          const options = { unitCode: world.root, units, from: world.from, to: world.to, groupBy: 'unit' as const, parentOf: parentsOf(world), perspective };
          const report = await queryReport(b.driver, options);
          const got = strip(report);
          expect(got.blocks).toEqual(oracleBlocks(oracleCounts(world, units, world.from, world.to, undefined, perspective)));
          expect(got.rows).toEqual(oracleUnitRows(world, perspective));
          // issue #20: every way of reading the population (one scan, index ranges, the daily roll-up) counts the same, whatever the period's length
          for (const population of ['scan', 'indexed', 'rollup'] as const) expect(strip(await queryReport(b.driver, { ...options, population }))).toEqual(got);
          await expectRollupEqualsRows(b.driver);
          // whole months (a year, a quarter, a month: the roll-up reads only its monthly rows) too
          const months = { ...options, from: `${world.from.slice(0, 8)}01`, to: lastDayOfMonth(world.to) };
          expect(strip(await queryReport(b.driver, { ...months, population: 'rollup' }))).toEqual(
            strip(await queryReport(b.driver, { ...months, population: 'scan' })),
          );

          const r = report;
          expect(r.received.total).toBe(r.received.newInPeriod + r.received.carriedOver);
          expect(r.received.total).toBe(r.resolved.total + r.pending.total + r.withdrawn);
          expect(r.resolved.early + r.resolved.onTime + r.resolved.late).toBe(r.resolved.total);
          expect(r.pending.withinTime + r.pending.overdue).toBe(r.pending.total);
          expect(r.pending.inside + r.pending.outside).toBe(r.pending.total);

          const byField = await queryReport(b.driver, { unitCode: world.root, units, from: world.from, to: world.to, groupBy: 'field', perspective });
          expect(strip(byField).blocks).toEqual(got.blocks);
          expect(byField.rows.reduce((a, row) => a + row.received.total, 0)).toBe(r.received.total);
          expect(byField.rows.reduce((a, row) => a + row.satisfaction.responses, 0)).toBe(r.satisfaction.responses);
          const byProcedure = await queryReport(b.driver, { unitCode: world.root, units, from: world.from, to: world.to, groupBy: 'procedure', perspective });
          expect(strip(byProcedure).blocks).toEqual(got.blocks);
          expect(byProcedure.rows.reduce((a, row) => a + row.received.total, 0)).toBe(r.received.total);
          expect(byProcedure.rows.reduce((a, row) => a + row.apologies.required, 0)).toBe(r.apologies.required);
          const ungrouped = await queryReport(b.driver, { unitCode: world.root, units, from: world.from, to: world.to, perspective });
          expect(strip(ungrouped)).toEqual({ blocks: got.blocks, rows: [] });
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);

  it('skips the roll-up only for rows whose report inputs did not change: the list the projection compares is what the roll-up reads', async () => {
    const { rows } = await b.driver.query<{ prosrc: string }>(`SELECT prosrc FROM pg_proc WHERE oid = 'report_rollup_apply(text[], integer)'::regprocedure`);
    // the function on the search path: other suites' schemas on the same database have theirs
    expect(rows).toHaveLength(1);
    const read = new Set([...rows[0].prosrc.matchAll(/\bs\.([a-z_]+)/g)].map((m) => m[1]));
    // the row's id selects it; the clock history changes only with a new clock entry, which the projection always rolls up
    for (const c of ['id', 'clock_history_at', 'clock_history_due_at', 'clock_history_stopped']) expect(read.delete(c)).toBe(true);
    expect([...read].sort()).toEqual([...ROLLUP_INPUT_COLUMNS].sort());
  });

  it('the QĐ 766 indicators in SQL equal the brute-force oracle, overall and per row (issue #18)', async () => {
    const projection = dossierSummaryProjection();
    await fc.assert(
      fc.asyncProperty(worldArb(30), fc.integer(), async (world, seed) => {
        await b.driver.exec('DELETE FROM dossier_summary; DELETE FROM dossier_clock; DELETE FROM report_daily; DELETE FROM report_monthly;');
        const events = recorded(world, seed);
        for (let i = 0; i < events.length; i += 7) await b.driver.transaction((tx) => projection.apply(tx, events.slice(i, i + 7)));
        const units = subtreeOf(world.units, world.root);
        for (const groupBy of ['unit', 'procedure'] as const) {
          const o = { unitCode: world.root, units, from: world.from, to: world.to, groupBy, parentOf: parentsOf(world) };
          const report = withIndicators(await queryReport(b.driver, o), await queryIndicatorTable(b.driver, o));
          if (groupBy === 'unit') {
            // issue #20: the daily roll-up and one pass over the rows give the same table
            expect(await queryIndicatorTable(b.driver, { ...o, population: 'rollup' })).toEqual(
              await queryIndicatorTable(b.driver, { ...o, population: 'scan' }),
            );
          }
          expect(report.indicators).toEqual(
            oracleIndicators(oracleCounts(world, units, world.from, world.to), oracleIndicatorCounts(world, units, world.from, world.to)),
          );
          expect(new Map(report.rows.map((r) => [r.key, r.indicators]))).toEqual(oracleIndicatorRows(world, groupBy));
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);

  it('reads the clock in force at the end of the period from the row: the last entry strictly before it, ties by version', async () => {
    await b.driver.exec('DELETE FROM dossier_summary; DELETE FROM dossier_clock; DELETE FROM report_daily; DELETE FROM report_monthly;');
    // the period ends at 2024-04-01 00:00 +07 = 2024-03-31T17:00:00.000Z
    const end = '2024-03-31T17:00:00.000Z';
    const received = (id: string): DossierEvent => ({
      type: 'DossierReceived',
      data: {
        dossierId: id,
        code: `U0-${id}`,
        unitCode: 'U0',
        procedureCode: 'P1',
        procedureName: 'Đăng ký khai sinh',
        field: 'Hộ tịch',
        channel: 'direct',
        onlineLevel: 'none',
        applicant: { name: 'Nguyễn Văn A' },
        processingTime: { amount: 3, unit: 'working_day' },
        timeZone: 'Asia/Ho_Chi_Minh',
        receivedAt: '2024-03-01T02:00:00.000Z',
        dueAt: '2024-03-05T10:00:00.000Z',
        calendarVersion: 'test',
      },
    });
    const requested = (at: string): DossierEvent => ({ type: 'SupplementRequested', data: { reason: 'thiếu giấy tờ', requestedAt: at } });
    const arrived = (at: string, dueAt: string): DossierEvent => ({
      type: 'SupplementReceived',
      data: { receivedAt: at, dueAt, calendarVersion: 'test', previousDueAt: '2024-03-05T10:00:00.000Z' },
    });
    const ids = [1, 2, 3, 4, 5].map((i) => `00000000-0000-4000-8000-00000000000${i}`);
    const world: World = {
      units: [{ code: 'U0', name: 'Tỉnh U0' }],
      root: 'U0',
      from: '2024-03-01',
      to: '2024-03-31',
      dossiers: [
        // stopped exactly at the end: still running (and overdue) at the end
        { id: ids[0], events: [received(ids[0]), requested(end)] },
        // stopped and restarted at the same instant, new due before the end: the restart (higher version) is in force
        { id: ids[1], events: [received(ids[1]), requested('2024-03-10T03:00:00.000Z'), arrived('2024-03-10T03:00:00.000Z', '2024-03-20T10:00:00.000Z')] },
        // stopped for good
        { id: ids[2], events: [received(ids[2]), requested('2024-03-10T03:00:00.000Z')] },
        // stopped in the period, restarted after it: the stopped entry (not the last one) is in force
        { id: ids[3], events: [received(ids[3]), requested('2024-03-10T03:00:00.000Z'), arrived('2024-04-05T03:00:00.000Z', '2024-04-06T10:00:00.000Z')] },
        // restarted 1 ms before the end with a due time 1 ms before the end: overdue
        { id: ids[4], events: [received(ids[4]), requested('2024-03-10T03:00:00.000Z'), arrived('2024-03-31T16:59:59.999Z', '2024-03-31T16:59:59.999Z')] },
      ],
    };
    await b.driver.transaction((tx) => dossierSummaryProjection().apply(tx, recorded(world, 3)));

    const history = await b.driver.query<{ id: string; same: boolean }>(`
      SELECT s.id, s.clock_history_at IS NOT DISTINCT FROM h.at AND s.clock_history_due_at IS NOT DISTINCT FROM h.due_at
             AND s.clock_history_stopped IS NOT DISTINCT FROM h.stopped AS same
      FROM dossier_summary s LEFT JOIN (
        SELECT dossier_id, array_agg(at ORDER BY at, version) AS at, array_agg(due_at ORDER BY at, version) AS due_at,
               array_agg(stopped ORDER BY at, version) AS stopped
        FROM dossier_clock GROUP BY dossier_id HAVING count(*) > 1
      ) h ON h.dossier_id = s.id ORDER BY s.id`);
    expect(history.rows).toEqual(ids.map((id) => ({ id, same: true })));

    const report = await queryReport(b.driver, { unitCode: 'U0', units: ['U0'], from: world.from, to: world.to });
    expect(report.pending).toMatchObject({ total: 5, overdue: 3, withinTime: 2 });
    expect(strip(report).blocks).toEqual(oracleBlocks(oracleCounts(world, ['U0'], world.from, world.to)));
  });

  it('runs the report queries without JIT compilation, leaving the connections as they were', async () => {
    const jit = async () => (await b.driver.query<{ jit: string }>(`SELECT current_setting('jit') AS jit`)).rows[0].jit;
    const before = await jit();
    const inside = await reportQuery<{ jit: string }>(b.driver, `SELECT current_setting('jit') AS jit WHERE $1::int = 1`, [1]);
    // PGlite has no JIT to switch off (built without LLVM); it is asked nothing extra
    expect(inside.rows).toEqual([{ jit: name === 'postgres' ? 'off' : before }]);
    for (let i = 0; i < 4; i++) expect(await jit()).toBe(before);
  });

  it('pages work lists by due time with a cursor, filtered by status, overdue, due date and assignee', async () => {
    await b.driver.exec('DELETE FROM dossier_summary; DELETE FROM dossier_clock; DELETE FROM report_daily; DELETE FROM report_monthly;');
    const [world] = fc.sample(worldArb(60, 40), { numRuns: 1, seed: 7 });
    await b.driver.transaction((tx) => dossierSummaryProjection().apply(tx, recorded(world, 1)));
    const all = world.dossiers.map((d) => factsFromEvents(d.events, d.id)!);
    expect(all.length).toBeGreaterThanOrEqual(40);
    const units = world.units.map((u) => u.code);
    const now = new Date('2025-01-01T00:00:00Z');
    const collect = async (q: Partial<Parameters<typeof queryWorkList>[1]>) => {
      const out: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await queryWorkList(b.driver, { units, limit: 7, now, ...q, cursor });
        out.push(...page.items.map((i) => i.id));
        if (!page.nextCursor) return out;
        cursor = page.nextCursor;
        decodeCursor(cursor);
      }
    };
    const order = (xs: DossierFacts[]) =>
      xs.sort((a, c) => Date.parse(a.effectiveDueAt) - Date.parse(c.effectiveDueAt) || (a.id < c.id ? -1 : 1)).map((f) => f.id);
    expect(await collect({})).toEqual(order([...all]));
    const isOverdue = (f: DossierFacts) => isClockRunning(f.status) && Date.parse(f.effectiveDueAt) < now.getTime();
    expect(await collect({ overdue: true })).toEqual(order(all.filter(isOverdue)));
    expect(await collect({ overdue: false })).toEqual(order(all.filter((f) => !isOverdue(f))));
    expect(await collect({ statuses: ['resolved', 'withdrawn'] })).toEqual(order(all.filter((f) => f.status === 'resolved' || f.status === 'withdrawn')));
    expect(await collect({ assignee: 'officer-1', dueBefore: now })).toEqual(
      order(all.filter((f) => f.assignee === 'officer-1' && Date.parse(f.effectiveDueAt) < now.getTime())),
    );
    // a unit's list: what it received and what it resolves (issue #16)
    expect(await collect({ units: [world.root] })).toEqual(order(all.filter((f) => f.unitCode === world.root || f.currentUnitCode === world.root)));
  });

  it('runs under the ProjectionRunner from a real event store (backdated events, live appends)', async () => {
    await b.driver.exec('DELETE FROM dossier_summary; DELETE FROM dossier_clock; DELETE FROM report_daily; DELETE FROM report_monthly;');
    const store: EventStore = await SqlEventStore.create(b.driver);
    const [world] = fc.sample(worldArb(150, 100), { numRuns: 1, seed: 11 });
    const append = async (w: World, part: 'first' | 'rest') => {
      for (const d of w.dossiers) {
        const half = Math.ceil(d.events.length / 2);
        const list = part === 'first' ? d.events.slice(0, half) : d.events.slice(half);
        if (list.length === 0) continue;
        await store.append(
          dossierStreamName(d.id),
          list.map((e) => ({
            id: randomUUID(),
            type: e.type,
            data: e.data,
            metadata: { actor: { id: 'test' }, correlationId: 'c', causationId: 'c', occurredAt: eventOccurredAt(e), schemaVersion: 1 },
          })),
        );
      }
    };
    await append(world, 'first');
    const runner = new ProjectionRunner({
      store,
      driver: b.driver,
      projections: [dossierSummaryProjection()],
      leaseKey: `test:${randomUUID()}`,
      batchSize: 37,
    });
    await runner.start();
    try {
      await waitCaughtUp(runner);
      await append(world, 'rest');
      // caughtUp stays true until the subscription notices the new events: wait until every
      // dossier's row is at its last version instead
      const total = world.dossiers.reduce((n, d) => n + d.events.length, 0);
      await waitFor(
        'every event applied',
        async () => (await b.driver.query<{ n: number }>(`SELECT coalesce(sum(version), 0)::int AS n FROM dossier_summary`)).rows[0].n === total,
        60_000,
      );
      expect(world.dossiers.length).toBeGreaterThan(20);
      const count = await b.driver.query<{ n: number }>(`SELECT count(*)::int AS n FROM dossier_summary`);
      expect(count.rows[0].n).toBe(world.dossiers.length);
      const facts = await loadFacts(b.driver);
      for (const d of world.dossiers) expect(clean(facts.get(d.id)!)).toEqual(clean(factsFromEvents(d.events, d.id)!));
      const units = subtreeOf(world.units, world.root);
      for (const [from, to] of [
        [world.from, world.to],
        ['2024-01-01', '2025-12-31'],
        ['2024-07-01', '2024-09-30'],
      ]) {
        for (const population of ['scan', 'indexed'] as const) {
          const got = strip(await queryReport(b.driver, { unitCode: world.root, units, from, to, groupBy: 'unit', parentOf: parentsOf(world), population }));
          expect(got.blocks).toEqual(oracleBlocks(oracleCounts(world, units, from, to)));
          expect(got.rows).toEqual(oracleUnitRows({ ...world, from, to }));
        }
      }
    } finally {
      await runner.stop();
    }
  }, 120_000);
});

/**
 * Deadline timers end to end, as production runs them (what the side-by-side `peer-pgboss` bench,
 * which measures the bare queues, does not cover): the scheduling subscription re-reading each
 * dossier from the PostgreSQL event store and adding its three timers; near-deadline alerts coming
 * due within one minute, raised through DossierService; the sweep rebuilding every timer after Redis
 * lost them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { CommandContext, DossierService, ReferenceService, SYSTEM_ACTOR } from '@motcua/application';
import { computeDueAt, decide, initialDossierState, nearDeadlineAt, type DossierEvent, type WorkingTimeContext } from '@motcua/domain';
import { SqlEventStore } from '@motcua/event-store';
import { loadConfig, Queues } from '@motcua/platform';
import { dossierSummaryProjection, rebuildProjection } from '@motcua/projections';
import { DeadlineTimers, parseNearDeadlinePolicies, TimersConfig } from '@motcua/timers';
import { fmtInt, fmtMs, freshPostgres, markdownTable, nowMs, percentile } from './support';
import { insertDossierStreams, NewDossierStream } from './support/dossier-events';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOUR_MS = 3_600_000;
/** 200 working hours (round the clock, every day): near-deadline (75 %) ~50 h before the due time. */
const PROCESSING_TIME = { amount: 200, unit: 'working_hour' } as const;
const POLICY = { kind: 'fraction-used', fraction: 0.75 } as const;

export function timersSizes(quick: boolean) {
  // leadMs: from the start of seeding to the first alert due (seeding, read model, scheduling fit in it)
  return quick ? { dossiers: 1_000, windowMs: 15_000, leadMs: 15_000 } : { dossiers: 10_000, windowMs: 60_000, leadMs: 40_000 };
}

export interface TimersRow {
  scenario: string;
  dossiers: number;
  /** Timers scheduled, alerts raised or timers re-added. */
  timers: number;
  seconds?: number;
  perSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  note?: string;
}

async function wipe(redis: IORedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

function weekendsOf(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** A fixed-offset zone where it is about noon now (the alerts never straddle a local midnight). */
function noonZone(now = new Date()): string {
  let offset = 12 - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** A dossier received long enough ago that its near-deadline alert comes due at `nearAt` (± 1 ms). */
function dossierDueNear(wt: WorkingTimeContext, i: number, nearAt: number): NewDossierStream {
  const id = randomUUID();
  let receivedAt = nearAt - 150 * HOUR_MS;
  let due = computeDueAt(wt, new Date(receivedAt), PROCESSING_TIME);
  for (let k = 0; k < 4; k++) {
    const off = nearAt - nearDeadlineAt(wt, new Date(receivedAt), due.dueAt, POLICY).getTime();
    if (off === 0) break;
    receivedAt += off;
    due = computeDueAt(wt, new Date(receivedAt), PROCESSING_TIME);
  }
  const events = decide(
    {
      type: 'ReceiveDossier',
      data: {
        dossierId: id,
        occurredAt: new Date(receivedAt),
        code: `B01-${i}`,
        unitCode: 'B01',
        procedureCode: 'P-200H',
        field: 'bench',
        channel: 'direct',
        onlineLevel: 'none',
        applicant: { name: 'Nguyễn Văn An' },
        processingTime: PROCESSING_TIME,
        timeZone: wt.timeZone,
        dueAt: due.dueAt,
        calendarVersion: due.calendarVersion,
      },
    },
    initialDossierState,
    new Date(),
  ) as DossierEvent[];
  return { id, events };
}

async function until(cond: () => Promise<boolean>, deadline: number, pauseMs = 100): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return cond();
}

export async function runTimersBench(opts: { quick: boolean }): Promise<TimersRow[]> {
  const s = timersSizes(opts.quick);
  const D = s.dossiers;
  const started = Date.now();
  const pg = await freshPostgres('timers', 24);
  const store = await SqlEventStore.create(pg.driver);
  const reference = new ReferenceService(store);
  const prefix = `motcua-bench-${randomBytes(4).toString('hex')}`;
  const redis = new IORedis(REDIS_URL);
  const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://', REDIS_URL }, 'api'), { prefix });
  let worker: DeadlineTimers | undefined;
  try {
    await reference.start();
    const ctx: CommandContext = { actor: SYSTEM_ACTOR, correlationId: 'bench', causationId: 'bench', now: new Date() };
    await reference.putUnit(
      'B01',
      { name: 'Bench unit', level: 'province', timeZone: noonZone(), officeHours: { sessions: [{ start: '00:00', end: '23:59' }] } },
      ctx,
    );
    const year = new Date().getUTCFullYear();
    for (const y of [year - 1, year, year + 1]) await reference.putCalendar(y, { holidays: [], workingDays: weekendsOf(y) }, ctx);
    const wt = reference.data.workingTime('B01');

    // 1. D dossiers whose near-deadline alerts come due evenly over the window; the apology cut-off
    //    and overdue alerts ~1–2 days later. Written with multi-row inserts (not timed), then the
    //    dossier_summary read model (the sweep reads it).
    const firstDue = started + s.leadMs;
    for (let i = 0; i < D; i += 1000) {
      const chunk: NewDossierStream[] = [];
      for (let j = i; j < Math.min(D, i + 1000); j++) chunk.push(dossierDueNear(wt, j, firstDue + Math.floor((j * s.windowMs) / D)));
      await insertDossierStreams(pg.driver, chunk);
    }
    await rebuildProjection({ store, driver: pg.driver, projection: dossierSummaryProjection() });
    console.log(
      `  ${fmtInt(D)} dossiers and their read model in ${((Date.now() - started) / 1000).toFixed(1)} s; first alert due at ${(s.leadMs / 1000).toFixed(0)} s`,
    );

    const config: TimersConfig = { queueName: 'deadline-timers', sweepEveryMs: 60_000, concurrency: 16, policies: parseNearDeadlinePolicies('fraction:0.75') };
    const base = { store, driver: pg.driver, queues, reference, dossiers: new DossierService(store, reference), leaseKey: `bench-${prefix}` };
    // 2. Scheduling subscription alone (no worker, no sweep): from start until the D alarms (3·D timers) are in.
    const scheduler = new DeadlineTimers({ ...base, config, runWorker: false });
    const queue = scheduler.queue; // (the production lean queue: made by DeadlineTimers first)
    const delayed = () => queue.getDelayedCount();
    let t = nowMs();
    await scheduler.start();
    const scheduled = await until(async () => (await delayed()) >= D, Date.now() + 10 * 60_000);
    const scheduleMs = nowMs() - t;
    const scheduledBy = Date.now();
    await scheduler.stop();
    console.log(`  scheduled ${fmtInt(3 * D)} timers in ${(scheduleMs / 1000).toFixed(1)} s (at ${((scheduledBy - started) / 1000).toFixed(1)} s)`);

    // 3. The production worker process (worker concurrency 16, subscription, start-up sweep; the
    //    periodic sweep pushed out of the way of step 4), raising the alerts through DossierService.
    const late: number[] = [];
    worker = new DeadlineTimers({
      ...base,
      config: { ...config, sweepEveryMs: 600_000 },
      onAlertRaised: (kind, seconds) => {
        if (kind === 'near-deadline') late.push(seconds * 1000);
      },
    });
    await worker.start();
    const lastDue = firstDue + Math.floor(((D - 1) * s.windowMs) / D);
    await until(async () => late.length >= D, lastDue + 60_000, 200);
    const raised = Number((await pg.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events WHERE type = 'DeadlineWarningRaised'`)).rows[0].n);

    // 4. Redis loses every key of the prefix (as FLUSHALL would); one sweep rebuilds the timers
    //    from dossier_summary and the streams (the 2·D not yet raised: apology cut-off, overdue).
    await wipe(redis, prefix);
    t = nowMs();
    const sweep = await worker.sweep();
    const sweepMs = nowMs() - t;
    const after = await delayed();

    const rows: TimersRow[] = [
      {
        scenario: 'scheduling subscription: re-read each dossier, addBulk its alarm (3 timers)',
        dossiers: D,
        timers: 3 * D,
        seconds: scheduleMs / 1000,
        perSec: (3 * D) / (scheduleMs / 1000),
        note: `${fmtInt(D / (scheduleMs / 1000))} dossiers/s (one alarm job each)${scheduled ? '' : `; only ${fmtInt(await delayed())} alarms in after 10 min`}${scheduledBy > firstDue ? `; finished ${fmtInt(scheduledBy - firstDue)} ms after the first alert was due` : ''}`,
      },
      {
        scenario: `near-deadline alerts due within ${s.windowMs / 1000} s, raised through DossierService (worker concurrency 16)`,
        dossiers: D,
        timers: late.length,
        seconds: (Math.max(Date.now(), lastDue) - firstDue) / 1000,
        p50Ms: percentile(late, 50),
        p99Ms: percentile(late, 99),
        maxMs: late.reduce((m, x) => Math.max(m, x), -Infinity),
        note: `${fmtInt(raised)} DeadlineWarningRaised events in the store; each alarm re-armed for the other ${fmtInt(2 * D)} timers, ~1–2 days away`,
      },
      {
        scenario: 'sweep after Redis lost every key: re-add the missing alarms',
        dossiers: sweep.dossiers,
        timers: sweep.readded,
        seconds: sweepMs / 1000,
        perSec: sweep.readded / (sweepMs / 1000),
        note: `${fmtInt(sweep.dossiers / (sweepMs / 1000))} dossiers/s; ${fmtInt(sweep.alarms)} alarms re-added, ${fmtInt(after)} delayed jobs afterwards (expected ${fmtInt(D)} alarms and the sweep's own)`,
      },
    ];
    return rows;
  } finally {
    await worker?.stop().catch(() => undefined);
    await queues.close();
    await wipe(redis, prefix).catch(() => undefined);
    redis.disconnect();
    await reference.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    await pg.drop();
  }
}

export const timersBenchDefinition = {
  name: 'timers',
  title: 'Deadline timers end to end (BullMQ, PostgreSQL event store)',
  run: (opts: { quick: boolean }) => runTimersBench(opts),
  table: (rows: readonly unknown[]) =>
    markdownTable<TimersRow>(
      [
        { header: 'Scenario', value: (r) => r.scenario },
        { header: 'Dossiers', align: 'right', value: (r) => fmtInt(r.dossiers) },
        { header: 'Timers / alerts', align: 'right', value: (r) => fmtInt(r.timers) },
        { header: 'Time (s)', align: 'right', value: (r) => (r.seconds === undefined ? '–' : r.seconds.toFixed(1)) },
        { header: 'Timers/s', align: 'right', value: (r) => fmtInt(r.perSec) },
        { header: 'Lateness p50 (ms)', align: 'right', value: (r) => fmtMs(r.p50Ms) },
        { header: 'Lateness p99 (ms)', align: 'right', value: (r) => fmtMs(r.p99Ms) },
        { header: 'Lateness max (ms)', align: 'right', value: (r) => fmtMs(r.maxMs) },
        { header: 'Notes', value: (r) => r.note ?? '' },
      ],
      rows as TimersRow[],
    ),
  method: (quick: boolean) => {
    const s = timersSizes(quick);
    return [
      `The production code (\`DeadlineTimers\`, the \`Queues\` wrapper) on a fresh PostgreSQL schema and a fresh BullMQ key prefix on the local Redis (both deleted afterwards). Scheduling rate, store bytes per timer and the bare queue's lateness at 400k timers, against pg-boss, are in "Side by side: deadline timers"; this section measures what production adds around the queue.`,
      `${fmtInt(s.dossiers)} open dossiers (one reception each, ${PROCESSING_TIME.amount} working hours, a unit working round the clock every day), received ~6 days ago so that their near-deadline alerts (75 % of the time used) come due evenly over ${s.windowMs / 1000} s, and their apology cut-off and overdue alerts 1–2 days later: exactly ${fmtInt(s.dossiers)} timers come due in the window, none is already past. Written with multi-row inserts, then \`dossier_summary\` rebuilt (not timed).`,
      `Scheduling: the scheduling subscription alone (no worker) from its start until the ${fmtInt(s.dossiers)} alarm jobs (one a dossier, for its 3 timers) are delayed in Redis: it reads the events, re-reads the dossiers' streams (500 to a query) and adds their alarms with \`addBulk\`.`,
      `Lateness: the worker process as \`start:worker\` runs it (concurrency 16, start-up sweep): each alarm re-reads its dossier, appends the alert due through DossierService (\`raise-alert\`) and re-arms itself for the next; lateness = when the append returned minus the alert's due time (the \`onAlertRaised\` metric hook).`,
      `Sweep: then every key of the prefix is deleted (what FLUSHALL or a lost Redis does to the timers) and one \`sweep()\` rebuilds them: pages of 1,000 open dossiers from \`dossier_summary\`, an EXISTS pipeline per page (one alarm id a dossier), each dossier whose alarm is missing re-read from its stream, the missing alarms added. The periodic sweep is set to 10 min so it does not run alongside.`,
    ];
  },
};

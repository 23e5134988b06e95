/**
 * Deadline timers benchmark (issue "Deadline alerts with BullMQ"): scheduling rate (addBulk) and
 * Redis memory per timer with 100k and 400k scheduled timers, and alert lateness (alert event
 * recordedAt minus due time) for 10k timers coming due within one minute.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { CommandContext, DossierService, ReferenceService, SYSTEM_ACTOR } from '@motcua/application';
import { computeDueAt, decide, DOSSIER_EVENT_SCHEMA_VERSIONS, dossierStreamName, initialDossierState } from '@motcua/domain';
import { SqlEventStore } from '@motcua/event-store';
import { loadConfig, Queues } from '@motcua/platform';
import { DeadlineTimers, parseNearDeadlinePolicies, TimerData, TIMER_JOB, timerJobOptions } from '@motcua/timers';
import { fmtInt, fmtMs, freshPostgres, markdownTable, percentile } from './support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TimersRow {
  scenario: string;
  timers: number;
  seconds: number;
  perSec?: number;
  bytesPerTimer?: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  note?: string;
}

async function usedMemory(redis: IORedis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

async function wipe(redis: IORedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

async function schedulingRun(redis: IORedis, count: number): Promise<TimersRow> {
  const prefix = `motcua-bench-${randomBytes(4).toString('hex')}`;
  const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://', REDIS_URL }, 'api'), { prefix });
  const q = queues.queue<TimerData>('deadline-timers');
  await q.waitUntilReady();
  const before = await usedMemory(redis);
  const now = Date.now();
  const started = performance.now();
  for (let i = 0; i < count; i += 1000) {
    const jobs = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      const dossierId = randomUUID();
      const due = now + 86_400_000 + j * 1000;
      for (const kind of ['overdue'] as const) {
        const t: TimerData = { dossierId, kind, dueAt: new Date(due).toISOString(), fireAt: due };
        jobs.push({ name: TIMER_JOB, data: t, opts: timerJobOptions(t, now) });
      }
    }
    await q.addBulk(jobs);
  }
  const ms = performance.now() - started;
  const after = await usedMemory(redis);
  const delayed = await q.getDelayedCount();
  await queues.close();
  await wipe(redis, prefix);
  return {
    scenario: 'schedule (addBulk of 1,000, delayed)',
    timers: count,
    seconds: ms / 1000,
    perSec: count / (ms / 1000),
    bytesPerTimer: (after - before) / count,
    note: `${fmtInt(delayed)} delayed jobs in Redis afterwards`,
  };
}

function weekendsOf(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

function noonZone(now = new Date()): string {
  let offset = 12 - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

async function latencyRun(count: number): Promise<TimersRow> {
  const pg = await freshPostgres('timers', 24);
  const store = await SqlEventStore.create(pg.driver);
  const reference = new ReferenceService(store);
  await reference.start();
  const ctx: CommandContext = { actor: SYSTEM_ACTOR, correlationId: 'bench', causationId: 'bench', now: new Date() };
  await reference.putUnit('B01', { name: 'Bench unit', level: 'province', timeZone: noonZone(), officeHours: { sessions: [{ start: '00:00', end: '23:59' }] } }, ctx);
  const year = new Date().getUTCFullYear();
  for (const y of [year, year + 1]) await reference.putCalendar(y, { holidays: [], workingDays: weekendsOf(y) }, ctx);
  const wt = reference.data.workingTime('B01');
  // due times spread evenly over one minute, starting once seeding and scheduling are surely done
  const firstDue = Date.now() + 20_000 + count * 3;
  const ids: string[] = [];
  let next = 0;
  const seedOne = async (i: number) => {
    const id = randomUUID();
    ids[i] = id;
    const receivedAt = new Date(firstDue + Math.floor((i * 60_000) / count) - 3_600_000);
    const due = computeDueAt(wt, receivedAt, { amount: 1, unit: 'working_hour' });
    const events = decide(
      {
        type: 'ReceiveDossier',
        data: {
          dossierId: id, occurredAt: receivedAt, code: `B01-${i}`, unitCode: 'B01', procedureCode: 'P-1H', field: 'bench', channel: 'direct',
          onlineLevel: 'none', applicant: { name: 'Nguyễn Văn An' }, processingTime: { amount: 1, unit: 'working_hour' }, timeZone: wt.timeZone,
          dueAt: due.dueAt, calendarVersion: due.calendarVersion,
        },
      },
      initialDossierState,
      new Date(),
    );
    await store.append(
      dossierStreamName(id),
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: { actor: { id: 'system:bench' }, correlationId: 'bench', causationId: 'bench', occurredAt: receivedAt.toISOString(), schemaVersion: DOSSIER_EVENT_SCHEMA_VERSIONS[e.type] } })),
      { expectedRevision: 'no-stream' },
    );
  };
  await Promise.all(Array.from({ length: 16 }, async () => { while (next < count) await seedOne(next++); }));
  const prefix = `motcua-bench-${randomBytes(4).toString('hex')}`;
  const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://', REDIS_URL }, 'api'), { prefix });
  const timers = new DeadlineTimers({
    store, driver: pg.driver, queues, reference, dossiers: new DossierService(store, reference),
    config: { queueName: 'deadline-timers', sweepEveryMs: 60_000, concurrency: 16, policies: parseNearDeadlinePolicies('fraction:0.75') },
    leaseKey: `bench-${prefix}`,
  });
  const started = performance.now();
  await timers.start();
  const countOverdue = async () => Number((await pg.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events WHERE type = 'DossierOverdue'`)).rows[0].n);
  const deadline = firstDue + 60_000 + 120_000;
  while ((await countOverdue()) < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  const { rows } = await pg.driver.query<{ late: string }>(
    `SELECT (extract(epoch from recorded_at) * 1000 - extract(epoch from (data->>'dueAt')::timestamptz) * 1000)::text AS late FROM es_events WHERE type = 'DossierOverdue'`,
  );
  const late = rows.map((r) => Number(r.late));
  const seconds = (performance.now() - started) / 1000;
  await timers.stop();
  await queues.close();
  const redis = new IORedis(REDIS_URL);
  await wipe(redis, prefix);
  redis.disconnect();
  await reference.stop();
  await store.close();
  await pg.drop();
  return {
    scenario: 'overdue alerts coming due within 1 min (worker concurrency 16)',
    timers: count,
    seconds,
    p50Ms: percentile(late, 50),
    p99Ms: percentile(late, 99),
    maxMs: Math.max(...late),
    note: `${fmtInt(late.length)} of ${fmtInt(count)} raised; the apology cut-offs and near-deadline alerts (75 % used), already past at scheduling, fired at once`,
  };
}

export async function runTimersBench(opts: { quick: boolean }): Promise<TimersRow[]> {
  const redis = new IORedis(REDIS_URL);
  const rows: TimersRow[] = [];
  try {
    for (const n of opts.quick ? [10_000, 40_000] : [100_000, 400_000]) rows.push(await schedulingRun(redis, n));
  } finally {
    redis.disconnect();
  }
  rows.push(await latencyRun(opts.quick ? 1_000 : 10_000));
  return rows;
}

export const timersBenchDefinition = {
  name: 'timers',
  title: 'Deadline timers (BullMQ)',
  run: (opts: { quick: boolean }) => runTimersBench(opts),
  table: (rows: readonly unknown[]) =>
    markdownTable<TimersRow>(
      [
        { header: 'Scenario', value: (r) => r.scenario },
        { header: 'Timers', align: 'right', value: (r) => fmtInt(r.timers) },
        { header: 'Time (s)', align: 'right', value: (r) => r.seconds.toFixed(1) },
        { header: 'Timers/s', align: 'right', value: (r) => fmtInt(r.perSec) },
        { header: 'Redis bytes/timer', align: 'right', value: (r) => fmtInt(r.bytesPerTimer) },
        { header: 'Lateness p50 (ms)', align: 'right', value: (r) => fmtMs(r.p50Ms) },
        { header: 'Lateness p99 (ms)', align: 'right', value: (r) => fmtMs(r.p99Ms) },
        { header: 'Lateness max (ms)', align: 'right', value: (r) => fmtMs(r.maxMs) },
        { header: 'Notes', value: (r) => r.note ?? '' },
      ],
      rows as TimersRow[],
    ),
  method: (quick: boolean) => [
    `Scheduling: ${quick ? '10k and 40k' : '100k and 400k'} delayed timer jobs (tiny payload {dossierId, kind, dueAt, fireAt}, deterministic ids) added with \`addBulk\` in chunks of 1,000 into a fresh BullMQ prefix on the local Redis; Redis memory per timer is \`INFO memory\` used_memory after minus before, divided by the count.`,
    `Lateness: ${quick ? '1k' : '10k'} dossiers (PostgreSQL event store) whose due times are spread evenly over one minute; the scheduling subscription re-reads each dossier and adds its three timers, one worker (concurrency 16) raises the alerts through DossierService. Lateness = the DossierOverdue event's recordedAt minus its due time.`,
  ],
};

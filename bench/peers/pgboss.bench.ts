/**
 * Deadline timers, BullMQ (what we use: Redis) against pg-boss (PostgreSQL) doing the same job on
 * the same machine: schedule N delayed timers in bulk, then 10k more coming due within one minute
 * on top of them, worked by one worker; figures: scheduling rate, store bytes per timer (Redis
 * `INFO memory` used_memory delta; `pg_total_relation_size` of pg-boss's job table), lateness
 * p50/p99 (handler start minus the due time).
 */
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { BENCH_DATABASE_URL, fmtInt, nowMs, packageVersion, percentile, PgDriverFor } from './pgboss-support';
import { peerTable, PeerRow } from './peer-table';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHUNK = 1_000;
const DUE_SOON = 10_000;
const DUE_WINDOW_MS = 60_000;
const LEAD_MS = 15_000;
const YEAR_MS = 365 * 86_400_000;
/** pg-boss fetches one batch per poll (0.5 s at the least): 16 a poll could not keep up with 10k a minute. */
const PGBOSS_BATCH = 500;

export function timerPeerSizes(quick: boolean) {
  return { timers: quick ? 100_000 : 400_000 };
}

const payload = (i: number, fireAt: number) => ({ dossierId: `d-${i}`, kind: 'overdue', dueAt: new Date(fireAt).toISOString(), fireAt });

interface Result {
  scheduleMs: number;
  bytesPerTimer: number;
  lateness: number[];
}

async function bullmq(timers: number): Promise<Result> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `motcua-peer-${randomBytes(4).toString('hex')}`;
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null } as never;
  const queue = new Queue('timers', { connection, prefix });
  const mem = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  try {
    await queue.waitUntilReady();
    const before = await mem();
    const base = Date.now() + YEAR_MS / 12;
    const t0 = nowMs();
    for (let done = 0; done < timers; done += CHUNK) {
      const jobs = [];
      for (let i = done; i < Math.min(timers, done + CHUNK); i++) {
        const fireAt = base + (i % 100_000) * 300_000;
        jobs.push({ name: 'timer', data: payload(i, fireAt), opts: { jobId: `t-${i}`, delay: fireAt - Date.now(), removeOnComplete: true } });
      }
      await queue.addBulk(jobs);
    }
    const scheduleMs = nowMs() - t0;
    const bytesPerTimer = ((await mem()) - before) / timers;
    const lateness: number[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const worker = new Worker(
      'timers',
      async (job) => {
        const fireAt = (job.data as { fireAt: number }).fireAt;
        if (fireAt < base) {
          lateness.push(Date.now() - fireAt);
          if (lateness.length >= DUE_SOON) resolveDone();
        }
      },
      { connection, prefix, concurrency: 16 },
    );
    const start = Date.now() + LEAD_MS;
    for (let done2 = 0; done2 < DUE_SOON; done2 += CHUNK) {
      const jobs = [];
      for (let i = done2; i < done2 + CHUNK; i++) {
        const fireAt = start + Math.floor((i * DUE_WINDOW_MS) / DUE_SOON);
        jobs.push({ name: 'timer', data: payload(i, fireAt), opts: { jobId: `soon-${i}`, delay: fireAt - Date.now(), removeOnComplete: true } });
      }
      await queue.addBulk(jobs);
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, LEAD_MS + DUE_WINDOW_MS + 120_000))]);
    await worker.close();
    return { scheduleMs, bytesPerTimer, lateness };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await redis.quit();
  }
}

async function pgboss(timers: number): Promise<Result> {
  const { PgBoss } = (await import('pg-boss')) as unknown as { PgBoss?: new (o: object) => any; default: new (o: object) => any };
  const Boss = PgBoss ?? (await import('pg-boss')).default;
  const schema = `bench_pgboss_${randomBytes(4).toString('hex')}`;
  const boss = new (Boss as new (o: object) => any)({ connectionString: BENCH_DATABASE_URL, schema, max: 4, supervise: false, schedule: false });
  boss.on('error', (e: Error) => console.error('pg-boss:', e.message));
  const sql = PgDriverFor();
  try {
    await boss.start();
    await boss.createQueue('timers');
    const size = async () => {
      const { rows } = await sql.query<{ b: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r'`, // every table of the schema (partitions too), with its indexes and TOAST
        [schema],
      );
      return Number(rows[0].b);
    };
    const before = await size();
    const base = Date.now() + YEAR_MS / 12;
    const t0 = nowMs();
    for (let done = 0; done < timers; done += CHUNK) {
      const jobs = [];
      for (let i = done; i < Math.min(timers, done + CHUNK); i++) {
        const fireAt = base + (i % 100_000) * 300_000;
        jobs.push({ name: 'timers', data: payload(i, fireAt), startAfter: new Date(fireAt) });
      }
      await boss.insert(jobs);
    }
    const scheduleMs = nowMs() - t0;
    await sql.query(`ANALYZE ${schema}.job`).catch(() => undefined);
    const bytesPerTimer = ((await size()) - before) / timers;
    const lateness: number[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    await boss.work('timers', { batchSize: PGBOSS_BATCH, pollingIntervalSeconds: 0.5 }, async (jobs: { data: { fireAt: number } }[]) => {
      for (const job of jobs) {
        if (job.data.fireAt < base) {
          lateness.push(Date.now() - job.data.fireAt);
          if (lateness.length >= DUE_SOON) resolveDone();
        }
      }
    });
    const start = Date.now() + LEAD_MS;
    for (let d = 0; d < DUE_SOON; d += CHUNK) {
      const jobs = [];
      for (let i = d; i < d + CHUNK; i++) {
        const fireAt = start + Math.floor((i * DUE_WINDOW_MS) / DUE_SOON);
        jobs.push({ name: 'timers', data: payload(i, fireAt), startAfter: new Date(fireAt) });
      }
      await boss.insert(jobs);
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, LEAD_MS + DUE_WINDOW_MS + 120_000))]);
    await boss.offWork('timers');
    return { scheduleMs, bytesPerTimer, lateness };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await sql.close();
  }
}

export async function runPgBossBench(opts: { quick: boolean }): Promise<PeerRow[]> {
  const { timers } = timerPeerSizes(opts.quick);
  const a = await bullmq(timers);
  console.log(`  bullmq: ${fmtInt((timers * 1000) / a.scheduleMs)} timers/s, ${fmtInt(a.bytesPerTimer)} B/timer, ${a.lateness.length} alerts`);
  const b = await pgboss(timers);
  console.log(`  pg-boss: ${fmtInt((timers * 1000) / b.scheduleMs)} timers/s, ${fmtInt(b.bytesPerTimer)} B/timer, ${b.lateness.length} alerts`);
  const sc = `${fmtInt(timers)} timers`;
  const soon = `${fmtInt(DUE_SOON)} due within a minute (on top of ${fmtInt(timers)})`;
  const missing = (r: Result) => (r.lateness.length < DUE_SOON ? `only ${fmtInt(r.lateness.length)} fired` : '');
  return [
    { scenario: sc, metric: 'scheduling (timers/s, bulk of 1,000)', ours: (timers * 1000) / a.scheduleMs, peer: (timers * 1000) / b.scheduleMs, better: 'higher', unit: 'int' },
    { scenario: sc, metric: 'store bytes per timer', ours: a.bytesPerTimer, peer: b.bytesPerTimer, better: 'lower', unit: 'int', note: 'Redis used_memory vs pg_total_relation_size(job tables)' },
    { scenario: soon, metric: 'lateness p50 (ms)', ours: percentile(a.lateness, 50), peer: percentile(b.lateness, 50), better: 'lower', unit: 'ms', note: [missing(a), missing(b)].filter(Boolean).join('; ') },
    { scenario: soon, metric: 'lateness p99 (ms)', ours: percentile(a.lateness, 99), peer: percentile(b.lateness, 99), better: 'lower', unit: 'ms' },
    { scenario: soon, metric: 'lateness max (ms)', ours: Math.max(...a.lateness), peer: Math.max(...b.lateness), better: 'lower', unit: 'ms' },
  ];
}

export const pgBossBenchDefinition = {
  name: 'peer-pgboss',
  title: 'Side by side: deadline timers, BullMQ (ours) against pg-boss',
  run: (opts: { quick: boolean }) => runPgBossBench(opts) as Promise<never[]>,
  table: (rows: readonly unknown[]) => peerTable(`pg-boss ${packageVersion('pg-boss')}`, rows as PeerRow[]),
  method: (quick: boolean): string[] => [
    `Ours: BullMQ ${packageVersion('bullmq')} on the local Redis (fresh prefix, obliterated afterwards); peer: pg-boss on the bench PostgreSQL (fresh schema, dropped afterwards), same Node process, one after the other.`,
    `Scheduling: ${fmtInt(timerPeerSizes(quick).timers)} delayed timers ({dossierId, kind, dueAt, fireAt}) due over the coming year, in bulks of ${fmtInt(CHUNK)} (\`Queue.addBulk\` with \`delay\` and a job id; \`boss.insert\` with \`startAfter\`). Bytes per timer: Redis \`INFO memory\` used_memory after minus before; PostgreSQL \`pg_total_relation_size\` of pg-boss's job table(s) after minus before.`,
    `Lateness: then ${fmtInt(DUE_SOON)} more timers due evenly over one minute starting ${LEAD_MS / 1000} s later, with the others still waiting; one worker (BullMQ concurrency 16; pg-boss \`work\` batchSize 16, polling every 0.5 s, its minimum); lateness = the handler's start minus the due time. The job is the bare timer (no event-store append), so it measures the queues, not DossierService (for that, see "Deadline timers").`,
  ],
};

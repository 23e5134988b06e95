/**
 * Deadline timers, BullMQ (ours: Redis, through the production code) against pg-boss (PostgreSQL)
 * doing the same job on the same machine, one after the other: schedule N timers in bulks of
 * 1,000, of which `dueSoon` come due evenly over one window (one minute at full size) and the rest
 * over the coming year; one worker (16 jobs at a time) fires them. Figures: scheduling rate,
 * store bytes per timer, lateness p50/p99/max of the timers coming due (handler start − due time).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { loadConfig, Queues } from '@motcua/platform';
import { DelayedError } from 'bullmq';
import { alarmIdOf, alarmJobId, ALERT_KINDS, DeadlineTimers, TimerData, TimerJobData, timersConfigFromEnv } from '@motcua/timers';
import { BENCH_DATABASE_URL, fmtInt, nowMs, packageVersion, percentile, PgDriverFor } from './pgboss-support';
import { peerTable, PeerRow } from './peer-table';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Timers per bulk, both sides (production `DeadlineTimers.addTimers` adds 1,000 per `addBulk`). */
const CHUNK = 1_000;
/** The first timer coming due fires this long after the last one is scheduled (lets the bulk in). */
const LEAD_MS = 5_000;
const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
/** pg-boss 10's fastest supported polling (POLICY.MIN_POLLING_INTERVAL_MS = 500). */
const PGBOSS_POLL_SECONDS = 0.5;
/** Jobs fetched per pg-boss poll: 6× the ~84 coming due in 0.5 s at full size, so it never falls behind. */
const PGBOSS_BATCH = 500;
/** Jobs handled at once, both sides: production `TIMERS_CONCURRENCY` default (16). */
const CONCURRENCY = timersConfigFromEnv({}).concurrency;

export function timerPeerSizes(quick: boolean) {
  // Open dossiers with three alerts each (near-deadline, apology cut-off, overdue): 3 timers a dossier.
  // quick: a tenth of them, the same rate of alerts coming due (167/s) over 15 s.
  return quick ? { dossiers: 13_334, dueSoon: 2_500, windowMs: 15_000 } : { dossiers: 133_334, dueSoon: 10_000, windowMs: 60_000 };
}
type Sizes = ReturnType<typeof timerPeerSizes>;
const KINDS_PER_DOSSIER = ALERT_KINDS.length;
const timersOf = (s: Sizes) => s.dossiers * KINDS_PER_DOSSIER;

interface Result {
  scheduleMs: number;
  bytes: number;
  lateness: number[];
  /** ms by which the last bulk went in after the first timer was due (> 0: some were added late). */
  addedLateMs: number;
  note?: string;
}

/** One open dossier's three timers (one per alert kind), as production computes them. */
function dossierTimers(dossierId: string, near: number, gapMs: number): TimerData[] {
  const dueAt = new Date(near + 2 * gapMs).toISOString();
  return [
    { dossierId, kind: 'near-deadline', dueAt, fireAt: near },
    { dossierId, kind: 'apology-cutoff', dueAt, fireAt: near + gapMs },
    { dossierId, kind: 'overdue', dueAt, fireAt: near + 2 * gapMs },
  ];
}

/** The far dossiers: their alerts spread over the coming year (the three of a dossier 1 day apart). */
function farDossiers(count: number, from: number): TimerData[][] {
  return Array.from({ length: count }, (_, i) => dossierTimers(randomUUID(), from + Math.floor((i * YEAR_MS) / count), DAY_MS));
}

/** The dossiers coming due: near-deadline alerts evenly over the window, their other two 1–2 days later. */
function soonDossiers(count: number, start: number, windowMs: number): TimerData[][] {
  return Array.from({ length: count }, (_, i) => dossierTimers(randomUUID(), start + Math.floor((i * windowMs) / count), DAY_MS));
}

async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void> | void): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Waits until `late` holds `count` figures or `until` (epoch ms) has passed. */
async function waitFired(late: readonly number[], count: number, until: number): Promise<void> {
  while (late.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
}

async function wipeRedisPrefix(redis: IORedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

async function ours(s: Sizes): Promise<Result> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `motcua-peer-${randomBytes(4).toString('hex')}`;
  const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://', REDIS_URL }, 'api'), { prefix });
  const config = { ...timersConfigFromEnv({}), queueName: 'deadline-timers' };
  // Only addTimers and the queue are used: the production alarms (one job per dossier), job ids and options, addBulk of 1,000.
  const timers = new DeadlineTimers({
    queues,
    config,
    store: undefined as never,
    driver: undefined as never,
    reference: undefined as never,
    dossiers: undefined as never,
  });
  const mem = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  try {
    await timers.queue.waitUntilReady();
    const far = farDossiers(s.dossiers - s.dueSoon, Date.now() + DAY_MS);
    const before = await mem();
    const t0 = nowMs();
    const farAlarms = await timers.addTimers(far.flat());
    const farMs = nowMs() - t0;
    const late: number[] = [];
    // The alert times of each alarm (production re-reads them from the dossier's stream when it rings).
    const pending = new Map<string, number[]>();
    // The bare alarm as production rings it: the alerts due now (lateness recorded), then the same job
    // re-armed for the dossier's next alert (moveToDelayed), as `TimerFiring` does.
    const worker = queues.worker<TimerJobData>(
      config.queueName,
      async (job, token) => {
        const times = pending.get(job.id!) ?? [];
        const now = Date.now();
        for (const t of times) if (t <= now) late.push(now - t);
        const rest = times.filter((t) => t > now);
        pending.set(job.id!, rest);
        if (rest.length > 0 && token) {
          await job.moveToDelayed(rest[0], token);
          throw new DelayedError();
        }
      },
      { concurrency: CONCURRENCY },
    );
    await worker.waitUntilReady();
    const soon = soonDossiers(s.dueSoon, Date.now() + LEAD_MS + (s.dueSoon * farMs) / far.length, s.windowMs);
    for (const d of soon)
      pending.set(
        alarmJobId(d[0].dossierId, Date.parse(d[0].dueAt)),
        d.map((t) => t.fireAt),
      );
    const t1 = nowMs();
    await timers.addTimers(soon.flat());
    const addedLateMs = Date.now() - soon[0][0].fireAt;
    const scheduleMs = farMs + (nowMs() - t1);
    const used = (await mem()) - before;
    // Key-level cross-check (other clients share this Redis): alarm hashes sampled, plus the delayed set.
    const sample = farAlarms.filter((_, i) => i % Math.ceil(farAlarms.length / 200) === 0);
    const pipe = redis.pipeline();
    for (const a of sample) pipe.memory('USAGE', timers.queue.toKey(alarmIdOf(a)));
    pipe.memory('USAGE', timers.queue.keys.delayed, 'SAMPLES', 0);
    const sizes = ((await pipe.exec()) ?? []).map(([, v]) => Number(v));
    const zset = sizes.pop()!;
    const perDossier = sizes.reduce((a, b) => a + b, 0) / sizes.length + zset / s.dossiers;
    await waitFired(late, s.dueSoon, soon[soon.length - 1][0].fireAt + 60_000);
    await worker.close();
    return {
      scheduleMs,
      bytes: used,
      lateness: late,
      addedLateMs,
      note: `key level (MEMORY USAGE: alarm hash + share of the delayed set): ${fmtInt(perDossier)} a dossier, ${fmtInt(perDossier / KINDS_PER_DOSSIER)} a timer`,
    };
  } finally {
    await queues.close();
    await wipeRedisPrefix(redis, prefix);
    await redis.quit();
  }
}

async function pgboss(s: Sizes): Promise<Result> {
  const { PgBoss } = (await import('pg-boss')) as unknown as { PgBoss?: new (o: object) => any; default: new (o: object) => any };
  const Boss = PgBoss ?? (await import('pg-boss')).default;
  const schema = `bench_pgboss_${randomBytes(4).toString('hex')}`;
  const boss = new (Boss as new (o: object) => any)({ connectionString: BENCH_DATABASE_URL, schema, max: 4, supervise: false, schedule: false });
  boss.on('error', (e: Error) => console.error('pg-boss:', e.message));
  const sql = PgDriverFor();
  // one row per timer (alert), pg-boss's natural model and the issue's baseline
  const insert = async (timers: readonly TimerData[]) => {
    for (let i = 0; i < timers.length; i += CHUNK) {
      await boss.insert(timers.slice(i, i + CHUNK).map((t) => ({ name: 'timers', data: t, startAfter: new Date(t.fireAt) })));
    }
  };
  try {
    await boss.start();
    // The same retry policy as our wrapper's jobs (5 attempts, exponential back-off from 1 s).
    await boss.createQueue('timers', { retryLimit: 4, retryDelay: 1, retryBackoff: true });
    const size = async () => {
      const { rows } = await sql.query<{ b: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r'`, // every table of the schema (the queue's partition too), with its indexes and TOAST
        [schema],
      );
      return Number(rows[0].b);
    };
    const far = farDossiers(s.dossiers - s.dueSoon, Date.now() + DAY_MS).flat();
    const before = await size();
    const t0 = nowMs();
    await insert(far);
    const farMs = nowMs() - t0;
    // Statistics, as autovacuum would gather them in production (it is off on the bench server):
    // without them the planner joins the fetch's UPDATE against every row of the queue's partition
    // (~0.5 s a poll at 400k jobs). Not timed.
    await sql.exec(`ANALYZE ${schema}.job`);
    const late: number[] = [];
    await boss.work('timers', { batchSize: PGBOSS_BATCH, pollingIntervalSeconds: PGBOSS_POLL_SECONDS }, (jobs: { data: TimerData }[]) =>
      eachLimit(jobs, CONCURRENCY, (job) => {
        // only the timers coming due in the window fire during the run (the others are 1 day to a year away)
        late.push(Date.now() - job.data.fireAt);
      }),
    );
    const soonDs = soonDossiers(s.dueSoon, Date.now() + LEAD_MS + (s.dueSoon * KINDS_PER_DOSSIER * farMs) / far.length, s.windowMs);
    const soon = soonDs.flat();
    const t1 = nowMs();
    await insert(soon);
    const addedLateMs = Date.now() - soon[0].fireAt;
    const scheduleMs = farMs + (nowMs() - t1);
    const bytes = (await size()) - before;
    await waitFired(late, s.dueSoon, soonDs[soonDs.length - 1][0].fireAt + 60_000);
    await boss.offWork('timers');
    return { scheduleMs, bytes, lateness: late, addedLateMs };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await sql.close();
  }
}

export async function runPgBossBench(opts: { quick: boolean }): Promise<PeerRow[]> {
  const s = timerPeerSizes(opts.quick);
  const N = timersOf(s);
  const log = (name: string, r: Result) =>
    console.log(
      `  ${name}: ${fmtInt((N * 1000) / r.scheduleMs)} timers/s, ${fmtInt(r.bytes / N)} B/timer, ${fmtInt(r.bytes / s.dossiers)} B/dossier, ${fmtInt(r.lateness.length)} fired, p50 ${fmtInt(percentile(r.lateness, 50))} ms, p99 ${fmtInt(percentile(r.lateness, 99))} ms${r.note ? `; ${r.note}` : ''}`,
    );
  const a = await ours(s);
  log('bullmq', a);
  const b = await pgboss(s);
  log('pg-boss', b);
  const sc = `${fmtInt(s.dossiers)} open dossiers, ${fmtInt(N)} timers`;
  const soon = `${fmtInt(s.dueSoon)} of them due within ${s.windowMs / 1000} s`;
  const fired = (name: string, r: Result) => [
    r.lateness.length < s.dueSoon ? `${name}: only ${fmtInt(r.lateness.length)} fired` : '',
    r.addedLateMs > 0 ? `${name}: the last bulk went in ${fmtInt(r.addedLateMs)} ms after the first was due` : '',
  ];
  const notes = [...fired('ours', a), ...fired('pg-boss', b)].filter(Boolean).join('; ');
  const max = (v: number[]) => v.reduce((m, x) => Math.max(m, x), -Infinity);
  return [
    {
      scenario: sc,
      metric: 'scheduling (timers/s, bulks of 1,000)',
      ours: (N * 1000) / a.scheduleMs,
      peer: (N * 1000) / b.scheduleMs,
      better: 'higher',
      unit: 'int',
      note: `ours: one alarm job per dossier (3 timers), pg-boss: one row per timer`,
    },
    {
      scenario: sc,
      metric: 'scheduling (open dossiers/s)',
      ours: (s.dossiers * 1000) / a.scheduleMs,
      peer: (s.dossiers * 1000) / b.scheduleMs,
      better: 'higher',
      unit: 'int',
    },
    {
      scenario: sc,
      metric: 'store bytes per timer',
      ours: a.bytes / N,
      peer: b.bytes / N,
      better: 'lower',
      unit: 'int',
      note: `Redis used_memory delta vs pg-boss tables + indexes, ÷ ${fmtInt(N)} timers; ours ${a.note}`,
    },
    {
      scenario: sc,
      metric: 'store bytes per open dossier',
      ours: a.bytes / s.dossiers,
      peer: b.bytes / s.dossiers,
      better: 'lower',
      unit: 'int',
      note: `the same bytes ÷ ${fmtInt(s.dossiers)} dossiers`,
    },
    {
      scenario: soon,
      metric: 'lateness p50 (ms)',
      ours: percentile(a.lateness, 50),
      peer: percentile(b.lateness, 50),
      better: 'lower',
      unit: 'ms',
      note: notes,
    },
    { scenario: soon, metric: 'lateness p99 (ms)', ours: percentile(a.lateness, 99), peer: percentile(b.lateness, 99), better: 'lower', unit: 'ms' },
    { scenario: soon, metric: 'lateness max (ms)', ours: max(a.lateness), peer: max(b.lateness), better: 'lower', unit: 'ms' },
  ];
}

export const pgBossBenchDefinition = {
  name: 'peer-pgboss',
  title: 'Side by side: deadline timers, BullMQ (ours) against pg-boss',
  run: (opts: { quick: boolean }) => runPgBossBench(opts) as Promise<never[]>,
  table: (rows: readonly unknown[]) => peerTable(`pg-boss ${packageVersion('pg-boss')}`, rows as PeerRow[]),
  method: (quick: boolean): string[] => {
    const s = timerPeerSizes(quick);
    const N = timersOf(s);
    return [
      `Ours: BullMQ ${packageVersion('bullmq')} on the local Redis through the production code (\`DeadlineTimers.addTimers\`: one alarm job per open dossier and due time standing for its three alerts, deterministic job id \`<dossier>.<due ms>\`, data \`{}\`, opts only the id and the delay, \`addBulk\` of 1,000, up to 4 bulks in flight; the \`Queues\` wrapper's lean queue: 5 attempts, exponential back-off and removeOn* applied by its worker, not stored per job; worker concurrency 16 = \`TIMERS_CONCURRENCY\`; when an alarm rings the handler takes the alerts due and re-arms the same job for the dossier's next alert with \`moveToDelayed\`, as production does), fresh key prefix deleted afterwards. Peer: pg-boss on the same PostgreSQL (fresh schema, dropped afterwards; maintenance and cron off), a queue with the same retry policy (retryLimit 4, retryDelay 1 s, back-off). Same Node process, one after the other, same timers.`,
      `Scheduling: ${fmtInt(s.dossiers)} open dossiers with three timers each (near-deadline, apology cut-off, overdue, 1 day apart): ${fmtInt(N)} timers. ${fmtInt(s.dossiers - s.dueSoon)} dossiers' alerts spread over the coming year, then ${fmtInt(s.dueSoon)} dossiers whose near-deadline alerts come due evenly over ${s.windowMs / 1000} s starting ${LEAD_MS / 1000} s after they are in (the worker is already running; their other two alerts 1–2 days later). Ours: one alarm job a dossier (BullMQ \`addBulk\` with \`delay\`, bulks of ${fmtInt(CHUNK)} dossiers); peer: one row per timer ({dossierId, kind, dueAt, fireAt}, \`boss.insert\` with \`startAfter\`, bulks of ${fmtInt(CHUNK)} rows), pg-boss's natural model and the issue's baseline (pg-boss too could carry a dossier's alerts in one row; it was not benchmarked that way). Rates count all ${fmtInt(N)} timers, or all ${fmtInt(s.dossiers)} dossiers.`,
      `Memory per timer and per open dossier, with all ${fmtInt(N)} timers in (the same bytes divided by timers or by dossiers): Redis \`INFO memory\` used_memory after minus before (other clients share this Redis, so the note gives a key-level cross-check: \`MEMORY USAGE\` of 200 sampled alarm hashes plus the delayed set's share); PostgreSQL: \`pg_total_relation_size\` (heap, indexes, TOAST) of every table of pg-boss's schema, after minus before.`,
      `Lateness: the handler's start minus the timer's due time, for the ${fmtInt(s.dueSoon)} timers coming due. The handler is the bare timer (no event-store append), so this measures the queues, not DossierService (the "Deadline timers end to end" section measures the alerts as production raises them). pg-boss's fairest configuration here: one \`work()\` polling every ${PGBOSS_POLL_SECONDS} s (pg-boss 10's minimum), fetching up to ${PGBOSS_BATCH} jobs a poll (6× what comes due in 0.5 s, so it never falls behind), the batch handled ${CONCURRENCY} at a time like BullMQ's concurrency; \`ANALYZE\` of its job table after the far dossiers' ${fmtInt(N - KINDS_PER_DOSSIER * s.dueSoon)} timers are in (untimed): autovacuum, which would do it in production, is off on the bench server, and without statistics every fetch scanned the whole partition (~0.5 s a poll).`,
      `Why we win on lateness: pg-boss 10 only polls for jobs whose \`startAfter\` has passed, so a timer waits up to one polling interval (0.5 s at the least) plus the fetch. A BullMQ worker blocks on Redis (BZPOPMIN on the queue's marker) with a timeout set to the next delayed job's time; Redis checks blocked clients' timeouts at its \`hz\` (10 by default, every 100 ms), which is our floor: lateness spread over 0–100 ms. In a one-off test (November 2026, not re-measured by each run) a Redis with \`hz 100\` brought 2,500 timers due over 15 s from p50 37 / p99 110 ms down to p50 5 / p99 52 ms.`,
      `Scheduling and memory (issue #20). Per job, BullMQ's \`addBulk\` runs a Lua script (id check, a job hash, the delayed set, an event-stream entry) where pg-boss writes a whole bulk with one multi-row \`INSERT … SELECT FROM json_to_recordset\` (a heap row and two index entries a timer). What closes the gap: one alarm job per dossier instead of one per alert (3 timers share one script, one hash and one delayed-set entry), and lean jobs: data \`{}\` (the dossier and its due time are in the job id; the alerts and their times are recomputed from the dossier's stream when the alarm rings, by the domain's rules), opts only the id and the delay (retry and retention are the \`Queues\` wrapper's worker defaults, not stored per job; before: ~130 B of data and ~260 B of opts a job). The hash is still a hashtable, not a listpack: its opts (BullMQ repeats the job id there, plus the delay and \`attempts\`) exceed Redis's \`hash-max-listpack-value\` (64 B); \`hash-max-listpack-value 128\` in the Redis config would pack it. The price, in production: a ring re-reads the dossier's stream before raising (one read more per ring) and re-arms the job with one \`moveToDelayed\`.`,
    ];
  },
};

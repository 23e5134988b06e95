import { randomBytes, randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { CommandContext, DossierService, ReferenceService, SYSTEM_ACTOR } from '@motcua/application';
import { computeDueAt, decide, DOSSIER_EVENT_SCHEMA_VERSIONS, dossierStreamName, initialDossierState, WorkingTimeContext } from '@motcua/domain';
import { EventStore, SqlEventStore } from '@motcua/event-store';
import { loadConfig, Queues } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { DeadlineTimers, DeadlineTimersOptions, parseNearDeadlinePolicies, TimersConfig } from '@motcua/timers';
import { freshPostgres, TestPostgres } from '../support/databases';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A Redis server of the test's own (redis-server on a free loopback port, nothing on disk), so that
 * a test can run a real FLUSHALL without wiping what other test files keep in the shared Redis.
 */
export async function privateRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const net = await import('node:net');
  const { spawn } = await import('node:child_process');
  const port = await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      if (i > 100) throw new Error(`redis-server on port ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
export const UNIT = 'T01';
export const PROC_1H = 'P-1H';

export function adminCtx(now = new Date(), occurredAt?: Date): CommandContext {
  return { actor: SYSTEM_ACTOR, correlationId: randomUUID(), causationId: randomUUID(), now, occurredAt };
}

export { noonZone } from '../support/zones';
import { noonZone } from '../support/zones';

function weekendsOf(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** A unit open 00:00–23:59 every day of this year and the next (weekends made working days, no holidays). */
export async function seedReference(reference: ReferenceService): Promise<void> {
  const ctx = adminCtx();
  await reference.putUnit(
    UNIT,
    { name: 'Timers test unit', level: 'province', timeZone: noonZone(), officeHours: { sessions: [{ start: '00:00', end: '23:59' }] } },
    ctx,
  );
  const year = new Date().getUTCFullYear();
  for (const y of [year - 1, year, year + 1]) await reference.putCalendar(y, { holidays: [], workingDays: weekendsOf(y) }, ctx);
  await reference.putProcedure(PROC_1H, { name: 'One working hour', field: 'test', processingTime: { amount: 1, unit: 'working_hour' } }, ctx);
}

export interface TimersFixture {
  pg: TestPostgres;
  store: EventStore;
  reference: ReferenceService;
  dossiers: DossierService;
  queues: Queues;
  prefix: string;
  config: TimersConfig;
  redis: IORedis;
  projections: ProjectionRunner;
  timers(opts?: Partial<DeadlineTimersOptions>): DeadlineTimers;
  /** FLUSHALL on the fixture's private Redis, or, on the shared one, deletes every key of its prefix. */
  wipeRedis(): Promise<number>;
  close(): Promise<void>;
}

export async function timersFixture(label: string, policy = 'fraction:0.998', opts: { privateRedis?: boolean } = {}): Promise<TimersFixture> {
  const own = opts.privateRedis ? await privateRedis() : undefined;
  const redisUrl = own?.url ?? REDIS_URL;
  const pg = await freshPostgres(`tm_${label}`, 20);
  const store = await SqlEventStore.create(pg.driver);
  const reference = new ReferenceService(store);
  await reference.start();
  await seedReference(reference);
  const dossiers = new DossierService(store, reference);
  const prefix = `motcua-test-${label}-${randomBytes(4).toString('hex')}`;
  const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://', REDIS_URL: redisUrl }, 'api'), { prefix });
  const config: TimersConfig = { queueName: 'deadline-timers', sweepEveryMs: 60_000, concurrency: 8, policies: parseNearDeadlinePolicies(policy) };
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const projections = new ProjectionRunner({ store, driver: pg.driver, projections: [dossierSummaryProjection()], leaseKey: `summary-${prefix}` });
  await projections.start();
  const made: DeadlineTimers[] = [];
  const wipeRedis = async () => {
    if (own) {
      const n = await redis.dbsize();
      await redis.flushall(); // the real thing: this Redis is ours alone
      return n;
    }
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await redis.del(...keys);
    } while (cursor !== '0');
    return n;
  };
  return {
    pg,
    store,
    reference,
    dossiers,
    queues,
    prefix,
    config,
    redis,
    projections,
    timers(opts = {}) {
      const t = new DeadlineTimers({ store, driver: pg.driver, queues, reference, dossiers, config, leaseKey: `timers-${prefix}`, ...opts });
      made.push(t);
      return t;
    },
    wipeRedis,
    async close() {
      for (const t of made) await t.stop().catch(() => undefined);
      await queues.close();
      await wipeRedis();
      redis.disconnect();
      await projections.stop();
      await reference.stop();
      await store.close();
      await pg.drop();
      await own?.stop();
    },
  };
}

/** Receives a dossier so that its due time is `dueAt` (a 1-working-hour procedure received an hour before). */
export async function receiveDueAt(f: TimersFixture, dueAt: number, id: string = randomUUID()): Promise<{ id: string; dueAt: number }> {
  const now = new Date();
  const r = await f.dossiers.receive(
    { id, unitCode: UNIT, procedureCode: PROC_1H, channel: 'direct', applicant: { name: 'Nguyễn Văn A' } },
    adminCtx(now, new Date(dueAt - 3_600_000)),
  );
  return { id, dueAt: Date.parse(r.view.dueAt as unknown as string) };
}

/**
 * Appends DossierReceived events directly (decider + store, no code allocation): fast seeding of
 * many dossiers whose due times are `dueAt(i)`.
 */
export async function seedDossiers(
  store: EventStore,
  wt: WorkingTimeContext,
  count: number,
  dueAt: (i: number) => number,
  concurrency = 32,
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  let next = 0;
  const now = new Date();
  const one = async (i: number) => {
    const receivedAt = new Date(dueAt(i) - 3_600_000);
    const due = computeDueAt(wt, receivedAt, { amount: 1, unit: 'working_hour' });
    const events = decide(
      {
        type: 'ReceiveDossier',
        data: {
          dossierId: ids[i],
          occurredAt: receivedAt,
          code: `${UNIT}-SEED-${i}`,
          unitCode: UNIT,
          procedureCode: PROC_1H,
          field: 'test',
          channel: 'direct',
          onlineLevel: 'none',
          applicant: { name: 'Trần Thị B' },
          processingTime: { amount: 1, unit: 'working_hour' },
          timeZone: wt.timeZone,
          dueAt: due.dueAt,
          calendarVersion: due.calendarVersion,
        },
      },
      initialDossierState,
      now,
    );
    await store.append(
      dossierStreamName(ids[i]),
      events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        data: e.data,
        metadata: {
          actor: { id: 'system:seed' },
          correlationId: 'seed',
          causationId: 'seed',
          occurredAt: receivedAt.toISOString(),
          schemaVersion: DOSSIER_EVENT_SCHEMA_VERSIONS[e.type],
        },
      })),
      { expectedRevision: 'no-stream' },
    );
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return ids;
}

export const ALERT_TYPES = ['DeadlineWarningRaised', 'ApologyCutoffReached', 'DossierOverdue'];

/** The alert events of a dossier, in stream order. */
export async function alertsOf(store: EventStore, id: string) {
  const events = await store.readStream(dossierStreamName(id));
  return events.filter((e) => ALERT_TYPES.includes(e.type));
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { DossierService, ReferenceService } from '@motcua/application';
import { SqlEventStore } from '@motcua/event-store';
import { loadConfig, Queues, readStoreId } from '@motcua/platform';
import { DeadlineTimers, parseNearDeadlinePolicies, TIMER_JOB, TimerData, timerJobOptions } from '@motcua/timers';
import { freshPostgres, TestPostgres } from '../support/databases';
import { alertsOf, receiveDueAt, REDIS_URL, seedReference, TimersFixture, waitFor } from './support';

/** One deployment: its own PostgreSQL schema (event store) and its timers, on the shared Redis. */
interface Deployment {
  pg: TestPostgres;
  store: SqlEventStore;
  reference: ReferenceService;
  dossiers: DossierService;
  storeId: string;
  queues: Queues;
  timers: DeadlineTimers;
  dropped: string[];
  foreign: number;
  close(): Promise<void>;
}

async function deployment(label: string, prefix: string | undefined): Promise<Deployment> {
  const pg = await freshPostgres(`tm_${label}`, 10);
  const store = await SqlEventStore.create(pg.driver);
  const reference = new ReferenceService(store);
  await reference.start();
  await seedReference(reference);
  const dossiers = new DossierService(store, reference);
  const storeId = await readStoreId(pg.driver);
  // As in the app: Queues gets the store id (STORE_ID) and, unless a prefix is configured, names its prefix after it.
  const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://', REDIS_URL }, 'api'), prefix ? { prefix } : undefined, storeId);
  const d: Deployment = {
    pg,
    store,
    reference,
    dossiers,
    storeId,
    queues,
    dropped: [],
    foreign: 0,
    timers: undefined as never,
    async close() {
      await d.timers.stop().catch(() => undefined);
      await queues
        .queue(d.timers.queue.name)
        .obliterate({ force: true })
        .catch(() => undefined);
      await queues.close();
      await reference.stop();
      await store.close();
      await pg.drop();
    },
  };
  d.timers = new DeadlineTimers({
    store,
    driver: pg.driver,
    queues,
    reference,
    dossiers,
    config: { queueName: 'deadline-timers', sweepEveryMs: 60_000, concurrency: 8, policies: parseNearDeadlinePolicies('fraction:0.998') },
    leaseKey: `timers-${label}-${storeId}`,
    storeId,
    onJobDropped: (reason) => d.dropped.push(reason),
    onForeignJob: () => d.foreign++,
  });
  await d.timers.start();
  return d;
}

/** Each deployment receives dossiers coming due in a few seconds; every one must get its overdue alert, from its own timers. */
async function eachRaisesItsOwn(a: Deployment, b: Deployment): Promise<void> {
  const due = Date.now() + 4_000;
  const mine = async (d: Deployment) => Promise.all(Array.from({ length: 8 }, () => receiveDueAt({ dossiers: d.dossiers } as TimersFixture, due)));
  const [ofA, ofB] = await Promise.all([mine(a), mine(b)]);
  for (const [d, list] of [
    [a, ofA],
    [b, ofB],
  ] as const) {
    await waitFor(
      async () => (await Promise.all(list.map(async ({ id }) => (await alertsOf(d.store, id)).some((e) => e.type === 'DossierOverdue')))).every(Boolean),
      120_000,
      'every dossier of the deployment overdue',
    );
    for (const { id } of list) {
      const overdue = (await alertsOf(d.store, id)).filter((e) => e.type === 'DossierOverdue');
      expect(overdue).toHaveLength(1);
      expect(overdue[0].metadata.actor.id).toBe('system:timers');
    }
  }
  expect(a.dropped).toEqual([]);
  expect(b.dropped).toEqual([]);
}

describe('two deployments sharing one Redis (issue #12.12)', () => {
  const saved = process.env.QUEUE_PREFIX;
  beforeAll(() => {
    delete process.env.QUEUE_PREFIX; // the default prefix, as an operator who set nothing
  });
  afterAll(() => {
    if (saved !== undefined) process.env.QUEUE_PREFIX = saved;
  });

  it('with the default QUEUE_PREFIX each has its own queue (named after its event store) and raises its own alerts', async () => {
    const a = await deployment('ra', undefined);
    const b = await deployment('rb', undefined);
    try {
      expect(a.storeId).not.toBe(b.storeId);
      expect(a.queues.prefix).toBe(`motcua-${a.storeId}`);
      expect(b.queues.prefix).toBe(`motcua-${b.storeId}`);
      await eachRaisesItsOwn(a, b);
      expect(a.foreign + b.foreign).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  }, 240_000);

  it("configured onto the very same queue, neither consumes nor drops the other one's timers", async () => {
    const prefix = `motcua-test-shared-${randomBytes(4).toString('hex')}`;
    const a = await deployment('sa', prefix);
    const b = await deployment('sb', prefix);
    try {
      expect(a.queues.prefix).toBe(b.queues.prefix);
      // one sweep per store, each carrying its store id (a sweep of A never runs on B instead)
      const schedulers = await a.timers.queue.getJobSchedulers();
      expect(schedulers.map((x) => x.key).sort()).toEqual([`deadline-timers-sweep-${a.storeId}`, `deadline-timers-sweep-${b.storeId}`].sort());
      await eachRaisesItsOwn(a, b);
    } finally {
      await a.close();
      await b.close();
      const redis = new IORedis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  }, 240_000);

  it('a timer for a dossier this store does not have is dropped with a log line and counted', async () => {
    const a = await deployment('ua', `motcua-test-unknown-${randomBytes(4).toString('hex')}`);
    try {
      const t: TimerData = { dossierId: 'no-such-dossier', kind: 'overdue', dueAt: new Date().toISOString(), fireAt: Date.now(), store: a.storeId };
      await a.timers.queue.add(TIMER_JOB, t, timerJobOptions(t));
      await waitFor(async () => a.dropped.length > 0, 60_000, 'the job dropped');
      expect(a.dropped).toEqual(['unknown-dossier']);
    } finally {
      await a.close();
    }
  }, 120_000);
});

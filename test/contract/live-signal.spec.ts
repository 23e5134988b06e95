/**
 * Issue #20: an idle service reads nothing. Live subscriptions on the SQL stores wake on a signal
 * (PGlite: the store's own appends, in process; PostgreSQL: LISTEN on migration 0020's NOTIFY, from
 * any process), and poll only as a safety net. Here the polls are set to a minute, so whatever
 * arrives within a second came through a signal.
 */
import { randomUUID } from 'node:crypto';
import { EventToAppend, PollingConfig, RecordedEvent, SqlEventStore, Subscription } from '@motcua/event-store';
import { PgDriver } from '@motcua/sql';
import { freshPglite, freshPostgres, TestPostgres } from '../support/databases';

/** Far below NO_FAST_POLL's 60 s, above what an open transaction elsewhere in a shared cluster may hide an event for. */
const SIGNAL_MS = 15_000;
const NO_FAST_POLL: PollingConfig = { idleMs: 60_000, safetyPollMs: 60_000, minBackoffMs: 100, maxBackoffMs: 5_000 };

const ev = (): EventToAppend => ({
  id: randomUUID(),
  type: 'Pinged',
  data: {},
  metadata: { actor: { id: 'u-1' }, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 },
});

async function until(what: string, ok: () => boolean, ms: number): Promise<number> {
  const t = Date.now();
  while (!ok()) {
    if (Date.now() - t > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - t;
}

/** Subscribes `reader` to a fresh prefix, then appends 3 events one after the other through `writer`: each must arrive within 1 s. */
async function deliversPromptly(reader: SqlEventStore, writer: SqlEventStore): Promise<number[]> {
  const prefix = `live${randomUUID().slice(0, 8)}-`;
  const seen: RecordedEvent[] = [];
  const head = await reader.headPosition();
  const sub: Subscription = reader.subscribeAll(
    { fromPosition: head, filter: { streamPrefixes: [prefix] } },
    { handle: (events) => void seen.push(...events) },
  );
  try {
    await sub.caughtUp;
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await writer.append(`${prefix}${i}`, [ev()]);
      // Within SIGNAL_MS, far below the 60 s polls: only the signal can have delivered it. Not 1 s: a
      // transaction open elsewhere in a shared cluster (CI) hides a committed event for a while.
      delays.push(await until(`event ${i} delivered`, () => seen.length === i + 1, SIGNAL_MS));
      await new Promise((r) => setTimeout(r, 50)); // the subscription is asleep again
    }
    return delays;
  } finally {
    await sub.stop();
  }
}

describe('live subscriptions without the fast poll (issue #20)', () => {
  it('PGlite: the store signals its own appends in process', async () => {
    const store = await SqlEventStore.create(await freshPglite(), { ownsDriver: true, polling: NO_FAST_POLL });
    try {
      expect(store.signalsEveryAppend()).toBe(true);
      const delays = await deliversPromptly(store, store);
      expect(delays).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  describe('PostgreSQL: LISTEN/NOTIFY across processes', () => {
    let pg: TestPostgres;
    let readerDriver: PgDriver;
    let reader: SqlEventStore;
    let writer: SqlEventStore;
    const app = `live-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      pg = await freshPostgres('live', 4);
      writer = await SqlEventStore.create(pg.driver); // another process, as far as the reader knows
      readerDriver = new PgDriver({ connectionString: pg.url, max: 4, applicationName: app });
    });
    afterAll(async () => {
      await reader?.close();
      await readerDriver?.close();
      await pg?.drop();
    });

    it('an append by another store (connection pool) wakes the subscription', async () => {
      reader = new SqlEventStore(readerDriver, { polling: NO_FAST_POLL });
      expect(reader.signalsEveryAppend()).toBe(false); // no subscription yet: no LISTEN connection
      const warm = reader.subscribeAll({ filter: { streamPrefixes: ['none-'] } }, { handle: () => undefined });
      await until('LISTEN connection up', () => reader.signalsEveryAppend(), 5_000);
      await warm.stop();
      const delays = await deliversPromptly(reader, writer);
      expect(delays).toHaveLength(3);
    });

    it('a lost LISTEN connection falls back to the fast poll, loses nothing, and comes back', async () => {
      const store = new SqlEventStore(readerDriver, { polling: { ...NO_FAST_POLL, idleMs: 50 } });
      const prefix = `lost${randomUUID().slice(0, 8)}-`;
      const seen: RecordedEvent[] = [];
      const sub = store.subscribeAll(
        { fromPosition: await store.headPosition(), filter: { streamPrefixes: [prefix] } },
        { handle: (e) => void seen.push(...e) },
      );
      try {
        await until('LISTEN connection up', () => store.signalsEveryAppend(), 5_000);
        await sub.caughtUp;
        const killed = await pg.driver.query<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`, [
          `${app}-listen`,
        ]);
        expect(killed.rows.length).toBeGreaterThan(0);
        await until('listener marked down', () => !store.signalsEveryAppend(), 2_000);
        await writer.append(`${prefix}a`, [ev()]);
        await until('delivered by the fast poll', () => seen.length === 1, SIGNAL_MS);
        await until('LISTEN connection back', () => store.signalsEveryAppend(), 5_000);
        await writer.append(`${prefix}b`, [ev()]);
        await until('delivered by the signal', () => seen.length === 2, SIGNAL_MS);
        expect(seen.map((e) => e.stream)).toEqual([`${prefix}a`, `${prefix}b`]);
      } finally {
        await sub.stop();
        await store.close();
      }
    });
  });
});

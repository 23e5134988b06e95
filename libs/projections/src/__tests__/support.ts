import { randomUUID } from 'node:crypto';
import { EventStore, EventToAppend, RecordedEvent } from '@motcua/event-store/port';
import { PgDriver, QueryOptions, SqlDriver, SqlExecutor, SqlResult } from '@motcua/sql';
import { Projection, ProjectionLogger } from '../projection';
import { ProjectionRunner } from '../runner';

export const prefix = () => `p${randomUUID().slice(0, 8)}-`;

function event(type = 'Counted'): EventToAppend {
  return {
    id: randomUUID(),
    type,
    data: {},
    metadata: { actor: { id: 'system:test' }, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

/** Appends `total` events round-robin over `streams` streams of `p`, `chunk` per append. */
export async function appendEvents(store: EventStore, p: string, total: number, streams = 20, chunk = 10): Promise<void> {
  const perStream = Math.ceil(total / streams);
  let left = total;
  for (let done = 0; done < perStream && left > 0; done += chunk) {
    await Promise.all(
      Array.from({ length: streams }, async (_, i) => {
        const n = Math.min(chunk, perStream - done, left);
        if (n <= 0) return;
        left -= n;
        await store.append(
          `${p}${i}`,
          Array.from({ length: n }, () => event()),
        );
      }),
    );
  }
}

/** A read model: events per stream, in `table`. Counts batches; can fail on chosen batches. */
export interface CountingProjection extends Projection {
  table: string;
  batches: number;
  failOn: Set<number>;
}

export async function countingProjection(db: SqlExecutor, p: string, failOn: number[] = []): Promise<CountingProjection> {
  const table = `counts_${p.replace(/[^a-z0-9]/gi, '')}`;
  await db.exec(`CREATE TABLE ${table} (stream text PRIMARY KEY, n bigint NOT NULL)`);
  const projection: CountingProjection = {
    name: `counts-${p}`,
    filter: { streamPrefixes: [p] },
    tables: [table],
    table,
    batches: 0,
    failOn: new Set(failOn),
    // `this`, not `projection`: a copy ({ ...projection, batches: 0 }) counts its own batches.
    async apply(this: CountingProjection, tx: SqlExecutor, events: RecordedEvent[]) {
      const batch = ++this.batches;
      const per = new Map<string, number>();
      for (const e of events) per.set(e.stream, (per.get(e.stream) ?? 0) + 1);
      await tx.query(
        `INSERT INTO ${table} (stream, n) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (stream) DO UPDATE SET n = ${table}.n + EXCLUDED.n`,
        [[...per.keys()], [...per.values()]],
      );
      if (this.failOn.delete(batch)) throw new Error(`apply failed on batch ${batch} (test)`);
    },
  };
  return projection;
}

export async function tableCounts(db: SqlExecutor, table: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ stream: string; n: string }>(`SELECT stream, n::text AS n FROM ${table}`);
  return Object.fromEntries(rows.map((r) => [r.stream, Number(r.n)]));
}

/** The truth: the same counts computed from `readAll`. */
export async function recount(store: EventStore, p: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const e of await store.readAll({ filter: { streamPrefixes: [p] } })) out[e.stream] = (out[e.stream] ?? 0) + 1;
  return out;
}

/** Waits until the counting projection's table holds `total` events in all. */
export async function waitCounted(db: SqlExecutor, table: string, total: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${total} events counted in ${table}`, async () => Object.values(await tableCounts(db, table)).reduce((a, n) => a + n, 0) === total, timeoutMs);
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitCaughtUp(runner: ProjectionRunner, timeoutMs = 30_000): Promise<void> {
  await waitFor('caught up', async () => (await runner.status()).projections.every((p) => p.caughtUp), timeoutMs);
}

/**
 * Waits until the runner has handled `events` events in all (since it started). After appending to
 * a runner that was caught up, `caughtUp` is still true until the subscription notices the new
 * events, so waiting on it alone can return before they are applied (seen on a loaded machine).
 */
export async function waitHandled(runner: ProjectionRunner, events: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${events} events handled`, async () => (await runner.status()).projections.reduce((n, p) => n + p.eventsHandled, 0) >= events, timeoutMs);
}

export function recordingLogger(): ProjectionLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(`log ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

/**
 * A PostgreSQL driver whose lock session can be killed from the server side
 * (pg_terminate_backend), as when the leader's process or network dies. Unlike `PgDriver`, its
 * session connection listens for 'error', so the kill does not crash the test process.
 */
export class KillableSessionDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  private sessionPid: number | undefined;

  constructor(readonly inner: PgDriver) {}

  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<SqlResult<T>> {
    return this.inner.query<T>(sql, params, options);
  }
  exec(sql: string): Promise<void> {
    return this.inner.exec(sql);
  }
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }
  async withSession<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.inner.pool.connect();
    const onError = () => undefined;
    client.on('error', onError);
    let broken = false;
    try {
      this.sessionPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      return await fn({
        async query<R>(sql: string, params?: unknown[]) {
          const r = await client.query(sql, params);
          return { rows: r.rows as R[], affectedRows: r.rowCount ?? 0 };
        },
        async exec(sql: string) {
          await client.query(sql);
        },
      });
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      this.sessionPid = undefined;
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
  /** Terminates the session connection on the server. */
  async killSession(): Promise<void> {
    if (this.sessionPid === undefined) throw new Error('no session open');
    await this.inner.query(`SELECT pg_terminate_backend($1)`, [this.sessionPid]);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

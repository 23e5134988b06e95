import { randomUUID } from 'node:crypto';
import { likePrefix, listenForTableSignal, Listening, migrate, SqlDriver } from '@motcua/sql';
import { EventStore } from '../../port/event-store';
import { WrongExpectedRevisionError } from '../../port/errors';
import { EventMetadata, EventToAppend, RecordedEvent } from '../../port/events';
import {
  AllFilter,
  AppendOptions,
  AppendResult,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeAllOptions,
} from '../../port/options';
import { Position } from '../../port/position';
import { Subscription, SubscriptionHandler } from '../../port/subscription';
import { AppendNotifier, DEFAULT_POLLING, PollingConfig, PollingSubscription, ScanPage } from '../../subscription/polling-subscription';

interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: string | Date;
}

const COLUMNS = `global_position::text AS global_position, transaction_id::text AS transaction_id,
  event_id::text AS event_id, stream_id, revision::text AS revision, type, data, metadata, recorded_at`;

/** Only rows of transactions below the oldest running one: see infra/migrations/0001_event_store.sql. */
// Evaluated once per statement (an InitPlan); pg_current_snapshot() is the statement's own snapshot.
const VISIBLE = `e.transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))`;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream_id,
    revision: BigInt(row.revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: (row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at)).toISOString(),
  };
}

function expectedText(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}

/** The safety poll of live subscriptions on PGlite (PGLITE_SAFETY_POLL_MS): every append signals in process. */
export const DEFAULT_PGLITE_SAFETY_POLL_MS = 60_000;
/**
 * The wait between an append and the read it triggers on PGlite (PGLITE_WAKE_DELAY_MS). On PGlite
 * every statement costs ~1 ms of WASM and a projected batch costs about the same whether it holds
 * one event or twenty (read, transaction, checkpoints): at 50 receptions a second the 5 ms of
 * PostgreSQL made a batch of every reception; 50 ms gathers a few (issue #20: 9.6 → 4.6 statements
 * a reception). The read models lag an append by that much more, which nobody at a counter sees.
 */
export const DEFAULT_PGLITE_WAKE_DELAY_MS = 50;

export interface SqlEventStoreOptions {
  /** The subscriptions' polling (default DEFAULT_POLLING; on PGlite with `pgliteSafetyPollMs`). */
  polling?: PollingConfig;
  /** PGlite: the live subscriptions' safety poll when `polling` is not given (default 60 s). */
  pgliteSafetyPollMs?: number;
  /** PGlite: the live subscriptions' wait after an append when `polling` is not given (default 50 ms). */
  pgliteWakeDelayMs?: number;
  ownsDriver?: boolean;
  visibilityWaitMs?: number;
}

/** The channel of migration 0019's trigger; the payload is the schema of `es_events`. */
export const APPENDED_CHANNEL = 'motcua_es_appended';

/**
 * The event store on PostgreSQL or PGlite: same schema, same SQL; only the driver differs.
 *
 * Live subscriptions wake on a signal instead of polling the log: on PGlite (one process per data
 * directory) every append is this process's own and signals in process; on PostgreSQL a LISTEN
 * connection (opened with the first subscription) relays migration 0019's NOTIFY of every append,
 * from any process. While the signals cover every append the subscriptions only poll every
 * `safetyPollMs` (5 s); without them (the LISTEN connection down) every `idleMs` (50 ms). On PGlite
 * no signal can be lost (no connection, no other process), so the safety poll is much slower
 * (`pgliteSafetyPollMs`, PGLITE_SAFETY_POLL_MS, 60 s): an idle embedded service reads nothing.
 */
export class SqlEventStore implements EventStore {
  readonly kind: string;
  private readonly notifier = new AppendNotifier();
  private listening: Listening | undefined;

  constructor(
    readonly driver: SqlDriver,
    private readonly options: SqlEventStoreOptions = {},
  ) {
    this.kind = driver.kind;
  }

  /** Opens the store and applies pending migrations. `ownsDriver`: close the driver on close(). */
  static async create(driver: SqlDriver, options: Omit<SqlEventStoreOptions, 'visibilityWaitMs'> = {}): Promise<SqlEventStore> {
    await migrate(driver);
    return new SqlEventStore(driver, options);
  }

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const payload = events.map((e) => ({ id: e.id ?? randomUUID(), type: e.type, data: e.data, metadata: e.metadata }));
    const { rows } = await this.driver.query<{
      ok: boolean;
      revision: string | null;
      transaction_id: string | null;
      last_position: string | null;
    }>(`SELECT ok, revision, transaction_id, last_position FROM es_append($1, $2, $3::jsonb)`, [stream, expectedText(expected), JSON.stringify(payload)], {
      name: 'es_append',
    });
    const r = rows[0];
    if (!r.ok) {
      throw new WrongExpectedRevisionError(stream, expected, r.revision === null ? 'no-stream' : BigInt(r.revision));
    }
    if (events.length === 0) {
      const head = await this.headPosition();
      return { nextExpectedRevision: r.revision === null ? -1n : BigInt(r.revision), position: head ?? { commit: 0n, prepare: 0n } };
    }
    this.notifier.notify(payload.map((e) => ({ stream, type: e.type })));
    return {
      nextExpectedRevision: BigInt(r.revision!),
      position: { commit: BigInt(r.transaction_id!), prepare: BigInt(r.last_position!) },
    };
  }

  /** Several streams in one transaction and one round trip (`es_append_many`, migration 0006). */
  async appendMany(appends: StreamAppend[]): Promise<AppendResult> {
    const parts = appends.map((a) => ({
      stream: a.stream,
      expected: expectedText(a.expectedRevision ?? 'any'),
      events: a.events.map((e) => ({ id: e.id ?? randomUUID(), type: e.type, data: e.data, metadata: e.metadata })),
    }));
    const { rows } = await this.driver.query<{
      ok: boolean;
      failed_stream: string | null;
      revision: string | null;
      transaction_id: string | null;
      last_position: string | null;
    }>(`SELECT ok, failed_stream, revision, transaction_id, last_position FROM es_append_many($1::jsonb)`, [JSON.stringify(parts)], { name: 'es_append_many' });
    const r = rows[0];
    if (!r.ok) {
      const failed = appends.find((a) => a.stream === r.failed_stream);
      throw new WrongExpectedRevisionError(r.failed_stream!, failed?.expectedRevision ?? 'any', r.revision === null ? 'no-stream' : BigInt(r.revision));
    }
    const nextExpectedRevision = r.revision === null ? -1n : BigInt(r.revision);
    if (r.transaction_id === null) {
      const head = await this.headPosition();
      return { nextExpectedRevision, position: head ?? { commit: 0n, prepare: 0n } };
    }
    this.notifier.notify(parts.flatMap((p) => p.events.map((e) => ({ stream: p.stream, type: e.type }))));
    return { nextExpectedRevision, position: { commit: BigInt(r.transaction_id), prepare: BigInt(r.last_position!) } };
  }

  async readLastEvents(streams: string[]): Promise<Map<string, RecordedEvent>> {
    const out = new Map<string, RecordedEvent>();
    if (streams.length === 0) return out;
    const { rows } = await this.driver.query<EventRow>(
      `SELECT ${COLUMNS} FROM unnest($1::text[]) AS s(id)
       CROSS JOIN LATERAL (SELECT * FROM es_events x WHERE x.stream_id = s.id ORDER BY x.revision DESC LIMIT 1) e`,
      [[...new Set(streams)]],
    );
    for (const row of rows) out.set(row.stream_id, toRecorded(row));
    return out;
  }

  async readStreams(streams: string[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    if (streams.length === 0) return out;
    const { rows } = await this.driver.query<EventRow>(
      `SELECT ${COLUMNS} FROM es_events e WHERE e.stream_id = ANY($1::text[]) ORDER BY e.stream_id, e.revision`,
      [[...new Set(streams)]],
    );
    for (const row of rows) {
      const list = out.get(row.stream_id) ?? [];
      list.push(toRecorded(row));
      out.set(row.stream_id, list);
    }
    return out;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [stream];
    let where = `e.stream_id = $1`;
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision.toString());
      where += backwards ? ` AND e.revision <= $2::bigint` : ` AND e.revision >= $2::bigint`;
    }
    let sql = `SELECT ${COLUMNS} FROM es_events e WHERE ${where} ORDER BY e.revision ${backwards ? 'DESC' : 'ASC'}`;
    if (options.limit !== undefined) {
      params.push(options.limit);
      sql += ` LIMIT $${params.length}`;
    }
    const { rows } = await this.driver.query<EventRow>(sql, params);
    return rows.map(toRecorded);
  }

  async streamRevision(stream: string): Promise<bigint | undefined> {
    const { rows } = await this.driver.query<{ revision: string }>(`SELECT revision::text AS revision FROM es_streams WHERE stream_id = $1`, [stream]);
    return rows.length ? BigInt(rows[0].revision) : undefined;
  }

  /**
   * Events of every stream in global order. Events committed by the time of the call but still
   * behind an older running transaction (anywhere in the cluster) cannot be returned yet without
   * breaking the order: a page that is not full waits (up to `visibilityWaitMs`) for them.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const deadline = Date.now() + (this.options.visibilityWaitMs ?? 2_000);
    for (;;) {
      const events = await this.readVisible(options);
      if (options.limit !== undefined && events.length >= options.limit) return events;
      const after = events.length ? events[events.length - 1].position : options.fromPosition;
      if (Date.now() >= deadline || !(await this.hiddenAfter(after))) return events;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /**
   * True if some committed event after `position` is not visible yet (an older transaction runs).
   * Never on PGlite: one connection, whose transactions run one at a time (a read waits for the
   * running one to end), so nothing committed can hide behind an older running transaction.
   */
  private async hiddenAfter(position: Position | undefined): Promise<boolean> {
    if (this.driver.kind === 'pglite') return false;
    const params: unknown[] = [];
    const after = this.afterClause(position, params);
    const { rows } = await this.driver.query<{ hidden: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM es_events e WHERE e.transaction_id >= (SELECT pg_snapshot_xmin(pg_current_snapshot()))${after.length ? ` AND ${after.join(' AND ')}` : ''}) AS hidden`,
      params,
    );
    return rows[0].hidden;
  }

  private async readVisible(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const params: unknown[] = [];
    const where = [VISIBLE, ...this.afterClause(options.fromPosition, params), ...this.filterClauses(options.filter, params)];
    let sql = `SELECT ${COLUMNS} FROM es_events e WHERE ${where.join(' AND ')} ORDER BY e.transaction_id, e.global_position`;
    if (options.limit !== undefined) {
      params.push(options.limit);
      sql += ` LIMIT $${params.length}`;
    }
    const { rows } = await this.driver.query<EventRow>(sql, params);
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<Position | undefined> {
    const { rows } = await this.driver.query<{ transaction_id: string; global_position: string }>(
      `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM es_events
       e WHERE ${VISIBLE} ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
    );
    return rows.length ? { commit: BigInt(rows[0].transaction_id), prepare: BigInt(rows[0].global_position) } : undefined;
  }

  async countAfter(position: Position | undefined, filter?: AllFilter): Promise<number> {
    const params: unknown[] = [];
    const where = [VISIBLE, ...this.afterClause(position, params), ...this.filterClauses(filter, params)];
    const { rows } = await this.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events e WHERE ${where.join(' AND ')}`, params);
    return Number(rows[0].n);
  }

  subscribeAll(options: SubscribeAllOptions, handler: SubscriptionHandler): Subscription {
    this.listenForAppends();
    return new PollingSubscription(
      {
        readAll: (o) => this.readAll(o),
        scan: (o) => this.scan(o),
        onAppended: (l) => this.notifier.onAppended(l),
        signalsEveryAppend: () => this.signalsEveryAppend(),
      },
      options,
      handler,
      this.pollingConfig(),
    );
  }

  /** PostgreSQL: DEFAULT_POLLING; PGlite: the same with the slow safety poll (every append signals here) and a longer wake delay. */
  private pollingConfig(): PollingConfig {
    if (this.options.polling) return this.options.polling;
    if (this.driver.kind !== 'pglite') return DEFAULT_POLLING;
    return {
      ...DEFAULT_POLLING,
      safetyPollMs: this.options.pgliteSafetyPollMs ?? DEFAULT_PGLITE_SAFETY_POLL_MS,
      wakeDelayMs: this.options.pgliteWakeDelayMs ?? DEFAULT_PGLITE_WAKE_DELAY_MS,
    };
  }

  /** True while every append that can reach this store wakes the local subscriptions. */
  signalsEveryAppend(): boolean {
    switch (this.driver.kind) {
      case 'pglite':
        return true; // one process per data directory (the lock file): every append is ours
      case 'postgres':
        return this.listening?.active ?? false;
    }
  }

  /** PostgreSQL: LISTEN for migration 0019's notifications (once, with the first subscription). */
  private listenForAppends(): void {
    if (this.listening) return;
    this.listening = listenForTableSignal(this.driver, {
      channel: APPENDED_CHANNEL,
      table: 'es_events',
      trigger: 'es_events_notify_appended',
      onSignal: () => this.notifier.notify(),
    });
  }

  /**
   * One window of the log after `fromPosition` (at most `limit * 10` rows, by the primary key),
   * returning the rows that match the filter in full and how far the window reached.
   */
  async scan(options: { fromPosition?: Position; limit: number; filter?: AllFilter }): Promise<ScanPage> {
    if (!options.filter?.streamPrefixes?.length && !options.filter?.eventTypes?.length) {
      const events = await this.readVisible(options);
      const scannedTo = events[events.length - 1]?.position;
      const reachedEnd = events.length < options.limit;
      return { events, scannedTo, reachedEnd, hidden: reachedEnd && (await this.hiddenAfter(scannedTo ?? options.fromPosition)) };
    }
    const params: unknown[] = [];
    const where = [VISIBLE, ...this.afterClause(options.fromPosition, params)];
    const match = this.filterClauses(options.filter, params).join(' AND ');
    const window = options.limit * 10;
    params.push(window);
    const { rows } = await this.driver.query<EventRow & { matches: boolean }>(
      `SELECT e.global_position::text AS global_position, e.transaction_id::text AS transaction_id, (${match}) AS matches,
              CASE WHEN ${match} THEN e.event_id::text END AS event_id, e.stream_id, e.revision::text AS revision, e.type,
              CASE WHEN ${match} THEN e.data END AS data, CASE WHEN ${match} THEN e.metadata END AS metadata, e.recorded_at
       FROM es_events e WHERE ${where.join(' AND ')} ORDER BY e.transaction_id, e.global_position LIMIT $${params.length}`,
      params,
    );
    const events: RecordedEvent[] = [];
    for (const row of rows) {
      if (!row.matches) continue;
      events.push(toRecorded(row));
      if (events.length >= options.limit) {
        return { events, scannedTo: events[events.length - 1].position, reachedEnd: false };
      }
    }
    const last = rows[rows.length - 1];
    const scannedTo = last ? { commit: BigInt(last.transaction_id), prepare: BigInt(last.global_position) } : undefined;
    const reachedEnd = rows.length < window;
    return { events, scannedTo, reachedEnd, hidden: reachedEnd && (await this.hiddenAfter(scannedTo ?? options.fromPosition)) };
  }

  async ping(): Promise<void> {
    await this.driver.query(`SELECT 1`);
  }

  async close(): Promise<void> {
    await this.listening?.close();
    this.listening = undefined;
    if (this.options.ownsDriver) await this.driver.close();
  }

  private afterClause(position: Position | undefined, params: unknown[]): string[] {
    if (!position || position.commit < 0n) return [];
    params.push(position.commit.toString(), position.prepare.toString());
    return [`(e.transaction_id, e.global_position) > ($${params.length - 1}::xid8, $${params.length}::bigint)`];
  }

  private filterClauses(filter: AllFilter | undefined, params: unknown[]): string[] {
    const clauses: string[] = [];
    if (filter?.streamPrefixes?.length) {
      params.push(filter.streamPrefixes.map(likePrefix));
      clauses.push(`e.stream_id LIKE ANY($${params.length}::text[])`);
    }
    if (filter?.eventTypes?.length) {
      params.push(filter.eventTypes);
      clauses.push(`e.type = ANY($${params.length}::text[])`);
    }
    return clauses;
  }
}

import { BACKWARDS, END, EventStoreDBClient, FORWARDS } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import { EventStore } from '../../port/event-store';
import { EventStoreConfigError, EventStoreUnavailableError, WrongExpectedRevisionError } from '../../port/errors';
import { EventToAppend, RecordedEvent } from '../../port/events';
import { AllFilter, AppendOptions, AppendResult, ExpectedRevision, ReadAllOptions, ReadStreamOptions, SubscribeAllOptions } from '../../port/options';
import { comparePositions, Position } from '../../port/position';
import { Subscription, SubscriptionHandler } from '../../port/subscription';
import { DEFAULT_ESDB_SUBSCRIPTION, EsdbSubscription, EsdbSubscriptionConfig } from './esdb-subscription';
import {
  fromEsdbActualRevision,
  fromEsdbEvent,
  fromEsdbPosition,
  isAfter,
  isStreamNotFound,
  isSystemEvent,
  isVisible,
  isWrongExpectedVersion,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toEsdbReadRevision,
} from './mapping';
import { collect } from './read';
import { withTimeout } from './timeout';
import { redactEsdbUrl, toEsdbConnectionString } from './url';

export interface EsdbEventStoreOptions {
  /** Our own deadline for every call to the server (default 10 s). */
  timeoutMs?: number;
  /** Events per `$all` page when reading/counting with client-side filtering (default 1000). */
  pageSize?: number;
  subscription?: Partial<EsdbSubscriptionConfig>;
}

export const DEFAULT_ESDB_TIMEOUT_MS = 10_000;
const HEAD_PAGE = 100;

/** `getChannel` is protected in the client's typings; we need it to close the gRPC channel. */
interface WithChannel {
  getChannel(): Promise<{ close(): void }>;
}

/**
 * The event store on EventStoreDB / KurrentDB through `@eventstore/db-client` v6 (gRPC).
 *
 * - Every call runs under our own timeout (`withTimeout`/`collect`): the client can hang forever
 *   on a server that accepts TCP but never answers. A timed-out client is replaced by a fresh one
 *   (its cached capabilities/append stream may be stuck for good) and disposed.
 * - `$all` reads: v6's `readAll` takes no server-side filter, so `readAll`, `countAfter` and
 *   `headPosition` read pages and filter client side, always skipping system events
 *   (`$`-streams, `$`-types). `countAfter` is therefore O(events after the position).
 * - Positions are EventStoreDB's commit/prepare positions; `fromPosition` is exclusive: events
 *   at or before it are dropped client side, whichever way the server treats the bound.
 */
export class EsdbEventStore implements EventStore {
  readonly kind = 'esdb';
  readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly subscriptionConfig: EsdbSubscriptionConfig;
  private client: EventStoreDBClient | undefined;
  private readonly used = new WeakSet<EventStoreDBClient>();
  /** Clients being disposed: their cancelled reads must not pass for complete ones. */
  private readonly disposed = new WeakSet<EventStoreDBClient>();
  private readonly owners = new WeakMap<AllStreamSubscription, EventStoreDBClient>();
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;

  /** `connect` creates a client (no I/O: the client connects lazily); called again after a timeout. */
  constructor(
    private readonly connect: () => EventStoreDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ESDB_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new EventStoreConfigError(`EventStoreDB timeoutMs must be > 0, got ${options.timeoutMs}`);
    this.pageSize = Math.max(2, options.pageSize ?? 1000);
    this.subscriptionConfig = { ...DEFAULT_ESDB_SUBSCRIPTION, ...options.subscription };
  }

  /**
   * From `esdb://`, `esdb+discover://`, `kurrentdb://`, `kurrent://` (…`+discover`) URLs.
   * Validates the URL now (throws `EventStoreConfigError`); connects on first use.
   */
  static fromUrl(url: string, options: EsdbEventStoreOptions = {}): EsdbEventStore {
    const connectionString = toEsdbConnectionString(url);
    const connect = () => EventStoreDBClient.connectionString(connectionString);
    let first: EventStoreDBClient;
    try {
      first = connect();
    } catch (err) {
      const password = /\/\/[^:/@]+:([^@]*)@/.exec(connectionString)?.[1];
      let detail = err instanceof Error ? err.message : String(err);
      if (password) detail = detail.split(password).join('***');
      throw new EventStoreConfigError(`Invalid EventStoreDB URL "${redactEsdbUrl(url.trim())}": ${detail}`);
    }
    const store = new EsdbEventStore(connect, options);
    store.client = first;
    return store;
  }

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return this.checkRevision(stream, expected);
    const client = this.use();
    const data = events.map((e) => ({
      id: e.id,
      contentType: 'application/json' as const,
      type: e.type,
      data: e.data as Record<string, unknown>,
      metadata: e.metadata as Record<string, unknown>,
    }));
    try {
      const result = await withTimeout(
        `append to "${stream}"`,
        this.timeoutMs,
        client.appendToStream(stream, data, { expectedRevision: toEsdbExpectedRevision(expected), deadline: this.timeoutMs }),
        () => this.recycle(client),
      );
      const reported = result.position ? fromEsdbPosition(result.position) : undefined;
      const position =
        reported && reported.commit >= 0n && events.length > 1
          ? await this.locateAppended(reported, events[events.length - 1].id, events.length)
          : (reported ?? (await this.headPosition()) ?? { commit: 0n, prepare: 0n });
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (err) {
      if (isWrongExpectedVersion(err)) throw new WrongExpectedRevisionError(stream, expected, fromEsdbActualRevision(err.actualVersion));
      throw err;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    if (options.limit !== undefined && options.limit <= 0) return [];
    if (backwards && options.fromRevision !== undefined && options.fromRevision < 0n) return [];
    const events = await this.readStreamOnce(stream, options.fromRevision, backwards, options.limit);
    if (events.length > 0 || !backwards || options.fromRevision === undefined) return events;
    // Backwards from beyond the end: the port reads from the last event; do not rely on the server.
    const last = await this.streamRevision(stream);
    if (last === undefined || last >= options.fromRevision) return events;
    return this.readStreamOnce(stream, last, true, options.limit);
  }

  async streamRevision(stream: string): Promise<bigint | undefined> {
    const [last] = await this.readStreamOnce(stream, undefined, true, 1);
    return last?.revision;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit;
    if (limit !== undefined && limit <= 0) return [];
    const out: RecordedEvent[] = [];
    await this.scanAll(options.fromPosition, options.filter, limit, (e) => {
      out.push(e);
      return limit === undefined || out.length < limit;
    });
    return out;
  }

  /** Reads `$all` backwards page by page until the first non-system event. */
  async headPosition(): Promise<Position | undefined> {
    let cursor: Position | undefined;
    for (;;) {
      const page = await this.readAllPage(cursor ?? END, HEAD_PAGE, true);
      let last: Position | undefined;
      for (const { event: e } of page) {
        if (!e) continue;
        const position = fromEsdbPosition(e.position);
        last = position;
        if (cursor && comparePositions(position, cursor) >= 0) continue;
        if (!isSystemEvent(e.streamId, e.type)) return position;
      }
      if (page.length < HEAD_PAGE || !last || (cursor && comparePositions(last, cursor) >= 0)) return undefined;
      cursor = last;
    }
  }

  /** O(n): reads every event after `position` (v6 offers no server-side count nor filtered read). */
  async countAfter(position: Position | undefined, filter?: AllFilter): Promise<number> {
    let n = 0;
    await this.scanAll(position, filter, undefined, () => {
      n++;
      return true;
    });
    return n;
  }

  subscribeAll(options: SubscribeAllOptions, handler: SubscriptionHandler): Subscription {
    if (this.closed) throw new EventStoreUnavailableError('EventStoreDB store is closed');
    const subscription = new EsdbSubscription(
      {
        open: (from, filter, highWaterMark) => {
          const client = this.use();
          const sub = client.subscribeToAll({ fromPosition: toEsdbReadPosition(from), filter }, { highWaterMark });
          this.owners.set(sub, client);
          return sub;
        },
        headPosition: () => this.headPosition(),
        onTimeout: (sub) => {
          const owner = this.owners.get(sub);
          if (owner) this.recycle(owner);
        },
        timeoutMs: this.timeoutMs,
      },
      options,
      handler,
      this.subscriptionConfig,
    );
    this.subscriptions.add(subscription);
    void subscription.stopped.then(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /** A one-event backwards read of `$all` under the timeout. */
  async ping(): Promise<void> {
    await this.readAllPage(END, 1, true);
  }

  /** Stops this store's subscriptions and disposes the client (and its gRPC channel). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    const client = this.client;
    this.client = undefined;
    if (client) await this.dispose(client);
  }

  /** An empty append only checks the revision: done client side, exactly as the other adapters. */
  private async checkRevision(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    const current = await this.streamRevision(stream);
    const fail =
      (expected === 'no-stream' && current !== undefined) ||
      (expected === 'stream-exists' && current === undefined) ||
      (typeof expected === 'bigint' && current !== expected);
    if (fail) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no-stream');
    return { nextExpectedRevision: current ?? -1n, position: (await this.headPosition()) ?? { commit: 0n, prepare: 0n } };
  }

  /**
   * The `$all` position of the last event of a multi-event append. The server reports one
   * position per append, which may be the transaction's (its first event's) rather than the last
   * event's: read the few events from there and take the position of the last one appended. On
   * any failure keep the reported position (the append itself succeeded).
   */
  private async locateAppended(reported: Position, lastId: string, count: number): Promise<Position> {
    try {
      const page = await this.readAllPage(reported, count + 1, false);
      const found = page.find((r) => r.event?.id.toLowerCase() === lastId.toLowerCase())?.event;
      return found ? fromEsdbPosition(found.position) : reported;
    } catch {
      return reported;
    }
  }

  private async readStreamOnce(stream: string, fromRevision: bigint | undefined, backwards: boolean, limit: number | undefined): Promise<RecordedEvent[]> {
    const client = this.use();
    const read = client.readStream(stream, {
      fromRevision: toEsdbReadRevision(fromRevision, backwards ? 'backwards' : 'forwards'),
      direction: backwards ? BACKWARDS : FORWARDS,
      ...(limit !== undefined ? { maxCount: limit } : {}),
      deadline: this.timeoutMs,
    });
    try {
      const resolved = await collect(
        `read stream "${stream}"`,
        read,
        this.timeoutMs,
        () => this.recycle(client),
        () => this.disposed.has(client),
      );
      return resolved.flatMap((r) => (r.event ? [fromEsdbEvent(r.event)] : []));
    } catch (err) {
      if (isStreamNotFound(err)) return [];
      throw err;
    }
  }

  /** One page of `$all` (one call, under the timeout). */
  private async readAllPage(from: Position | typeof END | undefined, maxCount: number, backwards: boolean): Promise<AllStreamResolvedEvent[]> {
    const client = this.use();
    const read = client.readAll({
      fromPosition: from === END ? END : toEsdbReadPosition(from),
      maxCount,
      direction: backwards ? BACKWARDS : FORWARDS,
      deadline: this.timeoutMs,
    });
    return collect(
      `read $all`,
      read,
      this.timeoutMs,
      () => this.recycle(client),
      () => this.disposed.has(client),
    );
  }

  /**
   * Visits the visible events of `$all` strictly after `from`, in order, page by page, until
   * `visit` returns false or the end. `wanted` (if known) shrinks the first pages.
   */
  private async scanAll(
    from: Position | undefined,
    filter: AllFilter | undefined,
    wanted: number | undefined,
    visit: (e: RecordedEvent) => boolean,
  ): Promise<void> {
    let cursor = from && from.commit >= 0n ? from : undefined;
    let visited = 0;
    for (;;) {
      // +1: the server may return the event at `cursor` itself (dropped below).
      const count = wanted !== undefined && !filter ? Math.min(this.pageSize, wanted - visited + 1) : this.pageSize;
      const page = await this.readAllPage(cursor, count, false);
      let last: Position | undefined;
      for (const { event: e } of page) {
        if (!e) continue;
        const position = fromEsdbPosition(e.position);
        last = position;
        if (!isAfter(position, cursor) || !isVisible(e.streamId, e.type, filter)) continue;
        visited++;
        if (!visit(fromEsdbEvent(e))) return;
      }
      if (page.length < count || !last || !isAfter(last, cursor)) return;
      cursor = last;
    }
  }

  /** The current client (created on demand); refuses once closed. */
  private use(): EventStoreDBClient {
    if (this.closed) throw new EventStoreUnavailableError('EventStoreDB store is closed');
    this.client ??= this.connect();
    this.used.add(this.client);
    return this.client;
  }

  /** After a timeout: the next call gets a fresh client; the stuck one is disposed in the background. */
  private recycle(client: EventStoreDBClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    void this.dispose(client);
  }

  /** Cancels the client's streams and closes its channel, each bounded by our timeout; never throws. */
  private async dispose(client: EventStoreDBClient): Promise<void> {
    this.disposed.add(client);
    await withTimeout('dispose', this.timeoutMs, client.dispose()).catch(() => undefined);
    if (!this.used.has(client)) return;
    try {
      const channel = await withTimeout('close', this.timeoutMs, (client as unknown as WithChannel).getChannel());
      channel.close();
    } catch {
      // nothing more we can do
    }
  }
}

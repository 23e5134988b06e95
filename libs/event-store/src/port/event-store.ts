import { EventToAppend, RecordedEvent } from './events';
import { AppendOptions, AppendResult, ReadAllOptions, ReadStreamOptions, StreamAppend, SubscribeAllOptions } from './options';
import { Position } from './position';
import { Subscription, SubscriptionHandler } from './subscription';

/**
 * The event store port. Every adapter (memory, PGlite, PostgreSQL, EventStoreDB) passes the same
 * contract suite (test/contract/event-store.contract.ts).
 */
export interface EventStore {
  /** A short name for logs and health: `memory`, `pglite`, `postgres`, `esdb`. */
  readonly kind: string;

  /**
   * Appends atomically: all events or none. Throws `WrongExpectedRevisionError` when
   * `expectedRevision` does not hold. Appending an empty list only checks the revision.
   */
  append(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;

  /**
   * Optional (adapters that can write several streams in one transaction: PGlite, PostgreSQL,
   * memory). Appends every part in the given order, all or nothing: one failed expectation throws
   * `WrongExpectedRevisionError` for that stream and writes nothing. A stream may appear more than
   * once; each part's expectation then counts the parts before it. Bulk imports use it.
   */
  appendMany?(appends: StreamAppend[]): Promise<AppendResult>;

  /**
   * Optional: the last event of each of these streams (absent: no such stream), in one round
   * trip. The hash chain uses it to find the predecessors of a multi-stream append.
   */
  readLastEvents?(streams: string[]): Promise<Map<string, RecordedEvent>>;

  /** Optional: whole streams in one round trip (absent: no such stream). */
  readStreams?(streams: string[]): Promise<Map<string, RecordedEvent[]>>;

  /** Events of one stream, forwards (default) or backwards. An unknown stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** The stream's last revision, or undefined if it does not exist. */
  streamRevision(stream: string): Promise<bigint | undefined>;

  /** Events of every stream in global order, strictly after `fromPosition`. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Position of the last event that a reader can see now (undefined on an empty store). */
  headPosition(): Promise<Position | undefined>;

  /** How many readable events lie strictly after `position` (projection lag). */
  countAfter(position: Position | undefined, filter?: ReadAllOptions['filter']): Promise<number>;

  /** Catch-up then live subscription to all streams, resumable from a checkpoint. */
  subscribeAll(options: SubscribeAllOptions, handler: SubscriptionHandler): Subscription;

  /** Checks that the store answers (for health checks). Throws if not. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

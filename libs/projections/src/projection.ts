import { AllFilter, RecordedEvent } from '@motcua/event-store/port';
import { SqlExecutor } from '@motcua/sql';

/**
 * A read model kept up to date from the event log. `apply` writes it with SQL on the given
 * transaction, which is the one that also moves the projection's checkpoint: the events take
 * effect exactly once (both commit or neither). `apply` must not open its own connections.
 */
export interface Projection {
  /** Unique and stable: the checkpoint's key. Renaming it replays the log into the read model. */
  name: string;
  /** Only these events are delivered (and counted in the lag). Default: every event. */
  filter?: AllFilter;
  /** The read-model tables this projection owns (for a future rebuild). */
  tables?: string[];
  /**
   * Applies events (global order, never seen before by this projection) inside `tx`. It may
   * return an `AfterCommit` callback: it runs once the batch's transaction has committed (never
   * after a rollback), e.g. to publish what the batch made durable.
   */
  apply(tx: SqlExecutor, events: RecordedEvent[]): Promise<void | AfterCommit>;
  /**
   * Optional, for a rebuild's catch-up into tables that only the rebuild writes: a fold that keeps
   * the rows it builds in memory across transactions instead of reading them back and rewriting
   * them every batch (see `InMemoryReplay`). Each call starts with nothing held.
   */
  inMemoryReplay?(): InMemoryReplay;
}

/**
 * A projection's replay held in memory (a rebuild's catch-up, ../rebuild/replay.ts). It must give
 * exactly the rows `apply` gives for the same events: it shares `apply`'s fold and only changes
 * where the rows live between batches and how they are written.
 */
export interface InMemoryReplay {
  /**
   * Folds `events` (global order, after every event given before) into rows held in memory, and
   * returns, in their order, the events it cannot fold without reading the tables (e.g. a row
   * written out earlier by `write`): the caller applies those with `apply` before the next call.
   */
  fold(events: RecordedEvent[]): RecordedEvent[];
  /** Rows held in memory (not yet in the tables). */
  readonly held: number;
  /**
   * Forgets held rows, the least recently touched first, until `keep` are left, and returns the
   * work that writes them into the tables (in a transaction of the caller's). The rows leave memory
   * at once, so folds may go on while they are written; an event for one of them is then returned
   * by `fold`, and must wait for the write before it is applied.
   */
  takeOut(keep: number): (tx: SqlExecutor) => Promise<void>;
  /**
   * Work over the rows written out since the last call, done once for all of them instead of with
   * each write (the summary adds them to the report's roll-up: writes run side by side, and their
   * upserts of the same units' days would wait on each other). Called, in the shadow tables, before
   * `apply` touches rows again and once every held row is written (in the transaction that moves
   * the rebuild's checkpoint past them).
   */
  finish?(tx: SqlExecutor): Promise<void>;
}

/**
 * Work to do after a batch committed (at most once: a crash between the commit and this call
 * skips it). Awaited before the next batch; a failure is ignored (the batch stays applied), so
 * it should report its own errors.
 */
export type AfterCommit = () => Promise<void> | void;

/** Nest's `Logger` fits this shape; the default writes nothing. */
export interface ProjectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const SILENT_LOGGER: ProjectionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export interface ProjectionStatus {
  name: string;
  /** The checkpoint (`positionToString`), undefined before the first event was applied. */
  position: string | undefined;
  eventsHandled: number;
  /** Events (matching the filter) after the checkpoint. */
  eventsBehind: number;
  /** Age of the oldest event not projected yet (store time vs now); 0 when caught up. */
  secondsBehind: number;
  caughtUp: boolean;
  /** True when this runner instance holds the lease (the one projecting). */
  leader: boolean;
  /** True while this instance has a live subscription for the projection. */
  running: boolean;
  /** The last failure (apply, checkpoint or subscription), cleared by the next applied batch. */
  lastError: string | undefined;
}

export interface RunnerStatus {
  leader: boolean;
  projections: ProjectionStatus[];
}

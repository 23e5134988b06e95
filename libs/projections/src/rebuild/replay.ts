/**
 * Replay into the shadow tables under the rebuild's own checkpoint: each batch runs
 * `projection.apply` unchanged, in a transaction whose search_path puts the shadow schema first, so
 * its unqualified table names resolve to the shadow tables (the checkpoint table, only in the live
 * schema, still resolves to the live one).
 */
import { EventStore, Position, RecordedEvent } from '@motcua/event-store/port';
import { SqlDriver, SqlExecutor } from '@motcua/sql';
import { applyBatch } from '../apply-batch';
import { Projection } from '../projection';
import { ident } from './shadow-schema';

export interface ReplayOptions {
  store: EventStore;
  driver: SqlDriver;
  /** The live projection, applied unchanged to the shadow tables. */
  projection: Projection;
  /** The rebuild's checkpoint name. */
  checkpointName: string;
  /** The shadow schema's name. */
  shadow: string;
  /** The search_path of the live tables (the shadow schema goes in front of it). */
  liveSearchPath: string;
  /** Events per read of the log (a page). */
  batchSize: number;
  /**
   * Events per replay transaction: consecutive pages are applied together up to this many (at
   * least one page). Fewer, larger transactions: the per-transaction work (checkpoint row, search
   * path, commit) and each statement's fixed cost are paid once per several pages, and a dossier
   * touched by several of them is read and written once.
   */
  transactionEvents: number;
  signal?: AbortSignal;
  /** After a batch (at most every 200 ms) and at the end of each catch-up. */
  onProgress: () => void;
}

/** Where the shadow tables are: events applied, last position. */
export interface ReplayState {
  applied: number;
  position: Position | undefined;
}

export class ShadowReplay implements ReplayState {
  applied = 0;
  position: Position | undefined;
  /** The projection writing into the shadow tables, under the rebuild's checkpoint. */
  private readonly shadowProjection: Projection;

  constructor(private readonly options: ReplayOptions) {
    const inner = options.projection;
    const shadowPath = `${ident(options.shadow)}, ${options.liveSearchPath}`;
    const livePath = options.liveSearchPath;
    this.shadowProjection = {
      name: options.checkpointName,
      filter: inner.filter,
      async apply(tx, events) {
        await tx.query(`SELECT set_config('search_path', $1, true)`, [shadowPath]);
        await inner.apply(tx, events);
        await tx.query(`SELECT set_config('search_path', $1, true)`, [livePath]);
      },
    };
  }

  /** A page of the log after `from`, for the projection's filter. */
  read(from: Position | undefined): Promise<RecordedEvent[]> {
    const { store, projection, batchSize } = this.options;
    return store.readAll({ fromPosition: from, filter: projection.filter, limit: batchSize });
  }

  /**
   * The events of the next transaction after `from`: pages read one after the other until a page is
   * short (the end of the log for now) or another page would take it past `transactionEvents`.
   */
  private async gather(from: Position | undefined): Promise<{ events: RecordedEvent[]; last: Position | undefined }> {
    const { batchSize, transactionEvents } = this.options;
    const events: RecordedEvent[] = [];
    let last = from;
    for (;;) {
      const page = await this.read(last);
      for (const e of page) events.push(e);
      if (page.length > 0) last = page[page.length - 1].position;
      if (page.length < batchSize || events.length + batchSize > transactionEvents) return { events, last };
    }
  }

  /** `gather`, started now and awaited later (read-ahead). */
  private gatherAhead(from: Position | undefined): Promise<{ events: RecordedEvent[]; last: Position | undefined }> {
    const next = this.gather(from);
    next.catch(() => undefined); // awaited on the next turn
    return next;
  }

  /**
   * Replays until a read returns nothing more, in transactions of up to `transactionEvents` events;
   * the next transaction's pages are read while one is applied.
   */
  async catchUp(): Promise<void> {
    const { driver, signal, onProgress } = this.options;
    let next = this.gatherAhead(this.position);
    let lastReport = 0;
    for (;;) {
      if (signal?.aborted) throw new Error('rebuild cancelled');
      const { events, last } = await next;
      if (events.length === 0) break;
      next = this.gatherAhead(last);
      this.applied += await applyBatch(driver, this.shadowProjection, events);
      this.position = last;
      if (Date.now() - lastReport >= 200) {
        lastReport = Date.now();
        onProgress();
      }
    }
    onProgress();
  }

  /** Applies `events` to the shadow tables inside a transaction that holds the rebuild checkpoint's row lock. */
  async applyInTx(tx: SqlExecutor, events: RecordedEvent[]): Promise<void> {
    await this.shadowProjection.apply(tx, events);
    this.applied += events.length;
    this.position = events[events.length - 1].position;
  }

  /** Takes the state of a rolled-back transaction back (or the committed checkpoint's). */
  reset(to: ReplayState): void {
    this.applied = to.applied;
    this.position = to.position;
  }
}

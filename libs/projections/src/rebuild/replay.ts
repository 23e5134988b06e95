/**
 * Replay into the shadow tables under the rebuild's own checkpoint: each batch runs
 * `projection.apply` unchanged, in a transaction whose search_path puts the shadow schema first, so
 * its unqualified table names resolve to the shadow tables (the checkpoint table, only in the live
 * schema, still resolves to the live one).
 *
 * A projection with an `inMemoryReplay` is caught up through it instead: only the rebuild writes
 * the shadow tables, so the rows can stay in memory across transactions and be written once at the
 * end of the catch-up (or when more than `heldRows` are held, the least recently touched), rather
 * than read back and rewritten by every transaction that touches them.
 */
import { EventStore, Position, RecordedEvent } from '@motcua/event-store/port';
import { SqlDriver, SqlExecutor } from '@motcua/sql';
import { applyBatch } from '../apply-batch';
import { advanceCheckpoint, lockCheckpoint } from '../checkpoints';
import { InMemoryReplay, Projection } from '../projection';
import { parallelism, runLimited } from './parallel';
import { ident } from './shadow-schema';

/** Rows per transaction of the catch-up's last write (the slices run side by side on PostgreSQL). */
const WRITE_SLICE = 10_000;

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
  /**
   * In-memory replay: rows held at most; past it, the least recently touched are written out until
   * half are left (an event for one of them later goes through `apply`, which reads it back).
   */
  heldRows: number;
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
  private readonly shadowPath: string;
  /** Events folded in memory since the rebuild checkpoint last moved. */
  private unwritten = 0;
  /**
   * The last write of rows taken out of memory, in its own transaction: it runs while the log is
   * read and folded on (on PostgreSQL on another connection, so the two overlap).
   */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReplayOptions) {
    const inner = options.projection;
    this.shadowPath = `${ident(options.shadow)}, ${options.liveSearchPath}`;
    this.shadowProjection = {
      name: options.checkpointName,
      filter: inner.filter,
      apply: async (tx, events) => {
        await this.inShadow(tx, async () => {
          await inner.apply(tx, events);
        });
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
    const { driver, signal, onProgress, projection } = this.options;
    const inMemory = projection.inMemoryReplay?.();
    let next = this.gatherAhead(this.position);
    let lastReport = 0;
    try {
      for (;;) {
        if (signal?.aborted) throw new Error('rebuild cancelled');
        const { events, last } = await next;
        if (events.length === 0) break;
        next = this.gatherAhead(last);
        if (inMemory) await this.foldInMemory(inMemory, events);
        else this.applied += await applyBatch(driver, this.shadowProjection, events);
        this.position = last;
        if (Date.now() - lastReport >= 200) {
          lastReport = Date.now();
          onProgress();
        }
      }
      if (inMemory) await this.writeHeld(inMemory);
    } finally {
      // a failed or cancelled catch-up leaves no write running behind it (the shadow tables are dropped next)
      await this.writing.catch(() => undefined);
    }
    onProgress();
  }

  /**
   * Folds `events` in memory; what the fold cannot hold is applied to the shadow tables at once, and
   * past `heldRows` the least recently touched rows are written out. Neither moves the rebuild
   * checkpoint (`writeHeld` does, once every row is written): rows in the shadow tables may be
   * ahead of it meanwhile, which nothing reads (the swap and verify start from the checkpoint after
   * `writeHeld`; a failed or cancelled rebuild drops the shadow tables, and a new one starts empty).
   */
  private async foldInMemory(inMemory: InMemoryReplay, events: RecordedEvent[]): Promise<void> {
    const { driver, heldRows } = this.options;
    const rest = inMemory.fold(events);
    if (rest.length > 0) {
      // their rows may be in the write still running: apply after it
      await this.writing;
      await driver.transaction(async (tx) => {
        // the rows written out so far made whole first (`InMemoryReplay.finish`): `apply` may change them
        if (inMemory.finish) await this.inShadow(tx, () => inMemory.finish!(tx));
        await this.shadowProjection.apply(tx, rest);
      });
    }
    if (inMemory.held > heldRows) {
      const write = inMemory.takeOut(Math.floor(heldRows / 2));
      const previous = this.writing;
      this.writing = previous.then(() => driver.transaction((tx) => this.inShadow(tx, () => write(tx))));
      // awaited by the next write, the next `rest` or the end of the catch-up; marked handled meanwhile
      this.writing.catch(() => undefined);
    }
    this.unwritten += events.length;
    this.applied += events.length;
  }

  /**
   * Writes every held row, in slices of `WRITE_SLICE` rows run `parallelism(driver)` at a time
   * (disjoint rows), then finishes the tables (`InMemoryReplay.finish`) and moves the rebuild
   * checkpoint past all the folded events, in one transaction.
   */
  private async writeHeld(inMemory: InMemoryReplay): Promise<void> {
    await this.writing;
    if (this.unwritten === 0 || !this.position) return;
    const { driver, checkpointName } = this.options;
    const to = this.position;
    const writes: (() => Promise<void>)[] = [];
    while (inMemory.held > 0) {
      const write = inMemory.takeOut(Math.max(0, inMemory.held - WRITE_SLICE));
      writes.push(() => driver.transaction((tx) => this.inShadow(tx, () => write(tx))));
    }
    await runLimited(writes, parallelism(driver));
    await driver.transaction(async (tx) => {
      if (inMemory.finish) await this.inShadow(tx, () => inMemory.finish!(tx));
      await lockCheckpoint(tx, checkpointName);
      await advanceCheckpoint(tx, checkpointName, to, this.unwritten);
    });
    this.unwritten = 0;
  }

  /** Runs `work` with the shadow schema first on the search path (see the module comment). */
  private async inShadow(tx: SqlExecutor, work: () => Promise<void>): Promise<void> {
    await tx.query(`SELECT set_config('search_path', $1, true)`, [this.shadowPath]);
    await work();
    await tx.query(`SELECT set_config('search_path', $1, true)`, [this.options.liveSearchPath]);
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

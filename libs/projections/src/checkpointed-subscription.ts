import { AllFilter, comparePositions, EventStore, Position, RecordedEvent, Subscription } from '@motcua/event-store/port';
import { SqlDriver } from '@motcua/sql';
import { NotLeaderError } from './apply-batch';
import { advanceCheckpoint, lockCheckpoint, readCheckpoint } from './checkpoints';
import { message } from './lease';
import { ProjectionLogger, SILENT_LOGGER } from './projection';

export interface CheckpointedSubscriptionOptions {
  store: EventStore;
  /** Where the checkpoint lives (`projection_checkpoints`). */
  driver: SqlDriver;
  /** Checkpoint name (a projection's name, `deadline-timers`). */
  checkpoint: string;
  filter?: AllFilter;
  /** Largest batch handed to `handle`. Default 500. */
  batchSize?: number;
  /**
   * Handles one batch. `current()` turns false once this subscription was stopped (a lease lost):
   * a handler writing in a transaction checks it before committing.
   */
  handle: (events: RecordedEvent[], current: () => boolean) => Promise<void>;
  /**
   * true: `handle` moves the checkpoint itself, in the transaction of its effects (exactly once, see
   * `applyBatch`). false (default): the checkpoint is moved past the batch after `handle` resolved
   * (at least once: the handler's effects must be idempotent).
   */
  handlerAdvancesCheckpoint?: boolean;
  /**
   * Where to subscribe from (exclusive) on each start and restart. Default: the checkpoint row. The
   * runner's shared subscription starts at the oldest of its projections' checkpoints.
   */
  startPosition?: () => Promise<Position | undefined>;
  /** Prefix of the log lines (`projection alerts`, `timers`). */
  label: string;
  logger?: ProjectionLogger;
  /** Restart delay after a failure: doubles from min to max. Default 500 / 30 000 ms. */
  minRestartMs?: number;
  maxRestartMs?: number;
}

/** How far a checkpointed subscription is behind the store (from the committed checkpoint). */
export interface CheckpointLag {
  position?: Position;
  eventsHandled: number;
  /** Events matching the filter after the checkpoint. */
  eventsBehind: number;
  /** Age of the oldest of them (0 when caught up). */
  secondsBehind: number;
}

/** How far the checkpoint `name` is behind the store's events that match `filter`. */
export async function checkpointLag(store: EventStore, driver: SqlDriver, name: string, filter?: AllFilter): Promise<CheckpointLag> {
  const cp = await readCheckpoint(driver, name);
  const eventsBehind = await store.countAfter(cp.position, filter);
  let secondsBehind = 0;
  if (eventsBehind > 0) {
    const [oldest] = await store.readAll({ fromPosition: cp.position, filter, limit: 1 });
    if (oldest) secondsBehind = Math.max(0, (Date.now() - Date.parse(oldest.recordedAt)) / 1000);
  }
  return { ...(cp.position && { position: cp.position }), eventsHandled: cp.eventsHandled, eventsBehind, secondsBehind };
}

/**
 * A catch-up-then-live subscription from a stored checkpoint: each batch goes to the handler, and
 * the checkpoint moves past it only once the handler succeeded. A failure (the handler, the source,
 * the checkpoint read) stops the subscription; it restarts from the checkpoint after a back-off that
 * doubles, so the failing batch is retried, never skipped. The owner decides when it runs (`start`
 * when its lease is acquired, `stop` when released); late callbacks of a stopped run do nothing.
 */
export class CheckpointedSubscription {
  private sub?: Subscription;
  private restartTimer?: NodeJS.Timeout;
  /** Bumped on every start and stop, so that late callbacks of an old run do nothing. */
  private term = 0;
  private failures = 0;
  private error?: string;
  private readonly logger: ProjectionLogger;

  constructor(private readonly options: CheckpointedSubscriptionOptions) {
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** This subscription is live (between a start and a stop, not waiting to restart). */
  get running(): boolean {
    return this.sub !== undefined;
  }

  /** The last failure (cleared by the next batch handled). */
  get lastError(): string | undefined {
    return this.error;
  }

  /** Subscribes from the stored checkpoint (a failure to read it schedules a restart). */
  async start(): Promise<void> {
    await this.subscribe(++this.term);
  }

  /** Stops the subscription and any pending restart; a batch in flight sees `current()` turn false. */
  async stop(): Promise<void> {
    this.term++;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const sub = this.sub;
    this.sub = undefined;
    await sub?.stop();
  }

  /** The lag behind the store, from the committed checkpoint (meaningful on a standby too). */
  lag(): Promise<CheckpointLag> {
    const { store, driver, checkpoint, filter } = this.options;
    return checkpointLag(store, driver, checkpoint, filter);
  }

  private async subscribe(term: number): Promise<void> {
    if (term !== this.term) return;
    const { store, driver, checkpoint, filter, label } = this.options;
    let from;
    try {
      from = this.options.startPosition ? await this.options.startPosition() : (await readCheckpoint(driver, checkpoint)).position;
    } catch (err) {
      return this.failed(term, err);
    }
    if (term !== this.term) return;
    let ended = false; // an adapter may stop the subscription before subscribeAll returns
    let sub: Subscription | undefined = undefined;
    sub = store.subscribeAll(
      { fromPosition: from, filter, batchSize: this.options.batchSize ?? 500 },
      {
        handle: (events) => this.handle(term, events),
        onDropped: (err, ms) => this.logger.warn(`${label}: source dropped (${message(err)}), retry in ${ms} ms`),
        onStopped: (err) => {
          ended = true;
          if (sub && this.sub === sub) this.sub = undefined;
          if (err) this.failed(term, err);
        },
      },
    );
    if (!ended) this.sub = sub;
  }

  private async handle(term: number, events: RecordedEvent[]): Promise<void> {
    await this.options.handle(events, () => term === this.term);
    if (!this.options.handlerAdvancesCheckpoint && events.length > 0) await this.advancePast(events);
    this.failures = 0;
    this.error = undefined;
  }

  private async advancePast(events: RecordedEvent[]): Promise<void> {
    const { checkpoint } = this.options;
    const last = events[events.length - 1].position;
    await this.options.driver.transaction(async (tx) => {
      const cp = await lockCheckpoint(tx, checkpoint);
      if (cp.position && comparePositions(last, cp.position) <= 0) return;
      await advanceCheckpoint(tx, checkpoint, last, events.length);
    });
  }

  private failed(term: number, err: unknown): void {
    if (term !== this.term || err instanceof NotLeaderError) return;
    this.error = message(err);
    const delay = Math.min((this.options.minRestartMs ?? 500) * 2 ** this.failures, this.options.maxRestartMs ?? 30_000);
    this.failures++;
    this.logger.error(`${this.options.label} failed (${this.error}); restarting in ${delay} ms`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.subscribe(term);
    }, delay);
  }
}

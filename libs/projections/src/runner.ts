import { EventStore, positionToString, RecordedEvent, Subscription } from '@motcua/event-store/port';
import { migrate, SqlDriver } from '@motcua/sql';
import { applyBatch, NotLeaderError } from './apply-batch';
import { readCheckpoint } from './checkpoints';
import { Lease, message } from './lease';
import { Projection, ProjectionLogger, ProjectionStatus, RunnerStatus, SILENT_LOGGER } from './projection';

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** Where read models and checkpoints live (PGlite, or PostgreSQL, also when the store is ESDB). */
  driver: SqlDriver;
  projections: Projection[];
  /** Largest batch applied in one transaction. Default 500. */
  batchSize?: number;
  /** Advisory-lock key shared by the instances that compete to project. Default `motcua:projections`. */
  leaseKey?: string;
  logger?: ProjectionLogger;
  /** Standby retry interval. Default 1000 ms. */
  standbyRetryMs?: number;
  /** Leader's lock-connection ping interval / timeout. Default 1000 / 5000 ms. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** Restart delay after a failed batch: doubles from min to max. Default 500 / 30 000 ms. */
  minRestartMs?: number;
  maxRestartMs?: number;
  /** Apply pending migrations (checkpoint table) on start. Default true. */
  migrate?: boolean;
}

/** Per projection: its subscription while leading, and its failures. */
interface Slot {
  projection: Projection;
  sub?: Subscription;
  restartTimer?: NodeJS.Timeout;
  failures: number;
  lastError?: string;
}

/**
 * Runs projections: for each one a catch-up-then-live subscription from its checkpoint; each batch
 * is applied and the checkpoint advanced in one SQL transaction (`applyBatch`), so a redelivered
 * event is never applied twice (exactly-once effect). Only the lease holder projects (see
 * `Lease`). A failed batch stops that projection's subscription; it restarts from its checkpoint
 * after a backoff, so the failing batch is retried, never skipped.
 */
export class ProjectionRunner {
  private readonly slots: Slot[];
  private readonly logger: ProjectionLogger;
  private lease: Lease | undefined;
  private running: Promise<void> | undefined;
  private leading = false;
  /** Bumped on every change of leadership, so that late callbacks of an old term do nothing. */
  private term = 0;

  constructor(private readonly options: ProjectionRunnerOptions) {
    const names = new Set(options.projections.map((p) => p.name));
    if (names.size !== options.projections.length) throw new Error('projection names must be unique');
    this.slots = options.projections.map((projection) => ({ projection, failures: 0 }));
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** Applies migrations, then competes for the lease in the background. Resolves at once. */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.options.migrate !== false) await migrate(this.options.driver);
    const lease = new Lease(this.options.driver, {
      key: this.options.leaseKey ?? 'motcua:projections',
      retryMs: this.options.standbyRetryMs ?? 1000,
      heartbeatMs: this.options.heartbeatMs ?? 1000,
      heartbeatTimeoutMs: this.options.heartbeatTimeoutMs ?? 5000,
      logger: this.logger,
    });
    this.lease = lease;
    this.running = lease.run({ acquired: () => this.acquired(), released: () => this.released() });
  }

  /** Stops projecting (a batch in flight rolls back; the next leader applies it), releases the lease. */
  async stop(): Promise<void> {
    this.lease?.stop();
    await this.running;
    this.running = undefined;
    this.lease = undefined;
  }

  /** Lag and state per projection, from the committed checkpoints (also meaningful on a standby). */
  async status(): Promise<RunnerStatus> {
    const { store, driver } = this.options;
    const projections: ProjectionStatus[] = [];
    for (const slot of this.slots) {
      const { name, filter } = slot.projection;
      const cp = await readCheckpoint(driver, name);
      const eventsBehind = await store.countAfter(cp.position, filter);
      let secondsBehind = 0;
      if (eventsBehind > 0) {
        const [oldest] = await store.readAll({ fromPosition: cp.position, filter, limit: 1 });
        if (oldest) secondsBehind = Math.max(0, (Date.now() - Date.parse(oldest.recordedAt)) / 1000);
      }
      projections.push({
        name,
        position: cp.position && positionToString(cp.position),
        eventsHandled: cp.eventsHandled,
        eventsBehind,
        secondsBehind,
        caughtUp: eventsBehind === 0,
        leader: this.leading,
        running: slot.sub !== undefined,
        lastError: slot.lastError,
      });
    }
    return { leader: this.leading, projections };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private async acquired(): Promise<void> {
    this.leading = true;
    this.term++;
    await Promise.all(this.slots.map((s) => this.subscribe(s, this.term)));
  }

  private async released(): Promise<void> {
    // Stop first, so a batch committing after this point is rolled back (NotLeaderError).
    this.leading = false;
    this.term++;
    await Promise.all(
      this.slots.map(async (s) => {
        clearTimeout(s.restartTimer);
        s.restartTimer = undefined;
        const sub = s.sub;
        s.sub = undefined;
        await sub?.stop();
      }),
    );
  }

  private async subscribe(slot: Slot, term: number): Promise<void> {
    const { name, filter } = slot.projection;
    let from;
    try {
      from = (await readCheckpoint(this.options.driver, name)).position;
    } catch (err) {
      return this.failed(slot, term, err);
    }
    if (term !== this.term) return;
    let ended = false; // an adapter may stop the subscription before subscribeAll returns
    let sub: Subscription | undefined = undefined;
    sub = this.options.store.subscribeAll(
      { fromPosition: from, filter, batchSize: this.options.batchSize ?? 500 },
      {
        handle: (events) => this.applyBatch(slot, term, events),
        onDropped: (err, ms) => this.logger.warn(`projection ${name}: source dropped (${message(err)}), retry in ${ms} ms`),
        onStopped: (err) => {
          ended = true;
          if (sub && slot.sub === sub) slot.sub = undefined;
          if (err) this.failed(slot, term, err);
        },
      },
    );
    if (!ended) slot.sub = sub;
  }

  /** One batch, exactly once (see `applyBatch`); rolled back if this term ended meanwhile. */
  private async applyBatch(slot: Slot, term: number, events: RecordedEvent[]): Promise<void> {
    await applyBatch(this.options.driver, slot.projection, events, () => term === this.term);
    slot.failures = 0;
    slot.lastError = undefined;
  }

  private failed(slot: Slot, term: number, err: unknown): void {
    if (term !== this.term || err instanceof NotLeaderError) return;
    slot.lastError = message(err);
    const min = this.options.minRestartMs ?? 500;
    const delay = Math.min(min * 2 ** slot.failures, this.options.maxRestartMs ?? 30_000);
    slot.failures++;
    this.logger.error(`projection ${slot.projection.name} failed (${slot.lastError}); restarting in ${delay} ms`);
    clearTimeout(slot.restartTimer);
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (term === this.term) void this.subscribe(slot, term);
    }, delay);
  }
}

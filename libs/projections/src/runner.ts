import { AllFilter, comparePositions, EventStore, matchesFilter, Position, positionToString, RecordedEvent } from '@motcua/event-store/port';
import { migrate, SqlDriver } from '@motcua/sql';
import { applyBatch, applyBatches, NotLeaderError } from './apply-batch';
import { CheckpointedSubscription, checkpointLag } from './checkpointed-subscription';
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

/** Per projection: whether the shared subscription applies it, and its own for when it does not. */
interface Slot {
  projection: Projection;
  /** Applied from the shared subscription (from each lease acquired until it fails alone). */
  shared: boolean;
  /** Its own subscription from its checkpoint, running once it left the shared one. */
  own: CheckpointedSubscription;
  /** Why it left the shared subscription (until it applies a batch alone). */
  leftWith?: string;
}

/**
 * Runs projections from one shared catch-up-then-live subscription: it reads the log once for
 * all of them (from the oldest of their checkpoints, filtered by the union of their filters) and
 * applies each batch to every projection in one SQL transaction (`applyBatches`): each projection's
 * checkpoint row is locked and moved with its own events, so a redelivered event is never applied
 * twice (exactly-once effect per projection). Only the lease holder projects (see `Lease`).
 *
 * A failed batch: each projection is then tried alone, in a transaction of its own. Those that
 * succeed are applied; one that fails alone leaves the shared subscription for the rest of the
 * lease and runs on its own subscription from its own checkpoint, which retries the failing batch
 * after a backoff (never skipping it) while the others go on. When every projection fails alone
 * (the database is down, or only one is left), the shared subscription itself restarts from the
 * oldest checkpoint after a backoff. One subscription and one transaction instead of one per
 * projection: on PGlite (~1 ms of WASM a statement) the in-process worker spends less per event.
 */
export class ProjectionRunner {
  private readonly slots: Slot[];
  private readonly shared: CheckpointedSubscription;
  private readonly logger: ProjectionLogger;
  private lease: Lease | undefined;
  private running: Promise<void> | undefined;
  private leading = false;

  constructor(private readonly options: ProjectionRunnerOptions) {
    const names = new Set(options.projections.map((p) => p.name));
    if (names.size !== options.projections.length) throw new Error('projection names must be unique');
    this.logger = options.logger ?? SILENT_LOGGER;
    const restart = { minRestartMs: options.minRestartMs, maxRestartMs: options.maxRestartMs };
    this.slots = options.projections.map((projection) => {
      const slot: Slot = {
        projection,
        shared: true,
        own: new CheckpointedSubscription({
          store: options.store,
          driver: options.driver,
          checkpoint: projection.name,
          filter: projection.filter,
          batchSize: options.batchSize,
          // one batch, exactly once (see `applyBatch`); rolled back if the lease was lost meanwhile
          handle: async (events, current) => {
            await applyBatch(options.driver, projection, events, current);
            slot.leftWith = undefined; // applied alone: the failure that made it leave is over
          },
          handlerAdvancesCheckpoint: true,
          label: `projection ${projection.name}`,
          logger: this.logger,
          ...restart,
        }),
      };
      return slot;
    });
    this.shared = new CheckpointedSubscription({
      store: options.store,
      driver: options.driver,
      // never read nor written: the shared subscription starts at `sharedStart`, and `applyBatches` moves each projection's own row
      checkpoint: 'projections',
      startPosition: () => this.sharedStart(),
      filter: unionFilter(options.projections.map((p) => p.filter)),
      batchSize: options.batchSize,
      handle: (events, current) => this.applyShared(events, current),
      handlerAdvancesCheckpoint: true,
      label: 'projections',
      logger: this.logger,
      ...restart,
    });
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
    const projections: ProjectionStatus[] = [];
    for (const slot of this.slots) {
      const { projection } = slot;
      const lag = await checkpointLag(this.options.store, this.options.driver, projection.name, projection.filter);
      projections.push({
        name: projection.name,
        position: lag.position && positionToString(lag.position),
        eventsHandled: lag.eventsHandled,
        eventsBehind: lag.eventsBehind,
        secondsBehind: lag.secondsBehind,
        caughtUp: lag.eventsBehind === 0,
        leader: this.leading,
        running: slot.shared ? this.shared.running : slot.own.running,
        lastError: slot.shared ? this.shared.lastError : (slot.own.lastError ?? slot.leftWith),
      });
    }
    return { leader: this.leading, projections };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private async acquired(): Promise<void> {
    this.leading = true;
    for (const slot of this.slots) {
      slot.shared = true;
      slot.leftWith = undefined;
    }
    await this.shared.start();
  }

  private async released(): Promise<void> {
    // Stop first, so a batch committing after this point is rolled back (NotLeaderError).
    this.leading = false;
    await Promise.all([this.shared.stop(), ...this.slots.map((s) => s.own.stop())]);
  }

  /** The oldest checkpoint of the projections still on the shared subscription (undefined: the start of the log). */
  private async sharedStart(): Promise<Position | undefined> {
    let oldest: Position | undefined;
    for (const slot of this.slots.filter((s) => s.shared)) {
      const { position } = await readCheckpoint(this.options.driver, slot.projection.name);
      if (!position) return undefined;
      if (!oldest || comparePositions(position, oldest) < 0) oldest = position;
    }
    return oldest;
  }

  /** One batch of the shared subscription: every projection on it, in one transaction; see the class comment for a failure. */
  private async applyShared(events: RecordedEvent[], current: () => boolean): Promise<void> {
    const batches = this.slots
      .filter((s) => s.shared)
      .map((slot) => ({ slot, projection: slot.projection, events: events.filter((e) => matchesFilter(e.stream, e.type, slot.projection.filter)) }));
    try {
      await applyBatches(this.options.driver, batches, current);
      return;
    } catch (err) {
      if (err instanceof NotLeaderError || batches.length < 2) throw err;
    }
    // Which one fails: each alone, in a transaction of its own (those that succeed are applied).
    const failed: { slot: Slot; err: unknown }[] = [];
    for (const { slot, projection, events: own } of batches) {
      try {
        await applyBatch(this.options.driver, projection, own, current);
      } catch (err) {
        if (err instanceof NotLeaderError) throw err;
        failed.push({ slot, err });
      }
    }
    // nothing applies (the database?): the shared subscription retries after its backoff
    if (failed.length === batches.length) throw failed[0].err;
    // a lease lost meanwhile stopped every subscription: none may start again
    if (!current()) throw new NotLeaderError();
    for (const { slot, err } of failed) {
      slot.shared = false;
      slot.leftWith = message(err);
      this.logger.error(
        `projection ${slot.projection.name} failed (${slot.leftWith}); it goes on alone from its checkpoint, the others on the shared subscription`,
      );
      void slot.own.start();
    }
  }
}

/** A filter passing every event that one of `filters` passes (and more: each projection filters its own share). */
function unionFilter(filters: (AllFilter | undefined)[]): AllFilter | undefined {
  const union = (lists: (string[] | undefined)[]) => (lists.some((l) => !l?.length) ? undefined : [...new Set(lists.flatMap((l) => l!))]);
  const streamPrefixes = union(filters.map((f) => f?.streamPrefixes));
  const eventTypes = union(filters.map((f) => f?.eventTypes));
  if (!streamPrefixes && !eventTypes) return undefined;
  return { ...(streamPrefixes && { streamPrefixes }), ...(eventTypes && { eventTypes }) };
}

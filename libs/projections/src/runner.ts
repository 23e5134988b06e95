import { EventStore, positionToString } from '@motcua/event-store/port';
import { migrate, SqlDriver } from '@motcua/sql';
import { applyBatch } from './apply-batch';
import { CheckpointedSubscription } from './checkpointed-subscription';
import { Lease } from './lease';
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

/** Per projection: its checkpointed subscription (running while leading). */
interface Slot {
  projection: Projection;
  subscription: CheckpointedSubscription;
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

  constructor(private readonly options: ProjectionRunnerOptions) {
    const names = new Set(options.projections.map((p) => p.name));
    if (names.size !== options.projections.length) throw new Error('projection names must be unique');
    this.logger = options.logger ?? SILENT_LOGGER;
    this.slots = options.projections.map((projection) => ({
      projection,
      subscription: new CheckpointedSubscription({
        store: options.store,
        driver: options.driver,
        checkpoint: projection.name,
        filter: projection.filter,
        batchSize: options.batchSize,
        // one batch, exactly once (see `applyBatch`); rolled back if the lease was lost meanwhile
        handle: (events, current) => applyBatch(options.driver, projection, events, current).then(() => undefined),
        handlerAdvancesCheckpoint: true,
        label: `projection ${projection.name}`,
        logger: this.logger,
        minRestartMs: options.minRestartMs,
        maxRestartMs: options.maxRestartMs,
      }),
    }));
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
    for (const { projection, subscription } of this.slots) {
      const lag = await subscription.lag();
      projections.push({
        name: projection.name,
        position: lag.position && positionToString(lag.position),
        eventsHandled: lag.eventsHandled,
        eventsBehind: lag.eventsBehind,
        secondsBehind: lag.secondsBehind,
        caughtUp: lag.eventsBehind === 0,
        leader: this.leading,
        running: subscription.running,
        lastError: subscription.lastError,
      });
    }
    return { leader: this.leading, projections };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private async acquired(): Promise<void> {
    this.leading = true;
    await Promise.all(this.slots.map((s) => s.subscription.start()));
  }

  private async released(): Promise<void> {
    // Stop first, so a batch committing after this point is rolled back (NotLeaderError).
    this.leading = false;
    await Promise.all(this.slots.map((s) => s.subscription.stop()));
  }
}

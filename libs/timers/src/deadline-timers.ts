import { Job, Queue, Worker } from 'bullmq';
import { RecordedEvent, positionToString } from '@motcua/event-store/port';
import { CheckpointedSubscription, Lease, ProjectionLogger, SILENT_LOGGER } from '@motcua/projections';
import { migrate } from '@motcua/sql';
import { TimerFiring, TimerOutcome } from './fire';
import { addTimers, TimerJobData } from './job-options';
import { DeadlineTimersOptions, PoisonSource } from './options';
import { PoisonEntry, TimerPoison } from './poison';
import { Alarm, SWEEP_JOB, TimerData } from './schedule';
import { TIMERS_CHECKPOINT, TIMERS_FILTER, TimerScheduler } from './scheduler';
import { SweepResult, sweepTimers } from './sweep';

const SWEEP_SCHEDULER_ID = 'deadline-timers-sweep';

/** The scheduling subscription's lag (like a projection's) and its poison entries: `/health` and `/metrics`. */
export interface TimersStatus {
  checkpoint: string;
  position?: string;
  /** Due-setting events after the checkpoint. */
  eventsBehind: number;
  /** Age of the oldest of them (0 when caught up). */
  secondsBehind: number;
  /** This process holds the scheduling lease and its subscription runs. */
  running: boolean;
  /** The last failure of the subscription (cleared by the next batch handled). */
  lastError?: string;
  /** Dossiers recorded in `timer_poison` (skipped until they compute again). */
  poisoned: number;
}

/**
 * Deadline timers in BullMQ. Timers are alarm clocks, the event store is the record:
 *
 * - a checkpointed subscription to the due-setting events re-reads each dossier and schedules one
 *   delayed job (an alarm) per dossier for the effective due time in force, and one per open
 *   transfer, ringing at its earliest pending alert (deterministic job ids, so a re-added alarm is a
 *   no-op; side effects are idempotent, the checkpoint only saves work): `TimerScheduler`, run by a
 *   `CheckpointedSubscription` under a lease;
 * - the timer worker re-reads the dossier, appends each alert whose time has come through
 *   DossierService (`raise-alert`, which appends nothing when the alarm is stale, the dossier closed
 *   or the alert already raised) and re-arms the alarm for the next one: `TimerFiring`;
 * - a sweep (repeatable job, and once at start) re-adds timers that Redis lost, firing at once
 *   those whose time has passed: `sweepTimers`;
 * - dossiers whose timers cannot be computed are recorded and skipped: `TimerPoison`.
 */
export class DeadlineTimers {
  readonly queue: Queue<TimerJobData>;
  private worker?: Worker<TimerJobData>;
  private lease?: Lease;
  private leaseRun?: Promise<void>;
  private schedulerTimer?: NodeJS.Timeout;
  private readonly logger: ProjectionLogger;
  private readonly checkpoint: string;
  private readonly poison: TimerPoison;
  private readonly scheduler: TimerScheduler;
  private readonly firing: TimerFiring;
  private readonly subscription: CheckpointedSubscription;

  constructor(private readonly options: DeadlineTimersOptions) {
    // lean jobs: retry and retention are the wrapper's worker defaults, not repeated in every job hash
    this.queue = options.queues.leanQueue<TimerJobData>(options.config.queueName);
    this.logger = options.logger ?? SILENT_LOGGER;
    this.checkpoint = options.checkpoint ?? TIMERS_CHECKPOINT;
    this.poison = new TimerPoison(options.driver, this.logger, options.onPoison);
    this.scheduler = new TimerScheduler(options, this.queue, this.poison);
    this.firing = new TimerFiring(options, this.logger, (state) => this.scheduler.timersFor(state));
    this.subscription = new CheckpointedSubscription({
      store: options.store,
      driver: options.driver,
      checkpoint: this.checkpoint,
      filter: TIMERS_FILTER,
      handle: (events) => this.scheduler.scheduleEvents(events),
      label: 'timers: scheduling',
      logger: this.logger,
    });
  }

  /** Starts the worker, the scheduling subscription (under a lease) and the sweep. */
  async start(): Promise<void> {
    await migrate(this.options.driver);
    if (this.options.runWorker !== false) {
      this.worker = this.options.queues.worker<TimerJobData>(this.options.config.queueName, (job, token) => this.process(job, token), {
        concurrency: this.options.config.concurrency,
      });
      await this.ensureSweepScheduler();
      // Re-assert the repeatable sweep now and then: a wiped Redis loses it too.
      this.schedulerTimer = setInterval(() => void this.ensureSweepScheduler().catch(() => undefined), this.options.config.sweepEveryMs);
      this.schedulerTimer.unref();
    }
    const lease = new Lease(this.options.driver, {
      key: this.options.leaseKey ?? 'motcua:deadline-timers',
      retryMs: 1000,
      heartbeatMs: 1000,
      heartbeatTimeoutMs: 5000,
      logger: this.logger,
    });
    this.lease = lease;
    this.leaseRun = lease.run({ acquired: () => this.subscription.start(), released: () => this.subscription.stop() });
  }

  async stop(): Promise<void> {
    clearInterval(this.schedulerTimer);
    this.lease?.stop();
    await this.leaseRun;
    await this.subscription.stop();
  }

  /** Closes the worker (finishing running jobs); the Queues wrapper closes it too at shutdown. */
  async closeWorker(): Promise<void> {
    await this.worker?.close();
  }

  private async ensureSweepScheduler(): Promise<void> {
    // one sweep per event store (its id in the scheduler id and the job), even on a queue two deployments share
    const store = this.options.storeId;
    await this.options.queues.scheduler(
      this.options.config.queueName,
      store ? `${SWEEP_SCHEDULER_ID}-${store}` : SWEEP_SCHEDULER_ID,
      this.options.config.sweepEveryMs,
      SWEEP_JOB,
      store ? { store } : {},
    );
  }

  /** See `TimerScheduler.scheduleDossiers`. */
  scheduleDossiers(
    ids: readonly string[],
    opts: { causes?: ReadonlyMap<string, RecordedEvent>; source?: PoisonSource; now?: number } = {},
  ): Promise<TimerData[]> {
    return this.scheduler.scheduleDossiers(ids, opts);
  }

  /** The timers a dossier needs now, from its stream (throws when they cannot be computed). */
  timersOf(id: string): Promise<TimerData[]> {
    return this.scheduler.timersOf(id);
  }

  /** The recorded poison dossiers (oldest failure first). */
  poisonEntries(limit = 1000): Promise<PoisonEntry[]> {
    return this.poison.entries(limit);
  }

  /** See `TimerScheduler.retryPoison`. */
  retryPoison(now = Date.now(), skip: ReadonlySet<string> = new Set()): Promise<{ recovered: number; poisoned: number }> {
    return this.scheduler.retryPoison(now, skip);
  }

  /** The subscription's lag against its checkpoint (meaningful on a standby too), and the poison count. */
  async status(): Promise<TimersStatus> {
    const lag = await this.subscription.lag();
    const lastError = this.subscription.lastError;
    return {
      checkpoint: this.checkpoint,
      ...(lag.position && { position: positionToString(lag.position) }),
      eventsBehind: lag.eventsBehind,
      secondsBehind: lag.secondsBehind,
      running: this.subscription.running,
      ...(lastError !== undefined && { lastError }),
      poisoned: await this.poison.count(),
    };
  }

  /** See `addTimers` (one alarm job per dossier and due time; bulks of 1,000, up to 4 in flight; re-adding is a no-op). */
  addTimers(timers: readonly TimerData[]): Promise<Alarm[]> {
    return addTimers(this.queue, timers);
  }

  // ---- worker -------------------------------------------------------------------------------

  async process(job: Job<TimerJobData>, token?: string): Promise<TimerOutcome | SweepResult> {
    const foreign = await this.firing.leaveForeign(job, token);
    if (foreign) return foreign;
    if (job.name === SWEEP_JOB) return this.sweep();
    return this.fire(job, token);
  }

  /** See `TimerFiring.fire`: an alarm raises what is due and re-arms itself; idempotent. */
  fire(job: Job<TimerJobData>, token?: string): Promise<TimerOutcome> {
    return this.firing.fire(job, token);
  }

  /** See `sweepTimers`. */
  sweep(now = Date.now()): Promise<SweepResult> {
    return sweepTimers({ driver: this.options.driver, queue: this.queue, scheduler: this.scheduler, poison: this.poison, logger: this.logger }, now);
  }
}

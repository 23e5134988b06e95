import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DelayedError, Job, JobsOptions, Queue, Worker } from 'bullmq';
import { DossierService, NotFoundError, ReferenceService, type Actor } from '@motcua/application';
import { createWorkingTimeContext, DOSSIER_STREAM_PREFIX, isOpenDossier, type DossierState, type OpenDossier, type WorkingTimeContext } from '@motcua/domain';
import { EventStore, RecordedEvent, Subscription } from '@motcua/event-store/port';
import { Queues } from '@motcua/platform';
import { advanceCheckpoint, lockCheckpoint, Lease, ProjectionLogger, readCheckpoint, SILENT_LOGGER } from '@motcua/projections';
import { comparePositions } from '@motcua/event-store/port';
import { migrate, SqlDriver } from '@motcua/sql';
import { policyFor, TimersConfig } from './config';
import { pendingTimers, SWEEP_JOB, TIMER_JOB, timerJobId, TimerData } from './schedule';

/** The events that set or move the effective due time. */
export const DUE_SETTING_EVENTS = ['DossierReceived', 'SupplementReceived', 'ApologyIssued'];
export const TIMERS_CHECKPOINT = 'deadline-timers';
export const TIMERS_ACTOR: Actor = { id: 'system:timers', name: 'timers', roles: ['admin'], units: [] };
const SWEEP_SCHEDULER_ID = 'deadline-timers-sweep';
const LOAD_CONCURRENCY = 16;
const SWEEP_PAGE = 1000;

export interface DeadlineTimersOptions {
  store: EventStore;
  driver: SqlDriver;
  queues: Queues;
  reference: ReferenceService;
  dossiers: DossierService;
  config: TimersConfig;
  logger?: ProjectionLogger;
  /** Advisory-lock key of the scheduling subscription (one scheduler at a time). */
  leaseKey?: string;
  /** Checkpoint name of the scheduling subscription. Default `deadline-timers`. */
  checkpoint?: string;
  /** Run the timer worker here (default true); false: schedule only (benchmarks). */
  runWorker?: boolean;
  /** A timer appended its alert, `latenessSeconds` after its fire time (metrics). */
  onAlertRaised?: (kind: string, latenessSeconds: number) => void;
}

export interface TimerOutcome {
  appended: number;
  stale?: boolean;
}

export interface SweepResult {
  /** Open dossiers with the clock running. */
  dossiers: number;
  /** Timers (dossier × kind) found missing in Redis and re-added. */
  readded: number;
  /** Of these, fired at once (their time had passed). */
  firedNow: number;
  /** Failed timer jobs retried. */
  retried: number;
}

/**
 * Deadline timers in BullMQ. Timers are alarm clocks, the event store is the record:
 *
 * - a checkpointed subscription to the due-setting events re-reads each dossier and schedules one
 *   delayed job per alert kind for the effective due time in force (deterministic job ids, so a
 *   re-added timer is a no-op; side effects are idempotent, the checkpoint only saves work);
 * - the timer worker appends the alert through DossierService (`raise-alert`), which appends
 *   nothing when the timer is stale, the dossier closed or the alert already raised;
 * - a sweep (repeatable job, and once at start) re-adds timers that Redis lost, firing at once
 *   those whose time has passed.
 */
export class DeadlineTimers {
  readonly queue: Queue<TimerData>;
  private worker?: Worker<TimerData>;
  private lease?: Lease;
  private leaseRun?: Promise<void>;
  private sub?: Subscription;
  private term = 0;
  private restartTimer?: NodeJS.Timeout;
  private schedulerTimer?: NodeJS.Timeout;
  private failures = 0;
  private readonly logger: ProjectionLogger;
  private readonly checkpoint: string;
  private readonly fallbackContexts = new Map<string, WorkingTimeContext>();

  constructor(private readonly options: DeadlineTimersOptions) {
    this.queue = options.queues.queue<TimerData>(options.config.queueName);
    this.logger = options.logger ?? SILENT_LOGGER;
    this.checkpoint = options.checkpoint ?? TIMERS_CHECKPOINT;
  }

  /** Starts the worker, the scheduling subscription (under a lease) and the sweep. */
  async start(): Promise<void> {
    await migrate(this.options.driver);
    if (this.options.runWorker !== false) {
      this.worker = this.options.queues.worker<TimerData>(this.options.config.queueName, (job, token) => this.process(job, token), {
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
    this.leaseRun = lease.run({ acquired: () => this.subscribe(++this.term), released: () => this.unsubscribe() });
  }

  async stop(): Promise<void> {
    clearInterval(this.schedulerTimer);
    this.lease?.stop();
    await this.leaseRun;
    await this.unsubscribe();
  }

  /** Closes the worker (finishing running jobs); the Queues wrapper closes it too at shutdown. */
  async closeWorker(): Promise<void> {
    await this.worker?.close();
  }

  private async ensureSweepScheduler(): Promise<void> {
    await this.options.queues.scheduler(this.options.config.queueName, SWEEP_SCHEDULER_ID, this.options.config.sweepEveryMs, SWEEP_JOB, {});
  }

  // ---- scheduling subscription ------------------------------------------------------------

  private async subscribe(term: number): Promise<void> {
    if (term !== this.term) return;
    let from;
    try {
      from = (await readCheckpoint(this.options.driver, this.checkpoint)).position;
    } catch (err) {
      return this.failed(term, err);
    }
    let ended = false;
    const sub = this.options.store.subscribeAll(
      { fromPosition: from, filter: { streamPrefixes: [DOSSIER_STREAM_PREFIX], eventTypes: DUE_SETTING_EVENTS }, batchSize: 500 },
      {
        handle: (events) => this.handle(events),
        onDropped: (err, ms) => this.logger.warn(`timers: event source dropped (${String(err)}), retry in ${ms} ms`),
        onStopped: (err) => {
          ended = true;
          if (this.sub === sub) this.sub = undefined;
          if (err) this.failed(term, err);
        },
      },
    );
    if (!ended) this.sub = sub;
  }

  private async unsubscribe(): Promise<void> {
    this.term++;
    clearTimeout(this.restartTimer);
    const sub = this.sub;
    this.sub = undefined;
    await sub?.stop();
  }

  private failed(term: number, err: unknown): void {
    if (term !== this.term) return;
    const delay = Math.min(500 * 2 ** this.failures++, 30_000);
    this.logger.error(`timers: scheduling failed (${err instanceof Error ? err.message : String(err)}); restarting in ${delay} ms`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.subscribe(term), delay);
  }

  /** Schedules the timers of the dossiers the events touch, then moves the checkpoint past them. */
  private async handle(events: RecordedEvent[]): Promise<void> {
    const ids = [...new Set(events.map((e) => e.stream.slice(DOSSIER_STREAM_PREFIX.length)))];
    await this.scheduleDossiers(ids);
    const last = events[events.length - 1].position;
    await this.options.driver.transaction(async (tx) => {
      const cp = await lockCheckpoint(tx, this.checkpoint);
      if (cp.position && comparePositions(last, cp.position) <= 0) return;
      await advanceCheckpoint(tx, this.checkpoint, last, events.length);
    });
    this.failures = 0;
  }

  /** Re-reads each dossier and adds the timers it needs (existing ids are left alone). Returns them. */
  async scheduleDossiers(ids: readonly string[]): Promise<TimerData[]> {
    const timers: TimerData[] = [];
    // the streams of up to 500 dossiers in one query (when the store can)
    for (let i = 0; i < ids.length; i += 500) {
      const states = await this.options.dossiers.loadStates(ids.slice(i, i + 500));
      for (const state of states.values()) timers.push(...this.timersFor(state));
    }
    await this.addTimers(timers);
    return timers;
  }

  /** The timers a dossier needs now, from its stream. */
  async timersOf(id: string): Promise<TimerData[]> {
    const { state } = await this.options.dossiers.load(id);
    return this.timersFor(state);
  }

  private timersFor(state: DossierState): TimerData[] {
    if (!isOpenDossier(state)) return [];
    return pendingTimers(state, this.contextOf(state), policyFor(this.options.config.policies, state.unitCode, state.procedureCode));
  }

  /**
   * Adds timers in bulks of 1,000, keeping up to 4 bulks in flight (BullMQ runs one Lua script
   * per job: with one bulk at a time the connection idles between bulks; bench/peers/pgboss.bench.ts
   * measured 4.5k timers/s one at a time, 7.5k with 4 in flight). Re-adding a timer is a no-op
   * (deterministic job ids), so a failed call can simply be retried.
   */
  async addTimers(timers: readonly TimerData[], now = Date.now()): Promise<void> {
    const BULK = 1000;
    const IN_FLIGHT = 4;
    let next = 0;
    const lane = async () => {
      while (next < timers.length) {
        const slice = timers.slice(next, next + BULK);
        next += BULK;
        await this.queue.addBulk(slice.map((t) => ({ name: TIMER_JOB, data: t, opts: timerJobOptions(t, now) })));
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.ceil(timers.length / BULK)) }, lane));
  }

  private contextOf(dossier: OpenDossier): WorkingTimeContext {
    const data = this.options.reference.data;
    if (data.units.has(dossier.unitCode)) return data.workingTime(dossier.unitCode);
    let ctx = this.fallbackContexts.get(dossier.timeZone);
    if (!ctx) this.fallbackContexts.set(dossier.timeZone, (ctx = createWorkingTimeContext({ timeZone: dossier.timeZone })));
    return ctx;
  }

  // ---- worker -------------------------------------------------------------------------------

  async process(job: Job<TimerData>, token?: string): Promise<TimerOutcome | SweepResult> {
    if (job.name === SWEEP_JOB) return this.sweep();
    return this.fire(job, token);
  }

  /** One timer: appends the alert unless it is stale, early or already raised (idempotent). */
  async fire(job: Job<TimerData>, token?: string): Promise<TimerOutcome> {
    const { dossierId, kind, dueAt, fireAt } = job.data;
    if (token && Date.now() < fireAt) {
      // Added too early (clock skew between processes): wait until its time.
      await job.moveToDelayed(fireAt, token);
      throw new DelayedError();
    }
    const now = new Date();
    try {
      const r = await this.options.dossiers.execute(
        dossierId,
        { action: 'raise-alert', kind, dueAt: new Date(dueAt) },
        { actor: TIMERS_ACTOR, now, correlationId: `timer-${job.id}`, causationId: String(job.id ?? randomUUID()) },
      );
      if (r.appended > 0) this.options.onAlertRaised?.(kind, (Date.now() - fireAt) / 1000);
      return { appended: r.appended };
    } catch (err) {
      if (err instanceof NotFoundError) return { appended: 0, stale: true };
      throw err; // version conflict, store down: BullMQ retries (attempts/backoff of the wrapper)
    }
  }

  // ---- sweep --------------------------------------------------------------------------------

  /**
   * Finds open dossiers (dossier_summary: received/assigned, clock running) whose timers are not in
   * Redis and re-adds the ones whose alert was not raised yet (a past one fires at once); retries
   * failed timer jobs. Idempotent: run it as often as you like, on as many workers as you like.
   */
  async sweep(now = Date.now()): Promise<SweepResult> {
    const result: SweepResult = { dossiers: 0, readded: 0, firedNow: 0, retried: 0 };
    const client = (await this.queue.client) as unknown as Redis;
    let after = '';
    for (;;) {
      const { rows } = await this.options.driver.query<{ id: string; due: string }>(
        `SELECT id, (extract(epoch from effective_due_at) * 1000)::bigint::text AS due FROM dossier_summary
         WHERE status IN ('received', 'assigned') AND clock_stopped_at IS NULL AND id > $1 ORDER BY id LIMIT ${SWEEP_PAGE}`,
        [after],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      result.dossiers += rows.length;
      const pipe = client.pipeline();
      const failedKey = this.queue.keys.failed;
      for (const r of rows) {
        for (const kind of ['near-deadline', 'apology-cutoff', 'overdue'] as const) {
          const id = timerJobId(r.id, kind, Number(r.due));
          pipe.exists(this.queue.toKey(id));
          pipe.zscore(failedKey, id);
        }
      }
      const replies = (await pipe.exec()) ?? [];
      const suspects: string[] = [];
      const failed: string[] = [];
      rows.forEach((r, i) => {
        let missing = false;
        for (let k = 0; k < 3; k++) {
          const exists = Number(replies[(i * 3 + k) * 2]?.[1] ?? 0);
          const failedScore = replies[(i * 3 + k) * 2 + 1]?.[1];
          if (!exists) missing = true;
          else if (failedScore !== null && failedScore !== undefined) failed.push(timerJobId(r.id, (['near-deadline', 'apology-cutoff', 'overdue'] as const)[k], Number(r.due)));
        }
        if (missing) suspects.push(r.id);
      });
      for (const id of failed) {
        const job = await this.queue.getJob(id);
        if (job && (await job.isFailed())) {
          await job.retry().catch(() => undefined);
          result.retried++;
        }
      }
      if (suspects.length === 0) continue;
      const needed = (await mapLimit(suspects, LOAD_CONCURRENCY, (id) => this.timersOf(id))).flat();
      const existing = await mapLimit(needed, LOAD_CONCURRENCY, (t) => client.exists(this.queue.toKey(timerJobId(t.dossierId, t.kind, Date.parse(t.dueAt)))));
      const missing = needed.filter((_, i) => !existing[i]);
      await this.addTimers(missing, now);
      result.readded += missing.length;
      result.firedNow += missing.filter((t) => t.fireAt <= now).length;
    }
    if (result.readded || result.retried) this.logger.log(`timers sweep: ${result.readded} timers re-added (${result.firedNow} fired at once), ${result.retried} retried`);
    return result;
  }
}

/**
 * A timer's job options: its deterministic id, its delay (0 when its time has passed) and the
 * `timestamp` the delay counts from. BullMQ fires a delayed job at `timestamp + delay`, and
 * `timestamp` defaults to when the Job object is built: without it, a timer added in a later bulk
 * of the same `addTimers` (or a later page of a sweep, which passes its start time) would fire
 * late by the time the earlier bulks took.
 */
export function timerJobOptions(t: TimerData, now = Date.now()): JobsOptions {
  return { jobId: timerJobId(t.dossierId, t.kind, Date.parse(t.dueAt)), delay: Math.max(0, t.fireAt - now), timestamp: now };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

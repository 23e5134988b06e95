import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DelayedError, Job, JobsOptions, Queue, Worker } from 'bullmq';
import { DossierService, NotFoundError, ReferenceService, type Actor } from '@motcua/application';
import {
  CorruptDossierStream,
  createWorkingTimeContext,
  DomainError,
  DOSSIER_STREAM_PREFIX,
  dossierStreamName,
  isOpenDossier,
  type DossierState,
  type OpenDossier,
  type WorkingTimeContext,
} from '@motcua/domain';
import { AllFilter, EventStore, positionToString, RecordedEvent, Subscription } from '@motcua/event-store/port';
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
/** The events the scheduling subscription reads (its lag is counted against the same filter). */
export const TIMERS_FILTER: AllFilter = { streamPrefixes: [DOSSIER_STREAM_PREFIX], eventTypes: DUE_SETTING_EVENTS };
/** Where a poison dossier was met: the scheduling subscription, or the sweep (which also retries recorded ones). */
export type PoisonSource = 'subscription' | 'sweep';
/** Why a timer job was dropped without an alert. */
export type DroppedReason = 'unknown-dossier';
const SWEEP_SCHEDULER_ID = 'deadline-timers-sweep';
const LOAD_CONCURRENCY = 16;
const SWEEP_PAGE = 1000;
/** A job of another event store goes back to the delayed set for this long (its owner's worker takes it meanwhile). */
const FOREIGN_JOB_RETRY_MS = 1_000;

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
  /**
   * Identity of the event store these timers belong to (the database's random namespace): written
   * on every timer job; a job of another store (two deployments configured onto one queue) is put
   * back for its owner, never consumed. Undefined: jobs carry none and every job is taken.
   */
  storeId?: string;
  /** A dossier whose timers cannot be computed was recorded in `timer_poison` and skipped (metrics). */
  onPoison?: (source: PoisonSource) => void;
  /** A timer job was dropped without an alert (metrics). */
  onJobDropped?: (reason: DroppedReason) => void;
  /** A job of another event store was met and put back (metrics). */
  onForeignJob?: () => void;
}

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

/** A recorded poison dossier (`timer_poison`). */
export interface PoisonEntry {
  dossierId: string;
  stream: string;
  eventId?: string;
  eventType?: string;
  position?: string;
  error: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

/**
 * Whether an error met while computing one dossier's timers is that dossier's own (poison: record and
 * skip it) rather than the infrastructure's (database or Redis down: fail the batch, retry it whole).
 * A calendar that cannot compute a date throws RangeError; a corrupt stream, CorruptDossierStream.
 */
export function isPoisonError(err: unknown): boolean {
  return err instanceof RangeError || err instanceof TypeError || err instanceof SyntaxError || err instanceof DomainError || err instanceof CorruptDossierStream;
}

export interface TimerOutcome {
  appended: number;
  stale?: boolean;
  /** Another event store's job (left for its owner). */
  foreign?: boolean;
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
  /** Dossiers whose timers could not be computed (recorded in `timer_poison`, skipped). */
  poisoned: number;
  /** Recorded poison dossiers whose timers compute again (entries deleted, timers added). */
  recovered: number;
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
  private lastError?: string;
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
    // one sweep per event store (its id in the scheduler id and the job), even on a queue two deployments share
    const store = this.options.storeId;
    await this.options.queues.scheduler(this.options.config.queueName, store ? `${SWEEP_SCHEDULER_ID}-${store}` : SWEEP_SCHEDULER_ID, this.options.config.sweepEveryMs, SWEEP_JOB, store ? { store } : {});
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
      { fromPosition: from, filter: TIMERS_FILTER, batchSize: 500 },
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
    this.lastError = err instanceof Error ? err.message : String(err);
    this.logger.error(`timers: scheduling failed (${this.lastError}); restarting in ${delay} ms`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.subscribe(term), delay);
  }

  /**
   * Schedules the timers of the dossiers the events touch, then moves the checkpoint past them. A
   * dossier whose timers cannot be computed is recorded as poison and skipped: it never holds up the
   * others (an infrastructure error still fails the whole batch, which is retried).
   */
  private async handle(events: RecordedEvent[]): Promise<void> {
    const causes = new Map<string, RecordedEvent>();
    for (const e of events) causes.set(e.stream.slice(DOSSIER_STREAM_PREFIX.length), e);
    await this.scheduleDossiers([...causes.keys()], { causes, source: 'subscription' });
    const last = events[events.length - 1].position;
    await this.options.driver.transaction(async (tx) => {
      const cp = await lockCheckpoint(tx, this.checkpoint);
      if (cp.position && comparePositions(last, cp.position) <= 0) return;
      await advanceCheckpoint(tx, this.checkpoint, last, events.length);
    });
    this.failures = 0;
    this.lastError = undefined;
  }

  /**
   * Re-reads each dossier and adds the timers it needs (existing ids are left alone). Returns them.
   * A dossier whose timers cannot be computed (see `isPoisonError`) is recorded in `timer_poison`,
   * counted, logged and skipped; one that computes again has its entry deleted.
   */
  async scheduleDossiers(
    ids: readonly string[],
    opts: { causes?: ReadonlyMap<string, RecordedEvent>; source?: PoisonSource; now?: number } = {},
  ): Promise<TimerData[]> {
    const source = opts.source ?? 'subscription';
    const timers: TimerData[] = [];
    const ok: string[] = [];
    // the streams of up to 500 dossiers in one query (when the store can)
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      let states: Map<string, DossierState>;
      try {
        states = await this.options.dossiers.loadStates(slice);
      } catch (err) {
        if (!isPoisonError(err)) throw err;
        // one stream does not fold: load them one by one to find it
        states = new Map();
        for (const id of slice) {
          try {
            states.set(id, (await this.options.dossiers.load(id)).state);
          } catch (e) {
            if (!isPoisonError(e)) throw e;
            await this.poisoned(id, e, opts.causes?.get(id), source);
          }
        }
      }
      for (const [id, state] of states) {
        try {
          timers.push(...this.timersFor(state));
          ok.push(id);
        } catch (err) {
          if (!isPoisonError(err)) throw err;
          await this.poisoned(id, err, opts.causes?.get(id), source);
        }
      }
    }
    await this.addTimers(timers, opts.now);
    await this.clearPoison(ok);
    return timers;
  }

  /** The timers a dossier needs now, from its stream (throws when they cannot be computed). */
  async timersOf(id: string): Promise<TimerData[]> {
    const { state } = await this.options.dossiers.load(id);
    return this.timersFor(state);
  }

  private timersFor(state: DossierState): TimerData[] {
    if (!isOpenDossier(state)) return [];
    const timers = pendingTimers(state, this.contextOf(state), policyFor(this.options.config.policies, state.unitCode, state.procedureCode));
    const store = this.options.storeId;
    return store ? timers.map((t) => ({ ...t, store })) : timers;
  }

  // ---- poison dossiers ----------------------------------------------------------------------

  private async poisoned(dossierId: string, err: unknown, cause: RecordedEvent | undefined, source: PoisonSource): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    const stream = dossierStreamName(dossierId);
    const position = cause ? positionToString(cause.position) : null;
    await this.options.driver.query(
      `INSERT INTO timer_poison (dossier_id, stream, event_id, event_type, position, error) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (dossier_id) DO UPDATE SET
         event_id = COALESCE(EXCLUDED.event_id, timer_poison.event_id), event_type = COALESCE(EXCLUDED.event_type, timer_poison.event_type),
         position = COALESCE(EXCLUDED.position, timer_poison.position), error = EXCLUDED.error,
         attempts = timer_poison.attempts + 1, last_failed_at = now()`,
      [dossierId, stream, cause?.id ?? null, cause?.type ?? null, position, message],
    );
    this.options.onPoison?.(source);
    const what = cause ? `event ${cause.type} ${cause.id} (position ${position}) of stream ${stream}` : `stream ${stream}`;
    this.logger.error(`timers: poison ${what}: its timers cannot be computed (${message}); skipped, recorded in timer_poison, retried by the sweep`);
  }

  private async clearPoison(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const r = await this.options.driver.query(`DELETE FROM timer_poison WHERE dossier_id = ANY($1::text[])`, [[...ids]]);
    if (r.affectedRows > 0) this.logger.log(`timers: ${r.affectedRows} poison dossier(s) compute again; their timers are scheduled`);
  }

  /** The recorded poison dossiers (oldest failure first). */
  async poisonEntries(limit = 1000): Promise<PoisonEntry[]> {
    const { rows } = await this.options.driver.query<Record<string, unknown>>(
      `SELECT dossier_id, stream, event_id, event_type, position, error, attempts, first_failed_at, last_failed_at FROM timer_poison ORDER BY first_failed_at, dossier_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      dossierId: String(r.dossier_id),
      stream: String(r.stream),
      ...(r.event_id != null && { eventId: String(r.event_id) }),
      ...(r.event_type != null && { eventType: String(r.event_type) }),
      ...(r.position != null && { position: String(r.position) }),
      error: String(r.error),
      attempts: Number(r.attempts),
      firstFailedAt: new Date(r.first_failed_at as string).toISOString(),
      lastFailedAt: new Date(r.last_failed_at as string).toISOString(),
    }));
  }

  /**
   * Re-evaluates every recorded poison dossier: those whose timers compute now are scheduled and
   * their entries deleted; the others stay (attempts counted). The sweep calls it.
   */
  async retryPoison(now = Date.now(), skip: ReadonlySet<string> = new Set()): Promise<{ recovered: number; poisoned: number }> {
    let recovered = 0;
    let poisoned = 0;
    let after = '';
    for (;;) {
      const { rows } = await this.options.driver.query<{ dossier_id: string }>(
        `SELECT dossier_id FROM timer_poison WHERE dossier_id > $1 ORDER BY dossier_id LIMIT ${SWEEP_PAGE}`,
        [after],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].dossier_id;
      const ids = rows.map((r) => r.dossier_id).filter((id) => !skip.has(id));
      if (ids.length === 0) continue;
      await this.scheduleDossiers(ids, { source: 'sweep', now });
      const { rows: left } = await this.options.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM timer_poison WHERE dossier_id = ANY($1::text[])`, [ids]);
      poisoned += Number(left[0]?.n ?? 0);
      recovered += ids.length - Number(left[0]?.n ?? 0);
    }
    return { recovered, poisoned };
  }

  /** The subscription's lag against its checkpoint (meaningful on a standby too), and the poison count. */
  async status(): Promise<TimersStatus> {
    const { store, driver } = this.options;
    const cp = await readCheckpoint(driver, this.checkpoint);
    const eventsBehind = await store.countAfter(cp.position, TIMERS_FILTER);
    let secondsBehind = 0;
    if (eventsBehind > 0) {
      const [oldest] = await store.readAll({ fromPosition: cp.position, filter: TIMERS_FILTER, limit: 1 });
      if (oldest) secondsBehind = Math.max(0, (Date.now() - Date.parse(oldest.recordedAt)) / 1000);
    }
    const { rows } = await driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM timer_poison`);
    return {
      checkpoint: this.checkpoint,
      ...(cp.position && { position: positionToString(cp.position) }),
      eventsBehind,
      secondsBehind,
      running: this.sub !== undefined,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
      poisoned: Number(rows[0]?.n ?? 0),
    };
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
    const store = (job.data as { store?: string } | undefined)?.store;
    if (store !== undefined && this.options.storeId !== undefined && store !== this.options.storeId) {
      // Another event store's job (two deployments configured onto one queue): never consume or
      // drop it; put it back for its owner, a little later so that the owner's worker gets a turn.
      this.options.onForeignJob?.();
      this.logger.warn(`timers: job ${job.id} belongs to event store ${store}, not ${this.options.storeId} (QUEUE_PREFIX and TIMERS_QUEUE shared by two deployments?); left for its owner`);
      if (token) {
        await job.moveToDelayed(Date.now() + FOREIGN_JOB_RETRY_MS, token);
        throw new DelayedError();
      }
      return { appended: 0, foreign: true };
    }
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
      if (err instanceof NotFoundError) {
        this.options.onJobDropped?.('unknown-dossier');
        this.logger.warn(`timers: job ${job.id} dropped: dossier ${dossierId} is not in this event store${this.options.storeId ? ` (${this.options.storeId})` : ''}`);
        return { appended: 0, stale: true };
      }
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
    const result: SweepResult = { dossiers: 0, readded: 0, firedNow: 0, retried: 0, poisoned: 0, recovered: 0 };
    const poisonedNow = new Set<string>();
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
      const needed = (
        await mapLimit(suspects, LOAD_CONCURRENCY, async (id) => {
          try {
            return await this.timersOf(id);
          } catch (err) {
            if (!isPoisonError(err)) throw err;
            await this.poisoned(id, err, undefined, 'sweep'); // one bad dossier never fails the sweep
            poisonedNow.add(id);
            return [];
          }
        })
      ).flat();
      const existing = await mapLimit(needed, LOAD_CONCURRENCY, (t) => client.exists(this.queue.toKey(timerJobId(t.dossierId, t.kind, Date.parse(t.dueAt)))));
      const missing = needed.filter((_, i) => !existing[i]);
      await this.addTimers(missing, now);
      result.readded += missing.length;
      result.firedNow += missing.filter((t) => t.fireAt <= now).length;
    }
    // the recorded poison dossiers (also those the summary does not list as open)
    const poison = await this.retryPoison(now, poisonedNow);
    result.recovered = poison.recovered;
    result.poisoned = poisonedNow.size + poison.poisoned;
    if (result.readded || result.retried || result.poisoned || result.recovered) {
      this.logger.log(
        `timers sweep: ${result.readded} timers re-added (${result.firedNow} fired at once), ${result.retried} retried, ${result.poisoned} poison dossier(s) skipped, ${result.recovered} recovered`,
      );
    }
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

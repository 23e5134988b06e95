import { DelayedError, Job } from 'bullmq';
import { NotFoundError, type Actor } from '@motcua/application';
import type { DossierState, TransferAlertKind } from '@motcua/domain';
import { ProjectionLogger } from '@motcua/projections';
import { TimerJobData } from './job-options';
import { DeadlineTimersOptions } from './options';
import { AlarmData, jobIdOf, parseAlarmJob, TimerData } from './schedule';

export const TIMERS_ACTOR: Actor = { id: 'system:timers', name: 'timers', roles: ['admin'], units: [] };
/** A job of another event store goes back to the delayed set for this long (its owner's worker takes it meanwhile). */
const FOREIGN_JOB_RETRY_MS = 1_000;

export interface TimerOutcome {
  appended: number;
  stale?: boolean;
  /** An alarm re-armed for its next alert (epoch ms; when processed outside a worker, i.e. without a token). */
  next?: number;
  /** Another event store's job (left for its owner). */
  foreign?: boolean;
}

/** Fires timer jobs: appends their alert through DossierService; leaves other event stores' jobs alone. */
export class TimerFiring {
  constructor(
    private readonly options: DeadlineTimersOptions,
    private readonly logger: ProjectionLogger,
    /** The timers a dossier needs now (the scheduler's computation from the domain's rules). */
    private readonly timersFor: (state: DossierState) => TimerData[],
  ) {}

  /**
   * Another event store's job (two deployments configured onto one queue): never consume or drop
   * it; put it back for its owner, a little later so that the owner's worker gets a turn. Returns
   * undefined for a job of this store (or of none).
   */
  async leaveForeign(job: Job<TimerJobData>, token?: string): Promise<TimerOutcome | undefined> {
    const data = job.data as { store?: string; s?: string } | undefined;
    const store = data?.s ?? data?.store;
    if (store === undefined || this.options.storeId === undefined || store === this.options.storeId) return undefined;
    this.options.onForeignJob?.();
    this.logger.warn(
      `timers: job ${job.id} belongs to event store ${store}, not ${this.options.storeId} (QUEUE_PREFIX and TIMERS_QUEUE shared by two deployments?); left for its owner`,
    );
    if (token) {
      await job.moveToDelayed(Date.now() + FOREIGN_JOB_RETRY_MS, token);
      throw new DelayedError();
    }
    return { appended: 0, foreign: true };
  }

  /**
   * A timer job. An alarm (one job per dossier, or transfer, and due time): re-reads the dossier,
   * raises every alert of that due time whose time has come (in order), then re-arms the same job
   * for the next one, or completes when none is left (nothing pending: the alarm is stale, the
   * dossier closed, paused or its alerts raised). A per-alert job (`kind` in its data): that alert.
   * Idempotent: the decider appends nothing for a stale, early or already raised alert.
   */
  async fire(job: Job<TimerJobData>, token?: string): Promise<TimerOutcome> {
    if ('kind' in job.data) return this.fireOne(job as Job<TimerData>, token);
    return this.ring(job as Job<AlarmData>, token);
  }

  private async ring(job: Job<AlarmData>, token?: string): Promise<TimerOutcome> {
    const alarm = parseAlarmJob(job.id, job.data);
    if (!alarm) {
      this.logger.warn(`timers: job ${job.id} is neither an alarm nor an alert timer; dropped`);
      return { appended: 0, stale: true };
    }
    const { state } = await this.options.dossiers.load(alarm.dossierId);
    if (state.status === 'none') return this.unknownDossier(job, alarm.dossierId);
    const pending = this.timersFor(state)
      .filter((t) => t.transferId === alarm.transferId && Date.parse(t.dueAt) === alarm.dueMs)
      .sort((a, b) => a.fireAt - b.fireAt);
    const now = Date.now();
    let appended = 0;
    for (const t of pending.filter((p) => p.fireAt <= now)) appended += (await this.raise(job, t)).appended;
    const next = pending.find((p) => p.fireAt > now)?.fireAt;
    if (next === undefined) return { appended, ...(pending.length === 0 && { stale: true }) };
    if (token) {
      // the same job, re-armed for the dossier's next alert (also: rung too early, clock skew between processes)
      await job.moveToDelayed(next, token);
      throw new DelayedError();
    }
    return { appended, next };
  }

  /** A per-alert job: appends its alert unless it is stale, early or already raised (idempotent). */
  private async fireOne(job: Job<TimerData>, token?: string): Promise<TimerOutcome> {
    if (token && Date.now() < job.data.fireAt) {
      // Added too early (clock skew between processes): wait until its time.
      await job.moveToDelayed(job.data.fireAt, token);
      throw new DelayedError();
    }
    return this.raise(job, job.data);
  }

  private unknownDossier(job: Job<TimerJobData>, dossierId: string): TimerOutcome {
    this.options.onJobDropped?.('unknown-dossier');
    this.logger.warn(
      `timers: job ${job.id} dropped: dossier ${dossierId} is not in this event store${this.options.storeId ? ` (${this.options.storeId})` : ''}`,
    );
    return { appended: 0, stale: true };
  }

  private async raise(job: Job<TimerJobData>, timer: TimerData): Promise<TimerOutcome> {
    const { dossierId, kind, dueAt, fireAt, transferId } = timer;
    const now = new Date();
    try {
      const r = await this.options.dossiers.execute(
        dossierId,
        transferId === undefined
          ? { action: 'raise-alert', kind, dueAt: new Date(dueAt) }
          : // a transfer's timer: only its kinds are scheduled (the decider refuses any other)
            { action: 'raise-transfer-alert', transferId, kind: kind as TransferAlertKind, dueAt: new Date(dueAt) },
        // the per-alert timer's id (as before alarms): the same correlation whichever job rang
        { actor: TIMERS_ACTOR, now, correlationId: `timer-${jobIdOf(timer)}`, causationId: jobIdOf(timer) },
      );
      if (r.appended > 0) this.options.onAlertRaised?.(kind, (Date.now() - fireAt) / 1000);
      return { appended: r.appended };
    } catch (err) {
      if (err instanceof NotFoundError) return this.unknownDossier(job, dossierId);
      throw err; // version conflict, store down: BullMQ retries (attempts/backoff of the wrapper)
    }
  }
}

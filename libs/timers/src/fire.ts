import { randomUUID } from 'node:crypto';
import { DelayedError, Job } from 'bullmq';
import { NotFoundError, type Actor } from '@motcua/application';
import type { TransferAlertKind } from '@motcua/domain';
import { ProjectionLogger } from '@motcua/projections';
import { DeadlineTimersOptions } from './options';
import { TimerData } from './schedule';

export const TIMERS_ACTOR: Actor = { id: 'system:timers', name: 'timers', roles: ['admin'], units: [] };
/** A job of another event store goes back to the delayed set for this long (its owner's worker takes it meanwhile). */
const FOREIGN_JOB_RETRY_MS = 1_000;

export interface TimerOutcome {
  appended: number;
  stale?: boolean;
  /** Another event store's job (left for its owner). */
  foreign?: boolean;
}

/** Fires timer jobs: appends their alert through DossierService; leaves other event stores' jobs alone. */
export class TimerFiring {
  constructor(
    private readonly options: DeadlineTimersOptions,
    private readonly logger: ProjectionLogger,
  ) {}

  /**
   * Another event store's job (two deployments configured onto one queue): never consume or drop
   * it; put it back for its owner, a little later so that the owner's worker gets a turn. Returns
   * undefined for a job of this store (or of none).
   */
  async leaveForeign(job: Job<TimerData>, token?: string): Promise<TimerOutcome | undefined> {
    const store = (job.data as { store?: string } | undefined)?.store;
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

  /** One timer: appends the alert unless it is stale, early or already raised (idempotent). */
  async fire(job: Job<TimerData>, token?: string): Promise<TimerOutcome> {
    const { dossierId, kind, dueAt, fireAt, transferId } = job.data;
    if (token && Date.now() < fireAt) {
      // Added too early (clock skew between processes): wait until its time.
      await job.moveToDelayed(fireAt, token);
      throw new DelayedError();
    }
    const now = new Date();
    try {
      const r = await this.options.dossiers.execute(
        dossierId,
        transferId === undefined
          ? { action: 'raise-alert', kind, dueAt: new Date(dueAt) }
          : // a transfer's timer: only its kinds are scheduled (the decider refuses any other)
            { action: 'raise-transfer-alert', transferId, kind: kind as TransferAlertKind, dueAt: new Date(dueAt) },
        { actor: TIMERS_ACTOR, now, correlationId: `timer-${job.id}`, causationId: String(job.id ?? randomUUID()) },
      );
      if (r.appended > 0) this.options.onAlertRaised?.(kind, (Date.now() - fireAt) / 1000);
      return { appended: r.appended };
    } catch (err) {
      if (err instanceof NotFoundError) {
        this.options.onJobDropped?.('unknown-dossier');
        this.logger.warn(
          `timers: job ${job.id} dropped: dossier ${dossierId} is not in this event store${this.options.storeId ? ` (${this.options.storeId})` : ''}`,
        );
        return { appended: 0, stale: true };
      }
      throw err; // version conflict, store down: BullMQ retries (attempts/backoff of the wrapper)
    }
  }
}

import {
  ALERT_KINDS,
  apologyCutoff,
  type AlertKind,
  isClockRunning,
  type NearDeadlinePolicy,
  nearDeadlineAt,
  type OpenDossier,
  type WorkingTimeContext,
} from '@motcua/domain';

/** The payload of a timer job: tiny, and enough to recognise a stale one. */
export interface TimerData {
  dossierId: string;
  kind: AlertKind;
  /** The effective due time (ISO) the timer was scheduled for. */
  dueAt: string;
  /** When it is meant to fire (epoch ms): BullMQ's `job.delay` is not reliable in a processor. */
  fireAt: number;
  /** The event store the dossier lives in (its namespace): a worker of another store leaves the job alone. */
  store?: string;
}

export const TIMER_JOB = 'alert';
export const SWEEP_JOB = 'sweep';
/** The alert kinds, one timer each (the domain's list). */
export { ALERT_KINDS };

/**
 * Deterministic job id per dossier, kind and due-time version: re-adding a timer is a no-op, and
 * a timer for an older due time is recognisably stale. (BullMQ custom ids must not contain ':'.)
 */
export function timerJobId(dossierId: string, kind: AlertKind, dueAtMs: number): string {
  return `${dossierId}.${kind}.${dueAtMs}`;
}

/** When each alert is due for the effective due time in force, against the unit's working time. */
export function alertTimes(dossier: OpenDossier, ctx: WorkingTimeContext, policy: NearDeadlinePolicy): Record<AlertKind, number> {
  const due = new Date(dossier.effectiveDueAt);
  return {
    'near-deadline': nearDeadlineAt(ctx, new Date(dossier.clockStartedAt), due, policy).getTime(),
    'apology-cutoff': apologyCutoff(ctx, due).getTime(),
    overdue: due.getTime(),
  };
}

/** The timers a dossier needs now: one per alert kind not yet raised for the due time in force. */
export function pendingTimers(dossier: OpenDossier, ctx: WorkingTimeContext, policy: NearDeadlinePolicy): TimerData[] {
  if (!isClockRunning(dossier)) return []; // alerts fire only while the clock runs
  const dueMs = Date.parse(dossier.effectiveDueAt);
  const times = alertTimes(dossier, ctx, policy);
  return ALERT_KINDS.filter((kind) => !dossier.alerts.some((a) => a.kind === kind && Date.parse(a.dueAt) === dueMs)).map((kind) => ({
    dossierId: dossier.id,
    kind,
    dueAt: new Date(dueMs).toISOString(),
    fireAt: times[kind],
  }));
}

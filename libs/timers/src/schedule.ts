import {
  ALERT_KINDS,
  apologyCutoff,
  type AlertKind,
  isClockRunning,
  type NearDeadlinePolicy,
  nearDeadlineAt,
  type OpenDossier,
  pendingTransferAlerts,
  transferAlertTimes,
  type TransferRecord,
  type WorkingTimeContext,
} from '@motcua/domain';

/** The payload of a timer job: tiny, and enough to recognise a stale one. */
export interface TimerData {
  dossierId: string;
  kind: AlertKind;
  /** A liên thông transfer's timer (issue #16): the transfer it is for (its agency's alert, `raise-transfer-alert`). */
  transferId?: string;
  /** The effective due time (ISO) the timer was scheduled for (the transfer's own due time for a transfer's timer). */
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
 * A transfer's timer has the transfer id after the dossier's: `<dossierId>.<transferId>.<kind>.<dueAt ms>`
 * (the id of the alert it raises).
 */
export function timerJobId(dossierId: string, kind: AlertKind, dueAtMs: number, transferId?: string): string {
  return transferId === undefined ? `${dossierId}.${kind}.${dueAtMs}` : `${dossierId}.${transferId}.${kind}.${dueAtMs}`;
}

/** The id of a timer's job. */
export function jobIdOf(t: TimerData): string {
  return timerJobId(t.dossierId, t.kind, Date.parse(t.dueAt), t.transferId);
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

/**
 * The timers of a dossier's open transfers (issue #16): each alert kind not raised yet, at the moment
 * the domain's `transferAlertTimes` gives in the agency's working time (`agencyContext`) and policy.
 */
export function pendingTransferTimers(
  dossier: OpenDossier,
  agencyContext: (t: TransferRecord) => WorkingTimeContext,
  policy: (t: TransferRecord) => NearDeadlinePolicy,
): TimerData[] {
  return pendingTransferAlerts(dossier).map(({ transfer, kind }) => ({
    dossierId: dossier.id,
    transferId: transfer.transferId,
    kind,
    dueAt: new Date(transfer.dueAt).toISOString(),
    fireAt: transferAlertTimes(transfer, agencyContext(transfer), policy(transfer))[kind],
  }));
}

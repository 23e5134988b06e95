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

/**
 * The payload of an alarm job (one job per dossier and due time, or per open transfer and its due
 * time): lean on purpose, every byte is paid once per open dossier in Redis. The dossier and the due
 * time are in the job id (`alarmJobId`); the alerts and their times are computed from the dossier's
 * stream when the alarm rings (the domain's rules, `pendingTimers` / `pendingTransferTimers`).
 */
export interface AlarmData {
  /** A liên thông transfer's alarm: the transfer id (absent: the dossier's own alerts). */
  x?: string;
  /** The event store the dossier lives in (its namespace): a worker of another store leaves the job alone. */
  s?: string;
}

/** One alarm: the timers of one dossier (or one of its transfers) for one due time, ringing at the earliest. */
export interface Alarm {
  dossierId: string;
  transferId?: string;
  /** The due time (ms) the alarm is for: the dossier's effective due time, or the transfer's. */
  dueMs: number;
  /** When it rings first: the earliest of its timers. */
  fireAt: number;
  /** The timers (alerts) it stands for. */
  timers: TimerData[];
  store?: string;
}

/**
 * Deterministic job id of an alarm: `<dossierId>.<dueAt ms>`, a transfer's `<dossierId>.<transferId>.<dueAt ms>`.
 * Re-adding an alarm is a no-op; a due time that moves gets a new alarm and the old one, when it
 * rings, finds nothing pending for its due time. (No ':' in BullMQ custom ids; never the shape of
 * a per-alert `timerJobId`, which has the kind before the due time.)
 */
export function alarmJobId(dossierId: string, dueMs: number, transferId?: string): string {
  return transferId === undefined ? `${dossierId}.${dueMs}` : `${dossierId}.${transferId}.${dueMs}`;
}

/** The dossier, transfer and due time of an alarm job, from its id and data (undefined: not an alarm id). */
export function parseAlarmJob(id: string | undefined, data: AlarmData | undefined): { dossierId: string; transferId?: string; dueMs: number } | undefined {
  if (!id) return undefined;
  const dot = id.lastIndexOf('.');
  const dueMs = Number(id.slice(dot + 1));
  if (dot <= 0 || !Number.isSafeInteger(dueMs)) return undefined;
  const head = id.slice(0, dot);
  const x = data?.x;
  if (x === undefined) return { dossierId: head, dueMs };
  if (!head.endsWith(`.${x}`)) return undefined;
  return { dossierId: head.slice(0, -(x.length + 1)), transferId: x, dueMs };
}

/** Groups timers into alarms: one per dossier (or transfer) and due time, ringing at its earliest timer. */
export function alarmsOf(timers: readonly TimerData[]): Alarm[] {
  const byId = new Map<string, Alarm>();
  for (const t of timers) {
    const dueMs = Date.parse(t.dueAt);
    const id = alarmJobId(t.dossierId, dueMs, t.transferId);
    const a = byId.get(id);
    if (a) {
      a.timers.push(t);
      a.fireAt = Math.min(a.fireAt, t.fireAt);
    } else {
      byId.set(id, {
        dossierId: t.dossierId,
        ...(t.transferId !== undefined && { transferId: t.transferId }),
        dueMs,
        fireAt: t.fireAt,
        timers: [t],
        ...(t.store !== undefined && { store: t.store }),
      });
    }
  }
  return [...byId.values()];
}

/** The job id of an alarm. */
export function alarmIdOf(a: Pick<Alarm, 'dossierId' | 'dueMs' | 'transferId'>): string {
  return alarmJobId(a.dossierId, a.dueMs, a.transferId);
}

/** An alarm's job payload. */
export function alarmData(a: Pick<Alarm, 'transferId' | 'store'>): AlarmData {
  return { ...(a.transferId !== undefined && { x: a.transferId }), ...(a.store !== undefined && { s: a.store }) };
}

/** The dossier a timer job is for (an alarm or a per-alert job), undefined for the sweep's. */
export function dossierIdOfJob(job: { id?: string; data: unknown }): string | undefined {
  const data = job.data as Partial<TimerData> & AlarmData;
  if (typeof data?.dossierId === 'string') return data.dossierId;
  return parseAlarmJob(job.id, data)?.dossierId;
}

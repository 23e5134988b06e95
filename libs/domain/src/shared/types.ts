/**
 * Primitive vocabulary shared by the calendar, deadline and dossier modules.
 * Framework-free: nothing in libs/domain may import Nest, a database driver, bullmq or ioredis.
 */

/** A legal processing time as written in the procedure catalogue. */
export type ProcessingTimeUnit = 'working_day' | 'half_day' | 'working_hour';
export interface ProcessingTime {
  amount: number;
  unit: ProcessingTimeUnit;
}

export type Channel = 'direct' | 'online' | 'postal';
export type OnlineLevel = 'none' | 'partial' | 'full';
export type Outcome = 'approved' | 'refused';
export type Rating = 'satisfied' | 'neutral' | 'dissatisfied';
export type TimingClass = 'early' | 'on-time' | 'late';
/** The three deadline alerts, in the order they fall due. The one list: timers, projections and DTOs read it. */
export const ALERT_KINDS = ['near-deadline', 'apology-cutoff', 'overdue'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/** The alerts of an open liên thông transfer (issue #16): the agency's near-deadline and overdue; see dossier/transfer-alerts. */
export const TRANSFER_ALERT_KINDS = ['near-deadline', 'overdue'] as const satisfies readonly AlertKind[];
export type TransferAlertKind = (typeof TRANSFER_ALERT_KINDS)[number];
export const DOSSIER_STATUSES = ['received', 'assigned', 'awaiting-supplement', 'resolved', 'withdrawn', 'paused', 'returned', 'refused-at-reception'] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];
/** Why processing is paused (issue #14): a fee, a field verification, another body's answer, other. */
export const PAUSE_KINDS = ['fee', 'verification', 'consultation', 'other'] as const;
export type PauseKind = (typeof PAUSE_KINDS)[number];
/** How a result is handed over (Art. 20). */
export const RETURN_METHODS = ['counter', 'postal', 'online'] as const;
export type ReturnMethod = (typeof RETURN_METHODS)[number];
/** The steps a supervisor may undo with a correction. */
export const CORRECTABLE_STEPS = ['resolve', 'return-result', 'assign'] as const;
export type CorrectableStep = (typeof CORRECTABLE_STEPS)[number];
export type UnitLevel = 'province' | 'district' | 'commune';

/** A local calendar date, `YYYY-MM-DD`, in some unit's time zone. */
export type LocalDate = string;
/** A wall-clock time of day, `HH:MM` (24 h). */
export type LocalTime = string;

/** One office session, e.g. 07:30–11:30. `end` is exclusive of work but inclusive as a due time. */
export interface OfficeSession {
  start: LocalTime;
  end: LocalTime;
}
/** Office hours of a unit on a working day (same every working day). */
export interface OfficeHours {
  sessions: OfficeSession[];
}

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** HCMC office hours (domain.md): 07:30–11:30 and 13:00–17:00. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = {
  sessions: [
    { start: '07:30', end: '11:30' },
    { start: '13:00', end: '17:00' },
  ],
};

/**
 * Dossier state: everything `GET /dossiers/{id}` needs, derived only from events.
 * Plain data (ISO strings, no Dates) so it can be snapshotted and serialised as is.
 */
import type {
  AlertKind,
  Channel,
  DossierStatus,
  OnlineLevel,
  Outcome,
  PauseKind,
  ProcessingTime,
  Rating,
  ReturnMethod,
  TimingClass,
  TransferAlertKind,
} from '../shared/types';
import type { Applicant, IsoInstant, ResultRecipient } from './events';

/** One supplement round: the request (clock stops) and, once it arrives, the receipt (clock restarts). */
export interface SupplementRound {
  reason: string;
  requestedAt: IsoInstant;
  /** What to add (form 02); absent on older events. */
  items?: readonly { name: string; note?: string }[];
  /** Requested within 3 working days of reception; absent on older events (unknown). */
  withinLegalTime?: boolean;
  /** 1 for the first request, 2+ for a later one (breach of "một lần đầy đủ"). */
  sequence: number;
  /** Due time in force when the clock stopped. */
  previousDueAt: IsoInstant;
  receivedAt?: IsoInstant;
  /** New legal due time counted from `receivedAt`. */
  dueAt?: IsoInstant;
  calendarVersion?: string;
}

export interface ApologyRecord {
  reason: string;
  newDueAt: IsoInstant;
  letterNumber?: string;
  issuedAt: IsoInstant;
  previousDueAt: IsoInstant;
}

export interface RaisedAlert {
  kind: AlertKind;
  dueAt: IsoInstant;
  raisedAt: IsoInstant;
  /** Set when the alert was withdrawn (DeadlineAlertWithdrawn). */
  withdrawnAt?: IsoInstant;
}

/** One pause (issue #14): the clock stops at `pausedAt`; at `resumedAt` the due time moves later by the working time paused. */
export interface PauseRecord {
  kind: PauseKind;
  reason: string;
  pausedAt: IsoInstant;
  resumedAt?: IsoInstant;
  /** Due time in force when the pause ended, and the one after it. */
  previousDueAt?: IsoInstant;
  dueAt?: IsoInstant;
  pausedWorkingMinutes?: number;
}
/** One liên thông hand-off (issue #16): open until the agency returns it. */
export interface TransferRecord {
  transferId: string;
  toUnitCode: string;
  task: string;
  processingTime?: ProcessingTime;
  dueAt: IsoInstant;
  calendarVersion: string;
  timeZone: string;
  transferredAt: IsoInstant;
  returnedAt?: IsoInstant;
  outcome?: 'done' | 'refused';
  note?: string;
  timing?: TimingClass;
  /** The transfer alerts raised (issue #16; absent until the first). */
  alertsRaised?: readonly TransferAlertKind[];
}

/** An assignment a correction can fall back to (the one before the current). */
export interface AssignmentRecord {
  assignee?: string;
  assigneeName?: string;
  department?: string;
}

export type OpenDossierStatus = Extract<DossierStatus, 'received' | 'assigned' | 'awaiting-supplement' | 'paused'>;
export type ClosedDossierStatus = Extract<DossierStatus, 'resolved' | 'withdrawn' | 'returned'>;

export const OPEN_DOSSIER_STATUSES: readonly OpenDossierStatus[] = ['received', 'assigned', 'awaiting-supplement', 'paused'];

/** Nothing has happened on this stream yet. */
export interface NoDossier {
  readonly status: 'none';
}

interface DossierFields {
  readonly status: DossierStatus;
  readonly id: string;
  readonly code: string;
  readonly unitCode: string;
  readonly procedureCode: string;
  readonly procedureName?: string;
  readonly field: string;
  readonly channel: Channel;
  readonly onlineLevel: OnlineLevel;
  readonly applicant: Applicant;
  readonly processingTime: ProcessingTime;
  readonly timeZone: string;
  /** Calendar version used for the due time in force. */
  readonly calendarVersion: string;
  /** The campaign window whose shorter processing time applied at reception. */
  readonly campaignId?: string;
  readonly receivedAt: IsoInstant;
  /** When the legal clock last (re)started: reception, or the last supplement receipt. */
  readonly clockStartedAt: IsoInstant;
  /** Legal due time in force (the report's "original" due): from reception or the last supplement receipt. */
  readonly dueAt: IsoInstant;
  /** Re-appointed due time after an apology; cleared when a supplement restarts the clock. */
  readonly appointedDueAt?: IsoInstant;
  /** `appointedDueAt ?? dueAt`: what alerts and work lists run against. */
  readonly effectiveDueAt: IsoInstant;
  readonly assignee?: string;
  readonly assigneeName?: string;
  readonly department?: string;
  readonly supplements: readonly SupplementRound[];
  readonly apology?: ApologyRecord;
  readonly outcome?: Outcome;
  readonly resolutionNote?: string;
  readonly resolvedAt?: IsoInstant;
  readonly withdrawalReason?: string;
  readonly withdrawnAt?: IsoInstant;
  readonly rating?: Rating;
  readonly ratedAt?: IsoInstant;
  readonly alerts: readonly RaisedAlert[];
  /** Pauses, oldest first; the last has no `resumedAt` while the dossier is paused. */
  readonly pauses: readonly PauseRecord[];
  /** The assignments before the current one, oldest first (a correction of `assign` pops the last). */
  readonly previousAssignments: readonly AssignmentRecord[];
  readonly returnedAt?: IsoInstant;
  readonly returnMethod?: ReturnMethod;
  readonly returnRecipient?: ResultRecipient;
  readonly returnNote?: string;
  /** Business time of the latest event of any kind (alerts included). */
  readonly lastOccurredAt: IsoInstant;
  /**
   * Business time of the latest dossier step (any event but a deadline alert). Commands may not be
   * backdated before it. Alerts are system observations stamped with `now`, so they do not block
   * a clerk from recording, after the alarm, a step that really happened before it.
   */
  readonly lastStepOccurredAt: IsoInstant;
  /** Number of events applied (= stream version, 1-based). */
  readonly version: number;
  /** The citizen's look-up PIN (absent on dossiers received before it existed). */
  readonly lookupPin?: string;
  /** The unit that resolves the dossier now (reception's competent unit, or its successor after a merge); `unitCode` received it. */
  readonly competentUnitCode: string;
  /** Liên thông hand-offs, in order. */
  readonly transfers: readonly TransferRecord[];
}

export interface OpenDossier extends DossierFields {
  readonly status: OpenDossierStatus;
  readonly outcome?: undefined;
  readonly resolutionNote?: undefined;
  readonly resolvedAt?: undefined;
  readonly withdrawalReason?: undefined;
  readonly withdrawnAt?: undefined;
}

export interface ResolvedDossier extends DossierFields {
  readonly status: 'resolved';
  readonly outcome: Outcome;
  readonly resolvedAt: IsoInstant;
  readonly withdrawalReason?: undefined;
  readonly withdrawnAt?: undefined;
}

export interface WithdrawnDossier extends DossierFields {
  readonly status: 'withdrawn';
  readonly withdrawalReason: string;
  readonly withdrawnAt: IsoInstant;
  readonly outcome?: undefined;
  readonly resolutionNote?: undefined;
  readonly resolvedAt?: undefined;
}

/** The result was handed over: still resolved for every report figure. */
export interface ReturnedDossier extends DossierFields {
  readonly status: 'returned';
  readonly outcome: Outcome;
  readonly resolvedAt: IsoInstant;
  readonly returnedAt: IsoInstant;
  readonly returnMethod: ReturnMethod;
  readonly withdrawalReason?: undefined;
  readonly withdrawnAt?: undefined;
}

export type ExistingDossier = OpenDossier | ResolvedDossier | WithdrawnDossier | ReturnedDossier;
export type ClosedDossier = ResolvedDossier | WithdrawnDossier | ReturnedDossier;

/**
 * A dossier refused at the counter (DossierRefusedAtReception): it has a code but was never
 * received, so it has no clock, due time or processing fields. Terminal: every step on it is
 * refused (DossierClosed), and any later event makes the stream corrupt.
 */
export interface RefusedDossier {
  readonly status: 'refused-at-reception';
  readonly id: string;
  readonly code: string;
  readonly unitCode: string;
  readonly procedureCode: string;
  readonly procedureName?: string;
  readonly field: string;
  readonly channel: Channel;
  readonly onlineLevel: OnlineLevel;
  readonly applicant: Applicant;
  readonly timeZone: string;
  readonly refusedAt: IsoInstant;
  readonly refusalReason: string;
  readonly legalBasis?: string;
  readonly ruleSet?: '2018' | '2025';
  /** The competent unit named at the counter (issue #16), when another than the receiving one. */
  readonly competentUnitCode?: string;
  readonly lastOccurredAt: IsoInstant;
  readonly lastStepOccurredAt: IsoInstant;
  readonly version: number;
}

export type DossierState = NoDossier | ExistingDossier | RefusedDossier;

export function isRefusedDossier(state: DossierState): state is RefusedDossier {
  return state.status === 'refused-at-reception';
}

export const initialDossierState: NoDossier = Object.freeze({ status: 'none' as const });

/** A received dossier (open or closed); a refused one is not. */
export function dossierExists(state: DossierState): state is ExistingDossier {
  return state.status !== 'none' && state.status !== 'refused-at-reception';
}

export function isOpenDossier(state: DossierState): state is OpenDossier {
  return (OPEN_DOSSIER_STATUSES as readonly string[]).includes(state.status);
}

export function isClosedDossier(state: DossierState): state is ClosedDossier {
  return state.status === 'resolved' || state.status === 'withdrawn' || state.status === 'returned';
}

/** Stream version of a state: 0 before the first event. */
export function dossierVersion(state: DossierState): number {
  return state.status === 'none' ? 0 : state.version;
}

/**
 * Dossier state: everything `GET /dossiers/{id}` needs, derived only from events.
 * Plain data (ISO strings, no Dates) so it can be snapshotted and serialised as is.
 */
import type { AlertKind, Channel, DossierStatus, OnlineLevel, Outcome, ProcessingTime, Rating, TimingClass } from '../shared/types';
import type { Applicant, IsoInstant } from './events';

/** One supplement round: the request (clock stops) and, once it arrives, the receipt (clock restarts). */
export interface SupplementRound {
  reason: string;
  requestedAt: IsoInstant;
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
}

export type OpenDossierStatus = Extract<DossierStatus, 'received' | 'assigned' | 'awaiting-supplement'>;
export type ClosedDossierStatus = Extract<DossierStatus, 'resolved' | 'withdrawn'>;

export const OPEN_DOSSIER_STATUSES: readonly OpenDossierStatus[] = ['received', 'assigned', 'awaiting-supplement'];

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

export type ExistingDossier = OpenDossier | ResolvedDossier | WithdrawnDossier;
export type ClosedDossier = ResolvedDossier | WithdrawnDossier;
export type DossierState = NoDossier | ExistingDossier;

export const initialDossierState: NoDossier = Object.freeze({ status: 'none' as const });

export function dossierExists(state: DossierState): state is ExistingDossier {
  return state.status !== 'none';
}

export function isOpenDossier(state: DossierState): state is OpenDossier {
  return (OPEN_DOSSIER_STATUSES as readonly string[]).includes(state.status);
}

export function isClosedDossier(state: DossierState): state is ClosedDossier {
  return state.status === 'resolved' || state.status === 'withdrawn';
}

/** Stream version of a state: 0 before the first event. */
export function dossierVersion(state: DossierState): number {
  return state.status === 'none' ? 0 : state.version;
}

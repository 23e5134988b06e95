/**
 * Dossier events: facts, past tense, `{ type, data }`, timestamps as ISO-8601 strings
 * (`Date.toISOString()`). Events are never edited; a new shape gets a new schema version
 * and an upcaster, so every type exports its current `schemaVersion`.
 */
import type {
  AlertKind,
  Channel,
  CorrectableStep,
  OnlineLevel,
  Outcome,
  PauseKind,
  ProcessingTime,
  Rating,
  ReturnMethod,
  TimingClass,
  TransferAlertKind,
} from '../shared/types';
import type { RuleSetId } from '../rules/rule-set';
import { assertNever } from './assert-never';

/** An ISO-8601 instant as produced by `Date.prototype.toISOString()`. */
export type IsoInstant = string;

/** Emmett-style event envelope: the store adds metadata (recordedAt, actor, version) around it. */
export type DomainEvent<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export interface Applicant {
  name: string;
  idNumber?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export type DossierReceived = DomainEvent<
  'DossierReceived',
  {
    dossierId: string;
    code: string;
    unitCode: string;
    procedureCode: string;
    procedureName?: string;
    field: string;
    channel: Channel;
    onlineLevel: OnlineLevel;
    applicant: Applicant;
    processingTime: ProcessingTime;
    timeZone: string;
    receivedAt: IsoInstant;
    /** Legal due time, computed by the application at reception and frozen here. */
    dueAt: IsoInstant;
    calendarVersion: string;
    /** The rule set in force on the local reception date, frozen at reception (absent on older events: see `ruleSetOfReception`). */
    ruleSet?: RuleSetId;
    /** The campaign window whose shorter processing time applied (then `processingTime` is the campaign's), frozen here. */
    campaignId?: string;
    /**
     * The citizen's look-up PIN printed on the receipt (`GET /public/dossiers/{code}?pin=`): six
     * characters of `LOOKUP_PIN_ALPHABET`, drawn by the application. Absent on dossiers received
     * before it existed: those are never found publicly.
     */
    lookupPin?: string;
    /**
     * The unit that resolves the dossier and in whose report it counts (issue #16); `unitCode` is
     * the receiving centre (its code starts the dossier code). Absent (older events): the same unit.
     */
    competentUnitCode?: string;
    /** The documents were digitised at reception (QĐ 766 digitisation indicator). Absent on older events: unknown, counted as not. */
    digitised?: boolean;
    /** A fee (phí, lệ phí) is due for this dossier; and it was paid online. Absent on older events: unknown, counted as not. */
    feeDue?: boolean;
    feePaidOnline?: boolean;
  }
>;

export type DossierAssigned = DomainEvent<
  'DossierAssigned',
  {
    assignee: string;
    assigneeName?: string;
    department?: string;
    assignedAt: IsoInstant;
    previousAssignee?: string;
  }
>;

/** The clock stops until the complete dossier arrives (Nghị định 61/2018 Art. 19.4). */
export type SupplementRequested = DomainEvent<
  'SupplementRequested',
  {
    reason: string;
    requestedAt: IsoInstant;
    /** What to add, the one complete list (form 02). Absent on older events. */
    items?: { name: string; note?: string }[];
    /** Requested within 3 working days of reception (libs/domain/src/deadline/supplement-request.ts). Absent on older events. */
    withinLegalTime?: boolean;
    /** 1 for the dossier's first request, 2+ for a later one (a breach of "một lần đầy đủ"). Absent on older events. */
    sequence?: number;
  }
>;

/** The clock restarts from zero at `receivedAt`; `dueAt` is the new legal due time. */
export type SupplementReceived = DomainEvent<
  'SupplementReceived',
  { receivedAt: IsoInstant; dueAt: IsoInstant; calendarVersion: string; previousDueAt: IsoInstant }
>;

/** Apology and re-appointment, at most once per dossier (Nghị định 61/2018 Art. 19.9). */
export type ApologyIssued = DomainEvent<
  'ApologyIssued',
  {
    reason: string;
    newDueAt: IsoInstant;
    letterNumber?: string;
    issuedAt: IsoInstant;
    previousDueAt: IsoInstant;
  }
>;

export type DossierResolved = DomainEvent<
  'DossierResolved',
  {
    outcome: Outcome;
    note?: string;
    resolvedAt: IsoInstant;
    /**
     * The unit's timing policy at resolution, frozen here: `'day'` classifies early / on time /
     * late by date only. Absent (all older events): exact time.
     */
    timingMode?: 'day';
    /** The result was issued as an electronic document (QĐ 766). Absent on older events: counted as not. */
    electronicResult?: boolean;
  }
>;

export type DossierWithdrawn = DomainEvent<'DossierWithdrawn', { reason: string; withdrawnAt: IsoInstant }>;

export type SatisfactionRated = DomainEvent<'SatisfactionRated', { rating: Rating; ratedAt: IsoInstant }>;

/** Common payload of the three deadline alerts; `dueAt` is the due time the alert is about. */
export interface DeadlineAlertData<K extends AlertKind> {
  kind: K;
  dueAt: IsoInstant;
  raisedAt: IsoInstant;
  unitCode: string;
  assignee?: string;
}

export type DeadlineWarningRaised = DomainEvent<'DeadlineWarningRaised', DeadlineAlertData<'near-deadline'>>;
export type ApologyCutoffReached = DomainEvent<'ApologyCutoffReached', DeadlineAlertData<'apology-cutoff'>>;
export type DossierOverdue = DomainEvent<'DossierOverdue', DeadlineAlertData<'overdue'>>;

export type DeadlineAlertEvent = DeadlineWarningRaised | ApologyCutoffReached | DossierOverdue;

/**
 * An alert raised (by a timer) that the dossier's own history proves moot: the dossier was resolved
 * or withdrawn, in business time, before the alert's moment (before the due time for `overdue`,
 * before the alert was raised for any kind), which happens when a backdated resolution reaches the
 * log after the timer fired (imports of a history). Appended with the closing event; the alert leaves
 * the open list. `kind` and `dueAt` name the alert (its id is `<dossierId>.<kind>.<dueAt ms>`).
 */
export type DeadlineAlertWithdrawn = DomainEvent<
  'DeadlineAlertWithdrawn',
  {
    kind: AlertKind;
    dueAt: IsoInstant;
    raisedAt: IsoInstant;
    unitCode: string;
    /** Business time of the closing event. */
    withdrawnAt: IsoInstant;
    reason: 'resolved-before-due' | 'withdrawn-before-due';
  }
>;

/** The clock stops while a fee, a verification or another body's answer is awaited; unlike a supplement it does not restart. */
export type ProcessingPaused = DomainEvent<'ProcessingPaused', { kind: PauseKind; reason: string; pausedAt: IsoInstant }>;

/**
 * The pause ends: `dueAt` (the due time in force from now on) is the previous one moved later by the
 * working time spent paused (`pausedWorkingMinutes`, counted by the application in the unit's office
 * hours and calendar `calendarVersion`).
 */
export type ProcessingResumed = DomainEvent<
  'ProcessingResumed',
  { resumedAt: IsoInstant; dueAt: IsoInstant; previousDueAt: IsoInstant; pausedWorkingMinutes: number; calendarVersion: string }
>;

export interface ResultRecipient {
  name: string;
  idNumber?: string;
  relation?: string;
}

/** The result was handed over (Art. 20), at the counter, by post or online; only after resolution. */
export type ResultReturned = DomainEvent<'ResultReturned', { method: ReturnMethod; recipient?: ResultRecipient; note?: string; returnedAt: IsoInstant }>;

/** A supervisor undoes the last resolve, return or assignment recorded by mistake; history keeps both. */
export type StepCorrected = DomainEvent<'StepCorrected', { undo: CorrectableStep; reason: string; correctedAt: IsoInstant }>;
/**
 * A dossier handed in at the counter and refused there with a reasoned slip (form 03): recorded with
 * a code from the reception numbering, never received (no clock, no report's "received", no timers).
 * The first and only event of its stream: status `refused-at-reception`, terminal.
 */
export type DossierRefusedAtReception = DomainEvent<
  'DossierRefusedAtReception',
  {
    dossierId: string;
    code: string;
    unitCode: string;
    procedureCode: string;
    procedureName?: string;
    field: string;
    channel: Channel;
    onlineLevel: OnlineLevel;
    applicant: Applicant;
    timeZone: string;
    refusedAt: IsoInstant;
    reason: string;
    legalBasis?: string;
    ruleSet?: '2018' | '2025';
    /** The unit competent for the procedure (issue #16), when another than the receiving one. */
    competentUnitCode?: string;
  }
>;
/**
 * Liên thông (Nghị định 61/2018 Art. 19.6–19.7): the dossier goes to another agency for a task with
 * its own due time, computed by the application in that agency's calendar and office hours and
 * frozen here. Several transfers may be open at once.
 */
export type DossierTransferred = DomainEvent<
  'DossierTransferred',
  {
    transferId: string;
    toUnitCode: string;
    task: string;
    /** The agency's own processing time, when the due time was computed from one. */
    processingTime?: ProcessingTime;
    dueAt: IsoInstant;
    calendarVersion: string;
    /** The receiving agency's zone (its timing is judged there). */
    timeZone: string;
    transferredAt: IsoInstant;
  }
>;

/**
 * A liên thông transfer's deadline alert (issue #16): the agency `toUnitCode` is near its due time
 * or past it. It goes to the agency and to the lead unit `unitCode` (the competent unit when it was
 * raised). Its id is `<dossierId>.<transferId>.<kind>.<dueAt ms>`.
 */
export type TransferAlertRaised = DomainEvent<
  'TransferAlertRaised',
  { transferId: string; toUnitCode: string; unitCode: string; kind: TransferAlertKind; dueAt: IsoInstant; raisedAt: IsoInstant }
>;

/** The agency hands the dossier back; `timing` is judged against that transfer's due time. */
export type TransferReturned = DomainEvent<
  'TransferReturned',
  {
    transferId: string;
    outcome: 'done' | 'refused';
    note?: string;
    returnedAt: IsoInstant;
    timing: TimingClass;
  }
>;

/**
 * Reorganisation (2025): the competent unit was closed and the dossier passes to its successor
 * (one event per open dossier; the code does not change).
 */
export type DossierPassedToSuccessor = DomainEvent<
  'DossierPassedToSuccessor',
  { fromUnitCode: string; toUnitCode: string; effectiveDate: string; passedAt: IsoInstant }
>;

export type DossierEvent =
  | DossierReceived
  | DossierAssigned
  | SupplementRequested
  | SupplementReceived
  | ApologyIssued
  | DossierResolved
  | DossierWithdrawn
  | SatisfactionRated
  | DeadlineAlertEvent
  | DeadlineAlertWithdrawn
  | ProcessingPaused
  | ProcessingResumed
  | ResultReturned
  | StepCorrected
  | DossierRefusedAtReception
  | DossierTransferred
  | TransferReturned
  | TransferAlertRaised
  | DossierPassedToSuccessor;

export type DossierEventType = DossierEvent['type'];

export const DOSSIER_EVENT_TYPES = [
  'DossierReceived',
  'DossierAssigned',
  'SupplementRequested',
  'SupplementReceived',
  'ApologyIssued',
  'DossierResolved',
  'DossierWithdrawn',
  'SatisfactionRated',
  'DeadlineWarningRaised',
  'ApologyCutoffReached',
  'DossierOverdue',
  'DeadlineAlertWithdrawn',
  'ProcessingPaused',
  'ProcessingResumed',
  'ResultReturned',
  'StepCorrected',
  'DossierRefusedAtReception',
  'DossierTransferred',
  'TransferReturned',
  'TransferAlertRaised',
  'DossierPassedToSuccessor',
] as const satisfies readonly DossierEventType[];

// Compile-time proof that the list above names every member of the union.
type MissingEventTypes = Exclude<DossierEventType, (typeof DOSSIER_EVENT_TYPES)[number]>;
const _allEventTypesListed: [MissingEventTypes] extends [never] ? true : MissingEventTypes = true;
void _allEventTypesListed;

export function isDossierEventType(type: string): type is DossierEventType {
  return (DOSSIER_EVENT_TYPES as readonly string[]).includes(type);
}

/* Schema versions, one per event type (bump + upcaster when a payload changes). */
export const DossierReceivedSchemaVersion = 1;
export const DossierAssignedSchemaVersion = 1;
export const SupplementRequestedSchemaVersion = 1;
export const SupplementReceivedSchemaVersion = 1;
export const ApologyIssuedSchemaVersion = 1;
export const DossierResolvedSchemaVersion = 1;
export const DossierWithdrawnSchemaVersion = 1;
export const SatisfactionRatedSchemaVersion = 1;
export const DeadlineWarningRaisedSchemaVersion = 1;
export const ApologyCutoffReachedSchemaVersion = 1;
export const DossierOverdueSchemaVersion = 1;
export const DeadlineAlertWithdrawnSchemaVersion = 1;
export const ProcessingPausedSchemaVersion = 1;
export const ProcessingResumedSchemaVersion = 1;
export const ResultReturnedSchemaVersion = 1;
export const StepCorrectedSchemaVersion = 1;
export const DossierRefusedAtReceptionSchemaVersion = 1;
export const DossierTransferredSchemaVersion = 1;
export const TransferReturnedSchemaVersion = 1;
export const TransferAlertRaisedSchemaVersion = 1;
export const DossierPassedToSuccessorSchemaVersion = 1;

export const DOSSIER_EVENT_SCHEMA_VERSIONS: Readonly<Record<DossierEventType, number>> = {
  DossierReceived: DossierReceivedSchemaVersion,
  DossierAssigned: DossierAssignedSchemaVersion,
  SupplementRequested: SupplementRequestedSchemaVersion,
  SupplementReceived: SupplementReceivedSchemaVersion,
  ApologyIssued: ApologyIssuedSchemaVersion,
  DossierResolved: DossierResolvedSchemaVersion,
  DossierWithdrawn: DossierWithdrawnSchemaVersion,
  SatisfactionRated: SatisfactionRatedSchemaVersion,
  DeadlineWarningRaised: DeadlineWarningRaisedSchemaVersion,
  ApologyCutoffReached: ApologyCutoffReachedSchemaVersion,
  DossierOverdue: DossierOverdueSchemaVersion,
  DeadlineAlertWithdrawn: DeadlineAlertWithdrawnSchemaVersion,
  ProcessingPaused: ProcessingPausedSchemaVersion,
  ProcessingResumed: ProcessingResumedSchemaVersion,
  ResultReturned: ResultReturnedSchemaVersion,
  StepCorrected: StepCorrectedSchemaVersion,
  DossierRefusedAtReception: DossierRefusedAtReceptionSchemaVersion,
  DossierTransferred: DossierTransferredSchemaVersion,
  TransferReturned: TransferReturnedSchemaVersion,
  TransferAlertRaised: TransferAlertRaisedSchemaVersion,
  DossierPassedToSuccessor: DossierPassedToSuccessorSchemaVersion,
};

/** Which alert event records which alert kind. */
export const ALERT_EVENT_TYPE_BY_KIND = {
  'near-deadline': 'DeadlineWarningRaised',
  'apology-cutoff': 'ApologyCutoffReached',
  overdue: 'DossierOverdue',
} as const satisfies Record<AlertKind, DeadlineAlertEvent['type']>;

export function isDeadlineAlertEvent(event: DossierEvent): event is DeadlineAlertEvent {
  return event.type === 'DeadlineWarningRaised' || event.type === 'ApologyCutoffReached' || event.type === 'DossierOverdue';
}

/** Alert bookkeeping (raised or withdrawn): not a step of the dossier's processing. */
export function isAlertBookkeepingEvent(event: DossierEvent): event is DeadlineAlertEvent | DeadlineAlertWithdrawn | TransferAlertRaised {
  return isDeadlineAlertEvent(event) || event.type === 'DeadlineAlertWithdrawn' || event.type === 'TransferAlertRaised';
}

export const DOSSIER_STREAM_PREFIX = 'dossier-';
export function dossierStreamName(id: string): string {
  return DOSSIER_STREAM_PREFIX + id;
}

/** Business time of an event (its `occurredAt`), read from the event's own timestamp field. */
export function eventOccurredAt(event: DossierEvent): IsoInstant {
  switch (event.type) {
    case 'DossierReceived':
      return event.data.receivedAt;
    case 'DossierAssigned':
      return event.data.assignedAt;
    case 'SupplementRequested':
      return event.data.requestedAt;
    case 'SupplementReceived':
      return event.data.receivedAt;
    case 'ApologyIssued':
      return event.data.issuedAt;
    case 'DossierResolved':
      return event.data.resolvedAt;
    case 'DossierWithdrawn':
      return event.data.withdrawnAt;
    case 'SatisfactionRated':
      return event.data.ratedAt;
    case 'DeadlineWarningRaised':
    case 'ApologyCutoffReached':
    case 'DossierOverdue':
      return event.data.raisedAt;
    case 'DeadlineAlertWithdrawn':
      return event.data.withdrawnAt;
    case 'ProcessingPaused':
      return event.data.pausedAt;
    case 'ProcessingResumed':
      return event.data.resumedAt;
    case 'ResultReturned':
      return event.data.returnedAt;
    case 'StepCorrected':
      return event.data.correctedAt;
    case 'DossierRefusedAtReception':
      return event.data.refusedAt;
    case 'DossierTransferred':
      return event.data.transferredAt;
    case 'TransferReturned':
      return event.data.returnedAt;
    case 'TransferAlertRaised':
      return event.data.raisedAt;
    case 'DossierPassedToSuccessor':
      return event.data.passedAt;
    default:
      return assertNever(event);
  }
}

/**
 * Dossier commands: intentions, imperative, `{ type, data }`. Every command carries the business
 * time `occurredAt` (may be backdated, never in the future). Due times are computed by the
 * application with the calendar module and passed in; the decider never does calendar maths.
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
  TransferAlertKind,
} from '../shared/types';
import type { RuleSetId } from '../rules/rule-set';
import type { Applicant, ResultRecipient } from './events';

export type DomainCommand<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data & { dossierId: string; occurredAt: Date }>;
}>;

export type ReceiveDossier = DomainCommand<
  'ReceiveDossier',
  {
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
    /** Legal due time computed from `occurredAt` by the application. */
    dueAt: Date;
    calendarVersion: string;
    /** The rule set in force on the local reception date, chosen by the application (its switch dates are settings). */
    ruleSet?: RuleSetId;
    /** The campaign window that gave `processingTime`, if any. */
    campaignId?: string;
    /** The look-up PIN drawn by the application (`LOOKUP_PIN_ALPHABET`, 6 characters). */
    lookupPin?: string;
    /** The competent unit (issue #16); absent or equal to `unitCode`: the receiving unit resolves. */
    competentUnitCode?: string;
    /** QĐ 766 facts (issue #18). */
    digitised?: boolean;
    feeDue?: boolean;
    feePaidOnline?: boolean;
  }
>;

export type AssignDossier = DomainCommand<'AssignDossier', { assignee: string; assigneeName?: string; department?: string }>;

export type RequestSupplement = DomainCommand<
  'RequestSupplement',
  {
    reason: string;
    items?: { name: string; note?: string }[];
    /** Computed by the application with the unit's calendar (`isSupplementRequestWithinLegalTime`). */
    withinLegalTime?: boolean;
  }
>;

export type ReceiveSupplement = DomainCommand<
  'ReceiveSupplement',
  {
    /** New legal due time, counted from zero at `occurredAt`. */
    newDueAt: Date;
    calendarVersion: string;
  }
>;

export type IssueApology = DomainCommand<'IssueApology', { reason: string; newDueAt: Date; letterNumber?: string }>;

export type ResolveDossier = DomainCommand<
  'ResolveDossier',
  {
    outcome: Outcome;
    note?: string;
    /** The unit's timing policy now (frozen into the event). */ timingMode?: 'exact' | 'day';
    /** The result is issued as an electronic document (QĐ 766, issue #18). */
    electronicResult?: boolean;
  }
>;

export type WithdrawDossier = DomainCommand<'WithdrawDossier', { reason: string }>;

export type RateSatisfaction = DomainCommand<'RateSatisfaction', { rating: Rating }>;

/**
 * Sent by the timer / sweep. `dueAt` is the due time the timer was scheduled for; `occurredAt`
 * must be the caller's `now`.
 */
export type RaiseDeadlineAlert = DomainCommand<'RaiseDeadlineAlert', { kind: AlertKind; dueAt: Date }>;

/**
 * A transfer's timer fired (issue #16): raise the alert of `kind` for the open transfer `transferId`
 * whose due time is `dueAt`. `occurredAt` must be the caller's `now`.
 */
export type RaiseTransferAlert = DomainCommand<'RaiseTransferAlert', { transferId: string; kind: TransferAlertKind; dueAt: Date }>;

export type PauseProcessing = DomainCommand<'PauseProcessing', { kind: PauseKind; reason: string }>;

export type ResumeProcessing = DomainCommand<
  'ResumeProcessing',
  {
    /** The due time in force moved later by `pausedWorkingMinutes`, computed by the application. */
    newDueAt: Date;
    pausedWorkingMinutes: number;
    calendarVersion: string;
  }
>;

export type ReturnResult = DomainCommand<'ReturnResult', { method: ReturnMethod; recipient?: ResultRecipient; note?: string }>;

export type CorrectStep = DomainCommand<'CorrectStep', { undo: CorrectableStep; reason: string }>;
/** Refusal at the counter (form 03): recorded with a code, never received. */
export type RefuseAtReception = DomainCommand<
  'RefuseAtReception',
  {
    code: string;
    unitCode: string;
    procedureCode: string;
    procedureName?: string;
    field: string;
    channel: Channel;
    onlineLevel: OnlineLevel;
    applicant: Applicant;
    timeZone: string;
    reason: string;
    legalBasis?: string;
    ruleSet?: '2018' | '2025';
    competentUnitCode?: string;
  }
>;
/** Liên thông: hand the dossier to another agency; its due time comes computed from the application. */
export type TransferDossier = DomainCommand<
  'TransferDossier',
  {
    transferId: string;
    toUnitCode: string;
    task: string;
    processingTime?: ProcessingTime;
    dueAt: Date;
    calendarVersion: string;
    timeZone: string;
  }
>;

/** The agency returns its part; `timingMode`: the agency's timing policy now (day: by date only). */
export type ReturnTransfer = DomainCommand<'ReturnTransfer', { transferId: string; outcome: 'done' | 'refused'; note?: string; timingMode?: 'exact' | 'day' }>;

/** Reorganisation: the competent unit `fromUnitCode` closed; its successor takes the dossier (no-op if done). */
export type PassToSuccessor = DomainCommand<'PassToSuccessor', { fromUnitCode: string; toUnitCode: string; effectiveDate: string }>;

export type DossierCommand =
  | ReceiveDossier
  | AssignDossier
  | RequestSupplement
  | ReceiveSupplement
  | IssueApology
  | ResolveDossier
  | WithdrawDossier
  | RateSatisfaction
  | RaiseDeadlineAlert
  | RaiseTransferAlert
  | PauseProcessing
  | ResumeProcessing
  | ReturnResult
  | CorrectStep
  | RefuseAtReception
  | TransferDossier
  | ReturnTransfer
  | PassToSuccessor;

export type DossierCommandType = DossierCommand['type'];

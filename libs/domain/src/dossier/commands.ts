/**
 * Dossier commands: intentions, imperative, `{ type, data }`. Every command carries the business
 * time `occurredAt` (may be backdated, never in the future). Due times are computed by the
 * application with the calendar module and passed in; the decider never does calendar maths.
 */
import type { AlertKind, Channel, OnlineLevel, Outcome, ProcessingTime, Rating } from '../shared/types';
import type { Applicant } from './events';

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
    /** The competent unit (issue #16); absent or equal to `unitCode`: the receiving unit resolves. */
    competentUnitCode?: string;
  }
>;

export type AssignDossier = DomainCommand<'AssignDossier', { assignee: string; assigneeName?: string; department?: string }>;

export type RequestSupplement = DomainCommand<'RequestSupplement', { reason: string }>;

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
  { outcome: Outcome; note?: string; /** The unit's timing policy now (frozen into the event). */ timingMode?: 'exact' | 'day' }
>;

export type WithdrawDossier = DomainCommand<'WithdrawDossier', { reason: string }>;

export type RateSatisfaction = DomainCommand<'RateSatisfaction', { rating: Rating }>;

/**
 * Sent by the timer / sweep. `dueAt` is the due time the timer was scheduled for; `occurredAt`
 * must be the caller's `now`.
 */
export type RaiseDeadlineAlert = DomainCommand<'RaiseDeadlineAlert', { kind: AlertKind; dueAt: Date }>;

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
  | TransferDossier
  | ReturnTransfer
  | PassToSuccessor;

export type DossierCommandType = DossierCommand['type'];

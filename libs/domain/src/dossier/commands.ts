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
    /** The look-up PIN drawn by the application (`LOOKUP_PIN_ALPHABET`, 6 characters). */
    lookupPin?: string;
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

export type DossierCommand =
  | ReceiveDossier
  | AssignDossier
  | RequestSupplement
  | ReceiveSupplement
  | IssueApology
  | ResolveDossier
  | WithdrawDossier
  | RateSatisfaction
  | RaiseDeadlineAlert;

export type DossierCommandType = DossierCommand['type'];

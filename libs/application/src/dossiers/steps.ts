import {
  AlertKind,
  CorrectableStep,
  DossierCommand,
  ExistingDossier,
  isSupplementRequestWithinLegalTime,
  Outcome,
  PauseKind,
  ProcessingTime,
  Rating,
  ResultRecipient,
  ReturnMethod,
  TransferAlertKind,
} from '@motcua/domain';
import { CommandContext } from '../context';
import { AccessDeniedError, RuleViolationError } from '../errors';
import { ReferenceService } from '../reference/reference-service';
import { dueAtWithinRange, resumedDueAtWithinRange } from './business-time';
import { timingModeOf } from './dossier-scope';
import { assertUnitInOperation, findUnit } from './reception/reception';

/**
 * The dossier commands after reception, as the API names them: the action's name is the route's
 * (`POST /dossiers/:id/assign` → action `assign` → domain command `AssignDossier` → event
 * `DossierAssigned`). `raise-alert` and `raise-transfer-alert` have no route: the deadline timers send them.
 */
export type DossierAction =
  | { action: 'assign'; assignee: string; assigneeName?: string; department?: string }
  | { action: 'request-supplement'; reason: string; items?: { name: string; note?: string }[] }
  | { action: 'receive-supplement' }
  | { action: 'apologise'; reason: string; newDueAt: Date; letterNumber?: string }
  | { action: 'resolve'; outcome: Outcome; note?: string; electronicResult?: boolean }
  | { action: 'withdraw'; reason: string }
  | { action: 'rate'; rating: Rating }
  | { action: 'raise-alert'; kind: AlertKind; dueAt: Date }
  | { action: 'raise-transfer-alert'; transferId: string; kind: TransferAlertKind; dueAt: Date }
  | { action: 'pause'; kind: PauseKind; reason: string }
  | { action: 'resume' }
  | { action: 'return-result'; method: ReturnMethod; recipient?: ResultRecipient; note?: string }
  | { action: 'correct'; undo: CorrectableStep; reason: string }
  | { action: 'transfer'; transferId: string; toUnitCode: string; task: string; processingTime?: ProcessingTime; dueAt?: Date }
  | { action: 'transfer-return'; transferId: string; outcome: 'done' | 'refused'; note?: string }
  | { action: 'pass-to-successor'; fromUnitCode: string; toUnitCode: string; effectiveDate: string };

export type DossierActionName = DossierAction['action'];
export type ActionOf<N extends DossierActionName> = Extract<DossierAction, { action: N }>;

/** What a step decides on: the action, the dossier just read, and the context taken after the read. */
export interface StepInput<A> {
  action: A;
  state: ExistingDossier;
  ctx: CommandContext;
  /** The fields every domain command carries. */
  base: { dossierId: string; occurredAt: Date };
  reference: ReferenceService;
}

/**
 * Action → domain command, one entry per action (the mapped type makes a missing one a compile
 * error). Each entry holds what its use case adds to the decider's input: the officer's
 * self-assignment rule, the restarted processing time, the unit's timing mode.
 */
export const DOSSIER_STEPS: { [N in DossierActionName]: (input: StepInput<ActionOf<N>>) => DossierCommand } = {
  assign: ({ action: a, ctx, base }) => {
    // An officer may only take a dossier for themself; supervisors assign anyone.
    const roles = ctx.actor.roles;
    if (!roles.includes('supervisor') && !roles.includes('admin') && a.assignee !== ctx.actor.id) {
      throw new AccessDeniedError(`An officer may only assign a dossier to themself (${ctx.actor.id}), not to ${a.assignee}`);
    }
    return { type: 'AssignDossier', data: { ...base, assignee: a.assignee, assigneeName: a.assigneeName, department: a.department } };
  },
  'request-supplement': ({ action: a, state, base, reference }) => {
    // within 3 working days of reception, in the unit's office hours and calendar (libs/domain's rule)
    let withinLegalTime: boolean | undefined;
    if (reference.data.units.has(state.unitCode)) {
      try {
        withinLegalTime = isSupplementRequestWithinLegalTime(reference.data.workingTime(state.unitCode), new Date(state.receivedAt), base.occurredAt);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err; // beyond the calendar's years: not recorded rather than refused
      }
    }
    return {
      type: 'RequestSupplement',
      data: { ...base, reason: a.reason, ...(a.items !== undefined && { items: a.items }), ...(withinLegalTime !== undefined && { withinLegalTime }) },
    };
  },
  'receive-supplement': ({ state, base, reference }) => {
    // The processing time restarts from zero once the complete dossier arrives (Art. 19.4).
    if (!reference.data.units.has(state.unitCode)) throw new RuleViolationError('unknown-unit', `Unit "${state.unitCode}" no longer exists`);
    const due = dueAtWithinRange(reference.data.workingTime(state.unitCode), base.occurredAt, state.processingTime);
    return { type: 'ReceiveSupplement', data: { ...base, newDueAt: due.dueAt, calendarVersion: due.calendarVersion } };
  },
  apologise: ({ action: a, base }) => ({ type: 'IssueApology', data: { ...base, reason: a.reason, newDueAt: a.newDueAt, letterNumber: a.letterNumber } }),
  resolve: ({ action: a, state, base, reference }) => ({
    type: 'ResolveDossier',
    data: {
      ...base,
      outcome: a.outcome,
      note: a.note,
      timingMode: timingModeOf(reference, state.unitCode),
      ...(a.electronicResult !== undefined && { electronicResult: a.electronicResult }),
    },
  }),
  withdraw: ({ action: a, base }) => ({ type: 'WithdrawDossier', data: { ...base, reason: a.reason } }),
  rate: ({ action: a, base }) => ({ type: 'RateSatisfaction', data: { ...base, rating: a.rating } }),
  'raise-alert': ({ action: a, base }) => ({ type: 'RaiseDeadlineAlert', data: { ...base, kind: a.kind, dueAt: a.dueAt } }),
  'raise-transfer-alert': ({ action: a, base }) => ({
    type: 'RaiseTransferAlert',
    data: { ...base, transferId: a.transferId, kind: a.kind, dueAt: a.dueAt },
  }),
  pause: ({ action: a, base }) => ({ type: 'PauseProcessing', data: { ...base, kind: a.kind, reason: a.reason } }),
  resume: ({ state, base, reference }) => {
    // the due time moves later by the working time spent paused, in the unit's office hours and calendar
    const pause = state.pauses.length > 0 ? state.pauses[state.pauses.length - 1] : undefined;
    if (state.status !== 'paused' || pause === undefined || pause.resumedAt !== undefined) {
      // nothing to compute: the decider refuses it with its own message
      return {
        type: 'ResumeProcessing',
        data: { ...base, newDueAt: new Date(state.effectiveDueAt), pausedWorkingMinutes: 0, calendarVersion: state.calendarVersion },
      };
    }
    if (!reference.data.units.has(state.unitCode)) throw new RuleViolationError('unknown-unit', `Unit "${state.unitCode}" no longer exists`);
    const moved = resumedDueAtWithinRange(
      reference.data.workingTime(state.unitCode),
      new Date(pause.pausedAt),
      base.occurredAt,
      new Date(state.effectiveDueAt),
    );
    return {
      type: 'ResumeProcessing',
      data: { ...base, newDueAt: moved.dueAt, pausedWorkingMinutes: moved.pausedWorkingMinutes, calendarVersion: moved.calendarVersion },
    };
  },
  'return-result': ({ action: a, base }) => ({ type: 'ReturnResult', data: { ...base, method: a.method, recipient: a.recipient, note: a.note } }),
  correct: ({ action: a, ctx, base }) => {
    // a correction undoes a step recorded by someone else: the supervisor's call (the table's roles say so too; the import goes through here)
    if (!ctx.actor.roles.includes('supervisor') && !ctx.actor.roles.includes('admin')) {
      throw new AccessDeniedError('Only a supervisor may correct a step recorded by mistake');
    }
    return { type: 'CorrectStep', data: { ...base, undo: a.undo, reason: a.reason } };
  },
  transfer: ({ action: a, base, reference }) => {
    // liên thông: the agency's own due time, in its own calendar and office hours (or given)
    const unit = findUnit(reference.data, a.toUnitCode);
    assertUnitInOperation(unit, base.occurredAt);
    if ((a.processingTime === undefined) === (a.dueAt === undefined)) {
      throw new RuleViolationError('transfer-due', 'A transfer needs either processingTime (counted in the agency’s working time) or dueAt, not both', {
        field: 'processingTime',
      });
    }
    const due = a.processingTime
      ? dueAtWithinRange(reference.data.workingTime(unit.code), base.occurredAt, a.processingTime)
      : { dueAt: a.dueAt!, calendarVersion: 'given' };
    return {
      type: 'TransferDossier',
      data: {
        ...base,
        transferId: a.transferId,
        toUnitCode: unit.code,
        task: a.task,
        ...(a.processingTime && { processingTime: a.processingTime }),
        dueAt: due.dueAt,
        calendarVersion: due.calendarVersion,
        timeZone: unit.timeZone,
      },
    };
  },
  'transfer-return': ({ action: a, state, base, reference }) => {
    const transfer = state.transfers.find((t) => t.transferId === a.transferId);
    return {
      type: 'ReturnTransfer',
      data: {
        ...base,
        transferId: a.transferId,
        outcome: a.outcome,
        note: a.note,
        timingMode: transfer ? timingModeOf(reference, transfer.toUnitCode) : 'exact',
      },
    };
  },
  'pass-to-successor': ({ action: a, base }) => ({
    type: 'PassToSuccessor',
    data: { ...base, fromUnitCode: a.fromUnitCode, toUnitCode: a.toUnitCode, effectiveDate: a.effectiveDate },
  }),
};

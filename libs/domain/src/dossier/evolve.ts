/**
 * evolve(state, event) → state: pure, total, never consults the clock. Business rules live in
 * `decide`; evolve only records facts. A status never changes once the dossier is resolved or
 * withdrawn, even if a (buggy) later event says otherwise; only a stream that does not start with
 * `DossierReceived`, or receives twice, is rejected as corrupt.
 */
import { assertNever } from './assert-never';
import { isOpenStatus, statusAfter } from './status';
import { CorruptDossierStream } from './errors';
import { eventOccurredAt, isAlertBookkeepingEvent, type DossierEvent, type DossierReceived, type DossierRefusedAtReception, type IsoInstant } from './events';
import {
  initialDossierState,
  isOpenDossier,
  type DossierState,
  type ExistingDossier,
  type OpenDossier,
  type RefusedDossier,
  type SupplementRound,
} from './state';

export function evolve(state: DossierState, event: DossierEvent): DossierState {
  switch (event.type) {
    case 'DossierReceived':
      if (state.status !== 'none') throw new CorruptDossierStream(event.type, state.version + 1, 'the dossier was already received');
      return received(event);

    case 'DossierAssigned': {
      const s = existing(state, event);
      const { assignee, assigneeName, department } = event.data;
      const before = { assignee: s.assignee, assigneeName: s.assigneeName, department: s.department };
      return next(
        moved(
          { ...s, assignee, assigneeName, department: department ?? s.department, previousAssignments: [...s.previousAssignments, before] },
          event,
          s.assignee !== undefined,
        ),
        event,
      );
    }

    case 'SupplementRequested': {
      const s = existing(state, event);
      const { reason, requestedAt, items, withinLegalTime, sequence } = event.data;
      const round: SupplementRound = {
        reason,
        requestedAt,
        ...(items !== undefined && { items: items.map((i) => ({ ...i })) }),
        ...(withinLegalTime !== undefined && { withinLegalTime }),
        sequence: sequence ?? s.supplements.length + 1,
        previousDueAt: s.effectiveDueAt,
      };
      return next(moved({ ...s, supplements: [...s.supplements, round] }, event, s.assignee !== undefined), event);
    }

    case 'SupplementReceived': {
      const s = existing(state, event);
      const { receivedAt, dueAt, calendarVersion } = event.data;
      const rounds = s.supplements.slice();
      const last = rounds.length - 1;
      if (last >= 0 && rounds[last].receivedAt === undefined) {
        rounds[last] = { ...rounds[last], receivedAt, dueAt, calendarVersion };
      }
      const restarted = {
        ...s,
        supplements: rounds,
        clockStartedAt: receivedAt,
        dueAt,
        appointedDueAt: undefined,
        effectiveDueAt: dueAt,
        calendarVersion,
      };
      return next(moved(restarted, event, s.assignee !== undefined), event);
    }

    case 'ApologyIssued': {
      const s = existing(state, event);
      const { reason, newDueAt, letterNumber, issuedAt, previousDueAt } = event.data;
      return next(
        {
          ...s,
          apology: { reason, newDueAt, letterNumber, issuedAt, previousDueAt },
          appointedDueAt: newDueAt,
          effectiveDueAt: newDueAt,
        },
        event,
      );
    }

    case 'DossierResolved': {
      const s = existing(state, event);
      if (!isOpenDossier(s) || statusAfter(s.status, event, s.assignee !== undefined) !== 'resolved') return next(s, event);
      const { outcome, note, resolvedAt } = event.data;
      return next({ ...s, status: 'resolved', outcome, resolutionNote: note, resolvedAt }, event);
    }

    case 'DossierWithdrawn': {
      const s = existing(state, event);
      if (!isOpenDossier(s) || statusAfter(s.status, event, s.assignee !== undefined) !== 'withdrawn') return next(s, event);
      const { reason, withdrawnAt } = event.data;
      return next({ ...s, status: 'withdrawn', withdrawalReason: reason, withdrawnAt }, event);
    }

    case 'SatisfactionRated': {
      const s = existing(state, event);
      return next({ ...s, rating: event.data.rating, ratedAt: event.data.ratedAt }, event);
    }

    case 'DeadlineWarningRaised':
    case 'ApologyCutoffReached':
    case 'DossierOverdue': {
      const s = existing(state, event);
      const { kind, dueAt, raisedAt } = event.data;
      return next({ ...s, alerts: [...s.alerts, { kind, dueAt, raisedAt }] }, event);
    }

    case 'DeadlineAlertWithdrawn': {
      const s = existing(state, event);
      const { kind, dueAt, withdrawnAt } = event.data;
      const due = Date.parse(dueAt);
      const alerts = s.alerts.map((a) => (a.kind === kind && Date.parse(a.dueAt) === due && a.withdrawnAt === undefined ? { ...a, withdrawnAt } : a));
      return next({ ...s, alerts }, event);
    }

    case 'ProcessingPaused': {
      const s = existing(state, event);
      const { kind, reason, pausedAt } = event.data;
      return next(moved({ ...s, pauses: [...s.pauses, { kind, reason, pausedAt }] }, event, s.assignee !== undefined), event);
    }

    case 'ProcessingResumed': {
      const s = existing(state, event);
      const { resumedAt, dueAt, previousDueAt, pausedWorkingMinutes } = event.data;
      const pauses = s.pauses.slice();
      const last = pauses.length - 1;
      if (last >= 0 && pauses[last].resumedAt === undefined) pauses[last] = { ...pauses[last], resumedAt, previousDueAt, dueAt, pausedWorkingMinutes };
      // no apology is in force while paused (the decider refuses both orders), so the legal due time is the one in force
      return next(moved({ ...s, pauses, dueAt, effectiveDueAt: dueAt, calendarVersion: event.data.calendarVersion }, event, s.assignee !== undefined), event);
    }

    case 'ResultReturned': {
      const s = existing(state, event);
      if (s.status !== 'resolved') return next(s, event);
      const { method, recipient, note, returnedAt } = event.data;
      return next({ ...s, status: 'returned', returnedAt, returnMethod: method, returnRecipient: recipient, returnNote: note }, event);
    }

    case 'StepCorrected': {
      const s = existing(state, event);
      switch (event.data.undo) {
        case 'resolve': {
          if (s.status !== 'resolved') return next(s, event);
          const awaitingSupplement = s.supplements.length > 0 && s.supplements[s.supplements.length - 1].receivedAt === undefined;
          const status = statusAfter(s.status, event, s.assignee !== undefined, { awaitingSupplement });
          if (status === 'none' || !isOpenStatus(status)) return next(s, event);
          const reopened: OpenDossier = { ...s, status: status as OpenDossier['status'], outcome: undefined, resolutionNote: undefined, resolvedAt: undefined };
          return next(reopened, event);
        }
        case 'return-result': {
          if (s.status !== 'returned') return next(s, event);
          const back: ExistingDossier = {
            ...s,
            status: 'resolved',
            returnedAt: undefined,
            returnMethod: undefined,
            returnRecipient: undefined,
            returnNote: undefined,
          };
          return next(back, event);
        }
        case 'assign': {
          if (!isOpenDossier(s) || s.previousAssignments.length === 0) return next(s, event);
          const previous = s.previousAssignments[s.previousAssignments.length - 1];
          const undone = {
            ...s,
            assignee: previous.assignee,
            assigneeName: previous.assigneeName,
            department: previous.department,
            previousAssignments: s.previousAssignments.slice(0, -1),
          };
          const status = statusAfter(s.status, event, s.assignee !== undefined, { assigneeAfterUndo: previous.assignee !== undefined });
          return next(
            status === s.status || status === 'none' || !isOpenStatus(status) ? undone : { ...undone, status: status as OpenDossier['status'] },
            event,
          );
        }
        default:
          return assertNever(event.data.undo);
      }
    }
    case 'DossierRefusedAtReception':
      if (state.status !== 'none') throw new CorruptDossierStream(event.type, state.version + 1, 'a refusal at reception must be the first event');
      return refused(event);
    case 'DossierTransferred': {
      const s = existing(state, event);
      const d = event.data;
      const transfer = {
        transferId: d.transferId,
        toUnitCode: d.toUnitCode,
        task: d.task,
        ...(d.processingTime && { processingTime: { ...d.processingTime } }),
        dueAt: d.dueAt,
        calendarVersion: d.calendarVersion,
        timeZone: d.timeZone,
        transferredAt: d.transferredAt,
      };
      return next({ ...s, transfers: [...s.transfers, transfer] }, event);
    }

    case 'TransferReturned': {
      const s = existing(state, event);
      const { transferId, outcome, note, returnedAt, timing } = event.data;
      const transfers = s.transfers.map((t) =>
        t.transferId === transferId && t.returnedAt === undefined ? { ...t, returnedAt, outcome, ...(note !== undefined && { note }), timing } : t,
      );
      return next({ ...s, transfers }, event);
    }

    case 'TransferAlertRaised': {
      const s = existing(state, event);
      const { transferId, kind } = event.data;
      const transfers = s.transfers.map((t) => (t.transferId === transferId ? { ...t, alertsRaised: [...(t.alertsRaised ?? []), kind] } : t));
      return next({ ...s, transfers }, event);
    }

    case 'DossierPassedToSuccessor': {
      const s = existing(state, event);
      return next({ ...s, competentUnitCode: event.data.toUnitCode }, event);
    }

    default:
      return assertNever(event);
  }
}

/** Replays a stream from the beginning. */
export function foldDossier(events: readonly DossierEvent[], from: DossierState = initialDossierState): DossierState {
  return events.reduce<DossierState>(evolve, from);
}

function received(event: DossierReceived): OpenDossier {
  const d = event.data;
  return {
    status: 'received',
    id: d.dossierId,
    code: d.code,
    unitCode: d.unitCode,
    procedureCode: d.procedureCode,
    procedureName: d.procedureName,
    field: d.field,
    channel: d.channel,
    onlineLevel: d.onlineLevel,
    applicant: { ...d.applicant },
    processingTime: { ...d.processingTime },
    timeZone: d.timeZone,
    calendarVersion: d.calendarVersion,
    ...(d.campaignId !== undefined && { campaignId: d.campaignId }),
    receivedAt: d.receivedAt,
    clockStartedAt: d.receivedAt,
    dueAt: d.dueAt,
    appointedDueAt: undefined,
    effectiveDueAt: d.dueAt,
    supplements: [],
    alerts: [],
    pauses: [],
    previousAssignments: [],
    lastOccurredAt: d.receivedAt,
    lastStepOccurredAt: d.receivedAt,
    version: 1,
    ...(d.lookupPin !== undefined ? { lookupPin: d.lookupPin } : {}),
    competentUnitCode: d.competentUnitCode ?? d.unitCode,
    transfers: [],
  };
}

/**
 * The dossier with the status the status machine (`statusAfter`) gives after `event`. Used for the
 * steps that keep an open dossier open (assignment, supplement); closing steps carry their own fields.
 */
function moved<S extends ExistingDossier>(s: S, event: DossierEvent, hadAssignee: boolean): S {
  const status = statusAfter(s.status, event, hadAssignee);
  if (status === s.status) return s;
  if (status === 'none' || !isOpenStatus(status) || !isOpenStatus(s.status)) {
    throw new CorruptDossierStream(event.type, s.version + 1, `unexpected transition ${s.status} → ${status}`);
  }
  return { ...s, status } as S;
}

function existing(state: DossierState, event: DossierEvent): ExistingDossier {
  if (state.status === 'none') throw new CorruptDossierStream(event.type, 1, 'the stream must start with DossierReceived');
  if (state.status === 'refused-at-reception')
    throw new CorruptDossierStream(event.type, state.version + 1, 'a dossier refused at reception has no later events');
  return state;
}

function refused(event: DossierRefusedAtReception): RefusedDossier {
  const d = event.data;
  return {
    status: 'refused-at-reception',
    id: d.dossierId,
    code: d.code,
    unitCode: d.unitCode,
    procedureCode: d.procedureCode,
    procedureName: d.procedureName,
    field: d.field,
    channel: d.channel,
    onlineLevel: d.onlineLevel,
    applicant: { ...d.applicant },
    timeZone: d.timeZone,
    refusedAt: d.refusedAt,
    refusalReason: d.reason,
    ...(d.legalBasis !== undefined && { legalBasis: d.legalBasis }),
    ...(d.ruleSet !== undefined && { ruleSet: d.ruleSet }),
    ...(d.competentUnitCode !== undefined && { competentUnitCode: d.competentUnitCode }),
    lastOccurredAt: d.refusedAt,
    lastStepOccurredAt: d.refusedAt,
    version: 1,
  };
}

function next<S extends ExistingDossier>(state: S, event: DossierEvent): S {
  const at = eventOccurredAt(event);
  return {
    ...state,
    version: state.version + 1,
    lastOccurredAt: later(state.lastOccurredAt, at),
    lastStepOccurredAt: isAlertBookkeepingEvent(event) ? state.lastStepOccurredAt : later(state.lastStepOccurredAt, at),
  };
}

function later(a: IsoInstant, b: IsoInstant): IsoInstant {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * evolve(state, event) → state: pure, total, never consults the clock. Business rules live in
 * `decide`; evolve only records facts. A status never changes once the dossier is resolved or
 * withdrawn, even if a (buggy) later event says otherwise; only a stream that does not start with
 * `DossierReceived`, or receives twice, is rejected as corrupt.
 */
import { assertNever } from './assert-never';
import { isOpenStatus, statusAfter } from './status';
import { CorruptDossierStream } from './errors';
import { eventOccurredAt, isAlertBookkeepingEvent, type DossierEvent, type DossierReceived, type IsoInstant } from './events';
import { initialDossierState, isOpenDossier, type DossierState, type ExistingDossier, type OpenDossier, type SupplementRound } from './state';

export function evolve(state: DossierState, event: DossierEvent): DossierState {
  switch (event.type) {
    case 'DossierReceived':
      if (state.status !== 'none') throw new CorruptDossierStream(event.type, state.version + 1, 'the dossier was already received');
      return received(event);

    case 'DossierAssigned': {
      const s = existing(state, event);
      const { assignee, assigneeName, department } = event.data;
      return next(moved({ ...s, assignee, assigneeName, department: department ?? s.department }, event, s.assignee !== undefined), event);
    }

    case 'SupplementRequested': {
      const s = existing(state, event);
      const round: SupplementRound = {
        reason: event.data.reason,
        requestedAt: event.data.requestedAt,
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
    receivedAt: d.receivedAt,
    clockStartedAt: d.receivedAt,
    dueAt: d.dueAt,
    appointedDueAt: undefined,
    effectiveDueAt: d.dueAt,
    supplements: [],
    alerts: [],
    lastOccurredAt: d.receivedAt,
    lastStepOccurredAt: d.receivedAt,
    version: 1,
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
  return state;
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

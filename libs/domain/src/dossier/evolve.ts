/**
 * evolve(state, event) → state: pure, total, never consults the clock. Business rules live in
 * `decide`; evolve only records facts. A status never changes once the dossier is resolved or
 * withdrawn, even if a (buggy) later event says otherwise; only a stream that does not start with
 * `DossierReceived`, or receives twice, is rejected as corrupt.
 */
import { assertNever } from './assert-never';
import { CorruptDossierStream } from './errors';
import { eventOccurredAt, isAlertBookkeepingEvent, type DossierEvent, type DossierReceived, type IsoInstant } from './events';
import {
  initialDossierState,
  isOpenDossier,
  type DossierState,
  type ExistingDossier,
  type OpenDossier,
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
      const withAssignee = { ...s, assignee, assigneeName, department: department ?? s.department };
      return next(
        withAssignee.status === 'received' ? { ...withAssignee, status: 'assigned' } : withAssignee,
        event,
      );
    }

    case 'SupplementRequested': {
      const s = existing(state, event);
      const round: SupplementRound = {
        reason: event.data.reason,
        requestedAt: event.data.requestedAt,
        previousDueAt: s.effectiveDueAt,
      };
      const withRound = { ...s, supplements: [...s.supplements, round] };
      return next(isOpenDossier(withRound) ? { ...withRound, status: 'awaiting-supplement' } : withRound, event);
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
      return next(
        restarted.status === 'awaiting-supplement'
          ? { ...restarted, status: restarted.assignee === undefined ? 'received' : 'assigned' }
          : restarted,
        event,
      );
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
      if (!isOpenDossier(s)) return next(s, event);
      const { outcome, note, resolvedAt } = event.data;
      return next({ ...s, status: 'resolved', outcome, resolutionNote: note, resolvedAt }, event);
    }

    case 'DossierWithdrawn': {
      const s = existing(state, event);
      if (!isOpenDossier(s)) return next(s, event);
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
  };
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

/** Pause / resume, return of the result, corrections (issue #14). */
import { isClockRunning } from '../clock';
import type { CorrectStep, PauseProcessing, ResumeProcessing, ReturnResult } from '../commands';
import { DossierClosed, InvalidCommand, InvalidNewDueAt, InvalidTransition, NothingToUndo, OccurredBeforePreviousEvent, OccurredInFuture } from '../errors';
import type { ProcessingPaused, ProcessingResumed, ResultReturned, StepCorrected } from '../events';
import { foldDossier } from '../evolve';
import { cmd, corrupt, d, DUE_AT, ev, ID, NOW, spec } from './fixtures';

const ASSIGNED_AT = '2025-03-03T04:00:00.000Z';
const PAUSED_AT = '2025-03-04T03:00:00.000Z'; // Tue 10:00
const RESUMED_AT = '2025-03-05T03:00:00.000Z'; // Wed 10:00: 8 working hours later
const NEW_DUE = '2025-03-07T10:00:00.000Z'; // Thu 17:00 + 480 working minutes = Fri 17:00
const RESOLVED_AT = '2025-03-06T08:00:00.000Z';
const RETURNED_AT = '2025-03-06T09:00:00.000Z';
const LATER = '2025-03-07T02:00:00.000Z';

const c = {
  pause: (occurredAt: string, kind: PauseProcessing['data']['kind'] = 'fee', reason = 'Chờ nộp phí'): PauseProcessing => ({
    type: 'PauseProcessing',
    data: { dossierId: ID, occurredAt: d(occurredAt), kind, reason },
  }),
  resume: (occurredAt: string, newDueAt: string, pausedWorkingMinutes = 480): ResumeProcessing => ({
    type: 'ResumeProcessing',
    data: { dossierId: ID, occurredAt: d(occurredAt), newDueAt: d(newDueAt), pausedWorkingMinutes, calendarVersion: 'vn-2025.1' },
  }),
  returnResult: (occurredAt: string, extra: Partial<ReturnResult['data']> = {}): ReturnResult => ({
    type: 'ReturnResult',
    data: { dossierId: ID, occurredAt: d(occurredAt), method: 'counter', ...extra },
  }),
  correct: (occurredAt: string, undo: CorrectStep['data']['undo'], reason = 'Ghi nhầm'): CorrectStep => ({
    type: 'CorrectStep',
    data: { dossierId: ID, occurredAt: d(occurredAt), undo, reason },
  }),
};
const e = {
  paused: (pausedAt: string, kind: ProcessingPaused['data']['kind'] = 'fee', reason = 'Chờ nộp phí'): ProcessingPaused => ({
    type: 'ProcessingPaused',
    data: { kind, reason, pausedAt },
  }),
  resumed: (resumedAt: string, dueAt: string, previousDueAt: string, pausedWorkingMinutes = 480): ProcessingResumed => ({
    type: 'ProcessingResumed',
    data: { resumedAt, dueAt, previousDueAt, pausedWorkingMinutes, calendarVersion: 'vn-2025.1' },
  }),
  returned: (returnedAt: string, extra: Partial<ResultReturned['data']> = {}): ResultReturned => ({
    type: 'ResultReturned',
    data: { method: 'counter', returnedAt, ...extra },
  }),
  corrected: (correctedAt: string, undo: StepCorrected['data']['undo'], reason = 'Ghi nhầm'): StepCorrected => ({
    type: 'StepCorrected',
    data: { undo, reason, correctedAt },
  }),
};

const assigned = [ev.received(), ev.assigned('officer-1', ASSIGNED_AT)];
const paused = [...assigned, e.paused(PAUSED_AT)];
const resolved = [...assigned, ev.resolved(RESOLVED_AT)];
const returned = [...resolved, e.returned(RETURNED_AT)];

describe('PauseProcessing', () => {
  it('stops the clock of an assigned dossier: status paused, no alert can be raised', () => {
    const state = spec
      .given(assigned)
      .when(c.pause(PAUSED_AT, 'verification', 'Xác minh thực địa'))
      .then([e.paused(PAUSED_AT, 'verification', 'Xác minh thực địa')]);
    expect(state).toMatchObject({
      status: 'paused',
      effectiveDueAt: DUE_AT,
      pauses: [{ kind: 'verification', reason: 'Xác minh thực địa', pausedAt: PAUSED_AT }],
    });
    expect(isClockRunning(state)).toBe(false);
    spec
      .given(paused)
      .when(cmd.alert('overdue', DUE_AT, NOW.toISOString()))
      .thenNothing();
  });

  it('is refused while paused, while awaiting a supplement, after an apology, and on a closed dossier', () => {
    spec
      .given(paused)
      .when(c.pause(RESUMED_AT))
      .thenThrows(InvalidTransition, (x) => expect(x.status).toBe('paused'));
    spec
      .given([...assigned, ev.supplementRequested(PAUSED_AT)])
      .when(c.pause(RESUMED_AT))
      .thenThrows(InvalidTransition);
    spec
      .given([...assigned, ev.apologyIssued(PAUSED_AT, NEW_DUE, DUE_AT)])
      .when(c.pause(RESUMED_AT))
      .thenThrows(InvalidTransition);
    spec.given(resolved).when(c.pause(LATER)).thenThrows(DossierClosed);
  });

  it('checks its kind, its reason and its business time', () => {
    spec
      .given(assigned)
      .when(corrupt(c.pause(PAUSED_AT), { kind: 'lunch' }))
      .thenThrows(InvalidCommand, (x) => expect(x.field).toBe('kind'));
    spec
      .given(assigned)
      .when(c.pause(PAUSED_AT, 'fee', ' '))
      .thenThrows(InvalidCommand, (x) => expect(x.field).toBe('reason'));
    spec.given(assigned).when(c.pause('2025-03-21T03:00:00.000Z')).thenThrows(OccurredInFuture);
    spec.given(assigned).when(c.pause('2025-03-03T03:00:00.000Z')).thenThrows(OccurredBeforePreviousEvent);
  });
});

describe('while paused', () => {
  it('a resolve, an apology and a supplement request wait for the resume', () => {
    spec
      .given(paused)
      .when(cmd.resolve(RESUMED_AT))
      .thenThrows(InvalidTransition, (x) => expect(x.message).toMatch(/resume it first/));
    spec.given(paused).when(cmd.apologise(RESUMED_AT, '2025-03-10T10:00:00.000Z')).thenThrows(InvalidTransition);
    spec.given(paused).when(cmd.requestSupplement(RESUMED_AT)).thenThrows(InvalidTransition);
  });

  it('the citizen may still withdraw, and the dossier may be reassigned (it stays paused)', () => {
    spec
      .given(paused)
      .when(cmd.withdraw(RESUMED_AT))
      .then([ev.withdrawn(RESUMED_AT)]);
    const state = spec
      .given(paused)
      .when(cmd.assign('officer-2', RESUMED_AT))
      .then([ev.assigned('officer-2', RESUMED_AT, { previousAssignee: 'officer-1' })]);
    expect(state.status).toBe('paused');
  });
});

describe('ResumeProcessing', () => {
  it('restarts the clock with the due time moved later (the application computed it)', () => {
    const state = spec
      .given(paused)
      .when(c.resume(RESUMED_AT, NEW_DUE))
      .then([e.resumed(RESUMED_AT, NEW_DUE, DUE_AT)]);
    expect(state).toMatchObject({
      status: 'assigned',
      dueAt: NEW_DUE,
      effectiveDueAt: NEW_DUE,
      pauses: [{ kind: 'fee', pausedAt: PAUSED_AT, resumedAt: RESUMED_AT, previousDueAt: DUE_AT, dueAt: NEW_DUE, pausedWorkingMinutes: 480 }],
    });
    expect(isClockRunning(state)).toBe(true);
  });

  it('goes back to received when nobody was assigned', () => {
    const state = spec
      .given([ev.received(), e.paused(PAUSED_AT)])
      .when(c.resume(RESUMED_AT, NEW_DUE))
      .then([e.resumed(RESUMED_AT, NEW_DUE, DUE_AT)]);
    expect(state.status).toBe('received');
  });

  it('is refused on a dossier that is not paused, and never moves the due time earlier', () => {
    spec.given(assigned).when(c.resume(RESUMED_AT, NEW_DUE)).thenThrows(InvalidTransition);
    spec.given(resolved).when(c.resume(LATER, NEW_DUE)).thenThrows(DossierClosed);
    spec.given(paused).when(c.resume(RESUMED_AT, '2025-03-06T09:00:00.000Z')).thenThrows(InvalidNewDueAt);
    spec
      .given(paused)
      .when(c.resume(RESUMED_AT, NEW_DUE, -1))
      .thenThrows(InvalidCommand, (x) => expect(x.field).toBe('pausedWorkingMinutes'));
  });

  it('checks its business time: not before the pause, not in the future', () => {
    spec.given(paused).when(c.resume('2025-03-04T02:59:00.000Z', NEW_DUE)).thenThrows(OccurredBeforePreviousEvent);
    spec.given(paused).when(c.resume('2025-03-21T03:00:00.000Z', NEW_DUE)).thenThrows(OccurredInFuture);
  });
});

describe('ReturnResult', () => {
  it('hands the result of a resolved dossier over to an authorised person, early (before the due time) included', () => {
    const recipient = { name: 'Trần Thị B', idNumber: '079090009999', relation: 'được ủy quyền' };
    const state = spec
      .given(resolved)
      .when(c.returnResult(RETURNED_AT, { recipient, note: 'Trả sớm' }))
      .then([e.returned(RETURNED_AT, { recipient, note: 'Trả sớm' })]);
    expect(state).toMatchObject({ status: 'returned', resolvedAt: RESOLVED_AT, returnedAt: RETURNED_AT, returnMethod: 'counter', returnRecipient: recipient });
    expect(Date.parse(RETURNED_AT)).toBeLessThan(Date.parse(DUE_AT));
  });

  it('only after the resolve, once, never dated before it', () => {
    spec
      .given(assigned)
      .when(c.returnResult(RETURNED_AT))
      .thenThrows(InvalidTransition, (x) => expect(x.message).toMatch(/resolve it first/));
    spec.given(paused).when(c.returnResult(RETURNED_AT)).thenThrows(InvalidTransition);
    spec
      .given(returned)
      .when(c.returnResult(LATER))
      .thenThrows(InvalidTransition, (x) => expect(x.message).toMatch(/already returned/));
    spec
      .given([...assigned, ev.withdrawn(RESOLVED_AT)])
      .when(c.returnResult(LATER))
      .thenThrows(InvalidTransition);
    spec.given(resolved).when(c.returnResult('2025-03-06T07:59:00.000Z')).thenThrows(OccurredBeforePreviousEvent);
    spec.given(resolved).when(c.returnResult('2025-03-21T03:00:00.000Z')).thenThrows(OccurredInFuture);
  });

  it('checks the method and the recipient', () => {
    spec
      .given(resolved)
      .when(corrupt(c.returnResult(RETURNED_AT), { method: 'pigeon' }))
      .thenThrows(InvalidCommand, (x) => expect(x.field).toBe('method'));
    spec
      .given(resolved)
      .when(corrupt(c.returnResult(RETURNED_AT), { recipient: { name: '' } }))
      .thenThrows(InvalidCommand, (x) => expect(x.field).toBe('recipient.name'));
  });
});

describe('CorrectStep', () => {
  it('undoing a mistaken return takes the dossier back to resolved (waiting to be collected)', () => {
    const state = spec
      .given(returned)
      .when(c.correct(LATER, 'return-result'))
      .then([e.corrected(LATER, 'return-result')]);
    expect(state).toMatchObject({ status: 'resolved', resolvedAt: RESOLVED_AT });
    expect(state.status !== 'none' && state.status !== 'refused-at-reception' && state.returnedAt).toBeUndefined();
  });

  it('undoing a resolve re-opens the dossier in its status before, with the clock running against the same due time', () => {
    const state = spec
      .given(resolved)
      .when(c.correct(LATER, 'resolve'))
      .then([e.corrected(LATER, 'resolve')]);
    expect(state).toMatchObject({ status: 'assigned', effectiveDueAt: DUE_AT });
    expect(state.status !== 'none' && state.status !== 'refused-at-reception' && state.resolvedAt).toBeUndefined();
    expect(isClockRunning(state)).toBe(true);
    const awaiting = foldDossier([...assigned, ev.supplementRequested(PAUSED_AT), ev.resolved(RESOLVED_AT), e.corrected(LATER, 'resolve')]);
    expect(awaiting.status).toBe('awaiting-supplement');
  });

  it('undoing the last assignment restores the one before (none: back to received)', () => {
    const twice = [...assigned, ev.assigned('officer-2', PAUSED_AT, { previousAssignee: 'officer-1' })];
    const state = spec
      .given(twice)
      .when(c.correct(LATER, 'assign'))
      .then([e.corrected(LATER, 'assign')]);
    expect(state).toMatchObject({ status: 'assigned', assignee: 'officer-1' });
    const again = foldDossier([...twice, e.corrected(LATER, 'assign'), e.corrected(LATER, 'assign')]);
    expect(again).toMatchObject({ status: 'received', assignee: undefined });
  });

  it('with nothing to undo: a clear error naming what is missing', () => {
    spec
      .given(assigned)
      .when(c.correct(LATER, 'resolve'))
      .thenThrows(NothingToUndo, (x) => expect(x.code).toBe('nothing-to-undo'));
    spec.given(resolved).when(c.correct(LATER, 'return-result')).thenThrows(NothingToUndo);
    spec.given([ev.received()]).when(c.correct(LATER, 'assign')).thenThrows(NothingToUndo);
    spec
      .given(returned)
      .when(c.correct(LATER, 'resolve'))
      .thenThrows(InvalidTransition, (x) => expect(x.message).toMatch(/undo the return/));
    spec
      .given([...assigned, ev.withdrawn(RESOLVED_AT)])
      .when(c.correct(LATER, 'resolve'))
      .thenThrows(NothingToUndo);
    spec.given(resolved).when(c.correct(LATER, 'assign')).thenThrows(DossierClosed);
  });

  it('requires a reason and a known step, and checks its business time', () => {
    spec
      .given(resolved)
      .when(c.correct(LATER, 'resolve', ''))
      .thenThrows(InvalidCommand, (x) => expect(x.field).toBe('reason'));
    spec
      .given(resolved)
      .when(corrupt(c.correct(LATER, 'resolve'), { undo: 'receive' }))
      .thenThrows(InvalidCommand, (x) => expect(x.field).toBe('undo'));
    spec.given(resolved).when(c.correct('2025-03-06T07:00:00.000Z', 'resolve')).thenThrows(OccurredBeforePreviousEvent);
    spec.given(resolved).when(c.correct('2025-03-21T03:00:00.000Z', 'resolve')).thenThrows(OccurredInFuture);
  });
});

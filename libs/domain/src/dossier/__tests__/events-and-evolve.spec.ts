import {
  CorruptDossierStream,
  DOSSIER_EVENT_SCHEMA_VERSIONS,
  DOSSIER_EVENT_TYPES,
  DomainError,
  dossierDecider,
  dossierStreamName,
  dossierVersion,
  eventOccurredAt,
  evolve,
  foldDossier,
  initialDossierState,
  isDossierEventType,
  AlreadyRated,
  ApologyAlreadyIssued,
  DossierAlreadyExists,
  DossierClosed,
  DossierNotFound,
  InvalidCommand,
  InvalidNewDueAt,
  InvalidTransition,
  OccurredBeforePreviousEvent,
  OccurredInFuture,
} from '..';
import { DUE_AT, ev, ID, RECEIVED_AT } from './fixtures';

describe('events', () => {
  it('names the stream dossier-<id>', () => {
    expect(dossierStreamName(ID)).toBe(`dossier-${ID}`);
  });

  it('lists every event type once, each at schema version 1', () => {
    expect(new Set(DOSSIER_EVENT_TYPES).size).toBe(21);
    expect(Object.keys(DOSSIER_EVENT_SCHEMA_VERSIONS).sort()).toEqual([...DOSSIER_EVENT_TYPES].sort());
    expect(Object.values(DOSSIER_EVENT_SCHEMA_VERSIONS).every((v) => v === 1)).toBe(true);
    expect(isDossierEventType('DossierResolved')).toBe(true);
    expect(isDossierEventType('DossierDeleted')).toBe(false);
  });

  it('reads the business time of every event type', () => {
    const T = '2025-03-04T00:00:00.000Z';
    const all = [
      ev.received(),
      ev.assigned('o', T),
      ev.supplementRequested(T),
      ev.supplementReceived(T, DUE_AT, DUE_AT),
      ev.apologyIssued(T, DUE_AT, DUE_AT),
      ev.resolved(T),
      ev.withdrawn(T),
      ev.rated(T),
      ev.alert('near-deadline', DUE_AT, T),
      ev.alert('apology-cutoff', DUE_AT, T),
      ev.alert('overdue', DUE_AT, T),
      {
        type: 'DeadlineAlertWithdrawn',
        data: { kind: 'overdue', dueAt: DUE_AT, raisedAt: T, unitCode: 'U', withdrawnAt: T, reason: 'resolved-before-due' },
      } as const,
      { type: 'ProcessingPaused', data: { kind: 'fee', reason: 'r', pausedAt: T } } as const,
      { type: 'ProcessingResumed', data: { resumedAt: T, dueAt: DUE_AT, previousDueAt: DUE_AT, pausedWorkingMinutes: 0, calendarVersion: 'c' } } as const,
      { type: 'ResultReturned', data: { method: 'counter', returnedAt: T } } as const,
      { type: 'StepCorrected', data: { undo: 'resolve', reason: 'r', correctedAt: T } } as const,
      ev.refused({ refusedAt: T }),
      {
        type: 'DossierTransferred',
        data: { transferId: 't1', toUnitCode: 'B', task: 'x', dueAt: DUE_AT, calendarVersion: 'v', timeZone: 'Asia/Ho_Chi_Minh', transferredAt: T },
      } as const,
      { type: 'TransferReturned', data: { transferId: 't1', outcome: 'done', returnedAt: T, timing: 'early' } } as const,
      { type: 'TransferAlertRaised', data: { transferId: 't1', toUnitCode: 'B', unitCode: 'A', kind: 'overdue', dueAt: DUE_AT, raisedAt: T } } as const,
      { type: 'DossierPassedToSuccessor', data: { fromUnitCode: 'A', toUnitCode: 'S', effectiveDate: '2025-07-01', passedAt: T } } as const,
    ];
    expect(all.map((e) => e.type).sort()).toEqual([...DOSSIER_EVENT_TYPES].sort());
    expect(all.map(eventOccurredAt)).toEqual([RECEIVED_AT, ...Array(20).fill(T)]);
  });
});

describe('evolve / foldDossier', () => {
  it('starts from nothing', () => {
    expect(foldDossier([])).toBe(initialDossierState);
    expect(dossierVersion(initialDossierState)).toBe(0);
    expect(dossierDecider.initialState()).toEqual({ status: 'none' });
  });

  it('counts every event in the version', () => {
    const T = '2025-03-04T00:00:00.000Z';
    const state = foldDossier([ev.received(), ev.assigned('o', T), ev.alert('overdue', DUE_AT, T), ev.resolved(T), ev.rated(T)]);
    expect(dossierVersion(state)).toBe(5);
  });

  it('rejects a stream that does not start with DossierReceived', () => {
    expect(() => foldDossier([ev.assigned('o', RECEIVED_AT)])).toThrow(CorruptDossierStream);
  });

  it('rejects a second DossierReceived', () => {
    expect(() => foldDossier([ev.received(), ev.received()])).toThrow(CorruptDossierStream);
  });

  it('never reopens a closed dossier, even if a buggy event says so', () => {
    const T = '2025-03-04T00:00:00.000Z';
    const state = evolve(foldDossier([ev.received(), ev.withdrawn(T)]), ev.resolved(T));
    expect(state).toMatchObject({ status: 'withdrawn', version: 3 });
  });

  it('does not mutate the previous state', () => {
    const before = foldDossier([ev.received()]);
    const snapshot = structuredClone(before);
    evolve(before, ev.alert('overdue', DUE_AT, '2025-03-07T00:00:00.000Z'));
    evolve(before, ev.supplementRequested('2025-03-04T00:00:00.000Z'));
    expect(before).toEqual(snapshot);
  });
});

describe('errors', () => {
  it('have distinct stable codes and are DomainErrors', () => {
    const errors: DomainError[] = [
      new DossierNotFound(ID),
      new DossierAlreadyExists(ID, 'C'),
      new DossierClosed('C', 'resolved', 'resolve'),
      new InvalidTransition('C', 'received', 'receive a supplement for', 'No supplement was requested for it.'),
      new ApologyAlreadyIssued('C', RECEIVED_AT, DUE_AT),
      new InvalidNewDueAt(DUE_AT, DUE_AT, 'x'),
      new OccurredInFuture(DUE_AT, RECEIVED_AT),
      new OccurredBeforePreviousEvent(RECEIVED_AT, DUE_AT),
      new AlreadyRated('C', 'satisfied', DUE_AT),
      new InvalidCommand('reason', 'must be a non-empty text'),
    ];
    expect(new Set(errors.map((e) => e.code)).size).toBe(errors.length);
    for (const e of errors) {
      expect(e).toBeInstanceOf(DomainError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(e.constructor.name);
      expect(e.message).toMatch(/^[A-Z].*\.$/);
    }
    expect(new CorruptDossierStream('X', 1, 'y')).not.toBeInstanceOf(DomainError);
  });
});

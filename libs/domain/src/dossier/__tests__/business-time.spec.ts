import { OccurredBeforePreviousEvent, OccurredInFuture } from '../errors';
import { cmd, ev, NOW, RECEIVED_AT, spec } from './fixtures';
import { dossierExists } from '../state';

const ASSIGNED_AT = '2025-03-04T04:00:00.000Z';
const given = [ev.received(), ev.assigned('officer-1', ASSIGNED_AT)];
const BEFORE_PREVIOUS = '2025-03-04T03:59:59.999Z';
const IN_FUTURE = new Date(NOW.getTime() + 1).toISOString();
const BACKDATED_AFTER = '2025-03-05T02:00:00.000Z';

const commands = {
  assign: (at: string) => cmd.assign('officer-2', at),
  requestSupplement: (at: string) => cmd.requestSupplement(at),
  apologise: (at: string) => cmd.apologise(at, '2025-04-01T10:00:00.000Z'),
  resolve: (at: string) => cmd.resolve(at),
  withdraw: (at: string) => cmd.withdraw(at),
  rate: (at: string) => cmd.rate(at),
};

describe('business time (occurredAt)', () => {
  describe.each(Object.entries(commands))('%s', (_name, make) => {
    it('is refused when backdated before the previous event', () => {
      spec
        .given(given)
        .when(make(BEFORE_PREVIOUS))
        .thenThrows(OccurredBeforePreviousEvent, (e) => {
          expect(e.code).toBe('occurred-before-previous-event');
          expect(e.lastOccurredAt).toBe(ASSIGNED_AT);
        });
    });

    it('is refused in the future', () => {
      spec
        .given(given)
        .when(make(IN_FUTURE))
        .thenThrows(OccurredInFuture, (e) => expect(e.now).toBe(NOW.toISOString()));
    });

    it('is accepted when backdated but after the previous event', () => {
      const state = spec.given(given).when(make(BACKDATED_AFTER)).then(expect.any(Array));
      expect(state).toMatchObject({ version: 3, lastOccurredAt: BACKDATED_AFTER });
    });

    it('is accepted at exactly the previous event time and at exactly now', () => {
      expect(() => spec.given(given).when(make(ASSIGNED_AT)).then(expect.any(Array))).not.toThrow();
      expect(() => spec.given(given).when(make(NOW.toISOString())).then(expect.any(Array))).not.toThrow();
    });
  });

  it('applies to supplement receipt too', () => {
    const awaiting = [ev.received(), ev.supplementRequested(ASSIGNED_AT)];
    spec.given(awaiting).when(cmd.receiveSupplement(BEFORE_PREVIOUS, '2025-03-12T10:00:00.000Z')).thenThrows(OccurredBeforePreviousEvent);
    spec.given(awaiting).when(cmd.receiveSupplement(IN_FUTURE, '2025-04-12T10:00:00.000Z')).thenThrows(OccurredInFuture);
  });

  it('lets a step that happened before an alert be recorded after it (on-time resolution entered late)', () => {
    const due = '2025-03-06T10:00:00.000Z';
    const overdueAt = '2025-03-06T10:00:01.000Z';
    const resolvedJustInTime = '2025-03-06T09:59:00.000Z';
    const state = spec
      .given([...given, ev.alert('overdue', due, overdueAt, 'officer-1')])
      .when(cmd.resolve(resolvedJustInTime))
      .then([
        ev.resolved(resolvedJustInTime),
        // resolved before the due time: the overdue alert was moot, and is withdrawn (issue #12.9)
        {
          type: 'DeadlineAlertWithdrawn',
          data: { kind: 'overdue', dueAt: due, raisedAt: overdueAt, unitCode: '000.00.27.H29', withdrawnAt: resolvedJustInTime, reason: 'resolved-before-due' },
        },
      ]);
    expect(state).toMatchObject({ status: 'resolved', resolvedAt: resolvedJustInTime, lastOccurredAt: overdueAt, lastStepOccurredAt: resolvedJustInTime });
    expect(dossierExists(state) && state.alerts).toEqual([{ kind: 'overdue', dueAt: due, raisedAt: overdueAt, withdrawnAt: resolvedJustInTime }]);
  });

  it('withdraws the alerts a backdated closing proves moot, and only those', () => {
    const due = '2025-03-06T10:00:00.000Z';
    const alerts = [
      ev.alert('near-deadline', due, '2025-03-06T08:00:00.000Z', 'officer-1'), // raised before the resolution: it was true
      ev.alert('overdue', due, '2025-03-06T10:00:01.000Z', 'officer-1'), // the resolution precedes the due time: moot
    ];
    spec
      .given([...given, ...alerts])
      .when(cmd.resolve('2025-03-06T09:00:00.000Z'))
      .then([
        ev.resolved('2025-03-06T09:00:00.000Z'),
        {
          type: 'DeadlineAlertWithdrawn',
          data: {
            kind: 'overdue',
            dueAt: due,
            raisedAt: '2025-03-06T10:00:01.000Z',
            unitCode: '000.00.27.H29',
            withdrawnAt: '2025-03-06T09:00:00.000Z',
            reason: 'resolved-before-due',
          },
        },
      ]);
    // resolved after the due time: the overdue alert was true, nothing is withdrawn
    spec
      .given([...given, ...alerts])
      .when(cmd.resolve('2025-03-06T10:00:02.000Z'))
      .then([ev.resolved('2025-03-06T10:00:02.000Z')]);
  });

  it('still refuses a step before the last step when alerts came in between', () => {
    spec
      .given([...given, ev.alert('near-deadline', '2025-03-06T10:00:00.000Z', '2025-03-05T08:00:00.000Z', 'officer-1')])
      .when(cmd.resolve(BEFORE_PREVIOUS))
      .thenThrows(OccurredBeforePreviousEvent, (e) => expect(e.lastOccurredAt).toBe(ASSIGNED_AT));
  });

  it('refuses an alert stamped before the last step', () => {
    const staleNow = '2025-03-04T03:00:00.000Z';
    spec
      .given(given)
      .when(cmd.alert('near-deadline', '2025-03-06T10:00:00.000Z', staleNow))
      .thenThrows(OccurredBeforePreviousEvent);
  });

  it('accepts racing timers whose clocks are slightly out of order; lastOccurredAt never goes back', () => {
    const due = '2025-03-06T10:00:00.000Z';
    const first = '2025-03-05T10:00:00.500Z';
    const second = '2025-03-05T10:00:00.200Z';
    const state = spec
      .given([...given, ev.alert('near-deadline', due, first, 'officer-1')])
      .when(cmd.alert('apology-cutoff', due, second))
      .then([ev.alert('apology-cutoff', due, second, 'officer-1')]);
    expect(state).toMatchObject({ lastOccurredAt: first, lastStepOccurredAt: ASSIGNED_AT });
  });

  it('refuses a reassignment backdated before reception', () => {
    spec
      .given([ev.received()])
      .when(cmd.assign('officer-1', '2025-03-03T01:59:59.000Z'))
      .thenThrows(OccurredBeforePreviousEvent, (e) => {
        expect(e.lastOccurredAt).toBe(RECEIVED_AT);
      });
  });
});

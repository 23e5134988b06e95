import { ALERT_KINDS } from '../../shared/types';
import { InvalidCommand, OccurredInFuture } from '../errors';
import { cmd, corrupt, DUE_AT, ev, NOW, spec, UNIT } from './fixtures';

const ASSIGNED_AT = '2025-03-03T04:00:00.000Z';
const WARN_AT = '2025-03-05T08:00:00.000Z';
const CUTOFF_AT = '2025-03-05T10:00:00.000Z';
const OVERDUE_AT = '2025-03-06T10:00:05.000Z';
const assigned = [ev.received(), ev.assigned('officer-1', ASSIGNED_AT)];

describe('RaiseDeadlineAlert', () => {
  it.each([
    ['near-deadline', 'DeadlineWarningRaised', WARN_AT],
    ['apology-cutoff', 'ApologyCutoffReached', CUTOFF_AT],
    ['overdue', 'DossierOverdue', OVERDUE_AT],
  ] as const)('raises %s as %s, naming unit, assignee and due time', (kind, type, at) => {
    const state = spec
      .given(assigned)
      .when(cmd.alert(kind, DUE_AT, at))
      .then([{ type, data: { kind, dueAt: DUE_AT, raisedAt: at, unitCode: UNIT, assignee: 'officer-1' } }] as never);
    expect(state).toMatchObject({ alerts: [{ kind, dueAt: DUE_AT, raisedAt: at }], lastOccurredAt: at });
  });

  it('omits the assignee when nobody is assigned', () => {
    spec
      .given([ev.received()])
      .when(cmd.alert('near-deadline', DUE_AT, WARN_AT))
      .then([ev.alert('near-deadline', DUE_AT, WARN_AT)]);
  });

  it('is idempotent: a re-fired timer appends nothing', () => {
    spec
      .given([...assigned, ev.alert('near-deadline', DUE_AT, WARN_AT, 'officer-1')])
      .when(cmd.alert('near-deadline', DUE_AT, CUTOFF_AT))
      .thenNothing();
  });

  it('still raises another kind for the same due time', () => {
    spec
      .given([...assigned, ev.alert('near-deadline', DUE_AT, WARN_AT, 'officer-1')])
      .when(cmd.alert('apology-cutoff', DUE_AT, CUTOFF_AT))
      .then([ev.alert('apology-cutoff', DUE_AT, CUTOFF_AT, 'officer-1')]);
  });

  it('ignores a timer for another due time (ms equality)', () => {
    const oneMsOff = new Date(Date.parse(DUE_AT) + 1).toISOString();
    spec
      .given(assigned)
      .when(cmd.alert('overdue', oneMsOff, OVERDUE_AT))
      .thenNothing();
  });

  describe('after a supplement restarted the clock', () => {
    const NEW_DUE = '2025-03-12T10:00:00.000Z';
    const restarted = [
      ...assigned,
      ev.alert('near-deadline', DUE_AT, '2025-03-04T01:00:00.000Z', 'officer-1'),
      ev.supplementRequested('2025-03-04T03:00:00.000Z'),
      ev.supplementReceived('2025-03-07T02:00:00.000Z', NEW_DUE, DUE_AT),
    ];

    it('alerts for the old due time are stale', () => {
      spec
        .given(restarted)
        .when(cmd.alert('overdue', DUE_AT, '2025-03-07T03:00:00.000Z'))
        .thenNothing();
    });

    it('alerts for the new due time are raised, even a kind already raised for the old one', () => {
      const at = '2025-03-11T08:00:00.000Z';
      spec
        .given(restarted)
        .when(cmd.alert('near-deadline', NEW_DUE, at))
        .then([ev.alert('near-deadline', NEW_DUE, at, 'officer-1')]);
    });
  });

  describe('after an apology re-appointed the dossier', () => {
    const APPOINTED = '2025-03-10T10:00:00.000Z';
    const apologised = [...assigned, ev.apologyIssued('2025-03-05T09:00:00.000Z', APPOINTED, DUE_AT)];

    it('alerts for the original due time are stale', () => {
      spec
        .given(apologised)
        .when(cmd.alert('overdue', DUE_AT, OVERDUE_AT))
        .thenNothing();
    });

    it('the alert targets the new due time', () => {
      const at = '2025-03-10T10:00:00.000Z';
      spec
        .given(apologised)
        .when(cmd.alert('overdue', APPOINTED, at))
        .then([ev.alert('overdue', APPOINTED, at, 'officer-1')]);
    });
  });

  it.each<[string, Parameters<typeof spec.given>[0]]>([
    ['no dossier', []],
    ['a dossier awaiting a supplement (clock stopped)', [...assigned, ev.supplementRequested('2025-03-04T03:00:00.000Z')]],
    ['a resolved dossier', [...assigned, ev.resolved('2025-03-04T03:00:00.000Z')]],
    ['a withdrawn dossier', [...assigned, ev.withdrawn('2025-03-04T03:00:00.000Z')]],
  ])('appends nothing and never throws for %s', (_label, given) => {
    for (const kind of ALERT_KINDS) {
      spec
        .given(given)
        .when(cmd.alert(kind, DUE_AT, OVERDUE_AT))
        .thenNothing();
    }
  });

  it('rejects an unknown kind', () => {
    spec
      .given(assigned)
      .when(corrupt(cmd.alert('overdue', DUE_AT, OVERDUE_AT), { kind: 'panic' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('kind'));
  });

  it('is refused when raised in the future (occurredAt must be now)', () => {
    spec
      .given(assigned)
      .when(cmd.alert('overdue', DUE_AT, new Date(NOW.getTime() + 1).toISOString()))
      .thenThrows(OccurredInFuture);
  });
});

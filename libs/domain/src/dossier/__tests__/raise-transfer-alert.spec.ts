import { createWorkingTimeContext } from '../../deadline/context';
import { OccurredBeforePreviousEvent, OccurredInFuture, InvalidCommand } from '../errors';
import type { DossierCommand } from '../commands';
import type { DossierEvent } from '../events';
import { foldDossier } from '../evolve';
import { isOpenDossier } from '../state';
import { pendingTransferAlerts, transferAlertTimes } from '../transfer-alerts';
import { CALENDAR, corrupt, ev, ID, NOW, spec, UNIT } from './fixtures';

const TZ = 'Asia/Ho_Chi_Minh';
const AGENCY = '000.00.12.H29';
// Mon 3 March 2025 09:00 (+07) handed to the agency, due Tue 4 March 17:00 (+07)
const OUT = '2025-03-03T02:00:00.000Z';
const DUE = '2025-03-04T10:00:00.000Z';
const LATE = '2025-03-05T02:00:00.000Z';

const transferred = (transferId = 't-1', dueAt = DUE): DossierEvent => ({
  type: 'DossierTransferred',
  data: { transferId, toUnitCode: AGENCY, task: 'Thẩm định', dueAt, calendarVersion: CALENDAR, timeZone: TZ, transferredAt: OUT },
});
const alert = (kind: 'near-deadline' | 'overdue', at = LATE, transferId = 't-1', dueAt = DUE): DossierCommand => ({
  type: 'RaiseTransferAlert',
  data: { dossierId: ID, occurredAt: new Date(at), transferId, kind, dueAt: new Date(dueAt) },
});
const raised = (kind: 'near-deadline' | 'overdue', at = LATE, transferId = 't-1'): DossierEvent => ({
  type: 'TransferAlertRaised',
  data: { transferId, toUnitCode: AGENCY, unitCode: UNIT, kind, dueAt: DUE, raisedAt: at },
});

describe('RaiseTransferAlert (liên thông deadline alerts, issue #16)', () => {
  it("raises the agency's overdue alert for an open transfer, naming the agency and the lead unit", () => {
    const state = spec
      .given([ev.received(), transferred()])
      .when(alert('overdue'))
      .then([raised('overdue')]);
    expect(isOpenDossier(state) && state.transfers[0].alertsRaised).toEqual(['overdue']);
  });

  it('raises each kind once per transfer: a re-fired timer appends nothing', () => {
    spec
      .given([ev.received(), transferred(), raised('overdue')])
      .when(alert('overdue'))
      .thenNothing();
    spec
      .given([ev.received(), transferred(), raised('overdue')])
      .when(alert('near-deadline'))
      .then([raised('near-deadline')]);
  });

  it('keeps parallel transfers apart', () => {
    spec
      .given([ev.received(), transferred('t-1'), transferred('t-2'), raised('overdue', LATE, 't-1')])
      .when(alert('overdue', LATE, 't-2'))
      .then([raised('overdue', LATE, 't-2')]);
  });

  it.each<[string, DossierEvent[], DossierCommand]>([
    ['an unknown transfer', [ev.received(), transferred()], alert('overdue', LATE, 't-9')],
    [
      'a returned transfer',
      [ev.received(), transferred(), { type: 'TransferReturned', data: { transferId: 't-1', outcome: 'done', returnedAt: OUT, timing: 'early' } }],
      alert('overdue'),
    ],
    ['a stale due time', [ev.received(), transferred()], alert('overdue', LATE, 't-1', '2025-03-04T09:00:00.000Z')],
    ['a resolved dossier', [ev.received(), transferred(), ev.resolved(OUT)], alert('overdue')],
    ['a withdrawn dossier', [ev.received(), transferred(), ev.withdrawn(OUT)], alert('overdue')],
    ['no dossier', [], alert('overdue')],
  ])('appends nothing and never throws for %s', (_label, given, command) => {
    spec.given(given).when(command).thenNothing();
  });

  it('rejects a kind transfers do not have, and business times out of order', () => {
    spec
      .given([ev.received(), transferred()])
      .when(corrupt(alert('overdue'), { kind: 'apology-cutoff' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('kind'));
    spec
      .given([ev.received(), transferred()])
      .when(alert('overdue', new Date(NOW.getTime() + 1).toISOString()))
      .thenThrows(OccurredInFuture);
    spec.given([ev.received(), transferred()]).when(alert('overdue', '2025-03-03T01:00:00.000Z')).thenThrows(OccurredBeforePreviousEvent);
  });
});

describe('transfer alert times and pending alerts (one definition for the timers)', () => {
  const wall = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);

  it("counts the near-deadline moment in the agency's working time from the hand-off; overdue at its due time", () => {
    const state = foldDossier([ev.received(), transferred()]);
    if (!isOpenDossier(state)) throw new Error('open');
    const t = state.transfers[0];
    // Mon 09:00–11:30 + 13:00–17:00 = 390 min, Tue 480 min: half of 870 is Tue 08:15
    const times = transferAlertTimes(t, createWorkingTimeContext(), { kind: 'fraction-used', fraction: 0.5 });
    expect(wall(times['near-deadline'])).toBe('2025-03-04T08:15');
    expect(times.overdue).toBe(Date.parse(DUE));
    // an agency opening 08:00–12:00, 13:30–17:30: Mon 09:00–17:30 is 420 min of 870, half is Tue 08:15 too; 0.25 (217.5 min) is Mon 14:07:30
    const agency = createWorkingTimeContext({
      officeHours: {
        sessions: [
          { start: '08:00', end: '12:00' },
          { start: '13:30', end: '17:30' },
        ],
      },
    });
    expect(wall(transferAlertTimes(t, agency, { kind: 'fraction-used', fraction: 0.25 })['near-deadline'])).toBe('2025-03-03T14:07');
  });

  it('lists the alerts not raised yet of the open transfers only', () => {
    const returned: DossierEvent = { type: 'TransferReturned', data: { transferId: 't-2', outcome: 'done', returnedAt: OUT, timing: 'early' } };
    const state = foldDossier([ev.received(), transferred('t-1'), transferred('t-2'), raised('near-deadline'), returned]);
    if (!isOpenDossier(state)) throw new Error('open');
    expect(pendingTransferAlerts(state).map((p) => [p.transfer.transferId, p.kind])).toEqual([['t-1', 'overdue']]);
  });
});

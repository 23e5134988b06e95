import type { DossierCommand } from '../commands';
import { DossierClosed, DossierNotFound, InvalidCommand, OccurredBeforePreviousEvent, TransferAlreadyReturned, UnknownTransfer } from '../errors';
import type { DossierEvent } from '../events';
import { CALENDAR, cmd, corrupt, ev, ID, UNIT, spec } from './fixtures';

const TZ = 'Asia/Ho_Chi_Minh';
const AGENCY = '000.00.12.H29';
const OTHER = '000.00.13.H29';
// Mon 3 March 2025 (+07): transferred 09:00, the agency's due Tue 4 March 17:00
const OUT = '2025-03-03T02:00:00.000Z';
const DUE = '2025-03-04T10:00:00.000Z';

const transfer = (at: string, transferId = 't-1', toUnitCode = AGENCY, dueAt = DUE): DossierCommand => ({
  type: 'TransferDossier',
  data: {
    dossierId: ID,
    occurredAt: new Date(at),
    transferId,
    toUnitCode,
    task: 'Xác nhận nghĩa vụ tài chính',
    processingTime: { amount: 1, unit: 'working_day' },
    dueAt: new Date(dueAt),
    calendarVersion: CALENDAR,
    timeZone: TZ,
  },
});
const transferred = (at: string, transferId = 't-1', toUnitCode = AGENCY, dueAt = DUE): DossierEvent => ({
  type: 'DossierTransferred',
  data: {
    transferId,
    toUnitCode,
    task: 'Xác nhận nghĩa vụ tài chính',
    processingTime: { amount: 1, unit: 'working_day' },
    dueAt,
    calendarVersion: CALENDAR,
    timeZone: TZ,
    transferredAt: at,
  },
});
const giveBack = (at: string, transferId = 't-1', outcome: 'done' | 'refused' = 'done', timingMode?: 'exact' | 'day'): DossierCommand => ({
  type: 'ReturnTransfer',
  data: { dossierId: ID, occurredAt: new Date(at), transferId, outcome, ...(timingMode && { timingMode }) },
});
const returned = (at: string, timing: 'early' | 'on-time' | 'late', transferId = 't-1', outcome: 'done' | 'refused' = 'done'): DossierEvent => ({
  type: 'TransferReturned',
  data: { transferId, outcome, returnedAt: at, timing },
});

describe('TransferDossier (liên thông)', () => {
  it('hands the dossier to an agency with its own due time; the status does not change', () => {
    const state = spec
      .given([ev.received()])
      .when(transfer(OUT))
      .then([transferred(OUT)]);
    expect(state).toMatchObject({ status: 'received', version: 2, transfers: [{ transferId: 't-1', toUnitCode: AGENCY, dueAt: DUE, transferredAt: OUT }] });
  });

  it('keeps several transfers open at once (parallel, electronic)', () => {
    const state = spec
      .given([ev.received(), transferred(OUT)])
      .when(transfer(OUT, 't-2', OTHER, '2025-03-05T10:00:00.000Z'))
      .then([transferred(OUT, 't-2', OTHER, '2025-03-05T10:00:00.000Z')]);
    expect(state.status !== 'none' && state.status !== 'refused-at-reception' && state.transfers.map((t) => [t.transferId, t.returnedAt])).toEqual([
      ['t-1', undefined],
      ['t-2', undefined],
    ]);
  });

  it('is refused on a closed dossier', () => {
    spec
      .given([ev.received(), ev.resolved(OUT)])
      .when(transfer(OUT))
      .thenThrows(DossierClosed);
    spec
      .given([ev.received(), ev.withdrawn(OUT)])
      .when(transfer(OUT))
      .thenThrows(DossierClosed);
  });

  it('is refused on an unknown dossier, with a transfer id already used, or a due time not after the hand-off', () => {
    spec.given([]).when(transfer(OUT)).thenThrows(DossierNotFound);
    spec
      .given([ev.received(), transferred(OUT)])
      .when(transfer(OUT))
      .thenThrows(UnknownTransfer, (e) => expect(e.message).toContain('already has'));
    spec
      .given([ev.received()])
      .when(transfer(OUT, 't-1', AGENCY, OUT))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('dueAt'));
  });

  it('is refused before the dossier’s last step', () => {
    spec
      .given([ev.received(), ev.assigned('o', '2025-03-03T05:00:00.000Z')])
      .when(transfer(OUT))
      .thenThrows(OccurredBeforePreviousEvent);
  });
});

describe('ReturnTransfer', () => {
  it('judges the agency against its own due time: early (a day before), on time (the due day), late (after)', () => {
    spec
      .given([ev.received(), transferred(OUT)])
      .when(giveBack('2025-03-03T09:00:00.000Z'))
      .then([returned('2025-03-03T09:00:00.000Z', 'early')]);
    spec
      .given([ev.received(), transferred(OUT)])
      .when(giveBack('2025-03-04T02:00:00.000Z'))
      .then([returned('2025-03-04T02:00:00.000Z', 'on-time')]);
    spec
      .given([ev.received(), transferred(OUT)])
      .when(giveBack(DUE))
      .then([returned(DUE, 'on-time')]);
    spec
      .given([ev.received(), transferred(OUT)])
      .when(giveBack('2025-03-04T10:01:00.000Z'))
      .then([returned('2025-03-04T10:01:00.000Z', 'late')]);
    // the agency's day-mode policy: by date only
    spec
      .given([ev.received(), transferred(OUT)])
      .when(giveBack('2025-03-04T12:00:00.000Z', 't-1', 'done', 'day'))
      .then([returned('2025-03-04T12:00:00.000Z', 'on-time')]);
  });

  it('returns one of two parallel transfers; the other stays open', () => {
    const state = spec
      .given([ev.received(), transferred(OUT), transferred(OUT, 't-2', OTHER)])
      .when(giveBack('2025-03-05T02:00:00.000Z', 't-2', 'refused'))
      .then([returned('2025-03-05T02:00:00.000Z', 'late', 't-2', 'refused')]);
    expect(
      state.status !== 'none' && state.status !== 'refused-at-reception' && state.transfers.map((t) => [t.transferId, t.timing ?? null, t.outcome ?? null]),
    ).toEqual([
      ['t-1', null, null],
      ['t-2', 'late', 'refused'],
    ]);
  });

  it('refuses an unknown transfer and one already returned', () => {
    spec
      .given([ev.received(), transferred(OUT)])
      .when(giveBack(DUE, 't-9'))
      .thenThrows(UnknownTransfer, (e) => expect(e.transferId).toBe('t-9'));
    spec
      .given([ev.received(), transferred(OUT), returned(DUE, 'on-time')])
      .when(giveBack('2025-03-05T02:00:00.000Z'))
      .thenThrows(TransferAlreadyReturned, (e) => expect(e.returnedAt).toBe(DUE));
  });

  it('records a return after the lead resolved the dossier (the agency’s answer is a fact)', () => {
    spec
      .given([ev.received(), transferred(OUT), ev.resolved(DUE)])
      .when(giveBack(DUE))
      .then([returned(DUE, 'on-time')]);
  });

  it('rejects an unknown outcome', () => {
    spec
      .given([ev.received(), transferred(OUT)])
      .when(corrupt(giveBack(DUE), { outcome: 'maybe' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('outcome'));
  });
});

describe('PassToSuccessor (2025 reorganisation)', () => {
  const AT = '2025-03-09T17:00:00.000Z';
  const pass = (from = UNIT, to = 'S'): DossierCommand => ({
    type: 'PassToSuccessor',
    data: { dossierId: ID, occurredAt: new Date(AT), fromUnitCode: from, toUnitCode: to, effectiveDate: '2025-03-10' },
  });
  const passed: DossierEvent = { type: 'DossierPassedToSuccessor', data: { fromUnitCode: UNIT, toUnitCode: 'S', effectiveDate: '2025-03-10', passedAt: AT } };

  it('passes an open dossier to the successor: the competent unit changes, the code and receiving unit do not', () => {
    const state = spec.given([ev.received()]).when(pass()).then([passed]);
    expect(state).toMatchObject({ competentUnitCode: 'S', unitCode: UNIT, status: 'received' });
  });

  it('does nothing on a repeat, on a closed dossier, or when another unit is competent (idempotent, resumable)', () => {
    spec.given([ev.received(), passed]).when(pass()).thenNothing();
    spec
      .given([ev.received(), ev.resolved('2025-03-05T02:00:00.000Z')])
      .when(pass())
      .thenNothing();
    spec.given([ev.received()]).when(pass('OTHER')).thenNothing();
  });

  it('refuses a successor equal to the unit', () => {
    spec.given([ev.received()]).when(pass(UNIT, UNIT)).thenThrows(InvalidCommand);
  });

  it('a reception for another competent unit records it; for the same unit, the event stays as before', () => {
    const received = cmd.receive();
    const other = { ...received, data: { ...received.data, competentUnitCode: 'B' } } as DossierCommand;
    const b = spec
      .given([])
      .when(other)
      .then([{ ...ev.received(), data: { ...ev.received().data, competentUnitCode: 'B' } }]);
    expect(b).toMatchObject({ unitCode: UNIT, competentUnitCode: 'B' });
    const same = { ...received, data: { ...received.data, competentUnitCode: UNIT } } as DossierCommand;
    const state = spec.given([]).when(same).then([ev.received()]);
    expect(state).toMatchObject({ competentUnitCode: UNIT });
  });
});

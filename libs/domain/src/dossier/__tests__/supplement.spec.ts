import { DossierClosed, DossierNotFound, InvalidCommand, InvalidNewDueAt, InvalidTransition } from '../errors';
import { cmd, corrupt, DUE_AT, ev, spec } from './fixtures';
import { evolve, foldDossier } from '../evolve';
import { dossierExists } from '../state';

const ASSIGNED_AT = '2025-03-03T04:00:00.000Z';
const REQUESTED_AT = '2025-03-04T03:00:00.000Z';
const SUPPLIED_AT = '2025-03-07T02:00:00.000Z';
const NEW_DUE = '2025-03-12T10:00:00.000Z';

describe('RequestSupplement', () => {
  it('stops the clock on a received dossier', () => {
    const state = spec
      .given([ev.received()])
      .when(cmd.requestSupplement(REQUESTED_AT))
      .then([ev.supplementRequested(REQUESTED_AT)]);
    expect(state).toMatchObject({
      status: 'awaiting-supplement',
      supplements: [{ reason: 'Thiếu bản sao giấy chứng sinh', requestedAt: REQUESTED_AT, previousDueAt: DUE_AT }],
    });
  });

  it('works on an assigned dossier', () => {
    spec
      .given([ev.received(), ev.assigned('officer-1', ASSIGNED_AT)])
      .when(cmd.requestSupplement(REQUESTED_AT, 'Thiếu tờ khai'))
      .then([ev.supplementRequested(REQUESTED_AT, 'Thiếu tờ khai')]);
  });

  it('is refused while already awaiting a supplement', () => {
    spec
      .given([ev.received(), ev.supplementRequested(REQUESTED_AT)])
      .when(cmd.requestSupplement(SUPPLIED_AT))
      .thenThrows(InvalidTransition, (e) => {
        expect(e.code).toBe('invalid-transition');
        expect(e.status).toBe('awaiting-supplement');
      });
  });

  it('is refused on a closed dossier', () => {
    spec
      .given([ev.received(), ev.resolved(REQUESTED_AT)])
      .when(cmd.requestSupplement(SUPPLIED_AT))
      .thenThrows(DossierClosed);
  });

  it('is refused on an unknown dossier', () => {
    spec.given([]).when(cmd.requestSupplement(REQUESTED_AT)).thenThrows(DossierNotFound);
  });

  it('requires a reason', () => {
    spec
      .given([ev.received()])
      .when(cmd.requestSupplement(REQUESTED_AT, ''))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('reason'));
  });
});

describe('ReceiveSupplement', () => {
  const awaiting = [ev.received(), ev.assigned('officer-1', ASSIGNED_AT), ev.supplementRequested(REQUESTED_AT)];

  it('restarts the clock: the new due replaces the old one', () => {
    const state = spec
      .given(awaiting)
      .when(cmd.receiveSupplement(SUPPLIED_AT, NEW_DUE))
      .then([ev.supplementReceived(SUPPLIED_AT, NEW_DUE, DUE_AT)]);
    expect(state).toMatchObject({
      status: 'assigned',
      clockStartedAt: SUPPLIED_AT,
      dueAt: NEW_DUE,
      effectiveDueAt: NEW_DUE,
      supplements: [{ requestedAt: REQUESTED_AT, previousDueAt: DUE_AT, receivedAt: SUPPLIED_AT, dueAt: NEW_DUE }],
    });
  });

  it('goes back to received when nobody was assigned', () => {
    const state = spec
      .given([ev.received(), ev.supplementRequested(REQUESTED_AT)])
      .when(cmd.receiveSupplement(SUPPLIED_AT, NEW_DUE))
      .then([ev.supplementReceived(SUPPLIED_AT, NEW_DUE, DUE_AT)]);
    expect(state.status).toBe('received');
  });

  it('replaces an apology re-appointment: the restarted legal due is in force again', () => {
    const apologisedAt = '2025-03-04T02:00:00.000Z';
    const appointed = '2025-03-10T10:00:00.000Z';
    const state = spec
      .given([ev.received(), ev.apologyIssued(apologisedAt, appointed, DUE_AT), ev.supplementRequested(REQUESTED_AT)])
      .when(cmd.receiveSupplement(SUPPLIED_AT, NEW_DUE))
      .then([ev.supplementReceived(SUPPLIED_AT, NEW_DUE, appointed)]);
    expect(state).toMatchObject({ dueAt: NEW_DUE, appointedDueAt: undefined, effectiveDueAt: NEW_DUE });
    expect(dossierExists(state) && state.apology?.newDueAt).toBe(appointed);
  });

  it('is refused when no supplement was requested', () => {
    spec
      .given([ev.received()])
      .when(cmd.receiveSupplement(SUPPLIED_AT, NEW_DUE))
      .thenThrows(InvalidTransition, (e) => expect(e.status).toBe('received'));
  });

  it('is refused on a closed dossier', () => {
    spec
      .given([...awaiting, ev.withdrawn('2025-03-05T00:00:00.000Z')])
      .when(cmd.receiveSupplement(SUPPLIED_AT, NEW_DUE))
      .thenThrows(DossierClosed, (e) => expect(e.status).toBe('withdrawn'));
  });

  it('is refused when the new due is not after the receipt', () => {
    spec
      .given(awaiting)
      .when(cmd.receiveSupplement(SUPPLIED_AT, SUPPLIED_AT))
      .thenThrows(InvalidNewDueAt, (e) => expect(e.code).toBe('invalid-new-due-at'));
  });

  it('handles a second supplement round', () => {
    const secondRequest = '2025-03-08T02:00:00.000Z';
    const secondReceipt = '2025-03-10T02:00:00.000Z';
    const finalDue = '2025-03-13T10:00:00.000Z';
    const state = spec
      .given([...awaiting, ev.supplementReceived(SUPPLIED_AT, NEW_DUE, DUE_AT), ev.supplementRequested(secondRequest)])
      .when(cmd.receiveSupplement(secondReceipt, finalDue))
      .then([ev.supplementReceived(secondReceipt, finalDue, NEW_DUE)]);
    expect(dossierExists(state) && state.supplements).toHaveLength(2);
    expect(state).toMatchObject({ dueAt: finalDue, clockStartedAt: secondReceipt });
  });
});

describe('RequestSupplement: the one complete list (items), its legal time and its sequence', () => {
  const FIRST = '2025-03-04T03:00:00.000Z';
  const SUPPLIED = '2025-03-05T02:00:00.000Z';
  const SECOND = '2025-03-06T03:00:00.000Z';
  const items = [{ name: 'Bản sao giấy khai sinh', note: 'có chứng thực' }, { name: 'Ảnh 4x6' }];

  it('given a received dossier, when a supplement is requested with items within the legal time, then the event carries items, withinLegalTime and sequence 1', () => {
    const state = spec
      .given([ev.received()])
      .when(cmd.requestSupplement(FIRST, 'Thiếu giấy tờ', { items, withinLegalTime: true }))
      .then([ev.supplementRequested(FIRST, 'Thiếu giấy tờ', { items, withinLegalTime: true, sequence: 1 })]);
    expect(dossierExists(state) && state.supplements).toEqual([
      { reason: 'Thiếu giấy tờ', requestedAt: FIRST, items, withinLegalTime: true, sequence: 1, previousDueAt: DUE_AT },
    ]);
  });

  it('given a first round completed, when a second supplement is requested (late), then it is recorded with sequence 2 and withinLegalTime false', () => {
    spec
      .given([ev.received(), ev.supplementRequested(FIRST), ev.supplementReceived(SUPPLIED, NEW_DUE, DUE_AT)])
      .when(cmd.requestSupplement(SECOND, 'Thiếu thêm', { withinLegalTime: false }))
      .then([ev.supplementRequested(SECOND, 'Thiếu thêm', { withinLegalTime: false, sequence: 2 })]);
  });

  it('an old event without sequence counts as the request of its rank', () => {
    const old = { type: 'SupplementRequested' as const, data: { reason: 'r', requestedAt: FIRST } };
    const state = [ev.received(), old, ev.supplementReceived(SUPPLIED, NEW_DUE, DUE_AT), { ...old, data: { ...old.data, requestedAt: SECOND } }].reduce(
      (s, e) => evolve(s, e),
      foldDossier([]),
    );
    expect(dossierExists(state) && state.supplements.map((r) => r.sequence)).toEqual([1, 2]);
    expect(dossierExists(state) && state.supplements[0]).not.toHaveProperty('withinLegalTime');
  });

  it('refuses an empty item name, too many items, too long a name or note, a non-list', () => {
    const bad: [unknown, string][] = [
      [[{ name: '' }], 'items[0].name'],
      [[{ name: 'a' }, { name: ' ' }], 'items[1].name'],
      [Array.from({ length: 51 }, () => ({ name: 'a' })), 'items'],
      [[{ name: 'a'.repeat(501) }], 'items[0].name'],
      [[{ name: 'a', note: 'n'.repeat(1001) }], 'items[0].note'],
      ['a list', 'items'],
      [[null], 'items[0]'],
    ];
    for (const [value, field] of bad) {
      spec
        .given([ev.received()])
        .when(corrupt(cmd.requestSupplement(FIRST), { items: value }))
        .thenThrows(InvalidCommand, (e) => expect(e.field).toBe(field));
    }
  });
});

import { DossierClosed, DossierNotFound, InvalidCommand, InvalidNewDueAt, InvalidTransition } from '../errors';
import { cmd, DUE_AT, ev, spec } from './fixtures';
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

import { ApologyAlreadyIssued, DossierClosed, DossierNotFound, InvalidCommand, InvalidNewDueAt } from '../errors';
import { cmd, DUE_AT, ev, spec } from './fixtures';

const ASSIGNED_AT = '2025-03-03T04:00:00.000Z';
const APOLOGY_AT = '2025-03-05T09:00:00.000Z';
const APPOINTED = '2025-03-10T10:00:00.000Z';

describe('IssueApology', () => {
  const assigned = [ev.received(), ev.assigned('officer-1', ASSIGNED_AT)];

  it('re-appoints the dossier; the legal due stays as the original', () => {
    const state = spec
      .given(assigned)
      .when(cmd.apologise(APOLOGY_AT, APPOINTED, { letterNumber: '12/XL-UBND' }))
      .then([ev.apologyIssued(APOLOGY_AT, APPOINTED, DUE_AT, { letterNumber: '12/XL-UBND' })]);
    expect(state).toMatchObject({
      status: 'assigned',
      dueAt: DUE_AT,
      appointedDueAt: APPOINTED,
      effectiveDueAt: APPOINTED,
      apology: { reason: 'Chờ xác minh của cơ quan khác', newDueAt: APPOINTED, letterNumber: '12/XL-UBND', issuedAt: APOLOGY_AT, previousDueAt: DUE_AT },
    });
  });

  it('may be issued late, after the due time has passed', () => {
    const late = '2025-03-07T02:00:00.000Z';
    spec
      .given(assigned)
      .when(cmd.apologise(late, APPOINTED))
      .then([ev.apologyIssued(late, APPOINTED, DUE_AT)]);
  });

  it('is allowed on a received dossier and while awaiting a supplement', () => {
    spec
      .given([ev.received()])
      .when(cmd.apologise(APOLOGY_AT, APPOINTED))
      .then([ev.apologyIssued(APOLOGY_AT, APPOINTED, DUE_AT)]);
    const state = spec
      .given([...assigned, ev.supplementRequested('2025-03-04T00:00:00.000Z')])
      .when(cmd.apologise(APOLOGY_AT, APPOINTED))
      .then([ev.apologyIssued(APOLOGY_AT, APPOINTED, DUE_AT)]);
    expect(state.status).toBe('awaiting-supplement');
  });

  it('refuses a second apology (one re-appointment per dossier)', () => {
    spec
      .given([...assigned, ev.apologyIssued(APOLOGY_AT, APPOINTED, DUE_AT)])
      .when(cmd.apologise('2025-03-09T09:00:00.000Z', '2025-03-14T10:00:00.000Z'))
      .thenThrows(ApologyAlreadyIssued, (e) => {
        expect(e.code).toBe('apology-already-issued');
        expect(e.message).toContain('only once');
      });
  });

  it('refuses a second apology even after a supplement restarted the clock', () => {
    spec
      .given([
        ...assigned,
        ev.apologyIssued(APOLOGY_AT, APPOINTED, DUE_AT),
        ev.supplementRequested('2025-03-06T00:00:00.000Z'),
        ev.supplementReceived('2025-03-07T00:00:00.000Z', '2025-03-12T10:00:00.000Z', APPOINTED),
      ])
      .when(cmd.apologise('2025-03-11T09:00:00.000Z', '2025-03-14T10:00:00.000Z'))
      .thenThrows(ApologyAlreadyIssued);
  });

  it('is refused on a resolved dossier', () => {
    spec
      .given([...assigned, ev.resolved('2025-03-05T01:00:00.000Z')])
      .when(cmd.apologise(APOLOGY_AT, APPOINTED))
      .thenThrows(DossierClosed, (e) => {
        expect(e.code).toBe('dossier-closed');
        expect(e.status).toBe('resolved');
      });
  });

  it('is refused on a withdrawn dossier', () => {
    spec
      .given([...assigned, ev.withdrawn('2025-03-05T01:00:00.000Z')])
      .when(cmd.apologise(APOLOGY_AT, APPOINTED))
      .thenThrows(DossierClosed, (e) => expect(e.status).toBe('withdrawn'));
  });

  it('refuses a new due time that is not after the due time in force', () => {
    spec
      .given(assigned)
      .when(cmd.apologise(APOLOGY_AT, DUE_AT))
      .thenThrows(InvalidNewDueAt, (e) => expect(e.mustBeAfter).toBe(DUE_AT));
  });

  it('refuses a new due time that is not after the apology itself', () => {
    const late = '2025-03-12T02:00:00.000Z';
    spec
      .given(assigned)
      .when(cmd.apologise(late, APPOINTED))
      .thenThrows(InvalidNewDueAt, (e) => expect(e.mustBeAfter).toBe(late));
  });

  it('requires a reason', () => {
    spec
      .given(assigned)
      .when(cmd.apologise(APOLOGY_AT, APPOINTED, { reason: '' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('reason'));
  });

  it('is refused on an unknown dossier', () => {
    spec.given([]).when(cmd.apologise(APOLOGY_AT, APPOINTED)).thenThrows(DossierNotFound);
  });
});

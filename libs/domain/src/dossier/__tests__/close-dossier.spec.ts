import { DossierClosed, DossierNotFound, InvalidCommand } from '../errors';
import { cmd, corrupt, ev, spec } from './fixtures';

const ASSIGNED_AT = '2025-03-03T04:00:00.000Z';
const T = '2025-03-05T08:00:00.000Z';
const LATER = '2025-03-06T08:00:00.000Z';

describe('ResolveDossier', () => {
  it('approves an assigned dossier', () => {
    const state = spec
      .given([ev.received(), ev.assigned('officer-1', ASSIGNED_AT)])
      .when(cmd.resolve(T, 'approved'))
      .then([ev.resolved(T, 'approved')]);
    expect(state).toMatchObject({ status: 'resolved', outcome: 'approved', resolvedAt: T, version: 3 });
  });

  it('refuses with a note, straight from received', () => {
    const state = spec
      .given([ev.received()])
      .when(cmd.resolve(T, 'refused', 'Không đủ điều kiện'))
      .then([{ type: 'DossierResolved', data: { outcome: 'refused', note: 'Không đủ điều kiện', resolvedAt: T } }]);
    expect(state).toMatchObject({ status: 'resolved', outcome: 'refused', resolutionNote: 'Không đủ điều kiện' });
  });

  it('is allowed while awaiting a supplement (e.g. refused because it never came)', () => {
    spec
      .given([ev.received(), ev.supplementRequested(ASSIGNED_AT)])
      .when(cmd.resolve(T, 'refused'))
      .then([ev.resolved(T, 'refused')]);
  });

  it('is refused after a withdrawal', () => {
    spec
      .given([ev.received(), ev.withdrawn(T)])
      .when(cmd.resolve(LATER))
      .thenThrows(DossierClosed, (e) => {
        expect(e.status).toBe('withdrawn');
        expect(e.message).toContain('withdrawn');
      });
  });

  it('is refused twice', () => {
    spec
      .given([ev.received(), ev.resolved(T)])
      .when(cmd.resolve(LATER))
      .thenThrows(DossierClosed);
  });

  it('rejects an unknown outcome', () => {
    spec
      .given([ev.received()])
      .when(corrupt(cmd.resolve(T), { outcome: 'maybe' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('outcome'));
  });

  it('is refused on an unknown dossier', () => {
    spec.given([]).when(cmd.resolve(T)).thenThrows(DossierNotFound);
  });
});

describe('WithdrawDossier', () => {
  it.each([
    ['received', [ev.received()]],
    ['assigned', [ev.received(), ev.assigned('officer-1', ASSIGNED_AT)]],
    ['awaiting-supplement', [ev.received(), ev.supplementRequested(ASSIGNED_AT)]],
  ])('withdraws a %s dossier', (_status, given) => {
    const state = spec
      .given(given)
      .when(cmd.withdraw(T))
      .then([ev.withdrawn(T)]);
    expect(state).toMatchObject({ status: 'withdrawn', withdrawnAt: T, withdrawalReason: 'Công dân rút hồ sơ' });
  });

  it('is refused on a resolved dossier', () => {
    spec
      .given([ev.received(), ev.resolved(T)])
      .when(cmd.withdraw(LATER))
      .thenThrows(DossierClosed, (e) => expect(e.status).toBe('resolved'));
  });

  it('is refused twice', () => {
    spec
      .given([ev.received(), ev.withdrawn(T)])
      .when(cmd.withdraw(LATER))
      .thenThrows(DossierClosed);
  });

  it('requires a reason', () => {
    spec
      .given([ev.received()])
      .when(cmd.withdraw(T, ''))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('reason'));
  });

  it('is refused on an unknown dossier', () => {
    spec.given([]).when(cmd.withdraw(T)).thenThrows(DossierNotFound);
  });
});

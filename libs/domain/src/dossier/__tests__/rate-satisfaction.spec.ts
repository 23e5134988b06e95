import { AlreadyRated, DossierNotFound, InvalidCommand } from '../errors';
import { cmd, corrupt, ev, spec } from './fixtures';

const T = '2025-03-05T08:00:00.000Z';
const LATER = '2025-03-06T08:00:00.000Z';

describe('RateSatisfaction', () => {
  it.each([
    ['a resolved', [ev.received(), ev.resolved(T)]],
    ['a withdrawn', [ev.received(), ev.withdrawn(T)]],
    ['an open', [ev.received()]],
  ])('records a rating on %s dossier, without changing its status', (_label, given) => {
    const before = given.length === 1 ? 'received' : given[1].type === 'DossierResolved' ? 'resolved' : 'withdrawn';
    const state = spec
      .given(given)
      .when(cmd.rate(LATER, 'neutral'))
      .then([ev.rated(LATER, 'neutral')]);
    expect(state).toMatchObject({ status: before, rating: 'neutral', ratedAt: LATER });
  });

  it('refuses a second rating', () => {
    spec
      .given([ev.received(), ev.resolved(T), ev.rated(T, 'satisfied')])
      .when(cmd.rate(LATER, 'dissatisfied'))
      .thenThrows(AlreadyRated, (e) => {
        expect(e.code).toBe('already-rated');
        expect(e.rating).toBe('satisfied');
      });
  });

  it('rejects an unknown rating', () => {
    spec
      .given([ev.received()])
      .when(corrupt(cmd.rate(LATER), { rating: 'meh' }))
      .thenThrows(InvalidCommand, (e) => expect(e.field).toBe('rating'));
  });

  it('is refused on an unknown dossier', () => {
    spec.given([]).when(cmd.rate(T)).thenThrows(DossierNotFound);
  });
});

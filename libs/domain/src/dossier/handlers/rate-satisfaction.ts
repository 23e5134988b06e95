import type { RateSatisfaction } from '../commands';
import { AlreadyRated } from '../errors';
import type { SatisfactionRated } from '../events';
import { requireEnvelope, requireExisting, requireInOrder, requireOneOf } from '../guards';
import type { DossierState } from '../state';

const RATINGS = ['satisfied', 'neutral', 'dissatisfied'] as const;

/** Citizen evaluation (Art. 27–32): once per dossier, whatever its status. */
export function rateSatisfaction(command: RateSatisfaction, state: DossierState, now: Date): SatisfactionRated[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const rating = requireOneOf(command.data.rating, RATINGS, 'rating');

  const dossier = requireExisting(state, dossierId);
  if (dossier.rating !== undefined) throw new AlreadyRated(dossier.code, dossier.rating, dossier.ratedAt ?? dossier.lastOccurredAt);
  requireInOrder(occurredAt, now, dossier);

  return [{ type: 'SatisfactionRated', data: { rating, ratedAt: occurredAt.toISOString() } }];
}

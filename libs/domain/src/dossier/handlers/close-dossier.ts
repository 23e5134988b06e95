import type { ResolveDossier, WithdrawDossier } from '../commands';
import type { DossierResolved, DossierWithdrawn } from '../events';
import { optionalText, requireEnvelope, requireExisting, requireInOrder, requireOneOf, requireOpen, requireText } from '../guards';
import type { DossierState } from '../state';

const OUTCOMES = ['approved', 'refused'] as const;

/** Approval or reasoned refusal (Art. 19.8, 20); both count as resolved. Allowed on any open dossier. */
export function resolveDossier(command: ResolveDossier, state: DossierState, now: Date): DossierResolved[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const outcome = requireOneOf(command.data.outcome, OUTCOMES, 'outcome');
  const note = optionalText(command.data.note, 'note');

  const dossier = requireOpen(requireExisting(state, dossierId), 'resolve');
  requireInOrder(occurredAt, now, dossier);

  return [
    {
      type: 'DossierResolved',
      data: {
        outcome,
        ...(note !== undefined && { note }),
        resolvedAt: occurredAt.toISOString(),
        ...(command.data.timingMode === 'day' && { timingMode: 'day' as const }),
      },
    },
  ];
}

/** The citizen withdraws; allowed on any open dossier. */
export function withdrawDossier(command: WithdrawDossier, state: DossierState, now: Date): DossierWithdrawn[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const reason = requireText(command.data.reason, 'reason');

  const dossier = requireOpen(requireExisting(state, dossierId), 'withdraw');
  requireInOrder(occurredAt, now, dossier);

  return [{ type: 'DossierWithdrawn', data: { reason, withdrawnAt: occurredAt.toISOString() } }];
}

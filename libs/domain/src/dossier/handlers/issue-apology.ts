import type { IssueApology } from '../commands';
import { ApologyAlreadyIssued, InvalidNewDueAt } from '../errors';
import type { ApologyIssued } from '../events';
import {
  optionalText,
  requireDate,
  requireEnvelope,
  requireExisting,
  requireInOrder,
  requireNotPaused,
  requireOpen,
  requireSupportedInstant,
  requireText,
} from '../guards';
import type { DossierState } from '../state';

/**
 * Form 04, apology and re-appointment (Art. 19.9): on any open dossier, once per dossier; the new
 * return time must be later than both the due time in force and the moment of the apology.
 */
export function issueApology(command: IssueApology, state: DossierState, now: Date): ApologyIssued[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const reason = requireText(command.data.reason, 'reason');
  const newDueAt = requireDate(command.data.newDueAt, 'newDueAt');
  const letterNumber = optionalText(command.data.letterNumber, 'letterNumber');

  const dossier = requireOpen(requireExisting(state, dossierId), 'issue an apology for');
  requireNotPaused(dossier, 'issue an apology for');
  if (dossier.apology) throw new ApologyAlreadyIssued(dossier.code, dossier.apology.issuedAt, dossier.apology.newDueAt);
  requireInOrder(occurredAt, now, dossier);
  // the timers compute alerts from it: a time the calendar cannot handle is refused here
  requireSupportedInstant(newDueAt, 'newDueAt');

  const dueInForce = dossier.effectiveDueAt;
  if (newDueAt.getTime() <= Date.parse(dueInForce)) {
    throw new InvalidNewDueAt(newDueAt.toISOString(), dueInForce, 'the due time in force');
  }
  if (newDueAt.getTime() <= occurredAt.getTime()) {
    throw new InvalidNewDueAt(newDueAt.toISOString(), occurredAt.toISOString(), 'the time of the apology');
  }

  return [
    {
      type: 'ApologyIssued',
      data: {
        reason,
        newDueAt: newDueAt.toISOString(),
        ...(letterNumber !== undefined && { letterNumber }),
        issuedAt: occurredAt.toISOString(),
        previousDueAt: dueInForce,
      },
    },
  ];
}

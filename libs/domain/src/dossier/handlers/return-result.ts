import { RETURN_METHODS } from '../../shared/types';
import type { ReturnResult } from '../commands';
import { InvalidCommand, InvalidTransition } from '../errors';
import type { ResultRecipient, ResultReturned } from '../events';
import { optionalText, requireEnvelope, requireExisting, requireInOrder, requireOneOf, requireText } from '../guards';
import type { DossierState } from '../state';

function recipientOf(value: unknown): ResultRecipient | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidCommand('recipient', 'must be an object with a name');
  const r = value as Record<string, unknown>;
  const name = requireText(r.name, 'recipient.name');
  const idNumber = optionalText(r.idNumber, 'recipient.idNumber');
  const relation = optionalText(r.relation, 'recipient.relation');
  return { name, ...(idNumber !== undefined && { idNumber }), ...(relation !== undefined && { relation }) };
}

/**
 * Return of the result (Art. 20): at the counter, by post or online, to the applicant or an authorised
 * person. Only after the resolution (the report judges timing at resolution), never before it in
 * business time; an early return (before the due time) is allowed.
 */
export function returnResult(command: ReturnResult, state: DossierState, now: Date): ResultReturned[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const method = requireOneOf(command.data.method, RETURN_METHODS, 'method');
  const recipient = recipientOf(command.data.recipient);
  const note = optionalText(command.data.note, 'note');

  const dossier = requireExisting(state, dossierId);
  if (dossier.status !== 'resolved') {
    const hint =
      dossier.status === 'returned'
        ? `The result was already returned on ${dossier.returnedAt}.`
        : 'Only a resolved dossier has a result to return: resolve it first.';
    throw new InvalidTransition(dossier.code, dossier.status, 'return the result of', hint);
  }
  requireInOrder(occurredAt, now, dossier);

  return [
    {
      type: 'ResultReturned',
      data: { method, ...(recipient !== undefined && { recipient }), ...(note !== undefined && { note }), returnedAt: occurredAt.toISOString() },
    },
  ];
}

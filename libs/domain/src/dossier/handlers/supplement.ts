import type { ReceiveSupplement, RequestSupplement } from '../commands';
import { InvalidNewDueAt } from '../errors';
import type { SupplementReceived, SupplementRequested } from '../events';
import { requireDate, requireEnvelope, requireExisting, requireInOrder, requireStatus, requireSupportedInstant, requireText } from '../guards';
// issue #14: no supplement request while paused
import { requireNotPaused } from '../guards';
import type { DossierState } from '../state';

/** Form 02 (Art. 19.4): the clock stops until the complete dossier arrives. */
export function requestSupplement(command: RequestSupplement, state: DossierState, now: Date): SupplementRequested[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const reason = requireText(command.data.reason, 'reason');

  requireNotPaused(requireExisting(state, dossierId), 'request a supplement for');
  const dossier = requireStatus(
    requireExisting(state, dossierId),
    ['received', 'assigned'],
    'request a supplement for',
    'A supplement has already been requested; record its receipt first.',
  );
  requireInOrder(occurredAt, now, dossier);

  return [{ type: 'SupplementRequested', data: { reason, requestedAt: occurredAt.toISOString() } }];
}

/** The complete dossier arrived: the clock restarts from zero with the new due time passed in. */
export function receiveSupplement(command: ReceiveSupplement, state: DossierState, now: Date): SupplementReceived[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const newDueAt = requireDate(command.data.newDueAt, 'newDueAt');
  const calendarVersion = requireText(command.data.calendarVersion, 'calendarVersion');

  const dossier = requireStatus(requireExisting(state, dossierId), ['awaiting-supplement'], 'receive a supplement for', 'No supplement was requested for it.');
  requireInOrder(occurredAt, now, dossier);
  requireSupportedInstant(newDueAt, 'newDueAt');
  if (newDueAt.getTime() <= occurredAt.getTime()) {
    throw new InvalidNewDueAt(newDueAt.toISOString(), occurredAt.toISOString(), 'the time the supplement was received');
  }

  return [
    {
      type: 'SupplementReceived',
      data: {
        receivedAt: occurredAt.toISOString(),
        dueAt: newDueAt.toISOString(),
        calendarVersion,
        previousDueAt: dossier.effectiveDueAt,
      },
    },
  ];
}

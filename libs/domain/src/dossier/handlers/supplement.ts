import type { ReceiveSupplement, RequestSupplement } from '../commands';
import { InvalidCommand, InvalidNewDueAt } from '../errors';
import type { SupplementReceived, SupplementRequested } from '../events';
import { optionalText, requireDate, requireEnvelope, requireExisting, requireInOrder, requireStatus, requireSupportedInstant, requireText } from '../guards';
// issue #14: no supplement request while paused
import { requireNotPaused } from '../guards';
import type { DossierState } from '../state';

/** Form 02 (Art. 19.4): the clock stops until the complete dossier arrives. */
export function requestSupplement(command: RequestSupplement, state: DossierState, now: Date): SupplementRequested[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const reason = requireText(command.data.reason, 'reason');
  const items = requireItems(command.data.items);
  const withinLegalTime = command.data.withinLegalTime;
  if (withinLegalTime !== undefined && typeof withinLegalTime !== 'boolean') throw new InvalidCommand('withinLegalTime', 'must be a boolean');

  requireNotPaused(requireExisting(state, dossierId), 'request a supplement for');
  const dossier = requireStatus(
    requireExisting(state, dossierId),
    ['received', 'assigned'],
    'request a supplement for',
    'A supplement has already been requested; record its receipt first.',
  );
  requireInOrder(occurredAt, now, dossier);

  return [
    {
      type: 'SupplementRequested',
      data: {
        reason,
        requestedAt: occurredAt.toISOString(),
        ...(items !== undefined && { items }),
        ...(withinLegalTime !== undefined && { withinLegalTime }),
        // a second request breaks "một lần đầy đủ" (one complete list): recorded, not refused
        sequence: dossier.supplements.length + 1,
      },
    },
  ];
}

/** The most items one request may list, and the longest name / note (form 02 is one page or two). */
export const SUPPLEMENT_ITEMS_MAX = 50;
export const SUPPLEMENT_ITEM_NAME_MAX = 500;
export const SUPPLEMENT_ITEM_NOTE_MAX = 1000;

function requireItems(value: unknown): { name: string; note?: string }[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new InvalidCommand('items', 'must be a list');
  if (value.length > SUPPLEMENT_ITEMS_MAX) throw new InvalidCommand('items', `must list at most ${SUPPLEMENT_ITEMS_MAX} items`);
  return value.map((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null) throw new InvalidCommand(`items[${i}]`, 'must be an object');
    const item = raw as Record<string, unknown>;
    const name = requireText(item.name, `items[${i}].name`);
    if (name.length > SUPPLEMENT_ITEM_NAME_MAX) throw new InvalidCommand(`items[${i}].name`, `must be at most ${SUPPLEMENT_ITEM_NAME_MAX} characters`);
    const note = optionalText(item.note, `items[${i}].note`);
    if (note !== undefined && note.length > SUPPLEMENT_ITEM_NOTE_MAX) {
      throw new InvalidCommand(`items[${i}].note`, `must be at most ${SUPPLEMENT_ITEM_NOTE_MAX} characters`);
    }
    return note === undefined ? { name } : { name, note };
  });
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
